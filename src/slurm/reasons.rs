//! Why a Slurm job is waiting, in plain words: the pending-reason taxonomy.
//!
//! This module owns the meaning of the reason text Slurm shows for a job, so that hybridctl
//! can tell a user why a job waits without guessing. [`PendingReason::parse`] reads every form
//! Slurm prints: `squeue -o %r` (`Resources`), `squeue -o %R` (`(Resources)`), and
//! `scontrol show job` (`Reason=ReqNodeNotAvail,_UnavailableNodes:node2`, a `_` for each space).
//! It sorts the reason into a [`ReasonGroup`] and gives a one-sentence explanation.
//!
//! [`REASONS`] holds every code Slurm 22.05's `job_reason_string()` returns, read from
//! `libslurmfull.so` of Debian's slurm-wlm 22.05.8 and checked against Slurm's
//! `src/common/job_state_reason.c` (a later version, with a few codes 22.05 lacks). It also
//! reads the descriptions slurmctld 22.05 prints in place of a code
//! (`job requeued in held state`, `ReqNodeNotAvail, Reserved for maintenance`, ...; read from
//! the `slurmctld` binary). Codes that say how a job *ended* (`NonZeroExitCode`, `TimeLimit`,
//! ...) are in the table too, in [`ReasonGroup::Other`], because `squeue -t all` and `scontrol`
//! show them for finished jobs.
//!
//! The explanations say what a reason means and nothing more. They never suggest a remedy,
//! because the remedy depends on the site: a QOS limit may be meant to be waited out, raised by
//! an administrator, or avoided with another QOS. A reason the table does not know goes to
//! [`ReasonGroup::Other`] with its raw text. Pure: no I/O, `std` only.

use std::fmt;

/// The kind of obstacle a pending reason names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonGroup {
    /// A QOS, association, account or partition limit or policy (`QOSMaxGRESPerUser`,
    /// `AssocGrpCPUMinutesLimit`, `PartitionTimeLimit`, `InvalidAccount`, ...).
    QuotaOrLimits,
    /// The job is in line for busy resources (`Resources`, `Priority`, `Licenses`, ...).
    ResourcesOrPriority,
    /// Someone holds the job (`JobHeldUser`, `JobHeldAdmin`, `job requeued in held state`, ...).
    Held,
    /// The job waits for other jobs (`Dependency`, `DependencyNeverSatisfied`).
    Dependency,
    /// Nodes, partitions or reservations are unavailable (`ReqNodeNotAvail, ...`,
    /// `PartitionDown`, `Reservation`, `NodeDown`, ...).
    ReservationOrMaintenance,
    /// Anything else, including the reasons a finished job shows and unknown reasons.
    Other,
}

impl ReasonGroup {
    /// Every group, in declaration order.
    pub const ALL: [ReasonGroup; 6] = [
        ReasonGroup::QuotaOrLimits,
        ReasonGroup::ResourcesOrPriority,
        ReasonGroup::Held,
        ReasonGroup::Dependency,
        ReasonGroup::ReservationOrMaintenance,
        ReasonGroup::Other,
    ];

    /// The group in plain words, for example `quota or limits`.
    pub fn label(self) -> &'static str {
        match self {
            ReasonGroup::QuotaOrLimits => "quota or limits",
            ReasonGroup::ResourcesOrPriority => "resources or priority",
            ReasonGroup::Held => "held",
            ReasonGroup::Dependency => "dependency",
            ReasonGroup::ReservationOrMaintenance => "reservation or maintenance",
            ReasonGroup::Other => "other",
        }
    }
}

impl fmt::Display for ReasonGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One reason code Slurm 22.05 defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonInfo {
    /// The code exactly as Slurm prints it, for example `QOSMaxGRESPerUser`.
    pub code: &'static str,
    /// Its group.
    pub group: ReasonGroup,
    /// One plain sentence (lower case, no final period) saying what it means.
    pub explanation: &'static str,
}

/// A shorthand for the table below.
const fn r(code: &'static str, group: ReasonGroup, explanation: &'static str) -> ReasonInfo {
    ReasonInfo {
        code,
        group,
        explanation,
    }
}

use ReasonGroup::{
    Dependency, Held, Other, QuotaOrLimits, ReservationOrMaintenance, ResourcesOrPriority,
};

