//! The fixture corpus (`tests/fixtures/nccl/`, sources in its README): each log with its
//! expected per-rank state and verdicts, plus a snapshot of the summary table; then the
//! behaviours that matter to `logs` and `launch` (alerts once, thresholds, bounded state).

use std::time::{Duration, UNIX_EPOCH};

use super::*;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/nccl/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn analyse(name: &str, expect: Expectation) -> Report {
    let mut a = Analyzer::new(expect);
    scan::scan(fixture(name).as_bytes(), "", &mut a).expect("reading from memory");
    a.finish();
    a.report()
}

fn roce() -> Expectation {
    Expectation {
        fabric: Fabric::Roce,
        multi_node: true,
        init_threshold: None,
    }
}

fn kinds(r: &Report) -> Vec<(VerdictKind, Severity)> {
    r.verdicts.iter().map(|v| (v.kind, v.severity)).collect()
}

/// One row of the corpus: the file, the expectation, and what must come out.
struct Case {
    file: &'static str,
    expect: Expectation,
    ranks: usize,
    hosts: u64,
    verdicts: &'static [(VerdictKind, Severity)],
    /// Checked on every rank with NCCL's prefix.
    network: Option<&'static str>,
    gdr: Option<bool>,
    version: &'static str,
}

use Severity::{Error, Warning};
use VerdictKind::*;

fn corpus() -> Vec<Case> {
    vec![
        Case {
            file: "roce-healthy-16.log",
            expect: roce(),
            ranks: 16,
            hosts: 2,
            verdicts: &[],
            network: Some("IB"),
            gdr: Some(true),
            version: "2.21.5+cuda12.4",
        },
        Case {
            file: "ib-ibext-plugin.log",
            expect: Expectation {
                fabric: Fabric::Ib,
                ..roce()
            },
            ranks: 4,
            hosts: 2,
            verdicts: &[],
            network: Some("IBext_v8"),
            gdr: Some(true),
            version: "2.23.4+cuda12.6",
        },
        Case {
            file: "socket-no-device.log",
            expect: roce(),
            ranks: 4,
            hosts: 2,
            verdicts: &[(SocketFallback, Error)],
            network: Some("Socket"),
            gdr: None,
            version: "2.21.5+cuda12.4",
        },
        Case {
            file: "socket-no-device.log",
            expect: Expectation::default(),
            ranks: 4,
            hosts: 2,
            verdicts: &[(SocketFallback, Warning)],
            network: Some("Socket"),
            gdr: None,
            version: "2.21.5+cuda12.4",
        },
        Case {
            file: "socket-no-device.log",
            expect: Expectation {
                fabric: Fabric::Socket,
                ..roce()
            },
            ranks: 4,
            hosts: 2,
            verdicts: &[],
            network: Some("Socket"),
            gdr: None,
            version: "2.21.5+cuda12.4",
        },
        Case {
            file: "socket-ib-disabled-kubectl.log",
            expect: roce(),
            ranks: 4,
            hosts: 2,
            verdicts: &[(SocketFallback, Error)],
            network: Some("Socket"),
            gdr: None,
            version: "2.20.5+cuda12.4",
        },
        Case {
            file: "gdr-disabled.log",
            expect: roce(),
            ranks: 4,
            hosts: 2,
            verdicts: &[(GdrOff, Warning)],
            network: Some("IB"),
            gdr: Some(false),
            version: "2.18.6+cuda12.2",
        },
        Case {
            file: "init-incomplete-stern.log",
            expect: roce(),
            ranks: 4,
            hosts: 2,
            verdicts: &[(InitIncomplete, Error)],
            network: Some("IB"),
            gdr: Some(true),
            version: "2.21.5+cuda12.4",
        },
        Case {
            file: "fabric-errors.log",
            expect: roce(),
            ranks: 4,
            hosts: 2,
            verdicts: &[(FabricErrors, Error), (NcclWarnings, Warning)],
            network: Some("IB"),
            gdr: Some(true),
            version: "2.27.7+cuda12.9",
        },
        Case {
            file: "no-socket-interface.log",
            expect: roce(),
            ranks: 2,
            hosts: 2,
            verdicts: &[(InitIncomplete, Error), (SocketInterface, Error)],
            network: None,
            gdr: None,
            version: "",
        },
        Case {
            file: "watchdog-timeout.log",
            expect: roce(),
            ranks: 4,
            hosts: 2,
            verdicts: &[(CollectiveTimeout, Error)],
            network: Some("IB"),
            gdr: Some(true),
            version: "2.21.5+cuda12.4",
        },
        Case {
            file: "old-nccl-2.10.log",
            expect: Expectation {
                fabric: Fabric::Ib,
                ..roce()
            },
            ranks: 4,
            hosts: 2,
            verdicts: &[(NcclWarnings, Warning)],
            network: Some("IB"),
            gdr: Some(true),
            version: "2.10.3+cuda11.4",
        },
        Case {
            file: "single-node-torchrun.log",
            expect: Expectation::default(),
            ranks: 8,
            hosts: 1,
            verdicts: &[],
            network: Some("IB"),
            gdr: Some(true),
            version: "2.21.5+cuda12.4",
        },
    ]
}

