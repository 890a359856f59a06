//! `hao-app` tested at its boundary, as every door calls it: the import, the
//! publish rules, the change-log follower, 相关推荐. Each test has its own
//! fresh database (a temporary SQLite file) and an in-memory search index.

mod support;

mod engage;
mod follower;
mod import;
mod publish;
mod related;
mod transfer;
mod webhooks;
