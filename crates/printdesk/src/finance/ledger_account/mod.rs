//! 会计科目 — the chart of accounts (manual 3.5), one per account set.
//!
//! Each new account set is seeded with the small-enterprise standard chart (小企业会计准则,
//! DOMAIN.md §10.7). Accounts can be added, renamed, disabled and moved to the recycle bin; an
//! account with journal lines can never be purged.

mod api;
mod pages;
pub mod rules;
pub mod service;
mod store;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::kernel::recycle_bin::RecycleKind;
use crate::kernel::web::AppState;

/// How ledger accounts go to the recycle bin. An account with journal lines can never be purged.
pub const RECYCLE_KIND: RecycleKind = RecycleKind {
    key: "ledger_account",
    table: "ledger_accounts",
    label_key: "menu.ledger_accounts",
    describe_sql: "d.code || ' ' || d.name",
    posted_sql: Some(
        "select count(*) from journal_lines where account_set_id = $1 and ledger_account_id = $2",
    ),
    stored_files_sql: None,
};

/// Pages of the chart of accounts.
pub(crate) fn router() -> Router<AppState> {
    pages::router()
}

/// `/api/v1/ledger-accounts`.
pub(crate) fn api_router() -> OpenApiRouter<AppState> {
    api::router()
}

/// The id of a ledger account (会计科目).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LedgerAccountId(pub i64);

/// The five classes of the small-enterprise chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountCategory {
    /// 资产
    Asset,
    /// 负债
    Liability,
    /// 所有者权益
    Equity,
    /// 成本
    Cost,
    /// 损益
    ProfitLoss,
}

impl AccountCategory {
    pub const ALL: [AccountCategory; 5] = [
        AccountCategory::Asset,
        AccountCategory::Liability,
        AccountCategory::Equity,
        AccountCategory::Cost,
        AccountCategory::ProfitLoss,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AccountCategory::Asset => "asset",
            AccountCategory::Liability => "liability",
            AccountCategory::Equity => "equity",
            AccountCategory::Cost => "cost",
            AccountCategory::ProfitLoss => "profit_loss",
        }
    }

    pub fn from_code(code: &str) -> Option<AccountCategory> {
        AccountCategory::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Catalog key of the category's name (资产, 负债, …).
    pub fn label_key(self) -> &'static str {
        match self {
            AccountCategory::Asset => "ledger_account.category.asset",
            AccountCategory::Liability => "ledger_account.category.liability",
            AccountCategory::Equity => "ledger_account.category.equity",
            AccountCategory::Cost => "ledger_account.category.cost",
            AccountCategory::ProfitLoss => "ledger_account.category.profit_loss",
        }
    }
}

/// Which side increases the account's balance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BalanceDirection {
    /// 借
    Debit,
    /// 贷
    Credit,
}

impl BalanceDirection {
    pub const ALL: [BalanceDirection; 2] = [BalanceDirection::Debit, BalanceDirection::Credit];

    /// Catalog key of the direction's name (借, 贷).
    pub fn label_key(self) -> &'static str {
        match self {
            BalanceDirection::Debit => "ledger_account.direction.debit",
            BalanceDirection::Credit => "ledger_account.direction.credit",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            BalanceDirection::Debit => "debit",
            BalanceDirection::Credit => "credit",
        }
    }

    pub fn from_code(code: &str) -> Option<BalanceDirection> {
        match code {
            "debit" => Some(BalanceDirection::Debit),
            "credit" => Some(BalanceDirection::Credit),
            _ => None,
        }
    }
}

/// The seeded chart: code, name, category, direction (DOMAIN.md §10.7).
pub const STANDARD_CHART: &[(&str, &str, AccountCategory, BalanceDirection)] = {
    use AccountCategory::*;
    use BalanceDirection::*;
    &[
        ("1001", "库存现金", Asset, Debit),
        ("1002", "银行存款", Asset, Debit),
        ("1012", "其他货币资金", Asset, Debit),
        ("1122", "应收账款", Asset, Debit),
        ("1123", "预付账款", Asset, Debit),
        ("1221", "其他应收款", Asset, Debit),
        ("1403", "原材料", Asset, Debit),
        ("1601", "固定资产", Asset, Debit),
        ("1602", "累计折旧", Asset, Credit),
        ("1801", "长期待摊费用", Asset, Debit),
        ("2202", "应付账款", Liability, Credit),
        ("2203", "预收账款", Liability, Credit),
        ("2211", "应付职工薪酬", Liability, Credit),
        ("2221", "应交税费", Liability, Credit),
        ("2241", "其他应付款", Liability, Credit),
        ("3001", "实收资本", Equity, Credit),
        ("3103", "本年利润", Equity, Credit),
        ("5001", "主营业务收入", ProfitLoss, Credit),
        ("5051", "其他业务收入", ProfitLoss, Credit),
        ("5401", "主营业务成本", ProfitLoss, Debit),
        ("5601", "销售费用", ProfitLoss, Debit),
        ("5602", "管理费用", ProfitLoss, Debit),
        ("5603", "财务费用", ProfitLoss, Debit),
        ("5711", "营业外支出", ProfitLoss, Debit),
    ]
};
