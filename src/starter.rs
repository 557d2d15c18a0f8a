//! `hybridctl init`: a commented starter spec for one of the site's partitions.
//!
//! The facts come from the configuration layers, resolved exactly as a spec on that partition
//! would be (site `defaults:`, the partition's entry, user `defaults:`): GPUs per node, the
//! fabric, the RDMA resource, the HCAs (the partition's `network.hcas`, else the devices its
//! `topology.gpuHcas` names as near a GPU), the GID index, traffic class and socket interface,
//! and the site's GPFS claim. Each value the site decided says so in a comment, so the person
//! editing the file knows what is theirs to change. The text is resolved again before it is
//! returned: a starter that would not validate is a bug, reported as one.

use std::fmt::Write as _;

use thiserror::Error;

use crate::diag::{Diagnostic, Severity};
use crate::jobspec::load::{Overrides, resolve_spec};
use crate::jobspec::{API_VERSION, Fabric, GidIndex, KIND, Spec};
use crate::settings::Settings;

/// What the user asked for.
#[derive(Debug, Clone)]
pub struct StarterOptions {
    /// The partition; `None`: the site config's first partition, else no `partition:` line.
    pub partition: Option<String>,
    pub nodes: u32,
    pub name: String,
    pub image: String,
}

/// The name a starter gets when none is given and the output file's name is not a job name.
pub const DEFAULT_NAME: &str = "my-training";
/// The image a starter names until the user puts theirs (NVIDIA's PyTorch container).
pub const DEFAULT_IMAGE: &str = "nvcr.io/nvidia/pytorch:25.01-py3";

#[derive(Debug, Error)]
pub enum StarterError {
    #[error("the site config has no partition `{name}` (it has: {})", known.join(", "))]
    UnknownPartition {
        name: String,
        known: Vec<String>,
        suggestion: Option<String>,
    },
    #[error("`{}` cannot be a partition name: {reason}", name.escape_debug())]
    BadPartition { name: String, reason: String },
    #[error("--image: {reason}")]
    BadImage { reason: String },
    #[error("`{name}` is not a job name: {reason}")]
    BadName { name: String, reason: String },
    #[error("the configuration does not give a valid spec for this partition")]
    Layers { diagnostics: Vec<Diagnostic> },
    #[error("the starter spec does not validate (a bug in hybridctl init)")]
    Invalid { diagnostics: Vec<Diagnostic> },
}

impl StarterError {
    pub fn hint(&self) -> String {
        match self {
            Self::UnknownPartition { suggestion, .. } => match suggestion {
                Some(s) => format!("did you mean `--partition {s}`?"),
                None => "pass one of the partitions above, or leave --partition out".to_string(),
            },
            Self::BadPartition { .. } => {
                "pass the partition as `sinfo -s` lists it".to_string()
            }
            Self::BadImage { .. } => {
                "pass an image such as `nvcr.io/nvidia/pytorch:25.01-py3`".to_string()
            }
            Self::BadName { .. } => {
                "a job name is a DNS-1035 label of at most 40 characters, e.g. `llama-sft`; pass --name".to_string()
            }
            Self::Layers { .. } => {
                "fix the config files named above; `hybridctl validate --config FILE` checks one".to_string()
            }
            Self::Invalid { .. } => {
                "report this with the command line; meanwhile start from examples/ in the hybridctl sources".to_string()
            }
        }
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Self::Layers { diagnostics } | Self::Invalid { diagnostics } => diagnostics,
            _ => &[],
        }
    }
}

/// The name a starter written to `file_stem` gets: the stem when it is a job name.
pub fn name_from_file(file_stem: Option<&str>) -> String {
    file_stem
        .filter(|s| crate::jobspec::names::check_job_name(s).is_ok())
        .unwrap_or(DEFAULT_NAME)
        .to_string()
}

