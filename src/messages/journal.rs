//! Refusals of journal, in both languages.
