use std::collections::HashSet;

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{TetBatchView, MAX_HOUSEHOLDS};
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Officer;
use crate::db::tet_batches::{self, NewTetBatch};
use crate::db::units::UnitRow;
use crate::db::{bank_accounts, campaigns, units};
use crate::domain::money::{self, MoneyError};
use crate::domain::spending::{self, Method, Purpose};
use crate::domain::{text, Role};
use crate::error::{ApiError, ApiResult, Code, FieldError};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GiftInput {
    /// Cash per household, whole đồng; "0" only when the gift is goods alone.
    #[schema(example = "500000")]
    pub cash_amount: String,
    /// What the gift bag holds; required with `in_kind_value`.
    #[schema(max_length = 500)]
    pub in_kind_description: Option<String>,
    /// Value of the goods per household, whole đồng; drawn from donated goods (1551).
    #[schema(example = "200000")]
    pub in_kind_value: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTetBatch {
    /// A campaign of kind `tet` owned by the unit or one of its ancestors.
    pub campaign_id: Uuid,
    /// The paying unit; the households must live in its area.
    pub unit_id: Uuid,
    pub gift: GiftInput,
    /// 1 to 20000 households, no repeats, in list (C-02Q) order.
    pub household_ids: Vec<Uuid>,
    /// How the cash part is paid: `in_kind` only for gifts without cash.
    pub method: Method,
    /// Required for `bank`: a bank account of the paying unit.
    pub bank_account_id: Option<Uuid>,
}

/// A batch that passed every rule that needs no database.
#[derive(Debug)]
struct Proposal {
    campaign_id: Uuid,
    unit_id: Uuid,
    cash: Decimal,
    in_kind: Option<(String, Decimal)>,
    household_ids: Vec<Uuid>,
    method: Method,
    bank_account_id: Option<Uuid>,
    amount: Decimal,
}

fn money_error(field: &str, e: MoneyError) -> FieldError {
    FieldError::new(field, e.to_string(), e.vi())
}

impl CreateTetBatch {
    fn parse(self) -> Result<Proposal, Vec<FieldError>> {
        let mut errors = Vec::new();
        // "0" is a valid cash amount (goods only); anything else is a positive amount
        let cash = match money::parse_vnd_or_zero(&self.gift.cash_amount) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(money_error("gift.cash_amount", e));
                None
            }
        };
        let value = match self.gift.in_kind_value.as_deref() {
            None => None,
            Some(v) => match money::parse_vnd_or_zero(v) {
                Ok(d) if d.is_zero() && self.gift.in_kind_description.is_none() => None,
                _ => match money::parse_vnd(v) {
                    Ok(d) => Some(d),
                    Err(e) => {
                        errors.push(money_error("gift.in_kind_value", e));
                        None
                    }
                },
            },
        };
        let description = match self.gift.in_kind_description.as_deref() {
            None => None,
            Some(d) => {
                let cleaned = text::clean(d, 500);
                if cleaned.is_none() {
                    errors.push(FieldError::new(
                        "gift.in_kind_description",
                        "1 to 500 characters",
                        "từ 1 đến 500 ký tự",
                    ));
                }
                cleaned
            }
        };
        let in_kind = match (description, value) {
            (Some(d), Some(v)) => Some((d, v)),
            (None, None) => None,
            (Some(_), None) => {
                if self.gift.in_kind_value.is_none() {
                    errors.push(FieldError::new(
                        "gift.in_kind_value",
                        "required with in_kind_description",
                        "bắt buộc khi có mô tả hiện vật",
                    ));
                }
                None
            }
            (None, Some(_)) => {
                if self.gift.in_kind_description.is_none() {
                    errors.push(FieldError::new(
                        "gift.in_kind_description",
                        "required with in_kind_value",
                        "bắt buộc khi có giá trị hiện vật",
                    ));
                }
                None
            }
        };
        let goods = in_kind.as_ref().map_or(Decimal::ZERO, |(_, v)| *v);
        if cash.is_some_and(|c| c.is_zero()) && goods.is_zero() && errors.is_empty() {
            errors.push(FieldError::new(
                "gift.cash_amount",
                "a gift needs cash or goods of some value",
                "quà phải có tiền hoặc hiện vật có giá trị",
            ));
        }
        if self.method == Method::InKind && cash.is_some_and(|c| !c.is_zero()) {
            errors.push(FieldError::new(
                "method",
                "in_kind only for gifts without cash",
                "in_kind chỉ dùng cho quà không có tiền mặt",
            ));
        }
        match (self.method, self.bank_account_id) {
            (Method::Bank, None) => errors.push(FieldError::new(
                "bank_account_id",
                "required for bank payments",
                "bắt buộc khi chi qua ngân hàng",
            )),
            (Method::Cash | Method::InKind, Some(_)) => errors.push(FieldError::new(
                "bank_account_id",
                "only for bank payments",
                "chỉ dùng khi chi qua ngân hàng",
            )),
            _ => {}
        }
        let n = self.household_ids.len();
        if n == 0 || n > MAX_HOUSEHOLDS {
            errors.push(FieldError::new(
                "household_ids",
                format!("1 to {MAX_HOUSEHOLDS} households"),
                format!("từ 1 đến {MAX_HOUSEHOLDS} hộ"),
            ));
        }
        let mut seen = HashSet::with_capacity(n);
        for (i, id) in self.household_ids.iter().enumerate() {
            if !seen.insert(*id) {
                errors.push(FieldError::new(
                    format!("household_ids[{i}]"),
                    "listed more than once",
                    "bị liệt kê nhiều lần",
                ));
            }
        }
        let amount = cash.map(|c| (c + goods) * Decimal::from(n));
        if amount.is_some_and(|a| a > Decimal::from(money::MAX_VND)) {
            errors.push(money_error("gift", MoneyError::TooLarge));
        }
        match (cash, amount) {
            (Some(cash), Some(amount)) if errors.is_empty() => Ok(Proposal {
                campaign_id: self.campaign_id,
                unit_id: self.unit_id,
                cash,
                in_kind,
                household_ids: self.household_ids,
                method: self.method,
                bank_account_id: self.bank_account_id,
                amount,
            }),
            _ => Err(errors),
        }
    }
}

