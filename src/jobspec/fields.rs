//! The job spec's field table: for every field its type, default, allowed values, the rules
//! that check it, where the value ends up (an `#SBATCH` line, a manifest path, an environment
//! variable) and an example.
//!
//! This table is the one source of the field documentation: `hybridctl explain` prints from
//! it, the field reference tables of docs/spec.md (sections 3 to 9) are generated from it, and
//! the JSON Schema of the spec takes its descriptions from it. Tests fail when docs/spec.md or
//! the schema drift from it (`scripts/regen-docs.sh` rewrites both), and when a field of the
//! typed spec has no entry here. Cells are Markdown, as they appear in docs/spec.md.

use schemars::JsonSchema;
use serde::Serialize;

/// One field of the job spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The dotted path, e.g. `slurm.nodes`.
    pub path: &'static str,
    /// One line: what the field is.
    pub summary: &'static str,
    /// `string`, `integer`, `boolean`, `mapping`, `list of strings`, ...
    pub kind: &'static str,
    pub default: &'static str,
    pub allowed: &'static str,
    /// The rule names of its diagnostics (`error[rule]`).
    pub rules: &'static str,
    pub ends_up_in: &'static str,
    /// A YAML value (a mapping's example may span lines).
    pub example: &'static str,
}

/// The sections of docs/spec.md whose tables come from [`FIELDS`]: (the section's field,
/// `""` for the top level).
pub const SECTIONS: &[&str] = &[
    "",
    "slurm",
    "kubernetes",
    "container",
    "network",
    "storage",
    "training",
];

