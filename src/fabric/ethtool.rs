//! `ethtool -S IF` statistics (pure): `     name: value` lines after a `NIC statistics:` line.
//! The per-priority PFC pause counters of mlx5 are `rx_prioP_pause`, `tx_prioP_pause`,
//! `rx_prioP_pause_duration`, `tx_prioP_pause_duration` and `rx_prioP_pause_transition`
//! (kernel `drivers/net/ethernet/mellanox/mlx5/core/en_stats.c`, `pport_per_prio_pfc_stats_desc`).

use std::collections::BTreeMap;

/// Every `name: integer` statistic.
pub fn parse_stats(text: &str) -> BTreeMap<String, u64> {
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.trim().split_once(':')?;
            Some((k.trim().to_string(), v.trim().parse::<u64>().ok()?))
        })
        .collect()
}

/// A pause-frame counter: mlx5's per-priority `rx_prio3_pause`(`_duration`, `_transition`)
/// and global `rx_pause_ctrl_phy`, other drivers' `rx_pause_frames` / `tx_pauseframes` /
/// `rx_priority_pause_frames` (be2net). Not every name with `pause` in it counts pause
/// frames: ENA's `admin_q_pause` counts admin-queue pauses.
pub fn is_pause_counter(name: &str) -> bool {
    name.contains("pause")
        && (name.contains("prio")
            || name.contains("pause_ctrl")
            || name.contains("pause_frames")
            || name.contains("pauseframes")
            || name.starts_with("rx_pause")
            || name.starts_with("tx_pause"))
}

/// The pause counters among the statistics.
pub fn pause_counters(stats: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    stats
        .iter()
        .filter(|(k, _)| is_pause_counter(k))
        .map(|(k, v)| (k.clone(), *v))
        .collect()
}

/// What the pause counters of one port's statistics lack, for the lossless priority: `None`
/// when `rx_prioP_pause` and `tx_prioP_pause` are both there.
pub fn missing_pause(stats: &BTreeMap<String, u64>, lossless_priority: u8) -> Option<String> {
    let pause = pause_counters(stats);
    if pause.is_empty() {
        return Some(format!(
            "`ethtool -S` shows no pause counter among its {} statistics: PFC pause frames cannot be followed on this port",
            stats.len()
        ));
    }
    let want = [
        format!("rx_prio{lossless_priority}_pause"),
        format!("tx_prio{lossless_priority}_pause"),
    ];
    let lacking: Vec<&String> = want.iter().filter(|w| !pause.contains_key(*w)).collect();
    (!lacking.is_empty()).then(|| {
        format!(
            "`ethtool -S` has no {} (its pause counters: {}): pause on the lossless priority {lossless_priority} cannot be told apart",
            lacking.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" nor "),
            pause.keys().take(4).cloned().collect::<Vec<_>>().join(", ")
        )
    })
}

/// The priority of a per-priority counter name (`rx_prio3_pause` -> 3).
pub fn priority_of(name: &str) -> Option<u8> {
    let rest = name.split("prio").nth(1)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(name: &str) -> String {
        let p = format!(
            "{}/tests/fixtures/fabric/outputs/ethtool/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
    }

    /// isc-projects/ethq#24 (ixgbe) and #15 (ENA): NICs without PFC counters say so.
    #[test]
    fn ports_without_pause_counters_say_so() {
        let ixgbe = parse_stats(&recorded("ixgbe-x520-no-pfc.txt"));
        assert_eq!(ixgbe.len(), 47);
        assert!(pause_counters(&ixgbe).is_empty());
        let why = missing_pause(&ixgbe, 3).expect("lacks pause counters");
        assert!(
            why.contains("no pause counter among its 47 statistics"),
            "{why}"
        );
        let ena = parse_stats(&recorded("ena-no-pause.txt"));
        assert!(!is_pause_counter("admin_q_pause"));
        assert!(pause_counters(&ena).is_empty());
        let mlx5 = parse_stats(&recorded("mlx5-S.txt"));
        assert_eq!(missing_pause(&mlx5, 3), None);
        let why = missing_pause(&mlx5, 5).expect("no prio 5 counter");
        assert!(why.contains("`rx_prio5_pause`"), "{why}");
    }

    #[test]
    fn stats_and_pause_counters() {
        let s = parse_stats(
            "NIC statistics:\n     rx_packets: 10\n     rx_prio3_pause: 5\n     tx_prio3_pause_duration: 7\n     weird: x\n",
        );
        assert_eq!(s.len(), 3);
        let p = pause_counters(&s);
        assert_eq!(p.len(), 2);
        assert_eq!(priority_of("rx_prio3_pause"), Some(3));
        assert_eq!(priority_of("rx_pause_ctrl_phy"), None);
    }
}
