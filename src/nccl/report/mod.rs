//! Verdicts and the report: what the per-rank state means, with evidence and a next step,
//! and a per-job summary (version, ranks, hosts and what each host uses).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::time::Duration;

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

mod text;
mod verdicts;

use text::*;
use verdicts::*;

use super::{
    Analyzer, Evidence, Expectation, Fabric, InitState, MAX_EVIDENCE, RankState, TorchError,
    TorchEvent, WarnClass, cut,
};

/// How bad a verdict is. `Error` makes [`Report::is_bad`] true (and `nccl-check` exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    /// On the one verdict scale: an error fails, a warning warns, information passes.
    pub fn level(self) -> crate::check::Level {
        use crate::check::Level;
        match self {
            Self::Info => Level::Pass,
            Self::Warning => Level::Warn,
            Self::Error => Level::Fail,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

/// The kinds of verdict (see `docs/nccl.md`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    /// NCCL uses TCP sockets between hosts.
    SocketFallback,
    /// NCCL's sockets are bound to the loopback interface on a multi-host job.
    SocketLoopback,
    /// Inter-node traffic over IB/RoCE does not use GPUDirect RDMA.
    GdrOff,
    /// IB/RoCE errors: completion errors, `ibv_modify_qp` failures, GID read failures.
    FabricErrors,
    /// NCCL found no usable network interface for its sockets (none matched, bad family).
    SocketInterface,
    /// Two ranks on one GPU.
    DuplicateGpu,
    /// Ranks run different NCCL versions.
    VersionMismatch,
    /// Ranks whose init returned an error.
    InitFailed,
    /// Ranks that never reached `Init COMPLETE` although the job ended (or within the
    /// threshold).
    InitIncomplete,
    /// PyTorch (or nccl-tests) reports an NCCL error not explained by another verdict.
    NcclError,
    /// PyTorch's NCCL watchdog timed out a collective (or got stuck).
    CollectiveTimeout,
    /// A peer closed its connection or could not be reached.
    PeerConnection,
    /// Hosts that differ from the others (network, GPUDirect RDMA, NCCL version).
    HostsDisagree,
    /// Ranks of the communicator that left no line in the log.
    RanksMissing,
    /// The log stops before `Init COMPLETE` and does not show the job ending.
    InitUnknown,
    /// Other `NCCL WARN` lines.
    NcclWarnings,
}

impl VerdictKind {
    /// The name in text output (`socket-fallback`).
    pub fn name(self) -> &'static str {
        match self {
            Self::SocketFallback => "socket-fallback",
            Self::SocketLoopback => "socket-loopback",
            Self::GdrOff => "gdr-off",
            Self::FabricErrors => "fabric-errors",
            Self::SocketInterface => "socket-interface",
            Self::DuplicateGpu => "duplicate-gpu",
            Self::VersionMismatch => "version-mismatch",
            Self::InitFailed => "init-failed",
            Self::InitIncomplete => "init-incomplete",
            Self::NcclError => "nccl-error",
            Self::CollectiveTimeout => "collective-timeout",
            Self::PeerConnection => "peer-connection",
            Self::HostsDisagree => "hosts-disagree",
            Self::RanksMissing => "ranks-missing",
            Self::InitUnknown => "init-unknown",
            Self::NcclWarnings => "nccl-warnings",
        }
    }
}

/// What the analysis concluded, as one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// No problem found, and init completed where the log shows ranks.
    Ok,
    /// Warnings only.
    Warnings,
    /// No problem found, but the log stops before init completed: not known.
    Unknown,
    /// At least one verdict of severity error.
    Bad,
    /// No NCCL line at all: nothing to judge (`NCCL_DEBUG` was not `INFO`, or the wrong log).
    NothingToJudge,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Warnings => "warnings",
            Self::Unknown => "unknown",
            Self::Bad => "bad",
            Self::NothingToJudge => "nothing-to-judge",
        }
    }
}

/// The sentence shown for a log without NCCL lines.
pub const NOTHING_TO_JUDGE: &str = "nothing to judge: the input has no NCCL line. Run the job with `NCCL_DEBUG=INFO` (and `NCCL_DEBUG_SUBSYS=INIT,NET`) and give its whole output, every rank's";

/// One finding, with the lines that show it and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
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

