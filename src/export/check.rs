//! An auditor's offline check of a ledger export, JSON lines or hledger journal (`doanket ledger
//! check-export FILE`). With nothing but the file, and without trusting the server that made
//! it: recompute every entry's seal hash from its canonical bytes (sealing.rs), every link of
//! each fund's chain, compare the last link with the seal head the export names, and add the
//! postings up per account — the file's own trial balance.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

use super::{Line, HLEDGER_END};
use crate::domain::money;
use crate::ledger::entries::{EntryRow, PostingRow};
use crate::ledger::sealing::{self, Hash, GENESIS};

/// What a line of either format says.
enum Item {
    /// the export's opening: whether it covers every date, and the seal heads it names
    Header {
        whole: bool,
        heads: Vec<Head>,
    },
    Posting(Box<Line>),
    /// the export's closing, naming the seal heads again
    Trailer {
        heads: Vec<Head>,
    },
}

/// One line of a JSON lines export.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Record {
    Header {
        from: Option<chrono::NaiveDate>,
        to: Option<chrono::NaiveDate>,
        seal_heads: Vec<Head>,
    },
    Posting(Box<Line>),
    Trailer {
        seal_heads: Vec<Head>,
    },
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
struct Head {
    unit_code: String,
    seq: i64,
    head_hash: String,
}

/// What the check found for one fund.
#[derive(Debug, Default)]
pub struct FundCheck {
    pub unit_code: String,
    pub entries: u64,
    pub sealed: u64,
    /// entries posted but not yet sealed when the export was taken
    pub pending: u64,
    /// the seal head the export names for the fund
    pub head: Option<(i64, String)>,
    /// the first problem, with the entry it concerns when there is one
    pub first_problem: Option<String>,
    /// every link from the first entry was recomputed (an export without `from`/`to`)
    pub from_genesis: bool,
    links: Vec<(i64, Uuid, Hash, Hash)>,
}

/// Debit and credit totals of one account in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountTotals {
    pub name: String,
    pub debit: Decimal,
    pub credit: Decimal,
}

#[derive(Debug, Default)]
pub struct Report {
    pub postings: u64,
    pub funds: BTreeMap<String, FundCheck>,
    /// (unit code, account code) → totals
    pub accounts: BTreeMap<(String, String), AccountTotals>,
    /// problems of the file as a whole (unreadable lines, missing header or trailer)
    pub problems: Vec<String>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.problems.is_empty() && self.funds.values().all(|f| f.first_problem.is_none())
    }

    pub fn total_debits(&self) -> Decimal {
        self.accounts.values().map(|a| a.debit).sum()
    }

    pub fn total_credits(&self) -> Decimal {
        self.accounts.values().map(|a| a.credit).sum()
    }

    fn fund(&mut self, unit_code: &str) -> &mut FundCheck {
        self.funds
            .entry(unit_code.to_owned())
            .or_insert_with(|| FundCheck {
                unit_code: unit_code.to_owned(),
                ..Default::default()
            })
    }
}

/// The exports the check cannot read, told apart by their first bytes: a CSV or XLSX export
/// carries the postings but not the exact texts each seal covers, so its hashes cannot be
/// recomputed. `Some("a CSV export")` for those; `None` for anything else (read as hledger or
/// JSON lines, which names any line it cannot read).
pub fn unsupported_format(first_bytes: &[u8]) -> Option<&'static str> {
    if first_bytes.starts_with(b"PK\x03\x04") {
        return Some("an XLSX export");
    }
    let text = first_bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(first_bytes);
    let csv_header = super::COLUMNS[..2].join(",");
    text.starts_with(csv_header.as_bytes())
        .then_some("a CSV export")
}

