//! Why a Slurm job is waiting, in plain words: the pending-reason taxonomy.
//!
//! This module owns the meaning of the reason text Slurm shows for a job, so that hybridctl
//! can tell a user why a job waits without guessing. [`PendingReason::parse`] reads every form
//! Slurm prints: `squeue -o %r` (`Resources`), `squeue -o %R` (`(Resources)`), and
//! `scontrol show job` (`Reason=ReqNodeNotAvail,_UnavailableNodes:node2`, a `_` for each space).
//! It sorts the reason into a [`ReasonGroup`] and gives a one-sentence explanation.
//!
//! [`REASONS`] holds every code Slurm 22.05's `job_reason_string()` returns, read from
//! `libslurmfull.so` of Debian's slurm-wlm 22.05.8 and checked against Slurm's
//! `src/common/job_state_reason.c` (a later version, with a few codes 22.05 lacks). It also
//! reads the descriptions slurmctld 22.05 prints in place of a code
//! (`job requeued in held state`, `ReqNodeNotAvail, Reserved for maintenance`, ...; read from
//! the `slurmctld` binary). Codes that say how a job *ended* (`NonZeroExitCode`, `TimeLimit`,
//! ...) are in the table too, in [`ReasonGroup::Other`], because `squeue -t all` and `scontrol`
//! show them for finished jobs.
//!
//! The explanations say what a reason means and nothing more. They never suggest a remedy,
//! because the remedy depends on the site: a QOS limit may be meant to be waited out, raised by
//! an administrator, or avoided with another QOS. A reason the table does not know goes to
//! [`ReasonGroup::Other`] with its raw text. Pure: no I/O, `std` only.

use std::fmt;

/// The kind of obstacle a pending reason names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonGroup {
    /// A QOS, association, account or partition limit or policy (`QOSMaxGRESPerUser`,
    /// `AssocGrpCPUMinutesLimit`, `PartitionTimeLimit`, `InvalidAccount`, ...).
    QuotaOrLimits,
    /// The job is in line for busy resources (`Resources`, `Priority`, `Licenses`, ...).
    ResourcesOrPriority,
    /// Someone holds the job (`JobHeldUser`, `JobHeldAdmin`, `job requeued in held state`, ...).
    Held,
    /// The job waits for other jobs (`Dependency`, `DependencyNeverSatisfied`).
    Dependency,
    /// Nodes, partitions or reservations are unavailable (`ReqNodeNotAvail, ...`,
    /// `PartitionDown`, `Reservation`, `NodeDown`, ...).
    ReservationOrMaintenance,
    /// Anything else, including the reasons a finished job shows and unknown reasons.
    Other,
}

impl ReasonGroup {
    /// Every group, in declaration order.
    pub const ALL: [ReasonGroup; 6] = [
        ReasonGroup::QuotaOrLimits,
        ReasonGroup::ResourcesOrPriority,
        ReasonGroup::Held,
        ReasonGroup::Dependency,
        ReasonGroup::ReservationOrMaintenance,
        ReasonGroup::Other,
    ];

    /// The group in plain words, for example `quota or limits`.
    pub fn label(self) -> &'static str {
        match self {
            ReasonGroup::QuotaOrLimits => "quota or limits",
            ReasonGroup::ResourcesOrPriority => "resources or priority",
            ReasonGroup::Held => "held",
            ReasonGroup::Dependency => "dependency",
            ReasonGroup::ReservationOrMaintenance => "reservation or maintenance",
            ReasonGroup::Other => "other",
        }
    }
}

impl fmt::Display for ReasonGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One reason code Slurm 22.05 defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonInfo {
    /// The code exactly as Slurm prints it, for example `QOSMaxGRESPerUser`.
    pub code: &'static str,
    /// Its group.
    pub group: ReasonGroup,
    /// One plain sentence (lower case, no final period) saying what it means.
    pub explanation: &'static str,
}

/// A shorthand for the table below.
const fn r(code: &'static str, group: ReasonGroup, explanation: &'static str) -> ReasonInfo {
    ReasonInfo {
        code,
        group,
        explanation,
    }
}

use ReasonGroup::{Held, Other, QuotaOrLimits, ReservationOrMaintenance};

mod table;

pub use table::REASONS;

