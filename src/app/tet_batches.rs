//! The tet batches workflow.
