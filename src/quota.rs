//! GPFS / IBM Storage Scale quotas: the model and the arithmetic behind `hybridctl quota`
//! and the submit-time preflight, pure (no I/O, no processes, `std` only): [`QuotaEntry`],
//! [`Usage::percent_of_limit`], [`Usage::headroom`], [`Usage::is_over_threshold`] (also on
//! [`QuotaEntry`] for blocks and files) and [`human_kib`]. Reading `mmlsquota -Y` and deciding
//! what to run is [`crate::gpfs`].

use std::fmt;

/// Usage at or above this percentage of a soft or hard limit is highlighted,
/// and fails `hybridctl quota --check`.
pub const DEFAULT_THRESHOLD_PCT: f64 = 90.0;

/// Which quota a row describes (`quotaType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QuotaKind {
    /// `USR`: a user's quota, on a file system or (with per-fileset quotas)
    /// inside one fileset.
    Usr,
    /// `GRP`: a group's quota.
    Grp,
    /// `FILESET`: a fileset's own quota.
    Fileset,
}

impl QuotaKind {
    /// The `quotaType` spelling: `USR`, `GRP` or `FILESET`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Usr => "USR",
            Self::Grp => "GRP",
            Self::Fileset => "FILESET",
        }
    }

    pub(crate) fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        [Self::Usr, Self::Grp, Self::Fileset]
            .into_iter()
            .find(|kind| value.eq_ignore_ascii_case(kind.as_str()))
    }
}

impl fmt::Display for QuotaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The grace column of blocks or files.
///
/// `mmlsquota` prints `none` while usage is under the soft limit, the time
/// left once it is over (`6 days`, `2 hours`, ...) and `expired` when the
/// grace period has run out (the soft limit then acts as a hard one). Only
/// these shapes are documented; anything else that is not empty or `none` is
/// kept verbatim as [`Grace::Remaining`] rather than guessed at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Grace {
    /// No grace period running (`none` or empty).
    #[default]
    None,
    /// A grace period is running; the text as printed, e.g. `6 days`.
    Remaining(String),
    /// The grace period is over (`expired`).
    Expired,
}

impl Grace {
    /// Read a (decoded) grace value; see the type's documentation.
    #[must_use]
    pub fn parse(value: &str) -> Self {
        let value = value.trim();
        if value.is_empty() || value.eq_ignore_ascii_case("none") {
            Self::None
        } else if value.eq_ignore_ascii_case("expired") {
            Self::Expired
        } else {
            Self::Remaining(value.to_owned())
        }
    }
}

impl fmt::Display for Grace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("none"),
            Self::Remaining(text) => f.write_str(text),
            Self::Expired => f.write_str("expired"),
        }
    }
}

/// One `-Y` data row: one user, group or fileset on one file system.
///
/// Block values are KiB; file values are numbers of files (inodes). A soft or
/// hard limit of 0 means no limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaEntry {
    /// File system device name (`filesystemName`), e.g. `gpfs01`.
    pub device: String,
    /// `quotaType`.
    pub kind: QuotaKind,
    /// User, group or fileset id (`id`); `None` when the column is absent or
    /// empty.
    pub id: Option<u64>,
    /// User, group or fileset name (`name`); may be numeric when the id has no
    /// name on the node.
    pub name: String,
    /// The fileset: for `FILESET` rows the fileset itself (`filesetname`, else
    /// `name`); for `USR`/`GRP` rows the fileset a per-fileset quota applies
    /// to (`filesetname`), `None` for a file-system-wide quota.
    pub fileset: Option<String>,
    /// `blockUsage`, KiB; negative while `mmcheckquota` runs.
    pub block_used_kib: i64,
    /// `blockQuota` (soft limit), KiB; 0 = none.
    pub block_soft_kib: i64,
    /// `blockLimit` (hard limit), KiB; 0 = none.
    pub block_hard_kib: i64,
    /// `blockInDoubt`, KiB: usage not yet accounted; usage + in-doubt may not
    /// exceed the hard limit.
    pub block_in_doubt_kib: i64,
    /// `blockGrace`.
    pub block_grace: Grace,
    /// `filesUsage`.
    pub files_used: i64,
    /// `filesQuota` (soft limit); 0 = none.
    pub files_soft: i64,
    /// `filesLimit` (hard limit); 0 = none.
    pub files_hard: i64,
    /// `filesInDoubt`.
    pub files_in_doubt: i64,
    /// `filesGrace`.
    pub files_grace: Grace,
    /// `remarks` as printed (`e` explicit, `i` default-derived, ...); empty
    /// when absent.
    pub remarks: String,
    /// 1-based line of the row in the parsed text.
    pub line: usize,
}

/// Used, soft, hard and in-doubt of one resource (blocks or files), with the
/// arithmetic on them. Limits of 0 mean no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Current usage (KiB for blocks); may be negative during `mmcheckquota`.
    pub used: i64,
    /// Soft limit; 0 = none.
    pub soft: i64,
    /// Hard limit; 0 = none.
    pub hard: i64,
    /// Usage not yet accounted, which still counts against the hard limit.
    pub in_doubt: i64,
}

impl Usage {
    /// The limit that binds: the hard limit, else the soft one, else `None`.
    #[must_use]
    pub fn limit(&self) -> Option<i64> {
        [self.hard, self.soft].into_iter().find(|&limit| limit > 0)
    }

