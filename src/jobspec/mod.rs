//! The job spec (`apiVersion: hybridctl.io/v1alpha1`, `kind: TrainingJob`).
//!
//! Users write YAML; [`decode`] reads it from located trees (so every problem has a
//! position) after the configuration layers are merged. The typed [`Spec`] is also what the
//! batch script carries frozen inside it (as JSON, via serde), so `launch` inside the
//! allocation sees exactly what `render`/`submit` saw on the login node. Field documentation
//! lives in [`fields`] (one table: `hybridctl explain`, docs/spec.md and the schema).

pub mod decode;
pub mod fields;
pub mod load;
pub mod names;
pub mod schema;
pub mod units;

use serde::{Deserialize, Serialize};

pub const API_VERSION: &str = "hybridctl.io/v1alpha1";
pub const KIND: &str = "TrainingJob";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Spec {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub slurm: Slurm,
    pub kubernetes: Kubernetes,
    pub container: Container,
    pub network: Network,
    pub storage: Storage,
    pub training: Training,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Slurm {
    pub partition: Option<String>,
    pub account: Option<String>,
    pub qos: Option<String>,
    pub nodes: u32,
    pub gpus_per_node: u32,
    pub cpus_per_task: Option<u32>,
    /// Normalised Slurm spelling (`1800G`).
    pub memory: Option<String>,
    /// Normalised `D-HH:MM:SS`.
    pub time: Option<String>,
    pub constraint: Option<String>,
    pub reservation: Option<String>,
    pub exclusive: bool,
    /// `--gpu-bind=` (e.g. `closest`: each task's GPUs are the ones nearest its CPUs); a
    /// site sets it per partition.
    pub gpu_bind: Option<String>,
    /// `--output` pattern; default `hybridctl-%x-%j.out`.
    pub output: String,
    /// Allow-listed extra `sbatch` options, in spec order.
    pub extra_options: Vec<ExtraOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtraOption {
    pub name: String,
    pub value: Option<String>,
}

/// sbatch options a spec may add through `slurm.extraOptions`. Everything that decides
/// placement (nodes, tasks, GPUs, CPUs, memory) is owned by hybridctl and cannot be set here,
/// or the two artifacts could disagree. `true` = the option takes a value.
pub const EXTRA_SBATCH_OPTIONS: &[(&str, bool)] = &[
    ("begin", true),
    ("comment", true),
    ("dependency", true),
    ("deadline", true),
    ("error", true),
    ("hold", false),
    ("licenses", true),
    ("mail-type", true),
    ("mail-user", true),
    ("mcs-label", true),
    ("nice", true),
    ("no-requeue", false),
    ("open-mode", true),
    ("requeue", false),
    ("signal", true),
    ("switches", true),
    ("wckey", true),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Kubernetes {
    pub context: Option<String>,
    pub namespace: String,
    pub service_account: Option<String>,
    pub priority_class_name: Option<String>,
    /// Which Kubeflow API runs the job: the training-operator's PyTorchJob, Trainer v2's
    /// TrainJob, or `auto` (what the cluster serves; `render` without a cluster: PyTorchJob).
    #[serde(default)]
    pub api: KubeApi,
    /// Trainer v2 only: the training runtime a TrainJob refers to (default
    /// `torch-distributed`, the runtime Trainer ships).
    #[serde(default = "default_runtime")]
    pub runtime: String,
    /// `ClusterTrainingRuntime` (default) or `TrainingRuntime` (in the job's namespace).
    #[serde(default)]
    pub runtime_kind: RuntimeKind,
}

pub const DEFAULT_RUNTIME: &str = "torch-distributed";

fn default_runtime() -> String {
    DEFAULT_RUNTIME.to_string()
}

/// `kubernetes.api` (defined with the backends it names).
pub use crate::k8s::workload::KubeApi;

/// `kubernetes.runtimeKind`: where the TrainJob's runtime lives.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub enum RuntimeKind {
    #[default]
    ClusterTrainingRuntime,
    TrainingRuntime,
}

impl RuntimeKind {
    pub const NAMES: &'static [&'static str] = &["ClusterTrainingRuntime", "TrainingRuntime"];

    pub fn name(self) -> &'static str {
        match self {
            Self::ClusterTrainingRuntime => "ClusterTrainingRuntime",
            Self::TrainingRuntime => "TrainingRuntime",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Container {
    pub image: String,
    pub image_pull_policy: Option<String>,
    pub command: Vec<String>,
    pub args: Vec<String>,
    pub env: Vec<EnvVar>,
    pub working_dir: Option<String>,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    /// Size of the memory-backed `/dev/shm` (NCCL and dataloaders need more than the 64 MiB
    /// a container gets by default).
    pub shm_size: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Fabric {
    Roce,
    Ib,
    Socket,
}

impl Fabric {
    pub const NAMES: &[&str] = &["roce", "ib", "socket"];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "roce" => Some(Self::Roce),
            "ib" => Some(Self::Ib),
            "socket" => Some(Self::Socket),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Roce => "roce",
            Self::Ib => "ib",
            Self::Socket => "socket",
        }
    }

    pub fn uses_rdma(self) -> bool {
        !matches!(self, Self::Socket)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GidIndex {
    /// Let NCCL pick (it prefers a RoCE v2 GID with an IPv4 address since 2.21).
    Auto,
    #[serde(untagged)]
    Index(u32),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Network {
    pub fabric: Fabric,
    pub rdma_resource: Option<String>,
    pub rdma_count: u32,
    pub hcas: Vec<String>,
    pub gid_index: GidIndex,
    pub traffic_class: Option<u32>,
    pub socket_interface: Option<String>,
    pub nccl_debug: String,
    pub nccl_debug_subsys: String,
    pub nccl_env: Vec<EnvVar>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Storage {
    pub gpfs: Option<Gpfs>,
    /// Template containing `{job_id}` (and optionally `{name}`).
    pub checkpoint_dir: Option<String>,
    /// Expected size of one checkpoint in bytes.
    pub checkpoint_size: Option<u64>,
    pub checkpoints_kept: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Gpfs {
    pub claim_name: String,
    pub mount_path: String,
    pub fileset: Option<String>,
    pub device: Option<String>,
    pub read_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum CleanPodPolicy {
    None,
    Running,
    All,
}

impl CleanPodPolicy {
    pub const NAMES: &[&str] = &["None", "Running", "All"];
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "None" => Some(Self::None),
            "Running" => Some(Self::Running),
            "All" => Some(Self::All),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "None",
            Self::Running => "Running",
            Self::All => "All",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Training {
    pub nproc_per_node: Option<u32>,
    pub backoff_limit: u32,
    pub clean_pod_policy: CleanPodPolicy,
    pub restart_policy: String,
    pub ttl_seconds_after_finished: Option<u32>,
    pub active_deadline_seconds: Option<u64>,
    pub elastic: Option<Elastic>,
    pub master_port: u16,
}

pub const RESTART_POLICIES: &[&str] = &["OnFailure", "Never", "ExitCode", "Always"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Elastic {
    pub min_nodes: u32,
    pub max_nodes: u32,
    pub max_restarts: Option<u32>,
}

impl Spec {
    /// Re-check the values that become names, shell words or `#SBATCH` lines, for a spec
    /// that was read back from a batch script rather than validated from YAML.
    pub fn check_frozen(&self) -> Result<(), String> {
        if self.api_version != API_VERSION || self.kind != KIND {
            return Err(format!(
                "unsupported `{}` `{}`",
                self.api_version, self.kind
            ));
        }
        names::check_job_name(&self.name).map_err(|e| format!("name: {e}"))?;
        names::check_dns_label(&self.kubernetes.namespace, 63)
            .map_err(|e| format!("kubernetes.namespace: {e}"))?;
        for v in self.container.env.iter().chain(&self.network.nccl_env) {
            names::check_env_name(&v.name)?;
        }
        let directives = [
            &self.slurm.partition,
            &self.slurm.account,
            &self.slurm.qos,
            &self.slurm.constraint,
            &self.slurm.reservation,
        ];
        for v in directives.into_iter().flatten() {
            names::check_sbatch_value(v)?;
        }
        if self.slurm.nodes == 0 || self.slurm.nodes > 9999 {
            return Err(format!("slurm.nodes {} is out of range", self.slurm.nodes));
        }
        Ok(())
    }

    /// Processes per node, defaulting to the GPUs per node (one rank per GPU).
    pub fn nproc_per_node(&self) -> u32 {
        self.training
            .nproc_per_node
            .unwrap_or(self.slurm.gpus_per_node.max(1))
    }

    /// The checkpoint directory for a job id (`{job_id}` and `{name}` substituted).
    pub fn checkpoint_dir_for(&self, job_id: &str) -> Option<String> {
        self.storage
            .checkpoint_dir
            .as_ref()
            .map(|t| t.replace("{job_id}", job_id).replace("{name}", &self.name))
    }
}

impl From<Fabric> for crate::nccl::Fabric {
    fn from(f: Fabric) -> Self {
        match f {
            Fabric::Roce => Self::Roce,
            Fabric::Ib => Self::Ib,
            Fabric::Socket => Self::Socket,
        }
    }
}

impl Spec {
    /// What NCCL should do for this job (the fabric, several nodes or one), for the log
    /// verdicts of `launch`, `logs --nccl` and `nccl-check --spec`.
    pub fn nccl_expectation(&self) -> crate::nccl::Expectation {
        crate::nccl::Expectation {
            fabric: self.network.fabric.into(),
            multi_node: self.slurm.nodes > 1,
            init_threshold: None,
        }
    }
}

impl Spec {
    /// What this spec says that a TrainJob of the supported Trainer versions (v2.2 to v2.3)
    /// cannot carry, as (spec field, why): a runtime patch may not set these, and the
    /// TrainJob has no field for them (the training runtime decides).
    pub fn trainjob_unsupported(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        if self.training.elastic.is_some() {
            out.push((
                "training.elastic",
                "a TrainJob has a fixed `numNodes` (Trainer has no elastic policy)",
            ));
        }
        if self.container.image_pull_policy.is_some() {
            out.push((
                "container.imagePullPolicy",
                "runtime patches may not set a container's image pull policy",
            ));
        }
        if self.container.working_dir.is_some() {
            out.push((
                "container.workingDir",
                "runtime patches may not set a container's working directory",
            ));
        }
        out
    }
}
