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

/// Leave no held job behind for the next test.
fn cancel_held(c: &Cluster, id: &str) {
    let _ = std::process::Command::new("scancel")
        .arg(id)
        .env("SLURM_CONF", &c.conf)
        .status();
}

fn assert_untouched(c: &Cluster, id: &str) {
    assert_eq!(
        c.squeue_state(id).as_deref(),
        Some("PENDING"),
        "the other job {id} was touched"
    );
}

/// `hybridctl ARGS` (whose JOB matches nothing) is refused naming `no-such-job`, exit 1, and
/// asks Slurm nothing at all.
fn refused_without_a_call(c: &Cluster, path: &str, log: &Path, args: &[&str]) {
    let out = c
        .hybridctl()
        .env("PATH", path)
        .args(args)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
    assert!(stderr(&out).contains("`no-such-job`"), "{}", stderr(&out));
    assert!(
        calls(log).is_empty(),
        "a name that matches nothing asks Slurm nothing: {:?}",
        calls(log)
    );
    assert!(
        !stdout(&out).contains("someone-elses-job"),
        "the queue was printed: {}",
        stdout(&out)
    );
}

#[test]
fn cancel_of_unknown_name_touches_no_job() {
    let Some(c) = cluster() else { return };
    let other = held_job(&c);
    let (path, log) = recording_path(c.work.path());
    refused_without_a_call(&c, &path, &log, &["cancel", "no-such-job"]);
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
    cancel_held(&c, &other);
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
        refused_without_a_call(&c, &path, &log, &["status", "no-such-job", "-o", format]);
    }
    assert_untouched(&c, &other);
    cancel_held(&c, &other);
}

#[test]
fn logs_of_unknown_name_is_an_error() {
    let Some(c) = cluster() else { return };
    let other = held_job(&c);
    let (path, log) = recording_path(c.work.path());
    refused_without_a_call(&c, &path, &log, &["logs", "no-such-job"]);
    assert_untouched(&c, &other);
    cancel_held(&c, &other);
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
    // srun ran (the test is not vacuous), and every srun named exactly the nodes asked for.
    assert!(
        programs_called(&log).iter().any(|p| p == "srun"),
        "no srun: {:?}",
        calls(&log)
    );
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
    cancel_held(&c, &other);
}

#[test]
fn quota_of_unknown_fileset_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let args_log = dir.path().join("mmlsquota.args");
    let out = crate::quota::quota()
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
    cancel_held(&c, &other);
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

// ---------------------------------------------------------------------------------------------
// Exit statuses: one taxonomy (src/error.rs), each status reached for real.

/// A fake Slurm tool that answers as a tool does when slurmctld is down.
fn controller_down_path(dir: &Path) -> String {
    let bin = dir.join("down-bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    for prog in ["squeue", "sacct", "sbatch", "scontrol", "scancel"] {
        let p = bin.join(prog);
        std::fs::write(
            &p,
            format!(
                "#!/bin/sh\necho '{prog}: error: Unable to contact slurm controller (connect failure)' >&2\nexit 1\n"
            ),
        )
        .expect("fake");
        std::process::Command::new("chmod")
            .arg("+x")
            .arg(&p)
            .status()
            .expect("chmod");
    }
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[test]
fn every_exit_status_is_reachable_and_means_what_the_help_says() {
    let dir = tempfile::tempdir().expect("tempdir");
    let code = |args: &[&str], path: Option<&str>| {
        let mut cmd = hybridctl();
        if let Some(p) = path {
            cmd.env("PATH", p);
        }
        let out = cmd.args(args).output().expect("runs");
        (out.status.code(), stderr(&out))
    };
    // 0: success.
    assert_eq!(
        code(&["render", "examples/single-node.yaml"], None).0,
        Some(0)
    );
    // 1: the input failed.
    assert_eq!(
        code(&["validate", "tests/fixtures/bad-specs/typos.yaml"], None).0,
        Some(1)
    );
    // 2: the environment (a file that is not there) and usage.
    let (c, err) = code(&["render", "no/such/spec.yaml"], None);
    assert_eq!(c, Some(2), "{err}");
    assert!(!err.contains("error: error:"), "{err}");
    assert_eq!(code(&["render", "--no-such-flag"], None).0, Some(2));
    // 3: an external system that does not answer, here the Slurm controller.
    let down = controller_down_path(dir.path());
    let (c, err) = code(&["status", "4242"], Some(&down));
    assert_eq!(c, Some(3), "{err}");
    assert!(err.contains("Unable to contact slurm controller"), "{err}");
    // ... and an API server nobody listens on.
    let kubeconfig = dir.path().join("dead.kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n    insecure-skip-tls-verify: true\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\nusers:\n- name: u\n  user: {token: x}\n",
    )
    .expect("kubeconfig");
    let (c, err) = code(
        &[
            "gc",
            "-n",
            "training",
            "--kubeconfig",
            &kubeconfig.display().to_string(),
        ],
        None,
    );
    assert_eq!(c, Some(3), "{err}");
    // 4: nothing to judge.
    let log = dir.path().join("plain.log");
    std::fs::write(&log, "epoch 1 loss 2.3\nepoch 2 loss 2.1\n").expect("log");
    let (c, err) = code(&["nccl-check", &log.display().to_string()], None);
    assert_eq!(c, Some(4), "{err}");
    assert!(err.contains("nothing to judge"), "{err}");
    // The help says the same.
    let out = hybridctl().arg("--help").output().expect("runs");
    let help = stdout(&out);
    for line in [
        "0  success",
        "1  the spec",
        "2  an environment",
        "3  an external",
        "4  nothing to judge",
    ] {
        assert!(help.contains(line), "--help lacks `{line}`:\n{help}");
    }
}

// ---------------------------------------------------------------------------------------------
// Output streams: colour per stream, closed pipes.

fn has_ansi(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|w| w == b"\x1b[")
}

