//! Recognising one line: the prefixes around an NCCL line, the NCCL message kinds that matter,
//! and PyTorch's watchdog timeout. Every function here is pure and allocation-light; the
//! analyzer only calls them for lines that contain `NCCL`.
//!
//! Formats (the fixtures' README names the source of each variant):
//! * NCCL `src/debug.cc`: `<host>:<pid>:<tid> [<cudaDev>] NCCL INFO <msg>` and
//!   `<host>:<pid>:<tid> [<cudaDev>] <file>:<line> NCCL WARN <msg>`; newer builds put
//!   `(<func>)` after `<file>:<line>`, and an optional `[%F %T] ` timestamp in front (by default
//!   on WARN lines only, `NCCL_DEBUG_TIMESTAMP_LEVELS`).
//! * Outer prefixes added by the tools around NCCL: a Kubernetes log timestamp
//!   (`2026-11-29T05:00:00.123456789Z `, `kubectl logs --timestamps`), a pod label
//!   (`[pod/worker-3/pytorch] ` from `kubectl logs --prefix`, `worker-3 pytorch ` from stern),
//!   `srun --label`'s `3: ` and torchrun's `[default3]:` (glued to the host).
//! * PyTorch `ProcessGroupNCCL.cpp`: `[Rank 3] Watchdog caught collective operation timeout:
//!   WorkNCCL(SeqNum=.., OpType=ALLREDUCE, .., Timeout(ms)=600000) ran for 600014 milliseconds
//!   before timing out.` (the bracket may read `[PG 0 (default_pg) Rank 3]` in newer releases).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    Info,
    Warn,
}

/// The parts of an NCCL line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NcclLine<'a> {
    /// Pod/container/task label from an outer prefix, `/`-joined.
    pub label: Option<String>,
    /// `<host>:<pid>` and `[<cudaDev>]`, when the line has NCCL's own prefix.
    pub host: &'a str,
    pub pid: Option<u32>,
    pub dev: Option<u32>,
    pub at: Option<SystemTime>,
    pub level: Level,
    pub msg: &'a str,
}

/// Split an NCCL line, or `None` when it has no `NCCL INFO` / `NCCL WARN`.
pub(crate) fn nccl_line(line: &str) -> Option<NcclLine<'_>> {
    let (pos, level) = match (line.find("NCCL INFO"), line.find("NCCL WARN")) {
        (Some(i), Some(w)) if w < i => (w, Level::Warn),
        (Some(i), _) => (i, Level::Info),
        (None, Some(w)) => (w, Level::Warn),
        (None, None) => return None,
    };
    let msg = line[pos + 9..].trim();
    let head = line[..pos].trim_end();
    let mut out = NcclLine {
        label: None,
        host: "",
        pid: None,
        dev: None,
        at: None,
        level,
        msg,
    };
    // Walk the head from the right: [(func)] [file:line] [dev] host:pid:tid, then the outer prefix.
    let mut rest = head;
    let mut tok = last_token(rest);
    if level == Level::Warn {
        if let Some((t, before)) = tok
            && t.starts_with('(')
            && t.ends_with(')')
        {
            rest = before;
            tok = last_token(rest);
        }
        if let Some((t, before)) = tok
            && is_file_line(t)
        {
            rest = before;
            tok = last_token(rest);
        }
    }
    if let Some((t, before)) = tok
        && let Some(dev) = bracket_number(t)
        && let Some((h, hbefore)) = last_token(before)
        && let Some((label, host, pid)) = host_pid_tid(h)
    {
        out.dev = Some(dev);
        out.host = host;
        out.pid = Some(pid);
        rest = hbefore;
        let (outer_label, at) = outer_prefix(rest);
        out.label = match (outer_label, label) {
            (Some(a), Some(b)) => Some(format!("{a}/{b}")),
            (a, b) => a.or(b.map(str::to_string)),
        };
        out.at = at;
    } else {
        let (outer_label, at) = outer_prefix(rest);
        out.label = outer_label;
        out.at = at;
    }
    Some(out)
}

/// The last whitespace-separated token of `s` and what comes before it.
fn last_token(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_end();
    if s.is_empty() {
        return None;
    }
    match s.rfind(char::is_whitespace) {
        Some(i) => Some((&s[i + 1..], &s[..i])),
        None => Some((s, "")),
    }
}

fn is_file_line(t: &str) -> bool {
    t.rsplit_once(':').is_some_and(|(file, line)| {
        file.contains('.') && !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit())
    })
}

fn bracket_number(t: &str) -> Option<u32> {
    t.strip_prefix('[')?.strip_suffix(']')?.parse().ok()
}

