//! The verdicts: what the per-rank state means, each with its evidence lines and a next step.

use super::*;

pub(crate) fn socket_fallback(
    expect: &Expectation,
    view: &View<'_>,
    multi: bool,
) -> Option<Verdict> {
    if expect.fabric == Fabric::Socket || !multi {
        return None;
    }
    let procs = &view.procs;
    let who: Vec<&RankState> = procs.iter().copied().filter(|r| r.uses_sockets()).collect();
    if who.is_empty() {
        return None;
    }
    let no_device: Vec<&RankState> = who.iter().copied().filter(|r| r.ib_no_device).collect();
    let disabled: Vec<&RankState> = who
        .iter()
        .copied()
        .filter(|r| {
            r.env
                .get("NCCL_IB_DISABLE")
                .is_some_and(|v| v.trim() != "0")
        })
        .collect();
    let net_socket: Vec<&RankState> = who
        .iter()
        .copied()
        .filter(|r| {
            r.env
                .get("NCCL_NET")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("socket"))
        })
        .collect();
    let plugin: Vec<&RankState> = who
        .iter()
        .copied()
        .filter(|r| {
            r.k.plugin_failed.is_some()
                && (r.env.contains_key("NCCL_NET_PLUGIN")
                    || r.env
                        .get("NCCL_NET")
                        .is_some_and(|n| n != "IB" && !n.eq_ignore_ascii_case("socket")))
        })
        .collect();
    let mut reasons = Vec::new();
    let mut hints = Vec::new();
    let mut lines = Lines::new();
    if !disabled.is_empty() {
        reasons.push("`NCCL_IB_DISABLE=1` is set in the job's environment".to_string());
        hints.push("remove `NCCL_IB_DISABLE` from the job's environment (spec `network.ncclEnv`, `container.env`, the image, or /etc/nccl.conf)");
        lines.push(disabled[0].k.ib_disable.as_ref());
    }
    if !net_socket.is_empty() {
        reasons.push("`NCCL_NET=Socket` is set in the job's environment".to_string());
        hints.push("remove `NCCL_NET=Socket` (or set `NCCL_NET=IB`) in the job's environment");
        lines.push(net_socket[0].k.net_env.as_ref());
    }
    if !no_device.is_empty() && disabled.is_empty() {
        reasons.push("NCCL found no IB/RoCE device (`NET/IB : No device found.`)".to_string());
        hints.push("the ranks see no RDMA device: request the RDMA resource (spec `network.rdmaResource`), check `ls /sys/class/infiniband` where the ranks run (inside the pod), and run `hybridctl fabric-check` on the nodes");
        lines.push(no_device[0].k.ib_status.as_ref());
    }
    if !plugin.is_empty() {
        reasons.push("the NCCL net plugin could not be loaded".to_string());
        hints.push("install the plugin named by `NCCL_NET_PLUGIN` in the image (and on `LD_LIBRARY_PATH`), or unset the variable");
        lines.push(plugin[0].k.plugin_failed.as_ref());
    }
    if hints.is_empty() {
        hints.push("the log does not say why: run with `NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=INIT,NET` to see the `NET/IB` lines; `NCCL_NET=IB` makes NCCL fail at init instead of falling back silently");
    }
    lines.push(who[0].k.using_network.as_ref());
    lines.push(who[0].k.first_socket_channel.as_ref());
    for r in &who[1..] {
        lines.push(
            r.k.using_network
                .as_ref()
                .or(r.k.first_socket_channel.as_ref()),
        );
    }
    let hosts = if expect.multi_node && view.at_least < 2 {
        "a multi-node job (the spec)".to_string()
    } else {
        let n = view.at_least;
        let why = view
            .evidence
            .first()
            .map_or(String::new(), |e| format!(" ({e})"));
        format!("a job on {n} hosts{why}")
    };
    let expects = match expect.fabric {
        Fabric::Roce | Fabric::Ib => format!(", which should use {}", expect.fabric.words()),
        _ => String::new(),
    };
    let mut message = format!(
        "NCCL uses TCP sockets between hosts on {} of {hosts}{expects}",
        of(who.len(), procs.len(), "ranks")
    );
    if !reasons.is_empty() {
        message.push_str(": ");
        message.push_str(&reasons.join("; "));
    }
    let mut hint = hints.join("; ");
    if expect.fabric == Fabric::Unknown {
        hint.push_str(" (if TCP is intended, pass `--fabric socket` or set `network.fabric: socket` in the spec)");
    }
    Some(verdict(
        VerdictKind::SocketFallback,
        Severity::Error,
        message,
        &who,
        lines,
        hint,
    ))
}

