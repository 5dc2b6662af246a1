//! Refusals of bank accounts, in both languages.