    /// Usage as a percentage of [`Usage::limit`]; `None` when unlimited.
    /// In-doubt is not included; negative usage gives a negative percentage.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn percent_of_limit(&self) -> Option<f64> {
        self.limit()
            .map(|limit| self.used as f64 * 100.0 / limit as f64)
    }

    /// What can still be written: [`Usage::limit`] minus usage minus in-doubt;
    /// negative when already over; `None` when unlimited. Negative usage or
    /// in-doubt (transient, during `mmcheckquota`) count as 0, so the result
    /// never exceeds the limit.
    #[must_use]
    pub fn headroom(&self) -> Option<i64> {
        self.limit().map(|limit| {
            limit
                .saturating_sub(self.used.max(0))
                .saturating_sub(self.in_doubt.max(0))
        })
    }

    /// Whether usage is at or above `pct` percent of [`Usage::threshold_limit`]
    /// (the soft limit when set, else the hard one): the same limit as
    /// [`Usage::percent_of_threshold_limit`], so the flag and the percentage
    /// shown next to it agree. A `pct` that is not finite is never reached.
    /// In-doubt is not included.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn is_over_threshold(&self, pct: f64) -> bool {
        if !pct.is_finite() {
            return false;
        }
        self.threshold_limit()
            .is_some_and(|(_, limit)| self.used as f64 * 100.0 >= limit as f64 * pct)
    }

    /// The limit usage reaches first, which the threshold is applied to: the
    /// soft limit when set (unless a hard limit is set below it), else the hard
    /// one; `None` when unlimited.
    #[must_use]
    pub fn threshold_limit(&self) -> Option<(LimitKind, i64)> {
        match (self.soft > 0, self.hard > 0) {
            (true, true) if self.hard < self.soft => Some((LimitKind::Hard, self.hard)),
            (true, _) => Some((LimitKind::Soft, self.soft)),
            (false, true) => Some((LimitKind::Hard, self.hard)),
            (false, false) => None,
        }
    }

    /// Usage as a percentage of [`Usage::threshold_limit`], with which limit.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn percent_of_threshold_limit(&self) -> Option<(LimitKind, f64)> {
        self.threshold_limit()
            .map(|(kind, limit)| (kind, self.used as f64 * 100.0 / limit as f64))
    }

    /// Usage as a percentage of the soft limit; `None` without one.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn percent_of_soft(&self) -> Option<f64> {
        (self.soft > 0).then(|| self.used as f64 * 100.0 / self.soft as f64)
    }

    /// Usage as a percentage of the hard limit; `None` without one.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn percent_of_hard(&self) -> Option<f64> {
        (self.hard > 0).then(|| self.used as f64 * 100.0 / self.hard as f64)
    }
}

/// Which limit a percentage or a threshold refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LimitKind {
    Soft,
    Hard,
}

impl LimitKind {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Soft => "soft",
            Self::Hard => "hard",
        }
    }
}

impl QuotaEntry {
    /// Blocks, in KiB.
    #[must_use]
    pub fn blocks(&self) -> Usage {
        Usage {
            used: self.block_used_kib,
            soft: self.block_soft_kib,
            hard: self.block_hard_kib,
            in_doubt: self.block_in_doubt_kib,
        }
    }

    /// Files (inodes).
    #[must_use]
    pub fn files(&self) -> Usage {
        Usage {
            used: self.files_used,
            soft: self.files_soft,
            hard: self.files_hard,
            in_doubt: self.files_in_doubt,
        }
    }

    /// Block usage as a percentage of the hard limit, else the soft one;
    /// `None` when there is no block limit.
    #[must_use]
    pub fn block_percent_of_limit(&self) -> Option<f64> {
        self.blocks().percent_of_limit()
    }

    /// File usage as a percentage of the hard limit, else the soft one;
    /// `None` when there is no file limit.
    #[must_use]
    pub fn files_percent_of_limit(&self) -> Option<f64> {
        self.files().percent_of_limit()
    }

    /// Space left in KiB: hard limit (else soft) minus usage minus in-doubt;
    /// negative when over; `None` when there is no block limit. This is what
    /// the submit preflight compares with checkpoint size x checkpoints kept.
    #[must_use]
    pub fn headroom_kib(&self) -> Option<i64> {
        self.blocks().headroom()
    }

    /// Files that can still be created, as [`QuotaEntry::headroom_kib`].
    #[must_use]
    pub fn files_headroom(&self) -> Option<i64> {
        self.files().headroom()
    }

    /// Whether blocks or files are at or above `pct` percent of their soft or
    /// hard limit.
    #[must_use]
    pub fn is_over_threshold(&self, pct: f64) -> bool {
        self.blocks().is_over_threshold(pct) || self.files().is_over_threshold(pct)
    }
}

/// A KiB amount in binary units with one decimal: `512 KiB`, `1.5 MiB`,
/// `1.5 TiB`, `-2.0 GiB`. Amounts under 1 MiB are whole KiB.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn human_kib(kib: i64) -> String {
    const UNITS: [&str; 7] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB"];
    let sign = if kib < 0 { "-" } else { "" };
    let abs = kib.unsigned_abs();
    if abs < 1024 {
        return format!("{sign}{abs} KiB");
    }
    let mut value = abs as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    // 1023.96 would print as "1024.0": move to the next unit instead.
    if (value * 10.0).round() >= 10240.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let name = UNITS.get(unit).copied().unwrap_or("ZiB");
    format!("{sign}{value:.1} {name}")
}
