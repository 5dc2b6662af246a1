//! The XLSX form of the ledger export. A workbook cannot be written as a stream (the zip's
//! directory comes last and the writer seeks), so rows go, as they arrive, into constant-memory
//! worksheets that spill to temporary files, and the finished workbook is saved to one more
//! temporary file, which the caller then streams: memory stays flat whatever the size; the disk
//! holds the export while it is sent.

use std::fs::File;
use std::io::{Seek, SeekFrom};

use chrono::Datelike;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook, Worksheet, XlsxError};

use super::{Line, Request, SealHead, COLUMNS};
use crate::ledger::sealing::recorded_at_text;

/// Excel's 1,048,576 rows less the header row; more postings continue on another sheet.
pub const ROWS_PER_SHEET: u32 = 1_048_575;

/// XLSX stores every number as an IEEE double, exact for whole numbers below 2^53. Ids and
/// sequence numbers stay far below; amounts are checked (`write_amount`).
const EXACT_IN_A_DOUBLE: i64 = 1 << 53;

/// A workbook being filled: `Postings`, `Postings 2`, … then `Export` (what it covers and the
/// seal heads).
pub struct LedgerBook {
    book: Workbook,
    rows_per_sheet: u32,
    sheets: usize,
    /// rows written to the current postings sheet, header excluded
    rows: u32,
    bold: CellFormat,
    date: CellFormat,
    money: CellFormat,
}

impl LedgerBook {
    pub fn new(rows_per_sheet: u32) -> LedgerBook {
        LedgerBook {
            book: Workbook::new(),
            rows_per_sheet: rows_per_sheet.clamp(1, ROWS_PER_SHEET),
            sheets: 0,
            rows: 0,
            bold: CellFormat::new().set_bold(),
            date: CellFormat::new().set_num_format("yyyy-mm-dd"),
            money: CellFormat::new().set_num_format("#,##0"),
        }
    }

    /// Starts the next postings sheet with its header row.
    fn start_sheet(&mut self) -> Result<(), XlsxError> {
        let name = match self.sheets {
            0 => "Postings".to_owned(),
            n => format!("Postings {}", n + 1),
        };
        let sheet = self.book.add_worksheet_with_constant_memory();
        sheet.set_name(name)?;
        for (col, title) in (0u16..).zip(COLUMNS) {
            sheet.write_string_with_format(0, col, title, &self.bold)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        self.sheets += 1;
        self.rows = 0;
        Ok(())
    }

    /// One posting, in the columns and order of the CSV export.
    pub fn line(&mut self, l: &Line) -> Result<(), XlsxError> {
        if self.sheets == 0 || self.rows == self.rows_per_sheet {
            self.start_sheet()?;
        }
        let row = self.rows + 1;
        let (date, money) = (&self.date, &self.money);
        let sheet = self.book.worksheet_from_index(self.sheets - 1)?;
        let text = |s: &mut Worksheet, col: u16, v: String| -> Result<(), XlsxError> {
            if !v.is_empty() {
                s.write_string(row, col, v)?;
            }
            Ok(())
        };
        let id = |v: Option<uuid::Uuid>| v.map(|u| u.to_string()).unwrap_or_default();
        text(sheet, 0, l.unit_code.clone())?;
        text(sheet, 1, l.entry_id.to_string())?;
        let d = l.effective_date;
        // chrono dates are always within Excel's 1900–9999 in this ledger; a date it cannot
        // show stays readable as text
        match ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8) {
            Ok(excel) => {
                sheet.write_datetime_with_format(row, 2, excel, date)?;
            }
            Err(_) => text(sheet, 2, d.to_string())?,
        }
        // microseconds matter to the order of entries: kept as exact text
        text(sheet, 3, recorded_at_text(&l.recorded_at))?;
        text(sheet, 4, l.source_type.clone())?;
        text(sheet, 5, id(l.source_id))?;
        text(sheet, 6, l.description.clone())?;
        text(sheet, 7, id(l.reverses_id))?;
        sheet.write(row, 8, l.posting_id)?;
        text(sheet, 9, l.account_code.clone())?;
        text(sheet, 10, l.account_type.clone())?;
        text(sheet, 11, l.account_name.clone())?;
        text(sheet, 12, l.side.clone())?;
        write_amount(sheet, row, 13, l.amount, money)?;
        text(sheet, 14, id(l.campaign_id))?;
        text(sheet, 15, l.reason.clone().unwrap_or_default())?;
        text(sheet, 16, id(l.created_by))?;
        text(sheet, 17, l.account_id.to_string())?;
        if let Some(seq) = l.seal_seq {
            sheet.write(row, 18, seq)?;
        }
        text(sheet, 19, l.entry_hash.clone().unwrap_or_default())?;
        text(sheet, 20, l.chain_hash.clone().unwrap_or_default())?;
        self.rows += 1;
        Ok(())
    }