/// The starter spec's text, checked to validate as written.
pub fn starter_spec(
    settings: &Settings,
    opts: &StarterOptions,
    command: &str,
) -> Result<String, StarterError> {
    crate::jobspec::names::check_job_name(&opts.name).map_err(|reason| StarterError::BadName {
        name: opts.name.clone(),
        reason,
    })?;
    crate::jobspec::names::check_image(&opts.image)
        .map_err(|reason| StarterError::BadImage { reason })?;
    if let Some(p) = &opts.partition {
        crate::jobspec::names::check_sbatch_value(p).map_err(|reason| {
            StarterError::BadPartition {
                name: p.clone(),
                reason,
            }
        })?;
    }
    let known: Vec<String> = settings
        .site
        .partitions
        .iter()
        .map(|p| p.name.clone())
        .collect();
    let partition = match &opts.partition {
        Some(p) if !known.is_empty() && !known.contains(p) => {
            return Err(StarterError::UnknownPartition {
                name: p.clone(),
                suggestion: crate::diag::did_you_mean(p, known.iter().map(String::as_str))
                    .map(String::from),
                known,
            });
        }
        Some(p) => Some(p.clone()),
        None => known.first().cloned(),
    };
    let entry = partition.as_deref().and_then(|p| settings.partition(p));

    // What the layers give a spec on this partition.
    let mut probe = format!(
        "apiVersion: {API_VERSION}\nkind: {KIND}\nname: {}\ncontainer:\n  image: {}\nslurm:\n  nodes: {}\n",
        opts.name,
        yaml_scalar(&opts.image),
        opts.nodes
    );
    if let Some(p) = &partition {
        let _ = writeln!(probe, "  partition: {}", yaml_scalar(p));
    }
    let site_gpus = entry.and_then(|e| e.gpus_per_node);
    if site_gpus.is_none() {
        probe.push_str("  gpusPerNode: 1\n");
    }
    let layered = resolve_spec(settings, "<init>", &probe, &Overrides::default());
    let Some(spec) = layered.spec else {
        return Err(StarterError::Layers {
            diagnostics: errors(layered.diagnostics),
        });
    };
    let text = render(&spec, opts, partition.as_deref(), entry, settings, command);

    let check = resolve_spec(settings, "<init>", &text, &Overrides::default());
    if check.spec.is_none() {
        return Err(StarterError::Invalid {
            diagnostics: errors(check.diagnostics),
        });
    }
    Ok(text)
}

