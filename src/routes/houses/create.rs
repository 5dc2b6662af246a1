use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncPgConnection;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::HouseView;
use crate::audit::{self, Change};
use crate::auth::scope::Right;
use crate::auth::Officer;
use crate::db::houses::{self, NewHouse};
use crate::db::units::UnitRow;
use crate::db::{campaigns, households, housing_norms, units};
use crate::domain::house::{self, FundingLineInput, FundingPlan, HouseKind};
use crate::domain::spending::{self, Purpose};
use crate::domain::{money, text, Role};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::JsonBody;
use crate::idempotency::{self, IdempotencyKey};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateHouse {
    /// A household registered in the funding unit's subtree.
    pub household_id: Uuid,
    /// Whose fund pays.
    pub funding_unit_id: Uuid,
    pub kind: HouseKind,
    /// Whole đồng, a string; default: the norm in force for the funding unit on `proposed_on`.
    #[schema(example = "60000000")]
    pub support_amount: Option<String>,
    /// Required when the support differs from the norm (or there is no norm).
    #[schema(max_length = 1000)]
    pub norm_override_reason: Option<String>,
    /// The whole cost of the works, all sources together; at least the support.
    #[schema(example = "90000000")]
    pub estimated_cost: String,
    /// Floor area in m², a string with at most two decimals.
    #[schema(example = "45.5")]
    pub area_m2: Option<String>,
    /// At most 10 lines; a `fund` line, if any, equals the support.
    pub funding_plan: Vec<FundingLineInput>,
    /// A campaign usable by the funding unit. When it is restricted the project spends its
    /// money (which must be for houses); otherwise it only labels the project.
    pub campaign_id: Option<Uuid>,
    /// Default today; not in the future.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub proposed_on: Option<NaiveDate>,
}

