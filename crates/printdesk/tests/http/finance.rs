//! Tests of chapter 3 (财务管理): the chart of accounts (会计科目) and the journal (凭证), through
//! pages and API, on both backends: bad input, balances, immutability, reversal (红冲), the books
//! check, idempotent forms, the recycle bin and tenant isolation.

use printdesk::finance::journal::rules::{EntryLine, NewEntry};
use printdesk::finance::ledger_account::{LedgerAccountId, RECYCLE_KIND};
use printdesk::kernel::money::Money;
use printdesk::kernel::recycle_bin::{self, PurgeRefusal};
use printdesk::kernel::tenancy::{AccountSetId, Scope};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{Api, Backend, TestApp, field_message};

const NOT_FOUND: &str = "找不到该记录，可能已被删除或不属于当前账套。";

/// The id of the live account `code` in `account_set_id`.
async fn account_id(app: &TestApp, account_set_id: i64, code: &str) -> i64 {
    sqlx::query_scalar(
        "select id from ledger_accounts where account_set_id = $1 and code = $2 and deleted_at is null",
    )
    .bind(account_set_id)
    .bind(code)
    .fetch_one(app.db.pool())
    .await
    .expect("account id")
}

/// The account set the API client acts in.
async fn account_set_of(api: &Api) -> i64 {
    let (_, me) = api.get("/api/v1/me").await;
    me["account_set_id"].as_i64().expect("account_set_id")
}

async fn counts(app: &TestApp) -> (i64, i64) {
    (
        app.count("select count(*) from journal_entries").await,
        app.count("select count(*) from journal_lines").await,
    )
}

/// A JSON body for a two-line manual entry.
fn entry_body(memo: &str, debit_account: i64, credit_account: i64, amount: &str) -> Value {
    json!({
        "entry_date": "2026-11-25",
        "memo": memo,
        "lines": [
            { "ledger_account_id": debit_account.to_string(), "debit": amount, "memo": "现金" },
            { "ledger_account_id": credit_account.to_string(), "credit": amount },
        ],
    })
}

/// The table row of account `code` on the chart page.
fn chart_row<'a>(page: &'a str, code: &str) -> &'a str {
    let marker = format!("data-code=\"{code}\"");
    let start = page.find(&marker).expect("row of the account");
    let rest = &page[start..];
    &rest[..rest.find("</tr>").expect("end of row")]
}

async fn seeded_chart_has_the_standard_accounts(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let (status, page) = browser.get_text("/finance/ledger-accounts").await;
    assert_eq!(status, StatusCode::OK);
    for (code, name) in [
        ("1001", "库存现金"),
        ("1002", "银行存款"),
        ("1122", "应收账款"),
        ("2203", "预收账款"),
        ("2221", "应交税费"),
        ("5001", "主营业务收入"),
        ("5401", "主营业务成本"),
        ("5602", "管理费用"),
    ] {
        let row = chart_row(&page, code);
        assert!(row.contains(name), "{code} {name}: {row}");
        assert!(row.contains("0.00"), "no postings yet: {row}");
    }
    assert!(chart_row(&page, "1001").contains("资产"));
    assert!(chart_row(&page, "1001").contains(">借<"));
    assert!(chart_row(&page, "2221").contains("负债"));
    assert!(chart_row(&page, "2221").contains(">贷<"));
    assert!(chart_row(&page, "5001").contains("损益"));
    assert!(page.contains("data-shortcut=\"new\""));

    let api = app.api_admin().await;
    let (status, accounts) = api.get("/api/v1/ledger-accounts").await;
    assert_eq!(status, StatusCode::OK);
    let cash = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "1001")
        .unwrap();
    assert_eq!(cash["name"], "库存现金");
    assert_eq!(cash["category"], "asset");
    assert_eq!(cash["balance_direction"], "debit");
    assert_eq!(cash["is_active"], true);
    assert_eq!(cash["balance"], "0.00");
}