fn errors(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

/// One `key: value` line, the value padded to a comment column when there is a comment.
fn line(out: &mut String, indent: usize, key: &str, value: &str, comment: &str) {
    let body = format!("{}{key}: {value}", "  ".repeat(indent));
    if comment.is_empty() {
        let _ = writeln!(out, "{body}");
    } else {
        let _ = writeln!(out, "{body:<38} # {comment}");
    }
}

fn render(
    spec: &Spec,
    opts: &StarterOptions,
    partition: Option<&str>,
    entry: Option<&crate::settings::PartitionConfig>,
    settings: &Settings,
    command: &str,
) -> String {
    let site = |what: &str| match partition {
        Some(p) => format!("{what} (site config, partition `{p}`)"),
        None => format!("{what} (site config)"),
    };
    let mut out = String::new();
    let _ = writeln!(out, "# A starter job spec, written by `{command}`.");
    out.push_str(
        "# Check it with `hybridctl validate FILE`, see what it becomes with `hybridctl render FILE`,\n\
         # and ask about any field with `hybridctl explain FIELD` (e.g. `hybridctl explain network.hcas`).\n",
    );
    line(&mut out, 0, "apiVersion", API_VERSION, "");
    line(&mut out, 0, "kind", KIND, "");
    line(
        &mut out,
        0,
        "name",
        &opts.name,
        "the Slurm job name and the PyTorchJob's name prefix",
    );

    out.push_str("\nslurm:\n");
    match partition {
        Some(p) => line(&mut out, 1, "partition", &yaml_scalar(p), ""),
        None => out.push_str(
            "  # partition: gpu                     # unset: Slurm's default partition\n",
        ),
    }
    line(
        &mut out,
        1,
        "nodes",
        &spec.slurm.nodes.to_string(),
        "one pod per node",
    );
    let gpus = spec.slurm.gpus_per_node;
    let gpus_note = match entry.and_then(|e| e.gpus_per_node) {
        Some(_) => site("every GPU of a node"),
        None => "set to the GPUs your job needs on each node".to_string(),
    };
    line(&mut out, 1, "gpusPerNode", &gpus.to_string(), &gpus_note);
    line(
        &mut out,
        1,
        "time",
        "1h",
        "the time limit; raise it for real runs",
    );
    out.push_str("  # account: my-account                # the Slurm account to charge\n");
    if let Some(bind) = &spec.slurm.gpu_bind {
        line(&mut out, 1, "# gpuBind", bind, &site("set for you"));
    }

    let ns = &spec.kubernetes.namespace;
    out.push_str("\nkubernetes:\n");
    let ns_note = if ns == "default" {
        "the namespace of the PyTorchJob"
    } else {
        "the namespace of the PyTorchJob (site config)"
    };
    line(&mut out, 1, "namespace", &yaml_scalar(ns), ns_note);

    out.push_str("\ncontainer:\n");
    line(
        &mut out,
        1,
        "image",
        &yaml_scalar(&opts.image),
        "your training image",
    );
    line(&mut out, 1, "command", "[torchrun]", "");
    out.push_str(
        "  args:                                # torchrun takes the node count, rank and master\n\
         \x20   - train.py                         #   from the PET_* variables the operator sets\n",
    );
    out.push_str("  # env:\n  #   CUDA_DEVICE_MAX_CONNECTIONS: \"1\"\n");

    out.push_str("\nnetwork:\n");
    let net = &spec.network;
    let from_site = entry.is_some_and(|e| e.layer.get("network").is_some());
    // Without the site's RDMA facts, RDMA would start without the device plugin's resource
    // (a warning, and NCCL failing at init): the starter asks for sockets and says how to
    // switch.
    let fabric = if !from_site && net.rdma_resource.is_none() {
        Fabric::Socket
    } else {
        net.fabric
    };
    let fabric_note = if from_site {
        site("the fabric NCCL must use")
    } else if fabric == Fabric::Socket {
        "TCP sockets; for RDMA: roce or ib, with rdmaResource".to_string()
    } else {
        "roce | ib | socket: the fabric NCCL must use".to_string()
    };
    line(&mut out, 1, "fabric", fabric.name(), &fabric_note);
    if fabric.uses_rdma() {
        match &net.rdma_resource {
            Some(r) => line(
                &mut out,
                1,
                "rdmaResource",
                &yaml_scalar(r),
                &site("the RDMA device plugin's resource"),
            ),
            None => out.push_str(
                "  # rdmaResource: rdma/rdma_shared_device_a   # the RDMA device plugin's resource\n",
            ),
        }
        let gpu_hcas = entry.map(|e| e.gpu_hcas.clone()).unwrap_or_default();
        if !net.hcas.is_empty() {
            line(
                &mut out,
                1,
                "hcas",
                &flow_list(&net.hcas),
                &site("NCCL_IB_HCA"),
            );
        } else if !gpu_hcas.is_empty() {
            line(
                &mut out,
                1,
                "hcas",
                &flow_list(&gpu_hcas),
                &site("the RDMA devices near the GPUs"),
            );
        }
        if let GidIndex::Index(i) = net.gid_index {
            line(
                &mut out,
                1,
                "gidIndex",
                &i.to_string(),
                &site("NCCL_IB_GID_INDEX"),
            );
        }
        if let Some(tc) = net.traffic_class {
            line(
                &mut out,
                1,
                "trafficClass",
                &tc.to_string(),
                &site("NCCL_IB_TC"),
            );
        }
    }
    if let Some(ifname) = &net.socket_interface {
        line(
            &mut out,
            1,
            "socketInterface",
            &yaml_scalar(ifname),
            &site("NCCL_SOCKET_IFNAME"),
        );
    }

    let claims = settings.gpfs().claims;
    out.push_str("\nstorage:\n");
    match claims.first() {
        Some((claim, device, fileset)) => {
            let mount = format!("/gpfs/{fileset}");
            out.push_str("  gpfs:\n");
            line(
                &mut out,
                2,
                "claimName",
                &yaml_scalar(claim),
                "the site's GPFS claim (site config gpfs.claims)",
            );
            line(
                &mut out,
                2,
                "mountPath",
                &yaml_scalar(&mount),
                "where the fileset appears in the container",
            );
            line(
                &mut out,
                2,
                "fileset",
                &yaml_scalar(fileset),
                "for the quota preflight",
            );
            line(&mut out, 2, "device", &yaml_scalar(device), "");
            line(
                &mut out,
                1,
                "checkpointDir",
                &yaml_scalar(&format!("{mount}/checkpoints/{{name}}/{{job_id}}")),
                "HYBRIDCTL_CHECKPOINT_DIR",
            );
            out.push_str(
                "  # checkpointSize: 100G               # one checkpoint: submit checks the fileset has room\n",
            );
        }
        None => out.push_str(
            "  # gpfs:                              # a GPFS fileset mounted through a PVC\n\
             \x20 #   claimName: my-fileset-claim\n\
             \x20 #   mountPath: /gpfs/project\n\
             \x20 # checkpointDir: /gpfs/project/checkpoints/{name}/{job_id}\n",
        ),
    }
    out
}

fn flow_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| yaml_scalar(s)).collect();
    format!("[{}]", parts.join(", "))
}

