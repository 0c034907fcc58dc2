//! The order prints in Chromium (issue 4, item 10): an order saved through the UI, then its
//! 施工单 (A4), its receipt at 80 mm and 58 mm and its A5 送货单, each opened from the order
//! page, screenshotted in a window as wide as its paper and printed to PDF through WebDriver's
//! Print Page at that paper size. The 80 mm PDF must be 80 mm wide.

use fantoccini::wd::{PrintConfiguration, PrintMargins, PrintSize};

use crate::harness::{self, ADMIN_LOGIN, ADMIN_PASSWORD, App, Page};
use crate::products::item_id;

const TEST: &str = "prints_fit_their_paper";

/// Millimetres to PDF points (1/72 inch).
const POINTS_PER_MM: f64 = 72.0 / 25.4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prints_fit_their_paper() {
    let app = App::with_setup().await;
    let category = item_id(&app, "product_category", "写真").await;
    let unit = item_id(&app, "unit", "平方米").await;
    let urgent = item_id(&app, "feature_tag", "加急").await;
    harness::run(TEST, &app.base, |page| async move {
        page.sign_in_by_keyboard(ADMIN_LOGIN, ADMIN_PASSWORD).await;
        page.wait_for_path("/").await;
        // 写真PP at 25.00/m², 1 m² minimum a piece, sized in cm.
        page.open("/system/products/new").await;
        page.fill("code", "XZ1").await;
        page.fill("name", "写真PP").await;
        for (select, value) in [
            ("#category_id", category.to_string()),
            ("#unit_id", unit.to_string()),
            ("#pricing_mode", "area".to_owned()),
            ("#dimension_unit", "cm".to_owned()),
        ] {
            page.find(select)
                .await
                .select_by_value(&value)
                .await
                .unwrap_or_else(|err| panic!("choosing {value} in {select}: {err}"));
        }
        page.fill("list_price", "25").await;
        page.fill("min_per_piece", "1").await;
        page.click("#save").await;
        page.wait_to_leave("/system/products/new").await;

        // A walk-in order to deliver: two lines (1.2 m × 1.0 m × 2 = 2.4 m² = 60.00; 60 cm × 80 cm
        // is under the 1 m² minimum, so 5 pieces = 5 m² = 125.00), 加急, 送货上门.
        page.open("/orders/new").await;
        for (id, value) in [
            ("walk_in_name", "王女士"),
            ("contact_person", "王女士"),
            ("contact_phone", "13900002222"),
            ("delivery_address", "滨江路88号星光大厦12楼前台"),
            ("remarks", "下午三点前送到，注意防潮"),
        ] {
            page.fill(id, value).await;
        }
        page.find("#delivery_method_id")
            .await
            .select_by_label("送货上门")
            .await
            .expect("choosing 送货上门");
        page.click(&format!("input[name='tag_ids'][value='{urgent}']"))
            .await;
        let field = |index: usize, name: &str| format!("input[name='lines[{index}][{name}]']");
        for (index, name, value) in [
            (0, "product_code", "xz1"),
            (0, "width", "120"),
            (0, "height", "100"),
            (0, "quantity", "2"),
            (1, "product_code", "xz1"),
            (1, "width", "60"),
            (1, "height", "80"),
            (1, "quantity", "5"),
        ] {
            page.find(&field(index, name))
                .await
                .send_keys(value)
                .await
                .expect("typing a line");
        }
        page.click("#save").await;
        let path = page.wait_to_leave("/orders/new").await;
        assert!(path.contains("saved=1"), "saved: {path}");
        let order_path = path.split('?').next().unwrap_or_default().to_owned();
        let number = page.text("h1").await;
        let number = number
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned();

        // 施工单: A4 (210 mm ≈ 794 px at 96 dpi), no prices.
        page.click("#print-ticket").await;
        page.wait_for_path(&format!("{order_path}/print/ticket"))
            .await;
        let ticket = page.text("#ticket").await;
        assert!(
            ticket.contains(&number)
                && ticket.contains("120 × 100 cm")
                && !ticket.contains("60.00"),
            "{ticket}"
        );
        let a4 = print_and_shoot(&page, "1-ticket-a4", (794, 1123), (21.0, 29.7), 1.2).await;
        assert_width_mm(&a4, 210.0);

        // Receipt at 80 mm (≈ 302 px), the settings' default.
        page.click("#print-back").await;
        page.wait_for_path(&order_path).await;
        page.click("#print-receipt").await;
        page.wait_for_path(&format!("{order_path}/print/receipt"))
            .await;
        let receipt = page.text("#receipt").await;
        assert!(
            receipt.contains(&number) && receipt.contains("125.00") && receipt.contains("185.00"),
            "{receipt}"
        );
        let wide = print_and_shoot(&page, "2-receipt-80mm", (302, 700), (8.0, 20.0), 0.0).await;
        assert_width_mm(&wide, 80.0);

        // … and at 58 mm (≈ 219 px), through the toolbar's switch.
        page.click("#receipt-switch").await;
        page.wait_for_path(&format!("{order_path}/print/receipt?width=58"))
            .await;
        let narrow = print_and_shoot(&page, "3-receipt-58mm", (219, 700), (5.8, 20.0), 0.0).await;
        assert_width_mm(&narrow, 58.0);

        // 送货单: A5 portrait (148 mm × 210 mm ≈ 559 × 794 px), priced, with 签收人.
        page.open(&format!("{order_path}/print/delivery-note"))
            .await;
        let note = page.text("#delivery-note").await;
        assert!(
            note.contains(&number)
                && note.contains("滨江路88号")
                && note.contains("送货上门")
                && note.contains("185.00")
                && note.contains("签收人"),
            "{note}"
        );
        let a5 = print_and_shoot(&page, "4-delivery-note-a5", (559, 794), (14.8, 21.0), 0.8).await;
        assert_width_mm(&a5, 148.0);
    })
    .await;
}

