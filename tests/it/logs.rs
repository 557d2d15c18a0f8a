//! `hybridctl logs` against the real API server: the real training operator makes the pods of
//! a PyTorchJob rendered by hybridctl, the real scheduler binds them, and kwok serves each
//! pod's log from a file of its own (a kwok `Logs` object named like the pod, made before the
//! pod exists), through the API server, with `follow`. The tests append to those files to make
//! pods "print", restart the API server under a running `logs -f`, and end the pods with
//! [`Plane::finish`] so that the operator reports the job's result.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::kube::{Plane, finish, plane, spec_file, spec_file_env};
use crate::util::{hybridctl, stderr};

/// A CRI log line (what kwok reads): second `s` of the test's fixed clock, plus `ms`.
fn cri(s: u32, ms: u32, text: &str) -> String {
    format!(
        "2026-11-29T05:{:02}:{:02}.{ms:03}000000Z stdout F {text}\n",
        s / 60,
        s % 60
    )
}

fn append(path: &Path, lines: &[String]) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("log file");
    for l in lines {
        f.write_all(l.as_bytes()).expect("write");
    }
    f.flush().expect("flush");
}

/// Point kwok at a file of its own for one pod (before the pod exists).
fn give_log(p: &Plane, pod: &str, file: &Path) {
    let logs = serde_json::json!({
        "apiVersion": "kwok.x-k8s.io/v1alpha1", "kind": "Logs",
        "metadata": {"name": pod, "namespace": p.ns},
        "spec": {"logs": [{"containers": ["pytorch"], "logsFile": file.display().to_string(), "follow": true}]},
    });
    let out = p.kubectl_as(&p.admin, &["create", "-f", "-"], Some(&logs.to_string()));
    assert!(out.status.success(), "create Logs: {}", stderr(&out));
}

/// What an earlier, failed run may have left (the tests hold the plane's lock): call first,
/// before the test's kwok `Logs` objects are made.
fn reset(p: &Plane, job_id: &str) {
    let sel = format!("hybridctl.io/slurm-job-id={job_id}");
    let _ = p.kubectl_admin(&[
        "delete",
        "pytorchjobs,pods",
        "-n",
        &p.ns,
        "-l",
        &sel,
        "--wait=true",
        "--timeout=60s",
    ]);
    let _ = p.kubectl_admin(&["delete", "logs.kwok.x-k8s.io", "-n", &p.ns, "--all"]);
}

