//! The JSON API: reading (`api::read`) and writing (`api::write`).

mod lists;
mod read;
pub mod write;