/// Every reason code of Slurm 22.05's `job_reason_string()`, in Slurm's order.
///
/// Slurm 22.05 prints `AssocMaxBBMinutesPerJob` for the QOS limit on burst-buffer minutes
/// too (a copy-paste slip in Slurm), so that code stands for both.
pub const REASONS: &[ReasonInfo] = &[
    r(
        "None",
        Other,
        "no reason recorded: the scheduler has not looked at the job yet, or the job is not waiting",
    ),
    r("Prolog", Other, "the job's prolog is running on its nodes"),
    r(
        "Priority",
        ResourcesOrPriority,
        "waiting in line: jobs with a higher priority are ahead of it",
    ),
    r(
        "Dependency",
        Dependency,
        "waiting for the jobs it depends on (--dependency) to reach the state it asked for",
    ),
    r(
        "Resources",
        ResourcesOrPriority,
        "waiting for resources: the nodes it needs are busy",
    ),
    r(
        "PartitionNodeLimit",
        QuotaOrLimits,
        "the number of nodes it asks for is outside its partition's node limits",
    ),
    r(
        "PartitionTimeLimit",
        QuotaOrLimits,
        "its time limit is longer than its partition's maximum time",
    ),
    r(
        "PartitionDown",
        ReservationOrMaintenance,
        "its partition is down",
    ),
    r(
        "PartitionInactive",
        ReservationOrMaintenance,
        "its partition is inactive",
    ),
    r(
        "JobHeldAdmin",
        Held,
        "held by an administrator; a held job does not start until it is released",
    ),
    r(
        "JobHeldUser",
        Held,
        "held by its owner; a held job does not start until it is released",
    ),
    r(
        "BeginTime",
        Other,
        "waiting for its earliest start time (set by --begin, or by Slurm after a requeue)",
    ),
    r(
        "Licenses",
        ResourcesOrPriority,
        "waiting for the licenses it asked for to become free",
    ),
    r(
        "AssociationJobLimit",
        QuotaOrLimits,
        "its association (user and account) has reached a job limit",
    ),
    r(
        "AssociationResourceLimit",
        QuotaOrLimits,
        "its association (user and account) has reached a resource limit",
    ),
    r(
        "AssociationTimeLimit",
        QuotaOrLimits,
        "its association (user and account) has reached a time limit",
    ),
    r(
        "Reservation",
        ReservationOrMaintenance,
        "waiting for its advanced reservation to become usable",
    ),
    r(
        "ReqNodeNotAvail",
        ReservationOrMaintenance,
        "nodes it needs are not available: down, drained, or reserved",
    ),
    r(
        "FrontEndDown",
        ReservationOrMaintenance,
        "the front end node is down",
    ),
    r(
        "SchedDefer",
        Other,
        "the scheduler defers new jobs (SchedulerParameters=defer), so it was not scheduled at submit time",
    ),
    r(
        "NodeDown",
        ReservationOrMaintenance,
        "a node the job uses is down",
    ),
    r(
        "BadConstraints",
        Other,
        "no node can satisfy the job's constraints",
    ),
    r(
        "SystemFailure",
        Other,
        "a Slurm system failure (file system, network, or similar) hit the job",
    ),
    r("JobLaunchFailure", Other, "Slurm could not launch the job"),
    r(
        "NonZeroExitCode",
        Other,
        "the job exited with a non-zero exit code",
    ),
    r("RaisedSignal", Other, "the job was ended by a signal"),
    r("TimeLimit", Other, "the job reached its time limit"),
    r(
        "InactiveLimit",
        Other,
        "the job reached the system's inactivity limit",
    ),
    r("InvalidAccount", QuotaOrLimits, "its account is invalid"),
    r("InvalidQOS", QuotaOrLimits, "its QOS is invalid"),
    r(
        "QOSUsageThreshold",
        QuotaOrLimits,
        "its account has passed the usage threshold of its QOS",
    ),
    r(
        "QOSJobLimit",
        QuotaOrLimits,
        "its QOS has reached a job limit",
    ),
    r(
        "QOSResourceLimit",
        QuotaOrLimits,
        "its QOS has reached a resource limit",
    ),
    r(
        "QOSTimeLimit",
        QuotaOrLimits,
        "its QOS has reached a time limit",
    ),
    r(
        "BlockMaxError",
        Other,
        "a BlueGene block error limit was reached (obsolete reason)",
    ),
    r(
        "BlockFreeAction",
        Other,
        "a BlueGene block is being freed (obsolete reason)",
    ),
    r(
        "Cleaning",
        Other,
        "the job was requeued and Slurm is still cleaning up after its previous run",
    ),
    r(
        "QOSNotAllowed",
        QuotaOrLimits,
        "its QOS is not allowed in its partition",
    ),
    r(
        "AccountNotAllowed",
        QuotaOrLimits,
        "its account is not allowed in its partition",
    ),
    r(
        "DependencyNeverSatisfied",
        Dependency,
        "a job it depends on ended in a way that can never satisfy the dependency",
    ),
    r(
        "QOSGrpCpuLimit",
        QuotaOrLimits,
        "starting it would exceed the limit on CPUs that all running jobs of its QOS may use together (GrpTRES)",
    ),
    r(
        "QOSGrpCPUMinutesLimit",
        QuotaOrLimits,
        "the limit on CPU-minutes that all jobs of its QOS may use over time is reached (GrpTRESMins)",
    ),
    r(
        "QOSGrpCPURunMinutesLimit",
        QuotaOrLimits,
        "starting it would exceed the limit on CPU-minutes that the running jobs of its QOS may hold together (GrpTRESRunMins)",
    ),
    r(
        "QOSGrpJobsLimit",
        QuotaOrLimits,
        "the limit on running jobs of its QOS is reached (GrpJobs)",
    ),
    r(
        "QOSGrpMemLimit",
        QuotaOrLimits,
        "starting it would exceed the limit on memory that all running jobs of its QOS may use together (GrpTRES)",
    ),
    r(
        "QOSGrpNodeLimit",
        QuotaOrLimits,
        "starting it would exceed the limit on nodes that all running jobs of its QOS may use together (GrpTRES)",
    ),
    r(
        "QOSGrpSubmitJobsLimit",
        QuotaOrLimits,
        "the limit on submitted jobs of its QOS is reached (GrpSubmitJobs)",
    ),
    r(
        "QOSGrpWallLimit",
        QuotaOrLimits,
        "the limit on wall-clock time that all jobs of its QOS may use is reached (GrpWall)",
    ),
    r(
        "QOSMaxCpuPerJobLimit",
        QuotaOrLimits,
        "it asks for more CPUs than its QOS allows per job (MaxTRESPerJob)",
    ),
    r(
        "QOSMaxCpuMinutesPerJobLimit",
        QuotaOrLimits,
        "its CPU-minutes (CPU count times time limit) exceed the per-job limit of its QOS (MaxTRESMinsPerJob)",
    ),
    r(
        "QOSMaxNodePerJobLimit",
        QuotaOrLimits,
        "it asks for more nodes than its QOS allows per job (MaxTRESPerJob)",
    ),
    r(
        "QOSMaxWallDurationPerJobLimit",
        QuotaOrLimits,
        "its time limit is longer than its QOS allows per job (MaxWall)",
    ),
    r(
        "QOSMaxCpuPerUserLimit",
        QuotaOrLimits,
        "starting it would exceed the per-user limit of its QOS on CPUs in use at once (MaxTRESPerUser)",
    ),
    r(
        "QOSMaxJobsPerUserLimit",
        QuotaOrLimits,
        "the per-user limit of its QOS on running jobs is reached (MaxJobsPerUser)",
    ),
    r(
        "QOSMaxNodePerUserLimit",
        QuotaOrLimits,
        "starting it would exceed the per-user limit of its QOS on nodes in use at once (MaxTRESPerUser)",
    ),
    r(
        "QOSMaxSubmitJobPerUserLimit",
        QuotaOrLimits,
        "the per-user limit of its QOS on submitted jobs is reached (MaxSubmitJobsPerUser)",
    ),
    r(
        "QOSMinCpuNotSatisfied",
        QuotaOrLimits,
        "it asks for fewer CPUs than its QOS requires per job (MinTRESPerJob)",
    ),
    r(
        "AssocGrpCpuLimit",
        QuotaOrLimits,
        "starting it would exceed the limit on CPUs that all running jobs of its association (user and account) may use together (GrpTRES)",
    ),
    r(
        "AssocGrpCPUMinutesLimit",
        QuotaOrLimits,
        "the limit on CPU-minutes that all jobs of its association (user and account) may use over time is reached (GrpTRESMins)",
    ),
    r(
        "AssocGrpCPURunMinutesLimit",
        QuotaOrLimits,
        "starting it would exceed the limit on CPU-minutes that the running jobs of its association (user and account) may hold together (GrpTRESRunMins)",
    ),
    r(
        "AssocGrpJobsLimit",
        QuotaOrLimits,
        "the limit on running jobs of its association (user and account) is reached (GrpJobs)",
    ),
    r(
        "AssocGrpMemLimit",
        QuotaOrLimits,
        "starting it would exceed the limit on memory that all running jobs of its association (user and account) may use together (GrpTRES)",
    ),
    r(
        "AssocGrpNodeLimit",
        QuotaOrLimits,
        "starting it would exceed the limit on nodes that all running jobs of its association (user and account) may use together (GrpTRES)",
    ),
    r(
        "AssocGrpSubmitJobsLimit",
        QuotaOrLimits,
        "the limit on submitted jobs of its association (user and account) is reached (GrpSubmitJobs)",
    ),
    r(
        "AssocGrpWallLimit",
        QuotaOrLimits,
        "the limit on wall-clock time that all jobs of its association (user and account) may use is reached (GrpWall)",
    ),
    r(
        "AssocMaxJobsLimit",
        QuotaOrLimits,
        "the limit of its association (user and account) on running jobs is reached (MaxJobs)",
    ),
    r(
        "AssocMaxCpuPerJobLimit",
        QuotaOrLimits,
        "it asks for more CPUs than its association (user and account) allows per job (MaxTRESPerJob)",
    ),
    r(
        "AssocMaxCpuMinutesPerJobLimit",
        QuotaOrLimits,
        "its CPU-minutes (CPU count times time limit) exceed the per-job limit of its association (user and account) (MaxTRESMinsPerJob)",
    ),
    r(
        "AssocMaxNodePerJobLimit",
        QuotaOrLimits,
        "it asks for more nodes than its association (user and account) allows per job (MaxTRESPerJob)",
    ),
    r(
        "AssocMaxWallDurationPerJobLimit",
        QuotaOrLimits,
        "its time limit is longer than its association (user and account) allows per job (MaxWall)",
    ),
    r(
        "AssocMaxSubmitJobLimit",
        QuotaOrLimits,
        "the limit of its association (user and account) on submitted jobs is reached (MaxSubmitJobs)",
    ),
    r(
        "JobHoldMaxRequeue",
        Held,
        "held because it was requeued more often than the maximum allowed (MaxBatchRequeue)",
    ),
    r(
        "JobArrayTaskLimit",
        QuotaOrLimits,
        "its job array already runs as many tasks at once as its limit allows",
    ),
    r(
        "BurstBufferResources",
        ResourcesOrPriority,
        "waiting for burst buffer resources",
    ),
    r(
        "BurstBufferStageIn",
        Other,
        "waiting for its burst buffer data to be staged in",
    ),
    r(
        "BurstBufferOperation",
        Other,
        "a burst buffer operation for the job failed",
    ),
    r(
        "PowerNotAvail",
        ResourcesOrPriority,
        "waiting for enough power to become available (power management)",
    ),
    r(
        "PowerReserved",
        ResourcesOrPriority,
        "the power it needs is reserved (power management)",
    ),
    r(
        "AssocGrpUnknown",
        QuotaOrLimits,
        "starting it would exceed the limit on other trackable resources (TRES) that all running jobs of its association (user and account) may use together (GrpTRES)",
    ),
    r(
        "AssocGrpUnknownMinutes",
        QuotaOrLimits,
        "the limit on TRES-minutes that all jobs of its association (user and account) may use over time is reached (GrpTRESMins)",
    ),
    r(
        "AssocGrpUnknownRunMinutes",
        QuotaOrLimits,
        "starting it would exceed the limit on TRES-minutes that the running jobs of its association (user and account) may hold together (GrpTRESRunMins)",
    ),
    r(
        "AssocMaxUnknownPerJob",
        QuotaOrLimits,
        "it asks for more other trackable resources (TRES) than its association (user and account) allows per job (MaxTRESPerJob)",
    ),
    r(
        "AssocMaxUnknownPerNode",
        QuotaOrLimits,
        "it asks for more other trackable resources (TRES) per node than its association (user and account) allows (MaxTRESPerNode)",
    ),
    r(
        "AssocMaxUnknownMinutesPerJob",
        QuotaOrLimits,
        "its TRES-minutes (TRES count times time limit) exceed the per-job limit of its association (user and account) (MaxTRESMinsPerJob)",
    ),
    r(
        "AssocMaxCpuPerNode",
        QuotaOrLimits,
        "it asks for more CPUs per node than its association (user and account) allows (MaxTRESPerNode)",
    ),
    r(
        "AssocGrpMemMinutes",
        QuotaOrLimits,
        "the limit on memory-minutes that all jobs of its association (user and account) may use over time is reached (GrpTRESMins)",
    ),
    r(
        "AssocGrpMemRunMinutes",
        QuotaOrLimits,
        "starting it would exceed the limit on memory-minutes that the running jobs of its association (user and account) may hold together (GrpTRESRunMins)",
    ),
    r(
        "AssocMaxMemPerJob",
        QuotaOrLimits,
        "it asks for more memory than its association (user and account) allows per job (MaxTRESPerJob)",
    ),
    r(
        "AssocMaxMemPerNode",
        QuotaOrLimits,
        "it asks for more memory per node than its association (user and account) allows (MaxTRESPerNode)",
    ),
    r(
        "AssocMaxMemMinutesPerJob",
        QuotaOrLimits,
        "its memory-minutes (memory count times time limit) exceed the per-job limit of its association (user and account) (MaxTRESMinsPerJob)",
    ),
    r(
        "AssocGrpNodeMinutes",
        QuotaOrLimits,
        "the limit on node-minutes that all jobs of its association (user and account) may use over time is reached (GrpTRESMins)",
    ),
    r(
        "AssocGrpNodeRunMinutes",
        QuotaOrLimits,
        "starting it would exceed the limit on node-minutes that the running jobs of its association (user and account) may hold together (GrpTRESRunMins)",
    ),
    r(
        "AssocMaxNodeMinutesPerJob",
        QuotaOrLimits,
        "its node-minutes (node count times time limit) exceed the per-job limit of its association (user and account) (MaxTRESMinsPerJob)",
    ),
    r(
        "AssocGrpEnergy",
        QuotaOrLimits,
        "starting it would exceed the limit on energy that all running jobs of its association (user and account) may use together (GrpTRES)",
    ),
    r(
        "AssocGrpEnergyMinutes",
        QuotaOrLimits,
        "the limit on energy-minutes that all jobs of its association (user and account) may use over time is reached (GrpTRESMins)",
    ),
    r(
        "AssocGrpEnergyRunMinutes",
        QuotaOrLimits,
        "starting it would exceed the limit on energy-minutes that the running jobs of its association (user and account) may hold together (GrpTRESRunMins)",
    ),
    r(
        "AssocMaxEnergyPerJob",
        QuotaOrLimits,
        "it asks for more energy than its association (user and account) allows per job (MaxTRESPerJob)",
    ),
    r(
        "AssocMaxEnergyPerNode",
        QuotaOrLimits,
        "it asks for more energy per node than its association (user and account) allows (MaxTRESPerNode)",
    ),
    r(
        "AssocMaxEnergyMinutesPerJob",
        QuotaOrLimits,
        "its energy-minutes (energy count times time limit) exceed the per-job limit of its association (user and account) (MaxTRESMinsPerJob)",
    ),
    r(
        "AssocGrpGRES",
        QuotaOrLimits,
        "starting it would exceed the limit on GRES (generic resources such as GPUs) that all running jobs of its association (user and account) may use together (GrpTRES)",
    ),
    r(
        "AssocGrpGRESMinutes",
        QuotaOrLimits,
        "the limit on GRES-minutes that all jobs of its association (user and account) may use over time is reached (GrpTRESMins)",
    ),
    r(
        "AssocGrpGRESRunMinutes",
        QuotaOrLimits,
        "starting it would exceed the limit on GRES-minutes that the running jobs of its association (user and account) may hold together (GrpTRESRunMins)",
    ),
    r(
        "AssocMaxGRESPerJob",
        QuotaOrLimits,
        "it asks for more GRES (generic resources such as GPUs) than its association (user and account) allows per job (MaxTRESPerJob)",
    ),
    r(
        "AssocMaxGRESPerNode",
        QuotaOrLimits,
        "it asks for more GRES (generic resources such as GPUs) per node than its association (user and account) allows (MaxTRESPerNode)",
    ),
    r(
        "AssocMaxGRESMinutesPerJob",
        QuotaOrLimits,
        "its GRES-minutes (GRES count times time limit) exceed the per-job limit of its association (user and account) (MaxTRESMinsPerJob)",
    ),
    r(
        "AssocGrpLicense",
        QuotaOrLimits,
        "starting it would exceed the limit on licenses that all running jobs of its association (user and account) may use together (GrpTRES)",
    ),
    r(
        "AssocGrpLicenseMinutes",
        QuotaOrLimits,
        "the limit on license-minutes that all jobs of its association (user and account) may use over time is reached (GrpTRESMins)",
    ),
    r(
        "AssocGrpLicenseRunMinutes",
        QuotaOrLimits,
        "starting it would exceed the limit on license-minutes that the running jobs of its association (user and account) may hold together (GrpTRESRunMins)",
    ),
    r(
        "AssocMaxLicensePerJob",
        QuotaOrLimits,
        "it asks for more licenses than its association (user and account) allows per job (MaxTRESPerJob)",
    ),
    r(
        "AssocMaxLicenseMinutesPerJob",
        QuotaOrLimits,
        "its license-minutes (license count times time limit) exceed the per-job limit of its association (user and account) (MaxTRESMinsPerJob)",
    ),
    r(
        "AssocGrpBB",
        QuotaOrLimits,
        "starting it would exceed the limit on burst buffer that all running jobs of its association (user and account) may use together (GrpTRES)",
    ),
    r(
        "AssocGrpBBMinutes",
        QuotaOrLimits,
        "the limit on burst buffer-minutes that all jobs of its association (user and account) may use over time is reached (GrpTRESMins)",
    ),
    r(
        "AssocGrpBBRunMinutes",
        QuotaOrLimits,
        "starting it would exceed the limit on burst buffer-minutes that the running jobs of its association (user and account) may hold together (GrpTRESRunMins)",
    ),
    r(
        "AssocMaxBBPerJob",
        QuotaOrLimits,
        "it asks for more burst buffer than its association (user and account) allows per job (MaxTRESPerJob)",
    ),
    r(
        "AssocMaxBBPerNode",
        QuotaOrLimits,
        "it asks for more burst buffer per node than its association (user and account) allows (MaxTRESPerNode)",
    ),
    r(
        "AssocMaxBBMinutesPerJob",
        QuotaOrLimits,
        "its burst buffer-minutes (burst buffer count times time limit) exceed the per-job limit of its association (user and account) (MaxTRESMinsPerJob)",
    ),
    r(
        "QOSGrpUnknown",
        QuotaOrLimits,
        "starting it would exceed the limit on other trackable resources (TRES) that all running jobs of its QOS may use together (GrpTRES)",
    ),
    r(
        "QOSGrpUnknownMinutes",
        QuotaOrLimits,
        "the limit on TRES-minutes that all jobs of its QOS may use over time is reached (GrpTRESMins)",
    ),
    r(
        "QOSGrpUnknownRunMinutes",
        QuotaOrLimits,
        "starting it would exceed the limit on TRES-minutes that the running jobs of its QOS may hold together (GrpTRESRunMins)",
    ),
    r(
        "QOSMaxUnknownPerJob",
        QuotaOrLimits,
        "it asks for more other trackable resources (TRES) than its QOS allows per job (MaxTRESPerJob)",
    ),
    r(
        "QOSMaxUnknownPerNode",
        QuotaOrLimits,
        "it asks for more other trackable resources (TRES) per node than its QOS allows (MaxTRESPerNode)",
    ),
    r(
        "QOSMaxUnknownPerUser",
        QuotaOrLimits,
        "starting it would exceed the per-user limit of its QOS on other trackable resources (TRES) in use at once (MaxTRESPerUser)",
    ),
    r(
        "QOSMaxUnknownMinutesPerJob",
        QuotaOrLimits,
        "its TRES-minutes (TRES count times time limit) exceed the per-job limit of its QOS (MaxTRESMinsPerJob)",
    ),
    r(
        "QOSMinUnknown",
        QuotaOrLimits,
        "it asks for fewer other trackable resources (TRES) than its QOS requires per job (MinTRESPerJob)",
    ),
    r(
        "QOSMaxCpuPerNode",
        QuotaOrLimits,
        "it asks for more CPUs per node than its QOS allows (MaxTRESPerNode)",
    ),
    r(
        "QOSGrpMemoryMinutes",
        QuotaOrLimits,
        "the limit on memory-minutes that all jobs of its QOS may use over time is reached (GrpTRESMins)",
    ),
    r(
        "QOSGrpMemoryRunMinutes",
        QuotaOrLimits,
        "starting it would exceed the limit on memory-minutes that the running jobs of its QOS may hold together (GrpTRESRunMins)",
    ),
    r(
        "QOSMaxMemoryPerJob",
        QuotaOrLimits,
        "it asks for more memory than its QOS allows per job (MaxTRESPerJob)",
    ),
    r(
        "QOSMaxMemoryPerNode",
        QuotaOrLimits,
        "it asks for more memory per node than its QOS allows (MaxTRESPerNode)",
    ),
    r(
        "QOSMaxMemoryPerUser",
        QuotaOrLimits,
        "starting it would exceed the per-user limit of its QOS on memory in use at once (MaxTRESPerUser)",
    ),
    r(
        "QOSMaxMemoryMinutesPerJob",
        QuotaOrLimits,
        "its memory-minutes (memory count times time limit) exceed the per-job limit of its QOS (MaxTRESMinsPerJob)",
    ),
    r(
        "QOSMinMemory",
        QuotaOrLimits,
        "it asks for fewer memory than its QOS requires per job (MinTRESPerJob)",
    ),
    r(
        "QOSGrpNodeMinutes",
        QuotaOrLimits,
        "the limit on node-minutes that all jobs of its QOS may use over time is reached (GrpTRESMins)",
    ),
    r(
        "QOSGrpNodeRunMinutes",
        QuotaOrLimits,
        "starting it would exceed the limit on node-minutes that the running jobs of its QOS may hold together (GrpTRESRunMins)",
    ),
    r(
        "QOSMaxNodeMinutesPerJob",
        QuotaOrLimits,
        "its node-minutes (node count times time limit) exceed the per-job limit of its QOS (MaxTRESMinsPerJob)",
    ),
    r(
        "QOSMinNode",
        QuotaOrLimits,
        "it asks for fewer nodes than its QOS requires per job (MinTRESPerJob)",
    ),
    r(
        "QOSGrpEnergy",
        QuotaOrLimits,
        "starting it would exceed the limit on energy that all running jobs of its QOS may use together (GrpTRES)",
    ),
    r(
        "QOSGrpEnergyMinutes",
        QuotaOrLimits,
        "the limit on energy-minutes that all jobs of its QOS may use over time is reached (GrpTRESMins)",
    ),
    r(
        "QOSGrpEnergyRunMinutes",
        QuotaOrLimits,
        "starting it would exceed the limit on energy-minutes that the running jobs of its QOS may hold together (GrpTRESRunMins)",
    ),
    r(
        "QOSMaxEnergyPerJob",
        QuotaOrLimits,
        "it asks for more energy than its QOS allows per job (MaxTRESPerJob)",
    ),
    r(
        "QOSMaxEnergyPerNode",
        QuotaOrLimits,
        "it asks for more energy per node than its QOS allows (MaxTRESPerNode)",
    ),
    r(
        "QOSMaxEnergyPerUser",
        QuotaOrLimits,
        "starting it would exceed the per-user limit of its QOS on energy in use at once (MaxTRESPerUser)",
    ),
    r(
        "QOSMaxEnergyMinutesPerJob",
        QuotaOrLimits,
        "its energy-minutes (energy count times time limit) exceed the per-job limit of its QOS (MaxTRESMinsPerJob)",
    ),
    r(
        "QOSMinEnergy",
        QuotaOrLimits,
        "it asks for fewer energy than its QOS requires per job (MinTRESPerJob)",
    ),
    r(
        "QOSGrpGRES",
        QuotaOrLimits,
        "starting it would exceed the limit on GRES (generic resources such as GPUs) that all running jobs of its QOS may use together (GrpTRES)",
    ),
    r(
        "QOSGrpGRESMinutes",
        QuotaOrLimits,
        "the limit on GRES-minutes that all jobs of its QOS may use over time is reached (GrpTRESMins)",
    ),
    r(
        "QOSGrpGRESRunMinutes",
        QuotaOrLimits,
        "starting it would exceed the limit on GRES-minutes that the running jobs of its QOS may hold together (GrpTRESRunMins)",
    ),
    r(
        "QOSMaxGRESPerJob",
        QuotaOrLimits,
        "it asks for more GRES (generic resources such as GPUs) than its QOS allows per job (MaxTRESPerJob)",
    ),
    r(
        "QOSMaxGRESPerNode",
        QuotaOrLimits,
        "it asks for more GRES (generic resources such as GPUs) per node than its QOS allows (MaxTRESPerNode)",
    ),
    r(
        "QOSMaxGRESPerUser",
        QuotaOrLimits,
        "starting it would exceed the per-user limit of its QOS on GRES (generic resources such as GPUs) in use at once (MaxTRESPerUser)",
    ),
    r(
        "QOSMaxGRESMinutesPerJob",
        QuotaOrLimits,
        "its GRES-minutes (GRES count times time limit) exceed the per-job limit of its QOS (MaxTRESMinsPerJob)",
    ),
    r(
        "QOSMinGRES",
        QuotaOrLimits,
        "it asks for fewer GRES (generic resources such as GPUs) than its QOS requires per job (MinTRESPerJob)",
    ),
    r(
        "QOSGrpLicense",
        QuotaOrLimits,
        "starting it would exceed the limit on licenses that all running jobs of its QOS may use together (GrpTRES)",
    ),
    r(
        "QOSGrpLicenseMinutes",
        QuotaOrLimits,
        "the limit on license-minutes that all jobs of its QOS may use over time is reached (GrpTRESMins)",
    ),
    r(
        "QOSGrpLicenseRunMinutes",
        QuotaOrLimits,
        "starting it would exceed the limit on license-minutes that the running jobs of its QOS may hold together (GrpTRESRunMins)",
    ),
    r(
        "QOSMaxLicensePerJob",
        QuotaOrLimits,
        "it asks for more licenses than its QOS allows per job (MaxTRESPerJob)",
    ),
    r(
        "QOSMaxLicensePerUser",
        QuotaOrLimits,
        "starting it would exceed the per-user limit of its QOS on licenses in use at once (MaxTRESPerUser)",
    ),
    r(
        "QOSMaxLicenseMinutesPerJob",
        QuotaOrLimits,
        "its license-minutes (license count times time limit) exceed the per-job limit of its QOS (MaxTRESMinsPerJob)",
    ),
    r(
        "QOSMinLicense",
        QuotaOrLimits,
        "it asks for fewer licenses than its QOS requires per job (MinTRESPerJob)",
    ),
    r(
        "QOSGrpBB",
        QuotaOrLimits,
        "starting it would exceed the limit on burst buffer that all running jobs of its QOS may use together (GrpTRES)",
    ),
    r(
        "QOSGrpBBMinutes",
        QuotaOrLimits,
        "the limit on burst buffer-minutes that all jobs of its QOS may use over time is reached (GrpTRESMins)",
    ),
    r(
        "QOSGrpBBRunMinutes",
        QuotaOrLimits,
        "starting it would exceed the limit on burst buffer-minutes that the running jobs of its QOS may hold together (GrpTRESRunMins)",
    ),
    r(
        "QOSMaxBBPerJob",
        QuotaOrLimits,
        "it asks for more burst buffer than its QOS allows per job (MaxTRESPerJob)",
    ),
    r(
        "QOSMaxBBPerNode",
        QuotaOrLimits,
        "it asks for more burst buffer per node than its QOS allows (MaxTRESPerNode)",
    ),
    r(
        "QOSMaxBBPerUser",
        QuotaOrLimits,
        "starting it would exceed the per-user limit of its QOS on burst buffer in use at once (MaxTRESPerUser)",
    ),
    r(
        "ReservationDeleted",
        ReservationOrMaintenance,
        "the reservation it was submitted to was deleted",
    ),
    r(
        "QOSMinBB",
        QuotaOrLimits,
        "it asks for fewer burst buffer than its QOS requires per job (MinTRESPerJob)",
    ),
    r(
        "DeadLine",
        Other,
        "the job reached its deadline (--deadline), or could not finish before it",
    ),
    r(
        "MaxBBPerAccount",
        QuotaOrLimits,
        "starting it would exceed the per-account limit of its QOS on burst buffer in use at once (MaxTRESPerAccount)",
    ),
    r(
        "MaxCpuPerAccount",
        QuotaOrLimits,
        "starting it would exceed the per-account limit of its QOS on CPUs in use at once (MaxTRESPerAccount)",
    ),
    r(
        "MaxEnergyPerAccount",
        QuotaOrLimits,
        "starting it would exceed the per-account limit of its QOS on energy in use at once (MaxTRESPerAccount)",
    ),
    r(
        "MaxGRESPerAccount",
        QuotaOrLimits,
        "starting it would exceed the per-account limit of its QOS on GRES (generic resources such as GPUs) in use at once (MaxTRESPerAccount)",
    ),
    r(
        "MaxNodePerAccount",
        QuotaOrLimits,
        "starting it would exceed the per-account limit of its QOS on nodes in use at once (MaxTRESPerAccount)",
    ),
    r(
        "MaxLicensePerAccount",
        QuotaOrLimits,
        "starting it would exceed the per-account limit of its QOS on licenses in use at once (MaxTRESPerAccount)",
    ),
    r(
        "MaxMemoryPerAccount",
        QuotaOrLimits,
        "starting it would exceed the per-account limit of its QOS on memory in use at once (MaxTRESPerAccount)",
    ),
    r(
        "MaxUnknownPerAccount",
        QuotaOrLimits,
        "starting it would exceed the per-account limit of its QOS on other trackable resources (TRES) in use at once (MaxTRESPerAccount)",
    ),
    r(
        "MaxJobsPerAccount",
        QuotaOrLimits,
        "the per-account limit of its QOS on running jobs is reached (MaxJobsPerAccount)",
    ),
    r(
        "MaxSubmitJobsPerAccount",
        QuotaOrLimits,
        "the per-account limit of its QOS on submitted jobs is reached (MaxSubmitJobsPerAccount)",
    ),
    r(
        "PartitionConfig",
        QuotaOrLimits,
        "its partition's configuration does not let the job run there",
    ),
    r(
        "AccountingPolicy",
        QuotaOrLimits,
        "it violates an accounting or QOS policy (a submit, size, or time limit)",
    ),
    r(
        "FedJobLock",
        Other,
        "waiting for a federation job lock held by another cluster",
    ),
    r("OutOfMemory", Other, "the job ran out of memory"),
    r(
        "MaxMemPerLimit",
        QuotaOrLimits,
        "its memory request is larger than the per-CPU or per-node memory limit (MaxMemPerCPU or MaxMemPerNode)",
    ),
    r(
        "AssocGrpBilling",
        QuotaOrLimits,
        "starting it would exceed the limit on billing units that all running jobs of its association (user and account) may use together (GrpTRES)",
    ),
    r(
        "AssocGrpBillingMinutes",
        QuotaOrLimits,
        "the limit on billing-minutes that all jobs of its association (user and account) may use over time is reached (GrpTRESMins)",
    ),
    r(
        "AssocGrpBillingRunMinutes",
        QuotaOrLimits,
        "starting it would exceed the limit on billing-minutes that the running jobs of its association (user and account) may hold together (GrpTRESRunMins)",
    ),
    r(
        "AssocMaxBillingPerJob",
        QuotaOrLimits,
        "it asks for more billing units than its association (user and account) allows per job (MaxTRESPerJob)",
    ),
    r(
        "AssocMaxBillingPerNode",
        QuotaOrLimits,
        "it asks for more billing units per node than its association (user and account) allows (MaxTRESPerNode)",
    ),
    r(
        "AssocMaxBillingMinutesPerJob",
        QuotaOrLimits,
        "its billing-minutes (billing count times time limit) exceed the per-job limit of its association (user and account) (MaxTRESMinsPerJob)",
    ),
    r(
        "QOSGrpBilling",
        QuotaOrLimits,
        "starting it would exceed the limit on billing units that all running jobs of its QOS may use together (GrpTRES)",
    ),
    r(
        "QOSGrpBillingMinutes",
        QuotaOrLimits,
        "the limit on billing-minutes that all jobs of its QOS may use over time is reached (GrpTRESMins)",
    ),
    r(
        "QOSGrpBillingRunMinutes",
        QuotaOrLimits,
        "starting it would exceed the limit on billing-minutes that the running jobs of its QOS may hold together (GrpTRESRunMins)",
    ),
    r(
        "QOSMaxBillingPerJob",
        QuotaOrLimits,
        "it asks for more billing units than its QOS allows per job (MaxTRESPerJob)",
    ),
    r(
        "QOSMaxBillingPerNode",
        QuotaOrLimits,
        "it asks for more billing units per node than its QOS allows (MaxTRESPerNode)",
    ),
    r(
        "QOSMaxBillingPerUser",
        QuotaOrLimits,
        "starting it would exceed the per-user limit of its QOS on billing units in use at once (MaxTRESPerUser)",
    ),
    r(
        "QOSMaxBillingMinutesPerJob",
        QuotaOrLimits,
        "its billing-minutes (billing count times time limit) exceed the per-job limit of its QOS (MaxTRESMinsPerJob)",
    ),
    r(
        "MaxBillingPerAccount",
        QuotaOrLimits,
        "starting it would exceed the per-account limit of its QOS on billing units in use at once (MaxTRESPerAccount)",
    ),
    r(
        "QOSMinBilling",
        QuotaOrLimits,
        "it asks for fewer billing units than its QOS requires per job (MinTRESPerJob)",
    ),
];

