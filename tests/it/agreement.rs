//! Principle 1: one plan feeds both artifacts, so they cannot disagree. For every example,
//! the `#SBATCH` request, the PyTorchJob or TrainJob (one table of invariants for both
//! backends), and the job that `launch` plans inside the allocation from the frozen spec all
//! describe the same nodes, GPUs and NCCL settings.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::util::{examples, hybridctl, rel, stderr};

fn directive(script: &str, name: &str) -> Option<String> {
    script.lines().find_map(|l| {
        l.strip_prefix(&format!("#SBATCH --{name}="))
            .map(str::to_string)
    })
}

fn exports(script: &str) -> BTreeMap<String, String> {
    // Run the export lines with bash and read the values back: that is what the job sees.
    let lines: Vec<&str> = script
        .lines()
        .filter(|l| l.starts_with("export "))
        .collect();
    let program = format!("{}\nenv -0", lines.join("\n"));
    let out = std::process::Command::new("bash")
        .args(["--noprofile", "--norc", "-c", &program])
        .env_clear()
        .output()
        .expect("bash");
    out.stdout
        .split(|b| *b == 0)
        .filter_map(|kv| {
            let kv = String::from_utf8_lossy(kv);
            let (k, v) = kv.split_once('=')?;
            k.starts_with("NCCL_")
                .then(|| (k.to_string(), v.to_string()))
        })
        .collect()
}

fn pod_env(template: &Value) -> BTreeMap<String, String> {
    template["spec"]["containers"][0]["env"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            Some((
                e["name"].as_str()?.to_string(),
                e["value"].as_str()?.to_string(),
            ))
        })
        .collect()
}

/// What the invariants compare, read off one pod group of a rendered job: for a
/// PyTorchJob each replica spec (Master, Worker), for a TrainJob its trainer (`numNodes`,
/// `resourcesPerNode`, `env`) with hybridctl's runtime patch (pinning, pod labels).
struct Group {
    name: String,
    /// Pods of this group.
    count: u64,
    pinned: usize,
    gpus: u64,
    nccl: BTreeMap<String, String>,
    job_label: Value,
}

/// What the batch script asks Slurm for, and what it exports.
struct Script {
    nodes: u64,
    gpus: u64,
    nccl: BTreeMap<String, String>,
}

fn nccl_of(env: &Value) -> BTreeMap<String, String> {
    pod_env(&serde_json::json!({"spec": {"containers": [{"env": env}]}}))
        .into_iter()
        .filter(|(k, _)| k.starts_with("NCCL_"))
        .collect()
}

fn gpus_of(limits: &Value) -> u64 {
    limits["nvidia.com/gpu"]
        .as_str()
        .map_or(0, |g| g.parse::<u64>().expect("number"))
}

fn pinned_of(pod_spec: &Value) -> usize {
    pod_spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        ["nodeSelectorTerms"][0]["matchExpressions"][0]["values"]
        .as_array()
        .expect("pinned nodes")
        .len()
}

/// The pod groups of a rendered job and its processes per node, per backend.
fn groups(backend: &str, job: &Value) -> (Vec<Group>, u64) {
    match backend {
        "pytorchjob" => {
            let replicas = job["spec"]["pytorchReplicaSpecs"]
                .as_object()
                .expect("replicas");
            let groups = replicas
                .iter()
                .map(|(kind, r)| {
                    let t = &r["template"];
                    let c = &t["spec"]["containers"][0];
                    Group {
                        name: kind.clone(),
                        count: r["replicas"].as_u64().expect("count"),
                        pinned: pinned_of(&t["spec"]),
                        gpus: gpus_of(&c["resources"]["limits"]),
                        nccl: nccl_of(&c["env"]),
                        job_label: t["metadata"]["labels"]["hybridctl.io/slurm-job-id"].clone(),
                    }
                })
                .collect();
            let nproc = job["spec"]["nprocPerNode"]
                .as_str()
                .expect("nproc")
                .parse()
                .expect("number");
            (groups, nproc)
        }
        _ => {
            let trainer = &job["spec"]["trainer"];
            let patch = &job["spec"]["runtimePatches"][0]["trainingRuntimeSpec"]["template"]["spec"]
                ["replicatedJobs"][0]["template"]["spec"]["template"];
            let group = Group {
                name: "trainer".into(),
                count: trainer["numNodes"].as_u64().expect("numNodes"),
                pinned: pinned_of(&patch["spec"]),
                gpus: gpus_of(&trainer["resourcesPerNode"]["limits"]),
                nccl: nccl_of(&trainer["env"]),
                job_label: patch["metadata"]["labels"]["hybridctl.io/slurm-job-id"].clone(),
            };
            (
                vec![group],
                trainer["numProcPerNode"].as_u64().expect("numProcPerNode"),
            )
        }
    }
}

