//! What the API shows of houses.
