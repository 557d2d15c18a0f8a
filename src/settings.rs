//! Settings: the environment, the site and user config files, and the layering of a spec.
//!
//! The environment is read once, here, into [`Env`]; commands never call `std::env`.
//! A spec is the merge of these layers, later ones winning key by key:
//! built-in defaults < site `defaults:` < the partition's entry in the site config < user
//! `defaults:` < the spec file < command-line overrides (`--set`, `--nodes`, ...).
//! Every layer keeps its own file positions, so a bad value from the site config is reported
//! against the site config.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use thiserror::Error;

use crate::decode::Decoder;
use crate::diag::{Diagnostic, Diagnostics};
use crate::yaml::{self, Key, Node, Pos, Value};

pub const DEFAULT_SITE_CONFIG: &str = "/etc/hybridctl/config.yaml";

/// Seconds a Slurm command may take unless `slurm.timeout` says otherwise.
pub const DEFAULT_SLURM_TIMEOUT: u32 = 60;
/// Seconds an `mmlsquota` call may take unless `gpfs.timeout` says otherwise.
pub const DEFAULT_GPFS_TIMEOUT: u32 = 120;
/// Seconds to connect to the API server unless `kubernetes.connectTimeout` says otherwise.
pub const DEFAULT_KUBE_CONNECT_TIMEOUT: u32 = 10;
/// Seconds of silence on an API connection unless `kubernetes.readTimeout` says otherwise
/// (kube-client's own default: watches last at most 290 s on the server).
pub const DEFAULT_KUBE_READ_TIMEOUT: u32 = 295;

/// The process environment, captured once.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    pub fn capture() -> Self {
        Self {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        }
    }

    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

#[derive(Debug, Error)]
pub enum SettingsError {
    /// The error names the file, what it is ("site config") and why.
    #[error(transparent)]
    Read(crate::bounded::ReadError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PartitionConfig {
    pub name: String,
    pub gpus_per_node: Option<u32>,
    /// `topology.hcas`: every RDMA device of the partition's nodes, and `topology.gpuHcas`:
    /// those near a GPU (PIX/PXB; what `fabric-check --topology` suggests for NCCL_IB_HCA).
    pub hcas: Vec<String>,
    pub gpu_hcas: Vec<String>,
    /// Spec-shaped defaults for jobs on this partition (`network:` and `gpusPerNode`).
    pub layer: Node,
    pub pos: Pos,
}

/// A parsed config file (site or user).
#[derive(Debug, Clone, Default)]
pub struct ConfigFile {
    pub path: Option<PathBuf>,
    /// The file as parsed, with positions (for `config view --show-origin`).
    pub tree: Option<Node>,
    pub defaults: Option<Node>,
    pub partitions: Vec<PartitionConfig>,
    pub templates: Option<PathBuf>,
    pub launcher: Option<String>,
    pub slurm_bin_dir: Option<PathBuf>,
    /// Seconds one Slurm command (sbatch, squeue, sacct, scontrol, scancel) may take
    /// (`slurm.timeout`, default 60).
    pub slurm_timeout: Option<u32>,
    /// Deadlines of Kubernetes API calls (`kubernetes.connectTimeout`, `kubernetes.readTimeout`).
    pub kube_connect_timeout: Option<u32>,
    pub kube_read_timeout: Option<u32>,
    pub gpfs: GpfsConfig,
    pub hooks: HooksConfig,
    /// The kubeconfig of the Slurm-side identity (used when neither --kubeconfig nor
    /// $KUBECONFIG is given).
    pub kubeconfig: Option<PathBuf>,
    /// Let `launch` run with an identity that has admin powers (site config only).
    pub allow_admin_identity: bool,
    /// Slurm node name -> Kubernetes node name (site config `nodeNames`, only there).
    pub node_names: crate::nodenames::NodeNames,
    pub fabric: FabricConfig,
}

/// The site's expectations for `fabric-check` (`fabric:` in the config files); see
/// docs/fabric-check.md.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FabricConfig {
    /// The PFC/ECN priority of RoCE traffic (default 3).
    pub lossless_priority: Option<u32>,
    /// The DSCP of RoCE traffic (default 26).
    pub roce_dscp: Option<u32>,
    /// The rate every port should have, Gb/s (default: compare ports with each other).
    pub expected_rate_gbps: Option<u32>,
    /// Pairwise bandwidth below this fraction of the link rate fails (default 0.8).
    pub min_bandwidth_fraction: Option<f64>,
    /// How to run a program on a node, `{host}` replaced (default `srun ... --nodelist={host}`).
    pub launcher: Option<Vec<String>>,
    /// Looked up before PATH for `mlnx_qos`, `ethtool` (a directory).
    pub tool_dir: Option<PathBuf>,
    /// Bandwidth and latency test programs (default `ib_write_bw`, `ib_read_lat`).
    pub bw_test: Option<String>,
    pub lat_test: Option<String>,
    /// Extra perftest arguments for both sides.
    pub perftest_args: Option<Vec<String>>,
    /// Seconds one perftest may take (default 60) and a local tool (default 10).
    pub test_timeout: Option<u32>,
    pub tool_timeout: Option<u32>,
    /// Counter name -> (warn, fail) thresholds on its increase.
    pub counters: Vec<(String, Option<u64>, Option<u64>)>,
}

/// The site's GPFS settings (`gpfs:` in the site config).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GpfsConfig {
    /// Path of `mmlsquota` (default: PATH, then `/usr/lpp/mmfs/bin`).
    pub mmlsquota: Option<PathBuf>,
    /// Usage at or above this percentage of a limit is flagged (default 90).
    pub threshold: Option<f64>,
    /// What `submit` does when the checkpoint headroom is short: `warn` (default),
    /// `strict` (refuse) or `off`.
    pub preflight: Option<String>,
    /// PVC claim name -> (device, fileset), so specs need not know GPFS names.
    pub claims: Vec<(String, String, String)>,
    /// Seconds one `mmlsquota` call may take (`gpfs.timeout`, default 120).
    pub timeout: Option<u32>,
    /// The CSI driver a GPFS claim's storage class should name (default
    /// `spectrumscale.csi.ibm.com`); another one is a warning in `launch` and `doctor`.
    pub csi_driver: Option<String>,
}

