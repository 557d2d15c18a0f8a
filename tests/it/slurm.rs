//! Against the real local Slurm (testenv/slurm.sh, started by scripts/test.sh). These tests
//! FAIL when the cluster is missing; locally they may be skipped with a printed reason by
//! setting HYBRIDCTL_TEST_ALLOW_SKIP=1 (never in CI, where CI=true forbids skipping).
//!
//! The cluster has two nodes with 8 GPUs each; the tests share it, so they take a lock.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{hybridctl, root, stderr, stdout};

static CLUSTER: Mutex<()> = Mutex::new(());

pub struct Cluster {
    pub conf: String,
    _guard: MutexGuard<'static, ()>,
    pub state: tempfile::TempDir,
    pub work: tempfile::TempDir,
}

/// The running test cluster, or a failure (a skip only when explicitly allowed outside CI).
pub fn cluster() -> Option<Cluster> {
    let guard = CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    let conf = std::env::var("SLURM_CONF")
        .ok()
        .filter(|c| Path::new(c).is_file());
    let alive = conf.as_ref().is_some_and(|c| {
        std::process::Command::new("scontrol")
            .arg("ping")
            .env("SLURM_CONF", c)
            .output()
            .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("UP"))
    });
    if !alive {
        let why = "the test Slurm cluster is not running (scripts/test.sh starts it: `testenv/slurm.sh up` and `eval \"$(testenv/slurm.sh env)\"`)";
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        if ci || std::env::var("HYBRIDCTL_TEST_ALLOW_SKIP").is_err() {
            panic!("{why}");
        }
        eprintln!("skipping: {why} (HYBRIDCTL_TEST_ALLOW_SKIP=1)");
        return None;
    }
    let conf = conf.unwrap_or_default();
    // Leave no job of an earlier test behind.
    let _ = std::process::Command::new("scancel")
        .args(["--user", "root"])
        .env("SLURM_CONF", &conf)
        .status();
    wait_until(Duration::from_secs(30), || {
        std::process::Command::new("squeue")
            .args(["-h", "-o", "%i"])
            .env("SLURM_CONF", &conf)
            .output()
            .is_ok_and(|o| o.stdout.is_empty())
    });
    Some(Cluster {
        conf,
        _guard: guard,
        state: tempfile::tempdir().expect("tempdir"),
        work: tempfile::tempdir().expect("tempdir"),
    })
}

pub fn wait_until(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    false
}

impl Cluster {
    /// `hybridctl` against this cluster, with its own job-record directory; jobs run the real
    /// batch script, whose `launch` plans the PyTorchJob and prints it (dry run: the
    /// Kubernetes side is tested elsewhere).
    pub fn hybridctl(&self) -> assert_cmd::Command {
        let mut cmd = hybridctl();
        cmd.env("SLURM_CONF", &self.conf)
            .env("XDG_STATE_HOME", self.state.path())
            .env("HYBRIDCTL_SITE_CONFIG", self.site_config())
            .env("HYBRIDCTL_LAUNCH_DRY_RUN", "1")
            .env("HOME", self.work.path());
        cmd
    }

    fn site_config(&self) -> PathBuf {
        let path = self.work.path().join("site.yaml");
        if !path.is_file() {
            let bin = assert_cmd::cargo::cargo_bin("hybridctl");
            std::fs::write(
                &path,
                format!(
                    "launcher: {}\ndefaults:\n  slurm:\n    partition: gpu\n    output: {}/%x-%j.out\n  network:\n    fabric: socket\n",
                    bin.display(),
                    self.work.path().display()
                ),
            )
            .expect("site config");
        }
        path
    }

    /// A spec file for this cluster.
    pub fn spec(&self, name: &str, nodes: u32, gpus: u32, extra: &str) -> PathBuf {
        self.spec_env(name, nodes, gpus, extra, &[])
    }

