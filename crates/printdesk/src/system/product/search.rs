//! Product search as you type, in memory.
//!
//! A catalogue of 20,000 products is a few megabytes; matching it in memory takes well under a
//! millisecond, where three `like '%…%'` scans per keystroke took 20–50 ms (docs/performance.md).
//! The index is cached per account set by `kernel::cache` and rebuilt when the products' change
//! counter moves, so every server of a chain sees a product as soon as it is saved.

use super::ProductLine;

/// The live products of one account set, by code, with lowercased keys.
pub(super) struct SearchIndex {
    entries: Vec<Entry>,
}

struct Entry {
    line: ProductLine,
    code: String,
    name: String,
    initials: String,
}

impl SearchIndex {
    /// Builds the index from live products sorted by code (and id).
    pub(super) fn new(lines: Vec<(ProductLine, String)>) -> SearchIndex {
        let entries = lines
            .into_iter()
            .map(|(line, initials)| Entry {
                code: line.code.to_lowercase(),
                name: line.name.to_lowercase(),
                initials: initials.to_lowercase(),
                line,
            })
            .collect();
        SearchIndex { entries }
    }

    /// Products matching `key` (lowercase; empty matches all), best match first: code equal,
    /// code prefix, initials equal, initials prefix, name prefix, name substring, initials
    /// substring; within a rank by code. At most `limit`.
    pub(super) fn search(&self, key: &str, limit: usize) -> Vec<ProductLine> {
        if key.is_empty() {
            return self
                .entries
                .iter()
                .take(limit)
                .map(|e| e.line.clone())
                .collect();
        }
        let mut hits: Vec<(u8, &Entry)> = self
            .entries
            .iter()
            .filter_map(|entry| rank(entry, key).map(|r| (r, entry)))
            .collect();
        // Stable: entries are already by code, so equal ranks stay by code.
        hits.sort_by_key(|(r, _)| *r);
        hits.into_iter()
            .take(limit)
            .map(|(_, e)| e.line.clone())
            .collect()
    }

    /// Every product matching `key`, by code (the list page and its export).
    pub(super) fn matching(&self, key: &str) -> Vec<ProductLine> {
        self.search(key, usize::MAX)
    }
}

fn rank(entry: &Entry, key: &str) -> Option<u8> {
    if entry.code == key {
        Some(0)
    } else if entry.code.starts_with(key) {
        Some(1)
    } else if entry.initials == key {
        Some(2)
    } else if entry.initials.starts_with(key) {
        Some(3)
    } else if entry.name.starts_with(key) {
        Some(4)
    } else if entry.name.contains(key) {
        Some(5)
    } else if entry.initials.contains(key) {
        Some(6)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::money::Money;
    use crate::system::product::ProductId;
    use crate::system::product::rules::PricingMode;

    fn line(id: i64, code: &str, name: &str) -> ProductLine {
        ProductLine {
            id: ProductId(id),
            code: code.to_owned(),
            name: name.to_owned(),
            category_id: 1,
            unit_id: 1,
            specification: String::new(),
            pricing_mode: PricingMode::Area,
            list_price: Money::ZERO,
            is_active: true,
        }
    }

    fn index() -> SearchIndex {
        let mut lines = vec![
            (line(1, "BJ001", "背胶写真"), "bjxz".to_owned()),
            (line(2, "PZ001", "喷绘布"), "phb".to_owned()),
            (line(3, "XZ001", "写真相纸"), "xzxz".to_owned()),
            (line(4, "KT01", "KT板"), "ktb".to_owned()),
            (line(5, "XZ", "相纸"), "xz".to_owned()),
        ];
        lines.sort_by(|a, b| a.0.code.cmp(&b.0.code));
        SearchIndex::new(lines)
    }

    fn codes(found: &[ProductLine]) -> Vec<&str> {
        found.iter().map(|l| l.code.as_str()).collect()
    }

    #[test]
    fn ranks_code_then_initials_then_name() {
        let index = index();
        // Code equal (XZ), code prefix (XZ001), initials equal (none other), initials
        // substring (背胶写真 = bjxz).
        assert_eq!(codes(&index.search("xz", 10)), ["XZ", "XZ001", "BJ001"]);
        assert_eq!(codes(&index.search("写真", 10)), ["XZ001", "BJ001"]);
        assert_eq!(codes(&index.search("kt", 10)), ["KT01"]);
        assert!(index.search("nothing", 10).is_empty());
    }

    #[test]
    fn empty_key_lists_by_code_up_to_the_limit() {
        let index = index();
        assert_eq!(codes(&index.search("", 2)), ["BJ001", "KT01"]);
        assert_eq!(index.matching("").len(), 5);
    }
}
