//! What a host's sysfs says about its RDMA devices and netdevs, read through a root
//! directory (default `/`) so that fixture trees can stand in for a real host.
//!
//! The layout is the kernel's documented ABI:
//! * `Documentation/ABI/stable/sysfs-class-infiniband`: `/sys/class/infiniband/<dev>/ports/<p>/`
//!   `state` (`4: ACTIVE`), `phys_state` (`5: LinkUp`), `rate` (`200 Gb/sec (4X HDR)`),
//!   `link_layer` (`Ethernet` | `InfiniBand`), `gids/<i>`, `gid_attrs/types/<i>`
//!   (`RoCE v2` | `IB/RoCE v1`; reading an unused entry fails with EINVAL), `gid_attrs/ndevs/<i>`,
//!   `counters/` (e.g. `port_xmit_wait`) and `hw_counters/` (driver counters; mlx5's are in
//!   `drivers/infiniband/hw/mlx5/counters.c`).
//! * `Documentation/ABI/testing/sysfs-class-net`: `/sys/class/net/<if>/mtu`, `operstate`; the
//!   RDMA device's PCI function lists its netdevs under `/sys/class/infiniband/<dev>/device/net/`.
//! * MLNX_OFED / DOCA only: `/sys/class/net/<if>/ecn/roce_np/enable/<prio>` and
//!   `.../roce_rp/enable/<prio>` (1 = ECN/DCQCN on for that priority); inbox drivers lack them.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

use serde::Serialize;

/// One GID table entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gid {
    pub index: u32,
    pub gid: String,
    /// `RoCE v2` or `IB/RoCE v1` (absent for InfiniBand ports and unreadable entries).
    pub kind: Option<String>,
    pub ndev: Option<String>,
    /// The IPv4 address of an IPv4-mapped GID (`::ffff:a.b.c.d`).
    pub ipv4: Option<Ipv4Addr>,
}

