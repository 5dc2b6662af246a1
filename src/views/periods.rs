//! What the API shows of periods.
