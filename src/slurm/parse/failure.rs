//! Failures of squeue, scontrol and sacct, classified from their stderr.

/// Why a query (`squeue`, `scontrol show job`, `sacct`) failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryFailure {
    /// `Invalid job id specified`: slurmctld does not know the job (any more: finished jobs
    /// are forgotten after `MinJobAge`). `squeue -j` says so only when asked about one id;
    /// asked about several unknown ids it prints nothing and succeeds.
    InvalidJobId,
    /// `Slurm accounting storage is disabled`: `sacct` without `-c` on a cluster without
    /// slurmdbd (exit status 1).
    AccountingDisabled,
    /// The controller did not answer.
    ControllerUnreachable,
    /// The tool was ended by a signal (`sacct -c` crashes on some job names, see the module
    /// documentation).
    Crashed,
    /// Anything else: the last line of standard error.
    Other(String),
}

/// Whether a query's standard error says the job id is unknown.
pub fn is_invalid_job_id(stderr: &str) -> bool {
    stderr.contains("Invalid job id specified")
}

/// Whether `sacct`'s standard error says accounting storage is disabled.
pub fn is_accounting_disabled(stderr: &str) -> bool {
    stderr.contains("Slurm accounting storage is disabled")
}

/// Classifies a failed `squeue`, `scontrol` or `sacct` from its standard error and exit
/// status (`None`: ended by a signal).
pub fn classify_query_failure(stderr: &str, exit_code: Option<i32>) -> QueryFailure {
    if is_invalid_job_id(stderr) {
        QueryFailure::InvalidJobId
    } else if is_accounting_disabled(stderr) {
        QueryFailure::AccountingDisabled
    } else if stderr.contains("Unable to contact slurm controller")
        || stderr.contains("Socket timed out on send/recv operation")
    {
        QueryFailure::ControllerUnreachable
    } else if exit_code.is_none() {
        QueryFailure::Crashed
    } else {
        let last = stderr.lines().map(str::trim).rfind(|l| !l.is_empty());
        QueryFailure::Other(last.unwrap_or("").to_string())
    }
}
