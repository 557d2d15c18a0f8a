//! NCCL log analysis: what NCCL is doing on every rank, in plain words.
//!
//! This module owns the reading of `NCCL_DEBUG=INFO` output (and PyTorch's NCCL watchdog
//! lines) and the verdicts hybridctl draws from it. It is pure: the caller feeds lines (from
//! pods, Slurm output files or stdin) into an [`Analyzer`] and asks for a [`Report`] whenever
//! it wants one. [`scan`] is the one helper that reads, from any [`std::io::Read`], with a
//! prefilter so that lines without `NCCL` cost almost nothing.
//!
//! What is kept per rank ([`RankState`]): NCCL version, the network NCCL chose
//! (`Using network IB|Socket|<plugin>`), the IB/RoCE devices, GPUDirect RDMA, `Init COMPLETE`
//! (and the init time), channel transports, `NCCL_*` variables echoed from the environment and
//! the warnings (classified: IB completion errors, unreachable network, GID read failures,
//! socket-interface failures). A rank is a process and device (`<host>:<pid>` and
//! `[<cudaDev>]` of NCCL's prefix) within one source (pod or file, plus any pod label found
//! in the line); its rank number comes from `Init COMPLETE` (the largest communicator wins).
//!
//! Verdicts ([`Verdict`], documented in `docs/nccl.md`): socket fallback, GDR off, init
//! incomplete, ranks missing, fabric errors, socket interface, collective timeout, other
//! NCCL warnings. State is bounded: evidence, warnings and environment entries are capped
//! per rank and counted beyond the cap, so memory does not grow with the log.
//!
//! Line formats and their sources: see `parse.rs` and `tests/fixtures/nccl/README.md`.

mod parse;
mod report;
pub mod scan;

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, SystemTime};

use memchr::memmem;
use serde::Serialize;

pub(crate) use parse::strip_ansi;
pub use parse::{Completion, TorchEvent, WarnClass};
pub use report::{
    HostSummary, InitSummary, JobSummary, NOTHING_TO_JUDGE, Outcome, Report, Severity, Verdict,
    VerdictKind,
};

/// Evidence lines kept per verdict (the rest are counted).
pub const MAX_EVIDENCE: usize = 8;
/// Warnings kept per rank and class (the rest are counted).
pub const MAX_WARNINGS_PER_RANK: usize = 8;
/// `NCCL_*` variables kept per rank.
pub const MAX_ENV_PER_RANK: usize = 64;
/// IB devices kept per rank.
pub const MAX_DEVICES_PER_RANK: usize = 32;
/// Processes/devices tracked; lines of further ones are counted, not kept.
pub const MAX_RANKS: usize = 65_536;
/// Longest line text kept as evidence, in bytes.
pub const MAX_TEXT: usize = 400;
/// PyTorch error lines (`NCCL error in: ..`) kept for the whole input.
pub const MAX_TORCH_ERRORS: usize = 16;
/// Lines read after a PyTorch `NCCL error in:` line for its `Last error:` detail.
const FOLLOW_LINES: u8 = 4;

/// The fabric the job is meant to use (from the spec's `network.fabric`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Fabric {
    Roce,
    Ib,
    Socket,
    /// Not known (offline without `--fabric`): a socket fallback is a warning.
    #[default]
    Unknown,
}

impl Fabric {
    pub fn uses_rdma(self) -> bool {
        matches!(self, Self::Roce | Self::Ib)
    }

    /// In words, for messages.
    pub fn words(self) -> &'static str {
        match self {
            Self::Roce => "RoCE",
            Self::Ib => "InfiniBand",
            Self::Socket => "TCP sockets",
            Self::Unknown => "an unknown fabric",
        }
    }
}

/// What the job should look like.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expectation {
    pub fabric: Fabric,
    /// The job spans several nodes (so NCCL's network transport carries traffic).
    pub multi_node: bool,
    /// A rank that has not reached `Init COMPLETE` this long after its first NCCL line is
    /// reported (needs timestamps); without it, only at [`Analyzer::finish`].
    pub init_threshold: Option<Duration>,
}

/// A line shown as evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// The pod or file the line came from (as the caller labelled it; may be empty).
    pub source: String,
    /// 1-based line number within the source, when the caller counts lines.
    pub line: Option<u64>,
    pub text: String,
}

impl Evidence {
    fn new(source: &str, line: Option<u64>, text: &str) -> Self {
        Self {
            source: source.to_string(),
            line,
            text: cut(text).to_string(),
        }
    }
}