/// Reads the export and checks it. Memory grows with the entries' links only (about 80 bytes
/// each), not with the file.
pub fn check(input: impl BufRead) -> Report {
    let mut report = Report::default();
    let mut header: Option<(bool, Vec<Head>)> = None;
    let mut trailer: Option<Vec<Head>> = None;
    let mut entry: Vec<Line> = Vec::new();
    let mut reader = Reader::Unknown;
    for (n, text) in input.lines().enumerate() {
        let text = match text {
            Ok(t) => t,
            Err(e) => {
                report
                    .problems
                    .push(format!("line {}: unreadable: {e}", n + 1));
                return report;
            }
        };
        let item = match reader.read(&text) {
            Ok(Some(item)) => item,
            Ok(None) => continue,
            Err(e) => {
                report
                    .problems
                    .push(format!("line {}: not an export line: {e}", n + 1));
                continue;
            }
        };
        match item {
            Item::Header { whole, heads } if header.is_none() && report.postings == 0 => {
                header = Some((whole, heads))
            }
            Item::Posting(line) if header.is_some() && trailer.is_none() => {
                report.postings += 1;
                if entry.first().is_some_and(|l| l.entry_id != line.entry_id) {
                    finish_entry(&mut report, std::mem::take(&mut entry));
                }
                entry.push(*line);
            }
            Item::Trailer { heads } if header.is_some() && trailer.is_none() => {
                trailer = Some(heads)
            }
            _ => report
                .problems
                .push(format!("line {}: out of place", n + 1)),
        }
    }
    if !entry.is_empty() {
        finish_entry(&mut report, entry);
    }
    let Some((whole, heads)) = header else {
        report.problems.push("no header line".to_owned());
        return report;
    };
    match trailer {
        None => report
            .problems
            .push("no trailer line: the file is cut short".to_owned()),
        Some(t) if t != heads => report
            .problems
            .push("the trailer names other seal heads than the header".to_owned()),
        Some(_) => {}
    }
    for h in &heads {
        report.fund(&h.unit_code).head = Some((h.seq, h.head_hash.clone()));
    }
    for fund in report.funds.values_mut() {
        check_chain(fund, whole);
    }
    report
}

/// Reads lines of whichever format the first line shows.
enum Reader {
    Unknown,
    JsonLines,
    Hledger(Box<HledgerReader>),
}

impl Reader {
    fn read(&mut self, text: &str) -> Result<Option<Item>, String> {
        if let Reader::Unknown = self {
            if text.trim().is_empty() {
                return Ok(None);
            }
            *self = if text.starts_with(HLEDGER_START) {
                Reader::Hledger(Box::default())
            } else {
                Reader::JsonLines
            };
        }
        match self {
            Reader::Hledger(h) => h.read(text),
            _ if text.trim().is_empty() => Ok(None),
            _ => match serde_json::from_str::<Record>(text).map_err(|e| e.to_string())? {
                Record::Header {
                    from,
                    to,
                    seal_heads,
                } => Ok(Some(Item::Header {
                    whole: from.is_none() && to.is_none(),
                    heads: seal_heads,
                })),
                Record::Posting(line) => Ok(Some(Item::Posting(line))),
                Record::Trailer { seal_heads } => Ok(Some(Item::Trailer { heads: seal_heads })),
            },
        }
    }
}

/// How an hledger export begins (`Writer::header`).
const HLEDGER_START: &str = "; doanket ledger export of unit ";

/// The hledger journal as `Writer` makes it: comment lines naming the export and its seal
/// heads, a blank line, then transactions whose tags carry what the seal covers (the exact
/// texts in base64), each posting tagged with its id and account id, and a closing comment.
#[derive(Default)]
struct HledgerReader {
    whole: Option<bool>,
    heads: Vec<Head>,
    in_body: bool,
    /// the open transaction, its posting fields still empty
    entry: Option<Line>,
}

impl HledgerReader {
    fn read(&mut self, text: &str) -> Result<Option<Item>, String> {
        if !self.in_body {
            if let Some(rest) = text.strip_prefix(HLEDGER_START) {
                self.whole = Some(rest.ends_with(", the start to today"));
                return Ok(None);
            }
            if let Some(rest) = text.strip_prefix("; seal head ") {
                self.heads
                    .push(seal_head(rest).ok_or("a malformed seal head")?);
                return Ok(None);
            }
            if text.trim().is_empty() {
                self.in_body = true;
                let whole = self.whole.ok_or("no export line")?;
                return Ok(Some(Item::Header {
                    whole,
                    heads: self.heads.clone(),
                }));
            }
            return Err("expected the export's opening comments".to_owned());
        }
        if text.trim().is_empty() {
            self.entry = None;
            return Ok(None);
        }
        if text == HLEDGER_END {
            return Ok(Some(Item::Trailer {
                heads: self.heads.clone(),
            }));
        }
        match text.strip_prefix("    ") {
            Some(posting) => {
                let entry = self
                    .entry
                    .as_ref()
                    .ok_or("a posting outside a transaction")?;
                Ok(Some(Item::Posting(Box::new(hledger_posting(
                    entry, posting,
                )?))))
            }
            None => {
                self.entry = Some(hledger_transaction(text)?);
                Ok(None)
            }
        }
    }
}

