//! Job states as Slurm prints them, and what they mean for hybridctl.

use super::*;

/// A Slurm job state: every base state and every state flag Slurm 22.05 prints in place of
/// one (`squeue %T`, `scontrol` `JobState=`, `sacct` `State`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    /// `PENDING` (`PD`): waiting to start.
    Pending,
    /// `RUNNING` (`R`).
    Running,
    /// `SUSPENDED` (`S`): running, but suspended.
    Suspended,
    /// `COMPLETING` (`CG`): ended; processes or epilogs are still finishing on its nodes.
    Completing,
    /// `COMPLETED` (`CD`): ended with exit status 0.
    Completed,
    /// `CONFIGURING` (`CF`): nodes allocated, being readied (`PrologSlurmctld`, boot).
    Configuring,
    /// `CANCELLED` (`CA`); `sacct` prints `CANCELLED by <uid>`.
    Cancelled,
    /// `FAILED` (`F`): non-zero exit, or could not start.
    Failed,
    /// `TIMEOUT` (`TO`): reached its time limit.
    Timeout,
    /// `PREEMPTED` (`PR`).
    Preempted,
    /// `NODE_FAIL` (`NF`): a node of the job failed.
    NodeFail,
    /// `BOOT_FAIL` (`BF`): a node failed to boot.
    BootFail,
    /// `DEADLINE` (`DL`): reached its `--deadline`.
    Deadline,
    /// `OUT_OF_MEMORY` (`OOM`).
    OutOfMemory,
    /// `REQUEUED` (`RQ`): being requeued.
    Requeued,
    /// `RESIZING` (`RS`).
    Resizing,
    /// `REVOKED` (`RV`): a federated sibling ran it instead.
    Revoked,
    /// `SIGNALING` (`SI`): being signalled.
    Signaling,
    /// `SPECIAL_EXIT` (`SE`): requeued in a held state after a special exit.
    SpecialExit,
    /// `STAGE_OUT` (`SO`): staging out burst-buffer data after it ended.
    StageOut,
    /// `STOPPED` (`ST`): sent SIGSTOP; keeps its allocation.
    Stopped,
    /// `REQUEUE_HOLD` (`RH`): requeued, then held.
    RequeueHold,
    /// `REQUEUE_FED` (`RF`): requeued by the federation.
    RequeueFed,
    /// `RESV_DEL_HOLD` (`RD`): held because its reservation was deleted.
    ResvDelHold,
}

pub(crate) const STATE_NAMES: [(JobState, &str, &str); 24] = [
    (JobState::Pending, "PENDING", "PD"),
    (JobState::Running, "RUNNING", "R"),
    (JobState::Suspended, "SUSPENDED", "S"),
    (JobState::Completing, "COMPLETING", "CG"),
    (JobState::Completed, "COMPLETED", "CD"),
    (JobState::Configuring, "CONFIGURING", "CF"),
    (JobState::Cancelled, "CANCELLED", "CA"),
    (JobState::Failed, "FAILED", "F"),
    (JobState::Timeout, "TIMEOUT", "TO"),
    (JobState::Preempted, "PREEMPTED", "PR"),
    (JobState::NodeFail, "NODE_FAIL", "NF"),
    (JobState::BootFail, "BOOT_FAIL", "BF"),
    (JobState::Deadline, "DEADLINE", "DL"),
    (JobState::OutOfMemory, "OUT_OF_MEMORY", "OOM"),
    (JobState::Requeued, "REQUEUED", "RQ"),
    (JobState::Resizing, "RESIZING", "RS"),
    (JobState::Revoked, "REVOKED", "RV"),
    (JobState::Signaling, "SIGNALING", "SI"),
    (JobState::SpecialExit, "SPECIAL_EXIT", "SE"),
    (JobState::StageOut, "STAGE_OUT", "SO"),
    (JobState::Stopped, "STOPPED", "ST"),
    (JobState::RequeueHold, "REQUEUE_HOLD", "RH"),
    (JobState::RequeueFed, "REQUEUE_FED", "RF"),
    (JobState::ResvDelHold, "RESV_DEL_HOLD", "RD"),
];

