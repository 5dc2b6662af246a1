//! Donor names waiting for an officer's check (`app::donations::correct_donor`): one row per
//! donation booked from a statement line whose donor the reader could not read with enough
//! confidence to publish; closed once, when an officer corrects or confirms the donor.

use std::collections::HashSet;

use diesel::dsl::now;
use diesel::prelude::*;
use diesel::sql_types::{Array, Int2};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::donor_name_checks as checks;

/// Opens a check for each of `donations`, with the reader's confidence. One round trip.
pub async fn open(
    conn: &mut AsyncPgConnection,
    donations: &[Uuid],
    confidences: &[i16],
) -> QueryResult<()> {
    if donations.is_empty() {
        return Ok(());
    }
    diesel::sql_query(
        "INSERT INTO donor_name_checks (donation_id, confidence)
         SELECT * FROM unnest($1::uuid[], $2::int2[])",
    )
    .bind::<Array<diesel::sql_types::Uuid>, _>(donations)
    .bind::<Array<Int2>, _>(confidences)
    .execute(conn)
    .await
    .map(drop)
}

/// Which of `donations` still wait for a check.
pub async fn waiting(
    conn: &mut AsyncPgConnection,
    donations: &[Uuid],
) -> QueryResult<HashSet<Uuid>> {
    let ids: Vec<Uuid> = checks::table
        .filter(checks::donation_id.eq_any(donations))
        .filter(checks::checked_at.is_null())
        .select(checks::donation_id)
        .load(conn)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Closes the open check of `donation`, if any; whether there was one.
pub async fn close(conn: &mut AsyncPgConnection, donation: Uuid, by: Uuid) -> QueryResult<bool> {
    let n = diesel::update(
        checks::table
            .filter(checks::donation_id.eq(donation))
            .filter(checks::checked_at.is_null()),
    )
    .set((checks::checked_by.eq(by), checks::checked_at.eq(now)))
    .execute(conn)
    .await?;
    Ok(n > 0)
}