fn cut(text: &str) -> &str {
    if text.len() <= MAX_TEXT {
        return text;
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `lo:127.0.0.1<0>`: an interface NCCL printed that is the loopback.
fn is_loopback(iface: &str) -> bool {
    let (name, addr) = iface.split_once(':').unwrap_or((iface, ""));
    name == "lo" || addr.starts_with("127.") || addr.starts_with("::1<")
}

/// The address of `eth0:10.0.0.1<0>` (`10.0.0.1`), as NCCL prints an interface.
fn address(iface: &str) -> Option<String> {
    let (_, rest) = iface.split_once(':')?;
    let a = rest.split('<').next().unwrap_or(rest).trim();
    (!a.is_empty()).then(|| a.to_string())
}

/// One IB verbs device NCCL listed (`[0]mlx5_0:1/RoCE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IbDevice {
    pub name: String,
    pub port: Option<u32>,
    /// `RoCE` (Ethernet link layer) or `IB` (InfiniBand).
    pub link: String,
}

/// Channel connections by transport (`Channel .. via <transport>` lines).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChannelCounts {
    /// `NET/IB/..`, or a net plugin other than sockets.
    pub net_rdma: u64,
    /// Of those, with `/GDRDMA`.
    pub net_rdma_gdr: u64,
    /// `NET/Socket/..`: TCP.
    pub net_socket: u64,
    pub p2p: u64,
    pub shm: u64,
    /// NVLink SHARP (`NVLS`).
    pub nvls: u64,
    pub other: u64,
}

/// One `NCCL WARN`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NcclWarning {
    pub class: WarnClass,
    /// The completion status (`Got completion with error 12`, `with status=12`).
    pub code: Option<u32>,
    /// The vendor syndrome of a completion error (`vendor err 129`).
    pub vendor_err: Option<u32>,
    pub evidence: Evidence,
}

/// A PyTorch (or nccl-tests) line that shows the job failing in NCCL, with the `Last
/// error:` detail PyTorch prints on the lines after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TorchError {
    pub event: TorchEvent,
    pub rank: Option<u32>,
    /// `invalid usage`, `unhandled system error`, ..
    pub what: Option<String>,
    /// The NCCL warning PyTorch repeats after `Last error:`.
    pub detail: Option<String>,
    pub detail_class: Option<WarnClass>,
    pub evidence: Evidence,
}

/// Where a rank's init stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InitState {
    /// `Init COMPLETE` (or `Init timings`) seen.
    Complete,
    /// NCCL returned an error during init (`init.cc:.. -> 3`, a fatal warning).
    Failed,
    /// The job ended (an abort, a timeout, an exit) without `Init COMPLETE`: a hang in init.
    Incomplete,
    /// The log stops before `Init COMPLETE` (a tail, an excerpt, a live job, or
    /// `NCCL_DEBUG=WARN`): not known.
    Unknown,
}

/// A PyTorch watchdog timeout of one collective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CollectiveTimeout {
    pub op: Option<String>,
    pub seq: Option<u64>,
    pub timeout_ms: Option<u64>,
    pub ran_ms: Option<u64>,
    pub evidence: Evidence,
}

/// What one rank (one process and CUDA device) told us.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RankState {
    /// The pod or file, plus any pod label found in the lines (`file.log/worker-1/pytorch`).
    pub source: String,
    pub host: String,
    pub pid: Option<u32>,
    pub cuda_dev: Option<u32>,
    /// From `Init COMPLETE` (of the largest communicator) or a watchdog line.
    pub rank: Option<u32>,
    pub nranks: Option<u32>,
    pub nccl_version: Option<String>,
    /// The host's address, from `Bootstrap : Using`, the IB `OOB` interface or the socket
    /// interface: it tells apart hosts that log the same host name.
    pub addr: Option<String>,
    /// `nNodes` of `comm .. nRanks .. nNodes ..` (2.19+).
    pub nnodes: Option<u32>,
    /// `Using network ...`: `IB`, `Socket` or a net plugin's name.
    pub network: Option<String>,
    /// `NET/Plugin: Loaded net plugin ...`.
    pub net_plugin: Option<String>,
    pub ib_devices: Vec<IbDevice>,
    /// `NET/IB : No device found.`
    pub ib_no_device: bool,
    pub socket_interfaces: Vec<String>,
    pub bootstrap_interface: Option<String>,
    /// GPUDirect RDMA: from the channels (`/GDRDMA`), else from `GPU Direct RDMA
    /// Enabled|Disabled`; `None` when the log does not say.
    pub gdr: Option<bool>,
    /// HCAs named by `GPU Direct RDMA Disabled for HCA ..`, and the reason given.
    pub gdr_disabled_hcas: Vec<String>,
    pub gdr_reason: Option<String>,
    pub channels: ChannelCounts,
    pub init_complete: bool,
    pub init_state: InitState,
    /// `Init COMPLETE` lines (one per communicator).
    pub communicators: u64,
    /// Seconds from the first NCCL line to `Init COMPLETE` (or NCCL's `Init timings` total).
    pub init_time_s: Option<f64>,
    /// `NCCL_*` variables echoed by NCCL (`... set by environment to ...`).
    pub env: BTreeMap<String, String>,
    pub warnings: Vec<NcclWarning>,
    pub warnings_total: u64,
    /// Warnings by class, all of them (the kept ones are capped per class).
    pub warning_counts: BTreeMap<WarnClass, u64>,
    pub collective_timeouts: Vec<CollectiveTimeout>,
    pub collective_timeouts_total: u64,
    pub nccl_lines: u64,
    #[serde(skip)]
    k: Keep,
}

