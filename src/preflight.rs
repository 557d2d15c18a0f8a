//! The submit-time GPFS headroom check: will the job's checkpoints fit in its fileset?
//!
//! Pure: it takes the spec, the site's GPFS settings and parsed `mmlsquota -Y` entries, and
//! returns a verdict with the numbers. `submit` runs `mmlsquota` and decides what to do.

use serde::Serialize;

use crate::jobspec::Spec;
use crate::quota::{QuotaEntry, QuotaKind, human_kib};
use crate::settings::GpfsConfig;

/// The fileset a job writes its checkpoints into, and how much it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Need {
    pub device: String,
    pub fileset: String,
    /// Checkpoint size times the number kept, in KiB (rounded up).
    pub need_kib: i64,
    pub checkpoints_kept: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Enough headroom.
    Fits { headroom_kib: i64 },
    /// Not enough: the checkpoints would hit the limit.
    Short { headroom_kib: i64 },
    /// The fileset has no block limit.
    Unlimited,
    /// `mmlsquota` did not report the fileset.
    NotReported,
}

impl Verdict {
    /// On the one verdict scale: short of space fails (or warns, as the site's preflight
    /// policy decides), a fileset `mmlsquota` does not report cannot be judged.
    pub fn level(&self) -> crate::check::Level {
        use crate::check::Level;
        match self {
            Self::Fits { .. } | Self::Unlimited => Level::Pass,
            Self::Short { .. } => Level::Fail,
            Self::NotReported => Level::Unknown,
        }
    }
}

/// What the spec needs from which fileset, when it says enough to check: a GPFS fileset
/// (in the spec, or through the site's `gpfs.claims` mapping of its claim) and a checkpoint
/// size.
pub fn need(spec: &Spec, gpfs: &GpfsConfig) -> Option<Need> {
    let g = spec.storage.gpfs.as_ref()?;
    let size = spec.storage.checkpoint_size?;
    let mapped = gpfs
        .claims
        .iter()
        .find(|(claim, _, _)| *claim == g.claim_name);
    let device = g
        .device
        .clone()
        .or_else(|| mapped.map(|(_, d, _)| d.clone()))?;
    let fileset = g
        .fileset
        .clone()
        .or_else(|| mapped.map(|(_, _, f)| f.clone()))?;
    let kept = u64::from(spec.storage.checkpoints_kept.max(1));
    let bytes = size.saturating_mul(kept);
    let need_kib = i64::try_from(bytes.div_ceil(1024)).unwrap_or(i64::MAX);
    Some(Need {
        device,
        fileset,
        need_kib,
        checkpoints_kept: spec.storage.checkpoints_kept.max(1),
    })
}

pub fn verdict(entries: &[QuotaEntry], need: &Need) -> Verdict {
    let Some(entry) = entries.iter().find(|e| {
        e.kind == QuotaKind::Fileset
            && e.device == need.device
            && e.fileset.as_deref().unwrap_or(&e.name) == need.fileset
    }) else {
        return Verdict::NotReported;
    };
    match entry.headroom_kib() {
        None => Verdict::Unlimited,
        Some(h) if h >= need.need_kib => Verdict::Fits { headroom_kib: h },
        Some(h) => Verdict::Short { headroom_kib: h },
    }
}

/// One sentence for the verdict.
pub fn describe(need: &Need, verdict: &Verdict) -> String {
    let what = format!(
        "{} checkpoint{} need {} in fileset `{}` on `{}`",
        need.checkpoints_kept,
        if need.checkpoints_kept == 1 { "" } else { "s" },
        human_kib(need.need_kib),
        need.fileset,
        need.device
    );
    match verdict {
        Verdict::Fits { headroom_kib } => {
            format!("{what}: {} free, fits", human_kib(*headroom_kib))
        }
        Verdict::Short { headroom_kib } => format!(
            "{what}, but only {} is left before the hard limit",
            human_kib((*headroom_kib).max(0))
        ),
        Verdict::Unlimited => format!("{what}: the fileset has no block limit"),
        Verdict::NotReported => format!("{what}: mmlsquota did not report that fileset"),
    }
}
