//! `hybridctl nccl-check` through the binary: exit codes, the JSON shape, standard input.
//! The verdicts themselves are tested on the fixture corpus in `src/nccl/tests.rs`.

use crate::util::{hybridctl, stderr, stdout};

const DIR: &str = "tests/fixtures/nccl";

fn check(args: &[&str]) -> std::process::Output {
    let mut all = vec!["nccl-check"];
    all.extend_from_slice(args);
    hybridctl().args(&all).output().expect("runs")
}

#[test]
fn healthy_log_exits_0_with_a_table() {
    let out = check(&["--fabric", "roce", &format!("{DIR}/roce-healthy-16.log")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("16 ranks on 2 hosts"), "{text}");
    assert!(text.contains("ok: no problem found"), "{text}");
}

#[test]
fn socket_fallback_between_hosts_exits_1_unless_sockets_are_intended() {
    let file = format!("{DIR}/socket-no-device.log");
    let out = check(&["--fabric", "roce", &file]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("error[socket-fallback]: NCCL uses TCP sockets between hosts on all 4 ranks of a job on 2 hosts"), "{text}");
    assert!(text.contains("which should use RoCE"), "{text}");
    assert!(
        text.contains("21: node01:6100:6100 [0] NCCL INFO NET/IB : No device found."),
        "{text}"
    );
    assert!(text.contains("hint: "), "{text}");

    // No flag: two hosts over TCP is still bad (the hosts come from the log).
    let out = check(&[&file]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("--fabric socket"));

    let out = check(&["--fabric", "socket", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn the_spec_gives_the_fabric() {
    let out = check(&[
        "--spec",
        "examples/llama-8node-roce.yaml",
        &format!("{DIR}/socket-ib-disabled-kubectl.log"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("NCCL_IB_DISABLE=1"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn json_shape_is_stable() {
    let out = check(&[
        "-o",
        "json",
        "--fabric",
        "roce",
        &format!("{DIR}/fabric-errors.log"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["schema"], 1);
    assert_eq!(v["bad"], true);
    assert_eq!(v["verdicts"][0]["kind"], "fabric_errors");
    assert_eq!(v["verdicts"][0]["severity"], "error");
    assert_eq!(v["ranks"][2]["warnings"][0]["class"], "ib_completion_error");
    insta::assert_snapshot!(
        "nccl_check_json",
        serde_json::to_string_pretty(&v).expect("json")
    );
}

#[test]
fn reads_standard_input_and_several_files() {
    let log = std::fs::read(format!("{DIR}/gdr-disabled.log")).expect("fixture");
    let out = hybridctl()
        .args(["nccl-check", "-o", "json", "-"])
        .write_stdin(log)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "GDR off between hosts is an error: {}",
        stderr(&out)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["verdicts"][0]["kind"], "gdr_off");
    assert_eq!(v["lines"], 64);

    let out = check(&[
        "--fabric",
        "roce",
        &format!("{DIR}/roce-healthy-16.log"),
        &format!("{DIR}/watchdog-timeout.log"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("tests/fixtures/nccl/watchdog-timeout.log:75: [E ProcessGroupNCCL.cpp:475] [Rank 1] Watchdog caught"), "{text}");
    assert!(text.contains("20 ranks on 2 hosts"), "{text}");
}

#[test]
fn unreadable_input_exits_2() {
    let out = check(&["tests/fixtures/nccl/no-such.log"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: could not read `tests/fixtures/nccl/no-such.log`: "),
        "{err}"
    );
    assert!(err.contains("hint: "), "{err}");
    let out = check(&[DIR]);
    assert_eq!(out.status.code(), Some(2), "a directory: {}", stderr(&out));
    let out = check(&["--init-timeout", "soon", DIR]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a bad flag value: {}",
        stderr(&out)
    );
}

#[test]
fn a_log_without_nccl_lines_says_so() {
    let out = hybridctl()
        .args(["nccl-check", "-"])
        .write_stdin("step 1\nstep 2\n")
        .output()
        .expect("runs");
    // Nothing to judge is not "ok": it has its own exit status.
    assert_eq!(out.status.code(), Some(4));
    let text = stdout(&out);
    assert!(
        text.starts_with("nothing to judge: the input has no NCCL line"),
        "{text}"
    );
    assert!(text.contains("NCCL_DEBUG=INFO"), "{text}");
    assert!(text.contains("(2 lines read)"), "{text}");
    assert!(
        stderr(&out).contains("nothing to judge"),
        "{}",
        stderr(&out)
    );
    let out = hybridctl()
        .args(["nccl-check", "-o", "json", "-"])
        .write_stdin("step 1\n")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(4));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["outcome"], "nothing_to_judge");
}

#[test]
fn an_excerpt_that_stops_before_init_complete_is_not_a_failure() {
    let out = check(&[
        "--fabric",
        "roce",
        &format!("{DIR}/real/roce-2.10-two-nodes-start.log"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("info[init-unknown]"), "{text}");
    assert!(text.contains("unknown: no problem found"), "{text}");
}

#[test]
fn init_timeout_also_reports_slow_inits() {
    let file = format!("{DIR}/init-incomplete-stern.log");
    let out = check(&["-o", "json", "--init-timeout", "30s", &file]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["initThresholdS"], 30.0);
    let verdict = &v["verdicts"][0];
    assert_eq!(verdict["kind"], "init_incomplete");
    assert_eq!(
        verdict["message"],
        "3 of 4 ranks did not reach `Init COMPLETE` within 30s (their last NCCL lines are shown)"
    );
    assert_eq!(verdict["ranks"], serde_json::json!([0, 2, 3]));
}
