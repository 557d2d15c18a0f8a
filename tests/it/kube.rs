//! Against the real kube-apiserver + etcd + kwok of testenv/kube (started by
//! scripts/test.sh), with the real Kubeflow PyTorchJob CRD and the restricted identity.
//! These tests FAIL when the control plane is missing (a skip needs
//! HYBRIDCTL_TEST_ALLOW_SKIP=1 and is never allowed in CI).
//!
//! No training operator runs there, so a test plays it: it creates the pods of the
//! PyTorchJob (as admin, with `spec.nodeName`) and patches the job's status conditions.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{examples, hybridctl, rel, stderr, stdout};

static PLANE: Mutex<()> = Mutex::new(());

pub struct Plane {
    pub admin: String,
    pub user: String,
    pub kubectl: String,
    pub ns: String,
    _guard: MutexGuard<'static, ()>,
}

pub fn plane() -> Option<Plane> {
    let guard = PLANE.lock().unwrap_or_else(|e| e.into_inner());
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let (Some(admin), Some(user), Some(kubectl)) = (
        var("HYBRIDCTL_KUBE_ADMIN_KUBECONFIG"),
        var("HYBRIDCTL_KUBE_USER_KUBECONFIG"),
        var("HYBRIDCTL_KUBE_KUBECTL"),
    ) else {
        let why = "the test Kubernetes control plane is not running (scripts/test.sh starts it: `testenv/kube/kube.sh up` and `eval \"$(testenv/kube/kube.sh env)\"`)";
        if std::env::var("CI").is_ok_and(|v| v == "true")
            || std::env::var("HYBRIDCTL_TEST_ALLOW_SKIP").is_err()
        {
            panic!("{why}");
        }
        eprintln!("skipping: {why} (HYBRIDCTL_TEST_ALLOW_SKIP=1)");
        return None;
    };
    let p = Plane {
        admin,
        user,
        kubectl,
        ns: var("HYBRIDCTL_KUBE_NAMESPACE").unwrap_or_else(|| "training".into()),
        _guard: guard,
    };
    let ok = p
        .kubectl_admin(&["get", "--raw", "/readyz"])
        .status
        .success();
    assert!(ok, "the API server is not ready");
    Some(p)
}