/// Internal per-rank bookkeeping (evidence lines, raw flags).
#[derive(Debug, Clone, Default, PartialEq)]
struct Keep {
    key_hash: u64,
    pid_hash: u64,
    source_only: String,
    label: Option<String>,
    gdr_enabled: bool,
    gdr_disabled: bool,
    ring_gdr: Option<bool>,
    comm_lines: bool,
    plugin_failed: Option<Evidence>,
    using_network: Option<Evidence>,
    ib_status: Option<Evidence>,
    ib_disable: Option<Evidence>,
    first_socket_channel: Option<Evidence>,
    first_plain_net_channel: Option<Evidence>,
    gdr_line: Option<Evidence>,
    net_env: Option<Evidence>,
    loopback_line: Option<Evidence>,
    /// The input is complete: a rank that never said `Using network` never will.
    input_done: bool,
    init_started: bool,
    init_failed: Option<Evidence>,
    first_at: Option<SystemTime>,
    last_at: Option<SystemTime>,
    last_line: Option<u64>,
    last_text: String,
    rank_nranks_max: u32,
}

impl RankState {
    fn new(
        source: &str,
        label: Option<&str>,
        host: &str,
        pid: Option<u32>,
        dev: Option<u32>,
    ) -> Self {
        let display = match label {
            Some(l) if source.is_empty() => l.to_string(),
            Some(l) => format!("{source}/{l}"),
            None => source.to_string(),
        };
        Self {
            source: display,
            host: host.to_string(),
            pid,
            cuda_dev: dev,
            rank: None,
            nranks: None,
            nccl_version: None,
            addr: None,
            nnodes: None,
            network: None,
            net_plugin: None,
            ib_devices: Vec::new(),
            ib_no_device: false,
            socket_interfaces: Vec::new(),
            bootstrap_interface: None,
            gdr: None,
            gdr_disabled_hcas: Vec::new(),
            gdr_reason: None,
            channels: ChannelCounts::default(),
            init_complete: false,
            init_state: InitState::Unknown,
            communicators: 0,
            init_time_s: None,
            env: BTreeMap::new(),
            warnings: Vec::new(),
            warnings_total: 0,
            warning_counts: BTreeMap::new(),
            collective_timeouts: Vec::new(),
            collective_timeouts_total: 0,
            nccl_lines: 0,
            k: Keep {
                source_only: source.to_string(),
                label: label.map(str::to_string),
                ..Keep::default()
            },
        }
    }

    /// `Using network Socket`, or channels through `NET/Socket`; before NCCL 2.7 (no
    /// `Using network` line) `NET/IB : No device found.` with no plugin loaded.
    pub fn uses_sockets(&self) -> bool {
        self.network.as_deref() == Some("Socket")
            || self.channels.net_socket > 0
            || ((self.k.comm_lines || self.k.input_done)
                && self.network.is_none()
                && self.ib_no_device
                && self.ib_devices.is_empty()
                && self.net_plugin.is_none()
                && self.channels.net_rdma == 0)
    }

    /// Sockets (bootstrap or NET/Socket) bound to the loopback interface.
    pub fn uses_loopback(&self) -> bool {
        self.socket_interfaces.iter().any(|i| is_loopback(i))
            || self.bootstrap_interface.as_deref().is_some_and(is_loopback)
    }

    /// GPUDirect RDMA as far as the log tells.
    fn gdr_now(&self) -> Option<bool> {
        if self.channels.net_rdma_gdr > 0 {
            Some(true)
        } else if self.channels.net_rdma > 0 {
            Some(false)
        } else if self.k.gdr_enabled {
            Some(true)
        } else if self.k.gdr_disabled || self.k.ring_gdr == Some(false) {
            Some(false)
        } else {
            None
        }
    }

    /// A short name for messages: `rank 3`, else `host:pid [dev]`.
    pub fn name(&self) -> String {
        match (self.rank, self.pid) {
            (Some(r), _) => format!("rank {r}"),
            (None, Some(pid)) => format!(
                "{}:{pid} [{}]",
                self.host,
                self.cuda_dev.map_or("-".to_string(), |d| d.to_string())
            ),
            (None, None) => self.source.clone(),
        }
    }

    /// Evidence is located by the caller's source (the file or pod); the line itself shows
    /// any pod label.
    fn evidence(&self, line: Option<u64>, text: &str) -> Evidence {
        Evidence::new(&self.k.source_only, line, text)
    }

    /// The last NCCL line seen from this rank.
    fn last_evidence(&self) -> Option<Evidence> {
        (!self.k.last_text.is_empty()).then(|| self.evidence(self.k.last_line, &self.k.last_text))
    }
}

