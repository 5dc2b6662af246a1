//! Great Unity houses (domain.md): a house built (`new`) or repaired (`repair`) with the fund's
//! support, proposed with a funding plan, approved, started, accepted ("3 cứng": hard roof, floor
//! and walls) and handed over, paid in tranches (`advance`, `progress`, `final`) that never pass
//! the support. Here are the values a request is parsed into and the rules that need no database.

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use super::money::{self, MAX_VND};
use super::spending::{Method, Status};
use super::text;
use crate::domain::field::FieldError;
use crate::messages::houses as says;

/// What the project does to the house; decides the norm and the expense account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HouseKind {
    New,
    Repair,
}

impl HouseKind {
    pub const ALL: [HouseKind; 2] = [HouseKind::New, HouseKind::Repair];

    pub fn as_str(self) -> &'static str {
        match self {
            HouseKind::New => "new",
            HouseKind::Repair => "repair",
        }
    }

    pub fn parse(s: &str) -> Option<HouseKind> {
        HouseKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The states of a house project, in lifecycle order (`cancelled` last).
pub const STATUSES: [Status; 6] = [
    Status::Proposed,
    Status::Approved,
    Status::Started,
    Status::Completed,
    Status::HandedOver,
    Status::Cancelled,
];

/// A house project's status from its name, or None when houses have no such state.
pub fn parse_status(s: &str) -> Option<Status> {
    STATUSES.into_iter().find(|x| x.as_str() == s)
}

/// A stage of the project that records who, when and which attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Approve,
    Start,
    Complete,
    HandOver,
}

impl Step {
    /// The key of the stage's attachment ids in `evidence`.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Approve => "approve",
            Step::Start => "start",
            Step::Complete => "complete",
            Step::HandOver => "hand_over",
        }
    }
}

/// `evidence` with the step's attachment ids set (other steps kept); unchanged when none given.
pub fn with_evidence(evidence: &Value, step: Step, ids: &[Uuid]) -> Value {
    let mut out = match evidence {
        Value::Object(_) => evidence.clone(),
        _ => json!({}),
    };
    if !ids.is_empty() {
        out[step.as_str()] = json!(ids);
    }
    out
}

/// Where a line of the funding plan comes from; `fund` is this fund's support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FundingSource {
    Fund,
    StateBudget,
    Sponsor,
    Community,
    Household,
}

impl FundingSource {
    pub fn as_str(self) -> &'static str {
        match self {
            FundingSource::Fund => "fund",
            FundingSource::StateBudget => "state_budget",
            FundingSource::Sponsor => "sponsor",
            FundingSource::Community => "community",
            FundingSource::Household => "household",
        }
    }
}

/// A line of the funding plan as the API receives it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FundingLineInput {
    pub source: FundingSource,
    /// Whole đồng, a string.
    #[schema(example = "20000000")]
    pub amount: String,
    /// Who gives it (a sponsor's name, the state programme).
    #[schema(max_length = 200)]
    pub name: Option<String>,
}

/// A line that parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundingLine {
    pub source: FundingSource,
    pub amount: Decimal,
    pub name: Option<String>,
}

/// How the house is paid for: at most `MAX_LINES` lines, a total of at most 10^15 đồng.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FundingPlan {
    pub lines: Vec<FundingLine>,
}

impl FundingPlan {
    pub const MAX_LINES: usize = 10;