type Invariant = fn(&Script, &[Group], u64) -> Result<(), String>;

/// The sbatch <-> manifest agreement, one table for both backends.
const INVARIANTS: &[(&str, Invariant)] = &[
    ("pods across the groups = #SBATCH --nodes", |s, g, _| {
        let total: u64 = g.iter().map(|g| g.count).sum();
        (total == s.nodes)
            .then_some(())
            .ok_or(format!("{total} pods vs --nodes={}", s.nodes))
    }),
    (
        "every pod is pinned to exactly the allocated nodes",
        |s, g, _| {
            g.iter()
                .find(|g| g.pinned as u64 != s.nodes)
                .map_or(Ok(()), |g| Err(format!("{}: {} pinned", g.name, g.pinned)))
        },
    ),
    ("nvidia.com/gpu = #SBATCH --gpus-per-node", |s, g, _| {
        g.iter().find(|g| g.gpus != s.gpus).map_or(Ok(()), |g| {
            Err(format!("{}: {} GPUs vs {}", g.name, g.gpus, s.gpus))
        })
    }),
    (
        "the pods' NCCL environment = the script's exports",
        |s, g, _| {
            g.iter().find(|g| g.nccl != s.nccl).map_or(Ok(()), |g| {
                Err(format!("{}: {:?} vs {:?}", g.name, g.nccl, s.nccl))
            })
        },
    ),
    ("every pod carries the Slurm job id label", |_, g, _| {
        g.iter()
            .find(|g| g.job_label != "77")
            .map_or(Ok(()), |g| Err(format!("{}: {}", g.name, g.job_label)))
    }),
    ("processes per node <= GPUs per node", |s, _, nproc| {
        (s.gpus == 0 || nproc <= s.gpus)
            .then_some(())
            .ok_or(format!("{nproc} processes on {} GPUs", s.gpus))
    }),
];

#[test]
fn nodes_gpus_and_nccl_agree_in_every_example_for_both_backends() {
    let mut checked = BTreeMap::new();
    for backend in ["pytorchjob", "trainjob"] {
        for (spec, site) in examples() {
            let mut cmd = hybridctl();
            if let Some(site) = &site {
                cmd.env("HYBRIDCTL_SITE_CONFIG", site);
            }
            let out = cmd
                .args(["render", &rel(&spec), "-o", "json", "--job-id", "77"])
                .args(["--set", &format!("kubernetes.api={backend}")])
                .output()
                .expect("runs");
            if backend == "trainjob" && !out.status.success() {
                // What a TrainJob cannot carry (an elastic job) is refused, with the field.
                assert!(
                    stderr(&out).contains("cannot be expressed in a TrainJob"),
                    "{}: {}",
                    rel(&spec),
                    stderr(&out)
                );
                continue;
            }
            assert!(out.status.success(), "{}: {}", rel(&spec), stderr(&out));
            let v: Value = serde_json::from_slice(&out.stdout).expect("json");
            let script = v["sbatch"].as_str().expect("script");
            let s = Script {
                nodes: directive(script, "nodes")
                    .and_then(|n| n.parse().ok())
                    .expect("--nodes"),
                gpus: directive(script, "gpus-per-node").map_or(0, |g| g.parse().expect("number")),
                nccl: exports(script),
            };
            assert!(
                v.get(backend).is_some(),
                "{}: no {backend} in {v}",
                rel(&spec)
            );
            let (g, nproc) = groups(backend, &v[backend]);
            for (what, check) in INVARIANTS {
                if let Err(e) = check(&s, &g, nproc) {
                    panic!("{} as a {backend}: {what}: {e}", rel(&spec));
                }
            }
            *checked.entry(backend).or_insert(0) += 1;
        }
    }
    assert!(
        checked["pytorchjob"] >= 4 && checked["trainjob"] >= 3,
        "{checked:?}"
    );
}