/// The analyzer: feed it lines, ask it for reports.
#[derive(Debug, Clone)]
pub struct Analyzer {
    expect: Expectation,
    finder: memmem::Finder<'static>,
    ranks: Vec<RankState>,
    index: HashMap<u64, Vec<usize>>,
    dropped_ranks: u64,
    lines: u64,
    nccl_lines: u64,
    clock: Option<SystemTime>,
    finished: bool,
    /// The first line that shows the job ended (or failed), or the caller's word for it.
    ended: Option<Evidence>,
    ended_by_caller: bool,
    torch_errors: Vec<TorchError>,
    torch_errors_total: u64,
    /// Versions from lines without NCCL's prefix (`NCCL version 2.4.7+cuda9.2`).
    versions: Vec<String>,
    /// Lines still to read after a PyTorch `NCCL error in:` line, and whether the next one
    /// is the `Last error:` detail.
    follow: u8,
    follow_detail: bool,
    alerted: Vec<VerdictKind>,
    dirty: bool,
}

impl Analyzer {
    pub fn new(expect: Expectation) -> Self {
        Self {
            expect,
            finder: memmem::Finder::new(b"NCCL").into_owned(),
            ranks: Vec::new(),
            index: HashMap::new(),
            dropped_ranks: 0,
            lines: 0,
            nccl_lines: 0,
            clock: None,
            finished: false,
            ended: None,
            ended_by_caller: false,
            torch_errors: Vec::new(),
            torch_errors_total: 0,
            versions: Vec::new(),
            follow: 0,
            follow_detail: false,
            alerted: Vec::new(),
            dirty: false,
        }
    }

    pub fn expectation(&self) -> &Expectation {
        &self.expect
    }

    /// One log line (no trailing newline). `source` labels where it came from: a pod like
    /// `worker-3`, or a file name offline (may be empty).
    pub fn feed(&mut self, source: &str, line: &str) {
        self.feed_bytes(source, line.as_bytes(), None, None);
    }

    /// Like [`feed`](Self::feed), with the line's timestamp when the caller has one
    /// (Kubernetes log timestamps): init time and the init-incomplete threshold use it.
    pub fn feed_at(&mut self, source: &str, line: &str, at: Option<SystemTime>) {
        self.feed_bytes(source, line.as_bytes(), None, at);
    }

    /// The general form: raw bytes (non-UTF-8 is tolerated), an optional 1-based line number
    /// for evidence, an optional timestamp.
    pub fn feed_bytes(
        &mut self,
        source: &str,
        line: &[u8],
        line_no: Option<u64>,
        at: Option<SystemTime>,
    ) {
        self.lines += 1;
        if self.finder.find(line).is_none() {
            if self.follow > 0 {
                self.follow_line(line);
            }
            return;
        }
        let line = String::from_utf8_lossy(line);
        let line = parse::strip_ansi(line.trim_end_matches(['\r', '\n']));
        let line = line.as_ref();
        if let Some(w) = parse::watchdog(line) {
            self.watchdog(source, line, line_no, at, &w);
            return;
        }
        if let Some(event) = parse::torch_event(line) {
            self.torch_event(source, line, line_no, event);
            return;
        }
        if parse::exit_marker(line) {
            self.nccl_lines += 1;
            self.dirty = true;
            if self.ended.is_none() {
                self.ended = Some(Evidence::new(source, line_no, line));
            }
            return;
        }
        let Some(l) = parse::nccl_line(line) else {
            if let Some(v) = parse::bare_version(line) {
                self.nccl_lines += 1;
                self.dirty = true;
                if self.versions.len() < 8 && !self.versions.iter().any(|x| x == v) {
                    self.versions.push(v.to_string());
                }
            }
            return;
        };
        self.nccl_lines += 1;
        self.dirty = true;
        let at = at.or(l.at);
        if let Some(t) = at {
            self.advance(t);
        }
        let Some(i) = self.entry(source, l.label.as_deref(), l.host, l.pid, l.dev) else {
            return;
        };
        self.apply(i, &l, line, line_no, at);
    }

    /// Lines the caller skipped without feeding them (a prefilter of its own), so the
    /// report's line count stays right.
    pub fn count_skipped(&mut self, lines: u64) {
        self.lines += lines;
    }

    /// Advance the analyzer's clock without a line (for the init threshold while following).
    pub fn tick(&mut self, now: SystemTime) {
        self.advance(now);
        self.dirty = true;
    }

    /// The input is complete. Ranks without `Init COMPLETE` are reported as failed or hung
    /// only when the log shows the job ended (an abort, a timeout, an error) or the caller
    /// says so ([`job_ended`](Self::job_ended)); otherwise their init state is unknown.
    pub fn finish(&mut self) {
        self.finished = true;
        self.dirty = true;
        for r in &mut self.ranks {
            r.k.input_done = true;
        }
    }

    /// The job is known to have ended (the caller followed it to its end): a rank without
    /// `Init COMPLETE` now is one that never got there.
    pub fn job_ended(&mut self) {
        self.ended_by_caller = true;
        self.dirty = true;
    }

    /// True while the analyzer wants the lines after the last one whatever they contain
    /// (the `Last error:` detail of a PyTorch NCCL error): a caller with its own prefilter
    /// feeds them anyway.
    pub fn wants_following_lines(&self) -> bool {
        self.follow > 0
    }

