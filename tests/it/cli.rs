//! The command line as users meet it: help, errors, exit codes, hostlists, launch.

use crate::util::{hybridctl, stderr, stdout};

#[test]
fn help_texts_are_snapshotted() {
    for args in [
        vec!["--help"],
        vec!["render", "--help"],
        vec!["validate", "--help"],
        vec!["launch", "--help"],
        vec!["nccl-check", "--help"],
        vec!["fabric-check", "--help"],
    ] {
        let out = hybridctl().args(&args).output().expect("runs");
        assert!(out.status.success());
        insta::assert_snapshot!(
            format!("help_{}", args.join("_").replace("--", "")),
            stdout(&out)
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let out = hybridctl().args(["render"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("<SPEC>"));
}

#[test]
fn invalid_spec_in_render_exits_1_with_all_errors() {
    let out = hybridctl()
        .args(["render", "tests/fixtures/bad-specs/missing.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("`apiVersion` is required"));
    assert!(err.contains("`container` is required"));
    assert!(err.contains(
        "error: `tests/fixtures/bad-specs/missing.yaml` is not a valid job spec (4 errors)"
    ));
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout for an invalid spec"
    );
}

#[test]
fn hostlist_expand_and_compress() {
    let out = hybridctl()
        .args(["hostlist", "expand", "gpu[001-003,010],cpu1"])
        .output()
        .expect("runs");
    assert_eq!(stdout(&out), "gpu001\ngpu002\ngpu003\ngpu010\ncpu1\n");
    let out = hybridctl()
        .args(["hostlist", "compress", "node1", "node2,node3", "node5"])
        .output()
        .expect("runs");
    assert_eq!(stdout(&out), "node[1-3,5]\n");
    let out = hybridctl()
        .args(["hostlist", "expand", "node[1-"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error: `node[1-` is not a valid Slurm hostlist"));
}

#[test]
fn launch_outside_an_allocation_explains_itself() {
    let out = hybridctl()
        .args(["launch", "--dry-run"])
        .write_stdin(r#"{"apiVersion":"x"}"#)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the frozen spec is not valid"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn launch_checks_the_gpus_slurm_allocated() {
    let render = hybridctl()
        .args(["render", "examples/single-node.yaml", "--only", "sbatch"])
        .output()
        .expect("runs");
    let script = stdout(&render);
    let frozen = script
        .lines()
        .skip_while(|l| !l.contains("<<'HYBRIDCTL_FROZEN_SPEC'"))
        .nth(1)
        .expect("frozen spec line");
    let out = hybridctl()
        .args(["launch", "--dry-run"])
        .env("SLURM_JOB_ID", "12")
        .env("SLURM_JOB_NODELIST", "node7")
        .env("SLURM_GPUS_ON_NODE", "4")
        .write_stdin(frozen)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Slurm allocated 4 GPUs per node but the spec asks for 8"));
    let out = hybridctl()
        .args(["launch", "--dry-run"])
        .env("SLURM_JOB_ID", "12")
        .env("SLURM_JOB_NODELIST", "node7")
        .env("SLURM_GPUS_ON_NODE", "8")
        .write_stdin(frozen)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("name: bert-finetune-12"));
    let out = hybridctl()
        .args(["launch", "--dry-run"])
        .write_stdin(frozen)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`SLURM_JOB_ID` is not set"));
}

#[test]
fn broken_pipe_is_not_an_error() {
    // `hybridctl render ... | head -1` must not print an error.
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; {} render examples/llama-8node-roce.yaml | head -c 10 >/dev/null",
            assert_cmd::cargo::cargo_bin("hybridctl").display()
        ))
        .env("HYBRIDCTL_SITE_CONFIG", "/dev/null")
        .env("HYBRIDCTL_CONFIG", "/dev/null")
        .current_dir(crate::util::root())
        .output()
        .expect("bash");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}
