//! Rules of a journal entry: balanced, every line on one side, at least two lines.

use crate::finance::ledger_account::LedgerAccountId;
use crate::kernel::error::FieldErrors;
use crate::kernel::i18n::Message;
use crate::kernel::money::Money;

/// One line of an entry: an account and an amount on the debit or the credit side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryLine {
    pub ledger_account_id: LedgerAccountId,
    pub debit: Money,
    pub credit: Money,
    pub memo: String,
}

/// A balanced entry ready to post. Built only by [`NewEntry::parse`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEntry {
    entry_date: String,
    memo: String,
    source_kind: &'static str,
    source_id: Option<i64>,
    lines: Vec<EntryLine>,
}

impl NewEntry {
    /// Checks the entry: a date `YYYY-MM-DD`, a memo (摘要) of 1–200 characters, at least two lines,
    /// each with exactly one positive side, and debits equal to credits.
    pub fn parse(
        entry_date: &str,
        memo: &str,
        source_kind: &'static str,
        source_id: Option<i64>,
        lines: Vec<EntryLine>,
    ) -> Result<NewEntry, FieldErrors> {
        let mut errors = FieldErrors::new();
        if chrono::NaiveDate::parse_from_str(entry_date.trim(), "%Y-%m-%d").is_err() {
            errors.add("entry_date", Message::new("journal.date_invalid"));
        }
        let memo = memo.trim();
        if memo.is_empty() {
            errors.add("memo", Message::new("journal.memo_required"));
        } else if memo.chars().count() > 200 {
            errors.add("memo", Message::new("error.too_long").arg("max", 200));
        }
        if lines.len() < 2 {
            errors.add("lines", Message::new("journal.two_lines"));
        }
        let mut debit = Money::ZERO;
        let mut credit = Money::ZERO;
        for (idx, line) in lines.iter().enumerate() {
            let field = format!("lines[{idx}]");
            if line.debit.is_negative() || line.credit.is_negative() {
                errors.add(field, Message::new("journal.line_negative"));
            } else if line.debit.is_zero() == line.credit.is_zero() {
                errors.add(field, Message::new("journal.line_one_side"));
            }
            debit = debit.checked_add(line.debit).unwrap_or(Money::ZERO);
            credit = credit.checked_add(line.credit).unwrap_or(Money::ZERO);
        }
        if errors.is_empty() && debit != credit {
            errors.add(
                "lines",
                Message::new("journal.unbalanced")
                    .arg("debit", debit.format(2))
                    .arg("credit", credit.format(2)),
            );
        }
        errors.into_result(NewEntry {
            entry_date: entry_date.trim().to_owned(),
            memo: memo.to_owned(),
            source_kind,
            source_id,
            lines,
        })
    }

    pub fn entry_date(&self) -> &str {
        &self.entry_date
    }

    pub fn memo(&self) -> &str {
        &self.memo
    }

    pub fn source_kind(&self) -> &'static str {
        self.source_kind
    }

    pub fn source_id(&self) -> Option<i64> {
        self.source_id
    }

    pub fn lines(&self) -> &[EntryLine] {
        &self.lines
    }

    /// The total of either side.
    pub fn total(&self) -> Money {
        self.lines.iter().fold(Money::ZERO, |sum, line| {
            sum.checked_add(line.debit).unwrap_or(sum)
        })
    }
}

/// The lines of a reversal (红冲): the same accounts with debit and credit swapped.
pub fn reversal_lines(lines: &[EntryLine]) -> Vec<EntryLine> {
    lines
        .iter()
        .map(|line| EntryLine {
            ledger_account_id: line.ledger_account_id,
            debit: line.credit,
            credit: line.debit,
            memo: line.memo.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(account: i64, debit: &str, credit: &str) -> EntryLine {
        EntryLine {
            ledger_account_id: LedgerAccountId(account),
            debit: Money::parse(debit).unwrap(),
            credit: Money::parse(credit).unwrap(),
            memo: String::new(),
        }
    }

    #[track_caller]
    fn check(lines: Vec<EntryLine>, expected: &[(&str, &str)]) {
        let got = NewEntry::parse("2026-11-25", "收现金", "manual", None, lines);
        let got: Vec<(String, &str)> = match &got {
            Ok(_) => Vec::new(),
            Err(errors) => errors
                .iter()
                .map(|e| (e.field.to_string(), e.message.key()))
                .collect(),
        };
        let expected: Vec<(String, &str)> =
            expected.iter().map(|(f, k)| (f.to_string(), *k)).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn entries_must_balance() {
        check(vec![line(1, "100.00", "0"), line(2, "0", "100.00")], &[]);
        check(
            vec![
                line(1, "100.00", "0"),
                line(2, "0", "60"),
                line(3, "0", "40"),
            ],
            &[],
        );
        check(
            vec![line(1, "100.00", "0"), line(2, "0", "99.99")],
            &[("lines", "journal.unbalanced")],
        );
        check(
            vec![line(1, "100.00", "0")],
            &[("lines", "journal.two_lines")],
        );
        check(vec![], &[("lines", "journal.two_lines")]);
        check(
            vec![line(1, "5", "5"), line(2, "0", "0")],
            &[
                ("lines[0]", "journal.line_one_side"),
                ("lines[1]", "journal.line_one_side"),
            ],
        );
        check(
            vec![line(1, "-5", "0"), line(2, "0", "-5")],
            &[
                ("lines[0]", "journal.line_negative"),
                ("lines[1]", "journal.line_negative"),
            ],
        );
    }

    #[test]
    fn date_and_memo_are_checked() {
        let lines = vec![line(1, "1", "0"), line(2, "0", "1")];
        let errors = NewEntry::parse("2026-13-01", " ", "manual", None, lines).unwrap_err();
        let keys: Vec<&str> = errors.iter().map(|e| e.message.key()).collect();
        assert_eq!(keys, ["journal.date_invalid", "journal.memo_required"]);
    }

    #[test]
    fn reversal_swaps_sides() {
        let lines = vec![line(1, "12.34", "0"), line(2, "0", "12.34")];
        let reversed = reversal_lines(&lines);
        assert_eq!(reversed, vec![line(1, "0", "12.34"), line(2, "12.34", "0")]);
        assert_eq!(reversal_lines(&reversed), lines);
    }
}
