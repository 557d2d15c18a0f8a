//! Standard input as an input file (`-`): never read from a terminal, never without a bound
//! (the cap comes from [`crate::bounded`], like every other read).
//!
//! A command that takes `-` for a file reads a pipe or a redirect. Standard input that is a
//! terminal would make the command wait for typing that no non-interactive caller (a batch
//! script, `launch --dry-run` in a shell) will ever do, so it is refused with a sentence.

use std::io::IsTerminal;

use crate::bounded::{Cap, ReadError};

/// Why standard input could not be taken as a file.
#[derive(Debug, thiserror::Error)]
pub enum StdinError {
    #[error("standard input is a terminal, not a {what}")]
    Terminal { what: &'static str },
    #[error(transparent)]
    Read(#[from] ReadError),
}

impl crate::error::Advice for StdinError {
    fn hint(&self) -> String {
        match self {
            Self::Terminal { .. } => {
                "pipe it in (`... | hybridctl ...`, `< FILE`) or name the file instead of `-`"
                    .into()
            }
            Self::Read(e) => e.hint(),
        }
    }
}

/// Refuse a terminal on standard input (for streams read incrementally, e.g. a live log).
pub fn check_stdin(what: &'static str) -> Result<(), StdinError> {
    if std::io::stdin().is_terminal() {
        return Err(StdinError::Terminal { what });
    }
    Ok(())
}

/// All of standard input as text, at most `cap`, never from a terminal.
pub fn stdin_text(cap: Cap) -> Result<String, StdinError> {
    check_stdin(cap.what)?;
    Ok(crate::bounded::read_stream(
        std::io::stdin().lock(),
        "<stdin>",
        cap,
    )?)
}
