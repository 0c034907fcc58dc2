//! Tests of 组织机构 (5.1): company, departments, roles, users, account sets, the recycle bin and
//! the audit trail — through the pages and the API, on both backends.
//!
//! [`Probe`] and [`assert_foreign_ids_are_not_found`] are the tenant-isolation probe: later
//! chapters list their id-taking routes the same way and run them with another account set's id.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{ADMIN_LOGIN, ADMIN_PASSWORD, Api, Backend, Browser, TestApp, field_message};
use crate::spreadsheets::download_rows;

/// One id-taking route. `{id}` in the path stands for the probed id.
pub enum Probe {
    PageGet(&'static str),
    PagePost(&'static str, &'static [(&'static str, &'static str)]),
    ApiGet(&'static str),
    ApiPost(&'static str, &'static str),
    ApiPut(&'static str, &'static str),
    ApiDelete(&'static str),
}

/// Routes that take a live department's id.
pub const DEPARTMENT_PROBES: &[Probe] = &[
    Probe::PageGet("/system/departments/{id}"),
    Probe::PagePost(
        "/system/departments/{id}",
        &[("name", "探测"), ("sort_order", "9")],
    ),
    Probe::PagePost("/system/departments/{id}/delete", &[]),
    Probe::ApiGet("/api/v1/departments/{id}"),
    Probe::ApiPut(
        "/api/v1/departments/{id}",
        r#"{"name":"探测","sort_order":9}"#,
    ),
    Probe::ApiDelete("/api/v1/departments/{id}"),
];

/// Routes that take the id of a department in the recycle bin.
pub const BINNED_DEPARTMENT_PROBES: &[Probe] = &[
    Probe::PagePost("/system/recycle-bin/department/{id}/restore", &[]),
    Probe::PagePost("/system/recycle-bin/department/{id}/purge", &[]),
    Probe::ApiPost("/api/v1/recycle-bin/department/{id}/restore", "{}"),
    Probe::ApiDelete("/api/v1/recycle-bin/department/{id}"),
];

/// Runs every probe with `id` (owned by another account set) and asserts each answers 404.
pub async fn assert_foreign_ids_are_not_found(
    browser: &Browser,
    api: &Api,
    probes: &[Probe],
    id: i64,
) {
    let id = id.to_string();
    for probe in probes {
        let (route, status) = match probe {
            Probe::PageGet(path) => {
                let path = path.replace("{id}", &id);
                (path.clone(), browser.get(&path).await.status())
            }
            Probe::PagePost(path, fields) => {
                let path = path.replace("{id}", &id);
                (
                    path.clone(),
                    browser.post_form(&path, fields).await.status(),
                )
            }
            Probe::ApiGet(path) => {
                let path = path.replace("{id}", &id);
                (path.clone(), api.get(&path).await.0)
            }
            Probe::ApiPost(path, body) => {
                let path = path.replace("{id}", &id);
                let body: Value = serde_json::from_str(body).expect("probe JSON");
                (path.clone(), api.post(&path, body).await.0)
            }
            Probe::ApiPut(path, body) => {
                let path = path.replace("{id}", &id);
                let body: Value = serde_json::from_str(body).expect("probe JSON");
                (path.clone(), api.put(&path, body).await.0)
            }
            Probe::ApiDelete(path) => {
                let path = path.replace("{id}", &id);
                (path.clone(), api.delete(&path).await.0)
            }
        };
        assert_eq!(status, StatusCode::NOT_FOUND, "{route} with a foreign id");
    }
}

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

/// The id at the end of a location such as `/system/users/7?saved=1`.
fn id_in(location: &str) -> i64 {
    let path = location.split('?').next().unwrap_or("");
    path.rsplit('/').next().unwrap().parse().expect("id")
}

async fn admin_role_id(api: &Api) -> i64 {
    let (_, roles) = api.get("/api/v1/roles").await;
    roles
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["is_superuser"] == true)
        .expect("superuser role")["id"]
        .as_i64()
        .unwrap()
}

async fn first_account_set_id(api: &Api) -> i64 {
    let (_, me) = api.get("/api/v1/me").await;
    me["account_set_id"].as_i64().unwrap()
}

async fn users_are_created_through_the_page_once_and_edited(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let admin = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let account_set = first_account_set_id(&api).await;
    let (status, department) = api
        .post("/api/v1/departments", json!({ "name": "印刷部" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{department}");
    let department_id = department["id"].as_i64().unwrap();
    let (status, role) = api
        .post(
            "/api/v1/roles",
            json!({ "name": "前台", "permissions": ["system.department.view"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{role}");
    let role_id = role["id"].as_i64().unwrap();

    let (status, page) = admin.get_text("/system/users/new").await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "id=\"login\"",
        "id=\"display_name\"",
        "id=\"password\"",
        "id=\"department_id\"",
        &format!("id=\"role-{role_id}\""),
        &format!("id=\"account-set-{account_set}\""),
        "id=\"save\"",
    ] {
        assert!(page.contains(needle), "{needle} on the new-user form");
    }
    let nonce = form_nonce(&page);
    let role_text = role_id.to_string();
    let account_set_text = account_set.to_string();
    let department_text = department_id.to_string();

    // Bad input comes back with what was typed and each message by its field.
    let res = admin
        .post_form(
            "/system/users",
            &[
                ("form_nonce", &nonce),
                ("login", "x"),
                ("display_name", "小李"),
                ("password", "1234"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("value=\"小李\""), "typed name kept");
    assert!(page.contains("登录名 2 到 32 个字。"));
    assert!(page.contains("密码至少 8 位。"));
    assert!(page.contains("请至少选择一个可进入的账套。"));

    // A double click sends the same form twice: one user.
    let fields = [
        ("form_nonce", nonce.as_str()),
        ("login", "xiaoli"),
        ("display_name", "小李"),
        ("password", "Xiaoli2026"),
        ("department_id", department_text.as_str()),
        ("role_ids", role_text.as_str()),
        ("account_set_ids", account_set_text.as_str()),
    ];
    let first = admin.post_form("/system/users", &fields).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let second = admin.post_form("/system/users", &fields).await;
    assert_eq!(second.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&first), location(&second));
    assert_eq!(
        app.count("select count(*) from users where login = 'xiaoli'")
            .await,
        1
    );
    let user_id = id_in(&location(&first));

    // Read back through the API; no password hash anywhere.
    let (status, user) = api.get(&format!("/api/v1/users/{user_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(user["login"], "xiaoli");
    assert_eq!(user["display_name"], "小李");
    assert_eq!(user["department_id"], department_id);
    assert_eq!(user["department"], "印刷部");
    assert_eq!(user["role_ids"], json!([role_id]));
    assert_eq!(user["account_set_ids"], json!([account_set]));
    assert!(!user.to_string().contains("argon2"), "{user}");
    let (_, list) = api.get("/api/v1/users").await;
    assert!(!list.to_string().contains("password"), "{list}");

    // The new user signs in.
    app.sign_in("xiaoli", "Xiaoli2026").await;

    // The same login again, in other case, is taken.
    let res = admin
        .post_form(
            "/system/users",
            &[
                ("login", "XiaoLi"),
                ("display_name", "另一个小李"),
                ("password", "Xiaoli2026"),
                ("account_set_ids", account_set_text.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("该登录名已被使用。"));

    // Edit through the page: new name, no department, no roles.
    let res = admin
        .post_form(
            &format!("/system/users/{user_id}"),
            &[
                ("login", "xiaoli"),
                ("display_name", "李小红"),
                ("department_id", ""),
                ("account_set_ids", account_set_text.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = admin.get_text(&format!("/system/users/{user_id}")).await;
    assert!(page.contains("value=\"李小红\""));
    assert!(!page.contains(&format!("id=\"role-{role_id}\" checked")));
    assert!(page.contains("修改"), "the trail shows the change");
    let (_, user) = api.get(&format!("/api/v1/users/{user_id}")).await;
    assert_eq!(user["display_name"], "李小红");
    assert_eq!(user["department_id"], Value::Null);
    assert_eq!(user["role_ids"], json!([]));

    // Edit through the API; a department id that is not a department is a field error.
    let (status, body) = api
        .put(
            &format!("/api/v1/users/{user_id}"),
            json!({ "login": "xiaoli", "display_name": "李小红", "department_id": 999_999,
                    "role_ids": [role_id], "account_set_ids": [account_set] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "department_id").as_deref(),
        Some("请从列表中选择本账套的部门。")
    );
    let (status, body) = api
        .put(
            &format!("/api/v1/users/{user_id}"),
            json!({ "login": "xiaoli", "display_name": "李小红", "department_id": department_id,
                    "role_ids": [role_id], "account_set_ids": [] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "account_set_ids").as_deref(),
        Some("请至少选择一个可进入的账套。")
    );
    let (status, body) = api
        .put(
            &format!("/api/v1/users/{user_id}"),
            json!({ "login": "xiaoli", "display_name": "李小红", "department_id": department_id,
                    "role_ids": [role_id], "account_set_ids": [account_set] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["department"], "印刷部");
    assert_eq!(body["roles"], json!(["前台"]));
}

async fn users_api_checks_input_and_disables_and_resets(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let account_set = first_account_set_id(&api).await;

    let (status, body) = api
        .post(
            "/api/v1/users",
            json!({ "login": "clerk", "display_name": "小张", "password": "Clerk2026x",
                    "role_ids": "前台", "account_set_ids": [account_set] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "role_ids").as_deref(),
        Some("类型不对（数字和金额请用字符串，如 \"12.50\"）。")
    );
    let (status, body) = api
        .post(
            "/api/v1/users",
            json!({ "login": "", "display_name": "", "password": "abcdefgh",
                    "account_set_ids": [account_set, 999_999] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "login").as_deref(),
        Some("请填写登录名。")
    );
    assert_eq!(
        field_message(&body, "display_name").as_deref(),
        Some("请填写姓名。")
    );
    assert_eq!(
        field_message(&body, "password").as_deref(),
        Some("密码不能全是数字或全是字母。")
    );
    assert_eq!(
        field_message(&body, "account_set_ids").as_deref(),
        Some("请从列表中选择账套。")
    );
    let (status, body) = api
        .post(
            "/api/v1/users",
            json!({ "login": ADMIN_LOGIN, "display_name": "冒名", "password": "Clerk2026x",
                    "account_set_ids": [account_set] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "login").as_deref(),
        Some("该登录名已被使用。")
    );

    let (status, body) = api
        .post(
            "/api/v1/users",
            json!({ "login": "clerk", "display_name": "小张", "password": "Clerk2026x",
                    "account_set_ids": [account_set] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let clerk_id = body["id"].as_i64().unwrap();
    let clerk = app.sign_in("clerk", "Clerk2026x").await;
    assert_eq!(clerk.get("/").await.status(), StatusCode::OK);

    // Disabling ends the clerk's session at once; enabling lets them back in.
    let (status, _) = api
        .post(&format!("/api/v1/users/{clerk_id}/disable"), json!({}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(clerk.get("/").await.status(), StatusCode::SEE_OTHER);
    let (_, user) = api.get(&format!("/api/v1/users/{clerk_id}")).await;
    assert_eq!(user["disabled"], true);
    let res = app
        .browser()
        .post_form(
            "/sign-in",
            &[("login", "clerk"), ("password", "Clerk2026x")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = api
        .post(&format!("/api/v1/users/{clerk_id}/enable"), json!({}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let clerk = app.sign_in("clerk", "Clerk2026x").await;

    // Nobody disables themselves.
    let (_, me) = api.get("/api/v1/me").await;
    let admin_id = me["user_id"].as_i64().unwrap();
    let (status, body) = api
        .post(&format!("/api/v1/users/{admin_id}/disable"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        field_message(&body, "").as_deref(),
        Some("不能停用自己的账号。")
    );

    // A reset checks the password rule, then ends the clerk's sessions.
    let (status, body) = api
        .post(
            &format!("/api/v1/users/{clerk_id}/reset-password"),
            json!({ "password": "short" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "password").as_deref(),
        Some("密码至少 8 位。")
    );
    let admin = app.sign_in_admin().await;
    let res = admin
        .post_form(
            &format!("/system/users/{clerk_id}/reset-password"),
            &[("password", "NewClerk2026")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(clerk.get("/").await.status(), StatusCode::SEE_OTHER);
    app.sign_in("clerk", "NewClerk2026").await;
    let (_, page) = admin.get_text(&format!("/system/users/{clerk_id}")).await;
    assert!(page.contains("重置密码"));
    assert!(
        page.contains("停用") && page.contains("启用"),
        "trail lists both"
    );
}

async fn roles_hold_permissions_by_chapter(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let admin = app.sign_in_admin().await;
    let api = app.api_admin().await;

    let (status, page) = admin.get_text("/system/roles/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"perm-system-user-manage\""));
    assert!(page.contains("value=\"system.user.manage\""));
    assert!(page.contains("用户管理"));
    assert!(page.contains("<legend>财务管理</legend>") || page.contains("财务"));
    let nonce = form_nonce(&page);

    let res = admin
        .post_form(
            "/system/roles",
            &[
                ("form_nonce", &nonce),
                ("name", ""),
                ("permissions", "system.everything"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("请填写角色名称。"));
    assert!(page.contains("没有“system.everything”这项权限。"));

    let res = admin
        .post_form(
            "/system/roles",
            &[
                ("form_nonce", &nonce),
                ("name", "会计"),
                ("description", "记账"),
                ("permissions", "finance.journal.view"),
                ("permissions", "system.audit.view"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let role_id = id_in(&location(&res));
    let (_, role) = api.get(&format!("/api/v1/roles/{role_id}")).await;
    assert_eq!(role["name"], "会计");
    assert_eq!(
        role["permissions"],
        json!(["finance.journal.view", "system.audit.view"])
    );
    let (_, page) = admin.get_text(&format!("/system/roles/{role_id}")).await;
    assert!(page.contains("id=\"perm-system-audit-view\" checked"));
    assert!(!page.contains("id=\"perm-system-user-manage\" checked"));

    // API: overlong name, duplicate name, unknown key, wrong type.
    let (status, body) = api
        .post("/api/v1/roles", json!({ "name": "角".repeat(31) }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "name").as_deref(),
        Some("最多 30 个字。")
    );
    let (status, body) = api.post("/api/v1/roles", json!({ "name": "会计" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "name").as_deref(),
        Some("已有同名角色。")
    );
    let (status, body) = api
        .put(
            &format!("/api/v1/roles/{role_id}"),
            json!({ "name": "会计", "permissions": ["finance.nope"] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "permissions").as_deref(),
        Some("没有“finance.nope”这项权限。")
    );
    let (status, body) = api.post("/api/v1/roles", json!({ "name": 5 })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_message(&body, "name").is_some(), "{body}");
    let (status, body) = api
        .put(
            &format!("/api/v1/roles/{role_id}"),
            json!({ "name": "出纳", "permissions": ["finance.journal.post"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["permissions"], json!(["finance.journal.post"]));

    // The superuser role keeps every permission and cannot be deleted.
    let admin_role = admin_role_id(&api).await;
    let (_, page) = admin.get_text(&format!("/system/roles/{admin_role}")).await;
    assert!(page.contains("全部权限"));
    assert!(!page.contains("id=\"perm-system-user-manage\""));
    let (status, body) = api
        .put(
            &format!("/api/v1/roles/{admin_role}"),
            json!({ "name": "管理员", "permissions": [] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["is_superuser"], true);
    let admin_browser = app.sign_in_admin().await;
    assert_eq!(
        admin_browser.get("/system/users").await.status(),
        StatusCode::OK
    );
    let (status, body) = api.delete(&format!("/api/v1/roles/{admin_role}")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        field_message(&body, "").as_deref(),
        Some("系统管理员角色拥有全部权限，不能删除。")
    );

    // A role in use cannot be deleted; unused, it can.
    let account_set = first_account_set_id(&api).await;
    let (status, user) = api
        .post(
            "/api/v1/users",
            json!({ "login": "kuaiji", "display_name": "会计", "password": "Kuaiji2026",
                    "role_ids": [role_id], "account_set_ids": [account_set] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = api.delete(&format!("/api/v1/roles/{role_id}")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        field_message(&body, "").as_deref(),
        Some("还有 1 个用户使用该角色，不能删除。")
    );
    let user_id = user["id"].as_i64().unwrap();
    api.put(
        &format!("/api/v1/users/{user_id}"),
        json!({ "login": "kuaiji", "display_name": "会计", "account_set_ids": [account_set] }),
    )
    .await;
    let res = admin
        .post_form(&format!("/system/roles/{role_id}/delete"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, _) = api.get(&format!("/api/v1/roles/{role_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn missing_permission_is_403_and_hidden_from_the_menu(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let account_set = first_account_set_id(&api).await;
    let (_, role) = api
        .post(
            "/api/v1/roles",
            json!({ "name": "只看部门", "permissions": ["system.department.view"] }),
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

    let (status, page) = viewer.get_text("/system/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        page.contains("您没有“用户管理”权限（system.user.manage）"),
        "{page}"
    );
    let (_, home) = viewer.get_text("/").await;
    assert!(!home.contains("href=\"/system/users\""));
    assert!(!home.contains("href=\"/system/roles\""));
    assert!(home.contains("href=\"/system/departments\""));

    // Seeing departments does not allow changing them.
    let (status, page) = viewer.get_text("/system/departments").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("id=\"new-department\""));
    let res = viewer
        .post_form("/system/departments", &[("name", "偷建")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("您没有“管理部门”权限（system.department.manage）")
    );
    let viewer_api = app.api("viewer", "Viewer2026", None).await;
    let (status, body) = viewer_api.get("/api/v1/roles").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        field_message(&body, "").as_deref(),
        Some("您没有“角色与权限”权限（system.role.manage），请联系管理员。")
    );
    for path in [
        "/system/company",
        "/system/account-sets",
        "/system/recycle-bin",
        "/system/audit",
        "/system/users/export",
        "/system/roles/export",
        "/system/account-sets/export",
        "/system/recycle-bin/export",
        "/system/audit/export",
    ] {
        assert_eq!(
            viewer.get(path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // Exporting a list needs only what seeing it needs.
    let (_, page) = viewer.get_text("/system/departments").await;
    assert!(page.contains("href=\"/system/departments/export\" id=\"export-xlsx\""));
    assert_eq!(
        viewer.get("/system/departments/export").await.status(),
        StatusCode::OK
    );
}

async fn departments_form_a_tree_without_cycles(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let admin = app.sign_in_admin().await;
    let api = app.api_admin().await;

    let (_, page) = admin.get_text("/system/departments").await;
    let nonce = form_nonce(&page);
    let res = admin
        .post_form(
            "/system/departments",
            &[
                ("form_nonce", &nonce),
                ("name", "门店"),
                ("sort_order", "1"),
                ("remarks", "一楼"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The same form again (double click) makes no second department.
    let res = admin
        .post_form(
            "/system/departments",
            &[
                ("form_nonce", &nonce),
                ("name", "门店"),
                ("sort_order", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, list) = api.get("/api/v1/departments").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let shop = list[0]["id"].as_i64().unwrap();
    assert_eq!(list[0]["remarks"], "一楼");

    let (status, front) = api
        .post(
            "/api/v1/departments",
            json!({ "name": "前台", "parent_id": shop, "sort_order": 2 }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let front = front["id"].as_i64().unwrap();
    let (_, print) = api
        .post(
            "/api/v1/departments",
            json!({ "name": "印刷", "parent_id": front }),
        )
        .await;
    let print = print["id"].as_i64().unwrap();
    let (_, list) = api.get("/api/v1/departments").await;
    let shape: Vec<(String, i64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_owned(),
                d["depth"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            ("门店".to_owned(), 0),
            ("前台".to_owned(), 1),
            ("印刷".to_owned(), 2)
        ]
    );
    let (_, page) = admin.get_text("/system/departments").await;
    assert!(
        page.contains("└ <a href=\"/system/departments/"),
        "indented"
    );

    // No cycles: not itself, not a descendant.
    let (status, body) = api
        .put(
            &format!("/api/v1/departments/{shop}"),
            json!({ "name": "门店", "parent_id": print }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "parent_id").as_deref(),
        Some("上级部门不能是本部门或它的下级部门。")
    );
    let res = admin
        .post_form(
            &format!("/system/departments/{front}"),
            &[("name", "前台"), ("parent_id", &front.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("上级部门不能是本部门或它的下级部门。"));
    let (status, body) = api
        .put(
            &format!("/api/v1/departments/{front}"),
            json!({ "name": "前台", "parent_id": 999_999 }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "parent_id").as_deref(),
        Some("请从列表中选择本账套的上级部门。")
    );

    // Names: required, at most 30, unique among siblings only.
    let (_, body) = api
        .post("/api/v1/departments", json!({ "name": " " }))
        .await;
    assert_eq!(
        field_message(&body, "name").as_deref(),
        Some("请填写部门名称。")
    );
    let (_, body) = api
        .post("/api/v1/departments", json!({ "name": "部".repeat(31) }))
        .await;
    assert_eq!(
        field_message(&body, "name").as_deref(),
        Some("最多 30 个字。")
    );
    let (status, body) = api
        .post(
            "/api/v1/departments",
            json!({ "name": "前台", "parent_id": shop }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "name").as_deref(),
        Some("同一上级部门下已有同名部门。")
    );
    let res = admin
        .post_form(
            "/system/departments",
            &[
                ("name", "前台"),
                ("parent_id", &shop.to_string()),
                ("sort_order", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("同一上级部门下已有同名部门。"));
    assert!(page.contains("value=\"前台\""), "typed name kept");
    let res = admin
        .post_form(
            "/system/departments",
            &[("name", "后期"), ("sort_order", "x")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("排序号应为整数。"));
    let (status, _) = api
        .post("/api/v1/departments", json!({ "name": "前台" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "same name at another level");
    let (status, body) = api
        .post(
            "/api/v1/departments",
            json!({ "name": "后期", "sort_order": "1" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_message(&body, "sort_order").is_some(), "{body}");

    // Moving and renaming through the page, read back.
    let res = admin
        .post_form(
            &format!("/system/departments/{print}"),
            &[
                ("name", "印刷车间"),
                ("parent_id", &shop.to_string()),
                ("sort_order", "5"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, department) = api.get(&format!("/api/v1/departments/{print}")).await;
    assert_eq!(department["name"], "印刷车间");
    assert_eq!(department["parent_id"], shop);
    assert_eq!(department["sort_order"], 5);
    let (_, page) = admin
        .get_text(&format!("/system/departments/{print}"))
        .await;
    assert!(
        page.contains("新建") && page.contains("修改"),
        "trail shown"
    );

    // A department with sub-departments or users is not deleted.
    let (status, body) = api.delete(&format!("/api/v1/departments/{shop}")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        field_message(&body, "").as_deref(),
        Some("该部门下还有 2 个下级部门，请先删除或移走它们。")
    );
    let account_set = first_account_set_id(&api).await;
    api.post(
        "/api/v1/users",
        json!({ "login": "yinshua", "display_name": "小印", "password": "Yinshua2026",
                "department_id": print, "account_set_ids": [account_set] }),
    )
    .await;
    let res = admin
        .post_form(&format!("/system/departments/{print}/delete"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("该部门还有 1 个用户，请先把他们调到其他部门。")
    );
}

async fn recycle_bin_restores_and_purges_a_department(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let admin = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let (_, department) = api
        .post("/api/v1/departments", json!({ "name": "临时组" }))
        .await;
    let id = department["id"].as_i64().unwrap();

    let res = admin
        .post_form(&format!("/system/departments/{id}/delete"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, _) = api.get(&format!("/api/v1/departments/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, page) = admin.get_text("/system/recycle-bin").await;
    assert!(page.contains(&format!("id=\"bin-department-{id}\"")));
    assert!(page.contains("临时组"));
    assert!(page.contains("会计科目"), "every kind has its group");
    let (_, bin) = api.get("/api/v1/recycle-bin").await;
    assert_eq!(bin[0]["kind"], "department");
    assert_eq!(bin[0]["id"], id);
    assert_eq!(bin[0]["deleted_by"], "王店长");

    // A live namesake blocks the restore until renamed.
    let (_, twin) = api
        .post("/api/v1/departments", json!({ "name": "临时组" }))
        .await;
    let (status, body) = api
        .post(
            &format!("/api/v1/recycle-bin/department/{id}/restore"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        field_message(&body, "").as_deref(),
        Some("已有同名（同编号）的资料，请先改名后再还原。")
    );
    api.put(
        &format!("/api/v1/departments/{}", twin["id"]),
        json!({ "name": "正式组" }),
    )
    .await;
    let res = admin
        .post_form(&format!("/system/recycle-bin/department/{id}/restore"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, department) = api.get(&format!("/api/v1/departments/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(department["name"], "临时组");

    // Unknown kinds and ids are 404.
    let (status, _) = api
        .post(
            &format!("/api/v1/recycle-bin/nothing/{id}/restore"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api.delete("/api/v1/recycle-bin/department/abc").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api
        .delete(&format!("/api/v1/recycle-bin/department/{id}"))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a live department is not in the bin"
    );

    // Delete again and purge for good.
    let (status, _) = api.delete(&format!("/api/v1/departments/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let res = admin
        .post_form(&format!("/system/recycle-bin/department/{id}/purge"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, bin) = api.get("/api/v1/recycle-bin").await;
    assert_eq!(bin, json!([]));
    let (status, _) = api
        .post(
            &format!("/api/v1/recycle-bin/department/{id}/restore"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A binned parent of a binned child cannot be purged while the child refers to it.
    let (_, parent) = api
        .post("/api/v1/departments", json!({ "name": "甲" }))
        .await;
    let (_, child) = api
        .post(
            "/api/v1/departments",
            json!({ "name": "乙", "parent_id": parent["id"] }),
        )
        .await;
    api.delete(&format!("/api/v1/departments/{}", child["id"]))
        .await;
    api.delete(&format!("/api/v1/departments/{}", parent["id"]))
        .await;
    let (status, body) = api
        .delete(&format!("/api/v1/recycle-bin/department/{}", parent["id"]))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        field_message(&body, "").as_deref(),
        Some("还有其他资料引用它，不能彻底删除。")
    );
    let (_, page) = admin.get_text("/system/audit").await;
    for action in ["删除", "还原", "彻底删除"] {
        assert!(page.contains(action), "{action} in the audit page");
    }
}

async fn account_set_b_ids_are_not_found_from_account_set_a(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api_a = app.api_admin().await;
    let (status, b) = api_a
        .post("/api/v1/account-sets", json!({ "name": "分店" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let b_id = b["id"].as_i64().unwrap();
    let api_b = app.api(ADMIN_LOGIN, ADMIN_PASSWORD, Some(b_id)).await;
    let (_, live) = api_b
        .post("/api/v1/departments", json!({ "name": "分店前台" }))
        .await;
    let live = live["id"].as_i64().unwrap();
    let (_, binned) = api_b
        .post("/api/v1/departments", json!({ "name": "分店旧部" }))
        .await;
    let binned = binned["id"].as_i64().unwrap();
    let (status, _) = api_b.delete(&format!("/api/v1/departments/{binned}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let browser_a = app.sign_in_admin().await;
    let (_, me) = api_a.get("/api/v1/me").await;
    assert_ne!(
        me["account_set_id"], b_id,
        "the probe runs in account set A"
    );
    assert_foreign_ids_are_not_found(&browser_a, &api_a, DEPARTMENT_PROBES, live).await;
    assert_foreign_ids_are_not_found(&browser_a, &api_a, BINNED_DEPARTMENT_PROBES, binned).await;

    // Nor can A point at B's department as a parent or a user's department.
    let (status, body) = api_a
        .post(
            "/api/v1/departments",
            json!({ "name": "越界", "parent_id": live }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "parent_id").as_deref(),
        Some("请从列表中选择本账套的上级部门。")
    );
    let (status, body) = api_a
        .post(
            "/api/v1/users",
            json!({ "login": "yuejie", "display_name": "越界", "password": "Yuejie2026",
                    "department_id": live, "account_set_ids": [b_id] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "department_id").as_deref(),
        Some("请从列表中选择本账套的部门。")
    );

    // B's rows are as they were.
    let (status, department) = api_b.get(&format!("/api/v1/departments/{live}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(department["name"], "分店前台");
    assert_eq!(department["sort_order"], 0);
    let (_, bin) = api_b.get("/api/v1/recycle-bin").await;
    assert_eq!(bin[0]["id"], binned);
    let (_, bin_a) = api_a.get("/api/v1/recycle-bin").await;
    assert_eq!(bin_a, json!([]));
    let (_, list_a) = api_a.get("/api/v1/departments").await;
    assert_eq!(list_a, json!([]));

    // Nor do A's exports hold B's rows.
    for path in ["/system/departments/export", "/system/recycle-bin/export"] {
        let rows = download_rows(&browser_a, path).await;
        assert_eq!(rows.len(), 1, "{path} has its header only: {rows:?}");
    }
    let trail = download_rows(&browser_a, "/system/audit/export").await;
    assert!(
        trail
            .iter()
            .flatten()
            .all(|cell| !cell.contains("分店前台") && !cell.contains("分店旧部")),
        "{trail:?}"
    );
}

async fn account_sets_and_company_are_kept(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let admin = app.sign_in_admin().await;
    let api = app.api_admin().await;

    let (_, page) = admin.get_text("/system/account-sets").await;
    assert!(page.contains("总店"));
    let nonce = form_nonce(&page);
    let res = admin
        .post_form(
            "/system/account-sets",
            &[("form_nonce", &nonce), ("name", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("请填写账套名称。"));
    for _ in 0..2 {
        let res = admin
            .post_form(
                "/system/account-sets",
                &[("form_nonce", &nonce), ("name", "二分店")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let (_, sets) = api.get("/api/v1/account-sets").await;
    let names: Vec<&str> = sets
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["总店", "二分店"]);
    assert_eq!(sets[1]["members"], json!(["王店长（admin）"]));
    let (status, body) = api
        .post("/api/v1/account-sets", json!({ "name": "二分店" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "name").as_deref(),
        Some("已有同名账套。")
    );
    let (status, body) = api
        .post("/api/v1/account-sets", json!({ "name": ["x"] }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_message(&body, "name").is_some());
    // The new account set is seeded and the admin may enter it.
    assert_eq!(
        app.count("select count(*) from ledger_accounts where code = '1122'")
            .await,
        2
    );
    let (_, page) = admin.get_text("/").await;
    assert!(page.contains(">二分店</option>"));

    // Company profile through the page and the API.
    let (status, page) = admin.get_text("/system/company").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("value=\"测试图文\""));
    let res = admin
        .post_form(
            "/system/company",
            &[
                ("name", "测试图文有限公司"),
                ("short_name", "测试"),
                ("address", "人民路 1 号"),
                ("phone", "0571-88886666"),
                ("tax_number", "91330100MA0000000X"),
                ("bank_account", "工行 6222 0000"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, company) = api.get("/api/v1/company").await;
    assert_eq!(company["name"], "测试图文有限公司");
    assert_eq!(company["tax_number"], "91330100MA0000000X");
    let res = admin
        .post_form(
            "/system/company",
            &[("name", ""), ("short_name", &"简".repeat(21))],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("请填写公司名称。"));
    assert!(page.contains("最多 20 个字。"));
    let (status, body) = api
        .put("/api/v1/company", json!({ "name": "星光", "phone": 123 }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_message(&body, "phone").is_some(), "{body}");
    let (status, body) = api
        .put(
            "/api/v1/company",
            json!({ "name": "星光图文", "phone": "123" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["name"], "星光图文");
    assert_eq!(body["address"], "");
    let (_, page) = admin.get_text("/system/audit").await;
    assert!(page.contains("公司信息") && page.contains("星光图文"));
    assert!(page.contains("账套") && page.contains("二分店"));
}

/// The exports of 组织机构's lists: each holds the rows its page shows, headed in the user's
/// language.
async fn system_lists_export_what_they_show(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let admin = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let account_set = first_account_set_id(&api).await;
    let (status, shop) = api
        .post(
            "/api/v1/departments",
            json!({ "name": "门店", "sort_order": 1, "remarks": "一楼" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{shop}");
    let (_, front) = api
        .post(
            "/api/v1/departments",
            json!({ "name": "前台", "parent_id": shop["id"], "sort_order": 2 }),
        )
        .await;
    let (_, binned) = api
        .post("/api/v1/departments", json!({ "name": "临时组" }))
        .await;
    let (status, _) = api
        .delete(&format!("/api/v1/departments/{}", binned["id"]))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, role) = api
        .post(
            "/api/v1/roles",
            json!({ "name": "会计", "description": "记账", "permissions": ["finance.journal.view"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{role}");
    for (login, name) in [("kuaiji", "小会"), ("chuna", "小出")] {
        let (status, body) = api
            .post(
                "/api/v1/users",
                json!({ "login": login, "display_name": name, "password": "Kuaiji2026",
                        "department_id": front["id"], "role_ids": [role["id"]],
                        "account_set_ids": [account_set] }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        if login == "chuna" {
            let (status, _) = api
                .post(&format!("/api/v1/users/{}/disable", body["id"]), json!({}))
                .await;
            assert_eq!(status, StatusCode::NO_CONTENT);
        }
    }
    let (status, _) = api
        .post("/api/v1/account-sets", json!({ "name": "二分店" }))
        .await;
    assert_eq!(status, StatusCode::CREATED);

    for list in [
        "users",
        "roles",
        "departments",
        "account-sets",
        "recycle-bin",
        "audit",
    ] {
        let (status, page) = admin.get_text(&format!("/system/{list}")).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert!(
            page.contains(&format!(
                "href=\"/system/{list}/export\" id=\"export-xlsx\""
            )),
            "{list} has 导出 Excel"
        );
    }

    let users = download_rows(&admin, "/system/users/export").await;
    assert_eq!(
        users[0],
        ["登录名", "姓名", "部门", "角色", "可进入的账套", "状态"]
    );
    assert_eq!(users.len(), 4, "the admin and two users: {users:?}");
    let row = |rows: &[Vec<String>], first: &str| -> Vec<String> {
        rows.iter()
            .find(|r| r[0] == first)
            .unwrap_or_else(|| panic!("no row {first} in {rows:?}"))
            .clone()
    };
    assert_eq!(
        row(&users, "kuaiji"),
        ["kuaiji", "小会", "前台", "会计", "总店", "正常"]
    );
    assert_eq!(row(&users, "chuna")[5], "已停用");

    let roles = download_rows(&admin, "/system/roles/export").await;
    assert_eq!(roles[0], ["角色名称", "说明", "权限", "用户数"]);
    assert_eq!(
        row(&roles, "会计"),
        ["会计", "记账", "查看凭证", "2"],
        "permissions by their names, users a number"
    );
    let (_, page) = admin.get_text("/system/roles").await;
    assert_eq!(
        roles.len() - 1,
        page.matches("id=\"role-row-").count(),
        "every role the page shows"
    );

    let departments = download_rows(&admin, "/system/departments/export").await;
    assert_eq!(
        departments,
        [
            vec!["部门名称", "上级部门", "排序号", "用户数", "备注"],
            vec!["门店", "", "1", "0", "一楼"],
            vec!["\u{3000}前台", "门店", "2", "2", ""],
        ],
        "the tree in page order; the binned department is not listed"
    );

    let sets = download_rows(&admin, "/system/account-sets/export").await;
    assert_eq!(sets[0], ["账套名称", "可进入的用户", "建立时间", "状态"]);
    let names: Vec<&str> = sets[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, ["总店", "二分店"]);
    assert!(sets[1][1].contains("小会（kuaiji）"), "{:?}", sets[1]);
    assert_eq!(sets[2][1], "王店长（admin）");
    assert_eq!(sets[2][3], "使用中");

    let bin = download_rows(&admin, "/system/recycle-bin/export").await;
    assert_eq!(bin[0], ["类别", "内容", "删除时间", "删除人"]);
    assert_eq!(bin.len(), 2, "only what was deleted: {bin:?}");
    assert_eq!(
        (bin[1][0].as_str(), bin[1][1].as_str(), bin[1][3].as_str()),
        ("部门管理", "临时组", "王店长"),
        "the kind as the page's heading names it"
    );
    assert!(!bin[1][2].is_empty(), "when it was deleted");

    let trail = download_rows(&admin, "/system/audit/export").await;
    assert_eq!(
        trail[0],
        ["时间", "操作人", "操作", "资料类别", "编号", "摘要"]
    );
    let deleted = trail
        .iter()
        .find(|r| r[2] == "删除" && r[3] == "部门")
        .unwrap_or_else(|| panic!("the delete is in the trail: {trail:?}"));
    assert_eq!(deleted[1], "王店长");
    assert_eq!(deleted[4], binned["id"].to_string(), "the id is a number");
    let (_, page) = admin.get_text("/system/audit").await;
    let shown = page
        .split("<tbody>")
        .nth(1)
        .unwrap_or("")
        .matches("<tr>")
        .count();
    assert_eq!(trail.len() - 1, shown, "the entries the page shows");

    // Headers follow the user's language.
    let res = admin
        .post_form("/account/locale", &[("locale", "en")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let users = download_rows(&admin, "/system/users/export").await;
    assert_eq!(
        users[0],
        [
            "Login name",
            "Name",
            "Department",
            "Roles",
            "Account sets they may enter",
            "Status"
        ]
    );
    let bin = download_rows(&admin, "/system/recycle-bin/export").await;
    assert_eq!(bin[0][0], "Kind");
}

backend_tests!(
    users_are_created_through_the_page_once_and_edited,
    users_api_checks_input_and_disables_and_resets,
    roles_hold_permissions_by_chapter,
    missing_permission_is_403_and_hidden_from_the_menu,
    departments_form_a_tree_without_cycles,
    recycle_bin_restores_and_purges_a_department,
    account_set_b_ids_are_not_found_from_account_set_a,
    account_sets_and_company_are_kept,
    system_lists_export_what_they_show,
);
