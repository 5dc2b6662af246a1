//! What the API shows of tet batches.