/// Run `hybridctl ARGS` inside a pseudo-terminal (util-linux `script`), with stdout or stderr
/// redirected to a file; returns (the file, what the terminal showed).
fn in_terminal(args: &str, redirect: &str, env: &[(&str, &str)]) -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("redirected");
    let bin = assert_cmd::cargo::cargo_bin("hybridctl");
    let inner = format!("{} {args} {redirect}'{}'", bin.display(), file.display());
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &inner, "/dev/null"])
        .current_dir(root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HYBRIDCTL_SITE_CONFIG", "/dev/null")
        .env("HYBRIDCTL_CONFIG", "/dev/null")
        .env("TERM", "xterm-256color");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("script");
    (std::fs::read(&file).unwrap_or_default(), out.stdout)
}

#[test]
fn colour_is_decided_per_stream() {
    let check = "fabric-check --sysfs-root tests/fixtures/fabric/roce-ecn-off";
    // stdout to a file, stderr on the terminal: the file has no ANSI, the table is intact.
    let (file, _) = in_terminal(check, ">", &[]);
    assert!(!file.is_empty());
    assert!(!has_ansi(&file), "ANSI in redirected stdout");
    let text = String::from_utf8_lossy(&file);
    assert!(
        text.lines()
            .any(|l| l.starts_with(" ecn ") && l.contains("fail")),
        "{text}"
    );
    // stdout on the terminal: coloured.
    let (_, screen) = in_terminal(check, "2>", &[]);
    assert!(has_ansi(&screen), "no colour on a terminal stdout");
    // NO_COLOR and --color never win over a terminal; CLICOLOR_FORCE and --color always
    // colour a pipe.
    let (_, screen) = in_terminal(check, "2>", &[("NO_COLOR", "1")]);
    assert!(!has_ansi(&screen), "NO_COLOR ignored");
    let (_, screen) = in_terminal(&format!("--color never {check}"), "2>", &[]);
    assert!(!has_ansi(&screen), "--color never ignored");
    for (args, env) in [
        (format!("--color always {check}"), vec![]),
        (check.to_string(), vec![("CLICOLOR_FORCE", "1")]),
        (
            "--color always nccl-check --fabric roce tests/fixtures/nccl/socket-no-device.log"
                .to_string(),
            vec![],
        ),
    ] {
        let (file, _) = in_terminal(&args, ">", &env);
        assert!(
            has_ansi(&file),
            "`{args}` {env:?} did not colour a redirected stdout"
        );
    }
    // The default test environment (a pipe, NO_COLOR) has no ANSI anywhere.
    let out = hybridctl().args(check.split(' ')).output().expect("runs");
    assert!(!has_ansi(&out.stdout) && !has_ansi(&out.stderr));
}

