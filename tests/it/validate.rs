//! The bad-spec corpus: every problem is reported at once, with its position, rule and hint.

use crate::util::{hybridctl, root, stderr, stdout};

#[test]
fn bad_spec_corpus_matches_snapshots() {
    let dir = root().join("tests/fixtures/bad-specs");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 7);
    for f in files {
        let rel = f
            .strip_prefix(root())
            .expect("inside")
            .display()
            .to_string();
        let out = hybridctl()
            .env("HYBRIDCTL_SITE_CONFIG", "examples/site/config.yaml")
            .args(["validate", &rel])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{rel} must be invalid");
        let name = f.file_stem().expect("stem").to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("bad_spec_{name}"), stderr(&out));
    }
}

#[test]
fn examples_are_valid_and_exit_zero() {
    let out = hybridctl()
        .args([
            "validate",
            "examples/single-node.yaml",
            "examples/elastic.yaml",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "examples/single-node.yaml: valid\nexamples/elastic.yaml: valid\n"
    );
}

#[test]
fn unreadable_spec_exits_2_with_a_sentence() {
    let out = hybridctl()
        .args(["validate", "no/such/spec.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&out), @r"
    error: could not read every file
      caused by: could not read the job spec `no/such/spec.yaml`
      caused by: No such file or directory (os error 2)
    hint: check the path and the file's permissions
    ");
}

#[test]
fn json_output_lists_diagnostics_with_positions() {
    let out = hybridctl()
        .args([
            "validate",
            "-o",
            "json",
            "tests/fixtures/bad-specs/wrong-shapes.yaml",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let v = v["items"].clone();
    assert_eq!(v[0]["valid"], false);
    let first = &v[0]["diagnostics"][0];
    assert_eq!(first["rule"], "api-version");
    assert_eq!(first["file"]["line"], 1);
    assert_eq!(first["file"]["column"], 13);
    assert_eq!(first["severity"], "error");
}

#[test]
fn spec_from_stdin_and_set_overrides_are_located() {
    let out = hybridctl()
        .args([
            "validate",
            "-",
            "--set",
            "slurm.nodse=3",
            "--set",
            "slurm.nodes=zero",
        ])
        .write_stdin(std::fs::read("examples/single-node.yaml").expect("example"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&out), @r"
    <--set>:1:7: error[unknown-field]: unknown field `nodse` in `slurm`
      hint: did you mean `nodes`?
    <--set>:1:13: error[type]: `slurm.nodes` must be a whole number, found string `zero`
    1 of 1 file is invalid
    ");
}

#[test]
fn strict_turns_warnings_into_failures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("w.yaml");
    std::fs::write(
        &spec,
        "apiVersion: hybridctl.io/v1alpha1\nkind: TrainingJob\nname: w\nslurm: {gpusPerNode: 8}\ncontainer: {image: x}\nnetwork: {fabric: roce}\n",
    )
    .expect("write");
    let out = hybridctl()
        .arg("validate")
        .arg(&spec)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning[rdma-resource]"));
    let out = hybridctl()
        .args(["validate", "--strict"])
        .arg(&spec)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
}

/// `network.hcas` against the partition's topology in the site config, and what keeps a pod
/// from being Guaranteed (the static CPU manager pins whole cores only for those).
#[test]
fn hcas_are_checked_against_the_partitions_topology() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("far-nic.yaml");
    std::fs::write(
        &spec,
        "apiVersion: hybridctl.io/v1alpha1\nkind: TrainingJob\nname: far-nic\nslurm:\n  partition: h100\n  nodes: 2\n  cpusPerTask: 96\n  memory: \"0\"\ncontainer:\n  image: registry.example.org/llm/sft:1.4\n  command: [torchrun]\n  cpu: \"99.5\"\nnetwork:\n  hcas: [mlx5_1, mlx5_8, mlx5_9]\n",
    )
    .expect("write");
    let out = hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", "examples/site/config.yaml")
        .arg("validate")
        .arg(&spec)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "warnings only: {}",
        stderr(&out)
    );
    let err = stderr(&out);
    assert!(err.contains("warning[hcas-topology]: `network.hcas` selects mlx5_8 on partition `h100`, which no GPU is near"), "{err}");
    assert!(err.contains("warning[hcas-topology]: `network.hcas` entry `mlx5_9` selects no RDMA device of partition `h100`"), "{err}");
    assert!(
        err.contains(
            "warning[guaranteed]: `container.cpu` (99.5) is more than `slurm.cpusPerTask` (96)"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "warning[guaranteed]: the pod's CPU request `99.5` is not a whole number of CPUs"
        ),
        "{err}"
    );
    assert!(err.contains("warning[guaranteed]: `slurm.memory: 0` (all of the node's memory) has no pod equivalent"), "{err}");
    // A prefix that takes more than meant.
    std::fs::write(
        &spec,
        "apiVersion: hybridctl.io/v1alpha1\nkind: TrainingJob\nname: prefix\nslurm:\n  partition: h100\ncontainer:\n  image: registry.example.org/llm/sft:1.4\n  command: [torchrun]\nnetwork:\n  hcas: [mlx5]\n",
    )
    .expect("write");
    let out = hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", "examples/site/config.yaml")
        .arg("validate")
        .arg(&spec)
        .output()
        .expect("runs");
    let err = stderr(&out);
    assert!(
        err.contains("entry `mlx5` is a prefix: NCCL takes mlx5_0, mlx5_1"),
        "{err}"
    );
    assert!(err.contains("which no GPU is near"), "{err}");
}

/// With `slurm.cpusPerTask`/`memory` the pods are Guaranteed: integer CPU and memory
/// requests equal to the limits, and the batch script asks Slurm for the same.
#[test]
fn slurm_cpus_and_memory_make_the_pods_guaranteed() {
    let out = hybridctl()
        .args(["render", "examples/single-node.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("#SBATCH --cpus-per-task=64"), "{text}");
    assert!(text.contains("#SBATCH --mem=512G"), "{text}");
    let limits = text.find("limits:").expect("limits");
    let requests = text.find("requests:").expect("requests");
    for part in [&text[limits..requests], &text[requests..]] {
        assert!(part.contains("cpu: \"64\""), "{part}");
        assert!(part.contains("memory: 512Gi"), "{part}");
    }
}
