//! Refusals of statements, in both languages.
