//! Refusals of transfers, in both languages.
