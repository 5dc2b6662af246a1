//! Ledger exports auditors can check offline (ledger.md): every posting of one fund (or a
//! subtree of funds) in a date range, from one REPEATABLE READ snapshot, streamed row by row so
//! memory stays flat whatever the size, as CSV, JSON lines, XLSX (`xlsx.rs`) or an hledger
//! journal, each naming the seal heads it covers. `check.rs` checks a JSON lines export offline.
//! It lives beside the ledger, not in it: it reads the books from its own snapshot and streams
//! bytes for the HTTP route (`routes::ledger::export`) and the CLI (`doanket ledger check-export`).

pub mod check;
pub mod xlsx;

use std::fmt::Write as _;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::{pin_mut, TryStreamExt};
use rust_decimal::Decimal;
use serde::Serialize;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::ledger::sealing::recorded_at_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    Jsonl,
    Xlsx,
    Hledger,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Jsonl => "application/x-ndjson",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Hledger => "text/plain; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Xlsx => "xlsx",
            Format::Hledger => "journal",
        }
    }

    /// The text formats, written line by line by [`Writer`]; XLSX is not one.
    fn text(self) -> Option<TextFormat> {
        match self {
            Format::Csv => Some(TextFormat::Csv),
            Format::Jsonl => Some(TextFormat::Jsonl),
            Format::Hledger => Some(TextFormat::Hledger),
            Format::Xlsx => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFormat {
    Csv,
    Jsonl,
    Hledger,
}

/// The columns of the CSV and XLSX exports, in order.
pub const COLUMNS: [&str; 21] = [
    "unit_code",
    "entry_id",
    "effective_date",
    "recorded_at",
    "source_type",
    "source_id",
    "description",
    "reverses_id",
    "posting_id",
    "account_code",
    "account_type",
    "account_name",
    "side",
    "amount",
    "campaign_id",
    "reason",
    "created_by",
    "account_id",
    "seal_seq",
    "entry_hash",
    "chain_hash",
];

/// What to export.
#[derive(Debug, Clone)]
pub struct Request {
    pub unit_id: Uuid,
    pub include_descendants: bool,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub format: Format,
}

/// The last link of a fund's seal chain at the snapshot.
#[derive(Debug, Clone, Serialize)]
pub struct SealHead {
    pub unit_code: String,
    pub seq: i64,
    pub head_hash: String,
}

/// One posting with its entry, as exported (and read back by the offline check).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Line {
    pub unit_code: String,
    pub unit_id: Uuid,
    pub entry_id: Uuid,
    pub effective_date: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub source_type: String,
    pub source_id: Option<Uuid>,
    pub description: String,
    pub reverses_id: Option<Uuid>,
    pub posting_id: i64,
    pub account_code: String,
    pub account_type: String,
    pub account_name: String,
    pub side: String,
    #[serde(
        serialize_with = "rust_decimal::serde::str::serialize",
        deserialize_with = "crate::domain::money::deserialize_vnd"
    )]
    pub amount: Decimal,
    pub campaign_id: Option<Uuid>,
    // what an auditor needs to recompute the seal chain offline (sealing.rs documents the
    // canonical bytes): the rest of the entry, and its link when it is sealed
    pub reason: Option<String>,
    pub created_by: Option<Uuid>,
    pub account_id: Uuid,
    pub seal_seq: Option<i64>,
    pub entry_hash: Option<String>,
    pub chain_hash: Option<String>,
}

const LINES: &str = "\
    SELECT u.code, e.id, e.effective_date, e.recorded_at, e.source_type, e.source_id, \
           e.description, e.reverses_id, p.id, a.code, a.account_type, a.name, p.side, \
           p.amount::text, p.campaign_id, e.reason, e.created_by, p.account_id, s.seq, \
           encode(s.entry_hash, 'hex'), encode(s.chain_hash, 'hex'), p.unit_id \
      FROM postings p \
      JOIN journal_entries e ON e.id = p.entry_id \
      JOIN accounts a ON a.id = p.account_id \
      JOIN units u ON u.id = p.unit_id \
      LEFT JOIN journal_seals s ON s.entry_id = e.id \
     WHERE p.unit_id = ANY ($1) \
       AND ($2::date IS NULL OR p.effective_date >= $2) \
       AND ($3::date IS NULL OR p.effective_date <= $3) \
     ORDER BY p.effective_date, e.recorded_at, e.id, p.id";

