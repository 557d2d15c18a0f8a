//! Command-line types. No behaviour lives here: the doc comments are the help text, the man
//! pages and the completions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter};

use crate::complete;

use crate::output::ColorChoice;

/// Run Kubeflow PyTorchJobs inside Slurm allocations, from one job spec
///
/// hybridctl renders the sbatch script and the PyTorchJob manifest from one job spec, so the
/// nodes, GPUs, NCCL settings and mounts that Slurm allocates are exactly what the pods get.
///
/// Configuration is layered: built-in defaults < site config (/etc/hybridctl/config.yaml or
/// $HYBRIDCTL_SITE_CONFIG) < user config (~/.config/hybridctl/config.yaml or
/// $HYBRIDCTL_CONFIG) < the spec < command-line flags.
#[derive(Debug, Parser)]
#[command(
    name = "hybridctl",
    version,
    propagate_version = true,
    max_term_width = 100,
    after_help = crate::error::EXIT_STATUS_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// When to use colour: auto (a terminal and no NO_COLOR), always, never
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// No progress spinners or notes on stderr (warnings and errors are still printed)
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented starter job spec for one of the site's partitions
    ///
    /// The GPUs per node, fabric, RDMA resource, HCAs and GPFS claim come from the site
    /// config (the partition's entry and the site defaults); the spec validates as written.
    /// Without -o the spec is printed; an existing file is only replaced with --force.
    Init(InitArgs),

    /// Describe a job spec field: type, default, where the value ends up, allowed values, example
    ///
    /// Like `kubectl explain`: FIELD is a dotted path such as `slurm.gpusPerNode` or
    /// `storage.gpfs`; without one, the top-level fields. The same table generates the field
    /// reference of docs/spec.md and the descriptions in `hybridctl schema spec`.
    Explain(ExplainArgs),

    /// Show the effective configuration: every value after all layers, and where it came from
    Config(ConfigArgs),

    /// Render the sbatch script and the PyTorchJob manifest of a job spec (no cluster needed)
    ///
    /// The PyTorchJob is the one `hybridctl launch` would create inside the allocation for
    /// the simulated job id and node list. Without --out both artifacts are printed, the
    /// script first, each after a `# ==> NAME <==` line.
    Render(RenderArgs),

    /// Check job specs and report every problem with file:line:col, the rule and a hint
    ///
    /// Exit code 0 when every spec is valid (warnings allowed), 1 when any has an error,
    /// 2 when a file could not be read.
    Validate(ValidateArgs),

    /// Validate, render and submit a job spec with `sbatch`; prints the job id
    ///
    /// The submission is recorded under $XDG_STATE_HOME/hybridctl/jobs/<id>/ (the resolved
    /// spec, the exact script, the submit time), so `status`, `cancel` and `logs` find the job
    /// by id or by name. Nothing is recorded when Slurm refuses the job.
    Submit(SubmitArgs),

    /// Show jobs: Slurm state (squeue, then sacct, then the job record) and why pending jobs wait
    ///
    /// JOB is a Slurm job id or a job name from the job records. Without JOB, the jobs
    /// hybridctl submitted recently; with --all, every job in the queue. One squeue call
    /// answers for all jobs.
    Status(StatusArgs),

    /// One job's story: Slurm's and Kubernetes' records merged into one timeline
    ///
    /// Slurm (submitted, the pending reason at the scheduler's last look, started on which
    /// nodes, ended how, exit code: `scontrol show job`, else accounting), the job record,
    /// and Kubernetes (the PyTorchJob's conditions, each pod's scheduling, containers,
    /// restarts and phase, and the operator's, scheduler's and kubelet's events), sorted by
    /// time; then the NCCL verdict of the batch output, when it has NCCL lines.
    Describe(DescribeArgs),
    /// Cancel jobs: SIGTERM to the batch step first so `launch` can clean up, then scancel
    ///
    /// A running job gets the signal (TERM by default) on its batch step, then `scancel`
    /// after the grace period (the cluster's KillWait by default); hybridctl waits until the
    /// job has left RUNNING/COMPLETING and reports its final state. A pending job is
    /// cancelled directly.
    Cancel(CancelArgs),

    /// Print or follow the logs of every pod of a job, one prefix (and colour) per pod
    ///
    /// JOB is a Slurm job id or a job name from the job records. With -f, new pods (restarts,
    /// elastic scale-up) are picked up as they start, a dropped connection or an API-server
    /// restart resumes without repeating or losing lines, and the command ends when the
    /// PyTorchJob finishes, with a footer giving its final state (exit code 1 when it failed).
    /// Messages about streams and the footer go to stderr, log lines to stdout.
    Logs(LogsArgs),

    /// GPFS / Storage Scale quotas of the user, the user's groups, or filesets
    ///
    /// Runs `mmlsquota -Y` and shows usage against soft and hard limits, in-doubt and grace,
    /// for blocks and files. Usage at or above the threshold is flagged; with --check it also
    /// makes the exit code 1.
    Quota(QuotaArgs),

    /// Analyse saved NCCL logs: transport per rank, GPUDirect RDMA, init, fabric errors
    ///
    /// Reads logs written with `NCCL_DEBUG=INFO` (Slurm output files, `kubectl logs` or stern
    /// output, with or without timestamps and pod prefixes) and reports per rank which network
    /// NCCL chose, whether GPUDirect RDMA is on and whether init completed, then verdicts with
    /// their evidence lines and a hint: socket fallback, GDR off, init incomplete, fabric errors,
    /// collective timeouts. A log that stops before `Init COMPLETE` is "init unknown", not a
    /// failure. Exit code 0 when no verdict is an error, 1 when one is, 2 when an input could
    /// not be read or has no NCCL line at all (nothing to judge).
    NcclCheck(NcclCheckArgs),

    /// RoCEv2 / InfiniBand fabric audit of this host, and pairwise RDMA tests between nodes
    ///
    /// The local audit reads sysfs (RDMA ports, GIDs, netdevs, ECN), `mlnx_qos` (trust, PFC,
    /// DSCP map) and the NCCL settings, and says pass, warn, fail or unknown for each check,
    /// with evidence and a hint. --watch adds counter deltas; --nodes (or --pairwise inside
    /// an allocation) runs `ib_write_bw` (and with --latency `ib_read_lat`) between nodes,
    /// in rounds of disjoint pairs. See docs/fabric-check.md.
    ///
    /// Exit codes: 0 no check failed (warnings and unknowns allowed); 1 a check failed;
    /// 2 fabric-check could not run (bad arguments or settings). With --health-check, a
    /// failure prints one line `ERROR: hybridctl fabric-check: <check> <subject>: <reason>`.
    FabricCheck(FabricCheckArgs),

    /// Slurm PrologSlurmctld/EpilogSlurmctld hooks: admit the allocated nodes to a job, and
    /// afterwards delete every Kubernetes object of the job and release the nodes
    Hook(HookArgs),

    /// Find and remove Kubernetes objects and node labels whose Slurm job is gone
    Gc(GcArgs),

    /// Print the least-privilege RBAC for the Slurm-side Kubernetes identity
    Rbac(RbacArgs),

    /// Check this setup: Slurm tools, kubeconfig, CRD, namespace, node resources, permissions
    Doctor(DoctorArgs),

    /// Run the job inside a Slurm allocation (called by the rendered batch script)
    ///
    /// Reads the frozen spec and the allocation from SLURM_JOB_ID, SLURM_JOB_NODELIST and
    /// SLURM_GPUS_ON_NODE, and plans the PyTorchJob pinned to exactly the allocated nodes.
    Launch(LaunchArgs),

    /// Expand or compress Slurm hostlists (`gpu[001-004,010]`)
    Hostlist(HostlistArgs),

    /// Print static shell completions (commands and flags)
    ///
    /// For completions that also know this machine (job ids and names from the job records,
    /// partitions from the site config, kubeconfig contexts, spec field paths for --set and
    /// explain), load the dynamic ones instead: `source <(COMPLETE=bash hybridctl)` in
    /// ~/.bashrc, `source <(COMPLETE=zsh hybridctl)` in ~/.zshrc, `COMPLETE=fish hybridctl |
    /// source` in fish's config (also elvish and powershell).
    Completions(CompletionsArgs),

    /// Write man pages (one per subcommand)
    Man(ManArgs),

    /// Print the JSON Schema of the job spec, the config file or an output document
    ///
    /// `spec` and `config` are for editors: yaml-language-server checks and completes a file
    /// that starts with `# yaml-language-server: $schema=PATH` (the schemas are also shipped
    /// in docs/schema/). The other names are the documents `-o json` prints; `--list` names
    /// them all.
    Schema(SchemaArgs),

    /// Print the version (`-o json`: version, target, TLS backend)
    Version(VersionArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The Slurm partition [default: the site config's first partition]
    #[arg(short = 'p', long, add = ArgValueCandidates::new(complete::partitions))]
    pub partition: Option<String>,

    /// Number of nodes
    #[arg(short = 'N', long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=9999))]
    pub nodes: u32,

    /// The job name [default: the name of FILE when it is a valid job name, else `my-training`]
    #[arg(long)]
    pub name: Option<String>,

    /// The container image [default: NVIDIA's PyTorch container]
    #[arg(long)]
    pub image: Option<String>,

    /// Write the spec into FILE instead of printing it
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace FILE if it exists
    #[arg(long, requires = "output")]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A field path such as `slurm.nodes` or `network` [default: the whole spec]
    #[arg(value_name = "FIELD", add = ArgValueCandidates::new(complete::field_paths))]
    pub field: Option<String>,

    /// List every field below FIELD, nested, not only the fields directly inside it
    #[arg(long)]
    pub recursive: bool,

    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub action: ConfigAction,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the effective settings after all layers; --show-origin adds the layer and the
    /// file:line:col of each value
    ///
    /// Layers, lowest first: built-in defaults, site config `defaults:`, the site config's
    /// entry for the job's partition, user config `defaults:`, the spec, command-line flags
    /// (`--set`, -p, -N, -n, --context). With SPEC, every field of the resolved spec; without,
    /// what the config files' `defaults:` (and the partition of -p) give every spec. Then
    /// hybridctl's own settings from the config files (user over site over built-in), as
    /// `git config --show-origin` lists them.
    View(ConfigViewArgs),
}

#[derive(Debug, Args)]
pub struct ConfigViewArgs {
    /// A job spec to resolve; `-` reads standard input
    #[arg(value_name = "SPEC")]
    pub spec: Option<String>,

    /// Show the layer and the file:line:col each value came from
    #[arg(long)]
    pub show_origin: bool,

    /// Output format (JSON always carries the origins)
    #[arg(short = 'o', long, value_enum, default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,

    #[command(flatten)]
    pub overrides: SpecOverrides,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// `spec`, `config`, or a document such as `job-status-list` (see --list)
    #[arg(value_name = "NAME", required_unless_present = "list")]
    pub name: Option<String>,

    /// List the schema names
    #[arg(long)]
    pub list: bool,
}

#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// The batch script, then the manifest as YAML
    Yaml,
    /// One JSON object with both artifacts
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Artifact {
    /// The batch script
    Sbatch,
    /// The PyTorchJob manifest (`kubernetes.api: pytorchjob` or `auto`)
    Pytorchjob,
    /// The TrainJob manifest (`kubernetes.api: trainjob`)
    Trainjob,
}

/// `NAME=VALUE` of `--env`: a name a shell and a container runtime accept
/// (`[A-Za-z_][A-Za-z0-9_]*`), then any value (empty included).
pub fn parse_env(s: &str) -> Result<(String, String), String> {
    let Some((name, value)) = s.split_once('=') else {
        return Err(format!(
            "`{s}` has no `=`: write NAME=VALUE, e.g. NCCL_DEBUG=INFO"
        ));
    };
    let valid = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !valid {
        return Err(format!(
            "`{name}` is not an environment variable name (letters, digits and `_`, not starting with a digit)"
        ));
    }
    Ok((name.to_string(), value.to_string()))
}

#[derive(Debug, Args)]
pub struct SpecOverrides {
    /// Override a spec field, e.g. `--set slurm.nodes=4` (repeatable; applied last)
    #[arg(long = "set", value_name = "KEY=VALUE", add = ArgValueCompleter::new(complete::set_assignment))]
    pub set: Vec<String>,

    /// Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline`
    /// (repeatable; `--set container.env.NAME=VALUE` with the value always a string;
    /// `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script
    /// and every pod share)
    #[arg(short = 'e', long = "env", value_name = "NAME=VALUE", value_parser = parse_env)]
    pub env: Vec<(String, String)>,

    /// Override `slurm.partition`
    #[arg(short = 'p', long, add = ArgValueCandidates::new(complete::partitions))]
    pub partition: Option<String>,

    /// Override `slurm.nodes`
    #[arg(short = 'N', long)]
    pub nodes: Option<u32>,

    /// Override `kubernetes.namespace`
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,

    /// Override `kubernetes.context`
    #[arg(long, add = ArgValueCandidates::new(complete::contexts))]
    pub context: Option<String>,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The job spec (YAML); `-` reads standard input
    #[arg(value_name = "SPEC")]
    pub spec: String,

    /// Slurm job id to simulate
    #[arg(long, value_name = "ID", default_value = "0")]
    pub job_id: String,

    /// Allocated nodes to simulate, as a Slurm hostlist [default: node[1-N]]
    #[arg(long, value_name = "HOSTLIST")]
    pub nodelist: Option<String>,

    /// Write `<name>.sbatch` and `<name>.pytorchjob.yaml` (or .json) into DIR instead of printing
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = RenderFormat::Yaml)]
    pub output: RenderFormat,

    /// Print only one artifact
    #[arg(long, value_enum)]
    pub only: Option<Artifact>,

    #[command(flatten)]
    pub overrides: SpecOverrides,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Job specs to check; `-` reads standard input. A file shaped like a site or user
    /// config (no apiVersion/kind; `defaults:`, `partitions:`, ...) is checked as one
    #[arg(value_name = "SPEC", required_unless_present = "config")]
    pub specs: Vec<String>,

    /// Check FILE as a site or user config file (repeatable)
    #[arg(long = "config", value_name = "FILE")]
    pub config: Vec<String>,

    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,

    /// Treat warnings as errors
    #[arg(long)]
    pub strict: bool,

    #[command(flatten)]
    pub overrides: SpecOverrides,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJsonOrWide {
    Text,
    Wide,
    Json,
}

