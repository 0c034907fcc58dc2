//! 前台设置 (manual 5.5.1 其他, 管理费, 税率, 任务设置): the front-desk defaults of an account set,
//! stored as `order.*` rows of the `settings` table. A missing or unreadable row keeps its default,
//! so a new account set works at once and these defaults are the seed.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::kernel::cache;
use crate::kernel::db::{Db, StoreResult, Tx};
use crate::kernel::error::FieldErrors;
use crate::kernel::i18n::Message;
use crate::kernel::money::{Money, parse_decimal};
use crate::kernel::tenancy::Scope;
use crate::system::product::rules::ManagementFee;

/// 抹零: what the order total is rounded down to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundOffRule {
    None,
    /// To the 角 (0.10).
    Jiao,
    /// To the yuan (1.00).
    Yuan,
}

impl RoundOffRule {
    pub const ALL: [RoundOffRule; 3] = [RoundOffRule::None, RoundOffRule::Jiao, RoundOffRule::Yuan];

    pub fn code(self) -> &'static str {
        match self {
            RoundOffRule::None => "none",
            RoundOffRule::Jiao => "jiao",
            RoundOffRule::Yuan => "yuan",
        }
    }

    pub fn from_code(code: &str) -> Option<RoundOffRule> {
        RoundOffRule::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The unit the total is rounded down to; zero for none.
    pub fn unit(self) -> Money {
        match self {
            RoundOffRule::None => Money::ZERO,
            RoundOffRule::Jiao => Money::from_scaled(1_000),
            RoundOffRule::Yuan => Money::from_scaled(10_000),
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            RoundOffRule::None => "order_settings.round_off.none",
            RoundOffRule::Jiao => "order_settings.round_off.jiao",
            RoundOffRule::Yuan => "order_settings.round_off.yuan",
        }
    }
}

/// 任务设置: when an order's processes become tasks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskRelease {
    /// On 审核 (the default): a draft can still change freely.
    OnApprove,
    /// As soon as the order is saved: for shops that print first and check later.
    OnSave,
}

impl TaskRelease {
    pub fn code(self) -> &'static str {
        match self {
            TaskRelease::OnApprove => "approve",
            TaskRelease::OnSave => "save",
        }
    }

    pub fn from_code(code: &str) -> Option<TaskRelease> {
        match code {
            "approve" => Some(TaskRelease::OnApprove),
            "save" => Some(TaskRelease::OnSave),
            _ => None,
        }
    }
}

/// The highest artwork size limit 前台设置 accepts, in MB: the hard ceiling of a streamed upload
/// (`kernel::spool::MAX_SPOOLED_BYTES`, 1 GiB).
pub const MAX_UPLOAD_MB: u32 = 1024;
const _: () = assert!(
    MAX_UPLOAD_MB as u64 * 1024 * 1024 == crate::kernel::spool::MAX_SPOOLED_BYTES,
    "the settings' ceiling is the spool's"
);

/// The artwork size limit of an account set that has not chosen one, in MB. Large-format print
/// files run to tens of MB; uploads are streamed to disk (`kernel::spool`), never held whole in
/// memory, so the default takes most of them without a trip to 前台设置.
pub const DEFAULT_UPLOAD_MB: u32 = 100;

/// The front-desk settings of an account set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderSettings {
    /// Order numbers read prefix + YYYYMMDD + four-digit sequence: `DD202611250001`.
    pub number_prefix: String,
    /// Whether an order needs a customer (no walk-in 散客 orders).
    pub require_customer: bool,
    /// The due time a new order gets: now plus this many hours.
    pub default_due_hours: i64,
    /// Whether a clerk with the permission may override a computed price at all.
    pub allow_price_override: bool,
    /// 80 or 58 (mm), the default receipt.
    pub receipt_width: u32,
    pub management_fee: ManagementFee,
    /// Prices include tax (walk-in shops) or tax is added on top.
    pub tax_inclusive: bool,
    /// The tax rate a new order starts with, in percent.
    pub default_tax_rate: Decimal,
    pub round_off: RoundOffRule,
    pub task_release: TaskRelease,
    /// 图片识别: DPI assumed for images that carry none.
    pub default_dpi: u32,
    /// 图片识别: largest artwork file accepted, in MB, 1 to [`MAX_UPLOAD_MB`]. Uploads are
    /// streamed to disk (`kernel::spool`), so this limit, not memory, decides what is accepted.
    pub max_upload_mb: u32,
}

