//! Writing specs: `init` (a starter from the site config) and `explain` (the field table),
//! through the binary.

use crate::util::{hybridctl, root, stderr, stdout};

const SITE: &str = "examples/site/config.yaml";

/// The partitions the example site config declares.
fn site_partitions() -> Vec<String> {
    let out = hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", SITE)
        .env("COMPLETE", "fish")
        .args(["--", "hybridctl", "init", "--partition", ""])
        .output()
        .expect("runs");
    let names: Vec<String> = stdout(&out)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").to_string())
        .collect();
    assert_eq!(names, ["h100", "a100-ib"], "{}", stderr(&out));
    names
}

#[test]
fn init_for_each_site_partition_validates_strictly_and_renders() {
    let dir = tempfile::tempdir().expect("tempdir");
    for partition in site_partitions() {
        let file = dir.path().join(format!("{partition}.yaml"));
        let out = hybridctl()
            .env("HYBRIDCTL_SITE_CONFIG", SITE)
            .args(["init", "-p", &partition, "-N", "2", "-o"])
            .arg(&file)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{partition}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "the spec goes into the file");
        assert!(stderr(&out).contains("wrote"), "{}", stderr(&out));
        let text = std::fs::read_to_string(&file).expect("written");
        assert!(text.contains(&format!("partition: {partition}")), "{text}");
        for args in [
            &["validate", "--strict"][..],
            &["render", "--only", "sbatch"][..],
        ] {
            let out = hybridctl()
                .env("HYBRIDCTL_SITE_CONFIG", SITE)
                .args(args)
                .arg(&file)
                .output()
                .expect("runs");
            assert!(
                out.status.success() && (args[0] != "validate" || stderr(&out).is_empty()),
                "{partition} {args:?}: {}\n{text}",
                stderr(&out)
            );
            if args[0] == "render" {
                let script = stdout(&out);
                assert!(script.contains("#SBATCH --nodes=2"), "{script}");
                assert!(
                    script.contains(&format!("#SBATCH --partition={partition}")),
                    "{script}"
                );
            }
        }
    }
}