#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// The job spec (YAML); `-` reads standard input
    #[arg(value_name = "SPEC")]
    pub spec: String,

    /// Print the script and the exact sbatch command instead of submitting
    #[arg(long)]
    pub dry_run: bool,

    /// Wait for the job: show its state while pending, stream its batch output, and exit
    /// with its result
    #[arg(short = 'f', long)]
    pub follow: bool,

    /// Output format of the result
    #[arg(short = 'o', long, value_enum, default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,

    /// Refuse to submit when the GPFS fileset has too little room for the checkpoints
    /// (otherwise a warning; the site config can make this the default)
    #[arg(long)]
    pub strict: bool,

    #[command(flatten)]
    pub overrides: SpecOverrides,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Job ids or names (from the job records)
    #[arg(value_name = "JOB", add = ArgValueCandidates::new(complete::jobs))]
    pub jobs: Vec<String>,

    /// Every job in the queue, not only those hybridctl submitted
    #[arg(short = 'A', long, conflicts_with_all = ["jobs", "user", "me"])]
    pub all: bool,

    /// The jobs of this user in the queue (`squeue --user`)
    #[arg(short = 'u', long, value_name = "USER", conflicts_with_all = ["jobs", "me"])]
    pub user: Option<String>,

    /// My jobs in the queue (`--user $USER`)
    #[arg(long, conflicts_with = "jobs")]
    pub me: bool,

    /// Only jobs in these states (repeatable or comma-separated; Slurm's names or short
    /// codes: `PENDING`/`PD`, `RUNNING`/`R`, `COMPLETED`/`CD`, `FAILED`/`F`, ...)
    #[arg(short = 't', long, value_name = "STATE", value_delimiter = ',')]
    pub state: Vec<String>,

    /// Keep showing the jobs as they change, until they have all ended or Ctrl-C: a redrawn
    /// table on a terminal, otherwise one line per change (`-o json`: one document per
    /// change). Pods are watched; Slurm is asked no more often than its scheduler runs.
    #[arg(short = 'w', long)]
    pub watch: bool,

    /// Output format: a table, a wider table, or JSON
    #[arg(short = 'o', long, value_enum, default_value_t = TextOrJsonOrWide::Text)]
    pub output: TextOrJsonOrWide,

    #[command(flatten)]
    pub kube: KubeArgs,
}