pub(crate) fn socket_loopback(
    expect: &Expectation,
    procs: &[&RankState],
    multi: bool,
) -> Option<Verdict> {
    if !multi || (expect.fabric == Fabric::Socket && !expect.multi_node && procs.len() < 2) {
        return None;
    }
    let who: Vec<&RankState> = procs
        .iter()
        .copied()
        .filter(|r| r.uses_loopback())
        .collect();
    let first = who.first()?;
    let iface = first
        .socket_interfaces
        .iter()
        .chain(first.bootstrap_interface.iter())
        .find(|i| i.starts_with("lo:") || i.contains(":127."))
        .cloned()
        .unwrap_or_else(|| "lo".into());
    let ifname = first
        .env
        .get("NCCL_SOCKET_IFNAME")
        .map_or_else(String::new, |v| format!(" (`NCCL_SOCKET_IFNAME={v}`)"));
    let mut lines = Lines::new();
    for r in &who {
        lines.push(r.k.loopback_line.as_ref());
    }
    Some(verdict(
        VerdictKind::SocketLoopback,
        Severity::Error,
        format!(
            "NCCL's sockets are bound to the loopback interface `{iface}` on {} of a multi-host job{ifname}: the other hosts cannot reach it",
            plural(who.len(), "rank", "ranks")
        ),
        &who,
        lines,
        "set `NCCL_SOCKET_IFNAME` (spec `network.socketInterface`) to the interface that carries the node's routable address (`ip -br addr` where the ranks run), or leave it unset: NCCL's default `^lo,docker` skips loopback".into(),
    ))
}

pub(crate) fn gdr_off(expect: &Expectation, procs: &[&RankState], multi: bool) -> Option<Verdict> {
    if expect.fabric == Fabric::Socket || !multi {
        return None;
    }
    let who: Vec<&RankState> = procs
        .iter()
        .copied()
        .filter(|r| !r.uses_sockets() && uses_ib(r) && r.gdr_now() == Some(false))
        .collect();
    if who.is_empty() {
        return None;
    }
    let mut lines = Lines::new();
    let mut hcas: Vec<String> = Vec::new();
    let mut reasons: BTreeSet<String> = BTreeSet::new();
    for r in &who {
        lines.push(r.k.gdr_line.as_ref());
        lines.push(r.k.first_plain_net_channel.as_ref());
        let named = if r.gdr_disabled_hcas.is_empty() {
            r.ib_devices.iter().map(|d| d.name.clone()).collect()
        } else {
            r.gdr_disabled_hcas.clone()
        };
        for h in named {
            if !hcas.contains(&h) && hcas.len() < 16 {
                hcas.push(h);
            }
        }
        reasons.extend(r.gdr_reason.clone());
    }
    let hca = if hcas.is_empty() {
        String::new()
    } else {
        format!(" for HCA {}", hcas.join(", "))
    };
    let why = if reasons.iter().any(|r| r.contains("no module")) {
        "NCCL found no GPU peer-memory module (`no module`): `nvidia-peermem` is not loaded on the node".to_string()
    } else if let Some(d) = reasons.iter().find(|r| r.contains("distance")) {
        format!(
            "the GPU and the HCA are too far apart on PCIe ({d}): `NCCL_NET_GDR_LEVEL` allows less"
        )
    } else {
        "usually `nvidia-peermem` is not loaded (or DMA-BUF is not available)".to_string()
    };
    Some(verdict(
        VerdictKind::GdrOff,
        Severity::Error,
        format!(
            "GPUDirect RDMA is off{hca} on {} of a multi-host job: traffic between nodes is staged through host memory; {why}",
            of(who.len(), procs.len(), "ranks")
        ),
        &who,
        lines,
        "load the `nvidia-peermem` kernel module on the nodes (`modprobe nvidia-peermem`; check `lsmod | grep peermem`), or use DMA-BUF (NCCL 2.19+, kernel 5.12+, open GPU driver); `hybridctl fabric-check --topology` or `nvidia-smi topo -m` shows whether GPU and NIC share a PCIe switch; `NCCL_NET_GDR_LEVEL` sets how far apart they may be".into(),
    ))
}