/// The site's settings for the Slurm controller hooks and `gc` (`hooks:` in the site config).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HooksConfig {
    /// Jobs on these partitions are hybridctl jobs (besides those whose output file name
    /// starts with `hybridctl-`): the prolog admits their nodes.
    pub partitions: Vec<String>,
    /// Where the epilog and `gc` look for PyTorchJobs and pods (default: the namespace of
    /// `defaults.kubernetes.namespace`, else `default`).
    pub namespaces: Vec<String>,
    /// The taint (`key[=value]:Effect`) that keeps ordinary pods off Slurm-managed nodes; the
    /// prolog removes it for the job, the epilog puts it back.
    pub taint: Option<String>,
    /// A failed prolog exits 1, so Slurm requeues the job (default: false, exit 0).
    pub fail_prolog: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub env: Env,
    pub site: ConfigFile,
    pub user: ConfigFile,
    /// Problems found in the config files themselves.
    pub config_diagnostics: Vec<Diagnostic>,
}

impl Settings {
    /// The namespace of the user's or the site's `defaults.kubernetes.namespace`, else
    /// `default`, as a spec without a namespace would get (the hooks and gc look there).
    pub fn default_namespace(&self) -> String {
        [self.user.defaults.as_ref(), self.site.defaults.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|d| match &d.get("kubernetes")?.get("namespace")?.value {
                crate::yaml::Value::Scalar { text, .. } if !text.is_empty() => Some(text.clone()),
                _ => None,
            })
            .unwrap_or_else(|| "default".to_string())
    }