/// Proposes a house project (officer of the funding unit). It moves no money until approved
/// (which reserves the support) and paid in tranches.
#[utoipa::path(
    operation_id = "createHouse",
    context_path = "/v1",
    tag = "houses",
    request_body = CreateHouse,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key and body returns the first response")),
    responses(
        (status = 201, description = "The project proposed", body = HouseView),
        (status = 409, description = "`active_house_project` or `recent_house_support`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` or `campaign_purpose_mismatch`", body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::Problems,
    ),
    security(("bearer" = []))
)]
#[post("/houses")]
pub async fn create(
    officer: Officer,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateHouse>,
) -> ApiResult<HttpResponse> {
    let input = &body.value;
    let today = state.settings.clock.today();
    let proposed_on = input.proposed_on.unwrap_or(today);
    if proposed_on > today {
        return Err(ApiError::field(
            "proposed_on",
            "cannot be in the future",
            "không được là ngày trong tương lai",
        ));
    }
    let requested = input
        .support_amount
        .as_deref()
        .map(money::parse_vnd)
        .transpose()
        .map_err(|e| ApiError::field("support_amount", e.to_string(), e.vi()))?;
    let estimated_cost = money::parse_vnd(&input.estimated_cost)
        .map_err(|e| ApiError::field("estimated_cost", e.to_string(), e.vi()))?;
    let area = match input.area_m2.as_deref() {
        None => None,
        Some(a) => Some(house::parse_area(a).ok_or_else(|| {
            ApiError::field(
                "area_m2",
                "a decimal string above 0 and at most 10000, with at most two decimals",
                "chuỗi số lớn hơn 0, tối đa 10000, tối đa hai chữ số thập phân",
            )
        })?),
    };
    let reason = match input.norm_override_reason.as_deref() {
        None => None,
        Some(r) => Some(text::clean(r, 1000).ok_or_else(|| {
            ApiError::field(
                "norm_override_reason",
                "1 to 1000 characters",
                "từ 1 đến 1000 ký tự",
            )
        })?),
    };
    let plan = FundingPlan::parse(&input.funding_plan).map_err(ApiError::validation)?;

    let mut conn = state.pools.write.get().await?;
    let unit = units::find(&mut conn, input.funding_unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    officer
        .scope
        .authorize(Right::ActAs(Role::Officer), &unit)?;
    check_household(&mut conn, &unit, input.household_id).await?;
    let earmark = check_campaign(&mut conn, &unit, input.campaign_id).await?;

    let norm =
        housing_norms::in_force(&mut conn, unit.id, input.kind.as_str(), proposed_on).await?;
    let support = house::decide_support(norm, requested, reason.as_deref())
        .map_err(|e| ApiError::validation(vec![e]))?;
    if support > estimated_cost {
        return Err(ApiError::field(
            "estimated_cost",
            "cannot be less than the support",
            "không được nhỏ hơn số tiền hỗ trợ",
        ));
    }
    if plan.fund().is_some_and(|f| f != support) {
        return Err(ApiError::field(
            "funding_plan",
            format!("the fund's line must equal the support ({support})"),
            format!("dòng nguồn quỹ phải bằng số tiền hỗ trợ ({support})"),
        ));
    }
    let new_id = Uuid::now_v7();
    let interval_years = state.settings.new_house_interval_years;
    let officer = &officer;
    let unit_id = unit.id;
    let plan_json = plan.to_json();
    idempotency::transact(
        &mut conn,
        officer.id.0,
        &key,
        &body.hash,
        StatusCode::CREATED,
        super::location,
        move |conn| {
            async move {
                // inside the idempotent transaction: a retry of a proposal that was made must
                // replay its 201, not meet its own house as the household's active project
                check_history(
                    conn,
                    input.household_id,
                    input.kind,
                    proposed_on,
                    interval_years,
                )
                .await?;
                let row = houses::insert(
                    conn,
                    &NewHouse {
                        id: new_id,
                        household_id: input.household_id,
                        funding_unit_id: unit_id,
                        kind: input.kind.as_str(),
                        campaign_id: input.campaign_id,
                        earmark_id: earmark,
                        proposed_on,
                        norm_amount: norm,
                        support_amount: support,
                        norm_override_reason: reason.as_deref(),
                        estimated_cost,
                        area_m2: area,
                        funding_plan: plan_json,
                        submitted_by: officer.id.0,
                    },
                )
                .await?;
                audit::record(
                    conn,
                    officer,
                    Change {
                        action: "house.create",
                        target_type: "house",
                        target_id: Some(row.id),
                        unit_id: Some(unit_id),
                        changes: serde_json::json!({
                            "kind": row.kind, "household_id": row.household_id,
                            "support_amount": money::format(row.support_amount),
                            "norm_amount": row.norm_amount.map(money::format),
                            "campaign_id": row.campaign_id,
                        }),
                    },
                )
                .await?;
                Ok(HouseView::from(row))
            }
            .scope_boxed()
        },
    )
    .await
}

/// 422 on `household_id` unless it lives in the funding unit's subtree; a household outside
/// it reads as one that does not exist.
async fn check_household(
    conn: &mut AsyncPgConnection,
    unit: &UnitRow,
    household_id: Uuid,
) -> ApiResult<()> {
    let home = match households::find(conn, household_id).await? {
        Some(household) => units::find(conn, household.unit_id).await?,
        None => None,
    };
    home.filter(|u| u.is_within(unit.id)).ok_or_else(|| {
        ApiError::field(
            "household_id",
            "no such household in the funding unit's area",
            "không có hộ này trong địa bàn của đơn vị hỗ trợ",
        )
    })?;
    Ok(())
}

/// The earmark the project spends: the campaign, when it is restricted (and meant for houses).
async fn check_campaign(
    conn: &mut AsyncPgConnection,
    unit: &UnitRow,
    campaign_id: Option<Uuid>,
) -> ApiResult<Option<Uuid>> {
    let Some(c) = campaign_id else {
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
    if !spending::campaign_allows(&campaign.kind, Purpose::House) {
        return Err(ApiError::new(Code::CampaignPurposeMismatch).detail(
            format!(
                "money given for this {} campaign cannot pay for houses",
                campaign.kind
            ),
            format!(
                "tiền của đợt vận động loại {} không được chi cho nhà Đại đoàn kết",
                campaign.kind
            ),
        ));
    }
    Ok(Some(campaign.id))
}

/// 409 `active_house_project` while the household has a project going (the unique index is
/// the safety net for a race), and 409 `recent_house_support` for a new house when one was
/// handed over to it less than `years` years before.
async fn check_history(
    conn: &mut AsyncPgConnection,
    household_id: Uuid,
    kind: HouseKind,
    proposed_on: NaiveDate,
    years: u32,
) -> ApiResult<()> {
    if let Some(active) = houses::active_of_household(conn, household_id).await? {
        return Err(ApiError::new(Code::ActiveHouseProject)
            .with_extension("house_id", serde_json::json!(active.id)));
    }
    if kind == HouseKind::New {
        if let Some(last) = houses::last_new_house_handed_over(conn, household_id).await? {
            if house::is_recent_new_house(last, proposed_on, years) {
                return Err(ApiError::new(Code::RecentHouseSupport).detail(
                    format!("a new house was handed over to this household on {last}; another needs {years} years"),
                    format!("hộ đã nhận nhà mới ngày {last}; phải cách {years} năm mới được hỗ trợ nhà mới"),
                ));
            }
        }
    }
    Ok(())
}