impl Plane {
    pub fn kubectl_as(
        &self,
        kubeconfig: &str,
        args: &[&str],
        stdin: Option<&str>,
    ) -> std::process::Output {
        let mut cmd = Command::new(&self.kubectl);
        cmd.arg("--kubeconfig").arg(kubeconfig).args(args);
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("kubectl");
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            std::io::Write::write_all(&mut pipe, text.as_bytes()).expect("stdin");
        }
        child.wait_with_output().expect("kubectl output")
    }

    pub fn kubectl_admin(&self, args: &[&str]) -> std::process::Output {
        self.kubectl_as(&self.admin, args, None)
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.extend(["-o", "json"]);
        let out = self.kubectl_admin(&a);
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
    }

    pub fn wait_for(&self, limit: Duration, mut f: impl FnMut() -> bool) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if f() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    /// The objects hybridctl labelled for a Slurm job id.
    pub fn leftovers(&self, job_id: &str) -> usize {
        let sel = format!("hybridctl.io/slurm-job-id={job_id}");
        ["pytorchjobs", "pods"]
            .iter()
            .map(|kind| {
                self.json(&["get", kind, "-n", &self.ns, "-l", &sel])["items"]
                    .as_array()
                    .map_or(0, Vec::len)
            })
            .sum()
    }

    /// Play the training operator: pods for each replica, on the pinned nodes.
    pub fn create_pods(&self, job: &Value, job_id: &str, outcome: &str) -> usize {
        let name = job["metadata"]["name"].as_str().expect("name");
        let nodes: Vec<String> = job["spec"]["pytorchReplicaSpecs"]["Master"]["template"]["spec"]["affinity"]["nodeAffinity"]
            ["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0]["matchExpressions"][0]["values"]
            .as_array()
            .expect("pinned nodes")
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let mut i = 0;
        for (rtype, spec) in job["spec"]["pytorchReplicaSpecs"]
            .as_object()
            .expect("replicas")
        {
            for idx in 0..spec["replicas"].as_u64().unwrap_or(1) {
                let pod = serde_json::json!({
                    "apiVersion": "v1", "kind": "Pod",
                    "metadata": {
                        "name": format!("{name}-{}-{idx}", rtype.to_lowercase()),
                        "namespace": self.ns,
                        "labels": {
                            "hybridctl.io/slurm-job-id": job_id,
                            "training.kubeflow.org/job-name": name,
                            "training.kubeflow.org/replica-type": rtype.to_lowercase(),
                            "training.kubeflow.org/replica-index": idx.to_string(),
                            "hybridctl.test/outcome": outcome,
                        },
                        "annotations": {"hybridctl.test/run-duration": "1s"},
                    },
                    "spec": {
                        "nodeName": nodes[i % nodes.len()],
                        "containers": [{"name": "pytorch", "image": "registry.example/train:1"}],
                    },
                });
                i += 1;
                let out =
                    self.kubectl_as(&self.admin, &["create", "-f", "-"], Some(&pod.to_string()));
                assert!(out.status.success(), "create pod: {}", stderr(&out));
            }
        }
        i
    }

    /// The PyTorchJob `name` once it exists (launch creates it); fails after 20 s.
    pub fn wait_pytorchjob(&self, name: &str) -> Value {
        let mut job = Value::Null;
        assert!(
            self.wait_for(Duration::from_secs(20), || {
                job = self.json(&["get", "pytorchjob", name, "-n", &self.ns]);
                !job.is_null()
            }),
            "pytorchjob/{name} was not created"
        );
        job
    }

    pub fn set_condition(&self, name: &str, kind: &str, reason: &str) {
        let patch = serde_json::json!({"status": {"conditions": [
            {"type": "Created", "status": "True", "reason": "PyTorchJobCreated", "message": "created"},
            {"type": kind, "status": "True", "reason": reason, "message": format!("PyTorchJob {name} is {kind}.")},
        ]}});
        let out = self.kubectl_admin(&[
            "patch",
            "pytorchjob",
            name,
            "-n",
            &self.ns,
            "--subresource=status",
            "--type=merge",
            "-p",
            &patch.to_string(),
        ]);
        assert!(out.status.success(), "patch status: {}", stderr(&out));
    }
}

pub fn spec_file(dir: &std::path::Path, name: &str, nodes: u32) -> std::path::PathBuf {
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(
        &path,
        format!(
            "apiVersion: hybridctl.io/v1alpha1\nkind: TrainingJob\nname: {name}\nslurm: {{nodes: {nodes}, gpusPerNode: 8}}\nkubernetes: {{namespace: training}}\ncontainer: {{image: registry.example/train:1, command: [python, train.py]}}\nnetwork: {{fabric: roce, rdmaResource: rdma/rdma_shared_device_a}}\n"
        ),
    )
    .expect("spec");
    path
}

/// `hybridctl launch` as the batch step would run it, with the restricted identity.
pub fn start_launch(p: &Plane, spec: &std::path::Path, job_id: &str, nodelist: &str) -> Child {
    start_launch_as(&p.user, spec, job_id, nodelist)
}

fn start_launch_as(
    kubeconfig: &str,
    spec: &std::path::Path,
    job_id: &str,
    nodelist: &str,
) -> Child {
    start_launch_with(kubeconfig, "/dev/null", spec, job_id, nodelist)
}

