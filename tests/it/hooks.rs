//! The Slurm controller hooks and `gc`: first the command alone (no cluster), then the whole
//! chain against the real Slurm of testenv/slurm.sh, started by scripts/test.sh with
//! PrologSlurmctld/EpilogSlurmctld = tests/fixtures/slurm-hooks/hook.sh (which runs
//! examples/slurm/hybridctl-hook.sh), and the real API server of testenv/kube as the
//! restricted identity. Those tests FAIL when either service is missing, or when the Slurm
//! cluster runs without the hooks.
//!
//! The real training operator, scheduler and controller-manager of testenv/kube act on the
//! PyTorchJob that the batch step's `launch` creates: the pods, their placement and the
//! job's result come from them (the container env `HYBRIDCTL_TEST_OUTCOME` of the spec tells
//! kwok how the pods end). Each test takes the Slurm lock first, then the Kubernetes one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::kube::{Api, Plane, plane};
use crate::slurm::{Cluster, cluster, wait_until};
use crate::util::{hybridctl, require_tool, root, stderr, stdout};

const TAINT_KEY: &str = "hybridctl.io/slurm-managed";
const LABEL: &str = "hybridctl.io/slurm-job-id";

// ---------------------------------------------------------------------------------------------
// The command alone

/// A kubeconfig for an API server that refuses connections.
fn dead_kubeconfig(dir: &Path) -> PathBuf {
    let path = dir.join("dead.kubeconfig");
    std::fs::write(
        &path,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \"https://127.0.0.1:1\"}\nusers:\n- name: u\n  user: {token: x}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n",
    )
    .expect("kubeconfig");
    path
}

fn hook_site(dir: &Path, extra: &str) -> PathBuf {
    let path = dir.join("site.yaml");
    std::fs::write(
        &path,
        format!(
            "kubeconfig: {}\nhooks:\n  namespaces: [training]\n{extra}",
            dead_kubeconfig(dir).display()
        ),
    )
    .expect("site");
    path
}

/// `hybridctl hook` as slurmctld runs it: the job's variables only, no PATH or HOME.
fn hook(site: &Path, phase: &str, vars: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = assert_cmd::Command::cargo_bin("hybridctl").expect("binary");
    cmd.env_clear()
        .env("HYBRIDCTL_SITE_CONFIG", site)
        .args(["hook", phase, "--timeout", "10"]);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().expect("runs")
}

const JOB: [(&str, &str); 4] = [
    ("SLURM_JOB_ID", "4242"),
    ("SLURM_JOB_NODELIST", "node[1-2]"),
    ("SLURM_JOB_PARTITION", "gpu"),
    ("SLURM_JOB_STDOUT", "/home/u/hybridctl-train-%j.out"),
];

#[test]
fn a_hook_that_cannot_reach_kubernetes_logs_why_and_does_not_fail_the_job() {
    let dir = tempfile::tempdir().expect("tempdir");
    let site = hook_site(dir.path(), "");
    for phase in ["prolog", "epilog"] {
        let start = Instant::now();
        let out = hook(&site, phase, &JOB);
        let text = stdout(&out);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{phase}: {text}{}",
            stderr(&out)
        );
        assert!(
            text.contains(&format!("hybridctl hook {phase}: job 4242: error: ")),
            "{text}"
        );
        assert!(
            text.contains(&format!("hybridctl hook {phase}: job 4242: hint: ")),
            "{text}"
        );
        assert!(text.contains("finished in"), "{text}");
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{phase} took {:?}",
            start.elapsed()
        );
    }
}

