//! An auditor's offline check of a JSON lines export (`doanket ledger check-export FILE`). With
//! nothing but the file, and without trusting the server that made it: recompute every entry's
//! seal hash from its canonical bytes (sealing.rs), every link of each fund's chain, compare the
//! last link with the seal head the export names, and add the postings up per account — the
//! file's own trial balance.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;

use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

use super::Line;
use crate::ledger::entries::{EntryRow, PostingRow};
use crate::ledger::sealing::{self, Hash, GENESIS};

/// One line of the export file.
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

/// Reads the export and checks it. Memory grows with the entries' links only (about 80 bytes
/// each), not with the file.
pub fn check(input: impl BufRead) -> Report {
    let mut report = Report::default();
    let mut header: Option<(bool, Vec<Head>)> = None;
    let mut trailer: Option<Vec<Head>> = None;
    let mut entry: Vec<Line> = Vec::new();
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
        if text.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(&text) {
            Ok(Record::Header {
                from,
                to,
                seal_heads,
            }) if n == 0 => header = Some((from.is_none() && to.is_none(), seal_heads)),
            Ok(Record::Posting(line)) if header.is_some() && trailer.is_none() => {
                report.postings += 1;
                if entry.first().is_some_and(|l| l.entry_id != line.entry_id) {
                    finish_entry(&mut report, std::mem::take(&mut entry));
                }
                entry.push(*line);
            }
            Ok(Record::Trailer { seal_heads }) if header.is_some() && trailer.is_none() => {
                trailer = Some(seal_heads)
            }
            Ok(_) => report
                .problems
                .push(format!("line {}: out of place", n + 1)),
            Err(e) => report
                .problems
                .push(format!("line {}: not an export line: {e}", n + 1)),
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
    use crate::ledger::export::tests::{line, request};
    use crate::ledger::export::{Format, SealHead, TextFormat, Writer};

    /// An export of two sealed entries (a deposit, then a spend) of one fund, as text.
    fn export(mut tamper: impl FnMut(&mut Vec<Line>)) -> String {
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
            l.description = "Ủng hộ".into();
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
        let mut w = Writer::new(TextFormat::Jsonl);
        w.header(&req, &heads);
        for l in &lines {
            w.line(l);
        }
        w.trailer(&heads);
        w.take()
    }

    #[test]
    fn an_untouched_export_checks_out_with_its_trial_balance() {
        let report = check(export(|_| {}).as_bytes());

        assert!(report.ok(), "{}", render(&report));
        let fund = &report.funds["06001"];
        assert_eq!((fund.entries, fund.sealed, fund.pending), (2, 2, 0));
        assert_eq!(
            report.accounts[&("06001".to_owned(), "1111".to_owned())].debit
                - report.accounts[&("06001".to_owned(), "1111".to_owned())].credit,
            Decimal::from(300_000)
        );
        assert_eq!(report.total_debits(), report.total_credits());
    }

    #[test]
    fn a_changed_amount_is_named_at_its_entry() {
        let mut changed = Uuid::nil();
        let text = export(|lines| {
            changed = lines[2].entry_id;
            lines[2].amount = Decimal::from(20_000);
            lines[3].amount = Decimal::from(20_000);
        });
        let report = check(text.as_bytes());

        assert!(!report.ok());
        let problem = report.funds["06001"].first_problem.clone().unwrap();
        assert!(problem.contains(&changed.to_string()), "{problem}");
        assert!(problem.contains("entry_changed"), "{problem}");
    }

    #[test]
    fn a_removed_entry_or_a_cut_file_is_incomplete() {
        let report = check(export(|lines| lines.truncate(2)).as_bytes());
        let problem = report.funds["06001"].first_problem.clone().unwrap();
        assert!(problem.contains("not complete"), "{problem}");

        let text = export(|_| {});
        let cut: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
        let report = check(cut.as_bytes());
        assert!(!report.ok());
        assert!(report.problems.iter().any(|p| p.contains("cut short")));
    }
}
