//! SQL of the company profile: the single row with id 1, which belongs to no account set.

use sqlx::AnyPool;

use super::CompanyInput;
use crate::kernel::db::{StoreResult, Tx};

type CompanyRow = (String, String, String, String, String, String);

pub(super) async fn find_company(pool: &AnyPool) -> StoreResult<CompanyInput> {
    let row: CompanyRow = sqlx::query_as(
        r#"select name, short_name, address, phone, tax_number, bank_account
           from company where id = 1"#,
    )
    .fetch_one(pool)
    .await?;
    let (name, short_name, address, phone, tax_number, bank_account) = row;
    Ok(CompanyInput {
        name,
        short_name,
        address,
        phone,
        tax_number,
        bank_account,
    })
}

pub(super) async fn update_company(
    tx: &mut Tx,
    company: &CompanyInput,
    now: &str,
) -> StoreResult<()> {
    sqlx::query(
        r#"update company set name = $1, short_name = $2, address = $3, phone = $4,
               tax_number = $5, bank_account = $6, updated_at = $7
           where id = 1"#,
    )
    .bind(&company.name)
    .bind(&company.short_name)
    .bind(&company.address)
    .bind(&company.phone)
    .bind(&company.tax_number)
    .bind(&company.bank_account)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
