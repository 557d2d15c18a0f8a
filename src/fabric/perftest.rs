//! perftest (`ib_write_bw`, `ib_read_lat`, ...) output: results found by their header, and
//! failures turned into one clear reason (pure).
//!
//! The result header is a fixed string of perftest's `src/perftest_parameters.h`
//! (`RESULT_FMT*`), but its units changed over releases: `MB/sec` in older ones (Debian
//! bookworm's 4.5 still prints it), `MiB/sec` after upstream commit 1d202bb ("Display proper
//! unit for MiB/sec results", a label fix: the number was always MiB/s), and `Gb/sec` with
//! `--report_gbits`. Per-port, `#sl` and `CPU_Util` variants add columns. So columns are
//! located by name in the header, never by position, and every rate is converted to Gb/s.

use serde::Serialize;
use thiserror::Error;

/// The unit of a bandwidth column, from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub enum BwUnit {
    #[serde(rename = "Gb/sec")]
    Gbps,
    #[serde(rename = "MiB/sec")]
    MiBps,
    /// Older perftest's label for the same MiB/s number.
    #[serde(rename = "MB/sec")]
    MBps,
}

impl BwUnit {
    fn from_label(label: &str) -> Option<Self> {
        match label {
            "Gb/sec" => Some(Self::Gbps),
            "MiB/sec" => Some(Self::MiBps),
            "MB/sec" => Some(Self::MBps),
            _ => None,
        }
    }

    /// A value in this unit as Gb/s (10^9 bits per second, the unit of link rates).
    pub fn to_gbps(self, value: f64) -> f64 {
        match self {
            Self::Gbps => value,
            Self::MiBps | Self::MBps => value * 1_048_576.0 * 8.0 / 1e9,
        }
    }
}

/// A bandwidth result (the row with the largest message size).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BwResult {
    /// The title line, e.g. `RDMA_Write BW Test`.
    pub test: Option<String>,
    pub bytes: u64,
    pub iterations: u64,
    pub unit: BwUnit,
    /// As printed, in `unit`.
    pub peak: f64,
    pub average: f64,
    pub peak_gbps: f64,
    pub average_gbps: f64,
    pub msg_rate_mpps: Option<f64>,
}

/// A latency result in microseconds (the row with the largest message size).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LatResult {
    pub test: Option<String>,
    pub bytes: u64,
    pub iterations: u64,
    pub t_min_us: Option<f64>,
    pub t_max_us: Option<f64>,
    pub t_typical_us: Option<f64>,
    pub t_avg_us: f64,
    pub t_stdev_us: Option<f64>,
    pub p99_us: Option<f64>,
    pub p999_us: Option<f64>,
}

#[derive(Debug, Error, PartialEq)]
pub enum ParseError {
    #[error("no result header (a line starting with `#bytes`) in the output")]
    NoHeader,
    #[error("the result header has no `{0}` column: `{1}`")]
    MissingColumn(&'static str, String),
    #[error("unknown bandwidth unit `{0}` in the result header")]
    Unit(String),
    #[error("no result row under the header")]
    NoRows,
}

/// Column names perftest prints, each up to its `[`; found in the header by position.
const COLUMNS: &[&str] = &[
    "#bytes",
    "#iterations",
    "#sl",
    "BW peak[",
    "BW average[",
    "MsgRate[",
    "BW Port1[",
    "MsgRate Port1[",
    "BW Port2[",
    "MsgRate Port2[",
    "CPU_Util[",
    "t_min[",
    "t_max[",
    "t_typical[",
    "t_avg[",
    "t_stdev[",
    "99% percentile[",
    "99.9% percentile[",
    "tps average",
];

struct Table {
    title: Option<String>,
    header: String,
    /// (column name as in COLUMNS, the full header text of the column)
    columns: Vec<(&'static str, String)>,
    rows: Vec<Vec<f64>>,
}

impl Table {
    fn col(&self, name: &'static str) -> Option<usize> {
        self.columns.iter().position(|(c, _)| *c == name)
    }

