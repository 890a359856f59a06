//! The JSON API: reading (`api::read`) and writing (`api::write`).

mod read;
pub mod write;
