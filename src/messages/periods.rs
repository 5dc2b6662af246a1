//! Refusals of periods, in both languages.
