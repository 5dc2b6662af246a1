//! The journal of a fund: entries with their postings, manual entries by the finance officer,
//! and reversing entries. The database holds the invariants; these handlers check what they can
//! first, so a client gets a precise field error rather than a bare rule violation.

pub mod create;
pub mod get;
pub mod list;
pub mod reverse;

use std::collections::HashMap;

use actix_web::web;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::{money, UnitId};
use crate::error::{ApiError, ApiResult};
use crate::ledger::entries::{self, EntryRow, PostingRow};
use crate::ledger::{Side, SourceType};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list::list)
        .service(create::create)
        .service(get::get)
        .service(reverse::reverse);
}

/// One posting of an entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryPostingView {
    pub account_id: Uuid,
    /// `1111`, `5111`, `1121.2`…
    pub account_code: String,
    pub side: Side,
    /// Whole đồng, as a string.
    #[schema(example = "1500000")]
    pub amount: String,
    /// The earmark (restricted campaign), if any.
    pub campaign_id: Option<Uuid>,
}

/// A journal entry with its postings.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryView {
    pub id: Uuid,
    pub unit_id: UnitId,
    /// Local date (Asia/Ho_Chi_Minh) that decides the entry's period.
    pub effective_date: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub source_type: SourceType,
    /// The donation, disbursement, transfer… the entry records.
    pub source_id: Option<Uuid>,
    pub description: String,
    pub reason: Option<String>,
    /// The entry this one reverses (reversals and donation voids).
    pub reverses_id: Option<Uuid>,
    /// The entry that reverses this one, once reversed.
    pub reversed_by: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub postings: Vec<EntryPostingView>,
}

impl EntryView {
    fn new(e: EntryRow, postings: Vec<PostingRow>, reversed_by: Option<Uuid>) -> EntryView {
        EntryView {
            id: e.id,
            unit_id: UnitId(e.unit_id),
            effective_date: e.effective_date,
            recorded_at: e.recorded_at,
            // the column's CHECK admits only the known source types
            source_type: SourceType::parse(&e.source_type).unwrap_or(SourceType::Manual),
            source_id: e.source_id,
            description: e.description,
            reason: e.reason,
            reverses_id: e.reverses_id,
            reversed_by,
            created_by: e.created_by,
            postings: postings
                .into_iter()
                .map(|p| EntryPostingView {
                    account_id: p.account_id,
                    account_code: p.account_code,
                    side: Side::parse(&p.side).unwrap_or(Side::Debit),
                    amount: money::format(p.amount),
                    campaign_id: p.campaign_id,
                })
                .collect(),
        }
    }
}

/// Views of `rows` with their postings and reversals, in the order given (two queries per page).
pub async fn views(
    conn: &mut AsyncPgConnection,
    rows: Vec<EntryRow>,
) -> QueryResult<Vec<EntryView>> {
    let ids: Vec<Uuid> = rows.iter().map(|e| e.id).collect();
    let mut postings: HashMap<Uuid, Vec<PostingRow>> = HashMap::new();
    for p in entries::postings_of(conn, &ids).await? {
        postings.entry(p.entry_id).or_default().push(p);
    }
    let reversals = entries::reversals_of(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|e| {
            let lines = postings.remove(&e.id).unwrap_or_default();
            let reversed_by = reversals.get(&e.id).copied();
            EntryView::new(e, lines, reversed_by)
        })
        .collect())
}

/// One entry's view, or 404.
pub async fn view(conn: &mut AsyncPgConnection, id: Uuid) -> ApiResult<EntryView> {
    let row = entries::find(conn, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    views(conn, vec![row])
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let c = crate::pagination::encode(&crate::pagination::cursor_key(d, 42i64));
        assert_eq!(
            crate::pagination::decode_cursor::<i64>(Some(&c)).unwrap(),
            Some((d, 42))
        );
        assert!(crate::pagination::decode_cursor::<Uuid>(Some(&c)).is_err());
        assert!(
            crate::pagination::decode_cursor::<i64>(Some(&crate::pagination::encode("2026-03-01")))
                .is_err()
        );
    }
}