/// `CODE: seq N hash H`
fn seal_head(text: &str) -> Option<Head> {
    let (unit_code, rest) = text.split_once(": seq ")?;
    let (seq, hash) = rest.split_once(" hash ")?;
    Some(Head {
        unit_code: unit_code.to_owned(),
        seq: seq.parse().ok()?,
        head_hash: hash.to_owned(),
    })
}

/// `name:value, name:value` (values hold no `, `).
fn tags(text: &str) -> HashMap<&str, &str> {
    text.split(", ").filter_map(|t| t.split_once(':')).collect()
}

fn tag<'a>(tags: &HashMap<&str, &'a str>, name: &str) -> Result<&'a str, String> {
    tags.get(name)
        .copied()
        .ok_or_else(|| format!("no `{name}` tag"))
}

fn uuid_tag(tags: &HashMap<&str, &str>, name: &str) -> Result<Option<Uuid>, String> {
    tags.get(name)
        .map(|v| v.parse().map_err(|_| format!("`{name}` is not an id")))
        .transpose()
}

fn text_tag(tags: &HashMap<&str, &str>, name: &str) -> Result<Option<String>, String> {
    tags.get(name)
        .map(|v| {
            BASE64
                .decode(v)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| format!("`{name}` is not base64 of UTF-8 text"))
        })
        .transpose()
}

/// `DATE * DESCRIPTION  ; TAGS`: the entry, its postings still to come.
fn hledger_transaction(text: &str) -> Result<Line, String> {
    let (head, tag_text) = text
        .split_once("  ; ")
        .ok_or("a transaction without its tags")?;
    let t = tags(tag_text);
    let effective_date: NaiveDate = head
        .get(..10)
        .and_then(|d| d.parse().ok())
        .ok_or("a transaction without its date")?;
    let recorded_at = DateTime::parse_from_rfc3339(tag(&t, "recorded_at")?)
        .map_err(|_| "`recorded_at` is not a time")?
        .with_timezone(&Utc);
    let (seal_seq, entry_hash, chain_hash) = match tag(&t, "seal")? {
        "pending" => (None, None, None),
        seq => (
            Some(seq.parse().map_err(|_| "`seal` is not a number")?),
            Some(tag(&t, "entry_hash")?.to_owned()),
            Some(tag(&t, "chain_hash")?.to_owned()),
        ),
    };
    Ok(Line {
        unit_code: tag(&t, "unit")?.to_owned(),
        unit_id: uuid_tag(&t, "unit_id")?.ok_or("no `unit_id` tag")?,
        entry_id: uuid_tag(&t, "entry")?.ok_or("no `entry` tag")?,
        effective_date,
        recorded_at,
        source_type: tag(&t, "source")?.to_owned(),
        source_id: uuid_tag(&t, "source_id")?,
        description: text_tag(&t, "description_b64")?.ok_or("no `description_b64` tag")?,
        reverses_id: uuid_tag(&t, "reverses")?,
        posting_id: 0,
        account_code: String::new(),
        account_type: String::new(),
        account_name: String::new(),
        side: String::new(),
        amount: Decimal::ZERO,
        campaign_id: None,
        reason: text_tag(&t, "reason_b64")?,
        created_by: uuid_tag(&t, "created_by")?,
        account_id: Uuid::nil(),
        seal_seq,
        entry_hash,
        chain_hash,
    })
}

