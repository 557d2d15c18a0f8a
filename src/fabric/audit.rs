//! Facts about a host -> checks with verdicts (pure).

use std::collections::BTreeMap;

use super::qos::MlnxQos;
use super::sysfs::{Device, Host, Port, roce_active_mtu};
use crate::check::{Check, Level};

/// What the site expects (site config `fabric:`; defaults in [`Expect::default`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    /// The priority that carries RoCE traffic losslessly (PFC on, ECN on).
    pub lossless_priority: u8,
    /// The DSCP RoCE traffic is marked with (`NCCL_IB_TC` = DSCP << 2 | ECN bits).
    pub roce_dscp: u8,
    /// The link rate every port should train at, in Gb/s.
    pub rate_gbps: Option<f64>,
}

impl Default for Expect {
    fn default() -> Self {
        Self {
            lossless_priority: 3,
            roce_dscp: 26,
            rate_gbps: None,
        }
    }
}

/// The QoS of a netdev as far as it could be learnt.
#[derive(Debug, Clone, PartialEq)]
pub enum QosFacts {
    Known {
        /// The command that printed it, for evidence.
        source: String,
        qos: MlnxQos,
    },
    /// Why it is not known (tool missing, failed...).
    Unknown(String),
}

/// An NCCL setting and where it came from (`environment`, `/etc/nccl.conf`, `spec x.yaml`).
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub value: String,
    pub source: String,
}

/// The NCCL settings that decide which devices, GIDs, traffic class and interfaces are used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NcclConfig {
    pub ib_hca: Option<Setting>,
    pub gid_index: Option<Setting>,
    pub ib_tc: Option<Setting>,
    pub socket_ifname: Option<Setting>,
}

