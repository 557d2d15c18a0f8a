//! GPFS / IBM Storage Scale quotas: parse `mmlsquota -Y`, decide what to ask
//! `mmlsquota`, and the arithmetic behind `hybridctl quota` and the submit-time
//! preflight.
//!
//! This module owns three things, all pure (no I/O, no processes, `std` only):
//!
//! * [`parse_mmlsquota_y`]: the machine-readable `-Y` output turned into
//!   [`QuotaEntry`] values. The caller runs `mmlsquota`; this reads its stdout.
//! * [`mmlsquota_args`]: the argument vectors hybridctl runs `mmlsquota` with.
//! * The numbers: [`Usage::percent_of_limit`], [`Usage::headroom`],
//!   [`Usage::is_over_threshold`] (also on [`QuotaEntry`] for blocks and files)
//!   and [`human_kib`].
//!
//! # The `-Y` format
//!
//! Sources: IBM Storage Scale "mmlsquota command" reference (synopsis and field
//! list, identical from Spectrum Scale 5.0.0 to Storage Scale 6.0.1), and public
//! `-Y` samples and parsers (mmoxi's `src/quota-example.in`, whose header-driven
//! parser is the prior art; hpcugent/vsc-filesystems, which percent-decodes
//! every `-Y` value and pads short rows). No real GPFS was available to record
//! output from; the fixtures under `tests/fixtures/mmlsquota/` are built from
//! those sources (see the README there).
//!
//! Every line is colon separated. A header line names the columns:
//!
//! ```text
//! mmlsquota::HEADER:version:reserved:reserved:filesystemName:quotaType:id:name:blockUsage:blockQuota:blockLimit:blockInDoubt:blockGrace:filesUsage:filesQuota:filesLimit:filesInDoubt:filesGrace:remarks:quota:defQuota:fid:filesetname:
//! mmlsquota::0:1:::gpfs01:USR:1001:alice:2097152:10485760:12582912:0:none:41000:0:0:0:none:e:on:off:::
//! ```
//!
//! The first field is the command, the second a record kind (empty for quota
//! rows), the third `HEADER` on a header line. Rules this parser follows:
//!
//! * Columns are found by their HEADER name (ASCII case-insensitive; both
//!   `filesetname` and `filesetName` are accepted), never by position. Unknown
//!   columns are ignored; the optional ones below may be absent.
//! * Several HEADER lines may appear; each applies to the following data lines
//!   of the same command and record kind, until the next HEADER for that pair.
//!   A header without a `quotaType` column is another record kind: its data
//!   lines are skipped. A quota header must name `filesystemName`,
//!   `quotaType`, `blockUsage`, `blockQuota` and `blockLimit`.
//! * Values are percent-decoded (`%3A` is `:`); an invalid escape stays as is.
//! * A row shorter than its header is padded with empty values. A row longer
//!   than its header is an error (an unencoded `:` in a value shifts every
//!   later column), except for one empty trailing field after a header that
//!   does not end in `:`.
//! * Block values are KiB (hybridctl never passes `--block-size`). Usage and
//!   in-doubt are signed: both can be negative while `mmcheckquota` runs.
//!   Limits must not be negative; a limit of 0 means "no limit".
//! * Empty optional numbers are 0, an empty `blockUsage` is an error.
//! * Grace is `none`, `expired` or a remaining time such as `6 days`; any other
//!   text is kept as a remaining time (see [`Grace`]).
//! * Blank lines and `*** Report for ...` banners (from `mmrepquota`) are
//!   skipped; any other line that is not `-Y` output (say, an error message
//!   that ended up on stdout) is an error naming its line.

use std::fmt;

/// Usage at or above this percentage of a soft or hard limit is highlighted,
/// and fails `hybridctl quota --check`.
pub const DEFAULT_THRESHOLD_PCT: f64 = 90.0;

/// Longest offending text kept in an error, in bytes.
const MAX_ERROR_TEXT: usize = 64;

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

    fn parse(value: &str) -> Option<Self> {
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

/// Decode `%XX` escapes (as GPFS writes `:` inside `-Y` values: `%3A`). An
/// escape that is not two hex digits is kept as is; bytes that do not form
/// UTF-8 become U+FFFD.
#[must_use]
pub fn percent_decode(value: &str) -> String {
    if !value.contains('%') {
        return value.to_owned();
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte == b'%' {
            let hex = bytes
                .get(i + 1)
                .copied()
                .and_then(hex_digit)
                .zip(bytes.get(i + 2).copied().and_then(hex_digit));
            if let Some((high, low)) = hex {
                out.push(high << 4 | low);
                i += 3;
                continue;
            }
        }
        out.push(byte);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(text) => text,
        Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
    }
}

fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

// ----------------------------------------------------------------------------
// Parsing
// ----------------------------------------------------------------------------

/// What was wrong with a line of `mmlsquota -Y` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaParseErrorKind {
    /// The line is not `-Y` output (no `command:kind:...` fields), e.g. an
    /// error message.
    NotYFormat,
    /// A data line with no HEADER line before it for its command and kind.
    NoHeader,
    /// A quota HEADER without this required column.
    MissingColumn(&'static str),
    /// A HEADER naming this column twice.
    DuplicateColumn(&'static str),
    /// A data line with more fields than its HEADER line.
    TooManyFields {
        /// Fields in the data line.
        found: usize,
        /// Fields in its HEADER line.
        expected: usize,
    },
    /// A required value is empty.
    EmptyValue(&'static str),
    /// The column's value is not a whole number that fits in 64 bits.
    InvalidNumber(&'static str),
    /// A limit below zero.
    NegativeLimit(&'static str),
    /// `quotaType` is not `USR`, `GRP` or `FILESET`.
    UnknownQuotaType,
}

impl fmt::Display for QuotaParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotYFormat => f.write_str("not mmlsquota -Y output"),
            Self::NoHeader => f.write_str("data line without a HEADER line before it"),
            Self::MissingColumn(column) => write!(f, "HEADER has no `{column}` column"),
            Self::DuplicateColumn(column) => write!(f, "HEADER names `{column}` twice"),
            Self::TooManyFields { found, expected } => write!(
                f,
                "{found} fields but the HEADER has {expected} (an unencoded `:` in a value?)"
            ),
            Self::EmptyValue(column) => write!(f, "`{column}` is empty"),
            Self::InvalidNumber(column) => {
                write!(f, "`{column}` is not a whole number in range")
            }
            Self::NegativeLimit(column) => write!(f, "`{column}` is a negative limit"),
            Self::UnknownQuotaType => f.write_str("`quotaType` is not USR, GRP or FILESET"),
        }
    }
}

/// Why [`parse_mmlsquota_y`] refused its input: what was wrong, on which
/// 1-based line, and the offending text (a value, or the line; cut to 64 bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaParseError {
    /// 1-based line number.
    pub line: usize,
    /// What was wrong.
    pub kind: QuotaParseErrorKind,
    /// The offending value or line, cut to 64 bytes.
    pub text: String,
}

impl QuotaParseError {
    fn new(line: usize, kind: QuotaParseErrorKind, text: &str) -> Self {
        Self {
            line,
            kind,
            text: cut(text),
        }
    }
}

impl fmt::Display for QuotaParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "mmlsquota -Y output, line {}: {}: `{}`",
            self.line, self.kind, self.text
        )
    }
}

