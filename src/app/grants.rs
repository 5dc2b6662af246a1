//! Grants (`/v1/disbursements`): medical, education, livelihood, emergency relief, community
//! works and other support, to a household or not, from a restricted campaign's money or from
//! unrestricted money only; submitted by an officer, approved by another person (reserving the
//! amount, through `app::spending::decide`), paid by a finance officer (posting 61x1 against
//! cash, bank or goods).
//!
//! As in every workflow here, what a request names is checked before the idempotent
//! transaction (`check`), and the change is made inside it (`submit`, `pay`).

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::spending::{self, pay_out};
use super::{lookups, AppError, AppResult};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::disbursements::{self, NewDisbursement};
use crate::db::{bank_accounts, households, units};
use crate::domain::spending::{campaign_allows, Action, Category, Kind, Method, Purpose};
use crate::domain::{money, text, Role};
use crate::ledger::chart;
use crate::ledger::payouts;
use crate::ledger::reservations::Holder;
use crate::ledger::{rules, NewEntry, SourceType};
use crate::messages::spending as say;
use crate::views::grants::DisbursementView;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDisbursement {
    /// The paying unit.
    pub unit_id: Uuid,
    pub category: Category,
    /// The household supported, registered in the paying unit's subtree.
    pub household_id: Option<Uuid>,
    /// A campaign usable by the unit. When it is restricted the grant spends its money (and
    /// must fit its purpose); otherwise it only labels the grant.
    pub campaign_id: Option<Uuid>,
    /// Whole đồng, a string.
    #[schema(example = "2000000")]
    pub amount: String,
    pub method: Method,
    /// Required when `method` is `bank`: a bank account of the paying unit.
    pub bank_account_id: Option<Uuid>,
    #[schema(max_length = 1000)]
    pub description: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayDisbursement {
    /// Local date the money was paid out (the entry's effective date); default today.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub paid_on: Option<NaiveDate>,
}

/// A grant as asked, its fields read.
#[derive(Debug)]
pub struct GrantRequest<'a> {
    asked: &'a CreateDisbursement,
    amount: Decimal,
    description: String,
}

impl CreateDisbursement {
    /// 422 on the amount, the description, or a bank account given without method `bank` (or
    /// missing with it).
    pub fn parse(&self) -> AppResult<GrantRequest<'_>> {
        let amount = money::parse_vnd(&self.amount).map_err(say::bad_amount)?;
        let description = text::clean(&self.description, 1000)
            .ok_or_else(|| say::text_length("description", 1000))?;
        if (self.method == Method::Bank) != self.bank_account_id.is_some() {
            return Err(say::bank_account_only_for_bank().into());
        }
        Ok(GrantRequest {
            asked: self,
            amount,
            description,
        })
    }
}

/// A grant checked against its paying unit, with the earmark it spends (the campaign, when
/// restricted).
#[derive(Debug)]
pub struct CheckedGrant<'a> {
    request: GrantRequest<'a>,
    earmark: Option<Uuid>,
}

/// The caller is an officer of the paying unit (404, 403); the household lives in its area,
/// the bank account is its fund's, the campaign is usable by it (422), and a restricted
/// campaign's money may pay for the category (422 `campaign_purpose_mismatch`).
pub async fn check<'a>(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    request: GrantRequest<'a>,
    today: NaiveDate,
) -> AppResult<CheckedGrant<'a>> {
    let asked = request.asked;
    let right = Right::ActAs(Role::Officer);
    let unit = lookups::unit_authorized(conn, &user.scope, right, asked.unit_id).await?;
    lookups::unit_takes(&unit, today)?;
    if let Some(h) = asked.household_id {
        // a household outside the paying unit's subtree reads as one that does not exist
        let home = match households::find(conn, h).await? {
            Some(household) => units::find(conn, household.unit_id).await?,
            None => None,
        };
        home.filter(|u| u.is_within(unit.id))
            .ok_or_else(say::household_outside_area)?;
    }
    if let Some(b) = asked.bank_account_id {
        lookups::bank_account_of(conn, &unit, b, "bank_account_id").await?;
    }
    let earmark = match asked.campaign_id {
        None => None,
        Some(c) => {
            let campaign = lookups::campaign_usable_by(conn, &unit, c, "campaign_id").await?;
            let purpose = Purpose::Grant(asked.category);
            if campaign.restricted && !campaign_allows(&campaign.kind, purpose) {
                return Err(say::grant_purpose_mismatch(&campaign.kind, asked.category));
            }
            campaign.restricted.then_some(campaign.id)
        }
    };
    Ok(CheckedGrant { request, earmark })
}

/// Submits the grant. It moves no money until approved (which reserves it) and paid.
pub async fn submit(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    grant: &CheckedGrant<'_>,
) -> AppResult<DisbursementView> {
    let asked = grant.request.asked;
    let row = disbursements::insert(
        conn,
        &NewDisbursement {
            id: Uuid::now_v7(),
            unit_id: asked.unit_id,
            category: asked.category.as_str(),
            household_id: asked.household_id,
            campaign_id: asked.campaign_id,
            earmark_id: grant.earmark,
            amount: grant.request.amount,
            method: asked.method.as_str(),
            bank_account_id: asked.bank_account_id,
            description: &grant.request.description,
            submitted_by: user.id.0,
        },
    )
    .await?;
    audit::record(
        conn,
        user,
        Change {
            action: "disbursement.create",
            target_type: Kind::Grant.record_name(),
            target_id: Some(row.id),
            unit_id: Some(row.unit_id),
            changes: serde_json::json!({
                "category": row.category, "amount": row.amount.to_string(),
                "method": row.method, "campaign_id": row.campaign_id,
            }),
        },
    )
    .await?;
    Ok(row.into())
}

/// Pays an approved grant: posts 61x1 by category against cash, the bank account or goods,
/// using the approval's reservation (409 `invalid_state` unless approved).
pub async fn pay(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    paid_on: NaiveDate,
) -> AppResult<DisbursementView> {
    let grant = disbursements::lock(conn, id).await?;
    spending::transition(Kind::Grant, grant.status, Action::Pay)?;
    let bank = match grant.bank_account_id {
        Some(b) => Some(
            bank_accounts::find(conn, b)
                .await?
                .ok_or_else(|| AppError::internal("grant's bank account"))?
                .account_id,
        ),
        None => None,
    };
    let source = payouts::source_account(conn, grant.unit_id, grant.method, bank).await?;
    let expense = chart::account_id(conn, grant.unit_id, payouts::expense(grant.category)).await?;
    let entry = NewEntry {
        id: Uuid::now_v7(),
        unit_id: grant.unit_id,
        effective_date: paid_on,
        source_type: SourceType::Disbursement,
        source_id: Some(grant.id),
        description: say::grant_entry(grant.category),
        reason: None,
        reverses_id: None,
        created_by: Some(user.id.0),
        postings: rules::spend(expense, &[(source, grant.amount)], grant.earmark_id),
    };
    let pool = payouts::pool(grant.method);
    let entry_id = pay_out(conn, Holder::Grant(grant.id), pool, grant.amount, &entry).await?;
    let row = disbursements::mark_paid(conn, grant.id, user.id.0, paid_on, entry_id).await?;
    audit::record(
        conn,
        user,
        Change {
            action: "disbursement.pay",
            target_type: Kind::Grant.record_name(),
            target_id: Some(row.id),
            unit_id: Some(row.unit_id),
            changes: serde_json::json!({
                "amount": row.amount.to_string(), "paid_on": paid_on,
                "journal_entry_id": entry_id,
            }),
        },
    )
    .await?;
    Ok(row.into())
}