    /// Parses the plan; every error names its line (`funding_plan[2].amount`).
    pub fn parse(input: &[FundingLineInput]) -> Result<FundingPlan, Vec<FieldError>> {
        let mut errors = Vec::new();
        if input.len() > Self::MAX_LINES {
            return Err(vec![FieldError::new(
                "funding_plan",
                format!("at most {} lines", Self::MAX_LINES),
                format!("tối đa {} dòng", Self::MAX_LINES),
            )]);
        }
        let mut lines = Vec::with_capacity(input.len());
        for (i, line) in input.iter().enumerate() {
            let amount = match money::parse_vnd(&line.amount) {
                Ok(a) => a,
                Err(e) => {
                    errors.push(FieldError::new(
                        format!("funding_plan[{i}].amount"),
                        e.to_string(),
                        e.vi(),
                    ));
                    continue;
                }
            };
            let name = match &line.name {
                None => None,
                Some(n) => match text::clean(n, 200) {
                    Some(n) => Some(n),
                    None => {
                        errors.push(FieldError::new(
                            format!("funding_plan[{i}].name"),
                            "1 to 200 characters",
                            "từ 1 đến 200 ký tự",
                        ));
                        continue;
                    }
                },
            };
            lines.push(FundingLine {
                source: line.source,
                amount,
                name,
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let plan = FundingPlan { lines };
        if plan
            .lines
            .iter()
            .filter(|l| l.source == FundingSource::Fund)
            .count()
            > 1
        {
            return Err(vec![FieldError::new(
                "funding_plan",
                "at most one line from the fund",
                "chỉ một dòng nguồn quỹ",
            )]);
        }
        if plan.total() > Decimal::from(MAX_VND) {
            let (max_en, max_vi) = crate::vocabulary::amounts(Decimal::from(MAX_VND));
            return Err(vec![FieldError::new(
                "funding_plan",
                format!("the total exceeds the maximum of {max_en}"),
                format!("tổng vượt quá mức tối đa {max_vi}"),
            )]);
        }
        Ok(plan)
    }

    pub fn total(&self) -> Decimal {
        self.lines.iter().map(|l| l.amount).sum()
    }

    /// The fund's own line, if the plan has one.
    pub fn fund(&self) -> Option<Decimal> {
        self.lines
            .iter()
            .find(|l| l.source == FundingSource::Fund)
            .map(|l| l.amount)
    }

    /// The plan as stored and returned: amounts as strings, `name` only when given.
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.lines
                .iter()
                .map(|l| {
                    let mut v =
                        json!({"source": l.source.as_str(), "amount": money::format(l.amount)});
                    if let Some(name) = &l.name {
                        v["name"] = json!(name);
                    }
                    v
                })
                .collect(),
        )
    }
}

/// The support a proposal asks for: the norm unless another amount is given with a reason.
/// Errors name the field to fix.
pub fn decide_support(
    norm: Option<Decimal>,
    requested: Option<Decimal>,
    override_reason: Option<&str>,
) -> Result<Decimal, FieldError> {
    match (norm, requested) {
        (None, None) => Err(FieldError::new(
            "support_amount",
            "no norm is in force for this unit, kind and date: give the support amount and why",
            "chưa có định mức cho đơn vị, loại nhà và ngày này: hãy nêu số tiền hỗ trợ và lý do",
        )),
        (Some(n), None) => Ok(n),
        (norm, Some(s)) if norm != Some(s) && override_reason.is_none() => Err(FieldError::new(
            "norm_override_reason",
            "required when the support differs from the norm",
            "bắt buộc khi số tiền hỗ trợ khác định mức",
        )),
        (_, Some(s)) => Ok(s),
    }
}

/// Whether a `new` house handed over on `handed_over_on` is recent enough, `years` before a
/// proposal on `proposed_on`, to refuse another new house (409 `recent_house_support`).
pub fn is_recent_new_house(handed_over_on: NaiveDate, proposed_on: NaiveDate, years: u32) -> bool {
    match proposed_on.checked_sub_months(Months::new(years.saturating_mul(12))) {
        Some(limit) => handed_over_on > limit,
        None => true,
    }
}

/// A tranche of the fund's support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Advance,
    Progress,
    /// Only once the house passed acceptance (`completed`).
    Final,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Advance, Stage::Progress, Stage::Final];

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Advance => "advance",
            Stage::Progress => "progress",
            Stage::Final => "final",
        }
    }
}

/// How a tranche leaves the fund: cash (1111) or a bank account (1121.N).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrancheMethod {
    Cash,
    Bank,
}

impl TrancheMethod {
    pub fn parse(s: &str) -> Option<TrancheMethod> {
        [TrancheMethod::Cash, TrancheMethod::Bank]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        self.method().as_str()
    }

    pub fn method(self) -> Method {
        match self {
            TrancheMethod::Cash => Method::Cash,
            TrancheMethod::Bank => Method::Bank,
        }
    }
}

/// Parses an area in m², e.g. `"45.5"`: positive, at most 10,000, at most two decimals.
pub fn parse_area(s: &str) -> Option<Decimal> {
    let d = money::parse_decimal(s, 2).ok()?;
    (d > Decimal::ZERO && d <= Decimal::from(10_000)).then_some(d)
}

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

/// A proposal that passed every rule that needs no database.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub household_id: Uuid,
    pub funding_unit_id: Uuid,
    pub kind: HouseKind,
    pub requested: Option<Decimal>,
    pub reason: Option<String>,
    pub estimated_cost: Decimal,
    pub area: Option<Decimal>,
    pub plan: FundingPlan,
    pub campaign_id: Option<Uuid>,
    pub proposed_on: NaiveDate,
}

