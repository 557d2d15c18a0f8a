//! `sbatch --parsable` output and sbatch's refusals, classified.

use super::*;

/// Reads `sbatch --parsable` output: `<jobid>` or `<jobid>;<cluster>` (with `-M`), one line.
/// Returns the job id (digits) and the cluster.
pub fn parse_sbatch_parsable(stdout: &str) -> Result<(String, Option<String>), ParseError> {
    let mut lines = stdout.lines().map(str::trim).filter(|l| !l.is_empty());
    let line = lines
        .next()
        .ok_or_else(|| ParseError::new(ParseErrorKind::Empty, ""))?;
    if lines.next().is_some() {
        return Err(ParseError::new(ParseErrorKind::TrailingText, stdout.trim()));
    }
    let (id, cluster) = match line.split_once(';') {
        Some((id, cluster)) => (id, Some(cluster)),
        None => (line, None),
    };
    let id: u32 = number(id, "job id")?;
    if id == 0 {
        return Err(ParseError::new(ParseErrorKind::JobId, line).field("job id"));
    }
    let cluster = match cluster {
        Some(c)
            if !c.is_empty()
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') =>
        {
            Some(c.to_string())
        }
        Some(c) => return Err(ParseError::new(ParseErrorKind::Name, c).field("cluster")),
        None => None,
    };
    Ok((id.to_string(), cluster))
}

/// Why `sbatch` refused a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SbatchErrorKind {
    /// No such partition (`Invalid partition name specified`).
    InvalidPartition,
    /// The partition is inactive or draining, or closed to the user's group.
    PartitionUnavailable,
    /// The account or the account/partition pair is not allowed
    /// (`Invalid account or account/partition combination specified`).
    InvalidAccount,
    /// `Invalid qos specification`.
    InvalidQos,
    /// A QOS or association limit refuses it at submit time
    /// (`Job violates accounting/QOS policy ...`).
    AccountingPolicy,
    /// No node can satisfy the request: too many GPUs (`gpu:9`), CPUs or memory per node
    /// (`Requested node configuration is not available`).
    NodeConfigUnavailable,
    /// A GRES name Slurm does not know (`Invalid generic resource (gres) specification`).
    InvalidGres,
    /// The time limit exceeds the partition's (or QOS's) maximum
    /// (`Requested time limit is invalid (missing or exceeds some limit)`).
    TimeLimit,
    /// More nodes than the partition has or allows (`Node count specification invalid`).
    NodeCount,
    /// sbatch could not reach slurmctld (`Unable to contact slurm controller`).
    ControllerUnreachable,
    /// sbatch found no usable Slurm configuration (`Could not establish a configuration
    /// source`).
    Configuration,
    /// Anything else; the message says what.
    Other,
}

impl SbatchErrorKind {
    /// A stable identifier, for example `invalid-partition`.
    pub fn as_str(self) -> &'static str {
        match self {
            SbatchErrorKind::InvalidPartition => "invalid-partition",
            SbatchErrorKind::PartitionUnavailable => "partition-unavailable",
            SbatchErrorKind::InvalidAccount => "invalid-account",
            SbatchErrorKind::InvalidQos => "invalid-qos",
            SbatchErrorKind::AccountingPolicy => "accounting-policy",
            SbatchErrorKind::NodeConfigUnavailable => "node-config-unavailable",
            SbatchErrorKind::InvalidGres => "invalid-gres",
            SbatchErrorKind::TimeLimit => "time-limit",
            SbatchErrorKind::NodeCount => "node-count",
            SbatchErrorKind::ControllerUnreachable => "controller-unreachable",
            SbatchErrorKind::Configuration => "configuration",
            SbatchErrorKind::Other => "other",
        }
    }

    /// Where to look next, in one sentence: the Slurm command that shows the facts behind
    /// the refusal. It names no fix, because the fix depends on the site.
    pub fn hint(self) -> &'static str {
        match self {
            SbatchErrorKind::InvalidPartition => "`sinfo -s` lists this cluster's partitions",
            SbatchErrorKind::PartitionUnavailable => {
                "`sinfo -s` shows each partition's state, and `scontrol show partition NAME` who may use it"
            }
            SbatchErrorKind::InvalidAccount => {
                "`sacctmgr show assoc user=$USER format=account,partition` lists your accounts, and `scontrol show partition NAME` the accounts a partition allows"
            }
            SbatchErrorKind::InvalidQos => {
                "`sacctmgr show assoc user=$USER format=account,qos` lists the QOS you may use"
            }
            SbatchErrorKind::AccountingPolicy => {
                "`sacctmgr show assoc user=$USER` and `sacctmgr show qos` show the limits that apply"
            }
            SbatchErrorKind::NodeConfigUnavailable => {
                "`sinfo -o '%P %D %c %m %G'` shows the CPUs, memory and GRES of each partition's nodes"
            }
            SbatchErrorKind::InvalidGres => {
                "`sinfo -o '%P %G'` shows the GRES (such as gpu) of each partition's nodes"
            }
            SbatchErrorKind::TimeLimit => "`sinfo -o '%P %l'` shows each partition's time limit",
            SbatchErrorKind::NodeCount => {
                "`sinfo -o '%P %D %s'` shows each partition's node count and job size limits"
            }
            SbatchErrorKind::ControllerUnreachable => {
                "`scontrol ping` shows whether the Slurm controller answers"
            }
            SbatchErrorKind::Configuration => {
                "the Slurm tools need SLURM_CONF, /etc/slurm/slurm.conf or a configless DNS record"
            }
            SbatchErrorKind::Other => "Slurm's message says what it refused",
        }
    }
}

