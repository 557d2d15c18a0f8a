//! The GPFS / Storage Scale adapter, shaped like [`crate::slurm`]: runs `mmlsquota` through
//! [`crate::process`] (with the site's `gpfs.timeout`) and reads its answers with the pure
//! parser in [`parse`]; [`args`] says what to ask and what a failure means.

pub mod args;
pub mod parse;

use std::path::PathBuf;
use std::time::Duration;

pub use args::*;
pub use parse::*;

use crate::error::ExitStatus;
use crate::process::{ProcessError, Runner};
use crate::quota::QuotaEntry;
use crate::settings::GpfsConfig;

const GPFS_BIN: &str = "/usr/lpp/mmfs/bin/mmlsquota";

/// Where `mmlsquota` is: the site's setting, else PATH, else GPFS's own directory.
fn mmlsquota_program(gpfs: &GpfsConfig) -> String {
    if let Some(p) = &gpfs.mmlsquota {
        return p.display().to_string();
    }
    let runner = Runner::default();
    if runner.resolve("mmlsquota").is_ok() || !PathBuf::from(GPFS_BIN).is_file() {
        "mmlsquota".into()
    } else {
        GPFS_BIN.into()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum QuotaError {
    #[error(transparent)]
    Process(#[from] ProcessError),
    #[error("mmlsquota printed something hybridctl cannot read: {0}")]
    Parse(#[from] QuotaParseError),
    #[error(transparent)]
    Args(#[from] QuotaArgsError),
}

impl QuotaError {
    /// What GPFS said, when `mmlsquota` ran and failed.
    pub fn gpfs_failure(&self) -> Option<GpfsFailure> {
        match self {
            Self::Process(ProcessError::Failed { stderr, .. }) => {
                Some(classify_mmlsquota_failure(stderr))
            }
            _ => None,
        }
    }

    /// The sentence that names the cause (before GPFS's own words).
    pub fn cause(&self) -> Option<String> {
        Some(match self.gpfs_failure()? {
            GpfsFailure::DaemonDown => "the GPFS daemon is not running on this node".to_string(),
            GpfsFailure::UnknownFileset(f) => format!("GPFS knows no fileset `{f}` with quotas"),
            GpfsFailure::UnknownFileSystem(d) => format!("GPFS knows no file system `{d}`"),
            GpfsFailure::NoQuota => "no GPFS file system here has quotas enabled".to_string(),
            GpfsFailure::Other => return None,
        })
    }
}

impl crate::error::Advice for QuotaError {
    /// The daemon down is worth a retry (3); an unknown fileset or file system is the
    /// input's fault (1).
    fn status(&self) -> ExitStatus {
        match (self, self.gpfs_failure()) {
            (_, Some(GpfsFailure::DaemonDown)) => ExitStatus::Unavailable,
            (_, Some(GpfsFailure::UnknownFileset(_) | GpfsFailure::UnknownFileSystem(_))) => {
                ExitStatus::Failure
            }
            (Self::Process(p), _) => p.status(),
            _ => ExitStatus::Error,
        }
    }

    fn hint(&self) -> String {
        match self.gpfs_failure() {
            Some(GpfsFailure::DaemonDown) => {
                return "`mmgetstate` shows the daemon's state; retry when it is active, or ask the admins".into();
            }
            Some(GpfsFailure::UnknownFileset(_)) => {
                return "`mmlsfileset DEVICE` lists the filesets; check `-j DEVICE:FILESET` or the site's `gpfs.claims`".into();
            }
            Some(GpfsFailure::UnknownFileSystem(_)) => {
                return "`mmlsfs all -T` lists the file systems and where they are mounted".into();
            }
            _ => {}
        }
        match self {
            Self::Process(ProcessError::NotFound { .. }) => {
                "is this a GPFS / Storage Scale client node? set `gpfs.mmlsquota` in the site config to its path".into()
            }
            Self::Process(ProcessError::Failed { .. }) => {
                "the message above is GPFS's own; check the file system and fileset names (`mmlsfileset DEVICE`)".into()
            }
            Self::Process(ProcessError::Timeout { .. }) => {
                "GPFS may be hung or the quota server unreachable: try `mmlsquota -Y` by hand and `mmgetstate`; raise `gpfs.timeout` in the site config if it is only slow".into()
            }
            Self::Process(_) => "check that `mmlsquota -Y` works on this node".into(),
            Self::Parse(_) => "please report the mmlsquota output with the hybridctl version".into(),
            Self::Args(_) => "names must not start with `-` or contain spaces".into(),
        }
    }
}

/// Run every `mmlsquota` call of a query and parse the answers.
pub fn query(
    gpfs: &GpfsConfig,
    kind: &QueryKind,
    devices: &[String],
) -> Result<Vec<QuotaEntry>, QuotaError> {
    let options = QueryOptions {
        devices: devices.to_vec(),
        ..QueryOptions::default()
    };
    let program = mmlsquota_program(gpfs);
    let runner = Runner::default().with_timeout_from(
        Duration::from_secs(
            gpfs.timeout
                .unwrap_or(crate::settings::DEFAULT_GPFS_TIMEOUT)
                .into(),
        ),
        "gpfs.timeout",
    );
    let mut entries = Vec::new();
    for args in mmlsquota_args(kind, &options)? {
        let out = runner.run(&program, &args, None)?;
        entries.extend(parse_mmlsquota_y(&out.stdout)?);
    }
    Ok(entries)
}

#[cfg(test)]
mod tests;