impl CreateHouse {
    /// Parses the proposal in the order its errors are answered (the first one wins).
    pub fn parse(&self, today: NaiveDate) -> Result<Proposal, Vec<FieldError>> {
        let proposed_on = self.proposed_on.unwrap_or(today);
        if proposed_on > today {
            return Err(vec![says::in_the_future("proposed_on")]);
        }
        let requested = self
            .support_amount
            .as_deref()
            .map(money::parse_vnd)
            .transpose()
            .map_err(|e| vec![says::money("support_amount", e)])?;
        let estimated_cost = money::parse_vnd(&self.estimated_cost)
            .map_err(|e| vec![says::money("estimated_cost", e)])?;
        let area = match self.area_m2.as_deref() {
            None => None,
            Some(a) => Some(parse_area(a).ok_or_else(|| vec![says::area()])?),
        };
        let reason = match self.norm_override_reason.as_deref() {
            None => None,
            Some(r) => {
                Some(text::clean(r, 1000).ok_or_else(|| vec![says::override_reason_length()])?)
            }
        };
        let plan = FundingPlan::parse(&self.funding_plan)?;
        Ok(Proposal {
            household_id: self.household_id,
            funding_unit_id: self.funding_unit_id,
            kind: self.kind,
            requested,
            reason,
            estimated_cost,
            area,
            plan,
            campaign_id: self.campaign_id,
            proposed_on,
        })
    }
}

/// The support decided for a proposal, checked against its cost and its plan's fund line.
pub fn checked_support(p: &Proposal, norm: Option<Decimal>) -> Result<Decimal, FieldError> {
    let support = decide_support(norm, p.requested, p.reason.as_deref())?;
    if support > p.estimated_cost {
        return Err(says::cost_below_support());
    }
    if p.plan.fund().is_some_and(|f| f != support) {
        return Err(says::fund_line_not_support(support));
    }
    Ok(support)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayTranche {
    /// Whole đồng, a string; the tranches together never exceed the support.
    #[schema(example = "20000000")]
    pub amount: String,
    pub stage: Stage,
    pub method: TrancheMethod,
    /// Required when `method` is `bank`: a bank account of the funding unit.
    pub bank_account_id: Option<Uuid>,
    /// Local date the money was paid (the entry's effective date); not in the future.
    #[serde(deserialize_with = "crate::domain::fund_date::deserialize")]
    pub paid_on: NaiveDate,
}

/// A tranche that passed every rule that needs no database.
#[derive(Debug, Clone)]
pub struct Tranche {
    pub amount: Decimal,
    pub stage: Stage,
    pub method: TrancheMethod,
    pub bank_account_id: Option<Uuid>,
    pub paid_on: NaiveDate,
}

impl PayTranche {
    pub fn parse(&self, today: NaiveDate) -> Result<Tranche, FieldError> {
        let amount = money::parse_vnd(&self.amount).map_err(|e| says::money("amount", e))?;
        if (self.method == TrancheMethod::Bank) != self.bank_account_id.is_some() {
            return Err(says::bank_account_for_bank_only());
        }
        if self.paid_on > today {
            return Err(says::in_the_future("paid_on"));
        }
        Ok(Tranche {
            amount,
            stage: self.stage,
            method: self.method,
            bank_account_id: self.bank_account_id,
            paid_on: self.paid_on,
        })
    }
}

/// 422 on `field` when `date` is after today or before `not_before` (the previous stage).
pub fn check_stage_date(
    field: &str,
    date: NaiveDate,
    today: NaiveDate,
    not_before: Option<NaiveDate>,
) -> Result<(), FieldError> {
    if date > today {
        return Err(says::in_the_future(field));
    }
    if let Some(earliest) = not_before.filter(|d| date < *d) {
        return Err(says::before_previous_stage(field, earliest));
    }
    Ok(())
}

// ---------------------------------------------------------------- contributions

/// Who gave it: anyone but the fund (the fund's share is paid as tranches).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContributionSource {
    StateBudget,
    Sponsor,
    Community,
    Household,
}

impl ContributionSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ContributionSource::StateBudget => "state_budget",
            ContributionSource::Sponsor => "sponsor",
            ContributionSource::Community => "community",
            ContributionSource::Household => "household",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContributionKind {
    Cash,
    Materials,
    Labour,
}

