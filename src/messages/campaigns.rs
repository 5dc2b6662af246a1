//! Refusals of campaigns, in both languages.
