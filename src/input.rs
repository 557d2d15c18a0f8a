//! Standard input as an input file (`-`): never read from a terminal, never without a bound.
//!
//! A command that takes `-` for a file reads a pipe or a redirect. Standard input that is a
//! terminal would make the command wait for typing that no non-interactive caller (a batch
//! script, `launch --dry-run` in a shell) will ever do, so it is refused with a sentence.

use std::io::{IsTerminal, Read};

/// Why standard input could not be taken as a file.
#[derive(Debug, thiserror::Error)]
pub enum StdinError {
    #[error("standard input is a terminal, not {what}")]
    Terminal { what: String },
    #[error("{what} on standard input is larger than {} MiB", cap >> 20)]
    TooLarge { what: String, cap: u64 },
    #[error("could not read {what} from standard input")]
    Read {
        what: String,
        #[source]
        source: std::io::Error,
    },
}

impl StdinError {
    pub fn hint(&self) -> &'static str {
        match self {
            Self::Terminal { .. } => {
                "pipe it in (`... | hybridctl ...`, `< FILE`) or name the file instead of `-`"
            }
            Self::TooLarge { .. } => {
                "this is not the file you meant to pipe in; name the file instead"
            }
            Self::Read { .. } => "check what feeds standard input",
        }
    }
}

/// Refuse a terminal on standard input (for streams read incrementally).
pub fn check_stdin(what: &str) -> Result<(), StdinError> {
    if std::io::stdin().is_terminal() {
        return Err(StdinError::Terminal { what: what.into() });
    }
    Ok(())
}

/// All of standard input as text, at most `cap` bytes, never from a terminal.
pub fn stdin_text(what: &str, cap: u64) -> Result<String, StdinError> {
    check_stdin(what)?;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| StdinError::Read {
            what: what.into(),
            source,
        })?;
    if bytes.len() as u64 > cap {
        return Err(StdinError::TooLarge {
            what: what.into(),
            cap,
        });
    }
    String::from_utf8(bytes).map_err(|e| StdinError::Read {
        what: what.into(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })
}
