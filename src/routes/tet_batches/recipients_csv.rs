use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{get, web, HttpResponse};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::load;
use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::campaigns;
use crate::db::tet_batches::{self, RecipientRow, TetBatchRow};
use crate::db::units::UnitRow;
use crate::domain::money;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

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

/// The signed paper list (C-02Q style) of a batch as CSV: title lines, one row per household
/// in list order with the cash amount, the goods' value, the delivery date and how it was
/// acknowledged, a total row, and the signature lines of the preparer, the accountant and the
/// head of the unit. Needs the right to read personal data in the paying unit's area.
#[utoipa::path(
    operation_id = "getTetBatchRecipients",
    context_path = "/v1",
    tag = "tet batches",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The C-02Q list, UTF-8 CSV", content_type = "text/csv", body = String),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[get("/tet-batches/{id}/recipients.csv")]
pub async fn recipients_csv(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.pools.read.get().await?;
    let (batch, unit) = load(&mut conn, *id, &user, Right::ReadPersonal).await?;
    let campaign = campaigns::find(&mut conn, batch.campaign_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let recipients = tet_batches::recipients(&mut conn, batch.id).await?;
    let body = render(&unit, &campaign.name, &batch, &recipients).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(format!(
                "tet-batch-{}.csv",
                batch.id
            ))],
        })
        .body(body))
}

use crate::domain::text::spreadsheet_safe as cell;

fn ack_label(method: Option<&str>, status: &str) -> &'static str {
    match (method, status) {
        (Some("signature"), _) => "Ký nhận",
        (Some("thumbprint"), _) => "Điểm chỉ",
        (Some("photo"), _) => "Ảnh chụp",
        (Some("witness"), _) => "Người làm chứng",
        (_, "returned") => "Chưa nhận – đã thu hồi",
        (_, "withdrawn") => "Đã rút khỏi danh sách",
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

fn render(
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
            ack_label(r.ack_method.as_deref(), &r.status).to_owned(),
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
