//! The lookups every command starts with, written once: the unit a caller acts on (404 outside
//! their scope, 403 without the right), a campaign a unit may use, a bank account of a fund.

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::{AppError, AppResult};
use crate::auth::scope::{Right, Scope};
use crate::db::bank_accounts::{self, BankAccountRow};
use crate::db::campaigns::{self, CampaignRow};
use crate::db::successions;
use crate::db::units::{self, UnitRow};
use crate::domain::unit_life::UnitStatus;
use crate::messages::common;
use crate::messages::units as unit_messages;

/// The unit `id`, when the caller has `right` there: 404 when it does not exist or lies outside
/// the caller's scope, 403 naming the role it takes when the caller sees it without the right.
pub async fn unit_authorized(
    conn: &mut AsyncPgConnection,
    scope: &Scope,
    right: Right,
    id: Uuid,
) -> AppResult<UnitRow> {
    let unit = units::find(conn, id).await?.ok_or(AppError::NotFound)?;
    authorize(conn, scope, right, &unit).await?;
    Ok(unit)
}

/// The check every command that reads or writes a unit's records goes through: the caller's
/// place in the tree ([`Scope::authorize`]) and, for an ended unit outside it, its heirs
/// ([`Scope::authorize_through_heirs`]: a successor's roles read a predecessor's records). The
/// heirs are looked up only then.
pub async fn authorize(
    conn: &mut AsyncPgConnection,
    scope: &Scope,
    right: Right,
    unit: &UnitRow,
) -> AppResult<()> {
    if scope.can_see(unit) || unit.life().status() == UnitStatus::Active {
        return scope.authorize(right, unit);
    }
    let heirs = successions::heirs(conn, unit.id).await?;
    scope.authorize_through_heirs(right, unit, &heirs)
}

/// Whether the caller has `right` at `unit`, by the same check as [`authorize`] (what a view
/// shows, such as a donor's phone, rather than whether it answers at all).
pub async fn allows(
    conn: &mut AsyncPgConnection,
    scope: &Scope,
    right: Right,
    unit: &UnitRow,
) -> AppResult<bool> {
    if scope.can_see(unit) || unit.life().status() == UnitStatus::Active {
        return Ok(scope.allows(right, unit));
    }
    let heirs = successions::heirs(conn, unit.id).await?;
    Ok(scope.authorize_through_heirs(right, unit, &heirs).is_ok())
}

/// As [`unit_authorized`], for the bookkeeping of a unit's past that stays possible after the
/// unit is dissolved (closing and re-opening its months).
pub async fn unit_for_records(
    conn: &mut AsyncPgConnection,
    scope: &Scope,
    right: Right,
    id: Uuid,
) -> AppResult<UnitRow> {
    let unit = units::find(conn, id).await?.ok_or(AppError::NotFound)?;
    scope.authorize_records(right, &unit)?;
    Ok(unit)
}

/// 409 `unit_dissolved` when `unit` takes nothing new dated `on` (reform.md: a dissolving unit
/// takes only what is dated before its end; the local day for registrations and proposals, the
/// day of receipt for donations, the first day for campaigns). The database holds the same rule
/// for what it can date itself (`unit_refuse_ended`).
pub fn unit_takes(unit: &UnitRow, on: NaiveDate) -> AppResult<()> {
    let life = unit.life();
    if life.takes(on) {
        Ok(())
    } else {
        Err(unit_messages::unit_dissolved(&unit.code, life))
    }
}

/// The campaign `id`, when `unit` may use it: a campaign is usable by its own unit and every
/// unit below it. Anything else is a 422 naming `field`.
pub async fn campaign_usable_by(
    conn: &mut AsyncPgConnection,
    unit: &UnitRow,
    id: Uuid,
    field: &str,
) -> AppResult<CampaignRow> {
    campaigns::find(conn, id)
        .await?
        .filter(|c| unit.ancestry.contains(&c.unit_id))
        .ok_or_else(|| common::no_such_campaign(field).into())
}

/// The bank account `id`, when it is one of the fund of `unit`; anything else is a 422 naming
/// `field`.
pub async fn bank_account_of(
    conn: &mut AsyncPgConnection,
    unit: &UnitRow,
    id: Uuid,
    field: &str,
) -> AppResult<BankAccountRow> {
    bank_accounts::find(conn, id)
        .await?
        .filter(|b| b.unit_id == unit.id)
        .ok_or_else(|| common::not_a_bank_account_of_the_fund(field).into())
}