fn start_launch_with(
    kubeconfig: &str,
    site: &str,
    spec: &std::path::Path,
    job_id: &str,
    nodelist: &str,
) -> Child {
    let script = hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", site)
        .args(["render", "--only", "sbatch"])
        .arg(spec)
        .output()
        .expect("render");
    assert!(script.status.success(), "{}", stderr(&script));
    let text = stdout(&script);
    let frozen = text
        .lines()
        .skip_while(|l| !l.contains("<<'HYBRIDCTL_FROZEN_SPEC'"))
        .nth(1)
        .expect("frozen spec")
        .to_string();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("hybridctl"))
        .args(["launch", "--kubeconfig", kubeconfig, "--frozen-spec=-"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HYBRIDCTL_SITE_CONFIG", site)
        .env("HYBRIDCTL_CONFIG", "/dev/null")
        .env("RUST_BACKTRACE", "0")
        .env("SLURM_JOB_ID", job_id)
        .env("SLURM_JOB_NODELIST", nodelist)
        .env("SLURM_GPUS_ON_NODE", "8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("launch");
    if let Some(mut pipe) = child.stdin.take() {
        std::io::Write::write_all(&mut pipe, frozen.as_bytes()).expect("stdin");
    }
    child
}

pub fn finish(mut child: Child, limit: Duration) -> (Option<i32>, String, String) {
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break Some(s);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut out = String::new();
    let mut err = String::new();
    if let Some(mut s) = child.stdout.take() {
        let _ = s.read_to_string(&mut out);
    }
    if let Some(mut s) = child.stderr.take() {
        let _ = s.read_to_string(&mut err);
    }
    (status.and_then(|s| s.code()), out, err)
}

#[test]
fn every_example_manifest_is_accepted_by_the_real_api_server() {
    let Some(p) = plane() else { return };
    for (spec, site) in examples() {
        let mut cmd = hybridctl();
        if let Some(site) = site {
            cmd.env("HYBRIDCTL_SITE_CONFIG", site);
        }
        let out = cmd
            .args([
                "render",
                "--only",
                "pytorchjob",
                "-o",
                "json",
                "-n",
                &p.ns,
                "--job-id",
                "777",
            ])
            .arg(rel(&spec))
            .output()
            .expect("render");
        assert!(out.status.success(), "{}", stderr(&out));
        // Strict server-side field validation against the installed CRD, as the restricted
        // identity that will create it.
        let res = p.kubectl_as(
            &p.user,
            &["create", "--dry-run=server", "--validate=strict", "-f", "-"],
            Some(&stdout(&out)),
        );
        assert!(
            res.status.success(),
            "{}: the API server refused the PyTorchJob: {}",
            rel(&spec),
            stderr(&res)
        );
    }
    // And it does refuse a broken one (a misspelled field).
    let bad = r#"{"apiVersion":"kubeflow.org/v1","kind":"PyTorchJob","metadata":{"name":"bad","namespace":"training"},"spec":{"runPolicyy":{},"pytorchReplicaSpecs":{}}}"#;
    let res = p.kubectl_as(
        &p.user,
        &["create", "--dry-run=server", "--validate=strict", "-f", "-"],
        Some(bad),
    );
    assert!(!res.status.success());
}

#[test]
fn launch_creates_the_pinned_job_follows_it_and_reports_success() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file(dir.path(), "kube-ok", 2);
    let started = Instant::now();
    let child = start_launch(&p, &spec, "905001", "node[1-2]");
    let name = "kube-ok-905001";
    let job = p.wait_pytorchjob(name);
    let created_after = started.elapsed();
    let master = &job["spec"]["pytorchReplicaSpecs"]["Master"]["template"]["spec"];
    assert_eq!(
        master["containers"][0]["resources"]["limits"]["nvidia.com/gpu"],
        "8"
    );
    assert_eq!(
        master["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
            [0]["matchExpressions"][0]["values"],
        serde_json::json!(["node1", "node2"])
    );
    assert_eq!(
        job["metadata"]["labels"]["hybridctl.io/slurm-job-id"],
        "905001"
    );
    p.create_pods(&job, "905001", "succeed");
    // Let launch see the pods run and print their logs, then report success.
    std::thread::sleep(Duration::from_millis(1500));
    p.set_condition(name, "Succeeded", "PyTorchJobSucceeded");
    let (code, out, err) = finish(child, Duration::from_secs(30));
    assert_eq!(code, Some(0), "launch: {out}\n{err}");
    assert!(
        out.contains("created pytorchjob/kube-ok-905001 in namespace training on node[1-2]"),
        "{out}"
    );
    assert!(
        out.contains("[master-0]"),
        "pod logs are streamed with a prefix: {out}"
    );
    assert!(out.contains("succeeded"), "{out}");
    eprintln!("batch step start to PyTorchJob created (as seen by the test): {created_after:?}");
    let _ = p.kubectl_admin(&["delete", "pytorchjob", name, "-n", &p.ns, "--wait=false"]);
    let _ = p.kubectl_admin(&[
        "delete",
        "pods",
        "-n",
        &p.ns,
        "-l",
        "hybridctl.io/slurm-job-id=905001",
        "--wait=false",
    ]);
}

#[test]
fn launch_reports_a_failed_job_with_its_reason() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file(dir.path(), "kube-fail", 1);
    let child = start_launch(&p, &spec, "905002", "node3");
    let name = "kube-fail-905002";
    p.wait_pytorchjob(name);
    p.set_condition(name, "Failed", "PyTorchJobFailed");
    let (code, out, err) = finish(child, Duration::from_secs(30));
    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(
        err.contains("pytorchjob/kube-fail-905002 failed: PyTorchJobFailed"),
        "{err}"
    );
    let _ = p.kubectl_admin(&["delete", "pytorchjob", name, "-n", &p.ns, "--wait=false"]);
}

#[test]
fn launch_on_sigterm_deletes_everything_it_created() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file(dir.path(), "kube-term", 2);
    let child = start_launch(&p, &spec, "905003", "node[2-3]");
    let name = "kube-term-905003";
    let job = p.wait_pytorchjob(name);
    p.create_pods(&job, "905003", "running");
    assert_eq!(p.leftovers("905003"), 3, "the job and its two pods exist");
    std::thread::sleep(Duration::from_millis(500));
    let start = Instant::now();
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    assert!(
        p.wait_for(Duration::from_secs(30), || p.leftovers("905003") == 0),
        "objects left behind after SIGTERM"
    );
    let cleaned_in = start.elapsed();
    // launch then waits for Slurm's SIGKILL; play Slurm.
    let (_, out, err) = finish(child, Duration::from_secs(3));
    assert!(
        out.contains("SIGTERM: deleting pytorchjob/kube-term-905003"),
        "{out}\n{err}"
    );
    assert!(
        out.contains("deleted pytorchjob/kube-term-905003 and 2 pod(s)"),
        "{out}\n{err}"
    );
    eprintln!("SIGTERM to zero objects: {cleaned_in:?}");
}

