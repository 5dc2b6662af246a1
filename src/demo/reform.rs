//! The 2025 reform in the demo (reform.md): Lạng Sơn's district Tràng Định (`180`) as it was in
//! March 2025, with money, households and an open house project in its communes Khánh Long
//! (`05998`) and Cao Minh (`06010`), in Tân Yên (`06022`) and in the district itself; then the
//! succession lines of those units and their handovers into the 2026 units, in each state a
//! newcomer should see: executed with the bank money received (05998 → 06001), executed with
//! the bank money still in transit (06010 → 06001, the district → the province), and submitted
//! only (06022 → 06019, which stays `dissolving`).
//!
//! Everything goes through the commands the API calls, as the people who would do it: the
//! commune's own staff before the reform (the `<role>.<code>` users of [`staff_users`], who keep
//! read-only access once their unit has ended), the province's officer, approver (four eyes) and
//! finance officer for the handovers, the successor's finance officer for the bank receipt. It
//! runs once, in one transaction, on a tree that has the 2025 district and whose communes have
//! not ended yet; a database seeded before the reform existed in the demo is left as it is.

use std::collections::HashSet;

use anyhow::{anyhow, bail};
use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::DemoUser;
use crate::app::bank_accounts::BankAccountDraft;
use crate::app::campaigns::CampaignDraft;
use crate::app::donations::{Recorded, ToRecord};
use crate::app::handovers::{
    Decision, Execution, ObligationInput, ProposeHandover, ReceiveHandover, ShareInput,
};
use crate::app::spending::Verdict;
use crate::app::users::Operator;
use crate::app::{self, AppResult};
use crate::auth::extractor::Bearer;
use crate::auth::AuthUser;
use crate::db::{units, users};
use crate::domain::donation::{Channel, Donation, DonorKind, PublicDisplay};
use crate::domain::house::{FundingLine, FundingPlan, FundingSource, HouseKind, Proposal};
use crate::domain::household::{Household, HouseholdStatus, NationalId};
use crate::domain::spending::{Action, Kind};
use crate::domain::unit_file::{self, UnitRecord};
use crate::domain::unit_life::UnitLife;
use crate::domain::{money, succession_file, Role};
use crate::middleware::request_id::RequestMeta;
use crate::views::campaigns::CampaignKind;

const UNITS_2025: &[u8] = include_bytes!("../../data/units/vn-admin-units-2025-03.csv");
const SUCCESSIONS: &[u8] = include_bytes!("../../data/units/vn-unit-successions-2025-07.csv");

/// The district of 2025 the demo shows before and after the reform.
pub const DISTRICT: &str = "180";
/// Merged whole into 06001: its handover executed, its bank money received.
pub const KHANH_LONG: &str = "05998";
/// Merged whole into 06001: its handover executed, its bank money still in transit.
pub const CAO_MINH: &str = "06010";
/// Merged whole into 06019: its handover submitted, waiting for the province's approver.
pub const TAN_YEN: &str = "06022";
const TAN_TIEN: &str = "06019";

/// The units whose staff the demo creates: they worked there before the reform.
pub(super) const STAFF_UNITS: [&str; 4] = [DISTRICT, KHANH_LONG, CAO_MINH, TAN_YEN];
const STAFF_ROLES: [Role; 3] = [Role::Officer, Role::Approver, Role::Accountant];

/// Tràng Định's communes' resolution (Nghị quyết của Ủy ban Thường vụ Quốc hội).
const DECISION_NO: &str = "1673/NQ-UBTVQH15";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a demo date exists")
}

fn effective_on() -> NaiveDate {
    day(2025, 7, 1)
}

/// The day the province's finance officer executed the handovers (their entries' date).
fn executed_on() -> NaiveDate {
    day(2025, 7, 15)
}

fn vnd(n: i64) -> Decimal {
    Decimal::from(n)
}

/// The users of the units that ended: officer, approver and finance officer of each.
pub fn staff_users() -> Vec<DemoUser> {
    STAFF_UNITS
        .into_iter()
        .flat_map(|code| {
            STAFF_ROLES.into_iter().map(move |role| DemoUser {
                username: format!("{}.{code}", role.as_str()),
                role,
                unit_code: code.to_owned(),
            })
        })
        .collect()
}