/// `host:pid:tid`, possibly glued behind torchrun's `[default3]:`.
fn host_pid_tid(t: &str) -> Option<(Option<&str>, &str, u32)> {
    let mut parts = t.rsplitn(3, ':');
    let tid = parts.next()?;
    let pid = parts.next()?;
    let host = parts.next()?;
    if tid.is_empty() || !tid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let pid: u32 = pid.parse().ok()?;
    let (label, host) = match host.rfind("]:") {
        Some(i) => (Some(host[..i].trim_start_matches('[')), &host[i + 2..]),
        None => (None, host),
    };
    if host.is_empty() {
        return None;
    }
    Some((label.filter(|l| !l.is_empty()), host, pid))
}

/// The outer prefix: timestamps are taken out, what remains is the pod/task label.
fn outer_prefix(s: &str) -> (Option<String>, Option<SystemTime>) {
    let mut at = None;
    let mut label = String::new();
    let mut pending_date: Option<&str> = None;
    for t in s.split_whitespace() {
        if let Some(date) = pending_date.take() {
            if let Some(time) = t.strip_suffix(']')
                && let Some(ts) = parse_date_time(date, time, "Z")
            {
                at = at.or(Some(ts));
                continue;
            }
            push_label(&mut label, date);
        }
        if let Some(ts) = parse_rfc3339(t) {
            at = at.or(Some(ts));
            continue;
        }
        if let Some(date) = t.strip_prefix('[')
            && date.len() == 10
            && date.as_bytes()[4] == b'-'
        {
            pending_date = Some(date);
            continue;
        }
        push_label(&mut label, t);
    }
    if let Some(date) = pending_date {
        push_label(&mut label, date);
    }
    ((!label.is_empty()).then_some(label), at)
}

fn push_label(label: &mut String, t: &str) {
    let t = t.trim_matches(|c| c == '[' || c == ']' || c == ':');
    let t = t.strip_prefix("pod/").unwrap_or(t);
    if t.is_empty() {
        return;
    }
    if !label.is_empty() {
        label.push('/');
    }
    label.push_str(t);
}

/// `2026-11-29T05:00:00.123456789Z` or with a `+01:00` offset.
pub(crate) fn parse_rfc3339(t: &str) -> Option<SystemTime> {
    if t.len() < 20 || t.as_bytes()[10] != b'T' {
        return None;
    }
    let (date, rest) = t.split_at(10);
    let rest = &rest[1..];
    let zone_at = rest.find(['Z', 'z', '+', '-'])?;
    parse_date_time(date, &rest[..zone_at], &rest[zone_at..])
}

/// `YYYY-MM-DD`, `HH:MM:SS[.frac]`, `Z` or `±HH:MM`.
fn parse_date_time(date: &str, time: &str, zone: &str) -> Option<SystemTime> {
    let num = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let mut d = date.split('-');
    let (y, m, day) = (num(d.next()?)?, num(d.next()?)?, num(d.next()?)?);
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let mut h = hms.split(':');
    let (hh, mm, ss) = (num(h.next()?)?, num(h.next()?)?, num(h.next()?)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let offset = match zone {
        "Z" | "z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let (oh, om) = z.get(1..)?.split_once(':')?;
            sign * (num(oh)? * 3600 + num(om)? * 60)
        }
    };
    let secs = days_from_civil(y, m, day) * 86_400 + hh * 3600 + mm * 60 + ss - offset;
    let nanos: u32 = if frac.is_empty() {
        0
    } else if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    } else {
        let digits = &frac[..frac.len().min(9)];
        let n: u32 = digits.parse().ok()?;
        n * 10u32.pow(9 - digits.len() as u32)
    };
    let secs = u64::try_from(secs).ok()?;
    UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