#[derive(Debug, Args)]
pub struct DescribeArgs {
    /// Job id or name (from the job records)
    #[arg(value_name = "JOB", add = ArgValueCandidates::new(complete::jobs))]
    pub job: String,

    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,

    #[command(flatten)]
    pub kube: KubeArgs,
}

#[derive(Debug, Args)]
pub struct CancelArgs {
    /// Job ids or names (from the job records)
    #[arg(value_name = "JOB", add = ArgValueCandidates::new(complete::jobs), required = true)]
    pub jobs: Vec<String>,

    /// Signal sent to the batch step before scancel
    #[arg(short = 's', long, default_value = "TERM")]
    pub signal: String,

    /// Seconds between the signal and scancel [default: the cluster's KillWait]
    #[arg(long, value_name = "SECONDS")]
    pub grace: Option<u64>,

    /// Print which jobs would be cancelled, cancel nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Output format of the final states
    #[arg(short = 'o', long, value_enum, default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,

    #[command(flatten)]
    pub kube: KubeArgs,
}

#[derive(Debug, Args)]
pub struct QuotaArgs {
    /// Filesets to show, as `DEVICE:FILESET` or `FILESET` (with --device)
    #[arg(short = 'j', long = "fileset", value_name = "FILESET")]
    pub filesets: Vec<String>,