    /// A spec whose container gets `env` (the test control plane's kwok reads
    /// `HYBRIDCTL_TEST_OUTCOME` and `HYBRIDCTL_TEST_RUN_DURATION` from the pods).
    pub fn spec_env(
        &self,
        name: &str,
        nodes: u32,
        gpus: u32,
        extra: &str,
        env: &[(&str, &str)],
    ) -> PathBuf {
        let path = self.work.path().join(format!("{name}.yaml"));
        let env: String = if env.is_empty() {
            String::new()
        } else {
            let vars: Vec<String> = env.iter().map(|(k, v)| format!("{k}: \"{v}\"")).collect();
            format!("  env: {{{}}}\n", vars.join(", "))
        };
        std::fs::write(
            &path,
            format!(
                "apiVersion: hybridctl.io/v1alpha1\nkind: TrainingJob\nname: {name}\nslurm:\n  nodes: {nodes}\n  gpusPerNode: {gpus}\n{extra}container:\n  image: registry.example/train:1\n  command: [python, train.py]\n{env}"
            ),
        )
        .expect("spec");
        path
    }

    pub fn squeue_state(&self, id: &str) -> Option<String> {
        let out = std::process::Command::new("squeue")
            .args(["-h", "-o", "%T", "-j", id])
            .env("SLURM_CONF", &self.conf)
            .output()
            .ok()?;
        let s = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (!s.is_empty()).then_some(s)
    }

    /// Submit with hybridctl, return the job id.
    pub fn submit(&self, spec: &Path, args: &[&str]) -> String {
        let out = self
            .hybridctl()
            .arg("submit")
            .arg(spec)
            .args(args)
            .output()
            .expect("runs");
        assert!(out.status.success(), "submit failed: {}", stderr(&out));
        let id = stdout(&out).trim().to_string();
        assert!(
            id.bytes().all(|b| b.is_ascii_digit()) && !id.is_empty(),
            "not a job id: {id:?}"
        );
        id
    }

    /// Submit `spec` under the site config `site` (a launcher of the test's own); the job id.
    pub fn submit_with(&self, site: &Path, spec: &Path) -> String {
        let out = self
            .hybridctl()
            .env("HYBRIDCTL_SITE_CONFIG", site)
            .arg("submit")
            .arg(spec)
            .output()
            .expect("runs");
        assert!(out.status.success(), "submit: {}", stderr(&out));
        stdout(&out).trim().to_string()
    }

    /// A job holding both nodes (under `site`, whose launcher stays up), RUNNING: later
    /// jobs stay pending until it is cancelled. Its id.
    pub fn hold_both_nodes(&self, site: &Path) -> String {
        let holder = self.submit_with(site, &self.spec("hold-all", 2, 8, ""));
        assert!(
            wait_until(Duration::from_secs(30), || self
                .squeue_state(&holder)
                .as_deref()
                == Some("RUNNING")),
            "the holding job {holder} does not run"
        );
        holder
    }

    pub fn wait_gone(&self, id: &str, limit: Duration) -> bool {
        wait_until(limit, || self.squeue_state(id).is_none())
    }

    pub fn status_json(&self, ids: &[&str]) -> Value {
        let out = self
            .hybridctl()
            .arg("status")
            .args(ids)
            .args(["-o", "json"])
            .output()
            .expect("runs");
        let doc: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("status -o json: {e}: {}\n{}", stdout(&out), stderr(&out)));
        doc["items"].clone()
    }
}

/// A launcher for test jobs that behaves like `launch` does with Kubernetes: it plans (the
/// real `hybridctl launch`, dry run), then stays up like a training job; on SIGTERM it
/// cleans up (here: says so) and then waits to be killed, so Slurm records the job as
/// CANCELLED or TIMEOUT rather than as a job that ended by itself.
pub fn long_launcher(c: &Cluster) -> PathBuf {
    let path = c.work.path().join("long-launcher.sh");
    let bin = assert_cmd::cargo::cargo_bin("hybridctl");
    std::fs::write(
        &path,
        format!(
            "#!/bin/bash\n\"{}\" \"$@\" || exit $?\ntrap 'echo cleaned-up-after-TERM; trap \"\" TERM; sleep 600 & wait' TERM\nsleep 600 &\nwait $!\n",
            bin.display()
        ),
    )
    .expect("launcher");
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&path)
        .status()
        .expect("chmod");
    path
}

