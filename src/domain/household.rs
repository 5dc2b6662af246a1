//! A household of the registry (api.md "Households") as the API receives it, parsed into values
//! that cannot be wrong. The national ID (CCCD) lives only in `NationalId`: it never prints, and
//! leaves this module only as a keyed HMAC and its last four digits.

use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Deserializer, Serialize};
use sha2::Sha256;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{fund_date, text};
use crate::domain::field::FieldError;

/// Why a household is supported: the poverty list it is on, or a family of merit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HouseholdStatus {
    Poor,
    NearPoor,
    Hardship,
    Merit,
}

impl HouseholdStatus {
    pub const ALL: [HouseholdStatus; 4] = [
        HouseholdStatus::Poor,
        HouseholdStatus::NearPoor,
        HouseholdStatus::Hardship,
        HouseholdStatus::Merit,
    ];

    pub fn parse(s: &str) -> Option<HouseholdStatus> {
        HouseholdStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            HouseholdStatus::Poor => "poor",
            HouseholdStatus::NearPoor => "near_poor",
            HouseholdStatus::Hardship => "hardship",
            HouseholdStatus::Merit => "merit",
        }
    }
}

/// A citizen identity card number (CCCD): exactly 12 ASCII digits.
pub struct NationalId(String);

impl NationalId {
    pub fn parse(raw: &str) -> Option<NationalId> {
        (raw.len() == 12 && raw.bytes().all(|b| b.is_ascii_digit()))
            .then(|| NationalId(raw.to_owned()))
    }

    /// The part that may be shown and stored in clear.
    pub fn last4(&self) -> &str {
        &self.0[8..]
    }

    /// HMAC-SHA-256 of the digits under the service's key: equal IDs match, and without the
    /// key the stored value cannot be turned back into the ID by trying all of them.
    pub fn hmac(&self, key: &[u8]) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
        mac.update(self.0.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

impl std::fmt::Debug for NationalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NationalId([redacted])")
    }
}

/// Body of `POST /v1/households`. No `Debug`: it holds the national ID in clear.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateHousehold {
    /// The commune the household lives in.
    pub unit_id: Uuid,
    #[schema(max_length = 200)]
    pub head_name: String,
    /// The head's CCCD, 12 digits; only its last four digits are ever returned.
    #[schema(pattern = "^[0-9]{12}$", example = "001234567890")]
    pub national_id: String,
    /// Village or hamlet (thôn, bản, ấp).
    #[schema(max_length = 200)]
    pub village: String,
    #[schema(max_length = 500)]
    pub address: String,
    #[schema(minimum = 1, maximum = 100)]
    pub members: i64,
    pub status: HouseholdStatus,
    /// The year of the poverty review that gave the status.
    #[schema(minimum = 2000)]
    pub status_year: i64,
    #[schema(max_length = 100)]
    pub poverty_cert_no: Option<String>,
    #[schema(max_length = 100)]
    pub ethnicity: Option<String>,
    #[schema(max_length = 30)]
    pub phone: Option<String>,
}

/// A registration that passed every rule that needs no database.
#[derive(Debug)]
pub struct Household {
    pub unit_id: Uuid,
    pub head_name: String,
    pub national_id: NationalId,
    pub village: String,
    pub address: String,
    pub members: i32,
    pub status: HouseholdStatus,
    pub status_year: i32,
    pub poverty_cert_no: Option<String>,
    pub ethnicity: Option<String>,
    pub phone: Option<String>,
}

fn length_error(field: &str, max: usize) -> FieldError {
    FieldError::new(
        field,
        format!("1 to {max} characters"),
        format!("từ 1 đến {max} ký tự"),
    )
}

fn required_text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) -> String {
    text::clean(value, max).unwrap_or_else(|| {
        errors.push(length_error(field, max));
        String::new()
    })
}

fn optional_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    let cleaned = text::clean(value?, max);
    if cleaned.is_none() {
        errors.push(length_error(field, max));
    }
    cleaned
}

fn phone(errors: &mut Vec<FieldError>, value: Option<&str>) -> Option<String> {
    let p = optional_text(errors, "phone", value, 30)?;
    if !p
        .chars()
        .all(|c| c.is_ascii_digit() || "+-. ()".contains(c))
    {
        errors.push(FieldError::new(
            "phone",
            "digits, spaces and + - . ( ) only",
            "chỉ gồm chữ số và + - . ( )",
        ));
    }
    Some(p)
}

fn members(errors: &mut Vec<FieldError>, value: i64) -> i32 {
    if !(1..=100).contains(&value) {
        errors.push(FieldError::new(
            "members",
            "between 1 and 100",
            "từ 1 đến 100",
        ));
    }
    value.clamp(1, 100) as i32
}

/// A poverty review's year, within the fund's years (`fund_date`).
fn status_year(errors: &mut Vec<FieldError>, value: i64, today: NaiveDate) -> i32 {
    if !fund_date::year_in_range(value, today) {
        errors.push(fund_date::year_out_of_range("status_year", today));
    }
    value.clamp(2000, 9999) as i32
}