/// The PyTorchJob hybridctl renders from a spec, pinned to `node1..nodeN`, with pods that
/// keep running; created by the restricted identity after the real prolog admitted the nodes.
/// The training operator then makes its pods.
fn create_job(
    p: &Plane,
    dir: &Path,
    name: &str,
    job_id: &str,
    nodes: u32,
    admit: &str,
) -> (Value, crate::kube::Admitted) {
    let spec = spec_file_env(dir, name, nodes, &[("HYBRIDCTL_TEST_OUTCOME", "running")]);
    let nodelist = if nodes == 1 {
        "node1".to_string()
    } else {
        format!("node[1-{nodes}]")
    };
    let admitted = p.admit(job_id, admit);
    let out = hybridctl()
        .args([
            "render",
            "--only",
            "pytorchjob",
            "--job-id",
            job_id,
            "--nodelist",
        ])
        .arg(&nodelist)
        .arg(&spec)
        .output()
        .expect("render");
    assert!(out.status.success(), "{}", stderr(&out));
    let created = p.kubectl_as(
        &p.user,
        &["create", "-f", "-"],
        Some(&String::from_utf8_lossy(&out.stdout)),
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let job = p.json(&[
        "get",
        "pytorchjob",
        &format!("{name}-{job_id}"),
        "-n",
        &p.ns,
    ]);
    (job, admitted)
}

/// `replica-index` as `hybridctl logs` prefixes it (`master-0`, `worker-1`).
fn prefix(pod: &Value) -> String {
    let l = &pod["metadata"]["labels"];
    format!(
        "{}-{}",
        l["training.kubeflow.org/replica-type"]
            .as_str()
            .unwrap_or("?"),
        l["training.kubeflow.org/replica-index"]
            .as_str()
            .unwrap_or("?")
    )
}

fn cleanup(p: &Plane, job: &str, admitted: crate::kube::Admitted, pods: &[String]) {
    // The epilog deletes the PyTorchJob and its pods; the garbage collector its Services.
    admitted.release();
    assert!(
        p.wait_for(Duration::from_secs(30), || p.operator_objects(job) == 0),
        "pods or Services of {job} left"
    );
    for pod in pods {
        let _ = p.kubectl_admin(&["delete", "logs.kwok.x-k8s.io", pod, "-n", &p.ns]);
    }
}

/// `hybridctl logs ARGS` as the restricted user, its stdout collected line by line.
struct Follower {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Follower {
    fn start(p: &Plane, state: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("hybridctl"))
            .args(["logs", "--kubeconfig", &p.user, "-n", &p.ns])
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HYBRIDCTL_SITE_CONFIG", "/dev/null")
            .env("HYBRIDCTL_CONFIG", "/dev/null")
            .env("XDG_STATE_HOME", state)
            .envs(std::env::vars().filter(|(k, _)| k == "SLURM_CONF"))
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("hybridctl logs");
        let lines = crate::util::collect_lines(&mut child);
        Self { child, lines }
    }

    fn lines(&self) -> Vec<String> {
        self.lines.lock().expect("lines").clone()
    }

    fn wait_lines(&self, want: &[&str], limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            let have = self.lines();
            if want.iter().all(|w| have.iter().any(|l| l == w)) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

/// kwok picks `Logs` objects up through a watch of its own, which lags (for a while after an
/// API-server restart, notably): wait until it serves the pod's own file.
fn wait_kwok_serves(p: &Plane, pod: &str, first: &str) {
    assert!(
        p.wait_for(Duration::from_secs(60), || {
            let out = p.kubectl_admin(&["logs", pod, "-n", &p.ns]);
            String::from_utf8_lossy(&out.stdout).lines().next() == Some(first)
        }),
        "kwok does not serve the log file of pod {pod}"
    );
}

/// Wait until kwok reports `n` pods of the job Running (`logs` reads started pods only).
fn wait_running(p: &Plane, job_id: &str, n: usize) {
    let sel = format!("hybridctl.io/slurm-job-id={job_id}");
    assert!(
        p.wait_for(Duration::from_secs(60), || {
            p.json(&["get", "pods", "-n", &p.ns, "-l", &sel])["items"]
                .as_array()
                .is_some_and(|a| {
                    a.iter()
                        .filter(|i| i["status"]["phase"] == "Running")
                        .count()
                        == n
                })
        }),
        "the pods of job {job_id} are not Running"
    );
}

fn files(dir: &Path, job: &str, names: &[&str]) -> Vec<(String, PathBuf)> {
    names
        .iter()
        .map(|n| (format!("{job}-{n}"), dir.join(format!("{n}.log"))))
        .collect()
}

#[test]
fn logs_follow_every_pod_picks_up_new_pods_and_resumes_after_an_api_server_restart() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let id = "906001";
    let name = format!("logs-follow-{id}");
    reset(&p, id);
    let pods = files(dir.path(), &name, &["master-0", "worker-0", "worker-1"]);
    for (pod, file) in &pods {
        give_log(&p, pod, file);
    }
    // Three nodes pinned, two admitted: the scheduler places two pods and keeps the third
    // Pending (node3 still has the hooks' taint) until node3 is admitted too.
    let (_, admitted) = create_job(&p, dir.path(), "logs-follow", id, 3, "node[1-2]");
    wait_running(&p, id, 2);
    let live = p.pods_of(&name);
    let file_of = |pod: &Value| {
        let n = pod["metadata"]["name"].as_str().unwrap_or_default();
        pods.iter()
            .find(|(p, _)| p == n)
            .map(|(_, f)| f.clone())
            .expect("a log file per pod")
    };
    let running: Vec<&Value> = live
        .iter()
        .filter(|p| p["status"]["phase"] == "Running")
        .collect();
    let late = live
        .iter()
        .find(|p| p["status"]["phase"] == "Pending")
        .expect("one pod waits for node3");
    let (a, b, l) = (prefix(running[0]), prefix(running[1]), prefix(late));
    // Three lines and two; two of a's share a timestamp (the resume must count them).
    append(
        &file_of(running[0]),
        &[cri(0, 0, "a1"), cri(1, 500, "a2"), cri(1, 500, "a3")],
    );
    append(&file_of(running[1]), &[cri(0, 100, "b1"), cri(2, 0, "b2")]);
    wait_kwok_serves(
        &p,
        running[0]["metadata"]["name"].as_str().unwrap_or_default(),
        "a1",
    );
    wait_kwok_serves(
        &p,
        running[1]["metadata"]["name"].as_str().unwrap_or_default(),
        "b1",
    );

    let f = Follower::start(&p, dir.path(), &["-f", id]);
    let want = |pre: &str, lines: &[&str]| -> Vec<String> {
        lines.iter().map(|t| format!("[{pre}] {t}")).collect()
    };
    let first: Vec<String> = [want(&a, &["a1", "a2", "a3"]), want(&b, &["b1", "b2"])].concat();
    assert!(
        f.wait_lines(
            &first.iter().map(String::as_str).collect::<Vec<_>>(),
            Duration::from_secs(20)
        ),
        "every pod's lines with their prefix: {:?}",
        f.lines()
    );
    // The pods print more; the pod the scheduler places late is picked up when it starts.
    append(&file_of(running[0]), &[cri(3, 0, "a4")]);
    append(&file_of(late), &[cri(3, 0, "x1")]);
    let node3 = p.admit(id, "node3");
    let later = [want(&a, &["a4"]), want(&l, &["x1"])].concat();
    assert!(
        f.wait_lines(
            &later.iter().map(String::as_str).collect::<Vec<_>>(),
            Duration::from_secs(40)
        ),
        "new lines and the late pod: {:?}",
        f.lines()
    );
    wait_running(&p, id, 3);

    // The API server restarts under the open streams; lines written meanwhile arrive once.
    let script = crate::util::root().join("testenv/kube/kube.sh");
    let restart = Command::new(&script)
        .arg("restart-apiserver")
        .output()
        .expect("kube.sh");
    assert!(restart.status.success(), "{}", stderr(&restart));
    append(&file_of(running[0]), &[cri(3, 0, "a5"), cri(4, 0, "a6")]);
    append(&file_of(running[1]), &[cri(5, 0, "b3")]);
    let after = [want(&a, &["a5", "a6"]), want(&b, &["b3"])].concat();
    assert!(
        f.wait_lines(
            &after.iter().map(String::as_str).collect::<Vec<_>>(),
            Duration::from_secs(40)
        ),
        "lines after the restart: {:?}",
        f.lines()
    );
    std::thread::sleep(Duration::from_millis(500));
    let mut seen = f.lines();
    let total = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), total, "no line twice: {:?}", f.lines());
    assert_eq!(total, 10, "no line lost or added: {:?}", f.lines());

    // The job ends (the operator reports success when the master's pod has): `logs -f` ends
    // too, with a footer.
    p.finish(&name, "succeed");
    let (code, _, err) = finish(f.child, Duration::from_secs(30));
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains(&format!("job {id}: the PyTorchJob succeeded")),
        "{err}"
    );
    let a_pod = running[0]["metadata"]["name"].as_str().unwrap_or_default();
    assert!(
        err.contains(&format!("{a}: resumed the log of pod {a_pod}")),
        "the streams were really cut and resumed: {err}"
    );
    let names: Vec<String> = pods.iter().map(|(n, _)| n.clone()).collect();
    drop(node3);
    cleanup(&p, &name, admitted, &names);
}

