//! Refusals of donations, in both languages.
