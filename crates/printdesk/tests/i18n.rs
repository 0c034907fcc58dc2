//! The locale catalog is complete: every key has zh-CN, zh-TW and en, and every key the code or
//! a template names exists (DESIGN.md "Languages", CONVENTIONS.md §5).
//!
//! Keys are found by their literal in `.t("…")`, `.t_args("…"`, `t!("…"`, `Message::new("…")`
//! and `label_key: "…"`. Keys built at run time (`format!("permission.{…}")`) cannot be found that
//! way, so the permission labels are checked against `kernel::auth::CATALOGUE` instead.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const LOCALES: [&str; 3] = ["zh-CN", "zh-TW", "en"];

#[test]
fn every_key_has_every_locale() {
    let mut problems = Vec::new();
    for (key, entry) in catalog() {
        for locale in LOCALES {
            let text = entry.texts.get(locale).map_or("", String::as_str);
            if text.trim().is_empty() {
                problems.push(format!("{}: {key} has no {locale} text", entry.file));
            }
        }
    }
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn every_key_is_defined_once() {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut problems = Vec::new();
    for (file, keys) in catalog_files() {
        for (key, _) in keys {
            if let Some(first) = seen.insert(key.clone(), file.clone()) {
                problems.push(format!("{key} is in {first} and {file}"));
            }
        }
    }
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn every_key_named_in_code_or_templates_exists() {
    let catalog = catalog();
    let mut missing = Vec::new();
    for (path, text) in source_files() {
        for key in key_literals(&text) {
            if !catalog.contains_key(&key) {
                missing.push(format!("{path}: {key}"));
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "add these keys to a locales/*.yml file"
    );
}

#[test]
fn every_permission_and_chapter_has_a_label() {
    let catalog = catalog();
    let mut missing = Vec::new();
    for group in printdesk::kernel::auth::CATALOGUE {
        if !catalog.contains_key(group.label_key) {
            missing.push(group.label_key.to_owned());
        }
        for permission in group.permissions {
            let key = format!("permission.{}", permission.key());
            if !catalog.contains_key(&key) {
                missing.push(key);
            }
        }
    }
    assert_eq!(missing, Vec::<String>::new());
}

#[test]
fn key_literals_are_found() {
    let text = r#"l.t("menu.desktop") shell.l.t_args("desktop.greeting", x) Message::new("error.too_long")
        label_key: "menu.finance", t!("app.name") errors.text("login", l) format!("permission.{k}")
        expect("a sentence, not a key")"#;
    assert_eq!(
        key_literals(text),
        [
            "menu.desktop",
            "desktop.greeting",
            "error.too_long",
            "menu.finance",
            "app.name"
        ]
    );
}

struct Entry {
    file: String,
    texts: BTreeMap<String, String>,
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every key of every catalog file, keyed by its full dotted name.
fn catalog() -> BTreeMap<String, Entry> {
    let mut all = BTreeMap::new();
    for (file, keys) in catalog_files() {
        for (key, texts) in keys {
            all.insert(
                key,
                Entry {
                    file: file.clone(),
                    texts,
                },
            );
        }
    }
    all
}

type FileKeys = Vec<(String, BTreeMap<String, String>)>;

/// Each `locales/*.yml` with its keys. A mapping that has a locale code among its keys is one
/// message; any other mapping nests keys (`a: { b: { en: … } }` is `a.b`).
fn catalog_files() -> Vec<(String, FileKeys)> {
    let dir = crate_dir().join("locales");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("reading locales/")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yml" || ext == "yaml")
        })
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no catalog files in locales/");
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("reading a catalog file");
            let value: serde_yaml::Value = serde_yaml::from_str(&text)
                .unwrap_or_else(|err| panic!("{} is not valid YAML: {err}", path.display()));
            let mut keys = Vec::new();
            flatten("", &value, &mut keys);
            let name = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            (format!("locales/{name}"), keys)
        })
        .collect()
}

fn flatten(prefix: &str, value: &serde_yaml::Value, keys: &mut FileKeys) {
    let Some(mapping) = value.as_mapping() else {
        keys.push((prefix.to_owned(), BTreeMap::new()));
        return;
    };
    let is_message = mapping
        .keys()
        .any(|k| k.as_str().is_some_and(|k| LOCALES.contains(&k)));
    if is_message && !prefix.is_empty() {
        let texts = mapping
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.as_str()?.to_owned())))
            .collect();
        keys.push((prefix.to_owned(), texts));
        return;
    }
    for (k, v) in mapping {
        let name = match k {
            serde_yaml::Value::String(s) => s.clone(),
            other => serde_yaml::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_owned(),
        };
        if prefix.is_empty() && name == "_version" {
            continue;
        }
        let full = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}.{name}")
        };
        flatten(&full, v, keys);
    }
}

/// Every `.rs` file under `src/` and `.html` file under `templates/`.
fn source_files() -> Vec<(String, String)> {
    let base = crate_dir();
    let mut paths = Vec::new();
    walk(&base.join("src"), &mut paths);
    walk(&base.join("templates"), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "rs" || ext == "html")
        })
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("reading a source file");
            let relative = path
                .strip_prefix(&base)
                .map_or_else(|_| path.display().to_string(), |p| p.display().to_string());
            (relative, text)
        })
        .collect()
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            walk(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// The catalog keys named by literal in `text`, in order of appearance. A literal that does not
/// look like a key (lowercase words joined by dots) is not a lookup and is skipped.
fn key_literals(text: &str) -> Vec<String> {
    const OPENERS: [&str; 5] = [
        ".t(\"",
        ".t_args(\"",
        "t!(\"",
        "Message::new(\"",
        "label_key: \"",
    ];
    let mut found: Vec<(usize, String)> = Vec::new();
    for opener in OPENERS {
        for (at, _) in text.match_indices(opener) {
            // `t!(` must not be the tail of another macro such as `format!(` or `assert!(`.
            if opener == "t!(\""
                && text[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
            {
                continue;
            }
            let rest = &text[at + opener.len()..];
            let Some(end) = rest.find('"') else { continue };
            let literal = &rest[..end];
            if looks_like_key(literal) {
                found.push((at, literal.to_owned()));
            }
        }
    }
    found.sort();
    found.into_iter().map(|(_, key)| key).collect()
}

fn looks_like_key(literal: &str) -> bool {
    literal.contains('.')
        && !literal.starts_with('.')
        && !literal.ends_with('.')
        && literal
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
}