/// Days since 1970-01-01 (Howard Hinnant's civil calendar algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// What an NCCL message says, for the kinds hybridctl keeps.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Msg<'a> {
    Version(&'a str),
    PluginLoaded(&'a str),
    PluginFailed,
    IbNoDevice,
    IbDevices(Vec<(&'a str, Option<u32>, &'static str)>),
    SocketUsing(Vec<&'a str>),
    Bootstrap(&'a str),
    UsingNetwork(&'a str),
    Channel(Transport<'a>),
    Gdr(bool),
    RingGdr(bool),
    Env(&'a str, &'a str),
    InitComplete {
        rank: Option<u32>,
        nranks: Option<u32>,
    },
    InitTimings(f64),
    /// A line of a communicator's setup (for merging a process's early lines into a rank).
    Comm,
    Other,
}

/// The path of one channel connection (`... via <transport>`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Transport<'a> {
    /// `NET/<name>/<dev>[/GDRDMA]`; `name` is `IB`, `Socket` or a plugin's name.
    Net {
        name: &'a str,
        gdr: bool,
    },
    P2p,
    Shm,
    Other,
}

/// Classify an INFO (or WARN) message.
pub(crate) fn message(msg: &str) -> Msg<'_> {
    if let Some(v) = msg.strip_prefix("NCCL version ") {
        return Msg::Version(v.split_whitespace().next().unwrap_or(v));
    }
    if let Some(rest) = msg.strip_prefix("Using network ") {
        return Msg::UsingNetwork(rest.trim());
    }
    if msg.starts_with("Channel ") {
        if let Some(i) = msg.find(" via ") {
            return Msg::Channel(transport(&msg[i + 5..]));
        }
        return Msg::Comm;
    }
    if msg.starts_with("NET/Plugin") {
        if let Some(i) = msg.find("Loaded net plugin ") {
            let name = msg[i + 18..].trim();
            let name = name.rfind(" (v").map_or(name, |j| &name[..j]).trim();
            return Msg::PluginLoaded(name);
        }
        let l = msg.to_ascii_lowercase();
        if [
            "could not find",
            "cannot open",
            "failed to open",
            "returned",
            "not found",
        ]
        .iter()
        .any(|m| l.contains(m))
            && !l.contains("using internal")
        {
            return Msg::PluginFailed;
        }
        return Msg::Other;
    }
    if msg.contains("GPU Direct RDMA") {
        let l = msg.to_ascii_lowercase();
        if l.contains("disabled") {
            return Msg::Gdr(false);
        }
        if l.contains("enabled") {
            return Msg::Gdr(true);
        }
    }
    if msg.starts_with("NET/IB") {
        if msg.contains("No device found") {
            return Msg::IbNoDevice;
        }
        let devs = ib_devices(msg);
        if !devs.is_empty() {
            return Msg::IbDevices(devs);
        }
        return Msg::Other;
    }
    if msg.starts_with("NET/Socket") {
        if let Some(i) = msg.find("Using ") {
            return Msg::SocketUsing(
                msg[i + 6..]
                    .split_whitespace()
                    .filter(|t| t.starts_with('['))
                    .map(|t| t.split_once(']').map_or(t, |(_, r)| r))
                    .collect(),
            );
        }
        return Msg::Other;
    }
    if let Some(rest) = msg.strip_prefix("Bootstrap") {
        if let Some(i) = rest.find("Using ") {
            return Msg::Bootstrap(rest[i + 6..].split_whitespace().next().unwrap_or(""));
        }
        return Msg::Other;
    }
    if let Some(i) = msg.find(" set by environment to ") {
        let name = msg[..i].trim();
        if !name.contains(' ') {
            let value = msg[i + 23..].trim();
            return Msg::Env(name, value.strip_suffix('.').unwrap_or(value));
        }
    }
    if msg.ends_with("Init COMPLETE") {
        return Msg::InitComplete {
            rank: word_after(msg, "rank"),
            nranks: word_after(msg, "nranks"),
        };
    }
    if msg.starts_with("Init timings") {
        let total = msg
            .split_once(" total ")
            .and_then(|(_, r)| r.split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok());
        return total.map_or(Msg::Other, Msg::InitTimings);
    }
    if msg.starts_with("Connected all rings") {
        if let Some(g) = msg.split_once(" GDR ").map(|(_, r)| r.trim()) {
            return Msg::RingGdr(g.starts_with('1'));
        }
        return Msg::Comm;
    }
    if msg.starts_with("comm 0x")
        || msg.starts_with("ncclCommInit")
        || msg.starts_with("ncclCommSplit")
        || msg.starts_with("Trees")
        || msg.starts_with("Ring ")
        || msg.starts_with("P2P Chunksize")
        || msg.starts_with("Connected all trees")
    {
        return Msg::Comm;
    }
    Msg::Other
}

fn word_after(msg: &str, word: &str) -> Option<u32> {
    let mut it = msg.split_whitespace();
    while let Some(t) = it.next() {
        if t == word {
            return it.next().and_then(|v| v.parse().ok());
        }
    }
    None
}

fn transport(via: &str) -> Transport<'_> {
    let via = via.trim();
    if let Some(rest) = via.strip_prefix("NET/") {
        // The plugin name may contain spaces (`AWS Libfabric`): the device index follows the
        // last `/` before an all-digit part.
        let mut name = rest;
        let mut parts = rest.split('/');
        let mut end = 0usize;
        for (i, p) in parts.by_ref().enumerate() {
            if i > 0 && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
                name = &rest[..end.saturating_sub(1)];
                break;
            }
            end += p.len() + 1;
        }
        return Transport::Net {
            name,
            gdr: via.contains("/GDRDMA"),
        };
    }
    if via.starts_with("P2P") {
        Transport::P2p
    } else if via.starts_with("SHM") {
        Transport::Shm
    } else {
        Transport::Other
    }
}

/// `[0]mlx5_0:1/RoCE`, `mlx5_0:uverbs0:1/RoCE` (the NCCL_NET detail lines).
fn ib_devices(msg: &str) -> Vec<(&str, Option<u32>, &'static str)> {
    let mut out = Vec::new();
    for t in msg.split_whitespace() {
        let t = t.trim_end_matches([',', ';']);
        let Some((dev, link)) = t.rsplit_once('/') else {
            continue;
        };
        let link = match link {
            "RoCE" => "RoCE",
            "IB" => "IB",
            _ => continue,
        };
        let dev = dev.split_once(']').map_or(dev, |(_, r)| r);
        let Some((name, port)) = dev.rsplit_once(':') else {
            continue;
        };
        let name = name.split(':').next().unwrap_or(name);
        if name.is_empty() {
            continue;
        }
        out.push((name, port.parse().ok(), link));
    }
    out
}

/// How a `NCCL WARN` is classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarnClass {
    /// `NET/IB : Got completion with error 12, opcode ...` (12 = retry exceeded).
    IbCompletionError,
    /// `Call to ibv_modify_qp failed with error Network is unreachable` / `No such device`.
    NetworkUnreachable,
    /// `NET/IB: read failed in ncclIbRoceGetVersionNum` (the GID is not visible in the pod).
    GidReadFailure,
    /// `Bootstrap : no socket interface found` / `NET/Socket : no interface found`.
    NoSocketInterface,
    /// Any other warning.
    Other,
}