impl std::error::Error for QuotaParseError {}

fn cut(text: &str) -> String {
    if text.len() <= MAX_ERROR_TEXT {
        return text.to_owned();
    }
    let mut end = MAX_ERROR_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", text.get(..end).unwrap_or_default())
}

/// Column positions of one quota HEADER.
#[derive(Debug, Clone)]
struct Columns {
    width: usize,
    trailing_colon: bool,
    device: usize,
    quota_type: usize,
    block_usage: usize,
    block_quota: usize,
    block_limit: usize,
    id: Option<usize>,
    name: Option<usize>,
    block_in_doubt: Option<usize>,
    block_grace: Option<usize>,
    files_usage: Option<usize>,
    files_quota: Option<usize>,
    files_limit: Option<usize>,
    files_in_doubt: Option<usize>,
    files_grace: Option<usize>,
    remarks: Option<usize>,
    fileset: Option<usize>,
}

/// A HEADER in force: its command and record kind, and its columns when it
/// describes quota rows (`None` for another record kind).
#[derive(Debug)]
struct Header {
    command: String,
    record: String,
    columns: Option<Columns>,
}

impl Columns {
    fn from_header(fields: &[&str], line: usize) -> Result<Option<Self>, QuotaParseError> {
        // Names start after `command:kind:HEADER`.
        let names: Vec<(usize, String)> = fields
            .iter()
            .enumerate()
            .skip(3)
            .map(|(i, name)| (i, percent_decode(name.trim())))
            .collect();
        let find =
            |column: &'static str, aliases: &[&str]| -> Result<Option<usize>, QuotaParseError> {
                let mut hits = names.iter().filter(|(_, name)| {
                    name.eq_ignore_ascii_case(column)
                        || aliases.iter().any(|alias| name.eq_ignore_ascii_case(alias))
                });
                let first = hits.next().map(|(i, _)| *i);
                if let Some((_, again)) = hits.next() {
                    return Err(QuotaParseError::new(
                        line,
                        QuotaParseErrorKind::DuplicateColumn(column),
                        again,
                    ));
                }
                Ok(first)
            };
        let Some(quota_type) = find("quotaType", &[])? else {
            return Ok(None);
        };
        let required = |column: &'static str| -> Result<usize, QuotaParseError> {
            find(column, &[])?.ok_or_else(|| {
                QuotaParseError::new(
                    line,
                    QuotaParseErrorKind::MissingColumn(column),
                    &fields.join(":"),
                )
            })
        };
        Ok(Some(Self {
            width: fields.len(),
            trailing_colon: fields.last().is_some_and(|last| last.trim().is_empty()),
            device: required("filesystemName")?,
            quota_type,
            block_usage: required("blockUsage")?,
            block_quota: required("blockQuota")?,
            block_limit: required("blockLimit")?,
            id: find("id", &[])?,
            name: find("name", &[])?,
            block_in_doubt: find("blockInDoubt", &[])?,
            block_grace: find("blockGrace", &[])?,
            files_usage: find("filesUsage", &[])?,
            files_quota: find("filesQuota", &[])?,
            files_limit: find("filesLimit", &[])?,
            files_in_doubt: find("filesInDoubt", &[])?,
            files_grace: find("filesGrace", &[])?,
            remarks: find("remarks", &[])?,
            fileset: find("filesetname", &["filesetName"])?,
        }))
    }
}

/// Reads the values of one data row.
struct Row<'a> {
    fields: &'a [&'a str],
    line: usize,
}

impl Row<'_> {
    /// The decoded, trimmed value at `index`; empty when the row is short.
    fn text(&self, index: Option<usize>) -> String {
        index
            .and_then(|i| self.fields.get(i))
            .map(|value| percent_decode(value).trim().to_owned())
            .unwrap_or_default()
    }

    fn error(&self, kind: QuotaParseErrorKind, text: &str) -> QuotaParseError {
        QuotaParseError::new(self.line, kind, text)
    }

    fn number(&self, column: &'static str, index: Option<usize>) -> Result<i64, QuotaParseError> {
        let value = self.text(index);
        if value.is_empty() {
            return Ok(0);
        }
        value
            .parse::<i64>()
            .map_err(|_| self.error(QuotaParseErrorKind::InvalidNumber(column), &value))
    }

    fn required_number(&self, column: &'static str, index: usize) -> Result<i64, QuotaParseError> {
        if self.text(Some(index)).is_empty() {
            return Err(self.error(QuotaParseErrorKind::EmptyValue(column), ""));
        }
        self.number(column, Some(index))
    }

    fn limit(&self, column: &'static str, index: Option<usize>) -> Result<i64, QuotaParseError> {
        let value = self.number(column, index)?;
        if value < 0 {
            return Err(self.error(
                QuotaParseErrorKind::NegativeLimit(column),
                &value.to_string(),
            ));
        }
        Ok(value)
    }

    fn entry(&self, columns: &Columns) -> Result<QuotaEntry, QuotaParseError> {
        // Only a header without a trailing `:` may be followed by rows with
        // one (empty) field more; anything else means shifted columns.
        let tolerated = usize::from(!columns.trailing_colon);
        let extra = self.fields.get(columns.width..).unwrap_or_default();
        if extra.len() > tolerated || extra.iter().any(|value| !value.trim().is_empty()) {
            return Err(self.error(
                QuotaParseErrorKind::TooManyFields {
                    found: self.fields.len(),
                    expected: columns.width,
                },
                &self.fields.join(":"),
            ));
        }
        let device = self.text(Some(columns.device));
        if device.is_empty() {
            return Err(self.error(QuotaParseErrorKind::EmptyValue("filesystemName"), ""));
        }
        let type_text = self.text(Some(columns.quota_type));
        let kind = QuotaKind::parse(&type_text)
            .ok_or_else(|| self.error(QuotaParseErrorKind::UnknownQuotaType, &type_text))?;
        let id_text = self.text(columns.id);
        let id = if id_text.is_empty() {
            None
        } else {
            Some(
                id_text
                    .parse::<u64>()
                    .map_err(|_| self.error(QuotaParseErrorKind::InvalidNumber("id"), &id_text))?,
            )
        };
        let name = self.text(columns.name);
        let fileset_text = self.text(columns.fileset);
        let fileset = match kind {
            _ if !fileset_text.is_empty() => Some(fileset_text),
            QuotaKind::Fileset if !name.is_empty() => Some(name.clone()),
            _ => None,
        };
        Ok(QuotaEntry {
            device,
            kind,
            id,
            name,
            fileset,
            block_used_kib: self.required_number("blockUsage", columns.block_usage)?,
            block_soft_kib: self.limit("blockQuota", Some(columns.block_quota))?,
            block_hard_kib: self.limit("blockLimit", Some(columns.block_limit))?,
            block_in_doubt_kib: self.number("blockInDoubt", columns.block_in_doubt)?,
            block_grace: Grace::parse(&self.text(columns.block_grace)),
            files_used: self.number("filesUsage", columns.files_usage)?,
            files_soft: self.limit("filesQuota", columns.files_quota)?,
            files_hard: self.limit("filesLimit", columns.files_limit)?,
            files_in_doubt: self.number("filesInDoubt", columns.files_in_doubt)?,
            files_grace: Grace::parse(&self.text(columns.files_grace)),
            remarks: self.text(columns.remarks),
            line: self.line,
        })
    }
}

