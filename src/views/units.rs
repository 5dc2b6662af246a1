//! What the API shows of units.
