//! Errors shown to the user and the exit codes they map to.
//!
//! Modules return typed errors; commands add context with anyhow. [`UserError`] carries a
//! hint and an exit code; everything else is an environment or internal error (exit 2).
//! `main` prints the chain once: `error: ...`, `  caused by: ...`, then `hint: ...`.

use std::fmt;

/// Exit codes (documented in the README and `--help`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything worked.
    Success,
    /// The spec, the input or a check failed.
    Failure,
    /// The environment or hybridctl itself failed.
    Error,
    /// A child's own exit code, passed through.
    External(u8),
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Failure => 1,
            Self::Error => 2,
            Self::External(c) => c,
        }
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
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// Render an error chain for stderr and choose the exit status.
pub fn report(err: &anyhow::Error) -> (String, ExitStatus) {
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
