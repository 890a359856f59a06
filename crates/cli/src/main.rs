//! `hao`: the one binary. Parses the command line and hands over to the
//! `hao` library; everything else lives in the library crates.

use std::process::ExitCode;

use clap::Parser;

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