impl WarnClass {
    pub fn is_fabric(self) -> bool {
        matches!(
            self,
            Self::IbCompletionError | Self::NetworkUnreachable | Self::GidReadFailure
        )
    }
}

/// Classify a warning message; the number is the completion error code when there is one.
pub(crate) fn warn_class(msg: &str) -> (WarnClass, Option<u32>) {
    if let Some(i) = msg.find("completion with error ") {
        let code = msg[i + 22..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|v| v.parse().ok());
        return (WarnClass::IbCompletionError, code);
    }
    if msg.contains("ibv_modify_qp")
        && (msg.contains("Network is unreachable") || msg.contains("No such device"))
        || msg.contains("Network is unreachable")
    {
        return (WarnClass::NetworkUnreachable, None);
    }
    if msg.contains("ncclIbRoceGetVersionNum") || msg.contains("ncclIbGetGidIndex") {
        return (WarnClass::GidReadFailure, None);
    }
    if msg.contains("no socket interface found") || msg.contains("no interface found") {
        return (WarnClass::NoSocketInterface, None);
    }
    (WarnClass::Other, None)
}

/// A PyTorch watchdog timeout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Watchdog<'a> {
    pub rank: Option<u32>,
    pub op: Option<&'a str>,
    pub seq: Option<u64>,
    pub timeout_ms: Option<u64>,
    pub ran_ms: Option<u64>,
    pub at: Option<SystemTime>,
}

pub(crate) const WATCHDOG: &str = "Watchdog caught collective operation timeout";

pub(crate) fn watchdog(line: &str) -> Option<Watchdog<'_>> {
    let pos = line.find(WATCHDOG)?;
    let before = &line[..pos];
    let rank = before
        .rfind("Rank ")
        .and_then(|i| digits(&before[i + 5..]))
        .or_else(|| before.find("[rank").and_then(|i| digits(&before[i + 5..])));
    let after = &line[pos..];
    let field = |name: &str| -> Option<&str> {
        let i = after.find(name)?;
        let v = &after[i + name.len()..];
        let end = v.find([',', ')']).unwrap_or(v.len());
        Some(v[..end].trim())
    };
    let at = before.split_whitespace().find_map(parse_rfc3339);
    Some(Watchdog {
        rank: rank.and_then(|r| u32::try_from(r).ok()),
        op: field("OpType="),
        seq: field("SeqNum=").and_then(|v| v.parse().ok()),
        timeout_ms: field("Timeout(ms)=").and_then(|v| v.parse().ok()),
        ran_ms: after.find("ran for ").and_then(|i| digits(&after[i + 8..])),
        at,
    })
}