/// Every field of the job spec, in document order.
pub const FIELDS: &[Field] = &[
    Field {
        path: "apiVersion",
        summary: r#"The version of the spec format"#,
        kind: r#"string"#,
        default: r#"**required**"#,
        allowed: r#"exactly `hybridctl.io/v1alpha1`"#,
        rules: r#"`required`, `api-version`"#,
        ends_up_in: r#"frozen spec"#,
        example: r#"hybridctl.io/v1alpha1"#,
    },
    Field {
        path: "kind",
        summary: r#"The kind of spec: a training job"#,
        kind: r#"string"#,
        default: r#"**required**"#,
        allowed: r#"exactly `TrainingJob`"#,
        rules: r#"`required`, `kind`"#,
        ends_up_in: r#"frozen spec"#,
        example: r#"TrainingJob"#,
    },
    Field {
        path: "name",
        summary: r#"The job name: Slurm job name, PyTorchJob name prefix and label"#,
        kind: r#"string"#,
        default: r#"**required**"#,
        allowed: r#"DNS-1035 label of 1–40 characters: `[a-z]([-a-z0-9]*[a-z0-9])?` ([section 11](#11-names-and-safe-values))"#,
        rules: r#"`required`, `name`"#,
        ends_up_in: r#"`#SBATCH --job-name=<name>`; PyTorchJob `metadata.name` `<name>-<job id>`; label `hybridctl.io/job-name`; env `HYBRIDCTL_JOB_NAME`; `{name}` in `storage.checkpointDir`; file names of `render --out` (`<name>.sbatch`, `<name>.pytorchjob.yaml`)"#,
        example: r#"llama-70b-pretrain"#,
    },
    Field {
        path: "slurm",
        summary: r#"What Slurm allocates: every field becomes an `#SBATCH` line"#,
        kind: r#"mapping"#,
        default: r#"`{}`"#,
        allowed: r#"[section 4](#4-slurm)"#,
        rules: r#"`type`"#,
        ends_up_in: r#"the `#SBATCH` lines of the batch script"#,
        example: r#"partition: h100
nodes: 8
gpusPerNode: 8"#,
    },
    Field {
        path: "kubernetes",
        summary: r#"Where the PyTorchJob goes: namespace, identity and priority of its pods"#,
        kind: r#"mapping"#,
        default: r#"`{}`"#,
        allowed: r#"[section 5](#5-kubernetes)"#,
        rules: r#"`type`"#,
        ends_up_in: r#"`metadata` and the pod templates of the PyTorchJob"#,
        example: r#"namespace: llm"#,
    },
    Field {
        path: "container",
        summary: r#"The `pytorch` container every pod runs"#,
        kind: r#"mapping"#,
        default: r#"**required**"#,
        allowed: r#"[section 6](#6-container)"#,
        rules: r#"`required`, `type`"#,
        ends_up_in: r#"the `pytorch` container of every pod"#,
        example: r#"image: registry.example.org/llm/megatron:24.12"#,
    },
    Field {
        path: "network",
        summary: r#"The fabric NCCL uses, and the RDMA resources the pods request"#,
        kind: r#"mapping"#,
        default: r#"`{}`"#,
        allowed: r#"[section 7](#7-network)"#,
        rules: r#"`type`"#,
        ends_up_in: r#"the `NCCL_*` variables of the batch script and of every pod; RDMA resources and `IPC_LOCK` of every pod"#,
        example: r#"fabric: roce
rdmaResource: rdma/rdma_shared_device_a"#,
    },
    Field {
        path: "storage",
        summary: r#"The GPFS fileset the pods mount and where checkpoints go"#,
        kind: r#"mapping"#,
        default: r#"`{}`"#,
        allowed: r#"[section 8](#8-storage)"#,
        rules: r#"`type`"#,
        ends_up_in: r#"the volumes and `HYBRIDCTL_CHECKPOINT_DIR` of every pod; `submit`'s quota preflight"#,
        example: r#"checkpointDir: /gpfs/llm/checkpoints/{name}/{job_id}"#,
    },
    Field {
        path: "training",
        summary: r#"How the training operator runs the job: processes, restarts, elasticity"#,
        kind: r#"mapping"#,
        default: r#"`{}`"#,
        allowed: r#"[section 9](#9-training)"#,
        rules: r#"`type`"#,
        ends_up_in: r#"`spec` and `spec.runPolicy` of the PyTorchJob"#,
        example: r#"backoffLimit: 0"#,
    },
    Field {
        path: "slurm.partition",
        summary: r#"The Slurm partition to run in"#,
        kind: r#"string"#,
        default: r#"unset (Slurm's default partition)"#,
        allowed: r#"`#SBATCH`-safe characters"#,
        rules: r#"`sbatch-value`"#,
        ends_up_in: r#"`--partition=`; also selects the site config's partition entry ([section 13](#13-layers-and-config-files))"#,
        example: r#"h100"#,
    },
    Field {
        path: "slurm.account",
        summary: r#"The Slurm account charged for the job"#,
        kind: r#"string"#,
        default: r#"unset"#,
        allowed: r#"`#SBATCH`-safe"#,
        rules: r#"`sbatch-value`"#,
        ends_up_in: r#"`--account=`"#,
        example: r#"ml-research"#,
    },
    Field {
        path: "slurm.qos",
        summary: r#"The Slurm quality of service"#,
        kind: r#"string"#,
        default: r#"unset"#,
        allowed: r#"`#SBATCH`-safe"#,
        rules: r#"`sbatch-value`"#,
        ends_up_in: r#"`--qos=`"#,
        example: r#"high"#,
    },
    Field {
        path: "slurm.nodes",
        summary: r#"How many nodes to allocate; one pod runs on each"#,
        kind: r#"integer"#,
        default: r#"`1`"#,
        allowed: r#"1–9999 (worker indexes must fit in pod names)"#,
        rules: r#"`type`, `range`, `elastic`"#,
        ends_up_in: r#"`--nodes=`; replica count of the PyTorchJob (Master 1 + Worker `nodes-1`, or `nodes` Workers when elastic); the allocation must have exactly this many nodes"#,
        example: r#"8"#,
    },
    Field {
        path: "slurm.gpusPerNode",
        summary: r#"GPUs per node, allocated by Slurm and requested by every pod"#,
        kind: r#"integer"#,
        default: r#"**required**, unless the partition entry of the site config declares `gpusPerNode` (then that value)"#,
        allowed: r#"0–64; at most the partition's `gpusPerNode`"#,
        rules: r#"`required`, `type`, `range`, `partition-gpus`, warning `gpus`"#,
        ends_up_in: r#"`--gpus-per-node=` and `resources.limits."nvidia.com/gpu"` of every pod (both omitted when 0); default of `training.nprocPerNode`; compared with `SLURM_GPUS_ON_NODE` by `launch`"#,
        example: r#"8"#,
    },
    Field {
        path: "slurm.cpusPerTask",
        summary: r#"CPUs per node (one task per node)"#,
        kind: r#"integer"#,
        default: r#"unset"#,
        allowed: r#"1–100000"#,
        rules: r#"`type`, `range`, warning `guaranteed`"#,
        ends_up_in: r#"`--cpus-per-task=`. There is one task per node (`--ntasks-per-node=1`), so this is CPUs per node. Also the pod's CPU request **and limit** unless `container.cpu` is set (then that value, for both): the pod is Guaranteed ([CPU and NUMA alignment](#cpu-and-numa-alignment))."#,
        example: r#"96"#,
    },
    Field {
        path: "slurm.memory",
        summary: r#"Memory per node, in Slurm units"#,
        kind: r#"string"#,
        default: r#"unset"#,
        allowed: r#"Slurm memory per node, binary `K`/`M`/`G`/`T` ([section 10](#10-units))"#,
        rules: r#"`memory`, warning `guaranteed`"#,
        ends_up_in: r#"`--mem=` in normalised form (`2048G` → `2T`, `64000` → `64000M`, `0` = all memory of the node). Also the pod's memory request and limit (`1800G` → `1800Gi`) unless `container.memory` is set; `0` has no pod equivalent."#,
        example: r#"1800G"#,
    },
    Field {
        path: "slurm.time",
        summary: r#"The time limit of the job"#,
        kind: r#"string"#,
        default: r#"unset (Slurm's default for the partition)"#,
        allowed: r#"any `sbatch --time` form or a duration such as `48h`, `1d12h` ([section 10](#10-units))"#,
        rules: r#"`time`"#,
        ends_up_in: r#"`--time=` normalised to `[D-]HH:MM:SS` or `UNLIMITED`"#,
        example: r#"2d"#,
    },
    Field {
        path: "slurm.constraint",
        summary: r#"Node features the nodes must have"#,
        kind: r#"string"#,
        default: r#"unset"#,
        allowed: r#"`#SBATCH`-safe (`&`, `|`, `[`, `]`, `*`, `(`, `)`, `!` are allowed for Slurm's constraint syntax)"#,
        rules: r#"`sbatch-value`"#,
        ends_up_in: r#"`--constraint=`"#,
        example: r#"h100&roce"#,
    },
    Field {
        path: "slurm.reservation",
        summary: r#"The Slurm reservation to run in"#,
        kind: r#"string"#,
        default: r#"unset"#,
        allowed: r#"`#SBATCH`-safe"#,
        rules: r#"`sbatch-value`"#,
        ends_up_in: r#"`--reservation=`"#,
        example: r#"maint-window"#,
    },
    Field {
        path: "slurm.exclusive",
        summary: r#"Whether the nodes are allocated exclusively"#,
        kind: r#"boolean"#,
        default: r#"`false`"#,
        allowed: r#"`true`, `false`"#,
        rules: r#"`type`"#,
        ends_up_in: r#"`--exclusive` (no value) when `true`"#,
        example: r#"true"#,
    },
    Field {
        path: "slurm.gpuBind",
        summary: r#"How Slurm binds GPUs to tasks"#,
        kind: r#"string"#,
        default: r#"unset, or the partition's `gpuBind` (site config)"#,
        allowed: r#"`closest`, `none`, `single:N`, `map_gpu:..`, `mask_gpu:..`, `per_task:N`"#,
        rules: r#"`enum`"#,
        ends_up_in: r#"`--gpu-bind=` (after `--time`): with `closest`, Slurm binds each task to the GPUs nearest its CPUs"#,
        example: r#"closest"#,
    },
    Field {
        path: "slurm.output",
        summary: r#"The batch output file"#,
        kind: r#"string"#,
        default: r#"`hybridctl-%x-%j.out`"#,
        allowed: r#"`#SBATCH`-safe; Slurm filename patterns (`%x` job name, `%j` job id, ...)"#,
        rules: r#"`sbatch-value`"#,
        ends_up_in: r#"`--output=` (relative paths are relative to where `sbatch` runs)"#,
        example: r#"hybridctl-%x-%j.out"#,
    },
    Field {
        path: "slurm.extraOptions",
        summary: r#"Extra `#SBATCH` options from an allow-list"#,
        kind: r#"mapping `option: value`"#,
        default: r#"none"#,
        allowed: r#"the allow-list below"#,
        rules: r#"`sbatch-option`, `sbatch-value`, `type`"#,
        ends_up_in: r#"one `--option=value` (or `--option`) line each, after the lines above, in the order of the merged mapping"#,
        example: r#"mail-type: END,FAIL
signal: B:TERM@300
requeue: true"#,
    },
    Field {
        path: "kubernetes.context",
        summary: r#"The kubeconfig context of the cluster"#,
        kind: r#"string"#,
        default: r#"unset"#,
        allowed: r#"any"#,
        rules: r#"—"#,
        ends_up_in: r#"Recorded only: carried in the frozen spec for `launch`; not used by `render`. Overridden by `--context`."#,
        example: r#"prod-cluster"#,
    },
    Field {
        path: "kubernetes.namespace",
        summary: r#"The namespace of the PyTorchJob and its pods"#,
        kind: r#"string"#,
        default: r#"`default`"#,
        allowed: r#"DNS-1123 label, 1–63 characters"#,
        rules: r#"`name`"#,
        ends_up_in: r#"`metadata.namespace` of the PyTorchJob. Overridden by `-n/--namespace`."#,
        example: r#"llm"#,
    },
    Field {
        path: "kubernetes.serviceAccount",
        summary: r#"The service account the pods run as"#,
        kind: r#"string"#,
        default: r#"unset"#,
        allowed: r#"DNS-1123 subdomain"#,
        rules: r#"`name`"#,
        ends_up_in: r#"`serviceAccountName` of every pod template (TrainJob: of hybridctl's runtime patch)"#,
        example: r#"trainer"#,
    },
    Field {
        path: "kubernetes.priorityClassName",
        summary: r#"The priority class of the pods"#,
        kind: r#"string"#,
        default: r#"unset"#,
        allowed: r#"DNS-1123 subdomain"#,
        rules: r#"`name`, `trainjob` (warning)"#,
        ends_up_in: r#"`priorityClassName` of every pod template. TrainJob: Trainer's runtime patches cannot set it; the pods get the runtime's, and `launch` refuses a runtime whose `node` pod template names another class"#,
        example: r#"training-high"#,
    },
    Field {
        path: "kubernetes.api",
        summary: r#"Which Kubeflow API runs the job: PyTorchJob or TrainJob"#,
        kind: r#"string"#,
        default: r#"`auto`"#,
        allowed: r#"`pytorchjob`, `trainjob`, `auto`"#,
        rules: r#"`enum`"#,
        ends_up_in: r#"Which Kubeflow API runs the job: the training-operator's PyTorchJob or Kubeflow Trainer v2's TrainJob. `auto`: `launch` asks the API server (discovery) and takes PyTorchJob when it serves both; `render` and `submit` (no cluster) render a PyTorchJob. A site pins it in `defaults:` or per partition (section 13)"#,
        example: r#"trainjob"#,
    },
    Field {
        path: "kubernetes.runtime",
        summary: r#"The Kubeflow Trainer runtime of a TrainJob"#,
        kind: r#"string"#,
        default: r#"`torch-distributed`"#,
        allowed: r#"DNS-1123 subdomain"#,
        rules: r#"`name`"#,
        ends_up_in: r#"TrainJob only: `spec.runtimeRef.name`. `launch` and `doctor` check that it exists and has the trainer step `node`"#,
        example: r#"torch-distributed"#,
    },
    Field {
        path: "kubernetes.runtimeKind",
        summary: r#"The kind of the TrainJob runtime"#,
        kind: r#"string"#,
        default: r#"`ClusterTrainingRuntime`"#,
        allowed: r#"`ClusterTrainingRuntime`, `TrainingRuntime`"#,
        rules: r#"`enum`"#,
        ends_up_in: r#"TrainJob only: `spec.runtimeRef.kind` (a `TrainingRuntime` lives in the job's namespace)"#,
        example: r#"ClusterTrainingRuntime"#,
    },
    Field {
        path: "container.image",
        summary: r#"The container image"#,
        kind: r#"string"#,
        default: r#"**required**"#,
        allowed: r#"non-empty, no whitespace or control characters"#,
        rules: r#"`required`, `image`"#,
        ends_up_in: r#"`image`"#,
        example: r#"registry.example.org/llm/megatron:24.12"#,
    },
    Field {
        path: "container.imagePullPolicy",
        summary: r#"When the kubelet pulls the image"#,
        kind: r#"string"#,
        default: r#"unset (Kubernetes' default)"#,
        allowed: r#"`Always`, `IfNotPresent`, `Never`"#,
        rules: r#"`enum`"#,
        ends_up_in: r#"`imagePullPolicy`"#,
        example: r#"IfNotPresent"#,
    },
    Field {
        path: "container.command",
        summary: r#"The container command (the image entrypoint when empty)"#,
        kind: r#"list of strings"#,
        default: r#"none (the image's entrypoint)"#,
        allowed: r#"any scalars; no NUL byte"#,
        rules: r#"`type`, `value`"#,
        ends_up_in: r#"`command` (omitted when empty)"#,
        example: r#"[torchrun]"#,
    },
    Field {
        path: "container.args",
        summary: r#"The container arguments"#,
        kind: r#"list of strings"#,
        default: r#"none"#,
        allowed: r#"any scalars; no NUL byte"#,
        rules: r#"`type`, `value`"#,
        ends_up_in: r#"`args` (omitted when empty)"#,
        example: r#"[--nproc-per-node=8, pretrain_gpt.py]"#,
    },
    Field {
        path: "container.env",
        summary: r#"Extra environment variables of the container"#,
        kind: r#"mapping `NAME: value`"#,
        default: r#"none"#,
        allowed: r#"names: `[A-Za-z_][A-Za-z0-9_]*`; not reserved; not `NCCL_*`; values: scalars (`null` = empty string), no NUL byte"#,
        rules: r#"`env-name`, `env-reserved`, `env-nccl`, `type`, `value`"#,
        ends_up_in: r#"`env` of the container, first, in order. Not exported in the batch script."#,
        example: r#"CUDA_DEVICE_MAX_CONNECTIONS: "1""#,
    },
    Field {
        path: "container.workingDir",
        summary: r#"The working directory of the container"#,
        kind: r#"string"#,
        default: r#"unset"#,
        allowed: r#"absolute path, no newline or NUL"#,
        rules: r#"`path`"#,
        ends_up_in: r#"`workingDir`"#,
        example: r#"/workspace"#,
    },
    Field {
        path: "container.cpu",
        summary: r#"The CPU request of each pod"#,
        kind: r#"string"#,
        default: r#"unset"#,
        allowed: r#"Kubernetes quantity (`16`, `500m`, `1.5`)"#,
        rules: r#"`quantity`, warning `guaranteed`"#,
        ends_up_in: r#"`resources.requests.cpu`; also `resources.limits.cpu` when `slurm.cpusPerTask` or `slurm.memory` is set (a Guaranteed pod), else no CPU limit"#,
        example: r#""90""#,
    },
    Field {
        path: "container.memory",
        summary: r#"The memory request and limit of each pod"#,
        kind: r#"string"#,
        default: r#"unset"#,
        allowed: r#"Kubernetes quantity (`1600Gi`, `200G`)"#,
        rules: r#"`quantity`"#,
        ends_up_in: r#"`resources.requests.memory` **and** `resources.limits.memory`"#,
        example: r#"1600Gi"#,
    },
    Field {
        path: "container.shmSize",
        summary: r#"The size of the memory-backed `/dev/shm`"#,
        kind: r#"string"#,
        default: r#"unset (no size limit)"#,
        allowed: r#"Kubernetes quantity"#,
        rules: r#"`quantity`"#,
        ends_up_in: r#"`sizeLimit` of the memory-backed `dshm` volume at `/dev/shm` (the volume is always there; containers get only 64 MiB of `/dev/shm` otherwise, too little for NCCL and data loaders)"#,
        example: r#"256Gi"#,
    },
    Field {
        path: "network.fabric",
        summary: r#"The network NCCL must use: RoCE, InfiniBand or TCP sockets"#,
        kind: r#"string"#,
        default: r#"`roce`"#,
        allowed: r#"`roce`, `ib`, `socket`"#,
        rules: r#"`enum`, warnings `rdma-resource`, `fabric`"#,
        ends_up_in: r#"the NCCL variables below; with `roce`/`ib` the container gets capability `IPC_LOCK` (registering memory for RDMA needs locked pages)"#,
        example: r#"roce"#,
    },
    Field {
        path: "network.rdmaResource",
        summary: r#"The RDMA device-plugin resource each pod requests"#,
        kind: r#"string"#,
        default: r#"unset"#,
        allowed: r#"extended resource name `<dns-subdomain>/<name>` (`rdma/rdma_shared_device_a`, `nvidia.com/hostdev`); the name part ≤ 63 of `[A-Za-z0-9._-]`, alphanumeric at both ends"#,
        rules: r#"`resource`"#,
        ends_up_in: r#"`resources.limits."<rdmaResource>": "<rdmaCount>"` — only with `roce`/`ib`"#,
        example: r#"rdma/rdma_shared_device_a"#,
    },
    Field {
        path: "network.rdmaCount",
        summary: r#"How many of `rdmaResource` each pod requests"#,
        kind: r#"integer"#,
        default: r#"`1`"#,
        allowed: r#"1–1024"#,
        rules: r#"`type`, `range`"#,
        ends_up_in: r#"the quantity of `rdmaResource` (ignored without `rdmaResource`)"#,
        example: r#"1"#,
    },
    Field {
        path: "network.hcas",
        summary: r#"The RDMA devices NCCL may use"#,
        kind: r#"list of strings"#,
        default: r#"none"#,
        allowed: r#"RDMA device names `mlx5_0`, optionally with a port `mlx5_0:1`; device ≤ 64 of `[A-Za-z0-9._-]`"#,
        rules: r#"`hca`, `type`"#,
        ends_up_in: r#"`NCCL_IB_HCA` (joined with `,`), only with `roce`/`ib`"#,
        example: r#"[mlx5_0, mlx5_1, mlx5_2, mlx5_3, mlx5_4, mlx5_5, mlx5_6, mlx5_7]"#,
    },
    Field {
        path: "network.gidIndex",
        summary: r#"The RoCE GID index NCCL uses"#,
        kind: r#"integer or `auto`"#,
        default: r#"`auto`"#,
        allowed: r#"`auto`, 0–255"#,
        rules: r#"`type`, `range`"#,
        ends_up_in: r#"`NCCL_IB_GID_INDEX`, only with `roce` and a number. `auto` sets nothing and lets NCCL choose (since NCCL 2.21 it prefers a RoCE v2 GID with an IPv4 address). Ignored with `ib` and `socket`."#,
        example: r#"3"#,
    },
    Field {
        path: "network.trafficClass",
        summary: r#"The InfiniBand traffic class of NCCL traffic"#,
        kind: r#"integer"#,
        default: r#"unset"#,
        allowed: r#"0–255"#,
        rules: r#"`type`, `range`"#,
        ends_up_in: r#"`NCCL_IB_TC`, only with `roce`/`ib`"#,
        example: r#"106"#,
    },
    Field {
        path: "network.socketInterface",
        summary: r#"The network interfaces NCCL uses for sockets and bootstrap"#,
        kind: r#"string"#,
        default: r#"unset"#,
        allowed: r#"`NCCL_SOCKET_IFNAME` syntax: a comma-separated list of interface names (each 1–15 of `[A-Za-z0-9_.@-]`), optionally prefixed by `^` (exclude) or `=` (exact match)"#,
        rules: r#"`ifname`"#,
        ends_up_in: r#"`NCCL_SOCKET_IFNAME`, with every fabric (NCCL uses it for bootstrap even over IB)"#,
        example: r#"eth0"#,
    },
    Field {
        path: "network.ncclDebug",
        summary: r#"The NCCL log level"#,
        kind: r#"string"#,
        default: r#"`INFO`"#,
        allowed: r#"`VERSION`, `WARN`, `INFO`, `TRACE`, `ABORT`"#,
        rules: r#"`enum`"#,
        ends_up_in: r#"`NCCL_DEBUG`"#,
        example: r#"WARN"#,
    },
    Field {
        path: "network.ncclDebugSubsys",
        summary: r#"The NCCL subsystems that log"#,
        kind: r#"string"#,
        default: r#"`INIT,NET`"#,
        allowed: r#"comma-separated upper-case subsystem names (`[A-Z_]+`), optionally prefixed by `^`"#,
        rules: r#"`nccl`"#,
        ends_up_in: r#"`NCCL_DEBUG_SUBSYS`"#,
        example: r#"INIT,NET"#,
    },
    Field {
        path: "network.ncclEnv",
        summary: r#"More NCCL, UCX and TORCH_NCCL variables; they win over the computed ones"#,
        kind: r#"mapping `NAME: value`"#,
        default: r#"none"#,
        allowed: r#"names starting with `NCCL_`, `UCX_` or `TORCH_NCCL_`; valid env names; scalar values"#,
        rules: r#"`env-nccl`, `env-name`, `type`, `value`"#,
        ends_up_in: r#"added to the NCCL list; a name already computed (e.g. `NCCL_DEBUG`, `NCCL_NET`) is **replaced in place**"#,
        example: r#"NCCL_IB_QPS_PER_CONNECTION: "4""#,
    },
    Field {
        path: "storage.gpfs",
        summary: r#"A GPFS fileset mounted in every pod through a PersistentVolumeClaim"#,
        kind: r#"mapping"#,
        default: r#"unset"#,
        allowed: r#"see below"#,
        rules: r#"`type`"#,
        ends_up_in: r#"a PVC volume named `gpfs` in every pod"#,
        example: r#"claimName: gpfs-llm-project
mountPath: /gpfs/llm"#,
    },
    Field {
        path: "storage.gpfs.claimName",
        summary: r#"The PersistentVolumeClaim of the GPFS fileset"#,
        kind: r#"string"#,
        default: r#"**required in `gpfs`**"#,
        allowed: r#"DNS-1123 subdomain; a ReadWriteMany PersistentVolumeClaim of the GPFS fileset"#,
        rules: r#"`required`, `name`"#,
        ends_up_in: r#"`volumes[].persistentVolumeClaim.claimName`"#,
        example: r#"gpfs-llm-project"#,
    },
    Field {
        path: "storage.gpfs.mountPath",
        summary: r#"Where the fileset appears in the container"#,
        kind: r#"string"#,
        default: r#"**required in `gpfs`**"#,
        allowed: r#"absolute path"#,
        rules: r#"`required`, `path`"#,
        ends_up_in: r#"`volumeMounts[].mountPath`"#,
        example: r#"/gpfs/llm"#,
    },
    Field {
        path: "storage.gpfs.fileset",
        summary: r#"The GPFS fileset, for the quota preflight"#,
        kind: r#"string"#,
        default: r#"unset"#,
        allowed: r#"1–255 of `[A-Za-z0-9_.-]`"#,
        rules: r#"`name`"#,
        ends_up_in: r#"the fileset `submit` checks quota headroom in, and `hybridctl quota --spec` shows (else the site's `gpfs.claims` mapping)"#,
        example: r#"llm-project"#,
    },
    Field {
        path: "storage.gpfs.device",
        summary: r#"The GPFS file system of the fileset"#,
        kind: r#"string"#,
        default: r#"unset"#,
        allowed: r#"1–255 of `[A-Za-z0-9_.-]` (e.g. `gpfs01`)"#,
        rules: r#"`name`"#,
        ends_up_in: r#"the fileset's file system, for the same checks"#,
        example: r#"gpfs01"#,
    },
    Field {
        path: "storage.gpfs.readOnly",
        summary: r#"Whether the fileset is mounted read-only"#,
        kind: r#"boolean"#,
        default: r#"`false`"#,
        allowed: r#"`true`, `false`"#,
        rules: r#"`type`"#,
        ends_up_in: r#"`volumeMounts[].readOnly: true` when `true`"#,
        example: r#"false"#,
    },
    Field {
        path: "storage.checkpointDir",
        summary: r#"Where the job writes checkpoints (one directory per job)"#,
        kind: r#"string"#,
        default: r#"unset"#,
        allowed: r#"absolute path that contains `{job_id}`; placeholders `{job_id}` and `{name}` only"#,
        rules: r#"`path`, `checkpoint-dir`; warning `checkpoint-dir`"#,
        ends_up_in: r#"env `HYBRIDCTL_CHECKPOINT_DIR` of every pod, with `{job_id}` replaced by the Slurm job id and `{name}` by the job name"#,
        example: r#"/gpfs/llm/checkpoints/{name}/{job_id}"#,
    },
    Field {
        path: "storage.checkpointSize",
        summary: r#"The size of one checkpoint, for the quota preflight"#,
        kind: r#"string"#,
        default: r#"unset"#,
        allowed: r#"byte size, SI (`500G` = 500·10⁹) or binary (`465Gi`) ([section 10](#10-units))"#,
        rules: r#"`size`"#,
        ends_up_in: r#"`submit`'s quota preflight: `checkpointSize x checkpointsKept` must fit below the fileset's hard limit (stored in bytes in the frozen spec)"#,
        example: r#"1.2T"#,
    },
    Field {
        path: "storage.checkpointsKept",
        summary: r#"How many checkpoints are kept at once, for the quota preflight"#,
        kind: r#"integer"#,
        default: r#"`1`"#,
        allowed: r#"1–10000"#,
        rules: r#"`type`, `range`"#,
        ends_up_in: r#"the quota preflight multiplies `checkpointSize` by it"#,
        example: r#"3"#,
    },
    Field {
        path: "training.nprocPerNode",
        summary: r#"Processes (ranks) per node"#,
        kind: r#"integer"#,
        default: r#"`slurm.gpusPerNode`, or `1` when that is 0"#,
        allowed: r#"1–1024; at most `gpusPerNode` when `gpusPerNode > 0`"#,
        rules: r#"`type`, `range`, `nproc`"#,
        ends_up_in: r#"`spec.nprocPerNode` (a string, e.g. `"8"`); the operator derives `PET_NPROC_PER_NODE` and `WORLD_SIZE` from it"#,
        example: r#"8"#,
    },
    Field {
        path: "training.backoffLimit",
        summary: r#"How often the operator restarts a failed job"#,
        kind: r#"integer"#,
        default: r#"`0`"#,
        allowed: r#"0–1000"#,
        rules: r#"`type`, `range`"#,
        ends_up_in: r#"`spec.runPolicy.backoffLimit`"#,
        example: r#"0"#,
    },
    Field {
        path: "training.cleanPodPolicy",
        summary: r#"Which pods the operator deletes when the job ends"#,
        kind: r#"string"#,
        default: r#"`None`"#,
        allowed: r#"`None`, `Running`, `All`"#,
        rules: r#"`enum`"#,
        ends_up_in: r#"`spec.runPolicy.cleanPodPolicy`"#,
        example: r#"None"#,
    },
    Field {
        path: "training.restartPolicy",
        summary: r#"When a replica is restarted"#,
        kind: r#"string"#,
        default: r#"`OnFailure`"#,
        allowed: r#"`OnFailure`, `Never`, `ExitCode`, `Always`"#,
        rules: r#"`enum`"#,
        ends_up_in: r#"`restartPolicy` of every replica type"#,
        example: r#"OnFailure"#,
    },
    Field {
        path: "training.ttlSecondsAfterFinished",
        summary: r#"How long a finished PyTorchJob is kept"#,
        kind: r#"integer"#,
        default: r#"unset"#,
        allowed: r#"0–4294967295 accepted by `validate`; the PyTorchJob field is 32-bit signed, so values above 2147483647 fail at render time"#,
        rules: r#"`type`, `range`"#,
        ends_up_in: r#"`spec.runPolicy.ttlSecondsAfterFinished`"#,
        example: r#"3600"#,
    },
    Field {
        path: "training.activeDeadlineSeconds",
        summary: r#"How long the PyTorchJob may run"#,
        kind: r#"integer"#,
        default: r#"unset"#,
        allowed: r#"1–4294967295"#,
        rules: r#"`type`, `range`"#,
        ends_up_in: r#"`spec.runPolicy.activeDeadlineSeconds`"#,
        example: r#"172800"#,
    },
    Field {
        path: "training.masterPort",
        summary: r#"The rendezvous port of the master"#,
        kind: r#"integer"#,
        default: r#"`23456`"#,
        allowed: r#"1024–65535"#,
        rules: r#"`type`, `range`"#,
        ends_up_in: r#"`containerPort` of the port named `pytorchjob-port` in every pod; the training operator takes `MASTER_PORT` (and, for elastic jobs, the c10d endpoint port) from it"#,
        example: r#"23456"#,
    },
    Field {
        path: "training.elastic",
        summary: r#"Makes the job elastic: it shrinks and grows within the allocation"#,
        kind: r#"mapping"#,
        default: r#"unset"#,
        allowed: r#"see below"#,
        rules: r#"`type`"#,
        ends_up_in: r#"`spec.elasticPolicy` and the replica layout"#,
        example: r#"minNodes: 4
maxNodes: 8"#,
    },
    Field {
        path: "training.elastic.minNodes",
        summary: r#"The fewest nodes training continues with"#,
        kind: r#"integer"#,
        default: r#"**required in `elastic`**"#,
        allowed: r#"1–100000; ≤ `maxNodes`"#,
        rules: r#"`required`, `range`, `elastic`"#,
        ends_up_in: r#"`elasticPolicy.minReplicas`"#,
        example: r#"4"#,
    },
    Field {
        path: "training.elastic.maxNodes",
        summary: r#"The most nodes (equal to `slurm.nodes`)"#,
        kind: r#"integer"#,
        default: r#"`slurm.nodes`"#,
        allowed: r#"1–100000; must equal `slurm.nodes`"#,
        rules: r#"`range`, `elastic`"#,
        ends_up_in: r#"`elasticPolicy.maxReplicas`"#,
        example: r#"8"#,
    },
    Field {
        path: "training.elastic.maxRestarts",
        summary: r#"How often the elastic agent restarts workers"#,
        kind: r#"integer"#,
        default: r#"unset"#,
        allowed: r#"0–10000"#,
        rules: r#"`type`, `range`"#,
        ends_up_in: r#"`elasticPolicy.maxRestarts`"#,
        example: r#"10"#,
    },
];

