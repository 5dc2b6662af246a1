//! Attachments: who may add evidence to a unit, recording an upload, and checking the evidence
//! a record (a house stage, a Tết delivery) points to. The bytes themselves are the store's
//! (`crate::storage`); the HTTP shape of an upload (multipart, size bounds) is the route's.

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::{AppError, AppResult};
use crate::audit::{self, Change};
use crate::auth::scope::{self, Right};
use crate::auth::AuthUser;
use crate::db::attachments::{self, AttachmentRow, NewAttachment};
use crate::db::units::{self, UnitRow};
use crate::domain::Role;
use crate::messages::attachments as messages;
use crate::views::attachments::AttachmentView;

/// The most attachments one record may point to.
pub const MAX_EVIDENCE: usize = 50;

/// Who handles money at a unit: they, at the unit or above, may add evidence to it (auditors and
/// admins handle no money and upload no evidence).
const UPLOADERS: [Role; 3] = [Role::Officer, Role::Approver, Role::Accountant];

/// The unit an upload is for, when `user` may add evidence to it; outside their scope the unit
/// does not exist (404).
pub async fn upload_target(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    unit_id: Uuid,
) -> AppResult<UnitRow> {
    let unit = units::find(conn, unit_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !user.scope.can_see(&unit) {
        return Err(AppError::NotFound);
    }
    let may = UPLOADERS
        .into_iter()
        .any(|role| user.scope.allows(Right::ActWithin(role), &unit));
    if may {
        Ok(unit)
    } else {
        Err(scope::needs(&UPLOADERS, &unit.code, true))
    }
}

/// Records a stored file as an attachment of its unit, with its audit event.
pub async fn record(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    new: &NewAttachment<'_>,
) -> AppResult<AttachmentView> {
    let row = attachments::insert(conn, new).await?;
    audit::record(
        conn,
        user,
        Change {
            action: "attachment.upload",
            target_type: "attachment",
            target_id: Some(new.id),
            unit_id: Some(new.unit_id),
            changes: serde_json::json!({
                "sha256": new.sha256,
                "size": new.size,
                "content_type": new.content_type,
            }),
        },
    )
    .await?;
    Ok(row.into())
}

/// Checks the attachments a record (a house stage, a Tết delivery) points to as evidence:
/// each must exist, belong to `unit` or a unit below it (so everyone who may read the record
/// may read its evidence), and be visible to `user`. Anything else is a 422 on `field`, worded
/// the same whether the attachment does not exist or is out of scope. Duplicate ids are fine.
pub async fn check_evidence(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    unit: &UnitRow,
    ids: &[Uuid],
    field: &str,
) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    if ids.len() > MAX_EVIDENCE {
        return Err(messages::too_much_evidence(field, MAX_EVIDENCE).into());
    }
    let mut wanted = ids.to_vec();
    wanted.sort();
    wanted.dedup();
    let rows = attachments::find_many(conn, &wanted).await?;
    if rows.len() != wanted.len() {
        return Err(messages::no_such_evidence(field).into());
    }
    let mut unit_ids: Vec<Uuid> = rows.iter().map(|a| a.unit_id).collect();
    unit_ids.sort();
    unit_ids.dedup();
    let owners: HashMap<Uuid, UnitRow> = units::find_many(conn, &unit_ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let fits = |a: &AttachmentRow| {
        owners
            .get(&a.unit_id)
            .is_some_and(|owner| owner.is_within(unit.id) && user.scope.can_see(owner))
    };
    if rows.iter().all(fits) {
        Ok(())
    } else {
        Err(messages::no_such_evidence(field).into())
    }
}
