//! Running the real binary in a controlled environment.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `hybridctl` with no site or user config, no colour, no backtraces, run from the repo root.
pub fn hybridctl() -> Command {
    let mut cmd = Command::cargo_bin("hybridctl").expect("the binary is built");
    cmd.current_dir(root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HYBRIDCTL_SITE_CONFIG", "/dev/null")
        .env("HYBRIDCTL_CONFIG", "/dev/null")
        .env("RUST_BACKTRACE", "0")
        .env("NO_COLOR", "1")
        .env("TERM", "dumb");
    cmd
}

/// A plain `std::process::Command` for `program` (the binary, or a wrapper such as strace)
/// with the environment `hybridctl()` gives: PATH only, no site or user config, no colour,
/// run from the repo root.
pub fn isolated(program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
    let mut cmd = std::process::Command::new(program);
    cmd.current_dir(root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HYBRIDCTL_SITE_CONFIG", "/dev/null")
        .env("HYBRIDCTL_CONFIG", "/dev/null")
        .env("NO_COLOR", "1");
    cmd
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The example specs and the site config they need (if any).
pub fn examples() -> Vec<(PathBuf, Option<PathBuf>)> {
    let mut out = Vec::new();
    for dir in ["examples", "examples/site"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .expect("examples exist")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .filter(|p| p.file_name().is_some_and(|n| n != "config.yaml"))
            .collect();
        files.sort();
        let site = (dir == "examples/site").then(|| root().join("examples/site/config.yaml"));
        for f in files {
            out.push((f, site.clone()));
        }
    }
    out
}

pub fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Whether a program exists on PATH.
pub fn have(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
}

/// Tools the test command installs; in CI their absence is a failure, locally a skip with a
/// printed reason only when HYBRIDCTL_TEST_ALLOW_SKIP=1.
pub fn require_tool(program: &str) -> bool {
    if have(program) {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true")
        || std::env::var("HYBRIDCTL_TEST_ALLOW_SKIP").is_err()
    {
        panic!(
            "`{program}` is not installed; `.ci/run` installs it (or set HYBRIDCTL_TEST_ALLOW_SKIP=1 locally to skip)"
        );
    }
    eprintln!("skipping: `{program}` is not installed (HYBRIDCTL_TEST_ALLOW_SKIP=1)");
    false
}

/// The lines a child prints on stdout, collected by a thread as they come (for tests that
/// watch a long-running command).
pub fn collect_lines(
    child: &mut std::process::Child,
) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
    use std::io::BufRead;
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let out = child.stdout.take().expect("stdout is piped");
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            sink.lock().expect("lines").push(line);
        }
    });
    lines
}
