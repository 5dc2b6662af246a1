//! Refusals of spending, in both languages.
