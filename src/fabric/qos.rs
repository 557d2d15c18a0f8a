//! RoCE QoS of a netdev: `mlnx_qos -i IF` output (trust mode, PFC per priority, the DSCP to
//! priority map) and the ECN/DCQCN switches in sysfs (pure parsers; the reads are in
//! `sysfs` and the command).
//!
//! `mlnx_qos` is NVIDIA's (MLNX_OFED / DOCA, also packaged as `mstflint`-era `mlnx-tools`).
//! Its output is human-oriented: `Priority trust state: dscp`, a `dscp2prio mapping:` block
//! of `prio:P dscp:D,D,...,` lines, and a `PFC configuration:` block whose `enabled` row lists
//! one 0/1 per priority (newer releases add a `buffer` row and `Receive buffer size` lines,
//! which are ignored).

use std::collections::BTreeMap;

use serde::Serialize;

/// What `mlnx_qos -i IF` says.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MlnxQos {
    /// `pcp` or `dscp`.
    pub trust: Option<String>,
    /// PFC enabled, per priority 0..7.
    pub pfc: Option<Vec<bool>>,
    /// DSCP -> priority.
    pub dscp2prio: BTreeMap<u8, u8>,
}

impl MlnxQos {
    pub fn pfc_priorities(&self) -> Option<Vec<u8>> {
        self.pfc.as_ref().map(|p| {
            p.iter()
                .enumerate()
                .filter(|(_, on)| **on)
                .map(|(i, _)| i as u8)
                .collect()
        })
    }
}

/// Parse `mlnx_qos -i IF` output; `None` when none of its blocks is there.
pub fn parse_mlnx_qos(text: &str) -> Option<MlnxQos> {
    let mut q = MlnxQos::default();
    let mut in_pfc = false;
    for line in text.lines() {
        let t = line.trim();
        if let Some(v) = t
            .strip_prefix("Priority trust state:")
            .or_else(|| t.strip_prefix("Priority trust mode:"))
        {
            q.trust = Some(v.trim().to_string());
            continue;
        }
        if t.starts_with("PFC configuration") {
            in_pfc = true;
            continue;
        }
        if in_pfc && let Some(rest) = t.strip_prefix("enabled") {
            let vals: Vec<bool> = rest.split_whitespace().map(|v| v == "1").collect();
            if vals.len() == 8 {
                q.pfc = Some(vals);
            }
            in_pfc = false;
            continue;
        }
        if let Some(rest) = t.strip_prefix("prio:")
            && let Some((prio, dscps)) = rest.split_once("dscp:")
            && let Ok(prio) = prio.trim().parse::<u8>()
        {
            for d in dscps.split(',').filter_map(|d| d.trim().parse::<u8>().ok()) {
                q.dscp2prio.insert(d, prio);
            }
        }
    }
    (q.trust.is_some() || q.pfc.is_some() || !q.dscp2prio.is_empty()).then_some(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_pfc_and_dscp_map() {
        let text = "DCBX mode: OS controlled\nPriority trust state: dscp\ndscp2prio mapping:\n\tprio:0 dscp:07,06,05,04,03,02,01,00,\n\tprio:3 dscp:31,30,29,28,27,26,25,24,\nCable len: 7\nPFC configuration:\n\tpriority    0   1   2   3   4   5   6   7\n\tenabled     0   0   0   1   0   0   0   0\n\tbuffer      0   0   0   1   0   0   0   0\n";
        let q = parse_mlnx_qos(text).expect("parses");
        assert_eq!(q.trust.as_deref(), Some("dscp"));
        assert_eq!(q.pfc_priorities(), Some(vec![3]));
        assert_eq!(q.dscp2prio.get(&26), Some(&3));
        assert_eq!(q.dscp2prio.get(&0), Some(&0));
        assert!(parse_mlnx_qos("nothing here\n").is_none());
    }
}
