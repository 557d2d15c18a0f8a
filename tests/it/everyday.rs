//! `submit --env` and `--set` repeated, and `submit --follow` to the end or to Ctrl-C,
//! against the real local Slurm (testenv/slurm.sh).

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::slurm::{cluster, long_launcher, wait_until, with_launcher};
use crate::util::{hybridctl, root, stderr};

#[test]
fn env_flags_land_in_the_container_or_in_nccl_env_and_set_repeats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("env.yaml");
    std::fs::write(
        &spec,
        "apiVersion: hybridctl.io/v1alpha1\nkind: TrainingJob\nname: env\nslurm: {nodes: 2, gpusPerNode: 8, partition: gpu}\nkubernetes: {namespace: training}\ncontainer: {image: registry.example/train:1, command: [python, train.py], env: {A: \"1\"}}\nnetwork: {fabric: roce, rdmaResource: rdma/rdma_shared_device_a}\n",
    )
    .expect("spec");
    let out = hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", "/dev/null")
        .env("HYBRIDCTL_CONFIG", "/dev/null")
        .args(["render", "-o", "json"])
        .arg(&spec)
        .args([
            "--env",
            "A=2",
            "-e",
            "ZERO=007",
            "--env",
            "EMPTY=",
            "--env",
            "NCCL_DEBUG=WARN",
        ])
        .args(["--set", "slurm.nodes=3", "--set", "container.env.B=b"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let job = &v["pytorchjob"];
    let worker = &job["spec"]["pytorchReplicaSpecs"]["Worker"];
    assert_eq!(
        worker["replicas"], 2,
        "--set slurm.nodes=3: a master and 2 workers"
    );
    let env = worker["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .expect("env")
        .clone();
    let get = |name: &str| {
        env.iter()
            .find(|e| e["name"] == name)
            .map(|e| e["value"].clone())
    };
    assert_eq!(
        get("A"),
        Some("2".into()),
        "--env replaces the spec's value"
    );
    assert_eq!(get("ZERO"), Some("007".into()), "a value stays a string");
    assert_eq!(get("EMPTY"), Some("".into()));
    assert_eq!(get("B"), Some("b".into()));
    assert_eq!(
        get("NCCL_DEBUG"),
        Some("WARN".into()),
        "NCCL variables via network.ncclEnv"
    );
    let script = v["sbatch"].as_str().expect("script");
    assert!(
        script.contains("export NCCL_DEBUG=WARN"),
        "the batch script agrees: {script}"
    );
    // A bad name is a usage error naming the flag.
    let out = hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", "/dev/null")
        .args(["render"])
        .arg(&spec)
        .args(["--env", "1X=2"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`1X` is not an environment variable name"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn submit_follow_waits_through_pending_streams_and_ctrl_c_stops_following_not_the_job() {
    let Some(c) = cluster() else { return };
    let launcher = long_launcher(&c);
    let site = with_launcher(&c, &launcher);
    // A job holding both nodes keeps the followed one pending for a while.
    let holder = c.hold_both_nodes(&site);
    let spec = c.spec("followed-long", 1, 8, "");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("hybridctl"));
    cmd.env("SLURM_CONF", &c.conf)
        .env("XDG_STATE_HOME", c.state.path())
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .env("HYBRIDCTL_LAUNCH_DRY_RUN", "1")
        .env("HOME", c.work.path())
        .args(["submit", "--follow", "--env", "FOLLOWED=yes"])
        .arg(&spec)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("submit --follow");
    let mut first = String::new();
    let mut out = child.stdout.take().expect("stdout");
    let start = Instant::now();
    let mut byte = [0u8; 1];
    while !first.ends_with('\n') && start.elapsed() < Duration::from_secs(20) {
        if out.read(&mut byte).unwrap_or(0) == 0 {
            break;
        }
        first.push(byte[0] as char);
    }
    let id = first.trim().to_string();
    assert!(
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()),
        "{first:?}"
    );
    // Free the nodes: the job starts, its output streams.
    let out_c = c
        .hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .args(["cancel", "--grace", "1", &holder])
        .output()
        .expect("runs");
    assert!(out_c.status.success(), "{}", stderr(&out_c));
    assert!(wait_until(Duration::from_secs(60), || c
        .squeue_state(&id)
        .as_deref()
        == Some("RUNNING")));
    std::thread::sleep(Duration::from_secs(2));
    // Ctrl-C: following stops, the job does not.
    let _ = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let start = Instant::now();
    let status = loop {
        if let Ok(Some(s)) = child.try_wait() {
            break Some(s);
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut streamed = String::new();
    let _ = out.read_to_string(&mut streamed);
    let mut err = String::new();
    let _ = child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err);
    assert_eq!(status.and_then(|s| s.code()), Some(130), "{err}");
    assert!(
        err.contains(&format!(
            "stopped following; job {id} (followed-long) goes on"
        )),
        "{err}"
    );
    assert_eq!(
        c.squeue_state(&id).as_deref(),
        Some("RUNNING"),
        "Ctrl-C left the job running"
    );
    assert!(
        streamed.contains(&format!("name: followed-long-{id}")),
        "the batch output streamed: {streamed}"
    );
    assert!(
        streamed.contains("FOLLOWED"),
        "--env reached the PyTorchJob: {streamed}"
    );
    let out_c = c
        .hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .args(["cancel", "--grace", "1", &id])
        .output()
        .expect("runs");
    assert!(out_c.status.success(), "{}", stderr(&out_c));
}

#[test]
fn submit_follow_ends_with_the_state_and_the_nccl_verdict() {
    let Some(c) = cluster() else { return };
    // A launcher that prints a recorded NCCL log with a collective timeout, then succeeds.
    let launcher = c.work.path().join("nccl-launcher.sh");
    std::fs::write(
        &launcher,
        format!(
            "#!/bin/sh\ncat '{}'\nexit 0\n",
            root()
                .join("tests/fixtures/nccl/watchdog-timeout.log")
                .display()
        ),
    )
    .expect("launcher");
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&launcher)
        .status()
        .expect("chmod");
    let site = with_launcher(&c, &launcher);
    let spec = c.spec("nccl-followed", 1, 8, "");
    let out = c
        .hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .args(["submit", "--follow"])
        .arg(&spec)
        .output()
        .expect("runs");
    let err = stderr(&out);
    assert!(err.contains("finished: COMPLETED"), "{err}");
    assert!(err.contains("NCCL: bad ("), "{err}");
    assert_eq!(
        out.status.code(),
        Some(1),
        "a bad NCCL verdict fails the follow: {err}"
    );
}
