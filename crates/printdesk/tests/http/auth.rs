//! Tests of first run, sign-in, sessions, CSRF, throttling and API tokens.

use reqwest::StatusCode;
use serde_json::json;

use crate::backend_tests;
use crate::harness::{
    ADMIN_LOGIN, ADMIN_PASSWORD, Backend, TestApp, extract_csrf, field_message, spawn_app,
};

async fn first_run_sets_up_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let browser = app.browser();
    let res = browser.get("/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/setup");
    let (status, page) = browser.get_text("/setup").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("首次使用"), "{page}");

    // A bad form comes back with what was typed and each message beside its field.
    let res = browser
        .post_form(
            "/setup",
            &[
                ("company_name", "星光图文"),
                ("account_set_name", ""),
                ("login", "x"),
                ("password", "12345678"),
                ("confirm_password", "1234"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("value=\"星光图文\""),
        "typed company name is kept"
    );
    assert!(page.contains("请填写账套名称。"));
    assert!(page.contains("登录名 2 到 32 个字。"));
    assert!(page.contains("密码不能全是数字或全是字母。"));
    assert!(page.contains("两次输入的密码不一致。"));
    assert_eq!(
        app.count("select count(*) from company").await,
        0,
        "nothing half-saved"
    );

    let res = browser
        .post_form(
            "/setup",
            &[
                ("company_name", "星光图文"),
                ("account_set_name", "总店"),
                ("login", "boss"),
                ("display_name", "李老板"),
                ("password", "Xingguang1"),
                ("confirm_password", "Xingguang1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("select count(*) from account_sets").await, 1);
    assert!(
        app.count("select count(*) from ledger_accounts where code = '1122'")
            .await
            == 1,
        "chart seeded"
    );

    // Gone for good.
    assert_eq!(browser.get("/setup").await.status(), StatusCode::NOT_FOUND);
    let res = browser
        .post_form(
            "/setup",
            &[
                ("company_name", "别家"),
                ("account_set_name", "别家"),
                ("login", "other"),
                ("password", "Other2026x"),
                ("confirm_password", "Other2026x"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.count("select count(*) from users").await, 1);

    let signed_in = app.sign_in("boss", "Xingguang1").await;
    let (status, page) = signed_in.get_text("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("李老板"));
    assert!(page.contains("星光图文"));
}

async fn sign_in_refuses_wrong_password_and_throttles(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.browser();
    let res = browser
        .post_form(
            "/sign-in",
            &[("login", ADMIN_LOGIN), ("password", "wrong-password1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("登录名或密码不正确。"));
    assert!(
        page.contains(&format!("value=\"{ADMIN_LOGIN}\"")),
        "login is kept"
    );
    // An unknown login gets the same message.
    let res = browser
        .post_form(
            "/sign-in",
            &[("login", "nobody"), ("password", "wrong-password1")],
        )
        .await;
    assert!(res.text().await.unwrap().contains("登录名或密码不正确。"));

    for _ in 0..4 {
        browser
            .post_form(
                "/sign-in",
                &[("login", ADMIN_LOGIN), ("password", "wrong-password1")],
            )
            .await;
    }
    // Five failures on this login: even the right password now has to wait.
    let res = browser
        .post_form(
            "/sign-in",
            &[("login", ADMIN_LOGIN), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text().await.unwrap().contains("尝试次数过多"));
    let api = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/token", app.base))
        .json(&json!({ "login": ADMIN_LOGIN, "password": ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(api.headers().contains_key("retry-after"));
}

async fn forms_need_the_sessions_csrf_token(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let token = browser.csrf_token().await;
    // Missing and forged tokens are refused before anything happens.
    let res = browser
        .post_form_raw("/account/locale", &[("locale", "en")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("页面已过期"));
    let forged = "A".repeat(43);
    let res = browser
        .post_form_raw(
            "/account/locale",
            &[("csrf_token", &forged), ("locale", "en")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("select count(*) from users where locale = 'en'")
            .await,
        0
    );
    // Another session's token is refused too (replayed from elsewhere).
    let other = app.sign_in_admin().await;
    let other_token = other.csrf_token().await;
    assert_ne!(token, other_token);
    let res = browser
        .post_form_raw(
            "/account/locale",
            &[("csrf_token", &other_token), ("locale", "en")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // After signing out, the old token is dead even with the old cookie gone.
    let res = browser
        .post_form_raw("/sign-out", &[("csrf_token", &token)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = browser
        .post_form_raw(
            "/account/locale",
            &[("csrf_token", &token), ("locale", "en")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("/sign-in"),
        "sent to sign in, nothing changed"
    );
    assert_eq!(
        app.count("select count(*) from users where locale = 'en'")
            .await,
        0
    );
    // The right token works.
    let res = other
        .post_form_raw(
            "/account/locale",
            &[("csrf_token", &other_token), ("locale", "en")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = other.get_text("/").await;
    assert!(page.contains("My desktop"), "language switched to English");
}

async fn sign_out_ends_the_session(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    assert_eq!(browser.get("/").await.status(), StatusCode::OK);
    let res = browser.post_form("/sign-out", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = browser.get("/account/password").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/sign-in?next=")
    );
    assert_eq!(app.count("select count(*) from sessions").await, 0);
}

async fn change_password_checks_and_signs_out_other_sessions(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let other = app.sign_in_admin().await;
    let res = browser
        .post_form(
            "/account/password",
            &[
                ("current_password", "nope"),
                ("new_password", "short"),
                ("confirm_password", "shorter"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("当前密码不正确。"));
    assert!(page.contains("密码至少 8 位。"));
    assert!(page.contains("两次输入的密码不一致。"));
    let res = browser
        .post_form(
            "/account/password",
            &[
                ("current_password", ADMIN_PASSWORD),
                ("new_password", "NewPass2026"),
                ("confirm_password", "NewPass2026"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        browser.get("/").await.status(),
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        other.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "the other is signed out"
    );
    let fresh = app.browser();
    let res = fresh
        .post_form(
            "/sign-in",
            &[("login", ADMIN_LOGIN), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "old password no longer works"
    );
    app.sign_in(ADMIN_LOGIN, "NewPass2026").await;
}

async fn online_users_lists_sessions_and_admin_ends_one(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let admin = app.sign_in_admin().await;
    let other = app.sign_in_admin().await;
    let (status, page) = admin.get_text("/system/online-users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("127.0.0.1"));
    assert!(page.contains("当前会话"));
    let own_csrf = admin.csrf_token().await;
    let other_csrf = other.csrf_token().await;
    assert_ne!(own_csrf, other_csrf);
    // The id of the other session is in the page's end-session form.
    let marker = "/system/online-users/";
    let id = page
        .match_indices(marker)
        .map(|(i, _)| &page[i + marker.len()..])
        .map(|rest| &rest[..rest.find('/').unwrap()])
        .next()
        .expect("an end-session form for the other session");
    let res = admin
        .post_form(&format!("/system/online-users/{id}/end"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        other.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "ended session is signed out"
    );
    assert_eq!(admin.get("/").await.status(), StatusCode::OK);
}

async fn api_tokens_work_and_can_be_revoked(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    assert!(api.token.starts_with("pd_"));
    let (status, me) = api.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["login"], ADMIN_LOGIN);
    assert_eq!(me["account_set"], "总店");
    let (status, tokens) = api.get("/api/v1/auth/tokens").await;
    assert_eq!(status, StatusCode::OK);
    let id = tokens[0]["id"].as_i64().unwrap();
    let (status, _) = api.delete(&format!("/api/v1/auth/tokens/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = api.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(field_message(&body, "").as_deref(), Some("请先登录。"));
}

async fn api_reports_bad_json_by_field(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/auth/token", app.base);
    let res = http
        .post(&url)
        .json(&json!({ "login": 5, "password": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(
        field_message(&body, "login")
            .unwrap()
            .starts_with("类型不对")
    );
    let res = http
        .post(&url)
        .json(&json!({ "login": "admin" }))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        field_message(&body, "password").as_deref(),
        Some("缺少此项。")
    );
    let res = http
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"login\":")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        field_message(&body, "body").as_deref(),
        Some("JSON 格式有误。")
    );
    let res = http.post(&url).body("login=admin").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = http
        .post(&url)
        .json(&json!({ "login": "", "password": "" }))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        field_message(&body, "login").as_deref(),
        Some("请填写登录名。")
    );
    assert_eq!(
        field_message(&body, "password").as_deref(),
        Some("请填写密码。")
    );
    // English when asked for.
    let res = http
        .post(&url)
        .header("accept-language", "en-US,en;q=0.9")
        .json(&json!({ "login": "", "password": "" }))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        field_message(&body, "login").as_deref(),
        Some("Enter the login name.")
    );
}

async fn unknown_paths_and_bad_ids_are_404_pages(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let (status, page) = browser.get_text("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("找不到页面"));
    let res = browser.post_form("/account/tokens/abc/revoke", &[]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let api = app.api_admin().await;
    let (status, body) = api.delete("/api/v1/auth/tokens/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(field_message(&body, "").unwrap().contains("找不到该记录"));
    let (status, _) = api.get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(extract_csrf("<input name=\"csrf_token\" value=\"abc\">").is_some());
}

async fn cross_site_posts_are_refused(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let token = browser.csrf_token().await;
    let url = format!("{}/account/locale", app.base);
    let res = browser
        .http
        .post(&url)
        .header("origin", "http://evil.example")
        .form(&[("csrf_token", token.as_str()), ("locale", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = browser
        .http
        .post(&url)
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf_token", token.as_str()), ("locale", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("select count(*) from users where locale = 'en'")
            .await,
        0
    );
    let res = browser
        .http
        .post(&url)
        .header("origin", app.base.as_str())
        .form(&[("csrf_token", token.as_str()), ("locale", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "same-origin form works"
    );
}

backend_tests!(
    cross_site_posts_are_refused,
    first_run_sets_up_once,
    sign_in_refuses_wrong_password_and_throttles,
    forms_need_the_sessions_csrf_token,
    sign_out_ends_the_session,
    change_password_checks_and_signs_out_other_sessions,
    online_users_lists_sessions_and_admin_ends_one,
    api_tokens_work_and_can_be_revoked,
    api_reports_bad_json_by_field,
    unknown_paths_and_bad_ids_are_404_pages,
);
