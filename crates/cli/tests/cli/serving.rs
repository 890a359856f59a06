//! Starting the real `hao serve` on a free loopback port, as every test of
//! the binary that needs a running node does.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const HAO: &str = env!("CARGO_BIN_EXE_hao");

/// `hao serve --listen 127.0.0.1:0 --data-dir DATA` with `extra` flags and
/// `env`; returns the child, its address and the first line it printed.
pub(crate) fn serve(
    data: &std::path::Path,
    extra: &[&str],
    env: &[(&str, &str)],
) -> (Child, String, String) {
    let mut command = Command::new(HAO);
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .args(extra)
        .env("HAO_LOG", "warn")
        .stdout(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .to_owned();
    (child, addr, first)
}
