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
    // The last marker: a log viewer that repeats the message after a `|` (CloudWatch's
    // console table) leaves the clean copy last.
    let (pos, level) = match (line.rfind("NCCL INFO"), line.rfind("NCCL WARN")) {
        (Some(i), Some(w)) if w > i => (w, Level::Warn),
        (Some(i), _) => (i, Level::Info),
        (None, Some(w)) => (w, Level::Warn),
        (None, None) => return None,
    };
    let msg = trim_border(line[pos + 9..].trim());
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
            .map(Some)
            .or((t == "[-1]").then_some(None))
        && let Some((h, hbefore)) = last_token(before)
        && let Some((label, host, pid)) = host_pid_tid(h)
    {
        out.dev = dev;
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

/// `host:pid:tid`, possibly glued behind a launcher's tag: torchrun's `[default3]:`,
/// mpirun `--tag-output`'s `[1,3]<stdout>:`, or a CloudWatch timestamp.
fn host_pid_tid(t: &str) -> Option<(Option<&str>, &str, u32)> {
    let mut parts = t.rsplitn(3, ':');
    let tid = parts.next()?;
    let pid = parts.next()?;
    let host = parts.next()?;
    if tid.is_empty() || !tid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let pid: u32 = pid.parse().ok()?;
    let (label, host) = match (host.rfind("]:"), host.rfind(">:")) {
        (Some(i), j) if j.is_none_or(|j| i > j) => {
            (Some(host[..i].trim_start_matches('[')), &host[i + 2..])
        }
        (_, Some(j)) => {
            // `[1,3]<stdout>:` -> `1,3`
            let tag = &host[..j];
            let tag = tag.rfind('<').map_or(tag, |k| &tag[..k]);
            (
                Some(tag.trim_start_matches('[').trim_end_matches(']')),
                &host[j + 2..],
            )
        }
        _ => (None, strip_glued_timestamp(host)),
    };
    if host.is_empty() {
        return None;
    }
    Some((label.filter(|l| !l.is_empty()), host, pid))
}

/// `2025-05-16T16:39:51.208-07:00ip-10-36-29-253` -> `ip-10-36-29-253` (a log console that
/// glues its timestamp to the message).
fn strip_glued_timestamp(host: &str) -> &str {
    let b = host.as_bytes();
    if b.len() < 21 || b[4] != b'-' || b[10] != b'T' || !b[0].is_ascii_digit() {
        return host;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => host.get(i + 1..).unwrap_or(host),
        Some(b'+' | b'-') if b.len() >= i + 6 && b[i + 3] == b':' => {
            host.get(i + 6..).unwrap_or(host)
        }
        _ => host,
    }
}

/// Drop a trailing table border (`│` of k9s, `|` of a console table) and its padding.
pub(crate) fn trim_border(s: &str) -> &str {
    let mut s = s.trim_end();
    while let Some(rest) = s
        .strip_suffix('│')
        .or_else(|| s.strip_suffix('┃'))
        .or_else(|| s.strip_suffix(" |"))
    {
        s = rest.trim_end();
    }
    s
}

/// Remove ANSI escape sequences (stern and kubetail colour pod names; `--color always`).
pub(crate) fn strip_ansi(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('\x1b') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('[') => {
                chars.next();
                // CSI: parameters, then one final byte in @..~
                for d in chars.by_ref() {
                    if ('@'..='~').contains(&d) {
                        break;
                    }
                }
            }
            Some(']') => {
                // OSC: up to BEL or ESC \\
                chars.next();
                while let Some(d) = chars.next() {
                    if d == '\x07' {
                        break;
                    }
                    if d == '\x1b' {
                        chars.next();
                        break;
                    }
                }
            }
            Some(_) => {
                chars.next();
            }
            None => {}
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The outer prefix: timestamps are taken out, what remains is the pod/task label.
fn outer_prefix(s: &str) -> (Option<String>, Option<SystemTime>) {
    // A console table's row (`  | <time> | <message>`) or a repeated copy of the message:
    // only what follows the last column separator is this line's prefix.
    let s = match s.rfind(['|', '\u{2502}']) {
        Some(i) if s[..i].contains("NCCL ") => s[i..].trim_start_matches([' ', '|', '\u{2502}']),
        _ => s,
    };
    let mut at = None;
    let mut label = String::new();
    let mut pending_date: Option<&str> = None;
    let mut after_month = false;
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
        if is_month(t) {
            after_month = true;
            continue;
        }
        if std::mem::take(&mut after_month) && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit())
        {
            // The day of a syslog/journald `Dec 04 18:20:09`.
            continue;
        }
        if is_volatile(t) {
            continue;
        }
        push_label(&mut label, t);
    }
    if let Some(date) = pending_date {
        push_label(&mut label, date);
    }
    ((!label.is_empty()).then_some(label), at)
}

fn is_month(t: &str) -> bool {
    let t = t.trim_end_matches([',', '.']);
    t.len() == 3
        && [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ]
        .contains(&t)
}