#[test]
fn corpus_gives_the_expected_state_and_verdicts() {
    for c in corpus() {
        let r = analyse(c.file, c.expect.clone());
        let ctx = format!("{} ({:?})", c.file, c.expect.fabric);
        assert_eq!(kinds(&r), c.verdicts, "{ctx}");
        assert_eq!(r.ranks.len(), c.ranks, "{ctx}");
        assert_eq!(r.hosts, c.hosts, "{ctx}");
        assert_eq!(r.is_bad(), c.verdicts.iter().any(|v| v.1 == Error), "{ctx}");
        for rank in r.ranks.iter().filter(|r| r.pid.is_some()) {
            let who = format!("{ctx} {}", rank.name());
            assert_eq!(rank.network.as_deref(), c.network, "{who}");
            assert_eq!(rank.gdr, c.gdr, "{who}");
            if !c.version.is_empty() {
                assert_eq!(rank.nccl_version.as_deref(), Some(c.version), "{who}");
            }
        }
        for v in &r.verdicts {
            assert!(!v.hint.is_empty(), "{ctx}: {v:?}");
            if v.kind != RanksMissing {
                assert!(!v.evidence.is_empty(), "{ctx}: {v:?}");
            }
        }
    }
}

#[test]
fn corpus_summary_tables() {
    let mut seen = std::collections::BTreeSet::new();
    for c in corpus() {
        if !seen.insert(c.file) {
            continue;
        }
        let r = analyse(c.file, c.expect);
        insta::assert_snapshot!(c.file, r.summary_table(false));
    }
}

#[test]
fn healthy_roce_ranks_in_detail() {
    let r = analyse("roce-healthy-16.log", roce());
    let ranks: Vec<u32> = r.ranks.iter().filter_map(|r| r.rank).collect();
    assert_eq!(ranks, (0..16).collect::<Vec<_>>());
    let r0 = &r.ranks[0];
    assert_eq!(
        (r0.host.as_str(), r0.cuda_dev, r0.nranks),
        ("node01", Some(0), Some(16))
    );
    assert_eq!(
        r0.ib_devices,
        vec![
            IbDevice {
                name: "mlx5_0".into(),
                port: Some(1),
                link: "RoCE".into()
            },
            IbDevice {
                name: "mlx5_1".into(),
                port: Some(1),
                link: "RoCE".into()
            }
        ]
    );
    assert_eq!(
        r0.env.get("NCCL_IB_GID_INDEX").map(String::as_str),
        Some("3")
    );
    assert_eq!(r0.bootstrap_interface.as_deref(), Some("eth0:10.0.0.1<0>"));
    assert_eq!(r0.channels.net_rdma, 2);
    assert_eq!(r0.channels.net_rdma_gdr, 2);
    assert_eq!(r0.channels.p2p, 2);
    assert_eq!(r0.init_time_s, Some(0.6));
    assert!(r0.init_complete);
    assert_eq!(r.ranks[8].host, "node02");
}

