//! What the API shows of reports.