fn line(row: &tokio_postgres::Row) -> Result<Line, String> {
    let amount: String = row.get(13);
    Ok(Line {
        unit_code: row.get(0),
        entry_id: row.get(1),
        effective_date: row.get(2),
        recorded_at: row.get(3),
        source_type: row.get(4),
        source_id: row.get(5),
        description: row.get(6),
        reverses_id: row.get(7),
        posting_id: row.get(8),
        account_code: row.get(9),
        account_type: row.get(10),
        account_name: row.get(11),
        side: row.get(12),
        amount: amount
            .parse()
            .map_err(|e| format!("amount {amount}: {e}"))?,
        campaign_id: row.get(14),
        reason: row.get(15),
        created_by: row.get(16),
        account_id: row.get(17),
        seal_seq: row.get(18),
        entry_hash: row.get(19),
        chain_hash: row.get(20),
        unit_id: row.get(21),
    })
}

/// Streams the export into `out` in chunks of about 64 KiB. Runs on its own connection inside
/// one read-only REPEATABLE READ transaction, so every row and the seal heads come from one
/// snapshot. Returns when done, when the receiver is gone (client left), or on an error (which
/// the caller can only log: the response has started).
pub async fn run(
    database_url: &str,
    req: Request,
    out: mpsc::Sender<Result<actix_web::web::Bytes, std::io::Error>>,
) -> Result<(), String> {
    let (client, connection) = tokio_postgres::connect(database_url, tokio_postgres::NoTls)
        .await
        .map_err(|e| e.to_string())?;
    let conn_task = tokio::spawn(connection);
    let result = stream(&client, req, &out).await;
    drop(client);
    let _ = conn_task.await;
    result
}

async fn stream(
    client: &tokio_postgres::Client,
    req: Request,
    out: &mpsc::Sender<Result<actix_web::web::Bytes, std::io::Error>>,
) -> Result<(), String> {
    let db = |e: tokio_postgres::Error| e.to_string();
    client
        .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await
        .map_err(db)?;
    let units: Vec<Uuid> = client
        .query(
            "SELECT id FROM units WHERE id = $1 OR ($2 AND $1 = ANY (ancestry)) ORDER BY path",
            &[&req.unit_id, &req.include_descendants],
        )
        .await
        .map_err(db)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let heads: Vec<SealHead> = client
        .query(
            "SELECT DISTINCT ON (s.unit_id) u.code, s.seq, encode(s.chain_hash, 'hex') \
               FROM journal_seals s JOIN units u ON u.id = s.unit_id \
              WHERE s.unit_id = ANY ($1) ORDER BY s.unit_id, s.seq DESC",
            &[&units],
        )
        .await
        .map_err(db)?
        .iter()
        .map(|r| SealHead {
            unit_code: r.get(0),
            seq: r.get(1),
            head_hash: r.get(2),
        })
        .collect();

    let rows = client
        .query_raw(
            LINES,
            [
                &units as &(dyn tokio_postgres::types::ToSql + Sync),
                &req.from,
                &req.to,
            ],
        )
        .await
        .map_err(db)?;
    let sent = match req.format.text() {
        Some(text) => stream_text(rows, text, &req, &heads, out).await?,
        None => stream_xlsx(rows, &req, &heads, out).await?,
    };
    if sent {
        client.batch_execute("COMMIT").await.map_err(db)?;
    }
    Ok(())
}

