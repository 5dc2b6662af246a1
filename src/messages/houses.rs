//! Refusals of houses, in both languages.
