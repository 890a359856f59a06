//! The contract's command lines: `hao export DIR`, `hao import --from hao
//! DIR` into a fresh data dir (and not into one with a site), and
//! `hao import --from wordpress|ghost FILE` with its report.

use std::process::{Command, Stdio};

const HAO: &str = env!("CARGO_BIN_EXE_hao");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures");

fn hao(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(HAO)
        .args(args)
        .env("HAO_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn export_then_import_from_hao_and_from_other_platforms() {
    let dir = tempfile::tempdir().unwrap();
    let p = |s: &str| dir.path().join(s).to_str().unwrap().to_owned();
    let (a, b, out) = (p("a"), p("b"), p("export"));
    let wxr = format!("{FIXTURES}/wordpress/site.wxr.xml");
    let uploads = format!("{FIXTURES}/wordpress/uploads");
    let (ok, stdout, stderr) = hao(&[
        "import",
        "--quiet",
        "--data-dir",
        &a,
        "--from",
        "wordpress",
        "--media-dir",
        &uploads,
        &wxr,
    ]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("6 posts and 1 pages (7 new, 0 updated)"),
        "{stdout}"
    );
    assert!(
        stderr.contains("post 27: not imported: in the trash"),
        "{stderr}"
    );
    // A channel that does not exist is refused before anything is read.
    let (ok, _, stderr) = hao(&[
        "import",
        "--quiet",
        "--data-dir",
        &p("d"),
        "--from",
        "wordpress",
        "--channel",
        "不存在",
        &wxr,
    ]);
    assert!(!ok && stderr.contains("--channel"), "{stderr}");
    let ghost = format!("{FIXTURES}/ghost/site.ghost.json");
    let (ok, stdout, stderr) = hao(&[
        "import",
        "--quiet",
        "--data-dir",
        &a,
        "--from",
        "ghost",
        &ghost,
    ]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("6 posts and 1 pages (7 new"), "{stdout}");
    assert!(
        stderr.contains("not a link and no --media-dir given"),
        "{stderr}"
    );

    let (ok, stdout, stderr) = hao(&["export", "--quiet", "--data-dir", &a, &out]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("images"), "{stdout}");
    let (ok, _, stderr) = hao(&["export", "--quiet", "--data-dir", &a, &out]);
    assert!(!ok && stderr.contains("exists"), "{stderr}");

    let (ok, stdout, stderr) = hao(&["import", "--quiet", "--data-dir", &b, "--from", "hao", &out]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("reindexed"), "{stdout}");
    // Not over a site: b has users now.
    let (ok, _, stderr) = hao(&["import", "--quiet", "--data-dir", &b, "--from", "hao", &out]);
    assert!(!ok && stderr.contains("not fresh"), "{stderr}");
    // Not a Hao export.
    let (ok, _, stderr) = hao(&[
        "import",
        "--quiet",
        "--data-dir",
        &p("c"),
        "--from",
        "hao",
        &a,
    ]);
    assert!(!ok && stderr.contains("not a Hao export"), "{stderr}");
    let (ok, _, stderr) = hao(&[
        "import",
        "--quiet",
        "--data-dir",
        &p("c"),
        "--from",
        "wordpress",
        &ghost,
    ]);
    assert!(!ok && stderr.contains("not a WordPress export"), "{stderr}");
}
