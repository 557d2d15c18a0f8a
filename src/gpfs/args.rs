//! What to ask `mmlsquota` (the argument vectors, checked names) and what its failures mean
//! (pure).

use std::fmt;

use super::parse::cut;
use crate::quota::{QuotaEntry, QuotaKind};

/// A fileset on a file system.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FilesetRef {
    /// File system device name, e.g. `gpfs01`.
    pub device: String,
    /// Fileset name.
    pub fileset: String,
}

/// Why `mmlsquota` failed, read from its standard error (wordings from IBM's documentation
/// and site transcripts; see tests/fixtures/mmlsquota/README.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GpfsFailure {
    /// `GPFS is down on this node` / `Failed to connect to file system daemon`: retry later.
    DaemonDown,
    /// `FILESET: no such fileset in quota enabled file systems`.
    UnknownFileset(String),
    /// `File system DEV is not known to the GPFS cluster.`
    UnknownFileSystem(String),
    /// `No quota enabled file system found.`
    NoQuota,
    /// Anything else.
    Other,
}

pub fn classify_mmlsquota_failure(stderr: &str) -> GpfsFailure {
    if stderr.contains("GPFS is down on this node")
        || stderr.contains("Failed to connect to file system daemon")
        || stderr.contains("The GPFS daemon is not running")
    {
        return GpfsFailure::DaemonDown;
    }
    for line in stderr.lines() {
        if let Some((name, _)) = line.split_once(": no such fileset") {
            return GpfsFailure::UnknownFileset(name.trim().to_string());
        }
        if let Some(rest) = line.split("File system ").nth(1)
            && let Some((dev, _)) = rest.split_once(" is not known to the GPFS cluster")
        {
            return GpfsFailure::UnknownFileSystem(dev.trim().to_string());
        }
    }
    if stderr.contains("No quota enabled file system found") {
        return GpfsFailure::NoQuota;
    }
    GpfsFailure::Other
}

/// The requested filesets that no `FILESET` row answered for: `mmlsquota -j` of an unknown
/// fileset may print nothing, and nothing must not read as "no quota problem".
pub fn missing_filesets<'a>(
    requested: &'a [FilesetRef],
    entries: &[QuotaEntry],
) -> Vec<&'a FilesetRef> {
    requested
        .iter()
        .filter(|r| {
            !entries.iter().any(|e| {
                e.kind == QuotaKind::Fileset
                    && e.device == r.device
                    && e.fileset.as_deref().unwrap_or(&e.name) == r.fileset
            })
        })
        .collect()
}

/// Whose quotas to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryKind {
    /// A user's quota and the quotas of the given groups (the default of
    /// `hybridctl quota`: the caller and the caller's groups). Names or
    /// numeric ids.
    UserAndGroups {
        /// User name or uid.
        user: String,
        /// Group names or gids; may be empty.
        groups: Vec<String>,
    },
    /// One user's quota (`--user`).
    User(String),
    /// These groups' quotas (`--group`).
    Groups(Vec<String>),
    /// These filesets' own quotas (`--fileset`).
    Filesets(Vec<FilesetRef>),
}

/// Options shared by every `mmlsquota` call of one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryOptions {
    /// File systems for user and group queries (each `Device` or
    /// `Device:Fileset`); empty = let `mmlsquota` report every file system.
    /// Ignored for [`QueryKind::Filesets`], which name their devices.
    pub devices: Vec<String>,
    /// `-v`: also list entries without usage. Without it `mmlsquota` omits an
    /// entry that has limits but no usage yet, and the preflight would take
    /// that for "no quota". Default `true`.
    pub verbose: bool,
    /// `-e`: have GPFS collect up-to-date usage first (slower). Default
    /// `false`.
    pub up_to_date: bool,
    /// `-C ClusterName`, for a file system of a remote cluster.
    pub cluster: Option<String>,
}

impl Default for QueryOptions {
    fn default() -> Self {
        Self {
            devices: Vec::new(),
            verbose: true,
            up_to_date: false,
            cluster: None,
        }
    }
}

/// Why [`mmlsquota_args`] refused a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaArgsError {
    /// What the bad value is: `user`, `group`, `device`, `fileset`, `cluster`.
    pub what: &'static str,
    /// The value, cut to 64 bytes.
    pub value: String,
    /// Why it was refused.
    pub reason: &'static str,
}

impl fmt::Display for QuotaArgsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} `{}` for mmlsquota: {}",
            self.what, self.value, self.reason
        )
    }
}

impl std::error::Error for QuotaArgsError {}

/// Refuse values `mmlsquota` would misread: empty, starting with `-` (an
/// option), containing whitespace or control characters, or (where `:`
/// separates `Device:Fileset`) containing `:`.
pub(crate) fn check(what: &'static str, value: &str, colon_ok: bool) -> Result<(), QuotaArgsError> {
    let reason = if value.is_empty() {
        Some("empty")
    } else if value.starts_with('-') {
        Some("starts with `-`")
    } else if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("contains whitespace or a control character")
    } else if !colon_ok && value.contains(':') {
        Some("contains `:`")
    } else {
        None
    };
    match reason {
        None => Ok(()),
        Some(reason) => Err(QuotaArgsError {
            what,
            value: cut(value),
            reason,
        }),
    }
}

