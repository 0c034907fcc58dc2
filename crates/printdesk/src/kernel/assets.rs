//! Static assets (CSS, ES modules, icons) compiled into the binary, so that PrintDesk works
//! offline and needs no front-end build step.

/// The bytes and content type of `static/<path>`, if there is such a file.
pub fn get(path: &str) -> Option<(&'static [u8], &'static str)> {
    let found: (&'static [u8], &'static str) = match path {
        "app.css" => (
            include_bytes!("../../static/app.css"),
            "text/css; charset=utf-8",
        ),
        "app.js" => (
            include_bytes!("../../static/app.js"),
            "text/javascript; charset=utf-8",
        ),
        "order_entry.js" => (
            include_bytes!("../../static/order_entry.js"),
            "text/javascript; charset=utf-8",
        ),
        "price_preview.js" => (
            include_bytes!("../../static/price_preview.js"),
            "text/javascript; charset=utf-8",
        ),
        "favicon.svg" => (include_bytes!("../../static/favicon.svg"), "image/svg+xml"),
        _ => return None,
    };
    Some(found)
}