#[test]
fn init_without_site_config_prints_a_valid_spec() {
    let out = hybridctl()
        .args(["init", "--name", "bert-ft"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("name: bert-ft "), "{text}");
    let check = hybridctl()
        .args(["validate", "--strict", "-"])
        .write_stdin(text.clone())
        .output()
        .expect("runs");
    assert!(check.status.success(), "{}\n{text}", stderr(&check));
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("job.yaml");
    std::fs::write(&file, "mine\n").expect("write");
    let out = hybridctl()
        .args(["init", "-o"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "mine\n");

    let out = hybridctl()
        .args(["init", "--force", "-o"])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&file).expect("read");
    // The file's name is a job name, so the spec takes it.
    assert!(text.contains("name: job "), "{text}");
}

#[test]
fn init_of_an_unknown_partition_is_an_error_with_the_closest() {
    let out = hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", SITE)
        .args(["init", "-p", "h10"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("no partition `h10` (it has: h100, a100-ib)"),
        "{err}"
    );
    assert!(err.contains("did you mean `--partition h100`?"), "{err}");
}

#[test]
fn explain_says_type_default_destination_and_example() {
    let out = hybridctl()
        .args(["explain", "slurm.gpusPerNode"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for want in [
        "FIELD:    slurm.gpusPerNode <integer>",
        "DEFAULT:",
        "--gpus-per-node=",
        "nvidia.com/gpu",
        "EXAMPLE:\n    slurm:\n      gpusPerNode: 8",
        "partition-gpus",
    ] {
        assert!(text.contains(want), "`{want}` missing:\n{text}");
    }
    // kubectl's form with the kind first, and a section lists its fields.
    let out = hybridctl()
        .args(["explain", "TrainingJob.network"])
        .output()
        .expect("runs");
    let text = stdout(&out);
    assert!(text.contains("FIELDS:\n    fabric\t<string>"), "{text}");
    assert!(
        text.contains("NCCL_IB_HCA") || text.contains("    hcas\t"),
        "{text}"
    );
    // --recursive: the whole tree below, nested, as kubectl prints it.
    let out = hybridctl()
        .args(["explain", "training", "--recursive"])
        .output()
        .expect("runs");
    let text = stdout(&out);
    assert!(
        text.contains("    elastic\t<mapping>\n      minNodes\t<integer> -required-\n"),
        "{text}"
    );
}

#[test]
fn explain_of_an_unknown_path_suggests_the_field() {
    let out = hybridctl()
        .args(["explain", "slurm.gpuPerNode"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(err.contains("no field `slurm.gpuPerNode`"), "{err}");
    assert!(err.contains("did you mean `slurm.gpusPerNode`?"), "{err}");
}

#[test]
fn explain_json_is_a_document_of_the_field_table() {
    for args in [
        &["explain", "-o", "json"][..],
        &["explain", "storage.gpfs", "-o", "json"][..],
    ] {
        let out = hybridctl().args(args).output().expect("runs");
        assert!(out.status.success(), "{}", stderr(&out));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        crate::contract::assert_document("field-explanation", &doc);
        assert!(
            !doc["fields"].as_array().expect("fields").is_empty(),
            "{doc:#}"
        );
    }
    let out = hybridctl()
        .args(["explain", "network.fabric", "-o", "json"])
        .output()
        .expect("runs");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["field"]["type"], "string");
    assert_eq!(doc["field"]["default"], "`roce`");
    assert_eq!(doc["field"]["rules"][0], "enum");
    assert_eq!(doc["fields"], serde_json::json!([]));
}

/// The same table is docs/spec.md's field reference: each field's "Ends up in" cell as
/// `explain` prints it is in the committed document.
#[test]
fn explain_and_docs_spec_md_say_the_same() {
    let md = std::fs::read_to_string(root().join("docs/spec.md")).expect("spec.md");
    for f in hybridctl::jobspec::fields::FIELDS {
        let cell = f.ends_up_in.replace('|', "\\|");
        assert!(
            md.contains(&cell),
            "{}: `{cell}` not in docs/spec.md",
            f.path
        );
    }
}

/// Every layer shows up with its file:line:col: the site config (defaults and the
/// partition's entry), the user config, the spec, `--set` and a shortcut flag, and built-in
/// defaults without a position.
#[test]
fn config_view_shows_the_origin_of_every_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    let user = dir.path().join("user.yaml");
    std::fs::write(&user, "defaults:\n  slurm:\n    account: ml-team\n").expect("user");
    let out = hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", SITE)
        .env("HYBRIDCTL_CONFIG", &user)
        .args([
            "config",
            "view",
            "examples/site/job-on-h100.yaml",
            "--show-origin",
            "-N",
            "3",
            "--set",
            "training.backoffLimit=2",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let user_origin = format!("{}:3:14", user.display());
    for (layer, origin, kv) in [
        (
            "spec",
            "examples/site/job-on-h100.yaml:6:7",
            "name=mistral-sft",
        ),
        (
            "spec",
            "examples/site/job-on-h100.yaml:10:9",
            "slurm.time=08:00:00",
        ),
        (
            "site partition",
            "examples/site/config.yaml:16:18",
            "slurm.gpusPerNode=8",
        ),
        (
            "site partition",
            "examples/site/config.yaml:18:15",
            "network.fabric=roce",
        ),
        (
            "site",
            "examples/site/config.yaml:6:16",
            "kubernetes.namespace=training",
        ),
        ("user", user_origin.as_str(), "slurm.account=ml-team"),
        ("flag", "<command line>:1:1", "slurm.nodes=3"),
        ("flag", "<--set>:1:23", "training.backoffLimit=2"),
        ("built-in", "-", "slurm.exclusive=false"),
        (
            "site",
            "examples/site/config.yaml:10:11",
            "launcher=/opt/hybridctl/bin/hybridctl",
        ),
        ("built-in", "-", "slurm.timeout=60"),
    ] {
        let line = text
            .lines()
            .find(|l| l.ends_with(&format!("  {kv}")))
            .unwrap_or_else(|| panic!("no `{kv}`:\n{text}"));
        let words: Vec<&str> = line
            .split("  ")
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .collect();
        assert_eq!(words, [layer, origin, kv], "{line}");
    }

    // Without --show-origin: `key=value` lines only; -o json: a document with the origins.
    let plain = hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", SITE)
        .args(["config", "view", "examples/site/job-on-h100.yaml"])
        .output()
        .expect("runs");
    assert!(
        stdout(&plain).lines().any(|l| l == "slurm.gpusPerNode=8"),
        "{}",
        stdout(&plain)
    );
    let json = hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", SITE)
        .args([
            "config",
            "view",
            "examples/site/job-on-h100.yaml",
            "-o",
            "json",
        ])
        .output()
        .expect("runs");
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    crate::contract::assert_document("config-view", &doc);
    assert_eq!(doc["partition"], "h100");
    let gpus = doc["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["key"] == "slurm.gpusPerNode")
        .expect("gpus");
    assert_eq!(gpus["layer"], "site-partition");
    assert_eq!(gpus["value"], 8);
}

#[test]
fn config_view_without_a_spec_shows_the_layers_every_spec_starts_from() {
    let out = hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", SITE)
        .args(["config", "view", "--show-origin", "-p", "a100-ib"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("examples/site/config.yaml:34:15  network.fabric=ib"),
        "{text}"
    );
    assert!(
        text.contains("<command line>:1:1               slurm.partition=a100-ib"),
        "{text}"
    );
    assert!(
        !text.contains("h100"),
        "only the partition asked for:\n{text}"
    );
}