/// The lines of a CSV file (with its header) whose `column` is one of `codes`.
fn lines_where(file: &[u8], column: usize, keep: impl Fn(&str) -> bool) -> anyhow::Result<String> {
    let text = std::str::from_utf8(file)?;
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap_or_default());
    for line in lines {
        if line.split(',').nth(column).is_some_and(&keep) {
            out.push_str(line);
            out.push('\n');
        }
    }
    Ok(out)
}

/// The March 2025 list of province 20, district 180 and the communes of 180.
pub fn units_2025() -> anyhow::Result<Vec<UnitRecord>> {
    let codes = [super::DEMO_PROVINCE, DISTRICT];
    let province = lines_where(UNITS_2025, 0, |c| codes.contains(&c))?;
    let communes = lines_where(UNITS_2025, 1, |p| p == DISTRICT)?;
    let mut records = unit_file::parse(province.as_bytes())?;
    records.extend(unit_file::parse(communes.as_bytes())?);
    Ok(records)
}

/// What the story needs besides the connection.
pub struct Story<'a> {
    pub meta: &'a RequestMeta,
    pub key: &'a [u8],
    pub today: NaiveDate,
    pub new_house_interval_years: u32,
    pub password_hash: &'a str,
}

fn failed(what: &str) -> impl FnOnce(app::AppError) -> anyhow::Error + '_ {
    move |e| anyhow!("demo reform, {what}: {e:?}")
}

/// A demo user as the API would see them after signing in.
async fn actor(
    conn: &mut AsyncPgConnection,
    username: &str,
    meta: &RequestMeta,
) -> anyhow::Result<AuthUser> {
    let user = users::find_by_username(conn, username)
        .await?
        .ok_or_else(|| anyhow!("demo user {username} missing"))?;
    let (name, roles) = users::load_active(conn, user.id)
        .await?
        .ok_or_else(|| anyhow!("demo user {username} disabled"))?;
    Ok(AuthUser::assemble(
        user.id,
        name,
        roles
            .into_iter()
            .map(|a| (a.role, a.unit_id, a.unit_code, a.tier)),
        meta.clone(),
    ))
}

async fn unit_id(conn: &mut AsyncPgConnection, code: &str) -> anyhow::Result<Uuid> {
    Ok(units::find_by_code(conn, code)
        .await?
        .ok_or_else(|| anyhow!("demo unit {code} missing"))?
        .id)
}

/// Whether the tree is the 2025 one whose story has not been told yet.
async fn untold(conn: &mut AsyncPgConnection) -> anyhow::Result<bool> {
    if units::find_by_code(conn, DISTRICT).await?.is_none() {
        return Ok(false);
    }
    let commune = units::find_by_code(conn, KHANH_LONG).await?;
    Ok(commune.is_some_and(|u| u.life() == UnitLife::Active))
}

/// Seeds the reform's story inside the caller's transaction, unless it is there already (or the
/// tree was built without the 2025 district). Answers whether it seeded.
pub async fn seed(conn: &mut AsyncPgConnection, s: &Story<'_>) -> anyhow::Result<bool> {
    if !untold(conn).await? {
        return Ok(false);
    }
    super::create_users(
        conn,
        Operator::Console(s.meta),
        &staff_users(),
        s.password_hash,
    )
    .await?;
    let house = before(conn, s).await?;
    successions(conn, s).await?;
    handovers(conn, s, house).await?;
    Ok(true)
}

// ---------------------------------------------------------------- before 1 July 2025