/// Tokens of an outer prefix that change from line to line (times, dates, table borders)
/// and must not become part of a rank's label: `18:20:09`, `11:47:13:`, `2020,`,
/// `0614 11:26:37.758169` (glog), `|`. A task number like srun's `3:` stays.
fn is_volatile(t: &str) -> bool {
    let t = t.trim_matches(|c| c == '[' || c == ']' || c == '(' || c == ')');
    if t.is_empty() || t == "|" || t == "│" || t == "┃" {
        return true;
    }
    if !t
        .bytes()
        .all(|b| b.is_ascii_digit() || b":.,-/+TZ".contains(&b))
    {
        return false;
    }
    let inner = t.trim_end_matches(':');
    inner.contains([':', '.', ',', '-', '/', '+'])
        || t.ends_with(',')
        || (inner.len() == 4 && !t.ends_with(':'))
}

fn push_label(label: &mut String, t: &str) {
    let t = t.trim_end_matches(':');
    // `[pod/x/c]`, `[default3]`: the brackets go; `python[1234]` keeps its own.
    let t = match t.strip_prefix('[') {
        Some(inner) => inner.strip_suffix(']').unwrap_or(inner),
        None => t,
    };
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
    /// The IB devices, and the out-of-band interface (`; OOB eth0:10.0.0.1<0>`).
    IbDevices(Vec<(&'a str, Option<u32>, &'static str)>, Option<&'a str>),
    SocketUsing(Vec<&'a str>),
    Bootstrap(&'a str),
    UsingNetwork(&'a str),
    Channel(Transport<'a>),
    /// `GPU Direct RDMA Enabled|Disabled for ...`: on/off, the HCA named, the reason in
    /// parentheses.
    Gdr {
        on: bool,
        hca: Option<&'a str>,
        reason: Option<&'a str>,
    },
    RingGdr(bool),
    Env(&'a str, &'a str),
    InitStart {
        rank: Option<u32>,
        nranks: Option<u32>,
    },
    InitComplete {
        rank: Option<u32>,
        nranks: Option<u32>,
    },
    InitTimings {
        rank: Option<u32>,
        nranks: Option<u32>,
        total: Option<f64>,
    },
    /// `comm 0x.. rank R nRanks N nNodes M localRanks L localRank l MNNVL 0` (2.19+).
    Nodes {
        rank: Option<u32>,
        nranks: Option<u32>,
        nnodes: Option<u32>,
    },
    /// `Abort COMPLETE` / `Destroy COMPLETE`: the communicator ended.
    End,
    /// `init.cc:1079 -> 3`: an error returned along NCCL's call chain (the file, the code).
    ErrorReturn(&'a str, u32),
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
    /// NVLink SHARP (`NVLS`, NCCL 2.17+).
    Nvls,
    Other,
}

/// Classify an INFO (or WARN) message. The wordings of NCCL 2.3 to 2.30 are listed in
/// `tests/fixtures/nccl/README.md`.
pub(crate) fn message(msg: &str) -> Msg<'_> {
    if let Some(v) = msg.strip_prefix("NCCL version ") {
        return Msg::Version(v.split_whitespace().next().unwrap_or(v));
    }
    if let Some(rest) = msg.strip_prefix("Using network ") {
        return Msg::UsingNetwork(rest.trim());
    }
    // NCCL 2.3: `Using internal Network Socket`, `Using external Network <plugin>`.
    if let Some(rest) = msg
        .strip_prefix("Using internal Network ")
        .or_else(|| msg.strip_prefix("Using external Network "))
    {
        return Msg::UsingNetwork(rest.trim());
    }
    // `Channel 00/0 : 0[0] -> 8[0] [send] via NET/IB/0/GDRDMA`; NCCL 2.3-2.6 `Ring 00 : ..`;
    // CollNet `Coll 00 : ..`.
    if msg.starts_with("Channel ") || msg.starts_with("Ring ") || msg.starts_with("Coll ") {
        if let Some(i) = msg.find(" via ") {
            return Msg::Channel(transport(&msg[i + 5..]));
        }
        return Msg::Comm;
    }
    if msg.starts_with("NVLS ") || msg.starts_with("Connected NVLS") {
        return Msg::Channel(Transport::Nvls);
    }
    if msg.contains("GPU Direct RDMA") && !msg.starts_with("NET/Socket") {
        let l = msg.to_ascii_lowercase();
        let on = if l.contains("disabled") {
            Some(false)
        } else if l.contains("enabled") {
            Some(true)
        } else {
            None
        };
        if let Some(on) = on {
            return Msg::Gdr {
                on,
                hca: gdr_hca(msg),
                reason: msg
                    .rfind('(')
                    .and_then(|i| msg[i + 1..].split_once(')'))
                    .map(|(r, _)| r.trim()),
            };
        }
    }
    if msg.starts_with("NET/Plugin") || msg.starts_with("Plugin Path") {
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
            && !l.contains("collnet")
        {
            return Msg::PluginFailed;
        }
        return Msg::Other;
    }
    // HPC-X's SHARP plugin: `P2P plugin IBext_v8`.
    if let Some(name) = msg.strip_prefix("P2P plugin ") {
        return Msg::PluginLoaded(name.trim());
    }
    if msg.starts_with("NET/IB") {
        if msg.contains("No device found") {
            return Msg::IbNoDevice;
        }
        let devs = ib_devices(msg);
        if !devs.is_empty() {
            let oob = msg
                .split_once("OOB ")
                .and_then(|(_, r)| r.split_whitespace().next());
            return Msg::IbDevices(devs, oob);
        }
        return Msg::Other;
    }
    if msg.starts_with("NET/Socket") || msg.starts_with("NET : Using interface") {
        if let Some(i) = msg.find("Using ") {
            let rest = &msg[i + 6..];
            let rest = rest.strip_prefix("interface ").unwrap_or(rest);
            return Msg::SocketUsing(
                rest.split_whitespace()
                    .map(|t| t.split_once(']').map_or(t, |(_, r)| r))
                    .filter(|t| t.contains(':'))
                    .collect(),
            );
        }
        return Msg::Other;
    }
    if let Some(rest) = msg.strip_prefix("Bootstrap") {
        if let Some(i) = rest.find("Using ") {
            let first = rest[i + 6..].split_whitespace().next().unwrap_or("");
            return Msg::Bootstrap(first.split_once(']').map_or(first, |(_, r)| r));
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
    if msg.contains(" - Init COMPLETE") || msg.ends_with("Init COMPLETE") {
        return Msg::InitComplete {
            rank: word_after(msg, "rank"),
            nranks: word_after(msg, "nranks"),
        };
    }
    if msg.contains(" - Init START") || msg.contains("- Init START") {
        return Msg::InitStart {
            rank: word_after(msg, "rank"),
            nranks: word_after(msg, "nranks"),
        };
    }
    if msg.contains(" - Abort COMPLETE") || msg.contains(" - Destroy COMPLETE") {
        return Msg::End;
    }
    if msg.starts_with("Init timings") {
        // `Init timings: rank 2 nranks 16 total 1.08 (...)` / `Init timings - f: rank ..`
        let total = msg
            .split_once(" total ")
            .and_then(|(_, r)| r.split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok());
        return Msg::InitTimings {
            rank: word_after(msg, "rank"),
            nranks: word_after(msg, "nranks"),
            total,
        };
    }
    if msg.starts_with("comm 0x") && msg.contains(" nNodes ") {
        return Msg::Nodes {
            rank: word_after(msg, "rank"),
            nranks: word_after(msg, "nRanks"),
            nnodes: word_after(msg, "nNodes"),
        };
    }
    if msg.starts_with("Connected all rings") {
        if let Some(g) = msg.split_once(" GDR ").map(|(_, r)| r.trim()) {
            return Msg::RingGdr(g.starts_with('1'));
        }
        return Msg::Comm;
    }
    if let Some(ret) = error_return(msg) {
        return ret;
    }
    if msg.starts_with("comm 0x")
        || msg.starts_with("ncclCommInit")
        || msg.starts_with("ncclCommSplit")
        || msg.starts_with("Trees")
        || msg.starts_with("P2P Chunksize")
        || msg.starts_with("Connected all trees")
    {
        return Msg::Comm;
    }
    Msg::Other
}

/// `init.cc:1079 -> 3`, `group.cc:65 -> 3 [Async thread]`, `proxy.cc:878 -> 6 [Progress Thread]`.
fn error_return(msg: &str) -> Option<Msg<'_>> {
    let (place, rest) = msg.split_once(" -> ")?;
    if place.contains(' ') || !is_file_line(place) {
        return None;
    }
    let code = rest.split_whitespace().next()?.parse().ok()?;
    let file = place.rsplit_once(':').map_or(place, |(f, _)| f);
    Some(Msg::ErrorReturn(file, code))
}

/// The HCA of a GDR line: `for HCA 0 'mlx5_0'`, NCCL 2.3's `/ HCA mlx5_0 (...)`.
fn gdr_hca(msg: &str) -> Option<&str> {
    if let Some(i) = msg.find('\'')
        && let Some(j) = msg[i + 1..].find('\'')
    {
        return Some(&msg[i + 1..i + 1 + j]);
    }
    let after = msg.split_once("HCA ")?.1.split_whitespace().next()?;
    (!after.bytes().all(|b| b.is_ascii_hexdigit())).then_some(after)
}

fn word_after(msg: &str, word: &str) -> Option<u32> {
    let mut it = msg.split_whitespace();
    while let Some(t) = it.next() {
        if t.trim_end_matches(':') == word {
            return it.next().and_then(|v| v.trim_end_matches(',').parse().ok());
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
    } else if via.starts_with("SHM") || via.starts_with("direct shared memory") {
        Transport::Shm
    } else if via.starts_with("NVLS") {
        Transport::Nvls
    } else {
        Transport::Other
    }
}

/// `[0]mlx5_0:1/RoCE`, `mlx5_0:uverbs0:1/RoCE` (the NCCL_NET detail lines), NCCL 2.3's
/// `NET/IB: [0] mlx5_0:1/IB`, merged NICs `[0]={[0] mlx5_2:1/RoCE, [1] mlx5_3:1/RoCE}` (2.20+)
/// and SHARP's `[0]mlx5_9:1/IB/SHARP`.
fn ib_devices(msg: &str) -> Vec<(&str, Option<u32>, &'static str)> {
    let mut out = Vec::new();
    let msg = msg.split_once("; OOB").map_or(msg, |(d, _)| d);
    for t in msg.split_whitespace() {
        let t = t.trim_end_matches([',', ';', '}']);
        let t = t.rsplit_once(['{', ']']).map_or(t, |(_, r)| r);
        let Some((dev, link)) = t.split_once('/') else {
            continue;
        };
        let link = match link.split('/').next().unwrap_or(link) {
            "RoCE" => "RoCE",
            "IB" => "IB",
            _ => continue,
        };
        let Some((name, port)) = dev.rsplit_once(':') else {
            continue;
        };
        let name = name.split(':').next().unwrap_or(name);
        if name.is_empty() || name.starts_with('=') {
            continue;
        }
        out.push((name, port.parse().ok(), link));
    }
    out
}

/// How a `NCCL WARN` is classified.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum WarnClass {
    /// `NET/IB : Got completion with error 12, opcode ...` (<= 2.11), `Got completion from
    /// peer <ip> with error 12, ..` (2.12-2.22), `.. with status=12 opcode=0 len=0 vendor err
    /// 129 (Recv) ..` (2.23+).
    IbCompletionError,
    /// `Call to ibv_modify_qp failed with error Network is unreachable`.
    NetworkUnreachable,
    /// `NET/IB : Got async event : port error` (a port went down, a catastrophic HCA error,
    /// a GID table change under the job).
    IbAsyncEvent,
    /// `Call to ibv_modify_qp failed with ..` anything else (`No such device`, a timeout).
    QpModifyFailed,
    /// `NET/IB: read failed in ncclIbRoceGetVersionNum` (the GID is not visible in the pod).
    GidReadFailure,
    /// `Bootstrap : no socket interface found` / `NET/Socket : no interface found`.
    NoSocketInterface,
    /// `ncclSocketInit: connecting to address  with family 59936 is neither AF_INET(2) nor
    /// AF_INET6(10)`, `Net : Unsupported address family type`.
    SocketFamily,
    /// `socketProgress: Connection closed by remote peer`, `Call to connect failed :
    /// Connection refused`: a peer went away or cannot be reached.
    PeerConnection,
    /// `Duplicate GPU detected : rank 1 and rank 0 both on CUDA device 1a000`.
    DuplicateGpu,
    /// `Mismatched NCCL version detected`, `NCCL version mismatch with remote peer`.
    VersionMismatch,
    /// A warning that says a timeout happened (not a connect timeout).
    Timeout,
    /// Any other warning.
    Other,
}

impl WarnClass {
    pub fn is_fabric(self) -> bool {
        matches!(
            self,
            Self::IbCompletionError
                | Self::NetworkUnreachable
                | Self::QpModifyFailed
                | Self::GidReadFailure
                | Self::IbAsyncEvent
        )
    }

    /// A warning that ends NCCL's init when it happens there.
    pub fn is_fatal_in_init(self) -> bool {
        matches!(
            self,
            Self::NoSocketInterface
                | Self::SocketFamily
                | Self::DuplicateGpu
                | Self::VersionMismatch
                | Self::NetworkUnreachable
                | Self::QpModifyFailed
        )
    }
}

/// The numbers of a completion error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Completion {
    /// `ibv_wc_status`: 4 local protection, 5 flushed, 10 remote access, 12 retry exceeded, ..
    pub status: Option<u32>,
    /// The vendor syndrome (`vendor err 129` = 0x81 on mlx5).
    pub vendor_err: Option<u32>,
    pub opcode: Option<u32>,
}

/// Classify a warning message; the completion numbers where there are some.
pub(crate) fn warn_class(msg: &str) -> (WarnClass, Option<Completion>) {
    if msg.contains("Got completion") || msg.contains("completion with error") {
        let num = |key: &str| -> Option<u32> {
            let i = msg.find(key)?;
            msg[i + key.len()..]
                .trim_start()
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|v| v.parse().ok())
        };
        let c = Completion {
            status: num("with error ").or_else(|| num("status=")),
            vendor_err: num("vendor err "),
            opcode: num("opcode=").or_else(|| num("opcode ")),
        };
        if c.status.is_some() {
            return (WarnClass::IbCompletionError, Some(c));
        }
    }
    if msg.contains("Got async event") {
        return (WarnClass::IbAsyncEvent, None);
    }
    if msg.contains("ibv_modify_qp") {
        if msg.contains("Network is unreachable") {
            return (WarnClass::NetworkUnreachable, None);
        }
        return (WarnClass::QpModifyFailed, None);
    }
    if msg.contains("Network is unreachable") {
        return (WarnClass::NetworkUnreachable, None);
    }
    if msg.contains("ncclIbRoceGetVersionNum") || msg.contains("ncclIbGetGidIndex") {
        return (WarnClass::GidReadFailure, None);
    }
    if msg.contains("no socket interface found")
        || msg.contains("no interface found")
        || msg.contains("No IP interface found")
        || msg.contains("NCCL_SOCKET_IFNAME interface found")
        || msg.contains("No interface found in the same subnet")
    {
        return (WarnClass::NoSocketInterface, None);
    }
    if msg.contains("is neither AF_INET")
        || msg.contains("address family")
        || msg.contains("IP family")
        || msg.contains("Address family")
    {
        return (WarnClass::SocketFamily, None);
    }
    if msg.contains("Duplicate GPU detected") {
        return (WarnClass::DuplicateGpu, None);
    }
    if msg.contains("Mismatched NCCL version")
        || msg.contains("version mismatch")
        || msg.contains("NCCL library is too old")
        || msg.contains("not backwards compatible")
    {
        return (WarnClass::VersionMismatch, None);
    }
    if msg.contains("Connection closed by remote peer")
        || msg.contains("Call to connect failed")
        || msg.contains("Connection refused")
        || msg.contains("Connection reset by peer")
        || msg.contains("remote process exited")
        || msg.contains("Socket recv failed")
    {
        return (WarnClass::PeerConnection, None);
    }
    let l = msg.to_ascii_lowercase();
    if l.contains("timeout") || l.contains("timed out") {
        return (WarnClass::Timeout, None);
    }
    (WarnClass::Other, None)
}

/// A PyTorch watchdog line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Watchdog<'a> {
    pub rank: Option<u32>,
    pub op: Option<&'a str>,
    pub seq: Option<u64>,
    pub timeout_ms: Option<u64>,
    pub ran_ms: Option<u64>,
    pub at: Option<SystemTime>,
}

pub(crate) const WATCHDOG: &str = "collective operation timeout";

/// `[Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=..)` (1.x and
/// 2.x), PyTorch 1.8's `Caught collective operation timeout: WorkNCCL(OpType=.., ..)`.
pub(crate) fn watchdog(line: &str) -> Option<Watchdog<'_>> {
    let pos = line.find(WATCHDOG)?;
    let before = &line[..pos];
    let after = &line[pos..];
    let field = |name: &str| -> Option<&str> {
        let i = after.find(name)?;
        let v = &after[i + name.len()..];
        let end = v.find([',', ')']).unwrap_or(v.len());
        Some(v[..end].trim())
    };
    let at = before.split_whitespace().find_map(parse_rfc3339);
    Some(Watchdog {
        rank: torch_rank(before),
        op: field("OpType="),
        seq: field("SeqNum=").and_then(|v| v.parse().ok()),
        timeout_ms: field("Timeout(ms)=").and_then(|v| v.parse().ok()),
        ran_ms: after.find("ran for ").and_then(|i| digits(&after[i + 8..])),
        at,
    })
}

/// The rank of a PyTorch line: `[Rank 3]`, `[PG 0 (default_pg) Rank 3]`, `[rank3]:`.
pub(crate) fn torch_rank(before: &str) -> Option<u32> {
    before
        .rfind("Rank ")
        .and_then(|i| digits(&before[i + 5..]))
        .or_else(|| before.find("[rank").and_then(|i| digits(&before[i + 5..])))
        .and_then(|r| u32::try_from(r).ok())
}

/// What a PyTorch line about NCCL says, beyond a collective timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TorchEvent {
    /// `NCCL error in: <file>:<line>, <what>, NCCL version X` (`DistBackendError`,
    /// `RuntimeError`): the job failed; the following lines carry `Last error:`.
    NcclError,
    /// `Exception (either an error or timeout) detected by watchdog at work: ..`,
    /// `NCCL watchdog thread terminated with exception`, `Some NCCL operations have failed
    /// or timed out`: the process is being taken down.
    WatchdogAbort,
    /// `ProcessGroupNCCL's watchdog got stuck`, `Heartbeat monitor timed out`: a rank hangs
    /// inside NCCL.
    WatchdogStuck,
    /// nccl-tests: `Test NCCL failure common.cu:..`.
    TestFailure,
}

/// A PyTorch/nccl-tests line that shows the job failing.
pub(crate) fn torch_event(line: &str) -> Option<TorchEvent> {
    if line.contains("NCCL error in:") || line.contains("NCCL error:") {
        return Some(TorchEvent::NcclError);
    }
    // PyTorch 2.x, NCCL init through the c10d store: `[2] is setting up NCCL communicator
    // and retrieving ncclUniqueId from [0] via c10d key-value store by key '0', but store->get('0')
    // got error: ..` (rank 0 never published it: it died or is elsewhere).
    if is_store_bootstrap_error(line) {
        return Some(TorchEvent::NcclError);
    }
    if line.contains("detected by watchdog")
        || line.contains("NCCL watchdog thread terminated")
        || line.contains("Some NCCL operations have failed or timed out")
        || line.contains("Timeout at NCCL work")
        || line.contains("NCCL communicator was aborted")
    {
        return Some(TorchEvent::WatchdogAbort);
    }
    if line.contains("ProcessGroupNCCL's watchdog got stuck")
        || (line.contains("Heartbeat monitor timed out") && line.contains("NCCL"))
    {
        return Some(TorchEvent::WatchdogStuck);
    }
    if line.contains("Test NCCL failure") {
        return Some(TorchEvent::TestFailure);
    }
    None
}

/// PyTorch's `[1] is setting up NCCL communicator and retreiving ncclUniqueId from [0] via
/// c10d key-value store by key '0', but store->get('0') got error: ..` (spelt `retreiving`
/// for years, `retrieving` later).
pub(crate) fn is_store_bootstrap_error(line: &str) -> bool {
    line.contains("ncclUniqueId from") && line.contains("key-value store")
}

/// A line that shows the job's processes ending without an error: PyTorch 2.4+'s
/// `process group has NOT been destroyed before we destruct ProcessGroupNCCL` (printed at
/// exit), `ProcessGroupNCCL destroyed`/`shutdown` lines.
pub(crate) fn exit_marker(line: &str) -> bool {
    line.contains("ProcessGroupNCCL")
        && (line.contains("has NOT been destroyed")
            || line.contains("destructor")
            || line.contains("destroyed communicator")
            || line.contains("shutdown()"))
}

/// `NCCL version 2.19.3` at the end of a PyTorch error, or NCCL's own bare `NCCL version
/// 2.4.7+cuda9.2` line (printed on stdout by rank 0 in every version).
pub(crate) fn bare_version(line: &str) -> Option<&str> {
    let i = line.rfind("NCCL version ")?;
    let v = line[i + 13..].split_whitespace().next()?;
    let v = v.trim_end_matches([',', '.', ')']);
    (v.as_bytes().first().is_some_and(u8::is_ascii_digit) && v.contains('.')).then_some(v)
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
            Msg::IbDevices(
                vec![("mlx5_0", Some(1), "RoCE"), ("mlx5_1", Some(1), "IB")],
                Some("eth0:10.0.0.1<0>")
            )
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
            (
                WarnClass::IbCompletionError,
                Some(Completion {
                    status: Some(12),
                    vendor_err: Some(129),
                    opcode: Some(0)
                })
            )
        );
    }

    /// Wordings of NCCL 2.3 to 2.30 (`git grep` over the NVIDIA/nccl tags; the issues named
    /// are public reports that show them).
    #[test]
    fn wordings_across_versions() {
        // 2.3: devices one per line, `Using internal Network`.
        assert_eq!(
            message("NET/IB: [0] mlx5_0:1/IB "),
            Msg::IbDevices(vec![("mlx5_0", Some(1), "IB")], None)
        );
        assert_eq!(
            message("Using internal Network Socket"),
            Msg::UsingNetwork("Socket")
        );
        assert_eq!(
            message("Ring 00 : 7 -> 8 [send] via NET/AWS Libfabric/0"),
            Msg::Channel(Transport::Net {
                name: "AWS Libfabric",
                gdr: false
            })
        );
        assert_eq!(
            message("Ring 00 : 0[0] -> 1[1] via direct shared memory"),
            Msg::Channel(Transport::Shm)
        );
        // 2.20+ merged NICs (NVIDIA/nccl-tests#373) and SHARP (NVIDIA/nccl#1029).
        assert_eq!(
            message(
                "NET/IB : Using [0]={[0] mlx5_2:1/RoCE, [1] mlx5_3:1/RoCE} [1]={[2] mlx5_0:1/RoCE, [3] mlx5_1:1/RoCE} [RO]; OOB bond0.526:169.136.106.9<0>"
            ),
            Msg::IbDevices(
                vec![
                    ("mlx5_2", Some(1), "RoCE"),
                    ("mlx5_3", Some(1), "RoCE"),
                    ("mlx5_0", Some(1), "RoCE"),
                    ("mlx5_1", Some(1), "RoCE")
                ],
                Some("bond0.526:169.136.106.9<0>")
            )
        );
        assert_eq!(
            message("NET/IB : Using [0]mlx5_9:1/IB/SHARP [RO]; OOB eth0:10.224.3.48<0>"),
            Msg::IbDevices(vec![("mlx5_9", Some(1), "IB")], Some("eth0:10.224.3.48<0>"))
        );
        // GDR lines: 2.3, 2.4, 2.7-2.18, 2.19+.
        assert_eq!(
            message("NET/IB : GPU Direct RDMA Disabled for GPU 0 / HCA mlx5_0 (no module)"),
            Msg::Gdr {
                on: false,
                hca: Some("mlx5_0"),
                reason: Some("no module")
            }
        );
        assert_eq!(
            message(
                "NET/IB : GPU Direct RDMA Disabled for GPU 0[0] / HCA 0 'mlx5_0' (no module or not supported by GPU)"
            ),
            Msg::Gdr {
                on: false,
                hca: Some("mlx5_0"),
                reason: Some("no module or not supported by GPU")
            }
        );
        assert_eq!(
            message("GPU Direct RDMA Disabled for GPU 1b000 / HCA 0 (distance 5 > 4)"),
            Msg::Gdr {
                on: false,
                hca: None,
                reason: Some("distance 5 > 4")
            }
        );
        assert_eq!(
            message("NET/IB : GPU Direct RDMA Enabled for HCA 1 'mlx5_1'"),
            Msg::Gdr {
                on: true,
                hca: Some("mlx5_1"),
                reason: None
            }
        );
        // Init lines: 2.4, 2.5-2.18, 2.23+ (function name first), START, timings, nodes.
        for l in [
            "comm 0x7f rank 3 nranks 8 cudaDev 3 nvmlDev 3 - Init COMPLETE",
            "comm 0x7f rank 3 nranks 8 cudaDev 3 busId 1b000 - Init COMPLETE",
            "ncclCommInitRankConfig comm 0x7f rank 3 nranks 8 cudaDev 3 nvmlDev 3 busId 1b000 commId 0x1 - Init COMPLETE",
        ] {
            assert_eq!(
                message(l),
                Msg::InitComplete {
                    rank: Some(3),
                    nranks: Some(8)
                },
                "{l}"
            );
        }
        assert_eq!(
            message(
                "[Rank 3] ncclCommInitRank comm 0x7f rank 3 nranks 8 cudaDev 3 nvmlDev 3 busId 1b000 commId 0x1 - Init START"
            ),
            Msg::InitStart {
                rank: Some(3),
                nranks: Some(8)
            }
        );
        assert_eq!(
            message("Init timings: rank 2 nranks 16 total 1.08 (kernels 0.51, bootstrap 0.22)"),
            Msg::InitTimings {
                rank: Some(2),
                nranks: Some(16),
                total: Some(1.08)
            }
        );
        assert_eq!(
            message("comm 0x5645 rank 2 nRanks 3 nNodes 3 localRanks 1 localRank 0 MNNVL 0"),
            Msg::Nodes {
                rank: Some(2),
                nranks: Some(3),
                nnodes: Some(3)
            }
        );
        assert_eq!(
            message("comm 0x7f rank 3 nranks 8 cudaDev 3 busId 1b000 - Destroy COMPLETE"),
            Msg::End
        );
        assert_eq!(message("init.cc:1079 -> 3"), Msg::ErrorReturn("init.cc", 3));
        assert_eq!(
            message("proxy.cc:878 -> 6 [Progress Thread]"),
            Msg::ErrorReturn("proxy.cc", 6)
        );
        assert_eq!(message("Channel 00/02 :    0   1"), Msg::Comm);
    }

    /// Warning wordings, each from a public report.
    #[test]
    fn warning_classes() {
        let c = |m: &str| warn_class(m).0;
        // NVIDIA/nccl#1814 (2.23+ wording)
        let (class, n) = warn_class(
            "NET/IB : Got completion from peer 172.36.143.59<44206> with status=5 opcode=32656 len=32659 vendor err 249 (Recv) localGid ::ffff:29.87.88.182 remoteGids::ffff:29.87.4.221",
        );
        assert_eq!(class, WarnClass::IbCompletionError);
        assert_eq!(
            n,
            Some(Completion {
                status: Some(5),
                vendor_err: Some(249),
                opcode: Some(32656)
            })
        );
        // NVIDIA/nccl#523 (title); the 2.12-2.22 wording from the sources
        assert_eq!(
            warn_class("NET/IB : Got completion with error 4, opcode 0, len 32694, vendor err 81")
                .1
                .and_then(|c| c.status),
            Some(4)
        );
        assert_eq!(
            warn_class(
                "NET/IB : Got completion from peer 10.0.0.2<4242> with error 12, opcode 0, len 0, vendor err 129 (Send)"
            )
            .1
            .and_then(|c| c.status),
            Some(12)
        );
        // NVIDIA/nccl#925 (title), NVIDIA/nccl-tests#185
        assert_eq!(
            c("Call to ibv_modify_qp failed with error No such device"),
            WarnClass::QpModifyFailed
        );
        assert_eq!(
            c("Call to ibv_modify_qp failed with error Network is unreachable"),
            WarnClass::NetworkUnreachable
        );
        // NVIDIA/nccl#1837, NVIDIA/nccl#210
        assert_eq!(
            c(
                "ncclSocketInit: connecting to address  with family 59936 is neither AF_INET(2) nor AF_INET6(10)"
            ),
            WarnClass::SocketFamily
        );
        assert_eq!(
            c("Socket creation failed : Address family not supported by protocol"),
            WarnClass::SocketFamily
        );
        assert_eq!(
            c("Bootstrap : no socket interface found"),
            WarnClass::NoSocketInterface
        );
        assert_eq!(
            c("Duplicate GPU detected : rank 2 and rank 0 both on CUDA device 1000"),
            WarnClass::DuplicateGpu
        );
        assert_eq!(
            c("socketProgress: Connection closed by remote peer dgxh100-3<41109>"),
            WarnClass::PeerConnection
        );
        assert_eq!(
            c("Mismatched NCCL version detected : rank 0 version 22105 rank 1 version 21903"),
            WarnClass::VersionMismatch
        );
    }

    #[test]
    fn glued_timestamps_with_odd_bytes_do_not_panic() {
        assert_eq!(
            strip_glued_timestamp("2025-05-16T16:39:51.208-07:00host"),
            "host"
        );
        assert_eq!(
            strip_glued_timestamp("2025-05-16T16:39:51.208Zhost"),
            "host"
        );
        let odd = "2025-05-16T16:39:51.208-\u{e9}:\u{e9}x";
        let _ = strip_glued_timestamp(odd);
        let _ = nccl_line(&format!("{odd}:1:2 [0] NCCL INFO x"));
    }

    /// NVIDIA/nccl#708 (title): PyTorch's store bootstrap failure, with its `retreiving`.
    #[test]
    fn store_bootstrap_errors() {
        let l = "RuntimeError: [1] is setting up NCCL communicator and retreiving ncclUniqueId from [0] via c10d key-value store by key '0', but store->get('0') got error: Timeout waiting for key: default_pg/0/0 after 1800000 ms";
        assert_eq!(torch_event(l), Some(TorchEvent::NcclError));
        assert_eq!(torch_rank(&l[..l.find("NCCL").unwrap_or(0)]), None);
    }

    /// Launcher and log-shipper prefixes (sources in the fixtures' README).
    #[test]
    fn launcher_prefixes() {
        // mpirun --tag-output (horovod/horovod#3929)
        let l = nccl_line("[1,2]<stdout>:smc-gpu-03:29880:30398 [0] init.cc:497 NCCL WARN Duplicate GPU detected : rank 2 and rank 0 both on CUDA device 1000").unwrap();
        assert_eq!(
            (l.host, l.pid, l.label.as_deref()),
            ("smc-gpu-03", Some(29880), Some("1,2"))
        );
        // pdsh/clush `host: ` (NVIDIA/nccl#1029)
        let l = nccl_line("rdma-gpu-train-worker-0: rdma-gpu-train-worker-0:19487:21056 [3] NCCL INFO Using network IBext").unwrap();
        assert_eq!(l.host, "rdma-gpu-train-worker-0");
        assert_eq!(l.label.as_deref(), Some("rdma-gpu-train-worker-0"));
        // srun --label
        let l = nccl_line("12: node07:4242:4242 [4] NCCL INFO Using network IB").unwrap();
        assert_eq!((l.host, l.label.as_deref()), ("node07", Some("12")));
        // CloudWatch console table (aws/aws-ofi-nccl#889)
        let l = nccl_line("  | 2025-05-16T16:39:51.208-07:00ip-10-36-29-253:79:79 [0] NCCL INFO Bootstrap : Using eth0:10.36.29.253<0> | ip-10-36-29-253:79:79 [0] NCCL INFO Bootstrap : Using eth0:10.36.29.253<0>").unwrap();
        assert_eq!(
            (l.host, l.msg),
            ("ip-10-36-29-253", "Bootstrap : Using eth0:10.36.29.253<0>")
        );
        assert_eq!(l.label, None);
        let l = nccl_line("  | 2025-05-16T16:39:51.208-07:00ip-10-36-29-253:79:79 [0] NCCL INFO cudaDriverVersion 12040").unwrap();
        assert_eq!((l.host, l.label.as_deref()), ("ip-10-36-29-253", None));
        let l = nccl_line(
            "  | 2025-05-16T16:39:51.208-07:00 | ip-10-36-29-253:79:79 [0] NCCL INFO cudaDriverVersion 12040",
        )
        .unwrap();
        assert_eq!((l.host, l.label.as_deref()), ("ip-10-36-29-253", None));
        assert!(l.at.is_some());
        // k9s borders (NVIDIA/nccl#733)
        let l = nccl_line(
            "\u{2502} task-7703-j5hpd:73:73 [1] NCCL INFO Using network IB            \u{2502}",
        )
        .unwrap();
        assert_eq!(
            (l.host, l.msg, l.label.as_deref()),
            ("task-7703-j5hpd", "Using network IB", None)
        );
        // journald short format: the time and the day do not become a label
        let a = nccl_line(
            "Dec 04 18:20:09 node01 python[1234]: node01:1234:1240 [0] NCCL INFO Using network IB",
        )
        .unwrap();
        let b = nccl_line(
            "Dec 04 18:20:10 node01 python[1234]: node01:1234:1240 [0] NCCL INFO Using network IB",
        )
        .unwrap();
        assert_eq!(a.label, b.label);
        assert_eq!(a.label.as_deref(), Some("node01/python[1234]"));
        // glog-style timestamps (the example of NVIDIA/nccl#887)
        let l =
            nccl_line("0614 11:26:37.758169 hostname:822689:823163 [0] NCCL INFO Using network IB")
                .unwrap();
        assert_eq!((l.host, l.label.as_deref()), ("hostname", None));
        // MPICH/Intel MPI `[0] ` (NVIDIA/nccl#1232)
        let l = nccl_line("[3] node2:22556:22556 [1] NCCL INFO cudaDriverVersion 11070").unwrap();
        assert_eq!((l.host, l.label.as_deref()), ("node2", Some("3")));
        // ANSI colours (stern) are removed by the caller first
        assert_eq!(
            strip_ansi("\u{1b}[32mworker-0\u{1b}[0m pytorch x"),
            "worker-0 pytorch x"
        );
        assert_eq!(
            trim_border("Using network IB  \u{2502}"),
            "Using network IB"
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
