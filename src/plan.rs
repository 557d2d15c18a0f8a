//! The plan: every value both artifacts need, computed once.
//!
//! `render`, `submit` and `launch` all go through [`Plan::new`], and both templates only
//! substitute values from the plan. So the node count in `#SBATCH --nodes` and the replica
//! count of the PyTorchJob, or the GPUs in `--gpus-per-node` and in `nvidia.com/gpu`, come
//! from the same field and cannot disagree: one spec, two artifacts, by construction. This module is
//! pure: no environment, no clock, no processes.

use serde::Serialize;
use thiserror::Error;

use crate::jobspec::{CleanPodPolicy, EnvVar, Fabric, GidIndex, Spec};
use crate::k8s::labels::{GPU_RESOURCE, LABEL_JOB_ID, LABEL_JOB_NAME, LABEL_MANAGED_BY};

/// What Slurm decided (or what `render` simulates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    pub job_id: String,
    pub nodes: Vec<String>,
}

/// Values from settings that shape the artifacts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// How compute nodes call hybridctl (site config `launcher`).
    pub launcher: String,
    /// Shown in the provenance header.
    pub spec_path: String,
    /// Slurm node name -> Kubernetes node name (site config `nodeNames`).
    pub node_names: crate::nodenames::NodeNames,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("the allocation has {got} nodes but the spec asks for {want}")]
    NodeCount { want: u32, got: usize },
    #[error("node `{0}` appears twice in the allocation")]
    DuplicateNode(String),
    #[error("`{0}` is not a valid Slurm job id")]
    JobId(String),
    #[error("{0}")]
    NodeName(String),
    #[error("could not serialise the frozen spec: {0}")]
    Freeze(String),
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NameValue {
    pub name: String,
    pub value: String,
}

