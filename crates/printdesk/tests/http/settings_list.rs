//! Tests of the settings lists (设置列表): the defaults seeded per account set, add / edit /
//! disable / enable / reorder through the pages and the API, field checks with their exact
//! messages, the permission, and tenant isolation — on both backends.

use printdesk::kernel::tenancy::{AccountSetId, Scope};
use printdesk::system::settings_list::{
    self, CARD_TYPE, CUSTOMER_GROUP, PROCESS, PRODUCT_CATEGORY, UNIT,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{ADMIN_LOGIN, ADMIN_PASSWORD, Api, Backend, TestApp, field_message};
use crate::system_org::{Probe, assert_foreign_ids_are_not_found};

/// Routes that take an item id, for the tenant-isolation probe (the kind is 客户分组).
const ITEM_PROBES: &[Probe] = &[
    Probe::PageGet("/settings/customer-groups/{id}"),
    Probe::PagePost(
        "/settings/customer-groups/{id}",
        &[("name", "探测"), ("is_active", "1")],
    ),
    Probe::PagePost("/settings/customer-groups/{id}/move-up", &[]),
    Probe::PagePost("/settings/customer-groups/{id}/move-down", &[]),
    Probe::PagePost("/settings/customer-groups/{id}/disable", &[]),
    Probe::PagePost("/settings/customer-groups/{id}/enable", &[]),
    Probe::ApiGet("/api/v1/settings/customer_group/{id}"),
    Probe::ApiPut(
        "/api/v1/settings/customer_group/{id}",
        r#"{"name":"探测","is_active":false}"#,
    ),
];

/// The value of the hidden `form_nonce` field of a page.
fn form_nonce(page: &str) -> String {
    let start = page.find("name=\"form_nonce\"").expect("form_nonce field");
    let rest = &page[start..];
    let value = &rest[rest.find("value=\"").expect("nonce value") + 7..];
    value[..value.find('"').expect("nonce end")].to_owned()
}

/// The error shown under the input named `field` on a page.
fn page_field_error(page: &str, field: &str) -> String {
    let marker = format!("name=\"{field}\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {field} in page"));
    let rest = &page[start..];
    let open = "class=\"field-error\">";
    let at = rest.find(open).expect("field-error span") + open.len();
    let text = &rest[at..];
    text[..text.find('<').unwrap()].to_owned()
}

