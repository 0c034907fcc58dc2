//! `/api/v1/company`: the company profile as JSON.

use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{CompanyInput, service};
use crate::kernel::auth::{CurrentUser, Permission};
use crate::kernel::error::AppResult;
use crate::kernel::web::{self, AppState, Json};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(show_company, update_company))
}

/// The company profile. Fields other than `name` may be empty.
#[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CompanyBody {
    name: String,
    #[serde(default)]
    short_name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    tax_number: String,
    #[serde(default)]
    bank_account: String,
}

fn body_of(company: CompanyInput) -> CompanyBody {
    CompanyBody {
        name: company.name,
        short_name: company.short_name,
        address: company.address,
        phone: company.phone,
        tax_number: company.tax_number,
        bank_account: company.bank_account,
    }
}

/// The company profile.
#[utoipa::path(get, path = "/api/v1/company", tag = "system",
    responses((status = 200, body = CompanyBody), (status = 403, body = web::ApiErrorBody)))]
async fn show_company(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<axum::Json<CompanyBody>> {
    user.require(Permission::SYSTEM_COMPANY_MANAGE)?;
    Ok(axum::Json(body_of(service::show_company(&state.db).await?)))
}

/// Saves the company profile.
#[utoipa::path(put, path = "/api/v1/company", tag = "system", request_body = CompanyBody,
    responses((status = 200, body = CompanyBody), (status = 422, body = web::ApiErrorBody)))]
async fn update_company(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<CompanyBody>,
) -> AppResult<axum::Json<CompanyBody>> {
    user.require(Permission::SYSTEM_COMPANY_MANAGE)?;
    let input = CompanyInput {
        name: body.name,
        short_name: body.short_name,
        address: body.address,
        phone: body.phone,
        tax_number: body.tax_number,
        bank_account: body.bank_account,
    };
    service::update_company(&state.db, &user, &input).await?;
    Ok(axum::Json(body_of(service::show_company(&state.db).await?)))
}