impl Field {
    /// The last segment of the path (`nodes` of `slurm.nodes`).
    pub fn name(&self) -> &'static str {
        self.path.rsplit('.').next().unwrap_or(self.path)
    }

    /// The path of the mapping the field is in (`""` at the top level).
    pub fn parent(&self) -> &'static str {
        self.path.rsplit_once('.').map_or("", |(p, _)| p)
    }

    /// Whether the field holds other fields of the table.
    pub fn has_children(&self) -> bool {
        FIELDS.iter().any(|f| f.parent() == self.path)
    }

    /// Whether a spec must set it (possibly only inside its optional parent); not a field
    /// that is required only unless a config file provides it (`slurm.gpusPerNode`).
    pub fn required(&self) -> bool {
        self.default == "**required**" || self.default.starts_with("**required in")
    }

    /// The rule names (the backticked words of the rules cell).
    pub fn rule_names(&self) -> Vec<&'static str> {
        self.rules
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|r| !r.is_empty())
            .collect()
    }

    /// The example as a spec fragment with the field's parents (`slurm:\n  nodes: 8\n`).
    pub fn example_yaml(&self) -> String {
        let parts: Vec<&str> = self.path.split('.').collect();
        let mut out = String::new();
        for (depth, part) in parts.iter().enumerate() {
            out.push_str(&"  ".repeat(depth));
            out.push_str(part);
            out.push(':');
            if depth + 1 < parts.len() {
                out.push('\n');
            }
        }
        let indent = "  ".repeat(parts.len());
        let block = self.example.contains('\n')
            || (self.example.contains(": ") && !self.example.starts_with(['[', '{', '"']));
        if block {
            for line in self.example.lines() {
                out.push('\n');
                out.push_str(&indent);
                out.push_str(line);
            }
        } else {
            out.push(' ');
            out.push_str(self.example);
        }
        out.push('\n');
        out
    }
}

