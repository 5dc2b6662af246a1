//! Campaigns (đợt vận động): opened by an officer or approver of a unit, usable by that unit and
//! every unit below it (`app::lookups::campaign_usable_by`).

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::{AppError, AppResult};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::campaigns::{self, NewCampaign};
use crate::db::units;
use crate::domain::{text, Role};
use crate::views::campaigns::{CampaignKind, CampaignView};

/// A campaign to open, parsed.
pub struct CampaignDraft {
    pub unit_id: Uuid,
    pub kind: CampaignKind,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub restricted: bool,
}

/// Opens a campaign of `draft.unit_id`: 404 outside the caller's scope, 403 unless they are
/// its approver or officer.
pub async fn create(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    draft: CampaignDraft,
) -> AppResult<CampaignView> {
    let unit = units::find(conn, draft.unit_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !user.scope.allows(Right::ActAs(Role::Approver), &unit) {
        super::lookups::authorize(conn, &user.scope, Right::ActAs(Role::Officer), &unit).await?;
    }
    super::lookups::unit_takes(&unit, draft.starts_on)?;
    let campaign = campaigns::insert(
        conn,
        &NewCampaign {
            id: Uuid::now_v7(),
            unit_id: unit.id,
            kind: draft.kind.as_str(),
            name: &draft.name,
            starts_on: draft.starts_on,
            ends_on: draft.ends_on,
            restricted: draft.restricted,
            search_text: text::fold(&draft.name),
            created_by: Some(user.id.0),
        },
    )
    .await?;
    audit::record(
        conn,
        user,
        Change {
            action: "campaign.create",
            target_type: "campaign",
            target_id: Some(campaign.id),
            unit_id: Some(unit.id),
            changes: serde_json::json!({"kind": campaign.kind, "restricted": campaign.restricted}),
        },
    )
    .await?;
    Ok(campaign.into())
}

/// One campaign, when `user` can use or see it (its unit is in their scope or above it).
pub async fn get(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
) -> AppResult<CampaignView> {
    let campaign = campaigns::find(conn, id).await?.ok_or(AppError::NotFound)?;
    let owners = campaigns::visible_owners(conn, &user.scope.roots()).await?;
    if !owners.contains(&campaign.unit_id) {
        return Err(AppError::NotFound);
    }
    Ok(campaign.into())
}
