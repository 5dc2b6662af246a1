//! The demo's houses (before the reform's story): a few poor households of Đoàn Kết (`06001`),
//! money in its fund and in a restricted housing campaign of the province, and Great Unity house
//! projects in every state from proposed to handed over, dated over the last months. Recorded
//! through the same query and ledger functions as the API, so the books balance and every step
//! is audited; seeded once (the first household's national ID tells).

use chrono::{Datelike, Days, NaiveDate};
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::app;
use crate::audit::{self, Change};
use crate::auth::scope::Scope;
use crate::auth::AuthUser;
use crate::db::house_contributions::{self, NewContribution};
use crate::db::houses::{self, HouseRow, NewHouse, NewPayment};
use crate::db::units::UnitRow;
use crate::db::{campaigns, households, housing_norms, units, users};
use crate::domain::donation::{Channel, Donation, DonorKind, PublicDisplay};
use crate::domain::house::{FundingLine, FundingPlan, FundingSource, HouseKind, Stage};
use crate::domain::household::NationalId;
use crate::domain::spending::Method;
use crate::domain::UserId;
use crate::domain::{money, text, Role};
use crate::ledger::reservations::{self, Holder, Pool as ReservationPool};
use crate::ledger::rules::{self, Receipt};
use crate::ledger::{entries, payouts, NewEntry, SourceType};
use crate::middleware::request_id::RequestMeta;

use super::{DEMO_COMMUNE, DEMO_PROVINCE};

/// The demo's poor households of the commune: head, national ID (registered only as its HMAC
/// and last four digits), village, members.
pub(super) const DEMO_HOUSEHOLDS: [(&str, &str, &str, i32); 5] = [
    ("Hoàng Văn Pản", "020190000101", "Thôn Nà Pàn", 5),
    ("Lộc Thị Mai", "020190000102", "Thôn Nà Pàn", 3),
    ("Nông Văn Sáng", "020190000103", "Thôn Bản Chắt", 6),
    ("Triệu Thị Hoa", "020190000104", "Thôn Bản Chắt", 4),
    ("Vi Văn Thắng", "020190000105", "Thôn Khòn Nà", 7),
];

pub(super) struct Ctx<'a> {
    pub meta: &'a RequestMeta,
    pub key: &'a [u8],
    pub today: NaiveDate,
}

impl Ctx<'_> {
    /// `n` days before today: the demo's story happened over the last months.
    fn ago(&self, n: u64) -> NaiveDate {
        self.today
            .checked_sub_days(Days::new(n))
            .unwrap_or(self.today)
    }

    async fn audit(
        &self,
        conn: &mut AsyncPgConnection,
        actor: Uuid,
        change: Change<'_>,
    ) -> anyhow::Result<()> {
        audit::record_as(conn, Some(actor), self.meta, change).await?;
        Ok(())
    }
}

/// The demo users who act at a unit.
struct Staff {
    unit: UnitRow,
    officer: Uuid,
    approver: Uuid,
    accountant: Uuid,
}

async fn staff(conn: &mut AsyncPgConnection, code: &str) -> anyhow::Result<Staff> {
    let unit = units::find_by_code(conn, code)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo unit {code} missing"))?;
    let mut ids = Vec::new();
    for role in [Role::Officer, Role::Approver, Role::Accountant] {
        let username = format!("{}.{}", role.as_str(), code.to_ascii_lowercase());
        let user = users::find_by_username(conn, &username)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo user {username} missing"))?;
        ids.push(user.id);
    }
    Ok(Staff {
        unit,
        officer: ids[0],
        approver: ids[1],
        accountant: ids[2],
    })
}

fn vnd(n: i64) -> Decimal {
    Decimal::from(n)
}

