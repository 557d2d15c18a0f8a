//! RoCE QoS of a netdev: `mlnx_qos -i IF` output (trust mode, PFC per priority, the DSCP to
//! priority map) and the ECN/DCQCN switches in sysfs (pure parsers; the reads are in
//! `sysfs` and the command).
//!
//! `mlnx_qos` is NVIDIA's (MLNX_OFED / DOCA, also packaged as `mstflint`-era `mlnx-tools`).
//! Its output is human-oriented: `Priority trust state: dscp`, a `dscp2prio mapping:` block
//! of `prio:P dscp:D,D,...,` lines, and a `PFC configuration:` block whose `enabled` row lists
//! one 0/1 per priority (newer releases add a `buffer` row and `Receive buffer size` lines,
//! which are ignored).
//!
//! Without `mlnx_qos`, iproute2's `dcb` (any NIC with a DCB driver, iproute2 >= 5.11) gives
//! the same PFC and DSCP facts, in the layout of its man pages dcb-pfc(8) and dcb-app(8):
//! `dcb pfc show dev IF` prints `pfc-cap 8 macsec-bypass off delay 4096` and
//! `prio-pfc 0:off 1:off ... 7:on`, and `dcb -N app show dev IF dscp-prio` prints
//! `dscp-prio 0:0 24:3 26:3 48:6` (`-N`: DSCP as numbers, not `CS3`). It does not show the
//! trust state.

use std::collections::BTreeMap;

use serde::Serialize;

/// What `mlnx_qos -i IF` says.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
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

/// `active_mtu` of `ibv_devinfo -d DEV -i PORT` (rdma-core's libibverbs utils), e.g. the line
/// `active_mtu:<tabs>4096 (5)` under `port:<tab>1`: the MTU in bytes.
pub fn parse_ibv_active_mtu(text: &str) -> Option<u32> {
    text.lines().find_map(|l| {
        l.trim()
            .strip_prefix("active_mtu:")
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
    })
}

