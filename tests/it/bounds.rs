//! Hostile inputs and misbehaving tools (issue 19): every case ends within its time bound and
//! in bounded memory, with a clear message and the documented exit status. Each run is the
//! real binary under an address-space limit (`RLIMIT_AS`), stopped at a wall-clock limit, and
//! its peak RSS is read from the kernel (`wait4`'s rusage), so an unbounded read fails the
//! test instead of eating the machine.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::root;

/// Address space the binary may map: far above what it needs, far below the machine.
const ADDRESS_SPACE: u64 = 4 << 30;
/// The most resident memory any hostile case may reach (a plain `render` is ~20 MiB).
const MAX_RSS_KIB: i64 = 200 * 1024;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    peak_rss_kib: i64,
}

impl Run {
    /// Ended with `code`, within `wall`, under [`MAX_RSS_KIB`].
    fn assert_bounded(&self, code: i32, wall: Duration) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "exit status; stderr: {}",
            self.stderr
        );
        assert!(
            self.elapsed < wall,
            "took {:?} (bound {wall:?}); stderr: {}",
            self.elapsed,
            self.stderr
        );
        assert!(
            self.peak_rss_kib < MAX_RSS_KIB,
            "peak RSS {} KiB (bound {MAX_RSS_KIB} KiB)",
            self.peak_rss_kib
        );
        self
    }

    fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}: {}",
            self.stderr
        );
        self
    }
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("hybridctl")
}

/// `hybridctl ARGS` in the repo root with no configs (as `util::hybridctl`), std's Command so
/// that the limit and the rusage can be had.
fn cmd(args: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.args(args)
        .current_dir(root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HYBRIDCTL_SITE_CONFIG", "/dev/null")
        .env("HYBRIDCTL_CONFIG", "/dev/null")
        .env("RUST_BACKTRACE", "0")
        .env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .env("USER", "alice");
    c
}

/// Run under [`ADDRESS_SPACE`], killed after `kill_after`; what it printed (the first MiB of
/// each stream), how long it took and its peak RSS.
fn run(mut c: Command, kill_after: Duration) -> Run {
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        c.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: ADDRESS_SPACE,
                rlim_max: ADDRESS_SPACE,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let start = Instant::now();
    // Reaped with wait4 below (std's wait gives no rusage).
    #[allow(clippy::zombie_processes)]
    let mut child = c.spawn().expect("hybridctl starts");
    let drain = |p: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            if let Some(mut p) = p {
                let mut buf = [0u8; 64 << 10];
                while let Ok(n) = p.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    if kept.len() < 1 << 20 {
                        kept.extend_from_slice(&buf[..n]);
                    }
                }
            }
            String::from_utf8_lossy(&kept).into_owned()
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let pid = child.id() as libc::pid_t;
    let (status, rusage) = loop {
        let mut status = 0;
        // SAFETY: plain syscall with valid out-pointers.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut ru) };
        if r == pid {
            break (status, ru);
        }
        assert!(r == 0, "wait4: {}", std::io::Error::last_os_error());
        if start.elapsed() > kill_after {
            let _ = child.kill();
            let _ = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
            panic!(
                "hybridctl {:?} ran past {kill_after:?} and was killed",
                c.get_args().collect::<Vec<_>>()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Run {
        code,
        stdout: out.join().expect("stdout"),
        stderr: err.join().expect("stderr"),
        elapsed,
        peak_rss_kib: rusage.ru_maxrss,
    }
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).expect("path");
    // SAFETY: valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read fixture tree") {
        let e = e.expect("entry");
        let dest = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

/// A directory whose `names` are links to tests/fixtures/bin-hostile/misbehave.
fn misbehaving_tools(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = root().join("tests/fixtures/bin-hostile/misbehave");
    for n in names {
        std::os::unix::fs::symlink(&target, dir.path().join(n)).expect("symlink");
    }
    dir
}

const SECS_5: Duration = Duration::from_secs(5);
const KILL: Duration = Duration::from_secs(60);

// ---- files that are not files -------------------------------------------------------------

#[test]
fn dev_zero_as_a_spec_is_refused_before_reading() {
    for sub in ["render", "validate"] {
        run(cmd(&[sub, "/dev/zero"]), KILL)
            .assert_bounded(2, SECS_5)
            .stderr_has("the job spec `/dev/zero` is a character device, not a regular file");
    }
}

#[test]
fn a_fifo_as_a_spec_does_not_block() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("spec.yaml");
    mkfifo(&fifo);
    let path = fifo.to_str().expect("utf-8");
    run(cmd(&["render", path]), KILL)
        .assert_bounded(2, SECS_5)
        .stderr_has("is a FIFO (named pipe), not a regular file");
}

#[test]
fn endless_standard_input_is_cut_at_the_spec_limit() {
    let mut c = cmd(&["validate", "-"]);
    c.stdin(std::fs::File::open("/dev/zero").expect("/dev/zero"));
    run(c, KILL)
        .assert_bounded(2, SECS_5)
        .stderr_has("the job spec `<stdin>` is larger than 4 MiB, the limit for a job spec");
}

#[test]
fn a_spec_over_the_limit_is_refused_with_the_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = dir.path().join("big.yaml");
    std::fs::write(&big, "a".repeat((4 << 20) + 1)).expect("write");
    run(cmd(&["validate", big.to_str().expect("utf-8")]), KILL)
        .assert_bounded(2, SECS_5)
        .stderr_has("is larger than 4 MiB, the limit for a job spec");
}

#[test]
fn dev_zero_and_fifos_as_config_files_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("config.yaml");
    mkfifo(&fifo);
    for (var, path, what) in [
        (
            "HYBRIDCTL_SITE_CONFIG",
            "/dev/zero",
            "the site config `/dev/zero` is a character device",
        ),
        (
            "HYBRIDCTL_CONFIG",
            "/dev/zero",
            "the user config `/dev/zero` is a character device",
        ),
        (
            "HYBRIDCTL_SITE_CONFIG",
            fifo.to_str().expect("utf-8"),
            "is a FIFO",
        ),
    ] {
        let mut c = cmd(&["validate", "examples/single-node.yaml"]);
        c.env(var, path);
        run(c, KILL).assert_bounded(2, SECS_5).stderr_has(what);
    }
    // /dev/null stays the documented empty config.
    run(cmd(&["validate", "examples/single-node.yaml"]), KILL).assert_bounded(0, SECS_5);
}

