//! The household registry (api.md "Households"): register in a commune (one registration per
//! national ID, anywhere), list and search by name without diacritics, read, correct, and the
//! history of support each household received.

use std::collections::HashSet;

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::{lookups, AppError, AppResult, Code};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::households::{
    self, HouseholdChangeset, HouseholdFilter, HouseholdRow, NewHousehold,
};
use crate::db::units::{self, UnitRow};
use crate::domain::household::{Household, HouseholdChanges, HouseholdStatus};
use crate::domain::{text, Role, Tier};
use crate::messages::households as says;
use crate::views::households::{HistoryView, HouseholdView, RegisteredHouseholdView, SupportView};

/// The warning of a registration whose head of household already lives in the village.
pub const POSSIBLE_DUPLICATE: &str = "possible_duplicate";

/// The household and its commune, if the caller holds `right` there (404 outside the scope).
pub async fn find(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
    right: Right,
) -> AppResult<(HouseholdRow, UnitRow)> {
    let household = households::find(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let unit = lookups::unit_authorized(conn, &user.scope, right, household.unit_id).await?;
    Ok((household, unit))
}

/// One household; its phone only for callers who may read personal data there.
pub async fn get(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
) -> AppResult<HouseholdView> {
    let (household, unit) = find(conn, user, id, Right::Read).await?;
    let personal = lookups::allows(conn, &user.scope, Right::ReadPersonal, &unit).await?;
    Ok(HouseholdView::new(household, personal))
}

/// The support the household received: Tết gifts, grants, houses.
pub async fn history(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
) -> AppResult<HistoryView> {
    let (household, _) = find(conn, user, id, Right::Read).await?;
    let items = households::history(conn, household.id).await?;
    Ok(HistoryView {
        household_id: household.id,
        items: items.into_iter().map(SupportView::from).collect(),
    })
}

/// What the list asks for.
pub struct ListQuery<'a> {
    pub unit_id: Option<Uuid>,
    pub status: Option<HouseholdStatus>,
    /// A fragment of the head's name, as typed.
    pub q: Option<&'a str>,
    pub after: Option<Uuid>,
    /// Rows to read (the page size and one more).
    pub limit: i64,
}

/// Households in the caller's scope (or under `unit_id`), searched by name without diacritics.
pub async fn list(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    query: ListQuery<'_>,
) -> AppResult<Vec<HouseholdView>> {
    let q = match query.q.map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => Some(text::fold(
            &text::clean(q, 100).ok_or_else(says::query_length)?,
        )),
        None => None,
    };
    let roots = match query.unit_id {
        Some(id) => vec![
            lookups::unit_authorized(conn, &user.scope, Right::Read, id)
                .await?
                .id,
        ],
        None => user.scope.roots(),
    };
    if roots.is_empty() {
        return Ok(vec![]);
    }
    let rows = households::list(
        conn,
        HouseholdFilter {
            roots: &roots,
            status: query.status.map(HouseholdStatus::as_str),
            q,
            after: query.after,
            limit: query.limit,
        },
    )
    .await?;
    // personal data per unit: the communes on this page decide who sees the phone
    let mut unit_ids: Vec<Uuid> = rows.iter().map(|h| h.unit_id).collect();
    unit_ids.sort();
    unit_ids.dedup();
    let mut personal: HashSet<Uuid> = HashSet::new();
    for u in units::find_many(conn, &unit_ids).await? {
        if lookups::allows(conn, &user.scope, Right::ReadPersonal, &u).await? {
            personal.insert(u.id);
        }
    }
    Ok(rows
        .into_iter()
        .map(|h| {
            let contact = personal.contains(&h.unit_id);
            HouseholdView::new(h, contact)
        })
        .collect())
}

/// The commune a household is registered in, when the officer may act there (404/403), it
/// still takes registrations on the local day `today` (409 `unit_dissolved`), and it is a
/// commune (422).
pub async fn commune_for(
    conn: &mut AsyncPgConnection,
    officer: &AuthUser,
    unit_id: Uuid,
    today: NaiveDate,
) -> AppResult<UnitRow> {
    let unit = lookups::unit_authorized(
        conn,
        &officer.scope,
        Right::ActWithin(Role::Officer),
        unit_id,
    )
    .await?;
    lookups::unit_takes(&unit, today)?;
    if unit.tier() != Tier::Commune {
        return Err(says::not_a_commune().into());
    }
    Ok(unit)
}

