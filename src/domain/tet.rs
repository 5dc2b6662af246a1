//! Tết gift batches (domain.md): one gift — cash, goods or both — for each household of a list,
//! from a Tết campaign, and the deliveries synced from the field. Here are the values a request
//! is parsed into and the rules that need no database; the words of each refusal are the
//! catalogue's (`messages::tet_batches`).

use std::collections::HashSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::field::FieldError;
use super::money::{self, MoneyError};
use super::spending::Method;
use super::text;
use crate::messages::tet_batches as says;

/// The most households one batch may hold (and the most deliveries one sync may carry).
pub const MAX_HOUSEHOLDS: usize = 20_000;

/// How a recipient confirmed receiving the gift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AckMethod {
    Signature,
    Thumbprint,
    Photo,
    Witness,
}

impl AckMethod {
    pub const ALL: [AckMethod; 4] = [
        AckMethod::Signature,
        AckMethod::Thumbprint,
        AckMethod::Photo,
        AckMethod::Witness,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AckMethod::Signature => "signature",
            AckMethod::Thumbprint => "thumbprint",
            AckMethod::Photo => "photo",
            AckMethod::Witness => "witness",
        }
    }

    pub fn parse(s: &str) -> Option<AckMethod> {
        AckMethod::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// How the C-02Q list names it.
    pub fn label(self) -> &'static str {
        match self {
            AckMethod::Signature => "Ký nhận",
            AckMethod::Thumbprint => "Điểm chỉ",
            AckMethod::Photo => "Ảnh chụp",
            AckMethod::Witness => "Người làm chứng",
        }
    }
}

/// Where a recipient stands: `pending` until delivered, `returned` when the batch closed
/// before delivery, `withdrawn` when the batch was rejected or cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecipientStatus {
    Pending,
    Delivered,
    Returned,
    Withdrawn,
}

