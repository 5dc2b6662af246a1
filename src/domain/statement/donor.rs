//! The donor of an incoming transfer, read from a statement line's description. Banks put the
//! sender's name in capitals without diacritics (ZaloPay in title case) before the transfer's
//! message (`ung ho`, `quyen gop`, `chuyen tien`…); see the statements README for the layouts.
//! The name is kept as the bank printed it: restoring diacritics would be a guess.

use super::super::donation::{DonorKind, PublicDisplay};

/// Who gave, as far as the description tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Donor {
    pub kind: DonorKind,
    pub name: Option<String>,
    pub public_display: PublicDisplay,
}

impl Donor {
    fn anonymous() -> Donor {
        Donor {
            kind: DonorKind::Anonymous,
            name: None,
            public_display: PublicDisplay::Anonymous,
        }
    }
}

/// Longest name kept (the column takes any text; a statement's is never this long).
const MAX_NAME: usize = 200;

/// Reads the donor from a credit line's description; anonymous when no name can be found.
pub fn parse(description: &str) -> Donor {
    match name_of(description) {
        Some(name) => Donor {
            kind: if is_organization(&name) {
                DonorKind::Organization
            } else {
                DonorKind::Individual
            },
            name: Some(name),
            public_display: PublicDisplay::Name,
        },
        None => Donor::anonymous(),
    }
}

fn name_of(description: &str) -> Option<String> {
    let d = description.trim();
    // bank app: `MBVCB.<ref>.<message>.CT tu <account> <NAME> toi <account> <payee>`
    if let Some(at) = d.find(".CT tu ") {
        let rest = &d[at + ".CT tu ".len()..];
        let rest = rest.split_once(' ').map_or("", |(_, r)| r);
        if let Some(name) = leading_name(rest) {
            return Some(name);
        }
    }
    // the segment after the last separator of the first token: NAPAS `<trace>.<ddmmyy>.<hhmmss>.`,
    // `…Vietcombank:<account>:`, MoMo `…-<phone>_`, ZaloPay `….<yyyymmdd>.`
    let (first, after) = d.split_once(' ').unwrap_or((d, ""));
    let cut = first.rfind(['.', ':', '_']).map_or(0, |i| i + 1);
    let segment = format!("{} {}", &first[cut..], after);
    let mut words: Vec<&str> = segment.split_whitespace().collect();
    match words.first().copied() {
        Some("IBFT") => {
            words.remove(0);
        }
        // Viettel Money: `CKSOTAIKHOAN <id> <NAME> chuyen tien tu Viettel Money …`
        Some("CKSOTAIKHOAN") => {
            words.drain(..words.len().min(2));
        }
        _ => {}
    }
    leading_name(&words.join(" "))
}

/// The run of capitalised words (all capitals, or title case) that opens `s`, up to the first
/// word that is not one (the message, a reference, an account number).
fn leading_name(s: &str) -> Option<String> {
    let mut name: Vec<&str> = Vec::new();
    for word in s.split_whitespace() {
        if !is_name_word(word) {
            break;
        }
        name.push(word);
    }
    // `toi` ends the sender in the bank-app layout even when it were capitalised
    if let Some(i) = name.iter().position(|w| *w == "toi" || *w == "TOI") {
        name.truncate(i);
    }
    let name = name.join(" ");
    (!name.is_empty() && name.len() <= MAX_NAME).then_some(name)
}

fn is_name_word(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !first.is_ascii_uppercase() || !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    let rest: Vec<char> = chars.collect();
    // all capitals (LOC XUAN GIANG) or title case (Tran Huu Phuong); `FT2629…` has digits
    rest.iter().all(|c| c.is_ascii_uppercase()) || rest.iter().all(|c| c.is_ascii_lowercase())
}

fn is_organization(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["CONG TY ", "CTY ", "TNHH ", "TRUONG ", "HOI ", "NGAN HANG "]
        .iter()
        .any(|p| upper.starts_with(p))
}