    /// Only the user's quota (default: the user and the user's groups)
    #[arg(short = 'u', long, conflicts_with = "group")]
    pub user: bool,

    /// Only the groups' quotas
    #[arg(short = 'g', long)]
    pub group: bool,

    /// File systems to query (default: all, or the device of each fileset)
    #[arg(short = 'd', long = "device", value_name = "FS")]
    pub devices: Vec<String>,

    /// Show the fileset a job spec writes its checkpoints into
    #[arg(long, value_name = "SPEC")]
    pub spec: Option<String>,

    /// Flag usage at or above this percentage of a soft or hard limit [default: 90, or the
    /// site's `gpfs.threshold`]
    #[arg(long, value_name = "PCT")]
    pub threshold: Option<f64>,

    /// Exit with code 1 when any usage is at or above the threshold
    #[arg(long)]
    pub check: bool,

    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PairsMode {
    /// Every pair once: N-1 rounds for even N, N for odd N
    All,
    /// Each node with the next one: N tests in 2 rounds (3 for odd N)
    Ring,
}

#[derive(Debug, Args)]
pub struct FabricCheckArgs {
    /// Read sysfs and /etc/nccl.conf under this directory (a copy or fixture of a host)
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub sysfs_root: PathBuf,

    /// Check the NCCL settings of this job spec (hcas, gidIndex, trafficClass, socketInterface)
    #[arg(long, value_name = "SPEC")]
    pub spec: Option<String>,

