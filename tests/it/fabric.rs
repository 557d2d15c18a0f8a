//! `hybridctl fabric-check`: the local audit of fixture sysfs trees (tests/fixtures/fabric/,
//! built by make-trees.sh from the kernel's documented layout), the recorded tool outputs,
//! counters over --watch, and the pairwise tests on the real local Slurm with a stand-in
//! perftest (the test cluster has no RDMA NIC) and with Debian's real `ib_write_bw`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hybridctl::fabric::perftest::{self, BwUnit, FailureKind};
use hybridctl::fabric::{ethtool, qos};
use serde_json::Value;

use crate::util::{hybridctl, require_tool, root, stderr, stdout};

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/fabric")
}

/// fabric-check with the stand-in `mlnx_qos`/`ethtool` of tests/fixtures/fabric/bin first on
/// PATH, printing the tree's recorded outputs.
fn fabric(tree: &Path) -> assert_cmd::Command {
    let mut cmd = hybridctl();
    cmd.env(
        "PATH",
        format!(
            "{}:{}",
            fixtures().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        ),
    )
    .env("HYBRIDCTL_FAKE_FABRIC_TOOLS", tree.join("tools"))
    .args(["fabric-check", "--sysfs-root"])
    .arg(tree);
    cmd
}

const TREES: &[(&str, i32)] = &[
    ("roce-healthy-8nic", 0),
    ("roce-pfc-wrong-prio", 1),
    ("roce-ecn-off", 1),
    ("roce-no-v2-gid", 1),
    ("roce-port-down", 1),
    ("ib-host", 0),
    ("no-rdma", 1),
];

#[test]
fn every_fixture_tree_gets_its_verdicts() {
    for (tree, code) in TREES {
        let dir = fixtures().join(tree);
        let out = fabric(&dir).output().expect("runs");
        assert_eq!(out.status.code(), Some(*code), "{tree}: {}", stderr(&out));
        let text = stdout(&out).replace(&dir.display().to_string(), "<TREE>");
        insta::assert_snapshot!(format!("fabric_{tree}"), text);
    }
}

fn json(tree: &str) -> Value {
    let out = fabric(&fixtures().join(tree))
        .args(["-o", "json"])
        .output()
        .expect("runs");
    serde_json::from_slice(&out.stdout).expect("json report")
}