/// How a [`DESCRIPTIONS`] entry matches the reason text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    /// The whole text.
    Exact,
    /// The start of the text (the rest names partitions, accounts or QOS).
    Prefix,
}

/// Texts slurmctld 22.05 shows *instead of* a reason code (its `state_desc`; read from the
/// `slurmctld` binary). `squeue` prints them as they are and `scontrol` with `_` for every
/// space. The code behind them is not shown, so [`PendingReason::code`] is `None` for them.
const DESCRIPTIONS: &[(&str, Match, ReasonGroup, &str)] = &[
    (
        "job requeued in held state",
        Match::Exact,
        Held,
        "requeued in a held state (for example by `scontrol requeuehold`); a held job does not start until it is released",
    ),
    (
        "launch failed requeued held",
        Match::Exact,
        Held,
        "Slurm could not launch it, so it was requeued and held; a held job does not start until it is released",
    ),
    (
        "Nodes required for job are DOWN, DRAINED or reserved for jobs in higher priority partitions",
        Match::Exact,
        ReservationOrMaintenance,
        "the nodes it needs are down, drained, or reserved for jobs in higher-priority partitions",
    ),
    (
        "Job's account not permitted to use this partition",
        Match::Prefix,
        QuotaOrLimits,
        "its account is not allowed in its partition",
    ),
    (
        "Job's account not known, so it can't use this partition",
        Match::Prefix,
        QuotaOrLimits,
        "its account is not known, and its partition allows only some accounts",
    ),
    (
        "Job's QOS not permitted to use this partition",
        Match::Prefix,
        QuotaOrLimits,
        "its QOS is not allowed in its partition",
    ),
    (
        "Job's QOS not known, so it can't use this partition",
        Match::Prefix,
        QuotaOrLimits,
        "its QOS is not known, and its partition allows only some QOS",
    ),
    (
        "PrologSlurmctld failed, job killed",
        Match::Exact,
        Other,
        "the job's PrologSlurmctld failed, so Slurm ended the job",
    ),
];

