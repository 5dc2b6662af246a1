use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncPgConnection;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::DisbursementView;
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Officer;
use crate::db::disbursements::{self, NewDisbursement};
use crate::db::units::UnitRow;
use crate::db::{bank_accounts, campaigns, households, units};
use crate::domain::spending::{self, Category, Method, Purpose};
use crate::domain::{money, text, Role};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDisbursement {
    /// The paying unit.
    pub unit_id: Uuid,
    pub category: Category,
    /// The household supported, registered in the paying unit's subtree.
    pub household_id: Option<Uuid>,
    /// A campaign usable by the unit. When it is restricted the grant spends its money (and
    /// must fit its purpose); otherwise it only labels the grant.
    pub campaign_id: Option<Uuid>,
    /// Whole đồng, a string.
    #[schema(example = "2000000")]
    pub amount: String,
    pub method: Method,
    /// Required when `method` is `bank`: a bank account of the paying unit.
    pub bank_account_id: Option<Uuid>,
    #[schema(max_length = 1000)]
    pub description: String,
}

/// Proposes a grant (officer of the paying unit). It moves no money until approved (which
/// reserves it) and paid.
#[utoipa::path(
    operation_id = "createDisbursement",
    context_path = "/v1",
    tag = "disbursements",
    request_body = CreateDisbursement,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    responses(
        (status = 201, description = "The grant submitted", body = DisbursementView),
        (status = 422, description = "`validation_failed` or `campaign_purpose_mismatch`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/disbursements")]
pub async fn create(
    officer: Officer,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateDisbursement>,
) -> ApiResult<HttpResponse> {
    let input = &body.value;
    let amount = money::parse_vnd(&input.amount)
        .map_err(|e| ApiError::field("amount", e.to_string(), e.vi()))?;
    let description = text::clean(&input.description, 1000).ok_or_else(|| {
        ApiError::field("description", "1 to 1000 characters", "từ 1 đến 1000 ký tự")
    })?;
    if (input.method == Method::Bank) != input.bank_account_id.is_some() {
        return Err(ApiError::field(
            "bank_account_id",
            "required for method bank, and only then",
            "bắt buộc khi chi qua ngân hàng, và chỉ khi đó",
        ));
    }
    let mut conn = state.pools.write.get().await?;
    let unit = units::find(&mut conn, input.unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    officer
        .scope
        .authorize(Right::ActAs(Role::Officer), &unit)?;
    let earmark = check_references(&mut conn, &unit, input).await?;

    let new_id = Uuid::now_v7();
    let officer = &officer;
    let unit_id = unit.id;
    idempotency::transact(
        &mut conn,
        officer.id.0,
        &key,
        &body.hash,
        StatusCode::CREATED,
        super::location,
        move |conn| {
            async move {
                let row = disbursements::insert(
                    conn,
                    &NewDisbursement {
                        id: new_id,
                        unit_id,
                        category: input.category.as_str(),
                        household_id: input.household_id,
                        campaign_id: input.campaign_id,
                        earmark_id: earmark,
                        amount,
                        method: input.method.as_str(),
                        bank_account_id: input.bank_account_id,
                        description: &description,
                        submitted_by: officer.id.0,
                    },
                )
                .await?;
                audit::record(
                    conn,
                    officer,
                    Change {
                        action: "disbursement.create",
                        target_type: "disbursement",
                        target_id: Some(row.id),
                        unit_id: Some(unit_id),
                        changes: serde_json::json!({
                            "category": row.category, "amount": row.amount.to_string(),
                            "method": row.method, "campaign_id": row.campaign_id,
                        }),
                    },
                )
                .await?;
                Ok(DisbursementView::from(row))
            }
            .scope_boxed()
        },
    )
    .await
}

/// Checks the household, campaign and bank account against the paying unit; returns the
/// earmark the grant spends (the campaign, when restricted).
async fn check_references(
    conn: &mut AsyncPgConnection,
    unit: &UnitRow,
    input: &CreateDisbursement,
) -> ApiResult<Option<Uuid>> {
    if let Some(h) = input.household_id {
        // a household outside the paying unit's subtree reads as one that does not exist
        let home = match households::find(conn, h).await? {
            Some(household) => units::find(conn, household.unit_id).await?,
            None => None,
        };
        home.filter(|u| u.is_within(unit.id)).ok_or_else(|| {
            ApiError::field(
                "household_id",
                "no such household in the paying unit's area",
                "không có hộ này trong địa bàn của đơn vị chi",
            )
        })?;
    }
    if let Some(b) = input.bank_account_id {
        bank_accounts::find(conn, b)
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
    let Some(c) = input.campaign_id else {
        return Ok(None);
    };
    let campaign = campaigns::find(conn, c)
        .await?
        .filter(|c| unit.ancestry.contains(&c.unit_id))
        .ok_or_else(|| {
            ApiError::field(
                "campaign_id",
                "no such campaign for this unit",
                "không có đợt vận động này cho đơn vị",
            )
        })?;
    if !campaign.restricted {
        return Ok(None);
    }
    if !spending::campaign_allows(&campaign.kind, Purpose::Grant(input.category)) {
        return Err(ApiError::new(Code::CampaignPurposeMismatch).detail(
            format!(
                "money given for this {} campaign cannot pay for {}",
                campaign.kind,
                input.category.as_str()
            ),
            format!(
                "tiền của đợt vận động loại {} không được chi cho {}",
                campaign.kind,
                input.category.as_str()
            ),
        ));
    }
    Ok(Some(campaign.id))
}