    fn need(&self, name: &'static str) -> Result<usize, ParseError> {
        self.col(name).ok_or_else(|| {
            ParseError::MissingColumn(name.trim_end_matches('['), self.header.clone())
        })
    }

    /// The row with the largest message size (the last of `-a` runs).
    fn best_row(&self) -> Result<&Vec<f64>, ParseError> {
        self.rows
            .iter()
            .max_by(|a, b| a[0].total_cmp(&b[0]))
            .ok_or(ParseError::NoRows)
    }
}

fn is_title(line: &str) -> bool {
    let l = line.trim();
    l.ends_with(" Test") && (l.contains(" BW ") || l.contains(" Latency ") || l.contains("BW Test"))
}

fn parse_table(text: &str) -> Result<Table, ParseError> {
    let title = text
        .lines()
        .find(|l| is_title(l))
        .map(|l| l.trim().to_string());
    let mut lines = text.lines();
    let header = lines
        .by_ref()
        .find(|l| l.trim_start().starts_with("#bytes"))
        .ok_or(ParseError::NoHeader)?
        .to_string();
    let mut found: Vec<(usize, &'static str)> = Vec::new();
    for c in COLUMNS {
        let mut from = 0;
        while let Some(i) = header[from..].find(c) {
            let at = from + i;
            // `MsgRate[` must not match inside `MsgRate Port1[`, nor `#sl` inside another word.
            let before_ok = at == 0 || header.as_bytes()[at - 1].is_ascii_whitespace();
            if before_ok {
                found.push((at, c));
                break;
            }
            from = at + c.len();
        }
    }
    found.sort();
    let columns = found
        .iter()
        .enumerate()
        .map(|(k, (at, c))| {
            let end = found.get(k + 1).map_or(header.len(), |n| n.0);
            (*c, header[*at..end].trim().to_string())
        })
        .collect::<Vec<_>>();
    let mut rows = Vec::new();
    for line in lines {
        let t = line.trim();
        if t.starts_with('-') || t.is_empty() {
            if !rows.is_empty() {
                break;
            }
            continue;
        }
        let fields: Vec<f64> = match t.split_whitespace().map(str::parse::<f64>).collect() {
            Ok(f) => f,
            Err(_) => continue,
        };
        if fields.len() == columns.len() {
            rows.push(fields);
        }
    }
    Ok(Table {
        title,
        header: header.trim().to_string(),
        columns,
        rows,
    })
}

fn unit_of(column: &str) -> Result<BwUnit, ParseError> {
    let label = column
        .split_once('[')
        .and_then(|(_, r)| r.split_once(']'))
        .map_or("", |(u, _)| u);
    BwUnit::from_label(label).ok_or_else(|| ParseError::Unit(label.to_string()))
}

/// The result of a bandwidth test (`ib_write_bw`, `ib_read_bw`, `ib_send_bw`).
pub fn parse_bw(text: &str) -> Result<BwResult, ParseError> {
    let t = parse_table(text)?;
    let (b, it, pk, avg) = (
        t.need("#bytes")?,
        t.need("#iterations")?,
        t.need("BW peak[")?,
        t.need("BW average[")?,
    );
    let unit = unit_of(&t.columns[avg].1)?;
    let row = t.best_row()?;
    Ok(BwResult {
        test: t.title.clone(),
        bytes: row[b] as u64,
        iterations: row[it] as u64,
        unit,
        peak: row[pk],
        average: row[avg],
        peak_gbps: unit.to_gbps(row[pk]),
        average_gbps: unit.to_gbps(row[avg]),
        msg_rate_mpps: t.col("MsgRate[").map(|i| row[i]),
    })
}

/// The result of a latency test (`ib_read_lat`, `ib_write_lat`, also in `-D` duration mode).
pub fn parse_lat(text: &str) -> Result<LatResult, ParseError> {
    let t = parse_table(text)?;
    let (b, it, avg) = (t.need("#bytes")?, t.need("#iterations")?, t.need("t_avg[")?);
    let row = t.best_row()?;
    let opt = |name| t.col(name).map(|i| row[i]);
    Ok(LatResult {
        test: t.title.clone(),
        bytes: row[b] as u64,
        iterations: row[it] as u64,
        t_min_us: opt("t_min["),
        t_max_us: opt("t_max["),
        t_typical_us: opt("t_typical["),
        t_avg_us: row[avg],
        t_stdev_us: opt("t_stdev["),
        p99_us: opt("99% percentile["),
        p999_us: opt("99.9% percentile["),
    })
}

/// Messages smaller than this are judged on message rate (and latency), not bandwidth: a
/// small-message run does not fill the link whatever the fabric (perftest `-s 8`, post lists).
pub const BW_MIN_BYTES: u64 = 65_536;
/// The message rate below which a small-message run is a warning, in Mpps (one QP of a
/// ConnectX-6 moves 8-byte writes at several Mpps; under 1 Mpps something is wrong).
pub const DEFAULT_MIN_MSG_RATE_MPPS: f64 = 1.0;

/// A bidirectional run (`-b`): perftest titles it `... Bidirectional BW Test` and reports the
/// sum of both directions.
pub fn is_bidirectional(output: &str, args: &[String]) -> bool {
    args.iter().any(|a| a == "-b" || a == "--bidirectional")
        || output
            .lines()
            .any(|l| is_title(l) && l.contains("Bidirectional"))
}

/// How a bandwidth result compares with the link, in words, and whether it passes.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BwJudgement {
    /// `None`: nothing to compare with (no link rate).
    pub pass: Option<bool>,
    /// `bandwidth` or `message_rate`: what was judged.
    pub judged_on: &'static str,
    /// What the result had to reach, in Gb/s or Mpps.
    pub threshold: Option<f64>,
    pub reason: String,
}

/// Judge a bandwidth result: messages of [`BW_MIN_BYTES`] and more against `min_fraction` of
/// the link rate (twice the rate for a bidirectional run); smaller messages against
/// `min_msg_rate_mpps`. Every reason names the message size its threshold applies to.
pub fn judge_bw(
    r: &BwResult,
    bidirectional: bool,
    rate_gbps: Option<f64>,
    min_fraction: f64,
    min_msg_rate_mpps: f64,
) -> BwJudgement {
    let size = human_bytes(r.bytes);
    let avg = r.average_gbps;
    if r.bytes < BW_MIN_BYTES {
        let what = if bidirectional {
            " (both directions)"
        } else {
            ""
        };
        return match r.msg_rate_mpps {
            Some(rate) => {
                let pass = rate >= min_msg_rate_mpps;
                BwJudgement {
                    pass: Some(pass),
                    judged_on: "message_rate",
                    threshold: Some(min_msg_rate_mpps),
                    reason: format!(
                        "{rate:.2} Mpps{what} at {size} messages (minimum {min_msg_rate_mpps} Mpps for messages under {}; {avg:.2} Gb/s is not judged at this size)",
                        human_bytes(BW_MIN_BYTES)
                    ),
                }
            }
            None => BwJudgement {
                pass: None,
                judged_on: "message_rate",
                threshold: None,
                reason: format!(
                    "{avg:.2} Gb/s{what} at {size} messages: too small to judge bandwidth (messages under {} are judged on message rate, and the output has no MsgRate column)",
                    human_bytes(BW_MIN_BYTES)
                ),
            },
        };
    }
    let Some(rate) = rate_gbps else {
        return BwJudgement {
            pass: None,
            judged_on: "bandwidth",
            threshold: None,
            reason: format!(
                "{avg:.1} Gb/s average{} at {size} messages; no link rate to compare with",
                if bidirectional {
                    " (both directions)"
                } else {
                    ""
                }
            ),
        };
    };
    let (expected, of) = if bidirectional {
        (2.0 * rate, format!("2 x {rate} Gb/s (bidirectional)"))
    } else {
        (rate, format!("{rate} Gb/s"))
    };
    let pct = 100.0 * avg / expected;
    BwJudgement {
        pass: Some(avg >= min_fraction * expected),
        judged_on: "bandwidth",
        threshold: Some(min_fraction * expected),
        reason: format!(
            "{avg:.1} Gb/s average = {pct:.0}% of {of} at {size} messages (minimum {:.0}% for messages of {} and more)",
            min_fraction * 100.0,
            human_bytes(BW_MIN_BYTES)
        ),
    }
}

/// `8 B`, `64 KiB`, `8 MiB`.
pub fn human_bytes(n: u64) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} B")
    }
}

