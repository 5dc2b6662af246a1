//! A donation as the API shows it, and its one conversion from the stored row.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::donations::DonationRow;
use crate::domain::donation::{Channel, DonorKind, InKindItem, PublicDisplay};
use crate::domain::money;

#[derive(Debug, Serialize, ToSchema)]
pub struct DonorView {
    #[schema(value_type = DonorKind)]
    pub kind: String,
    pub name: Option<String>,
    /// Contact details: only for officers, finance officers and auditors in scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DonationView {
    pub id: Uuid,
    /// `{unit_code}-{yyyy}-{seq:06}`, gapless per unit and year.
    pub receipt_number: String,
    /// `recorded` or `void`.
    pub status: String,
    pub unit_id: Uuid,
    pub campaign_id: Option<Uuid>,
    #[schema(value_type = Channel)]
    pub channel: String,
    /// In `currency`, a decimal string.
    pub amount: String,
    pub currency: String,
    pub fx_rate: Option<String>,
    /// What the ledger posted, whole đồng.
    pub amount_vnd: String,
    pub received_on: NaiveDate,
    pub donor: DonorView,
    #[schema(value_type = PublicDisplay)]
    pub public_display: String,
    /// The donor was read from a bank statement line with too little confidence to publish a
    /// name (the public sees "Nhà hảo tâm" meanwhile): a finance officer checks it against the
    /// line and corrects it (`POST /v1/donations/{id}/donor`).
    pub donor_name_to_check: bool,
    pub bank_account_id: Option<Uuid>,
    pub bank_reference: Option<String>,
    #[schema(value_type = Option<Vec<InKindItem>>)]
    pub in_kind_items: Option<serde_json::Value>,
    pub note: Option<String>,
    pub journal_entry_id: Uuid,
    pub void_entry_id: Option<Uuid>,
    pub void_reason: Option<String>,
    pub voided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl DonationView {
    /// The view with its `donor_name_to_check` (`db::donor_name_checks::waiting`).
    pub fn name_to_check(mut self, waiting: bool) -> Self {
        self.donor_name_to_check = waiting;
        self
    }

    /// `with_contact`: whether the viewer may see the donor's contact details.
    pub fn new(d: DonationRow, with_contact: bool) -> Self {
        let contact = |v: Option<String>| if with_contact { v } else { None };
        DonationView {
            id: d.id,
            receipt_number: d.receipt_number,
            status: d.status,
            unit_id: d.unit_id,
            campaign_id: d.campaign_id,
            channel: d.channel,
            amount: money::format_in(d.amount, &d.currency),
            currency: d.currency,
            fx_rate: d.fx_rate.map(money::format),
            amount_vnd: money::format(d.amount_vnd),
            received_on: d.received_on,
            donor: DonorView {
                kind: d.donor_kind,
                name: d.donor_name,
                phone: contact(d.donor_phone),
                email: contact(d.donor_email),
                address: contact(d.donor_address),
                tax_code: contact(d.donor_tax_code),
            },
            public_display: d.public_display,
            donor_name_to_check: false,
            bank_account_id: d.bank_account_id,
            bank_reference: d.bank_reference,
            in_kind_items: d.in_kind_items,
            note: d.note,
            journal_entry_id: d.journal_entry_id,
            void_entry_id: d.void_entry_id,
            void_reason: d.void_reason,
            voided_at: d.voided_at,
            created_at: d.created_at,
        }
    }
}