impl Gid {
    pub fn is_roce_v2_ipv4(&self) -> bool {
        self.kind.as_deref() == Some("RoCE v2") && self.ipv4.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Port {
    pub num: u32,
    pub state: Option<String>,
    pub phys_state: Option<String>,
    pub link_layer: Option<String>,
    pub rate: Option<String>,
    pub rate_gbps: Option<f64>,
    pub gids: Vec<Gid>,
    /// `hw_counters/*` and `counters/*`, by file name.
    pub counters: BTreeMap<String, u64>,
}

impl Port {
    pub fn is_active(&self) -> bool {
        self.state.as_deref().is_some_and(|s| s.ends_with("ACTIVE"))
    }
    pub fn is_link_up(&self) -> bool {
        self.phys_state
            .as_deref()
            .is_some_and(|s| s.ends_with("LinkUp"))
    }
    pub fn is_roce(&self) -> bool {
        self.link_layer.as_deref() == Some("Ethernet")
    }
    /// The first RoCE v2 GID with an IPv4 address: what NCCL's auto-selection picks
    /// (`NCCL_IB_GID_INDEX=-1`, AF_INET, RoCE v2; NCCL `src/transport/net_ib`).
    pub fn auto_gid(&self) -> Option<&Gid> {
        self.gids.iter().find(|g| g.is_roce_v2_ipv4())
    }
    /// The netdev of the port's GIDs (all entries name the same one on RoCE).
    pub fn netdev(&self) -> Option<&str> {
        self.gids.iter().find_map(|g| g.ndev.as_deref())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Device {
    pub name: String,
    pub ports: Vec<Port>,
    /// Netdevs of the device's PCI function (`device/net/*`).
    pub netdevs: Vec<String>,
    /// Files and directories of the device that exist but could not be read (a link loop, a
    /// permission error, a device that vanished, a FIFO or an oversized attribute), each with
    /// its reason: the audit fails the device rather than show it with rows missing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Netdev {
    pub name: String,
    pub mtu: Option<u32>,
    pub operstate: Option<String>,
    /// `ecn/roce_np/enable/<prio>`; `None` when the directory does not exist.
    pub ecn_np: Option<BTreeMap<u8, bool>>,
    pub ecn_rp: Option<BTreeMap<u8, bool>>,
    /// As [`Device::unreadable`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Host {
    pub root: PathBuf,
    /// Whether `/sys/class/infiniband` exists at all.
    pub rdma_class: bool,
    pub devices: Vec<Device>,
    pub netdevs: BTreeMap<String, Netdev>,
    /// `/sys/class/infiniband` or `/sys/class/net` exist but could not be listed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<String>,
}

/// Reads under a root directory.
#[derive(Debug, Clone)]
pub struct Root(pub PathBuf);

/// Entries read from one sysfs directory: far above any host (8 PFs with 127 VFs each are
/// about 1k RDMA devices), so a broken or hostile tree cannot make the listing unbounded.
const MAX_DIR_ENTRIES: usize = 65_536;

/// What could not be read while discovering one device or netdev.
type Problems = Vec<String>;

/// Errors that mean "this attribute has no value here", not "this attribute is broken":
/// missing files, unused GID entries (EINVAL, per the ABI document), counters a driver does
/// not implement (EOPNOTSUPP, ENODATA).
fn is_absent(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::NotFound
        || matches!(
            e.raw_os_error(),
            Some(libc::EINVAL | libc::EOPNOTSUPP | libc::ENODATA)
        )
}

impl Root {
    pub fn path(&self, abs: &str) -> PathBuf {
        self.0.join(abs.trim_start_matches('/'))
    }

    /// The path as the host sees it, for messages.
    fn show(&self, p: &Path) -> String {
        match p.strip_prefix(&self.0) {
            Ok(rel) if self.0 != Path::new("/") => format!("/{}", rel.display()),
            _ => p.display().to_string(),
        }
    }

    /// An attribute's trimmed value; `None` when absent; a broken one is noted in `problems`.
    fn read(&self, p: &Path, problems: &mut Problems) -> Option<String> {
        match crate::bounded::read_string(p, crate::bounded::SYSFS) {
            Ok(s) => Some(s.trim().to_string()),
            Err(crate::bounded::ReadError::Io { source, .. }) if is_absent(&source) => None,
            Err(crate::bounded::ReadError::Io { source, .. }) => {
                problems.push(format!("`{}`: {source}", self.show(p)));
                None
            }
            Err(e @ crate::bounded::ReadError::NotUtf8 { .. }) => {
                problems.push(format!("`{}`: {e}", self.show(p)));
                None
            }
            Err(e) => {
                problems.push(
                    e.to_string()
                        .replace(&p.display().to_string(), &self.show(p)),
                );
                None
            }
        }
    }

    /// The entries of a directory in natural order; `[]` when it does not exist.
    fn names(&self, p: &Path, problems: &mut Problems) -> Vec<String> {
        let rd = match std::fs::read_dir(p) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
            Err(e) => {
                problems.push(format!("`{}`: {e}", self.show(p)));
                return Vec::new();
            }
        };
        let mut v = Vec::new();
        for e in rd {
            if v.len() == MAX_DIR_ENTRIES {
                problems.push(format!(
                    "`{}`: more than {MAX_DIR_ENTRIES} entries, the rest not read",
                    self.show(p)
                ));
                break;
            }
            match e {
                Ok(e) => {
                    if let Ok(name) = e.file_name().into_string() {
                        v.push(name);
                    }
                }
                Err(e) => {
                    problems.push(format!("`{}`: {e}", self.show(p)));
                    break;
                }
            }
        }
        v.sort_by_key(|a| natural(a));
        v
    }

    fn counters(&self, dir: &Path, out: &mut BTreeMap<String, u64>, problems: &mut Problems) {
        for n in self.names(dir, problems) {
            if let Some(v) = self
                .read(&dir.join(&n), problems)
                .and_then(|s| s.parse().ok())
            {
                out.insert(n, v);
            }
        }
    }
}

/// Sort key that puts `mlx5_2` before `mlx5_10`.
fn natural(s: &str) -> (String, u64) {
    let digits = s.len() - s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (head, tail) = s.split_at(s.len() - digits);
    (head.to_string(), tail.parse().unwrap_or(0))
}

/// `200 Gb/sec (4X HDR)` -> 200.
pub fn parse_rate(rate: &str) -> Option<f64> {
    rate.split_whitespace().next()?.parse().ok()
}

/// The IPv4 address of an IPv4-mapped GID.
pub fn gid_ipv4(gid: &str) -> Option<Ipv4Addr> {
    gid.parse::<Ipv6Addr>().ok()?.to_ipv4_mapped()
}

/// The active IB MTU a RoCE port gets from its netdev's MTU: the largest IB MTU that fits
/// after the RoCE headers (kernel `include/rdma/ib_verbs.h`, `iboe_get_mtu`: GRH 40 + UDP 8
/// + BTH 12 + XRC 4 + AtomicETH 28 + ICRC 4 = 96 bytes).
pub fn roce_active_mtu(netdev_mtu: u32) -> Option<u32> {
    let room = netdev_mtu.checked_sub(96)?;
    [4096, 2048, 1024, 512, 256]
        .into_iter()
        .find(|m| *m <= room)
}

/// Read everything fabric-check needs from the tree under `root`.
pub fn discover(root: &Root) -> Host {
    let ib = root.path("/sys/class/infiniband");
    let mut devices = Vec::new();
    // A class directory that cannot be listed is itself a failed device list.
    let mut class_problems = Problems::new();
    for name in root.names(&ib, &mut class_problems) {
        let dev_dir = ib.join(&name);
        let mut problems = Problems::new();
        let mut ports = Vec::new();
        let ports_dir = dev_dir.join("ports");
        let port_names = root.names(&ports_dir, &mut problems);
        if port_names.is_empty() && problems.is_empty() {
            problems.push(format!("`{}`: no ports", root.show(&ports_dir)));
        }
        for p in port_names {
            let Ok(num) = p.parse::<u32>() else { continue };
            let pd = ports_dir.join(&p);
            let mut gids = Vec::new();
            for i in root.names(&pd.join("gids"), &mut problems) {
                let Ok(index) = i.parse::<u32>() else {
                    continue;
                };
                let Some(gid) = root.read(&pd.join("gids").join(&i), &mut problems) else {
                    continue;
                };
                if gid.chars().all(|c| c == '0' || c == ':') {
                    continue;
                }
                gids.push(Gid {
                    index,
                    ipv4: gid_ipv4(&gid),
                    kind: root.read(&pd.join("gid_attrs/types").join(&i), &mut problems),
                    ndev: root.read(&pd.join("gid_attrs/ndevs").join(&i), &mut problems),
                    gid,
                });
            }
            let mut counters = BTreeMap::new();
            root.counters(&pd.join("counters"), &mut counters, &mut problems);
            root.counters(&pd.join("hw_counters"), &mut counters, &mut problems);
            let rate = root.read(&pd.join("rate"), &mut problems);
            ports.push(Port {
                num,
                state: root.read(&pd.join("state"), &mut problems),
                phys_state: root.read(&pd.join("phys_state"), &mut problems),
                link_layer: root.read(&pd.join("link_layer"), &mut problems),
                rate_gbps: rate.as_deref().and_then(parse_rate),
                rate,
                gids,
                counters,
            });
        }
        devices.push(Device {
            netdevs: root.names(&dev_dir.join("device/net"), &mut problems),
            name,
            ports,
            unreadable: problems,
        });
    }
    let net = root.path("/sys/class/net");
    let mut netdevs = BTreeMap::new();
    let mut net_problems = Problems::new();
    for name in root.names(&net, &mut net_problems) {
        let d = net.join(&name);
        let mut problems = Problems::new();
        let mut ecn = |kind: &str| {
            let dir = d.join("ecn").join(kind).join("enable");
            dir.is_dir().then(|| {
                root.names(&dir, &mut problems)
                    .iter()
                    .filter_map(|p| {
                        let prio = p.parse::<u8>().ok()?;
                        Some((prio, root.read(&dir.join(p), &mut problems)? == "1"))
                    })
                    .collect::<BTreeMap<u8, bool>>()
            })
        };
        let (ecn_np, ecn_rp) = (ecn("roce_np"), ecn("roce_rp"));
        netdevs.insert(
            name.clone(),
            Netdev {
                mtu: root
                    .read(&d.join("mtu"), &mut problems)
                    .and_then(|m| m.parse().ok()),
                operstate: root.read(&d.join("operstate"), &mut problems),
                ecn_np,
                ecn_rp,
                name,
                unreadable: problems,
            },
        );
    }
    class_problems.extend(net_problems);
    Host {
        root: root.0.clone(),
        rdma_class: ib.is_dir(),
        devices,
        netdevs,
        unreadable: class_problems,
    }
}

/// The counters of every port, keyed `dev/port`, for snapshots.
pub fn port_counters(host: &Host) -> BTreeMap<String, BTreeMap<String, u64>> {
    host.devices
        .iter()
        .flat_map(|d| {
            d.ports
                .iter()
                .map(move |p| (format!("{}/{}", d.name, p.num), p.counters.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_gids_and_mtus() {
        assert_eq!(parse_rate("200 Gb/sec (4X HDR)"), Some(200.0));
        assert_eq!(parse_rate("2.5 Gb/sec (1X SDR)"), Some(2.5));
        assert_eq!(
            gid_ipv4("0000:0000:0000:0000:0000:ffff:0a00:0101"),
            Some(Ipv4Addr::new(10, 0, 1, 1))
        );
        assert_eq!(gid_ipv4("fe80:0000:0000:0000:0ac0:ebff:fe00:0001"), None);
        assert_eq!(roce_active_mtu(9000), Some(4096));
        assert_eq!(roce_active_mtu(4200), Some(4096));
        assert_eq!(roce_active_mtu(4000), Some(2048));
        assert_eq!(roce_active_mtu(1500), Some(1024));
    }

    #[test]
    fn natural_order() {
        let mut v = vec!["mlx5_10", "mlx5_2", "mlx5_1"];
        v.sort_by_key(|a| natural(a));
        assert_eq!(v, ["mlx5_1", "mlx5_2", "mlx5_10"]);
    }
}
