//! The bank's own references of a statement line: what a donor can read in their banking app or
//! on their receipt and type to find their transfer (`GET /v1/public/campaigns/{id}/donations
//! ?reference=`), and what an officer types into the line search.
//!
//! Only references of known shapes are taken: the document number the bank prints in a column of
//! its own, `FT…` references, and the transaction numbers of the bank-app, interbank and wallet
//! layouts. Account and phone numbers in a description are never references: finding a transfer
//! by someone's account number would tell who gave.
//!
//! References are kept in upper case with no spaces; lookups are exact (never a prefix), so a
//! reference finds its own line and cannot list anyone else's.

/// Longest reference kept (a longer run of digits is not a reference a person types).
const MAX_LEN: usize = 40;

/// The references of a line, the bank's document number first (the one shown masked to the
/// public), without repeats.
pub fn references(doc_no: Option<&str>, description: &str) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(doc) = doc_no.map(normalise).filter(|d| !d.is_empty()) {
        // `5239.43753` is also typed as `523943753`
        let digits: String = doc.chars().filter(|c| *c != '.').collect();
        push(&mut found, doc);
        if digits.chars().all(|c| c.is_ascii_digit()) {
            push(&mut found, digits);
        }
    }
    for reference in in_description(description) {
        push(&mut found, reference);
    }
    found
}

/// A reference as typed by a person, in the form references are kept; `None` when it cannot
/// be one (empty, too long, or with characters no bank uses in one).
pub fn normalise_query(typed: &str) -> Option<String> {
    let r = normalise(typed);
    let ok = !r.is_empty()
        && r.len() <= MAX_LEN
        && r.chars()
            .all(|c| c.is_ascii_alphanumeric() || "./-_".contains(c));
    ok.then_some(r)
}

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn push(found: &mut Vec<String>, reference: String) {
    if !reference.is_empty() && reference.len() <= MAX_LEN && !found.contains(&reference) {
        found.push(reference);
    }
}

fn digits(s: &str, at_least: usize) -> bool {
    s.len() >= at_least && s.chars().all(|c| c.is_ascii_digit())
}

/// References written into the description by the bank's layouts.
fn in_description(description: &str) -> Vec<String> {
    let mut found = Vec::new();
    // the opening trace number last: an `FT…` reference is what the sender's app shows
    let mut opening = None;
    let words: Vec<&str> = description.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        let parts: Vec<&str> = word
            .split(['.', ':', '-', '_', ',', ';', '(', ')', '/'])
            .collect();
        for (j, part) in parts.iter().enumerate() {
            let upper = part.to_ascii_uppercase();
            // `FT26290841283610` and ZaloPay's `ZP6368563435`
            if let Some(rest) = upper
                .strip_prefix("FT")
                .or_else(|| upper.strip_prefix("ZP"))
            {
                if digits(rest, 8) {
                    found.push(upper.clone());
                }
                continue;
            }
            let next = parts.get(j + 1).copied().unwrap_or("");
            match upper.as_str() {
                // bank app `MBVCB.<ref>.`, MoMo `…MSE.<ref>.`
                "MBVCB" | "MSE" if digits(next, 6) => found.push(next.to_owned()),
                // Viettel Money `CKSOTAIKHOAN <ref> <NAME> …`
                "CKSOTAIKHOAN" => {
                    if let Some(r) = words.get(i + 1).filter(|w| digits(w, 6)) {
                        found.push((*r).to_owned());
                    }
                }
                _ => {}
            }
        }
        if i == 0 {
            opening = opening_reference(&parts);
        }
    }
    found.extend(opening);
    found
}

/// The transaction number that opens a NAPAS line (`<trace>.<ddmmyy>.<hhmmss>.…`) or an
/// interbank one (`0200970<BIN>….<n>.<hhmmss>.…`).
fn opening_reference(parts: &[&str]) -> Option<String> {
    let first = *parts.first()?;
    let napas = parts.len() >= 3 && digits(first, 6) && first.len() <= 12 && {
        let (date, time) = (parts[1], parts[2]);
        digits(date, 6) && date.len() == 6 && digits(time, 6) && time.len() == 6
    };
    let interbank = first.len() >= 20 && digits(first, 20) && first.starts_with("0200970");
    (napas || interbank).then(|| first.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_number_comes_first_and_also_without_its_dot() {
        assert_eq!(
            references(Some("5239.43753"), "ung ho"),
            vec!["5239.43753", "523943753"]
        );
        assert_eq!(references(Some(" 530381333 "), ""), vec!["530381333"]);
    }

    #[test]
    fn ft_references_and_transaction_numbers_are_read_from_descriptions() {
        assert_eq!(
            references(
                None,
                "592025.171026.101955.IBFT LOC XUAN GIANG chuyen tien FT2629084128361028"
            ),
            vec!["FT2629084128361028", "592025"]
        );
        assert_eq!(
            references(None, "MBVCB.3987430663.LANG QUANG HIEU ung ho.CT tu 2734646869589 LANG QUANG HIEU toi 0011009999999 UY BAN MTTQ"),
            vec!["3987430663"]
        );
        assert_eq!(
            references(
                None,
                "0200970415181018525320265933.6.185253.Vietcombank:0011009999999:HA THI NAM tet"
            ),
            vec!["0200970415181018525320265933"]
        );
        assert_eq!(
            references(None, "PARTNER.DIRECT_DEBITS_VCB.ZLP.ZP6368563435.20261022.Tran Huu Phuong chuyen tien qua Zalopay"),
            vec!["ZP6368563435"]
        );
        assert_eq!(
            references(None, "917969.171026.143552.CKSOTAIKHOAN 403352962560352 LOC DUC LINH chuyen tien tu Viettel Money 84986012904 0011009999999"),
            vec!["403352962560352", "917969"]
        );
    }

    #[test]
    fn account_and_phone_numbers_are_never_references() {
        let refs = references(
            None,
            "PARTNER.DIRECT_DEBITS_VCB.MSE.25752057045.20261021.25752057045-0959819072_PHAM QUANG HANH chuyen tien qua MoMo",
        );
        assert_eq!(refs, vec!["25752057045"]);
        assert!(references(None, "CT tu 2734646869589 NGUYEN AN toi 0011009999999").is_empty());
    }

    #[test]
    fn a_typed_reference_is_kept_as_references_are() {
        assert_eq!(
            normalise_query(" ft2629084128361028 ").as_deref(),
            Some("FT2629084128361028")
        );
        assert_eq!(normalise_query("5239.43753").as_deref(), Some("5239.43753"));
        assert_eq!(normalise_query(""), None);
        assert_eq!(normalise_query("%"), None);
        assert_eq!(normalise_query(&"1".repeat(41)), None);
    }
}