    /// Verdicts that became true since the last call (socket fallback detected, ...), for the
    /// one-line early warning in `launch`. Each kind of verdict is returned once.
    pub fn take_new_alerts(&mut self) -> Vec<Verdict> {
        if !self.dirty {
            return Vec::new();
        }
        self.dirty = false;
        let mut out = Vec::new();
        for v in report::verdicts(self) {
            if v.severity >= Severity::Warning && !self.alerted.contains(&v.kind) {
                self.alerted.push(v.kind);
                out.push(v);
            }
        }
        out
    }

    /// The full state and verdicts now.
    pub fn report(&self) -> Report {
        report::build(self)
    }

    fn advance(&mut self, t: SystemTime) {
        if self.clock.is_none_or(|c| t > c) {
            self.clock = Some(t);
        }
    }

    fn entry(
        &mut self,
        source: &str,
        label: Option<&str>,
        host: &str,
        pid: Option<u32>,
        dev: Option<u32>,
    ) -> Option<usize> {
        let mut h = DefaultHasher::new();
        (source, label, host, pid).hash(&mut h);
        let pid_hash = h.finish();
        dev.hash(&mut h);
        let key = h.finish();
        if let Some(found) = self.index.get(&key) {
            for &i in found {
                let r = &self.ranks[i];
                if r.host == host
                    && r.pid == pid
                    && r.cuda_dev == dev
                    && r.k.source_only == source
                    && r.k.label.as_deref() == label
                {
                    return Some(i);
                }
            }
        }
        if self.ranks.len() >= MAX_RANKS {
            self.dropped_ranks += 1;
            return None;
        }
        let mut r = RankState::new(source, label, host, pid, dev);
        r.k.key_hash = key;
        r.k.pid_hash = pid_hash;
        self.ranks.push(r);
        let i = self.ranks.len() - 1;
        self.index.entry(key).or_default().push(i);
        Some(i)
    }

