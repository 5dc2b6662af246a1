//! What the API shows of households: the registration (the national ID only as its last four
//! digits, the phone only to callers who may read personal data) and the support history.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::households::{HouseholdRow, SupportRow};
use crate::domain::household::HouseholdStatus;
use crate::domain::money;

#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdView {
    pub id: Uuid,
    /// The commune.
    pub unit_id: Uuid,
    pub head_name: String,
    /// The rest of the CCCD is never stored.
    pub national_id_last4: String,
    pub village: String,
    pub address: String,
    pub members: i32,
    #[schema(value_type = HouseholdStatus)]
    pub status: String,
    pub status_year: i32,
    pub poverty_cert_no: Option<String>,
    pub ethnicity: Option<String>,
    /// Only for officers, finance officers and auditors in scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl HouseholdView {
    /// `personal`: whether the viewer may read personal data (`Right::ReadPersonal`).
    pub fn new(h: HouseholdRow, personal: bool) -> Self {
        HouseholdView {
            id: h.id,
            unit_id: h.unit_id,
            head_name: h.head_name,
            national_id_last4: h.national_id_last4,
            village: h.village,
            address: h.address,
            members: h.members,
            status: h.status.as_str().to_owned(),
            status_year: h.status_year,
            poverty_cert_no: h.poverty_cert_no,
            ethnicity: h.ethnicity,
            phone: h.phone.filter(|_| personal),
            created_at: h.created_at,
            updated_at: h.updated_at,
        }
    }
}

/// A registration: the household, and hints for the officer.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisteredHouseholdView {
    #[serde(flatten)]
    pub household: HouseholdView,
    /// `possible_duplicate`: a household with the same name (without diacritics) already lives
    /// in this village of the commune. Empty otherwise.
    pub warnings: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SupportKind {
    TetGift,
    Grant,
    House,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupportView {
    #[schema(value_type = SupportKind)]
    pub kind: String,
    /// The Tết batch, the grant (disbursement) or the house project.
    pub id: Uuid,
    /// The unit whose fund gives it.
    pub unit_id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<Uuid>,
    /// Gifts: `pending`, `delivered` or `returned`; grants and houses: their lifecycle state.
    pub status: String,
    /// Whole đồng, a string (a gift's cash plus the value of its goods; a house's support).
    pub amount: String,
    /// Delivered on (gifts), paid on (grants), or handed over (else completed, else started)
    /// on (houses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Grants: their category; houses: their kind (`new` or `repair`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

impl From<SupportRow> for SupportView {
    fn from(r: SupportRow) -> Self {
        SupportView {
            kind: r.kind,
            id: r.id,
            unit_id: r.unit_id,
            campaign_id: r.campaign_id,
            status: r.status,
            amount: money::format(r.amount),
            date: r.date,
            category: r.category,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryView {
    pub household_id: Uuid,
    /// Newest first.
    pub items: Vec<SupportView>,
}
