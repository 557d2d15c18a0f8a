//! GPU <-> NIC topology of one host (pure but for reading sysfs): which RDMA device each
//! NVIDIA GPU should use, from the PCI tree, and from `nvidia-smi topo -m` where present.
//!
//! sysfs (kernel `Documentation/ABI/testing/sysfs-bus-pci`): `/sys/bus/pci/devices/<bdf>` is a
//! link to `/sys/devices/pci<domain>:<bus>/<bridge>/.../<bdf>`, so the path names the host
//! bridge and every PCIe bridge above the device; each device has `vendor` (`0x10de` NVIDIA),
//! `class` (`0x03xxxx` display/3D controller for GPUs) and `numa_node` (`-1`: not known).
//! `/sys/class/infiniband/<dev>/device` links to the RDMA device's PCI function.
//!
//! Path classes are nvidia-smi's (its `topo -m` legend):
//! * `PIX` at most a single PCIe bridge (the GPU and the NIC under one PCIe switch),
//! * `PXB` multiple PCIe bridges, without the host bridge,
//! * `PHB` through a PCIe host bridge (the CPU's root complex),
//! * `NODE` between host bridges within a NUMA node,
//! * `SYS` across the SMP interconnect between NUMA nodes (QPI/UPI): across the socket.
//!
//! NCCL uses GPUDirect RDMA up to `NCCL_NET_GDR_LEVEL` (PXB by default on most platforms),
//! so a GPU whose nearest NIC is PHB or farther stages its traffic through host memory.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::sysfs::Root;
use crate::check::{Check, Level};

/// How far apart a GPU and a NIC are, nearest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub enum PathClass {
    PIX,
    PXB,
    PHB,
    NODE,
    SYS,
}

impl PathClass {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PIX => "PIX",
            Self::PXB => "PXB",
            Self::PHB => "PHB",
            Self::NODE => "NODE",
            Self::SYS => "SYS",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "PIX" => Some(Self::PIX),
            "PXB" => Some(Self::PXB),
            "PHB" => Some(Self::PHB),
            "NODE" => Some(Self::NODE),
            "SYS" => Some(Self::SYS),
            _ => None,
        }
    }
}

/// A PCI device's place in the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PciPlace {
    pub bdf: String,
    /// `pci0000:16`: the host bridge (root complex).
    pub host_bridge: String,
    /// The PCI bridges between the host bridge and the device, top first.
    pub bridges: Vec<String>,
    /// `None`: sysfs says `-1` (one node, or not known).
    pub numa_node: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Gpu {
    /// In PCI bus order, as nvidia-smi and `CUDA_DEVICE_ORDER=PCI_BUS_ID` number them.
    pub index: usize,
    pub place: PciPlace,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Nic {
    pub name: String,
    pub place: Option<PciPlace>,
}

/// The GPU x NIC matrix of one host.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Topology {
    /// `sysfs` or `nvidia-smi topo -m`.
    pub source: &'static str,
    pub gpus: Vec<String>,
    pub nics: Vec<String>,
    /// `paths[gpu][nic]`; `None` where not known.
    pub paths: Vec<Vec<Option<PathClass>>>,
    /// NUMA node of each GPU, where known.
    pub gpu_numa: Vec<Option<u32>>,
}

/// How two PCI devices are connected.
pub fn classify(a: &PciPlace, b: &PciPlace) -> PathClass {
    if a.host_bridge != b.host_bridge {
        return match (a.numa_node, b.numa_node) {
            (Some(x), Some(y)) if x != y => PathClass::SYS,
            _ => PathClass::NODE,
        };
    }
    let common = a
        .bridges
        .iter()
        .zip(&b.bridges)
        .take_while(|(x, y)| x == y)
        .count();
    if common == 0 {
        return PathClass::PHB;
    }
    // Below the deepest common bridge: one switch's downstream port each is one "bridge"
    // in nvidia-smi's sense (PIX); deeper means several switches (PXB).
    if a.bridges.len() - common <= 1 && b.bridges.len() - common <= 1 {
        PathClass::PIX
    } else {
        PathClass::PXB
    }
}

