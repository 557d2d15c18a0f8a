//! Against the real kube-apiserver + etcd + kwok of testenv/kube (started by
//! scripts/test.sh), with the real Kubeflow PyTorchJob CRD and the restricted identity.
//! These tests FAIL when the control plane is missing (a skip needs
//! HYBRIDCTL_TEST_ALLOW_SKIP=1 and is never allowed in CI).
//!
//! The real kube-controller-manager, kube-scheduler and Kubeflow training-operator run there
//! too: hybridctl creates the PyTorchJob, the operator makes its pods and Services, the
//! scheduler binds them, kwok runs them (the container env `HYBRIDCTL_TEST_OUTCOME` of the
//! spec picks succeed, fail or running; a test ends running pods with [`Plane::finish`]) and
//! the operator reports the result. Every node carries the Slurm hooks' taint, so a test
//! admits its nodes with the real `hybridctl hook prolog` ([`Plane::admit`]) first.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{examples, hybridctl, rel, stderr, stdout};

static PLANE: Mutex<()> = Mutex::new(());

/// The two Kubernetes backends the chain tests run on: the training-operator's PyTorchJob,
/// and Kubeflow Trainer v2's TrainJob (Trainer -> JobSet -> Jobs -> pods).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    PyTorchJob,
    TrainJob,
}

