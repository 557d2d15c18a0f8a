//! Every reason code of Slurm's `job_state_reason.c` with its group and a plain-words
//! explanation (the data behind [`super::explain`]).

use super::ReasonGroup::*;
use super::{ReasonInfo, r};

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
