//! What serde and the parsers behind it say about bad input, told to people: "invalid type:
//! integer `5`, expected a string" becomes "must be a string" / "phải là một chuỗi ký tự" on the
//! field it concerns. Serde's words never reach a response; they are only read here, in the
//! fixed forms serde, serde_json, serde_urlencoded, uuid and chrono write them.

use crate::error::{ApiError, ApiResult, FieldError, Text};
use crate::i18n::Lang;
use crate::vocabulary;

/// Where the input came from: a JSON body's fields or a query string's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Body,
    Query,
}

/// What a field should have been.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    Text,
    /// A whole number; the bounds when the type is small enough for them to matter.
    Integer(Option<(i128, i128)>),
    Number,
    Boolean,
    List,
    Object,
    Uuid,
    Date,
    Instant,
    Decimal,
    /// One of these wire values.
    OneOf(Vec<String>),
}

/// serde's complaint about one field, without serde's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Complaint {
    /// Not a field (parameter) of the request; the accepted ones when serde listed them.
    Unknown(Vec<String>),
    /// This field (named relative to where serde stood) is required.
    Missing(String),
    /// This field (named relative to where serde stood) came twice.
    Repeated(String),
    Expected(Expected),
    TooLarge,
    TooSmall,
    WrongLength,
    /// An enum given as something other than a string: its values are not in the message.
    EnumOfWrongType,
    /// A date or an instant that does not parse (chrono does not say which it wanted).
    DateOrInstant,
    /// A date, instant or year outside the fund's range (`domain::fund_date`), with its bounds.
    OutOfRange(Span, String, String),
    /// Nothing this module knows how to say more precisely.
    Invalid,
}

/// What `Complaint::OutOfRange` bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Date,
    Instant,
    Year,
}

/// Reads serde's message (any " at line N column M" suffix included).
pub fn classify(message: &str) -> Complaint {
    let message = message.split(" at line ").next().unwrap_or(message);
    let backticked = |text: &str| -> Vec<String> {
        text.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    };
    let first_backticked = |text: &str| backticked(text).into_iter().next().unwrap_or_default();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let accepted = rest
            .split_once("expected ")
            .map(|(_, list)| backticked(list))
            .unwrap_or_default();
        return Complaint::Unknown(accepted);
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return Complaint::Missing(first_backticked(rest));
    }
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        return Complaint::Repeated(first_backticked(rest));
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        // "unknown variant `x`, expected one of `a`, `b`" | "expected `a` or `b`" | "expected `a`"
        let values = rest
            .split_once(", expected ")
            .map(|(_, list)| backticked(list))
            .unwrap_or_default();
        return Complaint::Expected(Expected::OneOf(values));
    }
    if message.starts_with("invalid length ") {
        return Complaint::WrongLength;
    }
    if message.starts_with("invalid type: ") || message.starts_with("invalid value: ") {
        // the unexpected part may quote the client's text: the expectation is after the last
        let expected = message.rsplit_once(", expected ").map_or("", |(_, e)| e);
        return expectation(expected);
    }
    // the fund's range of dates (`domain::fund_date`), said in its own words
    if message == "must be a date written YYYY-MM-DD" {
        return Complaint::Expected(Expected::Date);
    }
    for (prefix, span) in [
        ("must be a date from ", Span::Date),
        ("must be an instant from ", Span::Instant),
        ("must be a year from ", Span::Year),
    ] {
        if let Some((first, last)) = message
            .strip_prefix(prefix)
            .and_then(|r| r.split_once(" to "))
        {
            return Complaint::OutOfRange(span, first.to_owned(), last.to_owned());
        }
    }
    if message.starts_with("UUID parsing failed") {
        return Complaint::Expected(Expected::Uuid);
    }
    match message {
        // chrono's ParseError
        "input is out of range"
        | "no possible date and time matching input"
        | "input is not enough for unique date and time"
        | "input contains invalid characters"
        | "premature end of input"
        | "trailing input"
        | "bad or unsupported format string" => Complaint::DateOrInstant,
        // the standard library's number parsers, as serde_urlencoded passes them on
        "invalid digit found in string" | "cannot parse integer from empty string" => {
            Complaint::Expected(Expected::Integer(None))
        }
        "number too large to fit in target type" => Complaint::TooLarge,
        "number too small to fit in target type" => Complaint::TooSmall,
        "invalid float literal" => Complaint::Expected(Expected::Number),
        "provided string was not `true` or `false`" => Complaint::Expected(Expected::Boolean),
        _ => Complaint::Invalid,
    }
}