impl Api {
    /// As `kubernetes.api`, the kubectl resource and hybridctl's messages name it.
    pub fn name(self) -> &'static str {
        match self {
            Api::PyTorchJob => "pytorchjob",
            Api::TrainJob => "trainjob",
        }
    }

    /// Spec lines at the top level that pick this backend (a spec without them is `auto`,
    /// which takes PyTorchJob on the test bed, where both are served).
    pub fn spec_lines(self) -> &'static str {
        match self {
            Api::PyTorchJob => "",
            Api::TrainJob => "kubernetes:\n  api: trainjob\n",
        }
    }

    /// The label selector of the pods the controllers made for job object `name`.
    pub fn pod_selector(self, name: &str) -> String {
        match self {
            Api::PyTorchJob => format!("training.kubeflow.org/job-name={name}"),
            Api::TrainJob => format!("jobset.sigs.k8s.io/jobset-name={name}"),
        }
    }

    /// The replicas' log prefixes of a 2-node job.
    pub fn prefixes(self) -> [&'static str; 2] {
        match self {
            Api::PyTorchJob => ["master-0", "worker-0"],
            Api::TrainJob => ["node-0", "node-1"],
        }
    }

    /// The pinned nodes of a rendered (or created) job object.
    pub fn pinned(self, job: &Value) -> Vec<String> {
        let pod = match self {
            Api::PyTorchJob => &job["spec"]["pytorchReplicaSpecs"]["Master"]["template"]["spec"],
            Api::TrainJob => {
                &job["spec"]["runtimePatches"][0]["trainingRuntimeSpec"]["template"]["spec"]["replicatedJobs"]
                    [0]["template"]["spec"]["template"]["spec"]
            }
        };
        pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
            ["nodeSelectorTerms"][0]["matchExpressions"][0]["values"]
            .as_array()
            .expect("pinned nodes")
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    }
}

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
    // A scheduler that exited in an earlier test (it does after an API-server restart that
    // lost a binding) would fail every test after it: start it again, as a supervisor would.
    let revive = Command::new(crate::util::root().join("testenv/kube/kube.sh"))
        .arg("revive")
        .output()
        .expect("kube.sh revive");
    assert!(
        revive.status.success(),
        "kube.sh revive: {}",
        String::from_utf8_lossy(&revive.stderr)
    );
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

    /// The objects hybridctl labelled for a Slurm job id (for a TrainJob, the JobSet carries
    /// the label too, through hybridctl's runtime patch).
    pub fn leftovers(&self, job_id: &str) -> usize {
        let sel = format!("hybridctl.io/slurm-job-id={job_id}");
        ["pytorchjobs", "trainjobs", "jobsets", "pods"]
            .iter()
            .map(|kind| {
                self.json(&["get", kind, "-n", &self.ns, "-l", &sel])["items"]
                    .as_array()
                    .map_or(0, Vec::len)
            })
            .sum()
    }

    /// What the training operator made for PyTorchJob `name` and is still there: its pods
    /// and Services (the operator labels both `training.kubeflow.org/job-name`).
    pub fn operator_objects(&self, name: &str) -> usize {
        let sel = format!("training.kubeflow.org/job-name={name}");
        ["pods", "services"]
            .iter()
            .map(|kind| self.items(&["get", kind, "-n", &self.ns, "-l", &sel]).len())
            .sum()
    }

    /// What the controllers made for job object `name` and is still there: for a
    /// PyTorchJob its pods and Services ([`Plane::operator_objects`]); for a TrainJob its
    /// JobSet, the JobSet's Jobs and their pods.
    pub fn controller_objects(&self, api: Api, name: &str) -> usize {
        match api {
            Api::PyTorchJob => self.operator_objects(name),
            Api::TrainJob => {
                let sel = api.pod_selector(name);
                let jobset = usize::from(
                    !self
                        .json(&["get", "jobset", name, "-n", &self.ns])
                        .is_null(),
                );
                jobset
                    + ["jobs", "pods"]
                        .iter()
                        .map(|kind| self.items(&["get", kind, "-n", &self.ns, "-l", &sel]).len())
                        .sum::<usize>()
            }
        }
    }

    /// The live pods the controllers made for job object `name`, by name.
    pub fn pods_for(&self, api: Api, name: &str) -> Vec<Value> {
        let sel = api.pod_selector(name);
        let mut pods = self.items(&["get", "pods", "-n", &self.ns, "-l", &sel]);
        pods.sort_by_key(|p| {
            p["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        });
        pods
    }

    /// Wait until job object `name` has `n` pods, all in `phase`; returns them.
    pub fn wait_pods_for(
        &self,
        api: Api,
        name: &str,
        n: usize,
        phase: &str,
        limit: Duration,
    ) -> Vec<Value> {
        let mut pods = Vec::new();
        let ok = self.wait_for(limit, || {
            pods = self.pods_for(api, name);
            pods.len() == n && pods.iter().all(|p| p["status"]["phase"] == phase)
        });
        assert!(
            ok,
            "{}/{name}: wanted {n} pods {phase} within {limit:?}, have: {:?}",
            api.name(),
            pods.iter()
                .map(|p| format!(
                    "{} {} on {}",
                    p["metadata"]["name"], p["status"]["phase"], p["spec"]["nodeName"]
                ))
                .collect::<Vec<_>>()
        );
        pods
    }

    /// Job object `name` of `api` once it exists (launch creates it); fails after 60 s.
    pub fn wait_job(&self, api: Api, name: &str) -> Value {
        let mut job = Value::Null;
        assert!(
            self.wait_for(Duration::from_secs(60), || {
                job = self.json(&["get", api.name(), name, "-n", &self.ns]);
                !job.is_null()
            }),
            "{}/{name} was not created",
            api.name()
        );
        job
    }

    /// The pods have exactly 8 GPUs each, were bound by the real scheduler, and sit one on
    /// each of `nodes` (sorted).
    pub fn assert_placed(&self, pods: &[Value], nodes: &[&str]) {
        let mut placed = Vec::new();
        for pod in pods {
            let pod_name = pod["metadata"]["name"].as_str().expect("name");
            assert_eq!(
                pod["spec"]["containers"][0]["resources"]["limits"]["nvidia.com/gpu"], "8",
                "{pod_name}"
            );
            assert_eq!(
                self.scheduled_by(pod_name).as_deref(),
                Some("default-scheduler"),
                "{pod_name} has no Scheduled event from the scheduler"
            );
            placed.push(
                pod["spec"]["nodeName"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
        }
        placed.sort();
        assert_eq!(placed, nodes, "one pod per allocated node");
    }

    pub fn items(&self, args: &[&str]) -> Vec<Value> {
        self.json(args)["items"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The live pods of PyTorchJob `name`, as the training operator created them.
    pub fn pods_of(&self, name: &str) -> Vec<Value> {
        let sel = format!("training.kubeflow.org/job-name={name}");
        let mut pods = self.items(&["get", "pods", "-n", &self.ns, "-l", &sel]);
        pods.sort_by_key(|p| {
            p["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        });
        pods
    }

    /// Wait until PyTorchJob `name` has `n` pods, all in `phase`; returns them.
    pub fn wait_pods(&self, name: &str, n: usize, phase: &str, limit: Duration) -> Vec<Value> {
        let mut pods = Vec::new();
        let ok = self.wait_for(limit, || {
            pods = self.pods_of(name);
            pods.len() == n && pods.iter().all(|p| p["status"]["phase"] == phase)
        });
        assert!(
            ok,
            "pytorchjob/{name}: wanted {n} pods {phase} within {limit:?}, have: {:?}",
            pods.iter()
                .map(|p| format!(
                    "{} {} on {}",
                    p["metadata"]["name"], p["status"]["phase"], p["spec"]["nodeName"]
                ))
                .collect::<Vec<_>>()
        );
        pods
    }

    /// The component that reported the `Scheduled` event of a pod (`default-scheduler`).
    pub fn scheduled_by(&self, pod: &str) -> Option<String> {
        let sel = format!("reason=Scheduled,involvedObject.name={pod}");
        self.items(&["get", "events", "-n", &self.ns, "--field-selector", &sel])
            .iter()
            .find_map(|e| {
                e["reportingComponent"]
                    .as_str()
                    .filter(|c| !c.is_empty())
                    .or_else(|| e["source"]["component"].as_str())
                    .map(str::to_string)
            })
    }

    /// End the running pods of PyTorchJob `name` now: kwok's stage for the label
    /// `hybridctl.test/finish` (testenv/kube/kwok/pod-outcome-stages.yaml) makes them
    /// Succeeded or Failed; the operator then reports the job's result.
    pub fn finish(&self, name: &str, outcome: &str) {
        let sel = format!("training.kubeflow.org/job-name={name}");
        let out = self.kubectl_admin(&[
            "label",
            "pods",
            "-n",
            &self.ns,
            "-l",
            &sel,
            &format!("hybridctl.test/finish={outcome}"),
            "--overwrite",
        ]);
        assert!(out.status.success(), "label pods: {}", stderr(&out));
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

    /// Wait until the training operator has set condition `kind` True on PyTorchJob `name`.
    pub fn wait_condition(&self, name: &str, kind: &str, limit: Duration) -> Value {
        let mut job = Value::Null;
        let ok = self.wait_for(limit, || {
            job = self.json(&["get", "pytorchjob", name, "-n", &self.ns]);
            job["status"]["conditions"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| c["type"] == kind && c["status"] == "True"))
        });
        assert!(
            ok,
            "the operator did not set {kind} on pytorchjob/{name} within {limit:?}: {}",
            job["status"]
        );
        job
    }

    /// Admit a job's nodes as Slurm's PrologSlurmctld does: the real `hybridctl hook prolog`
    /// labels them and takes the hooks' taint off (every test node carries it). The real
    /// epilog runs when the guard is dropped (or by [`Admitted::release`]).
    pub fn admit(&self, job_id: &str, nodelist: &str) -> Admitted {
        let dir = tempfile::tempdir().expect("tempdir");
        let site = dir.path().join("site.yaml");
        std::fs::write(
            &site,
            format!(
                "kubeconfig: {}\nhooks:\n  namespaces: [{}]\n  taint: {}\n",
                self.user,
                self.ns,
                node_taint()
            ),
        )
        .expect("site");
        let a = Admitted {
            site,
            job_id: job_id.to_string(),
            nodelist: nodelist.to_string(),
            released: false,
            _dir: dir,
        };
        let (code, text) = a.hook("prolog");
        assert_eq!(code, Some(0), "prolog: {text}");
        assert!(!text.contains("error:"), "prolog: {text}");
        a
    }
}

/// The taint testenv/kube puts on every node: the Slurm hooks' taint.
pub fn node_taint() -> String {
    std::env::var("HYBRIDCTL_KUBE_NODE_TAINT")
        .ok()
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "hybridctl.io/slurm-managed=true:NoSchedule".into())
}

/// Nodes admitted to a job by the real prolog; the real epilog runs on drop.
pub struct Admitted {
    site: std::path::PathBuf,
    job_id: String,
    nodelist: String,
    released: bool,
    _dir: tempfile::TempDir,
}

impl Admitted {
    fn hook(&self, phase: &str) -> (Option<i32>, String) {
        let out = Command::new(assert_cmd::cargo::cargo_bin("hybridctl"))
            .env_clear()
            .env("HYBRIDCTL_SITE_CONFIG", &self.site)
            .env("SLURM_JOB_ID", &self.job_id)
            .env("SLURM_JOB_NODELIST", &self.nodelist)
            .env("SLURM_JOB_STDOUT", "/home/u/hybridctl-test-%j.out")
            .args(["hook", phase, "--timeout", "20"])
            .output()
            .expect("hook");
        (out.status.code(), stdout(&out))
    }

    /// Run the epilog now; its log lines.
    pub fn release(mut self) -> String {
        self.released = true;
        let (code, text) = self.hook("epilog");
        assert_eq!(code, Some(0), "epilog: {text}");
        text
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        if !self.released {
            let _ = self.hook("epilog");
        }
    }
}

pub fn spec_file(dir: &std::path::Path, name: &str, nodes: u32) -> std::path::PathBuf {
    spec_file_env(dir, name, nodes, &[])
}

/// A spec whose container gets `env`: kwok's stages read `HYBRIDCTL_TEST_OUTCOME`
/// (succeed, fail, running), `HYBRIDCTL_TEST_RUN_DURATION` and `HYBRIDCTL_TEST_EXIT_CODE`
/// from the pods the operator makes of it.
pub fn spec_file_env(
    dir: &std::path::Path,
    name: &str,
    nodes: u32,
    env: &[(&str, &str)],
) -> std::path::PathBuf {
    spec_file_api(dir, Api::PyTorchJob, name, nodes, env)
}

/// [`spec_file_env`] for a backend: `kubernetes.api` is set for a TrainJob.
pub fn spec_file_api(
    dir: &std::path::Path,
    api: Api,
    name: &str,
    nodes: u32,
    env: &[(&str, &str)],
) -> std::path::PathBuf {
    let path = dir.join(format!("{name}.yaml"));
    let env: Vec<String> = env.iter().map(|(k, v)| format!("{k}: \"{v}\"")).collect();
    let api_field = match api {
        Api::PyTorchJob => String::new(),
        Api::TrainJob => ", api: trainjob".to_string(),
    };
    std::fs::write(
        &path,
        format!(
            "apiVersion: hybridctl.io/v1alpha1\nkind: TrainingJob\nname: {name}\nslurm: {{nodes: {nodes}, gpusPerNode: 8}}\nkubernetes: {{namespace: training{api_field}}}\ncontainer: {{image: registry.example/train:1, command: [python, train.py], env: {{{}}}}}\nnetwork: {{fabric: roce, rdmaResource: rdma/rdma_shared_device_a}}\n",
            env.join(", ")
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
    start_launch_full(kubeconfig, site, spec, job_id, nodelist, &[])
}

/// `start_launch` with more variables in the batch step's environment.
pub fn start_launch_env(
    p: &Plane,
    spec: &std::path::Path,
    job_id: &str,
    nodelist: &str,
    env: &[(&str, &str)],
) -> Child {
    start_launch_full(&p.user, "/dev/null", spec, job_id, nodelist, env)
}

fn start_launch_full(
    kubeconfig: &str,
    site: &str,
    spec: &std::path::Path,
    job_id: &str,
    nodelist: &str,
    env: &[(&str, &str)],
) -> Child {
    let frozen = frozen_spec(spec, site);
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
        .envs(env.iter().copied())
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

/// The frozen spec the batch script of `spec` carries (`render --only sbatch`).
fn frozen_spec(spec: &std::path::Path, site: &str) -> String {
    let script = hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", site)
        .args(["render", "--only", "sbatch"])
        .arg(spec)
        .output()
        .expect("render");
    assert!(script.status.success(), "{}", stderr(&script));
    stdout(&script)
        .lines()
        .skip_while(|l| !l.contains("<<'HYBRIDCTL_FROZEN_SPEC'"))
        .nth(1)
        .expect("frozen spec")
        .to_string()
}

/// Job `id` (2 nodes) as `submit` would have recorded it, for `status`/`logs` of a job
/// Slurm no longer knows.
fn record_job(c: &crate::slurm::Cluster, spec: &std::path::Path, id: &str, name: &str) {
    let rec = c.state.path().join(format!("hybridctl/jobs/{id}"));
    std::fs::create_dir_all(&rec).expect("mkdir");
    std::fs::write(rec.join("spec.json"), frozen_spec(spec, "/dev/null")).expect("spec");
    std::fs::write(
        rec.join("record.json"),
        format!(r#"{{"job_id":"{id}","name":"{name}","submitted_at":1,"spec_path":"x.yaml","submit_dir":"/tmp","nodes":2,"gpus_per_node":8,"output":"o"}}"#),
    )
    .expect("record");
}

/// `hybridctl status ID -o json` as the restricted identity: the document's items.
fn status_items(c: &crate::slurm::Cluster, p: &Plane, id: &str) -> Value {
    let out = c
        .hybridctl()
        .args(["status", id, "-o", "json", "--kubeconfig", &p.user])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice::<Value>(&out.stdout).expect("json")["items"].clone()
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
    let spec = spec_file_env(
        dir.path(),
        "kube-ok",
        2,
        &[("HYBRIDCTL_TEST_RUN_DURATION", "3s")],
    );
    let nodes = p.admit("905001", "node[1-2]");
    let started = Instant::now();
    let child = start_launch(&p, &spec, "905001", "node[1-2]");
    let name = "kube-ok-905001";
    let job = p.wait_pytorchjob(name);
    let created_after = started.elapsed();
    assert_eq!(
        job["metadata"]["labels"]["hybridctl.io/slurm-job-id"],
        "905001"
    );
    // The real operator made the pods, the real scheduler put them on the allocated nodes.
    let pods = p.wait_pods(name, 2, "Running", Duration::from_secs(30));
    let running_after = started.elapsed();
    for pod in &pods {
        let pod_name = pod["metadata"]["name"].as_str().expect("name");
        let owner = &pod["metadata"]["ownerReferences"][0];
        assert_eq!(owner["kind"], "PyTorchJob", "{pod_name}: {owner}");
        assert_eq!(owner["name"], name, "{pod_name}: {owner}");
        assert_eq!(owner["uid"], job["metadata"]["uid"], "{pod_name}");
    }
    p.assert_placed(&pods, &["node1", "node2"]);
    let (code, out, err) = finish(child, Duration::from_secs(60));
    assert_eq!(code, Some(0), "launch: {out}\n{err}");
    assert!(
        out.contains("created pytorchjob/kube-ok-905001 in namespace training on node[1-2]"),
        "{out}"
    );
    for replica in ["master-0", "worker-0"] {
        assert!(
            out.contains(&format!("[{replica}] ")),
            "the pods' logs are streamed with a prefix: {out}"
        );
    }
    assert!(out.contains("succeeded"), "{out}");
    let job = p.wait_condition(name, "Succeeded", Duration::from_secs(5));
    assert_eq!(
        job["status"]["replicaStatuses"]["Master"]["succeeded"], 1,
        "{}",
        job["status"]
    );
    eprintln!(
        "batch step start to PyTorchJob created: {created_after:?}, to 2 pods Running: {running_after:?}"
    );
    // The epilog removes what is left; the garbage collector takes the operator's Services.
    let lines = nodes.release();
    assert!(lines.contains("deleted pytorchjob"), "{lines}");
    assert!(
        p.wait_for(Duration::from_secs(30), || p.leftovers("905001") == 0
            && p.operator_objects(name) == 0),
        "left after the epilog: {} labelled, {} of the operator's",
        p.leftovers("905001"),
        p.operator_objects(name)
    );
}

/// Every example as a TrainJob (`--set kubernetes.api=trainjob`): accepted by the real API
/// server's strict validation against Trainer v2.3.0's CRD and through the Trainer's
/// admission webhooks, as the restricted identity; or, for what a TrainJob cannot carry
/// (an elastic job), refused by `render` with the field's position.
#[test]
fn every_example_as_a_trainjob_is_accepted_by_the_real_api_server_and_trainer_webhooks() {
    let Some(p) = plane() else { return };
    let mut accepted = 0;
    for (spec, site) in examples() {
        let mut cmd = hybridctl();
        if let Some(site) = site {
            cmd.env("HYBRIDCTL_SITE_CONFIG", site);
        }
        let out = cmd
            .args([
                "render",
                "--set",
                "kubernetes.api=trainjob",
                "--only",
                "trainjob",
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
        if !out.status.success() {
            assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
            assert!(
                stderr(&out).contains("cannot be expressed in a TrainJob"),
                "{}: {}",
                rel(&spec),
                stderr(&out)
            );
            continue;
        }
        let job: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(job["kind"], "TrainJob");
        let res = p.kubectl_as(
            &p.user,
            &["create", "--dry-run=server", "--validate=strict", "-f", "-"],
            Some(&stdout(&out)),
        );
        assert!(
            res.status.success(),
            "{}: the API server refused the TrainJob: {}",
            rel(&spec),
            stderr(&res)
        );
        accepted += 1;
    }
    assert!(
        accepted >= 3,
        "only {accepted} examples rendered as TrainJobs"
    );
    // The Trainer's validating webhook is in the path: a TrainJob whose runtime does not
    // exist is refused at admission.
    let bad = r#"{"apiVersion":"trainer.kubeflow.org/v1alpha1","kind":"TrainJob","metadata":{"name":"bad","namespace":"training"},"spec":{"runtimeRef":{"name":"no-such-runtime"}}}"#;
    let res = p.kubectl_as(
        &p.user,
        &["create", "--dry-run=server", "-f", "-"],
        Some(bad),
    );
    assert!(!res.status.success(), "{}", stdout(&res));
}

/// The TrainJob chain, every link real: launch creates the TrainJob, the Trainer renders the
/// `torch-distributed` runtime with hybridctl's patch into a JobSet, the JobSet controller
/// makes an indexed Job, kube-controller-manager its pods, kube-scheduler binds them onto
/// exactly the allocated nodes with exactly the GPUs, kwok runs them, the Trainer reports
/// `Complete`, and the epilog leaves nothing.
#[test]
fn launch_runs_a_trainjob_through_its_jobset_on_the_allocation_and_reports_success() {
    let Some(p) = plane() else { return };
    let api = Api::TrainJob;
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file_api(
        dir.path(),
        api,
        "kube-tj",
        2,
        &[("HYBRIDCTL_TEST_RUN_DURATION", "3s")],
    );
    let nodes = p.admit("905101", "node[1-2]");
    let started = Instant::now();
    let child = start_launch(&p, &spec, "905101", "node[1-2]");
    let name = "kube-tj-905101";
    let job = p.wait_job(api, name);
    assert_eq!(
        job["metadata"]["labels"]["hybridctl.io/slurm-job-id"],
        "905101"
    );
    assert_eq!(api.pinned(&job), ["node1", "node2"]);
    let pods = p.wait_pods_for(api, name, 2, "Running", Duration::from_secs(30));
    let running_after = started.elapsed();
    let jobset = p.json(&["get", "jobset", name, "-n", &p.ns]);
    assert_eq!(jobset["metadata"]["ownerReferences"][0]["kind"], "TrainJob");
    assert_eq!(
        jobset["metadata"]["ownerReferences"][0]["uid"],
        job["metadata"]["uid"]
    );
    assert_eq!(
        jobset["metadata"]["labels"]["hybridctl.io/slurm-job-id"],
        "905101"
    );
    for pod in &pods {
        let pod_name = pod["metadata"]["name"].as_str().expect("name");
        assert_eq!(
            pod["metadata"]["ownerReferences"][0]["kind"], "Job",
            "{pod_name}"
        );
        assert_eq!(
            pod["metadata"]["labels"]["hybridctl.io/slurm-job-id"], "905101",
            "{pod_name}: the runtime patch labels the pods"
        );
        let c = &pod["spec"]["containers"][0];
        assert_eq!(c["name"], "node");
        assert_eq!(
            c["resources"]["limits"]["rdma/rdma_shared_device_a"], "1",
            "{pod_name}"
        );
        assert!(
            c["env"].as_array().is_some_and(|e| e
                .iter()
                .any(|v| v["name"] == "NCCL_NET" && v["value"] == "IB")),
            "{pod_name}: the NCCL environment reaches the trainer container"
        );
    }
    p.assert_placed(&pods, &["node1", "node2"]);
    let (code, out, err) = finish(child, Duration::from_secs(60));
    assert_eq!(code, Some(0), "launch: {out}\n{err}");
    assert!(
        out.contains("created trainjob/kube-tj-905101 in namespace training on node[1-2]"),
        "{out}"
    );
    for prefix in api.prefixes() {
        assert!(
            out.contains(&format!("[{prefix}] ")),
            "the pods' logs are streamed with the rank's prefix: {out}"
        );
    }
    assert!(out.contains("trainjob/kube-tj-905101 succeeded"), "{out}");
    let done = p.json(&["get", "trainjob", name, "-n", &p.ns]);
    assert!(
        done["status"]["conditions"].as_array().is_some_and(|c| c
            .iter()
            .any(|c| c["type"] == "Complete" && c["status"] == "True")),
        "{}",
        done["status"]
    );
    eprintln!("trainjob: batch step start to 2 pods Running: {running_after:?}");
    let lines = nodes.release();
    assert!(lines.contains("deleted trainjob"), "{lines}");
    assert!(
        p.wait_for(Duration::from_secs(30), || p.leftovers("905101") == 0
            && p.controller_objects(api, name) == 0),
        "left after the epilog: {} labelled, {} of the controllers'",
        p.leftovers("905101"),
        p.controller_objects(api, name)
    );
}

#[test]
fn launch_reports_a_failed_job_with_its_reason() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file_env(
        dir.path(),
        "kube-fail",
        1,
        &[
            ("HYBRIDCTL_TEST_OUTCOME", "fail"),
            ("HYBRIDCTL_TEST_EXIT_CODE", "3"),
        ],
    );
    let nodes = p.admit("905002", "node3");
    let child = start_launch(&p, &spec, "905002", "node3");
    let name = "kube-fail-905002";
    let (code, out, err) = finish(child, Duration::from_secs(60));
    assert_eq!(code, Some(1), "{out}\n{err}");
    // The reason and message are the operator's own.
    let job = p.json(&["get", "pytorchjob", name, "-n", &p.ns]);
    let failed = job["status"]["conditions"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["type"] == "Failed"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(failed["status"], "True", "{}", job["status"]);
    let reason = failed["reason"].as_str().expect("reason");
    let message = failed["message"].as_str().expect("message");
    assert!(
        err.contains(&format!("pytorchjob/{name} failed: {reason}: {message}")),
        "{err}"
    );
    let pods = p.pods_of(name);
    assert_eq!(
        pods[0]["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"], 3,
        "{:?}",
        pods[0]["status"]
    );
    nodes.release();
    assert!(
        p.wait_for(Duration::from_secs(30), || p.leftovers("905002") == 0
            && p.operator_objects(name) == 0)
    );
}

#[test]
fn launch_on_sigterm_deletes_everything_it_created() {
    launch_on_sigterm(Api::PyTorchJob, "905003");
}

#[test]
fn launch_on_sigterm_deletes_everything_it_created_trainjob() {
    launch_on_sigterm(Api::TrainJob, "905103");
}

fn launch_on_sigterm(api: Api, id: &str) {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file_api(
        dir.path(),
        api,
        "kube-term",
        2,
        &[("HYBRIDCTL_TEST_OUTCOME", "running")],
    );
    let nodes = p.admit(id, "node[2-3]");
    let child = start_launch(&p, &spec, id, "node[2-3]");
    let name = format!("kube-term-{id}");
    p.wait_job(api, &name);
    p.wait_pods_for(api, &name, 2, "Running", Duration::from_secs(30));
    // The job object and its two pods (and for a TrainJob its JobSet, labelled by the patch).
    let expected = match api {
        Api::PyTorchJob => 3,
        Api::TrainJob => 4,
    };
    assert_eq!(p.leftovers(id), expected, "the job and its two pods exist");
    std::thread::sleep(Duration::from_millis(500));
    let start = Instant::now();
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    assert!(
        p.wait_for(Duration::from_secs(30), || p.leftovers(id) == 0
            && p.controller_objects(api, &name) == 0),
        "objects left behind after SIGTERM: {} labelled, {} of the controllers'",
        p.leftovers(id),
        p.controller_objects(api, &name)
    );
    let cleaned_in = start.elapsed();
    // launch then waits for Slurm's SIGKILL; play Slurm.
    let (_, out, err) = finish(child, Duration::from_secs(3));
    let short = api.name();
    assert!(
        out.contains(&format!("SIGTERM: deleting {short}/{name}")),
        "{out}\n{err}"
    );
    // The garbage collector deletes pods of the deleted job too, so launch deletes the
    // rest: how many depends on who is first.
    assert!(
        out.contains(&format!("deleted {short}/{name} and ")),
        "{out}\n{err}"
    );
    drop(nodes);
    eprintln!("{short}: SIGTERM to zero objects: {cleaned_in:?}");
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

/// The seed's orphaned-GPU pitfall: a node whose device plugin lost a GPU advertises 7.
#[test]
fn launch_refuses_a_node_with_fewer_gpus_than_the_job_asks_and_creates_nothing() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file(dir.path(), "kube-gpu7", 2);
    let set_gpus = |n: &str| {
        let patch = format!(
            r#"{{"status":{{"capacity":{{"nvidia.com/gpu":"{n}"}},"allocatable":{{"nvidia.com/gpu":"{n}"}}}}}}"#
        );
        let out = p.kubectl_admin(&[
            "patch",
            "node",
            "node2",
            "--subresource=status",
            "--type=merge",
            "-p",
            &patch,
        ]);
        assert!(out.status.success(), "patch node2: {}", stderr(&out));
    };
    set_gpus("7");
    let nodes = p.admit("905012", "node[1-2]");
    let child = start_launch(&p, &spec, "905012", "node[1-2]");
    let (code, out, err) = finish(child, Duration::from_secs(20));
    let seen = p.json(&["get", "node", "node2"])["status"]["allocatable"]["nvidia.com/gpu"].clone();
    set_gpus("8");
    assert_eq!(seen, "7", "the node advertised 7 GPUs during the launch");
    assert_eq!(code, Some(2), "{out}\n{err}");
    assert!(
        err.contains("node `node2` has 7 `nvidia.com/gpu`, the job needs 8"),
        "{err}"
    );
    assert!(!err.contains("node1"), "node1 is fine: {err}");
    assert_eq!(p.leftovers("905012"), 0, "launch created something");
    assert!(
        p.json(&["get", "pytorchjob", "kube-gpu7-905012", "-n", &p.ns])
            .is_null()
    );
    drop(nodes);
}

#[test]
fn status_shows_the_operators_conditions_and_the_pods_next_to_the_slurm_state() {
    let Some(c) = crate::slurm::cluster() else {
        return;
    };
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file_env(
        dir.path(),
        "kube-status",
        2,
        &[("HYBRIDCTL_TEST_OUTCOME", "running")],
    );
    let id = "987700";
    let name = format!("kube-status-{id}");
    // The job as `submit` would have recorded it (Slurm no longer knows it)...
    record_job(&c, &spec, id, "kube-status");
    // ...and its PyTorchJob, created by the restricted identity; node1 is admitted, node3
    // is not (it keeps the hooks' taint), so the scheduler places one pod and refuses one.
    let nodes = p.admit(id, "node1");
    let manifest = hybridctl()
        .args([
            "render",
            "--only",
            "pytorchjob",
            "-o",
            "json",
            "--job-id",
            id,
            "--nodelist",
            "node1,node3",
        ])
        .arg(&spec)
        .output()
        .expect("render");
    let out = p.kubectl_as(&p.user, &["create", "-f", "-"], Some(&stdout(&manifest)));
    assert!(out.status.success(), "{}", stderr(&out));
    p.wait_condition(&name, "Created", Duration::from_secs(30));
    let status = || status_items(&c, &p, id);
    // The pending pod shows the scheduler's own reason, not just "Pending".
    let mut v = Value::Null;
    assert!(
        p.wait_for(Duration::from_secs(30), || {
            v = status();
            v[0]["kubernetes"]["pods"]
                .as_array()
                .is_some_and(|pods| pods.iter().any(|p| !p["scheduling"].is_null()))
        }),
        "no scheduling reason: {v}"
    );
    let k = &v[0]["kubernetes"];
    assert_eq!(k["pytorchjob"], format!("pytorchjob/{name}"), "{v}");
    assert_eq!(k["podsTotal"], 2, "{v}");
    // The operator's own conditions, as the live object has them (Running too, when the
    // scheduler happened to place the master rather than the worker on node1).
    let live = p.json(&["get", "pytorchjob", &name, "-n", &p.ns]);
    let types = |conds: &Value| -> Vec<String> {
        conds
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["type"].as_str().map(str::to_string))
            .collect()
    };
    let shown = types(&k["conditions"]);
    assert_eq!(shown[0], "Created", "{v}");
    assert_eq!(shown, types(&live["status"]["conditions"]), "{v}");
    assert_eq!(
        k["conditions"][0]["reason"], live["status"]["conditions"][0]["reason"],
        "{v}"
    );
    assert_eq!(
        k["condition"].as_str(),
        shown.last().map(String::as_str),
        "{v}"
    );
    let pods = k["pods"].as_array().expect("pods");
    let placed = pods
        .iter()
        .find(|p| p["node"] == "node1")
        .unwrap_or_else(|| panic!("a pod on node1: {v}"));
    assert_eq!(placed["phase"], "Running", "{v}");
    let refused = pods
        .iter()
        .find(|p| p["phase"] == "Pending")
        .unwrap_or_else(|| panic!("a pending pod: {v}"));
    let why = refused["scheduling"].as_str().expect("scheduling");
    assert!(why.starts_with("FailedScheduling: "), "{why}");
    assert!(
        why.contains("untolerated taint"),
        "the scheduler's words: {why}"
    );
    // The same from the scheduler's event of that pod.
    let pod_name = refused["name"].as_str().expect("name");
    let sel = format!("reason=FailedScheduling,involvedObject.name={pod_name}");
    let events = p.items(&["get", "events", "-n", &p.ns, "--field-selector", &sel]);
    assert!(
        !events.is_empty(),
        "no FailedScheduling event for {pod_name}"
    );
    let table = c
        .hybridctl()
        .args(["status", id, "--kubeconfig", &p.user])
        .output()
        .expect("runs");
    let text = stdout(&table);
    assert!(text.contains("PYTORCHJOB"), "{text}");
    assert!(
        text.contains(&format!(
            "job {id}: pytorchjob/{name} in namespace training: Created"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("pod {pod_name}: Pending: FailedScheduling: ")),
        "{text}"
    );
    // node3 admitted too: the scheduler places the refused pod; then success, as the
    // operator reports it when the master ends.
    let node3 = p.admit(id, "node3");
    p.wait_pods(&name, 2, "Running", Duration::from_secs(30));
    p.wait_condition(&name, "Running", Duration::from_secs(30));
    p.finish(&name, "succeed");
    p.wait_condition(&name, "Succeeded", Duration::from_secs(30));
    let v = status();
    assert_eq!(v[0]["kubernetes"]["condition"], "Succeeded", "{v}");
    let _ = p.kubectl_admin(&["delete", "pytorchjob", &name, "-n", &p.ns]);
    drop(node3);
    drop(nodes);
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
    let spec = spec_file_env(
        dir.path(),
        "kube-restart",
        1,
        &[("HYBRIDCTL_TEST_OUTCOME", "running")],
    );
    let nodes = p.admit("905005", "node1");
    let child = start_launch(&p, &spec, "905005", "node1");
    let name = "kube-restart-905005";
    p.wait_pytorchjob(name);
    p.wait_pods(name, 1, "Running", Duration::from_secs(30));
    // launch is watching; restart the API server under it.
    let script = crate::util::root().join("testenv/kube/kube.sh");
    let restart = Command::new(&script)
        .arg("restart-apiserver")
        .output()
        .expect("kube.sh");
    assert!(restart.status.success(), "{}", stderr(&restart));
    // The pod ends after the restart; the operator sees it and reports success.
    p.finish(name, "succeed");
    let (code, out, err) = finish(child, Duration::from_secs(90));
    assert_eq!(
        code,
        Some(0),
        "launch did not resume its watch: {out}\n{err}"
    );
    assert!(out.contains("succeeded"), "{out}");
    drop(nodes);
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
    let nodes = p.admit("905007", "node[2-3]");
    let child = start_launch_with(&p.user, &site, &spec, "905007", "gpu-a,gpu-b");
    let name = "kube-map-905007";
    p.wait_pytorchjob(name);
    let (code, out, err) = finish(child, Duration::from_secs(60));
    assert_eq!(code, Some(0), "{out}\n{err}");
    // The scheduler put the pods on the mapped nodes.
    let mut placed: Vec<String> = p
        .pods_of(name)
        .iter()
        .map(|pod| {
            pod["spec"]["nodeName"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    placed.sort();
    assert_eq!(placed, ["node2", "node3"]);
    let _ = p.kubectl_admin(&["delete", "pytorchjob", name, "-n", &p.ns, "--wait=false"]);
    drop(nodes);

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
/// (The pod here is a bare labelled pod made by the test, not one "as the operator would":
/// only the wait is under test.)
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
    let ids = hybridctl::jobid::JobIds::one(hybridctl::jobid::JobId::parse(id).expect("job id"));
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

/// Create claims (and volumes) as a storage admin would; the real PV binder binds them.
fn storage_objects(p: &Plane, yaml: &str) {
    let out = p.kubectl_as(&p.admin, &["apply", "-f", "-"], Some(yaml));
    assert!(out.status.success(), "{}", stderr(&out));
}

fn claim_phase(p: &Plane, claim: &str) -> String {
    p.json(&["get", "pvc", claim, "-n", &p.ns])["status"]["phase"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn launch_and_doctor_check_the_gpfs_claim_before_any_pod_exists() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    // A ReadWriteOnce claim and an NFS one, each on a static volume of its own; a claim no
    // volume satisfies.
    let ns = &p.ns;
    storage_objects(
        &p,
        &format!(
            r#"apiVersion: v1
kind: PersistentVolume
metadata: {{name: hx-test-rwo-pv}}
spec:
  capacity: {{storage: 1Ti}}
  accessModes: [ReadWriteOnce]
  storageClassName: ibm-spectrum-scale
  csi: {{driver: spectrumscale.csi.ibm.com, volumeHandle: "hx-test;gpfs01;rwo"}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {{name: hx-test-rwo, namespace: {ns}}}
spec: {{accessModes: [ReadWriteOnce], storageClassName: ibm-spectrum-scale, volumeName: hx-test-rwo-pv, resources: {{requests: {{storage: 1Ti}}}}}}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {{name: hx-test-nfs}}
provisioner: nfs.csi.k8s.io
---
apiVersion: v1
kind: PersistentVolume
metadata: {{name: hx-test-nfs-pv}}
spec:
  capacity: {{storage: 1Ti}}
  accessModes: [ReadWriteMany]
  storageClassName: hx-test-nfs
  csi: {{driver: nfs.csi.k8s.io, volumeHandle: "nfs.example:/export"}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {{name: hx-test-nfs, namespace: {ns}}}
spec: {{accessModes: [ReadWriteMany], storageClassName: hx-test-nfs, volumeName: hx-test-nfs-pv, resources: {{requests: {{storage: 1Ti}}}}}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {{name: hx-test-unbound, namespace: {ns}}}
spec: {{accessModes: [ReadWriteMany], storageClassName: ibm-spectrum-scale, resources: {{requests: {{storage: 1Pi}}}}}}
"#
        ),
    );
    assert!(
        p.wait_for(Duration::from_secs(30), || claim_phase(&p, "hx-test-rwo")
            == "Bound"
            && claim_phase(&p, "hx-test-nfs") == "Bound"),
        "the PV binder did not bind the test claims"
    );
    assert_eq!(claim_phase(&p, "hx-test-unbound"), "Pending");
    let spec_with = |name: &str, claim: &str| {
        let path = dir.path().join(format!("{name}.yaml"));
        std::fs::write(
            &path,
            format!(
                "apiVersion: hybridctl.io/v1alpha1\nkind: TrainingJob\nname: {name}\nslurm: {{nodes: 1, gpusPerNode: 8}}\nkubernetes: {{namespace: training}}\ncontainer: {{image: registry.example/train:1, command: [python, train.py]}}\nnetwork: {{fabric: roce, rdmaResource: rdma/rdma_shared_device_a}}\nstorage:\n  gpfs: {{claimName: {claim}, mountPath: /gpfs/llm}}\n"
            ),
        )
        .expect("spec");
        path
    };
    // Refused before anything exists, with a sentence.
    for (i, (claim, want)) in [
        (
            "hx-test-missing",
            "the GPFS claim `hx-test-missing` does not exist in namespace `training`",
        ),
        (
            "hx-test-unbound",
            "the GPFS claim `hx-test-unbound` in namespace `training` is Pending, not Bound",
        ),
        (
            "hx-test-rwo",
            "the GPFS claim `hx-test-rwo` in namespace `training` is ReadWriteOnce, not ReadWriteMany",
        ),
    ]
    .iter()
    .enumerate()
    {
        let id = format!("90502{i}");
        let spec = spec_with("kube-claim", claim);
        let child = start_launch(&p, &spec, &id, "node1");
        let (code, out, err) = finish(child, Duration::from_secs(20));
        assert_eq!(code, Some(2), "{claim}: {out}\n{err}");
        assert!(err.contains(want), "{claim}: {err}");
        assert!(err.contains("ReadWriteMany claim bound"), "the hint: {err}");
        assert_eq!(p.leftovers(&id), 0, "{claim}: launch created something");
    }
    // Another CSI driver is a warning; the job runs. The static GPFS claim of the test bed
    // passes silently.
    for (id, claim, warned) in [
        ("905030", "hx-test-nfs", true),
        ("905031", "gpfs-llm-project", false),
    ] {
        let nodes = p.admit(id, "node1");
        let spec = spec_with("kube-claim", claim);
        let child = start_launch(&p, &spec, id, "node1");
        let (code, out, err) = finish(child, Duration::from_secs(60));
        assert_eq!(code, Some(0), "{claim}: {out}\n{err}");
        assert_eq!(
            out.contains(
                "hybridctl: warning: the GPFS claim `hx-test-nfs` uses storage class `hx-test-nfs`, provisioned by `nfs.csi.k8s.io`, not the Spectrum Scale CSI driver `spectrumscale.csi.ibm.com`"
            ),
            warned,
            "{claim}: {out}"
        );
        // The pods the operator made mount the claim.
        let pods = p.pods_of(&format!("kube-claim-{id}"));
        assert!(
            pods[0]["spec"]["volumes"].as_array().is_some_and(|v| v
                .iter()
                .any(|v| v["persistentVolumeClaim"]["claimName"] == claim)),
            "{claim}: {:?}",
            pods[0]["spec"]["volumes"]
        );
        nodes.release();
    }
    // doctor checks the site's claims the same way.
    let site = dir.path().join("doctor-site.yaml");
    std::fs::write(
        &site,
        format!(
            "kubeconfig: {}\ngpfs:\n  claims:\n    gpfs-llm-project: {{device: gpfs01, fileset: llm-project}}\n    hx-test-rwo: {{device: gpfs01, fileset: rwo}}\n    hx-test-nfs: {{device: gpfs01, fileset: nfs}}\n    hx-test-unbound: {{device: gpfs01, fileset: unbound}}\n",
            p.user
        ),
    )
    .expect("site");
    let out = hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .args(["doctor", "-o", "json", "-n", &p.ns])
        .output()
        .expect("doctor");
    let v: Value = serde_json::from_slice(&out.stdout).expect("doctor json");
    let row = |claim: &str| {
        v["checks"]
            .as_array()
            .and_then(|c| {
                c.iter()
                    .find(|c| c["check"] == format!("gpfs claim {claim}"))
                    .cloned()
            })
            .unwrap_or_else(|| panic!("no row for {claim}: {v}"))
    };
    assert_eq!(row("gpfs-llm-project")["result"], "pass", "{v}");
    assert!(
        row("gpfs-llm-project")["detail"]
            .as_str()
            .is_some_and(|d| d.contains("Bound to pv/gpfs-llm-project-pv, ReadWriteMany")),
        "{v}"
    );
    assert_eq!(row("hx-test-rwo")["result"], "fail", "{v}");
    assert_eq!(row("hx-test-unbound")["result"], "fail", "{v}");
    assert_eq!(row("hx-test-nfs")["result"], "warn", "{v}");
    // (The controller-manager's pvc-protection controller lifts the finalizers.)
    let _ = p.kubectl_admin(&[
        "delete",
        "pvc",
        "-n",
        &p.ns,
        "hx-test-rwo",
        "hx-test-nfs",
        "hx-test-unbound",
        "--wait=false",
    ]);
    let _ = p.kubectl_admin(&[
        "delete",
        "pv",
        "hx-test-rwo-pv",
        "hx-test-nfs-pv",
        "--wait=false",
    ]);
    let _ = p.kubectl_admin(&["delete", "storageclass", "hx-test-nfs", "--wait=false"]);
}

/// `testenv/kube/kube.sh <cmd>` on the test control plane (its settings come from the
/// environment of the test run).
fn kube_sh(cmd: &str) {
    let out = Command::new(crate::util::root().join("testenv/kube/kube.sh"))
        .arg(cmd)
        .output()
        .expect("kube.sh");
    assert!(out.status.success(), "kube.sh {cmd}: {}", stderr(&out));
}

/// Starts the training operator again when dropped (a failed test must not leave it down).
struct OperatorDown;

impl OperatorDown {
    fn new() -> Self {
        kube_sh("stop-operator");
        Self
    }
}

impl Drop for OperatorDown {
    fn drop(&mut self) {
        kube_sh("start-operator");
    }
}

#[test]
fn launch_gives_up_when_no_operator_acts_on_its_job_and_leaves_nothing() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file(dir.path(), "kube-noop", 1);
    let nodes = p.admit("905040", "node1");
    let down = OperatorDown::new();
    let start = Instant::now();
    let child = start_launch_env(
        &p,
        &spec,
        "905040",
        "node1",
        &[("HYBRIDCTL_LAUNCH_OPERATOR_TIMEOUT", "6")],
    );
    let (code, out, err) = finish(child, Duration::from_secs(60));
    let took = start.elapsed();
    drop(down);
    assert_eq!(code, Some(2), "{out}\n{err}");
    assert!(
        out.contains("hybridctl: waiting for the training operator to act on the PyTorchJob"),
        "the wait is shown while it lasts: {out}"
    );
    assert!(
        err.contains(
            "gave up on pytorchjob/kube-noop-905040: no controller is acting on the PyTorchJob: it has no status after 6s; deleted it and its pods"
        ),
        "{err}"
    );
    assert!(
        err.contains("is the Kubeflow training operator running"),
        "{err}"
    );
    assert!(took >= Duration::from_secs(6), "{took:?}");
    assert_eq!(p.leftovers("905040"), 0, "launch left its PyTorchJob");
    drop(nodes);
}

#[test]
fn a_job_survives_a_restart_of_the_operator_mid_run() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file_env(
        dir.path(),
        "kube-oprestart",
        2,
        &[("HYBRIDCTL_TEST_OUTCOME", "running")],
    );
    let nodes = p.admit("905041", "node[1-2]");
    let child = start_launch(&p, &spec, "905041", "node[1-2]");
    let name = "kube-oprestart-905041";
    p.wait_pytorchjob(name);
    let before: Vec<Value> = p.wait_pods(name, 2, "Running", Duration::from_secs(30));
    kube_sh("restart-operator");
    // The same pods (the restarted operator adopts them, it does not make new ones), then
    // success once they end.
    let after = p.pods_of(name);
    let uids = |pods: &[Value]| -> Vec<String> {
        pods.iter()
            .map(|p| {
                p["metadata"]["uid"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(uids(&before), uids(&after));
    p.finish(name, "succeed");
    let (code, out, err) = finish(child, Duration::from_secs(60));
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(out.contains("succeeded"), "{out}");
    nodes.release();
    assert!(
        p.wait_for(Duration::from_secs(30), || p.leftovers("905041") == 0
            && p.operator_objects(name) == 0)
    );
}

/// Placement faults that only the real scheduler reports: a taint without the matching
/// toleration and a node cordoned after the allocation. `launch` shows the scheduler's reason
/// per pod, gives up after its deadline with a sentence, and leaves nothing. A node missing
/// the RDMA resource is refused by launch itself, before anything exists.
#[test]
fn launch_gives_up_on_pods_the_scheduler_cannot_place_and_leaves_nothing() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let k = |args: &[&str]| {
        let out = p.kubectl_admin(args);
        assert!(out.status.success(), "kubectl {args:?}: {}", stderr(&out));
    };
    for (id, node, fault, undo, want) in [
        (
            "905050",
            "node1",
            vec![
                "taint",
                "node",
                "node1",
                "example.com/maintenance=true:NoSchedule",
            ],
            vec!["taint", "node", "node1", "example.com/maintenance-"],
            "untolerated taint",
        ),
        (
            "905051",
            "node2",
            vec!["cordon", "node2"],
            vec!["uncordon", "node2"],
            "unschedulable",
        ),
    ] {
        let spec = spec_file(dir.path(), "kube-place", 1);
        let nodes = p.admit(id, node);
        k(&fault);
        let child = start_launch_env(
            &p,
            &spec,
            id,
            node,
            &[("HYBRIDCTL_LAUNCH_SCHEDULE_TIMEOUT", "5")],
        );
        let (code, out, err) = finish(child, Duration::from_secs(60));
        k(&undo);
        let pod = format!("kube-place-{id}-master-0");
        assert_eq!(code, Some(2), "{id}: {out}\n{err}");
        assert!(
            out.contains(&format!("hybridctl: pod {pod} is not scheduled yet: FailedScheduling: 0/3 nodes are available: ")),
            "{id}: the scheduler's reason while launch waits: {out}"
        );
        assert!(out.contains(want), "{id}: {out}");
        assert!(
            err.contains(&format!(
                "gave up on pytorchjob/kube-place-{id}: pod {pod} could not be scheduled for 5s: FailedScheduling: "
            )),
            "{id}: {err}"
        );
        assert!(err.contains("hybridctl status"), "{id}: the hint: {err}");
        assert!(
            p.wait_for(Duration::from_secs(30), || p.leftovers(id) == 0
                && p.operator_objects(&format!("kube-place-{id}")) == 0),
            "{id}: objects left"
        );
        drop(nodes);
    }
    // No RDMA resource on the node: launch's own check, before anything is created.
    let set_rdma = |n: &str| {
        let patch = format!(
            r#"{{"status":{{"capacity":{{"rdma/rdma_shared_device_a":"{n}"}},"allocatable":{{"rdma/rdma_shared_device_a":"{n}"}}}}}}"#
        );
        k(&[
            "patch",
            "node",
            "node3",
            "--subresource=status",
            "--type=merge",
            "-p",
            &patch,
        ]);
    };
    set_rdma("0");
    let spec = spec_file(dir.path(), "kube-place", 1);
    let child = start_launch(&p, &spec, "905052", "node3");
    let (code, out, err) = finish(child, Duration::from_secs(20));
    set_rdma("1k");
    assert_eq!(code, Some(2), "{out}\n{err}");
    assert!(
        err.contains("node `node3` has 0 `rdma/rdma_shared_device_a`, the job needs 1"),
        "{err}"
    );
    assert_eq!(p.leftovers("905052"), 0);
}

/// A TrainJob's runtime is checked before anything is created: one that does not exist,
/// and one that would not give the pods the spec's priority class (Trainer's runtime
/// patches cannot set one), are refused with the reason, and nothing is left.
#[test]
fn launch_refuses_a_trainjob_runtime_that_cannot_run_the_job_and_creates_nothing() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    for (id, extra, why) in [
        (
            "905104",
            "runtime: no-such-runtime",
            "ClusterTrainingRuntime `no-such-runtime` does not exist",
        ),
        (
            "905105",
            "priorityClassName: training-high",
            "the spec asks for priority class `training-high`, but ClusterTrainingRuntime `torch-distributed` gives its pods none",
        ),
    ] {
        let spec = dir.path().join(format!("rt-{id}.yaml"));
        std::fs::write(
            &spec,
            format!(
                "apiVersion: hybridctl.io/v1alpha1\nkind: TrainingJob\nname: kube-rt\nslurm: {{nodes: 1, gpusPerNode: 8}}\nkubernetes: {{namespace: training, api: trainjob, {extra}}}\ncontainer: {{image: registry.example/train:1}}\n"
            ),
        )
        .expect("spec");
        let child = start_launch(&p, &spec, id, "node3");
        let (code, out, err) = finish(child, Duration::from_secs(30));
        assert_eq!(code, Some(2), "{out}\n{err}");
        assert!(err.contains(why), "{err}");
        assert!(err.contains("hint: set `kubernetes.runtime`"), "{err}");
        assert_eq!(p.leftovers(id), 0, "nothing is created");
    }
}

/// `status` and `logs` of a TrainJob: the TrainJob and its JobSet next to the Slurm state,
/// each pod with the scheduler's reason when it cannot be placed, and the pods' logs found
/// through the job label with the rank's prefix.
#[test]
fn status_and_logs_show_a_trainjob_its_jobset_and_its_pods() {
    let Some(c) = crate::slurm::cluster() else {
        return;
    };
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = spec_file_api(
        dir.path(),
        Api::TrainJob,
        "kube-tjstatus",
        2,
        &[("HYBRIDCTL_TEST_OUTCOME", "running")],
    );
    let id = "987701";
    let name = format!("kube-tjstatus-{id}");
    record_job(&c, &spec, id, "kube-tjstatus");
    // node1 is admitted, node3 keeps the hooks' taint: one pod runs, one is refused.
    let nodes = p.admit(id, "node1");
    let manifest = hybridctl()
        .args(["render", "--only", "trainjob", "-o", "json", "--job-id", id])
        .args(["--nodelist", "node1,node3"])
        .arg(&spec)
        .output()
        .expect("render");
    assert!(manifest.status.success(), "{}", stderr(&manifest));
    let out = p.kubectl_as(&p.user, &["create", "-f", "-"], Some(&stdout(&manifest)));
    assert!(out.status.success(), "{}", stderr(&out));
    let status = || status_items(&c, &p, id);
    let mut v = Value::Null;
    assert!(
        p.wait_for(Duration::from_secs(30), || {
            v = status();
            v[0]["kubernetes"]["pods"].as_array().is_some_and(|pods| {
                pods.len() == 2
                    && pods.iter().any(|p| !p["scheduling"].is_null())
                    && pods.iter().any(|p| p["phase"] == "Running")
            })
        }),
        "no running pod and no scheduling reason: {v}"
    );
    let k = &v[0]["kubernetes"];
    assert_eq!(k["trainjob"], format!("trainjob/{name}"), "{v}");
    assert!(k["pytorchjob"].is_null(), "{v}");
    assert!(
        k["jobset"]
            .as_str()
            .is_some_and(|j| j.starts_with(&format!("jobset/{name}"))),
        "{v}"
    );
    let refused = k["pods"]
        .as_array()
        .and_then(|p| p.iter().find(|p| !p["scheduling"].is_null()))
        .cloned()
        .unwrap_or_default();
    assert!(
        refused["scheduling"]
            .as_str()
            .is_some_and(|s| s.starts_with("FailedScheduling: ") && s.contains("taint")),
        "{refused}"
    );
    // The table view says where the job is and why the pod waits.
    let text = c
        .hybridctl()
        .args(["status", id, "--kubeconfig", &p.user])
        .output()
        .expect("runs");
    let text = stdout(&text) + &stderr(&text);
    assert!(
        text.contains(&format!("trainjob/{name} in namespace training")),
        "{text}"
    );
    // logs: the running pod's log, found by the job label, with its rank's prefix.
    let logs = c
        .hybridctl()
        .args(["logs", id, "--kubeconfig", &p.user, "-n", &p.ns])
        .output()
        .expect("logs");
    assert!(logs.status.success(), "{}", stderr(&logs));
    assert!(stdout(&logs).contains("[node-0] "), "{}", stdout(&logs));
    // The epilog removes the TrainJob; the JobSet, its Job and the pods go with it.
    let lines = nodes.release();
    assert!(
        lines.contains(&format!("deleted trainjob training/{name}")),
        "{lines}"
    );
    assert!(
        p.wait_for(Duration::from_secs(30), || p.leftovers(id) == 0
            && p.controller_objects(Api::TrainJob, &name) == 0),
        "left: {} labelled, {} of the controllers'",
        p.leftovers(id),
        p.controller_objects(Api::TrainJob, &name)
    );
}
