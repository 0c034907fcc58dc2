//! 新建订单 through the browser (issue 4): a walk-in order priced on the server (计算), saved,
//! approved; the order page shows the number, the lines and the totals.

use crate::harness::{self, ADMIN_LOGIN, ADMIN_PASSWORD, App, Page};
use crate::products::item_id;

const ENTER: &str = "\u{E007}";
const CONTROL: &str = "\u{E009}";
const ALT: &str = "\u{E00A}";

/// Creates a product through its form: `mode` is a pricing mode code, sizes typed in cm.
async fn product(page: &Page, code: &str, name: &str, mode: &str, price: &str, ids: (i64, i64)) {
    page.open("/system/products/new").await;
    page.fill("code", code).await;
    page.fill("name", name).await;
    for (select, value) in [
        ("#category_id", ids.0.to_string()),
        ("#unit_id", ids.1.to_string()),
        ("#pricing_mode", mode.to_owned()),
        ("#dimension_unit", "cm".to_owned()),
    ] {
        page.find(select)
            .await
            .select_by_value(&value)
            .await
            .unwrap_or_else(|err| panic!("choosing {value} in {select}: {err}"));
    }
    page.fill("list_price", price).await;
    if mode == "area" {
        page.fill("min_per_piece", "1").await;
    }
    page.click("#save").await;
    page.wait_to_leave("/system/products/new").await;
}

/// Keystrokes typed so far, counted as a clerk would: each character, Enter or chord is one.
struct Keys<'a> {
    page: &'a Page,
    count: usize,
}

impl Keys<'_> {
    async fn text(&mut self, text: &str) {
        self.page.type_keys(text).await;
        self.count += text.chars().count();
    }

    async fn enter(&mut self) {
        self.page.type_keys(ENTER).await;
        self.count += 1;
    }

    /// Types `text` into a suggest box, waits for the suggestions and picks the first with Enter.
    async fn pick(&mut self, text: &str) {
        self.text(text).await;
        self.page
            .find("ul.suggest:not([hidden]) li[aria-selected=true]")
            .await;
        self.enter().await;
    }
}

