//! 客户管理 through the browser (issue 3): finding a customer by the initials of its name, 导出 Excel
//! of what the search shows, and an import whose file has a bad row.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use printdesk::customers::customer::rules::IMPORT_COLUMNS;
use printdesk::kernel::i18n::Locale;
use printdesk::kernel::spreadsheet::{Cell, ColumnKind, Table, to_xlsx};
use serde_json::{Value, json};

use crate::harness::{self, ADMIN_LOGIN, ADMIN_PASSWORD, App, ENTER};

/// Creates a customer through the JSON API, signed in as the admin.
async fn create_customer(app: &App, name: &str) {
    let http = reqwest::Client::new();
    let res = http
        .post(format!("{}/api/v1/auth/token", app.base))
        .json(&json!({ "login": ADMIN_LOGIN, "password": ADMIN_PASSWORD }))
        .send()
        .await
        .expect("requesting a token");
    assert!(res.status().is_success(), "token: {}", res.status());
    let body: Value = res.json().await.expect("token JSON");
    let token = body["token"].as_str().expect("a token").to_owned();
    let res = http
        .post(format!("{}/api/v1/customers", app.base))
        .bearer_auth(token)
        .json(&json!({ "name": name }))
        .send()
        .await
        .expect("creating a customer");
    assert_eq!(res.status().as_u16(), 201, "creating {name}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_by_pinyin() {
    let app = App::with_setup().await;
    create_customer(&app, "星光广告").await;
    create_customer(&app, "红星图文").await;
    harness::run("customer_by_pinyin", &app.base, |page| async move {
        page.sign_in_by_keyboard(ADMIN_LOGIN, ADMIN_PASSWORD).await;
        page.wait_for_path("/").await;
        page.open("/customers").await;
        page.wait_for_text("main", "红星图文").await;
        page.fill("q", "xg").await;
        page.type_keys(ENTER).await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !page.path().await.contains("q=xg") {
            assert!(
                std::time::Instant::now() < deadline,
                "Enter sends the search"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let shown = page.wait_for_text("main table", "星光广告").await;
        assert!(
            !shown.contains("红星图文"),
            "xg finds 星光广告 only: {shown}"
        );
        assert_eq!(page.value("#q").await, "xg", "the search is kept");
        page.screenshot("1-found-by-initials").await;
    })
    .await;
}

/// The first sheet of an .xlsx as rows of text.
fn sheet_rows(bytes: Vec<u8>) -> Vec<Vec<String>> {
    let mut workbook: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes)).expect("the export opens as .xlsx");
    let (_, range) = workbook
        .worksheets()
        .into_iter()
        .next()
        .expect("the export has a sheet");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::String(text) => text.clone(),
                    Data::Float(value) => value.to_string(),
                    Data::Int(value) => value.to_string(),
                    Data::Empty => String::new(),
                    other => format!("{other:?}"),
                })
                .collect()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_list_exports_what_it_shows() {
    let app = App::with_setup().await;
    create_customer(&app, "星光广告").await;
    create_customer(&app, "红星图文").await;
    harness::run(
        "customer_list_exports_what_it_shows",
        &app.base,
        |page| async move {
            page.sign_in_by_keyboard(ADMIN_LOGIN, ADMIN_PASSWORD).await;
            page.wait_for_path("/").await;
            page.open("/customers?q=xg").await;
            let shown = page.wait_for_text("main table", "星光广告").await;
            assert!(!shown.contains("红星图文"), "{shown}");
            let link = page.find("#export-xlsx").await;
            assert_eq!(
                link.text().await.expect("link text"),
                "导出 Excel",
                "the button says what it does"
            );
            page.screenshot("1-list-with-export").await;

            // The file the link gives, fetched with this browser's session as a click would.
            let href = link
                .prop("href")
                .await
                .expect("the link's href")
                .expect("the link has an href");
            assert!(
                href.starts_with(&format!("{}/customers/export?q=xg", page.base)),
                "the link carries the search: {href}"
            );
            let cookies = page
                .client
                .get_all_cookies()
                .await
                .expect("the browser's cookies")
                .iter()
                .map(|cookie| format!("{}={}", cookie.name(), cookie.value()))
                .collect::<Vec<_>>()
                .join("; ");
            let res = reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("building the HTTP client")
                .get(&href)
                .header("cookie", cookies)
                .send()
                .await
                .expect("downloading the export");
            assert_eq!(res.status().as_u16(), 200, "{href}");
            assert_eq!(
                res.headers()["content-type"],
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            );
            let disposition = res.headers()["content-disposition"]
                .to_str()
                .expect("an ASCII header")
                .to_owned();
            assert!(disposition.starts_with("attachment;"), "{disposition}");
            let bytes = res.bytes().await.expect("the file").to_vec();
            let rows = sheet_rows(bytes);
            assert_eq!(
                rows[0],
                [
                    "编号",
                    "客户名称",
                    "客户分组",
                    "联系人",
                    "手机",
                    "电话",
                    "结账方式",
                    "信用额度",
                    "业务员"
                ]
            );
            let names: Vec<&str> = rows[1..].iter().map(|row| row[1].as_str()).collect();
            assert_eq!(names, ["星光广告"], "what the search shows, and no more");
        },
    )
    .await;
}