/// `KIND:CODE NAME  AMOUNT VND  ; TAGS`, a posting of `entry`; the sign is the side.
fn hledger_posting(entry: &Line, text: &str) -> Result<Line, String> {
    let (left, tag_text) = text
        .split_once("  ; ")
        .ok_or("a posting without its tags")?;
    let (account, amount) = left
        .rsplit_once("  ")
        .ok_or("a posting without an amount")?;
    let amount: Decimal = amount
        .strip_suffix(" VND")
        .and_then(|a| match a.strip_prefix('-') {
            Some(digits) => money::parse_vnd(digits).ok().map(|d| -d),
            None => money::parse_vnd(a).ok(),
        })
        .ok_or("an amount that is not whole VND")?;
    let (kind, rest) = account
        .split_once(':')
        .ok_or("an account without its kind")?;
    let (code, name) = rest.split_once(' ').unwrap_or((rest, ""));
    let t = tags(tag_text);
    Ok(Line {
        posting_id: tag(&t, "posting")?
            .parse()
            .map_err(|_| "`posting` is not a number")?,
        account_code: code.to_owned(),
        account_type: match kind {
            "assets" => "asset",
            "liabilities" => "liability",
            "revenues" => "income",
            "expenses" => "expense",
            _ => "equity",
        }
        .to_owned(),
        account_name: name.to_owned(),
        side: if amount.is_sign_negative() {
            "credit"
        } else {
            "debit"
        }
        .to_owned(),
        amount: amount.abs(),
        campaign_id: uuid_tag(&t, "campaign")?,
        account_id: uuid_tag(&t, "account_id")?.ok_or("no `account_id` tag")?,
        ..entry.clone()
    })
}

/// One entry's postings, all read: recompute its hash and count its postings.
fn finish_entry(report: &mut Report, lines: Vec<Line>) {
    let first = &lines[0];
    for l in &lines {
        let totals = report
            .accounts
            .entry((l.unit_code.clone(), l.account_code.clone()))
            .or_default();
        totals.name.clone_from(&l.account_name);
        match l.side.as_str() {
            "debit" => totals.debit += l.amount,
            _ => totals.credit += l.amount,
        }
    }
    let fund = report.fund(&first.unit_code);
    fund.entries += 1;
    let (Some(seq), Some(claimed), Some(chain)) = (
        first.seal_seq,
        first.entry_hash.as_deref(),
        first.chain_hash.as_deref(),
    ) else {
        fund.pending += 1;
        return;
    };
    fund.sealed += 1;
    let recomputed = entry_hash(&lines);
    let (Some(claimed), Some(chain)) = (from_hex(claimed), from_hex(chain)) else {
        fund.first_problem.get_or_insert_with(|| {
            format!(
                "entry {} (seq {seq}): a seal hash is not hex",
                first.entry_id
            )
        });
        return;
    };
    if recomputed != claimed {
        fund.first_problem.get_or_insert_with(|| {
            format!(
                "entry {} (seq {seq}): entry_changed, its postings or fields no longer hash to its seal",
                first.entry_id
            )
        });
    }
    fund.links.push((seq, first.entry_id, claimed, chain));
}

/// The fund's links in chain order: each must follow from the one before it (from the genesis
/// link when the export covers every date), and the last must be the seal head it names.
fn check_chain(fund: &mut FundCheck, whole: bool) {
    let mut links = std::mem::take(&mut fund.links);
    links.sort_by_key(|l| l.0);
    fund.from_genesis = whole;
    let mut previous: Option<(i64, Hash)> = whole.then_some((0, GENESIS));
    for (seq, id, entry_hash, chain) in &links {
        match previous {
            Some((p, hash)) if p + 1 == *seq && sealing::link(&hash, entry_hash) != *chain => {
                fund.first_problem.get_or_insert_with(|| {
                    format!("entry {id} (seq {seq}): chain_broken, the link does not follow from seq {p}")
                });
            }
            Some((p, _)) if p + 1 == *seq => {} // the link follows
            Some((p, _)) if *seq <= p => {
                fund.first_problem.get_or_insert_with(|| {
                    format!(
                        "entry {id} (seq {seq}): a second entry with the same place in the chain"
                    )
                });
            }
            Some((p, _)) if whole => {
                fund.first_problem.get_or_insert_with(|| {
                    format!(
                        "seq {} to {} missing: the export is not complete",
                        p + 1,
                        seq - 1
                    )
                });
            }
            // a date range starts mid-chain and may skip links: check from here on
            _ => {}
        }
        previous = Some((*seq, *chain));
    }
    let last = links
        .last()
        .map(|(seq, _, _, chain)| (*seq, hex::encode(chain)));
    match (&fund.head, last) {
        (Some(head), Some(last)) if whole && *head != last => {
            fund.first_problem.get_or_insert_with(|| {
                format!(
                    "the chain in the file ends at seq {} but the export names seal head seq {}: the export is not complete",
                    last.0, head.0
                )
            });
        }
        (None, Some(_)) => {
            fund.first_problem
                .get_or_insert_with(|| "sealed entries but no seal head named".to_owned());
        }
        (Some(head), None) if whole && head.0 > 0 => {
            fund.first_problem.get_or_insert_with(|| {
                format!(
                    "no sealed entry in the file but a seal head at seq {}",
                    head.0
                )
            });
        }
        _ => {}
    }
}

