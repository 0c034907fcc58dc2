//! Tests of 导出 Excel and 导入: each list exports what it shows, with its filters, as a real
//! .xlsx that calamine reads back; customers and suppliers import from their own template, every
//! row or none.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use printdesk::kernel::spreadsheet::{Cell, ColumnKind, Table, to_xlsx};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{Api, Backend, Browser, TestApp, field_message};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Downloads `path` and returns the first sheet as rows of text (other chapters' modules use it
/// for their own lists' exports).
pub async fn download_rows(browser: &Browser, path: &str) -> Vec<Vec<String>> {
    let mut sheets = download_sheets(browser, path).await;
    sheets.swap_remove(0).1
}

/// Downloads `path` and returns every sheet, by name, as rows of text.
async fn download_sheets(browser: &Browser, path: &str) -> Vec<(String, Vec<Vec<String>>)> {
    let res = browser.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert_eq!(res.headers()["content-type"], XLSX);
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    let bytes = res.bytes().await.unwrap();
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    workbook
        .worksheets()
        .into_iter()
        .map(|(name, range)| {
            let rows = range
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
                .collect();
            (name, rows)
        })
        .collect()
}

/// The id of the live settings-list item `name` of `kind` (the test has one account set).
async fn item_id(app: &TestApp, kind: &str, name: &str) -> i64 {
    sqlx::query_scalar(
        "select id from list_items where kind = $1 and name = $2 and deleted_at is null",
    )
    .bind(kind)
    .bind(name)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

async fn customers_export_what_the_list_shows(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    for (name, mobile, limit) in [
        ("星光广告", "13812345678", "1200.50"),
        ("红星图文", "13900001111", "0"),
        ("新光印务", "13700002222", "300"),
    ] {
        let (status, body) = api
            .post(
                "/api/v1/customers",
                json!({ "name": name, "credit_limit": limit, "contacts": [{ "person": "王", "mobile": mobile }] }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let browser = app.sign_in_admin().await;
    let (_, page) = browser.get_text("/customers?q=xg").await;
    assert!(
        page.contains("/customers/export?q=xg"),
        "the export link carries the filter"
    );

    let rows = download_rows(&browser, "/customers/export?q=xg").await;
    assert_eq!(rows[0][1], "客户名称", "{:?}", rows[0]);
    let names: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        names,
        ["星光广告", "新光印务"],
        "only what the filter shows, in list order"
    );
    let star = rows.iter().find(|r| r[1] == "星光广告").unwrap();
    assert_eq!(star[4], "13812345678", "mobiles stay text");
    assert_eq!(star[7], "1200.5", "money is a number");

    let all = download_rows(&browser, "/customers/export").await;
    assert_eq!(all.len(), 4, "header and three customers");
}

async fn export_needs_the_list_permission(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.browser();
    let res = browser.get("/customers/export").await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "not signed in: sent to sign in"
    );
}

async fn products_export_what_the_list_shows(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let pp = crate::products::body(&api, "XZ-01", "写真PP纸", "area", "25", json!({})).await;
    crate::products::create(&api, pp).await;
    let banner = crate::products::body(&api, "PH-01", "喷绘布", "area", "12.5", json!({})).await;
    crate::products::create(&api, banner).await;
    let browser = app.sign_in_admin().await;
    let (_, page) = browser.get_text("/system/products?q=pz").await;
    assert!(
        page.contains("/system/products/export?q=pz"),
        "the export link carries the filter"
    );
    let rows = download_rows(&browser, "/system/products/export?q=ph").await;
    assert_eq!(
        rows.len(),
        2,
        "header and the one product the filter shows: {rows:?}"
    );
    assert_eq!(
        (
            rows[1][0].as_str(),
            rows[1][1].as_str(),
            rows[1][6].as_str()
        ),
        ("PH-01", "喷绘布", "12.5")
    );
    assert_eq!(rows[1][5], "按面积");
    let all = download_rows(&browser, "/system/products/export").await;
    assert_eq!(all.len(), 3);
}

async fn suppliers_export_what_the_search_shows(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    for (name, mobile) in [
        ("宏达纸业", "13912345678"),
        ("红星墨水", "13900001111"),
        ("宏图五金", ""),
    ] {
        let (status, body) = api
            .post(
                "/api/v1/suppliers",
                json!({ "name": name, "contacts": [{ "person": "刘", "mobile": mobile }] }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let browser = app.sign_in_admin().await;
    let (_, page) = browser.get_text("/customers/suppliers?q=%E5%AE%8F").await;
    assert!(
        page.contains("id=\"export-xlsx\""),
        "the list has 导出 Excel"
    );
    assert!(
        page.contains("/customers/suppliers/export?q=%E5%AE%8F"),
        "the export link carries the search"
    );

    let rows = download_rows(&browser, "/customers/suppliers/export?q=%E5%AE%8F").await;
    assert_eq!(rows[0], ["编号", "供应商名称", "联系人", "手机", "电话"]);
    let names: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names.contains(&"宏达纸业") && names.contains(&"宏图五金"),
        "{names:?}"
    );
    let paper = rows.iter().find(|r| r[1] == "宏达纸业").unwrap();
    assert_eq!(paper[3], "13912345678", "mobiles stay text");
    assert_eq!(
        download_rows(&browser, "/customers/suppliers/export")
            .await
            .len(),
        4
    );
}

async fn customer_prices_export_with_the_list_filters(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let group = item_id(&app, "customer_group", "广告同行").await;
    let process = item_id(&app, "process", "覆膜(亮膜)").await;
    let (_, customer) = api
        .post("/api/v1/customers", json!({ "name": "XX设计院" }))
        .await;
    for body in [
        json!({ "holder_kind": "group", "customer_group_id": group, "target_kind": "everything",
                "price_kind": "discount", "discount_percent": "85" }),
        json!({ "holder_kind": "customer", "customer_id": customer["id"], "target_kind": "process",
                "target_id": process, "price_kind": "fixed", "fixed_price": "18.50", "remarks": "长期" }),
    ] {
        let (status, price) = api.post("/api/v1/customer-prices", body).await;
        assert_eq!(status, StatusCode::CREATED, "{price}");
    }
    let browser = app.sign_in_admin().await;
    let (_, page) = browser
        .get_text("/customers/prices?target_kind=process")
        .await;
    let link = page
        .split("href=\"/customers/prices/export?")
        .nth(1)
        .unwrap_or("");
    let query = link.split('"').next().unwrap_or("");
    assert!(
        query.ends_with("target_kind=process"),
        "the export link carries the filters: {query}"
    );

    let rows = download_rows(&browser, "/customers/prices/export?target_kind=process").await;
    assert_eq!(
        rows[0],
        [
            "编号",
            "对象类型",
            "适用对象",
            "范围类型",
            "适用范围",
            "固定单价（元）",
            "折扣（%）",
            "有效期",
            "备注"
        ]
    );
    assert_eq!(rows.len(), 2, "only the process rule: {rows:?}");
    assert_eq!(
        rows[1][1..7],
        ["客户", "XX设计院", "工序", "覆膜(亮膜)", "18.5", ""]
    );
    assert_eq!(rows[1][8], "长期");

    let all = download_rows(&browser, "/customers/prices/export").await;
    assert_eq!(all.len(), 3, "{all:?}");
    let discount = all.iter().find(|r| r[2] == "广告同行").unwrap();
    assert_eq!(
        (discount[5].as_str(), discount[6].as_str()),
        ("", "85"),
        "a discount is a number"
    );
    let by_group = download_rows(
        &browser,
        &format!("/customers/prices/export?customer_group_id={group}"),
    )
    .await;
    assert_eq!(by_group.len(), 2);
}

async fn settings_lists_export_with_tree_and_extra_fields(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let (_, page) = browser.get_text("/settings/units").await;
    assert!(page.contains("href=\"/settings/units/export\" id=\"export-xlsx\""));
    let unit = item_id(&app, "unit", "令").await;
    let res = browser
        .post_form(&format!("/settings/units/{unit}/disable"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let units = download_rows(&browser, "/settings/units/export").await;
    assert_eq!(units[0], ["名称", "状态"]);
    assert_eq!(units[1], ["平方米", "启用"]);
    assert!(
        units.iter().any(|r| r[..] == ["令", "已停用"]),
        "disabled items are listed as such"
    );

    let categories = download_rows(&browser, "/settings/product-categories/export").await;
    assert_eq!(categories[0], ["名称", "上级", "状态"]);
    assert_eq!(categories[1][..2], ["复印打印", ""]);
    assert_eq!(
        categories[2][..2],
        ["\u{3000}黑白复印", "复印打印"],
        "children indented under their parent"
    );

    let processes = download_rows(&browser, "/settings/processes/export").await;
    assert_eq!(processes[0], ["名称", "单价（元）", "计价方式", "状态"]);
    let lamination = processes.iter().find(|r| r[0] == "覆膜(亮膜)").unwrap();
    assert_eq!(
        lamination[1..3],
        ["8", "按面积"],
        "money is a number, choices their label"
    );

    let cards = download_rows(&browser, "/settings/card-types/export").await;
    let gold = cards.iter().find(|r| r[0] == "金卡").unwrap();
    assert_eq!(gold[1], "95");
    assert_eq!(
        browser.get("/settings/no-such-list/export").await.status(),
        StatusCode::NOT_FOUND
    );
}

// ---- Imports ----

/// The template's header row and its 填写须知 sheet, downloaded from `path`.
async fn template_of(browser: &Browser, path: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let sheets = download_sheets(browser, path).await;
    assert_eq!(sheets.len(), 2, "the sheet to fill and 填写须知");
    assert_eq!(sheets[1].0, "填写须知");
    (sheets[0].1[0].clone(), sheets[1].1.clone())
}

/// An .xlsx with `headers` as its header row and one row per entry of `rows`, each given as
/// (header without ＊, text) pairs; other cells are empty.
fn filled(headers: &[String], rows: &[Vec<(&str, &str)>]) -> Vec<u8> {
    let mut table = Table::new("导入");
    for header in headers {
        table = table.column(header.clone(), ColumnKind::Text, 12);
    }
    table.rows = rows
        .iter()
        .map(|cells| {
            headers
                .iter()
                .map(|header| {
                    let bare = header.trim_end_matches('＊');
                    cells
                        .iter()
                        .find(|(key, _)| *key == bare)
                        .map_or(Cell::Empty, |(_, text)| Cell::Text((*text).to_owned()))
                })
                .collect()
        })
        .collect();
    to_xlsx(&table).unwrap()
}

/// Posts `bytes` as the `file` of a multipart form, with `csrf` as its token if given.
async fn upload_form(
    browser: &Browser,
    path: &str,
    csrf: Option<&str>,
    bytes: &[u8],
) -> reqwest::Response {
    const BOUNDARY: &str = "printdesk-test-boundary";
    let mut body = Vec::new();
    if let Some(token) = csrf {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"import.xlsx\"\r\nContent-Type: {XLSX}\r\n\r\n"
        )
        .as_bytes(),
    );
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

/// Posts `bytes` as the raw .xlsx body of an API import.
async fn upload_api(api: &Api, path: &str, bytes: &[u8]) -> (StatusCode, Value) {
    let res = api
        .http
        .post(format!("{}{path}", api.base))
        .bearer_auth(&api.token)
        .header("content-type", XLSX)
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

/// The (field, message) pairs of an API error body.
fn errors_of(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn customer_rows(fourth_mobile: &str) -> Vec<Vec<(&str, &str)>> {
    vec![
        vec![
            ("客户名称", "星光广告有限公司"),
            ("客户分组", "企业客户"),
            ("联系人", "王经理"),
            ("手机", "13800138000"),
            ("结账方式", "现结"),
        ],
        vec![
            ("客户名称", "红星图文"),
            ("客户分组", "广告同行"),
            ("客户关系", "老客户"),
            ("信用额度", "5000"),
            ("账期（天）", "30"),
        ],
        vec![
            ("客户名称", "新光印务"),
            ("证件名称", "居民身份证"),
            ("证件号码", "11010519491231002X"),
            ("电话", "0571-88886666"),
        ],
        vec![
            ("客户名称", "蓝天学校"),
            ("客户分组", "学校/机关"),
            ("联系人", "李老师"),
            ("手机", fourth_mobile),
        ],
    ]
}

async fn customer_import_checks_every_row_then_saves_all(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let (_, page) = browser.get_text("/customers").await;
    assert!(page.contains("href=\"/customers/import\" id=\"import-xlsx\""));
    let (status, page) = browser.get_text("/customers/import").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("href=\"/customers/import/template\""));
    assert!(page.contains("enctype=\"multipart/form-data\""));

    let (headers, notes) = template_of(&browser, "/customers/import/template").await;
    assert_eq!(headers[0], "客户名称＊", "required columns are marked");
    let note = |column: &str| {
        notes
            .iter()
            .find(|r| r.first().map(String::as_str) == Some(column))
            .map(|r| r[1].clone())
            .unwrap_or_default()
    };
    assert!(
        note("手机").starts_with("11 位数字，以 1 开头"),
        "{notes:?}"
    );
    assert_eq!(
        note("客户分组"),
        "填写客户分组的名称，如 企业客户；留空为不分组"
    );
    assert!(note("结账方式").starts_with("记账 或 现结"));
    assert!(
        headers.iter().all(|h| !note(h).is_empty()),
        "one note per column: {notes:?}"
    );

    // One bad mobile in the fourth data row (Excel row 5): nothing is saved.
    let bad = filled(&headers, &customer_rows("1380013800"));
    let (status, body) = upload_api(&api, "/api/v1/customers/import", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        errors_of(&body),
        [(
            "rows[5].mobile".to_owned(),
            "手机号应为 11 位数字".to_owned()
        )]
    );
    assert_eq!(app.count("select count(*) from customers").await, 0);

    let token = browser.csrf_token().await;
    let res = upload_form(&browser, "/customers/import", Some(&token), &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("<tr><td>第 5 行</td><td>手机</td><td>手机号应为 11 位数字</td></tr>"),
        "the report lists the row, column and message"
    );
    assert!(page.contains("共 1 行有 1 处问题"));
    assert_eq!(app.count("select count(*) from customers").await, 0);

    // Fixed: all four are saved, in one go, with their lists resolved.
    let good = filled(&headers, &customer_rows("13900139000"));
    let res = upload_form(&browser, "/customers/import", Some(&token), &good).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/customers/import?imported=4");
    let (_, page) = browser.get_text(&location).await;
    assert!(page.contains("已导入 4 位客户"));
    assert_eq!(app.count("select count(*) from customers").await, 4);
    assert_eq!(
        app.count(
            "select count(*) from customers c join list_items g on g.id = c.customer_group_id
             where (c.name = '星光广告有限公司' and g.name = '企业客户')
                or (c.name = '红星图文' and g.name = '广告同行')
                or (c.name = '蓝天学校' and g.name = '学校/机关')"
        )
        .await,
        3,
        "groups given by name are stored as their ids"
    );
    assert_eq!(
        app.count(
            "select count(*) from customers c join list_items r on r.id = c.customer_relation_id
             where c.name = '红星图文' and r.name = '老客户' and c.credit_limit = 50000000 and c.payment_terms_days = 30"
        )
        .await,
        1
    );
    assert_eq!(
        app.count("select count(*) from customers where settlement_type = 'cash'")
            .await,
        1
    );
    assert_eq!(
        app.count("select count(*) from customers where name = '新光印务' and id_document_number = '11010519491231002X'")
            .await,
        1
    );
    assert_eq!(
        app.count(
            "select count(*) from customer_contacts where mobile = '13900139000' and person = '李老师' and is_primary = 1"
        )
        .await,
        1
    );
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'import' and doc_kind = 'customer' and summary = '4'")
            .await,
        1
    );
    let (_, found) = api.get("/api/v1/customers/search?q=ltxx").await;
    assert_eq!(
        found[0]["name"], "蓝天学校",
        "imported customers are searchable by initials"
    );

    // The same file again: every name is now taken, nothing more is saved.
    let (status, body) = upload_api(&api, "/api/v1/customers/import", &good).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "rows[2].name").as_deref(),
        Some("已有同名客户。")
    );
    assert_eq!(errors_of(&body).len(), 4);
    assert_eq!(app.count("select count(*) from customers").await, 4);
}

async fn customer_import_names_unknown_list_items_and_repeated_names(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let (status, _) = api
        .post("/api/v1/customers", json!({ "name": "已有客户" }))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (headers, _) = template_of(&browser, "/customers/import/template").await;
    let file = filled(
        &headers,
        &[
            vec![("客户名称", "甲公司"), ("客户分组", "不存在的分组")],
            vec![("客户名称", "乙公司"), ("结账方式", "月结")],
            vec![("客户名称", "乙公司")],
            vec![("客户名称", "已有客户"), ("证件名称", "军官证X")],
        ],
    );
    let (status, body) = upload_api(&api, "/api/v1/customers/import", &file).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut errors = errors_of(&body);
    errors.sort();
    assert_eq!(
        errors,
        [
            (
                "rows[2].customer_group",
                "没有名为“不存在的分组”的客户分组。"
            ),
            ("rows[3].settlement_type", "请选择结账方式：记账或现结。"),
            ("rows[4].name", "与第 3 行的名称重复。"),
            ("rows[5].id_document_kind", "没有名为“军官证X”的证件名称。"),
            ("rows[5].name", "已有同名客户。"),
        ]
        .map(|(field, message)| (field.to_owned(), message.to_owned()))
    );
    assert_eq!(app.count("select count(*) from customers").await, 1);
}

async fn uploads_check_the_file_and_the_csrf_token(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let (headers, _) = template_of(&browser, "/customers/import/template").await;
    let good = filled(&headers, &customer_rows("13900139000"));
    let token = browser.csrf_token().await;

    // Files above the 2 MB form limit still reach the import and get its own messages.
    let (status, body) = upload_api(
        &api,
        "/api/v1/customers/import",
        &vec![b'x'; 3 * 1024 * 1024],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(field_message(&body, "file").is_some(), "{body}");
    let (status, body) = upload_api(
        &api,
        "/api/v1/customers/import",
        &vec![b'x'; 9 * 1024 * 1024],
    )
    .await;
    assert_ne!(status, StatusCode::OK, "{body}");
    assert_eq!(app.count("select count(*) from customers").await, 0);

    let res = upload_form(&browser, "/customers/import", None, &good).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let res = upload_form(&browser, "/customers/import", Some("not-the-token"), &good).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "a wrong CSRF token");
    let res = upload_form(&browser, "/customers/suppliers/import", None, &good).await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "no CSRF token for suppliers either"
    );
    assert_eq!(app.count("select count(*) from customers").await, 0);

    let csv = "客户名称,手机\n甲,138\n";
    let res = upload_form(&browser, "/customers/import", Some(&token), csv.as_bytes()).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("无法读取该文件，请上传由模板填写的 .xlsx 文件。")
    );
    let res = upload_form(&browser, "/customers/import", Some(&token), b"").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("请选择要上传的文件。"));
    let (status, body) = upload_api(&api, "/api/v1/customers/import", b"not a spreadsheet").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "file").as_deref(),
        Some("无法读取该文件，请上传由模板填写的 .xlsx 文件。")
    );
    let other = filled(&["别的标题".to_owned()], &[vec![("别的标题", "甲")]]);
    let (status, body) = upload_api(&api, "/api/v1/suppliers/import", &other).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "file").as_deref(),
        Some("第 1 列的标题应为“供应商名称”，请使用系统生成的模板。")
    );
    let empty = filled(&headers, &[]);
    let (status, body) = upload_api(&api, "/api/v1/customers/import", &empty).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "file").as_deref(),
        Some("文件中没有要导入的行。")
    );

    // A browser session calling the API with its cookie must send X-CSRF-Token.
    let res = browser
        .http
        .post(format!("{}/api/v1/customers/import", browser.base))
        .header("content-type", XLSX)
        .body(good.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("select count(*) from customers").await, 0);
}

