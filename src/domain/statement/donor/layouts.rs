//! Where the name stands in each bank's and wallet's description. Two kinds of place:
//!
//! - a *sender* slot the bank fills with the paying account's holder (the bank app's `CT tu
//!   <account> <NAME> toi <account>`, Viettel Money's `CKSOTAIKHOAN <id> <NAME> chuyen tien tu
//!   Viettel Money`): whatever stands there is the name;
//! - the *message* the sender typed, where a name may stand anywhere among the message's words
//!   (NAPAS `<trace>.<ddmmyy>.<hhmmss>.<message>`, `…Vietcombank:<account>:<message>`, MoMo
//!   `…-<phone>_<message>`, ZaloPay, `IBFT <message>`, VietinBank `CT nhanh 247 den: <message>`
//!   and `Chuyen tien den tu NAPAS Noi dung: <message>`).

/// The places of one description.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Located<'a> {
    /// The sender slot's text, when the layout has one.
    pub sender: Option<String>,
    /// The message's text (may be empty).
    pub message: &'a str,
}

/// The byte offset of ASCII `needle` in `hay`, ignoring ASCII case.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (0..=h.len().checked_sub(n.len())?).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Locates the sender slot and the message of `d` (trace runs already rejoined).
pub(super) fn locate(d: &str) -> Located<'_> {
    let d = d.trim();
    if let Some(l) = bank_app(d) {
        return l;
    }
    if let Some(l) = viettel_money(d) {
        return l;
    }
    // VietinBank: the message after its own label
    for label in ["noi dung:", "ct nhanh 247 den:"] {
        if let Some(at) = find_ci(d, label) {
            return Located {
                sender: None,
                message: strip_prefix_run(&d[at + label.len()..]),
            };
        }
    }
    if find_ci(d, "PARTNER.DIRECT_DEBITS").is_some() {
        return Located {
            sender: None,
            message: wallet_message(d),
        };
    }
    Located {
        sender: None,
        message: strip_prefix_run(d),
    }
}

/// `MBVCB.<ref>.<message>.CT tu <account> <NAME> toi <account> <payee>`: the sender ends at the
/// last `toi` that an account number follows, so a donor named Tới (`NGUYEN VAN TOI toi
/// 0011…`) keeps the name.
fn bank_app(d: &str) -> Option<Located<'_>> {
    let at = (0..d.len())
        .filter(|&i| i == 0 || matches!(d.as_bytes()[i - 1], b'.' | b' '))
        .find(|&i| {
            d.as_bytes()[i..].len() >= 6 && d.as_bytes()[i..i + 6].eq_ignore_ascii_case(b"ct tu ")
        })?;
    let words: Vec<&str> = d[at + 6..].split_whitespace().collect();
    let from = usize::from(words.first().is_some_and(|w| is_digits(w)));
    let to = (from..words.len())
        .rev()
        .find(|&k| {
            words[k].eq_ignore_ascii_case("toi") && words.get(k + 1).is_some_and(|w| is_digits(w))
        })
        .unwrap_or(words.len());
    let sender = words[from..to.max(from)].join(" ");
    Some(Located {
        sender: Some(sender),
        message: strip_prefix_run(d[..at].trim_end_matches(['.', ' '])),
    })
}

/// `… CKSOTAIKHOAN <id> <NAME> chuyen tien tu Viettel Money <phone> <account>`.
fn viettel_money(d: &str) -> Option<Located<'_>> {
    let at = find_ci(d, "CKSOTAIKHOAN ")?;
    let rest = &d[at + "CKSOTAIKHOAN ".len()..];
    let end = find_ci(rest, "chuyen tien").unwrap_or(rest.len());
    let words: Vec<&str> = rest[..end].split_whitespace().collect();
    let from = usize::from(words.first().is_some_and(|w| is_digits(w)));
    Some(Located {
        sender: Some(words[from..].join(" ")),
        message: "",
    })
}

