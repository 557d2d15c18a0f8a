//! Generated files (completions/, man/) must match the code that generates them.

use crate::util::{hybridctl, root};

const REGENERATE: &str = "scripts/regen-docs.sh";

#[test]
fn committed_completions_are_fresh() {
    let dir = tempfile::tempdir().expect("tempdir");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = hybridctl()
            .args(["completions", shell, "--dir"])
            .arg(dir.path())
            .output()
            .expect("runs");
        assert!(out.status.success());
    }
    compare_dirs(dir.path(), &root().join("completions"));
}

#[test]
fn committed_man_pages_are_fresh() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = hybridctl()
        .args(["man", "--dir"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(out.status.success());
    compare_dirs(dir.path(), &root().join("man"));
}

fn compare_dirs(fresh: &std::path::Path, committed: &std::path::Path) {
    let mut names: Vec<_> = std::fs::read_dir(fresh)
        .expect("fresh")
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    names.sort();
    for name in &names {
        let want = std::fs::read(fresh.join(name)).expect("fresh file");
        let have = std::fs::read(committed.join(name)).unwrap_or_default();
        assert!(
            want == have,
            "{} is stale or missing; run `{REGENERATE}` and commit the result",
            committed.join(name).display()
        );
    }
    let committed_count = std::fs::read_dir(committed).map(|d| d.count()).unwrap_or(0);
    assert_eq!(
        committed_count,
        names.len(),
        "{} has files the generator no longer writes; run `{REGENERATE}`",
        committed.display()
    );
}