    /// Print the GPU x NIC topology of this host (sysfs, and `nvidia-smi topo -m` where
    /// installed): PIX/PXB/PHB/NODE/SYS, GPUs whose nearest NIC is far, an NCCL_IB_HCA list
    #[arg(long)]
    pub topology: bool,

    /// Also read this saved `show_gids` output (GID types and netdevs sysfs does not show,
    /// e.g. inside a pod)
    #[arg(long, value_name = "FILE")]
    pub show_gids: Option<PathBuf>,

    /// Watch the congestion and error counters for this long (e.g. `10s`, `2m`, `500ms`)
    #[arg(long, value_name = "DURATION")]
    pub watch: Option<String>,

    /// Run pairwise RDMA tests between these nodes (a Slurm hostlist, e.g. `gpu[01-16]`)
    #[arg(long, value_name = "HOSTLIST")]
    pub nodes: Option<String>,

    /// Run pairwise RDMA tests between the nodes of this allocation ($SLURM_JOB_NODELIST)
    #[arg(long, conflicts_with = "nodes")]
    pub pairwise: bool,

    /// How to pair nodes
    #[arg(long, value_enum, default_value_t = PairsMode::All)]
    pub pairs: PairsMode,

    /// Also run the latency test (`ib_read_lat`) for each pair
    #[arg(long)]
    pub latency: bool,