/// Where init stands, over the ranks with NCCL's prefix.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InitSummary {
    pub complete: u64,
    pub failed: u64,
    pub incomplete: u64,
    pub unknown: u64,
}

/// What one host uses.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostSummary {
    pub host: String,
    /// The address that told it apart from another host of the same name.
    pub addr: Option<String>,
    /// Processes/devices seen, and their rank numbers where known.
    pub processes: u64,
    pub ranks: Vec<u32>,
    pub nccl_version: Option<String>,
    /// Between hosts: `IB`, `RoCE`, `IB+RoCE`, `Socket`, a plugin's name, or `-` (not shown).
    pub transport: String,
    pub devices: Vec<String>,
    /// GPUDirect RDMA on this host's network traffic; `None`: not shown (or sockets).
    pub gdr: Option<bool>,
    /// Inside the node: `P2P`, `SHM`, `NVLS`.
    pub intra: Vec<String>,
    pub plugin: Option<String>,
    pub init: InitSummary,
    /// How this host differs from most hosts (`transport Socket (most: RoCE)`).
    pub disagrees: Vec<String>,
}

/// The per-job summary.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobSummary {
    pub nccl_versions: Vec<String>,
    /// Ranks (processes/devices with NCCL's prefix) seen, and the communicator size.
    pub ranks_seen: u64,
    pub nranks: Option<u32>,
    /// Hosts told apart in the log (by name, then by address), and how many took part at
    /// least by what the log says (`nNodes`, the communicator size, network channels).
    pub hosts: u64,
    pub hosts_at_least: u64,
    pub hosts_evidence: Vec<String>,
    pub per_host: Vec<HostSummary>,
    pub init: InitSummary,
}

/// Everything the analyzer knows now.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Version of this JSON shape.
    pub schema: u32,
    pub outcome: Outcome,
    pub expected_fabric: Fabric,
    pub expected_multi_node: bool,
    pub init_threshold_s: Option<f64>,
    /// The input is complete ([`Analyzer::finish`] was called).
    pub finished: bool,
    /// The log shows the job ended (or failed), or the caller said so.
    pub job_ended: bool,
    pub ended_by: Option<Evidence>,
    /// Lines seen, and how many were NCCL (or watchdog) lines.
    pub lines: u64,
    pub nccl_lines: u64,
    /// Distinct hosts in NCCL's line prefixes (by name, then by address).
    pub hosts: u64,
    pub summary: JobSummary,
    pub ranks: Vec<RankState>,
    /// Processes beyond the tracking cap (their lines were counted, not kept).
    pub ranks_dropped: u64,
    pub torch_errors: Vec<TorchError>,
    pub torch_errors_total: u64,
    pub verdicts: Vec<Verdict>,
    /// Any verdict of severity `error`.
    pub bad: bool,
}

impl Report {
    /// Any verdict of severity error.
    pub fn is_bad(&self) -> bool {
        self.verdicts
            .iter()
            .any(|v| v.severity.level() == crate::check::Level::Fail)
    }

    /// The job summary, a per-rank table, then each verdict with its evidence and hint.
    pub fn summary_table(&self, color: bool) -> String {
        table(self, color)
    }
}

