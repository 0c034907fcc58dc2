//! Tests of the order prints (issue 4, item 10): 施工单 without prices, the thermal receipt at
//! 80 mm and 58 mm, the A5 送货单; another account set's order is not found and a user without
//! `orders.order.view` is refused — on both backends.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{Api, Backend, Browser, TestApp};
use crate::orders::{account_set_of, create_order, second_account_set, walk_in};
use crate::products::{body, create, item};
use crate::system_org::{Probe, assert_foreign_ids_are_not_found};

const TICKET: &str = "/orders/{id}/print/ticket";
const RECEIPT: &str = "/orders/{id}/print/receipt";
const DELIVERY_NOTE: &str = "/orders/{id}/print/delivery-note";

/// The three prints of a live order.
const PRINT_PROBES: &[Probe] = &[
    Probe::PageGet(TICKET),
    Probe::PageGet(RECEIPT),
    Probe::PageGet(DELIVERY_NOTE),
];

/// 写真 entered in cm: 25.00 per m², at least 1 m² a piece, lamination (8.00 per m²) by
/// default; and 展架 at 45.00 each.
async fn products(api: &Api) {
    let lamination = item(api, "process", "覆膜(亮膜)").await;
    let photo =
        json!({ "min_per_piece": "1", "process_ids": [lamination], "dimension_unit": "cm" });
    create(api, body(api, "XZ-01", "写真", "area", "25", photo).await).await;
    create(
        api,
        body(api, "ZJ-01", "展架", "count", "45", json!({})).await,
    )
    .await;
}

/// 写真 60 cm × 80 cm, two pieces (2 m² = 50.00, lamination 16.00), and three 展架 (135.00):
/// 201.00 in all.
async fn order(api: &Api) -> Value {
    let mut request = walk_in(json!([
        { "product_code": "XZ-01", "width": "60", "height": "80", "dimension_unit": "cm",
          "quantity": "2", "specification": "PP背胶" },
        { "product_code": "ZJ-01", "quantity": "3", "remarks": "挂墙款" },
    ]));
    request["remarks"] = json!("下午三点前送到");
    let order = create_order(api, request).await;
    assert_eq!(order["totals"]["total"], "201.00", "{order}");
    order
}

async fn page(browser: &Browser, route: &str, id: i64) -> String {
    let path = route.replace("{id}", &id.to_string());
    let (status, page) = browser.get_text(&path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {page}");
    page
}

fn assert_shows(page: &str, texts: &[&str]) {
    for text in texts {
        assert!(page.contains(text), "{text:?} missing from {page}");
    }
}

async fn each_print_shows_the_order(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    products(&api).await;
    let order = order(&api).await;
    let id = order["id"].as_i64().unwrap();
    let number = order["number"].as_str().unwrap();
    let browser = app.sign_in_admin().await;

    let (_, order_page) = browser.get_text(&format!("/orders/{id}")).await;
    assert_shows(
        &order_page,
        &[
            &format!("href=\"/orders/{id}/print/ticket\" id=\"print-ticket\""),
            &format!("href=\"/orders/{id}/print/receipt\" id=\"print-receipt\""),
            &format!("href=\"/orders/{id}/print/delivery-note\" id=\"print-delivery-note\""),
        ],
    );

    let ticket = page(&browser, TICKET, id).await;
    assert_shows(
        &ticket,
        &[
            "施工单",
            number,
            "2099-12-31 17:30",
            "散客",
            "XZ-01 写真",
            "PP背胶",
            "60 × 80 cm",
            "覆膜(亮膜)",
            "ZJ-01 展架",
            "挂墙款",
            "下午三点前送到",
            "id=\"print-now\"",
        ],
    );
    // The workshop sees no money: no price, amount or total of the order.
    for price in [
        "25.00", "45.00", "50.00", "16.00", "135.00", "201.00", "单价", "应收",
    ] {
        assert!(!ticket.contains(price), "the ticket shows {price}");
    }

    // The receipt's width comes from the front-desk settings (80 mm out of the box).
    let receipt = page(&browser, RECEIPT, id).await;
    assert_shows(
        &receipt,
        &[
            "size: 80mm",
            "width: 80mm",
            number,
            "XZ-01 写真",
            "2 平方米 × 25.00",
            "50.00",
            "覆膜(亮膜) 16.00",
            "ZJ-01 展架",
            "3 平方米 × 45.00",
            "135.00",
            "货品金额",
            "185.00",
            "201.00",
            "2099-12-31 17:30",
            "谢谢惠顾",
        ],
    );
    let narrow = page(&browser, &format!("{RECEIPT}?width=58"), id).await;
    assert_shows(&narrow, &["size: 58mm", "width: 58mm", number, "201.00"]);
    assert!(!narrow.contains("size: 80mm"), "{narrow}");
    // An unknown width falls back to the settings.
    let odd = page(&browser, &format!("{RECEIPT}?width=76"), id).await;
    assert_shows(&odd, &["size: 80mm"]);

    let note = page(&browser, DELIVERY_NOTE, id).await;
    assert_shows(
        &note,
        &[
            "送货单",
            "size: A5 portrait",
            number,
            "散客",
            "XZ-01 写真",
            "60 × 80 cm",
            "ZJ-01 展架",
            "66.00",
            "135.00",
            "201.00",
            "签收人",
            "签收日期",
        ],
    );
}

async fn prints_of_another_account_set_are_not_found(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api_a = app.api_admin().await;
    let api_b = second_account_set(&app, &api_a).await;
    assert_ne!(account_set_of(&api_a).await, account_set_of(&api_b).await);
    products(&api_b).await;
    let id = order(&api_b).await["id"].as_i64().unwrap();
    let browser_a = app.sign_in_admin().await;
    assert_foreign_ids_are_not_found(&browser_a, &api_a, PRINT_PROBES, id).await;
}

async fn printing_needs_order_view(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    products(&api).await;
    let id = order(&api).await["id"].as_i64().unwrap();
    let account_set = account_set_of(&api).await;
    for (login, permissions) in [
        ("viewer", json!(["orders.order.view"])),
        ("outsider", json!(["system.department.view"])),
    ] {
        let (status, role) = api
            .post(
                "/api/v1/roles",
                json!({ "name": login, "permissions": permissions }),
            )
            .await;
        assert!(status.is_success(), "{role}");
        let (status, user) = api
            .post(
                "/api/v1/users",
                json!({ "login": login, "display_name": login, "password": "Secret2026",
                        "role_ids": [role["id"]], "account_set_ids": [account_set] }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{user}");
    }
    let viewer = app.sign_in("viewer", "Secret2026").await;
    let outsider = app.sign_in("outsider", "Secret2026").await;
    for route in [TICKET, RECEIPT, DELIVERY_NOTE] {
        page(&viewer, route, id).await;
        let path = route.replace("{id}", &id.to_string());
        let (status, _) = outsider.get_text(&path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
}

backend_tests!(
    each_print_shows_the_order,
    prints_of_another_account_set_are_not_found,
    printing_needs_order_view,
);