/// The field at `path` (exact, as the spec spells it).
pub fn lookup(path: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.path == path)
}

/// The fields directly inside `parent` (`""`: the top level).
pub fn children(parent: &str) -> Vec<&'static Field> {
    FIELDS.iter().filter(|f| f.parent() == parent).collect()
}

/// Every field path, for completion and suggestions.
pub fn paths() -> impl Iterator<Item = &'static str> {
    FIELDS.iter().map(|f| f.path)
}

/// Why a path names no field, with the closest one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownField {
    pub path: String,
    pub suggestion: Option<&'static str>,
}

impl std::fmt::Display for UnknownField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the job spec has no field `{}`", self.path)
    }
}

impl UnknownField {
    pub fn hint(&self) -> String {
        match self.suggestion {
            Some(s) => format!(
                "did you mean `{s}`? `hybridctl explain` lists the top-level fields"
            ),
            None => "`hybridctl explain` lists the top-level fields, `hybridctl explain slurm` the fields of a section".to_string(),
        }
    }
}

/// Resolve what a user typed: a dotted path, optionally starting with the kind
/// (`TrainingJob.slurm.nodes`, as `kubectl explain` takes it), case-insensitively when that is
/// unambiguous. An unknown path comes back with the closest path, or the closest field of
/// that name anywhere (`explain nodes` suggests `slurm.nodes`).
pub fn resolve(input: &str) -> Result<Option<&'static Field>, UnknownField> {
    let trimmed = input.trim().trim_matches('.');
    let without_kind = match trimmed.split_once('.') {
        Some((head, rest)) if head.eq_ignore_ascii_case(super::KIND) => rest,
        _ if trimmed.eq_ignore_ascii_case(super::KIND) => "",
        _ => trimmed,
    };
    if without_kind.is_empty() {
        return Ok(None);
    }
    if let Some(f) = lookup(without_kind) {
        return Ok(Some(f));
    }
    let folded: Vec<&'static Field> = FIELDS
        .iter()
        .filter(|f| f.path.eq_ignore_ascii_case(without_kind))
        .collect();
    if let [one] = folded.as_slice() {
        return Ok(Some(one));
    }
    let by_path = crate::diag::did_you_mean(without_kind, paths());
    let last = without_kind.rsplit('.').next().unwrap_or(without_kind);
    let by_name = FIELDS
        .iter()
        .filter(|f| f.name().eq_ignore_ascii_case(last))
        .map(|f| f.path)
        .next()
        .or_else(|| {
            crate::diag::did_you_mean(last, FIELDS.iter().map(|f| f.name()))
                .and_then(|n| FIELDS.iter().find(|f| f.name() == n).map(|f| f.path))
        });
    Err(UnknownField {
        path: without_kind.to_string(),
        suggestion: by_path.or(by_name),
    })
}