/// The rank's network is IB verbs (InfiniBand or RoCE, built in or a plugin over it, like
/// HPC-X's `IBext`), where GPUDirect RDMA is expected; not sockets nor other plugins (EFA).
pub(crate) fn uses_ib(r: &RankState) -> bool {
    !r.ib_devices.is_empty()
        || r.k.gdr_line.is_some()
        || r.network
            .as_deref()
            .is_some_and(|n| n == "IB" || n.starts_with("IBext"))
}

pub(crate) fn init_verdicts(a: &Analyzer, view: &View<'_>) -> Vec<Verdict> {
    let procs = &view.procs;
    let mut out = Vec::new();
    // A process's own lines (version, NET/IB) under another device of a process that did
    // complete are not a rank of their own.
    let completed: BTreeSet<(&str, &str, Option<u32>)> = procs
        .iter()
        .filter(|r| r.init_complete)
        .map(|r| (r.source.as_str(), r.host.as_str(), r.pid))
        .collect();
    let stray = |r: &RankState| {
        !r.init_complete
            && !r.k.comm_lines
            && completed.contains(&(r.source.as_str(), r.host.as_str(), r.pid))
    };
    let open: Vec<&RankState> = procs
        .iter()
        .copied()
        .filter(|r| !r.init_complete && !stray(r))
        .collect();

    // Failed: NCCL returned an error during init.
    let failed: Vec<&RankState> = open
        .iter()
        .copied()
        .filter(|r| r.k.init_failed.is_some())
        .collect();
    if !failed.is_empty() {
        let mut lines = Lines::new();
        for r in &failed {
            if let Some(w) = r.warnings.first() {
                lines.push(Some(&w.evidence));
            }
            lines.push(r.k.init_failed.as_ref());
        }
        out.push(verdict(
            VerdictKind::InitFailed,
            Severity::Error,
            format!(
                "NCCL init failed on {}: an error was returned during init (shown with the warning before it)",
                of(failed.len(), procs.len(), "ranks")
            ),
            &failed,
            lines,
            "the rank's first `NCCL WARN` is the cause (see its verdict); the `file.cc:N -> code` lines trace the error (2 system error, 3 internal, 5 invalid usage, 6 remote error)".into(),
        ));
    }

    let limit = a.expect.init_threshold;
    let late = |r: &RankState| -> bool {
        match (limit, a.clock, r.k.first_at) {
            (Some(limit), Some(now), Some(first)) => {
                now.duration_since(first).unwrap_or(Duration::ZERO) > limit
            }
            _ => false,
        }
    };
    let slow: Vec<&RankState> = procs
        .iter()
        .copied()
        .filter(|r| {
            r.init_complete
                && limit
                    .zip(r.init_time_s)
                    .is_some_and(|(l, t)| t > l.as_secs_f64())
        })
        .collect();
    let waiting: Vec<&RankState> = open
        .iter()
        .copied()
        .filter(|r| r.k.init_failed.is_none())
        .collect();
    let job_ended = ended(a);
    // Rank numbers of the communicator that left no line at all.
    let n = view.nranks;
    let seen: BTreeSet<u32> = procs.iter().filter_map(|r| r.rank).collect();
    let missing: Vec<u32> =
        n.map_or_else(Vec::new, |n| (0..n).filter(|r| !seen.contains(r)).collect());
    // Ranks that never completed, by number where known.
    let mut not_done: Vec<u32> = waiting.iter().filter_map(|r| r.rank).collect();
    let unnumbered = waiting.iter().filter(|r| r.rank.is_none()).count();

    if job_ended || (limit.is_some() && (waiting.iter().any(|r| late(r)) || !slow.is_empty())) {
        let hung: Vec<&RankState> = if job_ended {
            waiting.clone()
        } else {
            waiting.iter().copied().filter(|r| late(r)).collect()
        };
        let mut who = hung.clone();
        who.extend(slow.iter().copied());
        let mut missing_here = if job_ended && unnumbered < missing.len() {
            missing.clone()
        } else {
            Vec::new()
        };
        if !who.is_empty() || !missing_here.is_empty() {
            let mut lines = Lines::new();
            for r in &who {
                if let Some(w) = r.warnings.first() {
                    lines.push(Some(&w.evidence));
                }
                lines.push(r.last_evidence().as_ref());
            }
            if job_ended {
                lines.push(a.ended.as_ref());
            }
            not_done.retain(|_| job_ended);
            not_done.append(&mut missing_here);
            not_done.sort_unstable();
            not_done.dedup();
            let out_of = match n {
                Some(n) if !not_done.is_empty() => format!(
                    ": rank{} {} of {n} (nranks {n})",
                    if not_done.len() == 1 { "" } else { "s" },
                    ranges(&not_done)
                ),
                _ => String::new(),
            };
            let message = match (limit, job_ended) {
                (_, true) => format!(
                    "{} never reached `Init COMPLETE` before the job ended{out_of} (a hang in init; their last NCCL lines are shown{})",
                    plural(who.len().max(not_done.len()), "rank", "ranks"),
                    if missing.is_empty() {
                        ""
                    } else {
                        "; ranks that left no line are counted too"
                    }
                ),
                (Some(d), false) => format!(
                    "{} did not reach `Init COMPLETE` within {} (their last NCCL lines are shown)",
                    of(who.len(), procs.len(), "ranks"),
                    human_duration(d)
                ),
                (None, false) => unreachable_message(),
            };
            let mut v = verdict(
                VerdictKind::InitIncomplete,
                Severity::Error,
                message,
                &who,
                lines,
                "these ranks stopped during NCCL setup: a `NCCL WARN` of theirs is usually the cause; otherwise check that every rank reaches the others on the bootstrap interface (`NCCL_SOCKET_IFNAME`), that no rank crashed before init, and that every rank of `nranks` was started (a missing rank leaves the others waiting)".into(),
            );
            v.ranks.extend(not_done.iter().copied());
            v.ranks.sort_unstable();
            v.ranks.dedup();
            out.push(v);
        }
        return out;
    }
    // The job is not known to have ended: not seen is not failed.
    if !waiting.is_empty() {
        let mut lines = Lines::new();
        for r in waiting.iter().take(MAX_EVIDENCE) {
            lines.push(r.last_evidence().as_ref());
        }
        out.push(verdict(
            VerdictKind::InitUnknown,
            Severity::Info,
            format!(
                "init state unknown on {}: the log stops before `Init COMPLETE` and does not show the job ending (a tail, an excerpt, a live job, NCCL_DEBUG=WARN, or an NCCL before 2.4)",
                of(waiting.len(), procs.len(), "ranks")
            ),
            &waiting,
            lines,
            "give the whole log of every rank with `NCCL_DEBUG=INFO`; `--init-timeout 5m` (with timestamps) reports ranks that take longer than that; while the job runs, `hybridctl logs --nccl -f` follows it to the end".into(),
        ));
    }
    if !missing.is_empty() && missing.len() > unnumbered {
        out.push(Verdict {
            kind: VerdictKind::RanksMissing,
            severity: Severity::Info,
            message: format!(
                "the communicator has {} ranks, but {} left no line in this log: {}",
                n.unwrap_or(0),
                plural(missing.len(), "rank", "ranks"),
                ranges(&missing)
            ),
            ranks: missing.clone(),
            subjects: Vec::new(),
            evidence: Vec::new(),
            evidence_omitted: 0,
            hint: "the log holds only part of the job: give every rank's output (all files, or all pods); if it is complete and the job ended, those ranks never started NCCL".into(),
        });
    }
    out
}