/// `0000:17:00.0`
fn is_bdf(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 12 && b[4] == b':' && b[7] == b':' && b[10] == b'.'
}

/// The place of the PCI device that `link` (a sysfs symlink) resolves to.
fn place_of(root: &Root, link: &Path) -> Option<PciPlace> {
    let real = std::fs::canonicalize(link).ok()?;
    let devices = std::fs::canonicalize(root.path("/sys/devices")).ok()?;
    let rel = real.strip_prefix(&devices).ok()?;
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| c.as_os_str().to_str().map(str::to_string))
        .collect();
    let (host_bridge, rest) = parts.split_first()?;
    if !host_bridge.starts_with("pci") {
        return None;
    }
    // Skip non-PCI components (a virtual function's `virtfn` links resolve to BDFs too).
    let chain: Vec<&String> = rest.iter().filter(|p| is_bdf(p)).collect();
    let (bdf, bridges) = chain.split_last()?;
    let numa = std::fs::read_to_string(real.join("numa_node"))
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|n| u32::try_from(n).ok());
    Some(PciPlace {
        bdf: (*bdf).clone(),
        host_bridge: host_bridge.clone(),
        bridges: bridges.iter().map(|s| (*s).clone()).collect(),
        numa_node: numa,
    })
}

fn read_hex(p: &Path) -> Option<u32> {
    let s = std::fs::read_to_string(p).ok()?;
    u32::from_str_radix(s.trim().trim_start_matches("0x"), 16).ok()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    v.sort_by_key(|a| natural(a));
    v
}

/// `mlx5_10` after `mlx5_9`.
fn natural(s: &str) -> (String, u64) {
    let digits: String = s
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let head = s[..s.len() - digits.len()].to_string();
    (head, digits.parse().unwrap_or(0))
}

/// NVIDIA GPUs (vendor 0x10de, display class) in PCI bus order.
pub fn gpus(root: &Root) -> Vec<Gpu> {
    let dir = root.path("/sys/bus/pci/devices");
    let mut found: Vec<PciPlace> = Vec::new();
    for n in names(&dir) {
        let d = dir.join(&n);
        if read_hex(&d.join("vendor")) != Some(0x10de) {
            continue;
        }
        if read_hex(&d.join("class")).is_none_or(|c| c >> 16 != 0x03) {
            continue;
        }
        if let Some(p) = place_of(root, &d) {
            found.push(p);
        }
    }
    found.sort_by(|a, b| a.bdf.cmp(&b.bdf));
    found
        .into_iter()
        .enumerate()
        .map(|(index, place)| Gpu { index, place })
        .collect()
}

/// RDMA devices and their PCI place.
pub fn nics(root: &Root) -> Vec<Nic> {
    let dir = root.path("/sys/class/infiniband");
    names(&dir)
        .into_iter()
        .map(|name| Nic {
            place: place_of(root, &dir.join(&name).join("device")),
            name,
        })
        .collect()
}

/// The matrix from sysfs.
pub fn from_sysfs(root: &Root) -> Topology {
    let g = gpus(root);
    let n = nics(root);
    Topology {
        source: "sysfs",
        gpus: g.iter().map(|x| format!("GPU{}", x.index)).collect(),
        nics: n.iter().map(|x| x.name.clone()).collect(),
        paths: g
            .iter()
            .map(|gpu| {
                n.iter()
                    .map(|nic| nic.place.as_ref().map(|p| classify(&gpu.place, p)))
                    .collect()
            })
            .collect(),
        gpu_numa: g.iter().map(|x| x.place.numa_node).collect(),
    }
}