/// Whether split fields look like a `-Y` line: `command:kind:...` with at
/// least three fields and no whitespace in the command or record kind.
fn is_y_line(fields: &[&str]) -> bool {
    let plain = |field: &&str| !field.chars().any(char::is_whitespace);
    fields.len() >= 3
        && fields
            .first()
            .is_some_and(|command| !command.is_empty() && plain(command))
        && fields.get(1).is_some_and(plain)
}

/// Parse the stdout of `mmlsquota -Y` (or of several runs concatenated) into
/// one entry per data row, in input order. See the module documentation for
/// the rules.
///
/// # Errors
///
/// A [`QuotaParseError`] naming the first line that is not `-Y` output, a
/// quota HEADER lacking a required column, or a row with a bad value.
pub fn parse_mmlsquota_y(text: &str) -> Result<Vec<QuotaEntry>, QuotaParseError> {
    let mut headers: Vec<Header> = Vec::new();
    let mut entries = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with("***") {
            continue;
        }
        let fields: Vec<&str> = trimmed.split(':').collect();
        if !is_y_line(&fields) {
            return Err(QuotaParseError::new(
                line,
                QuotaParseErrorKind::NotYFormat,
                trimmed,
            ));
        }
        let command = fields.first().copied().unwrap_or_default();
        let record = fields.get(1).copied().unwrap_or_default();
        if fields.get(2).is_some_and(|field| *field == "HEADER") {
            let columns = Columns::from_header(&fields, line)?;
            headers.retain(|header| header.command != command || header.record != record);
            headers.push(Header {
                command: command.to_owned(),
                record: record.to_owned(),
                columns,
            });
            continue;
        }
        let header = headers
            .iter()
            .find(|header| header.command == command && header.record == record)
            .ok_or_else(|| QuotaParseError::new(line, QuotaParseErrorKind::NoHeader, trimmed))?;
        if let Some(columns) = &header.columns {
            entries.push(
                Row {
                    fields: &fields,
                    line,
                }
                .entry(columns)?,
            );
        }
    }
    Ok(entries)
}