/// A field as `explain -o json` prints it (cells in Markdown, as in docs/spec.md).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FieldDoc {
    pub path: String,
    pub summary: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub required: bool,
    pub default: String,
    pub allowed: String,
    /// The rule names of its diagnostics (`error[rule]` / `warning[rule]`).
    pub rules: Vec<String>,
    /// Where the value ends up: `#SBATCH` lines, manifest paths, environment variables.
    pub ends_up_in: String,
    /// The example as a spec fragment.
    pub example: String,
}

impl From<&Field> for FieldDoc {
    fn from(f: &Field) -> Self {
        Self {
            path: f.path.to_string(),
            summary: f.summary.to_string(),
            kind: f.kind.to_string(),
            required: f.required(),
            default: f.default.to_string(),
            allowed: f.allowed.to_string(),
            rules: f.rule_names().into_iter().map(String::from).collect(),
            ends_up_in: f.ends_up_in.to_string(),
            example: f.example_yaml(),
        }
    }
}

/// What `explain [PATH]` answers: the field (none for the spec itself) and the fields in it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// The field explained; `null` for the whole spec.
    pub field: Option<FieldDoc>,
    /// The fields directly inside it (with `--recursive`, every field below it, parents
    /// first); `[]` for a field that holds no fields.
    pub fields: Vec<FieldDoc>,
}

