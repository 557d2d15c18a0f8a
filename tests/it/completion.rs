//! Dynamic completion, asked the way the shells ask (`COMPLETE=<shell> hybridctl -- ARGS`,
//! and bash itself running the registered function): candidates from the job records, the
//! site config, the kubeconfig and the field table.

use crate::util::{hybridctl, root, stderr, stdout};

/// A state directory holding job records, a kubeconfig with two contexts.
struct Machine {
    dir: tempfile::TempDir,
}

impl Machine {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        for (id, name, at) in [
            ("906001", "llama-sft", 100),
            ("906002", "bert-ft", 200),
            ("906003", "llama-sft", 300),
        ] {
            let rec = hybridctl::records::JobRecord {
                job_id: id.into(),
                name: name.into(),
                cluster: None,
                submitted_at: at,
                spec_path: "job.yaml".into(),
                submit_dir: "/tmp".into(),
                nodes: 2,
                gpus_per_node: 8,
                partition: Some("h100".into()),
                output: "hybridctl-%x-%j.out".into(),
            };
            let d = dir.path().join("state/hybridctl/jobs").join(id);
            std::fs::create_dir_all(&d).expect("mkdir");
            std::fs::write(
                d.join("record.json"),
                serde_json::to_string(&rec).expect("json"),
            )
            .expect("write");
        }
        std::fs::write(
            dir.path().join("kubeconfig"),
            "apiVersion: v1\nkind: Config\ncurrent-context: prod\nclusters:\n- name: c1\n  cluster: {server: 'https://127.0.0.1:1'}\ncontexts:\n- name: prod\n  context: {cluster: c1, user: u}\n- name: staging\n  context: {cluster: c1, user: u}\nusers:\n- name: u\n  user: {}\n",
        )
        .expect("kubeconfig");
        Self { dir }
    }

    fn path(&self, rel: &str) -> std::path::PathBuf {
        self.dir.path().join(rel)
    }

    /// What fish would offer for the last word of `line` (value, tab, help per line).
    fn fish(&self, line: &[&str]) -> Vec<String> {
        let out = hybridctl()
            .env("XDG_STATE_HOME", self.path("state"))
            .env("KUBECONFIG", self.path("kubeconfig"))
            .env("HYBRIDCTL_SITE_CONFIG", "examples/site/config.yaml")
            .env("COMPLETE", "fish")
            .arg("--")
            .args(line)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out).lines().map(String::from).collect()
    }
}

fn values(lines: &[String]) -> Vec<&str> {
    lines
        .iter()
        .map(|l| l.split('\t').next().unwrap_or(""))
        .collect()
}

#[test]
fn job_ids_and_names_come_from_the_job_records() {
    let m = Machine::new();
    for cmd in ["status", "cancel", "logs", "describe"] {
        let got = m.fish(&["hybridctl", cmd, ""]);
        let v = values(&got);
        // The records first (newest first), then the flags.
        assert_eq!(
            v[..5],
            ["906003", "906002", "906001", "llama-sft", "bert-ft"],
            "{cmd}: {got:?}"
        );
        assert!(v[5..].iter().all(|f| f.starts_with('-')), "{cmd}: {got:?}");
        assert!(got[0].contains("llama-sft (2 x 8 GPUs, h100)"), "{got:?}");
    }
    assert_eq!(
        values(&m.fish(&["hybridctl", "cancel", "ll"])),
        ["llama-sft"]
    );
}

#[test]
fn partitions_come_from_the_site_config_and_contexts_from_the_kubeconfig() {
    let m = Machine::new();
    let got = m.fish(&["hybridctl", "render", "x.yaml", "-p", ""]);
    assert_eq!(values(&got), ["h100", "a100-ib"]);
    assert!(got[1].contains("4 GPUs per node, ib"), "{got:?}");
    let got = m.fish(&["hybridctl", "status", "--context", ""]);
    assert_eq!(values(&got), ["prod", "staging"]);
    assert!(got[0].ends_with("(current)"), "{got:?}");
}

#[test]
fn set_completes_field_paths_then_values() {
    let m = Machine::new();
    let got = m.fish(&["hybridctl", "submit", "job.yaml", "--set", "slurm.gpu"]);
    assert_eq!(values(&got), ["slurm.gpusPerNode=", "slurm.gpuBind="]);
    let got = m.fish(&[
        "hybridctl",
        "submit",
        "job.yaml",
        "--set",
        "network.fabric=",
    ]);
    assert_eq!(
        values(&got),
        [
            "network.fabric=roce",
            "network.fabric=ib",
            "network.fabric=socket"
        ]
    );
    let got = m.fish(&[
        "hybridctl",
        "render",
        "job.yaml",
        "--set",
        "slurm.partition=a",
    ]);
    assert_eq!(values(&got), ["slurm.partition=a100-ib"]);
    let got = m.fish(&["hybridctl", "explain", "storage.gpfs.c"]);
    assert_eq!(values(&got), ["storage.gpfs.claimName"]);
}

/// bash sources the registration and runs the function it registered, as on a Tab.
#[test]
fn bash_runs_the_registered_completion() {
    assert!(crate::util::require_tool("bash"));
    let m = Machine::new();
    let bin = assert_cmd::cargo::cargo_bin("hybridctl");
    let script = r#"
set -e
source <(COMPLETE=bash "$BIN")
COMP_WORDS=(hybridctl cancel bert); COMP_CWORD=2; COMP_TYPE=9
_clap_complete_hybridctl hybridctl bert cancel
printf '%s\n' "${COMPREPLY[@]}"
COMP_WORDS=(hybridctl init --partition ''); COMP_CWORD=3
_clap_complete_hybridctl hybridctl '' --partition
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let out = std::process::Command::new("bash")
        .args(["-c", script])
        .current_dir(root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("BIN", &bin)
        .env("XDG_STATE_HOME", m.path("state"))
        .env("HYBRIDCTL_SITE_CONFIG", "examples/site/config.yaml")
        .env("HYBRIDCTL_CONFIG", "/dev/null")
        .output()
        .expect("bash");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "bert-ft\nh100\na100-ib\n", "{}", stderr(&out));
}

/// Completion never fails the shell: no records, no site config and an unreadable
/// kubeconfig give no candidates, quickly, and exit 0.
#[test]
fn missing_sources_give_no_candidates_not_errors() {
    let out = hybridctl()
        .env("XDG_STATE_HOME", "/nonexistent")
        .env("KUBECONFIG", "/dev/zero")
        .env("COMPLETE", "fish")
        .args(["--", "hybridctl", "logs", "--context", ""])
        .timeout(std::time::Duration::from_secs(10))
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn every_shell_gets_a_registration() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = hybridctl().env("COMPLETE", shell).output().expect("runs");
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        assert!(stdout(&out).contains("hybridctl"), "{shell}");
    }
    let out = hybridctl().env("COMPLETE", "tcsh").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("tcsh"), "{}", stderr(&out));
}