    /// RDMA device for the pairwise tests [default: the first device NCCL_IB_HCA names, else
    /// the first active port of this host]
    #[arg(long, value_name = "DEV", conflicts_with = "rails")]
    pub device: Option<String>,

    /// Test every active RDMA port (rail) of this host's kind between each pair, one after
    /// the other, instead of one port: finds the one bad rail of an 8-NIC node
    #[arg(long)]
    pub rails: bool,

    /// GID index for the pairwise tests on RoCE [default: NCCL_IB_GID_INDEX, else the RoCE
    /// v2 IPv4 GID of the device]
    #[arg(long, value_name = "INDEX")]
    pub gid_index: Option<u32>,

    /// Link rate to compare bandwidth with, Gb/s [default: `fabric.expectedRateGbps`, else
    /// the device's rate]
    #[arg(long, value_name = "GBPS")]
    pub expected_rate: Option<f64>,

    /// Seconds one perftest may take [default: `fabric.testTimeout`, else 60]
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u32>,

    /// Skip the local audit (pairwise tests and counters only)
    #[arg(long)]
    pub no_local: bool,

    /// Print nothing on success, one `ERROR: ...` line on failure (for Slurm's
    /// HealthCheckProgram or NHC)
    #[arg(long, conflicts_with = "output")]
    pub health_check: bool,

    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,
}

/// Kubernetes connection flags, as kubectl has them.
#[derive(Debug, Args, Clone, Default)]
pub struct KubeArgs {
    /// Path of the kubeconfig [default: $KUBECONFIG, the site config's `kubeconfig`, ~/.kube/config]
    #[arg(long, value_name = "PATH")]
    pub kubeconfig: Option<std::path::PathBuf>,

    /// The kubeconfig context to use
    #[arg(long, add = ArgValueCandidates::new(complete::contexts))]
    pub context: Option<String>,

    /// The training namespace [default: the site config's `defaults.kubernetes.namespace`, else `default`]
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,
}

#[derive(Debug, Args)]
pub struct HookArgs {
    #[command(subcommand)]
    pub phase: HookPhase,