    /// Load the site config (`$HYBRIDCTL_SITE_CONFIG` or `/etc/hybridctl/config.yaml`) and the
    /// user config (`$HYBRIDCTL_CONFIG`, else `$XDG_CONFIG_HOME/hybridctl/config.yaml`, else
    /// `~/.config/hybridctl/config.yaml`). Missing default files are fine; a file named by a
    /// variable must exist.
    pub fn load(env: Env) -> Result<Self, SettingsError> {
        let mut diags = Diagnostics::default();
        let site_path = env
            .get("HYBRIDCTL_SITE_CONFIG")
            .map(|p| (PathBuf::from(p), true))
            .unwrap_or_else(|| (PathBuf::from(DEFAULT_SITE_CONFIG), false));
        let user_path = match env.get("HYBRIDCTL_CONFIG") {
            Some(p) => Some((PathBuf::from(p), true)),
            None => env
                .get("XDG_CONFIG_HOME")
                .map(PathBuf::from)
                .or_else(|| env.get("HOME").map(|h| Path::new(h).join(".config")))
                .map(|d| (d.join("hybridctl").join("config.yaml"), false)),
        };
        let site = load_config(&site_path.0, site_path.1, "site config", true, &mut diags)?;
        let user = match user_path {
            Some((p, required)) => load_config(&p, required, "user config", false, &mut diags)?,
            None => ConfigFile::default(),
        };
        Ok(Self {
            env,
            site,
            user,
            config_diagnostics: diags.sorted(),
        })
    }

    /// Settings with no config files (tests, benchmarks).
    pub fn empty(env: Env) -> Self {
        Self {
            env,
            site: ConfigFile::default(),
            user: ConfigFile::default(),
            config_diagnostics: Vec::new(),
        }
    }

    /// The template override directory, from the user or site config.
    pub fn templates_dir(&self) -> Option<&Path> {
        self.user
            .templates
            .as_deref()
            .or(self.site.templates.as_deref())
    }

    /// How the batch script calls hybridctl on the compute nodes.
    pub fn launcher(&self) -> String {
        self.user
            .launcher
            .clone()
            .or_else(|| self.site.launcher.clone())
            .unwrap_or_else(|| "hybridctl".to_string())
    }

    pub fn kubeconfig(&self) -> Option<&PathBuf> {
        self.user
            .kubeconfig
            .as_ref()
            .or(self.site.kubeconfig.as_ref())
    }

    pub fn slurm_bin_dir(&self) -> Option<&Path> {
        self.user
            .slurm_bin_dir
            .as_deref()
            .or(self.site.slurm_bin_dir.as_deref())
    }

    /// The GPFS settings: the user config's where it sets them, else the site's.
    pub fn gpfs(&self) -> GpfsConfig {
        let (u, s) = (&self.user.gpfs, &self.site.gpfs);
        GpfsConfig {
            mmlsquota: u.mmlsquota.clone().or_else(|| s.mmlsquota.clone()),
            threshold: u.threshold.or(s.threshold),
            preflight: u.preflight.clone().or_else(|| s.preflight.clone()),
            claims: s.claims.iter().chain(&u.claims).cloned().collect(),
            timeout: u.timeout.or(s.timeout),
            csi_driver: u.csi_driver.clone().or_else(|| s.csi_driver.clone()),
        }
    }