#[test]
fn socket_fallback_names_its_reason_and_shows_the_lines() {
    let r = analyse("socket-no-device.log", roce());
    let v = &r.verdicts[0];
    assert!(v.message.contains("No device found"), "{}", v.message);
    assert!(v.evidence[0].text.ends_with("NET/IB : No device found."));
    assert_eq!(v.evidence[0].line, Some(21));
    assert!(
        v.evidence
            .iter()
            .any(|e| e.text.ends_with("Using network Socket"))
    );
    assert_eq!(v.ranks, vec![0, 1, 2, 3]);

    let r = analyse("socket-ib-disabled-kubectl.log", roce());
    let v = &r.verdicts[0];
    assert!(v.message.contains("NCCL_IB_DISABLE=1"), "{}", v.message);
    assert!(v.hint.contains("NCCL_IB_DISABLE"));
    // kubectl --prefix labels: the pod names are part of the rank's source.
    assert_eq!(r.ranks[0].source, "llama-master-0/pytorch");
    assert_eq!(r.ranks[3].source, "llama-worker-0/pytorch");
}

#[test]
fn fabric_errors_are_classified_and_point_at_fabric_check() {
    let r = analyse("fabric-errors.log", roce());
    let v = &r.verdicts[0];
    assert_eq!(v.kind, FabricErrors);
    assert!(
        v.message.contains("completion error 12 (2x)"),
        "{}",
        v.message
    );
    assert!(v.message.contains("network unreachable"));
    assert!(v.message.contains("GID read failure"));
    assert!(v.hint.contains("hybridctl fabric-check"));
    let rank2 = r.ranks.iter().find(|r| r.rank == Some(2)).expect("rank 2");
    assert_eq!(rank2.warnings[0].class, WarnClass::IbCompletionError);
    assert_eq!(rank2.warnings[0].code, Some(12));
}

#[test]
fn watchdog_lines_land_on_their_ranks() {
    let r = analyse("watchdog-timeout.log", roce());
    let v = &r.verdicts[0];
    assert_eq!(v.ranks, vec![1, 3]);
    let rank3 = r.ranks.iter().find(|r| r.rank == Some(3)).expect("rank 3");
    assert_eq!(
        rank3.collective_timeouts[0].op.as_deref(),
        Some("ALLREDUCE")
    );
    assert_eq!(rank3.collective_timeouts[0].seq, Some(4711));
    assert_eq!(rank3.collective_timeouts[0].ran_ms, Some(600_014));
    assert_eq!(rank3.host, "node02", "joined to the rank's NCCL state");
}

#[test]
fn early_lines_on_another_device_merge_into_the_rank() {
    let r = analyse("single-node-torchrun.log", Expectation::default());
    assert_eq!(r.ranks.len(), 8);
    let r5 = r.ranks.iter().find(|r| r.rank == Some(5)).expect("rank 5");
    assert_eq!(r5.cuda_dev, Some(5));
    assert_eq!(r5.source, "default5");
}

#[test]
fn init_threshold_uses_timestamps_and_alerts_once() {
    let text = fixture("init-incomplete-stern.log");
    let mut a = Analyzer::new(Expectation {
        init_threshold: Some(Duration::from_secs(60)),
        ..roce()
    });
    for line in text.lines() {
        a.feed("", line);
    }
    // The log spans ~40 s: not yet late, and the input is not finished.
    assert!(a.report().verdicts.is_empty());
    assert!(a.take_new_alerts().is_empty());
    let t0 = UNIX_EPOCH + Duration::from_secs(1_795_928_400);
    a.tick(t0 + Duration::from_secs(61));
    let alerts = a.take_new_alerts();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].kind, InitIncomplete);
    assert!(
        alerts[0].message.contains("within 1m"),
        "{}",
        alerts[0].message
    );
    a.tick(t0 + Duration::from_secs(120));
    assert!(a.take_new_alerts().is_empty(), "each verdict once");
}