#[test]
fn launch_refuses_nodes_that_kubernetes_does_not_have() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file(dir.path(), "kube-nonode", 1);
    let child = start_launch(&p, &spec, "905004", "node9");
    let (code, out, err) = finish(child, Duration::from_secs(20));
    assert_eq!(code, Some(2), "{out}\n{err}");
    assert!(err.contains("node `node9` does not exist"), "{err}");
    assert_eq!(p.leftovers("905004"), 0);
}

#[test]
fn status_shows_the_kubernetes_side_of_a_recorded_job() {
    let Some(c) = crate::slurm::cluster() else {
        return;
    };
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file(dir.path(), "kube-status", 1);
    let id = "987700";
    // The job as `submit` would have recorded it (Slurm no longer knows it)...
    let script = hybridctl()
        .args(["render", "--only", "sbatch"])
        .arg(&spec)
        .output()
        .expect("render");
    let frozen = stdout(&script)
        .lines()
        .skip_while(|l| !l.contains("<<'HYBRIDCTL_FROZEN_SPEC'"))
        .nth(1)
        .expect("frozen spec")
        .to_string();
    let rec = c.state.path().join(format!("hybridctl/jobs/{id}"));
    std::fs::create_dir_all(&rec).expect("mkdir");
    std::fs::write(rec.join("spec.json"), &frozen).expect("spec");
    std::fs::write(
        rec.join("record.json"),
        format!(r#"{{"job_id":"{id}","name":"kube-status","submitted_at":1,"spec_path":"x.yaml","submit_dir":"/tmp","nodes":1,"gpus_per_node":8,"output":"o"}}"#),
    )
    .expect("record");
    // ...and its PyTorchJob, still there, Running.
    let manifest = hybridctl()
        .args([
            "render",
            "--only",
            "pytorchjob",
            "-o",
            "json",
            "--job-id",
            id,
        ])
        .arg(&spec)
        .output()
        .expect("render");
    let out = p.kubectl_as(&p.admin, &["create", "-f", "-"], Some(&stdout(&manifest)));
    assert!(out.status.success(), "{}", stderr(&out));
    p.set_condition(&format!("kube-status-{id}"), "Running", "PyTorchJobRunning");
    let out = c
        .hybridctl()
        .args(["status", id, "-o", "json", "--kubeconfig", &p.user])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let v = v["items"].clone();
    assert_eq!(
        v[0]["kubernetes"]["pytorchjob"],
        format!("pytorchjob/kube-status-{id}"),
        "{v}"
    );
    assert_eq!(v[0]["kubernetes"]["condition"], "Running", "{v}");
    assert_eq!(v[0]["kubernetes"]["podsTotal"], 0);
    let table = c
        .hybridctl()
        .args(["status", id, "--kubeconfig", &p.user])
        .output()
        .expect("runs");
    assert!(stdout(&table).contains("PYTORCHJOB"), "{}", stdout(&table));
    assert!(stdout(&table).contains("Running"), "{}", stdout(&table));
    let _ = p.kubectl_admin(&[
        "delete",
        "pytorchjob",
        &format!("kube-status-{id}"),
        "-n",
        &p.ns,
    ]);
    // Without a kubeconfig the columns are simply left out.
    let out = c
        .hybridctl()
        .args(["status", id, "-o", "json"])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let v = v["items"].clone();
    assert!(v[0]["kubernetes"].is_null(), "{v}");
}

#[test]
fn launch_survives_an_api_server_restart() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file(dir.path(), "kube-restart", 1);
    let child = start_launch(&p, &spec, "905005", "node1");
    let name = "kube-restart-905005";
    p.wait_pytorchjob(name);
    // launch is watching; restart the API server under it.
    let script = crate::util::root().join("testenv/kube/kube.sh");
    let restart = Command::new(&script)
        .arg("restart-apiserver")
        .output()
        .expect("kube.sh");
    assert!(restart.status.success(), "{}", stderr(&restart));
    p.set_condition(name, "Succeeded", "PyTorchJobSucceeded");
    let (code, out, err) = finish(child, Duration::from_secs(60));
    assert_eq!(
        code,
        Some(0),
        "launch did not resume its watch: {out}\n{err}"
    );
    assert!(out.contains("succeeded"), "{out}");
    let _ = p.kubectl_admin(&["delete", "pytorchjob", name, "-n", &p.ns, "--wait=false"]);
}