    /// How long one Slurm command may take (`slurm.timeout`).
    pub fn slurm_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(
            self.user
                .slurm_timeout
                .or(self.site.slurm_timeout)
                .unwrap_or(DEFAULT_SLURM_TIMEOUT)
                .into(),
        )
    }

    /// Deadlines for the Kubernetes API: connecting, and waiting for each read of a response
    /// (watches are kept open by the server for up to 290 s, so the read default is above).
    pub fn kube_timeouts(&self) -> (std::time::Duration, std::time::Duration) {
        let secs = |u: Option<u32>, s: Option<u32>, d: u32| {
            std::time::Duration::from_secs(u.or(s).unwrap_or(d).into())
        };
        (
            secs(
                self.user.kube_connect_timeout,
                self.site.kube_connect_timeout,
                DEFAULT_KUBE_CONNECT_TIMEOUT,
            ),
            secs(
                self.user.kube_read_timeout,
                self.site.kube_read_timeout,
                DEFAULT_KUBE_READ_TIMEOUT,
            ),
        )
    }

    /// The fabric-check settings: the user config's values where it sets them, else the site's.
    pub fn fabric(&self) -> FabricConfig {
        let (u, s) = (&self.user.fabric, &self.site.fabric);
        FabricConfig {
            lossless_priority: u.lossless_priority.or(s.lossless_priority),
            roce_dscp: u.roce_dscp.or(s.roce_dscp),
            expected_rate_gbps: u.expected_rate_gbps.or(s.expected_rate_gbps),
            min_bandwidth_fraction: u.min_bandwidth_fraction.or(s.min_bandwidth_fraction),
            launcher: u.launcher.clone().or_else(|| s.launcher.clone()),
            tool_dir: u.tool_dir.clone().or_else(|| s.tool_dir.clone()),
            bw_test: u.bw_test.clone().or_else(|| s.bw_test.clone()),
            lat_test: u.lat_test.clone().or_else(|| s.lat_test.clone()),
            perftest_args: u.perftest_args.clone().or_else(|| s.perftest_args.clone()),
            test_timeout: u.test_timeout.or(s.test_timeout),
            tool_timeout: u.tool_timeout.or(s.tool_timeout),
            counters: s.counters.iter().chain(&u.counters).cloned().collect(),
        }
    }

    /// The hook settings: lists from both files, the user config's values where it sets them.
    pub fn hooks(&self) -> HooksConfig {
        let (u, s) = (&self.user.hooks, &self.site.hooks);
        HooksConfig {
            partitions: s.partitions.iter().chain(&u.partitions).cloned().collect(),
            namespaces: s.namespaces.iter().chain(&u.namespaces).cloned().collect(),
            taint: u.taint.clone().or_else(|| s.taint.clone()),
            fail_prolog: u.fail_prolog.or(s.fail_prolog),
        }
    }

    /// The site's taint for Slurm-managed nodes (`hooks.taint`). The config was checked when
    /// it was loaded, so an invalid taint was reported then and counts as none here.
    pub fn hook_taint(&self) -> Option<crate::k8s::taint::TaintSpec> {
        self.hooks()
            .taint
            .as_deref()
            .and_then(|t| crate::k8s::taint::TaintSpec::parse(t).ok())
    }

    /// Where the epilog and gc look for a job's objects: `-n`, else `hooks.namespaces`, else
    /// the default namespace.
    pub fn cleanup_namespaces(&self, flag: Option<&str>) -> Vec<String> {
        if let Some(ns) = flag {
            return vec![ns.to_string()];
        }
        let mut out: Vec<String> = Vec::new();
        for ns in self.hooks().namespaces {
            if !out.contains(&ns) {
                out.push(ns);
            }
        }
        if out.is_empty() {
            out.push(self.default_namespace());
        }
        out
    }

    pub fn partition(&self, name: &str) -> Option<&PartitionConfig> {
        self.site.partitions.iter().find(|p| p.name == name)
    }

    pub fn color(&self, is_terminal: bool) -> bool {
        self.env.get("NO_COLOR").is_none() && is_terminal && self.env.get("TERM") != Some("dumb")
    }
}

fn load_config(
    path: &Path,
    required: bool,
    what: &'static str,
    site: bool,
    diags: &mut Diagnostics,
) -> Result<ConfigFile, SettingsError> {
    let cap = crate::bounded::Cap {
        what,
        ..crate::bounded::CONFIG
    };
    let text = match crate::bounded::read_string(path, cap) {
        Ok(t) => t,
        Err(e) if e.is_not_found() && !required => {
            return Ok(ConfigFile::default());
        }
        Err(e) => return Err(SettingsError::Read(e)),
    };
    Ok(decode_config(path, &text, what, site, diags))
}