impl RecipientStatus {
    pub const ALL: [RecipientStatus; 4] = [
        RecipientStatus::Pending,
        RecipientStatus::Delivered,
        RecipientStatus::Returned,
        RecipientStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecipientStatus::Pending => "pending",
            RecipientStatus::Delivered => "delivered",
            RecipientStatus::Returned => "returned",
            RecipientStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<RecipientStatus> {
        RecipientStatus::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

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
pub struct Proposal {
    pub campaign_id: Uuid,
    pub unit_id: Uuid,
    pub cash: Decimal,
    pub in_kind: Option<(String, Decimal)>,
    pub household_ids: Vec<Uuid>,
    pub method: Method,
    pub bank_account_id: Option<Uuid>,
    pub amount: Decimal,
}

impl CreateTetBatch {
    pub fn parse(self) -> Result<Proposal, Vec<FieldError>> {
        let mut errors = Vec::new();
        // "0" is a valid cash amount (goods only); anything else is a positive amount
        let cash = match money::parse_vnd_or_zero(&self.gift.cash_amount) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(says::money("gift.cash_amount", e));
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
                        errors.push(says::money("gift.in_kind_value", e));
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
                    errors.push(says::description_length());
                }
                cleaned
            }
        };
        let in_kind = match (description, value) {
            (Some(d), Some(v)) => Some((d, v)),
            (None, None) => None,
            (Some(_), None) => {
                if self.gift.in_kind_value.is_none() {
                    errors.push(says::value_needs_description());
                }
                None
            }
            (None, Some(_)) => {
                if self.gift.in_kind_description.is_none() {
                    errors.push(says::description_needs_value());
                }
                None
            }
        };
        let goods = in_kind.as_ref().map_or(Decimal::ZERO, |(_, v)| *v);
        if cash.is_some_and(|c| c.is_zero()) && goods.is_zero() && errors.is_empty() {
            errors.push(says::gift_without_value());
        }
        if self.method == Method::InKind && cash.is_some_and(|c| !c.is_zero()) {
            errors.push(says::in_kind_with_cash());
        }
        match (self.method, self.bank_account_id) {
            (Method::Bank, None) => errors.push(says::bank_account_required()),
            (Method::Cash | Method::InKind, Some(_)) => {
                errors.push(says::bank_account_only_for_bank())
            }
            _ => {}
        }
        let n = self.household_ids.len();
        if n == 0 || n > MAX_HOUSEHOLDS {
            errors.push(says::household_count(MAX_HOUSEHOLDS));
        }
        let mut seen = HashSet::with_capacity(n);
        for (i, id) in self.household_ids.iter().enumerate() {
            if !seen.insert(*id) {
                errors.push(says::listed_twice(format!("household_ids[{i}]")));
            }
        }
        let amount = cash.map(|c| (c + goods) * Decimal::from(n));
        if amount.is_some_and(|a| a > Decimal::from(money::MAX_VND)) {
            errors.push(says::money("gift", MoneyError::TooLarge));
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

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AckInput {
    pub method: AckMethod,
    /// SHA-256 of the evidence (signed sheet, photo), 64 lowercase hex digits.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub evidence_sha256: Option<String>,
    /// Required for `witness`.
    #[schema(max_length = 200)]
    pub witness_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryInput {
    pub household_id: Uuid,
    /// Local date the household received the gift: not in the future, not before the
    /// disbursement.
    #[serde(deserialize_with = "crate::domain::fund_date::deserialize")]
    pub delivered_on: NaiveDate,
    pub ack: AckInput,
}

/// A delivery that passed every rule that needs no database.
#[derive(Debug)]
pub struct Delivery {
    pub household_id: Uuid,
    pub delivered_on: NaiveDate,
    pub method: AckMethod,
    pub evidence_sha256: Option<String>,
    pub witness_name: Option<String>,
}

pub fn parse_deliveries(
    list: Vec<DeliveryInput>,
    today: NaiveDate,
) -> Result<Vec<Delivery>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut seen = HashSet::with_capacity(list.len());
    let mut parsed = Vec::with_capacity(list.len());
    for (i, d) in list.into_iter().enumerate() {
        if !seen.insert(d.household_id) {
            errors.push(says::listed_twice(format!("[{i}].household_id")));
        }
        if d.delivered_on > today {
            errors.push(says::in_the_future(format!("[{i}].delivered_on")));
        }
        let evidence = d.ack.evidence_sha256;
        if evidence.as_deref().is_some_and(|e| {
            e.len() != 64
                || !e
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        }) {
            errors.push(says::evidence_hash(i));
        }
        let witness = match d.ack.witness_name.as_deref() {
            None => None,
            Some(w) => {
                let cleaned = text::clean(w, 200);
                if cleaned.is_none() {
                    errors.push(says::witness_length(i));
                }
                cleaned
            }
        };
        if d.ack.method == AckMethod::Witness && d.ack.witness_name.is_none() {
            errors.push(says::witness_required(i));
        }
        parsed.push(Delivery {
            household_id: d.household_id,
            delivered_on: d.delivered_on,
            method: d.ack.method,
            evidence_sha256: evidence,
            witness_name: witness,
        });
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(errors)
    }
}

/// `{"…_on"?}`-style dates: the given local date or today, never in the future.
pub fn date_or_today(
    field: &str,
    given: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<NaiveDate, FieldError> {
    let date = given.unwrap_or(today);
    if date > today {
        return Err(says::in_the_future(field));
    }
    Ok(date)
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

    fn delivery(method: AckMethod, witness: Option<&str>, evidence: Option<&str>) -> DeliveryInput {
        DeliveryInput {
            household_id: Uuid::now_v7(),
            delivered_on: NaiveDate::from_ymd_opt(2026, 1, 20).unwrap(),
            ack: AckInput {
                method,
                evidence_sha256: evidence.map(Into::into),
                witness_name: witness.map(Into::into),
            },
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()
    }

    #[test]
    fn a_witnessed_delivery_names_the_witness() {
        let e =
            parse_deliveries(vec![delivery(AckMethod::Witness, None, None)], today()).unwrap_err();
        assert_eq!(e[0].field, "[0].ack.witness_name");
        assert!(parse_deliveries(
            vec![delivery(AckMethod::Witness, Some("Trưởng thôn"), None)],
            today()
        )
        .is_ok());
    }

    #[test]
    fn evidence_is_a_lowercase_sha256() {
        let upper = "A".repeat(64);
        let e = parse_deliveries(
            vec![delivery(AckMethod::Photo, None, Some(&upper))],
            today(),
        )
        .unwrap_err();
        assert_eq!(e[0].field, "[0].ack.evidence_sha256");
        let ok = "a".repeat(64);
        assert!(
            parse_deliveries(vec![delivery(AckMethod::Photo, None, Some(&ok))], today()).is_ok()
        );
    }

    #[test]
    fn future_dates_repeats_and_empty_syncs_are_refused() {
        let mut d = delivery(AckMethod::Signature, None, None);
        d.delivered_on = NaiveDate::from_ymd_opt(2026, 2, 2).unwrap();
        let twice = vec![d.clone(), d];
        let fields: Vec<String> = parse_deliveries(twice, today())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert!(fields.contains(&"[0].delivered_on".to_owned()));
        assert!(fields.contains(&"[1].household_id".to_owned()));
    }
}