impl ContributionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ContributionKind::Cash => "cash",
            ContributionKind::Materials => "materials",
            ContributionKind::Labour => "labour",
        }
    }
}

/// Body of `POST /v1/houses/{id}/contributions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContribution {
    pub source: ContributionSource,
    pub kind: ContributionKind,
    /// Whole đồng, a string: the cash, or the value of the materials or labour. Positive, but
    /// `"0"` is allowed for labour.
    #[schema(example = "5000000")]
    pub value: String,
    /// Required for labour, and only then: the days worked (at most one decimal place), as a
    /// string or a number.
    #[serde(default, deserialize_with = "decimal_text")]
    #[schema(value_type = Option<String>, example = "20")]
    pub labour_days: Option<String>,
    /// Who gave it (a sponsor, an organisation).
    #[schema(max_length = 200)]
    pub name: Option<String>,
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    /// Not after today.
    #[serde(deserialize_with = "crate::domain::fund_date::deserialize")]
    pub contributed_on: NaiveDate,
}

/// Accepts `"12.5"` or `12.5`, keeping the text as written.
fn decimal_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        S(String),
        N(serde_json::Number),
    }
    Ok(Option::<Text>::deserialize(d)?.map(|t| match t {
        Text::S(s) => s,
        Text::N(n) => n.to_string(),
    }))
}

/// The contribution, checked.
pub struct Contribution {
    pub source: ContributionSource,
    pub kind: ContributionKind,
    pub value: Decimal,
    pub labour_days: Option<Decimal>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub contributed_on: NaiveDate,
}

