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
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
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

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
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

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    pub name: String,
    pub ports: Vec<Port>,
    /// Netdevs of the device's PCI function (`device/net/*`).
    pub netdevs: Vec<String>,
    /// Files and directories of the device that exist but could not be read (a link loop, a
    /// permission error, a device that vanished, a FIFO or an oversized attribute), each with
    /// its reason: the audit fails the device rather than show it with rows missing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Netdev {
    pub name: String,
    pub mtu: Option<u32>,
    pub operstate: Option<String>,
    /// `ecn/roce_np/enable/<prio>`; `None` when the directory does not exist.
    pub ecn_np: Option<BTreeMap<u8, bool>>,
    pub ecn_rp: Option<BTreeMap<u8, bool>>,
    /// As [`Device::unreadable`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Host {
    pub root: PathBuf,
    /// Whether `/sys/class/infiniband` exists at all.
    pub rdma_class: bool,
    pub devices: Vec<Device>,
    pub netdevs: BTreeMap<String, Netdev>,
    /// `/sys/class/infiniband` or `/sys/class/net` exist but could not be listed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
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

/// One row of Mellanox's `show_gids` script (mlnx-tools `sbin/show_gids`): `DEV PORT INDEX
/// GID IPv4 VER DEV`, tab-separated as printed (the IPv4 column is empty for non-IPv4 GIDs),
/// or realigned with spaces when pasted.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShowGid {
    pub device: String,
    pub port: u32,
    pub gid: Gid,
}

/// Parse `show_gids` output (header, `---` rule and `n_gids_found=N` footer skipped). Rows
/// that do not have at least device, port, index and GID are left out.
pub fn parse_show_gids(text: &str) -> Vec<ShowGid> {
    let mut out = Vec::new();
    for line in text.lines() {
        let t: Vec<&str> = line.split_whitespace().collect();
        if t.len() < 4 || t[0] == "DEV" || t[0].starts_with("---") {
            continue;
        }
        let (Ok(port), Ok(index)) = (t[1].parse::<u32>(), t[2].parse::<u32>()) else {
            continue;
        };
        let gid = t[3];
        if !gid.contains(':') || gid.chars().all(|c| c == '0' || c == ':') {
            continue;
        }
        let mut rest = &t[4..];
        let ipv4 = match rest.first().and_then(|v| v.parse::<Ipv4Addr>().ok()) {
            Some(a) => {
                rest = &rest[1..];
                Some(a)
            }
            None => gid_ipv4(gid),
        };
        let (kind, ndev) = match rest {
            [ver, ndev, ..] if ver.starts_with('v') => (roce_kind(ver), Some(ndev.to_string())),
            [ver] if ver.starts_with('v') => (roce_kind(ver), None),
            _ => (None, None),
        };
        out.push(ShowGid {
            device: t[0].to_string(),
            port,
            gid: Gid {
                index,
                gid: gid.to_string(),
                kind,
                ndev,
                ipv4,
            },
        });
    }
    out
}

/// `show_gids`'s `VER` column as sysfs writes the GID type.
fn roce_kind(ver: &str) -> Option<String> {
    match ver {
        "v2" => Some("RoCE v2".into()),
        "v1" => Some("IB/RoCE v1".into()),
        _ => None,
    }
}