#[test]
fn dev_zero_as_a_kubeconfig_is_refused() {
    run(cmd(&["doctor", "--kubeconfig", "/dev/zero"]), KILL)
        .assert_bounded(1, Duration::from_secs(30))
        .stdout_or_stderr_has("character device");
}

impl Run {
    fn stdout_or_stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle) || self.stderr.contains(needle),
            "neither stream has {needle:?}:\n{}\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

#[test]
fn nccl_check_refuses_a_device_but_reads_a_fifo_as_a_stream() {
    run(cmd(&["nccl-check", "/dev/zero"]), KILL)
        .assert_bounded(2, SECS_5)
        .stderr_has("the log `/dev/zero` is a character device");
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("live.log");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            std::fs::write(&fifo, "NCCL INFO Bootstrap : Using eth0:10.0.0.1<0>\n")
                .expect("write the fifo")
        })
    };
    let r = run(cmd(&["nccl-check", fifo.to_str().expect("utf-8")]), KILL);
    writer.join().expect("writer");
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.stderr);
    assert!(r.elapsed < SECS_5);
}

// ---- sysfs: devices, FIFOs, link loops, vanished devices ------------------------------------

/// A copy of a two-port fixture host to break.
fn host() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(
        &root().join("tests/fixtures/fabric/roce-port-down"),
        dir.path(),
    );
    dir
}

fn fabric_json(tree: &Path) -> (Run, serde_json::Value) {
    let mut c = cmd(&[
        "fabric-check",
        "-o",
        "json",
        "--sysfs-root",
        tree.to_str().expect("utf-8"),
    ]);
    c.env(
        "PATH",
        format!(
            "{}:{}",
            root().join("tests/fixtures/fabric/bin").display(),
            std::env::var("PATH").unwrap_or_default()
        ),
    )
    .env("HYBRIDCTL_FAKE_FABRIC_TOOLS", tree.join("tools"));
    let r = run(c, KILL);
    let v = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("json ({e}): {}\n{}", r.stdout, r.stderr));
    (r, v)
}

fn failed(v: &serde_json::Value, check: &str, subject: &str) -> Vec<String> {
    v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["check"] == check && c["subject"] == subject && c["level"] == "fail")
        .flat_map(|c| {
            c["evidence"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|e| e.as_str().unwrap_or_default().to_string())
        })
        .collect()
}

