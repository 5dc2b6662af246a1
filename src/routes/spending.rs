//! What route modules outside the spending resources still take from the spending lifecycle
//! (Tết batch and house steps, statement matching), until they call `app::spending`
//! themselves: the body of a decision and the 409 `invalid_state` check. The lifecycle lives in
//! `app::spending`; delete this file when nothing imports it.

pub use crate::app::spending::{transition_from as transition, Decision};
