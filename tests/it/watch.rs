//! `status` filters, the grouped pending reasons and `status --watch`, against the real
//! local Slurm (testenv/slurm.sh): a job holding both nodes keeps others pending; the watch
//! sees them start and end.

use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// `output()` with a limit: a watch that does not end fails the test instead of hanging it.
trait TimeoutOutput {
    fn timeout_output(&mut self, limit: Duration) -> std::process::Output;
}

impl TimeoutOutput for std::process::Command {
    fn timeout_output(&mut self, limit: Duration) -> std::process::Output {
        let mut child = self
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let start = Instant::now();
        while child.try_wait().ok().flatten().is_none() && start.elapsed() < limit {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        child.wait_with_output().expect("output")
    }
}

use crate::slurm::{Cluster, cluster, long_launcher, wait_until, with_launcher};
use crate::util::{stderr, stdout};

/// `hybridctl status ARGS` running in the background, its stdout collected line by line.
struct Watch {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Watch {
    fn start(c: &Cluster, args: &[&str]) -> Self {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("hybridctl"));
        cmd.env("SLURM_CONF", &c.conf)
            .env("XDG_STATE_HOME", c.state.path())
            .env("HYBRIDCTL_SITE_CONFIG", "/dev/null")
            .env("HOME", c.work.path())
            .arg("status")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("hybridctl status --watch");
        let lines = crate::util::collect_lines(&mut child);
        Self { child, lines }
    }

    fn lines(&self) -> Vec<String> {
        self.lines.lock().expect("lines").clone()
    }

    fn wait_for(&self, limit: Duration, f: impl Fn(&[String]) -> bool) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if f(&self.lines()) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        false
    }