/// The whole walk-in order by keyboard: no click between opening the form and the saved order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_line_walk_in_order_by_keyboard_alone() {
    let app = App::with_setup().await;
    let category = item_id(&app, "product_category", "写真").await;
    let area_unit = item_id(&app, "unit", "平方米").await;
    let piece_unit = item_id(&app, "unit", "个").await;
    harness::run(
        "two_line_walk_in_order_by_keyboard_alone",
        &app.base,
        |page| async move {
            page.sign_in_by_keyboard(ADMIN_LOGIN, ADMIN_PASSWORD).await;
            page.wait_for_path("/").await;
            product(&page, "XZ1", "写真PP", "area", "25", (category, area_unit)).await;
            product(
                &page,
                "ZJ1",
                "易拉宝展架",
                "count",
                "45",
                (category, piece_unit),
            )
            .await;

            page.open("/orders/new").await;
            assert_eq!(
                page.focused_id().await,
                "customer_q",
                "the customer box has the focus"
            );
            let mut keys = Keys {
                page: &page,
                count: 0,
            };
            keys.enter().await; // walk-in: straight to the first line
            keys.pick("xz1").await;
            keys.text("120").await;
            keys.enter().await;
            keys.text("100").await;
            keys.enter().await;
            keys.text("2").await;
            keys.enter().await; // on to line 2
            keys.pick("zj").await; // a count product: straight to the quantity
            keys.text("3").await;
            // 60.00 + 3 × 45.00 = 195.00, shown before saving.
            page.wait_for_text("#live-total", "195.00").await;
            page.screenshot("1-typed").await;
            page.type_keys(&format!("{CONTROL}{ENTER}")).await;
            keys.count += 1;
            let path = page.wait_to_leave("/orders/new").await;
            assert!(path.contains("saved=1"), "saved: {path}");
            let lines = page.text("#order-lines").await;
            assert!(
                lines.contains("XZ1 写真PP") && lines.contains("ZJ1 易拉宝展架"),
                "{lines}"
            );
            let totals = page.text("#order-totals").await;
            assert!(totals.contains("195.00"), "{totals}");
            page.screenshot("2-saved").await;
            // Alt+P prints the production ticket.
            page.type_keys(&format!("{ALT}p")).await;
            keys.count += 1;
            let order_path = path.split('?').next().unwrap_or_default().to_owned();
            let path = page.wait_to_leave(&order_path).await;
            assert!(path.ends_with("/print/ticket"), "{path}");
            page.wait_for_text("body", "易拉宝展架").await;
            // Recorded in docs/performance.md.
            println!("keystrokes for a two-line walk-in order: {}", keys.count);
            assert!(keys.count <= 25, "{} keystrokes", keys.count);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walk_in_order_priced_saved_and_approved() {
    let app = App::with_setup().await;
    let category = item_id(&app, "product_category", "写真").await;
    let unit = item_id(&app, "unit", "平方米").await;
    harness::run(
        "walk_in_order_priced_saved_and_approved",
        &app.base,
        |page| async move {
            page.sign_in_by_keyboard(ADMIN_LOGIN, ADMIN_PASSWORD).await;
            page.wait_for_path("/").await;
            // An area product at 25.00/m² with a 1 m² minimum per piece, entered in cm.
            page.open("/system/products/new").await;
            page.fill("code", "XZ1").await;
            page.fill("name", "写真PP").await;
            page.find("#category_id")
                .await
                .select_by_value(&category.to_string())
                .await
                .expect("choosing 写真");
            page.find("#unit_id")
                .await
                .select_by_value(&unit.to_string())
                .await
                .expect("choosing 平方米");
            page.find("#pricing_mode")
                .await
                .select_by_value("area")
                .await
                .expect("choosing 按面积");
            page.find("#dimension_unit")
                .await
                .select_by_value("cm")
                .await
                .expect("choosing cm");
            page.fill("list_price", "25").await;
            page.fill("min_per_piece", "1").await;
            page.click("#save").await;
            page.wait_to_leave("/system/products/new").await;

            page.open("/orders/new").await;
            let field = |name: &str| format!("input[name='lines[0][{name}]']");
            for (name, value) in [
                ("product_code", "xz1"),
                ("width", "120"),
                ("height", "100"),
                ("quantity", "2"),
            ] {
                page.find(&field(name))
                    .await
                    .send_keys(value)
                    .await
                    .expect("typing a line");
            }
            page.click("#quote").await;
            // 1.2 m × 1.0 m = 1.2 m² per piece, 2 pieces = 2.4 m² × 25.00 = 60.00.
            let totals = page.wait_for_text("#order-totals", "60.00").await;
            assert!(totals.contains("应收"), "{totals}");
            page.screenshot("1-quoted").await;
            page.click("#save").await;
            let path = page.wait_to_leave("/orders").await;
            assert!(path.contains("saved=1"), "saved: {path}");
            let status = page.text("#order-status").await;
            assert_eq!(status, "草稿");
            let lines = page.text("#order-lines").await;
            assert!(
                lines.contains("XZ1 写真PP") && lines.contains("60.00"),
                "{lines}"
            );
            page.click("#action-approve").await;
            page.wait_for_text("#order-status", "待生产").await;
            page.screenshot("2-approved").await;
            page.open("/orders").await;
            let list = page.text("#orders").await;
            assert!(list.contains("散客") && list.contains("60.00"), "{list}");
            page.screenshot("3-list").await;
        },
    )
    .await;
}

/// The front desk's other pages after an approved order with a process: the task board and my
/// tasks show its task, shipping, 前台设置, 任务设置 and the order's files page open with their
/// headings. The screenshots are for looking at.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn front_desk_pages_show_an_approved_order() {
    let app = App::with_setup().await;
    let category = item_id(&app, "product_category", "写真").await;
    let unit = item_id(&app, "unit", "平方米").await;
    let lamination = item_id(&app, "process", "覆膜(亮膜)").await;
    harness::run(
        "front_desk_pages_show_an_approved_order",
        &app.base,
        |page| async move {
            page.sign_in_by_keyboard(ADMIN_LOGIN, ADMIN_PASSWORD).await;
            page.wait_for_path("/").await;
            page.open("/system/products/new").await;
            page.fill("code", "XZ2").await;
            page.fill("name", "写真覆膜").await;
            for (select, value) in [
                ("#category_id", category.to_string()),
                ("#unit_id", unit.to_string()),
                ("#pricing_mode", "area".to_owned()),
            ] {
                page.find(select)
                    .await
                    .select_by_value(&value)
                    .await
                    .expect("choosing");
            }
            page.fill("list_price", "25").await;
            page.click(&format!("#processes input[value='{lamination}']"))
                .await;
            page.click("#save").await;
            page.wait_to_leave("/system/products/new").await;

            page.open("/orders/new").await;
            for (name, value) in [
                ("product_code", "XZ2"),
                ("width", "1"),
                ("height", "2"),
                ("quantity", "1"),
            ] {
                page.find(&format!("input[name='lines[0][{name}]']"))
                    .await
                    .send_keys(value)
                    .await
                    .expect("typing a line");
            }
            page.click("#save").await;
            let path = page.wait_to_leave("/orders/new").await;
            let order_path = path.split('?').next().unwrap_or_default().to_owned();
            page.click("#action-approve").await;
            page.wait_for_text("#order-status", "待生产").await;
            page.screenshot("1-order").await;

            for (step, url, heading) in [
                ("2-board", "/orders/tasks".to_owned(), "任务看板"),
                ("3-mine", "/orders/tasks/mine".to_owned(), "我的任务"),
                ("4-shipments", "/orders/shipments".to_owned(), "物流发货"),
                ("5-settings", "/orders/settings".to_owned(), "前台设置"),
                (
                    "6-task-settings",
                    "/orders/task-settings".to_owned(),
                    "任务设置",
                ),
                ("7-files", format!("{order_path}/files"), "文件"),
            ] {
                page.open(&url).await;
                page.wait_for_text("h1", heading).await;
                page.screenshot(step).await;
            }
            page.open("/orders/tasks").await;
            page.wait_for_text("main", "覆膜(亮膜)").await;
        },
    )
    .await;
}