/// Whether YAML text has the shape of a site or user config file rather than a job spec: no
/// `apiVersion`/`kind` at the top, and a key only config files have.
pub fn is_config_shaped(text: &str) -> bool {
    const CONFIG_ONLY: &[&str] = &[
        "defaults",
        "partitions",
        "launcher",
        "templates",
        "kubeconfig",
        "allowAdminIdentity",
        "nodeNames",
        "gpfs",
        "hooks",
        "fabric",
    ];
    let Ok(root) = yaml::parse(&Arc::from("<check>"), text) else {
        return false;
    };
    root.get("apiVersion").is_none()
        && root.get("kind").is_none()
        && CONFIG_ONLY.iter().any(|k| root.get(k).is_some())
}

/// Check a config file's text as the site config (a superset of the user config): every
/// problem, with positions in `display`.
pub fn check_config_text(display: &str, text: &str) -> Vec<Diagnostic> {
    let mut diags = Diagnostics::default();
    decode_config(Path::new(display), text, "site config", true, &mut diags);
    diags.sorted()
}

fn decode_config(
    path: &Path,
    text: &str,
    what: &'static str,
    site: bool,
    diags: &mut Diagnostics,
) -> ConfigFile {
    let file: Arc<str> = Arc::from(path.display().to_string());
    let root = match yaml::parse(&file, text) {
        Ok(root) => root,
        Err(e) => {
            diags.error(&e.pos, "yaml-syntax", e.message);
            return ConfigFile {
                path: Some(path.to_path_buf()),
                ..ConfigFile::default()
            };
        }
    };
    let base = path.parent().unwrap_or(Path::new("."));
    let mut d = Decoder::new();
    let mut cfg = ConfigFile {
        path: Some(path.to_path_buf()),
        tree: Some(root.clone()),
        ..ConfigFile::default()
    };
    d.root_name = what;
    d.max_items = crate::decode::MAX_CONFIG_ITEMS;
    if let Some(mut m) = d.map(&root, "") {
        cfg.defaults = m.field("defaults").cloned();
        if let Some(n) = &cfg.defaults
            && !matches!(n.value, Value::Map(_))
        {
            d.diags.error_hint(
                &n.pos,
                "type",
                format!("`defaults` in the {what} must be a mapping, found {}", n.kind()),
                "`defaults:` has the shape of a job spec, e.g. `defaults: {slurm: {partition: gpu}}`",
            );
            cfg.defaults = None;
        }
        if let Some(t) = d.opt_string(&mut m, "templates") {
            cfg.templates = Some(base.join(t));
        }
        cfg.launcher = d.opt_string(&mut m, "launcher");
        cfg.kubeconfig = d.opt_string(&mut m, "kubeconfig").map(|p| base.join(p));
        if site {
            cfg.allow_admin_identity = d.opt_bool(&mut m, "allowAdminIdentity").unwrap_or(false);
            if let Some(n) = m.field("nodeNames") {
                cfg.node_names = decode_node_names(&mut d, n);
            }
        }
        if let Some(s) = m.field("slurm")
            && let Some(mut sm) = d.map(s, "slurm")
        {
            cfg.slurm_bin_dir = d.opt_string(&mut sm, "binDir").map(|p| base.join(p));
            cfg.slurm_timeout = d.opt_u32(&mut sm, "timeout", 1, 3600);
            sm.finish(&mut d);
        }
        if let Some(k) = m.field("kubernetes")
            && let Some(mut km) = d.map(k, "kubernetes")
        {
            cfg.kube_connect_timeout = d.opt_u32(&mut km, "connectTimeout", 1, 600);
            cfg.kube_read_timeout = d.opt_u32(&mut km, "readTimeout", 1, 3600);
            km.finish(&mut d);
        }
        if let Some(g) = m.field("gpfs") {
            cfg.gpfs = decode_gpfs(&mut d, g, base);
        }
        if let Some(h) = m.field("hooks") {
            cfg.hooks = decode_hooks(&mut d, h);
        }
        if let Some(f) = m.field("fabric") {
            cfg.fabric = decode_fabric(&mut d, f, base);
        }
        if site && let Some(p) = m.field("partitions") {
            cfg.partitions = decode_partitions(&mut d, p);
        }
        m.finish(&mut d);
    }
    diags.items.extend(d.diags.items);
    cfg
}

