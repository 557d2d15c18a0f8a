//! Verdicts and the report: what the per-rank state means, with evidence and a next step,
//! and a per-job summary (version, ranks, hosts and what each host uses).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::time::Duration;

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

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
        self.verdicts.iter().any(|v| v.severity == Severity::Error)
    }

    /// The job summary, a per-rank table, then each verdict with its evidence and hint.
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

/// `0-7, 9, 12-13`
fn ranges(v: &[u32]) -> String {
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

fn ended(a: &Analyzer) -> bool {
    a.ended_by_caller || a.ended.is_some()
}

/// A rank's init state now.
fn init_state(a: &Analyzer, r: &RankState) -> InitState {
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
struct View<'a> {
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

fn count_init(s: &mut InitSummary, st: InitState) {
    match st {
        InitState::Complete => s.complete += 1,
        InitState::Failed => s.failed += 1,
        InitState::Incomplete => s.incomplete += 1,
        InitState::Unknown => s.unknown += 1,
    }
}

/// The network one rank uses between hosts, in one word.
fn transport_of(r: &RankState) -> Option<String> {
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

fn host_summary(
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
fn disagreements(hosts: &mut [HostSummary]) {
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

fn socket_fallback(expect: &Expectation, view: &View<'_>, multi: bool) -> Option<Verdict> {
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

fn socket_loopback(expect: &Expectation, procs: &[&RankState], multi: bool) -> Option<Verdict> {
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

fn gdr_off(expect: &Expectation, procs: &[&RankState], multi: bool) -> Option<Verdict> {
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
fn uses_ib(r: &RankState) -> bool {
    !r.ib_devices.is_empty()
        || r.k.gdr_line.is_some()
        || r.network
            .as_deref()
            .is_some_and(|n| n == "IB" || n.starts_with("IBext"))
}

fn init_verdicts(a: &Analyzer, view: &View<'_>) -> Vec<Verdict> {
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

fn unreachable_message() -> String {
    "ranks did not reach `Init COMPLETE`".to_string()
}

fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 && s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else {
        format!("{}s", d.as_secs_f64())
    }
}

/// What a completion status means (`ibv_wc_status`).
fn status_words(code: u32) -> &'static str {
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
fn with_class<'a>(all: &[&'a RankState], class: WarnClass) -> (Vec<&'a RankState>, Lines, u64) {
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

fn warnings(a: &Analyzer, all: &[&RankState]) -> Vec<Verdict> {
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

fn collective_timeout(a: &Analyzer, all: &[&RankState]) -> Option<Verdict> {
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

fn torch_errors(a: &Analyzer) -> Option<Verdict> {
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
        let status = super::parse::warn_class(d).1.and_then(|c| c.status);
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

fn hosts_disagree(a: &Analyzer, view: &View<'_>) -> Option<Verdict> {
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

fn job_summary(rep: &Report, out: &mut String) {
    let s = &rep.summary;
    let version = if s.nccl_versions.is_empty() {
        "NCCL version not shown".to_string()
    } else {
        format!("NCCL {}", s.nccl_versions.join(", "))
    };
    let ranks = match s.nranks {
        Some(n) => format!("{} of {n} ranks seen", s.ranks_seen),
        None => plural(s.ranks_seen as usize, "rank seen", "ranks seen"),
    };
    let hosts = if s.hosts_at_least > s.hosts {
        format!(
            "{} in the prefixes, at least {} took part ({})",
            plural(s.hosts as usize, "host", "hosts"),
            s.hosts_at_least,
            s.hosts_evidence.join("; ")
        )
    } else {
        plural(s.hosts as usize, "host", "hosts")
    };
    let _ = writeln!(out, "{version} · {ranks} · {hosts}");
    let i = &s.init;
    let _ = writeln!(
        out,
        "init: {} complete, {} failed, {} never completed, {} unknown{}",
        i.complete,
        i.failed,
        i.incomplete,
        i.unknown,
        if rep.job_ended {
            " (the log shows the job ended)"
        } else {
            ""
        }
    );
    if s.per_host.is_empty() {
        return;
    }
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    t.set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(vec![
        "HOST",
        "RANKS",
        "NCCL",
        "BETWEEN HOSTS",
        "DEVICES",
        "GDR",
        "INSIDE",
        "PLUGIN",
        "INIT",
        "DIFFERS",
    ]);
    for h in s.per_host.iter().take(64) {
        let name = match &h.addr {
            Some(a) => format!("{} ({a})", h.host),
            None => h.host.clone(),
        };
        let ranks = if h.ranks.is_empty() {
            format!("{} proc", h.processes)
        } else {
            ranges(&h.ranks)
        };
        let devices = match h.devices.as_slice() {
            [] => "-".to_string(),
            d if d.len() <= 3 => d.join(","),
            d => format!("{}..{} ({})", d[0], d[d.len() - 1], d.len()),
        };
        let init = format!("{}/{}", h.init.complete, h.processes);
        t.add_row(vec![
            name,
            ranks,
            h.nccl_version.clone().unwrap_or_else(|| "-".into()),
            h.transport.clone(),
            devices,
            match h.gdr {
                Some(true) => "on".into(),
                Some(false) => "off".into(),
                None => "-".into(),
            },
            if h.intra.is_empty() {
                "-".into()
            } else {
                h.intra.join(",")
            },
            h.plugin.clone().unwrap_or_else(|| "-".into()),
            init,
            if h.disagrees.is_empty() {
                "-".into()
            } else {
                h.disagrees.join("; ")
            },
        ]);
    }
    for line in t.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if s.per_host.len() > 64 {
        let _ = writeln!(out, "... and {} more hosts", s.per_host.len() - 64);
    }
}

fn table(rep: &Report, color: bool) -> String {
    let mut out = String::new();
    if rep.outcome == Outcome::NothingToJudge {
        let _ = writeln!(
            out,
            "{} ({})",
            NOTHING_TO_JUDGE,
            plural(rep.lines as usize, "line read", "lines read")
        );
        return out;
    }
    job_summary(rep, &mut out);
    out.push('\n');
    if rep.ranks.is_empty() {
        out.push_str("no NCCL line with NCCL's own `host:pid:tid [dev]` prefix\n");
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
    match rep.outcome {
        Outcome::Ok => {
            let _ = writeln!(
                out,
                "{}",
                paint(color, "1;32", "ok: no problem found in the NCCL lines")
            );
        }
        Outcome::Unknown => {
            let _ = writeln!(
                out,
                "{}",
                paint(
                    color,
                    "1;36",
                    "unknown: no problem found, but the log does not show init completing"
                )
            );
        }
        _ => {}
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

impl crate::document::Document for Report {
    const KIND: &'static str = "NcclReport";
}