#[test]
fn launch_refuses_an_admin_identity() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file(dir.path(), "kube-admin", 1);
    let child = start_launch_as(&p.admin, &spec, "905006", "node1");
    let (code, out, err) = finish(child, Duration::from_secs(20));
    assert_eq!(code, Some(2), "{out}\n{err}");
    assert!(
        err.contains("refusing to run with an admin identity"),
        "{err}"
    );
    assert!(err.contains("allowAdminIdentity"), "{err}");
    assert_eq!(p.leftovers("905006"), 0);
}

#[test]
fn launch_maps_slurm_node_names_to_kubernetes_node_names() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file(dir.path(), "kube-map", 2);
    // Slurm calls the machines gpu-a and gpu-b; Kubernetes knows them as node2 and node3.
    let site = dir.path().join("site.yaml");
    std::fs::write(&site, "nodeNames:\n  map: {gpu-a: node2, gpu-b: node3}\n").expect("site");
    let site = site.display().to_string();
    let child = start_launch_with(&p.user, &site, &spec, "905007", "gpu-a,gpu-b");
    let name = "kube-map-905007";
    let job = p.wait_pytorchjob(name);
    let worker = &job["spec"]["pytorchReplicaSpecs"]["Master"]["template"]["spec"];
    assert_eq!(
        worker["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
            [0]["matchExpressions"][0]["values"],
        serde_json::json!(["node2", "node3"])
    );
    p.set_condition(name, "Succeeded", "PyTorchJobSucceeded");
    let (code, out, err) = finish(child, Duration::from_secs(30));
    assert_eq!(code, Some(0), "{out}\n{err}");
    let _ = p.kubectl_admin(&["delete", "pytorchjob", name, "-n", &p.ns, "--wait=false"]);

    // A Slurm node the rule maps to a node Kubernetes does not have: both names are shown.
    std::fs::write(
        dir.path().join("site.yaml"),
        "nodeNames:\n  template: \"{name}.cluster.example.com\"\n",
    )
    .expect("site");
    let child = start_launch_with(&p.user, &site, &spec, "905008", "node[1-2]");
    let (code, out, err) = finish(child, Duration::from_secs(20));
    assert_eq!(code, Some(2), "{out}\n{err}");
    assert!(
        err.contains("node `node1.cluster.example.com` (Slurm node `node1`) does not exist"),
        "{err}"
    );
    assert_eq!(p.leftovers("905008"), 0);
}