/// Names of the items of a kind in display order, from the API.
async fn names(api: &Api, kind: &str) -> Vec<String> {
    let (status, items) = api.get(&format!("/api/v1/settings/{kind}")).await;
    assert_eq!(status, StatusCode::OK, "{items}");
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn item_named(api: &Api, kind: &str, name: &str) -> Value {
    let (_, items) = api.get(&format!("/api/v1/settings/{kind}")).await;
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {kind}"))
        .clone()
}

async fn count_items(app: &TestApp, account_set: i64, kind: &str) -> i64 {
    sqlx::query_scalar(
        "select count(*) from list_items where account_set_id = $1 and kind = $2 and deleted_at is null",
    )
    .bind(account_set)
    .bind(kind)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

async fn first_account_set_id(api: &Api) -> i64 {
    let (_, me) = api.get("/api/v1/me").await;
    me["account_set_id"].as_i64().unwrap()
}

async fn every_kind_is_seeded_for_a_new_account_set(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let first = first_account_set_id(&api).await;
    let (status, b) = api
        .post("/api/v1/account-sets", json!({ "name": "分店" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let second = b["id"].as_i64().unwrap();
    for account_set in [first, second] {
        for (kind, n) in [
            ("unit", 22),
            ("product_category", 16),
            ("process", 25),
            ("customer_relation", 6),
            ("customer_group", 6),
            ("supply_scope", 8),
            ("card_type", 3),
            ("id_document_kind", 9),
        ] {
            assert_eq!(
                count_items(&app, account_set, kind).await,
                n,
                "{kind} in {account_set}"
            );
        }
    }
    let units = names(&api, "unit").await;
    assert_eq!(units[0], "平方米");
    assert_eq!(units.last().map(String::as_str), Some("项"));
    let film = item_named(&api, "process", "覆膜(亮膜)").await;
    assert_eq!(film["attributes"]["unit_price"], "8.00");
    assert_eq!(film["attributes"]["basis"], "per_area");
    assert_eq!(film["is_active"], true);
    let eyelet = item_named(&api, "process", "打扣").await;
    assert_eq!(eyelet["attributes"]["unit_price"], "0.50");
    assert_eq!(eyelet["attributes"]["basis"], "per_piece");
    let gold = item_named(&api, "card_type", "金卡").await;
    assert_eq!(gold["attributes"]["discount_percent"], "95");
    assert_eq!(gold["attributes"]["validity_months"], "");
    assert_eq!(
        names(&api, "customer_group").await,
        [
            "散客",
            "企业客户",
            "学校/机关",
            "广告同行",
            "设计公司",
            "代理商"
        ]
    );
    // The category tree: children follow their parent, one level deeper.
    let (_, categories) = api.get("/api/v1/settings/product_category").await;
    let categories = categories.as_array().unwrap();
    let copy = categories
        .iter()
        .position(|c| c["name"] == "复印打印")
        .unwrap();
    assert_eq!(categories[copy + 1]["name"], "黑白复印");
    assert_eq!(categories[copy + 1]["depth"], 1);
    assert_eq!(categories[copy + 1]["parent_id"], categories[copy]["id"]);
    assert_eq!(categories[copy + 2]["name"], "彩色打印");
    // Seeding twice does nothing more.
    let scope = Scope::for_operator_task(AccountSetId(second));
    let mut tx = app.db.begin_write().await.unwrap();
    settings_list::seed_defaults(&mut tx, &scope).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count_items(&app, second, "unit").await, 22);

    // The pages show the lists, the tree indented, the process columns labelled.
    let admin = app.sign_in_admin().await;
    let (status, page) = admin.get_text("/settings/processes").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("覆膜(亮膜)") && page.contains("按面积") && page.contains("8.00"));
    assert!(page.contains("单价（元）") && page.contains("计价方式"));
    let (_, page) = admin.get_text("/settings/product-categories").await;
    assert!(page.contains("\u{3000}<a href=\"/settings/product-categories/"));
    let (_, home) = admin.get_text("/").await;
    for href in [
        "/settings/units",
        "/settings/product-categories",
        "/settings/processes",
        "/settings/customer-relations",
        "/settings/customer-groups",
        "/settings/supply-scopes",
        "/settings/card-types",
        "/settings/id-document-kinds",
    ] {
        assert!(
            home.contains(&format!("href=\"{href}\"")),
            "menu has {href}"
        );
        assert_eq!(admin.get(href).await.status(), StatusCode::OK, "{href}");
    }
    assert_eq!(
        admin.get("/settings/colours").await.status(),
        StatusCode::NOT_FOUND
    );
    let (status, _) = api.get("/api/v1/settings/colours").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn an_installation_without_lists_is_seeded_on_upgrade(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let first = first_account_set_id(&api).await;
    // An account set from before settings lists existed: no items, no marker.
    sqlx::query("delete from list_items where account_set_id = $1")
        .bind(first)
        .execute(app.db.pool())
        .await
        .unwrap();
    sqlx::query("delete from settings where account_set_id = $1 and key = 'settings_lists.seeded'")
        .bind(first)
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(count_items(&app, first, "unit").await, 0);
    settings_list::seed_missing(&app.db).await.unwrap();
    assert_eq!(count_items(&app, first, "unit").await, 22);
    assert_eq!(count_items(&app, first, "card_type").await, 3);
    // Once marked, a second run adds nothing.
    settings_list::seed_missing(&app.db).await.unwrap();
    assert_eq!(count_items(&app, first, "unit").await, 22);
}

async fn items_are_added_edited_disabled_and_reordered_through_the_pages(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let admin = app.sign_in_admin().await;
    let api = app.api_admin().await;

    // Add, twice with the same nonce: one item, last in the list.
    let (_, page) = admin.get_text("/settings/customer-groups").await;
    let nonce = form_nonce(&page);
    for _ in 0..2 {
        let res = admin
            .post_form(
                "/settings/customer-groups",
                &[("form_nonce", &nonce), ("name", " 会员客户 ")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            res.headers()["location"],
            "/settings/customer-groups?saved=1"
        );
    }
    let groups = names(&api, "customer_group").await;
    assert_eq!(groups.len(), 7);
    assert_eq!(groups.last().map(String::as_str), Some("会员客户"));
    let member = item_named(&api, "customer_group", "会员客户").await;
    let id = member["id"].as_i64().unwrap();

    // A duplicate name is refused on the name field, nothing saved.
    let (_, page) = admin.get_text("/settings/customer-groups").await;
    let res = admin
        .post_form(
            "/settings/customer-groups",
            &[("form_nonce", &form_nonce(&page)), ("name", "散客")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert_eq!(page_field_error(&page, "name"), "同一级下已有这个名称。");
    assert_eq!(names(&api, "customer_group").await.len(), 7);

    // Move up twice, down once.
    for path in ["move-up", "move-up", "move-down"] {
        let res = admin
            .post_form(&format!("/settings/customer-groups/{id}/{path}"), &[])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(
        names(&api, "customer_group").await,
        [
            "散客",
            "企业客户",
            "学校/机关",
            "广告同行",
            "设计公司",
            "会员客户",
            "代理商"
        ]
    );
    // The first item cannot move further up; nothing changes.
    let first = item_named(&api, "customer_group", "散客").await["id"]
        .as_i64()
        .unwrap();
    let res = admin
        .post_form(&format!("/settings/customer-groups/{first}/move-up"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(names(&api, "customer_group").await[0], "散客");

    // Edit: rename and disable through the edit form (checkbox unticked).
    let (status, page) = admin
        .get_text(&format!("/settings/customer-groups/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("value=\"会员客户\""));
    let res = admin
        .post_form(
            &format!("/settings/customer-groups/{id}"),
            &[("name", "VIP客户")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, item) = api
        .get(&format!("/api/v1/settings/customer_group/{id}"))
        .await;
    assert_eq!(item["name"], "VIP客户");
    assert_eq!(item["is_active"], false);
    let (_, list_page) = admin.get_text("/settings/customer-groups").await;
    assert!(list_page.contains(&format!("<tr id=\"item-{id}\" class=\"muted\">")));
    assert!(list_page.contains("已停用"));
    // The edit page shows the trail.
    let (_, page) = admin
        .get_text(&format!("/settings/customer-groups/{id}"))
        .await;
    assert!(page.contains("VIP客户") && page.contains("上移"));

    // Enable and disable buttons.
    let res = admin
        .post_form(&format!("/settings/customer-groups/{id}/enable"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        item_named(&api, "customer_group", "VIP客户").await["is_active"],
        true
    );
    let res = admin
        .post_form(&format!("/settings/customer-groups/{id}/disable"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        item_named(&api, "customer_group", "VIP客户").await["is_active"],
        false
    );
    // A disabled item is not offered, but still listed and still in its place.
    let scope = Scope::for_operator_task(AccountSetId(first_account_set_id(&api).await));
    let options = settings_list::options(&app.db, &scope, &CUSTOMER_GROUP)
        .await
        .unwrap();
    assert_eq!(options.len(), 6);
    assert!(options.iter().all(|o| o.id != id && o.depth == 0));
    assert_eq!(names(&api, "customer_group").await[5], "VIP客户");

    // A tree: a new child of 写真喷绘, placed last among its siblings; moving it under 名片.
    let parent = item_named(&api, "product_category", "写真喷绘").await["id"]
        .as_i64()
        .unwrap();
    let (_, page) = admin.get_text("/settings/product-categories").await;
    let parent_text = parent.to_string();
    let res = admin
        .post_form(
            "/settings/product-categories",
            &[
                ("form_nonce", &form_nonce(&page)),
                ("name", "灯片"),
                ("parent_id", &parent_text),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let options = settings_list::options(&app.db, &scope, &PRODUCT_CATEGORY)
        .await
        .unwrap();
    let at = options.iter().position(|o| o.name == "写真喷绘").unwrap();
    let below: Vec<(&str, usize)> = options[at + 1..at + 5]
        .iter()
        .map(|o| (o.name.as_str(), o.depth))
        .collect();
    assert_eq!(below, [("写真", 1), ("喷绘", 1), ("背胶", 1), ("灯片", 1)]);
    // The same name under another parent is fine; under the same parent it is not.
    let (_, page) = admin.get_text("/settings/product-categories").await;
    let res = admin
        .post_form(
            "/settings/product-categories",
            &[
                ("form_nonce", &form_nonce(&page)),
                ("name", "写真"),
                ("parent_id", &parent_text),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page_field_error(&res.text().await.unwrap(), "name"),
        "同一级下已有这个名称。"
    );
    // A parent cannot go below itself.
    let child = item_named(&api, "product_category", "灯片").await["id"]
        .as_i64()
        .unwrap();
    let (status, body) = api
        .put(
            &format!("/api/v1/settings/product_category/{parent}"),
            json!({ "name": "写真喷绘", "parent_id": child }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "parent_id").as_deref(),
        Some("上级不能是它自己或它的下级。")
    );
}

async fn the_api_adds_edits_and_reads_back_in_order(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let (status, created) = api
        .post(
            "/api/v1/settings/process",
            json!({ "name": "过塑", "attributes": { "unit_price": "3.5", "basis": "per_piece" } }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["attributes"]["unit_price"], "3.50");
    assert_eq!(created["is_active"], true);
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        names(&api, "process").await.last().map(String::as_str),
        Some("过塑")
    );
    // The segment works as well as the key.
    let (status, same) = api.get(&format!("/api/v1/settings/processes/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(same["name"], "过塑");

    let (status, updated) = api
        .put(
            &format!("/api/v1/settings/process/{id}"),
            json!({ "name": "过塑(厚)", "attributes": { "unit_price": "4", "basis": "per_area" },
                    "is_active": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["name"], "过塑(厚)");
    assert_eq!(
        updated["attributes"],
        json!({ "unit_price": "4.00", "basis": "per_area" })
    );
    assert_eq!(updated["is_active"], false);
    // is_active absent leaves it as it is.
    let (_, again) = api
        .put(
            &format!("/api/v1/settings/process/{id}"),
            json!({ "name": "过塑(厚)", "attributes": { "unit_price": "4", "basis": "per_area" } }),
        )
        .await;
    assert_eq!(again["is_active"], false);

    // Card types: a percent and a month count.
    let (status, card) = api
        .post(
            "/api/v1/settings/card_type",
            json!({ "name": "银卡", "attributes": { "discount_percent": "98", "validity_months": "12" } }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{card}");
    assert_eq!(
        names(&api, "card_type").await,
        ["储值卡", "金卡", "钻石卡", "银卡"]
    );
    // Units have no extra fields; attributes sent for them are ignored.
    let (status, unit) = api
        .post(
            "/api/v1/settings/unit",
            json!({ "name": "平米", "attributes": { "x": "1" } }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(unit["attributes"], json!({}));
    // A non-string attribute is a type error naming its path.
    let (status, body) = api
        .post(
            "/api/v1/settings/process",
            json!({ "name": "压线", "attributes": { "unit_price": 2, "basis": "per_piece" } }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        field_message(&body, "attributes.unit_price").is_some(),
        "{body}"
    );
}

async fn bad_input_is_refused_on_its_field_and_saves_nothing(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let admin = app.sign_in_admin().await;
    let account_set = first_account_set_id(&api).await;
    let long = "长".repeat(31);
    let cases: &[(&str, Value, &str, &str)] = &[
        ("unit", json!({ "name": "" }), "name", "请填写名称。"),
        ("unit", json!({ "name": long }), "name", "最多 30 个字。"),
        (
            "unit",
            json!({ "name": "张" }),
            "name",
            "同一级下已有这个名称。",
        ),
        (
            "process",
            json!({ "name": "压线", "attributes": { "unit_price": "12.345.6", "basis": "per_piece" } }),
            "unit_price",
            "请填写不小于 0 的金额，如 8.00。",
        ),
        (
            "process",
            json!({ "name": "压线", "attributes": { "unit_price": "-1", "basis": "per_piece" } }),
            "unit_price",
            "请填写不小于 0 的金额，如 8.00。",
        ),
        (
            "process",
            json!({ "name": "压线", "attributes": { "unit_price": "1", "basis": "per_day" } }),
            "basis",
            "请从列表中选择。",
        ),
        (
            "card_type",
            json!({ "name": "白金卡", "attributes": { "discount_percent": "101" } }),
            "discount_percent",
            "请填写 0 到 100 之间的百分数，如 95。",
        ),
        (
            "card_type",
            json!({ "name": "白金卡", "attributes": { "discount_percent": "95", "validity_months": "1.5" } }),
            "validity_months",
            "请填写整数，或留空。",
        ),
        (
            "product_category",
            json!({ "name": "越级", "parent_id": 999_999 }),
            "parent_id",
            "请从列表中选择上级。",
        ),
    ];
    for (kind, body, field, message) in cases {
        let before = count_items(&app, account_set, kind).await;
        let (status, answer) = api
            .post(&format!("/api/v1/settings/{kind}"), body.clone())
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{kind} {body}");
        assert_eq!(
            field_message(&answer, field).as_deref(),
            Some(*message),
            "{kind} {body}: {answer}"
        );
        assert_eq!(count_items(&app, account_set, kind).await, before);
    }
    // Editing with a bad value changes nothing.
    let film = item_named(&api, "process", "覆膜(亮膜)").await;
    let film_id = film["id"].as_i64().unwrap();
    let (status, body) = api
        .put(
            &format!("/api/v1/settings/process/{film_id}"),
            json!({ "name": "覆膜(亮膜)", "attributes": { "unit_price": "abc", "basis": "per_area" } }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "unit_price").as_deref(),
        Some("请填写不小于 0 的金额，如 8.00。")
    );
    assert_eq!(
        item_named(&api, "process", "覆膜(亮膜)").await["attributes"]["unit_price"],
        "8.00"
    );
    // Renaming to a sibling's name is refused.
    let (status, body) = api
        .put(
            &format!("/api/v1/settings/process/{film_id}"),
            json!({ "name": "覆膜(亚膜)", "attributes": { "unit_price": "8", "basis": "per_area" } }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "name").as_deref(),
        Some("同一级下已有这个名称。")
    );

    // The page shows each message under its own input and keeps what was typed.
    let (_, page) = admin.get_text("/settings/processes").await;
    let before = count_items(&app, account_set, "process").await;
    let res = admin
        .post_form(
            "/settings/processes",
            &[
                ("form_nonce", &form_nonce(&page)),
                ("name", ""),
                ("unit_price", "12.345.6"),
                ("basis", "per_day"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert_eq!(page_field_error(&page, "name"), "请填写名称。");
    assert_eq!(
        page_field_error(&page, "unit_price"),
        "请填写不小于 0 的金额，如 8.00。"
    );
    assert_eq!(page_field_error(&page, "basis"), "请从列表中选择。");
    assert!(page.contains("value=\"12.345.6\""));
    assert_eq!(count_items(&app, account_set, "process").await, before);
    let (_, page) = admin.get_text("/settings/card-types").await;
    let res = admin
        .post_form(
            "/settings/card-types",
            &[
                ("form_nonce", &form_nonce(&page)),
                ("name", "白金卡"),
                ("discount_percent", "101"),
                ("validity_months", "十二"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert_eq!(
        page_field_error(&page, "discount_percent"),
        "请填写 0 到 100 之间的百分数，如 95。"
    );
    assert_eq!(
        page_field_error(&page, "validity_months"),
        "请填写整数，或留空。"
    );
    assert_eq!(count_items(&app, account_set, "card_type").await, 3);
}

async fn changing_lists_needs_the_manage_permission(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let account_set = first_account_set_id(&api).await;
    let (_, role) = api
        .post(
            "/api/v1/roles",
            json!({ "name": "只看设置", "permissions": ["system.settings.view"] }),
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
    let (status, page) = viewer.get_text("/settings/units").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("id=\"new-item\""));
    assert!(!page.contains("/move-up"));
    let res = viewer
        .post_form("/settings/units", &[("name", "偷建")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let expected =
        "您没有“维护设置列表（单位、类别、工序、客户设置）”权限（system.settings.manage）";
    assert!(res.text().await.unwrap().contains(expected));
    let unit = item_named(&api, "unit", "张").await["id"].as_i64().unwrap();
    for path in ["move-up", "move-down", "disable", "enable"] {
        let res = viewer
            .post_form(&format!("/settings/units/{unit}/{path}"), &[])
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let viewer_api = app.api("viewer", "Viewer2026", None).await;
    let (status, body) = viewer_api
        .post("/api/v1/settings/unit", json!({ "name": "偷建" }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        field_message(&body, "")
            .unwrap()
            .contains("（system.settings.manage）"),
        "{body}"
    );
    let (status, _) = viewer_api
        .put(
            &format!("/api/v1/settings/unit/{unit}"),
            json!({ "name": "偷改" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(count_items(&app, account_set, "unit").await, 22);
    assert_eq!(item_named(&api, "unit", "张").await["is_active"], true);

    // Without the view permission the lists are hidden from the menu and refused.
    let (_, role) = api
        .post(
            "/api/v1/roles",
            json!({ "name": "只看部门", "permissions": ["system.department.view"] }),
        )
        .await;
    api.post(
        "/api/v1/users",
        json!({ "login": "nobody", "display_name": "无权", "password": "Nobody2026",
                "role_ids": [role["id"]], "account_set_ids": [account_set] }),
    )
    .await;
    let nobody = app.sign_in("nobody", "Nobody2026").await;
    let (status, page) = nobody.get_text("/settings/units").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("（system.settings.view）"), "{page}");
    let (_, home) = nobody.get_text("/").await;
    assert!(!home.contains("href=\"/settings/units\""));
}

async fn account_set_b_items_are_not_found_from_account_set_a(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api_a = app.api_admin().await;
    let a_id = first_account_set_id(&api_a).await;
    let (status, b) = api_a
        .post("/api/v1/account-sets", json!({ "name": "分店" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let b_id = b["id"].as_i64().unwrap();
    let api_b = app.api(ADMIN_LOGIN, ADMIN_PASSWORD, Some(b_id)).await;
    let (_, own) = api_b
        .post(
            "/api/v1/settings/customer_group",
            json!({ "name": "分店专属" }),
        )
        .await;
    let own = own["id"].as_i64().unwrap();
    let before = {
        let (_, items) = api_b.get("/api/v1/settings/customer_group").await;
        items
    };

    let browser_a = app.sign_in_admin().await;
    let (_, me) = api_a.get("/api/v1/me").await;
    assert_eq!(
        me["account_set_id"], a_id,
        "the probe runs in account set A"
    );
    let seeded = item_named(&api_b, "customer_group", "企业客户").await["id"]
        .as_i64()
        .unwrap();
    for id in [own, seeded] {
        assert_foreign_ids_are_not_found(&browser_a, &api_a, ITEM_PROBES, id).await;
    }
    // Nor can A name B's category as a parent.
    let b_category = item_named(&api_b, "product_category", "名片").await["id"]
        .as_i64()
        .unwrap();
    let (status, body) = api_a
        .post(
            "/api/v1/settings/product_category",
            json!({ "name": "越界", "parent_id": b_category }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "parent_id").as_deref(),
        Some("请从列表中选择上级。")
    );
    // B's items are as they were; A's list does not show B's own item.
    let (_, after) = api_b.get("/api/v1/settings/customer_group").await;
    assert_eq!(after, before);
    assert!(
        !names(&api_a, "customer_group")
            .await
            .contains(&"分店专属".to_owned())
    );

    // is_live_item: only an active item of that kind in that account set.
    let scope_a = Scope::for_operator_task(AccountSetId(a_id));
    let scope_b = Scope::for_operator_task(AccountSetId(b_id));
    let a_group = item_named(&api_a, "customer_group", "散客").await["id"]
        .as_i64()
        .unwrap();
    let mut tx = app.db.begin_write().await.unwrap();
    assert!(
        settings_list::is_live_item(&mut tx, &scope_a, &CUSTOMER_GROUP, a_group)
            .await
            .unwrap()
    );
    assert!(
        !settings_list::is_live_item(&mut tx, &scope_a, &UNIT, a_group)
            .await
            .unwrap()
    );
    assert!(
        !settings_list::is_live_item(&mut tx, &scope_b, &CUSTOMER_GROUP, a_group)
            .await
            .unwrap()
    );
    assert!(
        !settings_list::is_live_item(&mut tx, &scope_a, &CUSTOMER_GROUP, own)
            .await
            .unwrap()
    );
    assert!(
        settings_list::is_live_item(&mut tx, &scope_b, &CUSTOMER_GROUP, own)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let (status, _) = api_a
        .put(
            &format!("/api/v1/settings/customer_group/{a_group}"),
            json!({ "name": "散客", "is_active": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut tx = app.db.begin_write().await.unwrap();
    assert!(
        !settings_list::is_live_item(&mut tx, &scope_a, &CUSTOMER_GROUP, a_group)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    // options() leaves out disabled items and other kinds' items.
    let options = settings_list::options(&app.db, &scope_a, &CARD_TYPE)
        .await
        .unwrap();
    assert_eq!(
        options.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(),
        ["储值卡", "金卡", "钻石卡"]
    );
    let processes = settings_list::options(&app.db, &scope_a, &PROCESS)
        .await
        .unwrap();
    assert_eq!(processes.len(), 25);
}

backend_tests!(
    every_kind_is_seeded_for_a_new_account_set,
    an_installation_without_lists_is_seeded_on_upgrade,
    items_are_added_edited_disabled_and_reordered_through_the_pages,
    the_api_adds_edits_and_reads_back_in_order,
    bad_input_is_refused_on_its_field_and_saves_nothing,
    changing_lists_needs_the_manage_permission,
    account_set_b_items_are_not_found_from_account_set_a,
);