fn decode_gpfs(d: &mut Decoder, node: &Node, base: &Path) -> GpfsConfig {
    let mut cfg = GpfsConfig::default();
    let Some(mut m) = d.map(node, "gpfs") else {
        return cfg;
    };
    cfg.mmlsquota = d.opt_string(&mut m, "mmlsquota").map(|p| base.join(p));
    cfg.threshold = d.opt_u32(&mut m, "threshold", 1, 100).map(f64::from);
    cfg.preflight = d.one_of(&mut m, "preflight", &["warn", "strict", "off"]);
    cfg.timeout = d.opt_u32(&mut m, "timeout", 1, 3600);
    cfg.csi_driver = d.opt_string(&mut m, "csiDriver");
    if let Some(claims) = m.field("claims") {
        if let Value::Map(entries) = &claims.value {
            for (key, value) in entries {
                let path = format!("gpfs.claims.{}", key.name);
                let Some(mut cm) = d.map(value, &path) else {
                    continue;
                };
                let device = d.req_string(&mut cm, "device", "the GPFS file system, e.g. `gpfs01`");
                let fileset = d.req_string(&mut cm, "fileset", "the fileset behind the claim");
                cm.finish(d);
                if let (Some(dev), Some(fs)) = (device, fileset) {
                    cfg.claims.push((key.name.clone(), dev, fs));
                }
            }
        } else {
            d.diags.error(
                &claims.pos,
                "type",
                "`gpfs.claims` must map claim names to `{device, fileset}`",
            );
        }
    }
    m.finish(d);
    cfg
}

fn decode_node_names(d: &mut Decoder, node: &Node) -> crate::nodenames::NodeNames {
    use crate::nodenames::NodeNames;
    let Some(mut m) = d.map(node, "nodeNames") else {
        return NodeNames::identity();
    };
    let template = d.opt_string(&mut m, "template").and_then(|t| {
        let ok = d.check(
            "nodeNames.template",
            &t,
            "node-names",
            "e.g. `{name}.cluster.example.com`: `{name}` is the Slurm node name",
            |t| NodeNames::parse_template(t).map(|_| ()),
        );
        if ok {
            NodeNames::parse_template(&t).ok()
        } else {
            None
        }
    });
    let mut map = std::collections::BTreeMap::new();
    if let Some(entries) = m.field("map") {
        if let Value::Map(items) = &entries.value {
            for (key, value) in items {
                match &value.value {
                    Value::Scalar { text, .. } => {
                        let v = text.clone();
                        if d.check(
                            &format!("nodeNames.map.{}", key.name),
                            &v,
                            "node-names",
                            "Kubernetes node names are DNS-1123 subdomains: lowercase letters, digits, `-` and `.`",
                            crate::k8s::names::check_dns_subdomain,
                        ) {
                            map.insert(key.name.clone(), v);
                        }
                    }
                    _ => d.diags.error(
                        &value.pos,
                        "type",
                        format!(
                            "`nodeNames.map.{}` must be a Kubernetes node name",
                            key.name
                        ),
                    ),
                }
            }
        } else {
            d.diags.error(
                &entries.pos,
                "type",
                "`nodeNames.map` must map Slurm node names to Kubernetes node names",
            );
        }
    }
    m.finish(d);
    NodeNames::new(template, map)
}

fn decode_hooks(d: &mut Decoder, node: &Node) -> HooksConfig {
    let mut cfg = HooksConfig::default();
    let Some(mut m) = d.map(node, "hooks") else {
        return cfg;
    };
    cfg.partitions = d.string_list(&mut m, "partitions");
    let namespaces = d.string_list(&mut m, "namespaces");
    cfg.namespaces = namespaces
        .into_iter()
        .enumerate()
        .filter(|(i, ns)| {
            d.check(
                &format!("hooks.namespaces[{i}]"),
                ns,
                "name",
                "namespaces are DNS-1123 labels: lowercase letters, digits and `-`",
                |n| crate::k8s::names::check_dns_label(n, 63),
            )
        })
        .map(|(_, ns)| ns)
        .collect();
    cfg.taint = d.opt_string(&mut m, "taint").filter(|t| {
        d.check(
            "hooks.taint",
            t,
            "taint",
            "write it as kubectl does: `key=value:NoSchedule`, `key:NoExecute`",
            |t| crate::k8s::taint::TaintSpec::parse(t).map(|_| ()),
        )
    });
    cfg.fail_prolog = d.opt_bool(&mut m, "failProlog");
    m.finish(d);
    cfg
}

