//! Refusals of users, in both languages.
