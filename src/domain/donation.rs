//! A donation as the API receives it, parsed into values that cannot be wrong.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::money::{self, Currency, MoneyError};
use super::text;
use crate::domain::field::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Cash,
    BankTransfer,
    InKind,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Cash => "cash",
            Channel::BankTransfer => "bank_transfer",
            Channel::InKind => "in_kind",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        [Channel::Cash, Channel::BankTransfer, Channel::InKind]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DonorKind {
    Individual,
    Organization,
    Anonymous,
}

impl DonorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DonorKind::Individual => "individual",
            DonorKind::Organization => "organization",
            DonorKind::Anonymous => "anonymous",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublicDisplay {
    Name,
    Anonymous,
}

impl PublicDisplay {
    pub fn as_str(self) -> &'static str {
        match self {
            PublicDisplay::Name => "name",
            PublicDisplay::Anonymous => "anonymous",
        }
    }
}

/// What the public sees instead of an anonymous donor's name.
pub const ANONYMOUS_DISPLAY: &str = "Nhà hảo tâm";

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DonorInput {
    pub kind: DonorKind,
    #[schema(max_length = 200)]
    pub name: Option<String>,
    #[schema(max_length = 30)]
    pub phone: Option<String>,
    #[schema(max_length = 200)]
    pub email: Option<String>,
    #[schema(max_length = 500)]
    pub address: Option<String>,
    #[schema(max_length = 20)]
    pub tax_code: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InKindItemInput {
    #[schema(max_length = 300)]
    pub description: String,
    /// Decimal string, e.g. "10" or "2.5".
    pub quantity: String,
    /// e.g. "bao", "thùng", "kg".
    #[schema(max_length = 30)]
    pub unit: String,
    /// Value in VND (whole đồng), a string.
    pub value: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDonation {
    pub unit_id: Uuid,
    pub campaign_id: Option<Uuid>,
    pub channel: Channel,
    /// Decimal string in `currency`; for in-kind, the sum of the items' values.
    #[schema(example = "1500000")]
    pub amount: Option<String>,
    /// ISO 4217 code; default VND.
    pub currency: Option<String>,
    /// VND per unit of `currency`, a decimal string; required for foreign currency.
    pub fx_rate: Option<String>,
    /// Local date (Asia/Ho_Chi_Minh); default today.
    #[serde(default, deserialize_with = "crate::domain::fund_date::optional")]
    pub received_on: Option<NaiveDate>,
    pub donor: DonorInput,
    pub public_display: PublicDisplay,
    pub bank_account_id: Option<Uuid>,
    #[schema(max_length = 100)]
    pub bank_reference: Option<String>,
    pub in_kind_items: Option<Vec<InKindItemInput>>,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InKindItem {
    pub description: String,
    pub quantity: String,
    pub unit: String,
    pub value: String,
}

/// A donation that passed every rule that needs no database.
#[derive(Debug, Clone)]
pub struct Donation {
    pub unit_id: Uuid,
    pub campaign_id: Option<Uuid>,
    pub channel: Channel,
    pub amount: Decimal,
    pub currency: Currency,
    pub fx_rate: Option<Decimal>,
    pub amount_vnd: Decimal,
    pub received_on: NaiveDate,
    pub donor_kind: DonorKind,
    pub donor_name: Option<String>,
    pub donor_phone: Option<String>,
    pub donor_email: Option<String>,
    pub donor_address: Option<String>,
    pub donor_tax_code: Option<String>,
    pub public_display: PublicDisplay,
    pub bank_account_id: Option<Uuid>,
    pub bank_reference: Option<String>,
    pub in_kind_items: Option<Vec<InKindItem>>,
    pub note: Option<String>,
}

fn money_error(field: &str, e: MoneyError) -> FieldError {
    FieldError::new(field, e.to_string(), e.vi())
}

fn optional_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &Option<String>,
    max: usize,
) -> Option<String> {
    let v = value.as_deref()?;
    let cleaned = text::clean(v, max);
    if cleaned.is_none() {
        errors.push(FieldError::new(
            field,
            format!("1 to {max} characters"),
            format!("từ 1 đến {max} ký tự"),
        ));
    }
    cleaned
}

/// The description of a donation's journal entry.
pub fn entry_description(channel: Channel) -> String {
    format!("Ủng hộ ({})", channel.as_str())
}

/// The description of the entry that voids donation `id`.
pub fn void_description(id: Uuid) -> String {
    format!("Hủy khoản ủng hộ {id}")
}

/// The bank reference of a donation made from statement line `line`: `Số CT` is not unique on
/// a statement, so the line id makes the reference so.
pub fn line_reference(doc_no: Option<&str>, line: Uuid) -> String {
    match doc_no {
        Some(doc) => format!("{doc}/{line}"),
        None => line.to_string(),
    }
}

/// The note of a donation made from statement line `line`.
pub fn line_note(line: Uuid) -> String {
    format!("Từ sao kê, dòng {line}")
}

impl CreateDonation {
    /// Checks every field; `today` is the local date, for the default and for future dates.
    pub fn parse(self, today: NaiveDate) -> Result<Donation, Vec<FieldError>> {
        let mut errors = Vec::new();
        let currency = match self.currency.as_deref() {
            None => Some(money::VND),
            Some(code) => {
                let c = Currency::parse(code);
                if c.is_none() {
                    errors.push(money_error("currency", MoneyError::UnknownCurrency));
                }
                c
            }
        };
        let received_on = self.received_on.unwrap_or(today);
        if received_on > today {
            errors.push(FieldError::new(
                "received_on",
                "cannot be in the future",
                "không được là ngày trong tương lai",
            ));
        }

        // in-kind: items with values; the amount is their sum (and must match if sent)
        let mut items = None;
        let mut amount = None;
        if self.channel == Channel::InKind {
            match &self.in_kind_items {
                Some(list) if !list.is_empty() && list.len() <= 200 => {
                    let mut parsed = Vec::new();
                    let mut sum = Decimal::ZERO;
                    for (i, item) in list.iter().enumerate() {
                        let description = text::clean(&item.description, 300);
                        if description.is_none() {
                            errors.push(FieldError::new(
                                format!("in_kind_items[{i}].description"),
                                "1 to 300 characters",
                                "từ 1 đến 300 ký tự",
                            ));
                        }
                        let unit = text::clean(&item.unit, 30);
                        if unit.is_none() {
                            errors.push(FieldError::new(
                                format!("in_kind_items[{i}].unit"),
                                "1 to 30 characters",
                                "từ 1 đến 30 ký tự",
                            ));
                        }
                        let quantity = money::parse_decimal(&item.quantity, money::MAX_DECIMALS)
                            .ok()
                            .filter(|q| !q.is_zero());
                        if quantity.is_none() {
                            errors.push(FieldError::new(
                                format!("in_kind_items[{i}].quantity"),
                                "a positive decimal string",
                                "số thập phân dương",
                            ));
                        }
                        match money::parse_vnd(&item.value) {
                            Ok(v) => {
                                sum += v;
                                if let (Some(d), Some(u), Some(q)) = (&description, &unit, quantity)
                                {
                                    parsed.push(InKindItem {
                                        description: d.clone(),
                                        quantity: money::format(q),
                                        unit: u.clone(),
                                        value: money::format(v),
                                    });
                                }
                            }
                            Err(e) => {
                                errors.push(money_error(&format!("in_kind_items[{i}].value"), e))
                            }
                        }
                    }
                    if let Some(given) = &self.amount {
                        match money::parse_vnd(given) {
                            Ok(a) if a == sum => {}
                            Ok(_) => errors.push(FieldError::new(
                                "amount",
                                "must equal the sum of the items' values",
                                "phải bằng tổng giá trị hiện vật",
                            )),
                            Err(e) => errors.push(money_error("amount", e)),
                        }
                    }
                    if sum > Decimal::from(money::MAX_VND) {
                        errors.push(money_error("amount", MoneyError::TooLarge));
                    }
                    items = Some(parsed);
                    amount = Some(sum);
                }
                _ => errors.push(FieldError::new(
                    "in_kind_items",
                    "1 to 200 items are required for in-kind donations",
                    "cần từ 1 đến 200 hiện vật",
                )),
            }
            if currency.is_some_and(|c| !c.is_vnd()) {
                errors.push(FieldError::new(
                    "currency",
                    "in-kind donations are valued in VND",
                    "hiện vật được định giá bằng VND",
                ));
            }
        } else {
            if self.in_kind_items.is_some() {
                errors.push(FieldError::new(
                    "in_kind_items",
                    "only for in-kind donations",
                    "chỉ dùng cho ủng hộ hiện vật",
                ));
            }
            match (&self.amount, currency) {
                (Some(a), Some(c)) => match money::parse_amount(a, c) {
                    Ok(v) => amount = Some(v),
                    Err(e) => errors.push(money_error("amount", e)),
                },
                (None, _) => errors.push(FieldError::new("amount", "required", "bắt buộc")),
                _ => {}
            }
        }

        let mut fx_rate = None;
        let mut amount_vnd = None;
        match (currency, amount) {
            (Some(c), Some(a)) if c.is_vnd() => {
                if self.fx_rate.is_some() {
                    errors.push(FieldError::new(
                        "fx_rate",
                        "only for foreign currency",
                        "chỉ dùng cho ngoại tệ",
                    ));
                }
                amount_vnd = Some(a);
            }
            (Some(_), Some(a)) => match self.fx_rate.as_deref().map(|r| money::parse_decimal(r, 8))
            {
                Some(Ok(rate)) if !rate.is_zero() => match money::to_vnd(a, rate) {
                    Ok(v) => {
                        fx_rate = Some(rate.normalize());
                        amount_vnd = Some(v);
                    }
                    Err(e) => errors.push(money_error("amount", e)),
                },
                Some(_) => errors.push(FieldError::new(
                    "fx_rate",
                    "a positive decimal string with at most 8 decimals",
                    "số thập phân dương, tối đa 8 chữ số thập phân",
                )),
                None => errors.push(FieldError::new(
                    "fx_rate",
                    "required for foreign currency",
                    "bắt buộc với ngoại tệ",
                )),
            },
            _ => {}
        }

        match (self.channel, self.bank_account_id) {
            (Channel::BankTransfer, None) => errors.push(FieldError::new(
                "bank_account_id",
                "required for bank transfers",
                "bắt buộc với chuyển khoản",
            )),
            (Channel::Cash | Channel::InKind, Some(_)) => errors.push(FieldError::new(
                "bank_account_id",
                "only for bank transfers",
                "chỉ dùng cho chuyển khoản",
            )),
            _ => {}
        }
        let bank_reference =
            optional_text(&mut errors, "bank_reference", &self.bank_reference, 100);
        if bank_reference.is_some() && self.channel != Channel::BankTransfer {
            errors.push(FieldError::new(
                "bank_reference",
                "only for bank transfers",
                "chỉ dùng cho chuyển khoản",
            ));
        }

        let donor = &self.donor;
        let donor_name = optional_text(&mut errors, "donor.name", &donor.name, 200);
        if donor.kind != DonorKind::Anonymous && donor_name.is_none() && donor.name.is_none() {
            errors.push(FieldError::new(
                "donor.name",
                "required unless the donor is anonymous",
                "bắt buộc trừ khi nhà hảo tâm ẩn danh",
            ));
        }
        let donor_phone = optional_text(&mut errors, "donor.phone", &donor.phone, 30);
        if donor_phone.as_deref().is_some_and(|p| {
            !p.chars()
                .all(|c| c.is_ascii_digit() || "+-. ()".contains(c))
        }) {
            errors.push(FieldError::new(
                "donor.phone",
                "digits, spaces and + - . ( ) only",
                "chỉ gồm chữ số và + - . ( )",
            ));
        }
        let donor_email = optional_text(&mut errors, "donor.email", &donor.email, 200);
        if donor_email
            .as_deref()
            .is_some_and(|e| !e.contains('@') || e.contains(char::is_whitespace))
        {
            errors.push(FieldError::new(
                "donor.email",
                "not an e-mail address",
                "địa chỉ e-mail không hợp lệ",
            ));
        }
        let donor_address = optional_text(&mut errors, "donor.address", &donor.address, 500);
        let donor_tax_code = optional_text(&mut errors, "donor.tax_code", &donor.tax_code, 20);
        let note = optional_text(&mut errors, "note", &self.note, 1000);
        // an anonymous donor is shown as anonymous whatever public_display says
        let public_display = if donor.kind == DonorKind::Anonymous {
            PublicDisplay::Anonymous
        } else {
            self.public_display
        };

        if !errors.is_empty() {
            return Err(errors);
        }
        let (Some(currency), Some(amount), Some(amount_vnd)) = (currency, amount, amount_vnd)
        else {
            return Err(vec![FieldError::new("amount", "required", "bắt buộc")]);
        };
        Ok(Donation {
            unit_id: self.unit_id,
            campaign_id: self.campaign_id,
            channel: self.channel,
            amount,
            currency,
            fx_rate,
            amount_vnd,
            received_on,
            donor_kind: donor.kind,
            donor_name,
            donor_phone,
            donor_email,
            donor_address,
            donor_tax_code,
            public_display,
            bank_account_id: self.bank_account_id,
            bank_reference,
            in_kind_items: items,
            note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(json: serde_json::Value) -> CreateDonation {
        let mut v = serde_json::json!({
            "unit_id": Uuid::nil(),
            "channel": "cash",
            "amount": "500000",
            "donor": {"kind": "individual", "name": "Nguyễn Văn A"},
            "public_display": "name"
        });
        for (k, val) in json.as_object().unwrap() {
            v[k] = val.clone();
        }
        serde_json::from_value(v).unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn a_plain_cash_donation_parses_with_today_as_default() {
        let d = base(serde_json::json!({})).parse(today()).unwrap();
        assert_eq!(d.amount_vnd, Decimal::from(500_000));
        assert_eq!(d.received_on, today());
        assert_eq!(d.currency, money::VND);
    }

    #[test]
    fn half_a_dong_and_future_dates_are_refused() {
        let e = base(serde_json::json!({"amount": "0.5"}))
            .parse(today())
            .unwrap_err();
        assert_eq!(e[0].field, "amount");
        let e = base(serde_json::json!({"received_on": "2026-11-27"}))
            .parse(today())
            .unwrap_err();
        assert_eq!(e[0].field, "received_on");
    }

    #[test]
    fn foreign_currency_needs_a_rate_and_converts() {
        let e = base(serde_json::json!({"currency": "USD", "amount": "100"}))
            .parse(today())
            .unwrap_err();
        assert_eq!(e[0].field, "fx_rate");
        let d =
            base(serde_json::json!({"currency": "USD", "amount": "100.50", "fx_rate": "25400.5"}))
                .parse(today())
                .unwrap();
        assert_eq!(d.amount_vnd, Decimal::from(2_552_750));
    }

    #[test]
    fn in_kind_amount_is_the_sum_of_items() {
        let d = base(serde_json::json!({
            "channel": "in_kind", "amount": null,
            "in_kind_items": [
                {"description": "Gạo", "quantity": "50", "unit": "kg", "value": "1000000"},
                {"description": "Chăn", "quantity": "10", "unit": "chiếc", "value": "2500000"}
            ]
        }))
        .parse(today())
        .unwrap();
        assert_eq!(d.amount_vnd, Decimal::from(3_500_000));
        let e = base(serde_json::json!({"channel": "in_kind", "amount": "1", "in_kind_items": [{"description": "Gạo", "quantity": "1", "unit": "kg", "value": "2"}]}))
            .parse(today())
            .unwrap_err();
        assert_eq!(e[0].field, "amount");
    }

    #[test]
    fn bank_transfers_need_a_bank_account() {
        let e = base(serde_json::json!({"channel": "bank_transfer"}))
            .parse(today())
            .unwrap_err();
        assert_eq!(e[0].field, "bank_account_id");
    }

    #[test]
    fn anonymous_donors_are_never_displayed_by_name() {
        let d = base(serde_json::json!({"donor": {"kind": "anonymous"}, "public_display": "name"}))
            .parse(today())
            .unwrap();
        assert_eq!(d.public_display, PublicDisplay::Anonymous);
        let e = base(serde_json::json!({"donor": {"kind": "individual"}}))
            .parse(today())
            .unwrap_err();
        assert_eq!(e[0].field, "donor.name");
    }
}