    /// Adds the `Export` sheet and saves the workbook into a temporary file (gone when closed),
    /// rewound for reading.
    pub fn finish(mut self, req: &Request, heads: &[SealHead]) -> Result<File, XlsxError> {
        if self.sheets == 0 {
            self.start_sheet()?; // an export without postings still has its (empty) Postings sheet
        }
        let bold = self.bold.clone();
        let sheet = self.book.add_worksheet();
        sheet.set_name("Export")?;
        let about = [
            ("unit_id", req.unit_id.to_string()),
            ("include_descendants", req.include_descendants.to_string()),
            ("from", req.from.map(|d| d.to_string()).unwrap_or_default()),
            ("to", req.to.map(|d| d.to_string()).unwrap_or_default()),
        ];
        let mut row = 0;
        for (key, value) in about {
            sheet.write_string_with_format(row, 0, key, &bold)?;
            sheet.write_string(row, 1, value)?;
            row += 1;
        }
        row += 1;
        for (col, title) in (0u16..).zip(["seal_head", "seq", "head_hash"]) {
            sheet.write_string_with_format(row, col, title, &bold)?;
        }
        for h in heads {
            row += 1;
            sheet.write_string(row, 0, h.unit_code.clone())?;
            sheet.write(row, 1, h.seq)?;
            sheet.write_string(row, 2, h.head_hash.clone())?;
        }
        let mut file = tempfile::tempfile()?;
        self.book.save_to_writer(&mut file)?;
        file.seek(SeekFrom::Start(0))?;
        Ok(file)
    }
}

/// Whole đồng below 2^53 go as numbers a spreadsheet can sum, exactly (posting amounts are
/// whole and at most 10^15 by a CHECK); anything else would be rounded in the file, so it goes
/// as text. The crate itself never holds an amount in a binary float: the library converts the
/// whole number as it writes the cell.
fn write_amount(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    amount: Decimal,
    money: &CellFormat,
) -> Result<(), XlsxError> {
    match amount.to_i64() {
        Some(whole) if amount.fract().is_zero() && whole.abs() < EXACT_IN_A_DOUBLE => {
            sheet.write_with_format(row, col, whole, money)?;
        }
        _ => {
            sheet.write_string(row, col, amount.normalize().to_string())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use calamine::{Data, DataType, Reader, Xlsx};

    use super::*;
    use crate::export::tests::{line, request};
    use crate::export::Format;

    fn read(file: File) -> Xlsx<std::io::BufReader<File>> {
        Xlsx::new(std::io::BufReader::new(file)).expect("a workbook calamine can open")
    }

    #[test]
    fn postings_spill_onto_further_sheets_and_the_export_sheet_names_the_seal_heads() {
        let mut book = LedgerBook::new(2);
        for (i, (side, code)) in [("debit", "1111"), ("credit", "5111")]
            .iter()
            .cycle()
            .take(5)
            .enumerate()
        {
            let mut l = line(side, code, 500_000);
            l.posting_id = i as i64 + 1;
            book.line(&l).unwrap();
        }
        let req = request(Format::Xlsx);
        let heads = [SealHead {
            unit_code: "06001".into(),
            seq: 7,
            head_hash: "ab".repeat(32),
        }];
        let mut xlsx = read(book.finish(&req, &heads).unwrap());
        assert_eq!(
            xlsx.sheet_names(),
            ["Postings", "Postings 2", "Postings 3", "Export"]
        );
        let mut posting_ids = vec![];
        for name in ["Postings", "Postings 2", "Postings 3"] {
            let range = xlsx.worksheet_range(name).unwrap();
            let rows: Vec<_> = range.rows().collect();
            assert_eq!(rows[0].len(), COLUMNS.len());
            assert_eq!(rows[0][13], Data::String("amount".into()));
            for r in &rows[1..] {
                assert!(matches!(r[13], Data::Float(_)), "a number: {:?}", r[13]);
                assert_eq!(r[13].as_i64(), Some(500_000));
                posting_ids.push(r[8].as_i64());
            }
        }
        assert_eq!(posting_ids, (1..=5).map(Some).collect::<Vec<_>>());
        let export = xlsx.worksheet_range("Export").unwrap();
        let cells: Vec<Vec<Data>> = export.rows().map(|r| r.to_vec()).collect();
        let head = cells.last().unwrap();
        assert_eq!(head[0], Data::String("06001".into()));
        assert_eq!(head[1].as_i64(), Some(7));
        assert_eq!(head[2], Data::String("ab".repeat(32)));
    }

    #[test]
    fn a_full_last_sheet_gets_no_empty_one_after_it() {
        let mut book = LedgerBook::new(2);
        for _ in 0..4 {
            book.line(&line("debit", "1111", 1)).unwrap();
        }
        let req = request(Format::Xlsx);
        let xlsx = read(book.finish(&req, &[]).unwrap());
        assert_eq!(xlsx.sheet_names(), ["Postings", "Postings 2", "Export"]);
    }

    #[test]
    fn amounts_beyond_a_doubles_exact_range_stay_text() {
        let mut book = LedgerBook::new(ROWS_PER_SHEET);
        let mut l = line("debit", "1111", 1);
        l.amount = Decimal::from(EXACT_IN_A_DOUBLE) + Decimal::ONE;
        book.line(&l).unwrap();
        let req = request(Format::Xlsx);
        let mut xlsx = read(book.finish(&req, &[]).unwrap());
        let range = xlsx.worksheet_range("Postings").unwrap();
        let row: Vec<_> = range.rows().nth(1).unwrap().to_vec();
        assert_eq!(row[13], Data::String("9007199254740993".into()));
    }
}