/// Makes a vague complaint precise by offering the field samples: `probe(sample)` answers
/// serde's message when the field refuses the sample too, `None` when it takes it.
pub fn resolve(complaint: Complaint, probe: impl Fn(&str) -> Option<String>) -> Complaint {
    match complaint {
        Complaint::EnumOfWrongType => match probe("\u{1}").as_deref().map(classify) {
            Some(listed @ Complaint::Expected(Expected::OneOf(_))) => listed,
            _ => Complaint::EnumOfWrongType,
        },
        Complaint::DateOrInstant => {
            if probe("2026-01-01").is_none() {
                Complaint::Expected(Expected::Date)
            } else if probe("2026-01-01T00:00:00Z").is_none() {
                Complaint::Expected(Expected::Instant)
            } else {
                Complaint::DateOrInstant
            }
        }
        other => other,
    }
}

/// serde's "expected …" words (a visitor's `expecting`) as what the field should be.
fn expectation(expected: &str) -> Complaint {
    let integer = |min: i128, max: i128| Complaint::Expected(Expected::Integer(Some((min, max))));
    match expected {
        "a string" | "a borrowed string" | "a character" | "char" => {
            Complaint::Expected(Expected::Text)
        }
        "u8" => integer(0, u8::MAX.into()),
        "u16" => integer(0, u16::MAX.into()),
        "u32" => integer(0, u32::MAX.into()),
        "i8" => integer(i8::MIN.into(), i8::MAX.into()),
        "i16" => integer(i16::MIN.into(), i16::MAX.into()),
        "i32" => integer(i32::MIN.into(), i32::MAX.into()),
        "u64" | "u128" | "usize" | "i64" | "i128" | "isize" => {
            Complaint::Expected(Expected::Integer(None))
        }
        // serde names binary floating-point types by their bit width after an `f`
        e if e
            .strip_prefix('f')
            .is_some_and(|bits| bits == "32" || bits == "64") =>
        {
            Complaint::Expected(Expected::Number)
        }
        "a boolean" => Complaint::Expected(Expected::Boolean),
        "a sequence" | "an array" => Complaint::Expected(Expected::List),
        "a map" | "map" => Complaint::Expected(Expected::Object),
        // a derived enum fed a number, an object or null
        "string or map" => Complaint::EnumOfWrongType,
        "a formatted date string" => Complaint::Expected(Expected::Date),
        "an RFC 3339 formatted date and time string" | "a formatted date and time string" => {
            Complaint::Expected(Expected::Instant)
        }
        e if e.starts_with("struct ") || e.starts_with("tuple") => {
            if e.starts_with("struct ") {
                Complaint::Expected(Expected::Object)
            } else {
                Complaint::Expected(Expected::List)
            }
        }
        e if e.contains("UUID") => Complaint::Expected(Expected::Uuid),
        e if e.contains("Decimal") || e.contains("decimal") => {
            Complaint::Expected(Expected::Decimal)
        }
        _ => Complaint::Invalid,
    }
}

