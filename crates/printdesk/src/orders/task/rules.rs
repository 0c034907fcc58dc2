//! Pure rules of tasks: which action moves a task where, what an action must carry, and which
//! orders' tasks may be acted on. Nothing here touches the database.

use super::{ActionInput, TaskAction, TaskStatus};
use crate::kernel::error::FieldErrors;
use crate::kernel::i18n::Message;
use crate::orders::order::rules::OrderStatus;

/// Longest note of an action.
pub const MAX_NOTE: usize = 500;

/// The status after `action`, or why it is refused (a message for a 409). 改派 leaves the status
/// as it is but is refused on a finished task.
pub fn next_status(status: TaskStatus, action: TaskAction) -> Result<TaskStatus, Message> {
    use TaskAction as A;
    use TaskStatus as S;
    match (action, status) {
        (A::Start, S::Todo | S::Rework) => Ok(S::Doing),
        (A::Finish, S::Doing) => Ok(S::Done),
        (A::Rework, S::Done) => Ok(S::Rework),
        (A::Reassign, S::Todo | S::Doing | S::Rework) => Ok(status),
        (A::Start, _) => Err(Message::new("task.cannot_start")),
        (A::Finish, _) => Err(Message::new("task.cannot_finish")),
        (A::Rework, _) => Err(Message::new("task.cannot_rework")),
        (A::Reassign, _) => Err(Message::new("task.cannot_reassign")),
    }
}

/// The actions a task in `status` offers.
pub fn actions_for(status: TaskStatus) -> Vec<TaskAction> {
    TaskAction::ALL
        .into_iter()
        .filter(|action| next_status(status, *action).is_ok())
        .collect()
}

/// Only the tasks of an approved order (waiting, in production or done) can be acted on: a
/// draft's tasks are not released yet, a cancelled or delivered order's work is over.
pub fn order_accepts_work(status: OrderStatus) -> bool {
    matches!(
        status,
        OrderStatus::Approved | OrderStatus::InProduction | OrderStatus::Done
    )
}

/// The note of an action, trimmed: required for 返工, at most [`MAX_NOTE`] characters; and for
/// 改派 a department or a user.
pub fn check_input(action: TaskAction, input: &ActionInput) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    let note = input.note.trim();
    if action == TaskAction::Rework && note.is_empty() {
        errors.add("note", Message::new("task.note_required"));
    } else if note.chars().count() > MAX_NOTE {
        errors.add(
            "note",
            Message::new("task.note_too_long").arg("max", MAX_NOTE),
        );
    }
    if action == TaskAction::Reassign
        && input.department_id.is_none()
        && input.assignee_id.is_none()
    {
        errors.add("assignee_id", Message::new("task.reassign_target_required"));
    }
    errors.into_result(note.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_move_todo_doing_done_and_back_through_rework() {
        use TaskAction as A;
        use TaskStatus as S;
        let check = |status, action, expected: Option<TaskStatus>| {
            assert_eq!(
                next_status(status, action).ok(),
                expected,
                "{action:?} on {status:?}"
            );
        };
        check(S::Todo, A::Start, Some(S::Doing));
        check(S::Rework, A::Start, Some(S::Doing));
        check(S::Doing, A::Finish, Some(S::Done));
        check(S::Done, A::Rework, Some(S::Rework));
        check(S::Doing, A::Reassign, Some(S::Doing));
        check(S::Todo, A::Finish, None);
        check(S::Doing, A::Start, None);
        check(S::Done, A::Start, None);
        check(S::Todo, A::Rework, None);
        check(S::Done, A::Reassign, None);
        assert_eq!(actions_for(S::Todo), [A::Start, A::Reassign]);
        assert_eq!(actions_for(S::Done), [A::Rework]);
    }

    #[test]
    fn rework_needs_a_note_and_reassign_a_target() {
        let blank = ActionInput {
            note: "  ".to_owned(),
            ..ActionInput::default()
        };
        let fields = |errors: FieldErrors| -> Vec<String> {
            errors.iter().map(|e| e.field.to_string()).collect()
        };
        assert_eq!(
            fields(check_input(TaskAction::Rework, &blank).unwrap_err()),
            ["note"]
        );
        assert_eq!(
            fields(check_input(TaskAction::Reassign, &blank).unwrap_err()),
            ["assignee_id"]
        );
        assert_eq!(check_input(TaskAction::Start, &blank), Ok(String::new()));
        let long = ActionInput {
            note: "字".repeat(MAX_NOTE + 1),
            ..ActionInput::default()
        };
        assert!(check_input(TaskAction::Finish, &long).is_err());
        let reworked = ActionInput {
            note: " 裁切尺寸不对 ".to_owned(),
            ..ActionInput::default()
        };
        assert_eq!(
            check_input(TaskAction::Rework, &reworked),
            Ok("裁切尺寸不对".to_owned())
        );
        assert!(!order_accepts_work(OrderStatus::Draft));
        assert!(!order_accepts_work(OrderStatus::Cancelled));
        assert!(order_accepts_work(OrderStatus::Done));
    }
}
