//! What the API shows of Tết gift batches: the batch with its recipient counts and totals, each
//! recipient's status, and what one delivery sync recorded.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::tet_batches::{Counts, RecipientRow, TetBatchRow};
use crate::db::units::UnitRow;
use crate::domain::money;
use crate::domain::spending::{Method, Status};
pub use crate::domain::tet::{AckMethod, RecipientStatus};
use crate::domain::text::spreadsheet_safe as cell;

/// The gift each household of the batch gets.
#[derive(Debug, Serialize, ToSchema)]
pub struct GiftView {
    #[schema(example = "500000")]
    pub cash_amount: String,
    pub in_kind_description: Option<String>,
    #[schema(example = "0")]
    pub in_kind_value: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecipientView {
    pub household_id: Uuid,
    /// Only for callers who may read personal data in the paying unit's area.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head_name: Option<String>,
    pub village: String,
    #[schema(value_type = RecipientStatus)]
    pub status: String,
    pub delivered_on: Option<NaiveDate>,
    #[schema(value_type = Option<AckMethod>)]
    pub ack_method: Option<String>,
}

impl RecipientView {
    pub fn new(r: RecipientRow, personal: bool) -> Self {
        RecipientView {
            household_id: r.household_id,
            head_name: personal.then_some(r.head_name),
            village: r.village,
            status: r.status.as_str().to_owned(),
            delivered_on: r.delivered_on,
            ack_method: r.ack_method.map(|m| m.as_str().to_owned()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TetBatchView {
    pub id: Uuid,
    /// The paying unit.
    pub unit_id: Uuid,
    pub campaign_id: Uuid,
    /// The campaign when it is restricted: the money the batch uses.
    pub earmark_id: Option<Uuid>,
    pub gift: GiftView,
    #[schema(value_type = Method)]
    pub method: String,
    pub bank_account_id: Option<Uuid>,
    #[schema(value_type = Status)]
    pub status: String,
    pub household_count: i64,
    pub pending_count: i64,
    pub delivered_count: i64,
    pub returned_count: i64,
    pub withdrawn_count: i64,
    /// household_count × (cash_amount + in_kind_value)
    #[schema(example = "1500000")]
    pub amount: String,
    /// delivered_count × (cash_amount + in_kind_value)
    pub delivered_amount: String,
    /// What closing gave back to the fund: returned_count × (cash_amount + in_kind_value).
    pub returned_amount: String,
    pub submitted_by: Uuid,
    pub submitted_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub disbursed_by: Option<Uuid>,
    pub disbursed_at: Option<DateTime<Utc>>,
    pub disbursed_on: Option<NaiveDate>,
    /// The entry that posted the batch total (6121 / 1111, 1121.N, 1551).
    pub journal_entry_id: Option<Uuid>,
    pub closed_by: Option<Uuid>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_on: Option<NaiveDate>,
    /// The entry that returned the undelivered gifts; null when every gift was delivered.
    pub settlement_entry_id: Option<Uuid>,
    /// Per household, in list order: only in `GET /v1/tet-batches/{id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipients: Option<Vec<RecipientView>>,
}

impl TetBatchView {
    pub fn new(b: TetBatchRow, c: Counts, recipients: Option<Vec<RecipientView>>) -> Self {
        let gift = b.gift_value();
        TetBatchView {
            id: b.id,
            unit_id: b.unit_id,
            campaign_id: b.campaign_id,
            earmark_id: b.earmark_id,
            gift: GiftView {
                cash_amount: money::format(b.cash_amount),
                in_kind_description: b.in_kind_description,
                in_kind_value: money::format(b.in_kind_value),
            },
            method: b.method.as_str().to_owned(),
            bank_account_id: b.bank_account_id,
            status: b.status,
            household_count: i64::from(b.household_count),
            pending_count: c.pending,
            delivered_count: c.delivered,
            returned_count: c.returned,
            withdrawn_count: c.withdrawn,
            amount: money::format(b.amount),
            delivered_amount: money::format(gift * Decimal::from(c.delivered)),
            returned_amount: money::format(gift * Decimal::from(c.returned)),
            submitted_by: b.submitted_by,
            submitted_at: b.submitted_at,
            decided_by: b.decided_by,
            decided_at: b.decided_at,
            decision_reason: b.decision_reason,
            disbursed_by: b.disbursed_by,
            disbursed_at: b.disbursed_at,
            disbursed_on: b.disbursed_on,
            journal_entry_id: b.journal_entry_id,
            closed_by: b.closed_by,
            closed_at: b.closed_at,
            closed_on: b.closed_on,
            settlement_entry_id: b.settlement_entry_id,
            recipients,
        }
    }
}

/// What one sync changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveriesView {
    /// Deliveries this request recorded.
    pub delivered: i64,
    /// Households of this request whose delivery was already recorded (the first record
    /// stands).
    pub already_recorded: i64,
    /// Recipients of the batch still waiting for their gift.
    pub pending: i64,
}

/// The title of the C-02Q list.
pub const TITLE: &str = "DANH SÁCH CHI TIỀN CHO NGƯỜI NGHÈO – TẾT";
pub const HEADER: [&str; 9] = [
    "STT",
    "Họ và tên chủ hộ",
    "Thôn/xóm",
    "CCCD (4 số cuối)",
    "Số tiền",
    "Hiện vật",
    "Ngày nhận",
    "Hình thức xác nhận",
    "Ký nhận",
];

fn ack_label(method: Option<AckMethod>, status: RecipientStatus) -> &'static str {
    match (method, status) {
        (Some(m), _) => m.label(),
        (_, RecipientStatus::Returned) => "Chưa nhận – đã thu hồi",
        (_, RecipientStatus::Withdrawn) => "Đã rút khỏi danh sách",
        _ => "",
    }
}

fn writer(buf: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().flexible(true).from_writer(buf)
}

/// An empty line between sections (the csv writer would write `""` for an empty record).
fn blank(w: csv::Writer<Vec<u8>>) -> Result<csv::Writer<Vec<u8>>, csv::Error> {
    let mut buf = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    buf.push(b'\n');
    Ok(writer(buf))
}

/// The signed paper list (C-02Q style) of a batch as CSV: title lines, one row per household
/// in list order with the cash amount, the goods' value, the delivery date and how it was
/// acknowledged, a total row, and the signature lines of the preparer, the accountant and the
/// head of the unit.
pub fn recipients_csv(
    unit: &UnitRow,
    campaign: &str,
    batch: &TetBatchRow,
    recipients: &[RecipientRow],
) -> Result<Vec<u8>, csv::Error> {
    let mut buf = Vec::with_capacity(128 * (recipients.len() + 16));
    // a byte-order mark, so spreadsheet programs read the Vietnamese as UTF-8
    buf.extend_from_slice("\u{feff}".as_bytes());
    let mut out = writer(buf);
    out.write_record([cell(&unit.full_name)])?;
    out.write_record([TITLE])?;
    out.write_record([cell(campaign)])?;
    out.write_record([format!("Đợt chi: {}", batch.id)])?;
    let mut gift = format!(
        "Quà mỗi hộ: {} đồng tiền mặt",
        money::format(batch.cash_amount)
    );
    if let Some(d) = &batch.in_kind_description {
        gift.push_str(&format!(
            "; hiện vật: {d} trị giá {} đồng",
            money::format(batch.in_kind_value)
        ));
    }
    out.write_record([cell(&gift)])?;
    out = blank(out)?;
    out.write_record(HEADER)?;
    let cash = money::format(batch.cash_amount);
    let goods = if batch.in_kind_value.is_zero() {
        String::new()
    } else {
        money::format(batch.in_kind_value)
    };
    for (i, r) in recipients.iter().enumerate() {
        let delivered_on = r
            .delivered_on
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default();
        out.write_record([
            (i + 1).to_string(),
            cell(&r.head_name),
            cell(&r.village),
            r.national_id_last4.clone(),
            cash.clone(),
            goods.clone(),
            delivered_on,
            ack_label(r.ack_method, r.status).to_owned(),
            String::new(),
        ])?;
    }
    let n = Decimal::from(recipients.len());
    let total_goods = if batch.in_kind_value.is_zero() {
        String::new()
    } else {
        money::format(n * batch.in_kind_value)
    };
    out.write_record([
        String::new(),
        format!("Tổng cộng: {} hộ", recipients.len()),
        String::new(),
        String::new(),
        money::format(n * batch.cash_amount),
        total_goods,
        String::new(),
        String::new(),
        String::new(),
    ])?;
    out = blank(out)?;
    out.write_record([
        "Người lập biểu",
        "",
        "",
        "Kế toán",
        "",
        "",
        "Thủ trưởng đơn vị",
    ])?;
    out.write_record([
        "(Ký, họ tên)",
        "",
        "",
        "(Ký, họ tên)",
        "",
        "",
        "(Ký, họ tên, đóng dấu)",
    ])?;
    out.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::spreadsheet_safe as cell;

    #[test]
    fn formula_like_cells_are_defused() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+84"), "'+84");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("Nguyễn Văn A"), "Nguyễn Văn A");
    }

    #[test]
    fn a_blank_record_is_an_empty_line() {
        let mut w = writer(vec![]);
        w.write_record(["a"]).unwrap();
        w = blank(w).unwrap();
        w.write_record(["b, c", "d"]).unwrap();
        let s = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(s, "a\n\n\"b, c\",d\n");
    }
}