/// The details slurmctld 22.05 appends to `ReqNodeNotAvail, ` and what each one means.
const NODE_NOT_AVAIL_DETAILS: &[(&str, Match, &str)] = &[
    (
        "UnavailableNodes:",
        Match::Prefix,
        "nodes are not available (down, drained, or reserved); Slurm lists the unavailable ones, which are not always nodes the job asked for",
    ),
    (
        "May be reserved for other job",
        Match::Exact,
        "the nodes it needs may be reserved for another job",
    ),
    (
        "Reserved for maintenance",
        Match::Exact,
        "the nodes it needs are reserved for maintenance",
    ),
];

/// Reads and explains a reason as Slurm printed it: the same as [`PendingReason::parse`].
pub fn explain(text: &str) -> PendingReason {
    PendingReason::parse(text)
}

/// Looks up a reason code (ASCII case does not matter, as in Slurm's own lookup).
pub fn lookup(code: &str) -> Option<&'static ReasonInfo> {
    REASONS
        .iter()
        .find(|info| info.code.eq_ignore_ascii_case(code))
}

/// A pending reason as `squeue` or `scontrol` printed it, with its meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingReason {
    raw: String,
    code: Option<&'static str>,
    detail: Option<String>,
    group: ReasonGroup,
    explanation: Option<&'static str>,
}