    /// Exit code and stderr, waiting at most `limit` (killed after that).
    fn end(mut self, limit: Duration) -> (Option<i32>, String) {
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                let mut err = String::new();
                if let Some(mut e) = self.child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut e, &mut err);
                }
                return (status.code(), err);
            }
            if start.elapsed() > limit {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return (None, "killed: did not end in time".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["jobId"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn status_filters_group_pending_reasons_and_watch_follows_jobs_to_their_end() {
    let Some(c) = cluster() else { return };
    let launcher = long_launcher(&c);
    let site = with_launcher(&c, &launcher);
    let holder = c.hold_both_nodes(&site);
    let submit = |name: &str, nodes: u32| c.submit_with(&site, &c.spec(name, nodes, 8, ""));
    let first = submit("waiting-a", 1);
    let second = submit("waiting-b", 1);
    let third = submit("waiting-c", 1);
    // Until the scheduler has looked at them, their reason is `None`.
    assert!(
        wait_until(Duration::from_secs(40), || {
            let v = c.status_json(&[&first, &second, &third]);
            v.as_array().is_some_and(|a| {
                a.iter()
                    .all(|j| j["reason"] != "None" && j["reason"] != Value::Null)
            })
        }),
        "{}",
        c.status_json(&[&first, &second, &third])
    );

    // Filters: my jobs, by state (names or codes, comma-separated or repeated).
    let json = |args: &[&str]| -> Value {
        let out = c
            .hybridctl()
            .arg("status")
            .args(args)
            .args(["-o", "json"])
            .output()
            .expect("runs");
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
        crate::contract::assert_document("job-status-list", &doc);
        doc["items"].clone()
    };
    let mut pending = vec![first.clone(), second.clone(), third.clone()];
    pending.sort();
    let mut got = ids(&json(&["--me", "--state", "pd"]));
    got.sort();
    assert_eq!(got, pending);
    assert_eq!(
        ids(&json(&["--user", "root", "-t", "RUNNING"])),
        std::slice::from_ref(&holder)
    );
    let mut all = ids(&json(&["--me", "--state", "R,PENDING"]));
    all.sort();
    let mut want = vec![holder.clone(), first.clone(), second.clone(), third.clone()];
    want.sort();
    assert_eq!(all, want);
    assert!(ids(&json(&["--me", "--state", "COMPLETED"])).is_empty());
    let out = c
        .hybridctl()
        .args(["status", "--state", "RUNNIN"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("`--state RUNNIN` is not a Slurm job state"),
        "{}",
        stderr(&out)
    );
    let out = c
        .hybridctl()
        .args(["status", "--me", &holder])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "--me with job ids is a usage error"
    );

    // The table: one line per job; the pending jobs waiting for the same cause share one
    // line (Slurm gives the first `Resources`, the ones behind it `Priority`).
    let out = c
        .hybridctl()
        .args(["status", &first, &second, &third, &holder])
        .output()
        .expect("runs");
    let table = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    let causes: Vec<&str> = table.lines().filter(|l| l.contains(" pending (")).collect();
    assert_eq!(causes.len(), 2, "{table}");
    assert!(
        causes[0].starts_with(&format!("job {first} is pending (")),
        "{table}"
    );
    assert!(causes[1].starts_with("2 jobs are pending ("), "{table}");
    assert!(
        causes[1].ends_with(&format!("[{second}, {third}]")),
        "{table}"
    );

    // --watch, not on a terminal: one line per change; -o json: one document per change.
    let text = Watch::start(&c, &["--watch", &first]);
    let docs = Watch::start(&c, &["--watch", "-o", "json", &first]);
    assert!(
        text.wait_for(Duration::from_secs(20), |l| l
            .iter()
            .any(|l| l.contains(&format!("job {first} (waiting-a): PENDING")))),
        "{:?}",
        text.lines()
    );
    // Freeing the nodes lets the first waiting job start (the scheduler decides when;
    // the watch asks Slurm once per scheduler interval, 30 s on the test cluster).
    let out = c
        .hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .args(["cancel", "--grace", "1", &holder, &second, &third])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        text.wait_for(Duration::from_secs(75), |l| l.iter().any(
            |l| l.contains(&format!("job {first}: PENDING -> RUNNING on node"))
        )),
        "{:?}",
        text.lines()
    );
    // Ctrl-C stops a watch (exit 0), not the job.
    let _ = std::process::Command::new("kill")
        .args(["-INT", &docs.child.id().to_string()])
        .status();
    let doc_lines = docs.lines();
    let (code, err) = docs.end(Duration::from_secs(10));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(c.squeue_state(&first).as_deref(), Some("RUNNING"));
    assert!(!doc_lines.is_empty());
    for l in &doc_lines {
        let doc: Value = serde_json::from_str(l).expect("one JSON document per line");
        crate::contract::assert_document("job-status-list", &doc);
        assert_eq!(ids(&doc["items"]), std::slice::from_ref(&first));
    }
    // The job ends: the watch says how and ends by itself.
    let out = c
        .hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .args(["cancel", "--grace", "1", &first])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let lines_of_text = text.lines.clone();
    let (code, err) = text.end(Duration::from_secs(75));
    assert_eq!(code, Some(0), "{err}");
    std::thread::sleep(Duration::from_millis(200));
    let lines = lines_of_text.lock().expect("lines").clone();
    assert!(
        lines.iter().any(
            |l| l.contains(&format!("job {first}: RUNNING -> CANCELLED"))
                || l.contains(&format!("job {first}: COMPLETING -> CANCELLED"))
        ),
        "{lines:?}"
    );
    assert!(err.contains("every job has ended"), "{err}");
    // On a terminal the watch draws the table (the screen cleared first) instead of lines;
    // the job has ended, so it draws once and stops.
    let bin = assert_cmd::cargo::cargo_bin("hybridctl");
    let out = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("{} status --watch {first}", bin.display()),
            "/dev/null",
        ])
        .env("SLURM_CONF", &c.conf)
        .env("XDG_STATE_HOME", c.state.path())
        .env("HYBRIDCTL_SITE_CONFIG", "/dev/null")
        .env("HOME", c.work.path())
        .env("TERM", "xterm-256color")
        .timeout_output(Duration::from_secs(30));
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(screen.contains("\x1b[H\x1b[2J"), "{screen:?}");
    assert!(
        screen.contains("JOBID") && screen.contains("CANCELLED"),
        "{screen}"
    );
    assert!(
        !screen.contains("RUNNING -> CANCELLED"),
        "a table, not change lines: {screen}"
    );
    assert!(
        err.contains("Slurm every 30 s"),
        "the scheduler's interval is read: {err}"
    );
}