/// Text formats go out in chunks of about 64 KiB as the rows arrive. False when the client
/// went away.
async fn stream_text(
    rows: tokio_postgres::RowStream,
    format: TextFormat,
    req: &Request,
    heads: &[SealHead],
    out: &mpsc::Sender<Result<actix_web::web::Bytes, std::io::Error>>,
) -> Result<bool, String> {
    let mut writer = Writer::new(format);
    writer.header(req, heads);
    pin_mut!(rows);
    while let Some(row) = rows.try_next().await.map_err(|e| e.to_string())? {
        writer.line(&line(&row)?);
        if writer.buf.len() >= 64 * 1024 && !send(out, writer.take()).await {
            return Ok(false);
        }
    }
    writer.trailer(heads);
    Ok(send(out, writer.take()).await)
}

/// XLSX: the rows are written into the workbook on a blocking thread as they arrive (a bounded
/// queue keeps memory flat), then the saved file is streamed. False when the client went away.
async fn stream_xlsx(
    rows: tokio_postgres::RowStream,
    req: &Request,
    heads: &[SealHead],
    out: &mpsc::Sender<Result<actix_web::web::Bytes, std::io::Error>>,
) -> Result<bool, String> {
    let (lines_tx, mut lines_rx) = mpsc::channel::<Line>(1024);
    let (about, seals) = (req.clone(), heads.to_vec());
    let book = tokio::task::spawn_blocking(move || {
        let mut book = xlsx::LedgerBook::new(xlsx::ROWS_PER_SHEET);
        while let Some(l) = lines_rx.blocking_recv() {
            book.line(&l).map_err(|e| format!("xlsx: {e}"))?;
        }
        book.finish(&about, &seals)
            .map_err(|e| format!("xlsx: {e}"))
    });
    pin_mut!(rows);
    while let Some(row) = rows.try_next().await.map_err(|e| e.to_string())? {
        if out.is_closed() {
            return Ok(false); // the client went away: dropping the queue ends the workbook
        }
        if lines_tx.send(line(&row)?).await.is_err() {
            break; // the workbook failed: its error is below
        }
    }
    drop(lines_tx);
    let file = book.await.map_err(|e| format!("xlsx: {e}"))??;
    let mut file = tokio::fs::File::from_std(file);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = tokio::io::AsyncReadExt::read(&mut file, &mut chunk)
            .await
            .map_err(|e| format!("xlsx: {e}"))?;
        if n == 0 {
            return Ok(true);
        }
        let bytes = actix_web::web::Bytes::copy_from_slice(&chunk[..n]);
        if out.send(Ok(bytes)).await.is_err() {
            return Ok(false);
        }
    }
}

async fn send(
    out: &mpsc::Sender<Result<actix_web::web::Bytes, std::io::Error>>,
    chunk: String,
) -> bool {
    out.send(Ok(actix_web::web::Bytes::from(chunk)))
        .await
        .is_ok()
}

/// Turns lines into one format's text.
pub struct Writer {
    format: TextFormat,
    buf: String,
    /// hledger: the entry whose transaction is open
    open_entry: Option<Uuid>,
}

impl Writer {
    pub fn new(format: TextFormat) -> Writer {
        Writer {
            format,
            buf: String::with_capacity(80 * 1024),
            open_entry: None,
        }
    }

    pub fn take(&mut self) -> String {
        std::mem::take(&mut self.buf)
    }

    pub fn header(&mut self, req: &Request, heads: &[SealHead]) {
        match self.format {
            TextFormat::Csv => {
                self.buf.push_str(&COLUMNS.join(","));
                self.buf.push('\n');
            }
            TextFormat::Jsonl => {
                let doc = serde_json::json!({
                    "type": "header", "unit_id": req.unit_id,
                    "include_descendants": req.include_descendants,
                    "from": req.from, "to": req.to, "seal_heads": heads,
                });
                self.buf.push_str(&doc.to_string());
                self.buf.push('\n');
            }
            TextFormat::Hledger => {
                let _ = writeln!(
                    self.buf,
                    "; doanket ledger export of unit {}{}, {} to {}",
                    req.unit_id,
                    if req.include_descendants {
                        " and the units below it"
                    } else {
                        ""
                    },
                    req.from.map_or("the start".to_owned(), |d| d.to_string()),
                    req.to.map_or("today".to_owned(), |d| d.to_string()),
                );
                for h in heads {
                    let _ = writeln!(
                        self.buf,
                        "; seal head {}: seq {} hash {}",
                        h.unit_code, h.seq, h.head_hash
                    );
                }
                self.buf.push('\n');
            }
        }
    }

