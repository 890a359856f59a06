//! Moving a site in and out: Hao's own lossless export and its import
//! ([`hao`]), and imports from the platforms people leave for Hao
//! ([`wordpress`], [`ghost`]), whose HTML becomes Hao's Markdown ([`html`]).

pub mod ghost;
pub mod hao;
pub mod html;
mod media;
pub mod site;
pub mod wordpress;