fn nv(name: &str, value: impl Into<String>) -> NameValue {
    NameValue {
        name: name.to_string(),
        value: value.into(),
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Directive {
    pub name: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Replica {
    /// `Master` or `Worker`.
    pub kind: String,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Volume {
    pub name: String,
    /// `emptyDir` (memory) or `pvc`.
    pub kind: String,
    pub claim_name: Option<String>,
    pub size_limit: Option<String>,
    pub mount_path: String,
    pub read_only: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Elastic {
    pub min_replicas: u32,
    pub max_replicas: u32,
    pub max_restarts: Option<u32>,
    pub rdzv_backend: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Plan {
    pub version: String,
    pub spec_path: String,
    pub name: String,
    pub job_id: String,
    /// PyTorchJob name: `<name>-<job id>`, unique per Slurm job.
    pub k8s_name: String,
    pub namespace: String,
    pub context: Option<String>,
    /// The allocated nodes as Slurm names them.
    pub nodes: Vec<String>,
    /// The same nodes as Kubernetes names them (site config `nodeNames`; usually the same).
    pub kube_nodes: Vec<String>,
    pub node_count: u32,
    pub gpus_per_node: u32,
    pub nproc_per_node: u32,
    pub world_size: u32,
    pub replicas: Vec<Replica>,
    pub elastic: Option<Elastic>,
    pub sbatch: Vec<Directive>,
    /// Exported by the batch script; the same NCCL settings the pods get.
    pub script_env: Vec<NameValue>,
    pub launcher: String,
    pub frozen_spec: String,
    pub labels: Vec<NameValue>,
    pub annotations: Vec<NameValue>,
    pub image: String,
    pub image_pull_policy: Option<String>,
    pub command: Vec<String>,
    pub args: Vec<String>,
    pub env: Vec<NameValue>,
    pub working_dir: Option<String>,
    pub limits: Vec<NameValue>,
    pub requests: Vec<NameValue>,
    pub volumes: Vec<Volume>,
    pub capabilities: Vec<String>,
    pub service_account: Option<String>,
    pub priority_class_name: Option<String>,
    pub restart_policy: String,
    pub master_port: u16,
    pub clean_pod_policy: String,
    pub backoff_limit: u32,
    pub ttl_seconds_after_finished: Option<u32>,
    pub active_deadline_seconds: Option<u64>,
    pub checkpoint_dir: Option<String>,
    pub nccl_env: Vec<NameValue>,
    /// TrainJob: the training runtime it refers to, and its kind.
    pub runtime: String,
    pub runtime_kind: String,
    /// TrainJob: the `manager` of hybridctl's runtime patch.
    pub patch_manager: String,
}

impl Plan {
    pub fn new(spec: &Spec, alloc: &Allocation, opts: &PlanOptions) -> Result<Self, PlanError> {
        if alloc.job_id.is_empty()
            || alloc.job_id.len() > 10
            || !alloc.job_id.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(PlanError::JobId(alloc.job_id.clone()));
        }
        if alloc.nodes.len() != spec.slurm.nodes as usize {
            return Err(PlanError::NodeCount {
                want: spec.slurm.nodes,
                got: alloc.nodes.len(),
            });
        }
        for (i, n) in alloc.nodes.iter().enumerate() {
            if alloc.nodes[..i].contains(n) {
                return Err(PlanError::DuplicateNode(n.clone()));
            }
        }
        let kube_nodes = opts
            .node_names
            .kube_names(&alloc.nodes)
            .map_err(PlanError::NodeName)?;
        let frozen_spec =
            serde_json::to_string(spec).map_err(|e| PlanError::Freeze(e.to_string()))?;
        let node_count = spec.slurm.nodes;
        let gpus = spec.slurm.gpus_per_node;
        let nproc = spec.nproc_per_node();
        let version = env!("CARGO_PKG_VERSION").to_string();

        let (replicas, elastic) = match &spec.training.elastic {
            // Elastic jobs follow upstream's elastic examples: workers only, c10d rendezvous.
            Some(e) => (
                vec![Replica {
                    kind: "Worker".into(),
                    count: node_count,
                }],
                Some(Elastic {
                    min_replicas: e.min_nodes,
                    max_replicas: if e.max_nodes == 0 {
                        node_count
                    } else {
                        e.max_nodes
                    },
                    max_restarts: e.max_restarts,
                    rdzv_backend: "c10d".into(),
                }),
            ),
            None => {
                let mut r = vec![Replica {
                    kind: "Master".into(),
                    count: 1,
                }];
                if node_count > 1 {
                    r.push(Replica {
                        kind: "Worker".into(),
                        count: node_count - 1,
                    });
                }
                (r, None)
            }
        };

        let mut sbatch = Vec::new();
        let mut dir = |name: &str, value: Option<String>| {
            sbatch.push(Directive {
                name: name.to_string(),
                value,
            })
        };
        let s = &spec.slurm;
        dir("job-name", Some(spec.name.clone()));
        for (name, value) in [
            ("partition", &s.partition),
            ("account", &s.account),
            ("qos", &s.qos),
            ("reservation", &s.reservation),
        ] {
            if let Some(v) = value {
                dir(name, Some(v.clone()));
            }
        }
        dir("nodes", Some(node_count.to_string()));
        dir("ntasks-per-node", Some("1".into()));
        if gpus > 0 {
            dir("gpus-per-node", Some(gpus.to_string()));
        }
        if let Some(c) = s.cpus_per_task {
            dir("cpus-per-task", Some(c.to_string()));
        }
        if let Some(m) = &s.memory {
            dir("mem", Some(m.clone()));
        }
        if let Some(t) = &s.time {
            dir("time", Some(t.clone()));
        }
        if let Some(c) = &s.constraint {
            dir("constraint", Some(c.clone()));
        }
        if s.exclusive {
            dir("exclusive", None);
        }
        if let Some(b) = &s.gpu_bind {
            dir("gpu-bind", Some(b.clone()));
        }
        dir("output", Some(s.output.clone()));
        for o in &s.extra_options {
            dir(&o.name, o.value.clone());
        }

        let nccl_env = nccl_env(spec);
        let checkpoint_dir = spec.checkpoint_dir_for(&alloc.job_id);

        let mut env: Vec<NameValue> = spec
            .container
            .env
            .iter()
            .map(|EnvVar { name, value }| nv(name, value.clone()))
            .collect();
        env.extend(nccl_env.iter().cloned());
        env.push(nv("HYBRIDCTL_JOB_NAME", spec.name.clone()));
        env.push(nv("HYBRIDCTL_JOB_ID", alloc.job_id.clone()));
        env.push(nv("SLURM_JOB_ID", alloc.job_id.clone()));
        if let Some(c) = &checkpoint_dir {
            env.push(nv("HYBRIDCTL_CHECKPOINT_DIR", c.clone()));
        }

        let mut limits = Vec::new();
        let mut requests = Vec::new();
        if gpus > 0 {
            limits.push(nv(GPU_RESOURCE, gpus.to_string()));
        }
        if spec.network.fabric.uses_rdma()
            && let Some(r) = &spec.network.rdma_resource
        {
            limits.push(nv(r, spec.network.rdma_count.to_string()));
        }
        // With `slurm.cpusPerTask`/`memory` the pod is Guaranteed (requests = limits, an
        // integer CPU count): the kubelet's static CPU manager and Topology Manager can then
        // give it whole cores on the NUMA node of its GPUs and NICs, as Slurm does.
        let guaranteed = s.cpus_per_task.is_some() || s.memory.is_some();
        let cpu = spec
            .container
            .cpu
            .clone()
            .or_else(|| s.cpus_per_task.map(|c| c.to_string()));
        let memory = spec.container.memory.clone().or_else(|| {
            s.memory
                .as_deref()
                .and_then(crate::jobspec::units::slurm_memory_quantity)
        });
        if let Some(c) = cpu {
            requests.push(nv("cpu", c.clone()));
            if guaranteed {
                limits.push(nv("cpu", c));
            }
        }
        if let Some(m) = memory {
            requests.push(nv("memory", m.clone()));
            limits.push(nv("memory", m));
        }

        let mut volumes = vec![Volume {
            name: "dshm".into(),
            kind: "emptyDir".into(),
            claim_name: None,
            size_limit: spec.container.shm_size.clone(),
            mount_path: "/dev/shm".into(),
            read_only: false,
        }];
        if let Some(g) = &spec.storage.gpfs {
            volumes.push(Volume {
                name: "gpfs".into(),
                kind: "pvc".into(),
                claim_name: Some(g.claim_name.clone()),
                size_limit: None,
                mount_path: g.mount_path.clone(),
                read_only: g.read_only,
            });
        }

        let labels = vec![
            nv(LABEL_JOB_ID, alloc.job_id.clone()),
            nv(LABEL_JOB_NAME, spec.name.clone()),
            nv(LABEL_MANAGED_BY, "hybridctl"),
        ];
        let annotations = vec![
            nv("hybridctl.io/generated-by", format!("hybridctl {version}")),
            nv("hybridctl.io/spec", opts.spec_path.clone()),
        ];
        let script_env = nccl_env.clone();

        Ok(Plan {
            version,
            spec_path: opts.spec_path.clone(),
            name: spec.name.clone(),
            job_id: alloc.job_id.clone(),
            k8s_name: format!("{}-{}", spec.name, alloc.job_id),
            namespace: spec.kubernetes.namespace.clone(),
            context: spec.kubernetes.context.clone(),
            nodes: alloc.nodes.clone(),
            kube_nodes,
            node_count,
            gpus_per_node: gpus,
            nproc_per_node: nproc,
            world_size: node_count * nproc,
            replicas,
            elastic,
            sbatch,
            script_env,
            launcher: opts.launcher.clone(),
            frozen_spec,
            labels,
            annotations,
            image: spec.container.image.clone(),
            image_pull_policy: spec.container.image_pull_policy.clone(),
            command: spec.container.command.clone(),
            args: spec.container.args.clone(),
            env,
            working_dir: spec.container.working_dir.clone(),
            limits,
            requests,
            volumes,
            capabilities: if spec.network.fabric.uses_rdma() {
                // Registering memory for RDMA needs locked pages.
                vec!["IPC_LOCK".into()]
            } else {
                Vec::new()
            },
            service_account: spec.kubernetes.service_account.clone(),
            priority_class_name: spec.kubernetes.priority_class_name.clone(),
            restart_policy: spec.training.restart_policy.clone(),
            master_port: spec.training.master_port,
            clean_pod_policy: match spec.training.clean_pod_policy {
                CleanPodPolicy::None => "None",
                CleanPodPolicy::Running => "Running",
                CleanPodPolicy::All => "All",
            }
            .into(),
            backoff_limit: spec.training.backoff_limit,
            ttl_seconds_after_finished: spec.training.ttl_seconds_after_finished,
            active_deadline_seconds: spec.training.active_deadline_seconds,
            checkpoint_dir,
            nccl_env,
            runtime: spec.kubernetes.runtime.clone(),
            runtime_kind: spec.kubernetes.runtime_kind.name().into(),
            patch_manager: crate::k8s::trainjob::PATCH_MANAGER.into(),
        })
    }
}

/// The NCCL environment for the chosen fabric; `network.ncclEnv` entries override.
/// References: NCCL environment variables
/// (<https://docs.nvidia.com/deeplearning/nccl/user-guide/docs/env.html>).
pub fn nccl_env(spec: &Spec) -> Vec<NameValue> {
    let n = &spec.network;
    let mut env = vec![
        nv("NCCL_DEBUG", n.nccl_debug.clone()),
        nv("NCCL_DEBUG_SUBSYS", n.nccl_debug_subsys.clone()),
    ];
    match n.fabric {
        Fabric::Roce | Fabric::Ib => {
            env.push(nv("NCCL_IB_DISABLE", "0"));
            // NCCL_NET=IB makes NCCL fail at init instead of silently falling back to TCP
            // sockets when the verbs transport cannot be used.
            env.push(nv("NCCL_NET", "IB"));
            if !n.hcas.is_empty() {
                env.push(nv("NCCL_IB_HCA", n.hcas.join(",")));
            }
            if let (Fabric::Roce, GidIndex::Index(i)) = (n.fabric, n.gid_index) {
                env.push(nv("NCCL_IB_GID_INDEX", i.to_string()));
            }
            if let Some(tc) = n.traffic_class {
                env.push(nv("NCCL_IB_TC", tc.to_string()));
            }
        }
        Fabric::Socket => env.push(nv("NCCL_IB_DISABLE", "1")),
    }
    if let Some(ifname) = &n.socket_interface {
        env.push(nv("NCCL_SOCKET_IFNAME", ifname.clone()));
    }
    // The spec's `ncclEnv` overrides what was derived: one index, so thousands of entries
    // stay linear.
    let mut index: std::collections::HashMap<String, usize> = env
        .iter()
        .enumerate()
        .map(|(i, e)| (e.name.clone(), i))
        .collect();
    for var in &n.nccl_env {
        match index.get(&var.name) {
            Some(&i) => env[i].value = var.value.clone(),
            None => {
                index.insert(var.name.clone(), env.len());
                env.push(nv(&var.name, var.value.clone()));
            }
        }
    }
    env
}

/// Node names for a simulated allocation: `node1..nodeN`, like the test clusters.
pub fn simulated_nodes(count: u32) -> Vec<String> {
    (1..=count).map(|i| format!("node{i}")).collect()
}