/// How a [`DESCRIPTIONS`] entry matches the reason text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    /// The whole text.
    Exact,
    /// The start of the text (the rest names partitions, accounts or QOS).
    Prefix,
}

/// Texts slurmctld 22.05 shows *instead of* a reason code (its `state_desc`; read from the
/// `slurmctld` binary). `squeue` prints them as they are and `scontrol` with `_` for every
/// space. The code behind them is not shown, so [`PendingReason::code`] is `None` for them.
const DESCRIPTIONS: &[(&str, Match, ReasonGroup, &str)] = &[
    (
        "job requeued in held state",
        Match::Exact,
        Held,
        "requeued in a held state (for example by `scontrol requeuehold`); a held job does not start until it is released",
    ),
    (
        "launch failed requeued held",
        Match::Exact,
        Held,
        "Slurm could not launch it, so it was requeued and held; a held job does not start until it is released",
    ),
    (
        "Nodes required for job are DOWN, DRAINED or reserved for jobs in higher priority partitions",
        Match::Exact,
        ReservationOrMaintenance,
        "the nodes it needs are down, drained, or reserved for jobs in higher-priority partitions",
    ),
    (
        "Job's account not permitted to use this partition",
        Match::Prefix,
        QuotaOrLimits,
        "its account is not allowed in its partition",
    ),
    (
        "Job's account not known, so it can't use this partition",
        Match::Prefix,
        QuotaOrLimits,
        "its account is not known, and its partition allows only some accounts",
    ),
    (
        "Job's QOS not permitted to use this partition",
        Match::Prefix,
        QuotaOrLimits,
        "its QOS is not allowed in its partition",
    ),
    (
        "Job's QOS not known, so it can't use this partition",
        Match::Prefix,
        QuotaOrLimits,
        "its QOS is not known, and its partition allows only some QOS",
    ),
    (
        "PrologSlurmctld failed, job killed",
        Match::Exact,
        Other,
        "the job's PrologSlurmctld failed, so Slurm ended the job",
    ),
];

/// The details slurmctld 22.05 appends to `ReqNodeNotAvail, ` and what each one means.
const NODE_NOT_AVAIL_DETAILS: &[(&str, Match, &str)] = &[
    (
        "UnavailableNodes:",
        Match::Prefix,
        "nodes are not available (down, drained, or reserved); Slurm lists the unavailable ones, which are not always nodes the job asked for",
    ),
    (
        "May be reserved for other job",
        Match::Exact,
        "the nodes it needs may be reserved for another job",
    ),
    (
        "Reserved for maintenance",
        Match::Exact,
        "the nodes it needs are reserved for maintenance",
    ),
];

/// Reads and explains a reason as Slurm printed it: the same as [`PendingReason::parse`].
pub fn explain(text: &str) -> PendingReason {
    PendingReason::parse(text)
}

/// Looks up a reason code (ASCII case does not matter, as in Slurm's own lookup).
pub fn lookup(code: &str) -> Option<&'static ReasonInfo> {
    REASONS
        .iter()
        .find(|info| info.code.eq_ignore_ascii_case(code))
}

/// A pending reason as `squeue` or `scontrol` printed it, with its meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingReason {
    raw: String,
    code: Option<&'static str>,
    detail: Option<String>,
    group: ReasonGroup,
    explanation: Option<&'static str>,
}

impl PendingReason {
    /// Reads a reason in any form Slurm prints it: `Resources` (`squeue %r`), `(Resources)`
    /// (`squeue %R`), `ReqNodeNotAvail, UnavailableNodes:node[1-2]`,
    /// `ReqNodeNotAvail,_UnavailableNodes:node2` (`scontrol`), or a description such as
    /// `job requeued in held state`. Never fails: unknown text is [`ReasonGroup::Other`] with
    /// no explanation, and [`PendingReason::raw`] keeps it.
    pub fn parse(text: &str) -> PendingReason {
        let raw = strip_parentheses(text.trim()).trim();
        if let Some(reason) = Self::from_description(raw) {
            return reason;
        }
        let (head, tail) = match raw.split_once(',') {
            Some((head, tail)) => (head.trim(), Some(tail)),
            None => (raw, None),
        };
        let detail = tail
            .map(|tail| tail.trim_start_matches([' ', '_']).trim_end())
            .filter(|detail| !detail.is_empty());
        match lookup(head) {
            Some(info) => {
                let explanation = match (info.code, detail) {
                    ("ReqNodeNotAvail", Some(detail)) => {
                        node_not_avail_explanation(detail).unwrap_or(info.explanation)
                    }
                    _ => info.explanation,
                };
                PendingReason {
                    raw: raw.to_string(),
                    code: Some(info.code),
                    detail: detail.map(str::to_string),
                    group: info.group,
                    explanation: Some(explanation),
                }
            }
            None => PendingReason {
                raw: raw.to_string(),
                code: None,
                detail: None,
                group: ReasonGroup::Other,
                explanation: None,
            },
        }
    }

