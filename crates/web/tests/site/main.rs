//! Hao's site tests: the real router driven in-process, one module per
//! feature folder of `crates/web/src`, each test on its own fresh database
//! (a temporary SQLite file), filled through the real import path from
//! fixtures the project owns, and brought up to date by the production
//! change-log follower (`hao_app::App::follow_changes`).

mod support;

mod accounts;
mod admin;
mod api;
mod apply;
mod authz;
mod comments;
mod developers;
mod distribution;
mod editor;
mod engage;
mod feed;
mod follows;
mod hostile;
mod journey;
mod media;
mod ops;
mod reader;
mod recovery;
mod search;
mod studio;