/// Sizes the window to the paper (`window` in CSS pixels), takes a screenshot, prints the page
/// to PDF on paper of `paper` centimetres with `margin` centimetres all round, saves the PDF
/// next to the screenshot and returns its bytes.
async fn print_and_shoot(
    page: &Page,
    step: &str,
    window: (u32, u32),
    paper: (f64, f64),
    margin: f64,
) -> Vec<u8> {
    page.client
        .set_window_size(window.0, window.1)
        .await
        .expect("sizing the window");
    page.screenshot(step).await;
    let configuration = PrintConfiguration::builder()
        .size(PrintSize {
            width: paper.0,
            height: paper.1,
        })
        .margins(PrintMargins {
            top: margin,
            bottom: margin,
            left: margin,
            right: margin,
        })
        .background(true)
        .shrink_to_fit(false)
        .build()
        .expect("a valid print configuration");
    let pdf = page
        .client
        .print(configuration)
        .await
        .expect("printing to PDF");
    assert!(pdf.starts_with(b"%PDF"), "{step} is not a PDF");
    let dir = harness::screenshot_dir();
    let path = dir.join(format!("{TEST}-{step}.pdf"));
    std::fs::write(&path, &pdf).expect("saving the PDF");
    eprintln!("pdf: {}", path.display());
    page.client
        .set_window_size(1366, 900)
        .await
        .expect("restoring the window");
    pdf
}

/// Asserts the first page of `pdf` is `mm` wide, read from its `/MediaBox [x0 y0 x1 y1]`.
fn assert_width_mm(pdf: &[u8], mm: f64) {
    let (width, height) = media_box(pdf).expect("a /MediaBox in the PDF");
    let expected = mm * POINTS_PER_MM;
    assert!(
        (width - expected).abs() < 1.0,
        "the page is {width} × {height} pt, expected {expected:.1} pt ({mm} mm) wide"
    );
}

/// Width and height in points of the first `/MediaBox` of `pdf`.
fn media_box(pdf: &[u8]) -> Option<(f64, f64)> {
    let text = String::from_utf8_lossy(pdf);
    let start = text.find("/MediaBox")?;
    let rest = &text[start..];
    let open = rest.find('[')?;
    let close = rest.find(']')?;
    let numbers: Vec<f64> = rest[open + 1..close]
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    match numbers[..] {
        [x0, y0, x1, y1] => Some((x1 - x0, y1 - y0)),
        _ => None,
    }
}