#[test]
fn logs_without_follow_filters_and_prints_json() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let id = "906002";
    let name = format!("logs-dump-{id}");
    reset(&p, id);
    let pods = files(dir.path(), &name, &["master-0", "worker-0"]);
    for (pod, file) in &pods {
        give_log(&p, pod, file);
    }
    append(
        &pods[0].1,
        &[cri(0, 0, "m1"), cri(1, 0, "m2"), cri(2, 0, "m3")],
    );
    append(&pods[1].1, &[cri(0, 0, "w1"), cri(1, 0, "w2")]);
    let (_, admitted) = create_job(&p, dir.path(), "logs-dump", id, 2, "node[1-2]");
    wait_running(&p, id, 2);
    wait_kwok_serves(&p, &pods[0].0, "m1");
    wait_kwok_serves(&p, &pods[1].0, "w1");
    let run = |args: &[&str]| {
        let f = Follower::start(&p, dir.path(), args);
        let (code, _, err) = finish(f.child, Duration::from_secs(20));
        assert_eq!(code, Some(0), "{args:?}: {err}");
        std::thread::sleep(Duration::from_millis(100));
        f.lines.lock().expect("lines").clone()
    };
    // Replica order, one pod after the other.
    assert_eq!(
        run(&[id]),
        [
            "[master-0] m1",
            "[master-0] m2",
            "[master-0] m3",
            "[worker-0] w1",
            "[worker-0] w2"
        ]
    );
    assert_eq!(
        run(&[id, "--replica", "worker", "--no-prefix"]),
        ["w1", "w2"]
    );
    assert_eq!(
        run(&[id, "--tail", "1"]),
        ["[master-0] m3", "[worker-0] w2"]
    );
    assert_eq!(
        run(&[id, "--replica", "master-0", "--timestamps", "--tail", "1"]),
        ["[master-0] 2026-11-29T05:00:02.000000000Z m3"]
    );
    let json = run(&[id, "-o", "json", "--replica", "0", "--tail", "1"]);
    let v: Vec<Value> = json
        .iter()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(
        v[0],
        serde_json::json!({"apiVersion": "hybridctl.io/v1alpha1", "kind": "LogLine", "replica": "master-0", "pod": format!("{name}-master-0"), "time": "2026-11-29T05:00:02.000000000Z", "line": "m3"})
    );
    assert_eq!(v[1]["replica"], "worker-0");
    for line in &v {
        crate::contract::assert_document("log-line", line);
    }

    // More pods than `--max-streams`: the message names the flag; the first pod is followed.
    let f = Follower::start(&p, dir.path(), &["-f", id, "--max-streams", "1"]);
    assert!(
        f.wait_lines(&["[master-0] m3"], Duration::from_secs(20)),
        "{:?}",
        f.lines()
    );
    p.finish(&name, "succeed");
    let (code, _, err) = finish(f.child, Duration::from_secs(30));
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("following 1 pods at most at once") && err.contains("raise --max-streams"),
        "{err}"
    );
    cleanup(&p, &name, admitted, &[pods[0].0.clone(), pods[1].0.clone()]);
}