#[test]
fn launch_outside_its_role_fails_naming_the_verb_and_the_resource() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    // The restricted identity may create PyTorchJobs only in the training namespace.
    let spec = dir.path().join("kube-ns.yaml");
    std::fs::write(
        &spec,
        "apiVersion: hybridctl.io/v1alpha1\nkind: TrainingJob\nname: kube-ns\nslurm: {nodes: 1, gpusPerNode: 8}\nkubernetes: {namespace: default}\ncontainer: {image: registry.example/train:1, command: [python, train.py]}\nnetwork: {fabric: roce, rdmaResource: rdma/rdma_shared_device_a}\n",
    )
    .expect("spec");
    let child = start_launch(&p, &spec, "905009", "node1");
    let (code, out, err) = finish(child, Duration::from_secs(20));
    assert_eq!(code, Some(2), "{out}\n{err}");
    assert!(
        err.contains("create pytorchjobs in namespace default failed"),
        "{err}"
    );
    assert!(err.contains("forbidden"), "the API server's reason: {err}");
    assert!(
        err.contains("the identity may not create pytorchjobs in namespace default")
            && err.contains("hybridctl rbac"),
        "{err}"
    );
}

/// `hybridctl hook` as slurmctld runs it (the job's variables only), with a site config.
fn run_hook(site: &std::path::Path, phase: &str, job_id: &str) -> (Option<i32>, String) {
    let out = Command::new(assert_cmd::cargo::cargo_bin("hybridctl"))
        .env_clear()
        .env("HYBRIDCTL_SITE_CONFIG", site)
        .env("SLURM_JOB_ID", job_id)
        .env("SLURM_JOB_NODELIST", "node1")
        .env("SLURM_JOB_STDOUT", "/home/u/hybridctl-x-%j.out")
        .args(["hook", phase, "--timeout", "10"])
        .output()
        .expect("hook");
    (out.status.code(), stdout(&out))
}