/// The seal hash of one entry, recomputed from its lines in the export: the rows the sealer
/// hashed, rebuilt field by field.
fn entry_hash(lines: &[Line]) -> Hash {
    let l = &lines[0];
    let entry = EntryRow {
        id: l.entry_id,
        unit_id: l.unit_id,
        effective_date: l.effective_date,
        recorded_at: l.recorded_at,
        source_type: l.source_type.clone(),
        source_id: l.source_id,
        description: l.description.clone(),
        reason: l.reason.clone(),
        reverses_id: l.reverses_id,
        created_by: l.created_by,
    };
    let postings: Vec<PostingRow> = lines
        .iter()
        .map(|l| PostingRow {
            id: l.posting_id,
            entry_id: l.entry_id,
            account_id: l.account_id,
            account_code: l.account_code.clone(),
            side: l.side.clone(),
            amount: l.amount,
            campaign_id: l.campaign_id,
            effective_date: l.effective_date,
        })
        .collect();
    sealing::entry_hash(&entry, &postings.iter().collect::<Vec<_>>())
}

fn from_hex(s: &str) -> Option<Hash> {
    hex::decode(s).ok()?.try_into().ok()
}

/// The report as text: one paragraph per fund, then the trial balance.
pub fn render(report: &Report) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "{} postings read", report.postings);
    for p in &report.problems {
        let _ = writeln!(out, "PROBLEM: {p}");
    }
    for f in report.funds.values() {
        let head = f
            .head
            .as_ref()
            .map_or("no seal head named".to_owned(), |(seq, h)| {
                format!("seal head seq {seq} {h}")
            });
        let chain = if f.from_genesis {
            "every link recomputed from the first"
        } else {
            "links recomputed within the date range"
        };
        match &f.first_problem {
            None => {
                let _ = writeln!(
                    out,
                    "{}: ok — {} entries ({} sealed, {} pending, which no seal covers yet); every sealed entry's hash and {chain}; {head}",
                    f.unit_code, f.entries, f.sealed, f.pending
                );
            }
            Some(p) => {
                let _ = writeln!(out, "{}: MISMATCH — {p}", f.unit_code);
            }
        }
    }
    let _ = writeln!(out, "\ntrial balance of the file (debit, credit, balance):");
    let mut by_unit: HashMap<&str, Decimal> = HashMap::new();
    for ((unit, code), t) in &report.accounts {
        *by_unit.entry(unit).or_default() += t.debit - t.credit;
        let _ = writeln!(
            out,
            "  {unit}  {code:<8} {:>20} {:>20} {:>20}  {}",
            t.debit.normalize(),
            t.credit.normalize(),
            (t.debit - t.credit).normalize(),
            t.name
        );
    }
    let _ = writeln!(
        out,
        "  total debits {} = total credits {}: {}",
        report.total_debits().normalize(),
        report.total_credits().normalize(),
        if report.total_debits() == report.total_credits() {
            "balanced"
        } else {
            "NOT BALANCED"
        }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests::{line, request};
    use crate::export::{Format, SealHead, TextFormat, Writer};

    const FORMATS: [TextFormat; 2] = [TextFormat::Jsonl, TextFormat::Hledger];

    #[test]
    fn csv_and_xlsx_exports_are_told_apart_from_the_checkable_ones() {
        let csv = format!("{}\n", crate::export::COLUMNS.join(","));
        assert_eq!(unsupported_format(csv.as_bytes()), Some("a CSV export"));
        assert_eq!(
            unsupported_format(b"PK\x03\x04\x14\x00\x08\x00"),
            Some("an XLSX export")
        );
        for format in FORMATS {
            let text = export(format, |_| {});
            assert_eq!(unsupported_format(&text.as_bytes()[..64]), None);
        }
    }

    /// An export of two sealed entries (a deposit, then a spend) of one fund, as text.
    fn export(format: TextFormat, mut tamper: impl FnMut(&mut Vec<Line>)) -> String {
        let mut lines = vec![
            line("debit", "1111", 500_000),
            line("credit", "5111", 500_000),
            line("debit", "6191", 200_000),
            line("credit", "1111", 200_000),
        ];
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        for (i, l) in lines.iter_mut().enumerate() {
            l.entry_id = if i < 2 { a } else { b };
            l.posting_id = i as i64 + 1;
            // what hledger shows cleaned must come back exact
            l.description = "Ủng hộ;  đợt 1\n".into();
            l.reason = (i >= 2).then(|| "Chi hỗ trợ, khẩn cấp".to_owned());
        }
        // sealed as the sealer would: each entry hashed, then chained from the genesis link
        let mut chain = GENESIS;
        for (seq, pair) in lines.chunks_mut(2).enumerate() {
            let hash = entry_hash(pair);
            chain = sealing::link(&chain, &hash);
            for l in pair.iter_mut() {
                l.seal_seq = Some(seq as i64 + 1);
                l.entry_hash = Some(hex::encode(hash));
                l.chain_hash = Some(hex::encode(chain));
            }
        }
        let heads = [SealHead {
            unit_code: "06001".into(),
            seq: 2,
            head_hash: hex::encode(chain),
        }];
        tamper(&mut lines);
        let req = request(Format::Jsonl);
        let mut w = Writer::new(format);
        w.header(&req, &heads);
        for l in &lines {
            w.line(l);
        }
        w.trailer(&heads);
        w.take()
    }

    #[test]
    fn an_untouched_export_checks_out_with_its_trial_balance() {
        for format in FORMATS {
            let text = export(format, |_| {});
            let report = check(text.as_bytes());

            assert!(report.ok(), "{format:?}: {}\n{text}", render(&report));
            let fund = &report.funds["06001"];
            assert_eq!((fund.entries, fund.sealed, fund.pending), (2, 2, 0));
            let cash = &report.accounts[&("06001".to_owned(), "1111".to_owned())];
            assert_eq!(cash.debit - cash.credit, Decimal::from(300_000));
            assert_eq!(report.total_debits(), report.total_credits());
        }
    }

    #[test]
    fn an_amount_with_digits_beyond_whole_dong_is_refused_not_rounded_back() {
        // more digits than a Decimal holds would round to the sealed amount and pass unseen
        let long = "500000.0000000000000000000000000001";
        for (format, from, to) in [
            (
                TextFormat::Jsonl,
                "\"amount\":\"500000\"".to_owned(),
                format!("\"amount\":\"{long}\""),
            ),
            (
                TextFormat::Hledger,
                " 500000 VND".to_owned(),
                format!(" {long} VND"),
            ),
        ] {
            let text = export(format, |_| {});
            assert!(text.contains(&from), "{format:?}: {text}");
            let report = check(text.replacen(&from, &to, 1).as_bytes());
            assert!(!report.ok(), "{format:?}: {}", render(&report));
        }
    }

    #[test]
    fn a_changed_amount_or_reason_is_named_at_its_entry() {
        let changes: [fn(&mut Vec<Line>); 2] = [
            |lines| {
                lines[2].amount = Decimal::from(20_000);
                lines[3].amount = Decimal::from(20_000);
            },
            |lines| {
                lines[2].reason = Some("Chi hỗ trợ".into());
                lines[3].reason = Some("Chi hỗ trợ".into());
            },
        ];
        for format in FORMATS {
            for change in changes {
                let mut changed = Uuid::nil();
                let text = export(format, |lines| {
                    changed = lines[2].entry_id;
                    change(lines);
                });
                let report = check(text.as_bytes());

                assert!(!report.ok(), "{format:?}");
                let problem = report.funds["06001"].first_problem.clone().unwrap();
                assert!(problem.contains(&changed.to_string()), "{problem}");
                assert!(problem.contains("entry_changed"), "{problem}");
            }
        }
    }

    #[test]
    fn a_removed_entry_or_a_cut_file_is_incomplete() {
        for format in FORMATS {
            let report = check(export(format, |lines| lines.truncate(2)).as_bytes());
            let problem = report.funds["06001"].first_problem.clone().unwrap();
            assert!(problem.contains("not complete"), "{format:?}: {problem}");

            let text = export(format, |_| {});
            let keep = text.lines().count() - 2;
            let cut: String = text.lines().take(keep).map(|l| format!("{l}\n")).collect();
            let report = check(cut.as_bytes());
            assert!(!report.ok(), "{format:?}");
            assert!(
                report.problems.iter().any(|p| p.contains("cut short")),
                "{format:?}: {:?}",
                report.problems
            );
        }
    }
}
