//! What the API shows of households.