    /// Give up after this many seconds (the hook must not hold up Slurm)
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,

    #[command(flatten)]
    pub kube: KubeArgs,
}

#[derive(Debug, Subcommand)]
pub enum HookPhase {
    /// For PrologSlurmctld: label the allocated nodes with the job id
    Prolog,
    /// For EpilogSlurmctld: delete the job's objects, remove the labels
    Epilog,
}

#[derive(Debug, Args)]
pub struct GcArgs {
    /// Print what would be removed, remove nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,

    #[command(flatten)]
    pub kube: KubeArgs,
}

#[derive(Debug, Args)]
pub struct RbacArgs {
    /// The training namespace the Role is for
    #[arg(short = 'n', long, default_value = "training")]
    pub namespace: String,

    /// Bind the roles to this ServiceAccount (in the training namespace)
    #[arg(long, value_name = "NAME", conflicts_with_all = ["user", "group"])]
    pub service_account: Option<String>,

    /// Bind the roles to this user (e.g. a client certificate's CN)
    #[arg(long, conflicts_with = "group")]
    pub user: Option<String>,

    /// Bind the roles to this group
    #[arg(long)]
    pub group: Option<String>,

    /// The Kubeflow API the site runs: the training-operator's PyTorchJob, Trainer v2's
    /// TrainJob (with its JobSets and runtimes), or `auto` (the rights of both)
    #[arg(long, value_parser = ["pytorchjob", "trainjob", "auto"], default_value = "auto")]
    pub api: String,