impl Default for OrderSettings {
    fn default() -> OrderSettings {
        OrderSettings {
            number_prefix: "DD".to_owned(),
            require_customer: false,
            default_due_hours: 24,
            allow_price_override: true,
            receipt_width: 80,
            management_fee: ManagementFee::None,
            tax_inclusive: true,
            default_tax_rate: Decimal::ZERO,
            round_off: RoundOffRule::None,
            task_release: TaskRelease::OnApprove,
            default_dpi: 72,
            max_upload_mb: DEFAULT_UPLOAD_MB,
        }
    }
}

/// The form and API input of the settings, as raw text.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OrderSettingsInput {
    pub number_prefix: String,
    /// "1" or "on" for yes.
    pub require_customer: String,
    pub default_due_hours: String,
    pub allow_price_override: String,
    /// "80" or "58".
    pub receipt_width: String,
    /// `none`, `percent` or `fixed`.
    pub management_fee_kind: String,
    pub management_fee_value: String,
    pub tax_inclusive: String,
    pub default_tax_rate: String,
    /// `none`, `jiao` or `yuan`.
    pub round_off: String,
    /// `approve` or `save`.
    pub task_release: String,
    pub default_dpi: String,
    pub max_upload_mb: String,
}

fn yes(text: &str) -> bool {
    matches!(text.trim(), "1" | "on" | "true" | "yes")
}

impl OrderSettings {
    /// Reads the stored rows over the defaults.
    pub fn from_rows(rows: &HashMap<String, String>) -> OrderSettings {
        let mut s = OrderSettings::default();
        let get = |key: &str| rows.get(key).map(|v| v.trim().to_owned());
        if let Some(v) = get("order.number_prefix") {
            s.number_prefix = v;
        }
        if let Some(v) = get("order.require_customer") {
            s.require_customer = yes(&v);
        }
        if let Some(v) = get("order.default_due_hours").and_then(|v| v.parse().ok()) {
            s.default_due_hours = v;
        }
        if let Some(v) = get("order.allow_price_override") {
            s.allow_price_override = yes(&v);
        }
        if let Some(v) = get("order.receipt_width").and_then(|v| v.parse().ok()) {
            s.receipt_width = v;
        }
        let fee_value = get("order.management_fee_value").unwrap_or_default();
        s.management_fee = match get("order.management_fee_kind").as_deref() {
            Some("percent") => parse_decimal(&fee_value)
                .map(ManagementFee::Percent)
                .unwrap_or(ManagementFee::None),
            Some("fixed") => Money::parse(&fee_value)
                .map(ManagementFee::Fixed)
                .unwrap_or(ManagementFee::None),
            _ => ManagementFee::None,
        };
        if let Some(v) = get("order.tax_inclusive") {
            s.tax_inclusive = yes(&v);
        }
        if let Some(v) = get("order.default_tax_rate").and_then(|v| parse_decimal(&v).ok()) {
            s.default_tax_rate = v;
        }
        if let Some(v) = get("order.round_off").and_then(|v| RoundOffRule::from_code(&v)) {
            s.round_off = v;
        }
        if let Some(v) = get("order.task_release").and_then(|v| TaskRelease::from_code(&v)) {
            s.task_release = v;
        }
        if let Some(v) = get("order.default_dpi").and_then(|v| v.parse().ok()) {
            s.default_dpi = v;
        }
        if let Some(v) = get("order.max_upload_mb").and_then(|v| v.parse::<u32>().ok()) {
            s.max_upload_mb = v.min(MAX_UPLOAD_MB);
        }
        s
    }