/// `KEY=VALUE` lines of an `nccl.conf` (`#` starts a comment).
pub fn parse_nccl_conf(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter_map(|l| {
            let (k, v) = l.split_once('=')?;
            Some((k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

/// An NCCL interface/device filter (`NCCL_IB_HCA`, `NCCL_SOCKET_IFNAME`): a comma list of
/// prefixes; a leading `^` excludes, a leading `=` asks for exact names; `dev:port` entries
/// name a port (NCCL `src/misc/utils.cc`, `parseStringList`/`matchIfList`).
#[derive(Debug, Clone, PartialEq)]
pub struct NameFilter {
    pub exclude: bool,
    pub exact: bool,
    pub entries: Vec<(String, Option<u32>)>,
}

impl NameFilter {
    pub fn parse(text: &str) -> Self {
        let mut t = text.trim();
        let exclude = t.starts_with('^');
        t = t.trim_start_matches('^');
        let exact = t.starts_with('=');
        t = t.trim_start_matches('=');
        let entries = t
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| match e.split_once(':') {
                Some((n, p)) => (n.to_string(), p.parse().ok()),
                None => (e.to_string(), None),
            })
            .collect();
        Self {
            exclude,
            exact,
            entries,
        }
    }

    fn entry_matches(&self, entry: &(String, Option<u32>), name: &str, port: Option<u32>) -> bool {
        let name_ok = if self.exact {
            name == entry.0
        } else {
            name.starts_with(&entry.0)
        };
        name_ok && (entry.1.is_none() || port.is_none() || entry.1 == port)
    }

    /// Whether NCCL would use this name (and port).
    pub fn selects(&self, name: &str, port: Option<u32>) -> bool {
        let any = self
            .entries
            .iter()
            .any(|e| self.entry_matches(e, name, port));
        any != self.exclude
    }

    /// Entries that match nothing among `names` (typos).
    pub fn unmatched<'a>(&'a self, names: &[&str]) -> Vec<&'a str> {
        self.entries
            .iter()
            .filter(|e| !names.iter().any(|n| self.entry_matches(e, n, None)))
            .map(|e| e.0.as_str())
            .collect()
    }
}

/// The facts one audit looks at.
#[derive(Debug, Clone)]
pub struct Facts {
    pub host: Host,
    /// By netdev name, for RoCE netdevs.
    pub qos: BTreeMap<String, QosFacts>,
    pub nccl: NcclConfig,
    /// InfiniBand ports (`dev/port`): the active MTU from `ibv_devinfo`, or why not known.
    pub ib_mtu: BTreeMap<String, Result<u32, String>>,
}

fn port_path(dev: &Device, p: &Port, file: &str) -> String {
    format!("/sys/class/infiniband/{}/ports/{}/{file}", dev.name, p.num)
}

/// Every check of the local audit, in a stable order: host, then each port, then NCCL.
/// Names listed in one detail line; more are counted ("... and 990 more").
const LISTED_NAMES: usize = 32;

/// `a, b, c` or `a, b, ... and 5 more`.
fn list_some(names: &[&str], max: usize) -> String {
    if names.len() <= max {
        names.join(", ")
    } else {
        format!(
            "{}, ... and {} more",
            names[..max].join(", "),
            names.len() - max
        )
    }
}

/// Evidence lines kept per unreadable subject: a broken tree of thousands of files is
/// summarised, not listed whole.
const UNREADABLE_EVIDENCE: usize = 8;

/// A failed `sysfs-read` check for files that exist but could not be read.
fn unreadable_check(subject: &str, problems: &[String]) -> Check {
    let mut c = Check::new(
        "sysfs-read",
        subject,
        Level::Fail,
        format!(
            "{} sysfs path(s) could not be read: the checks of this subject are incomplete",
            problems.len()
        ),
    )
    .hint("a link loop, a permission error or a device that vanished while it was read: check `ls -lL` of the paths, the driver (`dmesg`) and run again");
    for p in problems.iter().take(UNREADABLE_EVIDENCE) {
        c = c.evidence(p.clone());
    }
    if problems.len() > UNREADABLE_EVIDENCE {
        c = c.evidence(format!(
            "... and {} more",
            problems.len() - UNREADABLE_EVIDENCE
        ));
    }
    c
}

pub fn audit(f: &Facts, e: &Expect) -> Vec<Check> {
    let mut out = Vec::new();
    let h = &f.host;
    // No silent passes: whatever exists but cannot be read is a failed check with its reason.
    if !h.unreadable.is_empty() {
        out.push(unreadable_check("host", &h.unreadable));
    }
    for d in &h.devices {
        if !d.unreadable.is_empty() {
            out.push(unreadable_check(&d.name, &d.unreadable));
        }
    }
    // Only the netdevs of RDMA devices matter here (not `lo`, bridges or veths).
    let used: std::collections::BTreeSet<&str> = h
        .devices
        .iter()
        .flat_map(|d| {
            d.netdevs
                .iter()
                .map(String::as_str)
                .chain(d.ports.iter().filter_map(Port::netdev))
        })
        .collect();
    for n in used.iter().filter_map(|n| h.netdevs.get(*n)) {
        if !n.unreadable.is_empty() {
            out.push(unreadable_check(&n.name, &n.unreadable));
        }
    }
    if h.devices.is_empty() {
        let why = if h.rdma_class {
            "`/sys/class/infiniband` is empty"
        } else {
            "there is no `/sys/class/infiniband`"
        };
        out.push(
            Check::new("rdma-devices", "host", Level::Fail, format!("no RDMA device: {why}"))
                .evidence(format!("{} (sysfs root)", h.root.display()))
                .hint("load the RDMA driver (`modprobe mlx5_ib` / `ib_core`) or check the NIC; `ibv_devices` lists devices"),
        );
        return out;
    }
    let names: Vec<&str> = h.devices.iter().map(|d| d.name.as_str()).collect();
    out.push(Check::new(
        "rdma-devices",
        "host",
        Level::Pass,
        format!(
            "{} RDMA device(s): {}",
            names.len(),
            list_some(&names, LISTED_NAMES)
        ),
    ));
    let max_rate = h
        .devices
        .iter()
        .flat_map(|d| &d.ports)
        .filter(|p| p.is_active())
        .filter_map(|p| p.rate_gbps)
        .fold(None, |m: Option<f64>, r| Some(m.map_or(r, |m| m.max(r))));
    for d in &h.devices {
        for p in &d.ports {
            port_checks(f, e, d, p, max_rate, &mut out);
        }
    }
    nccl_checks(f, e, &mut out);
    out
}

fn port_checks(
    f: &Facts,
    e: &Expect,
    d: &Device,
    p: &Port,
    max_rate: Option<f64>,
    out: &mut Vec<Check>,
) {
    let subject = format!("{}/{}", d.name, p.num);
    let state = p.state.as_deref().unwrap_or("?");
    let phys = p.phys_state.as_deref().unwrap_or("?");
    let ev_state = format!("{} = {state}", port_path(d, p, "state"));
    let ev_phys = format!("{} = {phys}", port_path(d, p, "phys_state"));
    if p.is_active() && p.is_link_up() {
        out.push(Check::new(
            "port-state",
            &subject,
            Level::Pass,
            format!("{state}, {phys}"),
        ));
    } else {
        out.push(
            Check::new("port-state", &subject, Level::Fail, format!("port is {state}, {phys}; expected ACTIVE, LinkUp"))
                .evidence(ev_state)
                .evidence(ev_phys)
                .hint(format!("check the cable, the switch port and `ibstat {} {}`; on RoCE also `ip link show` of its netdev", d.name, p.num)),
        );
    }
    let ll = p.link_layer.as_deref().unwrap_or("unknown");
    let (ll_level, ll_text) = match ll {
        "Ethernet" => (Level::Pass, "Ethernet (RoCE)".to_string()),
        "InfiniBand" => (Level::Pass, "InfiniBand".to_string()),
        other => (Level::Unknown, format!("link layer `{other}`")),
    };
    out.push(
        Check::new("link-layer", &subject, ll_level, ll_text)
            .evidence(format!("{} = {ll}", port_path(d, p, "link_layer"))),
    );
    // Rate: against the site's expectation, else against the fastest active port.
    let rate_text = p.rate.as_deref().unwrap_or("unknown");
    let ev_rate = format!("{} = {rate_text}", port_path(d, p, "rate"));
    let rate_check = match (p.rate_gbps, e.rate_gbps, max_rate) {
        (None, _, _) => Check::new("rate", &subject, Level::Unknown, "no rate in sysfs").evidence(ev_rate),
        (Some(r), Some(want), _) if r + 1e-9 < want => Check::new(
            "rate",
            &subject,
            if p.is_active() { Level::Fail } else { Level::Warn },
            format!("{rate_text}, expected {want} Gb/sec"),
        )
        .evidence(ev_rate)
        .hint("the link trained below its speed: check the cable/transceiver and the switch port speed"),
        (Some(_), Some(want), _) => Check::new("rate", &subject, Level::Pass, format!("{rate_text} (expected {want} Gb/sec)")),
        (Some(r), None, Some(m)) if p.is_active() && r + 1e-9 < m => Check::new(
            "rate",
            &subject,
            Level::Warn,
            format!("{rate_text}, slower than the fastest port on this host ({m} Gb/sec)"),
        )
        .evidence(ev_rate)
        .hint("set `fabric.expectedRateGbps` in the site config to check against the design rate"),
        (Some(_), None, _) => Check::new("rate", &subject, Level::Pass, rate_text.to_string()),
    };
    out.push(rate_check);
    let netdev = p
        .netdev()
        .map(str::to_string)
        .or_else(|| d.netdevs.first().cloned());
    let nd = netdev.as_deref().and_then(|n| f.host.netdevs.get(n));
    // Netdev mapping.
    match (&netdev, nd) {
        (Some(n), Some(nd)) => {
            let up = nd.operstate.as_deref().unwrap_or("unknown");
            let mtu = nd.mtu.map_or("?".into(), |m| m.to_string());
            let c = Check::new("netdev", &subject, if up == "up" || !p.is_roce() { Level::Pass } else { Level::Warn }, format!("{n} (operstate {up}, mtu {mtu})"));
            out.push(if c.level == Level::Pass {
                c
            } else {
                c.evidence(format!("/sys/class/net/{n}/operstate = {up}"))
                    .hint(format!("bring the interface up: `ip link set {n} up`"))
            });
        }
        (Some(n), None) => out.push(
            Check::new("netdev", &subject, if p.is_roce() { Level::Fail } else { Level::Unknown }, format!("GIDs name netdev `{n}`, which is not in /sys/class/net"))
                .hint("the RoCE netdev is missing (renamed, or in another network namespace)"),
        ),
        (None, _) => out.push(
            Check::new("netdev", &subject, if p.is_roce() { Level::Fail } else { Level::Unknown }, "no netdev for this port")
                .evidence(format!("/sys/class/infiniband/{}/device/net/ is empty or missing", d.name))
                .hint("a RoCE port needs its Ethernet netdev: check the mlx5_core driver and `rdma link show`"),
        ),
    }
    if !p.is_roce() {
        // InfiniBand: the active MTU is not in sysfs (`ibv_devinfo` says it); QoS, GIDs and
        // NCCL_IB_TC are RoCE things.
        let how = format!("ibv_devinfo -d {} -i {}", d.name, p.num);
        out.push(match f.ib_mtu.get(&format!("{}/{}", d.name, p.num)) {
            Some(Ok(4096)) => Check::new("mtu", &subject, Level::Pass, "active IB MTU 4096"),
            Some(Ok(m)) => Check::new(
                "mtu",
                &subject,
                Level::Warn,
                format!("active IB MTU {m}, expected 4096"),
            )
            .evidence(format!("`{how}`: active_mtu: {m}"))
            .hint("the subnet manager sets the IB MTU: check the partition's MTU in the SM configuration (e.g. `mtu=5` in OpenSM partitions.conf)"),
            Some(Err(why)) => Check::new("mtu", &subject, Level::Unknown, why.clone())
                .hint(format!("`{how}` shows `active_mtu` (want 4096)")),
            None => Check::new(
                "mtu",
                &subject,
                Level::Unknown,
                "the active IB MTU is not in sysfs for InfiniBand ports",
            )
            .hint(format!("`{how}` shows `active_mtu` (want 4096)")),
        });
        return;
    }
    // MTU: the netdev's and the IB MTU RoCE derives from it.
    match nd.and_then(|n| n.mtu) {
        Some(mtu) => {
            let active = roce_active_mtu(mtu);
            let a = active.map_or("none".into(), |a| a.to_string());
            let ok = active == Some(4096);
            let c = Check::new(
                "mtu",
                &subject,
                if ok { Level::Pass } else { Level::Warn },
                format!("netdev mtu {mtu}, active IB MTU {a}"),
            );
            out.push(if ok {
                c
            } else {
                c.evidence(format!("/sys/class/net/{}/mtu = {mtu}", netdev.as_deref().unwrap_or("?")))
                    .hint("RoCE uses a 4096-byte IB MTU only when the netdev MTU is at least 4192 (e.g. 9000): `ip link set IF mtu 9000`, and the same on the switch")
            });
        }
        None => out.push(Check::new(
            "mtu",
            &subject,
            Level::Unknown,
            "netdev MTU unknown",
        )),
    }
    // RoCE v2 GID on IPv4.
    match p.auto_gid() {
        Some(g) => out.push(Check::new(
            "roce-v2-gid",
            &subject,
            Level::Pass,
            format!(
                "index {}: {} (RoCE v2, IPv4 {}{})",
                g.index,
                g.gid,
                g.ipv4.map_or(String::new(), |a| a.to_string()),
                g.ndev
                    .as_deref()
                    .map_or(String::new(), |n| format!(", {n}"))
            ),
        )),
        None => {
            let mut c = Check::new("roce-v2-gid", &subject, Level::Fail, "no RoCE v2 GID with an IPv4 address")
                .hint(format!(
                    "give {} an IPv4 address (the RoCE v2 GID follows it); `show_gids {}` lists the table",
                    netdev.as_deref().unwrap_or("the port's netdev"),
                    d.name
                ));
            for g in &p.gids {
                c = c.evidence(format!(
                    "gids/{} = {} ({})",
                    g.index,
                    g.gid,
                    g.kind.as_deref().unwrap_or("type unreadable")
                ));
            }
            if p.gids.is_empty() {
                c = c.evidence(format!("{}: no non-zero GID", port_path(d, p, "gids/")));
            }
            out.push(c);
        }
    }
    let Some(n) = netdev else { return };
    qos_checks(f, e, &subject, &n, out);
}

fn qos_checks(f: &Facts, e: &Expect, port: &str, netdev: &str, out: &mut Vec<Check>) {
    let subject = format!("{port} ({netdev})");
    let prio = e.lossless_priority;
    match f.qos.get(netdev) {
        Some(QosFacts::Known { source, qos }) => {
            // From iproute2's `dcb` instead of `mlnx_qos`: other fixes, no trust state.
            let dcb = source.starts_with("dcb");
            match qos.trust.as_deref() {
                Some("dscp") => out.push(Check::new("trust", &subject, Level::Pass, "dscp")),
                Some(t) => out.push(
                    Check::new(
                        "trust",
                        &subject,
                        Level::Fail,
                        format!("trust {t}: the DSCP of RoCE packets is ignored"),
                    )
                    .evidence(format!("{source}: Priority trust state: {t}"))
                    .hint(format!("`mlnx_qos -i {netdev} --trust dscp`")),
                ),
                None if dcb => out.push(
                    Check::new(
                        "trust",
                        &subject,
                        Level::Unknown,
                        "`dcb` does not show the trust state",
                    )
                    .hint(format!(
                        "iproute2 >= 6.2: `dcb apptrust show dev {netdev}` (want dscp first); or `mlnx_qos -i {netdev}`"
                    )),
                ),
                None => out.push(Check::new(
                    "trust",
                    &subject,
                    Level::Unknown,
                    format!("no trust state in `{source}`"),
                )),
            }
            let want: Vec<String> = (0..8)
                .map(|i| if i == prio { "1" } else { "0" }.to_string())
                .collect();
            let fix = if dcb {
                format!("`dcb pfc set dev {netdev} prio-pfc all:off {prio}:on`")
            } else {
                format!("`mlnx_qos -i {netdev} --pfc {}`", want.join(","))
            };
            match qos.pfc_priorities() {
                Some(on) if on == [prio] => out.push(Check::new(
                    "pfc",
                    &subject,
                    Level::Pass,
                    format!("PFC on priority {prio} only"),
                )),
                Some(on) => {
                    let list = if on.is_empty() {
                        "none".to_string()
                    } else {
                        on.iter().map(u8::to_string).collect::<Vec<_>>().join(",")
                    };
                    let level = if on.contains(&prio) {
                        Level::Warn
                    } else {
                        Level::Fail
                    };
                    let row: Vec<String> = qos
                        .pfc
                        .iter()
                        .flatten()
                        .map(|b| u8::from(*b).to_string())
                        .collect();
                    out.push(
                        Check::new(
                            "pfc",
                            &subject,
                            level,
                            format!(
                                "PFC on {} {list}, expected only {prio}",
                                if on.len() == 1 {
                                    "priority"
                                } else {
                                    "priorities"
                                }
                            ),
                        )
                        .evidence(if dcb {
                            let row: Vec<String> = qos
                                .pfc
                                .iter()
                                .flatten()
                                .enumerate()
                                .map(|(i, on)| format!("{i}:{}", if *on { "on" } else { "off" }))
                                .collect();
                            format!("{source}: prio-pfc {}", row.join(" "))
                        } else {
                            format!("{source}: PFC enabled {}", row.join(" "))
                        })
                        .hint(fix),
                    );
                }
                None => out.push(Check::new(
                    "pfc",
                    &subject,
                    Level::Unknown,
                    format!("no PFC configuration in `{source}`"),
                )),
            }
            match qos.dscp2prio.get(&e.roce_dscp) {
                Some(p) if *p == prio => out.push(Check::new(
                    "dscp-map",
                    &subject,
                    Level::Pass,
                    format!("DSCP {} -> priority {prio}", e.roce_dscp),
                )),
                Some(p) => out.push(
                    Check::new(
                        "dscp-map",
                        &subject,
                        Level::Fail,
                        format!("DSCP {} -> priority {p}, expected {prio}", e.roce_dscp),
                    )
                    .evidence(if dcb {
                        format!("dcb -N app show dev {netdev} dscp-prio: {}:{p}", e.roce_dscp)
                    } else {
                        format!("{source}: prio:{p} dscp:...{}...", e.roce_dscp)
                    })
                    .hint(if dcb {
                        format!(
                            "`dcb app replace dev {netdev} dscp-prio {}:{prio}`",
                            e.roce_dscp
                        )
                    } else {
                        format!(
                            "`mlnx_qos -i {netdev} --dscp2prio set,{},{prio}`",
                            e.roce_dscp
                        )
                    }),
                ),
                None if dcb => out.push(
                    Check::new(
                        "dscp-map",
                        &subject,
                        Level::Unknown,
                        format!(
                            "no DSCP rule for {} in `dcb -N app show dev {netdev} dscp-prio`: the NIC's default map applies (DSCP/8 on mlx5, i.e. {})",
                            e.roce_dscp,
                            e.roce_dscp / 8
                        ),
                    )
                    .hint(format!(
                        "make it explicit: `dcb app add dev {netdev} dscp-prio {}:{prio}`",
                        e.roce_dscp
                    )),
                ),
                None => out.push(Check::new(
                    "dscp-map",
                    &subject,
                    Level::Unknown,
                    format!("no dscp2prio mapping in `{source}`"),
                )),
            }
        }
        Some(QosFacts::Unknown(why)) => {
            for check in ["trust", "pfc", "dscp-map"] {
                out.push(
                    Check::new(check, &subject, Level::Unknown, why.clone())
                        .hint("install NVIDIA's `mlnx_qos` (MLNX_OFED/DOCA `mlnx-tools`) or iproute2's `dcb`, or set `fabric.toolDir`"),
                );
            }
        }
        None => {}
    }
    // ECN/DCQCN on the lossless priority.
    let nd = f.host.netdevs.get(netdev);
    let np = nd.and_then(|n| n.ecn_np.as_ref());
    let rp = nd.and_then(|n| n.ecn_rp.as_ref());
    let base = format!("/sys/class/net/{netdev}/ecn");
    match (np, rp) {
        (None, None) => out.push(
            Check::new("ecn", &subject, Level::Unknown, "no ECN sysfs (inbox driver?): cannot tell whether DCQCN is on")
                .evidence(format!("{base}/ does not exist"))
                .hint("MLNX_OFED/DOCA drivers expose `ecn/roce_np|roce_rp/enable/<prio>`; otherwise check with the NIC vendor's tools"),
        ),
        _ => {
            let get = |m: Option<&BTreeMap<u8, bool>>| m.and_then(|m| m.get(&prio)).copied();
            let (n, r) = (get(np), get(rp));
            let show = |v: Option<bool>| v.map_or("missing", |b| if b { "1" } else { "0" });
            let c = Check::new(
                "ecn",
                &subject,
                match (n, r) {
                    (Some(true), Some(true)) => Level::Pass,
                    (Some(false), _) | (_, Some(false)) => Level::Fail,
                    _ => Level::Unknown,
                },
                match (n, r) {
                    (Some(true), Some(true)) => format!("ECN on for priority {prio} (notification and reaction point)"),
                    _ => format!("ECN for priority {prio}: roce_np {}, roce_rp {}", show(n), show(r)),
                },
            );
            out.push(if c.level == Level::Pass {
                c
            } else {
                c.evidence(format!("{base}/roce_np/enable/{prio} = {}", show(n)))
                    .evidence(format!("{base}/roce_rp/enable/{prio} = {}", show(r)))
                    .hint(format!("`echo 1 > {base}/roce_np/enable/{prio}; echo 1 > {base}/roce_rp/enable/{prio}` (and persist it)"))
            });
        }
    }
}

fn nccl_checks(f: &Facts, e: &Expect, out: &mut Vec<Check>) {
    let h = &f.host;
    let n = &f.nccl;
    let dev_names: Vec<&str> = h.devices.iter().map(|d| d.name.as_str()).collect();
    // The ports NCCL would use.
    let hca = n.ib_hca.as_ref().map(|s| (s, NameFilter::parse(&s.value)));
    let selected: Vec<(&Device, &Port)> = h
        .devices
        .iter()
        .flat_map(|d| d.ports.iter().map(move |p| (d, p)))
        .filter(|(d, p)| {
            hca.as_ref()
                .is_none_or(|(_, f)| f.selects(&d.name, Some(p.num)))
        })
        .collect();
    match &hca {
        None => out.push(Check::new(
            "nccl-ib-hca",
            "host",
            Level::Pass,
            "NCCL_IB_HCA unset: NCCL uses every active device",
        )),
        Some((s, filter)) => {
            let active: Vec<String> = selected
                .iter()
                .filter(|(_, p)| p.is_active())
                .map(|(d, p)| format!("{}/{}", d.name, p.num))
                .collect();
            let typos = if filter.exclude {
                Vec::new()
            } else {
                filter.unmatched(&dev_names)
            };
            let ev = format!("NCCL_IB_HCA={} ({})", s.value, s.source);
            if active.is_empty() {
                out.push(
                    Check::new("nccl-ib-hca", "host", Level::Fail, "NCCL_IB_HCA selects no active port: NCCL falls back to sockets")
                        .evidence(ev)
                        .evidence(format!("devices: {}", dev_names.join(", ")))
                        .hint("list this host's devices (`ibv_devices`), e.g. `NCCL_IB_HCA==mlx5_0,mlx5_1`"),
                );
            } else if !typos.is_empty() {
                out.push(
                    Check::new(
                        "nccl-ib-hca",
                        "host",
                        Level::Warn,
                        format!("entries match no device: {}", typos.join(", ")),
                    )
                    .evidence(ev)
                    .hint("remove or correct the entries; NCCL ignores them silently"),
                );
            } else {
                out.push(
                    Check::new(
                        "nccl-ib-hca",
                        "host",
                        Level::Pass,
                        format!("selects {}", active.join(", ")),
                    )
                    .evidence(ev),
                );
            }
        }
    }
    let roce: Vec<&(&Device, &Port)> = selected.iter().filter(|(_, p)| p.is_roce()).collect();
    // GID index.
    let gid_setting = n.gid_index.as_ref().filter(|s| s.value.trim() != "-1");
    if roce.is_empty() {
        out.push(Check::new(
            "nccl-gid-index",
            "host",
            Level::Pass,
            "no RoCE port selected: GID index not used",
        ));
    } else {
        match gid_setting {
            None => {
                let picks: Vec<String> = roce
                    .iter()
                    .map(|(d, p)| {
                        format!(
                            "{}/{}: {}",
                            d.name,
                            p.num,
                            p.auto_gid().map_or("none".into(), |g| g.index.to_string())
                        )
                    })
                    .collect();
                let none = roce.iter().any(|(_, p)| p.auto_gid().is_none());
                let c = Check::new(
                    "nccl-gid-index",
                    "host",
                    if none { Level::Fail } else { Level::Pass },
                    format!(
                        "NCCL_IB_GID_INDEX unset: NCCL's auto-selection picks the RoCE v2 IPv4 GID ({})",
                        picks.join(", ")
                    ),
                );
                out.push(if none {
                    c.hint("a port has no RoCE v2 IPv4 GID (see `roce-v2-gid`)")
                } else {
                    c
                });
            }
            Some(s) => match s.value.trim().parse::<u32>() {
                Err(_) => out.push(
                    Check::new(
                        "nccl-gid-index",
                        "host",
                        Level::Fail,
                        format!("NCCL_IB_GID_INDEX=`{}` is not a number", s.value),
                    )
                    .evidence(s.source.clone())
                    .hint("set a GID index (e.g. 3) or -1 for NCCL's auto-selection"),
                ),
                Ok(i) => {
                    let bad: Vec<String> = roce
                        .iter()
                        .filter(|(_, p)| {
                            !p.gids.iter().any(|g| g.index == i && g.is_roce_v2_ipv4())
                        })
                        .map(|(d, p)| {
                            let what = p
                                .gids
                                .iter()
                                .find(|g| g.index == i)
                                .map_or("empty".to_string(), |g| {
                                    format!("{} {}", g.gid, g.kind.as_deref().unwrap_or("?"))
                                });
                            format!("{}/{} gids/{i} = {what}", d.name, p.num)
                        })
                        .collect();
                    let ev = format!("NCCL_IB_GID_INDEX={i} ({})", s.source);
                    if bad.is_empty() {
                        out.push(
                            Check::new(
                                "nccl-gid-index",
                                "host",
                                Level::Pass,
                                format!("index {i} is a RoCE v2 IPv4 GID on every selected port"),
                            )
                            .evidence(ev),
                        );
                    } else {
                        let auto: Vec<String> = roce
                            .iter()
                            .filter_map(|(d, p)| {
                                Some(format!("{}/{}: {}", d.name, p.num, p.auto_gid()?.index))
                            })
                            .collect();
                        let mut c = Check::new("nccl-gid-index", "host", Level::Fail, format!("index {i} is not a RoCE v2 IPv4 GID on {} port(s)", bad.len()))
                            .evidence(ev)
                            .hint(format!("use the RoCE v2 IPv4 index ({}) or unset it / -1 for NCCL's auto-selection", if auto.is_empty() { "none found".into() } else { auto.join(", ") }));
                        for b in bad {
                            c = c.evidence(b);
                        }
                        out.push(c);
                    }
                }
            },
        }
    }
    // Traffic class.
    if !roce.is_empty() {
        let prio = e.lossless_priority;
        let map_of = |dscp: u8| -> Option<u8> {
            f.qos.values().find_map(|q| match q {
                QosFacts::Known { qos, .. } => qos.dscp2prio.get(&dscp).copied(),
                QosFacts::Unknown(_) => None,
            })
        };
        match &n.ib_tc {
            None => out.push(
                Check::new("nccl-ib-tc", "host", Level::Warn, "NCCL_IB_TC unset: NCCL's RoCE traffic is sent with DSCP 0, not on the lossless priority")
                    .hint(format!("set NCCL_IB_TC={} (DSCP {} << 2 | ECT(0))", u32::from(e.roce_dscp) * 4 + 2, e.roce_dscp)),
            ),
            Some(s) => match s.value.trim().parse::<u8>() {
                Err(_) => out.push(
                    Check::new("nccl-ib-tc", "host", Level::Fail, format!("NCCL_IB_TC=`{}` is not a number 0-255", s.value))
                        .evidence(s.source.clone())
                        .hint(format!("NCCL_IB_TC={}", u32::from(e.roce_dscp) * 4 + 2)),
                ),
                Ok(tc) => {
                    let dscp = tc >> 2;
                    let ev = format!("NCCL_IB_TC={tc} ({})", s.source);
                    let mapped = map_of(dscp);
                    let ok = dscp == e.roce_dscp || mapped == Some(prio);
                    let detail = match mapped {
                        Some(p) => format!("TC {tc} = DSCP {dscp} -> priority {p}"),
                        None => format!("TC {tc} = DSCP {dscp} (expected DSCP {})", e.roce_dscp),
                    };
                    let c = Check::new("nccl-ib-tc", "host", if ok && mapped.is_none_or(|p| p == prio) { Level::Pass } else { Level::Fail }, detail).evidence(ev);
                    out.push(if c.level == Level::Pass {
                        c
                    } else {
                        c.hint(format!("NCCL_IB_TC={} puts NCCL's traffic on DSCP {} (priority {prio})", u32::from(e.roce_dscp) * 4 + 2, e.roce_dscp))
                    });
                }
            },
        }
    }
    // Socket interface.
    let ifs: Vec<&str> = h.netdevs.keys().map(String::as_str).collect();
    match &n.socket_ifname {
        None => out.push(Check::new(
            "nccl-socket-ifname",
            "host",
            Level::Pass,
            "NCCL_SOCKET_IFNAME unset: NCCL picks an interface (not lo or docker*)",
        )),
        Some(s) => {
            let filter = NameFilter::parse(&s.value);
            let chosen: Vec<&str> = ifs
                .iter()
                .copied()
                .filter(|i| filter.selects(i, None))
                .collect();
            let ev = format!("NCCL_SOCKET_IFNAME={} ({})", s.value, s.source);
            if chosen.is_empty() {
                out.push(
                    Check::new(
                        "nccl-socket-ifname",
                        "host",
                        Level::Fail,
                        "NCCL_SOCKET_IFNAME matches no interface: NCCL cannot bootstrap",
                    )
                    .evidence(ev)
                    .evidence(format!("interfaces: {}", ifs.join(", ")))
                    .hint("name an interface that exists on every node (`ip -br link`)"),
                );
            } else {
                out.push(
                    Check::new(
                        "nccl-socket-ifname",
                        "host",
                        Level::Pass,
                        format!("matches {}", chosen.join(", ")),
                    )
                    .evidence(ev),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nccl_name_filters() {
        let f = NameFilter::parse("mlx5_0,mlx5_1:1");
        assert!(f.selects("mlx5_0", Some(1)));
        assert!(f.selects("mlx5_1", Some(1)));
        assert!(!f.selects("mlx5_1", Some(2)));
        assert!(!f.selects("mlx5_2", Some(1)));
        let f = NameFilter::parse("mlx5");
        assert!(f.selects("mlx5_7", Some(1)));
        let f = NameFilter::parse("=eth0");
        assert!(f.selects("eth0", None));
        assert!(!f.selects("eth01", None));
        let f = NameFilter::parse("^docker,lo");
        assert!(!f.selects("docker0", None));
        assert!(f.selects("eth0", None));
        assert_eq!(
            NameFilter::parse("mlx5_0,mlx9").unmatched(&["mlx5_0"]),
            ["mlx9"]
        );
    }

    #[test]
    fn nccl_conf() {
        let c = parse_nccl_conf("# site\nNCCL_IB_GID_INDEX=3\nNCCL_IB_TC = 106 # lossless\n\n");
        assert_eq!(c.get("NCCL_IB_GID_INDEX").map(String::as_str), Some("3"));
        assert_eq!(c.get("NCCL_IB_TC").map(String::as_str), Some("106"));
    }
}