    fn apply(
        &mut self,
        i: usize,
        l: &parse::NcclLine<'_>,
        line: &str,
        line_no: Option<u64>,
        at: Option<SystemTime>,
    ) {
        use parse::Msg;
        let r = &mut self.ranks[i];
        r.nccl_lines += 1;
        r.k.last_line = line_no;
        r.k.last_text.clear();
        r.k.last_text.push_str(cut(line));
        if let Some(t) = at {
            r.k.first_at.get_or_insert(t);
            r.k.last_at = Some(t);
        }
        if l.level == parse::Level::Warn {
            let (class, completion) = parse::warn_class(l.msg);
            r.warnings_total += 1;
            let seen = r.warning_counts.entry(class).or_default();
            *seen += 1;
            if *seen <= MAX_WARNINGS_PER_RANK as u64 {
                let evidence = r.evidence(line_no, line);
                r.warnings.push(NcclWarning {
                    class,
                    code: completion.and_then(|c| c.status),
                    vendor_err: completion.and_then(|c| c.vendor_err),
                    evidence,
                });
            }
            if class.is_fatal_in_init() && !r.init_complete && r.k.init_failed.is_none() {
                r.k.init_failed = Some(r.evidence(line_no, line));
            }
            return;
        }
        match parse::message(l.msg) {
            Msg::Version(v) => {
                if r.nccl_version.is_none() {
                    r.nccl_version = Some(v.to_string());
                }
            }
            Msg::PluginLoaded(name) => r.net_plugin = Some(name.to_string()),
            Msg::PluginFailed => {
                if r.k.plugin_failed.is_none() {
                    r.k.plugin_failed = Some(r.evidence(line_no, line));
                }
            }
            Msg::IbNoDevice => {
                r.ib_no_device = true;
                r.k.ib_status = Some(r.evidence(line_no, line));
            }
            Msg::IbDevices(devs, oob) => {
                if let Some(oob) = oob
                    && r.addr.is_none()
                {
                    r.addr = address(oob);
                }
                for (name, port, link) in devs {
                    if r.ib_devices.len() < MAX_DEVICES_PER_RANK
                        && !r.ib_devices.iter().any(|d| d.name == name)
                    {
                        r.ib_devices.push(IbDevice {
                            name: name.to_string(),
                            port,
                            link: link.to_string(),
                        });
                    }
                }
                if r.k.ib_status.is_none() {
                    r.k.ib_status = Some(r.evidence(line_no, line));
                }
            }
            Msg::SocketUsing(ifs) => {
                if r.k.loopback_line.is_none() && ifs.iter().any(|i| is_loopback(i)) {
                    r.k.loopback_line = Some(r.evidence(line_no, line));
                }
                for ifname in ifs {
                    if r.socket_interfaces.len() < MAX_DEVICES_PER_RANK
                        && !r.socket_interfaces.iter().any(|s| s == ifname)
                    {
                        r.socket_interfaces.push(ifname.to_string());
                    }
                    if r.addr.is_none() {
                        r.addr = address(ifname);
                    }
                }
            }
            Msg::Bootstrap(ifname) => {
                if r.k.loopback_line.is_none() && is_loopback(ifname) {
                    r.k.loopback_line = Some(r.evidence(line_no, line));
                }
                if r.bootstrap_interface.is_none() && !ifname.is_empty() {
                    r.bootstrap_interface = Some(ifname.to_string());
                    // The bootstrap address names the host best: it is the one peers dial.
                    if let Some(a) = address(ifname) {
                        r.addr = Some(a);
                    }
                }
            }
            Msg::UsingNetwork(net) => {
                if r.network.as_deref() != Some(net) {
                    r.network = Some(net.to_string());
                    r.k.using_network = Some(r.evidence(line_no, line));
                }
            }
            Msg::Channel(t) => {
                r.k.comm_lines = true;
                match t {
                    parse::Transport::Net { name, gdr } => {
                        if name == "Socket" {
                            r.channels.net_socket += 1;
                            if r.k.first_socket_channel.is_none() {
                                r.k.first_socket_channel = Some(r.evidence(line_no, line));
                            }
                        } else {
                            r.channels.net_rdma += 1;
                            if gdr {
                                r.channels.net_rdma_gdr += 1;
                            } else if r.k.first_plain_net_channel.is_none() {
                                r.k.first_plain_net_channel = Some(r.evidence(line_no, line));
                            }
                        }
                    }
                    parse::Transport::P2p => r.channels.p2p += 1,
                    parse::Transport::Shm => r.channels.shm += 1,
                    parse::Transport::Nvls => r.channels.nvls += 1,
                    parse::Transport::Other => r.channels.other += 1,
                }
            }
            Msg::Gdr { on, hca, reason } => {
                if on {
                    r.k.gdr_enabled = true;
                } else {
                    r.k.gdr_disabled = true;
                    if r.k.gdr_line.is_none() {
                        r.k.gdr_line = Some(r.evidence(line_no, line));
                    }
                    if let Some(h) = hca
                        && r.gdr_disabled_hcas.len() < MAX_DEVICES_PER_RANK
                        && !r.gdr_disabled_hcas.iter().any(|x| x == h)
                    {
                        r.gdr_disabled_hcas.push(h.to_string());
                    }
                    if r.gdr_reason.is_none() {
                        r.gdr_reason = reason.map(str::to_string);
                    }
                }
            }
            Msg::RingGdr(on) => {
                r.k.comm_lines = true;
                r.k.ring_gdr = Some(on);
            }
            Msg::Env(name, value) => {
                if name == "NCCL_IB_DISABLE" && r.k.ib_disable.is_none() {
                    r.k.ib_disable = Some(r.evidence(line_no, line));
                }
                if name == "NCCL_NET" && r.k.net_env.is_none() {
                    r.k.net_env = Some(r.evidence(line_no, line));
                }
                if r.env.len() < MAX_ENV_PER_RANK || r.env.contains_key(name) {
                    r.env.insert(name.to_string(), value.to_string());
                }
            }
            Msg::InitStart { rank, nranks } => {
                r.k.comm_lines = true;
                r.k.init_started = true;
                if r.rank.is_none() {
                    r.rank = rank;
                    r.nranks = nranks;
                }
            }
            Msg::Nodes {
                rank,
                nranks,
                nnodes,
            } => {
                r.k.comm_lines = true;
                r.nnodes = r.nnodes.max(nnodes);
                if r.rank.is_none() {
                    r.rank = rank;
                    r.nranks = nranks;
                }
            }
            Msg::End => {
                r.k.comm_lines = true;
                if self.ended.is_none() {
                    self.ended = Some(r.evidence(line_no, line));
                }
            }
            Msg::ErrorReturn(file, _code) => {
                // An error on the init path (not the proxy's progress thread, nor a net
                // plugin NCCL skips over): this rank's init failed.
                let init_path = ["init.cc", "group.cc", "bootstrap.cc"]
                    .iter()
                    .any(|f| file.ends_with(f));
                if init_path && !r.init_complete && r.k.init_failed.is_none() {
                    r.k.init_failed = Some(r.evidence(line_no, line));
                }
            }
            Msg::InitComplete { rank, nranks } => {
                r.k.comm_lines = true;
                r.init_complete = true;
                r.communicators += 1;
                let n = nranks.unwrap_or(0);
                if r.rank.is_none() || n > r.k.rank_nranks_max {
                    r.rank = rank.or(r.rank);
                    r.nranks = nranks.or(r.nranks);
                    r.k.rank_nranks_max = n;
                }
                if r.init_time_s.is_none()
                    && let (Some(first), Some(now)) = (r.k.first_at, at)
                {
                    r.init_time_s = now.duration_since(first).ok().map(|d| d.as_secs_f64());
                }
                self.merge_early_lines(i);
            }
            Msg::InitTimings {
                rank,
                nranks,
                total,
            } => {
                // Printed right after `Init COMPLETE` (2.23+): it shows init completed too.
                r.k.comm_lines = true;
                if !r.init_complete {
                    r.init_complete = true;
                    r.communicators += 1;
                    r.rank = r.rank.or(rank);
                    r.nranks = r.nranks.or(nranks);
                }
                if total.is_some() {
                    r.init_time_s = total;
                }
            }
            Msg::Comm => r.k.comm_lines = true,
            Msg::Other => {}
        }
    }

