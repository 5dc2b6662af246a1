//! Contributions to a house project from outside the fund (the state budget, sponsors, the
//! community, the household): recorded by an officer of the funding unit while the works go
//! on. They move no fund money, so no journal entry is posted.

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::{lookups, AppError, AppResult};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::house_contributions::{self, NewContribution};
use crate::db::houses;
use crate::domain::house::Contribution;
use crate::domain::spending::Status;
use crate::domain::Role;
use crate::messages::houses as says;
use crate::views::house_contributions::ContributionView;

/// The project and its funding unit, when the caller holds `right` there (404 outside the
/// scope).
async fn project(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    right: Right,
) -> AppResult<(Uuid, Uuid)> {
    let house = houses::find(conn, id).await?.ok_or(AppError::NotFound)?;
    let unit = lookups::unit_authorized(conn, &user.scope, right, house.funding_unit_id).await?;
    Ok((house.id, unit.id))
}

/// The project and its funding unit, when the caller is an officer there.
pub async fn authorize(
    conn: &mut AsyncPgConnection,
    officer: &AuthUser,
    id: Uuid,
) -> AppResult<(Uuid, Uuid)> {
    project(conn, officer, id, Right::ActAs(Role::Officer)).await
}

/// Records a contribution while the project (locked) is approved, started or completed.
pub async fn record(
    conn: &mut AsyncPgConnection,
    officer: &AuthUser,
    house_id: Uuid,
    unit_id: Uuid,
    c: &Contribution,
) -> AppResult<ContributionView> {
    // the state is read under the row lock, so a step taken meanwhile is seen
    let house = houses::lock(conn, house_id).await?;
    if !matches!(
        Status::parse(&house.status),
        Some(Status::Approved | Status::Started | Status::Completed)
    ) {
        return Err(says::no_contribution_while(&house.status));
    }
    let row = house_contributions::insert(
        conn,
        &NewContribution {
            id: Uuid::now_v7(),
            house_id,
            source: c.source.as_str(),
            kind: c.kind.as_str(),
            value: c.value,
            labour_days: c.labour_days,
            name: c.name.as_deref(),
            description: c.description.as_deref(),
            contributed_on: c.contributed_on,
            recorded_by: officer.id.0,
        },
    )
    .await?;
    audit::record(
        conn,
        officer,
        Change {
            action: "house.contribution",
            target_type: "house",
            target_id: Some(house_id),
            unit_id: Some(unit_id),
            // no names: a contributor may be a person
            changes: serde_json::json!({
                "contribution_id": row.id,
                "source": row.source,
                "kind": row.kind,
                "value": row.value.to_string(),
                "labour_days": row.labour_days.map(|d| d.to_string()),
            }),
        },
    )
    .await?;
    Ok(ContributionView::from(row))
}

/// A page of the project's contributions (`limit` rows, oldest first, after `after`).
pub async fn list(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    after: Option<Uuid>,
    limit: i64,
) -> AppResult<Vec<ContributionView>> {
    let (house_id, _) = project(conn, user, id, Right::Read).await?;
    let rows = house_contributions::list_for_house(conn, house_id, after, limit).await?;
    Ok(rows.into_iter().map(ContributionView::from).collect())
}