/// Read `n` bytes of the command's stdout, close it, and return the exit status and stderr.
fn closed_after(args: &[&std::ffi::OsStr], n: usize) -> (Option<i32>, String) {
    use std::io::Read;
    let mut child = crate::util::isolated(assert_cmd::cargo::cargo_bin("hybridctl"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut buf = vec![0; n];
    stdout.read_exact(&mut buf).expect("first bytes");
    drop(stdout);
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_is_not_an_error_and_keeps_the_status() {
    // Success stays 0, quietly.
    fn os(a: &[&'static str]) -> Vec<&'static std::ffi::OsStr> {
        a.iter().map(|s| std::ffi::OsStr::new(*s)).collect()
    }
    let (code, err) = closed_after(&os(&["hostlist", "expand", "node[1-60000]"]), 10);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
    let (code, err) = closed_after(&os(&["completions", "bash"]), 10);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // A failed check still exits 1 when its reader went away.
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = std::fs::read_to_string(root().join("tests/fixtures/bad-specs/typos.yaml"))
        .expect("fixture");
    let mut specs = Vec::new();
    for i in 0..300 {
        let p = dir.path().join(format!("bad-{i}.yaml"));
        std::fs::write(&p, &bad).expect("spec");
        specs.push(p);
    }
    let mut args = os(&["validate", "-o", "json"]);
    args.extend(specs.iter().map(|p| p.as_os_str()));
    let (code, err) = closed_after(&args, 10);
    assert_eq!(code, Some(1), "{err}");
    assert!(!err.contains("Broken pipe"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// JSON is an interface: versioned, camelCase, valid against the shipped schemas.

fn shipped_schema(name: &str) -> serde_json::Value {
    let path = root().join(format!("docs/schema/{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("schema is JSON")
}

/// `doc` is valid against docs/schema/NAME.json, carries apiVersion/kind, and every key of
/// ours is camelCase (embedded Kubernetes objects are camelCase already; label keys are not
/// ours and are skipped).
pub fn assert_document(name: &str, doc: &serde_json::Value) {
    let schema = shipped_schema(name);
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:?}\n{doc:#}");
    assert_eq!(doc["apiVersion"], "hybridctl.io/v1alpha1", "{name}");
    assert!(doc["kind"].is_string(), "{name}");
    fn keys(v: &serde_json::Value, path: &str) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, child) in m {
                    if matches!(
                        k.as_str(),
                        "labels" | "annotations" | "pytorchjob" | "nodeSelector"
                    ) {
                        continue;
                    }
                    assert!(
                        k.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                            && k.chars().all(|c| c.is_ascii_alphanumeric()),
                        "key `{k}` at {path} is not camelCase"
                    );
                    keys(child, &format!("{path}.{k}"));
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|c| keys(c, path)),
            _ => {}
        }
    }
    keys(doc, "");
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(out), stderr(out)))
}

#[test]
fn every_json_document_without_a_cluster_validates_against_its_schema() {
    let run = |args: &[&str]| hybridctl().args(args).output().expect("runs");
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "rendered",
            vec!["render", "examples/llama-8node-roce.yaml", "-o", "json"],
        ),
        (
            "rendered",
            vec![
                "render",
                "examples/single-node.yaml",
                "--only",
                "sbatch",
                "-o",
                "json",
            ],
        ),
        (
            "validation-report",
            vec![
                "validate",
                "examples/single-node.yaml",
                "tests/fixtures/bad-specs/typos.yaml",
                "-o",
                "json",
            ],
        ),
        (
            "hostlist",
            vec!["hostlist", "expand", "gpu[001-004]", "-o", "json"],
        ),
        (
            "hostlist",
            vec!["hostlist", "compress", "gpu1", "gpu2", "-o", "json"],
        ),
        ("version", vec!["version", "-o", "json"]),
        (
            "submission-plan",
            vec![
                "submit",
                "--dry-run",
                "examples/single-node.yaml",
                "-o",
                "json",
            ],
        ),
    ];
    for (schema, args) in cases {
        let out = run(&args);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_document(schema, &json_of(&out));
    }
    // `render --only sbatch -o json` honours -o: a document holding the script alone.
    let out = run(&[
        "render",
        "examples/single-node.yaml",
        "--only",
        "sbatch",
        "-o",
        "json",
    ]);
    let doc = json_of(&out);
    assert!(doc["sbatch"].as_str().is_some_and(|s| s.starts_with("#!")));
    assert!(doc.get("pytorchjob").is_none());
    // quota, with the GPFS stand-in.
    let out = crate::quota::quota()
        .env("HYBRIDCTL_FAKE_MMLSQUOTA", "filesets.txt")
        .args(["quota", "-j", "gpfs01:projA", "-o", "json"])
        .output()
        .expect("runs");
    assert_document("quota-report", &json_of(&out));
    // rbac -o json is a Kubernetes List.
    let doc = json_of(&run(&["rbac", "-o", "json"]));
    assert_eq!(doc["kind"], "List");
    assert!(doc["items"].as_array().is_some_and(|i| i.len() >= 2));
}

#[test]
fn every_example_validates_against_the_shipped_spec_and_config_schemas() {
    let spec = shipped_schema("spec");
    let spec = jsonschema::validator_for(&spec).expect("spec schema compiles");
    let config = shipped_schema("config");
    let config = jsonschema::validator_for(&config).expect("config schema compiles");
    for (path, site) in crate::util::examples() {
        let text = std::fs::read_to_string(&path).expect("example");
        assert!(
            text.starts_with("# yaml-language-server: $schema="),
            "{} lacks the schema comment",
            path.display()
        );
        let value: serde_json::Value = serde_saphyr::from_str(&text).expect("YAML");
        let errors: Vec<String> = spec.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        if let Some(site) = site {
            let text = std::fs::read_to_string(&site).expect("site config");
            let value: serde_json::Value = serde_saphyr::from_str(&text).expect("YAML");
            let errors: Vec<String> = config.iter_errors(&value).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", site.display());
        }
    }
    // The schema is not a rubber stamp: a typo and a wrong type are refused.
    let bad: serde_json::Value = serde_json::json!({
        "apiVersion": "hybridctl.io/v1alpha1", "kind": "TrainingJob", "name": "x",
        "container": {"image": "i"}, "slurm": {"partiton": "gpu"}
    });
    assert!(!spec.is_valid(&bad), "unknown field accepted");
    let bad: serde_json::Value = serde_json::json!({
        "apiVersion": "hybridctl.io/v1alpha1", "kind": "TrainingJob", "name": "x",
        "container": {"image": "i"}, "slurm": {"nodes": "eight"}
    });
    assert!(!spec.is_valid(&bad), "a string for nodes accepted");
}

#[test]
fn json_from_the_clusters_validates_and_an_empty_result_is_an_empty_list() {
    let Some(c) = cluster() else { return };
    let other = held_job(&c);
    let out = c
        .hybridctl()
        .args(["status", "--all", "-o", "json"])
        .output()
        .expect("runs");
    let doc = json_of(&out);
    assert_document("job-status-list", &doc);
    assert!(
        doc["items"]
            .as_array()
            .is_some_and(|i| i.iter().any(|j| j["jobId"] == other.as_str()))
    );
    // Nothing submitted with hybridctl yet: an empty list, not nothing.
    let out = c
        .hybridctl()
        .args(["status", "-o", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = json_of(&out);
    assert_document("job-status-list", &doc);
    assert_eq!(doc["items"], serde_json::json!([]));
    let out = c
        .hybridctl()
        .args(["cancel", "--dry-run", &other, "-o", "json"])
        .output()
        .expect("runs");
    assert_document("cancel-report", &json_of(&out));
    // submit -o json: the job id, its name and where its record is.
    let spec = c.spec("json-submit", 1, 8, "");
    let out = c
        .hybridctl()
        .arg("submit")
        .arg(&spec)
        .args(["-o", "json"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = json_of(&out);
    assert_document("submission", &doc);
    let submitted = doc["jobId"].as_str().expect("jobId").to_string();
    cancel_held(&c, &submitted);
    if let Some(p) = plane() {
        let out = c
            .hybridctl()
            .env("KUBECONFIG", &p.user)
            .args(["gc", "--dry-run", "-n", &p.ns, "-o", "json"])
            .output()
            .expect("runs");
        assert_document("gc-report", &json_of(&out));
        let out = c
            .hybridctl()
            .env("KUBECONFIG", &p.user)
            .args(["doctor", "-n", &p.ns, "-o", "json"])
            .output()
            .expect("runs");
        assert_document("doctor-report", &json_of(&out));
    }
    cancel_held(&c, &other);
}

// ---------------------------------------------------------------------------------------------
// Errors that point at the real cause.

fn kubeconfig_line<'a>(text: &'a str, key: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(key))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no `{key}` in the kubeconfig"))
}

fn assert_one_error_prefix(err: &str) {
    assert!(!err.contains("error: error:"), "doubled prefix: {err}");
    assert_eq!(
        err.matches("error:").count(),
        1,
        "one error, printed once: {err}"
    );
}

#[test]
fn kubernetes_errors_name_the_cause_and_the_next_step() {
    let Some(p) = plane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let gc = |kubeconfig: &Path, ns: &str| {
        let out = hybridctl()
            .args(["gc", "--dry-run", "-n", ns, "--kubeconfig"])
            .arg(kubeconfig)
            .output()
            .expect("runs");
        (out.status.code(), stderr(&out))
    };
    let user = std::fs::read_to_string(&p.user).expect("user kubeconfig");
    let server = kubeconfig_line(&user, "server:");
    let ca = kubeconfig_line(&user, "certificate-authority-data:");
    let write = |name: &str, server: &str, auth: &str| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!(
                "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\n    certificate-authority-data: {ca}\ncontexts:\n- name: c\n  context: {{cluster: c, user: u}}\ncurrent-context: c\nusers:\n- name: u\n  user: {auth}\n"
            ),
        )
        .expect("kubeconfig");
        path
    };
    // Unreachable: nothing listens there (status 3).
    let (code, err) = gc(&write("dead", "https://127.0.0.1:1", "{token: x}"), &p.ns);
    assert_eq!(code, Some(3), "{err}");
    assert!(
        err.contains("https://127.0.0.1:1 refused the connection"),
        "{err}"
    );
    assert!(
        err.contains("hint: check the `server:` of the kubeconfig"),
        "{err}"
    );
    assert_one_error_prefix(&err);
    // DNS.
    let (code, err) = gc(
        &write("dns", "https://no-such-host.invalid:6443", "{token: x}"),
        &p.ns,
    );
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("does not resolve"), "{err}");
    // TLS: the real server, but a kubeconfig that trusts another CA.
    let other_ca = write("tls", server, "{token: x}");
    let (key, cert) = (dir.path().join("other.key"), dir.path().join("other.crt"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            "/CN=another-ca",
            "-days",
            "1",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl");
    assert!(made.status.success(), "{}", stderr(&made));
    let pem = std::fs::read(&cert).expect("cert");
    let b64 = std::process::Command::new("base64")
        .arg("-w0")
        .arg(&cert)
        .output()
        .expect("base64");
    assert!(!pem.is_empty() && b64.status.success());
    let text = std::fs::read_to_string(&other_ca)
        .expect("kubeconfig")
        .replace(ca, String::from_utf8_lossy(&b64.stdout).trim());
    std::fs::write(&other_ca, text).expect("kubeconfig");
    let (code, err) = gc(&other_ca, &p.ns);
    assert!(matches!(code, Some(2 | 3)), "{err}");
    assert!(err.contains("TLS with the API server"), "{err}");
    // 401: a token the server does not know.
    let (code, err) = gc(
        &write("bad-token", server, "{token: not-a-real-token}"),
        &p.ns,
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("did not accept the credentials"), "{err}");
    assert!(err.contains("HTTP 401"), "{err}");
    // 403: the restricted identity outside its namespace names verb, resource and user.
    let (code, err) = gc(Path::new(&p.user), "kube-system");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("cannot list resource \"pytorchjobs\"") && err.contains("User \""),
        "{err}"
    );
    assert!(err.contains("`hybridctl rbac`"), "{err}");
    assert_one_error_prefix(&err);
    // The kubeconfig itself: a named file that is missing, an unknown context, none at all.
    let out = hybridctl()
        .env("KUBECONFIG", "/no/such/kubeconfig")
        .args(["gc", "-n", &p.ns])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("$KUBECONFIG names `/no/such/kubeconfig`, which does not exist"),
        "{}",
        stderr(&out)
    );
    let out = hybridctl()
        .args([
            "gc",
            "-n",
            &p.ns,
            "--context",
            "nosuch",
            "--kubeconfig",
            &p.user,
        ])
        .output()
        .expect("runs");
    assert!(
        stderr(&out).contains("the kubeconfig has no context `nosuch` (it has: "),
        "{}",
        stderr(&out)
    );
    let out = hybridctl()
        .env("HOME", dir.path())
        .args(["gc", "-n", &p.ns])
        .output()
        .expect("runs");
    assert!(
        stderr(&out).contains("no kubeconfig: $KUBECONFIG is not set"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn config_and_flag_errors_blame_the_config_file_and_the_flag() {
    let dir = tempfile::tempdir().expect("tempdir");
    let user = dir.path().join("user.yaml");
    std::fs::write(&user, "defaults:\n  slurm:\n    partiton: gpu\n").expect("config");
    let out = hybridctl()
        .env("HYBRIDCTL_CONFIG", &user)
        .args(["validate", "examples/single-node.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}:3:5: error[unknown-field]", user.display())),
        "blamed on the user config with its position: {err}"
    );
    assert!(
        !err.contains("examples/single-node.yaml:"),
        "blamed on the spec: {err}"
    );
    // A site config checked on its own, by its shape or --config.
    let site = dir.path().join("site.yaml");
    std::fs::write(&site, "hooks:\n  taints: [x]\n").expect("config");
    let out = hybridctl()
        .args(["validate"])
        .arg(&site)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("{}:2:3: error[unknown-field]", site.display())),
        "{}",
        stderr(&out)
    );
    let out = hybridctl()
        .args(["validate", "--config", "examples/site/config.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A bad --set is blamed on the flag.
    let out = hybridctl()
        .args([
            "validate",
            "examples/single-node.yaml",
            "--set",
            "slurm.nodes=many",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("<--set>:1:13: error[type]: `slurm.nodes`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn gpfs_missing_down_and_unknown_fileset_are_three_messages() {
    let run = |path: String, fail: Option<&str>| {
        let mut cmd = hybridctl();
        cmd.env("PATH", path)
            .env("HYBRIDCTL_FAKE_MMLSQUOTA", "filesets.txt");
        if let Some(f) = fail {
            cmd.env("HYBRIDCTL_FAKE_MMLSQUOTA_FAIL", f);
        }
        let out = cmd
            .args(["quota", "-j", "gpfs01:projA"])
            .output()
            .expect("runs");
        (out.status.code(), stderr(&out))
    };
    let with_fake = format!(
        "{}:{}",
        root().join("tests/fixtures/bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let (code, missing) = run("/usr/bin:/bin".into(), None);
    assert_eq!(code, Some(2), "{missing}");
    assert!(missing.contains("`mmlsquota` was not found"), "{missing}");
    assert!(missing.contains("gpfs.mmlsquota"), "{missing}");
    let (code, down) = run(with_fake.clone(), Some("down"));
    assert_eq!(code, Some(3), "{down}");
    assert!(
        down.contains("the GPFS daemon is not running on this node"),
        "{down}"
    );
    assert!(down.contains("mmgetstate"), "{down}");
    let (code, fileset) = run(with_fake, Some("no-fileset"));
    assert_eq!(code, Some(1), "{fileset}");
    assert!(
        fileset.contains("GPFS knows no fileset `projA`"),
        "{fileset}"
    );
    assert!(fileset.contains("mmlsfileset"), "{fileset}");
    for err in [&missing, &down, &fileset] {
        assert_one_error_prefix(err);
    }
}

#[test]
fn tables_fit_a_terminal_and_are_never_wrapped_in_a_pipe() {
    let Some(p) = plane() else { return };
    let bin = assert_cmd::cargo::cargo_bin("hybridctl");
    let doctor = format!(
        "{} doctor -n {} --kubeconfig {}",
        bin.display(),
        p.ns,
        p.user
    );
    // On an 80-column terminal every line fits.
    let out = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("stty rows 40 cols 80; {doctor}"),
            "/dev/null",
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HYBRIDCTL_SITE_CONFIG", "/dev/null")
        .env("HYBRIDCTL_CONFIG", "/dev/null")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .output()
        .expect("script");
    let screen = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    let table: Vec<&str> = screen
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .collect();
    assert!(table.len() > 5, "{screen}");
    for line in &table {
        assert!(
            line.chars().count() <= 80,
            "wider than the terminal: {line:?}"
        );
    }
    // In a pipe, one row is one line, however long.
    let out = hybridctl()
        .args(["doctor", "-n", &p.ns, "--kubeconfig", &p.user])
        .output()
        .expect("runs");
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.chars().count() > 80 && l.contains("least privilege")),
        "{text}"
    );
}
