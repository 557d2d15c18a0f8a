//! [`parse_mmlsquota_y`]: the machine-readable `mmlsquota -Y` output turned into
//! [`QuotaEntry`] values (pure; the caller runs `mmlsquota`, this reads its stdout).
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

use crate::quota::{Grace, QuotaEntry, QuotaKind};

/// Longest offending text kept in an error, in bytes.
pub(crate) const MAX_ERROR_TEXT: usize = 64;

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

pub(crate) fn cut(text: &str) -> String {
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
pub(crate) struct Columns {
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
pub(crate) struct Header {
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
pub(crate) struct Row<'a> {
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
pub(crate) fn is_y_line(fields: &[&str]) -> bool {
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

pub(crate) fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}
