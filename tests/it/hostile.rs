//! Hostile values in every string field of a spec: the render either refuses with an error
//! naming the field, or the value reaches the program byte for byte. "Reaches" is checked by
//! running the rendered batch script with bash: the launcher it execs records the frozen spec
//! and the exported NCCL variables, and both must equal what the spec said.

use std::collections::BTreeMap;
use std::path::Path;

use hybridctl::jobspec::Spec;
use hybridctl::jobspec::load::{Overrides, resolve_spec};
use hybridctl::plan::{Allocation, Plan, PlanOptions};
use hybridctl::render::Renderer;
use hybridctl::settings::{Env, Settings};
use proptest::prelude::*;

const BASE: &str = r#"apiVersion: hybridctl.io/v1alpha1
kind: TrainingJob
name: hostile
slurm:
  partition: gpu
  nodes: 2
  gpusPerNode: 4
container:
  image: registry.example/train:1
  command: [torchrun]
  args: [train.py]
  env:
    FOO: bar
network:
  fabric: roce
  rdmaResource: rdma/hca
  hcas: [mlx5_0]
  ncclEnv:
    NCCL_ALGO: Ring
storage:
  gpfs:
    claimName: gpfs-claim
    mountPath: /gpfs/p
  checkpointDir: /gpfs/p/ckpt/{job_id}
"#;

/// (dotted path, how the value is placed, whether it is a pod-facing value that must appear
/// verbatim in the manifest)
const FIELDS: &[(&str, Place, bool)] = &[
    ("name", Place::Scalar, false),
    ("slurm.partition", Place::Scalar, false),
    ("slurm.account", Place::Scalar, false),
    ("slurm.qos", Place::Scalar, false),
    ("slurm.constraint", Place::Scalar, false),
    ("slurm.reservation", Place::Scalar, false),
    ("slurm.output", Place::Scalar, false),
    ("slurm.time", Place::Scalar, false),
    ("slurm.memory", Place::Scalar, false),
    ("slurm.extraOptions.comment", Place::Scalar, false),
    ("kubernetes.context", Place::Scalar, false),
    ("kubernetes.namespace", Place::Scalar, true),
    ("kubernetes.serviceAccount", Place::Scalar, true),
    ("kubernetes.priorityClassName", Place::Scalar, true),
    ("kubernetes.runtime", Place::Scalar, false),
    ("container.image", Place::Scalar, true),
    ("container.command", Place::ListItem, true),
    ("container.args", Place::ListItem, true),
    ("container.env.FOO", Place::Scalar, true),
    ("container.workingDir", Place::Scalar, true),
    ("container.cpu", Place::Scalar, true),
    ("container.memory", Place::Scalar, true),
    ("container.shmSize", Place::Scalar, true),
    ("network.rdmaResource", Place::Scalar, false),
    ("network.hcas", Place::ListItem, false),
    ("network.socketInterface", Place::Scalar, true),
    ("network.ncclDebugSubsys", Place::Scalar, true),
    ("network.ncclEnv.NCCL_ALGO", Place::Scalar, true),
    ("storage.gpfs.claimName", Place::Scalar, true),
    ("storage.gpfs.mountPath", Place::Scalar, true),
    ("storage.gpfs.fileset", Place::Scalar, false),
    ("storage.checkpointDir", Place::Scalar, false),
    ("storage.checkpointSize", Place::Scalar, false),
];

#[derive(Debug, Clone, Copy)]
enum Place {
    Scalar,
    ListItem,
}

/// A spec document that sets only `path` to `value` (a YAML double-quoted scalar, or a
/// one-item list), in flow style: `container: {env: {FOO: "..."}}`. The rest of the spec
/// comes from BASE, used as the site defaults layer, so the hostile value goes through the
/// same layering as a real spec.
fn spec_with(path: &str, place: Place, value: &str) -> String {
    let quoted = yaml_quote(value);
    let mut nested = match place {
        Place::Scalar => quoted,
        Place::ListItem => format!("[{quoted}]"),
    };
    let parts: Vec<&str> = path.split('.').collect();
    for p in parts.iter().skip(1).rev() {
        nested = format!("{{{p}: {nested}}}");
    }
    // The top-level keys BASE requires, plus the one section with the hostile value.
    let mut doc = String::from("apiVersion: hybridctl.io/v1alpha1\nkind: TrainingJob\n");
    if parts[0] != "name" {
        doc.push_str("name: hostile\n");
    }
    doc.push_str(&format!("{}: {nested}\n", parts[0]));
    doc
}

