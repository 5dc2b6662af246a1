use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::BankAccountView;
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Accountant;
use crate::db::bank_accounts::{self, NewBankAccount};
use crate::db::units;
use crate::domain::money::Currency;
use crate::domain::{text, Role};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::extract::JsonBody;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBankAccount {
    /// 6 digits.
    #[schema(example = "970436")]
    pub bank_bin: String,
    #[schema(max_length = 200)]
    pub bank_name: String,
    /// Digits (and upper-case letters for some banks), 4–30.
    pub account_number: String,
    #[schema(max_length = 200)]
    pub account_name: String,
    /// Default VND.
    pub currency: Option<String>,
}

/// Registers a bank account of the fund and opens its ledger sub-account 1121.N.
#[utoipa::path(
    operation_id = "createBankAccount",
    context_path = "/v1",
    tag = "bank accounts",
    params(("id" = Uuid, Path, description = "the unit")),
    request_body = CreateBankAccount,
    responses(
        (status = 201, description = "The bank account registered, with its ledger sub-account", body = BankAccountView),
        (status = 409, description = "`duplicate_bank_account`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/units/{id}/bank-accounts")]
pub async fn create(
    accountant: Accountant,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: JsonBody<CreateBankAccount>,
) -> ApiResult<HttpResponse> {
    let body = body.value;
    let mut errors = Vec::new();
    let bin = body.bank_bin.trim();
    if bin.len() != 6 || !bin.bytes().all(|b| b.is_ascii_digit()) {
        errors.push(FieldError::new("bank_bin", "6 digits", "6 chữ số"));
    }
    let number: String = body.account_number.trim().to_ascii_uppercase();
    if !(4..=30).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_alphanumeric()) {
        errors.push(FieldError::new(
            "account_number",
            "4 to 30 digits or letters",
            "từ 4 đến 30 chữ số hoặc chữ cái",
        ));
    }
    let bank_name = text::clean(&body.bank_name, 200);
    if bank_name.is_none() {
        errors.push(FieldError::new(
            "bank_name",
            "1 to 200 characters",
            "từ 1 đến 200 ký tự",
        ));
    }
    let account_name = text::clean(&body.account_name, 200);
    if account_name.is_none() {
        errors.push(FieldError::new(
            "account_name",
            "1 to 200 characters",
            "từ 1 đến 200 ký tự",
        ));
    }
    let currency = Currency::parse(body.currency.as_deref().unwrap_or("VND"));
    if currency.is_none() {
        errors.push(FieldError::new(
            "currency",
            "unknown currency",
            "đơn vị tiền tệ không được hỗ trợ",
        ));
    }
    let (Some(bank_name), Some(account_name), Some(currency), true) =
        (bank_name, account_name, currency, errors.is_empty())
    else {
        return Err(ApiError::validation(errors));
    };

    let mut conn = state.pools.write.get().await?;
    let unit = units::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    accountant
        .scope
        .authorize(Right::ActAs(Role::Accountant), &unit)?;
    let accountant = &accountant;
    let bin = bin.to_owned();
    let (row, code) = conn
        .transaction::<_, ApiError, _>(|conn| {
            async move {
                let (row, code) = bank_accounts::insert(
                    conn,
                    &NewBankAccount {
                        unit_id: unit.id,
                        bank_bin: &bin,
                        bank_name: &bank_name,
                        account_number: &number,
                        account_name: &account_name,
                        currency: currency.code,
                        created_by: accountant.id.0,
                    },
                )
                .await?;
                audit::record(
                    conn,
                    accountant,
                    Change {
                        action: "bank_account.create",
                        target_type: "bank_account",
                        target_id: Some(row.id),
                        unit_id: Some(unit.id),
                        changes: serde_json::json!({"ledger_account": code, "bank_bin": row.bank_bin,
                            "account_number": bank_accounts::mask(&row.account_number)}),
                    },
                )
                .await?;
                Ok((row, code))
            }
            .scope_boxed()
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/bank-accounts/{}", row.id)))
        .json(BankAccountView::new(row, code)))
}