#[test]
fn logs_of_a_job_kubernetes_does_not_have_says_why() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    // Not in the queue either (the Slurm test cluster never had this id).
    let f = Follower::start(&p, dir.path(), &["906099"]);
    let (code, _, err) = finish(f.child, Duration::from_secs(20));
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("job 906099 has nothing on Kubernetes in namespace `training`"),
        "{err}"
    );
    // Flag values are checked before anything is asked.
    for (args, want) in [
        (["--since", "soon"], "`soon` is not a duration"),
        (["--replica", "chief"], "`chief` is not a replica"),
    ] {
        let f = Follower::start(&p, dir.path(), &["906099", args[0], args[1]]);
        let (code, _, err) = finish(f.child, Duration::from_secs(20));
        assert_eq!(code, Some(1), "{err}");
        assert!(err.contains(want) && err.contains("hint:"), "{err}");
    }
    let f = Follower::start(&p, dir.path(), &["no-such-name"]);
    let (code, _, err) = finish(f.child, Duration::from_secs(20));
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("no job matches `no-such-name`"), "{err}");
}

/// A recorded NCCL log (tests/fixtures/nccl) split by host into CRI lines stamped now.
fn nccl_fixture_by_host(fixture: &str, host: &str) -> Vec<String> {
    let text = std::fs::read_to_string(
        crate::util::root()
            .join("tests/fixtures/nccl")
            .join(fixture),
    )
    .expect("fixture");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    text.lines()
        .filter(|l| l.starts_with(&format!("{host}:")))
        .map(|l| {
            let secs = now % 86400;
            format!(
                "2026-11-29T{:02}:{:02}:{:02}.000000000Z stdout F {l}\n",
                secs / 3600,
                secs / 60 % 60,
                secs % 60
            )
        })
        .collect()
}