/// The message for a field that should have been `expected`.
pub fn must_be(expected: &Expected) -> Text {
    let bounds = |lang: Lang, min: i128, max: i128| {
        (vocabulary::number(min, lang), vocabulary::number(max, lang))
    };
    match expected {
        Expected::Text => Text::new("must be a string", "phải là một chuỗi ký tự"),
        Expected::Integer(None) => Text::new("must be a whole number", "phải là một số nguyên"),
        Expected::Integer(Some((min, max))) => {
            let (en_min, en_max) = bounds(Lang::En, *min, *max);
            let (vi_min, vi_max) = bounds(Lang::Vi, *min, *max);
            Text::new(
                format!("must be a whole number from {en_min} to {en_max}"),
                format!("phải là một số nguyên từ {vi_min} đến {vi_max}"),
            )
        }
        Expected::Number => Text::new("must be a number", "phải là một số"),
        Expected::Boolean => Text::new("must be true or false", "phải là true hoặc false"),
        Expected::List => Text::new(
            "must be a list (a JSON array)",
            "phải là một danh sách (mảng JSON)",
        ),
        Expected::Object => Text::new("must be a JSON object", "phải là một đối tượng JSON"),
        Expected::Uuid => Text::new(
            "must be a UUID, e.g. 0192f5e0-7c1a-7b3e-9a41-3c2d5e6f7a8b",
            "phải là một UUID, ví dụ 0192f5e0-7c1a-7b3e-9a41-3c2d5e6f7a8b",
        ),
        Expected::Date => Text::new(
            "must be a date written YYYY-MM-DD, e.g. 2026-03-10",
            "phải là một ngày dạng YYYY-MM-DD, ví dụ 2026-03-10",
        ),
        Expected::Instant => Text::new(
            "must be an RFC 3339 instant, e.g. 2026-03-10T08:30:00Z",
            "phải là một thời điểm theo RFC 3339, ví dụ 2026-03-10T08:30:00Z",
        ),
        Expected::Decimal => Text::new(
            "must be a decimal number written as a string, e.g. \"1500000\"",
            "phải là một số thập phân viết dạng chuỗi, ví dụ \"1500000\"",
        ),
        Expected::OneOf(values) if values.is_empty() => Text::new(
            "is not an accepted value",
            "không phải giá trị được chấp nhận",
        ),
        Expected::OneOf(values) => Text::new(
            format!("must be one of: {}", vocabulary::terms(values, Lang::En)),
            format!("phải là một trong: {}", vocabulary::terms(values, Lang::Vi)),
        ),
    }
}

/// The message of a complaint about a field of `place`.
pub fn message(place: Place, complaint: &Complaint) -> Text {
    let (noun_en, noun_vi) = match place {
        Place::Body => ("field", "trường"),
        Place::Query => ("parameter", "tham số"),
    };
    match complaint {
        Complaint::Unknown(accepted) if accepted.is_empty() => Text::new(
            format!("is not a {noun_en} of this request"),
            format!("không phải là {noun_vi} của yêu cầu này"),
        ),
        Complaint::Unknown(accepted) => Text::new(
            format!(
                "is not a {noun_en} of this request; accepted: {}",
                accepted.join(", ")
            ),
            format!(
                "không phải là {noun_vi} của yêu cầu này; các {noun_vi} hợp lệ: {}",
                accepted.join(", ")
            ),
        ),
        Complaint::Missing(_) => Text::new("is required", format!("là {noun_vi} bắt buộc")),
        Complaint::Repeated(_) => Text::new("is given more than once", "được gửi nhiều lần"),
        Complaint::Expected(expected) => must_be(expected),
        Complaint::TooLarge => Text::new("is too large", "quá lớn"),
        Complaint::TooSmall => Text::new("is too small", "quá nhỏ"),
        Complaint::WrongLength => {
            Text::new("has the wrong number of items", "có số phần tử không đúng")
        }
        Complaint::EnumOfWrongType => Text::new(
            "must be one of the accepted values, as a string",
            "phải là một trong các giá trị được chấp nhận, dạng chuỗi",
        ),
        Complaint::DateOrInstant => Text::new(
            "must be a date written YYYY-MM-DD",
            "phải là một ngày dạng YYYY-MM-DD",
        ),
        Complaint::OutOfRange(span, first, last) => {
            let (en, vi) = match span {
                Span::Date => ("a date", "ngày"),
                Span::Instant => ("an instant", "thời điểm"),
                Span::Year => ("a year", "năm"),
            };
            Text::new(
                format!("must be {en} from {first} to {last}"),
                format!("phải là {vi} từ {first} đến {last}"),
            )
        }
        Complaint::Invalid => Text::new("is not valid", "không hợp lệ"),
    }
}

/// The problem for a complaint about `field` (a JSON path such as `donor.kind`, or a query
/// parameter), or about the whole input when `field` is empty.
pub fn problem(place: Place, field: &str, complaint: &Complaint) -> ApiError {
    let field = match complaint {
        // serde stood at the struct that lacks (or repeats) the field
        Complaint::Missing(name) | Complaint::Repeated(name) if field.is_empty() => name.clone(),
        Complaint::Missing(name) | Complaint::Repeated(name) => format!("{field}.{name}"),
        _ => field.to_owned(),
    };
    let text = message(place, complaint);
    if field.is_empty() {
        // the body as a whole is of the wrong shape (an array where an object belongs, …)
        return ApiError::new(crate::error::Code::ValidationFailed).detail(
            format!("The body {}.", text.en),
            format!("Nội dung yêu cầu {}.", text.vi),
        );
    }
    ApiError::validation(vec![FieldError {
        field,
        message: text,
        line: None,
    }])
}

