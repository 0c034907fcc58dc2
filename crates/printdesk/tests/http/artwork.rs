//! Tests of 图片识别 (DOMAIN.md §4.4): reading images and PDFs, keeping files with an order and
//! giving them back byte for byte, refusing oversized and disguised files, and tenant isolation —
//! on both backends. The files are built here, a few bytes each; none is committed.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{Api, Backend, Browser, TestApp, field_message};
use crate::orders::{create_order, photo, photo_line, second_account_set, walk_in};
use crate::system_org::{Probe, assert_foreign_ids_are_not_found};

/// Routes that take a live order's id.
const FILE_PROBES: &[Probe] = &[
    Probe::PageGet("/orders/{id}/files"),
    Probe::ApiGet("/api/v1/orders/{id}/files"),
    Probe::ApiPost("/api/v1/orders/{id}/files", "{}"),
];

/// A PNG of `width` × `height`, with `pHYs` pixels per metre when given (CRCs left zero).
fn png(width: u32, height: u32, per_metre: Option<u32>) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        bytes.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        bytes.extend_from_slice(kind);
        bytes.extend_from_slice(data);
        bytes.extend_from_slice(&[0; 4]);
    };
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(b"IHDR", &header);
    if let Some(ppm) = per_metre {
        let mut phys = ppm.to_be_bytes().repeat(2);
        phys.push(1);
        chunk(b"pHYs", &phys);
    }
    chunk(b"IEND", &[]);
    bytes
}

/// A JPEG header of `width` × `height` with a JFIF density of `dpi` dots per inch.
fn jpeg(width: u16, height: u16, dpi: u16) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
    bytes.extend_from_slice(b"JFIF\0\x01\x01\x01");
    bytes.extend_from_slice(&dpi.to_be_bytes().repeat(2));
    bytes.extend_from_slice(&[0, 0, 0xFF, 0xC0, 0, 17, 8]);
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9]);
    bytes
}

/// A two-page A4 PDF: page 1 fills a red box, page 2 a grey one.
fn two_page_pdf() -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut kids = Vec::new();
    for (r, g, b) in [(1.0, 0.0, 0.0), (0.5, 0.5, 0.5)] {
        let operations = vec![
            Operation::new(
                "rg",
                vec![Object::Real(r), Object::Real(g), Object::Real(b)],
            ),
            Operation::new("re", vec![10.into(), 10.into(), 100.into(), 100.into()]),
            Operation::new("f", vec![]),
        ];
        let content = Content { operations }.encode().unwrap();
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        });
        kids.push(Object::from(page));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => 2,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

fn encode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)]).unwrap()[1..].to_owned()
}