/// The `active_mtu` of `dev`'s `port` in `ibv_devinfo` output, reading only that device's
/// `hca_id:` block and that port's `port:` section (an `ibv_devinfo` that ignores `-d`, or
/// a saved output of several devices, must not lend another device's MTU); the error says
/// what the output held instead.
pub fn ibv_devinfo_port(text: &str, dev: &str, port: u32) -> Result<u32, String> {
    let mut seen: Vec<&str> = Vec::new();
    let mut in_dev = false;
    let mut in_port = false;
    let mut ports: Vec<u32> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(id) = t.strip_prefix("hca_id:") {
            let id = id.trim();
            seen.push(id);
            in_dev = id == dev;
            in_port = false;
            continue;
        }
        if !in_dev {
            continue;
        }
        if let Some(p) = t.strip_prefix("port:") {
            let p = p.trim().parse::<u32>().ok();
            ports.extend(p);
            in_port = p == Some(port);
            continue;
        }
        if in_port && let Some(v) = t.strip_prefix("active_mtu:") {
            return v
                .split_whitespace()
                .next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("`active_mtu:{v}` of {dev} port {port} is not a number"));
        }
    }
    if seen.is_empty() {
        return Err("the output has no `hca_id:` line".into());
    }
    if !seen.contains(&dev) {
        return Err(format!(
            "the output is of {}, not of {dev}",
            seen.iter().take(4).copied().collect::<Vec<_>>().join(", ")
        ));
    }
    if ports.contains(&port) {
        Err(format!("{dev} port {port} shows no active_mtu"))
    } else if ports.is_empty() {
        Err(format!("the output stops before {dev}'s ports"))
    } else {
        Err(format!(
            "{dev} has no port {port} in the output (ports {})",
            ports
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

/// The `prio-pfc` row of `dcb pfc show dev IF`: PFC per priority 0..7.
pub fn parse_dcb_pfc(text: &str) -> Option<Vec<bool>> {
    let row = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("prio-pfc"))?;
    let mut pfc = vec![false; 8];
    let mut seen = 0;
    for tok in row.split_whitespace() {
        let (prio, state) = tok.split_once(':')?;
        let prio: usize = prio.parse().ok().filter(|p| *p < 8)?;
        pfc[prio] = match state {
            "on" => true,
            "off" => false,
            _ => return None,
        };
        seen += 1;
    }
    (seen == 8).then_some(pfc)
}

/// The `dscp-prio` row of `dcb -N app show dev IF dscp-prio`: DSCP -> priority. An empty
/// output (no rule) is an empty map. When a DSCP has several rules, the kernel uses the
/// highest priority; so does this.
pub fn parse_dcb_app_dscp(text: &str) -> Option<BTreeMap<u8, u8>> {
    let mut map = BTreeMap::new();
    let Some(row) = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("dscp-prio"))
    else {
        return text.trim().is_empty().then_some(map);
    };
    for tok in row.split_whitespace() {
        let (dscp, prio) = tok.split_once(':')?;
        let dscp: u8 = dscp.parse().ok().filter(|d| *d < 64)?;
        let prio: u8 = prio.parse().ok().filter(|p| *p < 8)?;
        let e = map.entry(dscp).or_insert(prio);
        *e = (*e).max(prio);
    }
    Some(map)
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

    /// The layout of rdma-core's `ibv_devinfo` (libibverbs/examples/devinfo.c prints
    /// `active_mtu:\t\t%s (%d)` per port).
    #[test]
    fn ibv_devinfo_active_mtu() {
        let text = "hca_id:\tmlx5_0\n\ttransport:\t\t\tInfiniBand (0)\n\tphys_port_cnt:\t\t\t1\n\t\tport:\t1\n\t\t\tstate:\t\t\tPORT_ACTIVE (4)\n\t\t\tmax_mtu:\t\t4096 (5)\n\t\t\tactive_mtu:\t\t2048 (4)\n\t\t\tsm_lid:\t\t\t1\n";
        assert_eq!(parse_ibv_active_mtu(text), Some(2048));
        assert_eq!(parse_ibv_active_mtu("No IB devices found\n"), None);
    }

    /// deepseek-ai/DeepEP#60: two devices in one output; only the one asked for counts.
    #[test]
    fn ibv_devinfo_is_read_for_the_device_asked_for() {
        let p = format!(
            "{}/tests/fixtures/fabric/outputs/ibv_devinfo/deepep-60-two-devices.txt",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"));
        assert_eq!(ibv_devinfo_port(&text, "mlx5_12", 1), Ok(1024));
        assert_eq!(
            ibv_devinfo_port(&text, "mlx5_0", 1),
            Err("the output is of mlx5_12, mlx5_13, not of mlx5_0".into())
        );
        assert_eq!(
            ibv_devinfo_port(&text, "mlx5_13", 1),
            Err("the output stops before mlx5_13's ports".into())
        );
        assert_eq!(
            ibv_devinfo_port(&text, "mlx5_12", 2),
            Err("mlx5_12 has no port 2 in the output (ports 1)".into())
        );
        // The whole-output reader would have lent mlx5_12's MTU to any device.
        assert_eq!(parse_ibv_active_mtu(&text), Some(1024));
    }

    /// The examples of the dcb-pfc(8) and dcb-app(8) man pages (iproute2 6.1).
    #[test]
    fn dcb_pfc_and_app() {
        let pfc = "pfc-cap 8 macsec-bypass off delay 4096\nprio-pfc 0:off 1:off 2:off 3:off 4:off 5:off 6:on 7:on\n";
        assert_eq!(
            parse_dcb_pfc(pfc),
            Some(vec![false, false, false, false, false, false, true, true])
        );
        assert_eq!(parse_dcb_pfc("pfc-cap 8\n"), None);
        assert_eq!(parse_dcb_pfc("prio-pfc 0:maybe\n"), None);
        let app = parse_dcb_app_dscp("dscp-prio 0:0 24:2 24:3 48:6\n").expect("parses");
        assert_eq!(app.get(&24), Some(&3));
        assert_eq!(app.get(&48), Some(&6));
        assert_eq!(parse_dcb_app_dscp(""), Some(BTreeMap::new()));
        // Without -N, DSCP names like CS3 are not numbers: refused, not misread.
        assert_eq!(parse_dcb_app_dscp("dscp-prio 0:0 CS3:2\n"), None);
    }
}
