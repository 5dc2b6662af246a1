//! A bank account's opening balance: the money it already held when the fund started keeping
//! its books here (a new installation, or an account registered after it was opened). Without
//! it the books never open where the bank's statement does: reconciliation stays off by it and
//! the first bank fee meets `insufficient_funds`.
//!
//! Booked once per account by its finance officer, dated `as_of` (the end of that day), as
//! debit the account's `1121.N`, credit `4111` (the accumulated fund balance: money the fund
//! had before these books), earmarked for a restricted campaign when one is named. Source type
//! `opening_balance`. The table `bank_opening_balances` holds one row per account, so a second
//! attempt is 409 `opening_balance_booked` however it is raced.

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::lookups::campaign_usable_by;
use super::statements::{bank_account_for, KEEPER};
use super::{AppError, AppResult};
use crate::audit::{self, Change};
use crate::auth::AuthUser;
use crate::db::opening_balances::{self, NewOpeningBalance};
use crate::domain::field::FieldError;
use crate::domain::money;
use crate::ledger::chart::{account_id, AccountCode};
use crate::ledger::{entries, NewEntry, NewPosting, Side, SourceType};
use crate::messages::statements as refusals;
use crate::views::statements::OpeningBalanceView;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordOpeningBalance {
    /// The day whose closing balance this is (the bank's "Dư đầu" of a statement starting the
    /// next day), in an open month and not in the future.
    #[schema(value_type = String, format = Date)]
    #[serde(deserialize_with = "crate::domain::fund_date::deserialize")]
    pub as_of: NaiveDate,
    /// Whole đồng, more than zero.
    #[schema(example = "1250000000")]
    pub amount: String,
    /// A restricted campaign of the fund (or above it) whose money this is, when it all is.
    pub campaign_id: Option<Uuid>,
}

/// Books the opening balance of bank account `id`.
pub async fn record(
    conn: &mut AsyncPgConnection,
    officer: &AuthUser,
    id: Uuid,
    input: &RecordOpeningBalance,
    today: NaiveDate,
) -> AppResult<OpeningBalanceView> {
    let (bank, unit) = bank_account_for(conn, officer, id, KEEPER).await?;
    let mut errors = Vec::new();
    let amount = match money::parse_vnd(&input.amount) {
        Ok(a) => Some(a),
        Err(e) => {
            errors.push(FieldError::new("amount", e.to_string(), e.vi()));
            None
        }
    };
    if input.as_of > today {
        errors.push(FieldError::new(
            "as_of",
            "cannot be in the future",
            "không được ở tương lai",
        ));
    }
    let (Some(amount), true) = (amount, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    super::lookups::unit_takes(&unit, input.as_of)?;
    let earmark = match input.campaign_id {
        None => None,
        Some(c) => {
            let campaign = campaign_usable_by(conn, &unit, c, "campaign_id").await?;
            if !campaign.restricted {
                return Err(AppError::Invalid(vec![FieldError::new(
                    "campaign_id",
                    "only a restricted campaign earmarks money; leave it out for unrestricted money",
                    "chỉ đợt vận động có giới hạn mục đích mới ghi riêng tiền; bỏ trống nếu tiền không giới hạn",
                )]));
            }
            Some(campaign.id)
        }
    };
    if opening_balances::find(conn, bank.id).await?.is_some() {
        return Err(refusals::opening_balance_booked());
    }
    let fund_balance = account_id(conn, unit.id, AccountCode::FundBalance).await?;
    let entry = NewEntry {
        id: Uuid::now_v7(),
        unit_id: unit.id,
        effective_date: input.as_of,
        source_type: SourceType::OpeningBalance,
        source_id: Some(bank.id),
        description: format!("Số dư đầu kỳ tài khoản {}", bank.bank_name),
        reason: None,
        reverses_id: None,
        created_by: Some(officer.id.0),
        postings: vec![
            NewPosting {
                account_id: bank.account_id,
                side: Side::Debit,
                amount,
                campaign_id: earmark,
            },
            NewPosting {
                account_id: fund_balance,
                side: Side::Credit,
                amount,
                campaign_id: earmark,
            },
        ],
    };
    // the database checks the closed months here; the row's key refuses a second one
    entries::post(conn, &entry).await?;
    let row = opening_balances::insert(
        conn,
        &NewOpeningBalance {
            bank_account_id: bank.id,
            as_of: input.as_of,
            amount,
            campaign_id: earmark,
            journal_entry_id: entry.id,
            recorded_by: officer.id.0,
        },
    )
    .await?;
    audit::record(
        conn,
        officer,
        Change {
            action: "bank_account.opening_balance",
            target_type: "bank_account",
            target_id: Some(bank.id),
            unit_id: Some(unit.id),
            changes: serde_json::json!({
                "as_of": input.as_of,
                "amount": money::format(amount),
                "campaign_id": earmark,
                "journal_entry_id": entry.id,
            }),
        },
    )
    .await?;
    Ok(OpeningBalanceView::from(row))
}

/// What an import offers to book when the account has no opening balance yet: the balance the
/// statement opens with, as of the day before its first line.
pub fn offer(opening: Option<i64>, first_date: NaiveDate) -> Option<(NaiveDate, Decimal)> {
    let amount = opening.filter(|a| *a > 0)?;
    Some((first_date.pred_opt()?, Decimal::from(amount)))
}
