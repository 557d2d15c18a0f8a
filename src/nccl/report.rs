//! Verdicts and the report: what the per-rank state means, with evidence and a next step.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::time::Duration;

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use super::{Analyzer, Evidence, Expectation, Fabric, MAX_EVIDENCE, RankState, WarnClass, cut};

/// How bad a verdict is. `Error` makes [`Report::is_bad`] true (and `nccl-check` exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

/// The kinds of verdict (see `docs/nccl.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    /// NCCL uses TCP sockets between nodes.
    SocketFallback,
    /// Inter-node traffic does not use GPUDirect RDMA.
    GdrOff,
    /// Ranks that never reached `Init COMPLETE` (within the threshold, or by the end).
    InitIncomplete,
    /// Ranks of the communicator that left no line in the log.
    RanksMissing,
    /// IB/RoCE errors: completion errors, unreachable network, GID read failures.
    FabricErrors,
    /// NCCL found no network interface for its sockets.
    SocketInterface,
    /// PyTorch's NCCL watchdog timed out a collective.
    CollectiveTimeout,
    /// Other `NCCL WARN` lines.
    NcclWarnings,
}

impl VerdictKind {
    /// The name in text output (`socket-fallback`).
    pub fn name(self) -> &'static str {
        match self {
            Self::SocketFallback => "socket-fallback",
            Self::GdrOff => "gdr-off",
            Self::InitIncomplete => "init-incomplete",
            Self::RanksMissing => "ranks-missing",
            Self::FabricErrors => "fabric-errors",
            Self::SocketInterface => "socket-interface",
            Self::CollectiveTimeout => "collective-timeout",
            Self::NcclWarnings => "nccl-warnings",
        }
    }
}

/// One finding, with the lines that show it and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub kind: VerdictKind,
    pub severity: Severity,
    pub message: String,
    /// Rank numbers concerned, where known.
    pub ranks: Vec<u32>,
    /// The ranks concerned by name (`rank 3`, or `host:pid [dev]` before init), capped.
    pub subjects: Vec<String>,
    pub evidence: Vec<Evidence>,
    /// Evidence lines left out (beyond the cap).
    pub evidence_omitted: u64,
    pub hint: String,
}

/// Everything the analyzer knows now.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Version of this JSON shape.
    pub schema: u32,
    pub expected_fabric: Fabric,
    pub expected_multi_node: bool,
    pub init_threshold_s: Option<f64>,
    /// The input is complete ([`Analyzer::finish`] was called).
    pub finished: bool,
    /// Lines seen, and how many were NCCL (or watchdog) lines.
    pub lines: u64,
    pub nccl_lines: u64,
    /// Distinct hosts in NCCL's line prefixes.
    pub hosts: u64,
    pub ranks: Vec<RankState>,
    /// Processes beyond the tracking cap (their lines were counted, not kept).
    pub ranks_dropped: u64,
    pub verdicts: Vec<Verdict>,
    /// Any verdict of severity `error`.
    pub bad: bool,
}

impl Report {
    /// Any verdict of severity error.
    pub fn is_bad(&self) -> bool {
        self.verdicts.iter().any(|v| v.severity == Severity::Error)
    }

    /// A per-rank table, then each verdict with its evidence and hint, in plain words.
    pub fn summary_table(&self, color: bool) -> String {
        table(self, color)
    }
}

/// Evidence lines with a cap.
struct Lines {
    items: Vec<Evidence>,
    omitted: u64,
}

impl Lines {
    fn new() -> Self {
        Self {
            items: Vec::new(),
            omitted: 0,
        }
    }

    fn push(&mut self, e: Option<&Evidence>) {
        let Some(e) = e else { return };
        if self.items.contains(e) {
            return;
        }
        if self.items.len() < MAX_EVIDENCE {
            self.items.push(e.clone());
        } else {
            self.omitted += 1;
        }
    }
}

const MAX_SUBJECTS: usize = 32;

fn verdict(
    kind: VerdictKind,
    severity: Severity,
    message: String,
    who: &[&RankState],
    lines: Lines,
    hint: String,
) -> Verdict {
    let mut ranks: Vec<u32> = who.iter().filter_map(|r| r.rank).collect();
    ranks.sort_unstable();
    ranks.dedup();
    Verdict {
        kind,
        severity,
        message,
        ranks,
        subjects: who.iter().take(MAX_SUBJECTS).map(|r| r.name()).collect(),
        evidence: lines.items,
        evidence_omitted: lines.omitted,
        hint,
    }
}