// ----------------------------------------------------------------------------
// What to run
// ----------------------------------------------------------------------------

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
fn check(what: &'static str, value: &str, colon_ok: bool) -> Result<(), QuotaArgsError> {
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

// ----------------------------------------------------------------------------
// Tests
// ----------------------------------------------------------------------------

#[cfg(test)]
mod failure_tests {
    use super::*;

    #[test]
    fn gpfs_failures_are_told_apart() {
        assert_eq!(
            classify_mmlsquota_failure(
                "Failed to connect to file system daemon: No such process\nmmlsquota: GPFS is down on this node.\n"
            ),
            GpfsFailure::DaemonDown
        );
        assert_eq!(
            classify_mmlsquota_failure(
                "projA: no such fileset in quota enabled file systems\nmmlsquota: Command failed."
            ),
            GpfsFailure::UnknownFileset("projA".into())
        );
        assert_eq!(
            classify_mmlsquota_failure(
                "mmlsquota: File system gpfs09 is not known to the GPFS cluster.\n"
            ),
            GpfsFailure::UnknownFileSystem("gpfs09".into())
        );
        assert_eq!(
            classify_mmlsquota_failure("No quota enabled file system found."),
            GpfsFailure::NoQuota
        );
        assert_eq!(classify_mmlsquota_failure("boom"), GpfsFailure::Other);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const USR: &str = include_str!("../tests/fixtures/mmlsquota/usr.txt");
    const GRP: &str = include_str!("../tests/fixtures/mmlsquota/grp.txt");
    const FILESETS: &str = include_str!("../tests/fixtures/mmlsquota/filesets.txt");
    const ALL: &str = include_str!("../tests/fixtures/mmlsquota/all.txt");
    const TWO_HEADERS: &str = include_str!("../tests/fixtures/mmlsquota/two-headers.txt");
    const PERCENT: &str = include_str!("../tests/fixtures/mmlsquota/percent-encoded.txt");
    const NEGATIVE: &str = include_str!("../tests/fixtures/mmlsquota/negative-usage.txt");
    const HEADER_ONLY: &str = include_str!("../tests/fixtures/mmlsquota/header-only.txt");
    const BAD_FIELD: &str = include_str!("../tests/fixtures/mmlsquota/malformed-field.txt");
    const BAD_NO_HEADER: &str = include_str!("../tests/fixtures/mmlsquota/malformed-no-header.txt");
    const BAD_TOO_MANY: &str =
        include_str!("../tests/fixtures/mmlsquota/malformed-too-many-fields.txt");
    const BAD_STDERR: &str = include_str!("../tests/fixtures/mmlsquota/malformed-stderr.txt");

    const FIXTURES: [&str; 12] = [
        USR,
        GRP,
        FILESETS,
        ALL,
        TWO_HEADERS,
        PERCENT,
        NEGATIVE,
        HEADER_ONLY,
        BAD_FIELD,
        BAD_NO_HEADER,
        BAD_TOO_MANY,
        BAD_STDERR,
    ];

    const HEADER: &str = "mmlsquota::HEADER:version:reserved:reserved:filesystemName:quotaType:id:name:blockUsage:blockQuota:blockLimit:blockInDoubt:blockGrace:filesUsage:filesQuota:filesLimit:filesInDoubt:filesGrace:remarks:quota:defQuota:fid:filesetname:";

    /// An entry with everything zero/empty, to spell out only what differs.
    fn blank(device: &str, kind: QuotaKind, name: &str, line: usize) -> QuotaEntry {
        QuotaEntry {
            device: device.to_owned(),
            kind,
            id: None,
            name: name.to_owned(),
            fileset: None,
            block_used_kib: 0,
            block_soft_kib: 0,
            block_hard_kib: 0,
            block_in_doubt_kib: 0,
            block_grace: Grace::None,
            files_used: 0,
            files_soft: 0,
            files_hard: 0,
            files_in_doubt: 0,
            files_grace: Grace::None,
            remarks: String::new(),
            line,
        }
    }

    fn parse(text: &str) -> Vec<QuotaEntry> {
        match parse_mmlsquota_y(text) {
            Ok(entries) => entries,
            Err(err) => panic!("{err}"),
        }
    }

    fn parse_err(text: &str) -> QuotaParseError {
        match parse_mmlsquota_y(text) {
            Ok(entries) => panic!("parsed: {entries:?}"),
            Err(err) => err,
        }
    }

    fn usr_expected() -> Vec<QuotaEntry> {
        vec![
            QuotaEntry {
                id: Some(1001),
                block_used_kib: 2_097_152,
                block_soft_kib: 10_485_760,
                block_hard_kib: 12_582_912,
                files_used: 41_000,
                remarks: "e".into(),
                ..blank("gpfs01", QuotaKind::Usr, "alice", 2)
            },
            QuotaEntry {
                id: Some(1001),
                block_used_kib: 9_437_184,
                block_soft_kib: 10_485_760,
                block_in_doubt_kib: 1024,
                files_used: 950_000,
                files_soft: 1_000_000,
                files_hard: 1_000_000,
                remarks: "e".into(),
                ..blank("gpfs02", QuotaKind::Usr, "alice", 3)
            },
            QuotaEntry {
                id: Some(1001),
                fileset: Some("projA".into()),
                block_used_kib: 524_288,
                files_used: 300,
                remarks: "i".into(),
                ..blank("gpfs01", QuotaKind::Usr, "alice", 4)
            },
        ]
    }

    fn grp_expected() -> Vec<QuotaEntry> {
        vec![
            QuotaEntry {
                id: Some(5000),
                block_used_kib: 107_374_182,
                block_soft_kib: 104_857_600,
                block_hard_kib: 125_829_120,
                block_grace: Grace::Remaining("6 days".into()),
                files_used: 120_000,
                remarks: "e".into(),
                ..blank("gpfs01", QuotaKind::Grp, "ml-lab", 2)
            },
            QuotaEntry {
                id: Some(5000),
                remarks: "i".into(),
                ..blank("gpfs02", QuotaKind::Grp, "ml-lab", 3)
            },
        ]
    }

    fn filesets_expected() -> Vec<QuotaEntry> {
        vec![
            QuotaEntry {
                id: Some(12),
                fileset: Some("projA".into()),
                block_used_kib: 4_718_592_000,
                block_soft_kib: 5_000_000_000,
                block_hard_kib: 5_242_880_000,
                block_in_doubt_kib: 262_144_000,
                files_used: 2_500_000,
                files_soft: 5_000_000,
                files_hard: 6_000_000,
                files_in_doubt: 1500,
                remarks: "e".into(),
                ..blank("gpfs01", QuotaKind::Fileset, "projA", 2)
            },
            QuotaEntry {
                id: Some(13),
                fileset: Some("projB".into()),
                block_used_kib: 7_340_032,
                files_used: 1200,
                remarks: "i".into(),
                ..blank("gpfs01", QuotaKind::Fileset, "projB", 4)
            },
            QuotaEntry {
                id: Some(3),
                fileset: Some("scratch".into()),
                block_used_kib: 21_474_836_480,
                block_soft_kib: 21_474_836_480,
                block_hard_kib: 32_212_254_720,
                block_grace: Grace::Expired,
                files_used: 9_800_000,
                files_soft: 10_000_000,
                files_grace: Grace::Remaining("2 hours".into()),
                remarks: "e".into(),
                ..blank("gpfs02", QuotaKind::Fileset, "scratch", 6)
            },
            QuotaEntry {
                id: Some(7),
                fileset: Some("projA".into()),
                block_used_kib: 1_048_576,
                block_soft_kib: 2_147_483_648,
                block_hard_kib: 2_147_483_648,
                files_used: 10,
                remarks: "e".into(),
                ..blank("gpfs02", QuotaKind::Fileset, "projA", 7)
            },
        ]
    }

    fn shifted(entries: Vec<QuotaEntry>, by: usize) -> Vec<QuotaEntry> {
        entries
            .into_iter()
            .map(|entry| QuotaEntry {
                line: entry.line + by,
                ..entry
            })
            .collect()
    }

    #[test]
    fn usr_fixture() {
        assert_eq!(parse(USR), usr_expected());
    }

    #[test]
    fn grp_fixture() {
        assert_eq!(parse(GRP), grp_expected());
    }

    #[test]
    fn filesets_fixture() {
        assert_eq!(parse(FILESETS), filesets_expected());
    }

    #[test]
    fn all_fixture_is_the_three_concatenated() {
        let mut expected = usr_expected();
        expected.extend(shifted(grp_expected(), 4));
        expected.extend(shifted(filesets_expected(), 7));
        assert_eq!(parse(ALL), expected);
    }

    #[test]
    fn two_headers_fixture() {
        let expected = vec![
            QuotaEntry {
                id: Some(1001),
                block_used_kib: 1024,
                block_soft_kib: 2048,
                block_hard_kib: 4096,
                files_used: 10,
                files_soft: 20,
                files_hard: 40,
                remarks: "e".into(),
                ..blank("gpfs01", QuotaKind::Usr, "alice", 2)
            },
            // Second HEADER: other order, an unknown column, no id, in-doubt,
            // files soft/grace, remarks or filesetname columns.
            QuotaEntry {
                block_used_kib: 8192,
                block_soft_kib: 8192,
                block_grace: Grace::Expired,
                files_used: 99,
                files_hard: 100,
                ..blank("gpfs02", QuotaKind::Grp, "ml-lab", 5)
            },
            // After an interleaved mmlsfs block, whose row is skipped.
            QuotaEntry {
                fileset: Some("projC".into()),
                block_used_kib: 1_048_577,
                block_hard_kib: 1_048_576,
                block_grace: Grace::Remaining("7 days".into()),
                files_used: 1_048_576,
                ..blank("gpfs02", QuotaKind::Fileset, "projC", 8)
            },
        ];
        assert_eq!(parse(TWO_HEADERS), expected);
    }

    #[test]
    fn percent_encoded_fixture() {
        let expected = vec![
            QuotaEntry {
                id: Some(21),
                fileset: Some("proj:alpha".into()),
                block_used_kib: 1024,
                block_hard_kib: 2048,
                files_used: 1,
                remarks: "e".into(),
                ..blank("gpfs01", QuotaKind::Fileset, "proj:alpha", 2)
            },
            QuotaEntry {
                id: Some(1001),
                fileset: Some("proj:alpha".into()),
                block_used_kib: 1024,
                block_grace: Grace::Remaining("6 days".into()),
                files_used: 1,
                remarks: "e".into(),
                ..blank("gpfs01", QuotaKind::Usr, "alice", 3)
            },
            QuotaEntry {
                id: Some(5001),
                remarks: "e".into(),
                ..blank("gpfs01", QuotaKind::Grp, "100% lab", 4)
            },
        ];
        assert_eq!(parse(PERCENT), expected);
    }

    #[test]
    fn negative_usage_fixture() {
        let expected = vec![
            QuotaEntry {
                id: Some(1001),
                block_used_kib: -2048,
                block_soft_kib: 10_485_760,
                block_hard_kib: 12_582_912,
                block_in_doubt_kib: 4096,
                files_used: -3,
                files_soft: 1000,
                files_hard: 2000,
                remarks: "e".into(),
                ..blank("gpfs01", QuotaKind::Usr, "alice", 2)
            },
            QuotaEntry {
                id: Some(12),
                fileset: Some("projA".into()),
                block_used_kib: 5_000_000,
                block_hard_kib: 6_000_000,
                block_in_doubt_kib: -512,
                files_used: 100,
                files_in_doubt: -1,
                remarks: "e".into(),
                ..blank("gpfs01", QuotaKind::Fileset, "projA", 3)
            },
        ];
        let entries = parse(NEGATIVE);
        assert_eq!(entries, expected);
        // Negative usage and in-doubt count as zero for headroom.
        assert_eq!(entries[0].headroom_kib(), Some(12_582_912 - 4096));
        assert_eq!(entries[1].headroom_kib(), Some(1_000_000));
        assert_eq!(entries[1].files_headroom(), None);
        let pct = entries[0].block_percent_of_limit().unwrap_or(f64::NAN);
        assert!(pct < 0.0, "{pct}");
        assert!(!entries[0].is_over_threshold(DEFAULT_THRESHOLD_PCT));
    }

    #[test]
    fn empty_and_header_only() {
        assert_eq!(parse(HEADER_ONLY), vec![]);
        assert_eq!(parse(""), vec![]);
        assert_eq!(parse("\n\n  \r\n"), vec![]);
    }

    #[test]
    fn malformed_fixtures_name_their_line() {
        let err = parse_err(BAD_FIELD);
        assert_eq!(err.line, 3);
        assert_eq!(err.kind, QuotaParseErrorKind::InvalidNumber("blockUsage"));
        assert_eq!(err.text, "12x");
        assert_eq!(
            err.to_string(),
            "mmlsquota -Y output, line 3: `blockUsage` is not a whole number in range: `12x`"
        );

        let err = parse_err(BAD_NO_HEADER);
        assert_eq!((err.line, err.kind), (1, QuotaParseErrorKind::NoHeader));

        let err = parse_err(BAD_TOO_MANY);
        assert_eq!(err.line, 2);
        assert_eq!(
            err.kind,
            QuotaParseErrorKind::TooManyFields {
                found: 27,
                expected: 26
            }
        );

        let err = parse_err(BAD_STDERR);
        assert_eq!(err.line, 1);
        assert_eq!(err.kind, QuotaParseErrorKind::NotYFormat);
        assert_eq!(err.text, "No quota enabled file system found.");
        // The second stderr line has a colon but is no -Y line either.
        let err = parse_err(&format!("{HEADER}\nmmlsquota: Command failed. Examine"));
        assert_eq!((err.line, err.kind), (2, QuotaParseErrorKind::NotYFormat));
    }

    #[test]
    fn malformed_inline() {
        let row = "mmlsquota::0:1:::gpfs01:USR:1001:alice:1:2:3:0:none:1:0:0:0:none:e:on:off:::";
        let cases: Vec<(String, usize, QuotaParseErrorKind)> = vec![
            (
                format!("{HEADER}\n{}", row.replace(":USR:", ":PROJECT:")),
                2,
                QuotaParseErrorKind::UnknownQuotaType,
            ),
            (
                format!("{HEADER}\n{}", row.replace(":1:2:3:", ":1:-2:3:")),
                2,
                QuotaParseErrorKind::NegativeLimit("blockQuota"),
            ),
            (
                format!(
                    "{HEADER}\n{}",
                    row.replace(":0:none:1:0:0:", ":0:none:1:-5:0:")
                ),
                2,
                QuotaParseErrorKind::NegativeLimit("filesQuota"),
            ),
            (
                format!("{HEADER}\n{}", row.replace(":1:2:3:", "::2:3:")),
                2,
                QuotaParseErrorKind::EmptyValue("blockUsage"),
            ),
            (
                format!("{HEADER}\n{}", row.replace(":gpfs01:", "::")),
                2,
                QuotaParseErrorKind::EmptyValue("filesystemName"),
            ),
            (
                format!("{HEADER}\n{}", row.replace(":1001:", ":x1:")),
                2,
                QuotaParseErrorKind::InvalidNumber("id"),
            ),
            (
                format!(
                    "{HEADER}\n{}",
                    row.replace(":1:2:3:", ":99999999999999999999:2:3:")
                ),
                2,
                QuotaParseErrorKind::InvalidNumber("blockUsage"),
            ),
            (
                format!("{HEADER}\n{}", row.replace(":none:1:", ":none:1.5:")),
                2,
                QuotaParseErrorKind::InvalidNumber("filesUsage"),
            ),
            (
                format!(
                    "\n{}\n{row}",
                    HEADER.replace(":blockLimit:", ":blockLimitX:")
                ),
                2,
                QuotaParseErrorKind::MissingColumn("blockLimit"),
            ),
            (
                format!("{}\n{row}", HEADER.replace(":id:", ":blockUsage:")),
                1,
                QuotaParseErrorKind::DuplicateColumn("blockUsage"),
            ),
            (
                // A row of another record kind than its HEADER's.
                format!("{HEADER}\n{}", row.replace("mmlsquota::", "mmlsquota:x:")),
                2,
                QuotaParseErrorKind::NoHeader,
            ),
            (
                format!("{HEADER}\n{row}\nmm lsquota::0:1"),
                3,
                QuotaParseErrorKind::NotYFormat,
            ),
            (
                format!("{HEADER}\n{row}\nab"),
                3,
                QuotaParseErrorKind::NotYFormat,
            ),
        ];
        for (text, line, kind) in cases {
            let err = parse_err(&text);
            assert_eq!((err.line, err.kind), (line, kind), "{text}");
        }
    }

    #[test]
    fn short_rows_are_padded_and_trailing_empty_fields_allowed() {
        // Row ends after blockGrace: files and the rest are empty.
        let text = format!("{HEADER}\nmmlsquota::0:1:::gpfs01:USR:1001:alice:5:6:7:0:none\n");
        let entries = parse(&text);
        assert_eq!(entries[0].block_hard_kib, 7);
        assert_eq!(entries[0].files_used, 0);
        assert_eq!(entries[0].remarks, "");
        // A header without a trailing `:` and rows with one: fine.
        let header = HEADER.trim_end_matches(':');
        let text = format!(
            "{header}\nmmlsquota::0:1:::gpfs01:USR:1001:alice:5:6:7:0:none:1:0:0:0:none:e:on:off:1:fs:\r\n"
        );
        assert_eq!(parse(&text)[0].fileset.as_deref(), Some("fs"));
        // But not two, nor one more after a header with a trailing `:`.
        let text = format!(
            "{header}\nmmlsquota::0:1:::gpfs01:USR:1001:alice:5:6:7:0:none:1:0:0:0:none:e:on:off:1:fs::"
        );
        assert!(matches!(
            parse_err(&text).kind,
            QuotaParseErrorKind::TooManyFields {
                found: 27,
                expected: 25
            }
        ));
        let text = format!(
            "{HEADER}\nmmlsquota::0:1:::gpfs01:USR:1001:alice:5:6:7:0:none:1:0:0:0:none:e:on:off:1:fs::"
        );
        assert!(matches!(
            parse_err(&text).kind,
            QuotaParseErrorKind::TooManyFields {
                found: 27,
                expected: 26
            }
        ));
    }

    #[test]
    fn report_banners_and_other_commands() {
        let text = "*** Report for USR GRP FILESET quotas on gpfs01\n\
            mmrepquota::HEADER:version:reserved:reserved:filesystemName:quotaType:id:name:blockUsage:blockQuota:blockLimit:blockInDoubt:blockGrace:filesUsage:filesQuota:filesLimit:filesInDoubt:filesGrace:remarks:quota:defQuota:fid:filesetname:\n\
            mmrepquota::0:1:::gpfs01:FILESET:4:data:100:200:300:0:none:1:0:0:0:none:e:on:off:::\n";
        let entries = parse(text);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].kind, QuotaKind::Fileset);
        assert_eq!(entries[0].fileset.as_deref(), Some("data"));
        assert_eq!(entries[0].line, 3);
    }

    /// Reorder columns 3.. of every line by `order` (a permutation of 0..n).
    fn permute(text: &str, order: &[usize]) -> String {
        text.lines()
            .map(|line| {
                let fields: Vec<&str> = line.split(':').collect();
                if fields.len() < 3 {
                    return line.to_owned();
                }
                let (head, tail) = fields.split_at(3);
                let mut out: Vec<&str> = head.to_vec();
                out.extend(order.iter().map(|&i| tail.get(i).copied().unwrap_or("")));
                out.join(":")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn column_order_does_not_matter() {
        let width = HEADER.split(':').count() - 3;
        let mut orders: Vec<Vec<usize>> = vec![
            (0..width).rev().collect(),
            (0..width).map(|i| (i + 7) % width).collect(),
        ];
        // A few pseudo-random shuffles (Fisher-Yates with xorshift).
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..20 {
            let mut order: Vec<usize> = (0..width).collect();
            for i in (1..width).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let j = usize::try_from(state % (i as u64 + 1)).unwrap_or(0);
                order.swap(i, j);
            }
            orders.push(order);
        }
        for fixture in [USR, GRP, FILESETS, ALL, PERCENT, NEGATIVE] {
            let expected = parse(fixture);
            for order in &orders {
                assert_eq!(parse(&permute(fixture, order)), expected, "{order:?}");
            }
        }
    }

    #[test]
    fn header_names_are_case_insensitive_and_filesetname_has_an_alias() {
        let header = HEADER
            .replace(":filesetname:", ":filesetName:")
            .replace(":blockUsage:", ":BLOCKUSAGE:");
        let text = format!(
            "{header}\nmmlsquota::0:1:::gpfs01:usr:1:bob:5:0:0:0:none:1:0:0:0:none:e:on:off:9:fs9:"
        );
        let entries = parse(&text);
        assert_eq!(entries[0].kind, QuotaKind::Usr);
        assert_eq!(entries[0].block_used_kib, 5);
        assert_eq!(entries[0].fileset.as_deref(), Some("fs9"));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("plain"), "plain");
        assert_eq!(percent_decode("a%3Ab%3ac"), "a:b:c");
        assert_eq!(percent_decode("100%25"), "100%");
        assert_eq!(percent_decode("6%20days"), "6 days");
        assert_eq!(percent_decode("%E2%82%AC"), "\u{20ac}");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%3"), "%3");
        assert_eq!(percent_decode("a%zzb"), "a%zzb");
        assert_eq!(percent_decode("%%3A"), "%:");
        assert_eq!(percent_decode("%ff"), "\u{fffd}");
        assert_eq!(percent_decode("\u{e9}%3A"), "\u{e9}:");
        // Header names are decoded too.
        let text = format!(
            "{}\nmmlsquota::0:1:::gpfs01:USR:1:a:5:0:0:0:none:",
            HEADER.replace(":quotaType:", ":quota%54ype:")
        );
        assert_eq!(parse(&text)[0].kind, QuotaKind::Usr);
    }

    #[test]
    fn grace_values() {
        assert_eq!(Grace::parse("none"), Grace::None);
        assert_eq!(Grace::parse(" NONE "), Grace::None);
        assert_eq!(Grace::parse(""), Grace::None);
        assert_eq!(Grace::parse("expired"), Grace::Expired);
        assert_eq!(Grace::parse("Expired"), Grace::Expired);
        assert_eq!(Grace::parse("6 days"), Grace::Remaining("6 days".into()));
        assert_eq!(Grace::parse("0 days"), Grace::Remaining("0 days".into()));
        assert_eq!(Grace::parse("2 hours"), Grace::Remaining("2 hours".into()));
        assert_eq!(Grace::parse("604800"), Grace::Remaining("604800".into()));
        assert_eq!(Grace::None.to_string(), "none");
        assert_eq!(Grace::Expired.to_string(), "expired");
        assert_eq!(Grace::Remaining("6 days".into()).to_string(), "6 days");
    }

    #[test]
    fn quota_kind_names() {
        assert_eq!(QuotaKind::Usr.to_string(), "USR");
        assert_eq!(QuotaKind::Grp.to_string(), "GRP");
        assert_eq!(QuotaKind::Fileset.to_string(), "FILESET");
    }

    fn usage(used: i64, soft: i64, hard: i64, in_doubt: i64) -> Usage {
        Usage {
            used,
            soft,
            hard,
            in_doubt,
        }
    }

    #[test]
    fn percent_of_limit() {
        assert_eq!(usage(50, 0, 200, 0).percent_of_limit(), Some(25.0));
        assert_eq!(usage(50, 100, 200, 0).percent_of_limit(), Some(25.0));
        assert_eq!(usage(50, 100, 0, 0).percent_of_limit(), Some(50.0));
        assert_eq!(usage(50, 0, 0, 0).percent_of_limit(), None);
        assert_eq!(usage(300, 100, 200, 0).percent_of_limit(), Some(150.0));
        assert_eq!(usage(-50, 100, 0, 0).percent_of_limit(), Some(-50.0));
        let entries = parse(USR);
        let pct = entries[0].block_percent_of_limit().unwrap_or(f64::NAN);
        assert!((pct - 100.0 / 6.0).abs() < 1e-9, "{pct}");
        assert_eq!(entries[0].files_percent_of_limit(), None);
        assert_eq!(entries[1].block_percent_of_limit(), Some(90.0));
        assert_eq!(entries[1].files_percent_of_limit(), Some(95.0));
        assert_eq!(entries[2].block_percent_of_limit(), None);
    }

    #[test]
    fn thresholds() {
        // Soft only, hard only, both; exactly at the threshold counts.
        assert!(usage(90, 100, 0, 0).is_over_threshold(90.0));
        assert!(!usage(89, 100, 0, 0).is_over_threshold(90.0));
        assert!(usage(90, 0, 100, 0).is_over_threshold(90.0));
        assert!(!usage(89, 0, 100, 0).is_over_threshold(90.0));
        // Over 90% of soft though far from hard.
        assert!(usage(95, 100, 1000, 0).is_over_threshold(90.0));
        assert!(!usage(85, 100, 1000, 0).is_over_threshold(90.0));
        // In-doubt does not count.
        assert!(!usage(80, 100, 0, 50).is_over_threshold(90.0));
        // No limits, negative usage, odd thresholds.
        assert!(!usage(1_000_000, 0, 0, 0).is_over_threshold(90.0));
        assert!(!usage(-1, 100, 100, 0).is_over_threshold(0.0));
        assert!(usage(0, 100, 0, 0).is_over_threshold(0.0));
        assert!(!usage(100, 100, 0, 0).is_over_threshold(f64::NAN));
        assert!(!usage(100, 100, 0, 0).is_over_threshold(f64::INFINITY));
        assert!(usage(100, 100, 0, 0).is_over_threshold(100.0));
        assert!(!usage(100, 100, 0, 0).is_over_threshold(100.5));
        // Huge values stay exact enough.
        assert!(usage(i64::MAX, i64::MAX, 0, 0).is_over_threshold(100.0));

        let over: Vec<(String, bool)> = parse(ALL)
            .iter()
            .map(|e| {
                (
                    format!("{} {} {}", e.device, e.kind, e.name),
                    e.is_over_threshold(DEFAULT_THRESHOLD_PCT),
                )
            })
            .collect();
        let expect = |s: &str, b: bool| (s.to_owned(), b);
        assert_eq!(
            over,
            vec![
                expect("gpfs01 USR alice", false),
                expect("gpfs02 USR alice", true), // blocks at 90% of soft
                expect("gpfs01 USR alice", false), // per-fileset, unlimited
                expect("gpfs01 GRP ml-lab", true), // over soft, under hard
                expect("gpfs02 GRP ml-lab", false),
                expect("gpfs01 FILESET projA", true), // 94% of soft, 90% of hard
                expect("gpfs01 FILESET projB", false),
                expect("gpfs02 FILESET scratch", true), // at soft, expired
                expect("gpfs02 FILESET projA", false),
            ]
        );
        // Files alone can trip it.
        let files_only = &parse(USR)[1];
        assert!(files_only.files().is_over_threshold(90.0));
        assert!(!files_only.blocks().is_over_threshold(91.0));
        assert!(files_only.is_over_threshold(91.0));
    }

    #[test]
    fn headroom() {
        assert_eq!(usage(30, 0, 100, 10).headroom(), Some(60));
        assert_eq!(usage(30, 80, 100, 10).headroom(), Some(60));
        assert_eq!(usage(30, 80, 0, 10).headroom(), Some(40));
        assert_eq!(usage(30, 0, 0, 10).headroom(), None);
        assert_eq!(usage(120, 0, 100, 0).headroom(), Some(-20));
        assert_eq!(usage(-30, 0, 100, -10).headroom(), Some(100));
        assert_eq!(usage(i64::MAX, 0, 1, i64::MAX).headroom(), Some(i64::MIN));
        let entries = parse(FILESETS);
        assert_eq!(
            entries[0].headroom_kib(),
            Some(5_242_880_000 - 4_718_592_000 - 262_144_000)
        );
        assert_eq!(
            entries[0].files_headroom(),
            Some(6_000_000 - 2_500_000 - 1500)
        );
        assert_eq!(entries[1].headroom_kib(), None, "no limits");
        assert_eq!(
            entries[2].headroom_kib(),
            Some(32_212_254_720 - 21_474_836_480)
        );
        assert_eq!(entries[2].files_headroom(), Some(200_000), "soft only");
        let usr = parse(USR);
        assert_eq!(usr[1].headroom_kib(), Some(10_485_760 - 9_437_184 - 1024));
        let projc = &parse(TWO_HEADERS)[2];
        assert_eq!(projc.headroom_kib(), Some(-1));
    }

    #[test]
    fn human_units() {
        assert_eq!(human_kib(0), "0 KiB");
        assert_eq!(human_kib(1), "1 KiB");
        assert_eq!(human_kib(1023), "1023 KiB");
        assert_eq!(human_kib(1024), "1.0 MiB");
        assert_eq!(human_kib(1536), "1.5 MiB");
        assert_eq!(human_kib(10_485_760), "10.0 GiB");
        assert_eq!(human_kib(1_610_612_736), "1.5 TiB");
        assert_eq!(human_kib(5_242_880_000), "4.9 TiB");
        assert_eq!(human_kib(1_048_575), "1.0 GiB");
        assert_eq!(human_kib(1_048_063), "1023.5 MiB");
        assert_eq!(human_kib(1 << 40), "1.0 PiB");
        assert_eq!(human_kib(1 << 50), "1.0 EiB");
        assert_eq!(human_kib(-2048), "-2.0 MiB");
        assert_eq!(human_kib(-1), "-1 KiB");
        assert_eq!(human_kib(-1_610_612_736), "-1.5 TiB");
        assert_eq!(human_kib(i64::MAX), "8.0 ZiB");
        assert_eq!(human_kib(i64::MIN), "-8.0 ZiB");
    }

    /// Parsing must return, never panic, whatever the input.
    #[test]
    fn garbage_never_panics() {
        const ALPHABET: &[u8] =
            b"::::%%%3Aa0123456789-\n\n\r HEADERmmlsquota USR GRP FILESET none expired \xff\t*";
        for fixture in FIXTURES {
            let mut end = 0;
            while end <= fixture.len() {
                if fixture.is_char_boundary(end) {
                    let _ = parse_mmlsquota_y(&fixture[..end]);
                    let _ = parse_mmlsquota_y(&fixture[end..]);
                }
                end += 1;
            }
        }
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..3000 {
            let len = usize::try_from(next() % 300).unwrap_or(0);
            let mut bytes: Vec<u8> = if round % 2 == 0 {
                (0..len)
                    .map(|_| ALPHABET[usize::try_from(next()).unwrap_or(0) % ALPHABET.len()])
                    .collect()
            } else {
                // Mutate a real fixture.
                let mut bytes = ALL.as_bytes().to_vec();
                for _ in 0..=(len % 12) {
                    let at = usize::try_from(next()).unwrap_or(0) % bytes.len();
                    bytes[at] = ALPHABET[usize::try_from(next()).unwrap_or(0) % ALPHABET.len()];
                }
                bytes
            };
            if round % 7 == 0 {
                bytes.splice(0..0, HEADER.bytes().chain(*b"\n"));
            }
            let text = String::from_utf8_lossy(&bytes);
            if let Err(err) = parse_mmlsquota_y(&text) {
                assert!(err.line >= 1 && err.line <= text.lines().count(), "{err}");
                assert!(err.text.len() <= MAX_ERROR_TEXT + 3);
                let _ = err.to_string();
            }
        }
    }

    #[test]
    fn long_error_text_is_cut_on_a_char_boundary() {
        let line = format!("{}\u{e9}{}", "x".repeat(63), "y".repeat(100));
        let err = parse_err(&line);
        assert_eq!(err.kind, QuotaParseErrorKind::NotYFormat);
        assert_eq!(err.text, format!("{}...", "x".repeat(63)));
    }

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|&a| a.to_owned()).collect()
    }

    fn fs(device: &str, fileset: &str) -> FilesetRef {
        FilesetRef {
            device: device.into(),
            fileset: fileset.into(),
        }
    }

    fn args(kind: &QueryKind, options: &QueryOptions) -> Vec<Vec<String>> {
        match mmlsquota_args(kind, options) {
            Ok(calls) => calls,
            Err(err) => panic!("{err}"),
        }
    }

    #[test]
    fn args_user_and_groups() {
        let kind = QueryKind::UserAndGroups {
            user: "alice".into(),
            groups: strings(&["ml-lab", "5001", "ml-lab"]),
        };
        assert_eq!(
            args(&kind, &QueryOptions::default()),
            vec![
                strings(&["-u", "alice", "-v", "-Y"]),
                strings(&["-g", "ml-lab", "-v", "-Y"]),
                strings(&["-g", "5001", "-v", "-Y"]),
            ]
        );
        let options = QueryOptions {
            devices: strings(&["gpfs01", "gpfs02:projA"]),
            verbose: false,
            up_to_date: true,
            cluster: Some("remote.example".into()),
        };
        let kind = QueryKind::UserAndGroups {
            user: "1001".into(),
            groups: vec![],
        };
        assert_eq!(
            args(&kind, &options),
            vec![strings(&[
                "-u",
                "1001",
                "-e",
                "-C",
                "remote.example",
                "-Y",
                "gpfs01",
                "gpfs02:projA"
            ])]
        );
        assert_eq!(
            args(&QueryKind::User("bob".into()), &options)[0][..2],
            strings(&["-u", "bob"])[..]
        );
        assert_eq!(
            args(
                &QueryKind::Groups(strings(&["a", "b"])),
                &QueryOptions::default()
            ),
            vec![
                strings(&["-g", "a", "-v", "-Y"]),
                strings(&["-g", "b", "-v", "-Y"])
            ]
        );
    }

    #[test]
    fn args_filesets_one_call_per_fileset_with_all_its_devices() {
        let kind = QueryKind::Filesets(vec![
            fs("gpfs01", "projA"),
            fs("gpfs01", "projB"),
            fs("gpfs02", "projA"),
            fs("gpfs01", "projA"),
            fs("gpfs02", "scratch"),
        ]);
        let options = QueryOptions {
            devices: strings(&["ignored"]),
            ..QueryOptions::default()
        };
        assert_eq!(
            args(&kind, &options),
            vec![
                strings(&["-j", "projA", "-v", "-Y", "gpfs01", "gpfs02"]),
                strings(&["-j", "projB", "-v", "-Y", "gpfs01"]),
                strings(&["-j", "scratch", "-v", "-Y", "gpfs02"]),
            ]
        );
    }

    #[test]
    fn args_always_y_never_block_size() {
        let kinds = [
            QueryKind::User("u".into()),
            QueryKind::Groups(strings(&["g"])),
            QueryKind::UserAndGroups {
                user: "u".into(),
                groups: strings(&["g"]),
            },
            QueryKind::Filesets(vec![fs("d", "f")]),
        ];
        for kind in &kinds {
            for call in args(kind, &QueryOptions::default()) {
                assert!(call.iter().any(|a| a == "-Y"), "{call:?}");
                assert!(
                    !call.iter().any(|a| a.starts_with("--block-size")),
                    "{call:?}"
                );
            }
        }
    }

    #[test]
    fn args_refuse_misreadable_values() {
        let bad: Vec<(QueryKind, QueryOptions, &str)> = vec![
            (
                QueryKind::User(String::new()),
                QueryOptions::default(),
                "user",
            ),
            (
                QueryKind::User("-v".into()),
                QueryOptions::default(),
                "user",
            ),
            (
                QueryKind::User("a b".into()),
                QueryOptions::default(),
                "user",
            ),
            (
                QueryKind::User("a:b".into()),
                QueryOptions::default(),
                "user",
            ),
            (QueryKind::Groups(vec![]), QueryOptions::default(), "group"),
            (
                QueryKind::Groups(strings(&["ok", "\tx"])),
                QueryOptions::default(),
                "group",
            ),
            (
                QueryKind::UserAndGroups {
                    user: "u".into(),
                    groups: strings(&["-j"]),
                },
                QueryOptions::default(),
                "group",
            ),
            (
                QueryKind::Filesets(vec![]),
                QueryOptions::default(),
                "fileset",
            ),
            (
                QueryKind::Filesets(vec![fs("gpfs01", "a:b")]),
                QueryOptions::default(),
                "fileset",
            ),
            (
                QueryKind::Filesets(vec![fs("gpfs01:x", "a")]),
                QueryOptions::default(),
                "device",
            ),
            (
                QueryKind::Filesets(vec![fs("", "a")]),
                QueryOptions::default(),
                "device",
            ),
            (
                QueryKind::User("u".into()),
                QueryOptions {
                    devices: strings(&["--block-size=auto"]),
                    ..QueryOptions::default()
                },
                "device",
            ),
            (
                QueryKind::User("u".into()),
                QueryOptions {
                    cluster: Some(String::new()),
                    ..QueryOptions::default()
                },
                "cluster",
            ),
        ];
        for (kind, options, what) in bad {
            match mmlsquota_args(&kind, &options) {
                Ok(calls) => panic!("{kind:?} gave {calls:?}"),
                Err(err) => {
                    assert_eq!(err.what, what, "{kind:?}");
                    assert!(err.to_string().starts_with("invalid "), "{err}");
                }
            }
        }
    }
}