impl fmt::Display for SbatchErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Slurm's messages (from `src/common/slurm_errno.c` and sbatch itself) and what they mean.
/// The first match in the message wins; the message is the text after
/// `Batch job submission failed: ` when there is one.
pub(crate) const SBATCH_MESSAGES: &[(&str, SbatchErrorKind)] = &[
    (
        "Invalid partition name specified",
        SbatchErrorKind::InvalidPartition,
    ),
    (
        "invalid partition specified",
        SbatchErrorKind::InvalidPartition,
    ),
    (
        "No partition specified or system default partition",
        SbatchErrorKind::InvalidPartition,
    ),
    (
        "Required partition not available (inactive or drain)",
        SbatchErrorKind::PartitionUnavailable,
    ),
    (
        "Requested partition configuration not available now",
        SbatchErrorKind::PartitionUnavailable,
    ),
    (
        "User's group not permitted to use this partition",
        SbatchErrorKind::PartitionUnavailable,
    ),
    (
        "Invalid account or account/partition combination specified",
        SbatchErrorKind::InvalidAccount,
    ),
    ("Invalid qos specification", SbatchErrorKind::InvalidQos),
    (
        "Job violates accounting/QOS policy",
        SbatchErrorKind::AccountingPolicy,
    ),
    (
        "Requested account has breached requested QOS usage threshold",
        SbatchErrorKind::AccountingPolicy,
    ),
    (
        "Requested time limit is invalid",
        SbatchErrorKind::TimeLimit,
    ),
    (
        "Node count specification invalid",
        SbatchErrorKind::NodeCount,
    ),
    (
        "Requested node configuration is not available",
        SbatchErrorKind::NodeConfigUnavailable,
    ),
    (
        "More processors requested than permitted",
        SbatchErrorKind::NodeConfigUnavailable,
    ),
    (
        "Memory required by task is not available",
        SbatchErrorKind::NodeConfigUnavailable,
    ),
    (
        "Invalid generic resource (gres) specification",
        SbatchErrorKind::InvalidGres,
    ),
    (
        "Unable to contact slurm controller",
        SbatchErrorKind::ControllerUnreachable,
    ),
    (
        "Socket timed out on send/recv operation",
        SbatchErrorKind::ControllerUnreachable,
    ),
    (
        "Slurm backup controller in standby mode",
        SbatchErrorKind::ControllerUnreachable,
    ),
    (
        "Could not establish a configuration source",
        SbatchErrorKind::Configuration,
    ),
    (
        "Unable to process configuration file",
        SbatchErrorKind::Configuration,
    ),
];

/// A refused `sbatch`, classified, with Slurm's own message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SbatchFailure {
    /// What kind of refusal.
    pub kind: SbatchErrorKind,
    /// Slurm's message: the text after `Batch job submission failed: `, or else the last
    /// `sbatch: fatal:`/`sbatch: error:` line without that prefix.
    pub message: String,
    /// sbatch's exit status; `None` when a signal ended it.
    pub exit_code: Option<i32>,
    /// The whole standard error, trimmed.
    pub stderr: String,
}

impl fmt::Display for SbatchFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sbatch refused the job: {}", self.message)
    }
}

impl std::error::Error for SbatchFailure {}

pub(crate) fn classify_message(message: &str) -> SbatchErrorKind {
    SBATCH_MESSAGES
        .iter()
        .find(|(text, _)| message.contains(text))
        .map_or(SbatchErrorKind::Other, |&(_, kind)| kind)
}

/// Classifies a failed `sbatch` from its standard error and exit status (`None`: ended by a
/// signal). Slurm's message is kept as it is.
pub fn classify_sbatch_error(stderr: &str, exit_code: Option<i32>) -> SbatchFailure {
    const SUBMIT_FAILED: &str = "Batch job submission failed: ";
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let submit = lines
        .iter()
        .rev()
        .find_map(|l| l.split_once(SUBMIT_FAILED).map(|(_, m)| m.trim()));
    let strip = |l: &&str| -> Option<String> {
        ["sbatch: fatal: ", "sbatch: error: "]
            .iter()
            .find_map(|p| l.strip_prefix(p))
            .map(|m| m.trim().to_string())
    };
    let fatal = lines
        .iter()
        .rev()
        .find(|l| l.starts_with("sbatch: fatal: "))
        .and_then(strip);
    let error = lines.iter().rev().find_map(strip);
    let message = submit
        .map(str::to_string)
        .or(fatal)
        .or(error)
        .or_else(|| lines.last().map(|l| (*l).to_string()))
        .unwrap_or_else(|| match exit_code {
            Some(code) => format!("sbatch exited with status {code} and printed nothing"),
            None => "sbatch was ended by a signal and printed nothing".to_string(),
        });
    let mut kind = classify_message(&message);
    if kind == SbatchErrorKind::Other {
        kind = lines
            .iter()
            .map(|l| classify_message(l))
            .find(|k| *k != SbatchErrorKind::Other)
            .unwrap_or(SbatchErrorKind::Other);
    }
    SbatchFailure {
        kind,
        message,
        exit_code,
        stderr: stderr.trim().to_string(),
    }
}