async fn accounts_are_created_edited_and_disabled(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let set_a = account_set_of(&api).await;

    // Through the page: create, then rename and disable.
    let (status, page) = browser.get_text("/finance/ledger-accounts/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("name=\"form_nonce\""));
    let res = browser
        .post_form(
            "/finance/ledger-accounts",
            &[
                ("code", "100201"),
                ("name", "工商银行"),
                ("category", "asset"),
                ("balance_direction", "debit"),
                ("form_nonce", "nonce-account-1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = account_id(&app, set_a, "100201").await;
    let (_, page) = browser.get_text("/finance/ledger-accounts").await;
    assert!(chart_row(&page, "100201").contains("工商银行"));
    let (status, page) = browser
        .get_text(&format!("/finance/ledger-accounts/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("value=\"工商银行\""));
    let res = browser
        .post_form(
            &format!("/finance/ledger-accounts/{id}"),
            &[
                ("code", "100202"),
                ("name", "工行基本户"),
                ("category", "asset"),
                ("balance_direction", "debit"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, account) = api.get(&format!("/api/v1/ledger-accounts/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(account["code"], "100202");
    assert_eq!(account["name"], "工行基本户");
    assert_eq!(account["is_active"], false, "unticked box disables");
    let (_, page) = browser.get_text("/finance/ledger-accounts").await;
    assert!(chart_row(&page, "100202").contains("已停用"));

    // A disabled account takes no postings.
    let cash = account_id(&app, set_a, "1001").await;
    let (status, body) = api
        .post(
            "/api/v1/journal-entries",
            entry_body("存款", id, cash, "10"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "lines[0].ledger_account_id").as_deref(),
        Some("科目不存在或已停用。")
    );

    // Through the API: create, change, disable.
    let (status, created) = api
        .post(
            "/api/v1/ledger-accounts",
            json!({ "code": "5604", "name": "印刷耗材", "category": "profit_loss", "balance_direction": "debit" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["code"], "5604");
    assert_eq!(created["balance"], "0.00");
    let new_id = created["id"].as_i64().unwrap();
    let (status, changed) = api
        .put(
            &format!("/api/v1/ledger-accounts/{new_id}"),
            json!({ "code": "5604", "name": "耗材费用", "category": "cost", "balance_direction": "debit", "is_active": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["name"], "耗材费用");
    assert_eq!(changed["category"], "cost");
    assert_eq!(changed["is_active"], false);

    // Bad input: each message beside its field, nothing saved.
    let before = app.count("select count(*) from ledger_accounts").await;
    let res = browser
        .post_form(
            "/finance/ledger-accounts",
            &[
                ("code", "12a"),
                ("name", "坏科目"),
                ("category", "asset"),
                ("balance_direction", "debit"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("科目编码应为 4 到 10 位数字。"));
    assert!(page.contains("value=\"坏科目\""), "typed name is kept");
    let (status, body) = api
        .post(
            "/api/v1/ledger-accounts",
            json!({ "code": "1001", "name": "重复", "category": "asset", "balance_direction": "debit" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "code").as_deref(),
        Some("该科目编码已被使用。")
    );
    let (status, body) = api
        .post(
            "/api/v1/ledger-accounts",
            json!({ "code": "1003", "name": "x", "category": "money", "balance_direction": "up" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "category").as_deref(),
        Some("请选择科目类别。")
    );
    assert_eq!(
        field_message(&body, "balance_direction").as_deref(),
        Some("请选择余额方向。")
    );
    let (status, body) = api
        .post(
            "/api/v1/ledger-accounts",
            json!({ "code": 1003, "name": "x", "category": "asset", "balance_direction": "debit" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        field_message(&body, "code")
            .unwrap()
            .starts_with("类型不对"),
        "{body}"
    );
    let (status, body) = api
        .put(
            &format!("/api/v1/ledger-accounts/{new_id}"),
            json!({ "code": "1002", "name": "耗材费用", "category": "cost", "balance_direction": "debit", "is_active": true }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "code").as_deref(),
        Some("该科目编码已被使用。")
    );
    assert_eq!(
        app.count("select count(*) from ledger_accounts").await,
        before
    );

    // A code held by an account in the recycle bin is still taken.
    let (status, _) = api
        .delete(&format!("/api/v1/ledger-accounts/{new_id}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = api
        .post(
            "/api/v1/ledger-accounts",
            json!({ "code": "5604", "name": "耗材", "category": "cost", "balance_direction": "debit" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "code").as_deref(),
        Some("该科目编码已被回收站中的科目占用，请先恢复或彻底删除它。")
    );

    // The same form nonce creates one account.
    let res = browser
        .post_form(
            "/finance/ledger-accounts",
            &[
                ("code", "100203"),
                ("name", "建设银行"),
                ("category", "asset"),
                ("balance_direction", "debit"),
                ("form_nonce", "nonce-account-1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("select count(*) from ledger_accounts where code = '100203'")
            .await,
        0,
        "a repeated nonce creates nothing new"
    );
}

async fn manual_entries_post_and_show_balances(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let set_a = account_set_of(&api).await;
    let cash = account_id(&app, set_a, "1001").await;
    let income = account_id(&app, set_a, "5001").await;
    let bank = account_id(&app, set_a, "1002").await;

    // Through the API.
    let (status, entry) = api
        .post(
            "/api/v1/journal-entries",
            entry_body("收名片款", cash, income, "100.5"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    assert_eq!(entry["entry_no"], 1);
    assert_eq!(entry["total"], "100.50");
    let id = entry["id"].as_i64().unwrap();
    let (status, read) = api.get(&format!("/api/v1/journal-entries/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["memo"], "收名片款");
    assert_eq!(read["entry_date"], "2026-11-25");
    assert_eq!(read["source_kind"], "manual");
    assert_eq!(read["created_by"], "王店长");
    assert_eq!(read["lines"][0]["account_code"], "1001");
    assert_eq!(read["lines"][0]["debit"], "100.50");
    assert_eq!(read["lines"][0]["credit"], "0.00");
    assert_eq!(read["lines"][0]["memo"], "现金");
    assert_eq!(read["lines"][1]["account_code"], "5001");
    assert_eq!(read["lines"][1]["credit"], "100.50");

    // Through the page: blank rows are ignored.
    let (status, page) = browser.get_text("/finance/journal/new").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.matches("name=\"line_account\"").count(), 4);
    assert!(page.contains("1001 库存现金"));
    let cash_text = cash.to_string();
    let bank_text = bank.to_string();
    let res = browser
        .post_form(
            "/finance/journal/new",
            &[
                ("entry_date", "2026-11-26"),
                ("memo", "现金存银行"),
                ("form_nonce", "nonce-entry-page"),
                ("line_account", ""),
                ("line_debit", ""),
                ("line_credit", ""),
                ("line_memo", ""),
                ("line_account", &bank_text),
                ("line_debit", "60"),
                ("line_credit", ""),
                ("line_memo", "存入"),
                ("line_account", &cash_text),
                ("line_debit", ""),
                ("line_credit", "60.00"),
                ("line_memo", ""),
                ("line_account", ""),
                ("line_debit", ""),
                ("line_credit", ""),
                ("line_memo", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/finance/journal/"), "{location}");
    let (status, page) = browser.get_text(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("凭证 #2"));
    assert!(page.contains("现金存银行"));
    assert!(page.contains("1002 银行存款"));
    assert!(page.contains("60.00"));
    assert!(page.contains("王店长"));
    assert!(page.contains("录入"), "audit trail lists the creation");

    let (status, page) = browser.get_text("/finance/journal").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("#1") && page.contains("#2"));
    assert!(page.contains("收名片款"));
    assert!(page.contains("手工凭证"));
    let (status, list) = api.get("/api/v1/journal-entries?per_page=1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["entry_no"], 2, "newest first");

    // Balances: 1001 = 100.50 − 60 on the debit side; 5001 = 100.50 on the credit side.
    let (_, page) = browser.get_text("/finance/ledger-accounts").await;
    assert!(chart_row(&page, "1001").contains("40.50"));
    assert!(chart_row(&page, "1002").contains("60.00"));
    assert!(chart_row(&page, "5001").contains("100.50"));
    let (_, account) = api.get(&format!("/api/v1/ledger-accounts/{income}")).await;
    assert_eq!(account["balance"], "100.50");
}

async fn bad_entries_save_nothing(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let set_a = account_set_of(&api).await;
    let cash = account_id(&app, set_a, "1001").await;
    let income = account_id(&app, set_a, "5001").await;
    let before = counts(&app).await;

    let body = json!({
        "entry_date": "2026-11-25",
        "memo": "收款",
        "lines": [
            { "ledger_account_id": cash.to_string(), "debit": "100" },
            { "ledger_account_id": income.to_string(), "credit": "99.99" },
        ],
    });
    let (status, res) = api.post("/api/v1/journal-entries", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&res, "lines").as_deref(),
        Some("借贷不平：借方 100.00，贷方 99.99。")
    );
    assert_eq!(counts(&app).await, before, "nothing saved");

    let cash_text = cash.to_string();
    let income_text = income.to_string();
    let res = browser
        .post_form(
            "/finance/journal/new",
            &[
                ("entry_date", "2026-11-25"),
                ("memo", "收款"),
                ("line_account", &cash_text),
                ("line_debit", "100"),
                ("line_credit", ""),
                ("line_memo", ""),
                ("line_account", &income_text),
                ("line_debit", ""),
                ("line_credit", "99.99"),
                ("line_memo", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("借贷不平：借方 100.00，贷方 99.99。"));
    assert!(page.contains("value=\"99.99\""), "typed amounts are kept");
    assert!(page.contains("value=\"收款\""));

    // Row errors, missing date and memo.
    let res = browser
        .post_form(
            "/finance/journal/new",
            &[
                ("entry_date", "25/11/2026"),
                ("memo", ""),
                ("line_account", &cash_text),
                ("line_debit", "abc"),
                ("line_credit", ""),
                ("line_account", &income_text),
                ("line_debit", "5"),
                ("line_credit", "5"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("请填写日期，如 2026-11-25。"));
    assert!(page.contains("请填写摘要。"));
    assert!(page.contains("请填写金额，如 12.50。"));
    assert_eq!(counts(&app).await, before, "nothing saved");

    // An account of another account set is "no such account", and nothing is saved.
    let other_set = second_account_set(&app).await;
    let foreign = account_id(&app, other_set, "5001").await;
    let (status, res) = api
        .post(
            "/api/v1/journal-entries",
            entry_body("串账", cash, foreign, "10"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&res, "lines[1].ledger_account_id").as_deref(),
        Some("科目不存在或已停用。")
    );
    assert_eq!(counts(&app).await, before, "nothing saved");

    // Wrong JSON types are named by path.
    let (status, res) = api
        .post(
            "/api/v1/journal-entries",
            json!({ "entry_date": "2026-11-25", "memo": "x", "lines": [{ "ledger_account_id": cash, "debit": "1" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        field_message(&res, "lines[0].ledger_account_id")
            .unwrap()
            .starts_with("类型不对")
    );
}

async fn posted_entries_are_immutable(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let set_a = account_set_of(&api).await;
    let cash = account_id(&app, set_a, "1001").await;
    let income = account_id(&app, set_a, "5001").await;
    let (status, _) = api
        .post(
            "/api/v1/journal-entries",
            entry_body("收款", cash, income, "50"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let update = sqlx::query("update journal_lines set debit = 1")
        .execute(app.db.pool())
        .await;
    assert!(update.is_err(), "lines cannot be changed");
    let delete = sqlx::query("delete from journal_entries")
        .execute(app.db.pool())
        .await;
    assert!(delete.is_err(), "entries cannot be deleted");
    let delete = sqlx::query("delete from journal_lines")
        .execute(app.db.pool())
        .await;
    assert!(delete.is_err(), "lines cannot be deleted");
    assert_eq!(counts(&app).await, (1, 2));
    assert_eq!(
        app.count("select cast(coalesce(sum(debit), 0) as bigint) from journal_lines")
            .await,
        500_000
    );
}

async fn reversal_mirrors_once_and_books_are_checked(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let set_a = account_set_of(&api).await;
    let cash = account_id(&app, set_a, "1001").await;
    let income = account_id(&app, set_a, "5001").await;
    let (_, entry) = api
        .post(
            "/api/v1/journal-entries",
            entry_body("收款", cash, income, "80"),
        )
        .await;
    let id = entry["id"].as_i64().unwrap();

    let (status, reversal) = api
        .post(
            &format!("/api/v1/journal-entries/{id}/reverse"),
            json!({ "entry_date": "2026-11-30" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reversal}");
    assert_eq!(reversal["source_kind"], "reversal");
    assert_eq!(reversal["reversal_of"], id);
    assert_eq!(reversal["entry_date"], "2026-11-30");
    assert_eq!(reversal["lines"][0]["account_code"], "1001");
    assert_eq!(reversal["lines"][0]["credit"], "80.00");
    assert_eq!(reversal["lines"][1]["account_code"], "5001");
    assert_eq!(reversal["lines"][1]["debit"], "80.00");
    let reversal_id = reversal["id"].as_i64().unwrap();
    let (_, original) = api.get(&format!("/api/v1/journal-entries/{id}")).await;
    assert_eq!(original["reversed_by"], reversal_id);

    let (status, body) = api
        .post(
            &format!("/api/v1/journal-entries/{id}/reverse"),
            json!({ "entry_date": "2026-11-30" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        field_message(&body, "").as_deref(),
        Some("该凭证已经红冲过了。")
    );
    let (status, body) = api
        .post(
            &format!("/api/v1/journal-entries/{reversal_id}/reverse"),
            json!({ "entry_date": "2026-11-30" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        field_message(&body, "").as_deref(),
        Some("红冲凭证不能再红冲。")
    );
    let res = browser
        .post_form(
            &format!("/finance/journal/{id}/reverse"),
            &[("entry_date", "2026-11-30")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("该凭证已经红冲过了。"));
    assert_eq!(counts(&app).await, (2, 4));

    // The pages link the pair; the balances are back to zero.
    let (_, page) = browser.get_text(&format!("/finance/journal/{id}")).await;
    assert!(page.contains("已被 #2 红冲"));
    assert!(
        !page.contains("/reverse\""),
        "no reverse button on a reversed entry"
    );
    let (_, page) = browser
        .get_text(&format!("/finance/journal/{reversal_id}"))
        .await;
    assert!(page.contains("红冲 #1"));
    let (_, page) = browser.get_text("/finance/ledger-accounts").await;
    assert!(chart_row(&page, "1001").contains("0.00"));

    // Reversing through the page.
    let (_, second) = api
        .post(
            "/api/v1/journal-entries",
            entry_body("再收款", cash, income, "20"),
        )
        .await;
    let second_id = second["id"].as_i64().unwrap();
    let (_, page) = browser
        .get_text(&format!("/finance/journal/{second_id}"))
        .await;
    assert!(page.contains(&format!("/finance/journal/{second_id}/reverse")));
    let res = browser
        .post_form(
            &format!("/finance/journal/{second_id}/reverse"),
            &[("entry_date", "2026-12-01")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(counts(&app).await, (4, 8));

    let problems = printdesk::finance::journal::service::check_books(&app.db)
        .await
        .unwrap();
    assert!(problems.is_empty(), "{problems:?}");

    // A broken entry slipped in behind the app's back is named by the check.
    let broken_id: i64 = sqlx::query_scalar(
        r#"insert into journal_entries (account_set_id, entry_no, entry_date, memo, source_kind, created_at)
           values ($1, 9999, '2026-11-25', '坏凭证', 'manual', '2026-11-25T00:00:00.000Z') returning id"#,
    )
    .bind(set_a)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    sqlx::query(
        r#"insert into journal_lines (account_set_id, entry_id, line_no, ledger_account_id, debit, credit, memo)
           values ($1, $2, 1, $3, 10000, 0, '')"#,
    )
    .bind(set_a)
    .bind(broken_id)
    .bind(cash)
    .execute(app.db.pool())
    .await
    .unwrap();
    let problems = printdesk::finance::journal::service::check_books(&app.db)
        .await
        .unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("journal entry #9999 does not balance"),
        "{problems:?}"
    );
}

async fn same_form_nonce_posts_one_entry(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let set_a = account_set_of(&api).await;
    let cash = account_id(&app, set_a, "1001").await.to_string();
    let income = account_id(&app, set_a, "5001").await.to_string();
    let (_, page) = browser.get_text("/finance/journal/new").await;
    let marker = "name=\"form_nonce\" value=\"";
    let start = page.find(marker).unwrap() + marker.len();
    let nonce = page[start..start + page[start..].find('"').unwrap()].to_owned();
    let fields = [
        ("entry_date", "2026-11-25"),
        ("memo", "收款"),
        ("form_nonce", nonce.as_str()),
        ("line_account", cash.as_str()),
        ("line_debit", "30"),
        ("line_credit", ""),
        ("line_account", income.as_str()),
        ("line_debit", ""),
        ("line_credit", "30"),
    ];
    let first = browser.post_form("/finance/journal/new", &fields).await;
    let second = browser.post_form("/finance/journal/new", &fields).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(second.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        first.headers()["location"],
        second.headers()["location"],
        "the repeat shows the entry the first created"
    );
    assert_eq!(counts(&app).await, (1, 2));

    let mut body = entry_body(
        "API 收款",
        cash.parse().unwrap(),
        income.parse().unwrap(),
        "5",
    );
    body["form_nonce"] = json!("api-nonce-1");
    let (status, one) = api.post("/api/v1/journal-entries", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, two) = api.post("/api/v1/journal-entries", body).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(one["id"], two["id"]);
    assert_eq!(counts(&app).await, (2, 4));
}

/// Creates account set 分店 with its seeded chart, as the operator would.
async fn second_account_set(app: &TestApp) -> i64 {
    let mut tx = app.db.begin_write().await.unwrap();
    let id = printdesk::system::account_set::service::create_account_set(&mut tx, "分店", "name")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id.0
}

async fn another_account_sets_ids_are_not_found(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let set_b = second_account_set(&app).await;
    let b_cash = account_id(&app, set_b, "1001").await;
    let b_income = account_id(&app, set_b, "5001").await;
    let b_unused = account_id(&app, set_b, "5603").await;
    let scope_b = Scope::for_operator_task(AccountSetId(set_b));
    let entry = NewEntry::parse(
        "2026-11-25",
        "分店收款",
        "manual",
        None,
        vec![
            EntryLine {
                ledger_account_id: LedgerAccountId(b_cash),
                debit: Money::parse("70").unwrap(),
                credit: Money::ZERO,
                memo: String::new(),
            },
            EntryLine {
                ledger_account_id: LedgerAccountId(b_income),
                debit: Money::ZERO,
                credit: Money::parse("70").unwrap(),
                memo: String::new(),
            },
        ],
    )
    .unwrap();
    let mut tx = app.db.begin_write().await.unwrap();
    let b_entry = printdesk::finance::journal::service::post(&mut tx, &scope_b, None, &entry)
        .await
        .unwrap()
        .0;
    tx.commit().await.unwrap();
    let before = counts(&app).await;

    for path in [
        format!("/finance/ledger-accounts/{b_cash}"),
        format!("/finance/journal/{b_entry}"),
    ] {
        let (status, page) = browser.get_text(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "GET {path}");
        assert!(page.contains(NOT_FOUND), "GET {path}");
    }
    let account_form = [
        ("code", "1001"),
        ("name", "偷改"),
        ("category", "asset"),
        ("balance_direction", "debit"),
        ("is_active", "1"),
    ];
    for (path, fields) in [
        (
            format!("/finance/ledger-accounts/{b_cash}"),
            &account_form[..],
        ),
        (
            format!("/finance/ledger-accounts/{b_unused}/delete"),
            &[][..],
        ),
        (
            format!("/finance/journal/{b_entry}/reverse"),
            &[("entry_date", "2026-11-30")][..],
        ),
    ] {
        let res = browser.post_form(&path, fields).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "POST {path}");
    }
    for path in [
        format!("/api/v1/ledger-accounts/{b_cash}"),
        format!("/api/v1/journal-entries/{b_entry}"),
    ] {
        let (status, body) = api.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "GET {path}");
        assert_eq!(field_message(&body, "").as_deref(), Some(NOT_FOUND));
    }
    let (status, _) = api
        .put(
            &format!("/api/v1/ledger-accounts/{b_cash}"),
            json!({ "code": "1001", "name": "偷改", "category": "asset", "balance_direction": "debit", "is_active": false }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api
        .delete(&format!("/api/v1/ledger-accounts/{b_unused}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api
        .post(
            &format!("/api/v1/journal-entries/{b_entry}/reverse"),
            json!({ "entry_date": "2026-11-30" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = api.get("/api/v1/journal-entries").await;
    assert_eq!(list["total"], 0, "B's entry is not listed in A");

    // B is untouched.
    assert_eq!(counts(&app).await, before);
    let (name, is_active, deleted): (String, i64, Option<String>) = sqlx::query_as(
        "select name, cast(is_active as bigint), deleted_at from ledger_accounts where account_set_id = $1 and id = $2",
    )
    .bind(set_b)
    .bind(b_cash)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!((name.as_str(), is_active, deleted), ("库存现金", 1, None));
    let unused_deleted: Option<String> = sqlx::query_scalar(
        "select deleted_at from ledger_accounts where account_set_id = $1 and id = $2",
    )
    .bind(set_b)
    .bind(b_unused)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(unused_deleted, None);
    let problems = printdesk::finance::journal::service::check_books(&app.db)
        .await
        .unwrap();
    assert!(problems.is_empty(), "{problems:?}");
}

async fn accounts_with_postings_are_never_deleted(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let browser = app.sign_in_admin().await;
    let api = app.api_admin().await;
    let set_a = account_set_of(&api).await;
    let cash = account_id(&app, set_a, "1001").await;
    let income = account_id(&app, set_a, "5001").await;
    let unused = account_id(&app, set_a, "5603").await;
    let unused_too = account_id(&app, set_a, "5711").await;
    let (status, _) = api
        .post(
            "/api/v1/journal-entries",
            entry_body("收款", cash, income, "10"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let res = browser
        .post_form(&format!("/finance/ledger-accounts/{cash}/delete"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("该科目已有凭证，不能删除，可停用")
    );
    let (status, body) = api
        .delete(&format!("/api/v1/ledger-accounts/{income}"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        field_message(&body, "").as_deref(),
        Some("该科目已有凭证，不能删除，可停用。")
    );
    // Its code is fixed too, but it can be renamed and disabled.
    let (status, body) = api
        .put(
            &format!("/api/v1/ledger-accounts/{income}"),
            json!({ "code": "5009", "name": "主营业务收入", "category": "profit_loss", "balance_direction": "credit", "is_active": true }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_message(&body, "code").as_deref(),
        Some("该科目已有凭证，不能修改编码。")
    );
    let (status, _) = api
        .put(
            &format!("/api/v1/ledger-accounts/{income}"),
            json!({ "code": "5001", "name": "营业收入", "category": "profit_loss", "balance_direction": "credit", "is_active": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Unused accounts go to the bin, from the page and the API.
    let res = browser
        .post_form(&format!("/finance/ledger-accounts/{unused}/delete"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, _) = api
        .delete(&format!("/api/v1/ledger-accounts/{unused_too}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.count("select count(*) from ledger_accounts where code in ('5603', '5711') and deleted_at is not null")
            .await,
        2
    );
    let (_, page) = browser.get_text("/finance/ledger-accounts").await;
    assert!(
        !page.contains("data-code=\"5603\""),
        "binned account not listed"
    );
    let (status, _) = api.get(&format!("/api/v1/ledger-accounts/{unused}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Purging: allowed for the unused account, refused for one with postings even if it
    // somehow reached the bin.
    sqlx::query("update ledger_accounts set deleted_at = '2026-11-25T00:00:00.000Z' where id = $1")
        .bind(cash)
        .execute(app.db.pool())
        .await
        .unwrap();
    let scope = Scope::for_operator_task(AccountSetId(set_a));
    let mut tx = app.db.begin_write().await.unwrap();
    let refused = recycle_bin::purge(&mut tx, &scope, &RECYCLE_KIND, cash, app.db.for_update())
        .await
        .unwrap();
    assert_eq!(refused, Err(PurgeRefusal::MoneyPosted));
    let purged = recycle_bin::purge(&mut tx, &scope, &RECYCLE_KIND, unused, app.db.for_update())
        .await
        .unwrap();
    assert_eq!(purged, Ok(recycle_bin::Purged::default()));
    tx.commit().await.unwrap();
    assert_eq!(
        app.count("select count(*) from ledger_accounts where code = '5603'")
            .await,
        0
    );
    assert_eq!(
        app.count("select count(*) from ledger_accounts where code = '1001'")
            .await,
        1
    );
}

/// Downloads an export and returns its first sheet as text rows.
async fn export_rows(browser: &crate::harness::Browser, path: &str) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let res = browser.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut workbook: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = workbook.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::String(text) => text.clone(),
                    Data::Float(value) => value.to_string(),
                    Data::Int(value) => value.to_string(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect()
}

async fn chart_and_journal_export_to_excel(backend: Backend) {
    let app = TestApp::with_setup(backend).await;
    let api = app.api_admin().await;
    let set_a = account_set_of(&api).await;
    let cash = account_id(&app, set_a, "1001").await;
    let income = account_id(&app, set_a, "5001").await;
    let (status, entry) = api
        .post(
            "/api/v1/journal-entries",
            entry_body("收名片款", cash, income, "100.5"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    let browser = app.sign_in_admin().await;
    let (_, page) = browser.get_text("/finance/journal").await;
    assert!(page.contains("/finance/journal/export"));

    let journal = export_rows(&browser, "/finance/journal/export").await;
    assert_eq!(journal[0][0], "凭证号");
    assert_eq!(
        journal.len(),
        3,
        "header and the entry's two lines: {journal:?}"
    );
    assert_eq!(
        (
            journal[1][3].as_str(),
            journal[1][5].as_str(),
            journal[1][6].as_str()
        ),
        ("1001", "100.5", "")
    );
    assert_eq!(
        (
            journal[2][3].as_str(),
            journal[2][5].as_str(),
            journal[2][6].as_str()
        ),
        ("5001", "", "100.5")
    );

    let chart = export_rows(&browser, "/finance/ledger-accounts/export").await;
    let cash_row = chart.iter().find(|row| row[0] == "1001").unwrap();
    assert_eq!(
        (cash_row[1].as_str(), cash_row[5].as_str()),
        ("库存现金", "100.5")
    );
    assert!(
        chart
            .iter()
            .any(|row| row[0] == "5001" && row[5] == "100.5"),
        "income on its credit side"
    );
}

backend_tests!(
    chart_and_journal_export_to_excel,
    seeded_chart_has_the_standard_accounts,
    accounts_are_created_edited_and_disabled,
    manual_entries_post_and_show_balances,
    bad_entries_save_nothing,
    posted_entries_are_immutable,
    reversal_mirrors_once_and_books_are_checked,
    same_form_nonce_posts_one_entry,
    another_account_sets_ids_are_not_found,
    accounts_with_postings_are_never_deleted,
);