pub(crate) fn unreachable_message() -> String {
    "ranks did not reach `Init COMPLETE`".to_string()
}

pub(crate) fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 && s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else {
        format!("{}s", d.as_secs_f64())
    }
}

/// What a completion status means (`ibv_wc_status`).
pub(crate) fn status_words(code: u32) -> &'static str {
    match code {
        1 => "local length error",
        2 => "local QP operation error",
        4 => {
            "local protection error: a memory registration is not valid for the NIC (with GPUDirect: PCIe ACS/IOMMU in the way, or peer memory)"
        }
        5 => {
            "work request flushed: the queue pair was already in error after an earlier failure (look at the first error)"
        }
        9 => "remote invalid request",
        10 => "remote access error",
        11 => "remote operation error",
        12 => {
            "transport retry counter exceeded: packets to the peer were lost (no route, wrong GID index or traffic class, PFC/ECN, a link down)"
        }
        13 => "receiver-not-ready retry counter exceeded",
        _ => "see `ibv_wc_status`",
    }
}

/// Ranks with a warning of one class, the warning lines, and the total count.
pub(crate) fn with_class<'a>(
    all: &[&'a RankState],
    class: WarnClass,
) -> (Vec<&'a RankState>, Lines, u64) {
    let who: Vec<&RankState> = all
        .iter()
        .copied()
        .filter(|r| r.warning_counts.contains_key(&class))
        .collect();
    let mut lines = Lines::new();
    let mut n = 0;
    for r in &who {
        for w in r.warnings.iter().filter(|w| w.class == class) {
            lines.push(Some(&w.evidence));
        }
        n += r.warning_counts.get(&class).copied().unwrap_or(0);
    }
    (who, lines, n)
}