    /// The rows to store, as (key, value).
    pub fn to_rows(&self) -> Vec<(&'static str, String)> {
        let flag = |b: bool| if b { "1" } else { "0" }.to_owned();
        let (fee_kind, fee_value) = match self.management_fee {
            ManagementFee::None => ("none", String::new()),
            ManagementFee::Percent(p) => ("percent", p.normalize().to_string()),
            ManagementFee::Fixed(m) => ("fixed", m.to_string()),
        };
        vec![
            ("order.number_prefix", self.number_prefix.clone()),
            ("order.require_customer", flag(self.require_customer)),
            (
                "order.default_due_hours",
                self.default_due_hours.to_string(),
            ),
            (
                "order.allow_price_override",
                flag(self.allow_price_override),
            ),
            ("order.receipt_width", self.receipt_width.to_string()),
            ("order.management_fee_kind", fee_kind.to_owned()),
            ("order.management_fee_value", fee_value),
            ("order.tax_inclusive", flag(self.tax_inclusive)),
            (
                "order.default_tax_rate",
                self.default_tax_rate.normalize().to_string(),
            ),
            ("order.round_off", self.round_off.code().to_owned()),
            ("order.task_release", self.task_release.code().to_owned()),
            ("order.default_dpi", self.default_dpi.to_string()),
            ("order.max_upload_mb", self.max_upload_mb.to_string()),
        ]
    }

    /// Parses the settings form; every bad field is named.
    pub fn parse(input: &OrderSettingsInput) -> Result<OrderSettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let prefix = input.number_prefix.trim().to_owned();
        if prefix.chars().count() > 6
            || !prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            errors.add(
                "number_prefix",
                Message::new("order_settings.prefix_invalid"),
            );
        }
        let whole =
            |field: &'static str, text: &str, min: i64, max: i64, errors: &mut FieldErrors| {
                match text.trim().parse::<i64>() {
                    Ok(v) if (min..=max).contains(&v) => v,
                    _ => {
                        errors.add(
                            field,
                            Message::new("order_settings.number_between")
                                .arg("min", min)
                                .arg("max", max),
                        );
                        0
                    }
                }
            };
        let due = whole(
            "default_due_hours",
            &input.default_due_hours,
            0,
            24 * 60,
            &mut errors,
        );
        let width = match input.receipt_width.trim() {
            "58" => 58,
            "80" => 80,
            _ => {
                errors.add(
                    "receipt_width",
                    Message::new("order_settings.receipt_width_invalid"),
                );
                80
            }
        };
        let fee_value = input.management_fee_value.trim();
        let management_fee = match input.management_fee_kind.trim() {
            "" | "none" => ManagementFee::None,
            "percent" => match parse_decimal(fee_value) {
                Ok(p) if p >= Decimal::ZERO && p <= Decimal::from(100) => ManagementFee::Percent(p),
                _ => {
                    errors.add(
                        "management_fee_value",
                        Message::new("order_settings.percent_invalid"),
                    );
                    ManagementFee::None
                }
            },
            "fixed" => match Money::parse(fee_value) {
                Ok(m) if !m.is_negative() => ManagementFee::Fixed(m),
                _ => {
                    errors.add(
                        "management_fee_value",
                        Message::new("order_settings.amount_invalid"),
                    );
                    ManagementFee::None
                }
            },
            _ => {
                errors.add(
                    "management_fee_kind",
                    Message::new("order_settings.choice_invalid"),
                );
                ManagementFee::None
            }
        };
        let rate = match parse_decimal(input.default_tax_rate.trim()) {
            Ok(r) if r >= Decimal::ZERO && r <= Decimal::from(100) => r,
            _ => {
                errors.add(
                    "default_tax_rate",
                    Message::new("order_settings.percent_invalid"),
                );
                Decimal::ZERO
            }
        };
        let round_off = RoundOffRule::from_code(input.round_off.trim()).unwrap_or_else(|| {
            errors.add("round_off", Message::new("order_settings.choice_invalid"));
            RoundOffRule::None
        });
        let task_release = TaskRelease::from_code(input.task_release.trim()).unwrap_or_else(|| {
            errors.add(
                "task_release",
                Message::new("order_settings.choice_invalid"),
            );
            TaskRelease::OnApprove
        });
        let dpi = whole("default_dpi", &input.default_dpi, 36, 2400, &mut errors);
        let max_mb = whole(
            "max_upload_mb",
            &input.max_upload_mb,
            1,
            i64::from(MAX_UPLOAD_MB),
            &mut errors,
        );
        errors.into_result(OrderSettings {
            number_prefix: prefix,
            require_customer: yes(&input.require_customer),
            default_due_hours: due,
            allow_price_override: yes(&input.allow_price_override),
            receipt_width: width,
            management_fee,
            tax_inclusive: yes(&input.tax_inclusive),
            default_tax_rate: rate,
            round_off,
            task_release,
            default_dpi: u32::try_from(dpi).unwrap_or(72),
            max_upload_mb: u32::try_from(max_mb).unwrap_or(DEFAULT_UPLOAD_MB),
        })
    }
}