    /// A process's lines logged before it set its CUDA device carry another `[dev]`: fold an
    /// entry of the same process that has no communicator lines into the rank that completed.
    fn merge_early_lines(&mut self, i: usize) {
        let pid_hash = self.ranks[i].k.pid_hash;
        if self.ranks[i].pid.is_none() {
            return;
        }
        let others: Vec<usize> = (0..self.ranks.len())
            .filter(|&j| {
                j != i && {
                    let o = &self.ranks[j];
                    o.k.pid_hash == pid_hash
                        && o.pid == self.ranks[i].pid
                        && o.host == self.ranks[i].host
                        && o.k.source_only == self.ranks[i].k.source_only
                        && o.k.label == self.ranks[i].k.label
                        && !o.k.comm_lines
                        && !o.init_complete
                        && o.nccl_lines > 0
                }
            })
            .collect();
        for j in others {
            let o = std::mem::replace(&mut self.ranks[j], RankState::new("", None, "", None, None));
            let r = &mut self.ranks[i];
            r.nccl_lines += o.nccl_lines;
            r.nccl_version = r.nccl_version.take().or(o.nccl_version);
            r.network = r.network.take().or(o.network);
            r.net_plugin = r.net_plugin.take().or(o.net_plugin);
            for d in o.ib_devices {
                if !r.ib_devices.iter().any(|x| x.name == d.name) {
                    r.ib_devices.push(d);
                }
            }
            r.ib_no_device |= o.ib_no_device;
            for s in o.socket_interfaces {
                if !r.socket_interfaces.contains(&s) {
                    r.socket_interfaces.push(s);
                }
            }
            r.bootstrap_interface = r.bootstrap_interface.take().or(o.bootstrap_interface);
            r.addr = r.addr.take().or(o.addr);
            r.nnodes = r.nnodes.max(o.nnodes);
            for h in o.gdr_disabled_hcas {
                if !r.gdr_disabled_hcas.contains(&h) {
                    r.gdr_disabled_hcas.push(h);
                }
            }
            r.gdr_reason = r.gdr_reason.take().or(o.gdr_reason);
            r.k.net_env = r.k.net_env.take().or(o.k.net_env);
            for (k, v) in o.env {
                r.env.entry(k).or_insert(v);
            }
            r.warnings_total += o.warnings_total;
            for (class, n) in o.warning_counts {
                *r.warning_counts.entry(class).or_default() += n;
            }
            for w in o.warnings {
                let kept = r.warnings.iter().filter(|x| x.class == w.class).count();
                if kept < MAX_WARNINGS_PER_RANK {
                    r.warnings.push(w);
                }
            }
            r.k.gdr_enabled |= o.k.gdr_enabled;
            r.k.gdr_disabled |= o.k.gdr_disabled;
            r.k.plugin_failed = r.k.plugin_failed.take().or(o.k.plugin_failed);
            r.k.using_network = r.k.using_network.take().or(o.k.using_network);
            r.k.ib_status = r.k.ib_status.take().or(o.k.ib_status);
            r.k.ib_disable = r.k.ib_disable.take().or(o.k.ib_disable);
            r.k.gdr_line = r.k.gdr_line.take().or(o.k.gdr_line);
            if let Some(t) = o.k.first_at
                && r.k.first_at.is_none_or(|f| t < f)
            {
                r.k.first_at = Some(t);
            }
            // The emptied slot stays (indices are stable) but is skipped in reports.
        }
    }