/// `nvidia-smi topo -m` (also `-mp`): the GPU rows' NIC cells, the NIC names from the `NIC
/// Legend:` (`NIC0: mlx5_0`; older drivers name the columns `mlx5_0` directly), and the
/// `NUMA Affinity` column. ANSI codes (the underlined header) are ignored.
pub fn parse_nvidia_smi(text: &str) -> Option<Topology> {
    let text = crate::nccl::strip_ansi(text);
    let lines: Vec<&str> = text.lines().collect();
    let header_at = lines.iter().position(|l| {
        let t: Vec<&str> = l.split_whitespace().collect();
        t.first() == Some(&"GPU0")
    })?;
    let header: Vec<&str> = lines[header_at].split_whitespace().collect();
    let labels: Vec<&str> = header
        .iter()
        .take_while(|t| **t != "CPU" && **t != "NUMA")
        .copied()
        .collect();
    let mut legend: BTreeMap<String, String> = BTreeMap::new();
    for l in &lines {
        if let Some((k, v)) = l.trim().split_once(':')
            && k.starts_with("NIC")
            && k[3..].bytes().all(|b| b.is_ascii_digit())
            && !k[3..].is_empty()
        {
            legend.insert(k.to_string(), v.trim().to_string());
        }
    }
    let nic_cols: Vec<(usize, String)> = labels
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.starts_with("GPU"))
        .map(|(i, l)| (i, legend.get(*l).cloned().unwrap_or_else(|| l.to_string())))
        .collect();
    let mut gpus = Vec::new();
    let mut paths = Vec::new();
    let mut numa = Vec::new();
    for l in &lines[header_at + 1..] {
        let t: Vec<&str> = l.split_whitespace().collect();
        let Some(first) = t.first() else { continue };
        if !first.starts_with("GPU") || !first[3..].bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let cells = &t[1..];
        if cells.len() < labels.len() {
            continue;
        }
        gpus.push(first.to_string());
        paths.push(
            nic_cols
                .iter()
                .map(|(i, _)| PathClass::parse(cells[*i]))
                .collect(),
        );
        // After the matrix: CPU affinity, then the NUMA affinity.
        numa.push(cells.get(labels.len() + 1).and_then(|v| v.parse().ok()));
    }
    if gpus.is_empty() {
        return None;
    }
    Some(Topology {
        source: "nvidia-smi topo -m",
        gpus,
        nics: nic_cols.into_iter().map(|(_, n)| n).collect(),
        paths,
        gpu_numa: numa,
    })
}

/// What the matrix means: per GPU, its nearest NICs and how far; the NCCL_IB_HCA list.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Advice {
    pub nearest: Vec<Nearest>,
    /// NICs in the order the GPUs use them (exact names: `NCCL_IB_HCA==mlx5_0,..`).
    pub nccl_ib_hca: Option<String>,
    /// NICs left out of the suggestion (storage or management ports, far ones).
    pub unused_nics: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Nearest {
    pub gpu: String,
    pub nics: Vec<String>,
    pub path: Option<PathClass>,
}

pub fn advise(t: &Topology) -> Advice {
    let mut nearest = Vec::new();
    let mut order: Vec<String> = Vec::new();
    for (g, row) in t.gpus.iter().zip(&t.paths) {
        let best = row.iter().flatten().min().copied();
        let nics: Vec<String> = row
            .iter()
            .enumerate()
            .filter(|(_, p)| best.is_some() && **p == best)
            .map(|(i, _)| t.nics[i].clone())
            .collect();
        // One NIC per GPU in the suggestion: the first nearest one not yet taken, so
        // GPUs that share a switch spread over its NICs. A GPU with no NIC near it (beyond
        // PXB) adds none when one of its nearest is already in: a far NIC (storage,
        // management) only joins when nothing better exists.
        let near = best.is_some_and(|p| p <= PathClass::PXB);
        let reuse = !near && nics.iter().any(|n| order.contains(n));
        if !reuse && let Some(pick) = nics.iter().find(|n| !order.contains(n)) {
            order.push(pick.clone());
        }
        nearest.push(Nearest {
            gpu: g.clone(),
            nics,
            path: best,
        });
    }
    let unused_nics = t
        .nics
        .iter()
        .filter(|n| !order.contains(n))
        .cloned()
        .collect();
    Advice {
        nearest,
        nccl_ib_hca: (!order.is_empty()).then(|| format!("={}", order.join(","))),
        unused_nics,
    }
}

