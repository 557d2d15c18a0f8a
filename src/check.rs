//! One verdict scale for every check hybridctl makes: `doctor`'s rows, `fabric-check`'s
//! checks, the quota preflight, `nccl-check`'s verdicts and spec diagnostics all say how
//! bad a finding is as a [`Level`] (their documents keep their own words where a published
//! JSON shape needs them: `severity: warning` in an NCCL report, `error`/`warning` in a
//! diagnostic). [`Check`] is one finding with its evidence and next step, [`Summary`] the
//! counts a report ends with.

use serde::Serialize;

/// A verdict, ordered from best to worst.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Pass,
    /// Could not be checked here (a tool or a sysfs file is missing); never a failure.
    Unknown,
    Warn,
    Fail,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Unknown => "unknown",
            Self::Warn => "warn",
            Self::Fail => "fail",
        }
    }
}

/// One check of one subject (a device port, a netdev, the host) with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// Stable name, e.g. `pfc`; documented in docs/fabric-check.md.
    pub check: &'static str,
    /// `mlx5_0/1`, `ens1f0np0`, `mlx5_0/1 (ens1f0np0)` or `host`.
    pub subject: String,
    pub level: Level,
    /// One line: what was found.
    pub detail: String,
    /// Where it was found: file paths with their values, tool output lines.
    pub evidence: Vec<String>,
    /// The next step, for anything but a pass.
    pub hint: Option<String>,
}

impl Check {
    pub fn new(
        check: &'static str,
        subject: impl Into<String>,
        level: Level,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            check,
            subject: subject.into(),
            level,
            detail: detail.into(),
            evidence: Vec::new(),
            hint: None,
        }
    }

    pub fn evidence(mut self, e: impl Into<String>) -> Self {
        self.evidence.push(e.into());
        self
    }

    pub fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }
}

/// Counts of each level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub unknown: usize,
}

impl Summary {
    pub fn of<'a>(levels: impl IntoIterator<Item = &'a Level>) -> Self {
        let mut s = Self::default();
        for l in levels {
            match l {
                Level::Pass => s.pass += 1,
                Level::Warn => s.warn += 1,
                Level::Fail => s.fail += 1,
                Level::Unknown => s.unknown += 1,
            }
        }
        s
    }
}