#[test]
fn a_socket_fallback_is_reported_by_logs_nccl_and_by_launch_at_once() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let id = "906003";
    let name = format!("logs-nccl-{id}");
    reset(&p, id);
    let pods = files(dir.path(), &name, &["master-0", "worker-0"]);
    for ((pod, file), host) in pods.iter().zip(["node01", "node02"]) {
        give_log(&p, pod, file);
        let lines = nccl_fixture_by_host("socket-no-device.log", host);
        assert!(!lines.is_empty());
        append(file, &lines);
    }
    let (_, admitted) = create_job(&p, dir.path(), "logs-nccl", id, 2, "node[1-2]");
    let first = |host: &str| {
        let l = nccl_fixture_by_host("socket-no-device.log", host).remove(0);
        l.split_once(" stdout F ")
            .expect("cri")
            .1
            .trim_end()
            .to_string()
    };
    wait_running(&p, id, 2);
    wait_kwok_serves(&p, &pods[0].0, &first("node01"));
    wait_kwok_serves(&p, &pods[1].0, &first("node02"));

    // `logs --nccl`: the summary and the verdict instead of the lines; exit 1.
    let f = Follower::start(&p, dir.path(), &[id, "--nccl"]);
    let (code, _, err) = finish(f.child, Duration::from_secs(20));
    std::thread::sleep(Duration::from_millis(100));
    let text = f.lines.lock().expect("lines").join("\n");
    assert_eq!(code, Some(1), "{text}\n{err}");
    assert!(text.contains("socket-fallback"), "{text}");
    assert!(text.contains("No device found"), "the evidence: {text}");
    let f = Follower::start(&p, dir.path(), &[id, "--nccl", "-o", "json"]);
    let (code, _, err) = finish(f.child, Duration::from_secs(20));
    std::thread::sleep(Duration::from_millis(100));
    let json = f.lines.lock().expect("lines").join("\n");
    assert_eq!(code, Some(1), "{err}");
    let v: Value = serde_json::from_str(&json).expect("json report");
    assert_eq!(v["verdicts"][0]["kind"], "socket_fallback", "{v}");
    assert_eq!(v["ranks"].as_array().map(Vec::len), Some(4), "{v}");
    crate::contract::assert_document("nccl-report", &v);

    // `launch` (adopting the job, as after a restart of the batch step) warns as soon as the
    // fallback shows, and prints the summary when the job ends.
    let spec = spec_file(dir.path(), "logs-nccl", 2);
    let child = crate::kube::start_launch(&p, &spec, id, "node[1-2]");
    std::thread::sleep(Duration::from_secs(3));
    p.finish(&name, "succeed");
    let (code, out, err) = finish(child, Duration::from_secs(60));
    assert_eq!(code, Some(0), "{out}\n{err}");
    let warn = out
        .find("hybridctl: NCCL error[socket-fallback]")
        .unwrap_or_else(|| panic!("no early warning: {out}"));
    let summary = out
        .find("hybridctl: NCCL summary of pytorchjob/logs-nccl-906003:")
        .unwrap_or_else(|| panic!("no summary: {out}"));
    assert!(warn < summary, "{out}");
    let names: Vec<String> = pods.iter().map(|(n, _)| n.clone()).collect();
    cleanup(&p, &name, admitted, &names);
}

/// Give a pod a current log and the log of its previous container (kwok serves
/// `previousLogsFile` for `previous=true`, as a kubelet does for a restarted container).
fn give_logs_with_previous(p: &Plane, pod: &str, file: &Path, previous: &Path) {
    let logs = serde_json::json!({
        "apiVersion": "kwok.x-k8s.io/v1alpha1", "kind": "Logs",
        "metadata": {"name": pod, "namespace": p.ns},
        "spec": {"logs": [{"containers": ["pytorch"], "logsFile": file.display().to_string(),
                           "previousLogsFile": previous.display().to_string(), "follow": true}]},
    });
    let out = p.kubectl_as(&p.admin, &["create", "-f", "-"], Some(&logs.to_string()));
    assert!(out.status.success(), "create Logs: {}", stderr(&out));
}