fn decode_fabric(d: &mut Decoder, node: &Node, base: &Path) -> FabricConfig {
    let mut cfg = FabricConfig::default();
    let Some(mut m) = d.map(node, "fabric") else {
        return cfg;
    };
    cfg.lossless_priority = d.opt_u32(&mut m, "losslessPriority", 0, 7);
    cfg.roce_dscp = d.opt_u32(&mut m, "roceDscp", 0, 63);
    cfg.expected_rate_gbps = d.opt_u32(&mut m, "expectedRateGbps", 1, 100_000);
    if let Some(text) = d.opt_string(&mut m, "minBandwidthFraction") {
        let path = "fabric.minBandwidthFraction";
        match text.parse::<f64>() {
            Ok(f) if f > 0.0 && f <= 1.0 => cfg.min_bandwidth_fraction = Some(f),
            _ => {
                d.check(
                    path,
                    &text,
                    "range",
                    "a fraction of the link rate, e.g. 0.8",
                    |_| Err("must be a number above 0 and at most 1".into()),
                );
            }
        }
    }
    if m_field_node(node, "launcher").is_some() {
        cfg.launcher = Some(d.string_list(&mut m, "launcher"));
    }
    cfg.tool_dir = d.opt_string(&mut m, "toolDir").map(|p| base.join(p));
    cfg.bw_test = d.opt_string(&mut m, "bwTest");
    cfg.lat_test = d.opt_string(&mut m, "latTest");
    if m_field_node(node, "perftestArgs").is_some() {
        cfg.perftest_args = Some(d.string_list(&mut m, "perftestArgs"));
    }
    cfg.test_timeout = d.opt_u32(&mut m, "testTimeout", 1, 3600);
    cfg.tool_timeout = d.opt_u32(&mut m, "toolTimeout", 1, 600);
    if let Some(c) = m.field("counters") {
        if let Value::Map(entries) = &c.value {
            for (key, value) in entries {
                let path = format!("fabric.counters.{}", key.name);
                let Some(mut cm) = d.map(value, &path) else {
                    continue;
                };
                let num = |d: &mut Decoder, cm: &mut crate::decode::MapReader<'_>, name| {
                    let n = cm.field(name)?;
                    d.uint(n, &cm.path(name), 0, u64::MAX >> 1)
                };
                let warn = num(d, &mut cm, "warn");
                let fail = num(d, &mut cm, "fail");
                cm.finish(d);
                cfg.counters.push((key.name.clone(), warn, fail));
            }
        } else {
            d.diags.error(
                &c.pos,
                "type",
                "`fabric.counters` must map counter names to `{warn, fail}`",
            );
        }
    }
    m.finish(d);
    cfg
}

