//! Refusals of tet batches, in both languages.
