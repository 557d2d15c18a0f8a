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

#[test]
fn committed_json_schemas_are_fresh() {
    let dir = tempfile::tempdir().expect("tempdir");
    let list = hybridctl()
        .args(["schema", "--list"])
        .output()
        .expect("runs");
    assert!(list.status.success());
    for name in String::from_utf8_lossy(&list.stdout).lines() {
        let out = hybridctl().args(["schema", name]).output().expect("runs");
        assert!(out.status.success(), "schema {name}");
        std::fs::write(dir.path().join(format!("{name}.json")), &out.stdout).expect("write");
    }
    compare_dirs(dir.path(), &root().join("docs/schema"));
}

fn man_pages() -> Vec<std::path::PathBuf> {
    let mut pages: Vec<_> = std::fs::read_dir(root().join("man"))
        .expect("man/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    pages.sort();
    assert!(pages.len() > 20, "{pages:?}");
    pages
}

#[test]
fn man_pages_render_without_warnings_and_have_every_section() {
    assert!(crate::util::require_tool("groff"));
    for page in man_pages() {
        let out = std::process::Command::new("groff")
            .args(["-ww", "-man", "-Tutf8", "-z"])
            .arg(&page)
            .output()
            .expect("groff");
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}: {}",
            page.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&page).expect("page");
        for section in [
            "NAME",
            "SYNOPSIS",
            "DESCRIPTION",
            "EXIT STATUS",
            "ENVIRONMENT",
            "FILES",
        ] {
            assert!(
                text.contains(&format!(".SH {section}"))
                    || text.contains(&format!(".SH \"{section}\"")),
                "{} has no {section} section",
                page.display()
            );
        }
    }
}

#[test]
fn man_pages_name_only_pages_that_exist() {
    for page in man_pages() {
        let text = std::fs::read_to_string(&page).expect("page");
        let mut rest = text.as_str();
        while let Some(i) = rest.find("hybridctl\\-") {
            let tail = &rest[i..];
            let end = tail.find("(1)").unwrap_or(0);
            let name = tail[..end].replace("\\-", "-");
            if end > 0 && !name.contains(' ') && !name.contains('\n') {
                assert!(
                    root().join("man").join(format!("{name}.1")).is_file(),
                    "{} names {name}(1), which is not generated",
                    page.display()
                );
            }
            rest = &tail[11..];
        }
        assert!(
            !text.contains("hybridctl\\-help"),
            "{} names a help page",
            page.display()
        );
    }
}

#[test]
fn man_page_examples_are_readme_commands_and_run() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    for (_, _, command) in hybridctl::commands::man_examples() {
        // `cargo run --release -- render ...` in the README counts as the same command.
        let args = command.trim_start_matches("hybridctl ");
        assert!(readme.contains(args), "`{command}` is not in README.md");
        // Those that need no cluster run, with the status the README shows.
        let words = shlex::split(command).expect("words");
        let needs_cluster =
            ["submit", "status", "cancel", "logs", "gc", "quota"].contains(&words[1].as_str());
        if needs_cluster {
            continue;
        }
        let out = hybridctl().args(&words[1..]).output().expect("runs");
        let want: &[i32] = if command.contains("typos")
            || command.contains("socket-no-device")
            || command.contains("ecn-off")
        {
            &[1]
        } else {
            &[0]
        };
        assert!(
            out.status.code().is_some_and(|c| want.contains(&c)),
            "`{command}` exited {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