/// A YAML double-quoted scalar for any string: everything YAML does not allow raw is escaped.
fn yaml_quote(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20
                || (0x7f..=0x9f).contains(&(c as u32))
                || c == '\u{feff}'
                || c == '\u{2028}'
                || c == '\u{2029}' =>
            {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn settings(launcher: &Path) -> Settings {
    let mut s = Settings::empty(Env::default());
    s.site.launcher = Some(launcher.display().to_string());
    s
}

fn string_leaves(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| string_leaves(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| string_leaves(x, out)),
        _ => {}
    }
}

fn check(
    path: &str,
    place: Place,
    pod_facing: bool,
    value: &str,
    dir: &Path,
) -> Result<(), TestCaseError> {
    let launcher = dir.join("launcher.sh");
    let text = spec_with(path, place, value);
    let base_node =
        hybridctl::yaml::parse(&std::sync::Arc::from("<base>"), BASE).expect("base parses");
    let mut s = settings(&launcher);
    s.site.defaults = Some(base_node);
    let loaded = resolve_spec(&s, "hostile.yaml", &text, &Overrides::default());
    let leaf = path.rsplit('.').next().unwrap_or(path);
    let Some(spec) = loaded.spec else {
        let named = loaded.diagnostics.iter().any(|d| {
            d.message.contains(path)
                || d.message.contains(&format!("`{leaf}`"))
                || (path == "name" && d.rule == "name")
        });
        prop_assert!(
            named,
            "refused without naming `{path}`: {:?}",
            loaded.diagnostics
        );
        return Ok(());
    };
    let alloc = Allocation {
        job_id: "31337".into(),
        nodes: vec!["node1".into(), "node2".into()],
    };
    let plan = match Plan::new(
        &spec,
        &alloc,
        &PlanOptions {
            launcher: launcher.display().to_string(),
            spec_path: "hostile.yaml".into(),
            ..PlanOptions::default()
        },
    ) {
        Ok(p) => p,
        Err(e) => {
            prop_assert!(false, "plan failed after validation passed: {e}");
            unreachable!()
        }
    };
    let renderer = Renderer::new(None).expect("templates");
    let script = match renderer.sbatch(&plan) {
        Ok(s) => s,
        Err(e) => {
            prop_assert!(false, "validated spec failed to render: {e}");
            unreachable!()
        }
    };
    let manifest = renderer
        .pytorchjob(&plan)
        .map_err(|e| TestCaseError::fail(format!("manifest: {e}")))?;

    // Run the script: the launcher records its stdin (the frozen spec) and NCCL variables.
    let script_path = dir.join("job.sbatch");
    std::fs::write(&script_path, &script).expect("write");
    let out = std::process::Command::new("bash")
        .arg(&script_path)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("REC", dir)
        .output()
        .expect("bash");
    prop_assert!(
        out.status.success(),
        "script failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let frozen = std::fs::read_to_string(dir.join("stdin")).expect("recorded stdin");
    let thawed: Spec =
        serde_json::from_str(frozen.trim_end_matches('\n')).expect("frozen spec parses");
    prop_assert_eq!(&thawed, &spec, "the frozen spec did not survive the script");
    let args = std::fs::read_to_string(dir.join("args")).expect("args");
    prop_assert_eq!(args, "launch\n--spec-path=hostile.yaml\n--frozen-spec=-\n");
    let env_raw = std::fs::read(dir.join("env")).expect("env");
    let got: BTreeMap<String, String> = env_raw
        .split(|b| *b == 0)
        .filter_map(|kv| {
            let kv = String::from_utf8(kv.to_vec()).ok()?;
            let (k, v) = kv.split_once('=')?;
            k.starts_with("NCCL_")
                .then(|| (k.to_string(), v.to_string()))
        })
        .collect();
    let want: BTreeMap<String, String> = plan
        .nccl_env
        .iter()
        .map(|e| (e.name.clone(), e.value.clone()))
        .collect();
    prop_assert_eq!(got, want, "exported NCCL variables differ");

    // The manifest as printed parses back to the same document, and pod-facing values are in it.
    let yaml = hybridctl::render::manifest_yaml(&plan, &manifest.value).expect("yaml");
    let reparsed: serde_json::Value =
        serde_saphyr::from_str(&yaml).expect("printed manifest parses");
    prop_assert_eq!(&reparsed, &manifest.value);
    if pod_facing {
        let mut leaves = Vec::new();
        string_leaves(&manifest.value, &mut leaves);
        prop_assert!(
            leaves.iter().any(|l| l == value),
            "`{path}` value {value:?} is not in the manifest"
        );
    }
    Ok(())
}

fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("it's".to_string()),
        Just("$(id)".to_string()),
        Just("`id`".to_string()),
        Just("a\nb".to_string()),
        Just("x; rm -rf /".to_string()),
        Just("back\\slash".to_string()),
        Just("#comment".to_string()),
        Just("\"dq\"".to_string()),
        Just("HYBRIDCTL_FROZEN_SPEC".to_string()),
        Just("\nHYBRIDCTL_FROZEN_SPEC\n".to_string()),
        Just("ünïcødé ✓ 日本".to_string()),
        Just("\u{1}\u{7f}".to_string()),
        Just("${HOME:?}".to_string()),
        Just("{job_id}".to_string()),
        Just("x".repeat(5000)),
        Just("gpu".to_string()),
        Just("/abs/path".to_string()),
        "[ -~]{0,24}",
        "[\\PC\n\t'\"`$;\\\\#]{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn hostile_values_are_refused_or_arrive_byte_for_byte(
        field in 0..FIELDS.len(),
        value in hostile(),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let launcher = dir.path().join("launcher.sh");
        std::fs::write(
            &launcher,
            "#!/bin/sh\ncat > \"$REC/stdin\"\nprintf '%s\\n' \"$@\" > \"$REC/args\"\nenv -0 > \"$REC/env\"\n",
        ).expect("launcher");
        std::process::Command::new("chmod").arg("+x").arg(&launcher).status().expect("chmod");
        let (path, place, pod) = FIELDS[field];
        check(path, place, pod, &value, dir.path())?;
    }
}