impl PendingReason {
    /// Reads a reason in any form Slurm prints it: `Resources` (`squeue %r`), `(Resources)`
    /// (`squeue %R`), `ReqNodeNotAvail, UnavailableNodes:node[1-2]`,
    /// `ReqNodeNotAvail,_UnavailableNodes:node2` (`scontrol`), or a description such as
    /// `job requeued in held state`. Never fails: unknown text is [`ReasonGroup::Other`] with
    /// no explanation, and [`PendingReason::raw`] keeps it.
    pub fn parse(text: &str) -> PendingReason {
        let raw = strip_parentheses(text.trim()).trim();
        if let Some(reason) = Self::from_description(raw) {
            return reason;
        }
        let (head, tail) = match raw.split_once(',') {
            Some((head, tail)) => (head.trim(), Some(tail)),
            None => (raw, None),
        };
        let detail = tail
            .map(|tail| tail.trim_start_matches([' ', '_']).trim_end())
            .filter(|detail| !detail.is_empty());
        match lookup(head) {
            Some(info) => {
                let explanation = match (info.code, detail) {
                    ("ReqNodeNotAvail", Some(detail)) => {
                        node_not_avail_explanation(detail).unwrap_or(info.explanation)
                    }
                    _ => info.explanation,
                };
                PendingReason {
                    raw: raw.to_string(),
                    code: Some(info.code),
                    detail: detail.map(str::to_string),
                    group: info.group,
                    explanation: Some(explanation),
                }
            }
            None => PendingReason {
                raw: raw.to_string(),
                code: None,
                detail: None,
                group: ReasonGroup::Other,
                explanation: None,
            },
        }
    }