/// Posts `bytes` as the raw body, as an integration does.
async fn upload_raw(api: &Api, path: &str, bytes: &[u8]) -> (StatusCode, Value) {
    let res = api
        .http
        .post(format!("{}{path}", api.base))
        .bearer_auth(&api.token)
        .header("content-type", "application/octet-stream")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Posts `bytes` as the `file` of a multipart form named `file_name`, as the order page does.
async fn upload_form(
    browser: &Browser,
    path: &str,
    file_name: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let token = browser.csrf_token().await;
    upload_form_with_token(browser, path, file_name, bytes, &token).await
}

/// [`upload_form`] with the CSRF token given (a forged form sends a wrong one).
async fn upload_form_with_token(
    browser: &Browser,
    path: &str,
    file_name: &str,
    bytes: &[u8],
    token: &str,
) -> reqwest::Response {
    const BOUNDARY: &str = "printdesk-artwork-boundary";
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    browser
        .http
        .post(format!("{}{path}", browser.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn an_order(api: &Api) -> i64 {
    photo(api).await;
    create_order(api, walk_in(json!([photo_line()]))).await["id"]
        .as_i64()
        .unwrap()
}

async fn inspecting_images_and_pdfs_suggests_the_line(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    // 2480 × 3508 px at 300 dpi is A4; the name gives the job: 背胶, 60 × 160 cm, 3 pieces.
    let name = encode("背胶_60x160_3张.png");
    let (status, read) = upload_raw(
        &api,
        &format!("/api/v1/artwork/inspect?file_name={name}"),
        &png(2480, 3508, Some(11811)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(
        (&read["kind"], &read["dpi"], &read["dpi_from_file"]),
        (&json!("png"), &json!(300), &json!(true))
    );
    assert_eq!(
        (&read["width_mm"], &read["height_mm"]),
        (&json!("210"), &json!("297"))
    );
    let suggestion = &read["suggestion"];
    assert_eq!(
        (
            &suggestion["width_cm"],
            &suggestion["height_cm"],
            &suggestion["quantity"],
            &suggestion["material"]
        ),
        (&json!("60"), &json!("160"), &json!(3), &json!("背胶"))
    );
    // No name: the size read from the file. 600 px at 150 dpi = 101.6 mm.
    let (status, read) = upload_raw(&api, "/api/v1/artwork/inspect", &jpeg(600, 300, 150)).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(
        (&read["width_mm"], &read["height_mm"]),
        (&json!("101.6"), &json!("50.8"))
    );
    assert_eq!(
        (
            &read["suggestion"]["width_cm"],
            &read["suggestion"]["height_cm"]
        ),
        (&json!("10.2"), &json!("5.1"))
    );
    // No density in the file: the settings' default, 72 dpi.
    let (_, read) = upload_raw(&api, "/api/v1/artwork/inspect", &png(720, 360, None)).await;
    assert_eq!(
        (&read["dpi"], &read["dpi_from_file"], &read["width_mm"]),
        (&json!(72), &json!(false), &json!("254"))
    );
    // A PDF: one colour page and one mono page, split into two suggested lines.
    let name = encode("A4_双面_20份.pdf");
    let (status, read) = upload_raw(
        &api,
        &format!("/api/v1/artwork/inspect?file_name={name}"),
        &two_page_pdf(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(
        (&read["pages"], &read["colour_pages"], &read["mono_pages"]),
        (&json!(2), &json!(1), &json!(1))
    );
    assert_eq!(
        read["page_sizes"][0],
        json!({ "width_mm": "209.9", "height_mm": "297", "colour": true })
    );
    assert_eq!(read["suggestion"]["sides"], 2);
    assert_eq!(
        read["suggestion"]["lines"],
        json!([{ "colour": true, "pages": 1, "quantity": 20 },
               { "colour": false, "pages": 1, "quantity": 20 }])
    );
    assert_eq!(read["hints"]["paper"], "A4");
    // Inspecting saves nothing.
    assert_eq!(app.count("select count(*) from order_files").await, 0);
}

async fn a_file_kept_with_an_order_comes_back_byte_identical(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let order_id = an_order(&api).await;
    let pdf = two_page_pdf();
    let name = encode("A4_彩色_20份.pdf");
    let (status, file) = upload_raw(
        &api,
        &format!("/api/v1/orders/{order_id}/files?line_no=1&file_name={name}"),
        &pdf,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    assert_eq!(
        (
            &file["file_name"],
            &file["line_no"],
            &file["pages"],
            &file["colour_pages"]
        ),
        (&json!("A4_彩色_20份.pdf"), &json!(1), &json!(2), &json!(1))
    );
    let file_id = file["id"].as_i64().unwrap();
    // The stored name is random, never the customer's (checked by its Chinese part or its
    // percent-encoding, which a random base64url name cannot hold; "A4" it may by chance).
    let key: String = sqlx::query_scalar("select storage_key from order_files")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(
        !key.contains("彩色") && !key.contains('%') && key.ends_with(".pdf"),
        "{key}"
    );
    let (_, list) = api.get(&format!("/api/v1/orders/{order_id}/files")).await;
    assert_eq!(list["files"].as_array().unwrap().len(), 1);
    assert_eq!(
        list["files"][0]["download_url"],
        format!("/orders/{order_id}/files/{file_id}")
    );
    // The download is the same bytes under the original name.
    let browser = app.sign_in_admin().await;
    let res = browser
        .get(&format!("/orders/{order_id}/files/{file_id}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains(&format!("filename*=UTF-8''{}", encode("A4_彩色_20份.pdf"))),
        "{disposition}"
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), pdf.as_slice());
    // The order page's form: multipart, back to the files page, which lists both.
    let image = jpeg(600, 300, 150);
    let res = upload_form(
        &browser,
        &format!("/orders/{order_id}/files"),
        "背胶_60x160_3张.jpg",
        &image,
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, page) = browser
        .get_text(&format!("/orders/{order_id}/files?saved=1"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("背胶_60x160_3张.jpg") && page.contains("A4_彩色_20份.pdf"),
        "{page}"
    );
    let (_, list) = api.get(&format!("/api/v1/orders/{order_id}/files")).await;
    let second = &list["files"][1];
    assert_eq!(
        (&second["width_mm"], &second["dpi"]),
        (&json!("101.6"), &json!(150))
    );
    let res = browser.get(second["download_url"].as_str().unwrap()).await;
    assert_eq!(res.bytes().await.unwrap().as_ref(), image.as_slice());
    let (_, page) = browser.get_text(&format!("/orders/{order_id}")).await;
    assert!(
        page.contains(&format!("action=\"/orders/{order_id}/files\"")),
        "the order page has the upload form"
    );
    // A line the order does not have.
    let (status, res) = upload_raw(
        &api,
        &format!("/api/v1/orders/{order_id}/files?line_no=9"),
        &pdf,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&res, "line_no").as_deref(),
        Some("订单中没有这一行。")
    );
    // A draft's file can be removed; its bytes go too.
    let (status, _) = api
        .delete(&format!("/api/v1/orders/{order_id}/files/{file_id}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        browser
            .get(&format!("/orders/{order_id}/files/{file_id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert!(!app.data_dir.join("files").join(&key).exists());
    assert_eq!(app.count("select count(*) from order_files").await, 1);
}

async fn oversized_and_disguised_files_are_refused_on_file(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let order_id = an_order(&api).await;
    let (_, mut settings) = api.get("/api/v1/order-settings").await;
    settings["max_upload_mb"] = json!("1");
    let (status, saved) = api.put("/api/v1/order-settings", settings).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let mut big = png(10, 10, None);
    big.resize(1024 * 1024 + 1, 0);
    for path in [
        "/api/v1/artwork/inspect".to_owned(),
        format!("/api/v1/orders/{order_id}/files"),
    ] {
        let (status, res) = upload_raw(&api, &path, &big).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {res}");
        assert_eq!(
            field_message(&res, "file").as_deref(),
            Some("文件太大（最多 1 MB，可在前台设置中调整）。")
        );
    }
    // An .exe renamed .jpg.
    let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec();
    let (status, res) = upload_raw(
        &api,
        &format!("/api/v1/orders/{order_id}/files?file_name=photo.jpg"),
        &exe,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&res, "file").as_deref(),
        Some("文件内容与扩展名不符，可能是改了扩展名的其他文件，已拒收。")
    );
    let (status, res) = upload_raw(&api, "/api/v1/artwork/inspect?file_name=setup.exe", &exe).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&res, "file").as_deref(),
        Some("只能上传 JPG、PNG、TIF 图片或 PDF 文件。")
    );
    // The page shows the same message next to the file input.
    let browser = app.sign_in_admin().await;
    let res = upload_form(
        &browser,
        &format!("/orders/{order_id}/files"),
        "photo.jpg",
        &exe,
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("文件内容与扩展名不符"));
    assert_eq!(app.count("select count(*) from order_files").await, 0);
    assert!(!app.data_dir.join("files").exists(), "nothing was stored");
}

async fn account_set_b_files_are_not_found_from_account_set_a(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api_a = app.api_admin().await;
    let api_b = second_account_set(&app, &api_a).await;
    let order_b = an_order(&api_b).await;
    let (status, file) = upload_raw(
        &api_b,
        &format!("/api/v1/orders/{order_b}/files"),
        &two_page_pdf(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    let file_b = file["id"].as_i64().unwrap();
    let order_a = an_order(&api_a).await;
    let browser_a = app.sign_in_admin().await;
    assert_foreign_ids_are_not_found(&browser_a, &api_a, FILE_PROBES, order_b).await;
    // B's file, asked for under B's order or under A's own order.
    for order in [order_b, order_a] {
        let path = format!("/orders/{order}/files/{file_b}");
        assert_eq!(
            browser_a.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
        let res = browser_a.post_form(&format!("{path}/delete"), &[]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}/delete");
        let (status, _) = api_a
            .delete(&format!("/api/v1/orders/{order}/files/{file_b}"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // B still has its file.
    let (_, list) = api_b.get(&format!("/api/v1/orders/{order_b}/files")).await;
    assert_eq!(list["files"][0]["id"], file_b);
}

/// Every file under `dir` (none when it does not exist), to prove an upload left nothing.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// Sets 前台设置's artwork size limit.
async fn set_upload_limit_mb(api: &Api, mb: u32) {
    let (_, mut settings) = api.get("/api/v1/order-settings").await;
    settings["max_upload_mb"] = json!(mb.to_string());
    let (status, saved) = api.put("/api/v1/order-settings", settings).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
}

/// A PNG of exactly `n_bytes` (a 10 × 10 header, then padding).
fn png_of_size(n_bytes: usize) -> Vec<u8> {
    let mut bytes = png(10, 10, None);
    bytes.resize(n_bytes, 0);
    bytes
}

const MIB: usize = 1024 * 1024;

/// The limit is 前台设置's, above the old 8 MB ceiling: one byte over 9 MB is refused on `file`
/// by the API and the page alike, with no row, no stored file and no partial file left.
async fn an_upload_just_over_the_limit_is_refused_and_leaves_nothing(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let order_id = an_order(&api).await;
    set_upload_limit_mb(&api, 9).await;
    let big = png_of_size(9 * MIB + 1);
    for path in [
        "/api/v1/artwork/inspect".to_owned(),
        format!("/api/v1/orders/{order_id}/files?file_name=big.png"),
    ] {
        let (status, res) = upload_raw(&api, &path, &big).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {res}");
        assert_eq!(
            field_message(&res, "file").as_deref(),
            Some("文件太大（最多 9 MB，可在前台设置中调整）。"),
            "{path}"
        );
    }
    let browser = app.sign_in_admin().await;
    let res = upload_form(
        &browser,
        &format!("/orders/{order_id}/files"),
        "big.png",
        &big,
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("文件太大（最多 9 MB"), "{page}");
    // A forged form (wrong CSRF token) is refused before a byte is kept, whatever its size.
    let res = upload_form_with_token(
        &browser,
        &format!("/orders/{order_id}/files"),
        "photo.png",
        &png(10, 10, None),
        "forged",
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("select count(*) from order_files").await, 0);
    assert_eq!(
        files_under(&app.data_dir.join("files")),
        Vec::<std::path::PathBuf>::new()
    );
    assert_eq!(
        files_under(&app.data_dir.join("incoming")),
        Vec::<std::path::PathBuf>::new(),
        "no partial file left"
    );
}

/// Exactly 9 MB with a 9 MB limit is kept, byte for byte, through the page's form.
async fn an_upload_just_under_the_limit_is_kept_whole(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let order_id = an_order(&api).await;
    set_upload_limit_mb(&api, 9).await;
    let file = png_of_size(9 * MIB);
    let browser = app.sign_in_admin().await;
    let res = upload_form(
        &browser,
        &format!("/orders/{order_id}/files"),
        "大图.png",
        &file,
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, list) = api.get(&format!("/api/v1/orders/{order_id}/files")).await;
    let kept = &list["files"][0];
    assert_eq!(
        (&kept["file_name"], &kept["bytes"], &kept["width_px"]),
        (&json!("大图.png"), &json!(9 * MIB), &json!(10))
    );
    let res = browser.get(kept["download_url"].as_str().unwrap()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-length"],
        (9 * MIB).to_string().as_str()
    );
    assert!(res.bytes().await.unwrap().as_ref() == file.as_slice());
    assert_eq!(files_under(&app.data_dir.join("files")).len(), 1);
    assert_eq!(
        files_under(&app.data_dir.join("incoming")),
        Vec::<std::path::PathBuf>::new(),
        "moved into the store, nothing left behind"
    );
}

/// Manual 1.1 回收站 and DESIGN.md rule 4: an order in the bin keeps its files (restoring gives
/// them back whole); purging it removes the rows and the stored bytes, and nothing of other orders.
async fn purging_an_order_removes_its_files_restoring_keeps_them(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let browser = app.sign_in_admin().await;
    let order_id = an_order(&api).await;
    let other_order = create_order(&api, walk_in(json!([photo_line()]))).await["id"]
        .as_i64()
        .unwrap();
    let pdf = two_page_pdf();
    let mut file_ids = Vec::new();
    for order in [order_id, order_id, other_order] {
        let (status, file) = upload_raw(&api, &format!("/api/v1/orders/{order}/files"), &pdf).await;
        assert_eq!(status, StatusCode::CREATED, "{file}");
        file_ids.push(file["id"].as_i64().unwrap());
    }
    let stored = |order: i64| {
        let pool = app.db.pool().clone();
        async move {
            let keys: Vec<String> = sqlx::query_scalar(
                "select storage_key from order_files where order_id = $1 order by id",
            )
            .bind(order)
            .fetch_all(&pool)
            .await
            .unwrap();
            keys
        }
    };
    let keys = stored(order_id).await;
    let other_keys = stored(other_order).await;
    assert_eq!((keys.len(), other_keys.len()), (2, 1));
    let path = |key: &String| app.data_dir.join("files").join(key);
    assert!(keys.iter().all(|key| path(key).is_file()));
    // Deleted and restored: the files are all there and download byte for byte.
    let (status, _) = api.delete(&format!("/api/v1/orders/{order_id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(
        keys.iter().all(|key| path(key).is_file()),
        "the bin keeps files"
    );
    let (status, _) = api
        .post(
            &format!("/api/v1/recycle-bin/order/{order_id}/restore"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let res = browser
        .get(&format!("/orders/{order_id}/files/{}", file_ids[0]))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.bytes().await.unwrap().as_ref(), pdf.as_slice());
    // Deleted and purged (through the page this time): rows and bytes are gone.
    let (status, _) = api.delete(&format!("/api/v1/orders/{order_id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let res = browser
        .post_form(&format!("/system/recycle-bin/order/{order_id}/purge"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(stored(order_id).await.is_empty(), "the file rows are gone");
    for key in &keys {
        assert!(!path(key).exists(), "{key} is no longer stored");
    }
    // The other order keeps its file.
    assert_eq!(stored(other_order).await, other_keys);
    assert!(path(&other_keys[0]).is_file());
    let res = browser
        .get(&format!("/orders/{other_order}/files/{}", file_ids[2]))
        .await;
    assert_eq!(res.bytes().await.unwrap().as_ref(), pdf.as_slice());
}

backend_tests!(
    inspecting_images_and_pdfs_suggests_the_line,
    a_file_kept_with_an_order_comes_back_byte_identical,
    oversized_and_disguised_files_are_refused_on_file,
    account_set_b_files_are_not_found_from_account_set_a,
    purging_an_order_removes_its_files_restoring_keeps_them,
    an_upload_just_over_the_limit_is_refused_and_leaves_nothing,
    an_upload_just_under_the_limit_is_kept_whole,
);