/// Evidence lines with a cap.
pub(crate) struct Lines {
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

pub(crate) const MAX_SUBJECTS: usize = 32;

pub(crate) fn verdict(
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

pub(crate) fn of(n: usize, total: usize, what: &str) -> String {
    if n == total {
        format!("all {total} {what}")
    } else {
        format!("{n} of {total} {what}")
    }
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `0-7, 9, 12-13`
pub(crate) fn ranges(v: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j + 1 < v.len() && Some(v[j + 1]) == v[j].checked_add(1) {
            j += 1;
        }
        out.push(if j > i + 1 {
            format!("{}-{}", v[i], v[j])
        } else if j == i + 1 {
            format!("{}, {}", v[i], v[j])
        } else {
            v[i].to_string()
        });
        i = j + 1;
        if out.len() >= 16 && i < v.len() {
            out.push("...".into());
            break;
        }
    }
    out.join(", ")
}

/// The ranks in report order: by rank number, then by where they came from.
pub(crate) fn sorted(a: &Analyzer) -> Vec<&RankState> {
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

pub(crate) fn ended(a: &Analyzer) -> bool {
    a.ended_by_caller || a.ended.is_some()
}

/// A rank's init state now.
pub(crate) fn init_state(a: &Analyzer, r: &RankState) -> InitState {
    if r.init_complete {
        InitState::Complete
    } else if r.k.init_failed.is_some() {
        InitState::Failed
    } else if ended(a) {
        InitState::Incomplete
    } else {
        InitState::Unknown
    }
}

pub(super) fn build(a: &Analyzer) -> Report {
    let verdicts = verdicts(a);
    let view = View::new(a);
    let summary = view.summary(a);
    let ranks: Vec<RankState> = view
        .procs
        .iter()
        .chain(view.others.iter())
        .map(|r| {
            let mut r = (*r).clone();
            r.gdr = if r.uses_sockets() { None } else { r.gdr_now() };
            r.init_state = init_state(a, &r);
            r
        })
        .collect();
    let bad = verdicts.iter().any(|v| v.severity == Severity::Error);
    let outcome = if bad {
        Outcome::Bad
    } else if a.nccl_lines == 0 {
        Outcome::NothingToJudge
    } else if verdicts.iter().any(|v| v.severity == Severity::Warning) {
        Outcome::Warnings
    } else if verdicts.iter().any(|v| v.kind == VerdictKind::InitUnknown) {
        Outcome::Unknown
    } else {
        Outcome::Ok
    };
    Report {
        schema: 1,
        outcome,
        expected_fabric: a.expect.fabric,
        expected_multi_node: a.expect.multi_node,
        init_threshold_s: a.expect.init_threshold.map(|d| d.as_secs_f64()),
        finished: a.finished,
        job_ended: ended(a),
        ended_by: a.ended.clone(),
        lines: a.lines,
        nccl_lines: a.nccl_lines,
        hosts: summary.hosts,
        summary,
        ranks,
        ranks_dropped: a.dropped_ranks,
        torch_errors: a.torch_errors.clone(),
        torch_errors_total: a.torch_errors_total,
        verdicts,
        bad,
    }
}

/// The ranks grouped the way the verdicts and the summary need them.
pub(crate) struct View<'a> {
    /// Ranks with NCCL's own prefix (the watchdog-only entries have no process id).
    procs: Vec<&'a RankState>,
    others: Vec<&'a RankState>,
    /// Host key of each of `procs`: the name, plus the address when one name has several.
    host_of: Vec<(String, Option<String>)>,
    hosts: BTreeSet<(String, Option<String>)>,
    at_least: u64,
    evidence: Vec<String>,
    nranks: Option<u32>,
}

impl<'a> View<'a> {
    fn new(a: &'a Analyzer) -> Self {
        let all = sorted(a);
        let (procs, others): (Vec<&RankState>, Vec<&RankState>) =
            all.into_iter().partition(|r| r.pid.is_some());
        let mut addrs: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for r in &procs {
            let e = addrs.entry(r.host.as_str()).or_default();
            if let Some(x) = &r.addr {
                e.insert(x.as_str());
            }
        }
        let host_of: Vec<(String, Option<String>)> = procs
            .iter()
            .map(|r| {
                let set = &addrs[r.host.as_str()];
                let addr = if set.len() > 1 {
                    r.addr
                        .clone()
                        .or_else(|| set.iter().next().map(|s| s.to_string()))
                } else {
                    set.iter().next().map(|s| s.to_string())
                };
                (r.host.clone(), addr)
            })
            .collect();
        let hosts: BTreeSet<(String, Option<String>)> = host_of.iter().cloned().collect();
        let mut evidence = Vec::new();
        let names = addrs.len() as u64;
        let counted = hosts.len() as u64;
        if names > 1 {
            evidence.push(format!("{names} host names in NCCL's prefixes"));
        }
        for (name, set) in &addrs {
            if set.len() > 1 {
                let list: Vec<&str> = set.iter().take(4).copied().collect();
                evidence.push(format!(
                    "`{name}` logs {} addresses ({}): hosts that share a name",
                    set.len(),
                    list.join(", ")
                ));
            }
        }
        let mut at_least = counted;
        let nnodes = procs.iter().filter_map(|r| r.nnodes).max();
        if let Some(n) = nnodes
            && u64::from(n) > counted
        {
            evidence.push(format!("NCCL says `nNodes {n}`"));
            at_least = at_least.max(u64::from(n));
        }
        let nranks = procs.iter().filter_map(|r| r.nranks).max();
        // Devices seen on the busiest host: a 16-GPU node (DGX-2) shows more than 8.
        let mut devs: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
        for r in &procs {
            devs.entry(r.host.as_str()).or_default().extend(r.cuda_dev);
        }
        let widest = devs.values().map(BTreeSet::len).max().unwrap_or(0) as u32;
        let per_node = widest.max(8);
        if at_least < 2
            && let Some(n) = nranks
            && n > per_node
        {
            evidence.push(format!(
                "the communicator has {n} ranks, more than one node's {per_node} GPUs"
            ));
            at_least = at_least.max(u64::from(n.div_ceil(per_node)));
        }
        if at_least < 2
            && procs
                .iter()
                .any(|r| r.channels.net_rdma + r.channels.net_socket > 0)
        {
            evidence.push("channels go through the network (`via NET/..`)".into());
            at_least = 2;
        }
        if at_least < 2
            && procs.iter().any(|r| {
                r.warnings
                    .iter()
                    .any(|w| w.class == WarnClass::IbCompletionError)
            })
        {
            evidence.push("IB/RoCE completion errors from a peer".into());
            at_least = 2;
        }
        Self {
            procs,
            others,
            host_of,
            hosts,
            at_least,
            evidence,
            nranks,
        }
    }

    fn multi(&self, expect: &Expectation) -> bool {
        expect.multi_node || self.at_least > 1
    }

    fn summary(&self, a: &Analyzer) -> JobSummary {
        let mut versions: Vec<String> = Vec::new();
        for v in self
            .procs
            .iter()
            .filter_map(|r| r.nccl_version.as_deref())
            .chain(a.versions.iter().map(String::as_str))
        {
            if !versions.iter().any(|x| x == v) && versions.len() < 8 {
                versions.push(v.to_string());
            }
        }
        let mut init = InitSummary::default();
        let mut per: BTreeMap<&(String, Option<String>), Vec<&RankState>> = BTreeMap::new();
        for (r, key) in self.procs.iter().zip(&self.host_of) {
            per.entry(key).or_default().push(r);
            count_init(&mut init, init_state(a, r));
        }
        let name_count = |n: &str| self.hosts.iter().filter(|(h, _)| h == n).count();
        let mut per_host: Vec<HostSummary> = per
            .into_iter()
            .map(|((host, addr), ranks)| host_summary(a, host, addr, &ranks, name_count(host)))
            .collect();
        disagreements(&mut per_host);
        let mut seen_ranks: BTreeSet<u32> = BTreeSet::new();
        seen_ranks.extend(self.procs.iter().filter_map(|r| r.rank));
        JobSummary {
            nccl_versions: versions,
            ranks_seen: self.procs.len() as u64,
            nranks: self.nranks,
            hosts: self.hosts.len() as u64,
            hosts_at_least: self.at_least,
            hosts_evidence: self.evidence.clone(),
            per_host,
            init,
        }
    }
}

pub(crate) fn count_init(s: &mut InitSummary, st: InitState) {
    match st {
        InitState::Complete => s.complete += 1,
        InitState::Failed => s.failed += 1,
        InitState::Incomplete => s.incomplete += 1,
        InitState::Unknown => s.unknown += 1,
    }
}

/// The network one rank uses between hosts, in one word.
pub(crate) fn transport_of(r: &RankState) -> Option<String> {
    if r.uses_sockets() {
        return Some("Socket".into());
    }
    let links: BTreeSet<&str> = r.ib_devices.iter().map(|d| d.link.as_str()).collect();
    let link = match (links.contains("IB"), links.contains("RoCE")) {
        (true, true) => Some("IB+RoCE"),
        (true, false) => Some("IB"),
        (false, true) => Some("RoCE"),
        _ => None,
    };
    match (r.network.as_deref(), link) {
        (Some("IB") | None, Some(l)) => Some(l.to_string()),
        (Some(n), Some(l)) => Some(format!("{n} ({l})")),
        (Some(n), None) => Some(n.to_string()),
        (None, None) if r.channels.net_rdma > 0 => Some("RDMA".into()),
        (None, None) => None,
    }
}

pub(crate) fn host_summary(
    a: &Analyzer,
    host: &str,
    addr: &Option<String>,
    ranks: &[&RankState],
    same_name: usize,
) -> HostSummary {
    let mut init = InitSummary::default();
    let mut rank_nums: Vec<u32> = ranks.iter().filter_map(|r| r.rank).collect();
    rank_nums.sort_unstable();
    rank_nums.dedup();
    let mut transports: BTreeSet<String> = BTreeSet::new();
    let mut devices: Vec<String> = Vec::new();
    let mut gdr: Option<bool> = None;
    let mut intra = BTreeSet::new();
    for r in ranks {
        count_init(&mut init, init_state(a, r));
        if let Some(t) = transport_of(r) {
            transports.insert(t);
        }
        for d in &r.ib_devices {
            if !devices.contains(&d.name) && devices.len() < 16 {
                devices.push(d.name.clone());
            }
        }
        if !r.uses_sockets() {
            match (gdr, r.gdr_now()) {
                (_, Some(false)) => gdr = Some(false),
                (None, Some(true)) => gdr = Some(true),
                _ => {}
            }
        }
        if r.channels.p2p > 0 {
            intra.insert("P2P");
        }
        if r.channels.shm > 0 {
            intra.insert("SHM");
        }
        if r.channels.nvls > 0 {
            intra.insert("NVLS");
        }
    }
    let transport = if transports.is_empty() {
        "-".to_string()
    } else {
        transports.into_iter().collect::<Vec<_>>().join("/")
    };
    HostSummary {
        host: host.to_string(),
        addr: if same_name > 1 {
            addr.clone()
        } else {
            addr.clone().filter(|_| false)
        },
        processes: ranks.len() as u64,
        ranks: rank_nums,
        nccl_version: ranks.iter().find_map(|r| r.nccl_version.clone()),
        transport,
        devices,
        gdr,
        intra: intra.into_iter().map(str::to_string).collect(),
        plugin: ranks.iter().find_map(|r| r.net_plugin.clone()),
        init,
        disagrees: Vec::new(),
    }
}

/// Mark the hosts that differ from most hosts, field by field (fields a host does not
/// show are not compared).
pub(crate) fn disagreements(hosts: &mut [HostSummary]) {
    if hosts.len() < 2 {
        return;
    }
    type Field = fn(&HostSummary) -> Option<String>;
    let fields: [(&str, Field); 3] = [
        ("transport", |h| {
            (h.transport != "-").then(|| h.transport.clone())
        }),
        ("GPUDirect RDMA", |h| {
            h.gdr.map(|g| if g { "on" } else { "off" }.to_string())
        }),
        ("NCCL", |h| h.nccl_version.clone()),
    ];
    for (name, get) in fields {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for h in hosts.iter() {
            if let Some(v) = get(h) {
                *counts.entry(v).or_default() += 1;
            }
        }
        if counts.len() < 2 {
            continue;
        }
        let (major, n) = counts
            .iter()
            .max_by_key(|(_, n)| **n)
            .map(|(v, n)| (v.clone(), *n))
            .unwrap_or_default();
        let tie = counts.values().filter(|&&c| c == n).count() > 1;
        for h in hosts.iter_mut() {
            if let Some(v) = get(h)
                && v != major
            {
                let most = if tie { "the others" } else { "most hosts" };
                h.disagrees.push(format!("{name} {v} ({most}: {major})"));
            }
        }
        if tie {
            // With a tie there is no majority to blame: mark both sides.
            for h in hosts.iter_mut() {
                if let Some(v) = get(h)
                    && v == major
                {
                    h.disagrees.push(format!("{name} {v} (tie)"));
                }
            }
        }
    }
}

pub(super) fn verdicts(a: &Analyzer) -> Vec<Verdict> {
    let view = View::new(a);
    let procs = &view.procs;
    let all: Vec<&RankState> = procs.iter().chain(view.others.iter()).copied().collect();
    let expect: &Expectation = &a.expect;
    let multi = view.multi(expect);
    let mut out = Vec::new();

    out.extend(socket_fallback(expect, &view, multi));
    out.extend(socket_loopback(expect, procs, multi));
    out.extend(gdr_off(expect, procs, multi));
    out.extend(init_verdicts(a, &view));
    out.extend(warnings(a, &all));
    out.extend(collective_timeout(a, &all));
    out.extend(torch_errors(a));
    out.extend(hosts_disagree(a, &view));
    out.sort_by(|x, y| y.severity.cmp(&x.severity).then(x.kind.cmp(&y.kind)));
    out
}

impl crate::document::Document for Report {
    const KIND: &'static str = "NcclReport";
}