fn decode_partitions(d: &mut Decoder, node: &Node) -> Vec<PartitionConfig> {
    let Value::Map(entries) = &node.value else {
        d.diags.error(
            &node.pos,
            "type",
            "`partitions` must be a mapping of partition name to settings",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in entries {
        let path = format!("partitions.{}", key.name);
        let Some(mut m) = d.map(value, &path) else {
            continue;
        };
        let gpus = d.opt_u32(&mut m, "gpusPerNode", 0, 64);
        let network = m.field("network").cloned();
        let gpu_bind = m.field("gpuBind").cloned();
        // `kubernetes: {api: trainjob, runtime: ...}`: the partition's Kubeflow API, a
        // spec-shaped default like `network:`
        let kubernetes = m.field("kubernetes").cloned();
        let (mut hcas, mut gpu_hcas) = (Vec::new(), Vec::new());
        if let Some(t) = m.field("topology").cloned()
            && let Some(mut tm) = d.map(&t, &format!("{path}.topology"))
        {
            hcas = d.string_list(&mut tm, "hcas");
            gpu_hcas = d.string_list(&mut tm, "gpuHcas");
            tm.finish(d);
            if hcas.is_empty() {
                hcas.clone_from(&gpu_hcas);
            }
            for g in &gpu_hcas {
                if !hcas.contains(g) {
                    hcas.push(g.clone());
                }
            }
        }
        m.finish(d);
        let mut layer_entries = Vec::new();
        if let Some(g) = m_field_node(value, "gpusPerNode") {
            layer_entries.push((
                key_at("slurm", &g.pos),
                Node {
                    value: Value::Map(vec![(key_at("gpusPerNode", &g.pos), g.clone())]),
                    pos: g.pos.clone(),
                },
            ));
        }
        if let Some(n) = network {
            layer_entries.push((key_at("network", &n.pos), n));
        }
        if let Some(k) = kubernetes {
            layer_entries.push((key_at("kubernetes", &k.pos), k));
        }
        if let Some(b) = gpu_bind {
            // The site's `gpuBind` is the jobs' `slurm.gpuBind` default.
            let slurm = Node {
                value: Value::Map(vec![(key_at("gpuBind", &b.pos), b.clone())]),
                pos: b.pos.clone(),
            };
            match layer_entries.iter_mut().find(|(k, _)| k.name == "slurm") {
                Some((_, n)) => *n = crate::yaml::merge(n.clone(), slurm),
                None => layer_entries.push((key_at("slurm", &b.pos), slurm)),
            }
        }
        out.push(PartitionConfig {
            name: key.name.clone(),
            gpus_per_node: gpus,
            hcas,
            gpu_hcas,
            layer: Node {
                value: Value::Map(layer_entries),
                pos: value.pos.clone(),
            },
            pos: key.pos.clone(),
        });
    }
    out
}

fn m_field_node<'a>(node: &'a Node, name: &str) -> Option<&'a Node> {
    node.get(name).filter(|n| !matches!(n.value, Value::Null))
}

pub(crate) fn key_at(name: &str, pos: &Pos) -> Key {
    Key {
        name: name.to_string(),
        pos: pos.clone(),
    }
}

/// Settings from a site and a user config text (for tests).
#[cfg(test)]
pub(crate) fn test_settings(site: &str, user: &str) -> Settings {
    let dir = tempfile::tempdir().expect("tempdir");
    let (s, u) = (dir.path().join("site.yaml"), dir.path().join("user.yaml"));
    std::fs::write(&s, site).expect("site");
    std::fs::write(&u, user).expect("user");
    let env = Env::from_pairs([
        ("HYBRIDCTL_SITE_CONFIG", s.display().to_string()),
        ("HYBRIDCTL_CONFIG", u.display().to_string()),
    ]);
    Settings::load(env).expect("settings")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleanup_namespaces_flag_then_hooks_then_default() {
        let site = "defaults:\n  kubernetes:\n    namespace: site-ns\nhooks:\n  namespaces: [a, b, a]\n  taint: hybridctl.io/slurm=owned:NoSchedule\n";
        let s = test_settings(site, "");
        assert_eq!(s.cleanup_namespaces(Some("x")), ["x"]);
        assert_eq!(s.cleanup_namespaces(None), ["a", "b"]);
        assert_eq!(
            s.hook_taint().map(|t| t.to_string()).as_deref(),
            Some("hybridctl.io/slurm=owned:NoSchedule")
        );
        let s = test_settings(site.split("hooks:").next().unwrap_or(site), "");
        assert_eq!(s.cleanup_namespaces(None), ["site-ns"]);
        assert_eq!(s.hook_taint(), None);
        let s = test_settings("", "defaults:\n  kubernetes:\n    namespace: user-ns\n");
        assert_eq!(s.default_namespace(), "user-ns");
        assert_eq!(test_settings("", "").cleanup_namespaces(None), ["default"]);
    }
}