/// The argument vectors (without the program name) of the `mmlsquota` calls
/// that answer `kind`, in order. Every call has `-Y` and none has
/// `--block-size`, so block values are KiB.
///
/// What `mmlsquota` accepts (IBM "mmlsquota command" synopsis, Spectrum Scale
/// 5.0.0 to Storage Scale 6.0.1):
///
/// ```text
/// mmlsquota [-u User | -g Group] [-v | -q] [-e] [-C ClusterName] [-Y] [--block-size ...] [Device[:Fileset] ...]
/// mmlsquota -j Fileset [-v | -q] [-e] [-C ClusterName] [-Y] [--block-size ...] Device ...
/// ```
///
/// * `-u` and `-g` exclude each other: a user and its groups take one call
///   each (`-u USER`, then `-g GROUP` per group), each covering every device
///   of [`QueryOptions::devices`] (none = all file systems).
/// * `-j` takes one fileset (the synopsis has no `Fileset[,Fileset...]`, which
///   `mmlsfileset` documents for itself, and every site script seen loops one
///   call per fileset) but several devices. So fileset queries take one call
///   per distinct fileset name, listing every device that fileset was asked
///   for (first-seen order, no duplicates): `(gpfs01, a) (gpfs01, b)
///   (gpfs02, a)` runs `-j a gpfs01 gpfs02` and `-j b gpfs01`. One call per
///   device covering all its filesets is not expressible with `mmlsquota`;
///   `mmrepquota -j -Y Device` would do it but needs root.
///
/// # Errors
///
/// A [`QuotaArgsError`] for an empty fileset or group list, or a name that
/// `mmlsquota` would misread (see [`QuotaArgsError`]).
pub fn mmlsquota_args(
    kind: &QueryKind,
    options: &QueryOptions,
) -> Result<Vec<Vec<String>>, QuotaArgsError> {
    let mut common = Vec::new();
    if options.verbose {
        common.push("-v".to_owned());
    }
    if options.up_to_date {
        common.push("-e".to_owned());
    }
    if let Some(cluster) = &options.cluster {
        check("cluster", cluster, false)?;
        common.push("-C".to_owned());
        common.push(cluster.clone());
    }
    common.push("-Y".to_owned());

    let call = |flag: &str, name: &str, devices: &[String]| -> Vec<String> {
        let mut args = vec![flag.to_owned(), name.to_owned()];
        args.extend(common.iter().cloned());
        args.extend(devices.iter().cloned());
        args
    };
    let user_group_devices = || -> Result<&[String], QuotaArgsError> {
        for device in &options.devices {
            check("device", device, true)?;
        }
        Ok(&options.devices)
    };
    let groups_calls =
        |groups: &[String], devices: &[String]| -> Result<Vec<Vec<String>>, QuotaArgsError> {
            let mut seen: Vec<&str> = Vec::new();
            let mut calls = Vec::new();
            for group in groups {
                check("group", group, false)?;
                if !seen.contains(&group.as_str()) {
                    seen.push(group);
                    calls.push(call("-g", group, devices));
                }
            }
            Ok(calls)
        };

    match kind {
        QueryKind::UserAndGroups { user, groups } => {
            check("user", user, false)?;
            let devices = user_group_devices()?;
            let mut calls = vec![call("-u", user, devices)];
            calls.extend(groups_calls(groups, devices)?);
            Ok(calls)
        }
        QueryKind::User(user) => {
            check("user", user, false)?;
            Ok(vec![call("-u", user, user_group_devices()?)])
        }
        QueryKind::Groups(groups) => {
            if groups.is_empty() {
                return Err(QuotaArgsError {
                    what: "group",
                    value: String::new(),
                    reason: "no group given",
                });
            }
            groups_calls(groups, user_group_devices()?)
        }
        QueryKind::Filesets(filesets) => {
            if filesets.is_empty() {
                return Err(QuotaArgsError {
                    what: "fileset",
                    value: String::new(),
                    reason: "no fileset given",
                });
            }
            let mut grouped: Vec<(&str, Vec<String>)> = Vec::new();
            for FilesetRef { device, fileset } in filesets {
                check("device", device, false)?;
                check("fileset", fileset, false)?;
                match grouped.iter_mut().find(|(name, _)| name == fileset) {
                    Some((_, devices)) => {
                        if !devices.contains(device) {
                            devices.push(device.clone());
                        }
                    }
                    None => grouped.push((fileset, vec![device.clone()])),
                }
            }
            Ok(grouped
                .iter()
                .map(|(fileset, devices)| call("-j", fileset, devices))
                .collect())
        }
    }
}