/// Why a perftest run failed, from the messages it prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    /// No RDMA device, or not the one asked for.
    NoDevice,
    /// The two sides could not reach each other over TCP (the out-of-band exchange).
    Connection,
    /// A queue pair could not be moved to INIT/RTR/RTS: usually a wrong GID index, MTU or
    /// an unreachable remote GID.
    QueuePair,
    /// A work completion came back with an error (retry exceeded, remote access...).
    Completion,
    /// Anything else perftest reported.
    Other,
}

impl FailureKind {
    pub fn hint(self) -> &'static str {
        match self {
            Self::NoDevice => {
                "check `ibv_devices` on the node and the device name (`--device`, NCCL_IB_HCA)"
            }
            Self::Connection => {
                "the client could not reach the server over TCP: check name resolution, firewalls and that the server started"
            }
            Self::QueuePair => {
                "check the GID index (`show_gids`, --gid-index) and that both ports are ACTIVE with the same MTU"
            }
            Self::Completion => {
                "transport errors between the two nodes: check cabling, switch ports, PFC/ECN and the error counters"
            }
            Self::Other => "see perftest's message above",
        }
    }
}

/// A failure: what kind, and the line that says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    pub kind: FailureKind,
    pub line: String,
}

/// Messages of perftest's `src/*.c`, most specific first (leading blanks as printed).
const FAILURES: &[(&str, FailureKind)] = &[
    (
        "Unable to find the Infiniband/RoCE device",
        FailureKind::NoDevice,
    ),
    ("No IB devices found", FailureKind::NoDevice),
    ("Did not detect devices", FailureKind::NoDevice),
    ("Couldn't get context for the device", FailureKind::NoDevice),
    ("Failed to modify QP", FailureKind::QueuePair),
    (
        "Unable to Connect the HCA's through the link",
        FailureKind::QueuePair,
    ),
    ("Completion with error", FailureKind::Completion),
    ("Failed status", FailureKind::Completion),
    ("Couldn't connect to", FailureKind::Connection),
    (
        "Unable to init the socket connection",
        FailureKind::Connection,
    ),
    (
        "Unable to set up socket connection",
        FailureKind::Connection,
    ),
    ("Couldn't listen to port", FailureKind::Connection),
    (
        "Unable to open file descriptor for socket connection",
        FailureKind::Connection,
    ),
    ("Couldn't read remote address", FailureKind::Connection),
];

