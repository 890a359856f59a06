//! `hao`: the one binary. Parses the command line and hands over to the
//! `hao` library; everything else lives in the library crates.

use std::process::ExitCode;

use clap::Parser;

/// jemalloc, not the system's allocator: glibc's malloc keeps one arena per
/// thread that ever allocated (tokio's workers, the blocking pool, the search
/// threads) and returns little of them, so a serving node's memory grew
/// under mixed load (BENCHMARKS.md, the soak); jemalloc's decay gives
/// unused pages back. Its symbols are unprefixed (`malloc`, `free`), so the
/// C code in the process — SQLite's page cache above all — allocates from it
/// too: after uncached search a node held ~20 MB less, and an import's
/// SQLite writer spent ~8 % less CPU (BENCHMARKS.md, twenty-fifth session).
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let args = hao::Args::parse();
    match hao::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
