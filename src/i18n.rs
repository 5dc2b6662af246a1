//! The response language: Vietnamese when the client asks for it, English otherwise.
//!
//! Why not a crate (issue 12, item 6): `accept-language` (3.x) is the well-kept parser, but it
//! reads weights as binary floating-point numbers and takes a weight it cannot parse as 0, where this module reads them
//! as RFC 9110 qvalues in thousandths and ignores a malformed one (`q=1.5`, `q=0.1234`); it
//! also matches tags by exact name, so `vi-VN` would need our own prefix rule on top. The
//! choice of language is part of every problem body the tests pin (`reads_quality_values_exactly`,
//! `falls_back_to_english`), and two languages need no negotiation framework. The message
//! catalogue itself is `crate::messages`: plain functions per refusal, checked by the compiler,
//! where `fluent`/`rust-i18n` would look strings up by key at run time.

use actix_web::http::header::{HeaderMap, ACCEPT_LANGUAGE};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Vi,
}

impl Lang {
    /// Picks the first of `vi` / `en` in `Accept-Language` order; quality weights are honoured
    /// only as far as "a language listed with q=0 is refused".
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        let Some(value) = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
            return Lang::En;
        };
        let mut best: Option<(Lang, u16)> = None;
        for part in value.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").and_then(quality))
                .unwrap_or(1000);
            let lang = if tag == "vi" || tag.starts_with("vi-") {
                Lang::Vi
            } else if tag == "en" || tag.starts_with("en-") || tag == "*" {
                Lang::En
            } else {
                continue;
            };
            if q > 0 && best.is_none_or(|(_, bq)| q > bq) {
                best = Some((lang, q));
            }
        }
        best.map(|(l, _)| l).unwrap_or(Lang::En)
    }
}

/// An RFC 9110 quality value ("0", "0.5", "1.000") in thousandths, without floating point.
fn quality(q: &str) -> Option<u16> {
    let (int, frac) = q.split_once('.').unwrap_or((q, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac_value: u16 = format!("{frac:0<3}").parse().ok()?;
    match int {
        "0" => Some(frac_value),
        "1" if frac_value == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn lang(value: &str) -> Lang {
        let mut h = HeaderMap::new();
        h.insert(ACCEPT_LANGUAGE, HeaderValue::from_str(value).unwrap());
        Lang::from_headers(&h)
    }

    #[test]
    fn picks_vietnamese_when_preferred() {
        assert_eq!(lang("vi"), Lang::Vi);
        assert_eq!(lang("vi-VN,vi;q=0.9,en;q=0.5"), Lang::Vi);
        assert_eq!(lang("en;q=0.4, vi;q=0.8"), Lang::Vi);
    }

    #[test]
    fn reads_quality_values_exactly() {
        assert_eq!(quality("0"), Some(0));
        assert_eq!(quality("0.5"), Some(500));
        assert_eq!(quality("1.000"), Some(1000));
        assert_eq!(quality("1.5"), None);
        assert_eq!(quality("0.1234"), None);
    }

    #[test]
    fn falls_back_to_english() {
        assert_eq!(lang("fr"), Lang::En);
        assert_eq!(lang("en-US,vi;q=0.5"), Lang::En);
        assert_eq!(lang("vi;q=0"), Lang::En);
        assert_eq!(Lang::from_headers(&HeaderMap::new()), Lang::En);
    }
}