fn failed(v: &Value) -> Vec<(String, String)> {
    v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["level"] == "fail")
        .map(|c| {
            (
                c["check"].as_str().unwrap_or("").to_string(),
                c["subject"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn each_broken_tree_fails_exactly_the_check_it_breaks() {
    let pair = |c: &str, s: &str| (c.to_string(), s.to_string());
    assert!(failed(&json("roce-healthy-8nic")).is_empty());
    assert_eq!(
        failed(&json("roce-pfc-wrong-prio")),
        [
            pair("pfc", "mlx5_0/1 (ens1np0)"),
            pair("pfc", "mlx5_1/1 (ens2np0)")
        ]
    );
    assert_eq!(
        failed(&json("roce-ecn-off")),
        [pair("ecn", "mlx5_1/1 (ens2np0)")]
    );
    assert_eq!(
        failed(&json("roce-no-v2-gid")),
        [
            pair("roce-v2-gid", "mlx5_1/1"),
            pair("nccl-gid-index", "host")
        ]
    );
    assert_eq!(
        failed(&json("roce-port-down")),
        [pair("port-state", "mlx5_1/1")]
    );
    assert!(failed(&json("ib-host")).is_empty());
    assert_eq!(failed(&json("no-rdma")), [pair("rdma-devices", "host")]);
    let v = json("roce-healthy-8nic");
    assert_eq!(v["summary"]["pass"], 85);
    assert_eq!(v["exitCode"], 0);
    let gid = v["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["check"] == "roce-v2-gid"))
        .expect("gid check");
    assert!(gid["detail"].as_str().unwrap_or("").starts_with("index 3:"));
}

#[test]
fn health_check_prints_one_error_line_naming_the_check() {
    let out = fabric(&fixtures().join("roce-ecn-off"))
        .arg("--health-check")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "ERROR: hybridctl fabric-check: ecn mlx5_1/1 (ens2np0): ECN for priority 3: roce_np 0, roce_rp 0\n"
    );
    let out = fabric(&fixtures().join("roce-healthy-8nic"))
        .arg("--health-check")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    let out = fabric(Path::new("/nonexistent/root"))
        .arg("--health-check")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).starts_with("ERROR: hybridctl fabric-check: setup: the sysfs root"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn missing_tools_and_inbox_drivers_are_unknown_not_failures() {
    // No stand-ins on PATH and no mlnx_qos anywhere: trust/PFC/DSCP are unknown.
    let mut cmd = hybridctl();
    let tree = fixtures().join("roce-healthy-8nic");
    let tools = tempfile::tempdir().expect("tempdir");
    let site = tools.path().join("site.yaml");
    std::fs::write(
        &site,
        format!("fabric:\n  toolDir: {}\n", tools.path().display()),
    )
    .expect("site config");
    let out = cmd
        .env("PATH", "/nonexistent")
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .args(["fabric-check", "-o", "json", "--sysfs-root"])
        .arg(&tree)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let pfc = v["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["check"] == "pfc"))
        .expect("pfc");
    assert_eq!(pfc["level"], "unknown");
    assert!(
        pfc["detail"]
            .as_str()
            .unwrap_or("")
            .contains("`mlnx_qos` is not installed")
    );
    // The IB host has no ECN sysfs and no QoS: nothing fails.
    let v = json("ib-host");
    assert_eq!(v["summary"]["fail"], 0);
}

#[test]
fn nccl_settings_from_the_environment_and_a_spec_win_over_nccl_conf() {
    let tree = fixtures().join("roce-healthy-8nic");
    let out = fabric(&tree)
        .env("NCCL_IB_GID_INDEX", "1")
        .env("NCCL_IB_TC", "0")
        .env("NCCL_SOCKET_IFNAME", "=bond0")
        .args(["-o", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let f = failed(&v);
    for c in ["nccl-gid-index", "nccl-ib-tc", "nccl-socket-ifname"] {
        assert!(
            f.contains(&(c.to_string(), "host".to_string())),
            "{c}: {f:?}"
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("job.yaml");
    std::fs::write(
        &spec,
        "apiVersion: hybridctl.io/v1alpha1\nkind: TrainingJob\nname: t\nslurm:\n  nodes: 2\n  gpusPerNode: 8\nnetwork:\n  fabric: roce\n  hcas: [mlx5_0, mlx5_9]\n  gidIndex: 3\n  trafficClass: 106\ncontainer:\n  image: registry.example/train:1\n  command: [python, train.py]\n",
    )
    .expect("spec");
    let out = fabric(&tree)
        .env("NCCL_IB_GID_INDEX", "1")
        .arg("--spec")
        .arg(&spec)
        .args(["-o", "json"])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let check = |name: &str| {
        v["checks"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["check"] == name))
            .cloned()
            .expect("check")
    };
    assert_eq!(check("nccl-gid-index")["level"], "pass", "{}", stderr(&out));
    assert_eq!(check("nccl-ib-hca")["level"], "warn");
    assert!(
        check("nccl-ib-hca")["detail"]
            .as_str()
            .unwrap_or("")
            .contains("mlx5_9")
    );
}

#[test]
fn watch_reports_counter_deltas_with_thresholds() {
    let src = fixtures().join("roce-port-down");
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = dir.path().join("host");
    copy_tree(&src, &tree);
    let counter = tree.join("sys/class/infiniband/mlx5_0/ports/1/hw_counters/packet_seq_err");
    let cnp = tree.join("sys/class/infiniband/mlx5_0/ports/1/hw_counters/np_cnp_sent");
    let mut cmd = fabric(&tree);
    cmd.args(["--watch", "1500ms", "-o", "json"])
        .timeout(Duration::from_secs(30));
    let handle = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        std::fs::write(&counter, "250\n").expect("counter");
        std::fs::write(&cnp, "1300\n").expect("counter");
    });
    let out = cmd.output().expect("runs");
    handle.join().expect("writer");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let deltas = v["counterDeltas"].as_array().expect("deltas");
    assert!(
        deltas
            .iter()
            .any(|d| d["counter"] == "packet_seq_err" && d["delta"] == 250),
        "{deltas:?}"
    );
    assert!(
        deltas
            .iter()
            .any(|d| d["counter"] == "np_cnp_sent" && d["delta"] == 96)
    );
    let counters = v["checks"]
        .as_array()
        .and_then(|c| {
            c.iter()
                .find(|c| c["check"] == "counters" && c["subject"] == "mlx5_0/1")
        })
        .expect("counters check");
    assert_eq!(
        counters["level"], "fail",
        "packet_seq_err +250 is over the fail threshold 100"
    );
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("readdir").flatten() {
        let p = e.path();
        let t = to.join(e.file_name());
        if p.is_dir() {
            copy_tree(&p, &t);
        } else {
            std::fs::copy(&p, &t).expect("copy");
        }
    }
}

#[test]
fn recorded_perftest_outputs_parse() {
    let dir = fixtures().join("outputs/perftest");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).expect("fixture");
    let close = |a: f64, b: f64| (a - b).abs() < 0.01;
    let bw = |f: &str| perftest::parse_bw(&read(f)).expect(f);
    let r = bw("write_bw-gbits.txt");
    assert_eq!((r.unit, r.bytes, r.iterations), (BwUnit::Gbps, 65536, 5000));
    assert!(close(r.average_gbps, 391.82));
    assert_eq!(r.test.as_deref(), Some("RDMA_Write BW Test"));
    let r = bw("write_bw-mib.txt");
    assert_eq!(r.unit, BwUnit::MiBps);
    assert!(close(r.average_gbps, 197.88), "{}", r.average_gbps);
    let r = bw("write_bw-mb-4.5.txt");
    assert_eq!(r.unit, BwUnit::MBps);
    assert!(close(r.average_gbps, 98.89), "{}", r.average_gbps);
    let r = bw("write_bw-all-sizes-gbits.txt");
    assert_eq!(r.bytes, 65536);
    assert!(close(r.average_gbps, 97.42));
    let r = bw("write_bw-dualport-duration-gbits.txt");
    assert!(close(r.average_gbps, 187.20) && r.peak == 0.0);
    let l = perftest::parse_lat(&read("read_lat.txt")).expect("lat");
    assert!(close(l.t_avg_us, 3.98) && l.p99_us.is_some_and(|p| close(p, 4.47)));
    let l = perftest::parse_lat(&read("read_lat-duration.txt")).expect("lat -D");
    assert!(close(l.t_avg_us, 4.07) && l.p99_us.is_none());
    for (f, kind) in [
        ("fail-no-device-4.5.txt", FailureKind::NoDevice),
        ("fail-qp-rtr.txt", FailureKind::QueuePair),
        ("fail-completion.txt", FailureKind::Completion),
        ("fail-connect.txt", FailureKind::Connection),
    ] {
        assert!(perftest::parse_bw(&read(f)).is_err(), "{f} has no result");
        assert_eq!(perftest::classify_failure(&read(f), "").kind, kind, "{f}");
    }
    assert_eq!(
        perftest::parse_bw(&read("server-waiting.txt")),
        Err(perftest::ParseError::NoHeader)
    );
}

#[test]
fn recorded_ibv_devinfo_outputs_parse() {
    let dir = fixtures().join("outputs/ibv_devinfo");
    for (f, mtu) in [("mtu4096.txt", 4096), ("mtu2048.txt", 2048)] {
        let text = std::fs::read_to_string(dir.join(f)).expect("fixture");
        assert_eq!(qos::parse_ibv_active_mtu(&text), Some(mtu), "{f}");
    }
}

#[test]
fn recorded_mlnx_qos_outputs_parse() {
    let dir = fixtures().join("outputs/mlnx_qos");
    let q = |f: &str| {
        qos::parse_mlnx_qos(&std::fs::read_to_string(dir.join(f)).expect("fixture")).expect(f)
    };
    let a = q("trust-dscp-pfc3.txt");
    assert_eq!(a.trust.as_deref(), Some("dscp"));
    assert_eq!(a.pfc_priorities(), Some(vec![3]));
    assert_eq!(a.dscp2prio.get(&26), Some(&3));
    assert_eq!(a.dscp2prio.len(), 64);
    assert_eq!(q("trust-dscp-pfc4.txt").pfc_priorities(), Some(vec![4]));
    let c = q("trust-pcp-old.txt");
    assert_eq!(c.trust.as_deref(), Some("pcp"));
    assert_eq!(c.pfc_priorities(), Some(vec![]));
    assert!(c.dscp2prio.is_empty());
}

#[test]
fn recorded_ethtool_output_parses() {
    let text =
        std::fs::read_to_string(fixtures().join("outputs/ethtool/mlx5-S.txt")).expect("fixture");
    let stats = ethtool::parse_stats(&text);
    assert_eq!(stats.len(), 24);
    let pause = ethtool::pause_counters(&stats);
    assert_eq!(pause.len(), 12);
    assert_eq!(pause.get("rx_prio3_pause"), Some(&1834));
}

#[test]
fn real_ib_write_bw_without_a_device_fails_fast_with_a_clear_verdict() {
    if !require_tool("ib_write_bw") {
        return;
    }
    // Launcher `[]`: both sides run on this machine (a test and site debugging aid).
    let dir = tempfile::tempdir().expect("tempdir");
    let site = dir.path().join("site.yaml");
    std::fs::write(&site, "fabric:\n  launcher: []\n  testTimeout: 20\n").expect("site");
    let t = Instant::now();
    let out = hybridctl()
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .args([
            "fabric-check",
            "--no-local",
            "--nodes",
            "localhost,127.0.0.1",
            "-o",
            "json",
        ])
        .timeout(Duration::from_secs(60))
        .output()
        .expect("runs");
    let took = t.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let r = &v["pairwise"]["results"][0];
    assert_eq!(r["level"], "fail");
    assert_eq!(r["failure"]["kind"], "no-device", "{r}");
    assert!(
        r["reason"]
            .as_str()
            .unwrap_or("")
            .contains("no RDMA device"),
        "{r}"
    );
    eprintln!("real ib_write_bw without a device: verdict in {took:?}");
}

mod on_slurm {
    //! Pairwise orchestration over the real local Slurm (srun inside `salloc`), with the
    //! stand-in perftest of tests/fixtures/fabric/bin on the nodes.

    use super::*;
    use crate::slurm::cluster;

    fn site(dir: &Path, extra: &str) -> PathBuf {
        let p = dir.join("site.yaml");
        std::fs::write(&p, format!("fabric:\n  expectedRateGbps: 400\n{extra}")).expect("site");
        p
    }

    /// `salloc -N2 hybridctl fabric-check --pairwise ...` against the test cluster.
    fn pairwise(
        conf: &str,
        dir: &Path,
        env: &[(&str, &str)],
        args: &[&str],
    ) -> std::process::Output {
        let bin = assert_cmd::cargo::cargo_bin("hybridctl");
        let mut cmd = std::process::Command::new("salloc");
        cmd.env_clear()
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    fixtures().join("bin").display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("SLURM_CONF", conf)
            .env("HYBRIDCTL_SITE_CONFIG", site(dir, ""))
            .env("HYBRIDCTL_CONFIG", "/dev/null")
            .env("NO_COLOR", "1")
            .env("HYBRIDCTL_FAKE_PERFTEST_PIDS", dir)
            .current_dir(dir)
            .args(["-N2", "--quiet", "--time=5"])
            .arg(&bin)
            .args(["fabric-check", "--pairwise", "--no-local", "-o", "json"])
            .args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("salloc runs")
    }

    /// No stand-in perftest process is left alive (zombies awaiting their reaper are dead).
    fn assert_nothing_left(dir: &Path) {
        let alive = |pid: &str| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
                s.rsplit(')')
                    .next()
                    .is_some_and(|r| !r.trim_start().starts_with('Z'))
            })
        };
        let ok = crate::slurm::wait_until(Duration::from_secs(10), || {
            std::fs::read_dir(dir)
                .expect("pid dir")
                .flatten()
                .filter_map(|e| e.file_name().into_string().ok())
                .filter_map(|n| n.rsplit('.').next().map(str::to_string))
                .all(|pid| !alive(&pid))
        });
        assert!(ok, "a stand-in perftest is still running");
    }

    fn result(out: &std::process::Output) -> Value {
        let v: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("json ({e}): {}\n{}", stdout(out), stderr(out)));
        v["pairwise"].clone()
    }

    #[test]
    fn a_pair_passes_one_fails_one_hangs_and_nothing_is_left_running() {
        let Some(c) = cluster() else { return };
        let dir = tempfile::tempdir().expect("tempdir");
        // 1. Both nodes fine.
        let out = pairwise(
            &c.conf,
            dir.path(),
            &[("HYBRIDCTL_FAKE_PERFTEST_SECONDS", "1")],
            &["--latency"],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}{}",
            stdout(&out),
            stderr(&out)
        );
        let p = result(&out);
        assert_eq!(p["nodes"].as_array().map(Vec::len), Some(2));
        assert_eq!(p["rounds"], 1);
        let r = &p["results"][0];
        assert_eq!(r["level"], "pass", "{r}");
        assert_eq!(r["bandwidth"]["averageGbps"], 391.82);
        assert_eq!(r["latency"]["tAvgUs"], 3.98);
        assert_nothing_left(dir.path());
        // 2. The client node fails (QP error) and its server is stopped at once.
        let dir2 = tempfile::tempdir().expect("tempdir");
        let t = Instant::now();
        let out = pairwise(
            &c.conf,
            dir2.path(),
            &[("HYBRIDCTL_FAKE_PERFTEST_MODES", "*=fail")],
            &[],
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}{}",
            stdout(&out),
            stderr(&out)
        );
        let r = &result(&out)["results"][0];
        assert_eq!(r["level"], "fail");
        assert!(
            ["queue-pair", "no-device"].contains(&r["failure"]["kind"].as_str().unwrap_or("")),
            "{r}"
        );
        assert!(t.elapsed() < Duration::from_secs(30), "{:?}", t.elapsed());
        assert_nothing_left(dir2.path());
        // 3. One node hangs: the test times out, both sides are stopped.
        let dir3 = tempfile::tempdir().expect("tempdir");
        let t = Instant::now();
        let out = pairwise(
            &c.conf,
            dir3.path(),
            &[("HYBRIDCTL_FAKE_PERFTEST_MODES", "*=hang")],
            &["--timeout", "3"],
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let r = &result(&out)["results"][0];
        assert_eq!(r["level"], "fail");
        assert_eq!(r["timedOut"], true, "{r}");
        assert!(t.elapsed() < Duration::from_secs(40), "{:?}", t.elapsed());
        assert_nothing_left(dir3.path());
    }

    /// The port counters of every tested node are read (through the launcher) before and
    /// after the tests: retransmissions during the tests show up per node.
    #[test]
    fn counters_of_every_node_around_the_pairwise_tests() {
        let Some(c) = cluster() else { return };
        let dir = tempfile::tempdir().expect("tempdir");
        let tree = dir.path().join("tree");
        let cp = std::process::Command::new("cp")
            .arg("-r")
            .arg(fixtures().join("roce-healthy-8nic"))
            .arg(&tree)
            .status()
            .expect("cp");
        assert!(cp.success());
        let counter = tree.join("sys/class/infiniband/mlx5_0/ports/1/hw_counters/out_of_sequence");
        let before: u64 = std::fs::read_to_string(&counter)
            .expect("counter")
            .trim()
            .parse()
            .expect("number");
        let pids = dir.path().join("pids");
        std::fs::create_dir(&pids).expect("mkdir");
        let out = pairwise(
            &c.conf,
            &pids,
            &[(
                "HYBRIDCTL_FAKE_PERFTEST_BUMP",
                counter.to_str().expect("utf-8"),
            )],
            &["--sysfs-root", tree.to_str().expect("utf-8")],
        );
        let v: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("json ({e}): {}\n{}", stdout(&out), stderr(&out)));
        assert_eq!(v["pairwise"]["results"][0]["level"], "pass", "{v}");
        let delta = v["counterDeltas"]
            .as_array()
            .and_then(|d| {
                d.iter()
                    .find(|d| d["subject"] == "node1 mlx5_0/1" && d["counter"] == "out_of_sequence")
            })
            .unwrap_or_else(|| panic!("no delta for node1: {v}"));
        assert_eq!(delta["before"], before);
        assert_eq!(delta["delta"], 5);
        let check = v["checks"]
            .as_array()
            .and_then(|c| {
                c.iter()
                    .find(|c| c["check"] == "counters" && c["subject"] == "node2 mlx5_0/1")
            })
            .unwrap_or_else(|| panic!("no counters check for node2: {v}"));
        assert_eq!(check["level"], "warn", "{check}");
        assert_nothing_left(&pids);
    }

    /// `--rails`: every active port of the host's kind, one after the other in each pair, each
    /// with its own `-d`/`-i`/`-x`; the matrix shows the worst rail.
    #[test]
    fn rails_test_every_active_port_between_the_pair() {
        let Some(c) = cluster() else { return };
        let dir = tempfile::tempdir().expect("tempdir");
        let args_file = dir.path().join("args.txt");
        let out = pairwise(
            &c.conf,
            dir.path(),
            &[(
                "HYBRIDCTL_FAKE_PERFTEST_ARGS",
                args_file.to_str().expect("utf-8"),
            )],
            &[
                "--rails",
                "--sysfs-root",
                fixtures()
                    .join("roce-healthy-8nic")
                    .to_str()
                    .expect("utf-8"),
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}{}",
            stdout(&out),
            stderr(&out)
        );
        let results = result(&out)["results"]
            .as_array()
            .cloned()
            .expect("results");
        let rails: Vec<&str> = results.iter().filter_map(|r| r["rail"].as_str()).collect();
        assert_eq!(
            rails,
            (0..8).map(|i| format!("mlx5_{i}/1")).collect::<Vec<_>>(),
            "one test per active port, in order"
        );
        let args = std::fs::read_to_string(&args_file).expect("args");
        for i in 0..8 {
            assert!(
                args.lines().any(
                    |l| l.contains(" client ") && l.contains(&format!("-d mlx5_{i} -i 1 -x 3"))
                ),
                "mlx5_{i}: {args}"
            );
        }
        assert_nothing_left(dir.path());
    }

    #[test]
    fn real_ib_write_bw_through_srun_fails_fast() {
        let Some(c) = cluster() else { return };
        if !require_tool("ib_write_bw") {
            return;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let bin = assert_cmd::cargo::cargo_bin("hybridctl");
        let t = Instant::now();
        let out = std::process::Command::new("salloc")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("SLURM_CONF", &c.conf)
            .env(
                "HYBRIDCTL_SITE_CONFIG",
                site(dir.path(), "  bwTest: /usr/bin/ib_write_bw\n"),
            )
            .env("HYBRIDCTL_CONFIG", "/dev/null")
            .current_dir(dir.path())
            .args(["-N2", "--quiet", "--time=5"])
            .arg(&bin)
            .args(["fabric-check", "--pairwise", "--no-local", "-o", "json"])
            .output()
            .expect("salloc runs");
        let took = t.elapsed();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let r = &result(&out)["results"][0];
        assert_eq!(r["failure"]["kind"], "no-device", "{r}");
        assert!(took < Duration::from_secs(20), "{took:?}");
        eprintln!("real ib_write_bw over srun: verdict in {took:?} (including salloc)");
    }
}

#[test]
fn site_settings_set_the_expectations_and_bad_ones_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let site = dir.path().join("site.yaml");
    // The site's lossless priority is 4: the "wrong" PFC is right, the DSCP map and ECN are not.
    std::fs::write(
        &site,
        "fabric:\n  losslessPriority: 4\n  expectedRateGbps: 800\n",
    )
    .expect("site");
    let out = fabric(&fixtures().join("roce-pfc-wrong-prio"))
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .args(["-o", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let f = failed(&v);
    let kinds: std::collections::BTreeSet<&str> = f.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        kinds,
        ["dscp-map", "ecn", "nccl-ib-tc", "rate"]
            .into_iter()
            .collect(),
        "{f:?}"
    );
    std::fs::write(
        &site,
        "fabric:\n  minBandwidthFraction: 2\n  losslessPriority: 9\n  typo: 1\n",
    )
    .expect("site");
    let out = fabric(&fixtures().join("roce-healthy-8nic"))
        .env("HYBRIDCTL_SITE_CONFIG", &site)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("fabric.minBandwidthFraction"), "{err}");
    assert!(err.contains("fabric.losslessPriority"), "{err}");
    assert!(err.contains("typo"), "{err}");
}

