//! Congestion and error counters: snapshots, deltas and thresholds (pure).
//!
//! Port counters come from sysfs (`hw_counters/*`, `counters/port_xmit_wait`), pause
//! counters from `ethtool -S`. Congestion counters (CNPs, ECN marks, xmit wait, pause on the
//! lossless priority) are normal under load and only reported; retransmission and error
//! counters have warn/fail thresholds on their increase (site config `fabric.counters`).
//! Pause frames on any other priority mean PFC is active where it should not be: a warning.

use std::collections::BTreeMap;

use serde::Serialize;

use super::ethtool;
use crate::check::{Check, Level};

/// Port counters followed by fabric-check (mlx5 names; kernel `drivers/infiniband/hw/mlx5/
/// counters.c`, and `port_xmit_wait` of the standard port counters).
pub const PORT_COUNTERS: &[&str] = &[
    "np_cnp_sent",
    "rp_cnp_handled",
    "np_ecn_marked_roce_packets",
    "out_of_sequence",
    "packet_seq_err",
    "local_ack_timeout_err",
    "rnr_nak_retry_err",
    "port_xmit_wait",
];

/// Thresholds on a counter's increase during the watch: at or above `warn` / `fail`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Threshold {
    pub warn: Option<u64>,
    pub fail: Option<u64>,
}

/// The built-in thresholds (the site config overrides them one counter at a time).
pub fn default_thresholds() -> BTreeMap<String, Threshold> {
    [
        ("out_of_sequence", 1, 1000),
        ("packet_seq_err", 1, 100),
        ("local_ack_timeout_err", 1, 10),
        ("rnr_nak_retry_err", 1, 10),
    ]
    .into_iter()
    .map(|(n, w, f)| {
        (
            n.to_string(),
            Threshold {
                warn: Some(w),
                fail: Some(f),
            },
        )
    })
    .collect()
}

/// Counter values by subject (`mlx5_0/1` for ports, the netdev name for pause counters).
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub values: BTreeMap<String, BTreeMap<String, u64>>,
    /// Netdevs whose `ethtool -S` was read, with all their statistics (to say which lack
    /// pause counters instead of leaving them out).
    #[serde(skip)]
    pub ethtool: BTreeMap<String, BTreeMap<String, u64>>,
}

impl Snapshot {
    /// The followed counters of each port, and the pause counters of each netdev's
    /// `ethtool -S` output.
    pub fn new(
        ports: &BTreeMap<String, BTreeMap<String, u64>>,
        ethtool: &BTreeMap<String, BTreeMap<String, u64>>,
    ) -> Self {
        let mut values = BTreeMap::new();
        for (subject, counters) in ports {
            let v: BTreeMap<String, u64> = counters
                .iter()
                .filter(|(k, _)| PORT_COUNTERS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), *v))
                .collect();
            if !v.is_empty() {
                values.insert(subject.clone(), v);
            }
        }
        for (netdev, stats) in ethtool {
            let v = ethtool::pause_counters(stats);
            if !v.is_empty() {
                values.insert(netdev.clone(), v);
            }
        }
        Self {
            values,
            ethtool: ethtool.clone(),
        }
    }
}

