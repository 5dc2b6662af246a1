//! Journal entries as the API shows them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::{money, UnitId};
use crate::ledger::entries::{EntryRow, PostingRow};
use crate::ledger::{Side, SourceType};

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
    /// The view of an entry with its postings and its reversal. A source type or side the code
    /// does not know is broken data (the columns' CHECKs admit only known ones): `Err` names it.
    pub fn new(
        e: EntryRow,
        postings: Vec<PostingRow>,
        reversed_by: Option<Uuid>,
    ) -> Result<EntryView, String> {
        let source_type = SourceType::parse(&e.source_type)
            .ok_or_else(|| format!("entry {}: source type {:?}", e.id, e.source_type))?;
        let postings = postings
            .into_iter()
            .map(|p| {
                Ok(EntryPostingView {
                    side: Side::parse(&p.side)
                        .ok_or_else(|| format!("posting {}: side {:?}", p.id, p.side))?,
                    account_id: p.account_id,
                    account_code: p.account_code,
                    amount: money::format(p.amount),
                    campaign_id: p.campaign_id,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(EntryView {
            id: e.id,
            unit_id: UnitId(e.unit_id),
            effective_date: e.effective_date,
            recorded_at: e.recorded_at,
            source_type,
            source_id: e.source_id,
            description: e.description,
            reason: e.reason,
            reverses_id: e.reverses_id,
            reversed_by,
            created_by: e.created_by,
            postings,
        })
    }
}