/// MoMo `PARTNER.DIRECT_DEBITS_VCB.MSE.<id>.<yyyymmdd>.<id>-<phone>_<message>`, ZaloPay
/// `PARTNER.DIRECT_DEBITS_VCB.ZLP.<id>.<yyyymmdd>.<message>`: the message follows the last `.`
/// or `_` of the reference, the first word.
fn wallet_message(d: &str) -> &str {
    let first_end = d.find(' ').unwrap_or(d.len());
    let cut = d[..first_end].rfind(['.', '_']).map_or(0, |i| i + 1);
    &d[cut..]
}

/// Strips the reference run that opens NAPAS and interbank descriptions: dotted numbers
/// (`557650.021024.110332.`), then `<bank>:<account>:` (`Vietcombank:0011009999999:`), then a
/// bank-app reference (`MBVCB.<ref>.`) and `IBFT`.
fn strip_prefix_run(s: &str) -> &str {
    let mut s = s.trim_start();
    // dotted numbers
    loop {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && s.as_bytes().get(digits) == Some(&b'.') {
            s = &s[digits + 1..];
        } else {
            break;
        }
    }
    // <bank>:<account>:
    if let Some((bank, rest)) = s.split_once(':') {
        if !bank.is_empty() && bank.bytes().all(|b| b.is_ascii_alphanumeric()) {
            if let Some((account, rest)) = rest.split_once(':') {
                if is_digits(account) {
                    s = rest;
                }
            }
        }
    }
    // MBVCB.<ref>. / IBVCB.<ref>.
    for app in ["MBVCB.", "IBVCB."] {
        if s.get(..app.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(app))
        {
            let rest = &s[app.len()..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if rest.as_bytes().get(digits) == Some(&b'.') {
                s = &rest[digits + 1..];
            }
        }
    }
    let s = s.trim_start();
    match s.split_once(' ') {
        Some((w, rest)) if w.eq_ignore_ascii_case("IBFT") => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bank_app_gives_its_sender_up_to_the_last_toi_before_an_account() {
        let l = locate("MBVCB.1.UNG HO.CT TU 0123 LE VAN TOI TOI 0011009999999 MAT TRAN");
        assert_eq!(l.sender.as_deref(), Some("LE VAN TOI"));
        assert_eq!(l.message, "UNG HO");
        let l = locate("MBVCB.1.x.CT tu 0123 toi 0011009999999 UY BAN");
        assert_eq!(l.sender.as_deref(), Some(""));
    }

    #[test]
    fn viettel_money_gives_its_sender() {
        let l = locate("917969.171026.143552.CKSOTAIKHOAN 4033 LOC DUC LINH chuyen tien tu Viettel Money 849 0011");
        assert_eq!(l.sender.as_deref(), Some("LOC DUC LINH"));
    }

    #[test]
    fn messages_after_references() {
        assert_eq!(
            locate("557650.021024.110332.NGUYEN VAN HAI ck").message,
            "NGUYEN VAN HAI ck"
        );
        assert_eq!(
            locate(
                "0200970415181018525320265933.6.185253.Vietcombank:0011009999999:HA THI NAM tet"
            )
            .message,
            "HA THI NAM tet"
        );
        assert_eq!(
            locate("1.2.3.IBFT LOC XUAN GIANG chuyen tien").message,
            "LOC XUAN GIANG chuyen tien"
        );
        assert_eq!(
            locate("CT nhanh 247 den: TRAN VAN TOI ung ho").message,
            "TRAN VAN TOI ung ho"
        );
        assert_eq!(
            locate("Chuyen tien den tu NAPAS Noi dung: HA AN ung ho").message,
            "HA AN ung ho"
        );
        assert_eq!(
            locate("PARTNER.DIRECT_DEBITS_VCB.MSE.1.20261021.1-0959819072_PHAM QUANG HANH chuyen")
                .message,
            "PHAM QUANG HANH chuyen"
        );
        assert_eq!(
            locate("PARTNER.DIRECT_DEBITS_VCB.ZLP.ZP6.20261022.Tran Huu Phuong chuyen").message,
            "Tran Huu Phuong chuyen"
        );
    }
}