/// Without `mlnx_qos`, PFC and the DSCP map come from iproute2's `dcb` (outputs in the layout
/// of its man pages dcb-pfc(8) and dcb-app(8), iproute2 6.1), with `dcb` commands as fixes.
#[test]
fn without_mlnx_qos_pfc_and_the_dscp_map_come_from_dcb() {
    let tree = fixtures().join("roce-healthy-8nic");
    let tools = tempfile::tempdir().expect("tempdir");
    let pfc = |on: u8| {
        let row: Vec<String> = (0..8)
            .map(|i| format!("{i}:{}", if i == on { "on" } else { "off" }))
            .collect();
        format!(
            "pfc-cap 8 macsec-bypass off delay 0\nprio-pfc {}\n",
            row.join(" ")
        )
    };
    let write =
        |name: &str, text: &str| std::fs::write(tools.path().join(name), text).expect("write");
    write("dcb-pfc-ens1np0.txt", &pfc(3));
    write("dcb-app-ens1np0.txt", "dscp-prio 26:3 48:6\n");
    write("dcb-pfc-ens2np0.txt", &pfc(4));
    write("dcb-app-ens2np0.txt", "dscp-prio 26:3\n");
    write("dcb-pfc-ens3np0.txt", &pfc(3));
    write("dcb-app-ens3np0.txt", "");
    let out = fabric(&tree)
        .env("HYBRIDCTL_FAKE_FABRIC_TOOLS", tools.path())
        .args(["-o", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let check = |name: &str, netdev: &str| -> Value {
        v["checks"]
            .as_array()
            .and_then(|c| {
                c.iter().find(|c| {
                    c["check"] == name && c["subject"].as_str().is_some_and(|s| s.contains(netdev))
                })
            })
            .cloned()
            .unwrap_or_else(|| panic!("no {name} check for {netdev}: {v}"))
    };
    assert_eq!(check("pfc", "ens1np0")["level"], "pass");
    assert_eq!(check("dscp-map", "ens1np0")["level"], "pass");
    let trust = check("trust", "ens1np0");
    assert_eq!(trust["level"], "unknown");
    assert!(
        trust["detail"]
            .as_str()
            .unwrap_or("")
            .contains("`dcb` does not show the trust state"),
        "{trust}"
    );
    let wrong = check("pfc", "ens2np0");
    assert_eq!(wrong["level"], "fail", "{wrong}");
    assert!(
        wrong["hint"]
            .as_str()
            .unwrap_or("")
            .contains("dcb pfc set dev ens2np0 prio-pfc all:off 3:on"),
        "{wrong}"
    );
    let default_map = check("dscp-map", "ens3np0");
    assert_eq!(default_map["level"], "unknown");
    assert!(
        default_map["detail"]
            .as_str()
            .unwrap_or("")
            .contains("default map"),
        "{default_map}"
    );
    // Neither tool answers for the other NICs: unknown, naming both.
    let none = check("pfc", "ens4np0");
    assert_eq!(none["level"], "unknown");
    let why = none["detail"].as_str().unwrap_or("");
    assert!(why.contains("mlnx_qos") && why.contains("dcb"), "{none}");
}

/// A saved `show_gids` output fills in GIDs that sysfs does not show (a pod that cannot read
/// `gid_attrs`, or another view of the host); rows of devices this host lacks are reported.
#[test]
fn show_gids_output_is_read_with_the_sysfs_gids() {
    let tree = fixtures().join("roce-no-v2-gid");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("show_gids.txt");
    // The layout of mlnx-tools' `show_gids` (tabs; see tests/fixtures/fabric/outputs/show_gids
    // for real outputs).
    std::fs::write(
        &file,
        "DEV\tPORT\tINDEX\tGID\t\t\t\t\tIPv4  \t\tVER\tDEV\n---\t----\t-----\t---\t\t\t\t\t------------  \t---\t---\nmlx5_0\t1\t3\t0000:0000:0000:0000:0000:ffff:0a00:0101\t10.0.1.1  \tv2\tens1np0\nmlx5_9\t1\t3\t0000:0000:0000:0000:0000:ffff:0a00:0901\t10.0.9.1  \tv2\teth9\nn_gids_found=2\n",
    )
    .expect("write");
    let out = fabric(&tree)
        .args(["-o", "json", "--show-gids"])
        .arg(&file)
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let check = |name: &str, subject: &str| -> Value {
        v["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .find(|c| c["check"] == name && c["subject"] == subject)
            .cloned()
            .unwrap_or_else(|| panic!("no {name} {subject}: {v}"))
    };
    assert_eq!(check("roce-v2-gid", "mlx5_0/1")["level"], "pass");
    assert_eq!(check("roce-v2-gid", "mlx5_1/1")["level"], "fail");
    let sg = check("show-gids", "host");
    assert_eq!(sg["level"], "unknown");
    assert!(
        sg["evidence"][0]
            .as_str()
            .unwrap_or("")
            .starts_with("mlx5_9 1 3 ")
    );

    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "nothing here\n").expect("write");
    let out = fabric(&tree)
        .arg("--show-gids")
        .arg(&empty)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("has no `show_gids` row"),
        "{}",
        stderr(&out)
    );
}

fn topology(tree: &str, json: bool) -> (i32, String) {
    let mut cmd = fabric(&fixtures().join(tree));
    cmd.arg("--topology");
    if json {
        cmd.args(["-o", "json"]);
    }
    let out = cmd.output().expect("runs");
    (out.status.code().unwrap_or(-1), stdout(&out))
}

/// The layout of a real H100 node (sgl-project/sglang#30401's `nvidia-smi topo -m`, which
/// the stand-in `nvidia-smi` prints): sysfs and nvidia-smi agree, one PIX NIC per GPU.
#[test]
fn topology_of_an_h100_node_agrees_with_nvidia_smi() {
    let (code, text) = topology("gpu-nic-h100", false);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.starts_with("GPU x NIC (nvidia-smi topo -m):"),
        "{text}"
    );
    assert!(text.contains("sysfs agrees."), "{text}");
    assert!(
        text.contains(" GPU5  SYS     SYS     SYS     SYS     NODE    PIX     NODE    NODE    1     mlx5_5 (PIX)"),
        "{text}"
    );
    assert!(
        text.contains("NCCL_IB_HCA==mlx5_0,mlx5_1,mlx5_2,mlx5_3,mlx5_4,mlx5_5,mlx5_6,mlx5_7"),
        "{text}"
    );
    let (_, json) = topology("gpu-nic-h100", true);
    let v: Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["topology"]["source"], "nvidia-smi topo -m");
    assert_eq!(v["sysfs"]["paths"][0][0], "PIX");
    assert_eq!(v["sysfs"]["paths"][0][4], "SYS");
    assert_eq!(v["differences"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["sysfs"]["gpuNuma"][7], 1);
}

/// GPUs on a socket without a NIC are flagged; the storage NIC stays out of NCCL_IB_HCA.
#[test]
fn topology_flags_gpus_whose_nearest_nic_is_across_the_socket() {
    let (code, text) = topology("gpu-nic-cross-socket", false);
    assert_eq!(code, 0, "warnings: {text}");
    assert!(text.starts_with("GPU x NIC (sysfs):"), "{text}");
    assert!(
        text.contains("warn: GPU2 nearest NICs mlx5_0, mlx5_1, mlx5_2 are across the socket (SYS)"),
        "{text}"
    );
    assert!(
        text.contains("suggested: NCCL_IB_HCA==mlx5_0,mlx5_1 "),
        "{text}"
    );
    assert!(
        text.contains("left out of the suggestion: mlx5_2"),
        "{text}"
    );
    assert!(text.contains("nvidia-smi: not used"), "{text}");
    let (_, json) = topology("gpu-nic-cross-socket", true);
    let v: Value = serde_json::from_str(&json).expect("json");
    let levels: Vec<&str> = v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| c["level"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(levels, vec!["pass", "pass", "warn", "warn"]);
    assert_eq!(v["advice"]["ncclIbHca"], "=mlx5_0,mlx5_1");
}