/// Households, money and house projects, unless the demo households are registered already.
pub(super) async fn seed_houses(conn: &mut AsyncPgConnection, ctx: &Ctx<'_>) -> anyhow::Result<()> {
    let first = NationalId::parse(DEMO_HOUSEHOLDS[0].1)
        .ok_or_else(|| anyhow::anyhow!("demo national ID"))?;
    if households::find_by_national_id(conn, &first.hmac(ctx.key))
        .await?
        .is_some()
    {
        return Ok(());
    }
    let commune = staff(conn, DEMO_COMMUNE).await?;
    let province = staff(conn, DEMO_PROVINCE).await?;
    let mut homes = Vec::new();
    for (head, national_id, village, members) in DEMO_HOUSEHOLDS {
        homes.push(household(conn, ctx, &commune, head, national_id, village, members).await?);
    }

    // the commune's fund, and the province's housing campaign
    donate(
        conn,
        ctx,
        &commune,
        None,
        vnd(300_000_000),
        "Công ty Xi măng Lạng Sơn",
    )
    .await?;
    let campaign = campaign(conn, ctx, &province).await?;
    donate(
        conn,
        ctx,
        &province,
        Some(campaign),
        vnd(120_000_000),
        "Ngân hàng Nông nghiệp chi nhánh Lạng Sơn",
    )
    .await?;

    use FundingSource::{Community, Household, Sponsor, StateBudget};
    // proposed: a repair waiting for the standing committee
    propose(
        conn,
        ctx,
        &commune,
        homes[0],
        HouseKind::Repair,
        None,
        &[(Household, 5_000_000)],
        100,
    )
    .await?;
    // approved: a new house paid by the province's housing campaign (its support reserved)
    let h = propose(
        conn,
        ctx,
        &province,
        homes[1],
        HouseKind::New,
        Some(campaign),
        &[(Community, 10_000_000), (Household, 10_000_000)],
        60,
    )
    .await?;
    approve(conn, ctx, &province, h).await?;
    // started, with its advance paid
    let h = propose(
        conn,
        ctx,
        &commune,
        homes[2],
        HouseKind::Repair,
        None,
        &[(Household, 10_000_000)],
        90,
    )
    .await?;
    let h = approve(conn, ctx, &commune, h).await?;
    let h = start(conn, ctx, &commune, h, 45).await?;
    pay(conn, ctx, &commune, &h, Stage::Advance, vnd(10_000_000), 44).await?;
    // completed (accepted: "3 cứng"), with advance and progress tranches paid
    let h = propose(
        conn,
        ctx,
        &commune,
        homes[3],
        HouseKind::New,
        None,
        &[(Sponsor, 20_000_000), (Household, 10_000_000)],
        120,
    )
    .await?;
    let h = approve(conn, ctx, &commune, h).await?;
    let h = start(conn, ctx, &commune, h, 100).await?;
    pay(conn, ctx, &commune, &h, Stage::Advance, vnd(20_000_000), 99).await?;
    pay(
        conn,
        ctx,
        &commune,
        &h,
        Stage::Progress,
        vnd(20_000_000),
        60,
    )
    .await?;
    contribute(
        conn,
        ctx,
        &commune,
        &h,
        Sponsor,
        "cash",
        vnd(20_000_000),
        None,
        Some("Công ty Xi măng Lạng Sơn"),
        70,
    )
    .await?;
    complete(conn, ctx, &commune, h, 20).await?;
    // handed over: every tranche paid, with the community's materials and the family's labour
    let h = propose(
        conn,
        ctx,
        &commune,
        homes[4],
        HouseKind::New,
        None,
        &[
            (StateBudget, 20_000_000),
            (Community, 15_000_000),
            (Household, 10_000_000),
        ],
        150,
    )
    .await?;
    let h = approve(conn, ctx, &commune, h).await?;
    let h = start(conn, ctx, &commune, h, 130).await?;
    pay(
        conn,
        ctx,
        &commune,
        &h,
        Stage::Advance,
        vnd(20_000_000),
        129,
    )
    .await?;
    contribute(
        conn,
        ctx,
        &commune,
        &h,
        StateBudget,
        "cash",
        vnd(20_000_000),
        None,
        Some("Chương trình mục tiêu quốc gia giảm nghèo"),
        120,
    )
    .await?;
    contribute(
        conn,
        ctx,
        &commune,
        &h,
        Community,
        "materials",
        vnd(15_000_000),
        None,
        Some("Thôn Khòn Nà"),
        110,
    )
    .await?;
    contribute(
        conn,
        ctx,
        &commune,
        &h,
        Household,
        "labour",
        Decimal::ZERO,
        Some(Decimal::from(60)),
        None,
        90,
    )
    .await?;
    pay(
        conn,
        ctx,
        &commune,
        &h,
        Stage::Progress,
        vnd(20_000_000),
        80,
    )
    .await?;
    let h = complete(conn, ctx, &commune, h, 40).await?;
    pay(conn, ctx, &commune, &h, Stage::Final, vnd(20_000_000), 35).await?;
    hand_over(conn, ctx, &commune, h, 30).await?;
    Ok(())
}