/// One check per GPU: pass when its nearest NIC is PIX/PXB, a warning beyond (and say
/// when it is across the socket); one for the whole host when there is nothing to match.
pub fn checks(t: &Topology, a: &Advice) -> Vec<Check> {
    let mut out = Vec::new();
    if t.gpus.is_empty() || t.nics.is_empty() {
        out.push(
            Check::new(
                "gpu-nic",
                "host",
                Level::Unknown,
                format!(
                    "{} NVIDIA GPU(s) and {} RDMA device(s) in {}: nothing to match",
                    t.gpus.len(),
                    t.nics.len(),
                    t.source
                ),
            )
            .hint("run it on a GPU node (or give its tree with --sysfs-root)"),
        );
        return out;
    }
    for n in &a.nearest {
        let nics = if n.nics.len() == 1 {
            format!("nearest NIC {} is", n.nics[0])
        } else {
            format!("nearest NICs {} are", n.nics.join(", "))
        };
        let c = match n.path {
            Some(p @ (PathClass::PIX | PathClass::PXB)) => Check::new(
                "gpu-nic",
                &n.gpu,
                Level::Pass,
                format!("{nics} {}", p.as_str()),
            ),
            Some(PathClass::SYS) => Check::new(
                "gpu-nic",
                &n.gpu,
                Level::Warn,
                format!("{nics} across the socket (SYS): its RDMA traffic crosses the CPU interconnect, without GPUDirect RDMA"),
            )
            .hint("on this node the GPU has no NIC on its own socket: give the job GPUs that have one (Slurm `--gpu-bind=closest` or a GRES with `Cores=`), or add a NIC on that socket"),
            Some(p) => Check::new(
                "gpu-nic",
                &n.gpu,
                Level::Warn,
                format!(
                    "{nics} {} ({}): beyond PXB, NCCL does not use GPUDirect RDMA by default",
                    p.as_str(),
                    if p == PathClass::PHB { "through the CPU's host bridge" } else { "another host bridge of the same NUMA node" }
                ),
            )
            .hint("`NCCL_NET_GDR_LEVEL=PHB` (or `SYS`) allows GPUDirect RDMA that far, at a cost; better, a NIC under the GPU's PCIe switch"),
            None => Check::new("gpu-nic", &n.gpu, Level::Unknown, "no path to any NIC is known"),
        };
        out.push(c);
    }
    out
}

/// Everything `fabric-check --topology` reports (the JSON of `-o json`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopologyReport {
    pub root: String,
    /// The matrix the advice is drawn from: nvidia-smi's when it ran (it also knows
    /// NVLink-attached NICs and vendor quirks), else sysfs's.
    pub topology: Topology,
    pub sysfs: Topology,
    pub nvidia_smi: Option<Topology>,
    /// Why `nvidia-smi topo -m` was not used.
    pub nvidia_smi_unavailable: Option<String>,
    /// Cells where sysfs and nvidia-smi disagree.
    pub differences: Vec<String>,
    pub advice: Advice,
    pub checks: Vec<Check>,
    /// As the rest of fabric-check: 1 when a check failed; GPUs whose nearest NIC is far
    /// are warnings (exit 0), listed in `checks`.
    pub exit_code: i32,
}

/// Read the host's topology: sysfs under `root`, and `nvidia-smi topo -m` through `runner`.
pub fn report(root: &Root, runner: &crate::process::Runner) -> TopologyReport {
    let sysfs = from_sysfs(root);
    let args = vec!["topo".to_string(), "-m".to_string()];
    let (nvidia_smi, unavailable) = match runner.run("nvidia-smi", &args, None) {
        Ok(out) => match parse_nvidia_smi(&out.stdout) {
            Some(t) => (Some(t), None),
            None => (
                None,
                Some("`nvidia-smi topo -m` printed no GPU matrix".to_string()),
            ),
        },
        Err(crate::process::ProcessError::NotFound { .. }) => {
            (None, Some("`nvidia-smi` is not installed".to_string()))
        }
        Err(e) => (None, Some(e.to_string())),
    };
    let differences = nvidia_smi
        .as_ref()
        .map(|n| differences(&sysfs, n))
        .unwrap_or_default();
    let topology = match &nvidia_smi {
        Some(n) if !n.nics.is_empty() => n.clone(),
        _ => sysfs.clone(),
    };
    let advice = advise(&topology);
    let checks = checks(&topology, &advice);
    let exit_code = i32::from(checks.iter().any(|c| c.level == Level::Fail));
    TopologyReport {
        root: root.0.display().to_string(),
        topology,
        sysfs,
        nvidia_smi,
        nvidia_smi_unavailable: unavailable,
        differences,
        advice,
        checks,
        exit_code,
    }
}