/// Registers a household in `unit` (checked by `commune_for`); the national ID as its HMAC.
/// A national ID registered before fails on its unique constraint (409 `duplicate_household`,
/// which `duplicate` completes), rolling back the whole transaction.
pub async fn register(
    conn: &mut AsyncPgConnection,
    officer: &AuthUser,
    unit: &UnitRow,
    h: &Household,
    hmac: &[u8],
) -> AppResult<RegisteredHouseholdView> {
    let new = NewHousehold {
        id: Uuid::now_v7(),
        unit_id: unit.id,
        head_name: &h.head_name,
        name_key: text::fold(&h.head_name),
        village: &h.village,
        village_key: text::fold(&h.village),
        national_id_hmac: hmac,
        national_id_last4: h.national_id.last4(),
        address: &h.address,
        members: h.members,
        status: h.status.as_str(),
        status_year: h.status_year,
        poverty_cert_no: h.poverty_cert_no.as_deref(),
        ethnicity: h.ethnicity.as_deref(),
        phone: h.phone.as_deref(),
        created_by: officer.id.0,
    };
    let similar =
        households::has_same_name_in_village(conn, new.unit_id, &new.village_key, &new.name_key)
            .await?;
    let row = households::insert(conn, &new).await?;
    audit::record(
        conn,
        officer,
        Change {
            action: "household.create",
            target_type: "household",
            target_id: Some(row.id),
            unit_id: Some(row.unit_id),
            // no name, national ID or phone in the trail
            changes: serde_json::json!({
                "status": row.status,
                "status_year": row.status_year,
                "members": row.members,
                "possible_duplicate": similar,
            }),
        },
    )
    .await?;
    Ok(RegisteredHouseholdView {
        household: HouseholdView::new(row, true),
        warnings: if similar {
            vec![POSSIBLE_DUPLICATE.to_owned()]
        } else {
            vec![]
        },
    })
}

/// 409 `duplicate_household`, naming the household registered with the national ID when the
/// officer may see it.
pub async fn duplicate(
    conn: &mut AsyncPgConnection,
    officer: &AuthUser,
    hmac: &[u8],
) -> AppResult<AppError> {
    let error = AppError::refused(Code::DuplicateHousehold);
    let Some((id, unit_id)) = households::find_by_national_id(conn, hmac).await? else {
        return Ok(error);
    };
    let visible = units::find(conn, unit_id)
        .await?
        .is_some_and(|u| officer.scope.can_see(&u));
    Ok(if visible {
        error.with_member("existing_household_id", serde_json::json!(id))
    } else {
        error
    })
}

/// Corrects a household (locked in the caller's transaction); only the fields that differ are
/// written and audited (by name: the values are personal data).
pub async fn update(
    conn: &mut AsyncPgConnection,
    officer: &AuthUser,
    id: Uuid,
    changes: &HouseholdChanges,
) -> AppResult<HouseholdRow> {
    let current = households::find_for_update(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (set, fields) = changeset(&current, changes);
    if fields.is_empty() {
        return Ok(current);
    }
    let row = households::update(conn, current.id, &set).await?;
    audit::record(
        conn,
        officer,
        Change {
            action: "household.update",
            target_type: "household",
            target_id: Some(row.id),
            unit_id: Some(row.unit_id),
            // field names only: the values are personal data
            changes: serde_json::json!({ "fields": fields }),
        },
    )
    .await?;
    Ok(row)
}

fn changeset<'a>(
    current: &HouseholdRow,
    c: &'a HouseholdChanges,
) -> (HouseholdChangeset<'a>, Vec<&'static str>) {
    let mut fields = Vec::new();
    let mut changed = |name: &'static str, differs: bool| {
        if differs {
            fields.push(name);
        }
        differs
    };
    let head_name = c
        .head_name
        .as_deref()
        .filter(|v| changed("head_name", *v != current.head_name));
    let village = c
        .village
        .as_deref()
        .filter(|v| changed("village", *v != current.village));
    let address = c
        .address
        .as_deref()
        .filter(|v| changed("address", *v != current.address));
    let members = c
        .members
        .filter(|v| changed("members", *v != current.members));
    let status = c
        .status
        .filter(|v| changed("status", *v != current.status))
        .map(HouseholdStatus::as_str);
    let status_year = c
        .status_year
        .filter(|v| changed("status_year", *v != current.status_year));
    let poverty_cert_no = c
        .poverty_cert_no
        .as_ref()
        .map(Option::as_deref)
        .filter(|v| changed("poverty_cert_no", *v != current.poverty_cert_no.as_deref()));
    let ethnicity = c
        .ethnicity
        .as_ref()
        .map(Option::as_deref)
        .filter(|v| changed("ethnicity", *v != current.ethnicity.as_deref()));
    let phone = c
        .phone
        .as_ref()
        .map(Option::as_deref)
        .filter(|v| changed("phone", *v != current.phone.as_deref()));
    let set = HouseholdChangeset {
        head_name,
        name_key: head_name.map(text::fold),
        village,
        village_key: village.map(text::fold),
        address,
        members,
        status,
        status_year,
        poverty_cert_no,
        ethnicity,
        phone,
    };
    (set, fields)
}