    fn from_description(raw: &str) -> Option<PendingReason> {
        DESCRIPTIONS
            .iter()
            .find(|(text, how, ..)| matches_text(raw, text, *how))
            .map(|&(text, _, group, explanation)| {
                let rest = raw.get(text.len()..).unwrap_or("").trim();
                PendingReason {
                    raw: raw.to_string(),
                    code: None,
                    detail: (!rest.is_empty()).then(|| rest.to_string()),
                    group,
                    explanation: Some(explanation),
                }
            })
    }

    /// The text as Slurm printed it, without `squeue`'s parentheses and outer spaces.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The Slurm reason code, for example `ReqNodeNotAvail`; `None` for text this module
    /// does not know, and for descriptions Slurm shows instead of a code.
    pub fn code(&self) -> Option<&'static str> {
        self.code
    }

    /// What follows the code or description, for example `UnavailableNodes:node[1-2]` or
    /// `(debug allows normal not high)`.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// The group; [`ReasonGroup::Other`] for unknown text.
    pub fn group(&self) -> ReasonGroup {
        self.group
    }

    /// One plain sentence; `None` for unknown text.
    pub fn explanation(&self) -> Option<&'static str> {
        self.explanation
    }

    /// Whether the text is a code or description this module knows.
    pub fn is_known(&self) -> bool {
        self.explanation.is_some()
    }

    /// Whether Slurm gave no reason (`None`, or empty text).
    pub fn is_no_reason(&self) -> bool {
        self.raw.is_empty() || self.code == Some("None")
    }

    /// The node list after `UnavailableNodes:` (a hostlist expression such as `node[1-2]`).
    pub fn unavailable_nodes(&self) -> Option<&str> {
        self.detail
            .as_deref()
            .and_then(|detail| detail.strip_prefix("UnavailableNodes:"))
    }
}

