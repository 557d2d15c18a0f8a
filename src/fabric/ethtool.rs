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

/// The pause counters (`rx_prio3_pause`, ...; also the global `rx_pause_ctrl_phy`,
/// `tx_pause_ctrl_phy`) among the statistics.
pub fn pause_counters(stats: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    stats
        .iter()
        .filter(|(k, _)| k.contains("pause"))
        .map(|(k, v)| (k.clone(), *v))
        .collect()
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
