//! What the API shows of transfers.
