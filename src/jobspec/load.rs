//! Loading a job spec: read the file (`-` = stdin, bounded), merge it through every layer
//! (built-in < site defaults < the job's site partition < user defaults < the spec < `--set`
//! and shortcut flags, key by key), decode it with positions, and check it against the
//! partition's topology. The config files themselves are read by [`crate::settings`].

use std::path::Path;
use std::sync::Arc;

use thiserror::Error;

use super::Spec;
use super::decode::{PartitionInfo, decode_spec};
use crate::diag::{Diagnostic, Diagnostics};
use crate::settings::{PartitionConfig, Settings, key_at};
use crate::yaml::{self, Node, Pos, Value};

/// Command-line changes to a spec.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--set key.path=value`, in order.
    pub assignments: Vec<String>,
    /// Shortcut flags as (spec path, value), e.g. (`slurm.nodes`, `4`).
    pub fields: Vec<(&'static str, String)>,
    /// `--env NAME=VALUE`: `container.env.NAME` (NCCL's variables: `network.ncclEnv.NAME`),
    /// always a string, applied last.
    pub env: Vec<(String, String)>,
}

#[derive(Debug, Error)]
pub enum LoadError {
    /// The error names the spec and why it could not be read.
    #[error(transparent)]
    Read(crate::bounded::ReadError),
    #[error(transparent)]
    Stdin(crate::input::StdinError),
}

/// The outcome of loading a spec: the spec when it is valid, and every diagnostic (warnings
/// come with a valid spec too).
#[derive(Debug)]
pub struct LoadedSpec {
    pub spec: Option<Spec>,
    pub diagnostics: Vec<Diagnostic>,
    pub display_path: String,
}

/// Read a spec file (`-` = stdin) and resolve it through every layer.
pub fn load_spec(
    settings: &Settings,
    path: &str,
    overrides: &Overrides,
) -> Result<LoadedSpec, LoadError> {
    let (text, display) = read_input(path)?;
    Ok(resolve_spec(settings, display, &text, overrides))
}

/// The text of a spec or config file (`-` = stdin, never a terminal) and the name diagnostics
/// give it. Standard input is a stream by nature (capped all the same); a path must be a
/// regular file.
pub fn read_input(path: &str) -> Result<(String, &str), LoadError> {
    let text = if path == "-" {
        crate::input::stdin_text(crate::bounded::SPEC).map_err(LoadError::Stdin)?
    } else {
        crate::bounded::read_string(Path::new(path), crate::bounded::SPEC)
            .map_err(LoadError::Read)?
    };
    let display = if path == "-" { "<stdin>" } else { path };
    Ok((text, display))
}

/// Resolve spec text through every layer (pure apart from what `settings` holds).
pub fn resolve_spec(
    settings: &Settings,
    display: &str,
    text: &str,
    overrides: &Overrides,
) -> LoadedSpec {
    let mut diags = Diagnostics::default();
    diags
        .items
        .extend(settings.config_diagnostics.iter().cloned());
    let file: Arc<str> = Arc::from(display);
    let spec_node = match yaml::parse(&file, text) {
        Ok(n) => n,
        Err(e) => {
            let hint = if e.message.starts_with("duplicate key") {
                "a key may appear once per mapping; keep the one you mean"
            } else {
                "check the indentation and quoting around this position"
            };
            diags.error_hint(&e.pos, "yaml-syntax", e.message, hint);
            return LoadedSpec {
                spec: None,
                diagnostics: diags.sorted(),
                display_path: display.to_string(),
            };
        }
    };
    let mut over_nodes = Vec::new();
    let set_file: Arc<str> = Arc::from("<--set>");
    for a in &overrides.assignments {
        match yaml::from_assignment(&set_file, a) {
            Ok(n) => over_nodes.push(n),
            Err(e) => diags.error_hint(
                &e.pos,
                "set",
                format!("--set {a}: {}", e.message),
                "write `--set slurm.nodes=4` (a dotted key path, `=`, a value)",
            ),
        }
    }
    for (path, value) in &overrides.fields {
        over_nodes.push(field_node(path, value));
    }
    for (name, value) in &overrides.env {
        // NCCL's variables live in `network.ncclEnv`, so that the batch script and every
        // pod get the same value (docs/spec.md); the others in the container's env.
        let nccl = ["NCCL_", "UCX_", "TORCH_NCCL_"]
            .iter()
            .any(|p| name.starts_with(p));
        let path = if nccl {
            format!("network.ncclEnv.{name}")
        } else {
            format!("container.env.{name}")
        };
        let mut node = field_node(&path, value);
        quote_leaf(&mut node);
        over_nodes.push(node);
    }

    // Everything but the partition layer, to learn which partition the job is for.
    let merged_without_partition = merge_layers(settings, None, &spec_node, &over_nodes);
    let partition_name = merged_without_partition
        .get("slurm")
        .and_then(|s| s.get("partition"))
        .and_then(|p| match &p.value {
            Value::Scalar { text, .. } => Some(text.clone()),
            _ => None,
        });
    let partition = partition_name
        .as_deref()
        .and_then(|n| settings.partition(n));
    let merged = match partition {
        Some(p) => merge_layers(settings, Some(p), &spec_node, &over_nodes),
        None => merged_without_partition,
    };
    let info = partition.map(|p| PartitionInfo {
        name: p.name.clone(),
        gpus_per_node: p.gpus_per_node,
        pos: Some(p.pos.clone()),
    });
    let (spec, decoder) = decode_spec(&merged, info.as_ref());
    diags.items.extend(decoder.diags.items);
    if let (Some(s), Some(p)) = (&spec, partition) {
        check_hcas_topology(s, p, &merged, &mut diags);
    }
    let has_errors = diags.has_errors();
    LoadedSpec {
        spec: if has_errors { None } else { spec },
        diagnostics: diags.sorted(),
        display_path: display.to_string(),
    }
}