/// Whether a debit line reads as a bank fee (`THU PHI DICH VU SMS…`, `FEE`, `SMS`), for creating
/// fee entries from all unmatched debits.
pub fn looks_like_fee(description: &str) -> bool {
    description
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| {
            let w = w.to_ascii_uppercase();
            w == "PHI" || w == "FEE" || w == "FEES" || w == "SMS"
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(d: &str) -> Option<String> {
        parse(d).name
    }

    #[test]
    fn the_bank_app_layout_gives_the_sender_after_ct_tu() {
        assert_eq!(
            name("MBVCB.3987430663.LANG QUANG HIEU chung tay vi nguoi ngheo.CT tu 2734646869589 LANG QUANG HIEU toi 0011009999999 UY BAN MTTQ TINH - QUY VI NGUOI NGHEO").as_deref(),
            Some("LANG QUANG HIEU")
        );
    }

    #[test]
    fn napas_gives_the_name_before_the_message() {
        assert_eq!(
            name("785478.201026.011314.LANG KIM HIEU quyen gop").as_deref(),
            Some("LANG KIM HIEU")
        );
        assert_eq!(
            name("622818.261026.081027.TRAN VAN TAM ung ho quy vi nguoi ngheo").as_deref(),
            Some("TRAN VAN TAM")
        );
    }

    #[test]
    fn ibft_is_not_part_of_the_name_nor_is_the_ft_reference() {
        assert_eq!(
            name("592025.171026.101955.IBFT LOC XUAN GIANG chuyen tien FT2629084128361028")
                .as_deref(),
            Some("LOC XUAN GIANG")
        );
    }

    #[test]
    fn interbank_gives_the_name_after_the_account() {
        assert_eq!(
            name("0200970415181018525320265933.6.185253.Vietcombank:0011009999999:HA THI NAM tet vi nguoi ngheo").as_deref(),
            Some("HA THI NAM")
        );
    }

    #[test]
    fn wallets_give_their_senders() {
        assert_eq!(
            name("PARTNER.DIRECT_DEBITS_VCB.MSE.25752057045.20261021.25752057045-0959819072_PHAM QUANG HANH chuyen tien qua MoMo").as_deref(),
            Some("PHAM QUANG HANH")
        );
        assert_eq!(
            name("PARTNER.DIRECT_DEBITS_VCB.ZLP.ZP6368563435.20261022.Tran Huu Phuong chuyen tien qua Zalopay").as_deref(),
            Some("Tran Huu Phuong")
        );
        assert_eq!(
            name("917969.171026.143552.CKSOTAIKHOAN 403352962560352 LOC DUC LINH chuyen tien tu Viettel Money 84986012904 0011009999999").as_deref(),
            Some("LOC DUC LINH")
        );
    }

    #[test]
    fn a_line_without_a_name_is_anonymous() {
        for d in [
            "549524.211026.131845.ung ho quy vi nguoi ngheo",
            "691016.221026.015346.chuyen tien",
            "ung ho",
            "xin cam on",
            "",
        ] {
            let donor = parse(d);
            assert_eq!(donor.kind, DonorKind::Anonymous, "{d}");
            assert_eq!(donor.public_display, PublicDisplay::Anonymous);
            assert_eq!(donor.name, None);
        }
    }

    #[test]
    fn a_named_donor_is_shown_by_name() {
        let donor = parse("226682.201026.195100.VU NGOC DUNG chuyen tien");
        assert_eq!(donor.kind, DonorKind::Individual);
        assert_eq!(donor.public_display, PublicDisplay::Name);
        assert_eq!(
            parse("123.010126.101010.CONG TY AN BINH ung ho").kind,
            DonorKind::Organization
        );
    }

    #[test]
    fn every_credit_of_the_samples_parses_and_named_ones_are_capitalised() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/statements");
        let text = std::fs::read_to_string(format!("{dir}/vietcombank.csv")).unwrap();
        let mut named = 0;
        for line in text.lines().skip(1) {
            let description = line.splitn(6, ',').nth(5).unwrap_or("").trim_matches('"');
            if let Some(n) = name(description) {
                assert!(!n.contains("chuyen") && !n.contains("ung"), "{description}");
                named += 1;
            }
        }
        assert!(named > 10);
    }

    #[test]
    fn fees_are_recognised() {
        assert!(looks_like_fee(
            "THU PHI DICH VU SMS CHU DONG THANG 10/2026. So tien 55000 VND"
        ));
        assert!(!looks_like_fee("CHUYEN TIEN HO TRO HO NGHEO"));
    }
}
