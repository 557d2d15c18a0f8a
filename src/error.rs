//! Errors shown to the user and the exit codes they map to.
//!
//! Modules return typed errors; commands add context with anyhow. [`UserError`] carries a
//! hint and an exit code; everything else is an environment or internal error (exit 2).
//! `main` prints the chain once: `error: ...`, `  caused by: ...`, then `hint: ...`.

use std::fmt;

/// Exit statuses: the one list, documented in README ("Exit status"), in every man page's
/// EXIT STATUS section and in `--help` ([`EXIT_STATUS_HELP`]). Scripts and wrappers can tell
/// the cases apart: 3 is worth retrying, 4 means the input held nothing to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: everything worked (a valid spec may still have warnings).
    Success,
    /// 1: the spec, the input or a check failed; a job, node or fileset named matched nothing.
    Failure,
    /// 2: the environment (a file that cannot be read, a missing `SLURM_*` variable, a
    /// permission), hybridctl itself, or the command line is wrong.
    Error,
    /// 3: an external system could not be reached, timed out or refused for now (the Slurm
    /// controller, the API server, the GPFS tools): a retry may succeed.
    Unavailable,
    /// 4: nothing to judge: the input holds nothing the check reads (e.g. a log without a
    /// single NCCL line), so it is neither healthy nor failed.
    NothingToJudge,
    /// A child's own exit code, passed through (`launch` ended by a signal: 128+N).
    External(u8),
}

/// The table of exit statuses, for `--help` and the man pages (README says the same).
pub const EXIT_STATUS_HELP: &str = "\
Exit status:
  0  success (a valid spec may still have warnings)
  1  the spec, the input or a check failed, or a job, node or fileset named matched nothing
  2  an environment, usage or internal error (a file that cannot be read, a missing SLURM_*
     variable, a permission, a bad flag)
  3  an external system could not be reached or timed out (Slurm controller, API server,
     GPFS tools): retrying may help
  4  nothing to judge (e.g. nccl-check of a log without a single NCCL line)";

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Failure => 1,
            Self::Error => 2,
            Self::Unavailable => 3,
            Self::NothingToJudge => 4,
            Self::External(c) => c,
        }
    }
}

/// What an error tells the user besides its message: the next step, and the exit status it
/// maps to. Each module's error type implements it, so the one report (`lib.rs`) needs no
/// knowledge of Slurm, Kubernetes or GPFS, and the mapping of a cause to a status lives with
/// the cause.
pub trait Advice {
    /// The next step, as one sentence.
    fn hint(&self) -> String;

    /// The exit status this error means when it is the cause (default: the environment's).
    fn status(&self) -> ExitStatus {
        ExitStatus::Error
    }
}

/// An error with a next step for the user.
#[derive(Debug)]
pub struct UserError {
    pub message: String,
    pub hint: Option<String>,
    pub status: ExitStatus,
}

impl UserError {
    /// Bad input: exit 1.
    pub fn invalid(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: Some(hint.into()),
            status: ExitStatus::Failure,
        }
    }

    /// The environment is not as needed: exit 2.
    pub fn environment(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: Some(hint.into()),
            status: ExitStatus::Error,
        }
    }

    /// An external system did not answer: exit 3.
    pub fn unavailable(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: Some(hint.into()),
            status: ExitStatus::Unavailable,
        }
    }

    /// An error that carries its own [`Advice`], as the user sees it: its sentence, its next
    /// step and the exit status it means.
    pub fn advised<E: Advice + fmt::Display>(e: &E) -> Self {
        Self {
            message: e.to_string(),
            hint: Some(e.hint()),
            status: e.status(),
        }
    }

    /// With the status another error maps to.
    pub fn with_status(mut self, status: ExitStatus) -> Self {
        self.status = status;
        self
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// Render an error chain for stderr and choose the exit status. `advice_of` finds the
/// [`Advice`] of a typed cause (the crate root knows the types; this module does not).
pub fn report(
    err: &anyhow::Error,
    advice_of: impl for<'a> Fn(&'a (dyn std::error::Error + 'static)) -> Option<&'a dyn Advice>,
) -> (String, ExitStatus) {
    let mut out = format!("error: {err}");
    let mut status = ExitStatus::Error;
    let mut hint = None;
    if let Some(u) = err.downcast_ref::<UserError>() {
        status = u.status;
        hint.clone_from(&u.hint);
    }
    for cause in err.chain() {
        if let Some(u) = cause.downcast_ref::<UserError>() {
            status = u.status;
            if hint.is_none() {
                hint.clone_from(&u.hint);
            }
        }
    }
    // An environment error caused by a system that did not answer is worth a retry: the
    // typed cause decides (the one mapping above), whoever wrapped it.
    if status == ExitStatus::Error
        && err
            .chain()
            .any(|c| advice_of(c).is_some_and(|a| a.status() == ExitStatus::Unavailable))
    {
        status = ExitStatus::Unavailable;
    }
    for cause in err.chain().skip(1) {
        out.push_str(&format!("\n  caused by: {cause}"));
    }
    if let Some(h) = hint {
        out.push_str(&format!("\nhint: {h}"));
    }
    (out, status)
}

/// True when the error is a closed stdout (`hybridctl render x | head`), which is not an error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