/// `network.hcas` against the partition's topology (site config `partitions.P.topology`):
/// entries that select no device of the partition, devices no GPU is near, and prefixes
/// that select more than meant (NCCL matches `mlx5_1` as a prefix of `mlx5_10`).
fn check_hcas_topology(
    spec: &crate::jobspec::Spec,
    p: &PartitionConfig,
    merged: &Node,
    diags: &mut crate::diag::Diagnostics,
) {
    let hcas = &spec.network.hcas;
    if p.hcas.is_empty() || hcas.is_empty() || !spec.network.fabric.uses_rdma() {
        return;
    }
    let pos = merged
        .get("network")
        .and_then(|n| n.get("hcas"))
        .map_or_else(|| p.pos.clone(), |n| n.pos.clone());
    // NCCL_IB_HCA syntax: a leading `^` excludes (the whole list), `=` makes every entry
    // exact; `:port` restricts a device to a port.
    let first = hcas.first().map(String::as_str).unwrap_or("");
    if first.starts_with('^') {
        return;
    }
    let exact = first.starts_with('=');
    let list = p.hcas.join(", ");
    for (i, raw) in hcas.iter().enumerate() {
        let entry = if i == 0 {
            raw.trim_start_matches('=')
        } else {
            raw.as_str()
        };
        let name = entry.split(':').next().unwrap_or(entry);
        let selected: Vec<&String> = p
            .hcas
            .iter()
            .filter(|h| {
                if exact {
                    *h == name
                } else {
                    h.starts_with(name)
                }
            })
            .collect();
        if selected.is_empty() {
            diags.warning_hint(
                &pos,
                "hcas-topology",
                format!(
                    "`network.hcas` entry `{raw}` selects no RDMA device of partition `{}` ({list})",
                    p.name
                ),
                "use the names `hybridctl fabric-check --topology` prints on one of its nodes",
            );
            continue;
        }
        if !exact && selected.len() > 1 {
            let names: Vec<&str> = selected.iter().map(|s| s.as_str()).collect();
            diags.warning_hint(
                &pos,
                "hcas-topology",
                format!(
                    "`network.hcas` entry `{raw}` is a prefix: NCCL takes {} on partition `{}`",
                    names.join(", "),
                    p.name
                ),
                "write the list with a leading `=` (`=mlx5_0,mlx5_1`) for exact names",
            );
        }
        if !p.gpu_hcas.is_empty() {
            let far: Vec<&str> = selected
                .iter()
                .filter(|h| !p.gpu_hcas.contains(h))
                .map(|s| s.as_str())
                .collect();
            if !far.is_empty() {
                diags.warning_hint(
                    &pos,
                    "hcas-topology",
                    format!(
                        "`network.hcas` selects {} on partition `{}`, which no GPU is near (the GPUs' NICs are {})",
                        far.join(", "),
                        p.name,
                        p.gpu_hcas.join(", ")
                    ),
                    "traffic through a NIC that is not on the GPU's PCIe switch goes without GPUDirect RDMA, or crosses the socket: keep to the GPUs' NICs",
                );
            }
        }
    }
}

fn merge_layers(
    settings: &Settings,
    partition: Option<&PartitionConfig>,
    spec: &Node,
    overs: &[Node],
) -> Node {
    let empty = Node {
        value: Value::Map(Vec::new()),
        pos: spec.pos.clone(),
    };
    let mut acc = empty;
    let layers = [
        settings.site.defaults.as_ref(),
        partition.map(|p| &p.layer),
        settings.user.defaults.as_ref(),
    ];
    for layer in layers.into_iter().flatten() {
        acc = yaml::merge(acc, layer.clone());
    }
    acc = yaml::merge(acc, spec.clone());
    for o in overs {
        acc = yaml::merge(acc, o.clone());
    }
    // The spec's own top-level position is the one to report "required" errors at.
    acc.pos = spec.pos.clone();
    acc
}

/// A shortcut flag's value as a string scalar at `path`.
/// Make the scalar at the end of a one-key-per-level path a string (`007` stays `007`).
fn quote_leaf(node: &mut Node) {
    match &mut node.value {
        Value::Map(entries) => {
            if let Some((_, child)) = entries.last_mut() {
                quote_leaf(child);
            }
        }
        Value::Scalar { plain, .. } => *plain = false,
        _ => {}
    }
}

fn field_node(path: &str, value: &str) -> Node {
    let file: Arc<str> = Arc::from("<command line>");
    let pos = Pos::new(&file, 1, 1);
    let mut node = Node {
        value: Value::Scalar {
            text: value.to_string(),
            plain: !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()),
        },
        pos: pos.clone(),
    };
    for part in path.rsplit('.') {
        node = Node {
            value: Value::Map(vec![(key_at(part, &pos), node)]),
            pos: pos.clone(),
        };
    }
    node
}
