//! 新建订单 through the browser (issue 4): a walk-in order priced on the server (计算), saved,
//! approved; the order page shows the number, the lines and the totals.

use crate::harness::{self, ADMIN_LOGIN, ADMIN_PASSWORD, App};
use crate::products::item_id;

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