/// A customer import file: the template's header row, then one row per entry of `rows`, each
/// given as (column key, text) pairs.
fn customer_file(rows: &[&[(&str, &str)]]) -> Vec<u8> {
    let mut table = Table::new("客户");
    for column in IMPORT_COLUMNS {
        table = table.column(Locale::ZhCn.t(column.header_key), ColumnKind::Text, 12);
    }
    table.rows = rows
        .iter()
        .map(|cells| {
            IMPORT_COLUMNS
                .iter()
                .map(|column| {
                    cells
                        .iter()
                        .find(|(key, _)| *key == column.key)
                        .map_or(Cell::Empty, |(_, text)| Cell::Text((*text).to_owned()))
                })
                .collect()
        })
        .collect();
    to_xlsx(&table).expect("writing the file")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_with_a_bad_row() {
    let app = App::with_setup().await;
    let file = customer_file(&[
        &[("name", "星光广告有限公司"), ("mobile", "13800138000")],
        &[("name", "红星图文"), ("customer_group", "企业客户")],
        &[("name", "新光印务"), ("phone", "0571-88886666")],
        &[("name", "蓝天学校"), ("mobile", "1380013800")],
    ]);
    let dir = std::env::temp_dir().join(format!("printdesk_import_{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("creating a temporary folder");
    let path = dir.join("客户导入.xlsx");
    std::fs::write(&path, file).expect("writing the file");
    let file_path = path.to_str().expect("a UTF-8 path").to_owned();
    harness::run("import_with_a_bad_row", &app.base, |page| async move {
        page.sign_in_by_keyboard(ADMIN_LOGIN, ADMIN_PASSWORD).await;
        page.wait_for_path("/").await;
        page.open("/customers/import").await;
        page.find("input[type=file]")
            .await
            .send_keys(&file_path)
            .await
            .expect("choosing the file");
        page.click("#upload").await;
        let report = page.wait_for_text("#import-error-rows", "第 5 行").await;
        assert!(report.contains("手机"), "the column is named: {report}");
        assert!(
            report.contains("手机号应为 11 位数字"),
            "the message is shown: {report}"
        );
        assert_eq!(
            page.client
                .find_all(fantoccini::Locator::Css("#import-error-rows tbody tr"))
                .await
                .expect("report rows")
                .len(),
            1,
            "only the bad row is listed"
        );
        page.wait_for_text("#import-errors", "共 1 行有 1 处问题")
            .await;
        page.screenshot("1-report").await;
    })
    .await;
    let saved: i64 = sqlx::query_scalar("select count(*) from customers")
        .fetch_one(app.db.pool())
        .await
        .expect("counting customers");
    assert_eq!(saved, 0, "nothing is saved");
    let _ = std::fs::remove_dir_all(&dir);
}
