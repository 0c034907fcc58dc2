//! 前台设置 (manual 5.5.1 其他, 管理费, 税率, 任务设置, 图片识别): one form over
//! `orders::settings`, and `GET`/`PUT /api/v1/order-settings`.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::settings::{self, OrderSettings, OrderSettingsInput, RoundOffRule, TaskRelease};
use crate::kernel::audit;
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::i18n::Locale;
use crate::kernel::shell::{Shell, shell};
use crate::kernel::web::{self, AppState, Form, Json, render, see_other, unprocessable};
use crate::system::product::rules::ManagementFee;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/orders/settings", get(show_settings).post(save_settings))
}

pub(crate) fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_order_settings, put_order_settings))
}

#[derive(Template)]
#[template(path = "orders/settings.html")]
struct SettingsPage {
    shell: Shell,
    input: OrderSettingsInput,
    errors: FieldErrors,
    saved: bool,
    can_manage: bool,
    round_offs: Vec<(&'static str, String)>,
}

impl SettingsPage {
    fn err(&self, field: &str) -> String {
        self.errors.text(field, self.shell.l)
    }

    fn checked(&self, value: &str) -> bool {
        matches!(value.trim(), "1" | "on" | "true")
    }
}

/// The stored settings as the form's text.
fn input_of(s: &OrderSettings) -> OrderSettingsInput {
    let flag = |b: bool| if b { "1" } else { "0" }.to_owned();
    let (fee_kind, fee_value) = match s.management_fee {
        ManagementFee::None => ("none", String::new()),
        ManagementFee::Percent(p) => ("percent", p.normalize().to_string()),
        ManagementFee::Fixed(m) => ("fixed", m.to_string()),
    };
    OrderSettingsInput {
        number_prefix: s.number_prefix.clone(),
        require_customer: flag(s.require_customer),
        default_due_hours: s.default_due_hours.to_string(),
        allow_price_override: flag(s.allow_price_override),
        receipt_width: s.receipt_width.to_string(),
        management_fee_kind: fee_kind.to_owned(),
        management_fee_value: fee_value,
        tax_inclusive: flag(s.tax_inclusive),
        default_tax_rate: s.default_tax_rate.normalize().to_string(),
        round_off: s.round_off.code().to_owned(),
        task_release: match s.task_release {
            TaskRelease::OnApprove => "approve",
            TaskRelease::OnSave => "save",
        }
        .to_owned(),
        default_dpi: s.default_dpi.to_string(),
        max_upload_mb: s.max_upload_mb.to_string(),
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    l: Locale,
    input: OrderSettingsInput,
    errors: FieldErrors,
    saved: bool,
) -> AppResult<SettingsPage> {
    Ok(SettingsPage {
        shell: shell(&state.db, user, l, "/orders/settings").await?,
        input,
        errors,
        saved,
        can_manage: user.can(Permission::ORDER_SETTINGS_MANAGE),
        round_offs: RoundOffRule::ALL
            .into_iter()
            .map(|r| (r.code(), l.t(r.label_key())))
            .collect(),
    })
}

async fn show_settings(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    axum::extract::Query(query): axum::extract::Query<std::collections::BTreeMap<String, String>>,
) -> AppResult<Response> {
    user.require(Permission::ORDER_VIEW)?;
    let current = settings::load(&state.db, user.scope()).await?;
    let view = page(
        &state,
        &user,
        l,
        input_of(&current),
        FieldErrors::new(),
        query.contains_key("saved"),
    )
    .await?;
    Ok(render(&view))
}

/// Checks and stores the settings in one transaction, with an audit entry.
async fn store_settings(
    state: &AppState,
    user: &CurrentUser,
    input: &OrderSettingsInput,
) -> AppResult<OrderSettings> {
    let parsed = OrderSettings::parse(input)?;
    let mut tx = state.db.begin_write().await?;
    settings::save(&mut tx, user.scope(), &parsed).await?;
    audit::record(
        &mut tx,
        Some(user.scope()),
        Some(user.user_id),
        "update",
        "order_settings",
        None,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(parsed)
}

async fn save_settings(
    State(state): State<AppState>,
    l: Locale,
    user: CurrentUser,
    Form(input): Form<OrderSettingsInput>,
) -> AppResult<Response> {
    user.require(Permission::ORDER_SETTINGS_MANAGE)?;
    match store_settings(&state, &user, &input).await {
        Ok(_) => Ok(see_other("/orders/settings?saved=1")),
        Err(AppError::Invalid(errors)) => {
            let view = page(&state, &user, l, input, errors, false).await?;
            Ok(unprocessable(&view))
        }
        Err(err) => Err(err),
    }
}

/// The front-desk settings as stored (defaults where nothing is stored); flags are "1"/"0".
#[utoipa::path(get, path = "/api/v1/order-settings", tag = "orders",
    responses((status = 200, body = OrderSettingsInput), (status = 403, body = web::ApiErrorBody)))]
async fn get_order_settings(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<axum::Json<OrderSettingsInput>> {
    user.require(Permission::ORDER_VIEW)?;
    let current = settings::load(&state.db, user.scope()).await?;
    Ok(axum::Json(input_of(&current)))
}

/// Replaces the front-desk settings; every field is checked and named when bad.
#[utoipa::path(put, path = "/api/v1/order-settings", tag = "orders", request_body = OrderSettingsInput,
    responses((status = 200, body = OrderSettingsInput), (status = 403, body = web::ApiErrorBody),
        (status = 422, body = web::ApiErrorBody)))]
async fn put_order_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<OrderSettingsInput>,
) -> AppResult<axum::Json<OrderSettingsInput>> {
    user.require(Permission::ORDER_SETTINGS_MANAGE)?;
    let saved = store_settings(&state, &user, &input).await?;
    Ok(axum::Json(input_of(&saved)))
}
