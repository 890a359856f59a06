//! Markup shared by the features (maud: compiled and type-checked): the page
//! frame, lists and cards, form parts, diffs, and the embedded assets. Every
//! page works without JavaScript; `/static/hao.js` only enhances. Uses
//! neither `http` nor a feature.

pub mod assets;
pub mod diff;
pub mod forms;
pub mod layout;
pub mod parts;
pub mod site;
