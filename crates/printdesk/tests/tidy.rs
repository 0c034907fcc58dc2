//! Tidy checks: what a machine can check about the code base, run by `cargo test` (after
//! rust-analyzer's `xtask/src/tidy.rs`, CONVENTIONS.md §10).
//!
//! Each check walks the files itself and reports every offender at once, not only the first.

use std::path::{Path, PathBuf};

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let offenders: Vec<String> = rust_files(&["src", "tests"])
        .into_iter()
        .filter(|(_, text)| !text.trim_start().starts_with("//!"))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(
        offenders,
        Vec::<String>::new(),
        "these files need a `//!` module doc saying what they own"
    );
}

#[test]
fn rules_files_know_no_database_and_no_http() {
    let mut offenders = Vec::new();
    for (path, text) in rust_files(&["src"]) {
        if !path.ends_with("/rules.rs") {
            continue;
        }
        for banned in ["sqlx::", "axum::"] {
            if text.contains(banned) {
                offenders.push(format!("{path} uses {banned}"));
            }
        }
    }
    assert_eq!(
        offenders,
        Vec::<String>::new(),
        "rules.rs holds pure rules (CONVENTIONS.md §1)"
    );
}

#[test]
fn migration_folders_list_the_same_versions() {
    let sqlite = sql_file_names("migrations/sqlite");
    let postgres = sql_file_names("migrations/postgres");
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres must list the same files"
    );
    let embedded: Vec<String> = printdesk::kernel::db::migration_names()
        .into_iter()
        .map(|(version, name)| format!("{version:04}_{name}.sql"))
        .collect();
    assert_eq!(
        sqlite, embedded,
        "kernel::db::MIGRATIONS must embed every file of the migration folders, in order"
    );
}

#[test]
fn tests_are_never_ignored_and_never_expect_a_panic() {
    // Spelled in pieces so that this file does not find itself.
    let banned = [concat!("#[", "ignore"), concat!("should", "_panic")];
    let mut offenders = Vec::new();
    for (path, text) in rust_files(&["src", "tests"]) {
        for needle in banned {
            if text.contains(needle) {
                offenders.push(format!("{path} contains {needle}"));
            }
        }
    }
    assert_eq!(
        offenders,
        Vec::<String>::new(),
        "assert today's behaviour with a FIXME instead (CONVENTIONS.md §10)"
    );
}

#[test]
fn no_floats_in_the_app() {
    let mut offenders = Vec::new();
    for (path, text) in rust_files(&["src"]) {
        // The benchmark prints ratios and milliseconds; it never touches money.
        if path.ends_with("/src/bench.rs") || path == "src/bench.rs" {
            continue;
        }
        for (line_idx, line) in text.lines().enumerate() {
            let has_float = line
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(|word| word == "f32" || word == "f64");
            if has_float {
                offenders.push(format!("{path}:{}: {}", line_idx + 1, line.trim()));
            }
        }
    }
    assert_eq!(
        offenders,
        Vec::<String>::new(),
        "money and quantities are never floats (DESIGN.md rule 1)"
    );
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under the given folders of the crate, as (path relative to the crate, text).
fn rust_files(roots: &[&str]) -> Vec<(String, String)> {
    let base = crate_dir();
    let mut files = Vec::new();
    for root in roots {
        walk(&base.join(root), &mut files);
    }
    files.sort();
    files
        .into_iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|err| panic!("reading {}: {err}", path.display()));
            let relative = path
                .strip_prefix(&base)
                .map_or_else(|_| path.display().to_string(), |p| p.display().to_string());
            (relative, text)
        })
        .collect()
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|err| panic!("reading {}: {err}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            walk(&path, files);
        } else {
            files.push(path);
        }
    }
}

fn sql_file_names(folder: &str) -> Vec<String> {
    let dir = crate_dir().join(folder);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("reading {}: {err}", dir.display()))
        .map(|entry| {
            entry
                .expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".sql"))
        .collect();
    names.sort();
    names
}
