//! The user contract: a command acts only on what it was asked. Each command that takes job
//! names, ids, node lists, filesets or selectors is run with one that matches nothing, against
//! the real test Slurm holding another job (and the real API server where the command talks to
//! it); the other job must be untouched and the name an error. Slurm's tools are wrapped by
//! shims on PATH that record every argv (then run the real program), so the tests also prove
//! that no call went out with `--all` or an empty filter.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::kube::plane;
use crate::slurm::{Cluster, cluster};
use crate::util::{hybridctl, root, stderr, stdout};

/// Programs whose argv the shims record.
const RECORDED: &[&str] = &["squeue", "sacct", "scancel", "scontrol", "sbatch", "srun"];

/// A directory of shims: each appends `program<TAB>arg<TAB>arg...` to `argv.log`, then runs
/// the real program. Returns the PATH to use and the log.
fn recording_path(dir: &Path) -> (String, PathBuf) {
    let shims = dir.join("shims");
    std::fs::create_dir_all(&shims).expect("mkdir");
    let log = dir.join("argv.log");
    for prog in RECORDED {
        let real = std::process::Command::new("sh")
            .args(["-c", &format!("command -v {prog}")])
            .output()
            .expect("sh");
        let real = String::from_utf8_lossy(&real.stdout).trim().to_string();
        assert!(!real.is_empty(), "`{prog}` is not installed");
        let shim = shims.join(prog);
        std::fs::write(
            &shim,
            format!(
                "#!/bin/sh\n{{ printf '%s' {prog}; for a in \"$@\"; do printf '\\t%s' \"$a\"; done; printf '\\n'; }} >> '{}'\nexec '{real}' \"$@\"\n",
                log.display()
            ),
        )
        .expect("shim");
        std::process::Command::new("chmod")
            .arg("+x")
            .arg(&shim)
            .status()
            .expect("chmod");
    }
    let path = format!(
        "{}:{}",
        shims.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    (path, log)
}

/// The recorded calls, one argv each.
fn calls(log: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

/// No recorded call asked for every job: no `--all`, no empty `--jobs=`, no bare `squeue`.
fn assert_never_widened(log: &Path) {
    for argv in calls(log) {
        let prog = argv[0].as_str();
        let args = &argv[1..];
        assert!(
            !args.iter().any(|a| a == "--all" || a == "-a"),
            "{prog} was asked for every job: {argv:?}"
        );
        assert!(
            !args
                .iter()
                .any(|a| a == "--jobs=" || a == "-j" && args.len() == 1),
            "{prog} got an empty job filter: {argv:?}"
        );
        if prog == "squeue" || prog == "sacct" {
            assert!(
                args.iter().any(|a| a.starts_with("--jobs=")),
                "{prog} without a job filter: {argv:?}"
            );
        }
    }
}

fn programs_called(log: &Path) -> Vec<String> {
    calls(log).into_iter().map(|a| a[0].clone()).collect()
}

/// Another user's kind of job: held in the queue by plain sbatch, so it stays PENDING.
fn held_job(c: &Cluster) -> String {
    let out = std::process::Command::new("sbatch")
        .args([
            "--parsable",
            "--hold",
            "-o",
            "/dev/null",
            "-J",
            "someone-elses-job",
            "--wrap",
            "sleep 600",
        ])
        .env("SLURM_CONF", &c.conf)
        .current_dir(c.work.path())
        .output()
        .expect("sbatch");
    assert!(out.status.success(), "sbatch: {}", stderr(&out));
    let id = stdout(&out).trim().to_string();
    assert!(!id.is_empty());
    id
}

fn assert_untouched(c: &Cluster, id: &str) {
    assert_eq!(
        c.squeue_state(id).as_deref(),
        Some("PENDING"),
        "the other job {id} was touched"
    );
}

#[test]
fn cancel_of_unknown_name_touches_no_job() {
    let Some(c) = cluster() else { return };
    let other = held_job(&c);
    let (path, log) = recording_path(c.work.path());
    let out = c
        .hybridctl()
        .env("PATH", &path)
        .args(["cancel", "no-such-job"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("`no-such-job`"), "{}", stderr(&out));
    assert!(
        calls(&log).is_empty(),
        "a name that matches nothing asks Slurm nothing: {:?}",
        calls(&log)
    );
    // A known name next to an unknown one: nothing is cancelled either.
    let out = c
        .hybridctl()
        .env("PATH", &path)
        .args(["cancel", &other, "no-such-job"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // A number Slurm does not know: asked about by id only, then an error, nothing cancelled.
    let out = c
        .hybridctl()
        .env("PATH", &path)
        .args(["cancel", "987654"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("987654"), "{}", stderr(&out));
    assert!(
        !programs_called(&log).iter().any(|p| p == "scancel"),
        "scancel ran: {:?}",
        calls(&log)
    );
    assert_never_widened(&log);
    assert_untouched(&c, &other);
    let _ = std::process::Command::new("scancel")
        .arg(&other)
        .env("SLURM_CONF", &c.conf)
        .status();
}

#[test]
fn cancel_dry_run_and_several_jobs_say_what_they_will_do_first() {
    let Some(c) = cluster() else { return };
    let a = held_job(&c);
    let b = held_job(&c);
    let (path, log) = recording_path(c.work.path());
    let out = c
        .hybridctl()
        .env("PATH", &path)
        .args(["cancel", "--dry-run", &a, &b])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("would cancel 2 job(s)"), "{err}");
    assert!(err.contains(&a) && err.contains(&b), "{err}");
    assert!(!programs_called(&log).iter().any(|p| p == "scancel"));
    assert_untouched(&c, &a);
    assert_untouched(&c, &b);
    let out = c
        .hybridctl()
        .env("PATH", &path)
        .args(["cancel", "--grace", "0", &a, &b])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let announced = err.find("cancelling 2 job(s)").expect("announced first");
    assert!(announced < err.len());
    let scancels: Vec<Vec<String>> = calls(&log)
        .into_iter()
        .filter(|a| a[0] == "scancel")
        .collect();
    assert_eq!(
        scancels,
        vec![
            vec!["scancel".to_string(), a.clone()],
            vec!["scancel".to_string(), b.clone()]
        ],
        "exactly the two jobs, by id"
    );
    assert_never_widened(&log);
}

#[test]
fn status_of_unknown_name_prints_no_queue() {
    let Some(c) = cluster() else { return };
    let other = held_job(&c);
    let (path, log) = recording_path(c.work.path());
    for format in ["text", "json"] {
        let out = c
            .hybridctl()
            .env("PATH", &path)
            .args(["status", "no-such-job", "-o", format])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("`no-such-job`"), "{}", stderr(&out));
        assert!(
            !stdout(&out).contains(&other) && !stdout(&out).contains("someone-elses-job"),
            "the queue was printed: {}",
            stdout(&out)
        );
    }
    assert!(calls(&log).is_empty(), "{:?}", calls(&log));
    assert_untouched(&c, &other);
    let _ = std::process::Command::new("scancel")
        .arg(&other)
        .env("SLURM_CONF", &c.conf)
        .status();
}

#[test]
fn logs_of_unknown_name_is_an_error() {
    let Some(c) = cluster() else { return };
    let other = held_job(&c);
    let (path, log) = recording_path(c.work.path());
    let out = c
        .hybridctl()
        .env("PATH", &path)
        .args(["logs", "no-such-job"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("`no-such-job`"), "{}", stderr(&out));
    assert!(calls(&log).is_empty(), "{:?}", calls(&log));
    assert_untouched(&c, &other);
    let _ = std::process::Command::new("scancel")
        .arg(&other)
        .env("SLURM_CONF", &c.conf)
        .status();
}

#[test]
fn fabric_check_pairwise_of_unknown_nodes_touches_no_job() {
    let Some(c) = cluster() else { return };
    let other = held_job(&c);
    let (path, log) = recording_path(c.work.path());
    let out = c
        .hybridctl()
        .env("PATH", &path)
        .args([
            "fabric-check",
            "--no-local",
            "--nodes",
            "nosuch[1-2]",
            "--sysfs-root",
        ])
        .arg(root().join("tests/fixtures/fabric/roce-ecn-off"))
        .output()
        .expect("runs");
    assert_ne!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        text.contains("nosuch1") && text.contains("nosuch2"),
        "{text}"
    );
    // Every srun named exactly the nodes asked for.
    for argv in calls(&log).into_iter().filter(|a| a[0] == "srun") {
        let nodes: Vec<&String> = argv
            .iter()
            .filter(|a| a.starts_with("--nodelist=") || a.starts_with("-w"))
            .collect();
        assert!(
            nodes.iter().all(|n| n.contains("nosuch")),
            "srun outside the nodes asked: {argv:?}"
        );
        assert!(!nodes.is_empty(), "srun without a node list: {argv:?}");
    }
    assert_never_widened(&log);
    assert_untouched(&c, &other);
    let _ = std::process::Command::new("scancel")
        .arg(&other)
        .env("SLURM_CONF", &c.conf)
        .status();
}

#[test]
fn quota_of_unknown_fileset_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let args_log = dir.path().join("mmlsquota.args");
    let out = hybridctl()
        .env(
            "PATH",
            format!(
                "{}:{}",
                root().join("tests/fixtures/bin").display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("HYBRIDCTL_FAKE_MMLSQUOTA", "filesets.txt")
        .env("HYBRIDCTL_FAKE_MMLSQUOTA_ARGS", &args_log)
        .args(["quota", "-j", "gpfs01:nosuch", "-j", "gpfs01:projA"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("`gpfs01:nosuch`"), "{}", stderr(&out));
    // The fileset that exists is still shown; the one that does not is never "all".
    assert!(stdout(&out).contains("projA"), "{}", stdout(&out));
    let calls = std::fs::read_to_string(&args_log).expect("calls recorded");
    assert!(
        calls.lines().all(|l| l.split('\t').any(|a| a == "-j")),
        "every call names its fileset: {calls}"
    );
}

#[test]
fn gc_asks_slurm_only_about_the_ids_it_found() {
    let Some(c) = cluster() else { return };
    let Some(p) = plane() else { return };
    let other = held_job(&c);
    let (path, log) = recording_path(c.work.path());
    // A PyTorchJob of the live (held) job: gc must keep it, and ask Slurm about its id only.
    let name = format!("contract-gc-{other}");
    let manifest = format!(
        r#"{{"apiVersion":"kubeflow.org/v1","kind":"PyTorchJob","metadata":{{"name":"{name}","namespace":"{ns}","labels":{{"hybridctl.io/slurm-job-id":"{other}"}}}},"spec":{{"pytorchReplicaSpecs":{{"Master":{{"replicas":1,"template":{{"spec":{{"containers":[{{"name":"pytorch","image":"x"}}]}}}}}}}}}}}}"#,
        ns = p.ns
    );
    let created = p.kubectl_as(&p.admin, &["apply", "-f", "-"], Some(&manifest));
    assert!(created.status.success(), "{}", stderr(&created));
    let out = c
        .hybridctl()
        .env("PATH", &path)
        .env("KUBECONFIG", &p.user)
        .args(["gc", "-n", &p.ns, "-o", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let still = p.kubectl_admin(&["get", "pytorchjob", "-n", &p.ns, &name]);
    assert!(still.status.success(), "gc removed a live job's PyTorchJob");
    let squeues: Vec<Vec<String>> = calls(&log)
        .into_iter()
        .filter(|a| a[0] == "squeue")
        .collect();
    assert_eq!(squeues.len(), 1, "{squeues:?}");
    assert!(
        squeues[0]
            .iter()
            .any(|a| a.starts_with("--jobs=") && a.contains(&other)),
        "{squeues:?}"
    );
    assert_never_widened(&log);
    assert_untouched(&c, &other);
    let _ = p.kubectl_admin(&["delete", "pytorchjob", "-n", &p.ns, &name, "--wait=false"]);
    let _ = std::process::Command::new("scancel")
        .arg(&other)
        .env("SLURM_CONF", &c.conf)
        .status();
}

#[test]
fn hook_epilog_of_one_job_leaves_another_jobs_objects() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let site = dir.path().join("site.yaml");
    std::fs::write(
        &site,
        format!("kubeconfig: {}\nhooks:\n  namespaces: [{}]\n", p.user, p.ns),
    )
    .expect("site");
    let name = "contract-hook-other-424201";
    let manifest = format!(
        r#"{{"apiVersion":"kubeflow.org/v1","kind":"PyTorchJob","metadata":{{"name":"{name}","namespace":"{ns}","labels":{{"hybridctl.io/slurm-job-id":"424201"}}}},"spec":{{"pytorchReplicaSpecs":{{"Master":{{"replicas":1,"template":{{"spec":{{"containers":[{{"name":"pytorch","image":"x"}}]}}}}}}}}}}}}"#,
        ns = p.ns
    );
    let created = p.kubectl_as(&p.admin, &["apply", "-f", "-"], Some(&manifest));
    assert!(created.status.success(), "{}", stderr(&created));
    for job_id in ["424202", "", "42x"] {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("hybridctl"))
            .env_clear()
            .env("HYBRIDCTL_SITE_CONFIG", &site)
            .env("HYBRIDCTL_CONFIG", "/dev/null")
            .env("SLURM_JOB_ID", job_id)
            .args(["hook", "epilog", "--timeout", "10"])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let still = p.kubectl_admin(&["get", "pytorchjob", "-n", &p.ns, name]);
        assert!(
            still.status.success(),
            "the epilog of job `{job_id}` deleted another job's PyTorchJob: {}",
            stdout(&out)
        );
    }
    let _ = p.kubectl_admin(&["delete", "pytorchjob", "-n", &p.ns, name, "--wait=false"]);
}

#[test]
fn launch_on_nodes_kubernetes_does_not_know_creates_nothing() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = crate::kube::spec_file(dir.path(), "contract-launch", 2);
    let child = crate::kube::start_launch(&p, &spec, "424203", "nosuch[1-2]");
    let (code, _out, err) = crate::kube::finish(child, Duration::from_secs(60));
    assert!(matches!(code, Some(1 | 2)), "{code:?}: {err}");
    assert!(err.contains("nosuch1"), "{err}");
    assert_eq!(p.leftovers("424203"), 0, "launch left objects behind");
}