pub fn with_launcher(c: &Cluster, launcher: &Path) -> PathBuf {
    let path = c.work.path().join("site-long.yaml");
    std::fs::write(
        &path,
        format!(
            "launcher: {}\ndefaults:\n  slurm:\n    partition: gpu\n    output: {}/%x-%j.out\n  network:\n    fabric: socket\n",
            launcher.display(),
            c.work.path().display()
        ),
    )
    .expect("site");
    path
}

fn output_of(c: &Cluster, name: &str, id: &str) -> String {
    std::fs::read_to_string(c.work.path().join(format!("{name}-{id}.out"))).unwrap_or_default()
}

#[test]
fn submit_runs_to_completed_with_a_record_and_the_allocation_reaches_launch() {
    let Some(c) = cluster() else { return };
    let spec = c.spec("one-node", 1, 8, "");
    let id = c.submit(&spec, &[]);
    assert!(
        c.wait_gone(&id, Duration::from_secs(60)),
        "job {id} did not finish"
    );
    // The record.
    let rec = c
        .state
        .path()
        .join(format!("hybridctl/jobs/{id}/record.json"));
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(&rec).expect("record written"))
            .expect("json");
    assert_eq!(record["job_id"], id.as_str());
    assert_eq!(record["name"], "one-node");
    assert!(
        c.state
            .path()
            .join(format!("hybridctl/jobs/{id}/job.sbatch"))
            .is_file()
    );
    // What `launch` planned inside the allocation: the Slurm job id, node and GPUs it got.
    let out = output_of(&c, "one-node", &id);
    assert!(
        out.contains(&format!("name: one-node-{id}")),
        "batch output:\n{out}"
    );
    assert!(
        out.contains(&format!("hybridctl.io/slurm-job-id: \"{id}\"")),
        "{out}"
    );
    assert!(out.contains("- node1") || out.contains("- node2"), "{out}");
    assert!(out.contains("nvidia.com/gpu: \"8\""), "{out}");
    // Status after the job left the queue comes from accounting (sacct -c here).
    let v = c.status_json(&[&id]);
    assert_eq!(v[0]["state"], "COMPLETED", "{v}");
    assert_eq!(v[0]["name"], "one-node");
}

#[test]
fn a_two_node_job_lands_on_two_nodes() {
    let Some(c) = cluster() else { return };
    let spec = c.spec("two-nodes", 2, 8, "");
    let id = c.submit(&spec, &[]);
    assert!(c.wait_gone(&id, Duration::from_secs(60)));
    let out = output_of(&c, "two-nodes", &id);
    assert!(out.contains("- node1") && out.contains("- node2"), "{out}");
    assert!(out.contains("Worker:"), "{out}");
}