async fn household(
    conn: &mut AsyncPgConnection,
    ctx: &Ctx<'_>,
    at: &Staff,
    head: &str,
    national_id: &str,
    village: &str,
    members: i32,
) -> anyhow::Result<Uuid> {
    let id = NationalId::parse(national_id).ok_or_else(|| anyhow::anyhow!("demo national ID"))?;
    let address = format!("{village}, xã {}", at.unit.name);
    let row = households::insert(
        conn,
        &households::NewHousehold {
            id: Uuid::now_v7(),
            unit_id: at.unit.id,
            head_name: head,
            name_key: text::fold(head),
            village,
            village_key: text::fold(village),
            national_id_hmac: &id.hmac(ctx.key),
            national_id_last4: id.last4(),
            address: &address,
            members,
            status: "poor",
            status_year: ctx.today.year(),
            poverty_cert_no: None,
            ethnicity: Some("Tày"),
            phone: None,
            created_by: at.officer,
        },
    )
    .await?;
    ctx.audit(
        conn,
        at.officer,
        Change {
            action: "household.create",
            target_type: "household",
            target_id: Some(row.id),
            unit_id: Some(row.unit_id),
            changes: serde_json::json!({
                "status": row.status, "status_year": row.status_year, "members": row.members,
                "possible_duplicate": false, "demo": true,
            }),
        },
    )
    .await?;
    Ok(row.id)
}

async fn campaign(conn: &mut AsyncPgConnection, ctx: &Ctx<'_>, at: &Staff) -> anyhow::Result<Uuid> {
    let name = format!("Xây nhà Đại đoàn kết {}", ctx.today.year());
    let row = campaigns::insert(
        conn,
        &campaigns::NewCampaign {
            id: Uuid::now_v7(),
            unit_id: at.unit.id,
            kind: "housing",
            name: &name,
            starts_on: ctx.ago(200),
            ends_on: ctx
                .today
                .checked_add_days(Days::new(200))
                .unwrap_or(ctx.today),
            restricted: true,
            search_text: text::fold(&name),
            created_by: Some(at.officer),
        },
    )
    .await?;
    ctx.audit(
        conn,
        at.officer,
        Change {
            action: "campaign.create",
            target_type: "campaign",
            target_id: Some(row.id),
            unit_id: Some(at.unit.id),
            changes: serde_json::json!({"kind": row.kind, "restricted": row.restricted, "demo": true}),
        },
    )
    .await?;
    Ok(row.id)
}