async fn supplier_import_checks_every_row_then_saves_all(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let (_, page) = browser.get_text("/customers/suppliers").await;
    assert!(page.contains("href=\"/customers/suppliers/import\" id=\"import-xlsx\""));
    let (headers, notes) = template_of(&browser, "/customers/suppliers/import/template").await;
    assert_eq!(headers[..2], ["供应商名称＊", "供应经营范围"]);
    assert!(
        notes
            .iter()
            .any(|r| r[0] == "供应经营范围" && r[1].contains("、 或 ,")),
        "{notes:?}"
    );

    let rows = |mobile: &'static str, scopes: &'static str| {
        vec![
            vec![
                ("供应商名称", "宏达纸业"),
                ("供应经营范围", "纸张、墨水碳粉"),
                ("联系人", "刘经理"),
                ("手机", "13900139000"),
            ],
            vec![
                ("供应商名称", "华彩喷绘"),
                ("供应经营范围", scopes),
                ("税号", "91330100MA2B3C4D5E"),
            ],
            vec![
                ("供应商名称", "老王五金"),
                ("手机", mobile),
                ("银行账号", "6222 0212 3456 7890"),
            ],
        ]
    };
    let bad = filled(&headers, &rows("139", "写真喷绘耗材,木材"));
    let (status, body) = upload_api(&api, "/api/v1/suppliers/import", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors_of(&body),
        [
            (
                "rows[3].supply_scopes".to_owned(),
                "没有名为“木材”的供应经营范围。".to_owned()
            ),
            (
                "rows[4].mobile".to_owned(),
                "手机号应为 11 位数字".to_owned()
            ),
        ]
    );
    let token = browser.csrf_token().await;
    let res = upload_form(&browser, "/customers/suppliers/import", Some(&token), &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("<tr><td>第 3 行</td><td>供应经营范围</td>")
    );
    assert_eq!(app.count("select count(*) from suppliers").await, 0);

    let good = filled(&headers, &rows("13700137000", "写真喷绘耗材，外协输出"));
    let (status, body) = upload_api(&api, "/api/v1/suppliers/import", &good).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "imported": 3 }));
    assert_eq!(app.count("select count(*) from suppliers").await, 3);
    assert_eq!(
        app.count(
            "select count(*) from supplier_scopes p join suppliers s on s.id = p.supplier_id
             join list_items i on i.id = p.supply_scope_id
             where (s.name = '宏达纸业' and i.name in ('纸张', '墨水碳粉'))
                or (s.name = '华彩喷绘' and i.name in ('写真喷绘耗材', '外协输出'))"
        )
        .await,
        4
    );
    assert_eq!(
        app.count("select count(*) from supplier_contacts where mobile = '13700137000'")
            .await,
        1
    );
    assert_eq!(
        app.count(
            "select count(*) from audit_log where action = 'import' and doc_kind = 'supplier'"
        )
        .await,
        1
    );

    let more = filled(
        &headers,
        &[
            vec![("供应商名称", "新纸行")],
            vec![("供应商名称", "宏达纸业")],
        ],
    );
    let res = upload_form(&browser, "/customers/suppliers/import", Some(&token), &more).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("<td>已有同名供应商。</td>")
    );
    let more = filled(&headers, &[vec![("供应商名称", "新纸行")]]);
    let res = upload_form(&browser, "/customers/suppliers/import", Some(&token), &more).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = browser
        .get_text("/customers/suppliers/import?imported=1")
        .await;
    assert!(page.contains("已导入 1 家供应商"));
    assert_eq!(app.count("select count(*) from suppliers").await, 4);
}