/// Proposes a Tết gift batch (officer of the paying unit): one gift for each listed household
/// of the unit's area, from a Tết campaign. A household that already has a pending or
/// delivered gift of the campaign, from any unit's batch, is refused.
#[utoipa::path(
    operation_id = "createTetBatch",
    context_path = "/v1",
    tag = "tet batches",
    request_body = CreateTetBatch,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    responses(
        (status = 201, description = "The batch submitted, with its households", body = TetBatchView),
        (status = 409, description = "`household_already_received` (with `household_ids`: those that already have a gift of the campaign) or `idempotency_in_progress`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (households not in the unit's area are listed as `household_ids[i]`), `campaign_purpose_mismatch` or `idempotency_key_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/tet-batches")]
pub async fn create(
    officer: Officer,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateTetBatch>,
) -> ApiResult<HttpResponse> {
    let JsonBody { value, hash } = body;
    let proposal = value.parse().map_err(ApiError::validation)?;
    let mut conn = state.pools.write.get().await?;
    let unit = units::find(&mut conn, proposal.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    officer
        .scope
        .authorize(Right::ActAs(Role::Officer), &unit)?;
    let (officer, unit, proposal) = (&officer, &unit, &proposal);
    idempotency::transact(
        &mut conn,
        officer.id.0,
        &key,
        &hash,
        StatusCode::CREATED,
        |v: &TetBatchView| Some(format!("/v1/tet-batches/{}", v.id)),
        |conn| async move { record(conn, officer, unit, proposal).await }.scope_boxed(),
    )
    .await
}

#[tracing::instrument(name = "tet_batches.create", skip_all, fields(unit.id = %unit.id, households = p.household_ids.len()))]
async fn record(
    conn: &mut AsyncPgConnection,
    officer: &Officer,
    unit: &UnitRow,
    p: &Proposal,
) -> ApiResult<TetBatchView> {
    // a campaign is usable by its unit and every unit below it
    let campaign = campaigns::find(conn, p.campaign_id)
        .await?
        .filter(|c| unit.ancestry.contains(&c.unit_id))
        .ok_or_else(|| {
            ApiError::field(
                "campaign_id",
                "no such campaign for this unit",
                "không có đợt vận động này cho đơn vị",
            )
        })?;
    if campaign.kind != "tet" {
        return Err(ApiError::field(
            "campaign_id",
            "must be a Tết campaign (kind tet)",
            "phải là đợt vận động Tết (kind tet)",
        ));
    }
    if campaign.restricted && !spending::campaign_allows(&campaign.kind, Purpose::TetGifts) {
        return Err(ApiError::new(Code::CampaignPurposeMismatch));
    }
    let earmark = campaign.restricted.then_some(campaign.id);
    if let Some(id) = p.bank_account_id {
        bank_accounts::find(conn, id)
            .await?
            .filter(|b| b.unit_id == unit.id)
            .ok_or_else(|| {
                ApiError::field(
                    "bank_account_id",
                    "not a bank account of this fund",
                    "không phải tài khoản ngân hàng của quỹ này",
                )
            })?;
    }

    // Households outside the unit's area — elsewhere, outside the caller's scope, or not
    // registered at all — get the same answer, so nothing leaks about the rest of the tree.
    let within: HashSet<Uuid> = tet_batches::households_within(conn, unit.id, &p.household_ids)
        .await?
        .into_iter()
        .collect();
    let outside: Vec<FieldError> = p
        .household_ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !within.contains(id))
        .map(|(i, _)| {
            FieldError::new(
                format!("household_ids[{i}]"),
                "no such household in this unit's area",
                "không có hộ này trong địa bàn của đơn vị",
            )
        })
        .collect();
    if !outside.is_empty() {
        return Err(ApiError::validation(outside));
    }
    let received: HashSet<Uuid> =
        tet_batches::already_received(conn, campaign.id, &p.household_ids)
            .await?
            .into_iter()
            .collect();
    if !received.is_empty() {
        return Err(already_received(&p.household_ids, &received));
    }

    let count = p.household_ids.len();
    let row = tet_batches::insert(
        conn,
        &NewTetBatch {
            id: Uuid::now_v7(),
            unit_id: unit.id,
            campaign_id: campaign.id,
            earmark_id: earmark,
            cash_amount: p.cash,
            in_kind_description: p.in_kind.as_ref().map(|(d, _)| d.as_str()),
            in_kind_value: p.in_kind.as_ref().map_or(Decimal::ZERO, |(_, v)| *v),
            method: p.method.as_str(),
            bank_account_id: p.bank_account_id,
            household_count: count as i32,
            amount: p.amount,
            submitted_by: officer.id.0,
        },
    )
    .await?;
    // a concurrent batch may have taken a household since the check above: the unique index
    // `tet_gift_once_per_campaign` leaves it out, and the whole batch is refused naming it
    let added: HashSet<Uuid> =
        tet_batches::insert_recipients(conn, row.id, campaign.id, &p.household_ids)
            .await?
            .into_iter()
            .collect();
    if added.len() < p.household_ids.len() {
        let taken = p
            .household_ids
            .iter()
            .filter(|id| !added.contains(id))
            .copied()
            .collect();
        return Err(already_received(&p.household_ids, &taken));
    }
    audit::record(
        conn,
        officer,
        Change {
            action: "tet_batch.create",
            target_type: "tet_batch",
            target_id: Some(row.id),
            unit_id: Some(unit.id),
            changes: serde_json::json!({
                "campaign_id": campaign.id,
                "household_count": count,
                "cash_amount": money::format(p.cash),
                "in_kind_value": money::format(row.in_kind_value),
                "amount": money::format(p.amount),
                "method": p.method,
            }),
        },
    )
    .await?;
    let counts = tet_batches::Counts {
        pending: count as i64,
        ..Default::default()
    };
    Ok(TetBatchView::new(row, counts, None))
}