fn digits(s: &str) -> Option<u64> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fraction with a multi-byte character where the 9-digit cut falls used to panic.
    #[test]
    fn timestamps_with_junk_in_the_fraction_are_not_timestamps() {
        assert_eq!(parse_rfc3339("2026-11-29T05:00:00.12345678\u{e9}Z"), None);
        assert_eq!(parse_rfc3339("2026-11-29T05:00:00.12x4Z"), None);
        assert!(parse_rfc3339("2026-11-29T05:00:00.123456789123Z").is_some());
    }

    #[test]
    fn nccl_prefix_variants() {
        let l = nccl_line("node01:1234:1240 [3] NCCL INFO Using network IB").unwrap();
        assert_eq!((l.host, l.pid, l.dev), ("node01", Some(1234), Some(3)));
        assert_eq!(l.msg, "Using network IB");
        assert_eq!(l.label, None);

        let l = nccl_line(
            "[2026-11-29 05:00:01] node01:1234:1240 [3] transport/net_ib.cc:1696 (ncclIbTest) NCCL WARN NET/IB : Got completion with error 12, opcode 0",
        )
        .unwrap();
        assert_eq!(l.level, Level::Warn);
        assert_eq!((l.host, l.dev), ("node01", Some(3)));
        assert!(l.at.is_some());
        assert_eq!(l.label, None);

        let l = nccl_line(
            "worker-1 pytorch 2026-11-29T05:00:00.123456789Z node02:77:90 [0] NCCL INFO NCCL version 2.21.5+cuda12.4",
        )
        .unwrap();
        assert_eq!(l.label.as_deref(), Some("worker-1/pytorch"));
        assert_eq!(
            l.at,
            Some(UNIX_EPOCH + Duration::new(1_795_928_400, 123_456_789))
        );
        assert_eq!(message(l.msg), Msg::Version("2.21.5+cuda12.4"));

        let l = nccl_line("[pod/w-0/c] [default2]:n1:5:6 [2] NCCL INFO x").unwrap();
        assert_eq!(l.label.as_deref(), Some("w-0/c/default2"));
        assert_eq!(l.host, "n1");

        let l = nccl_line("RuntimeError: NCCL WARN something").unwrap();
        assert_eq!(l.pid, None);
    }

    #[test]
    fn messages() {
        assert_eq!(
            message("NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/IB [RO]; OOB eth0:10.0.0.1<0>"),
            Msg::IbDevices(vec![("mlx5_0", Some(1), "RoCE"), ("mlx5_1", Some(1), "IB")])
        );
        assert_eq!(
            message("Channel 00/0 : 0[0] -> 8[0] [send] via NET/IB/0/GDRDMA"),
            Msg::Channel(Transport::Net {
                name: "IB",
                gdr: true
            })
        );
        assert_eq!(
            message("Channel 00/0 : 0[0] -> 8[0] [send] via NET/AWS Libfabric/0"),
            Msg::Channel(Transport::Net {
                name: "AWS Libfabric",
                gdr: false
            })
        );
        assert_eq!(
            message("Channel 00 : 0[1b000] -> 1[1c000] via P2P/IPC"),
            Msg::Channel(Transport::P2p)
        );
        assert_eq!(
            message("NCCL_IB_DISABLE set by environment to 1."),
            Msg::Env("NCCL_IB_DISABLE", "1")
        );
        assert_eq!(
            message("NET/Plugin: Loaded net plugin IBext_v8 (v8)"),
            Msg::PluginLoaded("IBext_v8")
        );
        assert_eq!(
            message(
                "ncclCommInitRank comm 0x55 rank 3 nranks 16 cudaDev 3 nvmlDev 3 busId 1b000 commId 0x1 - Init COMPLETE"
            ),
            Msg::InitComplete {
                rank: Some(3),
                nranks: Some(16)
            }
        );
        assert_eq!(
            warn_class("NET/IB : Got completion with error 12, opcode 0, len 0, vendor err 129"),
            (WarnClass::IbCompletionError, Some(12))
        );
    }

    #[test]
    fn watchdog_lines() {
        let w = watchdog("[rank3]:[E1129 05:10:00.1 ProcessGroupNCCL.cpp:616] [PG 0 (default_pg) Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1234, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600014 milliseconds before timing out.").unwrap();
        assert_eq!(w.rank, Some(3));
        assert_eq!(w.op, Some("ALLREDUCE"));
        assert_eq!(w.seq, Some(1234));
        assert_eq!(w.timeout_ms, Some(600_000));
        assert_eq!(w.ran_ms, Some(600_014));
    }
}
