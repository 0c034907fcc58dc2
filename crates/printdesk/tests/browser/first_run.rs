//! First run and sign-in: the set-up page, then signing in with the keyboard.

use crate::harness::{self, ADMIN_LOGIN, ADMIN_NAME, ADMIN_PASSWORD, App, ENTER, TAB};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_setup() {
    let app = App::spawn().await;
    harness::run("first_run_setup", &app.base, |page| async move {
        page.open("/").await;
        page.wait_for_path("/setup").await;
        assert_eq!(
            page.focused_id().await,
            "company_name",
            "the set-up page should put the cursor in the first field"
        );
        page.fill("company_name", "星光图文").await;
        page.fill("account_set_name", "总店").await;
        page.fill("login", "boss").await;
        page.fill("display_name", "李老板").await;
        page.fill("password", "Xingguang1").await;
        page.fill("confirm_password", "Xingguang1").await;
        page.screenshot("1-setup").await;

        page.click("#setup-submit").await;
        page.wait_for_path("/sign-in").await;
        page.wait_for_text(".notice.ok", "设置完成，请用刚才的管理员账号登录。")
            .await;
        assert_eq!(page.text("h1").await, "登录");
        page.screenshot("2-sign-in-welcome").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_wrong_then_right() {
    let app = App::with_setup().await;
    harness::run("sign_in_wrong_then_right", &app.base, |page| async move {
        page.sign_in_by_keyboard(ADMIN_LOGIN, "Wrong2026x").await;
        page.wait_for_text("#password ~ .field-error", "登录名或密码不正确。")
            .await;
        assert_eq!(
            page.path().await,
            "/sign-in",
            "a wrong password stays on the page"
        );
        assert_eq!(
            page.find("#password")
                .await
                .attr("aria-invalid")
                .await
                .expect("aria-invalid")
                .as_deref(),
            Some("true"),
            "the password field is marked invalid"
        );
        assert_eq!(page.value("#login").await, ADMIN_LOGIN, "the login is kept");
        assert_eq!(
            page.value("#password").await,
            "",
            "the password is not echoed back"
        );
        page.screenshot("1-wrong-password").await;

        // Try again without the mouse: the login is still there, so Tab to the password.
        page.find("#login").await;
        assert_eq!(page.focused_id().await, "login");
        page.type_keys(TAB).await;
        assert_eq!(page.focused_id().await, "password");
        page.type_keys(ADMIN_PASSWORD).await;
        page.type_keys(ENTER).await;

        page.wait_for_path("/").await;
        page.wait_for_text("main h1", "我的桌面").await;
        page.wait_for_text(".topbar .user", ADMIN_NAME).await;
        page.wait_for_text("main", "李老板，您好！当前账套：总店。")
            .await;
        page.screenshot("2-desktop").await;
    })
    .await;
}
