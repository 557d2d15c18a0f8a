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

use Severity::{Error, Info, Warning};
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
            // Two hosts over TCP is bad by default, with no flag.
            verdicts: &[(SocketFallback, Error)],
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
            verdicts: &[(GdrOff, Error)],
            network: Some("IB"),
            gdr: Some(false),
            version: "2.18.6+cuda12.2",
        },
        Case {
            file: "init-incomplete-stern.log",
            expect: roce(),
            ranks: 4,
            hosts: 2,
            // The log does not show the job ending: not seen is not failed.
            verdicts: &[(InitUnknown, Info)],
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
            verdicts: &[(SocketInterface, Error), (InitFailed, Error)],
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
            verdicts: &[(PeerConnection, Warning)],
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
        v.message.contains("completion error status 12") && v.message.contains("(2x)"),
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
    // The log spans ~40 s: not yet late, and the input is not finished: init is unknown.
    assert!(
        a.report()
            .verdicts
            .iter()
            .all(|v| v.severity == Severity::Info)
    );
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

/// Logs posted in public bug reports (`tests/fixtures/nccl/real/`, each file names its
/// source): the verdict with no flag, hosts read from the log itself.
mod real {
    use super::*;

    fn analyse(name: &str, expect: Expectation) -> Report {
        let mut a = Analyzer::new(expect);
        scan::scan(fixture(&format!("real/{name}")).as_bytes(), "", &mut a)
            .expect("reading from memory");
        a.finish();
        a.report()
    }

    struct Real {
        file: &'static str,
        outcome: Outcome,
        verdicts: &'static [(VerdictKind, Severity)],
        /// Hosts told apart, and at least this many took part.
        hosts: (u64, u64),
    }

    fn corpus() -> Vec<Real> {
        use Outcome::{Bad, Ok, Unknown, Warnings};
        vec![
            Real {
                file: "socket-2.4-aws-8-hosts.log",
                outcome: Bad,
                verdicts: &[(SocketFallback, Error), (InitUnknown, Info)],
                hosts: (8, 8),
            },
            Real {
                file: "socket-2.7-gcp-slurm.log",
                outcome: Bad,
                verdicts: &[(SocketFallback, Error), (InitUnknown, Info)],
                hosts: (2, 2),
            },
            Real {
                file: "socket-ib-disabled-shared-hostname-mpirun.log",
                outcome: Bad,
                verdicts: &[(SocketFallback, Error), (InitUnknown, Info)],
                hosts: (2, 2),
            },
            Real {
                file: "socket-no-device-2-hosts-2.18.log",
                outcome: Bad,
                verdicts: &[(SocketFallback, Error), (InitUnknown, Info)],
                hosts: (2, 2),
            },
            Real {
                file: "socket-channels-redacted-hostname.log",
                outcome: Bad,
                verdicts: &[(SocketFallback, Error), (InitUnknown, Info)],
                hosts: (1, 2),
            },
            Real {
                // One host over loopback sockets: fine by itself.
                file: "ib-disabled-loopback-one-host.log",
                outcome: Unknown,
                verdicts: &[(InitUnknown, Info)],
                hosts: (1, 1),
            },
            Real {
                file: "completion-status12-plugin-2.2x.log",
                outcome: Bad,
                verdicts: &[(FabricErrors, Error), (InitUnknown, Info)],
                hosts: (1, 2),
            },
            Real {
                file: "completion-status12-5-shared-hostname-64.log",
                outcome: Bad,
                verdicts: &[(FabricErrors, Error), (RanksMissing, Info)],
                hosts: (1, 8),
            },
            Real {
                file: "completion-error-old-wordings.log",
                outcome: Bad,
                verdicts: &[(FabricErrors, Error), (InitUnknown, Info)],
                hosts: (2, 2),
            },
            Real {
                file: "modify-qp-unreachable-2.19.log",
                outcome: Bad,
                verdicts: &[
                    (FabricErrors, Error),
                    (InitFailed, Error),
                    (PeerConnection, Warning),
                    (NcclWarnings, Warning),
                    (InitUnknown, Info),
                ],
                hosts: (2, 2),
            },
            Real {
                file: "duplicate-gpu-mpirun-tag-output.log",
                outcome: Bad,
                verdicts: &[(DuplicateGpu, Error), (InitFailed, Error)],
                hosts: (1, 1),
            },
            Real {
                file: "duplicate-gpu-pytorch-last-error.log",
                outcome: Bad,
                verdicts: &[(DuplicateGpu, Error)],
                hosts: (0, 0),
            },
            Real {
                file: "bootstrap-no-socket-interface-rank-prefix.log",
                outcome: Bad,
                verdicts: &[(SocketInterface, Error), (InitFailed, Error)],
                hosts: (1, 1),
            },
            Real {
                file: "gdr-disabled-no-module-containers.log",
                outcome: Bad,
                verdicts: &[(GdrOff, Error), (InitUnknown, Info)],
                hosts: (2, 2),
            },
            Real {
                file: "merged-nics-shared-hostname-3-nodes.log",
                outcome: Bad,
                verdicts: &[(GdrOff, Error), (RanksMissing, Info), (InitUnknown, Info)],
                hosts: (1, 3),
            },
            Real {
                // EFA through the AWS plugin: no GPUDirect verdict (not IB verbs); the
                // plugin's warning stays a warning, the excerpt stops before init.
                file: "mpirun-ofi-2.4-ring.log",
                outcome: Warnings,
                verdicts: &[(NcclWarnings, Warning), (InitUnknown, Info)],
                hosts: (4, 4),
            },
            Real {
                file: "watchdog-pytorch-2.x.log",
                outcome: Bad,
                verdicts: &[(CollectiveTimeout, Error)],
                hosts: (0, 0),
            },
            Real {
                file: "watchdog-pytorch-1.x.log",
                outcome: Bad,
                verdicts: &[(CollectiveTimeout, Error)],
                hosts: (0, 0),
            },
            Real {
                // One node's part of a 16-rank job: at least two hosts took part.
                file: "init-timings-excerpt-2.2x.log",
                outcome: Ok,
                verdicts: &[(RanksMissing, Info)],
                hosts: (1, 2),
            },
            Real {
                file: "ib-mixed-link-layers-3-hosts.log",
                outcome: Unknown,
                verdicts: &[(RanksMissing, Info), (InitUnknown, Info)],
                hosts: (3, 3),
            },
            Real {
                file: "roce-2.10-two-nodes-start.log",
                outcome: Unknown,
                verdicts: &[(InitUnknown, Info)],
                hosts: (2, 2),
            },
            Real {
                file: "pdsh-prefix-ibext-sharp.log",
                outcome: Unknown,
                verdicts: &[(InitUnknown, Info)],
                hosts: (1, 1),
            },
            Real {
                file: "k9s-table-border.log",
                outcome: Unknown,
                verdicts: &[(InitUnknown, Info)],
                hosts: (1, 1),
            },
            Real {
                file: "cloudwatch-table-efa.log",
                outcome: Unknown,
                verdicts: &[(InitUnknown, Info)],
                hosts: (1, 1),
            },
            Real {
                // PyTorch 1.x's error with its `Last error:` joined onto one line.
                file: "pytorch-remote-error-one-line.log",
                outcome: Bad,
                verdicts: &[(NcclError, Error)],
                hosts: (0, 0),
            },
            Real {
                file: "completion-error4-2.14-service-thread.log",
                outcome: Bad,
                verdicts: &[(FabricErrors, Error), (InitUnknown, Info)],
                hosts: (2, 2),
            },
            Real {
                file: "bracket-rank-prefix-bootstrap.log",
                outcome: Unknown,
                verdicts: &[(InitUnknown, Info)],
                hosts: (2, 2),
            },
        ]
    }

    #[test]
    fn public_logs_get_the_right_verdict_with_no_flag() {
        let dir = format!("{}/tests/fixtures/nccl/real", env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .expect("fixture dir")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|f| f.ends_with(".log"))
            .collect();
        files.sort();
        let cases = corpus();
        let mut listed: Vec<String> = cases.iter().map(|c| c.file.to_string()).collect();
        listed.sort();
        assert_eq!(files, listed, "every real fixture has a case");
        for c in cases {
            let r = analyse(c.file, Expectation::default());
            assert_eq!(kinds(&r), c.verdicts, "{}", c.file);
            assert_eq!(r.outcome, c.outcome, "{}", c.file);
            assert_eq!(
                (r.summary.hosts, r.summary.hosts_at_least),
                c.hosts,
                "{}: {:?}",
                c.file,
                r.summary.hosts_evidence
            );
            for v in &r.verdicts {
                assert!(!v.hint.is_empty(), "{}: {v:?}", c.file);
            }
            // The first line of every file names its source.
            let text = fixture(&format!("real/{}", c.file));
            assert!(text.starts_with("# source"), "{}", c.file);
        }
    }

    #[test]
    fn hosts_that_share_a_name_are_told_apart_by_address() {
        let r = analyse(
            "socket-ib-disabled-shared-hostname-mpirun.log",
            Expectation::default(),
        );
        let v = &r.verdicts[0];
        assert!(
            v.message.contains("`user` logs 2 addresses"),
            "{}",
            v.message
        );
        assert!(v.message.contains("NCCL_IB_DISABLE=1"), "{}", v.message);
        assert!(v.hint.contains("--fabric socket"), "{}", v.hint);
        let hosts: Vec<_> = r
            .summary
            .per_host
            .iter()
            .map(|h| (h.host.as_str(), h.addr.as_deref()))
            .collect();
        assert_eq!(
            hosts,
            vec![
                ("user", Some("192.168.1.10")),
                ("user", Some("192.168.1.14"))
            ]
        );
        // 64 ranks that all log `hostname-test`: more than one node.
        let r = analyse(
            "completion-status12-5-shared-hostname-64.log",
            Expectation::default(),
        );
        assert_eq!(r.summary.nranks, Some(64));
        assert!(r.summary.hosts_evidence[0].contains("64 ranks"));
        // `nNodes 3` of three nodes called `bigo`.
        let r = analyse(
            "merged-nics-shared-hostname-3-nodes.log",
            Expectation::default(),
        );
        assert_eq!(r.summary.hosts_evidence, vec!["NCCL says `nNodes 3`"]);
    }

    #[test]
    fn completion_errors_name_status_and_vendor_syndrome() {
        let r = analyse(
            "completion-status12-5-shared-hostname-64.log",
            Expectation::default(),
        );
        let v = &r.verdicts[0];
        assert!(
            v.message
                .contains("status 5 with vendor syndrome 249 (0xf9), status 12 with vendor syndrome 129 (0x81)"),
            "{}",
            v.message
        );
        assert!(
            v.hint
                .contains("status 12 is transport retry counter exceeded")
        );
        assert!(v.hint.contains("status 5 is work request flushed"));
    }

    #[test]
    fn a_pytorch_error_with_a_fabric_last_error_points_at_the_fabric() {
        let r = analyse("pytorch-remote-error-one-line.log", Expectation::default());
        let e = &r.torch_errors[0];
        assert_eq!(
            e.what.as_deref(),
            Some("remote process exited or there was a network error")
        );
        assert_eq!(e.detail_class, Some(WarnClass::IbCompletionError));
        assert_eq!(r.summary.nccl_versions, vec!["2.14.3"]);
        let v = &r.verdicts[0];
        assert!(
            v.hint
                .contains("status 12 is transport retry counter exceeded"),
            "{}",
            v.hint
        );
    }

    #[test]
    fn gdr_off_names_the_hca_and_the_module() {
        let r = analyse(
            "gdr-disabled-no-module-containers.log",
            Expectation::default(),
        );
        let v = &r.verdicts[0];
        assert_eq!(v.kind, GdrOff);
        assert!(
            v.message.contains("for HCA mlx5_1, mlx5_2, mlx5_3"),
            "{}",
            v.message
        );
        assert!(v.message.contains("nvidia-peermem"), "{}", v.message);
    }

    #[test]
    fn loopback_sockets_on_a_multi_host_job_are_bad() {
        let r = analyse(
            "ib-disabled-loopback-one-host.log",
            Expectation {
                fabric: Fabric::Roce,
                multi_node: true,
                init_threshold: None,
            },
        );
        let k = kinds(&r);
        assert!(k.contains(&(SocketFallback, Error)), "{k:?}");
        assert!(k.contains(&(SocketLoopback, Error)), "{k:?}");
        let v = r
            .verdicts
            .iter()
            .find(|v| v.kind == SocketLoopback)
            .expect("loopback");
        assert!(v.message.contains("`lo:127.0.0.1<0>`"), "{}", v.message);
        assert!(v.message.contains("NCCL_SOCKET_IFNAME=lo"), "{}", v.message);
        let s = r
            .verdicts
            .iter()
            .find(|v| v.kind == SocketFallback)
            .expect("fallback");
        assert!(s.message.contains("NCCL_IB_DISABLE=1"), "{}", s.message);
        // Sockets are intended: no fallback verdict, the loopback stays bad.
        let r = analyse(
            "ib-disabled-loopback-one-host.log",
            Expectation {
                fabric: Fabric::Socket,
                multi_node: true,
                init_threshold: None,
            },
        );
        assert_eq!(kinds(&r)[0], (SocketLoopback, Error));
    }

    #[test]
    fn pytorch_last_error_lines_are_read_after_the_nccl_error() {
        let r = analyse(
            "duplicate-gpu-pytorch-last-error.log",
            Expectation::default(),
        );
        assert_eq!(r.torch_errors.len(), 2);
        assert_eq!(r.torch_errors[0].what.as_deref(), Some("invalid usage"));
        assert_eq!(
            r.torch_errors[0].detail.as_deref(),
            Some("Duplicate GPU detected : rank 3 and rank 0 both on CUDA device f000")
        );
        assert!(r.job_ended);
        assert_eq!(r.summary.nccl_versions, vec!["2.19.3"]);
    }

    #[test]
    fn an_ended_job_names_the_ranks_that_never_completed_init() {
        // The same excerpt, followed by the caller to the job's end.
        let mut a = Analyzer::new(Expectation::default());
        scan::scan(
            fixture("real/ib-mixed-link-layers-3-hosts.log").as_bytes(),
            "",
            &mut a,
        )
        .expect("memory");
        a.finish();
        a.job_ended();
        let r = a.report();
        let v = &r.verdicts[0];
        assert_eq!((v.kind, v.severity), (InitIncomplete, Error));
        assert!(
            v.message.contains("ranks 0-7 of 8 (nranks 8)"),
            "{}",
            v.message
        );
        assert_eq!(r.outcome, Outcome::Bad);
    }

    #[test]
    fn the_summary_shows_each_host_and_the_odd_one() {
        let r = analyse("socket-no-device-2-hosts-2.18.log", Expectation::default());
        let h: Vec<_> = r
            .summary
            .per_host
            .iter()
            .map(|h| (h.host.as_str(), h.transport.as_str(), h.ranks.clone()))
            .collect();
        assert_eq!(
            h,
            vec![
                ("manolinux", "Socket", vec![0, 1]),
                ("manolinux1", "Socket", vec![2, 3])
            ]
        );
        let r = analyse("ib-mixed-link-layers-3-hosts.log", Expectation::default());
        assert!(
            r.summary
                .per_host
                .iter()
                .all(|h| h.transport == "IB+RoCE" || h.transport == "-"),
            "{:?}",
            r.summary.per_host
        );
    }
}

/// CRLF line ends (a log saved on Windows or pasted from a browser), stern's ANSI colours and
/// `kubectl logs --prefix --timestamps` in front of torchrun's tag: none hides a line.
#[test]
fn crlf_ansi_and_stacked_prefixes_do_not_hide_nccl_lines() {
    let text = "\u{1b}[32mworker-0\u{1b}[0m \u{1b}[34mpytorch\u{1b}[0m node01:100:100 [0] NCCL INFO NET/IB : No device found.\r\n\
                \u{1b}[32mworker-0\u{1b}[0m \u{1b}[34mpytorch\u{1b}[0m node01:100:100 [0] NCCL INFO Using network Socket\r\n\
                [pod/worker-1/pytorch] 2026-11-29T05:00:01.000000001Z [default0]:node02:200:200 [0] NCCL INFO Using network Socket\r\n\
                [pod/worker-1/pytorch] 2026-11-29T05:00:02.000000001Z [default0]:node02:200:200 [0] NCCL INFO comm 0x1 rank 1 nranks 2 cudaDev 0 busId 1000 - Init COMPLETE\r\n";
    let mut a = Analyzer::new(Expectation::default());
    scan::scan(text.as_bytes(), "", &mut a).expect("memory");
    a.finish();
    let r = a.report();
    assert_eq!(r.nccl_lines, 4);
    assert_eq!(r.summary.hosts, 2);
    let sources: Vec<&str> = r.ranks.iter().map(|x| x.source.as_str()).collect();
    assert_eq!(
        sources,
        vec!["worker-1/pytorch/default0", "worker-0/pytorch"]
    );
    assert_eq!(r.verdicts[0].kind, SocketFallback);
    assert!(
        r.verdicts[0]
            .evidence
            .iter()
            .all(|e| !e.text.ends_with('\r')),
        "{:?}",
        r.verdicts[0].evidence
    );
    assert_eq!(r.ranks[0].rank, Some(1));
}
