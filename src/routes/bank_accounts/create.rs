use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::bank_accounts::{self, BankAccountDraft};
use crate::auth::Accountant;
use crate::domain::money::Currency;
use crate::domain::text;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::messages::bank_accounts as messages;
use crate::messages::units::length;
use crate::state::AppState;
use crate::views::bank_accounts::BankAccountView;

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
    let draft = body.value.parse()?;
    let unit_id = id.into_inner();
    let mut conn = state.pools.write.get().await?;
    let accountant = &accountant;
    let view = conn
        .transaction::<_, ApiError, _>(|tx| {
            async move { Ok(bank_accounts::create(tx, accountant, unit_id, draft).await?) }
                .scope_boxed()
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/bank-accounts/{}", view.id)))
        .json(view))
}

impl CreateBankAccount {
    /// Every field checked at once, so the client sees all that is wrong.
    fn parse(self) -> ApiResult<BankAccountDraft> {
        let mut errors = Vec::new();
        let bin = self.bank_bin.trim();
        if bin.len() != 6 || !bin.bytes().all(|b| b.is_ascii_digit()) {
            errors.push(messages::bin_format());
        }
        let number: String = self.account_number.trim().to_ascii_uppercase();
        if !(4..=30).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_alphanumeric()) {
            errors.push(messages::account_number_format());
        }
        let bank_name = text::clean(&self.bank_name, 200);
        if bank_name.is_none() {
            errors.push(length("bank_name", 200));
        }
        let account_name = text::clean(&self.account_name, 200);
        if account_name.is_none() {
            errors.push(length("account_name", 200));
        }
        let currency = Currency::parse(self.currency.as_deref().unwrap_or("VND"));
        if currency.is_none() {
            errors.push(messages::unknown_currency());
        }
        match (bank_name, account_name, currency, errors.is_empty()) {
            (Some(bank_name), Some(account_name), Some(currency), true) => Ok(BankAccountDraft {
                bank_bin: bin.to_owned(),
                bank_name,
                account_number: number,
                account_name,
                currency,
            }),
            _ => Err(ApiError::validation(errors)),
        }
    }
}