impl JobState {
    /// Every state, in Slurm's order.
    pub const ALL: [JobState; 24] = {
        let mut all = [JobState::Pending; 24];
        let mut i = 0;
        while i < 24 {
            all[i] = STATE_NAMES[i].0;
            i += 1;
        }
        all
    };

    fn names(self) -> (&'static str, &'static str) {
        STATE_NAMES
            .iter()
            .find(|(state, ..)| *state == self)
            .map_or(("", ""), |&(_, long, short)| (long, short))
    }

    /// The name Slurm prints, for example `NODE_FAIL`.
    pub fn as_str(self) -> &'static str {
        self.names().0
    }

    /// The compact code of `squeue %t`, for example `NF`.
    pub fn compact(self) -> &'static str {
        self.names().1
    }

    /// Reads a state: the long name (`PENDING`), the compact code (`PD`), or `sacct`'s
    /// `CANCELLED by 1000`. See [`JobState::parse_with_canceller`] for the uid.
    pub fn parse(text: &str) -> Result<JobState, ParseError> {
        Self::parse_with_canceller(text).map(|(state, _)| state)
    }

    /// Like [`JobState::parse`], also returning the uid of `CANCELLED by <uid>`.
    pub fn parse_with_canceller(text: &str) -> Result<(JobState, Option<u32>), ParseError> {
        let err = || ParseError::new(ParseErrorKind::JobState, text).field("state");
        if let Some(uid) = text.strip_prefix("CANCELLED by ") {
            let uid = number::<u32>(uid, "uid").map_err(|_| err())?;
            return Ok((JobState::Cancelled, Some(uid)));
        }
        STATE_NAMES
            .iter()
            .find(|(_, long, short)| text == *long || text == *short)
            .map(|&(state, ..)| (state, None))
            .ok_or_else(err)
    }

    /// Whether a state as Slurm prints it (`COMPLETED`, `CANCELLED by 1000`) is a finished
    /// one; `None` for a state this version cannot read.
    pub fn finished_text(text: &str) -> Option<bool> {
        Self::parse(text).ok().map(Self::is_finished)
    }

    /// Ended for good: Slurm will not run it again unless someone requeues it
    /// (`COMPLETED`, `CANCELLED`, `FAILED`, `TIMEOUT`, `PREEMPTED`, `NODE_FAIL`, `BOOT_FAIL`,
    /// `DEADLINE`, `OUT_OF_MEMORY`, `REVOKED`).
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            JobState::Completed
                | JobState::Cancelled
                | JobState::Failed
                | JobState::Timeout
                | JobState::Preempted
                | JobState::NodeFail
                | JobState::BootFail
                | JobState::Deadline
                | JobState::OutOfMemory
                | JobState::Revoked
        )
    }

    /// Holds an allocation now: `RUNNING`, `SUSPENDED`, `STOPPED`, `CONFIGURING`,
    /// `COMPLETING`, `SIGNALING`, `RESIZING`, `STAGE_OUT`. A `COMPLETING` job has ended but
    /// still holds its nodes.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            JobState::Running
                | JobState::Suspended
                | JobState::Stopped
                | JobState::Configuring
                | JobState::Completing
                | JobState::Signaling
                | JobState::Resizing
                | JobState::StageOut
        )
    }

    /// Waiting to (re)start, maybe held: `PENDING`, `REQUEUED`, `REQUEUE_HOLD`,
    /// `REQUEUE_FED`, `RESV_DEL_HOLD`, `SPECIAL_EXIT`. Every state is exactly one of
    /// pending, active and finished.
    pub fn is_pending(self) -> bool {
        !self.is_finished() && !self.is_active()
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JobState {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        JobState::parse(text)
    }
}