    fn from_description(raw: &str) -> Option<PendingReason> {
        DESCRIPTIONS
            .iter()
            .find(|(text, how, ..)| matches_text(raw, text, *how))
            .map(|&(text, _, group, explanation)| {
                let rest = raw.get(text.len()..).unwrap_or("").trim();
                PendingReason {
                    raw: raw.to_string(),
                    code: None,
                    detail: (!rest.is_empty()).then(|| rest.to_string()),
                    group,
                    explanation: Some(explanation),
                }
            })
    }

    /// The text as Slurm printed it, without `squeue`'s parentheses and outer spaces.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The Slurm reason code, for example `ReqNodeNotAvail`; `None` for text this module
    /// does not know, and for descriptions Slurm shows instead of a code.
    pub fn code(&self) -> Option<&'static str> {
        self.code
    }

    /// What follows the code or description, for example `UnavailableNodes:node[1-2]` or
    /// `(debug allows normal not high)`.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// The group; [`ReasonGroup::Other`] for unknown text.
    pub fn group(&self) -> ReasonGroup {
        self.group
    }

    /// One plain sentence; `None` for unknown text.
    pub fn explanation(&self) -> Option<&'static str> {
        self.explanation
    }

    /// Whether the text is a code or description this module knows.
    pub fn is_known(&self) -> bool {
        self.explanation.is_some()
    }

    /// Whether Slurm gave no reason (`None`, or empty text).
    pub fn is_no_reason(&self) -> bool {
        self.raw.is_empty() || self.code == Some("None")
    }

    /// The node list after `UnavailableNodes:` (a hostlist expression such as `node[1-2]`).
    pub fn unavailable_nodes(&self) -> Option<&str> {
        self.detail
            .as_deref()
            .and_then(|detail| detail.strip_prefix("UnavailableNodes:"))
    }
}

/// The explanation, or else the raw text.
impl fmt::Display for PendingReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.explanation {
            Some(explanation) => f.write_str(explanation),
            None => f.write_str(&self.raw),
        }
    }
}

/// `(text)` -> `text`; anything else is returned as it is.
fn strip_parentheses(text: &str) -> &str {
    text.strip_prefix('(')
        .and_then(|inner| inner.strip_suffix(')'))
        .unwrap_or(text)
}

/// Whether `raw` is `text` (or starts with it), where `raw` may have `_` for each space of
/// `text` (as `scontrol` prints descriptions).
fn matches_text(raw: &str, text: &str, how: Match) -> bool {
    let Some(start) = raw.get(..text.len()) else {
        return false;
    };
    if how == Match::Exact && raw.len() != text.len() {
        return false;
    }
    start
        .bytes()
        .zip(text.bytes())
        .all(|(have, want)| have == want || (want == b' ' && have == b'_'))
}

