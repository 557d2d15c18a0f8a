//! The shape of the code (docs/ARCHITECTURE.md), checked from the sources: no module imports
//! one that imports it back, a command never imports another command, the pure core imports
//! no adapter, and no source file holds more than ~1,200 lines of non-test code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The most lines of non-test code one source file may hold.
const MAX_CODE_LINES: usize = 1_250;

/// Modules that must stay pure: no processes, no API server, no settings.
const CORE: &[&str] = &[
    "check", "decode", "diag", "excerpt", "hostlist", "jobid", "jobspec", "k8s", "nccl", "plan",
    "quota", "render", "style", "yaml",
];
/// The modules that talk to the world (and the configuration that points them at it).
const ADAPTERS: &[&str] = &[
    "process",
    "slurm",
    "kube",
    "gpfs",
    "settings",
    "records",
    "jobspec::load",
];
/// Submodules that are layers of their own (spec loading reads files and the settings; the
/// spec's types and decoder are pure).
const OWN_LAYER: &[(&str, &str)] = &[("jobspec", "load")];

fn node(top: &str, sub: Option<&str>) -> String {
    match sub {
        Some(sub) if OWN_LAYER.contains(&(top, sub)) => format!("{top}::{sub}"),
        _ => top.to_string(),
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src is readable")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without its comments and its test module (a `#[cfg(test)] mod tests`
/// at the end, or a `tests.rs` file).
fn code(path: &Path) -> String {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    let text = std::fs::read_to_string(path).expect("source is readable");
    let end = text.find("\n#[cfg(test)]\nmod tests").unwrap_or(text.len());
    text[..end]
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level module a file belongs to (`src/kube/hooks.rs` -> `kube`), and for
/// `src/commands/x.rs` the command.
fn module_of(path: &Path) -> (String, Option<String>) {
    let rel = path.strip_prefix(src()).expect("under src");
    let mut parts = rel.iter().map(|p| p.to_string_lossy().into_owned());
    let first = parts.next().unwrap_or_default();
    let top = first.trim_end_matches(".rs").to_string();
    let second = parts.next().map(|s| s.trim_end_matches(".rs").to_string());
    (top, second)
}

/// `crate::name` references in code: the modules it uses.
fn crate_refs(code: &str) -> BTreeSet<(String, Option<String>)> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
            .collect();
        let after = &rest[name.len()..];
        let sub = after.strip_prefix("::").map(|s| {
            s.chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
                .collect::<String>()
        });
        if !name.is_empty() {
            out.insert((name, sub.filter(|s| !s.is_empty())));
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let (top, sub) = module_of(f);
        if top == "lib" || top == "main" {
            continue;
        }
        let me = node(&top, sub.as_deref());
        let entry = edges.entry(me.clone()).or_default();
        for (name, sub) in crate_refs(&code(f)) {
            let other = node(&name, sub.as_deref());
            if other != me {
                entry.insert(other);
            }
        }
    }
    edges
}

/// Every module that `from` reaches, with one path to each.
fn reach(edges: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeMap<String, Vec<String>> {
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut todo = vec![vec![from.to_string()]];
    while let Some(path) = todo.pop() {
        let last = path.last().expect("non-empty").clone();
        for next in edges.get(&last).into_iter().flatten() {
            if seen.contains_key(next) {
                continue;
            }
            let mut p = path.clone();
            p.push(next.clone());
            seen.insert(next.clone(), p.clone());
            todo.push(p);
        }
    }
    seen
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let edges = graph();
    assert!(edges.len() > 20, "found only {:?}", edges.keys());
    let mut cycles = Vec::new();
    for m in edges.keys() {
        if let Some(path) = reach(&edges, m).remove(m) {
            cycles.push(path.join(" -> "));
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_pure_core_uses_no_adapter_and_no_command() {
    let edges = graph();
    let mut bad = Vec::new();
    for core in CORE {
        let reached = reach(&edges, core);
        for banned in ADAPTERS.iter().chain(&["commands", "cli", "output"]) {
            if let Some(path) = reached.get(*banned) {
                bad.push(path.join(" -> "));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "the core reaches the edges:\n{}",
        bad.join("\n")
    );
}

#[test]
fn a_command_never_imports_another_command() {
    let mut files = Vec::new();
    rust_files(&src().join("commands"), &mut files);
    let commands: BTreeSet<String> = files
        .iter()
        .filter_map(|f| module_of(f).1)
        .filter(|c| c != "mod")
        .collect();
    assert!(commands.contains("render") && commands.contains("status"));
    let mut bad = Vec::new();
    for f in &files {
        let Some(me) = module_of(f).1 else { continue };
        let code = code(f);
        for (name, sub) in crate_refs(&code) {
            if name == "commands"
                && let Some(other) = sub.filter(|s| commands.contains(s) && *s != me)
            {
                bad.push(format!("{me} uses commands::{other}"));
            }
        }
        for other in &commands {
            if *other != me && code.contains(&format!("super::{other}::")) {
                bad.push(format!("{me} uses super::{other}"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn no_source_file_is_too_long() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .map(|f| (f, code(f).lines().filter(|l| !l.trim().is_empty()).count()))
        .filter(|(_, n)| *n > MAX_CODE_LINES)
        .map(|(f, n)| format!("{}: {n} lines of code", f.display()))
        .collect();
    assert!(
        long.is_empty(),
        "split these by what they hold:\n{}",
        long.join("\n")
    );
}
