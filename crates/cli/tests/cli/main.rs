//! The `hao` binary as a user runs it: import, serve and stop; segment; two
//! nodes on one PostgreSQL database; `gen-corpus`; backup while serving and
//! restore.

mod backup;
mod gen_corpus;
mod nodes;
mod nodes_support;
mod process;
mod serving;
mod transfer;
