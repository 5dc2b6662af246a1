//! What the API shows of donations.