impl CreateHousehold {
    /// Checks every field; `today` is the service's date, for the range of `status_year`.
    pub fn parse(self, today: NaiveDate) -> Result<Household, Vec<FieldError>> {
        let mut errors = Vec::new();
        let national_id = NationalId::parse(&self.national_id);
        if national_id.is_none() {
            errors.push(FieldError::new(
                "national_id",
                "exactly 12 digits (CCCD)",
                "đúng 12 chữ số (CCCD)",
            ));
        }
        let household = Household {
            unit_id: self.unit_id,
            head_name: required_text(&mut errors, "head_name", &self.head_name, 200),
            national_id: national_id.unwrap_or(NationalId(String::new())),
            village: required_text(&mut errors, "village", &self.village, 200),
            address: required_text(&mut errors, "address", &self.address, 500),
            members: members(&mut errors, self.members),
            status: self.status,
            status_year: status_year(&mut errors, self.status_year, today),
            poverty_cert_no: optional_text(
                &mut errors,
                "poverty_cert_no",
                self.poverty_cert_no.as_deref(),
                100,
            ),
            ethnicity: optional_text(&mut errors, "ethnicity", self.ethnicity.as_deref(), 100),
            phone: phone(&mut errors, self.phone.as_deref()),
        };
        if errors.is_empty() {
            Ok(household)
        } else {
            Err(errors)
        }
    }
}

/// A present key, `null` included: `Some(None)` is an explicit `null`, a missing key stays
/// `None` (with `#[serde(default)]`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Body of `PATCH /v1/households/{id}`: only the fields sent change. `null` clears the
/// optional ones; the national ID and the commune never change here.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateHousehold {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub head_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub village: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub members: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<HouseholdStatus>)]
    pub status: Option<Option<HouseholdStatus>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>, minimum = 2000)]
    pub status_year: Option<Option<i64>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub poverty_cert_no: Option<Option<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub ethnicity: Option<Option<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 30)]
    pub phone: Option<Option<String>>,
}

/// The parsed changes: `None` leaves a field as it is; for the optional fields `Some(None)`
/// clears it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct HouseholdChanges {
    pub head_name: Option<String>,
    pub village: Option<String>,
    pub address: Option<String>,
    pub members: Option<i32>,
    pub status: Option<HouseholdStatus>,
    pub status_year: Option<i32>,
    pub poverty_cert_no: Option<Option<String>>,
    pub ethnicity: Option<Option<String>>,
    pub phone: Option<Option<String>>,
}

fn not_null<T>(errors: &mut Vec<FieldError>, field: &str, value: Option<Option<T>>) -> Option<T> {
    match value {
        Some(None) => {
            errors.push(FieldError::new(
                field,
                "may not be null",
                "không được để trống",
            ));
            None
        }
        Some(v) => v,
        None => None,
    }
}

impl UpdateHousehold {
    /// Checks every field sent; `today` as for [`CreateHousehold::parse`].
    pub fn parse(self, today: NaiveDate) -> Result<HouseholdChanges, Vec<FieldError>> {
        let mut errors = Vec::new();
        let head_name = not_null(&mut errors, "head_name", self.head_name)
            .map(|v| required_text(&mut errors, "head_name", &v, 200));
        let village = not_null(&mut errors, "village", self.village)
            .map(|v| required_text(&mut errors, "village", &v, 200));
        let address = not_null(&mut errors, "address", self.address)
            .map(|v| required_text(&mut errors, "address", &v, 500));
        let members_count =
            not_null(&mut errors, "members", self.members).map(|v| members(&mut errors, v));
        let status = not_null(&mut errors, "status", self.status);
        let year = not_null(&mut errors, "status_year", self.status_year)
            .map(|v| status_year(&mut errors, v, today));
        let poverty_cert_no = self
            .poverty_cert_no
            .map(|v| optional_text(&mut errors, "poverty_cert_no", v.as_deref(), 100));
        let ethnicity = self
            .ethnicity
            .map(|v| optional_text(&mut errors, "ethnicity", v.as_deref(), 100));
        let phone = self.phone.map(|v| phone(&mut errors, v.as_deref()));
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(HouseholdChanges {
            head_name,
            village,
            address,
            members: members_count,
            status,
            status_year: year,
            poverty_cert_no,
            ethnicity,
            phone,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_national_id_is_exactly_twelve_ascii_digits() {
        assert!(NationalId::parse("001234567890").is_some());
        assert!(NationalId::parse("00123456789").is_none());
        assert!(NationalId::parse("0012345678901").is_none());
        assert!(NationalId::parse("00123456789a").is_none());
        assert!(NationalId::parse("٠٠١٢٣٤٥٦٧٨٩٠").is_none());
        assert!(NationalId::parse(" 01234567890").is_none());
    }

    #[test]
    fn the_national_id_shows_only_its_last_four_digits() {
        let id = NationalId::parse("001234567890").unwrap();
        assert_eq!(id.last4(), "7890");
        assert!(!format!("{id:?}").contains("1234"));
    }

    #[test]
    fn the_hmac_depends_on_the_key() {
        let id = NationalId::parse("001234567890").unwrap();
        assert_eq!(id.hmac(b"k1").len(), 32);
        assert_eq!(id.hmac(b"k1"), id.hmac(b"k1"));
        assert_ne!(id.hmac(b"k1"), id.hmac(b"k2"));
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 15).unwrap()
    }

    #[test]
    fn a_patch_refuses_null_for_required_fields_and_clears_optional_ones() {
        let body: UpdateHousehold =
            serde_json::from_str(r#"{"head_name": null, "phone": null}"#).unwrap();
        let errors = body.parse(today()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "head_name");
        let body: UpdateHousehold = serde_json::from_str(r#"{"phone": null}"#).unwrap();
        assert_eq!(body.parse(today()).unwrap().phone, Some(None));
        let body: UpdateHousehold = serde_json::from_str("{}").unwrap();
        assert_eq!(body.parse(today()).unwrap(), HouseholdChanges::default());
    }
}