/// Classify the output of a run that failed (or printed no result).
pub fn classify_failure(stdout: &str, stderr: &str) -> Failure {
    // The most specific message wins, wherever it is.
    for (needle, kind) in FAILURES {
        for text in [stderr, stdout] {
            if let Some(line) = text.lines().find(|l| l.contains(needle)) {
                return Failure {
                    kind: *kind,
                    line: line.trim().to_string(),
                };
            }
        }
    }
    let last = stderr
        .lines()
        .chain(stdout.lines())
        .map(str::trim)
        .rfind(|l| !l.is_empty() && !l.starts_with('-'))
        .unwrap_or("no output")
        .to_string();
    Failure {
        kind: FailureKind::Other,
        line: last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_convert_to_gbps() {
        assert!((BwUnit::MiBps.to_gbps(1000.0) - 8.388_608).abs() < 1e-9);
        assert_eq!(BwUnit::MBps.to_gbps(1000.0), BwUnit::MiBps.to_gbps(1000.0));
        assert_eq!(BwUnit::Gbps.to_gbps(97.5), 97.5);
    }

    #[test]
    fn header_columns_are_found_by_name() {
        let text = " #bytes     #iterations    BW peak[MiB/sec]    BW average[MiB/sec]   MsgRate[Mpps]   BW Port1[MiB/sec]   MsgRate Port1[Mpps]   BW Port2[MiB/sec]   MsgRate Port2[Mpps]\n 65536      5000           20000.00            19000.00              0.304000      9500.00     0.152000     9500.00     0.152000\n";
        let r = parse_bw(text).expect("parses");
        assert_eq!(r.unit, BwUnit::MiBps);
        assert_eq!(r.average, 19000.0);
        assert_eq!(r.msg_rate_mpps, Some(0.304));
    }

    fn recorded(name: &str) -> String {
        let p = format!(
            "{}/tests/fixtures/fabric/outputs/perftest/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
    }

    /// linux-rdma/perftest#273: 8-byte writes with a post list are judged on message rate.
    #[test]
    fn small_messages_are_judged_on_message_rate() {
        let text = recorded("real-write_bw-postlist-8B-gbits.txt");
        let r = parse_bw(&text).expect("parses");
        assert_eq!((r.bytes, r.msg_rate_mpps), (8, Some(7.498617)));
        assert!(!is_bidirectional(&text, &[]));
        let j = judge_bw(&r, false, Some(25.0), 0.8, DEFAULT_MIN_MSG_RATE_MPPS);
        assert_eq!((j.pass, j.judged_on), (Some(true), "message_rate"));
        assert_eq!(
            j.reason,
            "7.50 Mpps at 8 B messages (minimum 1 Mpps for messages under 64 KiB; 0.48 Gb/s is not judged at this size)"
        );
        let j = judge_bw(&r, false, Some(25.0), 0.8, 10.0);
        assert_eq!(j.pass, Some(false));
    }

    /// ROCm/gpu-cluster-networking's `ib_write_bw -b -a` run: twice the link rate.
    #[test]
    fn bidirectional_runs_are_compared_with_twice_the_rate() {
        let text = recorded("real-write_bw-bidir-all-sizes-gbits.txt");
        let r = parse_bw(&text).expect("parses");
        assert_eq!(r.bytes, 8_388_608);
        assert!(is_bidirectional(&text, &[]));
        assert!(is_bidirectional("", &["-b".to_string()]));
        // 204.59 Gb/s over both directions of a 200 Gb/s port: 51%, not 102%.
        let j = judge_bw(&r, true, Some(200.0), 0.8, DEFAULT_MIN_MSG_RATE_MPPS);
        assert_eq!(j.pass, Some(false));
        assert_eq!(
            j.reason,
            "204.6 Gb/s average = 51% of 2 x 200 Gb/s (bidirectional) at 8 MiB messages (minimum 80% for messages of 64 KiB and more)"
        );
        assert_eq!(j.threshold, Some(320.0));
        // Against a 100 Gb/s port it passes (102% of 2 x 100).
        let j = judge_bw(&r, true, Some(100.0), 0.8, DEFAULT_MIN_MSG_RATE_MPPS);
        assert_eq!(j.pass, Some(true));
    }

    #[test]
    fn no_header_is_an_error() {
        assert_eq!(parse_bw("hello\n"), Err(ParseError::NoHeader));
        assert_eq!(
            parse_bw(
                " #bytes     #iterations    BW peak[Gb/sec]    BW average[Gb/sec]   MsgRate[Mpps]\n---\n"
            ),
            Err(ParseError::NoRows)
        );
    }

    #[test]
    fn failures_are_classified() {
        let f = classify_failure(
            "",
            " Did not detect devices \n If device exists, check if driver is up\n Unable to find the Infiniband/RoCE device\n",
        );
        assert_eq!(f.kind, FailureKind::NoDevice);
        assert_eq!(f.line, "Unable to find the Infiniband/RoCE device");
        let f = classify_failure("Couldn't connect to node1:18515\n", "");
        assert_eq!(f.kind, FailureKind::Connection);
        let f = classify_failure("", "weird\n");
        assert_eq!((f.kind, f.line.as_str()), (FailureKind::Other, "weird"));
    }
}