#[test]
fn logs_select_lines_by_regex_pods_by_rank_and_node_and_read_previous_containers() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let id = "906004";
    let name = format!("logs-select-{id}");
    reset(&p, id);
    let pods = files(dir.path(), &name, &["master-0", "worker-0"]);
    let prev = dir.path().join("master-0.previous.log");
    append(
        &prev,
        &[
            cri(0, 0, "old run step 1"),
            cri(0, 500, "CUDA error: an illegal memory access"),
        ],
    );
    give_logs_with_previous(&p, &pods[0].0, &pods[0].1, &prev);
    give_log(&p, &pods[1].0, &pods[1].1);
    append(
        &pods[0].1,
        &[
            cri(1, 0, "m NCCL INFO Init COMPLETE"),
            cri(2, 0, "m step 1 loss 2.0"),
            cri(3, 0, "m NCCL WARN slow"),
        ],
    );
    append(
        &pods[1].1,
        &[
            cri(1, 0, "w NCCL INFO Init COMPLETE"),
            cri(2, 0, "w step 1"),
        ],
    );
    // gpusPerNode 8: ranks 0-7 run in master-0, ranks 8-15 in worker-0.
    let (_, admitted) = create_job(&p, dir.path(), "logs-select", id, 2, "node[1-2]");
    wait_running(&p, id, 2);
    wait_kwok_serves(&p, &pods[0].0, "m NCCL INFO Init COMPLETE");
    wait_kwok_serves(&p, &pods[1].0, "w NCCL INFO Init COMPLETE");
    let run = |args: &[&str]| {
        let f = Follower::start(&p, dir.path(), args);
        let (code, _, err) = finish(f.child, Duration::from_secs(20));
        std::thread::sleep(Duration::from_millis(100));
        (code, f.lines.lock().expect("lines").clone(), err)
    };
    let ok = |args: &[&str]| {
        let (code, lines, err) = run(args);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        lines
    };
    // Lines: any --include, then no --exclude.
    assert_eq!(
        ok(&[id, "--include", "NCCL", "--exclude", "WARN"]),
        [
            "[master-0] m NCCL INFO Init COMPLETE",
            "[worker-0] w NCCL INFO Init COMPLETE"
        ]
    );
    assert_eq!(
        ok(&[
            id,
            "--include",
            "step",
            "--include",
            "WARN slow$",
            "--no-prefix"
        ]),
        ["m step 1 loss 2.0", "m NCCL WARN slow", "w step 1"]
    );
    // Rank 9 runs in node rank 1: worker-0; rank 3 in master-0.
    assert_eq!(
        ok(&[id, "--rank", "9", "--tail", "1"]),
        ["[worker-0] w step 1"]
    );
    assert_eq!(
        ok(&[id, "--rank", "3", "--tail", "1"]),
        ["[master-0] m NCCL WARN slow"]
    );
    // --node: the pods the scheduler bound to that node (a hostlist of one here).
    let worker_node = p.json(&["get", "pod", &pods[1].0, "-n", &p.ns])["spec"]["nodeName"]
        .as_str()
        .expect("worker-0 is bound")
        .to_string();
    assert_eq!(
        ok(&[id, "--node", &worker_node, "--tail", "1"]),
        ["[worker-0] w step 1"]
    );
    let (code, lines, err) = run(&[id, "--node", "node[7-8]"]);
    assert_eq!((code, lines.len()), (Some(0), 0), "{err}");
    // --previous: the restarted container's log; a pod without one says so on stderr.
    let (code, lines, err) = run(&[id, "--previous", "--replica", "master-0"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        lines,
        [
            "[master-0] old run step 1",
            "[master-0] CUDA error: an illegal memory access"
        ]
    );
    let (code, lines, err) = run(&[id, "--previous"]);
    assert_eq!((code, lines.len()), (Some(0), 2), "{lines:?} {err}");
    assert!(
        err.contains("worker-0: "),
        "the pod without a previous log is named: {err}"
    );
    // Bad input names the flag.
    let (code, _, err) = run(&[id, "--include", "("]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("`--include (` is not a regular expression"),
        "{err}"
    );
    let (code, _, err) = run(&[id, "--rank", "1", "--replica", "worker"]);
    assert_eq!(code, Some(2), "{err}");
    cleanup(&p, &name, admitted, &[pods[0].0.clone(), pods[1].0.clone()]);
}