/// 422 on `field` (a query parameter read by hand, say) that is none of `values`, worded like
/// the enums serde reads.
pub fn not_one_of(field: &str, values: &[&str]) -> ApiError {
    let values: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
    ApiError::validation(vec![FieldError {
        field: field.to_owned(),
        message: must_be(&Expected::OneOf(values)),
        line: None,
    }])
}

/// An optional query filter that must be one of `allowed` (wire names `parse` reads): absent is
/// no filter; anything else is a 422 on `field` listing the allowed values.
pub fn one_of<T>(
    value: Option<&str>,
    field: &str,
    allowed: &[&str],
    parse: impl Fn(&str) -> Option<T>,
) -> ApiResult<Option<T>> {
    value
        .map(|s| {
            parse(s)
                .filter(|_| allowed.contains(&s))
                .ok_or_else(|| not_one_of(field, allowed))
        })
        .transpose()
}

#[cfg(test)]
mod fund_range_tests {
    use super::*;

    #[test]
    fn the_funds_range_is_said_in_both_languages() {
        assert_eq!(
            classify("must be a date written YYYY-MM-DD"),
            Complaint::Expected(Expected::Date)
        );
        let c = classify("must be a date from 2000-01-01 to 2027-12-02");
        assert_eq!(
            c,
            Complaint::OutOfRange(Span::Date, "2000-01-01".into(), "2027-12-02".into())
        );
        let c = classify("must be a year from 2000 to 2027");
        assert_eq!(
            c,
            Complaint::OutOfRange(Span::Year, "2000".into(), "2027".into())
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_serdes_fixed_forms() {
        assert_eq!(
            classify("unknown field `colour`, expected one of `a`, `b` at line 1 column 9"),
            Complaint::Unknown(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            classify("missing field `name`"),
            Complaint::Missing("name".into())
        );
        assert_eq!(
            classify(
                "unknown variant `bitcoin`, expected one of `cash`, `bank_transfer`, `in_kind`"
            ),
            Complaint::Expected(Expected::OneOf(vec![
                "cash".into(),
                "bank_transfer".into(),
                "in_kind".into()
            ]))
        );
        assert_eq!(
            classify("unknown variant `x`, expected `name` or `anonymous`"),
            Complaint::Expected(Expected::OneOf(vec!["name".into(), "anonymous".into()]))
        );
        assert_eq!(
            classify("invalid type: integer `12345`, expected a string"),
            Complaint::Expected(Expected::Text)
        );
        assert_eq!(
            classify("invalid type: string \"a, expected u32\", expected a boolean"),
            Complaint::Expected(Expected::Boolean)
        );
        assert_eq!(
            classify("invalid value: integer `-1`, expected u32"),
            Complaint::Expected(Expected::Integer(Some((0, 4_294_967_295))))
        );
        assert_eq!(
            classify("invalid type: null, expected string or map"),
            Complaint::EnumOfWrongType
        );
        assert_eq!(
            classify("UUID parsing failed: invalid character: found `n` at 1"),
            Complaint::Expected(Expected::Uuid)
        );
        assert_eq!(classify("premature end of input"), Complaint::DateOrInstant);
        assert_eq!(
            classify("invalid digit found in string"),
            Complaint::Expected(Expected::Integer(None))
        );
        assert_eq!(classify("something else entirely"), Complaint::Invalid);
    }

    #[test]
    fn messages_carry_no_serde_words() {
        let e = problem(Place::Body, "donor", &classify("missing field `kind`"));
        assert_eq!(e.errors[0].field, "donor.kind");
        assert_eq!(e.errors[0].message.en, "is required");
        let e = problem(
            Place::Body,
            "channel",
            &classify("unknown variant `bitcoin`, expected one of `cash`, `bank_transfer`"),
        );
        assert_eq!(
            e.errors[0].message.vi,
            "phải là một trong: tiền mặt (cash), chuyển khoản (bank_transfer)"
        );
        assert_eq!(
            e.errors[0].message.en,
            "must be one of: cash, bank_transfer"
        );
        let e = problem(Place::Body, "", &Complaint::Expected(Expected::Object));
        assert!(e.errors.is_empty());
        assert_eq!(e.detail.unwrap().en, "The body must be a JSON object.");
    }
}
