//! 产品管理 through the browser (issue 3): a product with tiers and a default process, then the
//! price preview (试算) on its page.

use crate::harness::{self, ADMIN_LOGIN, ADMIN_PASSWORD, App};

/// The id of the live settings-list item `name` of `kind`.
pub async fn item_id(app: &App, kind: &str, name: &str) -> i64 {
    sqlx::query_scalar(
        "select id from list_items where kind = $1 and name = $2 and deleted_at is null",
    )
    .bind(kind)
    .bind(name)
    .fetch_one(app.db.pool())
    .await
    .unwrap_or_else(|err| panic!("no {kind} item {name}: {err}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn product_with_tiers_and_preview() {
    let app = App::with_setup().await;
    let category = item_id(&app, "product_category", "写真").await;
    let unit = item_id(&app, "unit", "平方米").await;
    let lamination = item_id(&app, "process", "覆膜(亮膜)").await;
    harness::run(
        "product_with_tiers_and_preview",
        &app.base,
        |page| async move {
            page.sign_in_by_keyboard(ADMIN_LOGIN, ADMIN_PASSWORD).await;
            page.wait_for_path("/").await;

            page.open("/system/products/new").await;
            page.fill("code", "XZ-TEST").await;
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
            page.fill("list_price", "25").await;
            page.fill("min_per_piece", "1").await;
            // The printer takes 3.2 m across (最大幅宽); no length limit.
            page.fill("max_width", "3.2").await;
            page.screenshot("0-form-limits").await;
            let froms = page
                .client
                .find_all(fantoccini::Locator::Css("input[name=tier_from]"))
                .await
                .expect("tier rows");
            let prices = page
                .client
                .find_all(fantoccini::Locator::Css("input[name=tier_price]"))
                .await
                .expect("tier rows");
            assert!(froms.len() >= 2, "the form offers tier rows");
            for (idx, (from, price)) in [("0", "25"), ("10", "22")].into_iter().enumerate() {
                froms[idx].send_keys(from).await.expect("typing a tier");
                prices[idx].send_keys(price).await.expect("typing a tier");
            }
            page.click(&format!("#processes input[value='{lamination}']"))
                .await;
            page.screenshot("1-form").await;
            page.click("#save").await;
            let path = page.wait_to_leave("/system/products/new").await;
            assert!(path.contains("saved=1"), "saved: {path}");
            page.wait_for_text(".notice.ok", "已保存").await;
            assert_eq!(page.value("#code").await, "XZ-TEST");
            assert_eq!(page.value("#max_width").await, "3.2");
            assert_eq!(page.value("#max_length").await, "", "no limit shows empty");
            assert!(
                page.find(&format!("#processes input[value='{lamination}']"))
                    .await
                    .is_selected()
                    .await
                    .expect("checkbox state"),
                "the default process is kept"
            );

            // 试算: 60 × 160 cm is 0.96 m² a piece, billed as the 1 m² minimum; 3 pieces are 3 m².
            page.fill("preview-width", "60").await;
            page.fill("preview-height", "160").await;
            page.find("#preview-unit")
                .await
                .select_by_value("cm")
                .await
                .expect("choosing cm");
            page.fill("preview-quantity", "3").await;
            page.click("#preview-run").await;
            // The panel is filled in place by static/price_preview.js (or by the page without it).
            let figures = page.wait_for_text("#preview-figures", "99.00").await;
            assert!(figures.contains("75.00"), "the amount: {figures}");
            assert!(
                figures.contains("3 × 8.00 = 24.00"),
                "the lamination is priced per m²: {figures}"
            );
            let explanation = page.text("#preview-explanation").await;
            assert!(
                explanation.contains("按 1 计"),
                "the explanation names the minimum: {explanation}"
            );
            page.screenshot("2-preview").await;
        },
    )
    .await;
}