impl CreateContribution {
    pub fn parse(&self, today: NaiveDate) -> Result<Contribution, Vec<FieldError>> {
        let mut errors = Vec::new();
        let labour = self.kind == ContributionKind::Labour;
        let value = match money::parse_vnd_or_zero(&self.value) {
            Ok(v) if v.is_zero() && !labour => {
                errors.push(FieldError::new(
                    "value",
                    "must be greater than zero (only labour may be 0)",
                    "phải lớn hơn 0 (chỉ ngày công được bằng 0)",
                ));
                None
            }
            Ok(v) => Some(v),
            Err(e) => {
                errors.push(FieldError::new("value", e.to_string(), e.vi()));
                None
            }
        };
        let labour_days = match (labour, self.labour_days.as_deref()) {
            (true, None) => {
                errors.push(FieldError::new(
                    "labour_days",
                    "required for labour",
                    "bắt buộc với đóng góp ngày công",
                ));
                None
            }
            (false, Some(_)) => {
                errors.push(FieldError::new(
                    "labour_days",
                    "only for labour",
                    "chỉ dùng cho đóng góp ngày công",
                ));
                None
            }
            (false, None) => None,
            (true, Some(days)) => match money::parse_decimal(days, 1) {
                Ok(d) if !d.is_zero() && d < Decimal::from(10_000_000) => Some(d),
                _ => {
                    errors.push(FieldError::new(
                        "labour_days",
                        "a positive number of days below 10000000, at most one decimal place",
                        "số ngày dương, nhỏ hơn 10000000, tối đa một chữ số thập phân",
                    ));
                    None
                }
            },
        };
        let optional =
            |raw: &Option<String>, field: &str, max: usize, errors: &mut Vec<FieldError>| {
                raw.as_deref().and_then(|r| {
                    let cleaned = text::clean(r, max);
                    if cleaned.is_none() {
                        errors.push(FieldError::new(
                            field,
                            format!("1 to {max} characters"),
                            format!("từ 1 đến {max} ký tự"),
                        ));
                    }
                    cleaned
                })
            };
        let name = optional(&self.name, "name", 200, &mut errors);
        let description = optional(&self.description, "description", 1000, &mut errors);
        if self.contributed_on > today {
            errors.push(FieldError::new(
                "contributed_on",
                "not after today",
                "không được sau ngày hôm nay",
            ));
        }
        match value {
            Some(value) if errors.is_empty() => Ok(Contribution {
                source: self.source,
                kind: self.kind,
                value,
                labour_days,
                name,
                description,
                contributed_on: self.contributed_on,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(source: FundingSource, amount: &str) -> FundingLineInput {
        FundingLineInput {
            source,
            amount: amount.into(),
            name: None,
        }
    }

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    #[test]
    fn a_funding_plan_parses_and_totals() {
        let mut sponsor = line(FundingSource::Sponsor, "15000000");
        sponsor.name = Some("  Công ty  Xi măng ".into());
        let plan = FundingPlan::parse(&[
            line(FundingSource::Fund, "60000000"),
            sponsor,
            line(FundingSource::Household, "5000000"),
        ])
        .unwrap();
        assert_eq!(plan.total(), d(80_000_000));
        assert_eq!(plan.fund(), Some(d(60_000_000)));
        assert_eq!(
            plan.to_json(),
            json!([{"source": "fund", "amount": "60000000"},
                   {"source": "sponsor", "amount": "15000000", "name": "Công ty  Xi măng"},
                   {"source": "household", "amount": "5000000"}])
        );
    }

    #[test]
    fn a_bad_funding_plan_names_the_line() {
        let errors = FundingPlan::parse(&[
            line(FundingSource::Fund, "60000000"),
            line(FundingSource::Community, "-1"),
        ])
        .unwrap_err();
        assert_eq!(errors[0].field, "funding_plan[1].amount");
        let eleven: Vec<_> = (0..11)
            .map(|_| line(FundingSource::Sponsor, "1000"))
            .collect();
        assert_eq!(
            FundingPlan::parse(&eleven).unwrap_err()[0].field,
            "funding_plan"
        );
        let huge = [
            line(FundingSource::Sponsor, "1000000000000000"),
            line(FundingSource::Community, "1"),
        ];
        assert_eq!(
            FundingPlan::parse(&huge).unwrap_err()[0].field,
            "funding_plan"
        );
        let two_funds = [
            line(FundingSource::Fund, "1"),
            line(FundingSource::Fund, "2"),
        ];
        assert!(FundingPlan::parse(&two_funds).is_err());
        assert_eq!(FundingPlan::parse(&[]).unwrap().fund(), None);
    }

    #[test]
    fn the_support_is_the_norm_unless_another_is_given_with_a_reason() {
        let norm = Some(d(60_000_000));
        assert_eq!(decide_support(norm, None, None).unwrap(), d(60_000_000));
        assert_eq!(
            decide_support(norm, Some(d(60_000_000)), None).unwrap(),
            d(60_000_000)
        );
        assert_eq!(
            decide_support(norm, Some(d(70_000_000)), None)
                .unwrap_err()
                .field,
            "norm_override_reason"
        );
        assert_eq!(
            decide_support(norm, Some(d(70_000_000)), Some("lũ cuốn trôi")).unwrap(),
            d(70_000_000)
        );
        assert_eq!(
            decide_support(None, None, None).unwrap_err().field,
            "support_amount"
        );
        assert!(decide_support(None, Some(d(1)), None).is_err());
        assert!(decide_support(None, Some(d(1)), Some("chưa có định mức")).is_ok());
    }

    #[test]
    fn a_new_house_within_the_interval_is_recent() {
        let on = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert!(is_recent_new_house(on("2023-11-27"), on("2026-11-27"), 10));
        assert!(is_recent_new_house(on("2016-11-28"), on("2026-11-27"), 10));
        assert!(!is_recent_new_house(on("2016-11-27"), on("2026-11-27"), 10));
        assert!(!is_recent_new_house(on("2010-01-01"), on("2026-11-27"), 10));
    }

    #[test]
    fn evidence_is_kept_per_step() {
        let a = Uuid::now_v7();
        let b = Uuid::now_v7();
        let ev = with_evidence(&json!({}), Step::Approve, &[a]);
        let ev = with_evidence(&ev, Step::HandOver, &[b]);
        let ev = with_evidence(&ev, Step::Start, &[]);
        assert_eq!(ev, json!({"approve": [a], "hand_over": [b]}));
    }

    #[test]
    fn kinds_stages_and_areas() {
        assert_eq!(Stage::parse("final"), Some(Stage::Final));
        assert_eq!(TrancheMethod::parse("bank"), Some(TrancheMethod::Bank));
        assert_eq!(TrancheMethod::parse("in_kind"), None);
        assert_eq!(HouseKind::parse("repair"), Some(HouseKind::Repair));
        assert_eq!(parse_status("handed_over"), Some(Status::HandedOver));
        assert_eq!(parse_status("paid"), None);
        assert_eq!(Stage::Final.as_str(), "final");
        assert_eq!(TrancheMethod::Bank.method(), Method::Bank);
        assert_eq!(parse_area("45.5"), Some(Decimal::new(455, 1)));
        assert_eq!(parse_area("0"), None);
        assert_eq!(parse_area("10000.01"), None);
        assert_eq!(parse_area("12.345"), None);
    }
}
