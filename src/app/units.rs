//! The unit tree: create one unit below a unit the caller administers, and import an official
//! unit list (`POST /v1/units/import`, `doanket units import` and the demo seed all run
//! [`import`]). Every unit gets its fund and chart of accounts from the database's triggers.

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::users::Operator;
use super::{AppError, AppResult, Code};
use crate::audit::Change;
use crate::auth::scope::{self, Right};
use crate::auth::AuthUser;
use crate::db::units::{self, ImportCounts, ImportError, NewUnit, UnitRow};
use crate::domain::unit_file::{UnitFileError, UnitRecord};
use crate::domain::{Tier, UnitCode};
use crate::messages::units as messages;
use crate::views::units::{FormerName, UnitDetailView, UnitView};

/// A unit to create, parsed.
pub struct UnitDraft {
    pub code: UnitCode,
    pub name: String,
    pub full_name: String,
    pub kind: Option<String>,
    pub tier: Tier,
    pub parent_id: Uuid,
}

/// Creates a unit below `draft.parent_id`: the parent must be visible (422 `parent_id`
/// otherwise, revealing nothing) and administered by `admin` (403), the tier must fit under
/// the parent's (422 `invalid_tier`), the code must be new (409 `duplicate_unit_code`; a
/// concurrent request taking it first meets the unique constraint, which answers the same).
pub async fn create(
    conn: &mut AsyncPgConnection,
    admin: &AuthUser,
    draft: UnitDraft,
) -> AppResult<UnitView> {
    let parent = units::find(conn, draft.parent_id)
        .await?
        .filter(|p| admin.scope.can_see(p))
        .ok_or_else(|| AppError::from(messages::unknown_unit("parent_id")))?;
    admin.scope.authorize(Right::Administer, &parent)?;
    if !draft.tier.fits_under(parent.tier()) {
        return Err(messages::tier_does_not_fit(draft.tier, parent.tier()));
    }
    if units::find_by_code(conn, draft.code.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::refused(Code::DuplicateUnitCode));
    }
    let unit = units::insert(
        conn,
        &NewUnit {
            id: Uuid::now_v7(),
            code: draft.code.as_str(),
            name: &draft.name,
            full_name: &draft.full_name,
            kind: draft.kind.as_deref(),
            tier: draft.tier.as_str(),
            parent_id: Some(parent.id),
            search_text: units::search_text(draft.code.as_str(), &draft.name, &draft.full_name),
        },
    )
    .await?;
    Operator::User(admin)
        .record(
            conn,
            Change {
                action: "unit.create",
                target_type: "unit",
                target_id: Some(unit.id),
                unit_id: Some(unit.id),
                changes: serde_json::json!({"code": unit.code, "tier": unit.tier, "parent_id": parent.id}),
            },
        )
        .await?;
    Ok(UnitView::from(unit))
}

/// The central unit, when `admin` may import the national list there. Only an admin of the
/// central unit imports it; the endpoint and `TW` are no secret, so an admin elsewhere gets 403
/// rather than the 404 of an out-of-scope unit.
pub async fn central_for_import(
    conn: &mut AsyncPgConnection,
    admin: &AuthUser,
) -> AppResult<UnitRow> {
    let central = units::ensure_central(conn).await?;
    if !admin.scope.allows(Right::Administer, &central) {
        return Err(scope::lacking(Right::Administer, &central));
    }
    Ok(central)
}

/// Why an import did not happen: a line of the file (the caller shows it its own way: a 422
/// naming the line, or the CLI's message), or anything a command refuses.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error(transparent)]
    File(UnitFileError),
    #[error(transparent)]
    App(#[from] AppError),
}

/// Imports parsed records idempotently, inside the caller's transaction, and records the import
/// in the audit trail. `record_unchanged` false skips the audit record when nothing was created
/// (the demo seed runs at every start).
pub async fn import(
    conn: &mut AsyncPgConnection,
    by: Operator<'_>,
    records: Vec<UnitRecord>,
    record_unchanged: bool,
) -> Result<ImportCounts, ImportFailure> {
    let counts = units::import(conn, records).await.map_err(|e| match e {
        ImportError::File(e) => ImportFailure::File(e),
        ImportError::Db(e) => ImportFailure::App(e.into()),
    })?;
    if record_unchanged || counts.created > 0 {
        let central = units::ensure_central(conn).await.map_err(AppError::from)?;
        by.record(
            conn,
            Change {
                action: "unit.import",
                target_type: "unit",
                target_id: Some(central.id),
                unit_id: Some(central.id),
                changes: serde_json::to_value(counts).map_err(AppError::internal)?,
            },
        )
        .await
        .map_err(AppError::from)?;
    }
    Ok(counts)
}

/// One unit the caller may see (404 otherwise), with the names it had before.
pub async fn detail(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    unit: Option<UnitRow>,
) -> AppResult<UnitDetailView> {
    let unit = unit.ok_or(AppError::NotFound)?;
    super::lookups::authorize(conn, &user.scope, Right::Read, &unit).await?;
    let former_names = units::former_names(conn, unit.id).await?;
    Ok(UnitDetailView {
        unit: UnitView::from(unit),
        former_names: former_names.into_iter().map(FormerName::from).collect(),
    })
}