#[test]
fn every_field_is_covered_by_the_hostile_test() {
    // A new string field in the spec must be added to FIELDS: compare with the frozen form.
    let s = settings(Path::new("/bin/true"));
    let loaded = resolve_spec(
        &s,
        "full.yaml",
        &std::fs::read_to_string(crate::util::root().join("examples/llama-8node-roce.yaml"))
            .expect("example"),
        &Overrides::default(),
    );
    let spec = loaded.spec.expect("example is valid");
    let v = serde_json::to_value(&spec).expect("json");
    fn walk(v: &serde_json::Value, path: String, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
                walk(
                    x,
                    if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    },
                    out,
                )
            }),
            serde_json::Value::String(_) => out.push(path),
            _ => {}
        }
    }
    let mut strings = Vec::new();
    walk(&v, String::new(), &mut strings);
    let covered: Vec<&str> = FIELDS.iter().map(|(p, _, _)| *p).collect();
    let exempt = [
        "apiVersion",
        "kind",
        "network.fabric",
        "network.ncclDebug",
        "kubernetes.api",
        "kubernetes.runtimeKind",
        "training.cleanPodPolicy",
        "training.restartPolicy",
        "storage.gpfs.device",
    ];
    for s in strings {
        let s = s.as_str();
        prop_assume_ok(
            covered.contains(&s)
                || exempt.contains(&s)
                || s.starts_with("slurm.extraOptions")
                || s.starts_with("container.env")
                || s.starts_with("network.ncclEnv"),
            s,
        );
    }
}

fn prop_assume_ok(ok: bool, field: &str) {
    assert!(
        ok,
        "string field `{field}` is not in the hostile test's FIELDS"
    );
}
