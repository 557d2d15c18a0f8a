//! The local edges of the audit: tools through `process::Runner` and the NCCL settings from
//! the environment, `nccl.conf` and a job spec.

use std::collections::BTreeMap;

use super::audit::{Facts, NcclConfig, QosFacts, Setting, parse_nccl_conf};
use super::counters::Snapshot;
use super::sysfs::{self, Host, Root};
use super::{ethtool, qos};
use crate::check::{Check, Level};
use crate::jobspec::{GidIndex, Network};
use crate::process::{ProcessError, Runner, display_command};
use crate::settings::Env;

/// The RoCE netdevs of a host (the netdevs of its Ethernet-link-layer ports).
pub fn roce_netdevs(host: &Host) -> Vec<String> {
    let mut v: Vec<String> = host
        .devices
        .iter()
        .flat_map(|d| {
            d.ports.iter().filter(|p| p.is_roce()).filter_map(move |p| {
                p.netdev()
                    .map(str::to_string)
                    .or_else(|| d.netdevs.first().cloned())
            })
        })
        .collect();
    v.dedup();
    v
}

fn why_unknown(program: &str, e: &ProcessError) -> String {
    match e {
        ProcessError::NotFound { .. } => {
            format!("`{program}` is not installed: cannot read the NIC's QoS")
        }
        other => other.to_string(),
    }
}

/// `mlnx_qos -i IF`, parsed; else iproute2's `dcb` (PFC and the DSCP map, no trust state);
/// else why neither could tell.
pub fn qos_of(runner: &Runner, netdev: &str) -> QosFacts {
    let args = vec!["-i".to_string(), netdev.to_string()];
    let mlnx = match runner.run("mlnx_qos", &args, None) {
        Ok(out) => match qos::parse_mlnx_qos(&out.stdout) {
            Some(q) => {
                return QosFacts::Known {
                    source: display_command("mlnx_qos", &args),
                    qos: q,
                };
            }
            None => format!(
                "`{}` printed no trust state, PFC or dscp2prio block",
                display_command("mlnx_qos", &args)
            ),
        },
        Err(e) => why_unknown("mlnx_qos", &e),
    };
    match dcb_qos(runner, netdev) {
        Ok(facts) => facts,
        Err(dcb) => QosFacts::Unknown(format!("{mlnx}; {dcb}")),
    }
}