#[test]
fn the_batch_script_makes_launch_plan_the_same_job_on_both_backends() {
    let bin = assert_cmd::cargo::cargo_bin("hybridctl");
    for (backend, (spec, site)) in ["pytorchjob", "trainjob"]
        .into_iter()
        .flat_map(|b| examples().into_iter().map(move |e| (b, e)))
    {
        let dir = tempfile::tempdir().expect("tempdir");
        let siteconf = dir.path().join("site.yaml");
        let base = site
            .as_ref()
            .map(|s| std::fs::read_to_string(s).expect("read"))
            .unwrap_or_default();
        let base = base
            .lines()
            .filter(|l| !l.starts_with("launcher:"))
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(&siteconf, format!("{base}\nlauncher: {}\n", bin.display())).expect("write");
        let nodes = {
            let s = std::fs::read_to_string(&spec).expect("read");
            let n = s
                .lines()
                .find_map(|l| l.trim().strip_prefix("nodes: "))
                .unwrap_or("1");
            n.trim().parse::<u32>().expect("nodes")
        };
        let nodelist = if nodes == 1 {
            "gpu-a01".to_string()
        } else {
            format!("gpu-a[01-{nodes:02}]")
        };
        let out = hybridctl()
            .env("HYBRIDCTL_SITE_CONFIG", &siteconf)
            .args([
                "render",
                &rel(&spec),
                "-o",
                "json",
                "--job-id",
                "9001",
                "--nodelist",
                &nodelist,
                "--set",
                &format!("kubernetes.api={backend}"),
            ])
            .output()
            .expect("runs");
        if backend == "trainjob" && stderr(&out).contains("cannot be expressed in a TrainJob") {
            continue;
        }
        assert!(out.status.success(), "{}: {}", rel(&spec), stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        let script = dir.path().join("job.sbatch");
        std::fs::write(&script, v["sbatch"].as_str().expect("script")).expect("write");
        let gpus = directive(v["sbatch"].as_str().expect("script"), "gpus-per-node")
            .unwrap_or_else(|| "0".into());
        // What Slurm gives the batch step (see shared/reference/slurm-env-reference.txt).
        let run = std::process::Command::new("bash")
            .arg(&script)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HYBRIDCTL_SITE_CONFIG", &siteconf)
            .env("HYBRIDCTL_CONFIG", "/dev/null")
            .env("HYBRIDCTL_LAUNCH_DRY_RUN", "1")
            .env("SLURM_JOB_ID", "9001")
            .env("SLURM_JOB_NODELIST", &nodelist)
            .env("SLURM_GPUS_ON_NODE", &gpus)
            .output()
            .expect("bash");
        assert!(run.status.success(), "{}: {}", rel(&spec), stderr(&run));
        let launched: Value = serde_saphyr::from_str(&String::from_utf8_lossy(&run.stdout))
            .expect("launch prints the manifest");
        let rendered = v[backend].clone();
        assert_eq!(
            launched,
            rendered,
            "{}: launch planned a different {backend}",
            rel(&spec)
        );
    }
}