/// Money, households and a house project recorded in 2025 by the units' own staff. Gives the
/// approved (open) house project of Khánh Long.
async fn before(conn: &mut AsyncPgConnection, s: &Story<'_>) -> anyhow::Result<Uuid> {
    // Khánh Long: cash, a bank account with a transfer, a housing campaign with its earmarked
    // money, three households and a new house approved on the campaign's money
    let at = OldUnit::of(conn, s, KHANH_LONG).await?;
    at.cash(
        conn,
        day(2025, 3, 20),
        12_500_000,
        "Hợp tác xã Nông nghiệp Khánh Long",
    )
    .await?;
    let campaign = at
        .campaign(
            conn,
            CampaignKind::Housing,
            "Xây nhà Đại đoàn kết xã Khánh Long 2025",
            (day(2025, 3, 1), day(2025, 6, 30)),
        )
        .await?;
    at.donate(
        conn,
        Gift {
            on: day(2025, 4, 5),
            amount: 70_000_000,
            donor: "Công ty Cổ phần Xi măng Đồng Bành",
            campaign: Some(campaign),
            bank: None,
        },
    )
    .await?;
    let bank = at
        .bank_account(conn, "970405", "Agribank", "8300205123456")
        .await?;
    at.donate(
        conn,
        Gift {
            on: day(2025, 4, 18),
            amount: 45_000_000,
            donor: "Ngân hàng TMCP Công Thương chi nhánh Lạng Sơn",
            campaign: None,
            bank: Some((bank, "FT25108620417")),
        },
    )
    .await?;
    let homes = at
        .households(
            conn,
            &[
                ("Hoàng Văn Lự", "020190000201", "Thôn Nà Pe", 5),
                ("Lương Thị Dinh", "020190000202", "Thôn Nà Pe", 3),
                ("Nông Văn Thìn", "020190000203", "Thôn Bản Pì", 6),
            ],
        )
        .await?;
    let house = at.house(conn, homes[0], campaign).await?;

    // Cao Minh: cash and a bank account with a transfer, two households
    let at = OldUnit::of(conn, s, CAO_MINH).await?;
    at.cash(conn, day(2025, 5, 6), 8_000_000, "Trường Tiểu học Cao Minh")
        .await?;
    let bank = at
        .bank_account(conn, "970418", "BIDV", "36010000789012")
        .await?;
    at.donate(
        conn,
        Gift {
            on: day(2025, 5, 22),
            amount: 15_000_000,
            donor: "Công ty TNHH Thương mại Tràng Định",
            campaign: None,
            bank: Some((bank, "FT25142118803")),
        },
    )
    .await?;
    at.households(
        conn,
        &[
            ("Triệu Văn Pảo", "020190000204", "Thôn Khuổi Hà", 4),
            ("Lý Thị Ngần", "020190000205", "Thôn Khuổi Hà", 2),
        ],
    )
    .await?;

    // Tân Yên: cash and two households
    let at = OldUnit::of(conn, s, TAN_YEN).await?;
    at.cash(
        conn,
        day(2025, 6, 3),
        6_000_000,
        "Đoàn Thanh niên xã Tân Yên",
    )
    .await?;
    at.households(
        conn,
        &[
            ("Hà Văn Slì", "020190000206", "Thôn Nà Đồng", 5),
            ("Vy Thị Hoan", "020190000207", "Thôn Pò Mỏ", 4),
        ],
    )
    .await?;

    // the district: cash, and a restricted flood-relief campaign with its earmarked money
    let at = OldUnit::of(conn, s, DISTRICT).await?;
    at.cash(
        conn,
        day(2025, 4, 10),
        25_000_000,
        "Công ty Điện lực Lạng Sơn",
    )
    .await?;
    let campaign = at
        .campaign(
            conn,
            CampaignKind::Disaster,
            "Hỗ trợ đồng bào bị lũ quét huyện Tràng Định 2025",
            (day(2025, 5, 15), day(2025, 6, 30)),
        )
        .await?;
    at.donate(
        conn,
        Gift {
            on: day(2025, 5, 20),
            amount: 30_000_000,
            donor: "Hội Doanh nhân trẻ tỉnh Lạng Sơn",
            campaign: Some(campaign),
            bank: None,
        },
    )
    .await?;
    Ok(house)
}

/// A unit of 2025 and its staff (a district too: it had a fund).
struct OldUnit<'a> {
    unit: Uuid,
    code: &'static str,
    officer: AuthUser,
    approver: AuthUser,
    accountant: AuthUser,
    s: &'a Story<'a>,
}