    pub fn line(&mut self, l: &Line) {
        match self.format {
            TextFormat::Csv => {
                let cells = [
                    l.unit_code.clone(),
                    l.entry_id.to_string(),
                    l.effective_date.to_string(),
                    recorded_at_text(&l.recorded_at),
                    l.source_type.clone(),
                    opt(l.source_id),
                    l.description.clone(),
                    opt(l.reverses_id),
                    l.posting_id.to_string(),
                    l.account_code.clone(),
                    l.account_type.clone(),
                    l.account_name.clone(),
                    l.side.clone(),
                    l.amount.normalize().to_string(),
                    opt(l.campaign_id),
                    l.reason.clone().unwrap_or_default(),
                    opt(l.created_by),
                    l.account_id.to_string(),
                    l.seal_seq.map(|s| s.to_string()).unwrap_or_default(),
                    l.entry_hash.clone().unwrap_or_default(),
                    l.chain_hash.clone().unwrap_or_default(),
                ];
                let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
                self.buf.push_str(&row.join(","));
                self.buf.push('\n');
            }
            TextFormat::Jsonl => {
                let mut doc = serde_json::to_value(l).unwrap_or_default();
                doc["type"] = serde_json::json!("posting");
                self.buf.push_str(&doc.to_string());
                self.buf.push('\n');
            }
            TextFormat::Hledger => {
                if self.open_entry != Some(l.entry_id) {
                    if self.open_entry.is_some() {
                        self.buf.push('\n');
                    }
                    self.open_entry = Some(l.entry_id);
                    let _ = write!(
                        self.buf,
                        "{} * {}  ; entry:{}, source:{}, unit:{}",
                        l.effective_date,
                        hledger_text(&l.description),
                        l.entry_id,
                        l.source_type,
                        l.unit_code
                    );
                    match (l.seal_seq, &l.entry_hash, &l.chain_hash) {
                        (Some(seq), Some(hash), Some(chain)) => {
                            let _ = write!(
                                self.buf,
                                ", seal:{seq}, entry_hash:{hash}, chain_hash:{chain}"
                            );
                        }
                        _ => self.buf.push_str(", seal:pending"),
                    }
                    // the rest of what the seal covers, so `doanket ledger check-export` can
                    // recompute it from this file alone; texts exactly, in base64
                    let _ = write!(
                        self.buf,
                        ", unit_id:{}, recorded_at:{}, description_b64:{}",
                        l.unit_id,
                        recorded_at_text(&l.recorded_at),
                        BASE64.encode(&l.description)
                    );
                    for (tag, id) in [
                        ("source_id", l.source_id),
                        ("reverses", l.reverses_id),
                        ("created_by", l.created_by),
                    ] {
                        if let Some(id) = id {
                            let _ = write!(self.buf, ", {tag}:{id}");
                        }
                    }
                    if let Some(reason) = &l.reason {
                        let _ = write!(self.buf, ", reason_b64:{}", BASE64.encode(reason));
                    }
                    self.buf.push('\n');
                }
                let signed = if l.side == "debit" {
                    l.amount
                } else {
                    -l.amount
                };
                let _ = write!(
                    self.buf,
                    "    {}  {} VND  ; posting:{}, account_id:{}",
                    hledger_account(l),
                    signed.normalize(),
                    l.posting_id,
                    l.account_id
                );
                match l.campaign_id {
                    Some(c) => {
                        let _ = writeln!(self.buf, ", campaign:{c}");
                    }
                    None => self.buf.push('\n'),
                }
            }
        }
    }

