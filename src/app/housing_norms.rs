//! Support norms for Great Unity houses: the standard support per house kind from a date,
//! national or set by a unit for its subtree (a unit's norm overrides its ancestors'). Anyone
//! signed in reads the national norms and those of units in their scope; approvers set them:
//! national ones at the central unit, a unit's own at that unit.

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{lookups, AppError, AppResult};
use crate::audit::{self, Change};
use crate::auth::scope::{self, Right};
use crate::auth::AuthUser;
use crate::db::{housing_norms, units};
use crate::domain::house::HouseKind;
use crate::domain::{money, Role};
use crate::messages::houses as says;
use crate::views::housing_norms::{InForce, NormView, NormsView};

/// The most norms one request may set.
pub const MAX_ITEMS: usize = 50;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetNorm {
    #[serde(deserialize_with = "crate::domain::fund_date::plan")]
    pub effective_from: NaiveDate,
    pub kind: HouseKind,
    /// Whole đồng, a string.
    #[schema(example = "60000000")]
    pub amount: String,
    /// The unit whose subtree it applies to; leave out for a national norm (approver at the
    /// central unit only).
    pub unit_id: Option<Uuid>,
}

/// The amounts of the norms asked for, in order: 1 to `MAX_ITEMS` norms, each amount whole đồng.
pub fn parse(items: &[SetNorm]) -> AppResult<Vec<Decimal>> {
    if items.is_empty() || items.len() > MAX_ITEMS {
        // the list as a whole has no field to name
        return Err(says::norm_count(MAX_ITEMS));
    }
    let mut errors = Vec::new();
    let mut amounts: Vec<Decimal> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match money::parse_vnd(&item.amount) {
            Ok(a) => amounts.push(a),
            Err(e) => errors.push(says::money(&format!("[{i}].amount"), e)),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    Ok(amounts)
}

/// Where each norm's audit event belongs — its unit, or the central unit for national ones —
/// when the approver may set it there: a national norm needs `approver` at the central unit
/// (403, never 404: national norms are everyone's to read), a unit's norm `approver` there.
pub async fn owners(
    conn: &mut AsyncPgConnection,
    approver: &AuthUser,
    items: &[SetNorm],
) -> AppResult<Vec<Uuid>> {
    let right = Right::ActAs(Role::Approver);
    let central = units::find_by_code(conn, "TW")
        .await?
        .ok_or_else(|| AppError::internal("the central unit TW is missing"))?;
    let mut owners: Vec<Uuid> = Vec::with_capacity(items.len());
    for item in items {
        match item.unit_id {
            None if !approver.scope.allows(right, &central) => {
                return Err(scope::lacking(right, &central));
            }
            None => owners.push(central.id),
            Some(id) => owners.push(
                lookups::unit_authorized(conn, &approver.scope, right, id)
                    .await?
                    .id,
            ),
        }
    }
    Ok(owners)
}

/// Sets the norms: each replaces the amount of the same unit, kind and date, or adds a norm.
pub async fn put(
    conn: &mut AsyncPgConnection,
    approver: &AuthUser,
    items: &[SetNorm],
    amounts: &[Decimal],
    owners: &[Uuid],
) -> AppResult<NormsView> {
    let mut written = Vec::with_capacity(items.len());
    for ((item, amount), owner) in items.iter().zip(amounts).zip(owners) {
        let row = housing_norms::upsert(
            conn,
            item.unit_id,
            item.kind.as_str(),
            item.effective_from,
            *amount,
            approver.id.0,
        )
        .await?;
        audit::record(
            conn,
            approver,
            Change {
                action: "housing_norm.set",
                target_type: "housing_norm",
                target_id: Some(row.id),
                unit_id: Some(*owner),
                changes: serde_json::json!({
                    "unit_id": row.unit_id, "kind": row.kind,
                    "effective_from": row.effective_from,
                    "amount": money::format(row.amount),
                }),
            },
        )
        .await?;
        written.push(NormView::from(row));
    }
    Ok(NormsView {
        items: written,
        in_force: None,
    })
}

/// The norms the caller sees; for one unit, those on its branch and the ones in force `on`.
pub async fn list(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    unit_id: Option<Uuid>,
    on: NaiveDate,
) -> AppResult<NormsView> {
    let Some(unit_id) = unit_id else {
        let rows = housing_norms::in_scope(conn, &user.scope.roots()).await?;
        return Ok(NormsView {
            items: rows.into_iter().map(NormView::from).collect(),
            in_force: None,
        });
    };
    let unit = lookups::unit_authorized(conn, &user.scope, Right::Read, unit_id).await?;
    let rows = housing_norms::on_branch(conn, &unit.ancestry).await?;
    let new = housing_norms::in_force(conn, unit.id, HouseKind::New.as_str(), on).await?;
    let repair = housing_norms::in_force(conn, unit.id, HouseKind::Repair.as_str(), on).await?;
    Ok(NormsView {
        items: rows.into_iter().map(NormView::from).collect(),
        in_force: Some(InForce {
            new: new.map(money::format),
            repair: repair.map(money::format),
        }),
    })
}
