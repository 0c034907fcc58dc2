//! Tests of 客户中心 (chapter 2): customers and suppliers through the pages and the API, search
//! as you type, duplicate-mobile warnings, merging, the recycle bin, permissions and tenancy.

use printdesk::kernel::db::StoreError;
use printdesk::kernel::recycle_bin;
use printdesk::kernel::tenancy::{AccountSetId, Scope};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{ADMIN_LOGIN, ADMIN_PASSWORD, Api, Backend, TestApp, field_message};
use crate::system_org::{Probe, assert_foreign_ids_are_not_found};

/// Routes that take a live customer's id.
const CUSTOMER_PROBES: &[Probe] = &[
    Probe::PageGet("/customers/{id}"),
    Probe::PagePost("/customers/{id}", &[("name", "探测")]),
    Probe::PagePost("/customers/{id}/delete", &[]),
    Probe::PagePost("/customers/{id}/merge-into", &[("target_id", "1")]),
    Probe::PagePost("/customers/{id}/merge-into/1", &[]),
    Probe::ApiGet("/api/v1/customers/{id}"),
    Probe::ApiPut("/api/v1/customers/{id}", r#"{"name":"探测"}"#),
    Probe::ApiDelete("/api/v1/customers/{id}"),
    Probe::ApiPost("/api/v1/customers/{id}/merge", r#"{"target_id":1}"#),
];

/// Routes that take a live supplier's id.
const SUPPLIER_PROBES: &[Probe] = &[
    Probe::PageGet("/customers/suppliers/{id}"),
    Probe::PagePost("/customers/suppliers/{id}", &[("name", "探测")]),
    Probe::PagePost("/customers/suppliers/{id}/delete", &[]),
    Probe::PagePost(
        "/customers/suppliers/{id}/merge-into",
        &[("target_id", "1")],
    ),
    Probe::PagePost("/customers/suppliers/{id}/merge-into/1", &[]),
    Probe::ApiGet("/api/v1/suppliers/{id}"),
    Probe::ApiPut("/api/v1/suppliers/{id}", r#"{"name":"探测"}"#),
    Probe::ApiDelete("/api/v1/suppliers/{id}"),
    Probe::ApiPost("/api/v1/suppliers/{id}/merge", r#"{"target_id":1}"#),
];

/// The value of the hidden `form_nonce` field of a page.
fn form_nonce(page: &str) -> String {
    let start = page.find("name=\"form_nonce\"").expect("form_nonce field");
    let rest = &page[start..];
    let value = &rest[rest.find("value=\"").expect("nonce value") + 7..];
    value[..value.find('"').expect("nonce end")].to_owned()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

/// The id in a location such as `/customers/7?saved=1`.
fn id_in(location: &str) -> i64 {
    let path = location.split('?').next().unwrap_or("");
    path.rsplit('/').next().unwrap().parse().expect("id")
}

async fn account_set_of(api: &Api) -> i64 {
    let (_, me) = api.get("/api/v1/me").await;
    me["account_set_id"].as_i64().unwrap()
}

/// The id of the live settings-list item `name` of `kind`, created if the seed lacks it.
async fn list_item(app: &TestApp, account_set: i64, kind: &str, name: &str) -> i64 {
    let found: Option<i64> = sqlx::query_scalar(
        "select id from list_items where account_set_id = $1 and kind = $2 and name = $3 and deleted_at is null",
    )
    .bind(account_set)
    .bind(kind)
    .bind(name)
    .fetch_optional(app.db.pool())
    .await
    .unwrap();
    if let Some(id) = found {
        return id;
    }
    let id = sqlx::query_scalar(
        r#"insert into list_items (account_set_id, kind, name, created_at, updated_at)
           values ($1, $2, $3, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') returning id"#,
    )
    .bind(account_set)
    .bind(kind)
    .bind(name)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    // Written past the services: tell the cached lists, as every writer does.
    printdesk::kernel::cache::touch_now(&app.db, account_set, "list_items")
        .await
        .unwrap();
    id
}

async fn create_customer(api: &Api, body: Value) -> Value {
    let (status, customer) = api.post("/api/v1/customers", body).await;
    assert_eq!(status, StatusCode::CREATED, "{customer}");
    customer
}

fn names(results: &Value) -> Vec<String> {
    results
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn customers_are_created_and_edited_through_pages_and_api(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let admin = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let account_set = account_set_of(&api).await;
    let group = list_item(&app, account_set, "customer_group", "企业客户").await;
    let group_text = group.to_string();

    let (status, list) = admin.get_text("/customers").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("href=\"/customers/new\" data-shortcut=\"new\""));
    let (status, page) = admin.get_text("/customers/new").await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "id=\"name\"",
        "id=\"customer_group_id\"",
        "id=\"contact_person_0\"",
        "id=\"contact_mobile_2\"",
        "id=\"credit_limit\"",
        "data-main",
        &format!("<option value=\"{group}\">企业客户</option>"),
    ] {
        assert!(page.contains(needle), "{needle} on the new-customer form");
    }
    let nonce = form_nonce(&page);

    // Bad input comes back with what was typed and each message by its field; nothing is saved.
    let res = admin
        .post_form(
            "/customers",
            &[
                ("form_nonce", &nonce),
                ("name", "星光广告"),
                ("credit_limit", "-5"),
                ("contact_person", ""),
                ("contact_person", "王小明"),
                ("contact_mobile", ""),
                ("contact_mobile", "1380013800"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("value=\"星光广告\""), "typed name kept");
    assert!(page.contains("value=\"王小明\""), "typed contact kept");
    assert!(page.contains("信用额度不能为负数。"));
    let first_row = &page[page.find("id=\"contact_mobile_0\"").unwrap()
        ..page.find("id=\"contact_phone_0\"").unwrap()];
    assert!(
        first_row.contains("value=\"1380013800\"") && first_row.contains("手机号应为 11 位数字"),
        "the mobile message sits beside the first contact row: {first_row}"
    );
    assert_eq!(app.count("select count(*) from customers").await, 0);

    // A double click sends the same form twice: one customer.
    let fields = [
        ("form_nonce", nonce.as_str()),
        ("name", "星光广告"),
        ("short_name", "星光"),
        ("customer_group_id", group_text.as_str()),
        ("settlement_type", "cash"),
        ("may_prepay", "1"),
        ("credit_limit", "5000"),
        ("credit_mode", "block"),
        ("payment_terms_days", "30"),
        ("contact_person", "王小明"),
        ("contact_person", ""),
        ("contact_person", "李会计"),
        ("contact_mobile", "138 0013 8000"),
        ("contact_mobile", ""),
        ("contact_mobile", ""),
        ("contact_phone", ""),
        ("contact_phone", ""),
        ("contact_phone", "0571-88886666"),
        ("contact_position", "经理"),
        ("contact_position", ""),
        ("contact_position", "会计"),
        ("primary_contact", "2"),
    ];
    let first = admin.post_form("/customers", &fields).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let second = admin.post_form("/customers", &fields).await;
    assert_eq!(location(&first), location(&second));
    assert_eq!(app.count("select count(*) from customers").await, 1);
    let id = id_in(&location(&first));

    let (status, customer) = api.get(&format!("/api/v1/customers/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(customer["name"], "星光广告");
    assert_eq!(customer["pinyin_initials"], "xggg");
    assert_eq!(customer["customer_group_id"], group);
    assert_eq!(customer["settlement_type"], "cash");
    assert_eq!(customer["may_prepay"], true);
    assert_eq!(customer["cross_branch"], false);
    assert_eq!(customer["credit_limit"], "5000.00");
    assert_eq!(customer["credit_mode"], "block");
    assert_eq!(customer["payment_terms_days"], 30);
    assert_eq!(customer["external_contact_id"], "");
    assert_eq!(
        customer["contacts"],
        json!([
            { "person": "李会计", "mobile": "", "phone": "0571-88886666", "position": "会计", "is_primary": true },
            { "person": "王小明", "mobile": "13800138000", "phone": "", "position": "经理", "is_primary": false },
        ])
    );
    let (_, page) = admin.get_text(&format!("/customers/{id}?saved=1")).await;
    assert!(page.contains("已保存。"));
    assert!(page.contains("value=\"李会计\""));
    assert!(page.contains("id=\"merge\""));
    assert!(page.contains("新建"), "the history shows the creation");

    // Editing through the page replaces the contacts.
    let res = admin
        .post_form(
            &format!("/customers/{id}"),
            &[
                ("name", "星光广告有限公司"),
                ("settlement_type", "on_account"),
                ("contact_person", "王小明"),
                ("contact_mobile", "13800138000"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, customer) = api.get(&format!("/api/v1/customers/{id}")).await;
    assert_eq!(customer["name"], "星光广告有限公司");
    assert_eq!(customer["customer_group_id"], Value::Null);
    assert_eq!(customer["credit_limit"], "0.00");
    assert_eq!(customer["contacts"].as_array().unwrap().len(), 1);
    assert_eq!(customer["contacts"][0]["is_primary"], true);

    // The API creates and replaces customers the same way.
    let created = create_customer(
        &api,
        json!({ "name": "红星图文", "credit_limit": "1200.50", "credit_mode": "warn",
                "customer_group_id": group, "contacts": [{ "person": "赵六", "mobile": "13911112222" }] }),
    )
    .await;
    assert_eq!(created["credit_limit"], "1200.50");
    assert_eq!(created["pinyin_initials"], "hxtw");
    assert_eq!(created["warnings"], json!([]));
    let (status, updated) = api
        .put(
            &format!("/api/v1/customers/{}", created["id"]),
            json!({ "name": "红星图文店", "payment_terms_days": 365 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["name"], "红星图文店");
    assert_eq!(updated["payment_terms_days"], 365);
    assert_eq!(updated["contacts"], json!([]));
    let (status, list) = api.get("/api/v1/customers").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 2);
    let (_, page) = admin
        .get_text(&format!("/customers?group_id={group}"))
        .await;
    assert!(
        !page.contains("红星图文店"),
        "the group filter hides other groups"
    );
    let (_, page) = admin.get_text("/customers").await;
    assert!(page.contains("红星图文店") && page.contains("星光广告有限公司"));

    // A live namesake is refused.
    let (status, body) = api
        .post("/api/v1/customers", json!({ "name": "红星图文店" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "name").as_deref(),
        Some("已有同名客户。")
    );
}

async fn bad_customer_input_names_each_field_and_saves_nothing(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let account_set = account_set_of(&api).await;
    let resident_id = list_item(&app, account_set, "id_document_kind", "居民身份证").await;
    let passport = list_item(&app, account_set, "id_document_kind", "护照").await;
    let relation = list_item(&app, account_set, "customer_relation", "老客户").await;
    let (_, branch) = api
        .post("/api/v1/account-sets", json!({ "name": "分店" }))
        .await;
    let branch_group = list_item(
        &app,
        branch["id"].as_i64().unwrap(),
        "customer_group",
        "企业客户",
    )
    .await;

    // (body, field, exact message)
    let cases = [
        (
            json!({ "name": "甲", "contacts": [{ "person": "张三", "mobile": "13800138000" }, { "person": "李四", "mobile": "2380013800" }] }),
            "contacts[1].mobile",
            "手机号应为 11 位数字",
        ),
        (
            json!({ "name": "甲", "contacts": [{ "person": "张三", "phone": "0571#8888" }] }),
            "contacts[0].phone",
            "电话只能包含数字、空格、- 和 +。",
        ),
        (
            json!({ "name": "甲", "id_document_kind_id": resident_id, "id_document_number": "110105194912310021" }),
            "id_document_number",
            "居民身份证号码校验位不对，请核对。",
        ),
        (
            json!({ "name": "甲", "id_document_kind_id": resident_id, "id_document_number": "1101051949" }),
            "id_document_number",
            "居民身份证号码应为 18 位：17 位数字加 1 位数字或 X。",
        ),
        (
            json!({ "name": "甲", "credit_limit": "-100" }),
            "credit_limit",
            "信用额度不能为负数。",
        ),
        (
            json!({ "name": "甲", "credit_limit": "5千" }),
            "credit_limit",
            "信用额度应为金额，如 5000 或 5000.00。",
        ),
        (
            json!({ "name": "星".repeat(101) }),
            "name",
            "客户名称不超过 100 个字。",
        ),
        (json!({ "name": " " }), "name", "请填写客户名称。"),
        (
            json!({ "name": "甲", "customer_group_id": relation }),
            "customer_group_id",
            "请从列表中选择客户分组。",
        ),
        (
            json!({ "name": "甲", "customer_group_id": branch_group }),
            "customer_group_id",
            "请从列表中选择客户分组。",
        ),
        (
            json!({ "name": "甲", "sales_person_id": 9999 }),
            "sales_person_id",
            "请从列表中选择本账套的业务员。",
        ),
        (
            json!({ "name": "甲", "payment_terms_days": 400 }),
            "payment_terms_days",
            "账期应为 0 到 365 天的整数。",
        ),
        (
            json!({ "name": "甲", "settlement_type": "monthly" }),
            "settlement_type",
            "请选择结账方式：记账或现结。",
        ),
        (
            json!({ "name": "甲", "credit_limit": 5000 }),
            "credit_limit",
            "类型不对（数字和金额请用字符串，如 \"12.50\"）。",
        ),
        (
            json!({ "name": "甲", "contacts": [{ "person": "张三", "mobile": 13800138000_i64 }] }),
            "contacts[0].mobile",
            "类型不对（数字和金额请用字符串，如 \"12.50\"）。",
        ),
        (
            json!({ "name": "甲", "may_prepay": "yes" }),
            "may_prepay",
            "类型不对（数字和金额请用字符串，如 \"12.50\"）。",
        ),
        (json!({ "short_name": "甲" }), "name", "缺少此项。"),
    ];
    for (body, field, message) in cases {
        let (status, answer) = api.post("/api/v1/customers", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert_eq!(
            field_message(&answer, field).as_deref(),
            Some(message),
            "{body}: {answer}"
        );
    }
    assert_eq!(app.count("select count(*) from customers").await, 0);
    assert_eq!(app.count("select count(*) from customer_contacts").await, 0);

    // The right numbers pass: a resident ID with its check digit, any passport number.
    let customer = create_customer(
        &api,
        json!({ "name": "个人客户", "id_document_kind_id": resident_id, "id_document_number": "11010519491231002x" }),
    )
    .await;
    assert_eq!(customer["id_document_number"], "11010519491231002X");
    create_customer(
        &api,
        json!({ "name": "外籍客户", "id_document_kind_id": passport, "id_document_number": "E12345678" }),
    )
    .await;
}

async fn search_finds_customers_by_initials_mobile_and_contact(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    create_customer(
        &api,
        json!({ "name": "星光广告", "contacts": [{ "person": "王小明", "mobile": "13800138000", "phone": "0571-88886666" }] }),
    )
    .await;
    create_customer(&api, json!({ "name": "新光印务" })).await;
    create_customer(&api, json!({ "name": "星光" })).await;
    create_customer(&api, json!({ "name": "红星图文", "short_name": "红星" })).await;

    let (status, results) = api.get("/api/v1/customers/search?q=xg").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&results), ["星光", "星光广告", "新光印务"]);
    let (_, results) = api.get("/api/v1/customers/search?q=XGGG").await;
    assert_eq!(names(&results), ["星光广告"]);
    let (_, results) = api.get("/api/v1/customers/search?q=光广").await;
    assert_eq!(names(&results), ["星光广告"]);
    let (_, results) = api.get("/api/v1/customers/search?q=0013800").await;
    assert_eq!(names(&results), ["星光广告"]);
    assert_eq!(results[0]["contact_mobile"], "13800138000");
    let (_, results) = api.get("/api/v1/customers/search?q=8888").await;
    assert_eq!(names(&results), ["星光广告"]);
    let (_, results) = api.get("/api/v1/customers/search?q=王小明").await;
    assert_eq!(names(&results), ["星光广告"]);
    let (_, results) = api.get("/api/v1/customers/search?q=wxm").await;
    assert_eq!(names(&results), ["星光广告"]);
    let (_, results) = api.get("/api/v1/customers/search?q=%25").await;
    assert_eq!(results, json!([]), "a like wildcard is searched literally");
    let (_, results) = api.get("/api/v1/customers/search?q=").await;
    assert_eq!(results, json!([]));

    // The list page's search box searches the same way.
    let admin = app.sign_in_admin().await;
    let (status, page) = admin.get_text("/customers?q=hx").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("红星图文"));
    assert!(!page.contains("星光广告"));
    assert!(page.contains("value=\"hx\""));
}

async fn a_mobile_of_another_customer_is_saved_with_a_warning(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let admin = app.sign_in_admin().await;
    let first = create_customer(
        &api,
        json!({ "name": "星光广告", "contacts": [{ "person": "王小明", "mobile": "13800138000" }] }),
    )
    .await;
    let first_id = first["id"].as_i64().unwrap();

    let second = create_customer(
        &api,
        json!({ "name": "星光广告（分部）", "contacts": [{ "person": "王小明", "mobile": "13800138000" }] }),
    )
    .await;
    assert_eq!(
        second["warnings"],
        json!([{ "field": "contacts[0].mobile", "message": "该手机号已登记给客户：星光广告", "customer_id": first_id }])
    );

    let (_, page) = admin.get_text("/customers/new").await;
    let nonce = form_nonce(&page);
    let res = admin
        .post_form(
            "/customers",
            &[
                ("form_nonce", &nonce),
                ("name", "红星图文"),
                ("contact_person", "小王"),
                ("contact_mobile", "13800138000"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = admin.get_text(&location(&res)).await;
    assert!(
        page.contains(&format!(
            "该手机号已登记给客户：<a href=\"/customers/{first_id}\">星光广告</a>"
        )),
        "{page}"
    );
    assert_eq!(app.count("select count(*) from customers").await, 3);
}

async fn merging_moves_contacts_and_bins_the_source(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let admin = app.sign_in_admin().await;
    let account_set = account_set_of(&api).await;
    let target = create_customer(
        &api,
        json!({ "name": "星光广告有限公司", "contacts": [{ "person": "王小明", "mobile": "13800138000" }] }),
    )
    .await;
    let source = create_customer(
        &api,
        json!({ "name": "星光广告", "contacts": [{ "person": "李会计", "phone": "0571-88886666" }, { "person": "小张", "mobile": "13911112222" }] }),
    )
    .await;
    let target_id = target["id"].as_i64().unwrap();
    let source_id = source["id"].as_i64().unwrap();

    let (status, body) = api
        .post(
            &format!("/api/v1/customers/{target_id}/merge"),
            json!({ "target_id": target_id }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "target_id").as_deref(),
        Some("不能把客户合并到它自己。")
    );
    let (status, _) = api
        .post(
            &format!("/api/v1/customers/{source_id}/merge"),
            json!({ "target_id": 99999 }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, merged) = api
        .post(
            &format!("/api/v1/customers/{source_id}/merge"),
            json!({ "target_id": target_id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    let persons: Vec<&str> = merged["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["person"].as_str().unwrap())
        .collect();
    assert_eq!(persons, ["王小明", "李会计", "小张"]);
    assert_eq!(merged["contacts"][0]["is_primary"], true);
    assert_eq!(merged["contacts"][1]["is_primary"], false);
    let (status, _) = api.get(&format!("/api/v1/customers/{source_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let scope = Scope::for_operator_task(AccountSetId(account_set));
    let bin = recycle_bin::list_in_recycle_bin(
        &app.db,
        &scope,
        &printdesk::customers::customer::RECYCLE_KIND,
    )
    .await
    .unwrap();
    assert_eq!(bin.len(), 1);
    assert_eq!(bin[0].id, source_id);
    assert_eq!(bin[0].description, "星光广告");
    // The moved contacts are found under the target.
    let (_, results) = api.get("/api/v1/customers/search?q=13911112222").await;
    assert_eq!(names(&results), ["星光广告有限公司"]);
    assert_eq!(
        app.count(
            "select count(*) from audit_log where action = 'merge' and doc_kind = 'customer'"
        )
        .await,
        2
    );

    // The page merges with both ids in the path, and with the edit page's form.
    let third = create_customer(
        &api,
        json!({ "name": "星光", "contacts": [{ "person": "周七" }] }),
    )
    .await;
    let res = admin
        .post_form(
            &format!("/customers/{}/merge-into/{target_id}", third["id"]),
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/customers/{target_id}?merged=1"));
    let fourth = create_customer(&api, json!({ "name": "星光二号" })).await;
    let target_text = target_id.to_string();
    let res = admin
        .post_form(
            &format!("/customers/{}/merge-into", fourth["id"]),
            &[("target_id", &target_text)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = admin.get_text(&location(&res)).await;
    assert!(page.contains("已合并，原客户已移到回收站。"));
    assert!(page.contains("value=\"周七\""));
    assert!(page.contains("合并"), "the history shows the merge");
    let res = admin
        .post_form(
            &format!("/customers/{target_id}/merge-into/{target_id}"),
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("不能把客户合并到它自己。")
    );
}

async fn deleted_customers_and_suppliers_wait_in_the_recycle_bin(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let admin = app.sign_in_admin().await;
    let account_set = account_set_of(&api).await;
    let scope = Scope::for_operator_task(AccountSetId(account_set));
    let customer = create_customer(
        &api,
        json!({ "name": "星光广告", "contacts": [{ "person": "王小明" }] }),
    )
    .await;
    let id = customer["id"].as_i64().unwrap();

    let res = admin
        .post_form(&format!("/customers/{id}/delete"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/customers?deleted=1");
    let (status, _) = api.get(&format!("/api/v1/customers/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, results) = api.get("/api/v1/customers/search?q=xggg").await;
    assert_eq!(results, json!([]));

    // A live namesake blocks the restore until it is renamed.
    let twin = create_customer(&api, json!({ "name": "星光广告" })).await;
    let kind = &printdesk::customers::customer::RECYCLE_KIND;
    let mut tx = app.db.begin_write().await.unwrap();
    let refused = recycle_bin::restore(&mut tx, &scope, kind, id).await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );
    drop(tx);
    api.put(
        &format!("/api/v1/customers/{}", twin["id"]),
        json!({ "name": "星光广告二店" }),
    )
    .await;
    let mut tx = app.db.begin_write().await.unwrap();
    recycle_bin::restore(&mut tx, &scope, kind, id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (status, restored) = api.get(&format!("/api/v1/customers/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(restored["contacts"][0]["person"], "王小明");

    // Suppliers the same way, through the API.
    let (_, supplier) = api
        .post("/api/v1/suppliers", json!({ "name": "宏达纸业" }))
        .await;
    let supplier_id = supplier["id"].as_i64().unwrap();
    let (status, _) = api
        .delete(&format!("/api/v1/suppliers/{supplier_id}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let supplier_kind = &printdesk::customers::supplier::RECYCLE_KIND;
    let bin = recycle_bin::list_in_recycle_bin(&app.db, &scope, supplier_kind)
        .await
        .unwrap();
    assert_eq!(bin[0].description, "宏达纸业");
    let mut tx = app.db.begin_write().await.unwrap();
    recycle_bin::restore(&mut tx, &scope, supplier_kind, supplier_id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (status, _) = api.get(&format!("/api/v1/suppliers/{supplier_id}")).await;
    assert_eq!(status, StatusCode::OK);
    // Purging takes the contacts along.
    api.delete(&format!("/api/v1/customers/{id}")).await;
    let mut tx = app.db.begin_write().await.unwrap();
    let purged = recycle_bin::purge(&mut tx, &scope, kind, id, app.db.for_update())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(purged, Ok(recycle_bin::Purged::default()));
    assert_eq!(app.count("select count(*) from customer_contacts").await, 0);
}

async fn suppliers_are_kept_searched_and_merged(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let admin = app.sign_in_admin().await;
    let account_set = account_set_of(&api).await;
    let paper = list_item(&app, account_set, "supply_scope", "纸张").await;
    let ink = list_item(&app, account_set, "supply_scope", "墨水碳粉").await;
    let group = list_item(&app, account_set, "customer_group", "企业客户").await;

    let (status, page) = admin.get_text("/customers/suppliers/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("id=\"scope-{paper}\"")));
    let nonce = form_nonce(&page);
    let paper_text = paper.to_string();
    let ink_text = ink.to_string();
    let res = admin
        .post_form(
            "/customers/suppliers",
            &[
                ("form_nonce", &nonce),
                ("name", "宏达纸业"),
                ("bank_account", "6222-0212"),
                ("tax_number", "123"),
                ("supply_scope_ids", &paper_text),
                ("contact_person", "刘经理"),
                ("contact_mobile", "1390013900"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("value=\"宏达纸业\""));
    assert!(page.contains("银行账号只能包含数字和空格，不超过 40 位。"));
    assert!(page.contains("税号应为 15 到 20 位字母或数字。"));
    assert!(page.contains("手机号应为 11 位数字"));
    assert!(
        page.contains(&format!("value=\"{paper}\" checked")),
        "the checked scope is kept"
    );
    assert_eq!(app.count("select count(*) from suppliers").await, 0);

    let res = admin
        .post_form(
            "/customers/suppliers",
            &[
                ("form_nonce", &nonce),
                ("name", "宏达纸业"),
                ("bank_name", "工商银行"),
                ("bank_account", "6222 0212 3456"),
                ("tax_number", "91330100ma2b3c4d5e"),
                ("supply_scope_ids", &paper_text),
                ("supply_scope_ids", &ink_text),
                ("contact_person", "刘经理"),
                ("contact_mobile", "13900139000"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = id_in(&location(&res));
    let (_, supplier) = api.get(&format!("/api/v1/suppliers/{id}")).await;
    assert_eq!(supplier["tax_number"], "91330100MA2B3C4D5E");
    assert_eq!(supplier["pinyin_initials"], "hdzy");
    let mut scopes = vec![paper, ink];
    scopes.sort_unstable();
    assert_eq!(supplier["supply_scope_ids"], json!(scopes));
    assert_eq!(supplier["contacts"][0]["mobile"], "13900139000");

    // A customer group is not a supply scope.
    let (status, body) = api
        .post(
            "/api/v1/suppliers",
            json!({ "name": "乙", "supply_scope_ids": [group] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "supply_scope_ids").as_deref(),
        Some("请从列表中选择供应经营范围。")
    );
    let (status, body) = api
        .post("/api/v1/suppliers", json!({ "name": "宏达纸业" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "name").as_deref(),
        Some("已有同名供应商。")
    );

    // The API edits, searches and merges.
    let (status, other) = api
        .post(
            "/api/v1/suppliers",
            json!({ "name": "宏达纸品", "supply_scope_ids": [ink],
                    "contacts": [{ "person": "孙师傅", "phone": "0571 8123 4567" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{other}");
    let (status, edited) = api
        .put(
            &format!("/api/v1/suppliers/{}", other["id"]),
            json!({ "name": "宏达纸品店", "supply_scope_ids": [ink],
                    "contacts": [{ "person": "孙师傅", "phone": "0571 8123 4567" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(edited["name"], "宏达纸品店");
    let (_, results) = api.get("/api/v1/suppliers/search?q=hd").await;
    assert_eq!(names(&results), ["宏达纸品店", "宏达纸业"]);
    let (_, results) = api.get("/api/v1/suppliers/search?q=孙师傅").await;
    assert_eq!(names(&results), ["宏达纸品店"]);
    let (status, merged) = api
        .post(
            &format!("/api/v1/suppliers/{}/merge", other["id"]),
            json!({ "target_id": id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    assert_eq!(merged["contacts"].as_array().unwrap().len(), 2);
    assert_eq!(merged["supply_scope_ids"], json!(scopes));
    let (status, _) = api.get(&format!("/api/v1/suppliers/{}", other["id"])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = api.get("/api/v1/suppliers").await;
    assert_eq!(list["total"], 1);
    let (_, page) = admin.get_text("/customers/suppliers?q=hdzy").await;
    assert!(page.contains("宏达纸业"));
    let (_, page) = admin.get_text(&format!("/customers/suppliers/{id}")).await;
    assert!(page.contains("value=\"孙师傅\""));
    assert!(page.contains("合并"));
}

async fn missing_permission_is_403_naming_it(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let account_set = account_set_of(&api).await;
    let customer = create_customer(&api, json!({ "name": "星光广告" })).await;
    let (_, role) = api
        .post(
            "/api/v1/roles",
            json!({ "name": "只看客户", "permissions": ["customers.customer.view"] }),
        )
        .await;
    let (status, _) = api
        .post(
            "/api/v1/users",
            json!({ "login": "viewer", "display_name": "小看", "password": "Viewer2026",
                    "role_ids": [role["id"]], "account_set_ids": [account_set] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let viewer = app.sign_in("viewer", "Viewer2026").await;
    let viewer_api = app.api("viewer", "Viewer2026", None).await;

    let (status, page) = viewer.get_text("/customers").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("星光广告"));
    assert!(!page.contains("href=\"/customers/new\""));
    assert!(
        page.contains("href=\"/customers\""),
        "the menu has 客户管理"
    );
    assert!(!page.contains("href=\"/customers/suppliers\""));
    let (status, page) = viewer
        .get_text(&format!("/customers/{}", customer["id"]))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<fieldset class=\"plain\" disabled>"));
    assert!(!page.contains("id=\"merge\""));
    let res = viewer.post_form("/customers", &[("name", "偷建")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        res.text().await.unwrap().contains(
            "您没有“管理客户（新建、修改、合并、删除）”权限（customers.customer.manage）"
        )
    );
    let (status, body) = viewer_api
        .delete(&format!("/api/v1/customers/{}", customer["id"]))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        field_message(&body, "").as_deref(),
        Some(
            "您没有“管理客户（新建、修改、合并、删除）”权限（customers.customer.manage），请联系管理员。"
        )
    );
    let (status, body) = viewer_api.get("/api/v1/suppliers").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        field_message(&body, "").as_deref(),
        Some("您没有“查看供应商”权限（customers.supplier.view），请联系管理员。")
    );
    assert_eq!(
        viewer.get("/customers/suppliers").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.count("select count(*) from customers").await, 1);
}

async fn account_set_b_customers_and_suppliers_are_not_found_from_a(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api_a = app.api_admin().await;
    let (status, b) = api_a
        .post("/api/v1/account-sets", json!({ "name": "分店" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let b_id = b["id"].as_i64().unwrap();
    let api_b = app.api(ADMIN_LOGIN, ADMIN_PASSWORD, Some(b_id)).await;
    let customer_b = create_customer(
        &api_b,
        json!({ "name": "分店客户", "contacts": [{ "person": "钱八", "mobile": "13700137000" }] }),
    )
    .await;
    let customer_b = customer_b["id"].as_i64().unwrap();
    let (status, supplier_b) = api_b
        .post("/api/v1/suppliers", json!({ "name": "分店供应商" }))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let supplier_b = supplier_b["id"].as_i64().unwrap();

    let browser_a = app.sign_in_admin().await;
    assert_ne!(
        account_set_of(&api_a).await,
        b_id,
        "the probe runs in account set A"
    );
    assert_foreign_ids_are_not_found(&browser_a, &api_a, CUSTOMER_PROBES, customer_b).await;
    assert_foreign_ids_are_not_found(&browser_a, &api_a, SUPPLIER_PROBES, supplier_b).await;

    // Nor can A merge its own records into B's.
    let customer_a = create_customer(&api_a, json!({ "name": "总店客户" })).await;
    let (status, _) = api_a
        .post(
            &format!("/api/v1/customers/{}/merge", customer_a["id"]),
            json!({ "target_id": customer_b }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let res = browser_a
        .post_form(
            &format!("/customers/{}/merge-into/{customer_b}", customer_a["id"]),
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (_, supplier_a) = api_a
        .post("/api/v1/suppliers", json!({ "name": "总店供应商" }))
        .await;
    let (status, _) = api_a
        .post(
            &format!("/api/v1/suppliers/{}/merge", supplier_a["id"]),
            json!({ "target_id": supplier_b }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A's search and duplicate check never see B's customers.
    let (_, results) = api_a.get("/api/v1/customers/search?q=13700137000").await;
    assert_eq!(results, json!([]));
    let same_mobile = create_customer(
        &api_a,
        json!({ "name": "总店客户二", "contacts": [{ "person": "钱八", "mobile": "13700137000" }] }),
    )
    .await;
    assert_eq!(same_mobile["warnings"], json!([]));

    // B's rows are as they were.
    let (status, customer) = api_b.get(&format!("/api/v1/customers/{customer_b}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(customer["name"], "分店客户");
    assert_eq!(customer["contacts"][0]["person"], "钱八");
    let (status, supplier) = api_b.get(&format!("/api/v1/suppliers/{supplier_b}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(supplier["name"], "分店供应商");
    let (_, list_b) = api_b.get("/api/v1/customers").await;
    assert_eq!(list_b["total"], 1);
}

backend_tests!(
    customers_are_created_and_edited_through_pages_and_api,
    bad_customer_input_names_each_field_and_saves_nothing,
    search_finds_customers_by_initials_mobile_and_contact,
    a_mobile_of_another_customer_is_saved_with_a_warning,
    merging_moves_contacts_and_bins_the_source,
    deleted_customers_and_suppliers_wait_in_the_recycle_bin,
    suppliers_are_kept_searched_and_merged,
    missing_permission_is_403_naming_it,
    account_set_b_customers_and_suppliers_are_not_found_from_a,
);
