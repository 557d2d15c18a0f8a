//! `hybridctl quota` through the stand-in `mmlsquota` (tests/fixtures/bin), which prints
//! fixtures built from IBM's documented `-Y` format (tests/fixtures/mmlsquota/README.md).

use crate::util::{hybridctl, root, stderr, stdout};

/// `hybridctl` with the GPFS stand-in (`tests/fixtures/bin/mmlsquota`) first on PATH.
pub fn quota() -> assert_cmd::Command {
    let mut cmd = hybridctl();
    let path = format!(
        "{}:{}",
        root().join("tests/fixtures/bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    cmd.env("PATH", path).env("USER", "alice");
    cmd
}

#[test]
fn fileset_table_flags_usage_over_the_threshold() {
    let out = quota()
        .env("HYBRIDCTL_FAKE_MMLSQUOTA", "filesets.txt")
        .args([
            "quota",
            "-j",
            "gpfs01:projA",
            "-j",
            "gpfs01:projB",
            "-j",
            "gpfs02:scratch",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("quota_filesets", stdout(&out));
    assert!(stderr(&out).contains("at or above 90%"), "{}", stderr(&out));
}

#[test]
fn check_makes_the_exit_code_1_and_json_has_the_numbers() {
    let out = quota()
        .env("HYBRIDCTL_FAKE_MMLSQUOTA", "filesets.txt")
        .args(["quota", "--check", "-o", "json", "-j", "gpfs01:projA"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let v = v["items"].clone();
    assert_eq!(v[0]["name"], "projA");
    assert_eq!(v[0]["kind"], "FILESET");
    assert_eq!(v[0]["blockInDoubtKib"], 262_144_000);
    assert_eq!(v[0]["headroomKib"], 262_144_000);
    assert_eq!(v[0]["overThreshold"], true);
}

#[test]
fn one_call_per_fileset_name_across_devices() {
    let dir = tempfile::tempdir().expect("tempdir");
    let calls = dir.path().join("calls");
    let out = quota()
        .env("HYBRIDCTL_FAKE_MMLSQUOTA", "filesets.txt")
        .env("HYBRIDCTL_FAKE_MMLSQUOTA_ARGS", &calls)
        .args([
            "quota",
            "-o",
            "json",
            "-j",
            "gpfs01:projA",
            "-j",
            "gpfs02:projA",
            "-j",
            "gpfs01:projB",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let calls = std::fs::read_to_string(&calls).expect("calls recorded");
    assert_eq!(
        calls,
        "-j\tprojA\t-v\t-Y\tgpfs01\tgpfs02\n-j\tprojB\t-v\t-Y\tgpfs01\n"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let v = v["items"].clone();
    assert_eq!(v.as_array().map(Vec::len), Some(3));
}

#[test]
fn user_quota_table() {
    let out = quota()
        .env("HYBRIDCTL_FAKE_MMLSQUOTA", "usr.txt")
        .args(["quota", "--user"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!("quota_user", stdout(&out));
}

#[test]
fn gpfs_errors_are_shown_in_gpfs_words() {
    let out = quota()
        .env("HYBRIDCTL_FAKE_MMLSQUOTA", "filesets.txt")
        .env("HYBRIDCTL_FAKE_MMLSQUOTA_FAIL", "unknown-fs")
        .args(["quota", "-j", "gpfs09:projA"])
        .output()
        .expect("runs");
    // A file system that does not exist is the input's fault (1), said in our words first.
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("GPFS knows no file system `gpfs09`"), "{err}");
    assert!(err.contains("is not known to the GPFS cluster"), "{err}");
    assert!(err.contains("hint:"), "{err}");
}

#[test]
fn missing_mmlsquota_is_a_sentence() {
    let out = hybridctl()
        .env("PATH", "/usr/bin:/bin")
        .env("USER", "alice")
        .args(["quota", "-j", "gpfs01:projA"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("`mmlsquota` was not found"), "{err}");
    assert!(err.contains("gpfs.mmlsquota"), "{err}");
}

#[test]
fn malformed_output_names_the_line() {
    let out = quota()
        .env("HYBRIDCTL_FAKE_MMLSQUOTA", "malformed-field.txt")
        .env("HYBRIDCTL_FAKE_MMLSQUOTA_RAW", "1")
        .args(["quota", "-j", "gpfs01:projA"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("line 3"), "{}", stderr(&out));
}

#[test]
fn a_spec_claim_is_mapped_to_its_fileset_by_the_site_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let site = dir.path().join("site.yaml");
    std::fs::write(
        &site,
        "gpfs:\n  claims:\n    proj-a-claim: {device: gpfs01, fileset: projA}\n",
    )
    .expect("site");
    let spec = dir.path().join("job.yaml");
    std::fs::write(
        &spec,
        "apiVersion: hybridctl.io/v1alpha1\nkind: TrainingJob\nname: mapped\nslurm: {gpusPerNode: 8}\ncontainer: {image: x}\nnetwork: {fabric: socket}\nstorage:\n  gpfs: {claimName: proj-a-claim, mountPath: /gpfs/a}\n  checkpointDir: /gpfs/a/ckpt/{job_id}\n",
    )
    .expect("spec");
    let calls = dir.path().join("calls");
    let out = quota()
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .env("HYBRIDCTL_FAKE_MMLSQUOTA", "filesets.txt")
        .env("HYBRIDCTL_FAKE_MMLSQUOTA_ARGS", &calls)
        .args(["quota", "-o", "json", "--spec"])
        .arg(&spec)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&calls).expect("calls"),
        "-j\tprojA\t-v\t-Y\tgpfs01\n"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let v = v["items"].clone();
    assert_eq!(v[0]["name"], "projA");
    assert_eq!(v[0]["device"], "gpfs01");
}