/// The text of a [`TopologyReport`].
pub fn report_text(r: &TopologyReport) -> String {
    use std::fmt::Write as _;
    let other = if r.topology.source == "sysfs" {
        r.nvidia_smi.as_ref()
    } else {
        Some(&r.sysfs)
    };
    let mut out = text(&r.topology, &r.advice, other.filter(|o| !o.gpus.is_empty()));
    if let Some(why) = &r.nvidia_smi_unavailable {
        let _ = writeln!(out, "nvidia-smi: not used ({why})");
    }
    for c in r.checks.iter().filter(|c| c.level > Level::Pass) {
        let _ = writeln!(out, "{}: {} {}", c.level.as_str(), c.subject, c.detail);
        if let Some(h) = &c.hint {
            let _ = writeln!(out, "  hint: {h}");
        }
    }
    out
}

/// The text of the matrix and the advice.
pub fn text(t: &Topology, a: &Advice, other: Option<&Topology>) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "GPU x NIC ({}):", t.source);
    let mut tbl = comfy_table::Table::new();
    tbl.load_style(comfy_table::presets::NOTHING);
    tbl.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
    let mut header = vec![String::new()];
    header.extend(t.nics.iter().cloned());
    header.extend(["NUMA".to_string(), "NEAREST".to_string()]);
    tbl.set_header(header);
    for (i, g) in t.gpus.iter().enumerate() {
        let mut row = vec![g.clone()];
        row.extend(
            t.paths[i]
                .iter()
                .map(|p| p.map_or("-", PathClass::as_str).to_string()),
        );
        row.push(
            t.gpu_numa
                .get(i)
                .copied()
                .flatten()
                .map_or("-".into(), |n| n.to_string()),
        );
        let n = &a.nearest[i];
        row.push(match n.path {
            Some(p) => format!("{} ({})", n.nics.join(","), p.as_str()),
            None => "-".into(),
        });
        tbl.add_row(row);
    }
    for line in tbl.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if let Some(o) = other {
        let diffs = differences(t, o);
        if diffs.is_empty() {
            let _ = writeln!(out, "{} agrees.", o.source);
        } else {
            let _ = writeln!(out, "{} differs: {}", o.source, diffs.join("; "));
        }
    }
    if let Some(h) = &a.nccl_ib_hca {
        let _ = writeln!(
            out,
            "suggested: NCCL_IB_HCA={h}   (exact names, in the GPUs' order)"
        );
    }
    if !a.unused_nics.is_empty() {
        let _ = writeln!(
            out,
            "left out of the suggestion: {} (no GPU has it as its own nearest NIC)",
            a.unused_nics.join(", ")
        );
    }
    out
}

/// Cells where two matrices of the same host disagree (`GPU3/mlx5_4: sysfs SYS, nvidia-smi
/// NODE`).
pub fn differences(a: &Topology, b: &Topology) -> Vec<String> {
    let mut out = Vec::new();
    for (gi, g) in a.gpus.iter().enumerate() {
        let Some(gj) = b.gpus.iter().position(|x| x == g) else {
            out.push(format!("{g} only in {}", a.source));
            continue;
        };
        for (ni, n) in a.nics.iter().enumerate() {
            let Some(nj) = b.nics.iter().position(|x| x == n) else {
                continue;
            };
            let (x, y) = (a.paths[gi][ni], b.paths[gj][nj]);
            if x != y && x.is_some() && y.is_some() {
                out.push(format!(
                    "{g}/{n}: {} {}, {} {}",
                    a.source,
                    x.map_or("-", PathClass::as_str),
                    b.source,
                    y.map_or("-", PathClass::as_str)
                ));
            }
        }
    }
    out.truncate(16);
    out
}