#[test]
fn a_job_over_the_gres_limit_is_refused_and_not_recorded() {
    let Some(c) = cluster() else { return };
    let spec = c.spec("too-many-gpus", 1, 9, "");
    let out = c
        .hybridctl()
        .arg("submit")
        .arg(&spec)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("Slurm refused the job"), "{err}");
    assert!(
        err.contains("Requested node configuration is not available"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    assert!(
        !c.state.path().join("hybridctl/jobs").exists()
            || std::fs::read_dir(c.state.path().join("hybridctl/jobs"))
                .map(|d| d.count())
                .unwrap_or(0)
                == 0
    );
}

#[test]
fn an_invalid_partition_is_explained() {
    let Some(c) = cluster() else { return };
    let spec = c.spec("bad-partition", 1, 8, "");
    let out = c
        .hybridctl()
        .arg("submit")
        .arg(&spec)
        .args(["-p", "nosuchpart"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("invalid partition") || err.contains("Invalid partition"),
        "{err}"
    );
    assert!(
        err.contains("sinfo"),
        "the hint names the command that lists partitions: {err}"
    );
}

#[test]
fn dry_run_prints_the_script_and_the_command_and_submits_nothing() {
    let Some(c) = cluster() else { return };
    let spec = c.spec("dry", 1, 8, "");
    let out = c
        .hybridctl()
        .arg("submit")
        .arg(&spec)
        .arg("--dry-run")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("#!/bin/bash"));
    assert!(
        stderr(&out).contains("sbatch --parsable"),
        "{}",
        stderr(&out)
    );
    let queued = std::process::Command::new("squeue")
        .args(["-h", "-n", "dry", "-o", "%i"])
        .env("SLURM_CONF", &c.conf)
        .output()
        .expect("squeue");
    assert!(queued.stdout.is_empty(), "a dry run submitted a job");
    assert!(!c.state.path().join("hybridctl/jobs").exists());
}

#[test]
fn cancel_running_job_sends_term_first_then_reports_cancelled() {
    let Some(c) = cluster() else { return };
    let launcher = long_launcher(&c);
    let site = with_launcher(&c, &launcher);
    let spec = c.spec("long-run", 1, 8, "");
    let out = c
        .hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .arg("submit")
        .arg(&spec)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let id = stdout(&out).trim().to_string();
    assert!(wait_until(Duration::from_secs(30), || c
        .squeue_state(&id)
        .as_deref()
        == Some("RUNNING")));
    // launch has printed its plan before we cancel
    assert!(wait_until(Duration::from_secs(10), || output_of(
        &c, "long-run", &id
    )
    .contains("kind: PyTorchJob")));
    let start = Instant::now();
    let out = c
        .hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .args(["cancel", &id])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(start.elapsed() < Duration::from_secs(40));
    assert!(stdout(&out).contains("CANCELLED"), "{}", stdout(&out));
    assert!(c.squeue_state(&id).is_none());
    assert!(
        wait_until(Duration::from_secs(5), || output_of(&c, "long-run", &id)
            .contains("cleaned-up-after-TERM")),
        "launch did not get SIGTERM before the kill: {}",
        output_of(&c, "long-run", &id)
    );
}

#[test]
fn cancel_pending_job_and_explain_why_it_waits() {
    let Some(c) = cluster() else { return };
    let launcher = long_launcher(&c);
    let site = with_launcher(&c, &launcher);
    let hold = c.spec("hold-all", 2, 8, "");
    let out = c
        .hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .arg("submit")
        .arg(&hold)
        .output()
        .expect("runs");
    let holder = stdout(&out).trim().to_string();
    assert!(wait_until(Duration::from_secs(30), || c
        .squeue_state(&holder)
        .as_deref()
        == Some("RUNNING")));
    let waiting = c.spec("waiting", 1, 8, "");
    let id = c.submit(&waiting, &[]);
    assert!(wait_until(Duration::from_secs(10), || c
        .squeue_state(&id)
        .as_deref()
        == Some("PENDING")));
    // Until the scheduler has looked at the job its reason is `None`.
    let mut v = c.status_json(&[&id]);
    assert!(
        wait_until(Duration::from_secs(20), || {
            v = c.status_json(&[&id]);
            v[0]["reason"] != "None"
        }),
        "{v}"
    );
    assert_eq!(v[0]["state"], "PENDING");
    assert!(
        v[0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("Resources") || r.contains("Priority")),
        "{v}"
    );
    assert!(v[0]["reasonGroup"].as_str().is_some(), "{v}");
    let table = c.hybridctl().arg("status").arg(&id).output().expect("runs");
    assert!(stdout(&table).contains("PENDING"), "{}", stdout(&table));
    let start = Instant::now();
    let out = c.hybridctl().args(["cancel", &id]).output().expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "a pending job is cancelled directly"
    );
    assert!(stdout(&out).contains("CANCELLED"), "{}", stdout(&out));
    let out = c
        .hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .args(["cancel", &holder])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn cancel_of_finished_and_unknown_jobs_is_a_message() {
    let Some(c) = cluster() else { return };
    let spec = c.spec("quick", 1, 8, "");
    let id = c.submit(&spec, &[]);
    assert!(c.wait_gone(&id, Duration::from_secs(60)));
    let out = c.hybridctl().args(["cancel", &id]).output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("already finished") || stdout(&out).contains("already finished"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let out = c
        .hybridctl()
        .args(["cancel", "987654"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("987654"), "{}", stderr(&out));
}

#[test]
fn status_with_an_unknown_id_and_from_a_record() {
    let Some(c) = cluster() else { return };
    let out = c
        .hybridctl()
        .args(["status", "987655"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("987655"), "{}", stderr(&out));
    // A record of a job Slurm no longer knows (e.g. after a controller reset).
    let dir = c.state.path().join("hybridctl/jobs/987656");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("record.json"),
        r#"{"job_id":"987656","name":"old-job","cluster":"hybridtest","submitted_at":1,"spec_path":"x.yaml","submit_dir":"/tmp","nodes":1,"gpus_per_node":8,"partition":"gpu","output":"o"}"#,
    )
    .expect("record");
    let v = c.status_json(&["old-job"]);
    assert_eq!(v[0]["jobId"], "987656");
    assert_eq!(v[0]["source"], "record", "{v}");
}

#[test]
fn sbatch_missing_from_path_is_a_sentence_with_a_hint() {
    let Some(c) = cluster() else { return };
    let spec = c.spec("no-sbatch", 1, 8, "");
    let out = c
        .hybridctl()
        .env("PATH", "/nonexistent")
        .arg("submit")
        .arg(&spec)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("`sbatch` was not found"), "{err}");
    assert!(err.contains("slurm.binDir"), "{err}");
}

#[test]
fn a_job_that_hits_its_time_limit_reports_timeout() {
    let Some(c) = cluster() else { return };
    let launcher = long_launcher(&c);
    let site = with_launcher(&c, &launcher);
    let spec = c.spec("short-limit", 1, 8, "  time: \"1\"\n");
    let out = c
        .hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .arg("submit")
        .arg(&spec)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let id = stdout(&out).trim().to_string();
    assert!(
        c.wait_gone(&id, Duration::from_secs(150)),
        "time limit not enforced"
    );
    let v = c.status_json(&[&id]);
    assert_eq!(v[0]["state"], "TIMEOUT", "{v}");
}

#[test]
fn every_example_script_is_accepted_by_sbatch_test_only() {
    let Some(c) = cluster() else { return };
    for (spec, site) in crate::util::examples() {
        // Fit the example to the 2-node test cluster; everything else is as rendered.
        let text = std::fs::read_to_string(&spec).unwrap_or_default();
        let mut fit: Vec<String> = ["-p", "gpu", "-N", "2"].map(String::from).to_vec();
        for field in ["account", "qos", "constraint", "memory", "extraOptions"] {
            if text.contains(&format!("  {field}:")) {
                fit.extend(["--set".to_string(), format!("slurm.{field}=")]);
            }
        }
        fit.extend(["--set", "slurm.cpusPerTask=8"].map(String::from));
        if text.contains("elastic:") {
            fit.extend(
                [
                    "--set",
                    "training.elastic.maxNodes=2",
                    "--set",
                    "training.elastic.minNodes=1",
                ]
                .map(String::from),
            );
        }
        // An example that takes its GPU count from its partition in the site config gets 8.
        if !text.contains("gpusPerNode") {
            fit.extend(["--set", "slurm.gpusPerNode=8"].map(String::from));
        }
        let mut cmd = c.hybridctl();
        if let Some(site) = site {
            cmd.env("HYBRIDCTL_SITE_CONFIG", site);
        }
        let out = cmd
            .args(["render", "--only", "sbatch"])
            .arg(&spec)
            .args(&fit)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{}: {}", spec.display(), stderr(&out));
        let script = c.work.path().join("test-only.sbatch");
        std::fs::write(&script, &out.stdout).expect("write");
        let res = std::process::Command::new("sbatch")
            .arg("--test-only")
            .arg(&script)
            .env("SLURM_CONF", &c.conf)
            .current_dir(c.work.path())
            .output()
            .expect("sbatch");
        assert!(
            res.status.success(),
            "{}: sbatch --test-only: {}",
            spec.display(),
            stderr(&res)
        );
        assert!(stderr(&res).contains("to start at"), "{}", stderr(&res));
    }
}

#[test]
fn hostlists_agree_with_scontrol() {
    let Some(c) = cluster() else { return };
    // Generated lists: padding, several groups, large ranges, mixes.
    let mut lists: Vec<String> = Vec::new();
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for _ in 0..150 {
        let mut parts = Vec::new();
        for _ in 0..(1 + next(3)) {
            let width = next(4) as usize;
            let a = next(120);
            let b = a + next(40);
            let name = ["gpu", "node", "rack1-n", "cn", "x"][next(5) as usize];
            let range = if next(2) == 0 {
                format!("{a:0width$}-{b:0width$}")
            } else {
                format!("{a:0width$},{b:0width$}")
            };
            let tail = if next(4) == 0 {
                format!("-ib[{}-{}]", next(3), 3 + next(3))
            } else {
                String::new()
            };
            parts.push(format!("{name}[{range}]{tail}"));
            if next(3) == 0 {
                parts.push(format!("login{}", next(9)));
            }
        }
        lists.push(parts.join(","));
    }
    // One argument may hold at most 128 KiB (MAX_ARG_STRLEN), which bounds the compress check.
    lists.push("big[00000-09999]".into());
    for list in &lists {
        let ours = hybridctl::hostlist::expand(list).expect("we expand it");
        let theirs = std::process::Command::new("scontrol")
            .args(["show", "hostnames", list])
            .env("SLURM_CONF", &c.conf)
            .output()
            .expect("scontrol");
        let theirs: Vec<String> = String::from_utf8_lossy(&theirs.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(ours, theirs, "expand {list}");
        let compressed = std::process::Command::new("scontrol")
            .args(["show", "hostlist", &ours.join(",")])
            .env("SLURM_CONF", &c.conf)
            .output()
            .expect("scontrol");
        assert_eq!(
            hybridctl::hostlist::compress(&ours),
            String::from_utf8_lossy(&compressed.stdout).trim(),
            "compress {list}"
        );
    }
}

#[test]
fn status_of_200_queued_jobs_uses_one_squeue_call() {
    let Some(c) = cluster() else { return };
    // 200 held jobs, submitted with plain sbatch for speed, recorded by hybridctl submit for 3.
    let shim = c.work.path().join("shim");
    std::fs::create_dir_all(&shim).expect("mkdir");
    let real = std::process::Command::new("sh")
        .args(["-c", "command -v squeue"])
        .output()
        .expect("sh");
    let real = String::from_utf8_lossy(&real.stdout).trim().to_string();
    std::fs::write(
        shim.join("squeue"),
        format!(
            "#!/bin/sh\necho call >> \"{}/squeue-calls\"\nexec {real} \"$@\"\n",
            c.work.path().display()
        ),
    )
    .expect("shim");
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(shim.join("squeue"))
        .status()
        .expect("chmod");
    let mut ids = Vec::new();
    for i in 0..200 {
        let out = std::process::Command::new("sbatch")
            .args([
                "--parsable",
                "--hold",
                "-o",
                "/dev/null",
                "-J",
                &format!("held-{i}"),
                "--wrap",
                "true",
            ])
            .env("SLURM_CONF", &c.conf)
            .current_dir(c.work.path())
            .output()
            .expect("sbatch");
        ids.push(String::from_utf8_lossy(&out.stdout).trim().to_string());
    }
    let path = format!(
        "{}:{}",
        shim.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let start = Instant::now();
    let out = c
        .hybridctl()
        .env("PATH", &path)
        .args(["status", "--all", "-o", "json"])
        .output()
        .expect("runs");
    let took = start.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let v = v["items"].clone();
    assert!(
        v.as_array().is_some_and(|a| a.len() >= 200),
        "{}",
        v.as_array().map_or(0, |a| a.len())
    );
    let calls = std::fs::read_to_string(c.work.path().join("squeue-calls"))
        .unwrap_or_default()
        .lines()
        .count();
    assert_eq!(calls, 1, "status made {calls} squeue calls for 200 jobs");
    eprintln!(
        "status --all of {} jobs: {:?}, {calls} squeue call",
        v.as_array().map_or(0, |a| a.len()),
        took
    );
    let _ = std::process::Command::new("scancel")
        .args(&ids)
        .env("SLURM_CONF", &c.conf)
        .status();
}

fn with_fake_mmlsquota(cmd: &mut assert_cmd::Command) {
    let path = format!(
        "{}:{}",
        root().join("tests/fixtures/bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    cmd.env("PATH", path)
        .env("HYBRIDCTL_FAKE_MMLSQUOTA", "filesets.txt");
}

const GPFS_SPEC: &str = "storage:\n  gpfs:\n    claimName: gpfs-proj-a\n    mountPath: /gpfs/a\n    fileset: projA\n    device: gpfs01\n  checkpointDir: /gpfs/a/ckpt/{job_id}\n  checkpointSize: 1.2T\n  checkpointsKept: 3\n";

#[test]
fn submit_preflight_warns_about_a_nearly_full_fileset_and_strict_refuses() {
    let Some(c) = cluster() else { return };
    // The spec's storage section goes at the top level of the spec file.
    let spec = c.spec("ckpt-heavy", 1, 8, "");
    let text = std::fs::read_to_string(&spec).expect("spec") + GPFS_SPEC;
    std::fs::write(&spec, text).expect("spec");

    let mut cmd = c.hybridctl();
    with_fake_mmlsquota(&mut cmd);
    let out = cmd
        .arg("submit")
        .arg(&spec)
        .args(["--strict"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("not submitted: 3 checkpoints need"), "{err}");
    assert!(err.contains("projA"), "{err}");
    assert!(
        !c.state.path().join("hybridctl/jobs").exists(),
        "nothing recorded for a refused job"
    );

    let mut cmd = c.hybridctl();
    with_fake_mmlsquota(&mut cmd);
    let out = cmd.arg("submit").arg(&spec).output().expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: 3 checkpoints need"),
        "{}",
        stderr(&out)
    );
    let id = stdout(&out).trim().to_string();
    assert!(c.wait_gone(&id, Duration::from_secs(60)));

    // mmlsquota missing: one line, and the job is submitted anyway.
    let out = c
        .hybridctl()
        .env("PATH", "/usr/bin:/bin")
        .arg("submit")
        .arg(&spec)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("GPFS quota preflight skipped: `mmlsquota` was not found"),
        "{}",
        stderr(&out)
    );
    let id = stdout(&out).trim().to_string();
    assert!(c.wait_gone(&id, Duration::from_secs(60)));
}

#[test]
fn submit_follow_streams_the_batch_output_and_exits_with_the_result() {
    let Some(c) = cluster() else { return };
    let spec = c.spec("followed", 1, 8, "");
    let out = c
        .hybridctl()
        .arg("submit")
        .arg(&spec)
        .arg("--follow")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    let id = lines.next().expect("job id first").to_string();
    assert!(
        text.contains(&format!("name: followed-{id}")),
        "the batch output is streamed: {text}"
    );
    assert!(
        stderr(&out).contains(&format!("job {id} (followed) finished: COMPLETED")),
        "{}",
        stderr(&out)
    );

    // A job whose launch fails: the exit code says so.
    let bad = c.work.path().join("failing-launcher.sh");
    std::fs::write(
        &bad,
        "#!/bin/sh\necho 'launch failed on purpose' >&2\nexit 3\n",
    )
    .expect("write");
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&bad)
        .status()
        .expect("chmod");
    let site = with_launcher(&c, &bad);
    let out = c
        .hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .arg("submit")
        .arg(&spec)
        .arg("--follow")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("finished: FAILED, exit code 3"),
        "{}",
        stderr(&out)
    );
}