/// Add what `show_gids` printed to the host read from sysfs: GIDs of a port that sysfs gave
/// none for, and the type and netdev of GIDs whose `gid_attrs` could not be read (a
/// container that sees `gids/` but not `gid_attrs/`). Rows of devices or ports sysfs does not
/// have are returned (they cannot be checked without the port's state).
pub fn merge_show_gids(host: &mut Host, rows: &[ShowGid]) -> Vec<ShowGid> {
    let mut unmatched = Vec::new();
    for r in rows {
        let Some(port) = host
            .devices
            .iter_mut()
            .find(|d| d.name == r.device)
            .and_then(|d| d.ports.iter_mut().find(|p| p.num == r.port))
        else {
            unmatched.push(r.clone());
            continue;
        };
        match port.gids.iter_mut().find(|g| g.index == r.gid.index) {
            Some(g) => {
                if g.kind.is_none() {
                    g.kind.clone_from(&r.gid.kind);
                }
                if g.ndev.is_none() {
                    g.ndev.clone_from(&r.gid.ndev);
                }
                if g.ipv4.is_none() {
                    g.ipv4 = r.gid.ipv4;
                }
            }
            None => {
                port.gids.push(r.gid.clone());
                port.gids.sort_by_key(|g| g.index);
            }
        }
    }
    unmatched
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
    fn show_gids_fixture(name: &str) -> String {
        let p = format!(
            "{}/tests/fixtures/fabric/outputs/show_gids/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
    }

    /// NVIDIA/nccl#1573 (tab-separated, as the script prints) and openucx/ucx#9484 (pasted
    /// with spaces).
    #[test]
    fn show_gids_outputs_parse() {
        let rows = parse_show_gids(&show_gids_fixture("macvlan-pod-nccl-1573.txt"));
        assert_eq!(rows.len(), 8);
        let r = &rows[3];
        assert_eq!((r.device.as_str(), r.port, r.gid.index), ("mlx5_0", 1, 7));
        assert_eq!(r.gid.kind.as_deref(), Some("RoCE v2"));
        assert_eq!(r.gid.ndev.as_deref(), Some("net1"));
        assert_eq!(r.gid.ipv4, Some(Ipv4Addr::new(10, 152, 0, 12)));
        assert_eq!(rows[1].gid.ipv4, None, "a link-local GID has no IPv4");
        assert_eq!(rows[1].gid.kind.as_deref(), Some("RoCE v2"));

        let rows = parse_show_gids(&show_gids_fixture("bond-vxlan-ucx-9484.txt"));
        assert_eq!(rows.len(), 6);
        let port = Port {
            num: 1,
            state: None,
            phys_state: None,
            link_layer: Some("Ethernet".into()),
            rate: None,
            rate_gbps: None,
            gids: rows.iter().map(|r| r.gid.clone()).collect(),
            counters: BTreeMap::new(),
        };
        // NCCL's auto-selection takes the first RoCE v2 IPv4 GID: the vxlan's, not bond1's.
        let g = port.auto_gid().expect("a v2 IPv4 GID");
        assert_eq!((g.index, g.ndev.as_deref()), (3, Some("b3.vxlan.30100")));
    }

    #[test]
    fn show_gids_fill_in_what_sysfs_does_not_show() {
        let mut host = Host {
            root: PathBuf::from("/"),
            rdma_class: true,
            unreadable: vec![],
            devices: vec![Device {
                name: "mlx5_0".into(),
                unreadable: vec![],
                netdevs: vec![],
                ports: vec![Port {
                    num: 1,
                    state: Some("4: ACTIVE".into()),
                    phys_state: Some("5: LinkUp".into()),
                    link_layer: Some("Ethernet".into()),
                    rate: None,
                    rate_gbps: None,
                    // A container that can read gids/ but not gid_attrs/.
                    gids: vec![Gid {
                        index: 7,
                        gid: "0000:0000:0000:0000:0000:ffff:0a98:000c".into(),
                        kind: None,
                        ndev: None,
                        ipv4: Some(Ipv4Addr::new(10, 152, 0, 12)),
                    }],
                    counters: BTreeMap::new(),
                }],
            }],
            netdevs: BTreeMap::new(),
        };
        assert!(host.devices[0].ports[0].auto_gid().is_none());
        let rows = parse_show_gids(&show_gids_fixture("macvlan-pod-nccl-1573.txt"));
        let left = merge_show_gids(&mut host, &rows);
        assert_eq!(left.len(), 4, "mlx5_1 is not in this host's sysfs");
        let p = &host.devices[0].ports[0];
        assert_eq!(p.gids.len(), 4);
        assert_eq!(p.auto_gid().map(|g| g.index), Some(7));
    }

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
