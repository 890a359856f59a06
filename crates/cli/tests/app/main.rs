//! Hao's integration tests: the real router driven in-process, each test on
//! its own fresh database (a temporary SQLite file), filled through the real
//! import path from fixtures the project owns.

mod support;

mod accounts;
mod api;
mod apply;
mod article_page;
mod authz;
mod feed;
mod follows;
mod import;
mod journey;
mod lists;
mod nodes;
mod process;
mod related;
mod search;
mod serving;
mod studio;
mod write_api;