/// A donation of an organisation: cash, or a transfer into a bank account (with its reference).
struct Gift<'a> {
    on: NaiveDate,
    amount: i64,
    donor: &'a str,
    campaign: Option<Uuid>,
    bank: Option<(Uuid, &'a str)>,
}

impl<'a> OldUnit<'a> {
    async fn of(
        conn: &mut AsyncPgConnection,
        s: &'a Story<'a>,
        code: &'static str,
    ) -> anyhow::Result<OldUnit<'a>> {
        let as_role = |role: Role| format!("{}.{code}", role.as_str());
        Ok(OldUnit {
            unit: unit_id(conn, code).await?,
            code,
            officer: actor(conn, &as_role(Role::Officer), s.meta).await?,
            approver: actor(conn, &as_role(Role::Approver), s.meta).await?,
            accountant: actor(conn, &as_role(Role::Accountant), s.meta).await?,
            s,
        })
    }

    async fn cash(
        &self,
        conn: &mut AsyncPgConnection,
        on: NaiveDate,
        amount: i64,
        donor: &str,
    ) -> anyhow::Result<()> {
        let gift = Gift {
            on,
            amount,
            donor,
            campaign: None,
            bank: None,
        };
        self.donate(conn, gift).await
    }

    /// Recorded by the unit's officer as `POST /v1/donations` records it.
    async fn donate(&self, conn: &mut AsyncPgConnection, g: Gift<'_>) -> anyhow::Result<()> {
        let caller = Bearer {
            user_id: self.officer.id.0,
            meta: self.s.meta.clone(),
        };
        let amount = vnd(g.amount);
        let donation = Donation {
            unit_id: self.unit,
            campaign_id: g.campaign,
            channel: if g.bank.is_some() {
                Channel::BankTransfer
            } else {
                Channel::Cash
            },
            amount,
            currency: money::VND,
            fx_rate: None,
            amount_vnd: amount,
            received_on: g.on,
            donor_kind: DonorKind::Organization,
            donor_name: Some(g.donor.to_owned()),
            donor_phone: None,
            donor_email: None,
            donor_address: None,
            donor_tax_code: None,
            public_display: PublicDisplay::Name,
            bank_account_id: g.bank.map(|(id, _)| id),
            bank_reference: g.bank.map(|(_, r)| r.to_owned()),
            in_kind_items: None,
            note: None,
        };
        let input = ToRecord {
            unit_id: self.unit,
            campaign_id: g.campaign,
            bank_account_id: donation.bank_account_id,
            donation: Ok(donation),
        };
        match app::donations::record(conn, &caller, None, input)
            .await
            .map_err(failed("donation"))?
        {
            Recorded::Created(_) => Ok(()),
            Recorded::Taken(_) => bail!("demo reform: a donation without a key was not recorded"),
        }
    }

    /// A restricted campaign opened by the unit's officer.
    async fn campaign(
        &self,
        conn: &mut AsyncPgConnection,
        kind: CampaignKind,
        name: &str,
        (starts_on, ends_on): (NaiveDate, NaiveDate),
    ) -> anyhow::Result<Uuid> {
        let draft = CampaignDraft {
            unit_id: self.unit,
            kind,
            name: name.to_owned(),
            starts_on,
            ends_on,
            restricted: true,
        };
        Ok(app::campaigns::create(conn, &self.officer, draft)
            .await
            .map_err(failed("campaign"))?
            .id)
    }

    /// A bank account registered by the unit's finance officer.
    async fn bank_account(
        &self,
        conn: &mut AsyncPgConnection,
        bin: &str,
        bank: &str,
        number: &str,
    ) -> anyhow::Result<Uuid> {
        bank_account(
            conn,
            &self.accountant,
            self.unit,
            self.code,
            (bin, bank, number),
        )
        .await
    }

    /// Poor households registered by the unit's officer: head, national ID, village, members.
    async fn households(
        &self,
        conn: &mut AsyncPgConnection,
        homes: &[(&str, &str, &str, i32)],
    ) -> anyhow::Result<Vec<Uuid>> {
        let registered_on = day(2025, 3, 10);
        let unit = app::households::commune_for(conn, &self.officer, self.unit, registered_on)
            .await
            .map_err(failed("household"))?;
        let mut ids = Vec::new();
        for (head, national_id, village, members) in homes {
            let national_id =
                NationalId::parse(national_id).ok_or_else(|| anyhow!("demo national ID"))?;
            let hmac = national_id.hmac(self.s.key);
            let h = Household {
                unit_id: unit.id,
                head_name: (*head).to_owned(),
                national_id,
                village: (*village).to_owned(),
                address: format!("{village}, {}, huyện Tràng Định", unit.full_name),
                members: *members,
                status: HouseholdStatus::Poor,
                status_year: 2025,
                poverty_cert_no: None,
                ethnicity: Some("Tày".to_owned()),
                phone: None,
            };
            let registered = app::households::register(conn, &self.officer, &unit, &h, &hmac)
                .await
                .map_err(failed("household"))?;
            ids.push(registered.household.id);
        }
        Ok(ids)
    }

    /// A new house proposed by the officer on the campaign's money (the norm as its support)
    /// and approved by the approver, which reserves the support: open when the unit ends.
    async fn house(
        &self,
        conn: &mut AsyncPgConnection,
        household_id: Uuid,
        campaign: Uuid,
    ) -> anyhow::Result<Uuid> {
        let proposed_on = day(2025, 5, 12);
        let norm = vnd(60_000_000);
        let proposal = Proposal {
            household_id,
            funding_unit_id: self.unit,
            kind: HouseKind::New,
            requested: None,
            reason: None,
            estimated_cost: vnd(85_000_000),
            area: Some(Decimal::from(45)),
            plan: FundingPlan {
                lines: vec![
                    FundingLine {
                        source: FundingSource::Fund,
                        amount: norm,
                        name: None,
                    },
                    FundingLine {
                        source: FundingSource::Household,
                        amount: vnd(25_000_000),
                        name: None,
                    },
                ],
            },
            campaign_id: Some(campaign),
            proposed_on,
        };
        let checked = app::houses::check_proposal(conn, &self.officer, proposal, proposed_on)
            .await
            .map_err(failed("house proposal"))?;
        let house = app::houses::create(
            conn,
            &self.officer,
            &checked,
            self.s.new_house_interval_years,
        )
        .await
        .map_err(failed("house proposal"))?;
        let verdict = Verdict::new(Action::Approve, None);
        app::spending::decide(conn, &self.approver, Kind::House, house.id, verdict)
            .await
            .map_err(failed("house approval"))?;
        Ok(house.id)
    }
}

