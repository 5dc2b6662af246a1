//! Refusals of transfers, in both languages, and the journal wording of a transfer.

use crate::domain::field::FieldError;

/// A receiver that is neither an ancestor nor a descendant of the sender.
pub fn not_related() -> FieldError {
    FieldError::new(
        "to_unit_id",
        "must be an ancestor or a descendant of the sending unit",
        "phải là đơn vị cấp trên hoặc cấp dưới của đơn vị chuyển",
    )
}

/// A campaign that does not exist, or that one of the two ends may not use.
pub fn no_campaign_for_both() -> FieldError {
    FieldError::new(
        "campaign_id",
        "no such campaign for both units",
        "không có đợt vận động này cho cả hai đơn vị",
    )
}

/// An allocation with no shares, or too many.
pub fn share_count(max: usize) -> FieldError {
    FieldError::new(
        "shares",
        format!("1 to {max} shares"),
        format!("từ 1 đến {max} phần"),
    )
}

/// A share's weight of 0.
pub fn weight_not_positive(i: usize) -> FieldError {
    FieldError::new(
        format!("shares[{i}].weight"),
        "must be a positive whole number",
        "phải là số nguyên dương",
    )
}

/// A share whose part of the amount rounds to nothing.
pub fn part_would_be_zero(i: usize) -> FieldError {
    FieldError::new(
        format!("shares[{i}].weight"),
        "its part of the amount would be 0",
        "phần được chia sẽ bằng 0",
    )
}

/// A unit named by two shares.
pub fn share_repeated(i: usize) -> FieldError {
    FieldError::new(
        format!("shares[{i}].to_unit_id"),
        "appears twice",
        "bị lặp lại",
    )
}

/// A share to a unit that is not below the sender.
pub fn share_not_below(i: usize) -> FieldError {
    FieldError::new(
        format!("shares[{i}].to_unit_id"),
        "must be a unit below the sending unit",
        "phải là đơn vị cấp dưới của đơn vị chuyển",
    )
}

/// An arrival dated before the money left.
pub fn received_before_sent() -> FieldError {
    FieldError::new(
        "received_on",
        "cannot be before the day the transfer was sent",
        "không được trước ngày chuyển",
    )
}

/// The journal's description of a transfer sent (Vietnamese, as the books are kept), within the
/// journal's 500 characters.
pub fn sent_entry(purpose: &str) -> String {
    entry("Chuyển điều tiết", purpose)
}

/// The journal's description of a transfer received.
pub fn received_entry(purpose: &str) -> String {
    entry("Nhận điều tiết", purpose)
}

fn entry(prefix: &str, purpose: &str) -> String {
    format!("{prefix}: {purpose}").chars().take(500).collect()
}
