//! Use cases of the company profile.

use super::{CompanyInput, DOC_KIND, store};
use crate::kernel::audit;
use crate::kernel::auth::CurrentUser;
use crate::kernel::clock;
use crate::kernel::db::Db;
use crate::kernel::error::{AppResult, FieldErrors};
use crate::kernel::i18n::Message;

/// The longest text of each field, in characters.
const LIMITS: [(&str, usize); 6] = [
    ("name", 100),
    ("short_name", 20),
    ("address", 200),
    ("phone", 30),
    ("tax_number", 30),
    ("bank_account", 100),
];

pub async fn show_company(db: &Db) -> AppResult<CompanyInput> {
    Ok(store::find_company(db.pool()).await?)
}

/// Saves the company profile. The name is required; every field has a length limit.
pub async fn update_company(db: &Db, user: &CurrentUser, input: &CompanyInput) -> AppResult<()> {
    let company = CompanyInput {
        name: input.name.trim().to_owned(),
        short_name: input.short_name.trim().to_owned(),
        address: input.address.trim().to_owned(),
        phone: input.phone.trim().to_owned(),
        tax_number: input.tax_number.trim().to_owned(),
        bank_account: input.bank_account.trim().to_owned(),
    };
    let mut errors = FieldErrors::new();
    if company.name.is_empty() {
        errors.add("name", Message::new("setup.company_required"));
    }
    for (field, max) in LIMITS {
        if field_value(&company, field).chars().count() > max {
            errors.add(field, Message::new("error.too_long").arg("max", max));
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut tx = db.begin_write().await?;
    store::update_company(&mut tx, &company, &clock::now_text()).await?;
    audit::record(
        &mut tx,
        Some(user.scope()),
        Some(user.user_id),
        "update",
        DOC_KIND,
        Some(1),
        &company.name,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn field_value<'a>(company: &'a CompanyInput, field: &str) -> &'a str {
    match field {
        "name" => &company.name,
        "short_name" => &company.short_name,
        "address" => &company.address,
        "phone" => &company.phone,
        "tax_number" => &company.tax_number,
        _ => &company.bank_account,
    }
}