/// What a node prints for [`REMOTE_SCRIPT`]: `PATH VALUE` lines, PATH under
/// `<root>/sys/class/infiniband/DEV/ports/P/{hw_counters,counters}/NAME`. The followed port
/// counters of each `DEV/P`, under `<node> DEV/P`.
pub fn parse_remote(node: &str, text: &str) -> Snapshot {
    let mut values: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for line in text.lines() {
        let Some((path, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let Ok(value) = value.trim().parse::<u64>() else {
            continue;
        };
        let Some((_, rest)) = path.split_once("/sys/class/infiniband/") else {
            continue;
        };
        let parts: Vec<&str> = rest.split('/').collect();
        if let [dev, "ports", port, "hw_counters" | "counters", name] = parts[..]
            && PORT_COUNTERS.contains(&name)
        {
            values
                .entry(format!("{node} {dev}/{port}"))
                .or_default()
                .insert(name.to_string(), value);
        }
    }
    Snapshot {
        values,
        ethtool: BTreeMap::new(),
    }
}

/// Run on a node with `sh -c REMOTE_SCRIPT sh ROOT` (ROOT is an argument, never part of the
/// script): prints `PATH VALUE` for every port counter file under ROOT's sysfs.
pub const REMOTE_SCRIPT: &str = r#"for f in "$1"/sys/class/infiniband/*/ports/*/hw_counters/* "$1"/sys/class/infiniband/*/ports/*/counters/port_xmit_wait; do [ -f "$f" ] && printf '%s %s\n' "$f" "$(cat "$f" 2>/dev/null)"; done; exit 0"#;

/// A counter that changed between two snapshots.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Delta {
    pub subject: String,
    pub counter: String,
    pub before: u64,
    pub after: u64,
    pub delta: u64,
}

/// The counters that increased (a counter that went down was reset: its new value counts).
pub fn deltas(before: &Snapshot, after: &Snapshot) -> Vec<Delta> {
    let mut out = Vec::new();
    for (subject, values) in &after.values {
        for (counter, &a) in values {
            let b = before
                .values
                .get(subject)
                .and_then(|v| v.get(counter))
                .copied()
                .unwrap_or(0);
            let delta = if a >= b { a - b } else { a };
            if delta > 0 {
                out.push(Delta {
                    subject: subject.clone(),
                    counter: counter.clone(),
                    before: b,
                    after: a,
                    delta,
                });
            }
        }
    }
    out
}

/// One `counters` check per subject of the snapshot: the worst level of its deltas.
pub fn evaluate(
    snapshot: &Snapshot,
    deltas: &[Delta],
    thresholds: &BTreeMap<String, Threshold>,
    lossless_priority: u8,
    seconds: f64,
) -> Vec<Check> {
    let mut out = Vec::new();
    for subject in snapshot.values.keys() {
        let mine: Vec<&Delta> = deltas.iter().filter(|d| &d.subject == subject).collect();
        let mut level = Level::Pass;
        let mut check = Check::new("counters", subject.clone(), Level::Pass, "");
        let mut notes = Vec::new();
        let mut hint = None;
        for d in &mine {
            let mut l = Level::Pass;
            if let Some(t) = thresholds.get(&d.counter) {
                if t.fail.is_some_and(|f| d.delta >= f) {
                    l = Level::Fail;
                } else if t.warn.is_some_and(|w| d.delta >= w) {
                    l = Level::Warn;
                }
            }
            if l > Level::Pass {
                hint = Some(
                    "retransmissions or transport errors: check the links between the nodes, PFC on the lossless priority and the switch counters",
                );
            }
            if let Some(p) = ethtool::priority_of(&d.counter)
                && p != lossless_priority
            {
                l = l.max(Level::Warn);
                hint = Some(
                    "pause frames on a priority other than the lossless one: PFC is enabled there on the NIC or the switch",
                );
            }
            level = level.max(l);
            notes.push(format!("+{} {}", d.delta, d.counter));
            check = check.evidence(format!(
                "{} {}: {} -> {} (+{})",
                subject, d.counter, d.before, d.after, d.delta
            ));
        }
        check.level = level;
        check.detail = if notes.is_empty() {
            format!("no followed counter increased in {seconds:.1} s")
        } else {
            format!("in {seconds:.1} s: {}", notes.join(", "))
        };
        check.hint = hint.map(str::to_string);
        if let Some(stats) = snapshot.ethtool.get(subject)
            && let Some(why) = ethtool::missing_pause(stats, lossless_priority)
        {
            check.level = check.level.max(Level::Unknown);
            check.detail = format!("{}; {why}", check.detail);
        }
        out.push(check);
    }
    // Ports whose statistics have no pause counter at all are not left out of the table.
    for (netdev, stats) in &snapshot.ethtool {
        if snapshot.values.contains_key(netdev) {
            continue;
        }
        if let Some(why) = ethtool::missing_pause(stats, lossless_priority) {
            out.push(
                Check::new("counters", netdev.clone(), Level::Unknown, why).hint(
                    "the NIC's driver exports no PFC pause counters: follow pause on the switch port (or use a NIC and driver that count per priority, e.g. mlx5)",
                ),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_snapshots_keep_the_followed_port_counters() {
        let text = "/r/sys/class/infiniband/mlx5_0/ports/1/hw_counters/out_of_sequence 7\n\
                    /r/sys/class/infiniband/mlx5_0/ports/1/hw_counters/duplicate_request 3\n\
                    /r/sys/class/infiniband/mlx5_0/ports/1/counters/port_xmit_wait 1000\n\
                    /r/sys/class/infiniband/mlx5_1/ports/1/hw_counters/np_cnp_sent x\n\
                    garbage\n";
        let s = parse_remote("node1", text);
        let port = &s.values["node1 mlx5_0/1"];
        assert_eq!(port.get("out_of_sequence"), Some(&7));
        assert_eq!(port.get("port_xmit_wait"), Some(&1000));
        assert_eq!(port.get("duplicate_request"), None, "not followed");
        assert_eq!(s.values.len(), 1);
    }

    fn snap(pairs: &[(&str, &str, u64)]) -> Snapshot {
        let mut s = Snapshot::default();
        for (subj, c, v) in pairs {
            s.values
                .entry(subj.to_string())
                .or_default()
                .insert(c.to_string(), *v);
        }
        s
    }

    #[test]
    fn deltas_and_thresholds() {
        let a = snap(&[
            ("mlx5_0/1", "out_of_sequence", 10),
            ("mlx5_0/1", "np_cnp_sent", 5),
            ("eth2", "rx_prio0_pause", 0),
            ("eth2", "rx_prio3_pause", 0),
        ]);
        let b = snap(&[
            ("mlx5_0/1", "out_of_sequence", 2010),
            ("mlx5_0/1", "np_cnp_sent", 6),
            ("eth2", "rx_prio0_pause", 4),
            ("eth2", "rx_prio3_pause", 9),
        ]);
        let d = deltas(&a, &b);
        assert_eq!(d.len(), 4);
        let checks = evaluate(&b, &d, &default_thresholds(), 3, 2.0);
        let level = |s: &str| checks.iter().find(|c| c.subject == s).map(|c| c.level);
        assert_eq!(level("mlx5_0/1"), Some(Level::Fail));
        assert_eq!(level("eth2"), Some(Level::Warn));
    }

    #[test]
    fn a_reset_counter_counts_its_new_value() {
        let d = deltas(&snap(&[("p", "x", 100)]), &snap(&[("p", "x", 3)]));
        assert_eq!(d[0].delta, 3);
    }
}
