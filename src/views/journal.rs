//! What the API shows of journal.