fn of(n: usize, total: usize, what: &str) -> String {
    if n == total {
        format!("all {total} {what}")
    } else {
        format!("{n} of {total} {what}")
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The ranks in report order: by rank number, then by where they came from.
fn sorted(a: &Analyzer) -> Vec<&RankState> {
    let mut v: Vec<&RankState> = a.ranks.iter().filter(|r| r.nccl_lines > 0).collect();
    v.sort_by(|x, y| {
        (
            x.rank.is_none(),
            x.rank,
            &x.source,
            &x.host,
            x.pid,
            x.cuda_dev,
        )
            .cmp(&(
                y.rank.is_none(),
                y.rank,
                &y.source,
                &y.host,
                y.pid,
                y.cuda_dev,
            ))
    });
    v
}

pub(super) fn build(a: &Analyzer) -> Report {
    let verdicts = verdicts(a);
    let ranks: Vec<RankState> = sorted(a)
        .into_iter()
        .map(|r| {
            let mut r = r.clone();
            r.gdr = if r.uses_sockets() { None } else { r.gdr_now() };
            r
        })
        .collect();
    let hosts = ranks
        .iter()
        .filter(|r| !r.host.is_empty())
        .map(|r| r.host.as_str())
        .collect::<BTreeSet<_>>()
        .len() as u64;
    let bad = verdicts.iter().any(|v| v.severity == Severity::Error);
    Report {
        schema: 1,
        expected_fabric: a.expect.fabric,
        expected_multi_node: a.expect.multi_node,
        init_threshold_s: a.expect.init_threshold.map(|d| d.as_secs_f64()),
        finished: a.finished,
        lines: a.lines,
        nccl_lines: a.nccl_lines,
        hosts,
        ranks,
        ranks_dropped: a.dropped_ranks,
        verdicts,
        bad,
    }
}

pub(super) fn verdicts(a: &Analyzer) -> Vec<Verdict> {
    let all = sorted(a);
    // Ranks with NCCL's own prefix (the watchdog-only entries have no process id).
    let procs: Vec<&RankState> = all.iter().copied().filter(|r| r.pid.is_some()).collect();
    let hosts: BTreeSet<&str> = procs.iter().map(|r| r.host.as_str()).collect();
    let net_channels = procs
        .iter()
        .any(|r| r.channels.net_rdma + r.channels.net_socket > 0);
    let observed_multi = hosts.len() > 1 || net_channels;
    let expect: &Expectation = &a.expect;
    let mut out = Vec::new();

    if let Some(v) = socket_fallback(expect, &procs, observed_multi) {
        out.push(v);
    }
    if let Some(v) = gdr_off(expect, &procs, observed_multi) {
        out.push(v);
    }
    if let Some(v) = init_incomplete(a, &procs) {
        out.push(v);
    }
    if let Some(v) = ranks_missing(a, &procs) {
        out.push(v);
    }
    out.extend(warnings(&all));
    if let Some(v) = collective_timeout(&all) {
        out.push(v);
    }
    out.sort_by(|x, y| y.severity.cmp(&x.severity).then(x.kind.cmp(&y.kind)));
    out
}

fn socket_fallback(
    expect: &Expectation,
    procs: &[&RankState],
    observed_multi: bool,
) -> Option<Verdict> {
    let severity = match expect.fabric {
        Fabric::Socket => return None,
        Fabric::Roce | Fabric::Ib if expect.multi_node || observed_multi => Severity::Error,
        Fabric::Unknown if observed_multi => Severity::Warning,
        _ => return None,
    };
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
    let plugin: Vec<&RankState> = who
        .iter()
        .copied()
        .filter(|r| {
            r.k.plugin_failed.is_some()
                && (r.env.contains_key("NCCL_NET_PLUGIN")
                    || r.env
                        .get("NCCL_NET")
                        .is_some_and(|n| n != "IB" && n != "Socket"))
        })
        .collect();
    let mut reasons = Vec::new();
    let mut hints = Vec::new();
    let mut lines = Lines::new();
    if !disabled.is_empty() {
        reasons.push("`NCCL_IB_DISABLE=1` is set in the job's environment".to_string());
        hints.push("remove `NCCL_IB_DISABLE` from the job's environment (spec `network.ncclEnv`, `container.env`, or the image)");
        lines.push(disabled[0].k.ib_disable.as_ref());
    }
    if !no_device.is_empty() {
        reasons.push(
            "NCCL found no IB/RoCE device in the container (`NET/IB : No device found.`)"
                .to_string(),
        );
        hints.push("the pods see no RDMA device: request the RDMA resource (spec `network.rdmaResource`), check `ls /sys/class/infiniband` inside a pod, and run `hybridctl fabric-check` on the nodes");
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
    let expects = match expect.fabric {
        Fabric::Roce | Fabric::Ib => format!(" (the job expects {})", expect.fabric.words()),
        _ => String::new(),
    };
    let mut message = format!(
        "NCCL fell back to TCP sockets on {}{expects}",
        of(who.len(), procs.len(), "ranks")
    );
    if !reasons.is_empty() {
        message.push_str(": ");
        message.push_str(&reasons.join("; "));
    }
    let mut hint = hints.join("; ");
    if expect.fabric == Fabric::Unknown {
        hint.push_str(" (pass `--fabric roce|ib` or `--spec` to make this an error; `--fabric socket` if sockets are intended)");
    }
    Some(verdict(
        VerdictKind::SocketFallback,
        severity,
        message,
        &who,
        lines,
        hint,
    ))
}

fn gdr_off(expect: &Expectation, procs: &[&RankState], observed_multi: bool) -> Option<Verdict> {
    if expect.fabric == Fabric::Socket || !(expect.multi_node || observed_multi) {
        return None;
    }
    let who: Vec<&RankState> = procs
        .iter()
        .copied()
        .filter(|r| !r.uses_sockets() && r.gdr_now() == Some(false))
        .collect();
    if who.is_empty() {
        return None;
    }
    let mut lines = Lines::new();
    for r in &who {
        lines.push(r.k.gdr_line.as_ref());
        lines.push(r.k.first_plain_net_channel.as_ref());
    }
    Some(verdict(
        VerdictKind::GdrOff,
        Severity::Warning,
        format!(
            "GPUDirect RDMA is off on {}: traffic between nodes is staged through host memory",
            of(who.len(), procs.len(), "ranks")
        ),
        &who,
        lines,
        "load the `nvidia-peermem` kernel module on the nodes (or use DMA-BUF: NCCL 2.19+ with a 5.12+ kernel and the open GPU driver); `nvidia-smi topo -m` shows whether GPU and NIC share a PCIe switch; `NCCL_NET_GDR_LEVEL` sets how far apart they may be".into(),
    ))
}

fn init_incomplete(a: &Analyzer, procs: &[&RankState]) -> Option<Verdict> {
    // A process's own lines (version, NET/IB) under another device of a process that did
    // complete are not a rank of their own.
    let completed: BTreeSet<(&str, &str, Option<u32>)> = procs
        .iter()
        .filter(|r| r.init_complete)
        .map(|r| (r.source.as_str(), r.host.as_str(), r.pid))
        .collect();
    let limit = a.expect.init_threshold;
    let late = |r: &RankState| -> bool {
        if r.init_complete {
            // Completed, but slower than the threshold allows.
            return limit
                .zip(r.init_time_s)
                .is_some_and(|(l, t)| t > l.as_secs_f64());
        }
        if !r.k.comm_lines && completed.contains(&(r.source.as_str(), r.host.as_str(), r.pid)) {
            return false;
        }
        if a.finished {
            return true;
        }
        match (limit, a.clock, r.k.first_at) {
            (Some(limit), Some(now), Some(first)) => {
                now.duration_since(first).unwrap_or(Duration::ZERO) > limit
            }
            _ => false,
        }
    };
    let who: Vec<&RankState> = procs.iter().copied().filter(|r| late(r)).collect();
    if who.is_empty() {
        return None;
    }
    let mut lines = Lines::new();
    for r in &who {
        if let Some(w) = r.warnings.first() {
            lines.push(Some(&w.evidence));
        }
        lines.push(r.last_evidence().as_ref());
    }
    let message = match limit {
        Some(d) => format!(
            "{} did not reach `Init COMPLETE` within {} (their last NCCL lines are shown)",
            of(who.len(), procs.len(), "ranks"),
            human_duration(d)
        ),
        None => format!(
            "{} never reached `Init COMPLETE` (their last NCCL lines are shown)",
            of(who.len(), procs.len(), "ranks")
        ),
    };
    Some(verdict(
        VerdictKind::InitIncomplete,
        Severity::Error,
        message,
        &who,
        lines,
        "these ranks stopped during NCCL setup: a `NCCL WARN` of theirs is usually the cause; otherwise check that every pod reaches the others on the bootstrap interface (`NCCL_SOCKET_IFNAME`) and that no rank crashed or waits for a rank that never started".into(),
    ))
}

fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 && s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else {
        format!("{}s", d.as_secs_f64())
    }
}

fn ranks_missing(a: &Analyzer, procs: &[&RankState]) -> Option<Verdict> {
    if !a.finished {
        return None;
    }
    let n = procs.iter().filter_map(|r| r.nranks).max()?;
    let seen: BTreeSet<u32> = procs
        .iter()
        .filter(|r| r.nranks == Some(n))
        .filter_map(|r| r.rank)
        .collect();
    let incomplete = procs.iter().filter(|r| !r.init_complete).count();
    let missing: Vec<u32> = (0..n).filter(|r| !seen.contains(r)).collect();
    if missing.is_empty() || missing.len() <= incomplete {
        // Every missing rank may be one of the incomplete ones (already reported).
        return None;
    }
    let listed: Vec<String> = missing.iter().take(16).map(u32::to_string).collect();
    let more = if missing.len() > 16 { ", ..." } else { "" };
    Some(Verdict {
        kind: VerdictKind::RanksMissing,
        severity: Severity::Warning,
        message: format!(
            "the communicator has {n} ranks, but {} left no `Init COMPLETE` in this log: {}{more}",
            plural(missing.len(), "rank", "ranks"),
            listed.join(", ")
        ),
        ranks: missing.clone(),
        subjects: Vec::new(),
        evidence: Vec::new(),
        evidence_omitted: 0,
        hint: "the log holds only part of the job: give every rank's output (all files, or all pods); if it is complete, those ranks never started NCCL".into(),
    })
}

fn warnings(all: &[&RankState]) -> Vec<Verdict> {
    let mut out = Vec::new();
    // Fabric errors.
    let who: Vec<&RankState> = all
        .iter()
        .copied()
        .filter(|r| r.warnings.iter().any(|w| w.class.is_fabric()))
        .collect();
    if !who.is_empty() {
        // Totals by class come from the uncapped counts; error codes from the kept lines.
        let mut totals: BTreeMap<WarnClass, u64> = BTreeMap::new();
        let mut codes: BTreeSet<u32> = BTreeSet::new();
        let mut lines = Lines::new();
        for r in &who {
            for (class, n) in r.warning_counts.iter().filter(|(c, _)| c.is_fabric()) {
                *totals.entry(*class).or_default() += n;
            }
            for w in r.warnings.iter().filter(|w| w.class.is_fabric()) {
                codes.extend(w.code);
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
                            .map(u32::to_string)
                            .collect::<Vec<_>>()
                            .join("/")
                    ),
                    WarnClass::NetworkUnreachable => "network unreachable".into(),
                    _ => "GID read failure".into(),
                };
                if *n == 1 { k } else { format!("{k} ({n}x)") }
            })
            .collect();
        let mut hint = String::from(
            "run `hybridctl fabric-check` on the job's nodes (RDMA devices, RoCE v2 GIDs, MTU, PFC/ECN, error counters)",
        );
        if classes.contains(&WarnClass::IbCompletionError) {
            hint.push_str("; completion error 12 is a transport retry timeout: packets are lost on the way (wrong GID index or traffic class, PFC/ECN misconfigured, a link down)");
        }
        if classes.contains(&WarnClass::NetworkUnreachable) {
            hint.push_str("; `Network is unreachable` means the GID NCCL chose is not routable: set `network.gidIndex` (`NCCL_IB_GID_INDEX`) to a RoCE v2 GID with an IPv4 address");
        }
        if classes.contains(&WarnClass::GidReadFailure) {
            hint.push_str("; a GID read failure means the container does not see the GID tables under /sys/class/infiniband: expose the RDMA devices with the RDMA device plugin (or hostNetwork)");
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
    // No socket interface.
    let who: Vec<&RankState> = all
        .iter()
        .copied()
        .filter(|r| {
            r.warnings
                .iter()
                .any(|w| w.class == WarnClass::NoSocketInterface)
        })
        .collect();
    if !who.is_empty() {
        let mut lines = Lines::new();
        for r in &who {
            for w in r
                .warnings
                .iter()
                .filter(|w| w.class == WarnClass::NoSocketInterface)
            {
                lines.push(Some(&w.evidence));
            }
        }
        let ifname = who
            .iter()
            .find_map(|r| r.env.get("NCCL_SOCKET_IFNAME"))
            .map_or_else(String::new, |v| format!(" (`NCCL_SOCKET_IFNAME={v}`)"));
        out.push(verdict(
            VerdictKind::SocketInterface,
            Severity::Error,
            format!(
                "NCCL found no network interface for its sockets on {}{ifname}",
                plural(who.len(), "rank", "ranks")
            ),
            &who,
            lines,
            "`NCCL_SOCKET_IFNAME` matches no interface inside the pod: list them with `ip -br addr` in a pod and fix `network.socketInterface` in the spec (a `^` prefix excludes, `=` matches exactly)".into(),
        ));
    }
    // Everything else.
    let who: Vec<&RankState> = all
        .iter()
        .copied()
        .filter(|r| r.warning_counts.contains_key(&WarnClass::Other))
        .collect();
    if !who.is_empty() {
        let mut lines = Lines::new();
        let mut n = 0u64;
        for r in &who {
            for w in r.warnings.iter().filter(|w| w.class == WarnClass::Other) {
                lines.push(Some(&w.evidence));
            }
            n += r
                .warning_counts
                .get(&WarnClass::Other)
                .copied()
                .unwrap_or(0);
        }
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

fn collective_timeout(all: &[&RankState]) -> Option<Verdict> {
    let who: Vec<&RankState> = all
        .iter()
        .copied()
        .filter(|r| r.collective_timeouts_total > 0)
        .collect();
    let first = who.first()?.collective_timeouts.first()?;
    let mut lines = Lines::new();
    for r in &who {
        for t in &r.collective_timeouts {
            lines.push(Some(&t.evidence));
        }
    }
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
    Some(verdict(
        VerdictKind::CollectiveTimeout,
        Severity::Error,
        format!(
            "PyTorch's NCCL watchdog timed out a collective on {}: {what}",
            plural(who.len(), "rank", "ranks")
        ),
        &who,
        lines,
        "some rank stopped taking part in the collective: the first rank with an error is usually the cause (see the other verdicts); `py-spy dump --pid` on a hung rank shows where it waits; raising the timeout rarely helps".into(),
    ))
}

fn paint(color: bool, code: &str, text: &str) -> String {
    use crate::output::styles;
    let style = match code {
        "32" | "1;32" => styles::PASS,
        "1;33" | "33" => styles::WARNING,
        "1;31" | "31" => styles::ERROR,
        "1;36" | "36" => styles::HINT,
        "1" => styles::BOLD,
        _ => styles::DIM,
    };
    crate::output::paint(color, style, text)
}

fn devices(r: &RankState) -> String {
    match r.ib_devices.as_slice() {
        [] if r.ib_no_device => "none".into(),
        [] => "-".into(),
        devs => {
            let link = &devs[0].link;
            let same = devs.iter().all(|d| &d.link == link);
            let names = if devs.len() <= 2 {
                devs.iter()
                    .map(|d| d.name.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            } else {
                format!("{}..{}", devs[0].name, devs[devs.len() - 1].name)
            };
            if same {
                format!("{names}/{link}")
            } else {
                format!("{names}/mixed")
            }
        }
    }
}

fn channels(r: &RankState) -> String {
    let c = &r.channels;
    let mut parts = Vec::new();
    if c.net_rdma > 0 {
        parts.push(format!("NET {} (GDR {})", c.net_rdma, c.net_rdma_gdr));
    }
    if c.net_socket > 0 {
        parts.push(format!("SOCKET {}", c.net_socket));
    }
    if c.p2p > 0 {
        parts.push(format!("P2P {}", c.p2p));
    }
    if c.shm > 0 {
        parts.push(format!("SHM {}", c.shm));
    }
    if c.other > 0 {
        parts.push(format!("other {}", c.other));
    }
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join(", ")
    }
}

fn table(rep: &Report, color: bool) -> String {
    let mut out = String::new();
    if rep.ranks.is_empty() {
        out.push_str("no NCCL lines found");
        if rep.lines > 0 {
            let _ = write!(out, " in {}", plural(rep.lines as usize, "line", "lines"));
        }
        out.push_str(" (is `NCCL_DEBUG=INFO` set?)\n");
    } else {
        let with_source = rep.ranks.iter().any(|r| !r.source.is_empty());
        let mut t = Table::new();
        t.load_style(presets::NOTHING);
        t.set_content_arrangement(ContentArrangement::Disabled);
        let mut header = vec!["RANK"];
        if with_source {
            header.push("SOURCE");
        }
        header.extend([
            "HOST", "DEV", "NCCL", "NETWORK", "DEVICES", "GDR", "INIT", "CHANNELS", "WARN",
        ]);
        t.set_header(header);
        for r in &rep.ranks {
            let rank = match (r.rank, r.nranks) {
                (Some(a), Some(n)) => format!("{a}/{n}"),
                (Some(a), None) => a.to_string(),
                _ => "-".into(),
            };
            let net = r.network.clone().unwrap_or_else(|| "-".into());
            let net = if r.uses_sockets() {
                paint(color, "1;31", &net)
            } else {
                net
            };
            let gdr = match r.gdr {
                Some(true) => "yes".into(),
                Some(false) => paint(color, "1;33", "no"),
                None => "-".into(),
            };
            let init = match (r.init_complete, r.init_time_s, r.pid) {
                (true, Some(s), _) => format!("yes {s:.1}s"),
                (true, None, _) => "yes".into(),
                (false, _, Some(_)) => paint(color, "1;31", "no"),
                (false, _, None) => "-".into(),
            };
            let warn = r.warnings_total + r.collective_timeouts_total;
            let mut row = vec![rank];
            if with_source {
                row.push(r.source.clone());
            }
            row.extend([
                if r.host.is_empty() {
                    "-".into()
                } else {
                    r.host.clone()
                },
                r.cuda_dev.map_or_else(|| "-".into(), |d| d.to_string()),
                r.nccl_version.clone().unwrap_or_else(|| "-".into()),
                net,
                devices(r),
                gdr,
                init,
                channels(r),
                if warn == 0 {
                    "-".into()
                } else {
                    warn.to_string()
                },
            ]);
            t.add_row(row);
        }
        for line in t.lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "\n{} on {}, {} NCCL lines of {}",
            plural(rep.ranks.len(), "rank", "ranks"),
            plural(rep.hosts as usize, "host", "hosts"),
            rep.nccl_lines,
            rep.lines
        );
    }
    if rep.verdicts.is_empty() && !rep.ranks.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            paint(color, "1;32", "ok: no problem found in the NCCL lines")
        );
    }
    for v in &rep.verdicts {
        let code = match v.severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        let _ = writeln!(
            out,
            "\n{}: {}",
            paint(
                color,
                code,
                &format!("{}[{}]", v.severity.as_str(), v.kind.name())
            ),
            v.message
        );
        for e in &v.evidence {
            let place = match (e.source.is_empty(), e.line) {
                (false, Some(n)) => format!("{}:{n}: ", e.source),
                (false, None) => format!("{}: ", e.source),
                (true, Some(n)) => format!("{n}: "),
                (true, None) => String::new(),
            };
            let _ = writeln!(out, "  | {place}{}", cut(&e.text));
        }
        if v.evidence_omitted > 0 {
            let _ = writeln!(out, "  | ... and {} more", v.evidence_omitted);
        }
        let _ = writeln!(out, "  {} {}", paint(color, "1;36", "hint:"), v.hint);
    }
    out
}
