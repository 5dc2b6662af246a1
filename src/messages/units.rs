//! Refusals of units, in both languages.