async fn bank_account(
    conn: &mut AsyncPgConnection,
    accountant: &AuthUser,
    unit: Uuid,
    code: &str,
    (bin, bank, number): (&str, &str, &str),
) -> anyhow::Result<Uuid> {
    let draft = BankAccountDraft {
        bank_bin: bin.to_owned(),
        bank_name: bank.to_owned(),
        account_number: number.to_owned(),
        account_name: format!("Quỹ Vì người nghèo {code}"),
        currency: money::VND,
    };
    Ok(app::bank_accounts::create(conn, accountant, unit, draft)
        .await
        .map_err(failed("bank account"))?
        .id)
}

// ---------------------------------------------------------------- 1 July 2025

/// The succession file's lines of province 20 and of the district's communes.
async fn successions(conn: &mut AsyncPgConnection, s: &Story<'_>) -> anyhow::Result<()> {
    let communes = lines_where(UNITS_2025, 1, |p| p == DISTRICT)?;
    let mut codes: HashSet<String> = communes
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .map(str::to_owned)
        .collect();
    codes.insert(super::DEMO_PROVINCE.to_owned());
    let lines = lines_where(SUCCESSIONS, 1, |c| codes.contains(c))?;
    let parsed = succession_file::parse(lines.as_bytes());
    if !parsed.errors.is_empty() {
        bail!("demo successions: {:?}", parsed.errors);
    }
    app::successions::import(conn, Operator::Console(s.meta), parsed)
        .await
        .map_err(|e| anyhow!("demo successions: {e:?}"))?;
    Ok(())
}

