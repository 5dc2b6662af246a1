//! Refusals about bank statements, their lines and matching, in both languages.

use rust_decimal::Decimal;

use crate::app::{AppError, Code};
use crate::domain::field::{FieldError, Text};
use crate::domain::statement::{LineStatus, StatementError};
use crate::i18n::Lang;
use crate::ledger::Side;

/// A statement sent as anything but CSV, bytes or a form.
pub fn unsupported_media_type() -> AppError {
    AppError::refused_because(
        Code::UnsupportedMediaType,
        "Send the statement file as text/csv, application/octet-stream or multipart/form-data.",
        "Hãy gửi tệp sao kê dạng text/csv, application/octet-stream hoặc multipart/form-data.",
    )
}

/// A statement over 64 MiB.
pub fn too_large() -> AppError {
    AppError::refused_because(
        Code::PayloadTooLarge,
        "Statement files are limited to 64 MiB.",
        "Tệp sao kê tối đa 64 MiB.",
    )
}

/// A body that ended before its end.
pub fn cut_short() -> AppError {
    AppError::refused_because(
        Code::MalformedJson,
        "The request body could not be read to its end.",
        "Không đọc được hết nội dung yêu cầu.",
    )
}

/// A form part other than the one `file`, or `file` twice.
pub fn unexpected_part(name: &str) -> FieldError {
    match name {
        "file" => FieldError::new("file", "sent more than once", "được gửi nhiều lần"),
        // a part without a name stands where `file` should
        "" => FieldError::new(
            "file",
            "unknown part; send `file`",
            "phần không được hỗ trợ; hãy gửi `file`",
        ),
        other => FieldError::new(
            other,
            "unknown part; send `file`",
            "phần không được hỗ trợ; hãy gửi `file`",
        ),
    }
}

pub fn missing_file() -> FieldError {
    FieldError::new("file", "the statement file is missing", "thiếu tệp sao kê")
}

/// A file with a line that cannot be read: the line's field error and the problem's detail
/// (nothing is imported).
pub fn unreadable(e: StatementError) -> (FieldError, Text) {
    let detail = Text::new(
        format!("Nothing was imported: line {} cannot be read.", e.line),
        format!("Chưa nhập gì: không đọc được dòng {}.", e.line),
    );
    let field = FieldError {
        field: format!("line {}", e.line),
        message: e.message,
        line: None,
    };
    (field, detail)
}

/// A search text over 100 characters.
pub fn search_too_long() -> FieldError {
    FieldError::new("q", "at most 100 characters", "tối đa 100 ký tự")
}

/// A line whose status does not allow the change.
pub fn line_state(status: LineStatus) -> AppError {
    AppError::refused_because(
        Code::InvalidState,
        format!("The line is {}.", status.as_str()),
        format!(
            "Dòng sao kê đang ở trạng thái {}.",
            crate::vocabulary::term(status.as_str(), Lang::Vi)
        ),
    )
}

/// An entry matched to another line already.
pub fn entry_taken() -> AppError {
    AppError::refused_because(
        Code::Conflict,
        "The entry is already matched to another statement line.",
        "Bút toán đã được đối chiếu với một dòng sao kê khác.",
    )
}

/// An entry that is not the fund's, or does not post the line's amount to the bank account on
/// the side that matches the line.
pub fn entry_does_not_match(amount: Decimal, side: Side) -> FieldError {
    let vi_side = match side {
        Side::Debit => "Nợ",
        Side::Credit => "Có",
    };
    FieldError::new(
        "journal_entry_id",
        format!(
            "an entry of this fund posting {amount} as a {} to the bank account",
            side.as_str()
        ),
        format!("một bút toán của quỹ này ghi {vi_side} {amount} vào tài khoản ngân hàng"),
    )
}

/// A layout of another bank than the account's: every line would be read differently from the
/// bank's own export and come in again as new.
pub fn format_mismatch(format: &str, account_bin: &str) -> AppError {
    AppError::refused_because(
        Code::FormatMismatch,
        format!(
            "The file is in the {format} layout but the account is at the bank with BIN {account_bin}. \
             Import the bank's own export, or send force=true if this bank exports in that layout."
        ),
        format!(
            "Tệp theo mẫu {format} nhưng tài khoản thuộc ngân hàng có mã BIN {account_bin}. \
             Hãy nhập sao kê do chính ngân hàng này xuất, hoặc gửi force=true nếu ngân hàng xuất theo mẫu đó."
        ),
    )
}

/// A statement some of whose lines are matched (booked or matched by hand): `line_ids` lists
/// them (up to 1,000).
pub fn statement_lines_matched(line_ids: &[uuid::Uuid]) -> AppError {
    AppError::refused_because(
        Code::StatementLinesMatched,
        "Lines of this statement are matched to ledger entries: unmatch them first.",
        "Có dòng của sao kê này đã đối chiếu với bút toán: hãy bỏ đối chiếu trước.",
    )
    .with_member("line_ids", serde_json::json!(line_ids))
}

/// A statement withdrawn already.
pub fn statement_withdrawn() -> AppError {
    AppError::refused_because(
        Code::InvalidState,
        "The statement is already withdrawn.",
        "Sao kê đã được rút lại.",
    )
}

/// A second opening balance of one bank account.
pub fn opening_balance_booked() -> AppError {
    AppError::refused(Code::OpeningBalanceBooked)
}