/// A cash donation from an organisation (into the campaign's restricted money, if given).
async fn donate(
    conn: &mut AsyncPgConnection,
    ctx: &Ctx<'_>,
    at: &Staff,
    campaign: Option<Uuid>,
    amount: Decimal,
    donor: &str,
) -> anyhow::Result<()> {
    let actor = AuthUser {
        id: UserId(at.officer),
        username: String::new(),
        scope: Scope::default(),
        meta: ctx.meta.clone(),
    };
    let chart = app::donations::chart(conn, &at.unit).await?;
    let gift = Donation {
        unit_id: at.unit.id,
        campaign_id: campaign,
        channel: Channel::Cash,
        amount,
        currency: money::VND,
        fx_rate: None,
        amount_vnd: amount,
        received_on: ctx.ago(180),
        donor_kind: DonorKind::Organization,
        donor_name: Some(donor.to_owned()),
        donor_phone: None,
        donor_email: None,
        donor_address: None,
        donor_tax_code: None,
        public_display: PublicDisplay::Name,
        bank_account_id: None,
        bank_reference: None,
        in_kind_items: None,
        note: None,
    };
    app::donations::write(
        conn,
        &actor,
        &at.unit,
        &chart,
        Receipt::Cash,
        campaign,
        gift,
        None,
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo donation: {e}"))?;
    Ok(())
}

/// A proposal `days_ago` with the norm as its support and `others` besides the fund's line.
#[allow(clippy::too_many_arguments)]
async fn propose(
    conn: &mut AsyncPgConnection,
    ctx: &Ctx<'_>,
    at: &Staff,
    household_id: Uuid,
    kind: HouseKind,
    campaign: Option<Uuid>,
    others: &[(FundingSource, i64)],
    days_ago: u64,
) -> anyhow::Result<HouseRow> {
    let proposed_on = ctx.ago(days_ago);
    let norm = housing_norms::in_force(conn, at.unit.id, kind.as_str(), proposed_on)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no housing norm in force"))?;
    let mut plan = FundingPlan {
        lines: vec![FundingLine {
            source: FundingSource::Fund,
            amount: norm,
            name: None,
        }],
    };
    plan.lines
        .extend(others.iter().map(|(source, amount)| FundingLine {
            source: *source,
            amount: vnd(*amount),
            name: None,
        }));
    let row = houses::insert(
        conn,
        &NewHouse {
            id: Uuid::now_v7(),
            household_id,
            funding_unit_id: at.unit.id,
            kind: kind.as_str(),
            campaign_id: campaign,
            earmark_id: campaign,
            proposed_on,
            norm_amount: Some(norm),
            support_amount: norm,
            norm_override_reason: None,
            estimated_cost: plan.total(),
            area_m2: Some(Decimal::from(if kind == HouseKind::New { 45 } else { 30 })),
            funding_plan: plan.to_json(),
            submitted_by: at.officer,
        },
    )
    .await?;
    ctx.audit(
        conn,
        at.officer,
        Change {
            action: "house.create",
            target_type: "house",
            target_id: Some(row.id),
            unit_id: Some(at.unit.id),
            changes: serde_json::json!({
                "kind": row.kind, "household_id": row.household_id,
                "support_amount": money::format(row.support_amount),
                "norm_amount": row.norm_amount.map(money::format),
                "campaign_id": row.campaign_id, "demo": true,
            }),
        },
    )
    .await?;
    Ok(row)
}

/// Approved by the unit's approver (not the officer who proposed it), reserving the support.
async fn approve(
    conn: &mut AsyncPgConnection,
    ctx: &Ctx<'_>,
    at: &Staff,
    h: HouseRow,
) -> anyhow::Result<HouseRow> {
    reservations::reserve(
        conn,
        h.funding_unit_id,
        h.earmark_id,
        ReservationPool::Money,
        Holder::House(h.id),
        h.remaining_support(),
    )
    .await?;
    let row = houses::approve(conn, h.id, at.approver, &h.evidence).await?;
    ctx.audit(
        conn,
        at.approver,
        Change {
            action: "house.approve",
            target_type: "house",
            target_id: Some(row.id),
            unit_id: Some(row.funding_unit_id),
            changes: serde_json::json!({
                "from": h.status, "to": row.status,
                "reserved": money::format(h.remaining_support()), "demo": true,
            }),
        },
    )
    .await?;
    Ok(row)
}

async fn start(
    conn: &mut AsyncPgConnection,
    ctx: &Ctx<'_>,
    at: &Staff,
    h: HouseRow,
    days_ago: u64,
) -> anyhow::Result<HouseRow> {
    let on = ctx.ago(days_ago);
    let row = houses::start(conn, h.id, at.officer, on, &h.evidence).await?;
    ctx.audit(
        conn,
        at.officer,
        Change {
            action: "house.start",
            target_type: "house",
            target_id: Some(row.id),
            unit_id: Some(row.funding_unit_id),
            changes: serde_json::json!({"from": h.status, "to": row.status, "started_on": on, "demo": true}),
        },
    )
    .await?;
    Ok(row)
}

async fn complete(
    conn: &mut AsyncPgConnection,
    ctx: &Ctx<'_>,
    at: &Staff,
    h: HouseRow,
    days_ago: u64,
) -> anyhow::Result<HouseRow> {
    let on = ctx.ago(days_ago);
    let row = houses::complete(conn, h.id, at.officer, on, true, &h.evidence).await?;
    ctx.audit(
        conn,
        at.officer,
        Change {
            action: "house.complete",
            target_type: "house",
            target_id: Some(row.id),
            unit_id: Some(row.funding_unit_id),
            changes: serde_json::json!({"from": h.status, "to": row.status, "completed_on": on,
                                        "meets_3_cung": true, "demo": true}),
        },
    )
    .await?;
    Ok(row)
}

/// Handed over: what the support did not use is released.
async fn hand_over(
    conn: &mut AsyncPgConnection,
    ctx: &Ctx<'_>,
    at: &Staff,
    h: HouseRow,
    days_ago: u64,
) -> anyhow::Result<HouseRow> {
    let on = ctx.ago(days_ago);
    reservations::release(conn, Holder::House(h.id)).await?;
    let row = houses::hand_over(conn, h.id, at.officer, on, &h.evidence).await?;
    ctx.audit(
        conn,
        at.officer,
        Change {
            action: "house.hand_over",
            target_type: "house",
            target_id: Some(row.id),
            unit_id: Some(row.funding_unit_id),
            changes: serde_json::json!({"from": h.status, "to": row.status, "handed_over_on": on,
                                        "released": money::format(row.remaining_support()), "demo": true}),
        },
    )
    .await?;
    Ok(row)
}

/// A cash tranche paid by the finance officer: the reservation is used first, then the entry
/// posts 6111 or 6112 against 1111 (as `POST /v1/houses/{id}/payments` does).
async fn pay(
    conn: &mut AsyncPgConnection,
    ctx: &Ctx<'_>,
    at: &Staff,
    h: &HouseRow,
    stage: Stage,
    amount: Decimal,
    days_ago: u64,
) -> anyhow::Result<()> {
    let paid_on = ctx.ago(days_ago);
    let kind = h.kind;
    let source = payouts::source_account(conn, h.funding_unit_id, Method::Cash, None).await?;
    let expense = crate::ledger::chart::account_id(
        conn,
        h.funding_unit_id,
        crate::app::houses::expense_account(kind),
    )
    .await?;
    let entry = NewEntry {
        id: Uuid::now_v7(),
        unit_id: h.funding_unit_id,
        effective_date: paid_on,
        source_type: SourceType::HousePayment,
        source_id: Some(h.id),
        description: format!(
            "Chi hỗ trợ nhà Đại đoàn kết ({}, {})",
            kind.as_str(),
            stage.as_str()
        ),
        reason: None,
        reverses_id: None,
        created_by: Some(at.accountant),
        postings: rules::spend(expense, &[(source, amount)], h.earmark_id),
    };
    if !reservations::consume(conn, Holder::House(h.id), ReservationPool::Money, amount).await? {
        anyhow::bail!("demo house {} has no reservation", h.id);
    }
    entries::post(conn, &entry).await?;
    let row = houses::add_paid(conn, h.id, amount).await?;
    let payment = houses::insert_payment(
        conn,
        &NewPayment {
            id: Uuid::now_v7(),
            house_id: h.id,
            stage: stage.as_str(),
            amount,
            method: "cash",
            bank_account_id: None,
            paid_on,
            journal_entry_id: entry.id,
            paid_by: at.accountant,
        },
    )
    .await?;
    ctx.audit(
        conn,
        at.accountant,
        Change {
            action: "house.pay",
            target_type: "house",
            target_id: Some(h.id),
            unit_id: Some(h.funding_unit_id),
            changes: serde_json::json!({
                "payment_id": payment.id, "stage": payment.stage,
                "amount": money::format(amount), "method": payment.method,
                "paid_on": paid_on, "journal_entry_id": entry.id,
                "paid_amount": money::format(row.paid_amount), "demo": true,
            }),
        },
    )
    .await?;
    Ok(())
}

/// A contribution from outside the fund: no journal entry.
#[allow(clippy::too_many_arguments)]
async fn contribute(
    conn: &mut AsyncPgConnection,
    ctx: &Ctx<'_>,
    at: &Staff,
    h: &HouseRow,
    source: FundingSource,
    kind: &str,
    value: Decimal,
    labour_days: Option<Decimal>,
    name: Option<&str>,
    days_ago: u64,
) -> anyhow::Result<()> {
    let row = house_contributions::insert(
        conn,
        &NewContribution {
            id: Uuid::now_v7(),
            house_id: h.id,
            source: source.as_str(),
            kind,
            value,
            labour_days,
            name,
            description: None,
            contributed_on: ctx.ago(days_ago),
            recorded_by: at.officer,
        },
    )
    .await?;
    ctx.audit(
        conn,
        at.officer,
        Change {
            action: "house.contribution",
            target_type: "house",
            target_id: Some(h.id),
            unit_id: Some(h.funding_unit_id),
            changes: serde_json::json!({
                "contribution_id": row.id, "source": row.source, "kind": row.kind,
                "value": row.value.to_string(),
                "labour_days": row.labour_days.map(|d| d.to_string()), "demo": true,
            }),
        },
    )
    .await?;
    Ok(())
}