/// Proposed by the province's officer, approved by its approver, executed by its finance
/// officer; 06001's finance officer records where Khánh Long's bank money arrived.
async fn handovers(conn: &mut AsyncPgConnection, s: &Story<'_>, house: Uuid) -> anyhow::Result<()> {
    let province = super::DEMO_PROVINCE;
    let officer = actor(conn, &format!("officer.{province}"), s.meta).await?;
    let approver = actor(conn, &format!("approver.{province}"), s.meta).await?;
    let finance = actor(conn, &format!("accountant.{province}"), s.meta).await?;
    let doan_ket = unit_id(conn, super::DEMO_COMMUNE).await?;

    let mut body = whole(
        unit_id(conn, KHANH_LONG).await?,
        doan_ket,
        Some(DECISION_NO),
    );
    body.obligations = Some(vec![ObligationInput {
        kind: Kind::House.record_name().to_owned(),
        id: house,
        to_unit_id: doan_ket,
        bank_account_id: None,
    }]);
    let khanh_long = through(conn, &officer, &approver, &finance, &body).await?;

    let body = whole(unit_id(conn, CAO_MINH).await?, doan_ket, Some(DECISION_NO));
    through(conn, &officer, &approver, &finance, &body).await?;

    let body = whole(
        unit_id(conn, DISTRICT).await?,
        unit_id(conn, province).await?,
        None,
    );
    through(conn, &officer, &approver, &finance, &body).await?;

    // Tân Yên's waits for the province's approver
    let body = whole(
        unit_id(conn, TAN_YEN).await?,
        unit_id(conn, TAN_TIEN).await?,
        Some(DECISION_NO),
    );
    app::handovers::propose_id(conn, &officer, &body)
        .await
        .map_err(failed("handover proposal"))?;

    // Khánh Long's bank money arrives in 06001's new account; Cao Minh's is still in transit
    let receiver = actor(
        conn,
        &format!("accountant.{}", super::DEMO_COMMUNE.to_ascii_lowercase()),
        s.meta,
    )
    .await?;
    let bank = bank_account(
        conn,
        &receiver,
        doan_ket,
        super::DEMO_COMMUNE,
        ("970405", "Agribank", "8300205654321"),
    )
    .await?;
    let receipt = ReceiveHandover {
        to_unit_id: doan_ket,
        bank_account_id: bank,
        received_on: day(2025, 7, 18),
    };
    app::handovers::receive(conn, &receiver, khanh_long, &receipt, s.today)
        .await
        .map_err(failed("handover receipt"))?;
    Ok(())
}

/// The handover of everything of `from` to its one successor.
fn whole(from: Uuid, to: Uuid, decision_no: Option<&str>) -> ProposeHandover {
    ProposeHandover {
        from_unit_id: from,
        effective_on: effective_on(),
        decision_no: decision_no.map(str::to_owned),
        shares: vec![ShareInput {
            to_unit_id: to,
            fraction: "1".to_owned(),
        }],
        households: None,
        obligations: None,
    }
}

/// Proposed, approved by another person, executed: the handover's id.
async fn through(
    conn: &mut AsyncPgConnection,
    officer: &AuthUser,
    approver: &AuthUser,
    finance: &AuthUser,
    body: &ProposeHandover,
) -> anyhow::Result<Uuid> {
    let id = app::handovers::propose_id(conn, officer, body)
        .await
        .map_err(failed("handover proposal"))?;
    app::handovers::decide_only(conn, approver, id, Decision::Approve)
        .await
        .map_err(failed("handover approval"))?;
    let executed: AppResult<Execution> =
        app::handovers::execute(conn, finance, id, executed_on()).await;
    match executed.map_err(failed("handover execution"))? {
        Execution::Executed(_) => Ok(id),
        Execution::Stale => bail!("demo handover {id} went stale"),
    }
}
