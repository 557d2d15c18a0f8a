//! Principle 1: one plan feeds both artifacts, so they cannot disagree. For every example,
//! the `#SBATCH` request, the PyTorchJob, and the PyTorchJob that `launch` plans inside the
//! allocation from the frozen spec all describe the same nodes, GPUs and NCCL settings.

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

#[test]
fn nodes_gpus_and_nccl_agree_in_every_example() {
    for (spec, site) in examples() {
        let mut cmd = hybridctl();
        if let Some(site) = &site {
            cmd.env("HYBRIDCTL_SITE_CONFIG", site);
        }
        let out = cmd
            .args(["render", &rel(&spec), "-o", "json", "--job-id", "77"])
            .output()
            .expect("runs");
        assert!(out.status.success(), "{}: {}", rel(&spec), stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        let script = v["sbatch"].as_str().expect("script");
        let job = &v["pytorchjob"];
        let nodes: u64 = directive(script, "nodes")
            .and_then(|n| n.parse().ok())
            .expect("--nodes");
        let gpus: u64 =
            directive(script, "gpus-per-node").map_or(0, |g| g.parse().expect("number"));

        let replicas = job["spec"]["pytorchReplicaSpecs"]
            .as_object()
            .expect("replicas");
        let total: u64 = replicas
            .values()
            .map(|r| r["replicas"].as_u64().expect("count"))
            .sum();
        assert_eq!(total, nodes, "{}: replicas vs --nodes", rel(&spec));
        let script_nccl = exports(script);
        for (kind, r) in replicas {
            let t = &r["template"];
            let pinned = t["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
                ["nodeSelectorTerms"][0]["matchExpressions"][0]["values"]
                .as_array()
                .expect("pinned nodes");
            assert_eq!(
                pinned.len() as u64,
                nodes,
                "{}: {kind} pinned nodes",
                rel(&spec)
            );
            let limit = t["spec"]["containers"][0]["resources"]["limits"]["nvidia.com/gpu"]
                .as_str()
                .map_or(0, |g| g.parse::<u64>().expect("number"));
            assert_eq!(
                limit,
                gpus,
                "{}: {kind} nvidia.com/gpu vs --gpus-per-node",
                rel(&spec)
            );
            let env = pod_env(t);
            let pod_nccl: BTreeMap<String, String> = env
                .into_iter()
                .filter(|(k, _)| k.starts_with("NCCL_"))
                .collect();
            assert_eq!(
                pod_nccl,
                script_nccl,
                "{}: {kind} NCCL env vs the script's",
                rel(&spec)
            );
            assert_eq!(
                t["metadata"]["labels"]["hybridctl.io/slurm-job-id"],
                "77",
                "{}: job id label",
                rel(&spec)
            );
        }
        let nproc: u64 = job["spec"]["nprocPerNode"]
            .as_str()
            .expect("nproc")
            .parse()
            .expect("number");
        if gpus > 0 {
            assert!(nproc <= gpus, "{}: nprocPerNode exceeds GPUs", rel(&spec));
        }
    }
}

#[test]
fn the_batch_script_makes_launch_plan_the_same_pytorchjob() {
    let bin = assert_cmd::cargo::cargo_bin("hybridctl");
    for (spec, site) in examples() {
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
            ])
            .output()
            .expect("runs");
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
        let rendered = v["pytorchjob"].clone();
        assert_eq!(
            launched,
            rendered,
            "{}: launch planned a different PyTorchJob",
            rel(&spec)
        );
    }
}