/// The account set's settings (defaults where nothing is stored).
pub async fn load(db: &Db, scope: &Scope) -> StoreResult<OrderSettings> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "select key, value from settings where account_set_id = $1 and key like 'order.%'",
    )
    .bind(scope.id())
    .fetch_all(db.pool())
    .await?;
    Ok(OrderSettings::from_rows(&rows.into_iter().collect()))
}

/// The change counter of these settings (`kernel::cache`), moved by [`save`].
pub const COUNTER: &str = "order_settings";

/// Stores every setting inside the caller's transaction.
pub async fn save(tx: &mut Tx, scope: &Scope, settings: &OrderSettings) -> StoreResult<()> {
    cache::touch(tx, scope.id(), COUNTER).await?;
    for (key, value) in settings.to_rows() {
        sqlx::query(
            r#"insert into settings (account_set_id, key, value) values ($1, $2, $3)
               on conflict (account_set_id, key) do update set value = excluded.value"#,
        )
        .bind(scope.id())
        .bind(key)
        .bind(value)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_rows_read_back_and_missing_rows_keep_defaults() {
        let settings = OrderSettings {
            number_prefix: "XS".to_owned(),
            management_fee: ManagementFee::Percent(Decimal::from(5)),
            round_off: RoundOffRule::Jiao,
            tax_inclusive: false,
            ..OrderSettings::default()
        };
        let rows: HashMap<String, String> = settings
            .to_rows()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        assert_eq!(OrderSettings::from_rows(&rows), settings);
        assert_eq!(
            OrderSettings::from_rows(&HashMap::new()),
            OrderSettings::default()
        );
    }

    #[test]
    fn bad_form_names_every_field() {
        let input = OrderSettingsInput {
            number_prefix: "订单".to_owned(),
            default_due_hours: "-1".to_owned(),
            receipt_width: "100".to_owned(),
            management_fee_kind: "percent".to_owned(),
            management_fee_value: "150".to_owned(),
            default_tax_rate: "x".to_owned(),
            round_off: "fen".to_owned(),
            task_release: "approve".to_owned(),
            default_dpi: "72".to_owned(),
            max_upload_mb: "8".to_owned(),
            ..OrderSettingsInput::default()
        };
        let errors = OrderSettings::parse(&input).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(
            fields,
            [
                "number_prefix",
                "default_due_hours",
                "receipt_width",
                "management_fee_value",
                "default_tax_rate",
                "round_off"
            ]
        );
    }
}