    /// Output format: YAML for `kubectl apply -f -`, or a JSON `List` (also for kubectl)
    #[arg(short = 'o', long, value_enum, default_value_t = YamlOrJson::Yaml)]
    pub output: YamlOrJson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum YamlOrJson {
    Yaml,
    Json,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,

    #[command(flatten)]
    pub kube: KubeArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FabricArg {
    /// RoCE (RDMA over Ethernet): a socket fallback is an error
    Roce,
    /// InfiniBand: a socket fallback is an error
    Ib,
    /// TCP sockets are intended
    Socket,
}

#[derive(Debug, Args)]
pub struct NcclCheckArgs {
    /// Log files to analyse; `-` reads standard input
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,

    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,

    /// The fabric the job should use [default: unknown; a socket fallback between hosts is
    /// still an error unless `socket` says sockets are intended]
    #[arg(long, value_enum, conflicts_with = "spec")]
    pub fabric: Option<FabricArg>,

    /// Take the fabric and the node count from this job spec
    #[arg(long, value_name = "SPEC")]
    pub spec: Option<String>,

    /// Report ranks that have not reached `Init COMPLETE` this long after their first NCCL
    /// line (e.g. `90s`, `5m`; needs timestamps in the log) [default: only ranks that never
    /// reach it]
    #[arg(long, value_name = "DURATION")]
    pub init_timeout: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Job id or name (from the job records)
    #[arg(value_name = "JOB", add = ArgValueCandidates::new(complete::jobs))]
    pub job: String,

    /// Follow the logs until the job finishes
    #[arg(short = 'f', long)]
    pub follow: bool,

    /// Only lines newer than this (e.g. `30s`, `10m`, `1h30m`)
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,

    /// Only the last N lines of each pod
    #[arg(long, value_name = "N")]
    pub tail: Option<u32>,

    /// Only these replicas: `master`, `worker`, an index (`3`), or one pod (`worker-3`)
    #[arg(long, value_name = "REPLICA", conflicts_with = "rank")]
    pub replica: Option<String>,

    /// Only the pod that runs global rank R (with N processes per pod, rank R runs in node
    /// rank R / N: node rank 0 is `master-0`, node rank k is `worker-(k-1)`)
    #[arg(long, value_name = "R")]
    pub rank: Option<u32>,

    /// Only the pods on these nodes (a Slurm hostlist, e.g. `gpu[01-04]`)
    #[arg(long, value_name = "NODES")]
    pub node: Option<String>,

    /// Only lines matching this regular expression (repeatable: any of them)
    #[arg(long, value_name = "REGEX")]
    pub include: Vec<String>,

    /// Leave out lines matching this regular expression (repeatable: any of them)
    #[arg(long, value_name = "REGEX")]
    pub exclude: Vec<String>,

    /// The log of the previous container of each pod (one that restarted), as
    /// `kubectl logs --previous`
    #[arg(short = 'p', long, conflicts_with = "follow")]
    pub previous: bool,

    /// Show each line's timestamp (RFC 3339, as the kubelet recorded it)
    #[arg(long)]
    pub timestamps: bool,

    /// Leave out the `[worker-3]` prefix
    #[arg(long)]
    pub no_prefix: bool,

    /// Output format: text, or one JSON object per line
    #[arg(short = 'o', long, value_enum, default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,

    /// Analyse the NCCL lines instead of printing them: a per-rank summary (live on a
    /// terminal) and the verdicts; exit code 1 when a verdict is bad
    #[arg(long)]
    pub nccl: bool,

    /// Follow at most this many pods at once
    #[arg(long, value_name = "N", default_value_t = crate::kube::logs::DEFAULT_MAX_STREAMS)]
    pub max_streams: usize,

    #[command(flatten)]
    pub kube: KubeArgs,
}

#[derive(Debug, Args)]
pub struct LaunchArgs {
    /// The frozen spec (JSON) written into the batch script; `-` reads standard input
    #[arg(long, value_name = "PATH", default_value = "-")]
    pub frozen_spec: String,

    /// The spec file the script was rendered from (recorded in the PyTorchJob's annotations)
    #[arg(long, value_name = "PATH", default_value = "frozen spec")]
    pub spec_path: String,

    /// Plan and print the PyTorchJob for this allocation without creating anything
    #[arg(long)]
    pub dry_run: bool,

    /// Path of the kubeconfig [default: $KUBECONFIG, the site config's `kubeconfig`, ~/.kube/config]
    #[arg(long, value_name = "PATH")]
    pub kubeconfig: Option<std::path::PathBuf>,

    /// The kubeconfig context [default: the spec's `kubernetes.context`, else the current one]
    #[arg(long, add = ArgValueCandidates::new(complete::contexts))]
    pub context: Option<String>,

    /// Output format of --dry-run
    #[arg(short = 'o', long, value_enum, default_value_t = RenderFormat::Yaml)]
    pub output: RenderFormat,
}

#[derive(Debug, Args)]
pub struct HostlistArgs {
    #[command(subcommand)]
    pub action: HostlistAction,
}

#[derive(Debug, Subcommand)]
pub enum HostlistAction {
    /// Print one host per line, like `scontrol show hostnames`
    Expand {
        /// Hostlist such as `gpu[001-004,010],cpu1`; `-` reads hostlists from standard input
        /// (one per line)
        #[arg(value_name = "HOSTLIST")]
        list: String,

        /// Output format: one host per line, or a JSON document
        #[arg(short = 'o', long, value_enum, default_value_t = TextOrJson::Text)]
        output: TextOrJson,
    },
    /// Print the compressed hostlist of the given hosts, like `scontrol show hostlist`
    Compress {
        /// Host names (or comma-separated lists); `-` reads them from standard input
        #[arg(value_name = "HOST", required = true)]
        hosts: Vec<String>,

        /// Output format: the hostlist, or a JSON document
        #[arg(short = 'o', long, value_enum, default_value_t = TextOrJson::Text)]
        output: TextOrJson,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: Shell,

    /// Write the file into DIR (named as the shell expects) instead of printing it
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Directory to write `hybridctl.1` and `hybridctl-<command>.1` into
    #[arg(long, value_name = "DIR", default_value = "man")]
    pub dir: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