/// The explanation, or else the raw text.
impl fmt::Display for PendingReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.explanation {
            Some(explanation) => f.write_str(explanation),
            None => f.write_str(&self.raw),
        }
    }
}

/// `(text)` -> `text`; anything else is returned as it is.
fn strip_parentheses(text: &str) -> &str {
    text.strip_prefix('(')
        .and_then(|inner| inner.strip_suffix(')'))
        .unwrap_or(text)
}

/// Whether `raw` is `text` (or starts with it), where `raw` may have `_` for each space of
/// `text` (as `scontrol` prints descriptions).
fn matches_text(raw: &str, text: &str, how: Match) -> bool {
    let Some(start) = raw.get(..text.len()) else {
        return false;
    };
    if how == Match::Exact && raw.len() != text.len() {
        return false;
    }
    start
        .bytes()
        .zip(text.bytes())
        .all(|(have, want)| have == want || (want == b' ' && have == b'_'))
}

fn node_not_avail_explanation(detail: &str) -> Option<&'static str> {
    NODE_NOT_AVAIL_DETAILS
        .iter()
        .find(|(text, how, _)| matches_text(detail, text, *how))
        .map(|&(_, _, explanation)| explanation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_unique_and_explained() {
        for (i, info) in REASONS.iter().enumerate() {
            assert!(!info.code.is_empty());
            assert!(
                info.code.bytes().all(|b| b.is_ascii_alphanumeric()),
                "{}",
                info.code
            );
            assert!(
                REASONS[..i]
                    .iter()
                    .all(|other| !other.code.eq_ignore_ascii_case(info.code)),
                "duplicate {}",
                info.code
            );
            let e = info.explanation;
            assert!(!e.is_empty() && !e.ends_with('.'), "{}: {e}", info.code);
            assert!(
                e.starts_with(|c: char| !c.is_uppercase()) || e.starts_with("Slurm "),
                "{e}"
            );
        }
        assert_eq!(REASONS.len(), 198);
    }

    /// The explanations state what the reason means and never tell the user what to do.
    #[test]
    fn explanations_suggest_no_remedy() {
        let texts = REASONS
            .iter()
            .map(|info| info.explanation)
            .chain(DESCRIPTIONS.iter().map(|d| d.3))
            .chain(NODE_NOT_AVAIL_DETAILS.iter().map(|d| d.2));
        for text in texts {
            let lower = text.to_lowercase();
            for word in [
                "try",
                "should",
                "contact",
                "ask ",
                "please",
                "reduce",
                "increase",
                "cancel",
                "resubmit",
                "request fewer",
                "use another",
                "wait for your",
            ] {
                assert!(!lower.contains(word), "`{word}` in: {text}");
            }
        }
    }

    #[test]
    fn every_qos_and_assoc_code_is_a_quota_or_limit() {
        for info in REASONS {
            let c = info.code;
            let limit = c.starts_with("QOS")
                || c.starts_with("Assoc")
                || c.starts_with("Association")
                || (c.starts_with("Max") && c.ends_with("PerAccount"));
            if limit {
                assert_eq!(info.group, QuotaOrLimits, "{c}");
            }
        }
    }

    #[test]
    fn the_groups_of_well_known_codes() {
        let cases = [
            ("QOSMaxGRESPerUser", QuotaOrLimits),
            ("AssocGrpCPUMinutesLimit", QuotaOrLimits),
            ("AssocGrpBillingMinutes", QuotaOrLimits),
            ("QOSMaxWallDurationPerJobLimit", QuotaOrLimits),
            ("PartitionTimeLimit", QuotaOrLimits),
            ("PartitionNodeLimit", QuotaOrLimits),
            ("MaxGRESPerAccount", QuotaOrLimits),
            ("JobArrayTaskLimit", QuotaOrLimits),
            ("Resources", ResourcesOrPriority),
            ("Priority", ResourcesOrPriority),
            ("Licenses", ResourcesOrPriority),
            ("JobHeldUser", Held),
            ("JobHeldAdmin", Held),
            ("JobHoldMaxRequeue", Held),
            ("Dependency", Dependency),
            ("DependencyNeverSatisfied", Dependency),
            ("Reservation", ReservationOrMaintenance),
            ("ReservationDeleted", ReservationOrMaintenance),
            ("ReqNodeNotAvail", ReservationOrMaintenance),
            ("PartitionDown", ReservationOrMaintenance),
            ("PartitionInactive", ReservationOrMaintenance),
            ("NodeDown", ReservationOrMaintenance),
            ("BeginTime", Other),
            ("NonZeroExitCode", Other),
            ("TimeLimit", Other),
            ("DeadLine", Other),
            ("None", Other),
        ];
        for (code, group) in cases {
            let reason = PendingReason::parse(code);
            assert_eq!(reason.group(), group, "{code}");
            assert_eq!(reason.code(), Some(code));
            assert!(reason.is_known());
        }
    }

    #[test]
    fn explanations_in_plain_words() {
        assert_eq!(
            PendingReason::parse("(Resources)").to_string(),
            "waiting for resources: the nodes it needs are busy"
        );
        assert_eq!(
            PendingReason::parse("QOSMaxGRESPerUser").to_string(),
            "starting it would exceed the per-user limit of its QOS on GRES (generic resources such as GPUs) in use at once (MaxTRESPerUser)"
        );
        assert_eq!(
            PendingReason::parse("AssocGrpCPUMinutesLimit").to_string(),
            "the limit on CPU-minutes that all jobs of its association (user and account) may use over time is reached (GrpTRESMins)"
        );
    }

    #[test]
    fn squeue_and_scontrol_forms_of_req_node_not_avail() {
        for text in [
            "(ReqNodeNotAvail, UnavailableNodes:node[1-2])",
            "ReqNodeNotAvail, UnavailableNodes:node[1-2]",
            "ReqNodeNotAvail,_UnavailableNodes:node[1-2]",
        ] {
            let reason = PendingReason::parse(text);
            assert_eq!(reason.code(), Some("ReqNodeNotAvail"), "{text}");
            assert_eq!(reason.group(), ReservationOrMaintenance);
            assert_eq!(reason.detail(), Some("UnavailableNodes:node[1-2]"));
            assert_eq!(reason.unavailable_nodes(), Some("node[1-2]"));
            assert!(reason.to_string().starts_with("nodes are not available"));
        }
        for text in [
            "ReqNodeNotAvail, Reserved for maintenance",
            "ReqNodeNotAvail,_Reserved_for_maintenance",
        ] {
            let reason = PendingReason::parse(text);
            assert_eq!(reason.group(), ReservationOrMaintenance);
            assert_eq!(
                reason.explanation(),
                Some("the nodes it needs are reserved for maintenance")
            );
            assert_eq!(reason.unavailable_nodes(), None);
        }
        let reason = PendingReason::parse("(ReqNodeNotAvail, May be reserved for other job)");
        assert_eq!(
            reason.explanation(),
            Some("the nodes it needs may be reserved for another job")
        );
        // a detail this module does not know keeps the code's own explanation
        let reason = PendingReason::parse("ReqNodeNotAvail, something new");
        assert_eq!(reason.detail(), Some("something new"));
        assert_eq!(
            reason.explanation(),
            Some("nodes it needs are not available: down, drained, or reserved")
        );
    }

    #[test]
    fn descriptions_in_both_forms() {
        for text in [
            "(job requeued in held state)",
            "job requeued in held state",
            "job_requeued_in_held_state",
        ] {
            let reason = PendingReason::parse(text);
            assert_eq!(reason.group(), Held, "{text}");
            assert_eq!(reason.code(), None);
            assert!(reason.is_known());
            assert_eq!(reason.detail(), None);
        }
        let reason = PendingReason::parse(
            "Job's QOS not permitted to use this partition (debug allows normal not high)",
        );
        assert_eq!(reason.group(), QuotaOrLimits);
        assert_eq!(reason.code(), None);
        assert_eq!(reason.detail(), Some("(debug allows normal not high)"));
        let reason = PendingReason::parse(
            "(Nodes required for job are DOWN, DRAINED or reserved for jobs in higher priority partitions)",
        );
        assert_eq!(reason.group(), ReservationOrMaintenance);
        assert_eq!(reason.code(), None);
        assert!(reason.is_known());
        // an exact description with more text after it is not that description
        let reason = PendingReason::parse("job requeued in held state, and more");
        assert!(!reason.is_known());
    }

    #[test]
    fn unknown_and_hostile_text_is_other_with_the_raw_text() {
        for text in [
            "SomethingNew",
            "",
            "()",
            "(",
            ")",
            "((Resources))",
            ",",
            ", Resources",
            "Resources\u{0}",
            "ünïcödé ✓, ü",
            "job_requeued_in_held_stat",
            &"x".repeat(100_000),
        ] {
            let reason = PendingReason::parse(text);
            assert_eq!(reason.group(), Other, "{text:?}");
            assert!(!reason.is_known(), "{text:?}");
            assert_eq!(reason.code(), None);
            assert_eq!(reason.to_string(), reason.raw());
        }
        let reason = PendingReason::parse("  (Brand New Reason)  ");
        assert_eq!(reason.raw(), "Brand New Reason");
        assert_eq!(reason.to_string(), "Brand New Reason");
        assert!(PendingReason::parse("").is_no_reason());
        assert!(PendingReason::parse("None").is_no_reason());
        assert!(!PendingReason::parse("Priority").is_no_reason());
    }

    #[test]
    fn lookup_ignores_ascii_case_like_slurm() {
        assert_eq!(
            lookup("qosmaxgresperuser").map(|i| i.code),
            Some("QOSMaxGRESPerUser")
        );
        assert_eq!(lookup("QOSMaxGRESPerUse"), None);
        assert_eq!(ReasonGroup::ALL.len(), 6);
        assert_eq!(ReasonGroup::QuotaOrLimits.to_string(), "quota or limits");
    }
}