    pub fn trailer(&mut self, heads: &[SealHead]) {
        match self.format {
            // a trailing row per fund, marked so a reader can skip it
            TextFormat::Csv => {
                for h in heads {
                    let _ = writeln!(
                        self.buf,
                        "#seal_head,{},{},{}",
                        h.unit_code, h.seq, h.head_hash
                    );
                }
            }
            TextFormat::Jsonl => {
                let doc = serde_json::json!({"type": "trailer", "seal_heads": heads});
                self.buf.push_str(&doc.to_string());
                self.buf.push('\n');
            }
            // a last line, so a file cut short is told from a whole one
            TextFormat::Hledger => self.buf.push_str(&format!("\n{HLEDGER_END}\n")),
        }
    }
}

/// The hledger journal's last line.
pub const HLEDGER_END: &str = "; end of the doanket ledger export";

fn opt(id: Option<Uuid>) -> String {
    id.map(|i| i.to_string()).unwrap_or_default()
}

/// RFC 4180 quoting of a cell made spreadsheet-safe (numbers, e.g. a negative amount, stay
/// numbers).
fn csv_cell(s: &str) -> String {
    let s = if s.parse::<Decimal>().is_ok() {
        s.to_owned()
    } else {
        crate::domain::text::spreadsheet_safe(s)
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// hledger account names: `<type>:<code> <name>`, one space at most in a row (two end the
/// name), no `;`.
fn hledger_account(l: &Line) -> String {
    let kind = match l.account_type.as_str() {
        "asset" => "assets",
        "liability" => "liabilities",
        "income" => "revenues",
        "expense" => "expenses",
        _ => "equity",
    };
    // a `:` inside the name would make a sub-account: it becomes the look-alike `∶`
    let name = hledger_text(&l.account_name).replace(':', "\u{2236}");
    format!("{kind}:{} {name}", l.account_code)
}

/// One line of plain text: no newlines, no `;` (it starts a comment), no double spaces.
fn hledger_text(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if c == ';' || c.is_control() { ' ' } else { c })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A whole-ledger request of one unit (the nil id) in `format`.
    pub(super) fn request(format: Format) -> Request {
        Request {
            unit_id: Uuid::nil(),
            include_descendants: false,
            from: None,
            to: None,
            format,
        }
    }

    pub(super) fn line(side: &str, code: &str, amount: i64) -> Line {
        Line {
            unit_code: "06001".into(),
            unit_id: Uuid::nil(),
            entry_id: Uuid::nil(),
            effective_date: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
            recorded_at: DateTime::from_timestamp(1_773_100_800, 0).unwrap(),
            source_type: "donation".into(),
            source_id: None,
            description: "Ủng hộ; tiền mặt\n".into(),
            reverses_id: None,
            posting_id: 1,
            account_code: code.into(),
            account_type: if code == "1111" { "asset" } else { "income" }.into(),
            account_name: "Tiền mặt — cash  on hand".into(),
            side: side.into(),
            amount: Decimal::from(amount),
            campaign_id: None,
            reason: None,
            created_by: None,
            account_id: Uuid::nil(),
            seal_seq: None,
            entry_hash: None,
            chain_hash: None,
        }
    }

    #[test]
    fn hledger_transactions_balance_and_stay_on_one_line_each() {
        let mut w = Writer::new(TextFormat::Hledger);
        w.line(&line("debit", "1111", 500_000));
        w.line(&line("credit", "5111", 500_000));
        let text = w.take();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(
            lines[0].starts_with("2026-03-10 * Ủng hộ tiền mặt  ; entry:"),
            "{text}"
        );
        assert!(lines[0].contains(", seal:pending, unit_id:"), "{text}");
        // the exact description, for the offline check, where hledger shows it cleaned
        assert!(
            lines[0].contains(&format!(
                ", description_b64:{}",
                BASE64.encode("Ủng hộ; tiền mặt\n")
            )),
            "{text}"
        );
        assert!(
            lines[1].contains("assets:1111 Tiền mặt — cash on hand  500000 VND  ; posting:1"),
            "{text}"
        );
        assert!(
            lines[2].contains("  -500000 VND  ; posting:1, account_id:"),
            "{text}"
        );
    }

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK()"), "'=HYPERLINK()");
        assert_eq!(csv_cell("-500"), "-500");
    }
}
