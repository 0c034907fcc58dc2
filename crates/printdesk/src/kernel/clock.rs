//! Wall-clock time in the one text form the database stores: RFC 3339 UTC with milliseconds.
//!
//! Rules never read the clock; services read it here and pass the time down as an argument.

use chrono::{DateTime, SecondsFormat, Utc};

/// Now, as stored: `2026-11-25T08:15:30.123Z`. Sorts correctly as text.
pub fn now_text() -> String {
    to_text(Utc::now())
}

pub fn to_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses a stored timestamp; `None` for anything else.
pub fn parse_text(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

/// A stored timestamp shown to a person in China Standard Time (UTC+8), `2026-11-25 16:15`.
pub fn display_local(text: &str) -> String {
    match parse_text(text) {
        Some(at) => {
            let offset = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
            at.with_timezone(&offset)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        }
        None => text.to_owned(),
    }
}

/// Today's date in China Standard Time, `YYYY-MM-DD`, the business day of a shop.
pub fn today_local() -> String {
    let offset = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    Utc::now()
        .with_timezone(&offset)
        .format("%Y-%m-%d")
        .to_string()
}