#[test]
fn a_sysfs_attribute_that_is_dev_zero_or_a_fifo_is_a_failed_check() {
    let h = host();
    let p0 = h.path().join("sys/class/infiniband/mlx5_0/ports/1");
    std::fs::remove_file(p0.join("state")).expect("rm");
    std::os::unix::fs::symlink("/dev/zero", p0.join("state")).expect("symlink");
    std::fs::remove_file(p0.join("rate")).expect("rm");
    mkfifo(&p0.join("rate"));
    let (r, v) = fabric_json(h.path());
    r.assert_bounded(1, Duration::from_secs(20));
    let ev = failed(&v, "sysfs-read", "mlx5_0");
    assert!(
        ev.iter()
            .any(|e| e.contains("ports/1/state") && e.contains("character device")),
        "{ev:?}"
    );
    assert!(
        ev.iter()
            .any(|e| e.contains("ports/1/rate") && e.contains("FIFO")),
        "{ev:?}"
    );
}

#[test]
fn a_link_loop_and_a_vanished_device_are_failed_checks_not_silent_passes() {
    let h = host();
    let ib = h.path().join("sys/class/infiniband");
    // mlx5_0's ports: a link to itself (ELOOP); mlx5_1: a link to a device that is gone.
    let ports = ib.join("mlx5_0/ports");
    std::fs::remove_dir_all(&ports).expect("rm");
    std::os::unix::fs::symlink(&ports, &ports).expect("symlink");
    std::fs::remove_dir_all(ib.join("mlx5_1")).expect("rm");
    std::os::unix::fs::symlink(h.path().join("gone/mlx5_1"), ib.join("mlx5_1")).expect("symlink");
    let (r, v) = fabric_json(h.path());
    r.assert_bounded(1, Duration::from_secs(20));
    let ev = failed(&v, "sysfs-read", "mlx5_0");
    assert!(
        ev.iter().any(|e| e.contains("symbolic links")),
        "the loop is named: {ev:?}"
    );
    let ev = failed(&v, "sysfs-read", "mlx5_1");
    assert!(ev.iter().any(|e| e.contains("no ports")), "{ev:?}");
}

#[test]
fn nccl_conf_that_is_dev_zero_is_a_warning_not_a_hang() {
    let h = host();
    let conf = h.path().join("etc/nccl.conf");
    std::fs::remove_file(&conf).expect("rm");
    std::os::unix::fs::symlink("/dev/zero", &conf).expect("symlink");
    let (r, _) = fabric_json(h.path());
    r.assert_bounded(1, Duration::from_secs(20))
        .stderr_has("`/etc/nccl.conf` could not be read");
}

// ---- misbehaving tools ---------------------------------------------------------------------

fn site_config(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("site.yaml");
    std::fs::write(&p, text).expect("write the site config");
    p
}

#[test]
fn an_endless_mmlsquota_is_stopped_at_the_output_cap() {
    for (how, stream) in [
        ("endless", "stdout"),
        ("zero", "stdout"),
        ("endless-stderr", "stderr"),
    ] {
        let tools = misbehaving_tools(&["mmlsquota"]);
        let site = site_config(
            tools.path(),
            &format!("gpfs:\n  mmlsquota: {}/mmlsquota\n", tools.path().display()),
        );
        let mut c = cmd(&["quota", "-j", "gpfs01:projA"]);
        c.env("HYBRIDCTL_SITE_CONFIG", &site)
            .env("HYBRIDCTL_MISBEHAVE", how);
        run(c, KILL)
            .assert_bounded(2, Duration::from_secs(20))
            .stderr_has(&format!(
                "printed more than 8 MiB on its {stream} and was stopped"
            ));
    }
}

#[test]
fn a_hanging_mmlsquota_times_out_after_gpfs_timeout() {
    let tools = misbehaving_tools(&["mmlsquota"]);
    let site = site_config(
        tools.path(),
        &format!(
            "gpfs:\n  mmlsquota: {}/mmlsquota\n  timeout: 1\n",
            tools.path().display()
        ),
    );
    let mut c = cmd(&["quota", "-j", "gpfs01:projA"]);
    c.env("HYBRIDCTL_SITE_CONFIG", &site)
        .env("HYBRIDCTL_MISBEHAVE", "hang");
    let r = run(c, KILL);
    // A tool that timed out is "unavailable": worth a retry (exit status 3).
    r.assert_bounded(3, SECS_5)
        .stderr_has("did not finish within 1 s and was stopped (the limit is `gpfs.timeout` in the site config)")
        .stderr_has("hint: GPFS may be hung");
    assert!(r.elapsed >= Duration::from_secs(1));
}

