//! Tests of 生产任务 and 任务设置 (manual 5.5.1, DOMAIN.md §4.7): tasks released with the
//! defaults of 任务设置, worked by a production user who holds only the task permissions, the
//! order's status following its tasks, stale clicks, reassigning, permissions and tenant
//! isolation — through the API and the pages, on both backends.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{Api, Backend, Browser, TestApp, field_message};
use crate::orders::{
    account_set_of, create_order, photo, photo_line, second_account_set, stand, walk_in,
};
use crate::products::item;
use crate::system_org::{Probe, assert_foreign_ids_are_not_found};

/// Routes that take a task's id.
const TASK_PROBES: &[Probe] = &[
    Probe::PageGet("/orders/tasks/{id}"),
    Probe::PagePost("/orders/tasks/{id}/actions/start", &[("version", "1")]),
    Probe::PagePost(
        "/orders/tasks/{id}/actions/reassign",
        &[("version", "1"), ("note", "探测")],
    ),
    Probe::ApiGet("/api/v1/tasks/{id}"),
    Probe::ApiPost("/api/v1/tasks/{id}/actions/start", r#"{"version":1}"#),
    Probe::ApiPost("/api/v1/tasks/{id}/actions/finish", r#"{"version":1}"#),
    Probe::ApiPost(
        "/api/v1/tasks/{id}/actions/rework",
        r#"{"version":1,"note":"探测"}"#,
    ),
    Probe::ApiPost("/api/v1/tasks/{id}/actions/reassign", r#"{"version":1}"#),
];

const WORKER_PASSWORD: &str = "Secret2026";

/// Creates a role with `permissions` and a user `login` holding it, in the account set of `api`
/// and in `department_id`. Returns the user's id.
async fn user_with(
    api: &Api,
    login: &str,
    permissions: &[&str],
    department_id: Option<i64>,
) -> i64 {
    let account_set = account_set_of(api).await;
    let (status, role) = api
        .post(
            "/api/v1/roles",
            json!({ "name": format!("{login}角色"), "permissions": permissions }),
        )
        .await;
    assert!(status.is_success(), "{role}");
    let (status, user) = api
        .post(
            "/api/v1/users",
            json!({ "login": login, "display_name": format!("{login}师傅"),
                    "password": WORKER_PASSWORD, "department_id": department_id,
                    "role_ids": [role["id"]], "account_set_ids": [account_set] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    user["id"].as_i64().unwrap()
}

async fn department(api: &Api, name: &str) -> i64 {
    let (status, department) = api
        .post("/api/v1/departments", json!({ "name": name }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{department}");
    department["id"].as_i64().unwrap()
}

/// An approved order of 写真 (lamination by default) and 展架 with 打扣: two tasks.
async fn approved_order(api: &Api, stand_id: i64, eyelets: i64) -> i64 {
    let order = create_order(
        api,
        walk_in(json!([
            photo_line(),
            { "product_id": stand_id, "quantity": "3", "process_ids": [eyelets] },
        ])),
    )
    .await;
    let id = order["id"].as_i64().unwrap();
    let (status, res) = api
        .post(&format!("/api/v1/orders/{id}/actions/approve"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    id
}

async fn order_status(api: &Api, id: i64) -> String {
    let (_, order) = api.get(&format!("/api/v1/orders/{id}")).await;
    order["status"].as_str().unwrap().to_owned()
}

/// The tasks of the order numbered like `order` (by due time, then id).
async fn tasks_of(api: &Api, order_id: i64) -> Vec<Value> {
    let (status, tasks) = api.get("/api/v1/tasks").await;
    assert_eq!(status, StatusCode::OK, "{tasks}");
    tasks
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["order_id"] == order_id)
        .cloned()
        .collect()
}

async fn act(api: &Api, task: i64, action: &str, body: Value) -> (StatusCode, Value) {
    api.post(&format!("/api/v1/tasks/{task}/actions/{action}"), body)
        .await
}

/// Saves 任务设置 through the page as `browser`.
async fn save_settings(browser: &Browser, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let res = browser.post_form("/orders/task-settings", fields).await;
    let status = res.status();
    (status, res.text().await.unwrap())
}

async fn tasks_follow_settings_and_move_the_order(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let admin = app.sign_in_admin().await;
    photo(&api).await;
    let stand_id = stand(&api).await;
    let lamination = item(&api, "process", "覆膜(亮膜)").await;
    let eyelets = item(&api, "process", "打扣").await;
    let printing = department(&api, "印刷部").await;
    let worker = user_with(
        &api,
        "worker",
        &["orders.task.view", "orders.task.work"],
        Some(printing),
    )
    .await;
    // 任务设置: lamination goes to 印刷部, eyelets to the worker.
    let (status, page) = admin.get_text("/orders/task-settings").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("覆膜(亮膜)") && page.contains("打扣"),
        "{page}"
    );
    let department_field = format!("department_{lamination}");
    let user_field = format!("user_{eyelets}");
    let (printing_text, worker_text) = (printing.to_string(), worker.to_string());
    let (status, _) = save_settings(
        &admin,
        &[
            (department_field.as_str(), printing_text.as_str()),
            (user_field.as_str(), worker_text.as_str()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = admin.get_text("/orders/task-settings?done=1").await;
    assert!(page.contains("任务设置已保存"), "{page}");
    assert!(
        page.contains(&format!("<option value=\"{worker}\" selected>")),
        "{page}"
    );
    // Approval: one task per line process, with the defaults.
    let order = approved_order(&api, stand_id, eyelets).await;
    let tasks = tasks_of(&api, order).await;
    assert_eq!(tasks.len(), 2, "{tasks:?}");
    let (laminating, punching) = (&tasks[0], &tasks[1]);
    assert_eq!(laminating["process"], "覆膜(亮膜)");
    assert_eq!(laminating["department_id"], json!(printing));
    assert_eq!(laminating["department"], "印刷部");
    assert_eq!(laminating["assignee_id"], Value::Null);
    assert_eq!(laminating["status"], "todo");
    assert_eq!(laminating["customer"], "李先生");
    assert_eq!(laminating["product"], "写真");
    assert_eq!(
        (laminating["width"].as_str(), laminating["height"].as_str()),
        (Some("0.6"), Some("0.8"))
    );
    assert_eq!(laminating["quantity"], "2");
    assert_eq!(laminating["due_at"], "2099-12-31 17:30");
    assert_eq!(punching["process"], "打扣");
    assert_eq!(punching["department_id"], Value::Null);
    assert_eq!(punching["assignee_id"], json!(worker));
    assert_eq!(punching["assignee"], "worker师傅");
    assert_eq!(order_status(&api, order).await, "approved");
    let laminating = laminating["id"].as_i64().unwrap();
    let punching = punching["id"].as_i64().unwrap();
    // The worker sees both: one by department, one by name.
    let worker_api = app.api("worker", WORKER_PASSWORD, None).await;
    let (status, mine) = worker_api.get("/api/v1/tasks?mine=1").await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    let mine: Vec<i64> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(mine, [laminating, punching]);
    // 开始: the order goes into production.
    let (status, res) = act(&worker_api, laminating, "start", json!({ "version": 1 })).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["status"], "doing");
    assert_eq!(res["version"], 2);
    assert!(res["started_at"].is_string(), "{res}");
    assert_eq!(order_status(&api, order).await, "in_production");
    // A second click on the page the worker saw before is refused, and nothing moves.
    let (status, res) = act(&worker_api, laminating, "finish", json!({ "version": 1 })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    assert_eq!(
        field_message(&res, "").as_deref(),
        Some("该任务刚被他人处理过，请刷新页面后再操作")
    );
    let (status, res) = act(&worker_api, laminating, "start", json!({ "version": 2 })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    // Through the page: 完成 from 我的任务 goes back to the list.
    let worker_browser = app.sign_in("worker", WORKER_PASSWORD).await;
    let (status, page) = worker_browser.get_text("/orders/tasks/mine").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("id=\"task-{laminating}-finish\"")),
        "{page}"
    );
    assert!(page.contains("2099-12-31 17:30"), "{page}");
    let res = worker_browser
        .post_form(
            &format!("/orders/tasks/{laminating}/actions/finish"),
            &[("version", "2"), ("back", "mine")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/orders/tasks/mine");
    assert_eq!(order_status(&api, order).await, "in_production");
    let (_, page) = worker_browser.get_text("/orders/tasks/mine").await;
    assert!(
        !page.contains(&format!("id=\"task-{laminating}\"")),
        "done tasks leave 我的任务"
    );
    // The last task done: the order is done. Started from the board filtered to 打扣, which
    // the worker is sent back to with its filters.
    let board = format!("/orders/tasks?process_id={eyelets}&q=DD");
    let (status, page) = worker_browser.get_text(&board).await;
    assert_eq!(status, StatusCode::OK);
    let filters = crate::orders::hidden(&page, "filters");
    assert_eq!(filters, format!("process_id={eyelets}&#38;q=DD"));
    let res = worker_browser
        .post_form(
            &format!("/orders/tasks/{punching}/actions/start"),
            &[
                ("version", "1"),
                ("back", "board"),
                ("filters", &filters.replace("&#38;", "&")),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"].to_str().unwrap(), board);
    let (status, _) = act(&worker_api, punching, "finish", json!({ "version": 2 })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(order_status(&api, order).await, "done");
    // 返工 needs a reason; with one, the order is back in production.
    let (status, res) = act(&worker_api, punching, "rework", json!({ "version": 3 })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(
        field_message(&res, "note").as_deref(),
        Some("返工须填写原因")
    );
    let (status, res) = act(
        &worker_api,
        punching,
        "rework",
        json!({ "version": 3, "note": "扣眼位置偏了" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["status"], "rework");
    assert_eq!(res["finished_at"], Value::Null);
    assert_eq!(order_status(&api, order).await, "in_production");
    let history: Vec<(&str, &str)> = res["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["note"].as_str().unwrap()))
        .collect();
    assert_eq!(
        history,
        [("start", ""), ("finish", ""), ("rework", "扣眼位置偏了")]
    );
    assert_eq!(res["history"][2]["by"], "worker师傅");
    // The task page shows the history; the board finds the task by order number.
    let (status, page) = worker_browser
        .get_text(&format!("/orders/tasks/{punching}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("扣眼位置偏了"), "{page}");
    let (_, read) = api.get(&format!("/api/v1/orders/{order}")).await;
    let number = read["number"].as_str().unwrap().to_owned();
    let (status, page) = worker_browser
        .get_text(&format!("/orders/tasks?q={}", &number[number.len() - 4..]))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("id=\"task-{punching}\"")), "{page}");
    let (_, page) = worker_browser.get_text("/orders/tasks?q=NOPE").await;
    assert!(!page.contains(&format!("id=\"task-{punching}\"")), "{page}");
    let (_, filtered) = api
        .get(&format!(
            "/api/v1/tasks?process_id={lamination}&status=done"
        ))
        .await;
    let ids: Vec<i64> = filtered
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [laminating]);
    // Every action is in the audit trail and in task_events.
    assert_eq!(
        app.count("select count(*) from audit_log where doc_kind = 'task'")
            .await,
        5
    );
    assert_eq!(app.count("select count(*) from task_events").await, 5);
}

async fn reassigning_checks_the_target_and_drafts_refuse_work(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let api_b = second_account_set(&app, &api).await;
    photo(&api).await;
    let stand_id = stand(&api).await;
    let eyelets = item(&api, "process", "打扣").await;
    let finishing = department(&api, "后道部").await;
    let foreign_department = department(&api_b, "分店印刷部").await;
    let worker = user_with(
        &api,
        "worker",
        &["orders.task.view", "orders.task.work"],
        None,
    )
    .await;
    let order = approved_order(&api, stand_id, eyelets).await;
    let task = tasks_of(&api, order).await[0]["id"].as_i64().unwrap();
    // Another account set's department, an unknown user, or nobody at all: 422 on the field.
    let (status, res) = act(
        &api,
        task,
        "reassign",
        json!({ "version": 1, "department_id": foreign_department }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(
        field_message(&res, "department_id").as_deref(),
        Some("该部门不属于本账套或已删除")
    );
    let (status, res) = act(
        &api,
        task,
        "reassign",
        json!({ "version": 1, "assignee_id": 999_999 }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert!(field_message(&res, "assignee_id").is_some(), "{res}");
    let (status, res) = act(&api, task, "reassign", json!({ "version": 1 })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert!(field_message(&res, "assignee_id").is_some(), "{res}");
    assert_eq!(app.count("select count(*) from task_events").await, 0);
    // The page shows the message next to the field.
    let admin = app.sign_in_admin().await;
    let foreign_text = foreign_department.to_string();
    let res = admin
        .post_form(
            &format!("/orders/tasks/{task}/actions/reassign"),
            &[("version", "1"), ("department_id", foreign_text.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("该部门不属于本账套或已删除")
    );
    // A good reassign is recorded with the new holders and the note.
    let (status, res) = act(
        &api,
        task,
        "reassign",
        json!({ "version": 1, "department_id": finishing, "assignee_id": worker,
                "note": "急单，交后道" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["status"], "todo");
    assert_eq!(res["department"], "后道部");
    assert_eq!(res["assignee_id"], json!(worker));
    assert_eq!(
        (
            res["history"][0]["action"].as_str(),
            res["history"][0]["department"].as_str(),
            res["history"][0]["assignee"].as_str(),
            res["history"][0]["note"].as_str()
        ),
        (
            Some("reassign"),
            Some("后道部"),
            Some("worker师傅"),
            Some("急单，交后道")
        )
    );
    assert_eq!(order_status(&api, order).await, "approved");
    // A task of an order that is not approved cannot be acted on.
    sqlx::query("update orders set status = 'draft' where id = $1")
        .bind(order)
        .execute(app.db.pool())
        .await
        .unwrap();
    let (status, res) = act(&api, task, "start", json!({ "version": 2 })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    assert!(
        field_message(&res, "").unwrap().contains("未审核或已作废"),
        "{res}"
    );
    let (status, _) = act(&api, task, "nonsense", json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn permissions_and_account_sets_guard_tasks(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let api_b = second_account_set(&app, &api).await;
    photo(&api).await;
    let stand_id = stand(&api).await;
    let eyelets = item(&api, "process", "打扣").await;
    let order = approved_order(&api, stand_id, eyelets).await;
    let task = tasks_of(&api, order).await[0]["id"].as_i64().unwrap();
    // A viewer sees tasks but may not act; a clerk without task permissions sees none.
    user_with(&api, "viewer", &["orders.task.view"], None).await;
    user_with(&api, "clerk", &["orders.order.view"], None).await;
    let viewer = app.api("viewer", WORKER_PASSWORD, None).await;
    let (status, _) = viewer.get(&format!("/api/v1/tasks/{task}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = act(&viewer, task, "start", json!({ "version": 1 })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let viewer_browser = app.sign_in("viewer", WORKER_PASSWORD).await;
    let (status, page) = viewer_browser.get_text("/orders/tasks").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !page.contains(&format!("id=\"task-{task}-start\"")),
        "{page}"
    );
    let res = viewer_browser
        .post_form(
            &format!("/orders/tasks/{task}/actions/start"),
            &[("version", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (status, _) = viewer_browser.get_text("/orders/task-settings").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let clerk = app.api("clerk", WORKER_PASSWORD, None).await;
    let (status, _) = clerk.get("/api/v1/tasks").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, read) = api.get(&format!("/api/v1/tasks/{task}")).await;
    assert_eq!(read["status"], "todo");
    // Account set B's task is not found from A, and A's lists do not show it.
    photo(&api_b).await;
    let stand_b = stand(&api_b).await;
    let eyelets_b = item(&api_b, "process", "打扣").await;
    let order_b = approved_order(&api_b, stand_b, eyelets_b).await;
    let task_b = tasks_of(&api_b, order_b).await[0]["id"].as_i64().unwrap();
    assert_ne!(account_set_of(&api).await, account_set_of(&api_b).await);
    let admin = app.sign_in_admin().await;
    assert_foreign_ids_are_not_found(&admin, &api, TASK_PROBES, task_b).await;
    let (_, listed) = api.get("/api/v1/tasks").await;
    assert!(
        listed.as_array().unwrap().iter().all(|t| t["id"] != task_b),
        "{listed}"
    );
    let (_, read) = api_b.get(&format!("/api/v1/tasks/{task_b}")).await;
    assert_eq!(
        (read["status"].as_str(), read["version"].as_i64()),
        (Some("todo"), Some(1))
    );
    // 任务设置 refuses B's department and names the row; nothing is saved.
    let foreign_department = department(&api_b, "分店印刷部").await;
    let field = format!("department_{eyelets}");
    let foreign_text = foreign_department.to_string();
    let (status, page) = save_settings(&admin, &[(field.as_str(), foreign_text.as_str())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("工序「打扣」：部门不属于本账套或已删除"),
        "{page}"
    );
    assert_eq!(app.count("select count(*) from task_defaults").await, 0);
}

/// 任务设置 over the API: read, replace, refuse an unknown department on its field with nothing
/// saved, and only with the settings permission.
async fn task_settings_through_the_api(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let lamination = item(&api, "process", "覆膜(亮膜)").await;
    let eyelets = item(&api, "process", "打扣").await;
    let printing = department(&api, "印刷部").await;
    let worker = user_with(&api, "worker", &["orders.task.view"], Some(printing)).await;
    let (status, settings) = api.get("/api/v1/task-settings").await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    let row = |settings: &Value, process: i64| {
        settings
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["process_id"] == process)
            .cloned()
            .unwrap_or_else(|| panic!("process {process} missing from {settings}"))
    };
    assert_eq!(row(&settings, lamination)["process_name"], "覆膜(亮膜)");
    assert_eq!(row(&settings, lamination)["department_id"], Value::Null);
    let (status, saved) = api
        .put(
            "/api/v1/task-settings",
            json!([
                { "process_id": lamination, "department_id": printing },
                { "process_id": eyelets, "user_id": worker },
            ]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(row(&saved, lamination)["department_id"], json!(printing));
    assert_eq!(row(&saved, eyelets)["user_id"], json!(worker));
    let (_, read) = api.get("/api/v1/task-settings").await;
    assert_eq!(read, saved);
    // An unknown department: 422 on its field, nothing changed.
    let (status, res) = api
        .put(
            "/api/v1/task-settings",
            json!([{ "process_id": lamination, "department_id": 987_654 }]),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(
        res["errors"][0]["field"],
        format!("department_{lamination}")
    );
    let (_, read) = api.get("/api/v1/task-settings").await;
    assert_eq!(read, saved);
    // Without 前台设置 rights.
    let worker_api = app.api("worker", WORKER_PASSWORD, None).await;
    let (status, _) = worker_api.get("/api/v1/task-settings").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = worker_api.put("/api/v1/task-settings", json!([])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

backend_tests!(
    task_settings_through_the_api,
    tasks_follow_settings_and_move_the_order,
    reassigning_checks_the_target_and_drafts_refuse_work,
    permissions_and_account_sets_guard_tasks,
);