pub(crate) fn warnings(a: &Analyzer, all: &[&RankState]) -> Vec<Verdict> {
    let mut out = Vec::new();
    // Fabric errors.
    let who: Vec<&RankState> = all
        .iter()
        .copied()
        .filter(|r| r.warning_counts.keys().any(|c| c.is_fabric()))
        .collect();
    if !who.is_empty() {
        // Totals by class come from the uncapped counts; codes from the kept lines.
        let mut totals: BTreeMap<WarnClass, u64> = BTreeMap::new();
        let mut codes: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
        let mut lines = Lines::new();
        for r in &who {
            for (class, n) in r.warning_counts.iter().filter(|(c, _)| c.is_fabric()) {
                *totals.entry(*class).or_default() += n;
            }
            for w in r.warnings.iter().filter(|w| w.class.is_fabric()) {
                if let Some(c) = w.code {
                    codes.entry(c).or_default().extend(w.vendor_err);
                }
                lines.push(Some(&w.evidence));
            }
        }
        let classes: BTreeSet<WarnClass> = totals.keys().copied().collect();
        let what: Vec<String> = totals
            .iter()
            .map(|(class, n)| {
                let k = match class {
                    WarnClass::IbCompletionError if codes.is_empty() => "completion error".into(),
                    WarnClass::IbCompletionError => format!(
                        "completion error {}",
                        codes
                            .iter()
                            .map(|(c, vendor)| {
                                let v: Vec<String> =
                                    vendor.iter().map(|v| format!("{v} (0x{v:x})")).collect();
                                if v.is_empty() {
                                    format!("status {c}")
                                } else {
                                    format!("status {c} with vendor syndrome {}", v.join("/"))
                                }
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    WarnClass::NetworkUnreachable => {
                        "`ibv_modify_qp` failed: network unreachable".into()
                    }
                    WarnClass::QpModifyFailed => "`ibv_modify_qp` failed".into(),
                    WarnClass::IbAsyncEvent => "IB async event (port error, HCA error)".into(),
                    _ => "GID read failure".into(),
                };
                if *n == 1 { k } else { format!("{k} ({n}x)") }
            })
            .collect();
        let mut hint = String::from(
            "run `hybridctl fabric-check` on the job's nodes (RDMA devices, RoCE v2 GIDs, MTU, PFC/ECN, error counters) and `hybridctl fabric-check --pairwise` between them",
        );
        for c in codes.keys() {
            let _ = write!(hint, "; status {c} is {}", status_words(*c));
        }
        if classes.contains(&WarnClass::NetworkUnreachable) {
            hint.push_str("; `Network is unreachable` from `ibv_modify_qp` means the GID NCCL chose has no route to the peer: set `network.gidIndex` (`NCCL_IB_GID_INDEX`) to a RoCE v2 GID with an IPv4 address (`show_gids`), or fix the route");
        }
        if classes.contains(&WarnClass::QpModifyFailed) {
            hint.push_str("; any other `ibv_modify_qp` failure (`No such device`, a timeout) usually means the GID index points at an entry with no netdev in this network namespace: check `show_gids` where the ranks run");
        }
        if classes.contains(&WarnClass::IbAsyncEvent) {
            hint.push_str("; an async event is the HCA reporting a port going down or a device error under the job: check the port's state and the link (`ibstat`, switch logs, `dmesg` for mlx5 errors)");
        }
        if classes.contains(&WarnClass::GidReadFailure) {
            hint.push_str("; a GID read failure means the ranks do not see the GID tables under /sys/class/infiniband: expose the RDMA devices with the RDMA device plugin (or hostNetwork)");
        }
        out.push(verdict(
            VerdictKind::FabricErrors,
            Severity::Error,
            format!(
                "NCCL reported fabric errors on {}: {}",
                plural(who.len(), "rank", "ranks"),
                what.join(", ")
            ),
            &who,
            lines,
            hint,
        ));
    }
    // No usable socket interface (none matched, or a bad address family).
    let (mut who, mut lines, _) = with_class(all, WarnClass::NoSocketInterface);
    let (fam, fam_lines, _) = with_class(all, WarnClass::SocketFamily);
    let torch_family = a
        .torch_errors
        .iter()
        .filter(|e| {
            matches!(
                e.detail_class,
                Some(WarnClass::SocketFamily | WarnClass::NoSocketInterface)
            )
        })
        .collect::<Vec<_>>();
    for e in fam_lines.items {
        lines.push(Some(&e));
    }
    for e in &torch_family {
        lines.push(Some(&e.evidence));
    }
    for r in fam {
        if !who.iter().any(|x| std::ptr::eq(*x, r)) {
            who.push(r);
        }
    }
    if !who.is_empty() || !torch_family.is_empty() {
        let ifname = who
            .iter()
            .chain(all.iter())
            .find_map(|r| r.env.get("NCCL_SOCKET_IFNAME"))
            .map_or_else(String::new, |v| format!(" (`NCCL_SOCKET_IFNAME={v}`)"));
        let n = who.len().max(torch_family.len());
        out.push(verdict(
            VerdictKind::SocketInterface,
            Severity::Error,
            format!(
                "NCCL found no usable network interface for its sockets on {}{ifname}: none matched, or the one it found has no IPv4/IPv6 address (`bad family`)",
                plural(n, "rank", "ranks")
            ),
            &who,
            lines,
            "`NCCL_SOCKET_IFNAME` matches no interface with an address where the ranks run: list them with `ip -br addr` there and fix `network.socketInterface` in the spec (a prefix list like `eth,ens`; `^` excludes, `=` matches exactly); unset it to let NCCL choose".into(),
        ));
    }
    // Duplicate GPU.
    let (who, mut lines, _) = with_class(all, WarnClass::DuplicateGpu);
    let torch_dup: Vec<&TorchError> = a
        .torch_errors
        .iter()
        .filter(|e| e.detail_class == Some(WarnClass::DuplicateGpu))
        .collect();
    for e in &torch_dup {
        lines.push(Some(&e.evidence));
    }
    if !who.is_empty() || !torch_dup.is_empty() {
        let sample = who
            .iter()
            .flat_map(|r| r.warnings.iter())
            .find(|w| w.class == WarnClass::DuplicateGpu)
            .map(|w| w.evidence.text.clone())
            .or_else(|| torch_dup.first().and_then(|e| e.detail.clone()))
            .unwrap_or_default();
        let sample = sample
            .split_once("Duplicate GPU detected")
            .map_or(sample.clone(), |(_, r)| {
                format!("Duplicate GPU detected{r}")
            });
        out.push(verdict(
            VerdictKind::DuplicateGpu,
            Severity::Error,
            format!(
                "two ranks run on the same GPU ({} reported it): {sample}",
                plural(who.len().max(torch_dup.len()), "rank", "ranks")
            ),
            &who,
            lines,
            "each rank must select its own GPU before NCCL init: `torch.cuda.set_device(local_rank)` (or `CUDA_VISIBLE_DEVICES` per rank); with Slurm, `--gpus-per-task=1` or `--gpu-bind`; check that the launcher does not start more ranks per node than GPUs".into(),
        ));
    }
    // Version mismatch.
    let (who, lines, _) = with_class(all, WarnClass::VersionMismatch);
    if !who.is_empty() {
        out.push(verdict(
            VerdictKind::VersionMismatch,
            Severity::Error,
            format!(
                "ranks run different NCCL versions ({} reported it)",
                plural(who.len(), "rank", "ranks")
            ),
            &who,
            lines,
            "run the same image (the same NCCL) on every node; `NCCL version` lines of each host are in the summary".into(),
        ));
    }
    // Peer connections.
    let (who, lines, n) = with_class(all, WarnClass::PeerConnection);
    if !who.is_empty() {
        out.push(verdict(
            VerdictKind::PeerConnection,
            Severity::Warning,
            format!(
                "{} on {}: a peer closed its connection or could not be reached",
                plural(n as usize, "connection warning", "connection warnings"),
                plural(who.len(), "rank", "ranks")
            ),
            &who,
            lines,
            "usually a consequence: the rank at the other end failed or exited first (its own error is the cause); if no rank failed, the bootstrap interface is not routable between the hosts (`NCCL_SOCKET_IFNAME`), or a firewall blocks NCCL's ports".into(),
        ));
    }
    // Everything else (and NCCL's own timeouts).
    let (mut who, mut lines, mut n) = with_class(all, WarnClass::Other);
    let (t_who, t_lines, t_n) = with_class(all, WarnClass::Timeout);
    for e in t_lines.items {
        lines.push(Some(&e));
    }
    n += t_n;
    for r in t_who {
        if !who.iter().any(|x| std::ptr::eq(*x, r)) {
            who.push(r);
        }
    }
    if !who.is_empty() {
        out.push(verdict(
            VerdictKind::NcclWarnings,
            Severity::Warning,
            format!(
                "{} on {}",
                plural(n as usize, "other NCCL warning", "other NCCL warnings"),
                plural(who.len(), "rank", "ranks")
            ),
            &who,
            lines,
            "read them in order: the first warning of a rank is usually the cause of the ones after it".into(),
        ));
    }
    out
}

pub(crate) fn collective_timeout(a: &Analyzer, all: &[&RankState]) -> Option<Verdict> {
    let who: Vec<&RankState> = all
        .iter()
        .copied()
        .filter(|r| r.collective_timeouts_total > 0)
        .collect();
    let stuck: Vec<&TorchError> = a
        .torch_errors
        .iter()
        .filter(|e| e.event == TorchEvent::WatchdogStuck)
        .collect();
    let first = who.iter().find_map(|r| r.collective_timeouts.first());
    if first.is_none() && stuck.is_empty() {
        return None;
    }
    let mut lines = Lines::new();
    for r in &who {
        for t in &r.collective_timeouts {
            lines.push(Some(&t.evidence));
        }
    }
    for e in &stuck {
        lines.push(Some(&e.evidence));
    }
    let what = match first {
        Some(first) => {
            let mut what = first.op.clone().unwrap_or_else(|| "a collective".into());
            if let Some(s) = first.seq {
                let _ = write!(what, " (SeqNum {s})");
            }
            if let Some(ms) = first.ran_ms {
                let _ = write!(what, " ran {ms} ms");
            }
            if let Some(ms) = first.timeout_ms {
                let _ = write!(what, " against a timeout of {ms} ms");
            }
            what
        }
        None => "its watchdog got stuck inside NCCL".into(),
    };
    let n = who
        .iter()
        .filter(|r| !r.collective_timeouts.is_empty())
        .count()
        .max(stuck.len());
    Some(verdict(
        VerdictKind::CollectiveTimeout,
        Severity::Error,
        format!(
            "PyTorch's NCCL watchdog timed out on {}: {what}",
            plural(n, "rank", "ranks")
        ),
        &who,
        lines,
        "some rank stopped taking part in the collective: the first rank with an error is usually the cause (see the other verdicts); the ranks missing from the timeout list are the ones to look at; `py-spy dump --pid` on a hung rank shows where it waits; raising the timeout rarely helps".into(),
    ))
}

pub(crate) fn torch_errors(a: &Analyzer) -> Option<Verdict> {
    // Errors whose detail another verdict already explains are left to it.
    let explained = |e: &TorchError| {
        matches!(
            e.detail_class,
            Some(WarnClass::DuplicateGpu | WarnClass::SocketFamily | WarnClass::NoSocketInterface)
        )
    };
    let errs: Vec<&TorchError> = a
        .torch_errors
        .iter()
        .filter(|e| {
            matches!(e.event, TorchEvent::NcclError | TorchEvent::TestFailure) && !explained(e)
        })
        .collect();
    let first = errs.first()?;
    let mut lines = Lines::new();
    for e in &errs {
        lines.push(Some(&e.evidence));
    }
    let what = first.what.clone().unwrap_or_else(|| "an NCCL error".into());
    let detail = first
        .detail
        .as_ref()
        .map_or_else(String::new, |d| format!("; last error: {d}"));
    let rank = first
        .rank
        .map_or_else(String::new, |r| format!(" on rank {r}"));
    let fabric_detail = errs.iter().find_map(|e| {
        e.detail_class
            .filter(|c| c.is_fabric())
            .and(e.detail.as_deref())
    });
    let fabric_hint;
    let hint = if let Some(d) = fabric_detail {
        let status = crate::nccl::parse::warn_class(d).1.and_then(|c| c.status);
        fabric_hint = format!(
            "the last error is the fabric's: run `hybridctl fabric-check` (and `--pairwise`) on the job's nodes{}",
            status.map_or_else(String::new, |c| format!(
                "; status {c} is {}",
                status_words(c)
            ))
        );
        fabric_hint.as_str()
    } else if what.contains("c10d store") {
        "look at rank 0 first (its log says why it stopped before publishing the id); check that every node reaches MASTER_ADDR:MASTER_PORT, and that all ranks were started"
    } else if what.contains("remote process exited") || what.contains("remote error") {
        "another rank failed or exited first: its error (or its node's kernel log) is the cause"
    } else if what.contains("system error") {
        "a system call or the network failed: the `NCCL WARN` lines (with `NCCL_DEBUG=INFO`) of the failing rank say which; a peer that exited causes this too"
    } else if what.contains("invalid usage") {
        "the program used NCCL wrongly (the `Last error:` line says how): two ranks on one GPU, mismatched collectives, or a wrong rank count"
    } else if what.contains("internal") {
        "run with `NCCL_DEBUG=INFO` to see the `NCCL WARN` that explains it"
    } else {
        "run with `NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=INIT,NET` to see the `NCCL WARN` that explains it"
    };
    Some(Verdict {
        kind: VerdictKind::NcclError,
        severity: Severity::Error,
        message: format!(
            "the job reports {}{rank}: {what}{detail}",
            plural(errs.len(), "NCCL error", "NCCL errors")
        ),
        ranks: {
            let mut v: Vec<u32> = errs.iter().filter_map(|e| e.rank).collect();
            v.sort_unstable();
            v.dedup();
            v
        },
        subjects: Vec::new(),
        evidence: lines.items,
        evidence_omitted: lines.omitted,
        hint: hint.into(),
    })
}

pub(crate) fn hosts_disagree(a: &Analyzer, view: &View<'_>) -> Option<Verdict> {
    let summary = view.summary(a);
    let odd: Vec<&HostSummary> = summary
        .per_host
        .iter()
        .filter(|h| !h.disagrees.is_empty() && !h.disagrees.iter().all(|d| d.ends_with("(tie)")))
        .collect();
    if odd.is_empty() {
        return None;
    }
    let list: Vec<String> = odd
        .iter()
        .take(8)
        .map(|h| {
            let name = match &h.addr {
                Some(x) => format!("{} ({x})", h.host),
                None => h.host.clone(),
            };
            format!("{name}: {}", h.disagrees.join(", "))
        })
        .collect();
    let mut lines = Lines::new();
    for (r, key) in view.procs.iter().zip(&view.host_of) {
        if odd
            .iter()
            .any(|h| h.host == key.0 && (h.addr.is_none() || h.addr == key.1))
        {
            lines.push(r.k.using_network.as_ref().or(r.k.gdr_line.as_ref()));
        }
    }
    Some(Verdict {
        kind: VerdictKind::HostsDisagree,
        severity: Severity::Warning,
        message: format!(
            "{} differ from the rest: {}",
            plural(odd.len(), "host", "hosts"),
            list.join("; ")
        ),
        ranks: Vec::new(),
        subjects: odd.iter().map(|h| h.host.clone()).collect(),
        evidence: lines.items,
        evidence_omitted: lines.omitted,
        hint: "the odd host is the one to fix (a missing RDMA device or module, another image): run `hybridctl fabric-check` on it and compare with a good host".into(),
    })
}
