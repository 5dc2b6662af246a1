use std::collections::BTreeMap;

use actix_web::{get, web};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::scope::Right;
use crate::auth::AuthUser;
use crate::db::fund_statement::{self as queries, Balances, FlowRow, InTransit, ReceiptRow};
use crate::db::units;
use crate::domain::fund_date;
use crate::domain::money;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::views::public::ByChannel;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FundStatementQuery {
    /// First local date of the period (inclusive).
    #[serde(deserialize_with = "crate::domain::fund_date::deserialize")]
    pub from: NaiveDate,
    /// Last local date of the period (inclusive); not before `from`.
    #[serde(deserialize_with = "crate::domain::fund_date::deserialize")]
    pub to: NaiveDate,
    /// Over the unit and every unit below it, transfers between them eliminated.
    #[serde(default)]
    pub consolidated: bool,
}

/// Donations of one campaign (or of none) in the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignReceipts {
    /// `null` for donations to the fund itself.
    pub campaign_id: Option<Uuid>,
    pub name: Option<String>,
    #[schema(example = "1500000")]
    pub amount: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FundReceipts {
    /// Donations received in the period, less voids posted in it.
    #[schema(example = "1500000")]
    pub total: String,
    pub by_channel: ByChannel,
    pub by_campaign: Vec<CampaignReceipts>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FundSpending {
    #[schema(example = "500000")]
    pub total: String,
    /// Every category, net of money returned (a Tết settlement lowers `tet_gifts`):
    /// `houses_new`, `houses_repair`, `tet_gifts`, `medical`, `education`, `livelihood`,
    /// `emergency_relief`, `community_works`, `other`, `bank_fees`.
    pub by_category: BTreeMap<String, String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FundStatement {
    pub unit_id: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub consolidated: bool,
    /// Money and goods of the fund (1111 + 1121.N + 1551) before `from`.
    #[schema(example = "0")]
    pub opening_balance: String,
    pub receipts: FundReceipts,
    /// Interest and other income (5118).
    #[schema(example = "0")]
    pub other_income: String,
    pub spending: FundSpending,
    /// Transfers received (5113).
    #[schema(example = "0")]
    pub transfers_in: String,
    /// Transfers sent (6211).
    #[schema(example = "0")]
    pub transfers_out: String,
    /// Sent by `to` and not received by `to`; consolidated, only between units of the subtree.
    #[schema(example = "0")]
    pub in_transit: String,
    /// What the lines above do not explain (manual entries; see the operation).
    #[schema(example = "0")]
    pub other_movements: String,
    /// Money and goods of the fund on `to`.
    #[schema(example = "1000000")]
    pub closing_balance: String,
}

/// Expense accounts and their spending categories.
const CATEGORIES: [(&str, &str); 10] = [
    ("6111", "houses_new"),
    ("6112", "houses_repair"),
    ("6121", "tet_gifts"),
    ("6131", "medical"),
    ("6141", "education"),
    ("6151", "livelihood"),
    ("6161", "emergency_relief"),
    ("6171", "community_works"),
    ("6191", "other"),
    ("6411", "bank_fees"),
];

/// The fund statement of a period: opening balance of money and goods, donations received
/// (by channel and campaign, net of voids posted in the period), other income, spending by
/// category (net debit − credit, so returned money lowers its category), transfers in and out,
/// money in transit, and the closing balance, all from one snapshot of the ledger.
///
/// `other_movements` = closing − opening − (receipts + other_income + transfers_in − spending −
/// transfers_out), so the statement always adds up: it is zero when every movement of the fund
/// came from donations, spending and transfers, and shows manual entries (adjustments,
/// corrections, income booked by hand) otherwise. Consolidated (`consolidated=true`), the
/// statement covers the unit and every unit below it; transfers between two of its units are
/// left out of `transfers_in`/`transfers_out`, `in_transit` counts only those between two of
/// its units, and the change of that money in transit over the period is taken out of
/// `other_movements` (money on its way is in neither fund's balance but still the subtree's):
/// `closing_balance + in_transit` is what the subtree holds.
#[utoipa::path(
    operation_id = "getFundStatement",
    context_path = "/v1",
    tag = "reports",
    params(("id" = Uuid, Path, description = "The unit (its fund)"), FundStatementQuery),
    responses((status = 200, description = "The fund statement", body = FundStatement), crate::openapi::Problems),
    security(("bearer" = []))
)]
#[get("/units/{id}/reports/fund-statement")]
pub async fn fund_statement(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<FundStatementQuery>,
) -> ApiResult<web::Json<FundStatement>> {
    let q = query.into_inner();
    fund_date::ordered(Some(q.from), Some(q.to))?;
    let mut conn = state.pools.read.get().await?;
    let unit = units::find(&mut conn, *id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    user.scope.authorize(Right::Read, &unit)?;
    let (unit_id, consolidated, from, to) = (unit.id, q.consolidated, q.from, q.to);
    // one snapshot: balances and movements as of one instant
    let (balances, receipts, flows, transit) = conn
        .build_transaction()
        .repeatable_read()
        .read_only()
        .run(|conn| {
            async move {
                let b = queries::balances(conn, unit_id, consolidated, from, to).await?;
                let r = queries::receipts(conn, unit_id, consolidated, from, to).await?;
                let f = queries::flows(conn, unit_id, consolidated, from, to).await?;
                let t = queries::in_transit(conn, unit_id, consolidated, from, to).await?;
                Ok::<_, diesel::result::Error>((b, r, f, t))
            }
            .scope_boxed()
        })
        .await?;
    Ok(web::Json(statement(
        unit_id, &q, balances, receipts, &flows, transit,
    )))
}

fn statement(
    unit_id: Uuid,
    q: &FundStatementQuery,
    balances: Balances,
    receipts: Vec<ReceiptRow>,
    flows: &[FlowRow],
    transit: InTransit,
) -> FundStatement {
    let flow = |code: &str| {
        flows
            .iter()
            .find(|f| f.chart_code == code)
            .map(|f| (f.debit, f.credit))
            .unwrap_or_default()
    };
    let net_debit = |code: &str| {
        let (d, c) = flow(code);
        d - c
    };
    let net_credit = |code: &str| {
        let (d, c) = flow(code);
        c - d
    };

    let channel = |name: &str| {
        receipts
            .iter()
            .filter(|r| r.channel == name)
            .map(|r| r.amount)
            .sum::<Decimal>()
    };
    let received: Decimal = receipts.iter().map(|r| r.amount).sum();
    let by_channel = ByChannel {
        cash: money::format(channel("cash")),
        bank_transfer: money::format(channel("bank_transfer")),
        in_kind: money::format(channel("in_kind")),
    };
    // rows come ordered by campaign: fold the channels of each campaign into one line
    let mut by_campaign: Vec<(Option<Uuid>, Option<String>, Decimal)> = Vec::new();
    for r in receipts {
        match by_campaign.last_mut() {
            Some(last) if last.0 == r.campaign_id => last.2 += r.amount,
            _ => by_campaign.push((r.campaign_id, r.campaign_name, r.amount)),
        }
    }

    let by_category: BTreeMap<String, Decimal> = CATEGORIES
        .iter()
        .map(|(code, category)| ((*category).to_owned(), net_debit(code)))
        .collect();
    let spent: Decimal = by_category.values().copied().sum();
    let other_income = net_credit("5118");
    let transfers_in = net_credit("5113");
    let transfers_out = net_debit("6211");
    let explained = received + other_income + transfers_in - spent - transfers_out;
    // consolidated, money sent inside the subtree leaves both balances until it is received
    let parked = if q.consolidated {
        transit.closing - transit.opening
    } else {
        Decimal::ZERO
    };
    let other = balances.closing - balances.opening - explained + parked;

    FundStatement {
        unit_id,
        from: q.from,
        to: q.to,
        consolidated: q.consolidated,
        opening_balance: money::format(balances.opening),
        receipts: FundReceipts {
            total: money::format(received),
            by_channel,
            by_campaign: by_campaign
                .into_iter()
                .map(|(campaign_id, name, amount)| CampaignReceipts {
                    campaign_id,
                    name,
                    amount: money::format(amount),
                })
                .collect(),
        },
        other_income: money::format(other_income),
        spending: FundSpending {
            total: money::format(spent),
            by_category: by_category
                .into_iter()
                .map(|(k, v)| (k, money::format(v)))
                .collect(),
        },
        transfers_in: money::format(transfers_in),
        transfers_out: money::format(transfers_out),
        in_transit: money::format(transit.closing),
        other_movements: money::format(other),
        closing_balance: money::format(balances.closing),
    }
}