/// `dcb pfc show dev IF` and `dcb -N app show dev IF dscp-prio`.
fn dcb_qos(runner: &Runner, netdev: &str) -> Result<QosFacts, String> {
    let pfc_args: Vec<String> = ["pfc", "show", "dev", netdev]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let app_args: Vec<String> = ["-N", "app", "show", "dev", netdev, "dscp-prio"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let fail = |args: &[String], e: &ProcessError| match e {
        ProcessError::NotFound { .. } => "iproute2's `dcb` is not installed either".to_string(),
        other => format!("`{}` failed: {other}", display_command("dcb", args)),
    };
    let pfc = runner
        .run("dcb", &pfc_args, None)
        .map_err(|e| fail(&pfc_args, &e))?;
    let pfc = qos::parse_dcb_pfc(&pfc.stdout).ok_or_else(|| {
        format!(
            "`{}` printed no `prio-pfc` row",
            display_command("dcb", &pfc_args)
        )
    })?;
    let dscp2prio = runner
        .run("dcb", &app_args, None)
        .ok()
        .and_then(|out| qos::parse_dcb_app_dscp(&out.stdout))
        .unwrap_or_default();
    Ok(QosFacts::Known {
        source: display_command("dcb", &pfc_args),
        qos: qos::MlnxQos {
            trust: None,
            pfc: Some(pfc),
            dscp2prio,
        },
    })
}

/// `ethtool -S IF` of each netdev; netdevs whose statistics cannot be read are left out
/// (with the reason in the second map).
pub fn ethtool_stats(
    runner: &Runner,
    netdevs: &[String],
) -> (
    BTreeMap<String, BTreeMap<String, u64>>,
    BTreeMap<String, String>,
) {
    let mut stats = BTreeMap::new();
    let mut why = BTreeMap::new();
    for n in netdevs {
        match runner.run("ethtool", &["-S".to_string(), n.clone()], None) {
            Ok(out) => {
                stats.insert(n.clone(), ethtool::parse_stats(&out.stdout));
            }
            Err(e) => {
                why.insert(n.clone(), why_unknown("ethtool", &e));
            }
        }
    }
    (stats, why)
}

/// A counter snapshot of this host: sysfs port counters and `ethtool -S` pause counters.
pub fn snapshot(root: &Root, runner: &Runner) -> Snapshot {
    let host = sysfs::discover(root);
    let (stats, _) = ethtool_stats(runner, &roce_netdevs(&host));
    Snapshot::new(&sysfs::port_counters(&host), &stats)
}

/// The NCCL settings as a job on this host would see them: a job spec's values first (they
/// become the job's environment), then this environment, then `NCCL_CONF_FILE` or
/// `<root>/etc/nccl.conf` (NCCL reads the file only for variables the environment lacks).
pub fn nccl_config(
    env: &Env,
    root: &Root,
    spec: Option<(&Network, &str)>,
) -> (NcclConfig, Vec<String>) {
    let mut notes = Vec::new();
    let (conf_path, conf_label) = match env.get("NCCL_CONF_FILE") {
        Some(p) => (std::path::PathBuf::from(p), p.to_string()),
        None => (root.path("/etc/nccl.conf"), "/etc/nccl.conf".to_string()),
    };
    let conf = match crate::bounded::read_string(&conf_path, crate::bounded::NCCL_CONF) {
        Ok(t) => parse_nccl_conf(&t),
        Err(e) if e.is_not_found() && env.get("NCCL_CONF_FILE").is_none() => BTreeMap::new(),
        Err(e) => {
            // NCCL would not read it either; say so rather than audit without it.
            let why = match &e {
                crate::bounded::ReadError::Io { source, .. } => source.to_string(),
                other => other.to_string(),
            };
            notes.push(format!("`{conf_label}` could not be read: {why}"));
            BTreeMap::new()
        }
    };
    let mut spec_vals: BTreeMap<&str, String> = BTreeMap::new();
    if let Some((n, _)) = spec
        && n.fabric.uses_rdma()
    {
        if !n.hcas.is_empty() {
            spec_vals.insert("NCCL_IB_HCA", n.hcas.join(","));
        }
        spec_vals.insert(
            "NCCL_IB_GID_INDEX",
            match n.gid_index {
                GidIndex::Auto => "-1".into(),
                GidIndex::Index(i) => i.to_string(),
            },
        );
        if let Some(tc) = n.traffic_class {
            spec_vals.insert("NCCL_IB_TC", tc.to_string());
        }
        if let Some(i) = &n.socket_interface {
            spec_vals.insert("NCCL_SOCKET_IFNAME", i.clone());
        }
        for v in &n.nccl_env {
            for k in [
                "NCCL_IB_HCA",
                "NCCL_IB_GID_INDEX",
                "NCCL_IB_TC",
                "NCCL_SOCKET_IFNAME",
            ] {
                if v.name == k {
                    spec_vals.insert(k, v.value.clone());
                }
            }
        }
    }
    let get = |key: &str| -> Option<Setting> {
        if let (Some(v), Some((_, path))) = (spec_vals.get(key), spec) {
            return Some(Setting {
                value: v.clone(),
                source: format!("spec {path}"),
            });
        }
        if let Some(v) = env.get(key) {
            return Some(Setting {
                value: v.to_string(),
                source: "environment".into(),
            });
        }
        conf.get(key).filter(|v| !v.is_empty()).map(|v| Setting {
            value: v.clone(),
            source: conf_label.clone(),
        })
    };
    (
        NcclConfig {
            ib_hca: get("NCCL_IB_HCA"),
            gid_index: get("NCCL_IB_GID_INDEX"),
            ib_tc: get("NCCL_IB_TC"),
            socket_ifname: get("NCCL_SOCKET_IFNAME"),
        },
        notes,
    )
}

/// Everything the local audit needs.
pub fn gather(root: &Root, runner: &Runner, nccl: NcclConfig) -> Facts {
    let host = sysfs::discover(root);
    let qos = roce_netdevs(&host)
        .into_iter()
        .map(|n| {
            let q = qos_of(runner, &n);
            (n, q)
        })
        .collect();
    let ib_mtu = host
        .devices
        .iter()
        .flat_map(|d| d.ports.iter().map(move |p| (d, p)))
        .filter(|(_, p)| !p.is_roce() && p.is_active())
        .map(|(d, p)| {
            (
                format!("{}/{}", d.name, p.num),
                ib_active_mtu(runner, &d.name, p.num),
            )
        })
        .collect();
    Facts {
        host,
        qos,
        nccl,
        ib_mtu,
    }
}

/// `ibv_devinfo -d DEV -i PORT`'s `active_mtu`, or why not known.
fn ib_active_mtu(runner: &Runner, dev: &str, port: u32) -> Result<u32, String> {
    let args = vec![
        "-d".to_string(),
        dev.to_string(),
        "-i".into(),
        port.to_string(),
    ];
    match runner.run("ibv_devinfo", &args, None) {
        Ok(out) => qos::ibv_devinfo_port(&out.stdout, dev, port)
            .map_err(|why| format!("`{}`: {why}", display_command("ibv_devinfo", &args))),
        Err(ProcessError::NotFound { .. }) => Err(
            "the active IB MTU is not in sysfs, and `ibv_devinfo` (rdma-core's ibverbs-utils) is not installed".into(),
        ),
        Err(e) => Err(e.to_string()),
    }
}

/// Longest `show_gids` output read (a host with hundreds of GIDs prints well under this).
const MAX_SHOW_GIDS: u64 = 4 << 20;

/// Merge a saved `show_gids` output into the host read from sysfs; rows of devices or ports
/// this host does not have become one `show-gids` check saying so.
pub fn apply_show_gids(
    facts: &mut super::audit::Facts,
    path: &std::path::Path,
) -> Result<Vec<Check>, crate::error::UserError> {
    use std::io::Read;
    let read_err = |e: std::io::Error| {
        crate::error::UserError::environment(
            format!(
                "could not read the `show_gids` output `{}`: {e}",
                path.display()
            ),
            "save it with `show_gids > FILE` where the ranks run, and give that file",
        )
    };
    let mut text = String::new();
    std::fs::File::open(path)
        .map_err(read_err)?
        .take(MAX_SHOW_GIDS)
        .read_to_string(&mut text)
        .map_err(read_err)?;
    let rows = sysfs::parse_show_gids(&text);
    if rows.is_empty() {
        return Err(crate::error::UserError::invalid(
            format!("`{}` has no `show_gids` row", path.display()),
            "the file should hold `DEV PORT INDEX GID IPv4 VER DEV` rows as `show_gids` prints them",
        ));
    }
    let left = sysfs::merge_show_gids(&mut facts.host, &rows);
    let mut out = Vec::new();
    if !left.is_empty() {
        let mut c = Check::new(
            "show-gids",
            "host",
            Level::Unknown,
            format!(
                "{} of {} `show_gids` rows name a device or port this host's sysfs does not have",
                left.len(),
                rows.len()
            ),
        )
        .hint("run `show_gids` on the host being checked (or pass that host's tree with --sysfs-root)");
        for r in left.iter().take(8) {
            c = c.evidence(format!(
                "{} {} {} {} {}",
                r.device,
                r.port,
                r.gid.index,
                r.gid.gid,
                r.gid.kind.as_deref().unwrap_or("?")
            ));
        }
        out.push(c);
    }
    Ok(out)
}