/// 409 `household_already_received`, listing the households (in the order asked) that hold a
/// gift of the campaign. They are all in the caller's area, so naming them reveals nothing.
fn already_received(asked: &[Uuid], received: &HashSet<Uuid>) -> ApiError {
    let listed: Vec<Uuid> = asked
        .iter()
        .filter(|id| received.contains(id))
        .copied()
        .collect();
    ApiError::new(Code::HouseholdAlreadyReceived)
        .detail(
            format!(
                "{} of the households already have a gift of this campaign.",
                listed.len()
            ),
            format!("{} hộ đã nhận quà trong đợt vận động này.", listed.len()),
        )
        .with_extension("household_ids", serde_json::json!(listed))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn body(
        cash: &str,
        value: Option<&str>,
        description: Option<&str>,
        method: Method,
    ) -> CreateTetBatch {
        CreateTetBatch {
            campaign_id: Uuid::now_v7(),
            unit_id: Uuid::now_v7(),
            gift: GiftInput {
                cash_amount: cash.into(),
                in_kind_description: description.map(Into::into),
                in_kind_value: value.map(Into::into),
            },
            household_ids: vec![Uuid::now_v7(), Uuid::now_v7()],
            method,
            bank_account_id: None,
        }
    }

    fn fields(e: Vec<FieldError>) -> HashMap<String, usize> {
        let mut m = HashMap::new();
        for f in e {
            *m.entry(f.field).or_default() += 1;
        }
        m
    }

    #[test]
    fn the_batch_amount_is_households_times_the_gift() {
        let p = body("500000", Some("200000"), Some("Bánh chưng"), Method::Cash)
            .parse()
            .unwrap();
        assert_eq!(p.amount, Decimal::from(1_400_000));
        let goods_only = body("0", Some("300000"), Some("Gạo"), Method::InKind)
            .parse()
            .unwrap();
        assert_eq!(goods_only.amount, Decimal::from(600_000));
    }

    #[test]
    fn a_gift_needs_some_value_and_goods_need_both_fields() {
        assert!(
            fields(body("0", None, None, Method::Cash).parse().unwrap_err())
                .contains_key("gift.cash_amount")
        );
        assert!(fields(
            body("1", Some("5"), None, Method::Cash)
                .parse()
                .unwrap_err()
        )
        .contains_key("gift.in_kind_description"));
        assert!(fields(
            body("1", None, Some("Gạo"), Method::Cash)
                .parse()
                .unwrap_err()
        )
        .contains_key("gift.in_kind_value"));
        assert!(
            fields(body("1", None, None, Method::InKind).parse().unwrap_err())
                .contains_key("method")
        );
        assert!(
            fields(body("-1", None, None, Method::Cash).parse().unwrap_err())
                .contains_key("gift.cash_amount")
        );
    }

    #[test]
    fn households_are_listed_once() {
        let mut b = body("1", None, None, Method::Cash);
        b.household_ids = vec![b.household_ids[0], b.household_ids[1], b.household_ids[0]];
        assert!(fields(b.parse().unwrap_err()).contains_key("household_ids[2]"));
        let mut empty = body("1", None, None, Method::Cash);
        empty.household_ids.clear();
        assert!(fields(empty.parse().unwrap_err()).contains_key("household_ids"));
    }
}
