//! Refusals of households, in both languages.