#[test]
fn fail_prolog_makes_a_failed_prolog_exit_1_and_never_the_epilog() {
    let dir = tempfile::tempdir().expect("tempdir");
    let site = hook_site(dir.path(), "  failProlog: true\n");
    let out = hook(&site, "prolog", &JOB);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let out = hook(&site, "epilog", &JOB);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // A job the prolog does not recognise needs nothing, so nothing can fail.
    let out = hook(
        &site,
        "prolog",
        &[
            ("SLURM_JOB_ID", "4243"),
            ("SLURM_JOB_NODELIST", "node1"),
            ("SLURM_JOB_STDOUT", "/w/slurm-%j.out"),
            ("SLURM_JOB_PARTITION", "gpu"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(
            "not a hybridctl job (output `/w/slurm-%j.out`, partition `gpu`); nothing to do"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_hook_outside_slurm_says_what_is_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let site = hook_site(dir.path(), "");
    let out = hook(&site, "epilog", &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("error: `SLURM_JOB_ID` is not set"),
        "{}",
        stdout(&out)
    );
    // A bad taint in the site config is reported against the file, and ignored.
    let site = hook_site(dir.path(), "  taint: no-effect\n");
    let out = hook(&site, "epilog", &JOB);
    assert!(
        stdout(&out).contains("`hooks.taint`: `no-effect` has no effect"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn the_example_wrapper_and_the_test_hook_are_shellcheck_clean() {
    if !require_tool("shellcheck") {
        return;
    }
    let out = std::process::Command::new("shellcheck")
        .args([
            "examples/slurm/hybridctl-hook.sh",
            "tests/fixtures/slurm-hooks/hook.sh",
        ])
        .current_dir(root())
        .output()
        .expect("shellcheck");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    // Outside a slurmctld hook the wrapper does nothing, and says so.
    let out = std::process::Command::new(root().join("examples/slurm/hybridctl-hook.sh"))
        .env_clear()
        .env("SLURM_SCRIPT_CONTEXT", "prolog_slurmd")
        .output()
        .expect("wrapper");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("not prolog_slurmctld"),
        "{}",
        stdout(&out)
    );
    // A log file it cannot write and a missing binary: it says so and never fails the job.
    let out = std::process::Command::new(root().join("examples/slurm/hybridctl-hook.sh"))
        .env_clear()
        .env("SLURM_SCRIPT_CONTEXT", "prolog_slurmctld")
        .env("SLURM_JOB_ID", "7")
        .env("HYBRIDCTL_HOOK_LOG", "/nonexistent/dir/hooks.log")
        .env("HYBRIDCTL_BIN", "/nonexistent/hybridctl")
        .output()
        .expect("wrapper");
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("cannot append to `/nonexistent/dir/hooks.log`"),
        "{text}"
    );
    assert!(
        text.contains("job 7: `/nonexistent/hybridctl` is not an executable file"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// Real Slurm + real API server

pub struct World {
    pub c: Cluster,
    pub p: Plane,
    /// The site config `submit` uses: the real launcher, output `hybridctl-%x-%j.out`.
    pub site: PathBuf,
    /// The hooks' log (tests/fixtures/slurm-hooks/hook.sh appends to it).
    log: PathBuf,
}

pub fn world() -> Option<World> {
    let c = cluster()?;
    let p = plane()?;
    let dir = Path::new(&c.conf)
        .parent()
        .and_then(Path::parent)
        .expect("SLURM_CONF is <dir>/etc/slurm.conf")
        .join("hybridctl");
    assert!(
        dir.join("hook.env").is_file(),
        "the test Slurm cluster runs without the hybridctl hooks: scripts/test.sh starts it with HYBRIDCTL_SLURM_PROLOG_SLURMCTLD/_EPILOG_SLURMCTLD=tests/fixtures/slurm-hooks/hook.sh and writes {}",
        dir.join("hook.env").display()
    );
    let site = c.work.path().join("site-hooks.yaml");
    std::fs::write(
        &site,
        format!(
            "launcher: {}\ndefaults:\n  slurm:\n    partition: gpu\n    output: {}/hybridctl-%x-%j.out\n  kubernetes:\n    namespace: {}\n  network:\n    fabric: socket\n",
            assert_cmd::cargo::cargo_bin("hybridctl").display(),
            c.work.path().display(),
            p.ns
        ),
    )
    .expect("site");
    Some(World {
        c,
        p,
        site,
        log: dir.join("hook.log"),
    })
}

impl World {
    pub fn json(&self, args: &[&str]) -> Value {
        self.p.json(args)
    }

    /// `hybridctl submit` of a real job: the batch step runs the real `hybridctl launch`
    /// with the restricted kubeconfig (jobs inherit KUBECONFIG from the submitter).
    /// `submit` of a spec whose container gets `env` (see the module's doc).
    pub fn submit_env(&self, name: &str, nodes: u32, extra: &str, env: &[(&str, &str)]) -> String {
        let spec = self.c.spec_env(name, nodes, 8, extra, env);
        let out = self
            .c
            .hybridctl()
            .env_remove("HYBRIDCTL_LAUNCH_DRY_RUN")
            .env("HYBRIDCTL_SITE_CONFIG", &self.site)
            .env("KUBECONFIG", &self.p.user)
            .arg("submit")
            .arg(&spec)
            .output()
            .expect("runs");
        assert!(out.status.success(), "submit: {}", stderr(&out));
        stdout(&out).trim().to_string()
    }

    fn hook_log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Wait for the hook's last line for this job.
    pub fn wait_hook(&self, phase: &str, id: &str, limit: Duration) {
        let line = format!("hybridctl hook {phase}: job {id}: finished");
        assert!(
            wait_until(limit, || self.hook_log().contains(&line)),
            "no `{line}` in {} within {limit:?}:\n{}",
            self.log.display(),
            self.hook_log()
        );
    }

    fn hook_lines(&self, phase: &str, id: &str) -> String {
        let prefix = format!("hybridctl hook {phase}: job {id}: ");
        self.hook_log()
            .lines()
            .filter(|l| l.starts_with(&prefix))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Labelled PyTorchJobs, TrainJobs, JobSets and pods of a job.
    pub fn leftovers(&self, id: &str) -> usize {
        let sel = format!("{LABEL}={id}");
        ["pytorchjobs", "trainjobs", "jobsets", "pods"]
            .iter()
            .map(|kind| {
                self.json(&["get", kind, "-n", &self.p.ns, "-l", &sel])["items"]
                    .as_array()
                    .map_or(0, Vec::len)
            })
            .sum()
    }

    /// Per node: (job label, job list annotation, whether the site taint is on).
    fn nodes(&self) -> BTreeMap<String, (String, String, bool)> {
        let mut out = BTreeMap::new();
        for n in self.json(&["get", "nodes"])["items"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let name = n["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let label = n["metadata"]["labels"][LABEL]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let ann = n["metadata"]["annotations"]["hybridctl.io/slurm-job-ids"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let tainted = n["spec"]["taints"]
                .as_array()
                .is_some_and(|t| t.iter().any(|t| t["key"] == TAINT_KEY));
            out.insert(name, (label, ann, tainted));
        }
        out
    }

    /// Nodes that some hybridctl hook admitted to `id`.
    fn held_by(&self, id: &str) -> Vec<String> {
        self.nodes()
            .into_iter()
            .filter(|(_, (l, a, _))| l == id || a.split(',').any(|x| x == id))
            .map(|(n, _)| n)
            .collect()
    }

    /// Put the site taint on nodes, as a site keeps Slurm-managed nodes.
    pub fn taint(&self, nodes: &[&str]) {
        for n in nodes {
            let out = self.p.kubectl_admin(&[
                "taint",
                "node",
                n,
                &format!("{TAINT_KEY}=true:NoSchedule"),
                "--overwrite",
            ]);
            assert!(out.status.success(), "taint: {}", stderr(&out));
        }
    }

    pub fn allocated(&self, id: &str) -> Vec<String> {
        let out = std::process::Command::new("squeue")
            .args(["-h", "-o", "%N", "-j", id])
            .env("SLURM_CONF", &self.c.conf)
            .output()
            .expect("squeue");
        hybridctl::hostlist::expand(stdout(&out).trim()).expect("a node list")
    }

    pub fn wait_running(&self, id: &str) {
        assert!(
            wait_until(Duration::from_secs(60), || self
                .c
                .squeue_state(id)
                .as_deref()
                == Some("RUNNING")),
            "job {id} did not start: {:?}",
            self.c.squeue_state(id)
        );
    }

    /// Wait for `launch` to create the PyTorchJob, and return it.
    pub fn wait_pytorchjob(&self, name: &str) -> Value {
        let mut job = Value::Null;
        assert!(
            wait_until(Duration::from_secs(60), || {
                job = self.json(&["get", "pytorchjob", name, "-n", &self.p.ns]);
                !job.is_null()
            }),
            "launch did not create pytorchjob/{name}; hooks:\n{}",
            self.hook_log()
        );
        job
    }

    pub fn final_state(&self, id: &str) -> String {
        let v = self.c.status_json(&[id]);
        v[0]["state"].as_str().unwrap_or_default().to_string()
    }

    /// After the epilog: nothing of the job on Kubernetes (its PyTorchJob and pods, and the
    /// operator's Services, which the garbage collector removes), its nodes released and
    /// tainted.
    pub fn assert_clean(&self, id: &str, nodes: &[String]) {
        assert_eq!(
            self.leftovers(id),
            0,
            "objects of job {id} left:\n{}",
            self.hook_log()
        );
        // The operator names a job's Services `<name>-<id>-<replica>-<index>`.
        let ours = |n: &str| {
            n.contains(&format!("-{id}-master-")) || n.contains(&format!("-{id}-worker-"))
        };
        assert!(
            wait_until(Duration::from_secs(30), || !self
                .p
                .items(&["get", "services", "-n", &self.p.ns])
                .iter()
                .any(|i| i["metadata"]["name"].as_str().is_some_and(ours))),
            "Services of job {id} left (the garbage collector removes them with the PyTorchJob)"
        );
        assert!(
            self.held_by(id).is_empty(),
            "nodes still held by job {id}: {:?}",
            self.nodes()
        );
        let now = self.nodes();
        for n in nodes {
            assert!(
                now[n].2,
                "the taint is not back on {n}: {now:?}\n{}",
                self.hook_lines("epilog", id)
            );
        }
    }

    /// While the job runs: its nodes carry its label and are free of the taint.
    pub fn assert_admitted(&self, id: &str, nodes: &[String]) {
        let now = self.nodes();
        for n in nodes {
            let (label, ann, tainted) = &now[n];
            assert_eq!(
                label,
                id,
                "node {n} while job {id} runs: {now:?}\n{}",
                self.hook_lines("prolog", id)
            );
            assert!(ann.split(',').any(|x| x == id), "{now:?}");
            assert!(
                !tainted,
                "the taint is still on {n} while job {id} runs: {now:?}"
            );
        }
    }
}

fn pinned(job: &Value) -> Vec<String> {
    job["spec"]["pytorchReplicaSpecs"]["Master"]["template"]["spec"]["affinity"]["nodeAffinity"]
        ["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0]["matchExpressions"][0]
        ["values"]
        .as_array()
        .expect("pinned nodes")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// A running job with its PyTorchJob (or TrainJob) created and the controllers' pods
/// running on the allocated nodes: what the cancel, time-limit and kill tests start from.
pub fn running_job(w: &World, name: &str, extra: &str) -> (String, Vec<String>) {
    running_job_on(w, Api::PyTorchJob, name, extra)
}

fn running_job_on(w: &World, api: Api, name: &str, extra: &str) -> (String, Vec<String>) {
    w.taint(&["node1", "node2"]);
    let extra = format!("{extra}{}", api.spec_lines());
    let id = w.submit_env(name, 2, &extra, &[("HYBRIDCTL_TEST_OUTCOME", "running")]);
    w.wait_running(&id);
    w.wait_hook("prolog", &id, Duration::from_secs(30));
    let nodes = w.allocated(&id);
    w.assert_admitted(&id, &nodes);
    let k8s_name = format!("{name}-{id}");
    let job = w.p.wait_job(api, &k8s_name);
    assert_eq!(api.pinned(&job), nodes);
    let pods =
        w.p.wait_pods_for(api, &k8s_name, 2, "Running", Duration::from_secs(60));
    let mut placed: Vec<String> = pods
        .iter()
        .map(|p| {
            p["spec"]["nodeName"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    placed.sort();
    assert_eq!(
        placed, nodes,
        "the scheduler placed the pods on the allocation"
    );
    // The job object and its two pods; a TrainJob's JobSet carries the label too.
    let expected = match api {
        Api::PyTorchJob => 3,
        Api::TrainJob => 4,
    };
    assert_eq!(w.leftovers(&id), expected);
    (id, nodes)
}

/// The happy path, every link real: `submit` -> PrologSlurmctld -> the batch step's
/// `launch` -> the operator's Master and Worker -> the scheduler's bindings on exactly the
/// allocated nodes -> `logs -f` of every pod -> success -> EpilogSlurmctld -> nothing left.
#[test]
fn submit_to_completed_the_prolog_admits_the_nodes_and_the_epilog_removes_everything() {
    let Some(w) = world() else { return };
    w.taint(&["node1", "node2"]);
    let id = w.submit_env("hooked", 2, "", &[("HYBRIDCTL_TEST_RUN_DURATION", "6s")]);
    w.wait_running(&id);
    w.wait_hook("prolog", &id, Duration::from_secs(30));
    let nodes = w.allocated(&id);
    assert_eq!(nodes, ["node1", "node2"]);
    w.assert_admitted(&id, &nodes);
    assert!(
        w.hook_lines("prolog", &id)
            .contains("its output file is `hybridctl-%x-%j.out`"),
        "{}",
        w.hook_lines("prolog", &id)
    );
    // launch created the PyTorchJob pinned to exactly the allocated nodes.
    let name = format!("hooked-{id}");
    let job = w.wait_pytorchjob(&name);
    assert_eq!(pinned(&job), nodes);
    assert_eq!(job["metadata"]["labels"][LABEL], id.as_str());
    // `hybridctl logs -f` follows every pod until the job ends.
    let logs = std::process::Command::new(assert_cmd::cargo::cargo_bin("hybridctl"))
        .args(["logs", "-f", &id, "--kubeconfig", &w.p.user, "-n", &w.p.ns])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HYBRIDCTL_SITE_CONFIG", "/dev/null")
        .env("HYBRIDCTL_CONFIG", "/dev/null")
        .env("XDG_STATE_HOME", w.c.state.path())
        .env("SLURM_CONF", &w.c.conf)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("hybridctl logs -f");
    // The operator's pods, owned by the PyTorchJob, bound by the scheduler, one per node.
    let pods = w.p.wait_pods(&name, 2, "Running", Duration::from_secs(60));
    let mut placed = Vec::new();
    for pod in &pods {
        let pod_name = pod["metadata"]["name"].as_str().expect("name");
        assert_eq!(pod["metadata"]["ownerReferences"][0]["kind"], "PyTorchJob");
        assert_eq!(pod["metadata"]["ownerReferences"][0]["name"], name.as_str());
        assert_eq!(
            pod["metadata"]["ownerReferences"][0]["uid"],
            job["metadata"]["uid"]
        );
        assert_eq!(
            w.p.scheduled_by(pod_name).as_deref(),
            Some("default-scheduler"),
            "{pod_name}"
        );
        for c in pod["spec"]["containers"].as_array().expect("containers") {
            assert_eq!(
                c["resources"]["limits"]["nvidia.com/gpu"], "8",
                "{pod_name}"
            );
        }
        placed.push(
            pod["spec"]["nodeName"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
    }
    let replicas: Vec<&str> = pods
        .iter()
        .filter_map(|p| p["metadata"]["labels"]["training.kubeflow.org/replica-type"].as_str())
        .collect();
    assert_eq!(replicas, ["master", "worker"]);
    placed.sort();
    assert_eq!(placed, nodes, "exactly the nodes of SLURM_JOB_NODELIST");
    let (code, _, err) = crate::kube::finish(logs, Duration::from_secs(60));
    assert!(
        w.c.wait_gone(&id, Duration::from_secs(60)),
        "job {id} did not end"
    );
    w.wait_hook("epilog", &id, Duration::from_secs(30));
    assert_eq!(w.final_state(&id), "COMPLETED");
    assert_eq!(code, Some(0), "logs -f: {err}");
    assert!(
        err.contains(&format!("job {id}: the PyTorchJob succeeded")),
        "logs -f ends with the job: {err}"
    );
    // The batch output holds the pods' logs, which launch followed, and the result.
    let output =
        std::fs::read_to_string(w.c.work.path().join(format!("hybridctl-hooked-{id}.out")))
            .unwrap_or_default();
    for replica in ["master-0", "worker-0"] {
        assert!(
            output.contains(&format!("[{replica}] ")),
            "{replica} in the batch output:\n{output}"
        );
    }
    assert!(
        output.contains(&format!("pytorchjob/{name} succeeded")),
        "{output}"
    );
    // launch leaves a successful job's objects; the epilog deleted them.
    let lines = w.hook_lines("epilog", &id);
    assert!(
        lines.contains(&format!("deleted pytorchjob {}/{name}", w.p.ns)),
        "{lines}"
    );
    // The pods go with the PyTorchJob (the garbage collector, often before the epilog lists
    // them: kwok ended them and the operator's cleanPodPolicy may remove them) or the epilog
    // deletes them: what the epilog guarantees is that nothing is left.
    w.assert_clean(&id, &nodes);
    assert!(
        wait_until(Duration::from_secs(30), || w.p.operator_objects(&name) == 0),
        "the operator's pods or Services are left"
    );
    eprintln!("epilog of a completed job:\n{lines}");
}

#[test]
fn scancel_mid_run_leaves_nothing() {
    scancel_mid_run(Api::PyTorchJob);
}

#[test]
fn scancel_mid_run_leaves_nothing_trainjob() {
    scancel_mid_run(Api::TrainJob);
}

fn scancel_mid_run(api: Api) {
    let Some(w) = world() else { return };
    let (id, nodes) = running_job_on(&w, api, "hook-cancel", "");
    let name = format!("hook-cancel-{id}");
    let start = Instant::now();
    let out = std::process::Command::new("scancel")
        .arg(&id)
        .env("SLURM_CONF", &w.c.conf)
        .output()
        .expect("scancel");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        wait_until(Duration::from_secs(60), || w.leftovers(&id) == 0
            && w.held_by(&id).is_empty()),
        "objects left after scancel: {}\n{}",
        w.leftovers(&id),
        w.hook_log()
    );
    let took = start.elapsed();
    w.wait_hook("epilog", &id, Duration::from_secs(30));
    assert!(w.c.wait_gone(&id, Duration::from_secs(30)));
    assert_eq!(w.final_state(&id), "CANCELLED");
    w.assert_clean(&id, &nodes);
    assert!(
        wait_until(Duration::from_secs(30), || w
            .p
            .controller_objects(api, &name)
            == 0),
        "what the controllers made for {}/{name} is left",
        api.name()
    );
    eprintln!(
        "{}: scancel to zero objects and released nodes: {took:?}",
        api.name()
    );
}

#[test]
fn hybridctl_cancel_mid_run_verifies_that_kubernetes_is_clean() {
    hybridctl_cancel_mid_run(Api::PyTorchJob);
}

#[test]
fn hybridctl_cancel_mid_run_verifies_that_kubernetes_is_clean_trainjob() {
    hybridctl_cancel_mid_run(Api::TrainJob);
}

fn hybridctl_cancel_mid_run(api: Api) {
    let Some(w) = world() else { return };
    let (id, nodes) = running_job_on(&w, api, "hook-hcancel", "");
    let start = Instant::now();
    let out =
        w.c.hybridctl()
            .env("HYBRIDCTL_SITE_CONFIG", &w.site)
            .env("KUBECONFIG", &w.p.user)
            .args(["cancel", &id, "-o", "json"])
            .output()
            .expect("cancel");
    let took = start.elapsed();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let v = v["items"].clone();
    let job = &v.as_array().expect("a list of jobs")[0];
    assert_eq!(job["jobId"], id.as_str(), "{v}");
    assert_eq!(job["state"], "CANCELLED", "{v}");
    assert_eq!(job["kubernetesClean"], true, "{v}\n{}", w.hook_log());
    assert_eq!(w.leftovers(&id), 0);
    w.wait_hook("epilog", &id, Duration::from_secs(30));
    w.assert_clean(&id, &nodes);
    let name = format!("hook-hcancel-{id}");
    assert!(
        wait_until(Duration::from_secs(30), || w
            .p
            .controller_objects(api, &name)
            == 0),
        "what the controllers made for {}/{name} is left",
        api.name()
    );
    eprintln!(
        "{}: hybridctl cancel to a verified clean Kubernetes side: {took:?}",
        api.name()
    );
}

#[test]
fn a_job_killed_by_its_time_limit_leaves_nothing() {
    let Some(w) = world() else { return };
    let (id, nodes) = running_job(&w, "hook-timeout", "  time: \"1\"\n");
    assert!(
        w.c.wait_gone(&id, Duration::from_secs(150)),
        "time limit not enforced"
    );
    w.wait_hook("epilog", &id, Duration::from_secs(30));
    assert_eq!(w.final_state(&id), "TIMEOUT");
    w.assert_clean(&id, &nodes);
}

/// The `hybridctl launch` process of a job, found by its environment.
fn launch_pid(id: &str) -> Option<u32> {
    let want = format!("SLURM_JOB_ID={id}");
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let environ = std::fs::read(e.path().join("environ")).ok()?;
        let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
        let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
        let ours = environ.split(|b| *b == 0).any(|v| v == want.as_bytes())
            && args.first().is_some_and(|a| a.ends_with(b"hybridctl"))
            && args.get(1).is_some_and(|a| *a == b"launch");
        ours.then_some(pid)
    })
}

#[test]
fn a_launch_killed_with_sigkill_leaves_nothing_after_the_epilog() {
    let Some(w) = world() else { return };
    let (id, nodes) = running_job(&w, "hook-kill", "");
    let pid = launch_pid(&id).expect("the launch process of the job");
    let start = Instant::now();
    let kill = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    assert!(
        w.c.wait_gone(&id, Duration::from_secs(60)),
        "job {id} did not end"
    );
    w.wait_hook("epilog", &id, Duration::from_secs(30));
    let took = start.elapsed();
    // launch could not clean up: the epilog did all of it.
    let lines = w.hook_lines("epilog", &id);
    assert!(lines.contains("deleted pytorchjob"), "{lines}");
    // The pods: deleted by the epilog, or already gone when it listed them (kwok ends them
    // after a few seconds and the operator removes them; on a loaded machine the epilog can
    // come later than that). Either way nothing of the job may be left.
    w.assert_clean(&id, &nodes);
    eprintln!(
        "SIGKILL of launch to epilog done: {took:?}; state {}",
        w.final_state(&id)
    );
}

#[test]
fn the_prolog_admits_only_jobs_it_recognises() {
    let Some(w) = world() else { return };
    let sbatch = |args: &[&str]| {
        let out = std::process::Command::new("sbatch")
            .arg("--parsable")
            .args(args)
            .env("SLURM_CONF", &w.c.conf)
            .current_dir(w.c.work.path())
            .output()
            .expect("sbatch");
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out).trim().to_string()
    };
    // Not a hybridctl job: plain output name, partition not in `hooks.partitions`.
    let plain = sbatch(&["-N", "2", "-o", "plain-%j.out", "--wrap", "sleep 2"]);
    // The test cluster's hook config lists `debug` in `hooks.partitions`.
    let listed = sbatch(&["-p", "debug", "-o", "plain-%j.out", "--wrap", "sleep 2"]);
    w.wait_hook("prolog", &plain, Duration::from_secs(30));
    w.wait_hook("prolog", &listed, Duration::from_secs(30));
    assert!(
        w.hook_lines("prolog", &plain)
            .contains("not a hybridctl job"),
        "{}",
        w.hook_log()
    );
    assert!(
        w.hook_lines("prolog", &listed)
            .contains("partition `debug` is in `hooks.partitions`"),
        "{}",
        w.hook_log()
    );
    assert!(w.c.wait_gone(&plain, Duration::from_secs(60)));
    assert!(w.c.wait_gone(&listed, Duration::from_secs(60)));
    w.wait_hook("epilog", &plain, Duration::from_secs(30));
    w.wait_hook("epilog", &listed, Duration::from_secs(30));
    assert!(
        w.hook_lines("prolog", &listed)
            .contains("labelled node node1"),
        "{}",
        w.hook_log()
    );
    assert!(
        !w.hook_lines("prolog", &plain).contains("labelled"),
        "{}",
        w.hook_log()
    );
    assert!(w.held_by(&listed).is_empty() && w.held_by(&plain).is_empty());
}

#[test]
fn gc_removes_orphans_and_keeps_what_running_jobs_own() {
    let Some(w) = world() else { return };
    let orphan = "990001";
    let ns = w.p.ns.clone();
    // A live job, with its PyTorchJob and node labels, that gc must keep.
    let live = w.submit_env("gc-live", 1, "", &[("HYBRIDCTL_TEST_OUTCOME", "running")]);
    w.wait_running(&live);
    w.wait_pytorchjob(&format!("gc-live-{live}"));
    w.wait_hook("prolog", &live, Duration::from_secs(30));
    // Orphans of a job Slurm does not know, planted as admin.
    let spec = w.c.spec("gc-orphan", 1, 8, "");
    let manifest = hybridctl()
        .args([
            "render",
            "--only",
            "pytorchjob",
            "-o",
            "json",
            "-n",
            &ns,
            "--job-id",
            orphan,
        ])
        .arg(&spec)
        .output()
        .expect("render");
    assert!(manifest.status.success(), "{}", stderr(&manifest));
    let out =
        w.p.kubectl_as(&w.p.admin, &["create", "-f", "-"], Some(&stdout(&manifest)));
    assert!(out.status.success(), "{}", stderr(&out));
    // The operator makes its pod (unschedulable: its nodes are not admitted) and Service.
    let orphan_name = format!("gc-orphan-{orphan}");
    assert!(
        wait_until(Duration::from_secs(30), || w.p.pods_of(&orphan_name).len()
            == 1),
        "the operator made no pod for pytorchjob/{orphan_name}"
    );
    for args in [
        vec![
            "label",
            "node",
            "node3",
            &format!("{LABEL}={orphan}"),
            "--overwrite",
        ],
        vec![
            "annotate",
            "node",
            "node3",
            &format!("hybridctl.io/slurm-job-ids={orphan}"),
            "--overwrite",
        ],
    ] {
        let out =
            w.p.kubectl_admin(&args.iter().map(|s| s.as_ref()).collect::<Vec<&str>>());
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(w.leftovers(orphan), 2);

    let gc = |extra: &[&str]| {
        w.c.hybridctl()
            .env("HYBRIDCTL_SITE_CONFIG", &w.site)
            .args(["gc", "--kubeconfig", &w.p.user])
            .args(extra)
            .output()
            .expect("runs")
    };
    // --dry-run lists exactly the orphans and removes nothing.
    let out = gc(&["--dry-run", "-o", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let listed: Vec<(String, String, String)> = v["orphans"]
        .as_array()
        .expect("orphans")
        .iter()
        .map(|o| {
            assert_eq!(o["action"], "would remove", "{o}");
            assert_eq!(o["reason"], "Slurm does not know the job", "{o}");
            (
                o["kind"].as_str().unwrap_or_default().to_string(),
                o["name"].as_str().unwrap_or_default().to_string(),
                o["jobId"].as_str().unwrap_or_default().to_string(),
            )
        })
        .filter(|(_, _, id)| id == orphan || id == &live)
        .collect();
    let name = format!("gc-orphan-{orphan}");
    assert_eq!(
        listed,
        [
            ("pytorchjob".to_string(), name.clone(), orphan.to_string()),
            (
                "pod".to_string(),
                format!("{name}-master-0"),
                orphan.to_string()
            ),
            (
                "node-label".to_string(),
                "node3".to_string(),
                orphan.to_string()
            ),
        ],
        "{v}"
    );
    assert!(
        v["kept"].as_u64().is_some_and(|k| k >= 2),
        "the live job's objects are kept: {v}"
    );
    assert_eq!(w.leftovers(orphan), 2, "a dry run removed something");
    assert_eq!(w.held_by(orphan), ["node3"]);
    let text = gc(&["--dry-run"]);
    assert!(stdout(&text).contains("would remove"), "{}", stdout(&text));
    assert!(
        stderr(&text).contains("dry run: would remove"),
        "{}",
        stderr(&text)
    );

    // gc removes them, and only them.
    let out = gc(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("removed"), "{}", stdout(&out));
    assert!(wait_until(Duration::from_secs(10), || w.leftovers(orphan) == 0));
    assert!(w.held_by(orphan).is_empty(), "{:?}", w.nodes());
    assert!(
        !w.held_by(&live).is_empty(),
        "gc released a running job's node"
    );
    assert_eq!(
        w.leftovers(&live),
        2,
        "gc deleted a running job's PyTorchJob or its pod"
    );
    let again = gc(&[]);
    assert!(
        stderr(&again).contains("nothing to remove"),
        "{}",
        stderr(&again)
    );

    // End the live job; its epilog cleans up.
    let _ = std::process::Command::new("scancel")
        .arg(&live)
        .env("SLURM_CONF", &w.c.conf)
        .status();
    assert!(w.c.wait_gone(&live, Duration::from_secs(60)));
    w.wait_hook("epilog", &live, Duration::from_secs(30));
    assert_eq!(w.leftovers(&live), 0);
}

/// gc finds an orphaned TrainJob, the JobSet the Trainer made of it and its pod (all carry
/// the job label, the JobSet and pod through hybridctl's runtime patch), and removes them;
/// nothing of it is left, the Jobs included.
#[test]
fn gc_removes_an_orphaned_trainjob_with_its_jobset_and_pods() {
    let Some(w) = world() else { return };
    let orphan = "990101";
    let ns = w.p.ns.clone();
    let spec = w.c.spec("gc-tj", 1, 8, Api::TrainJob.spec_lines());
    let manifest = hybridctl()
        .args(["render", "--only", "trainjob", "-o", "json", "-n", &ns])
        .args(["--job-id", orphan])
        .arg(&spec)
        .output()
        .expect("render");
    assert!(manifest.status.success(), "{}", stderr(&manifest));
    let out =
        w.p.kubectl_as(&w.p.admin, &["create", "-f", "-"], Some(&stdout(&manifest)));
    assert!(out.status.success(), "{}", stderr(&out));
    let name = format!("gc-tj-{orphan}");
    assert!(
        wait_until(Duration::from_secs(30), || w
            .p
            .pods_for(Api::TrainJob, &name)
            .len()
            == 1),
        "the controllers made no pod for trainjob/{name}"
    );
    // the TrainJob, its JobSet and its pod
    assert_eq!(w.leftovers(orphan), 3);
    let gc = |extra: &[&str]| {
        w.c.hybridctl()
            .env("HYBRIDCTL_SITE_CONFIG", &w.site)
            .args(["gc", "--kubeconfig", &w.p.user])
            .args(extra)
            .output()
            .expect("runs")
    };
    let out = gc(&["--dry-run", "-o", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let kinds: Vec<&str> = v["orphans"]
        .as_array()
        .expect("orphans")
        .iter()
        .filter(|o| o["jobId"] == orphan)
        .filter_map(|o| o["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["trainjob", "jobset", "pod"], "{v}");
    let out = gc(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        wait_until(Duration::from_secs(30), || w.leftovers(orphan) == 0
            && w.p.controller_objects(Api::TrainJob, &name) == 0),
        "left after gc: {} labelled, {} of the controllers'",
        w.leftovers(orphan),
        w.p.controller_objects(Api::TrainJob, &name)
    );
}

/// The happy path on Kubeflow Trainer v2, every link real: `submit` -> PrologSlurmctld -> the
/// batch step's `launch` -> TrainJob -> the Trainer's JobSet -> the Job controller's pods ->
/// the scheduler's bindings on exactly the allocated nodes with exactly the GPUs -> `Complete`
/// -> COMPLETED -> EpilogSlurmctld deletes the TrainJob -> nothing left.
#[test]
fn submit_to_completed_on_trainjob_the_epilog_removes_everything() {
    let Some(w) = world() else { return };
    let api = Api::TrainJob;
    w.taint(&["node1", "node2"]);
    let id = w.submit_env(
        "hooked-tj",
        2,
        api.spec_lines(),
        &[("HYBRIDCTL_TEST_RUN_DURATION", "4s")],
    );
    w.wait_running(&id);
    w.wait_hook("prolog", &id, Duration::from_secs(30));
    let nodes = w.allocated(&id);
    w.assert_admitted(&id, &nodes);
    let name = format!("hooked-tj-{id}");
    let job = w.p.wait_job(api, &name);
    assert_eq!(api.pinned(&job), nodes);
    assert_eq!(job["metadata"]["labels"][LABEL], id.as_str());
    let pods =
        w.p.wait_pods_for(api, &name, 2, "Running", Duration::from_secs(60));
    let nodes_ref: Vec<&str> = nodes.iter().map(String::as_str).collect();
    w.p.assert_placed(&pods, &nodes_ref);
    assert!(
        w.c.wait_gone(&id, Duration::from_secs(60)),
        "job {id} did not end"
    );
    w.wait_hook("epilog", &id, Duration::from_secs(30));
    assert_eq!(w.final_state(&id), "COMPLETED");
    let output = std::fs::read_to_string(
        w.c.work
            .path()
            .join(format!("hybridctl-hooked-tj-{id}.out")),
    )
    .unwrap_or_default();
    for prefix in api.prefixes() {
        assert!(
            output.contains(&format!("[{prefix}] ")),
            "{prefix} in the batch output:\n{output}"
        );
    }
    assert!(
        output.contains(&format!("trainjob/{name} succeeded")),
        "{output}"
    );
    let lines = w.hook_lines("epilog", &id);
    assert!(
        lines.contains(&format!("deleted trainjob {}/{name}", w.p.ns)),
        "{lines}"
    );
    w.assert_clean(&id, &nodes);
    assert!(
        wait_until(Duration::from_secs(30), || w
            .p
            .controller_objects(api, &name)
            == 0),
        "the JobSet, its Job or pods are left"
    );
}