impl crate::document::Document for Explanation {
    const KIND: &'static str = "FieldExplanation";
}

pub fn explanation(field: Option<&Field>, recursive: bool) -> Explanation {
    let parent = field.map_or("", |f| f.path);
    Explanation {
        field: field.map(FieldDoc::from),
        fields: below(parent, recursive)
            .into_iter()
            .map(|(_, f)| FieldDoc::from(f))
            .collect(),
    }
}

/// The fields inside `parent` with their depth below it (1 = a child), in table order:
/// children only, or (recursive) every descendant right after its parent.
fn below(parent: &str, recursive: bool) -> Vec<(usize, &'static Field)> {
    let mut out = Vec::new();
    for c in children(parent) {
        out.push((1, c));
        if recursive {
            out.extend(below(c.path, true).into_iter().map(|(d, f)| (d + 1, f)));
        }
    }
    out
}

/// Markdown of a cell as plain text for a terminal: links become their text, bold marks go.
pub fn plain(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut rest = md.replace("**", "");
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|i| open + i) else {
            break;
        };
        let Some(end) = rest[close..].find(')').map(|i| close + i) else {
            break;
        };
        let target = &rest[close + 2..end];
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..close]);
        if target.starts_with('#') {
            out.push_str(" of docs/spec.md");
        }
        rest = rest[end + 1..].to_string();
    }
    out.push_str(&rest);
    out
}