fn node_not_avail_explanation(detail: &str) -> Option<&'static str> {
    NODE_NOT_AVAIL_DETAILS
        .iter()
        .find(|(text, how, _)| matches_text(detail, text, *how))
        .map(|&(_, _, explanation)| explanation)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReasonGroup::{Dependency, ResourcesOrPriority};

    #[test]
    fn every_code_is_unique_and_explained() {
        for (i, info) in REASONS.iter().enumerate() {
            assert!(!info.code.is_empty());
            assert!(
                info.code.bytes().all(|b| b.is_ascii_alphanumeric()),
                "{}",
                info.code
            );
            assert!(
                REASONS[..i]
                    .iter()
                    .all(|other| !other.code.eq_ignore_ascii_case(info.code)),
                "duplicate {}",
                info.code
            );
            let e = info.explanation;
            assert!(!e.is_empty() && !e.ends_with('.'), "{}: {e}", info.code);
            assert!(
                e.starts_with(|c: char| !c.is_uppercase()) || e.starts_with("Slurm "),
                "{e}"
            );
        }
        assert_eq!(REASONS.len(), 198);
    }

    /// The explanations state what the reason means and never tell the user what to do.
    #[test]
    fn explanations_suggest_no_remedy() {
        let texts = REASONS
            .iter()
            .map(|info| info.explanation)
            .chain(DESCRIPTIONS.iter().map(|d| d.3))
            .chain(NODE_NOT_AVAIL_DETAILS.iter().map(|d| d.2));
        for text in texts {
            let lower = text.to_lowercase();
            for word in [
                "try",
                "should",
                "contact",
                "ask ",
                "please",
                "reduce",
                "increase",
                "cancel",
                "resubmit",
                "request fewer",
                "use another",
                "wait for your",
            ] {
                assert!(!lower.contains(word), "`{word}` in: {text}");
            }
        }
    }

    #[test]
    fn every_qos_and_assoc_code_is_a_quota_or_limit() {
        for info in REASONS {
            let c = info.code;
            let limit = c.starts_with("QOS")
                || c.starts_with("Assoc")
                || c.starts_with("Association")
                || (c.starts_with("Max") && c.ends_with("PerAccount"));
            if limit {
                assert_eq!(info.group, QuotaOrLimits, "{c}");
            }
        }
    }

    #[test]
    fn the_groups_of_well_known_codes() {
        let cases = [
            ("QOSMaxGRESPerUser", QuotaOrLimits),
            ("AssocGrpCPUMinutesLimit", QuotaOrLimits),
            ("AssocGrpBillingMinutes", QuotaOrLimits),
            ("QOSMaxWallDurationPerJobLimit", QuotaOrLimits),
            ("PartitionTimeLimit", QuotaOrLimits),
            ("PartitionNodeLimit", QuotaOrLimits),
            ("MaxGRESPerAccount", QuotaOrLimits),
            ("JobArrayTaskLimit", QuotaOrLimits),
            ("Resources", ResourcesOrPriority),
            ("Priority", ResourcesOrPriority),
            ("Licenses", ResourcesOrPriority),
            ("JobHeldUser", Held),
            ("JobHeldAdmin", Held),
            ("JobHoldMaxRequeue", Held),
            ("Dependency", Dependency),
            ("DependencyNeverSatisfied", Dependency),
            ("Reservation", ReservationOrMaintenance),
            ("ReservationDeleted", ReservationOrMaintenance),
            ("ReqNodeNotAvail", ReservationOrMaintenance),
            ("PartitionDown", ReservationOrMaintenance),
            ("PartitionInactive", ReservationOrMaintenance),
            ("NodeDown", ReservationOrMaintenance),
            ("BeginTime", Other),
            ("NonZeroExitCode", Other),
            ("TimeLimit", Other),
            ("DeadLine", Other),
            ("None", Other),
        ];
        for (code, group) in cases {
            let reason = PendingReason::parse(code);
            assert_eq!(reason.group(), group, "{code}");
            assert_eq!(reason.code(), Some(code));
            assert!(reason.is_known());
        }
    }

    #[test]
    fn explanations_in_plain_words() {
        assert_eq!(
            PendingReason::parse("(Resources)").to_string(),
            "waiting for resources: the nodes it needs are busy"
        );
        assert_eq!(
            PendingReason::parse("QOSMaxGRESPerUser").to_string(),
            "starting it would exceed the per-user limit of its QOS on GRES (generic resources such as GPUs) in use at once (MaxTRESPerUser)"
        );
        assert_eq!(
            PendingReason::parse("AssocGrpCPUMinutesLimit").to_string(),
            "the limit on CPU-minutes that all jobs of its association (user and account) may use over time is reached (GrpTRESMins)"
        );
    }

    #[test]
    fn squeue_and_scontrol_forms_of_req_node_not_avail() {
        for text in [
            "(ReqNodeNotAvail, UnavailableNodes:node[1-2])",
            "ReqNodeNotAvail, UnavailableNodes:node[1-2]",
            "ReqNodeNotAvail,_UnavailableNodes:node[1-2]",
        ] {
            let reason = PendingReason::parse(text);
            assert_eq!(reason.code(), Some("ReqNodeNotAvail"), "{text}");
            assert_eq!(reason.group(), ReservationOrMaintenance);
            assert_eq!(reason.detail(), Some("UnavailableNodes:node[1-2]"));
            assert_eq!(reason.unavailable_nodes(), Some("node[1-2]"));
            assert!(reason.to_string().starts_with("nodes are not available"));
        }
        for text in [
            "ReqNodeNotAvail, Reserved for maintenance",
            "ReqNodeNotAvail,_Reserved_for_maintenance",
        ] {
            let reason = PendingReason::parse(text);
            assert_eq!(reason.group(), ReservationOrMaintenance);
            assert_eq!(
                reason.explanation(),
                Some("the nodes it needs are reserved for maintenance")
            );
            assert_eq!(reason.unavailable_nodes(), None);
        }
        let reason = PendingReason::parse("(ReqNodeNotAvail, May be reserved for other job)");
        assert_eq!(
            reason.explanation(),
            Some("the nodes it needs may be reserved for another job")
        );
        // a detail this module does not know keeps the code's own explanation
        let reason = PendingReason::parse("ReqNodeNotAvail, something new");
        assert_eq!(reason.detail(), Some("something new"));
        assert_eq!(
            reason.explanation(),
            Some("nodes it needs are not available: down, drained, or reserved")
        );
    }

    #[test]
    fn descriptions_in_both_forms() {
        for text in [
            "(job requeued in held state)",
            "job requeued in held state",
            "job_requeued_in_held_state",
        ] {
            let reason = PendingReason::parse(text);
            assert_eq!(reason.group(), Held, "{text}");
            assert_eq!(reason.code(), None);
            assert!(reason.is_known());
            assert_eq!(reason.detail(), None);
        }
        let reason = PendingReason::parse(
            "Job's QOS not permitted to use this partition (debug allows normal not high)",
        );
        assert_eq!(reason.group(), QuotaOrLimits);
        assert_eq!(reason.code(), None);
        assert_eq!(reason.detail(), Some("(debug allows normal not high)"));
        let reason = PendingReason::parse(
            "(Nodes required for job are DOWN, DRAINED or reserved for jobs in higher priority partitions)",
        );
        assert_eq!(reason.group(), ReservationOrMaintenance);
        assert_eq!(reason.code(), None);
        assert!(reason.is_known());
        // an exact description with more text after it is not that description
        let reason = PendingReason::parse("job requeued in held state, and more");
        assert!(!reason.is_known());
    }

    #[test]
    fn unknown_and_hostile_text_is_other_with_the_raw_text() {
        for text in [
            "SomethingNew",
            "",
            "()",
            "(",
            ")",
            "((Resources))",
            ",",
            ", Resources",
            "Resources\u{0}",
            "ünïcödé ✓, ü",
            "job_requeued_in_held_stat",
            &"x".repeat(100_000),
        ] {
            let reason = PendingReason::parse(text);
            assert_eq!(reason.group(), Other, "{text:?}");
            assert!(!reason.is_known(), "{text:?}");
            assert_eq!(reason.code(), None);
            assert_eq!(reason.to_string(), reason.raw());
        }
        let reason = PendingReason::parse("  (Brand New Reason)  ");
        assert_eq!(reason.raw(), "Brand New Reason");
        assert_eq!(reason.to_string(), "Brand New Reason");
        assert!(PendingReason::parse("").is_no_reason());
        assert!(PendingReason::parse("None").is_no_reason());
        assert!(!PendingReason::parse("Priority").is_no_reason());
    }

    #[test]
    fn lookup_ignores_ascii_case_like_slurm() {
        assert_eq!(
            lookup("qosmaxgresperuser").map(|i| i.code),
            Some("QOSMaxGRESPerUser")
        );
        assert_eq!(lookup("QOSMaxGRESPerUse"), None);
        assert_eq!(ReasonGroup::ALL.len(), 6);
        assert_eq!(ReasonGroup::QuotaOrLimits.to_string(), "quota or limits");
    }
}