#[test]
fn hooks_refuse_an_admin_identity_and_name_what_their_role_forbids() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let site = dir.path().join("site.yaml");
    // An admin identity: the prolog refuses it, changes nothing, and the job goes on.
    std::fs::write(
        &site,
        format!(
            "kubeconfig: {}\nhooks:\n  namespaces: [training]\n",
            p.admin
        ),
    )
    .expect("site");
    let (code, text) = run_hook(&site, "prolog", "905010");
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("error: refusing to run with an admin identity: it may do anything"),
        "{text}"
    );
    assert!(text.contains("allowAdminIdentity"), "{text}");
    let node = p.json(&["get", "node", "node1"]);
    assert!(
        node["metadata"]["labels"]["hybridctl.io/slurm-job-id"].is_null(),
        "the refused prolog labelled the node: {node}"
    );
    // The restricted identity on a namespace outside its role: the error names the verb, the
    // resource and the namespace, and points at `hybridctl rbac`.
    std::fs::write(
        &site,
        format!("kubeconfig: {}\nhooks:\n  namespaces: [default]\n", p.user),
    )
    .expect("site");
    let (code, text) = run_hook(&site, "epilog", "905010");
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("error: list pytorchjobs in namespace `default` failed"),
        "{text}"
    );
    assert!(text.contains("forbidden"), "{text}");
    assert!(text.contains("hybridctl rbac"), "{text}");
}

/// `cancel`'s wait for the Kubernetes side (`kube::state::wait_gone`): it returns only once
/// every labelled object is gone (a watch, not a sleep), and gives up at its deadline.
#[test]
fn waiting_for_a_jobs_objects_to_go_returns_when_they_are_gone_and_not_before() {
    let Some(p) = plane() else { return };
    let id = "905011";
    let pod = |name: &str| {
        serde_json::json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": p.ns,
                         "labels": {"hybridctl.io/slurm-job-id": id, "hybridctl.test/outcome": "running"}},
            "spec": {"nodeName": "node1", "containers": [{"name": "pytorch", "image": "registry.example/train:1"}]},
        })
        .to_string()
    };
    let out = p.kubectl_as(&p.admin, &["create", "-f", "-"], Some(&pod("wait-gone-a")));
    assert!(out.status.success(), "{}", stderr(&out));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = runtime
        .block_on(hybridctl::kube::client::client(
            &hybridctl::kube::client::Connection {
                kubeconfig: Some(p.user.clone().into()),
                context: None,
            },
            &hybridctl::settings::Env::from_pairs([("HOME", "/nonexistent")]),
            None,
        ))
        .expect("client");
    let ids = hybridctl::jobs::JobIds::one(hybridctl::jobs::JobId::parse(id).expect("job id"));
    // Still there at the deadline: false, after waiting until it.
    let start = Instant::now();
    let gone = runtime.block_on(hybridctl::kube::state::wait_gone(
        &client,
        &p.ns,
        &ids,
        tokio::time::Instant::now() + Duration::from_secs(2),
    ));
    assert!(!gone, "the pod is still there");
    assert!(
        start.elapsed() >= Duration::from_millis(1900),
        "{:?}",
        start.elapsed()
    );
    // Deleted one second into the wait: true, soon after the deletion.
    let admin = p.admin.clone();
    let kubectl = p.kubectl.clone();
    let ns = p.ns.clone();
    let deleter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(1));
        Command::new(kubectl)
            .args([
                "--kubeconfig",
                &admin,
                "delete",
                "pod",
                "wait-gone-a",
                "-n",
                &ns,
            ])
            .args(["--grace-period=0", "--force"])
            .output()
            .expect("kubectl delete")
    });
    let start = Instant::now();
    let gone = runtime.block_on(hybridctl::kube::state::wait_gone(
        &client,
        &p.ns,
        &ids,
        tokio::time::Instant::now() + Duration::from_secs(20),
    ));
    let took = start.elapsed();
    let _ = deleter.join();
    assert!(gone, "the pod was deleted");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(10),
        "returned after {took:?}"
    );
}