/// A string as a YAML scalar: plain when it is unmistakably a string, else double-quoted
/// (JSON's escaping is valid YAML).
pub fn yaml_scalar(s: &str) -> String {
    let plain_chars = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_./-@:".contains(c));
    let starts_ok = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '/');
    let reads_as_string = !matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~"
    );
    if plain_chars && starts_ok && reads_as_string && !s.contains(": ") && !s.ends_with(':') {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Env;

    fn site() -> Settings {
        let env = Env::from_pairs([(
            "HYBRIDCTL_SITE_CONFIG",
            concat!(env!("CARGO_MANIFEST_DIR"), "/examples/site/config.yaml"),
        )]);
        Settings::load(env).expect("site config")
    }

    fn opts(partition: Option<&str>) -> StarterOptions {
        StarterOptions {
            partition: partition.map(String::from),
            nodes: 2,
            name: "demo".into(),
            image: DEFAULT_IMAGE.into(),
        }
    }

    #[test]
    fn each_site_partition_gives_a_valid_starter_with_its_facts() {
        let s = site();
        let h100 = starter_spec(&s, &opts(Some("h100")), "hybridctl init").expect("h100");
        assert!(h100.contains("gpusPerNode: 8 "), "{h100}");
        assert!(h100.contains("fabric: roce "), "{h100}");
        assert!(
            h100.contains("rdmaResource: rdma/rdma_shared_device_a"),
            "{h100}"
        );
        assert!(h100.contains("hcas: [mlx5_0, mlx5_1"), "{h100}");
        assert!(h100.contains("gidIndex: 3 "), "{h100}");
        assert!(h100.contains("claimName: gpfs-llm-project"), "{h100}");
        assert!(h100.contains("namespace: training "), "{h100}");
        assert!(h100.contains("# gpuBind: closest"), "{h100}");
        let a100 = starter_spec(&s, &opts(Some("a100-ib")), "hybridctl init").expect("a100");
        assert!(a100.contains("gpusPerNode: 4 "), "{a100}");
        assert!(a100.contains("fabric: ib "), "{a100}");
        assert!(a100.contains("rdmaResource: nvidia.com/hostdev"), "{a100}");
        assert!(!a100.contains("gidIndex"), "{a100}");
    }

    #[test]
    fn no_site_config_gives_a_valid_starter_without_partition() {
        let s = Settings::empty(Env::default());
        let t = starter_spec(&s, &opts(None), "hybridctl init").expect("starter");
        assert!(t.contains("# partition: gpu"), "{t}");
        assert!(t.contains("gpusPerNode: 1 "), "{t}");
        assert!(t.contains("# gpfs:"), "{t}");
        assert!(t.contains("fabric: socket "), "{t}");
        let check = resolve_spec(&s, "t", &t, &Overrides::default());
        assert!(check.diagnostics.is_empty(), "{:?}", check.diagnostics);
    }

    #[test]
    fn unknown_partition_suggests_the_closest() {
        let e = starter_spec(&site(), &opts(Some("h10")), "hybridctl init").unwrap_err();
        assert!(
            e.to_string()
                .contains("no partition `h10` (it has: h100, a100-ib)"),
            "{e}"
        );
        assert_eq!(e.hint(), "did you mean `--partition h100`?");
    }

    #[test]
    fn names_and_scalars() {
        assert_eq!(name_from_file(Some("llama-sft")), "llama-sft");
        assert_eq!(name_from_file(Some("Job_1")), DEFAULT_NAME);
        assert_eq!(yaml_scalar("mlx5_0"), "mlx5_0");
        assert_eq!(yaml_scalar("true"), "\"true\"");
        assert_eq!(yaml_scalar("a: b"), "\"a: b\"");
        assert_eq!(yaml_scalar("#x"), "\"#x\"");
        let mut o = opts(None);
        o.image = "a b".into();
        assert!(matches!(
            starter_spec(&Settings::empty(Env::default()), &o, "init"),
            Err(StarterError::BadImage { .. })
        ));
        let mut o = opts(None);
        o.name = "Bad_Name".into();
        assert!(matches!(
            starter_spec(&Settings::empty(Env::default()), &o, "init"),
            Err(StarterError::BadName { .. })
        ));
    }
}