async fn imports_and_exports_need_their_permissions(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let (_, me) = api.get("/api/v1/me").await;
    let (_, role) = api
        .post(
            "/api/v1/roles",
            json!({ "name": "只看", "permissions": ["customers.customer.view", "customers.supplier.view"] }),
        )
        .await;
    let (status, _) = api
        .post(
            "/api/v1/users",
            json!({ "login": "viewer", "display_name": "小看", "password": "Viewer2026",
                    "role_ids": [role["id"]], "account_set_ids": [me["account_set_id"]] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let admin = app.sign_in_admin().await;
    let (headers, _) = template_of(&admin, "/customers/import/template").await;
    let good = filled(&headers, &customer_rows("13900139000"));

    let viewer = app.sign_in("viewer", "Viewer2026").await;
    let viewer_api = app.api("viewer", "Viewer2026", None).await;
    let (_, page) = viewer.get_text("/customers").await;
    assert!(
        !page.contains("/customers/import"),
        "no import link without the permission"
    );
    assert!(
        page.contains("id=\"export-xlsx\""),
        "exporting needs only the list"
    );
    for path in [
        "/customers/import",
        "/customers/import/template",
        "/customers/suppliers/import",
        "/customers/suppliers/import/template",
        "/customers/prices/export",
        "/settings/units/export",
    ] {
        assert_eq!(
            viewer.get(path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(
        viewer.get("/customers/suppliers/export").await.status(),
        StatusCode::OK
    );
    let token = viewer.csrf_token().await;
    let res = upload_form(&viewer, "/customers/import", Some(&token), &good).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (status, body) = upload_api(&viewer_api, "/api/v1/customers/import", &good).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        field_message(&body, "").as_deref(),
        Some(
            "您没有“管理客户（新建、修改、合并、删除）”权限（customers.customer.manage），请联系管理员。"
        )
    );
    let (status, _) = upload_api(&viewer_api, "/api/v1/suppliers/import", &good).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("select count(*) from customers").await, 0);
}

// ---- Product import ----

fn product_rows<'a>(fourth_price: &'a str, third_unit: &'a str) -> Vec<Vec<(&'a str, &'a str)>> {
    vec![
        vec![
            ("产品编码", "XZ-PP"),
            ("产品名称", "写真PP纸"),
            ("产品类别", "写真"),
            ("计量单位", "平方米"),
            ("计价方式", "按面积"),
            ("标准单价", "25"),
            ("最低计价(每件)", "1"),
            ("阶梯价", "0:25;10:22"),
            ("默认工序", "覆膜(亮膜)、裁切"),
        ],
        vec![
            ("产品编码", "DY-A4"),
            ("产品名称", "A4 黑白打印"),
            ("产品类别", "写真"),
            ("计量单位", "张"),
            ("规格", "A4"),
            ("计价方式", "按张/面/份"),
            ("标准单价", "0.5"),
            ("成本价", "0.1"),
            ("税率(%)", "13"),
            ("阶梯价", "1:0.30;500:0.20;2000:0.15"),
        ],
        vec![
            ("产品编码", "MP-01"),
            ("产品名称", "名片"),
            ("产品类别", "写真"),
            ("计量单位", third_unit),
            ("计价方式", "set"),
            ("标准单价", "30"),
            ("起步价", "20"),
            ("默认工序", "裁切"),
        ],
        vec![
            ("产品编码", "PH-01"),
            ("产品名称", "喷绘布"),
            ("产品类别", "写真"),
            ("计量单位", "平方米"),
            ("计价方式", "按面积"),
            ("标准单价", fourth_price),
            ("最大幅宽(米)", "3.2"),
        ],
    ]
}

async fn product_id_of(app: &TestApp, code: &str) -> i64 {
    sqlx::query_scalar("select id from products where code = $1")
        .bind(code)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn product_import_checks_every_row_then_saves_all(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let (_, page) = browser.get_text("/system/products").await;
    assert!(page.contains("href=\"/system/products/import\" id=\"import-xlsx\""));
    let (status, page) = browser.get_text("/system/products/import").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("href=\"/system/products/import/template\""));

    let (headers, notes) = template_of(&browser, "/system/products/import/template").await;
    assert_eq!(
        headers,
        [
            "产品编码＊",
            "产品名称＊",
            "产品类别＊",
            "计量单位＊",
            "规格",
            "计价方式＊",
            "标准单价＊",
            "成本价",
            "税率(%)",
            "最低计价(每件)",
            "起步价",
            "最大幅宽(米)",
            "最大长度(米)",
            "阶梯价",
            "默认工序",
        ]
    );
    let note = |column: &str| {
        notes
            .iter()
            .find(|r| r.first().map(String::as_str) == Some(column))
            .map(|r| r[1].clone())
            .unwrap_or_default()
    };
    assert!(
        note("阶梯价").contains("1:0.30;500:0.20;2000:0.15"),
        "{notes:?}"
    );
    assert!(note("计价方式＊").contains("按张/面/份"));
    assert!(
        notes.iter().any(|r| r
            .first()
            .is_some_and(|t| t.contains("1:0.30;500:0.20;2000:0.15"))),
        "the tier format is explained above the columns too"
    );
    assert!(headers.iter().all(|h| !note(h).is_empty()), "{notes:?}");

    // A negative price in the fourth data row (Excel row 5): nothing is saved.
    let bad = filled(&headers, &product_rows("-3", "盒"));
    let (status, body) = upload_api(&api, "/api/v1/products/import", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let errors = errors_of(&body);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "rows[5].list_price");
    assert_eq!(app.count("select count(*) from products").await, 0);
    let token = browser.csrf_token().await;
    let res = upload_form(&browser, "/system/products/import", Some(&token), &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains(&format!(
            "<tr><td>第 5 行</td><td>标准单价</td><td>{}</td></tr>",
            errors[0].1
        )),
        "the report lists the row, column and message"
    );
    assert!(page.contains("共 1 行有 1 处问题"));

    // An unknown unit in the third data row (Excel row 4).
    let bad = filled(&headers, &product_rows("12.5", "平米"));
    let (status, body) = upload_api(&api, "/api/v1/products/import", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        errors_of(&body),
        [(
            "rows[4].unit".to_owned(),
            "没有名为“平米”的计量单位。".to_owned()
        )]
    );
    assert_eq!(app.count("select count(*) from products").await, 0);

    // Fixed: all four are saved, in one go.
    let good = filled(&headers, &product_rows("12.5", "盒"));
    let res = upload_form(&browser, "/system/products/import", Some(&token), &good).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/system/products/import?imported=4");
    let (_, page) = browser.get_text(&location).await;
    assert!(page.contains("已导入 4 个产品"));
    assert_eq!(app.count("select count(*) from products").await, 4);
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'import' and doc_kind = 'product' and summary = '4'")
            .await,
        1
    );

    let lamination = item_id(&app, "process", "覆膜(亮膜)").await;
    let cutting = item_id(&app, "process", "裁切").await;
    let (status, pp) = api
        .get(&format!(
            "/api/v1/products/{}",
            product_id_of(&app, "XZ-PP").await
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{pp}");
    assert_eq!(pp["name"], "写真PP纸");
    assert_eq!(pp["pricing_mode"], "area");
    assert_eq!(pp["tier_style"], "whole");
    assert_eq!(pp["process_ids"], json!([lamination, cutting]));
    assert_eq!(
        pp["category_id"],
        item_id(&app, "product_category", "写真").await
    );
    let tiers: Vec<(String, String)> = pp["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["from"].as_str().unwrap().to_owned(),
                t["price"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(tiers.len(), 2);
    assert_eq!(tiers[0].0, "0");
    assert_eq!(tiers[1].0, "10");
    assert!(tiers[1].1.starts_with("22"), "{tiers:?}");

    let (_, a4) = api
        .get(&format!(
            "/api/v1/products/{}",
            product_id_of(&app, "DY-A4").await
        ))
        .await;
    assert_eq!(a4["pricing_mode"], "sheet", "the form's label is read");
    assert_eq!(a4["max_width"], "0", "an empty limit is no limit");
    let (_, banner) = api
        .get(&format!(
            "/api/v1/products/{}",
            product_id_of(&app, "PH-01").await
        ))
        .await;
    assert_eq!(banner["max_width"], "3.2");
    assert_eq!(banner["max_length"], "0");
    assert_eq!(a4["specification"], "A4");
    let froms: Vec<&str> = a4["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["from"].as_str().unwrap())
        .collect();
    assert_eq!(froms, ["1", "500", "2000"]);
    assert!(
        a4["tiers"][2]["price"]
            .as_str()
            .unwrap()
            .starts_with("0.15")
    );
    assert_eq!(a4["process_ids"], json!([]));
    let (_, card) = api
        .get(&format!(
            "/api/v1/products/{}",
            product_id_of(&app, "MP-01").await
        ))
        .await;
    assert_eq!(card["pricing_mode"], "set", "the code is read too");
    assert_eq!(card["process_ids"], json!([cutting]));
    let (_, found) = api.get("/api/v1/products/search?q=phb").await;
    assert_eq!(
        found[0]["code"], "PH-01",
        "imported products are searchable by initials"
    );
}

async fn product_import_reports_repeated_and_taken_codes(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let pp = crate::products::body(&api, "XZ-01", "写真PP纸", "area", "25", json!({})).await;
    crate::products::create(&api, pp).await;
    let old = crate::products::body(&api, "OLD-1", "旧灯布", "area", "10", json!({})).await;
    let old = crate::products::create(&api, old).await;
    let (status, _) = api.delete(&format!("/api/v1/products/{}", old["id"])).await;
    assert!(status.is_success(), "{status}");
    let (headers, _) = template_of(&browser, "/system/products/import/template").await;
    let row = |code: &'static str| {
        vec![
            ("产品编码", code),
            ("产品名称", "新产品"),
            ("产品类别", "写真"),
            ("计量单位", "平方米"),
            ("计价方式", "按面积"),
            ("标准单价", "1"),
        ]
    };
    let file = filled(
        &headers,
        &[row("XZ-01"), row("A-1"), row("A-1"), row("OLD-1")],
    );
    let (status, body) = upload_api(&api, "/api/v1/products/import", &file).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut errors = errors_of(&body);
    errors.sort();
    assert_eq!(
        errors,
        [
            ("rows[2].code", "编码 XZ-01 已被产品“写真PP纸”使用。"),
            ("rows[4].code", "与第 3 行的编码重复。"),
            (
                "rows[5].code",
                "编码 OLD-1 已被回收站中的产品“旧灯布”使用，请先还原或彻底删除它。"
            ),
        ]
        .map(|(field, message)| (field.to_owned(), message.to_owned()))
    );
    assert_eq!(app.count("select count(*) from products").await, 2);
}

async fn product_import_needs_product_manage(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let (_, me) = api.get("/api/v1/me").await;
    let (_, role) = api
        .post(
            "/api/v1/roles",
            json!({ "name": "只看产品", "permissions": ["system.product.view"] }),
        )
        .await;
    let (status, _) = api
        .post(
            "/api/v1/users",
            json!({ "login": "viewer", "display_name": "小看", "password": "Viewer2026",
                    "role_ids": [role["id"]], "account_set_ids": [me["account_set_id"]] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let admin = app.sign_in_admin().await;
    let (headers, _) = template_of(&admin, "/system/products/import/template").await;
    let good = filled(&headers, &product_rows("12.5", "张"));

    let viewer = app.sign_in("viewer", "Viewer2026").await;
    let viewer_api = app.api("viewer", "Viewer2026", None).await;
    let (_, page) = viewer.get_text("/system/products").await;
    assert!(!page.contains("/system/products/import"), "no import link");
    assert!(page.contains("id=\"export-xlsx\""));
    for path in [
        "/system/products/import",
        "/system/products/import/template",
    ] {
        assert_eq!(
            viewer.get(path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let token = viewer.csrf_token().await;
    let res = upload_form(&viewer, "/system/products/import", Some(&token), &good).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (status, body) = upload_api(&viewer_api, "/api/v1/products/import", &good).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        field_message(&body, "")
            .unwrap_or_default()
            .contains("（system.product.manage）"),
        "{body}"
    );
    assert_eq!(app.count("select count(*) from products").await, 0);
}

backend_tests!(
    customers_export_what_the_list_shows,
    products_export_what_the_list_shows,
    export_needs_the_list_permission,
    suppliers_export_what_the_search_shows,
    customer_prices_export_with_the_list_filters,
    settings_lists_export_with_tree_and_extra_fields,
    customer_import_checks_every_row_then_saves_all,
    customer_import_names_unknown_list_items_and_repeated_names,
    uploads_check_the_file_and_the_csrf_token,
    supplier_import_checks_every_row_then_saves_all,
    imports_and_exports_need_their_permissions,
    product_import_checks_every_row_then_saves_all,
    product_import_reports_repeated_and_taken_codes,
    product_import_needs_product_manage,
);