#[test]
fn socket_fallback_alerts_as_soon_as_it_shows() {
    let mut a = Analyzer::new(roce());
    a.feed(
        "worker-1",
        "node02:77:77 [0] NCCL INFO NET/IB : No device found.",
    );
    assert!(a.take_new_alerts().is_empty());
    a.feed(
        "worker-1",
        "node02:77:77 [0] NCCL INFO Using network Socket",
    );
    let alerts = a.take_new_alerts();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].kind, SocketFallback);
    assert_eq!(alerts[0].evidence[0].source, "worker-1");
    a.feed(
        "worker-2",
        "node03:77:77 [0] NCCL INFO Using network Socket",
    );
    assert!(a.take_new_alerts().is_empty());
    // Same host:pid in two pods are two ranks.
    a.feed(
        "worker-3",
        "node02:77:77 [0] NCCL INFO Using network Socket",
    );
    assert_eq!(a.report().ranks.len(), 3);
}

#[test]
fn feed_at_gives_init_time() {
    let mut a = Analyzer::new(roce());
    let t = UNIX_EPOCH + Duration::from_secs(1000);
    a.feed_at(
        "w",
        "h:1:1 [0] NCCL INFO NCCL version 2.21.5+cuda12.4",
        Some(t),
    );
    a.feed_at(
        "w",
        "h:1:1 [0] NCCL INFO comm 0x1 rank 0 nranks 1 cudaDev 0 busId 1b000 - Init COMPLETE",
        Some(t + Duration::from_millis(2500)),
    );
    assert_eq!(a.report().ranks[0].init_time_s, Some(2.5));
}

#[test]
fn state_is_bounded() {
    let mut a = Analyzer::new(roce());
    for i in 0..20_000 {
        a.feed(
            "w",
            &format!("h:1:1 [0] misc/x.cc:{i} NCCL WARN NET/IB : Got completion with error 12, opcode {i}"),
        );
        a.feed(
            "w",
            &format!("h:1:1 [0] NCCL INFO NCCL_VAR_{i} set by environment to {i}."),
        );
    }
    let r = a.report();
    let rank = &r.ranks[0];
    assert_eq!(rank.warnings.len(), MAX_WARNINGS_PER_RANK);
    assert_eq!(rank.warnings_total, 20_000);
    assert_eq!(rank.env.len(), MAX_ENV_PER_RANK);
    assert!(r.verdicts.iter().all(|v| v.evidence.len() <= MAX_EVIDENCE));
    let long = format!("h:1:1 [0] NCCL INFO {}", "é".repeat(5000));
    a.feed("w", &long);
    assert!(a.report().ranks[0].k.last_text.len() <= MAX_TEXT);
}

#[test]
fn lines_without_nccl_are_only_counted() {
    let mut a = Analyzer::new(Expectation::default());
    a.feed("", "step 1 loss 2.3");
    a.feed_bytes("", b"\xff\xfe NCCL INFO \xff", None, None);
    let r = a.report();
    assert_eq!(r.lines, 2);
    assert_eq!(r.nccl_lines, 1);
    assert!(!r.is_bad());
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(lines in proptest::collection::vec(
            proptest::collection::vec(any::<u8>(), 0..200), 0..40),
            prefix in "(h:1:2 \\[0\\] |\\[2026-11-29 05:00:00\\] |x |)(NCCL INFO |NCCL WARN |)"
        ) {
            let mut a = Analyzer::new(roce());
            for l in &lines {
                let mut line = prefix.as_bytes().to_vec();
                line.extend_from_slice(l);
                a.feed_bytes("p", &line, Some(1), None);
            }
            a.finish();
            let r = a.report();
            let _ = r.summary_table(true);
            let _ = serde_json::to_string(&r);
        }
    }
}