impl crate::document::Document for TopologyReport {
    const KIND: &'static str = "TopologyReport";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(hb: &str, bridges: &[&str], numa: Option<u32>) -> PciPlace {
        PciPlace {
            bdf: "0000:99:00.0".into(),
            host_bridge: hb.into(),
            bridges: bridges.iter().map(|s| s.to_string()).collect(),
            numa_node: numa,
        }
    }

    #[test]
    fn path_classes() {
        let gpu = place(
            "pci0000:16",
            &["0000:16:02.0", "0000:17:00.0", "0000:18:00.0"],
            Some(0),
        );
        // Same switch, another downstream port.
        let nic = place(
            "pci0000:16",
            &["0000:16:02.0", "0000:17:00.0", "0000:18:01.0"],
            Some(0),
        );
        assert_eq!(classify(&gpu, &nic), PathClass::PIX);
        // A second switch below the first.
        let deep = place(
            "pci0000:16",
            &[
                "0000:16:02.0",
                "0000:17:00.0",
                "0000:18:02.0",
                "0000:1a:00.0",
                "0000:1b:00.0",
            ],
            Some(0),
        );
        assert_eq!(classify(&gpu, &deep), PathClass::PXB);
        // Another root port of the same root complex.
        let rp = place("pci0000:16", &["0000:16:04.0"], Some(0));
        assert_eq!(classify(&gpu, &rp), PathClass::PHB);
        // Another root complex, same node; another node.
        let node = place("pci0000:30", &["0000:30:02.0"], Some(0));
        assert_eq!(classify(&gpu, &node), PathClass::NODE);
        let sys = place("pci0000:b0", &["0000:b0:02.0"], Some(1));
        assert_eq!(classify(&gpu, &sys), PathClass::SYS);
        // Unknown NUMA (single socket): not across a socket.
        let unknown = place("pci0000:b0", &["0000:b0:02.0"], None);
        assert_eq!(classify(&gpu, &unknown), PathClass::NODE);
    }

    fn recorded(name: &str) -> String {
        let p = format!(
            "{}/tests/fixtures/fabric/outputs/nvidia-smi/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
    }

    /// sgl-project/sglang#30401: an 8 x H100 node with one PIX NIC per GPU.
    #[test]
    fn nvidia_smi_topo_m_parses() {
        let t = parse_nvidia_smi(&recorded("topo-m-h100-8nic-sglang-30401.txt")).expect("parses");
        assert_eq!(t.gpus.len(), 8);
        assert_eq!(
            t.nics,
            (0..8).map(|i| format!("mlx5_{i}")).collect::<Vec<_>>()
        );
        assert_eq!(t.paths[0][0], Some(PathClass::PIX));
        assert_eq!(t.paths[0][4], Some(PathClass::SYS));
        assert_eq!(t.paths[5][5], Some(PathClass::PIX));
        assert_eq!(t.gpu_numa[4], Some(1));
        let a = advise(&t);
        assert_eq!(
            a.nccl_ib_hca.as_deref(),
            Some("=mlx5_0,mlx5_1,mlx5_2,mlx5_3,mlx5_4,mlx5_5,mlx5_6,mlx5_7")
        );
        assert!(a.unused_nics.is_empty());
        assert!(checks(&t, &a).iter().all(|c| c.level == Level::Pass));
    }

    /// A hand-written matrix in the layout of older drivers, which name the NIC columns
    /// directly (no `NIC Legend:`), with tabs; GPUs far from their only NIC.
    #[test]
    fn older_layout_and_far_nics() {
        let t = parse_nvidia_smi(
            "\tGPU0\tGPU1\tmlx5_0\tCPU Affinity\tNUMA Affinity\nGPU0\t X \tSYS\tSYS\t0-11\t0\nGPU1\tSYS\t X \tPHB\t12-23\t1\nmlx5_0\tSYS\tPHB\t X \t\n",
        )
        .expect("parses");
        assert_eq!(t.nics, vec!["mlx5_0"]);
        assert_eq!(
            t.paths,
            vec![vec![Some(PathClass::SYS)], vec![Some(PathClass::PHB)]]
        );
        let a = advise(&t);
        let c = checks(&t, &a);
        assert_eq!(c[0].level, Level::Warn);
        assert!(c[0].detail.contains("across the socket"), "{}", c[0].detail);
        assert!(c[1].detail.contains("PHB"), "{}", c[1].detail);
    }
}