/// `explain` as text, like `kubectl explain`: the field's facts, then the fields inside it
/// (with `recursive`, the whole tree below it, names and types only, as kubectl prints it).
pub fn explain_text(field: Option<&Field>, width: usize, recursive: bool) -> String {
    let width = width.clamp(40, 120);
    let mut out = format!(
        "KIND:     {}\nVERSION:  {}\n\n",
        super::KIND,
        super::API_VERSION
    );
    match field {
        None => {
            out.push_str("DESCRIPTION:\n");
            wrap_into(
                &mut out,
                "One job spec: hybridctl renders the sbatch script and the PyTorchJob manifest from it. `hybridctl init` writes a starter spec; `hybridctl validate` checks one.",
                width,
            );
        }
        Some(f) => {
            out.push_str(&format!("FIELD:    {} <{}>\n\n", f.path, f.kind));
            out.push_str("DESCRIPTION:\n");
            wrap_into(&mut out, f.summary, width);
            for (title, cell) in [
                ("DEFAULT", f.default),
                ("ALLOWED", f.allowed),
                ("ENDS UP IN", f.ends_up_in),
                ("RULES", f.rules),
            ] {
                out.push('\n');
                out.push_str(title);
                out.push_str(":\n");
                wrap_into(&mut out, &plain(cell), width);
            }
            out.push_str("\nEXAMPLE:\n");
            for line in f.example_yaml().lines() {
                out.push_str("    ");
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    let inner = below(field.map_or("", |f| f.path), recursive);
    if !inner.is_empty() {
        out.push_str("\nFIELDS:\n");
        for (depth, c) in inner {
            let req = if c.required() { " -required-" } else { "" };
            let pad = "  ".repeat(depth + 1);
            out.push_str(&format!("{pad}{}\t<{}>{req}\n", c.name(), c.kind));
            if !recursive {
                wrap_indented(&mut out, c.summary, width, 6);
            }
        }
    }
    out
}

fn wrap_into(out: &mut String, text: &str, width: usize) {
    wrap_indented(out, text, width, 4);
}

fn wrap_indented(out: &mut String, text: &str, width: usize, indent: usize) {
    let pad = " ".repeat(indent);
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent + line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&pad);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&pad);
        out.push_str(&line);
        out.push('\n');
    }
}

/// The docs/spec.md table of one section (`""`: the top level).
pub fn markdown_table(section: &str) -> String {
    let esc = |s: &str| s.replace('|', "\\|");
    let mut out = String::from(
        "| Field | Type | Default | Allowed | Rules | Ends up in |\n|---|---|---|---|---|---|\n",
    );
    for f in FIELDS {
        let name = if section.is_empty() {
            (f.parent().is_empty()).then_some(f.path)
        } else {
            f.path
                .strip_prefix(section)
                .and_then(|r| r.strip_prefix('.'))
        };
        let Some(name) = name else { continue };
        out.push_str(&format!(
            "| `{name}` | {} | {} | {} | {} | {} |\n",
            esc(f.kind),
            esc(f.default),
            esc(f.allowed),
            esc(f.rules),
            esc(f.ends_up_in)
        ));
    }
    out
}

const BEGIN: &str = "<!-- BEGIN generated field table ";
const END: &str = "<!-- END generated field table -->";