#[test]
fn a_hanging_sbatch_times_out_after_slurm_timeout() {
    let tools = misbehaving_tools(&["sbatch", "squeue", "sacct", "scontrol"]);
    let site = site_config(
        tools.path(),
        &format!(
            "slurm:\n  binDir: {}\n  timeout: 1\n",
            tools.path().display()
        ),
    );
    let mut c = cmd(&["submit", "examples/single-node.yaml"]);
    c.env("HYBRIDCTL_SITE_CONFIG", &site)
        .env("HYBRIDCTL_MISBEHAVE", "hang")
        .env("XDG_STATE_HOME", tools.path().join("state"));
    run(c, KILL)
        .assert_bounded(3, Duration::from_secs(10))
        .stderr_has("`sbatch --parsable")
        .stderr_has("did not finish within 1 s and was stopped (the limit is `slurm.timeout` in the site config)")
        .stderr_has("scontrol ping");
}

#[test]
fn endless_and_hanging_fabric_tools_leave_the_qos_unknown_in_bounded_time() {
    for how in ["endless", "hang"] {
        let h = host();
        let tools = misbehaving_tools(&["mlnx_qos", "dcb", "ethtool", "ibv_devinfo"]);
        let site = site_config(
            tools.path(),
            &format!(
                "fabric:\n  toolDir: {}\n  toolTimeout: 1\n",
                tools.path().display()
            ),
        );
        let mut c = cmd(&[
            "fabric-check",
            "-o",
            "json",
            "--sysfs-root",
            h.path().to_str().expect("utf-8"),
        ]);
        c.env("HYBRIDCTL_SITE_CONFIG", &site)
            .env("HYBRIDCTL_MISBEHAVE", how);
        // Two netdevs, each: mlnx_qos then dcb, at most 1 s each.
        let r = run(c, KILL);
        r.assert_bounded(1, Duration::from_secs(15));
        let why = if how == "hang" {
            "did not finish within 1 s"
        } else {
            "printed more than 8 MiB"
        };
        assert!(r.stdout.contains(why), "{how}: {}", r.stdout);
    }
}

// ---- big documents -------------------------------------------------------------------------

const HEAD: &str = "apiVersion: hybridctl.io/v1alpha1\nkind: TrainingJob\nname: t\nslurm:\n  partition: gpu\n  nodes: 1\n  gpusPerNode: 1\ncontainer:\n  image: x:1\n  command: [a]\n";

#[test]
fn a_mapping_of_100k_keys_fails_validation_fast_with_the_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    // At the top level and as `container.env`.
    let mut top = String::new();
    let mut env = format!("{HEAD}  env:\n");
    for i in 0..100_000 {
        top.push_str(&format!("k{i}: v\n"));
        env.push_str(&format!("    K{i}: v\n"));
    }
    for (name, text, what) in [
        (
            "top.yaml",
            &top,
            "the job spec has 100000 keys, more than the limit of 4096",
        ),
        (
            "env.yaml",
            &env,
            "`container.env` has 100000 keys, more than the limit of 4096",
        ),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        run(cmd(&["validate", p.to_str().expect("utf-8")]), KILL)
            .assert_bounded(1, Duration::from_secs(20))
            .stderr_has(what)
            .stderr_has("error[too-many]");
    }
}

#[test]
fn a_list_of_a_million_items_fails_in_validate_not_in_render() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("args.yaml");
    let items = vec!["x"; 1_000_000].join(",");
    std::fs::write(&p, format!("{HEAD}  args: [{items}]\n")).expect("write");
    for sub in ["validate", "render"] {
        run(cmd(&[sub, p.to_str().expect("utf-8")]), KILL)
            .assert_bounded(1, Duration::from_secs(20))
            .stderr_has("more than 500000 nodes");
    }
    let p = dir.path().join("args5k.yaml");
    let items = vec!["x"; 5000].join(",");
    std::fs::write(&p, format!("{HEAD}  args: [{items}]\n")).expect("write");
    run(cmd(&["render", p.to_str().expect("utf-8")]), KILL)
        .assert_bounded(1, SECS_5)
        .stderr_has(
            ":11:9: error[too-many]: `container.args` has 5000 items, more than the limit of 4096",
        );
}

#[test]
fn a_3mb_name_is_quoted_as_a_short_excerpt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("name.yaml");
    let name = "n".repeat(3 << 20);
    std::fs::write(&p, HEAD.replace("name: t", &format!("name: {name}"))).expect("write");
    let r = run(cmd(&["validate", p.to_str().expect("utf-8")]), KILL);
    r.assert_bounded(1, SECS_5)
        .stderr_has(&format!("{}... (3145728 bytes in all)", "n".repeat(40)));
    assert!(r.stderr.len() < 4096, "{} bytes of stderr", r.stderr.len());
}