    /// A PyTorch error about NCCL (or an nccl-tests failure): the job is failing.
    fn torch_event(
        &mut self,
        source: &str,
        line: &str,
        line_no: Option<u64>,
        event: parse::TorchEvent,
    ) {
        self.nccl_lines += 1;
        self.dirty = true;
        let evidence = Evidence::new(source, line_no, line);
        if self.ended.is_none() {
            self.ended = Some(evidence.clone());
        }
        if let Some(v) = parse::bare_version(line)
            && self.versions.len() < 8
            && !self.versions.iter().any(|x| x == v)
        {
            self.versions.push(v.to_string());
        }
        let rank = line
            .find("NCCL")
            .and_then(|i| parse::torch_rank(&line[..i]));
        if event == parse::TorchEvent::WatchdogStuck {
            // A rank stuck inside NCCL: counted with the collective timeouts of its rank.
            let i = self
                .ranks
                .iter()
                .position(|r| rank.is_some() && r.rank == rank && r.k.source_only == source);
            if let Some(i) = i {
                self.ranks[i].collective_timeouts_total += 1;
            }
        }
        self.torch_errors_total += 1;
        if event == parse::TorchEvent::NcclError {
            self.follow = FOLLOW_LINES;
            self.follow_detail = false;
        }
        if self.torch_errors.len() >= MAX_TORCH_ERRORS {
            // Later lines only count, and their detail is not read.
            if event == parse::TorchEvent::NcclError {
                self.follow = 0;
            }
            return;
        }
        // `NCCL error in: <file>:<line>, invalid usage (run with ..), NCCL version 2.19.3`
        let store = parse::is_store_bootstrap_error(line).then(|| {
            "the NCCL bootstrap through the c10d store failed: this rank never got the ncclUniqueId from rank 0 (rank 0 died, or is not reachable at MASTER_ADDR:MASTER_PORT)".to_string()
        });
        let what = store.or_else(|| {
            // `NCCL error in: <file>:<line>, <what> (run with ..), NCCL version X` (2.x), or
            // `NCCL error: <what>, NCCL version X` (1.x's `what():`).
            if let Some((_, rest)) = line.split_once("NCCL error: ") {
                let end = rest.find(", NCCL version").unwrap_or(rest.len());
                let w = rest[..end].trim();
                return (!w.is_empty()).then(|| cut(w).to_string());
            }
            line.split_once("NCCL error in:").and_then(|(_, rest)| {
                let rest = rest.split_once(", ")?.1;
                let end = rest
                    .find(" (run with")
                    .or_else(|| rest.find(", NCCL version"))
                    .unwrap_or(rest.len());
                let w = rest[..end].trim();
                (!w.is_empty()).then(|| cut(w).to_string())
            })
        });
        // A log viewer that joined the lines keeps `Last error: ..` on this one.
        let detail = line
            .split_once("Last error:")
            .map(|(_, d)| d.trim())
            .filter(|d| !d.is_empty());
        if detail.is_some() {
            self.follow = 0;
        }
        self.torch_errors.push(TorchError {
            event,
            rank,
            what,
            detail: detail.map(|d| cut(d).to_string()),
            detail_class: detail.map(|d| parse::warn_class(d).0),
            evidence,
        });
    }

    /// A line after a PyTorch `NCCL error in:` line: `ncclInvalidUsage: ..`, `Last error:`,
    /// then the NCCL warning text without NCCL's prefix.
    fn follow_line(&mut self, line: &[u8]) {
        self.follow = self.follow.saturating_sub(1);
        let line = String::from_utf8_lossy(line);
        let t = line.trim();
        // `[trainer0|0]:Last error:` (torchrun's tagged output), `[rank0]: ..`
        let t = match t.strip_prefix('[').and_then(|r| r.split_once("]:")) {
            Some((_, rest)) => rest.trim(),
            None => t,
        };
        if let Some(rest) = t.strip_prefix("Last error:") {
            self.follow_detail = true;
            let rest = rest.trim();
            if rest.is_empty() {
                return;
            }
            self.attach_detail(rest);
            return;
        }
        if std::mem::take(&mut self.follow_detail) {
            self.attach_detail(t);
            self.follow = 0;
        }
    }

    fn attach_detail(&mut self, text: &str) {
        self.dirty = true;
        if let Some(e) = self.torch_errors.last_mut()
            && e.detail.is_none()
        {
            e.detail = Some(cut(text).to_string());
            e.detail_class = Some(parse::warn_class(text).0);
        }
    }

    fn watchdog(
        &mut self,
        source: &str,
        line: &str,
        line_no: Option<u64>,
        at: Option<SystemTime>,
        w: &parse::Watchdog<'_>,
    ) {
        self.nccl_lines += 1;
        self.dirty = true;
        let at = at.or(w.at);
        if let Some(t) = at {
            self.advance(t);
        }
        let same = |r: &RankState| r.k.source_only == source;
        let found = w.rank.and_then(|rank| {
            let with_rank = |r: &RankState| r.rank == Some(rank);
            self.ranks
                .iter()
                .position(|r| with_rank(r) && same(r))
                .or_else(|| self.ranks.iter().position(with_rank))
        });
        let i = match found {
            Some(i) => i,
            None => {
                let Some(i) = self.entry(source, None, "", w.rank, None) else {
                    return;
                };
                // Found by rank from now on; the rank number is not a process id.
                self.ranks[i].rank = w.rank;
                self.ranks[i].pid = None;
                i
            }
        };
        if self.ended.is_none() {
            self.ended = Some(Evidence::new(source, line_no, line));
        }
        let r = &mut self.ranks[i];
        r.nccl_lines += 1;
        r.collective_timeouts_total += 1;
        if r.collective_timeouts.len() < MAX_WARNINGS_PER_RANK {
            let evidence = r.evidence(line_no, line);
            r.collective_timeouts.push(CollectiveTimeout {
                op: w.op.map(str::to_string),
                seq: w.seq,
                timeout_ms: w.timeout_ms,
                ran_ms: w.ran_ms,
                evidence,
            });
        }
    }
}

#[cfg(test)]
mod tests;