/// docs/spec.md with every generated field table replaced by the current one. Each table sits
/// between `<!-- BEGIN generated field table SECTION ... -->` and the END marker.
pub fn update_spec_md(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut seen = Vec::new();
    while let Some(start) = rest.find(BEGIN) {
        let after_begin = &rest[start + BEGIN.len()..];
        let Some(eol) = after_begin.find('\n') else {
            return Err("a BEGIN marker without a line end".into());
        };
        let section = after_begin[..eol]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_end_matches("-->");
        let section = if section == "top-level" { "" } else { section };
        if !SECTIONS.contains(&section) {
            return Err(format!("unknown section `{section}` in a BEGIN marker"));
        }
        let Some(end) = after_begin.find(END) else {
            return Err(format!("no END marker after section `{section}`"));
        };
        out.push_str(&rest[..start + BEGIN.len() + eol + 1]);
        out.push_str(&markdown_table(section));
        out.push_str(END);
        rest = &after_begin[end + END.len()..];
        seen.push(section);
    }
    out.push_str(rest);
    for s in SECTIONS {
        if !seen.contains(s) {
            return Err(format!(
                "docs/spec.md has no generated table for section `{}`",
                if s.is_empty() { "top-level" } else { s }
            ));
        }
    }
    Ok(out)
}

/// The marker line that opens a section's table in docs/spec.md.
pub fn begin_marker(section: &str) -> String {
    let name = if section.is_empty() {
        "top-level"
    } else {
        section
    };
    format!("{BEGIN}{name} (from src/jobspec/fields.rs; scripts/regen-docs.sh) -->")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/spec.md's field reference is generated from this table. With
    /// `HYBRIDCTL_REGEN_DOCS=1` the test rewrites the file (scripts/regen-docs.sh does that).
    #[test]
    fn spec_md_field_tables_are_fresh() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/spec.md");
        let text = std::fs::read_to_string(&path).expect("docs/spec.md");
        let fresh = update_spec_md(&text).expect("markers");
        if std::env::var_os("HYBRIDCTL_REGEN_DOCS").is_some() {
            std::fs::write(&path, &fresh).expect("write docs/spec.md");
            return;
        }
        assert!(
            fresh == text,
            "docs/spec.md's field tables differ from src/jobspec/fields.rs; run `scripts/regen-docs.sh` and commit the result"
        );
    }

    /// Every property of the typed spec's schema has an entry, and every entry is a property.
    #[test]
    fn the_table_covers_exactly_the_fields_of_the_spec() {
        let schema = super::super::schema::spec_schema();
        let mut found = Vec::new();
        super::super::schema::property_paths(&schema, &mut found);
        let mut table: Vec<String> = paths().map(String::from).collect();
        found.sort();
        table.sort();
        assert_eq!(found, table);
    }

    #[test]
    fn every_field_has_a_summary_type_and_example() {
        for f in FIELDS {
            assert!(!f.summary.is_empty() && !f.kind.is_empty(), "{}", f.path);
            assert!(!f.example.is_empty(), "{} has no example", f.path);
            assert!(!f.ends_up_in.is_empty() || f.has_children(), "{}", f.path);
        }
    }

    /// Every example, in a minimal valid spec (and inside its parent's example), validates:
    /// the examples are true.
    #[test]
    fn every_example_validates_in_a_minimal_spec() {
        let base = "apiVersion: hybridctl.io/v1alpha1\nkind: TrainingJob\nname: demo\ncontainer:\n  image: img\nslurm:\n  nodes: 8\n  gpusPerNode: 8\n";
        let file = std::sync::Arc::from("base");
        for f in FIELDS {
            let mut settings = crate::settings::Settings::empty(crate::settings::Env::default());
            settings.site.defaults = Some(crate::yaml::parse(&file, base).expect("base"));
            if let Some(parent) = lookup(f.parent()) {
                let text = parent.example_yaml();
                settings.user.defaults = Some(crate::yaml::parse(&file, &text).expect("parent"));
            }
            let text = f.example_yaml();
            let loaded = crate::jobspec::load::resolve_spec(
                &settings,
                "example",
                &text,
                &crate::jobspec::load::Overrides::default(),
            );
            let errors: Vec<_> = loaded
                .diagnostics
                .iter()
                .filter(|d| d.severity == crate::diag::Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{}:\n{text}\n{errors:?}", f.path);
        }
    }

    #[test]
    fn resolve_takes_kind_prefix_case_and_suggests() {
        assert_eq!(
            resolve("slurm.nodes").map(|f| f.map(|f| f.path)),
            Ok(Some("slurm.nodes"))
        );
        assert_eq!(
            resolve("TrainingJob.slurm.gpusPerNode").map(|f| f.map(|f| f.path)),
            Ok(Some("slurm.gpusPerNode"))
        );
        assert_eq!(resolve("trainingjob").map(|f| f.map(|f| f.path)), Ok(None));
        assert_eq!(
            resolve("SLURM.GPUSPERNODE").map(|f| f.map(|f| f.path)),
            Ok(Some("slurm.gpusPerNode"))
        );
        let e = resolve("slurm.gpuPerNode").unwrap_err();
        assert_eq!(e.suggestion, Some("slurm.gpusPerNode"));
        let e = resolve("nodes").unwrap_err();
        assert_eq!(e.suggestion, Some("slurm.nodes"));
        let e = resolve("zzzzzz.qqqq").unwrap_err();
        assert_eq!(e.suggestion, None);
    }

    #[test]
    fn text_names_facts_and_children() {
        let f = lookup("slurm.nodes").expect("field");
        assert_eq!(
            lookup("network.fabric").map(|f| f.rule_names()),
            Some(vec!["enum", "rdma-resource", "fabric"])
        );
        let t = explain_text(Some(f), 80, false);
        assert!(t.contains("FIELD:    slurm.nodes <integer>"), "{t}");
        assert!(t.contains("--nodes="), "{t}");
        assert!(t.contains("    slurm:\n      nodes: 8\n"), "{t}");
        let top = explain_text(None, 80, false);
        for name in ["slurm", "container", "name"] {
            assert!(top.contains(&format!("    {name}\t<")), "{top}");
        }
        assert!(top.contains("container\t<mapping> -required-"), "{top}");
        let gpfs = explain_text(lookup("storage.gpfs"), 80, false);
        assert!(gpfs.contains("claimName\t<string> -required-"), "{gpfs}");
        let tree = explain_text(lookup("storage"), 80, true);
        assert!(
            tree.contains("FIELDS:\n    gpfs\t<mapping>\n      claimName\t<string> -required-\n"),
            "{tree}"
        );
        assert_eq!(explanation(None, true).fields.len(), FIELDS.len());
    }

    #[test]
    fn plain_strips_links_and_bold() {
        assert_eq!(
            plain("**required**, see [section 11](#11-names)"),
            "required, see section 11 of docs/spec.md"
        );
    }
}
