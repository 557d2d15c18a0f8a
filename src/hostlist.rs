//! Slurm hostlist expressions: [`expand`] turns `gpu[001-004,010],cpu1` into
//! host names and [`compress`] turns host names back into such an expression.
//!
//! This module owns the translation between Slurm's compact node lists (as in
//! `SLURM_JOB_NODELIST`, `squeue -o %N`, `sbatch --nodelist`) and plain host
//! names. It exists so that hybridctl understands node lists on machines
//! without Slurm installed and without linking libslurm, and so that a node
//! list coming from outside is bounded ([`MAX_HOSTS`]) before anything is
//! allocated for it. It is pure: no I/O, no environment, `std` only.
//!
//! The behaviour is that of Slurm 22.05's `scontrol show hostnames` (expand)
//! and `scontrol show hostlist` (compress), checked row by row against
//! `tests/fixtures/hostlist/scontrol-22.05.txt`, recorded from a real
//! `scontrol` by `tests/fixtures/hostlist/record.sh`. In short:
//!
//! * Order is preserved and duplicates are kept, in both directions;
//!   `compress` neither sorts nor removes duplicates (`n3,n1,n2` ->
//!   `n[3,1-2]`), it only merges *adjacent* names.
//! * Elements are separated by `,`, space or TAB; empty elements are
//!   skipped (`a,,b` and `a, b` are `a b`). A newline is no separator in
//!   Slurm: it refuses one after a bracket group (`n[1-2]\n`, `n[1-2]\nm1`).
//! * Zero padding is the length of a range's start: `n[01-10]` is
//!   `n01..n10`, `n[1-010]` is `n1..n10`, `n[001-1]` is `n001`.
//! * `n[1-]` means `n1`; a reversed range `n[3-1]`, an empty range `n[]` or
//!   `n[1,,2]`, and text after the last `]` (`n[1-2]-ib`) are errors.
//! * Several bracket groups form a cartesian product in Slurm's order: the
//!   last group varies fastest, then the first, second, ... group:
//!   `a[1-2]b[3-4]c[5-6]` is `a1b3c5 a1b3c6 a2b3c5 a2b3c6 a1b4c5 ...`.
//!
//! Deliberate differences from Slurm 22.05, all on input Slurm mangles:
//! unbalanced brackets are errors (Slurm turns `n[1-3` into the host `n]` and
//! keeps `foo]` as a host); whitespace, signs or overflowing numbers inside
//! brackets are errors (Slurm reads `n[1, 2]` as `n1 n02` and
//! `n[99999999999999999999]` as `n18446744073709551615`); more than
//! [`MAX_HOSTS`] names in total are an error (Slurm limits each range only);
//! a range ending at `u64::MAX` expands (Slurm crashes on it); and a newline
//! anywhere is an error, where Slurm makes it part of a host name (`a\nb` is
//! the one host "a<LF>b", `n1\nm[1-2]` is "n1<LF>m1" and "n1<LF>m2"): no host
//! name has one, and such a list is a mistake or an attack on whatever prints
//! the names line by line.

use std::fmt;

/// Most host names [`expand`] produces for one list; a larger list is an
/// error (Slurm 22.05 has the same limit per range, none in total).
pub const MAX_HOSTS: usize = 65536;

/// Longest offending text kept in a [`HostlistError`], in bytes.
const MAX_ERROR_TEXT: usize = 64;

/// What was wrong with a hostlist expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostlistErrorKind {
    /// A `[` with no `]` after it.
    UnclosedBracket,
    /// A `]` with no `[` before it.
    UnmatchedBracket,
    /// A `[` inside a bracket group.
    NestedBracket,
    /// A space, TAB or LF inside a bracket group.
    WhitespaceInBrackets,
    /// Text after the last `]` of a name, as in `n[1-2]-ib`.
    TextAfterBracket,
    /// An empty bracket group or range, as in `n[]` or `n[1,,2]`.
    EmptyRange,
    /// A range that is not `N` or `N-M`, as in `n[1-2-3]` or `n[-3]`.
    InvalidRange,
    /// A range bound that is not made of ASCII digits.
    InvalidNumber,
    /// A range bound above `u64::MAX`.
    NumberTooLarge,
    /// A range whose start is above its end, as in `n[3-1]`.
    ReversedRange,
    /// The list names more than [`MAX_HOSTS`] hosts.
    TooManyHosts,
    /// A newline anywhere: Slurm makes it part of a host name (`a\nb` is one host), or
    /// refuses it after a bracket group (`n[1-2]\n`); no host name has one.
    Newline,
}

impl HostlistErrorKind {
    fn describe(self) -> &'static str {
        match self {
            Self::UnclosedBracket => "`[` is never closed",
            Self::UnmatchedBracket => "`]` has no matching `[`",
            Self::NestedBracket => "`[` inside a bracket group",
            Self::WhitespaceInBrackets => "whitespace inside a bracket group",
            Self::TextAfterBracket => "text after the last `]` of a host name",
            Self::EmptyRange => "empty range in a bracket group",
            Self::InvalidRange => "range is not of the form N or N-M",
            Self::InvalidNumber => "range bound is not a decimal number",
            Self::NumberTooLarge => "number does not fit in 64 bits",
            Self::ReversedRange => "range starts after it ends",
            Self::TooManyHosts => "expands to more than 65536 hosts",
            Self::Newline => "a newline (no host name contains one; separate names with `,`)",
        }
    }
}

/// Why [`expand`] refused a hostlist: what was wrong, the offending text (cut
/// to 64 bytes) and the byte offset of that text in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostlistError {
    pub kind: HostlistErrorKind,
    pub text: String,
    pub offset: usize,
}

impl HostlistError {
    fn new(kind: HostlistErrorKind, list: &str, start: usize, end: usize) -> Self {
        let text = list.get(start..end).unwrap_or_default();
        let text = if text.len() > MAX_ERROR_TEXT {
            let mut cut = MAX_ERROR_TEXT;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            format!("{}...", &text[..cut])
        } else {
            text.to_owned()
        };
        Self {
            kind,
            text,
            offset: start,
        }
    }
}

impl fmt::Display for HostlistError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid hostlist: {} at byte {}: `{}`",
            self.kind.describe(),
            self.offset,
            self.text.escape_debug()
        )
    }
}

impl std::error::Error for HostlistError {}

/// One `N` or `N-M` of a bracket group; `width` is the zero-padded width.
#[derive(Debug, Clone, Copy)]
struct Range {
    lo: u64,
    hi: u64,
    width: usize,
}

impl Range {
    fn len(self) -> u128 {
        u128::from(self.hi - self.lo) + 1
    }
}

/// One element of a list: `lits[0] [groups[0]] lits[1] [groups[1]] ...`;
/// `lits` has one more entry than `groups` (the last one is always empty
/// when there are groups).
struct Pattern<'a> {
    lits: Vec<&'a str>,
    groups: Vec<Vec<Range>>,
}

/// Slurm 22.05's separators (`hostlist_create`'s delimiters: `,`, space, TAB); a newline is
/// *not* one, see [`HostlistErrorKind::Newline`].
fn is_separator(b: u8) -> bool {
    matches!(b, b',' | b' ' | b'\t')
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n')
}

/// Expands a Slurm hostlist expression into host names, in Slurm's order,
/// duplicates kept: `"gpu[001-002],cpu1"` -> `["gpu001", "gpu002", "cpu1"]`.
///
/// An empty list (or one of separators only) gives no names.
///
/// # Errors
///
/// A [`HostlistError`] for a malformed list (unbalanced or nested brackets,
/// bad or reversed ranges, text after the last `]`) and for a list of more
/// than [`MAX_HOSTS`] names, which is detected before anything is allocated
/// for them.
pub fn expand(list: &str) -> Result<Vec<String>, HostlistError> {
    let bytes = list.as_bytes();
    if let Some(at) = memchr::memchr(b'\n', bytes) {
        return Err(HostlistError::new(
            HostlistErrorKind::Newline,
            list,
            at,
            at + 1,
        ));
    }
    let mut patterns = Vec::new();
    let mut total: usize = 0;
    let mut pos = 0;
    while pos < bytes.len() {
        if is_separator(bytes[pos]) {
            pos += 1;
            continue;
        }
        let start = pos;
        let (pattern, end) = parse_element(list, start)?;
        let count = pattern_len(&pattern)
            .ok()
            .and_then(|n| n.checked_add(total))
            .filter(|&n| n <= MAX_HOSTS);
        total = count
            .ok_or_else(|| HostlistError::new(HostlistErrorKind::TooManyHosts, list, start, end))?;
        patterns.push(pattern);
        pos = end;
    }
    let mut hosts = Vec::with_capacity(total);
    for pattern in &patterns {
        push_names(pattern, &mut hosts);
    }
    Ok(hosts)
}

/// Parses the element starting at `start` (not a separator); returns it and
/// the offset just past it.
fn parse_element(list: &str, start: usize) -> Result<(Pattern<'_>, usize), HostlistError> {
    use HostlistErrorKind as K;
    let bytes = list.as_bytes();
    let mut lits = Vec::new();
    let mut groups = Vec::new();
    let mut lit_start = start;
    let mut pos = start;
    while pos < bytes.len() && !is_separator(bytes[pos]) {
        match bytes[pos] {
            b']' => return Err(HostlistError::new(K::UnmatchedBracket, list, pos, pos + 1)),
            b'[' => {
                let close = find_close(list, pos)?;
                lits.push(&list[lit_start..pos]);
                groups.push(parse_group(list, pos + 1, close)?);
                pos = close + 1;
                lit_start = pos;
            }
            _ => pos += 1,
        }
    }
    if !groups.is_empty() && lit_start < pos {
        return Err(HostlistError::new(
            K::TextAfterBracket,
            list,
            lit_start,
            pos,
        ));
    }
    lits.push(&list[lit_start..pos]);
    Ok((Pattern { lits, groups }, pos))
}

/// Offset of the `]` closing the `[` at `open`.
fn find_close(list: &str, open: usize) -> Result<usize, HostlistError> {
    use HostlistErrorKind as K;
    let bytes = list.as_bytes();
    let unclosed = || HostlistError::new(K::UnclosedBracket, list, open, open + 1);
    for (i, &b) in bytes.iter().enumerate().skip(open + 1) {
        match b {
            b']' => return Ok(i),
            b'[' => return Err(HostlistError::new(K::NestedBracket, list, i, i + 1)),
            b if is_space(b) => {
                // `n[1-3 m`: the real problem is the missing `]`.
                let closed = bytes[i..].iter().find(|&&c| c == b']' || c == b'[') == Some(&b']');
                return Err(if closed {
                    HostlistError::new(K::WhitespaceInBrackets, list, i, i + 1)
                } else {
                    unclosed()
                });
            }
            _ => {}
        }
    }
    Err(unclosed())
}

/// Parses the inside of a bracket group, `list[start..end]`.
fn parse_group(list: &str, start: usize, end: usize) -> Result<Vec<Range>, HostlistError> {
    let mut ranges = Vec::new();
    let mut group_len: u128 = 0;
    let mut from = start;
    for part in list[start..end].split(',') {
        let to = from + part.len();
        let range = parse_range(list, from, to, start, end)?;
        group_len += range.len();
        if group_len > MAX_HOSTS as u128 {
            return Err(HostlistError::new(
                HostlistErrorKind::TooManyHosts,
                list,
                from,
                to,
            ));
        }
        ranges.push(range);
        from = to + 1;
    }
    Ok(ranges)
}

/// Parses `N` or `N-M` at `list[start..end]`; `group_*` delimit the bracket
/// group's inside, shown when the range itself is empty.
fn parse_range(
    list: &str,
    start: usize,
    end: usize,
    group_start: usize,
    group_end: usize,
) -> Result<Range, HostlistError> {
    use HostlistErrorKind as K;
    let err = |kind| HostlistError::new(kind, list, start, end);
    let text = &list[start..end];
    if text.is_empty() {
        // Show the whole group: `[1,,2]`, `[]`.
        return Err(HostlistError::new(
            K::EmptyRange,
            list,
            group_start - 1,
            group_end + 1,
        ));
    }
    let (lo_text, hi_text) = match text.split_once('-') {
        Some((lo, hi)) => (lo, Some(hi)),
        None => (text, None),
    };
    if lo_text.is_empty() || hi_text.is_some_and(|hi| hi.contains('-')) {
        return Err(err(K::InvalidRange));
    }
    let lo = parse_number(lo_text).map_err(err)?;
    let hi = match hi_text {
        // Slurm reads `n[1-]` as `n[1]`.
        None | Some("") => lo,
        Some(hi) => parse_number(hi).map_err(err)?,
    };
    if lo > hi {
        return Err(err(K::ReversedRange));
    }
    let range = Range {
        lo,
        hi,
        width: lo_text.len(),
    };
    if range.len() > MAX_HOSTS as u128 {
        return Err(err(K::TooManyHosts));
    }
    Ok(range)
}

fn parse_number(text: &str) -> Result<u64, HostlistErrorKind> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(HostlistErrorKind::InvalidNumber);
    }
    text.parse().map_err(|_| HostlistErrorKind::NumberTooLarge)
}

/// Number of names a pattern stands for; `Err` above [`MAX_HOSTS`].
fn pattern_len(pattern: &Pattern<'_>) -> Result<usize, ()> {
    let mut n: u128 = 1;
    for group in &pattern.groups {
        let group_len: u128 = group.iter().map(|r| r.len()).sum();
        n *= group_len;
        if n > MAX_HOSTS as u128 {
            return Err(());
        }
    }
    usize::try_from(n).map_err(|_| ())
}

/// Appends `n` zero-padded to `width` digits.
fn push_padded(out: &mut String, n: u64, width: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let digits = buf.len() - i;
    for _ in digits..width {
        out.push('0');
    }
    for &d in &buf[i..] {
        out.push(char::from(d));
    }
}

fn push_names(pattern: &Pattern<'_>, hosts: &mut Vec<String>) {
    let lits = &pattern.lits;
    match pattern.groups.as_slice() {
        [] => hosts.push(lits[0].to_owned()),
        [group] => {
            for r in group {
                for n in r.lo..=r.hi {
                    let mut name = String::with_capacity(lits[0].len() + r.width.max(20));
                    name.push_str(lits[0]);
                    push_padded(&mut name, n, r.width);
                    hosts.push(name);
                }
            }
        }
        groups => {
            // Each group's numbers, rendered once (at most MAX_HOSTS in all).
            let values: Vec<Vec<String>> = groups
                .iter()
                .map(|group| {
                    let mut vals = Vec::new();
                    for r in group {
                        for n in r.lo..=r.hi {
                            let mut s = String::new();
                            push_padded(&mut s, n, r.width);
                            vals.push(s);
                        }
                    }
                    vals
                })
                .collect();
            // Slurm's order: the last group varies fastest, then the first,
            // the second, ..., the last but one slowest.
            let last = groups.len() - 1;
            let order: Vec<usize> = std::iter::once(last).chain(0..last).collect();
            let mut index = vec![0usize; groups.len()];
            let cap = lits.iter().map(|l| l.len()).sum::<usize>()
                + values
                    .iter()
                    .map(|v| v.iter().map(String::len).max().unwrap_or(0))
                    .sum::<usize>();
            loop {
                let mut name = String::with_capacity(cap);
                for (g, vals) in values.iter().enumerate() {
                    name.push_str(lits[g]);
                    name.push_str(&vals[index[g]]);
                }
                name.push_str(lits[groups.len()]);
                hosts.push(name);
                let mut carried = true;
                for &g in &order {
                    index[g] += 1;
                    if index[g] < values[g].len() {
                        carried = false;
                        break;
                    }
                    index[g] = 0;
                }
                if carried {
                    break;
                }
            }
        }
    }
}

/// Splits `gpu010` into `("gpu", "010", 10)`; `None` without trailing digits
/// or when they do not fit in a `u64` (such a name stays as it is).
fn split_number(name: &str) -> Option<(&str, &str, u64)> {
    let digits = name.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let (prefix, number) = name.split_at(name.len() - digits);
    Some((prefix, number, number.parse().ok()?))
}

fn decimal_digits(mut n: u64) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

/// Compresses host names into a Slurm hostlist expression, as Slurm 22.05's
/// `scontrol show hostlist` does: `["n1", "n2", "n3", "n5", "gpu01"]` ->
/// `"n[1-3,5],gpu01"`.
///
/// Nothing is sorted or deduplicated: only adjacent names with the same
/// prefix are merged (`n3,n1,n2` -> `n[3,1-2]`, `n1,m1,n2` stays), and a
/// range only grows by the next number written with the range's padding
/// (`n9,n10` -> `n[9-10]` but `n9,n010` -> `n[9,010]`). Empty names are
/// skipped. [`expand`] gives the same names back unless a name contains `,`,
/// whitespace or a bracket, which no hostlist can express (such names are
/// written as they are).
///
/// Like Slurm, a range is not split at [`MAX_HOSTS`] names, so compressing
/// more than that many consecutive names gives an expression that neither
/// Slurm 22.05 nor [`expand`] accepts.
pub fn compress<S: AsRef<str>>(hosts: &[S]) -> String {
    enum Item<'a> {
        Name(&'a str),
        Run {
            prefix: &'a str,
            lo: u64,
            hi: u64,
            width: usize,
        },
    }
    let mut items: Vec<Item<'_>> = Vec::new();
    for host in hosts {
        let host = host.as_ref();
        if host.is_empty() {
            continue;
        }
        let Some((prefix, digits, n)) = split_number(host) else {
            items.push(Item::Name(host));
            continue;
        };
        if let Some(Item::Run {
            prefix: p,
            hi,
            width,
            ..
        }) = items.last_mut()
            && *p == prefix
            && hi.checked_add(1) == Some(n)
            && digits.len() == (*width).max(decimal_digits(n))
        {
            *hi = n;
            continue;
        }
        items.push(Item::Run {
            prefix,
            lo: n,
            hi: n,
            width: digits.len(),
        });
    }

    let mut out = String::new();
    let mut i = 0;
    while i < items.len() {
        if i > 0 {
            out.push(',');
        }
        let (prefix, lo, hi, width) = match items[i] {
            Item::Name(name) => {
                out.push_str(name);
                i += 1;
                continue;
            }
            Item::Run {
                prefix,
                lo,
                hi,
                width,
            } => (prefix, lo, hi, width),
        };
        let same_prefix = items[i..]
            .iter()
            .take_while(|item| matches!(item, Item::Run { prefix: p, .. } if *p == prefix))
            .count();
        out.push_str(prefix);
        if same_prefix == 1 && lo == hi {
            push_padded(&mut out, lo, width);
        } else {
            out.push('[');
            for (k, item) in items[i..i + same_prefix].iter().enumerate() {
                if let Item::Run { lo, hi, width, .. } = *item {
                    if k > 0 {
                        out.push(',');
                    }
                    push_padded(&mut out, lo, width);
                    if hi != lo {
                        out.push('-');
                        push_padded(&mut out, hi, width);
                    }
                }
            }
            out.push(']');
        }
        i += same_prefix;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::HostlistErrorKind as K;
    use super::*;
    use std::time::{Duration, Instant};

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/hostlist/scontrol-22.05.txt"
    );

    /// Inputs where we differ from `scontrol show hostnames` on purpose,
    /// with what we do instead and why.
    const EXPAND_DEVIATIONS: &[(&str, Result<&str, K>, &str)] = &[
        (
            "n[0-65535],m[0-65535]",
            Err(K::TooManyHosts),
            "131072 hosts > MAX_HOSTS",
        ),
        (
            "a[0-256]b[0-255]",
            Err(K::TooManyHosts),
            "65792 hosts > MAX_HOSTS",
        ),
        (
            "a[0-999]b[0-999]",
            Err(K::TooManyHosts),
            "1000000 hosts > MAX_HOSTS",
        ),
        (
            "n[99999999999999999999]",
            Err(K::NumberTooLarge),
            "Slurm saturates to u64::MAX",
        ),
        (
            "n[18446744073709551615-18446744073709551616]",
            Err(K::NumberTooLarge),
            "Slurm saturates to u64::MAX",
        ),
        (
            "n[18446744073709551614-18446744073709551615]",
            Ok("n18446744073709551614 n18446744073709551615"),
            "Slurm segfaults",
        ),
        (
            "n[+1]",
            Err(K::InvalidNumber),
            "Slurm's strtoul reads +1 as 1, padded to 2",
        ),
        (
            "n[1-+3]",
            Err(K::InvalidNumber),
            "Slurm's strtoul accepts the sign",
        ),
        (
            "n[1-3",
            Err(K::UnclosedBracket),
            "Slurm makes the host `n]`",
        ),
        (
            "n[1-3,m",
            Err(K::UnclosedBracket),
            "Slurm makes `n]` and `m`",
        ),
        (
            "n[1-3 m",
            Err(K::UnclosedBracket),
            "Slurm makes `n]` and `m`",
        ),
        (
            "[1-3",
            Err(K::UnclosedBracket),
            "Slurm makes the host `1-3`",
        ),
        ("n[", Err(K::UnclosedBracket), "Slurm makes the host `n]`"),
        (
            "[",
            Err(K::UnclosedBracket),
            "Slurm gives no host, no error",
        ),
        (
            "x,[",
            Err(K::UnclosedBracket),
            "Slurm makes `x` and an empty name",
        ),
        (
            "n[1-2]x[",
            Err(K::UnclosedBracket),
            "Slurm makes the host `n[1-2]x]`",
        ),
        (
            "foo]",
            Err(K::UnmatchedBracket),
            "Slurm keeps `foo]` as a host",
        ),
        ("]", Err(K::UnmatchedBracket), "Slurm keeps `]` as a host"),
        (
            "n]1[",
            Err(K::UnmatchedBracket),
            "Slurm makes the host `n]1]`",
        ),
        (
            "n[1-2],x]",
            Err(K::UnmatchedBracket),
            "Slurm keeps `x]` as a host",
        ),
        (
            "n[1, 2]",
            Err(K::WhitespaceInBrackets),
            "Slurm gives `n1 n02`",
        ),
        ("n[ 1]", Err(K::WhitespaceInBrackets), "Slurm gives `n01`"),
        (
            "n[ 1-2]",
            Err(K::WhitespaceInBrackets),
            "Slurm gives `n01 n02`",
        ),
        (
            "n[1 - 3]",
            Err(K::WhitespaceInBrackets),
            "Slurm gives `n01 n02 n03`",
        ),
        // A newline: Slurm keeps it in a host name; we refuse it (it would forge a line).
        ("a\nb", Err(K::Newline), "Slurm makes the one host `a<LF>b`"),
        ("a\n", Err(K::Newline), "Slurm makes the host `a<LF>`"),
        (
            "\nn[1-2]",
            Err(K::Newline),
            "Slurm makes `<LF>n1` and `<LF>n2`",
        ),
        ("n[1-2],\nm1", Err(K::Newline), "Slurm makes `n1 n2 <LF>m1`"),
        (
            "n1\nm[1-2]",
            Err(K::Newline),
            "Slurm makes `n1<LF>m1` and `n1<LF>m2`",
        ),
    ];

    /// Names where we differ from `scontrol show hostlist` on purpose.
    const COMPRESS_DEVIATIONS: &[(&str, &str, &str)] = &[(
        "n99999999999999999999 n1",
        "n99999999999999999999,n1",
        "Slurm saturates the number to u64::MAX, i.e. changes the name",
    )];

    #[derive(Debug)]
    enum Slurm {
        Hosts(Vec<String>),
        Summary { count: usize, cksum: u32 },
        Error,
        Crash,
    }

    fn unescape(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('\\') => out.push('\\'),
                other => panic!("bad escape \\{other:?} in fixture"),
            }
        }
        out
    }

    fn names(field: &str) -> Vec<String> {
        if field.is_empty() {
            Vec::new()
        } else {
            field.split(' ').map(unescape).collect()
        }
    }

    fn parse_slurm(field: &str) -> Slurm {
        match field {
            "ERROR" => Slurm::Error,
            "CRASH" => Slurm::Crash,
            _ => match field.strip_prefix('@') {
                Some(summary) => {
                    let (count, cksum) = summary.split_once(" cksum=").expect("@N cksum=C");
                    Slurm::Summary {
                        count: count.parse().expect("count"),
                        cksum: cksum.parse().expect("cksum"),
                    }
                }
                None => Slurm::Hosts(names(field)),
            },
        }
    }

    /// POSIX `cksum` (CRC-32, polynomial 0x04C11DB7, length appended).
    fn posix_cksum(data: &[u8]) -> u32 {
        fn feed(crc: u32, byte: u8) -> u32 {
            let mut crc = crc ^ (u32::from(byte) << 24);
            for _ in 0..8 {
                crc = if crc & 0x8000_0000 != 0 {
                    (crc << 1) ^ 0x04C1_1DB7
                } else {
                    crc << 1
                };
            }
            crc
        }
        let mut crc = data.iter().fold(0, |crc, &b| feed(crc, b));
        let mut len = data.len();
        while len > 0 {
            crc = feed(crc, len.to_le_bytes()[0]);
            len >>= 8;
        }
        !crc
    }

    fn agrees(slurm: &Slurm, ours: &Result<Vec<String>, HostlistError>) -> bool {
        match (slurm, ours) {
            (Slurm::Hosts(want), Ok(got)) => want == got,
            (Slurm::Summary { count, cksum }, Ok(got)) => {
                let mut text = String::new();
                for h in got {
                    text.push_str(h);
                    text.push('\n');
                }
                got.len() == *count && posix_cksum(text.as_bytes()) == *cksum
            }
            (Slurm::Error, Err(_)) => true,
            _ => false,
        }
    }

    fn fixture_rows() -> Vec<(String, String, String)> {
        let text = std::fs::read_to_string(FIXTURE).expect("read the scontrol fixture");
        text.lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                let cols: Vec<&str> = l.split('\t').collect();
                assert!(cols.len() >= 3, "bad fixture row {l:?}");
                (cols[0].to_owned(), unescape(cols[1]), cols[2].to_owned())
            })
            .collect()
    }

    #[test]
    fn posix_cksum_matches_coreutils() {
        // printf 'n0\nn1\n' | cksum
        assert_eq!(posix_cksum(b""), 4_294_967_295);
        assert_eq!(posix_cksum(b"n0\nn1\n"), 1_865_164_662);
    }

    #[test]
    fn expand_matches_every_scontrol_row() {
        let rows = fixture_rows();
        let mut checked = 0;
        let mut deviations_seen = 0;
        for (kind, input, result) in rows.iter().filter(|r| r.0 == "expand") {
            assert_eq!(kind, "expand");
            let slurm = parse_slurm(result);
            let ours = expand(input);
            if let Some((_, want, why)) = EXPAND_DEVIATIONS.iter().find(|d| d.0 == input) {
                deviations_seen += 1;
                assert!(
                    !agrees(&slurm, &ours),
                    "{input:?} is listed as a deviation ({why}) but we agree with Slurm"
                );
                match (want, &ours) {
                    (Ok(w), Ok(got)) => assert_eq!(got, &names(w), "{input:?}"),
                    (Err(k), Err(e)) => assert_eq!(e.kind, *k, "{input:?}: {e}"),
                    _ => panic!("{input:?}: expected {want:?}, got {ours:?}"),
                }
            } else {
                assert!(
                    agrees(&slurm, &ours),
                    "{input:?}: scontrol {slurm:?}, we {ours:?}"
                );
            }
            checked += 1;
        }
        assert_eq!(
            deviations_seen,
            EXPAND_DEVIATIONS.len(),
            "stale EXPAND_DEVIATIONS entry"
        );
        assert!(checked >= 100, "only {checked} expand rows");
    }

    #[test]
    fn compress_matches_every_scontrol_row() {
        let mut checked = 0;
        for (_, input, output) in fixture_rows().iter().filter(|r| r.0 == "compress") {
            let hosts = names(input);
            let want = unescape(output);
            let ours = compress(&hosts);
            if let Some((_, ours_want, why)) = COMPRESS_DEVIATIONS.iter().find(|d| d.0 == input) {
                assert_ne!(ours, want, "{input:?} listed as a deviation ({why})");
                assert_eq!(ours, *ours_want, "{input:?}");
            } else {
                assert_eq!(ours, want, "{input:?}");
                // And Slurm's own output expands back to the names.
                assert_eq!(expand(&want).as_ref(), Ok(&hosts), "{want:?}");
            }
            checked += 1;
        }
        assert!(checked >= 40, "only {checked} compress rows");
    }

    fn ok(list: &str) -> Vec<String> {
        expand(list).unwrap_or_else(|e| panic!("{list:?}: {e}"))
    }

    fn err(list: &str) -> HostlistError {
        match expand(list) {
            Ok(hosts) => panic!("{list:?} expanded to {hosts:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn expand_direct_cases() {
        let cases: &[(&str, &[&str])] = &[
            (
                "gpu[001-004,010],cpu1",
                &["gpu001", "gpu002", "gpu003", "gpu004", "gpu010", "cpu1"],
            ),
            ("", &[]),
            (" ,\t,", &[]),
            ("node", &["node"]),
            ("n[7]", &["n7"]),
            ("n[07]", &["n07"]),
            (
                "n[1-010]",
                &["n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9", "n10"],
            ),
            ("n[98-101]", &["n98", "n99", "n100", "n101"]),
            ("n[098-101]", &["n098", "n099", "n100", "n101"]),
            ("n[001-1]", &["n001"]),
            ("n[1-],m[01-]", &["n1", "m01"]),
            ("n[3,1-2,3]", &["n3", "n1", "n2", "n3"]),
            ("n1,n1", &["n1", "n1"]),
            ("[1-3]", &["1", "2", "3"]),
            ("10.0.0.[1-2]", &["10.0.0.1", "10.0.0.2"]),
            (
                "rack[1-2]-node[01-02]",
                &[
                    "rack1-node01",
                    "rack1-node02",
                    "rack2-node01",
                    "rack2-node02",
                ],
            ),
            (
                "x[1-2]y[1-2]z[1-2]",
                &[
                    "x1y1z1", "x1y1z2", "x2y1z1", "x2y1z2", "x1y2z1", "x1y2z2", "x2y2z1", "x2y2z2",
                ],
            ),
            ("[1-2]", &["1", "2"]),
            ("a, b ,\tc d", &["a", "b", "c", "d"]),
            ("a\rb,c\u{b}d", &["a\rb", "c\u{b}d"]),
            ("ñ[1-2],日本", &["ñ1", "ñ2", "日本"]),
            ("n[18446744073709551615]", &["n18446744073709551615"]),
            ("n-1,n_2,n.3,n:4", &["n-1", "n_2", "n.3", "n:4"]),
        ];
        for (list, want) in cases {
            assert_eq!(ok(list), *want, "{list:?}");
        }
    }

    #[test]
    fn expand_errors_say_what_where() {
        let cases: &[(&str, K, &str, usize)] = &[
            ("n[3-1]", K::ReversedRange, "3-1", 2),
            ("n[1-2]\n", K::Newline, "\n", 6),
            ("n[1-2]\nm1", K::Newline, "\n", 6),
            ("a,n[1-2,9-8]", K::ReversedRange, "9-8", 8),
            ("n[]", K::EmptyRange, "[]", 1),
            ("n[1,,2]", K::EmptyRange, "[1,,2]", 1),
            ("n[1-2,]", K::EmptyRange, "[1-2,]", 1),
            ("n[-3]", K::InvalidRange, "-3", 2),
            ("n[1-2-3]", K::InvalidRange, "1-2-3", 2),
            ("n[a-c]", K::InvalidNumber, "a-c", 2),
            ("n[1-x]", K::InvalidNumber, "1-x", 2),
            ("n[１-３]", K::InvalidNumber, "１-３", 2),
            (
                "n[18446744073709551616]",
                K::NumberTooLarge,
                "18446744073709551616",
                2,
            ),
            ("n[0-65536]", K::TooManyHosts, "0-65536", 2),
            ("n[0-99999999]", K::TooManyHosts, "0-99999999", 2),
            ("n[0-60000],m[0-6000]", K::TooManyHosts, "m[0-6000]", 11),
            ("n[1-3", K::UnclosedBracket, "[", 1),
            ("ok,n[1-3,m", K::UnclosedBracket, "[", 4),
            ("n[1-3 m", K::UnclosedBracket, "[", 1),
            ("n[1-2]]", K::UnmatchedBracket, "]", 6),
            ("foo]", K::UnmatchedBracket, "]", 3),
            ("n[[1-2]]", K::NestedBracket, "[", 2),
            ("n[1, 2]", K::WhitespaceInBrackets, " ", 4),
            ("n[1-2]-ib,m", K::TextAfterBracket, "-ib", 6),
            ("n[1-2]x[3]y", K::TextAfterBracket, "y", 10),
            ("é[1-2]é", K::TextAfterBracket, "é", 7),
        ];
        for &(list, kind, text, offset) in cases {
            let e = err(list);
            assert_eq!(
                (e.kind, e.text.as_str(), e.offset),
                (kind, text, offset),
                "{list:?}"
            );
            assert_eq!(
                list.get(offset..offset + text.len()),
                Some(text),
                "{list:?}"
            );
        }
        let e = err("n[3-1]");
        assert_eq!(
            e.to_string(),
            "invalid hostlist: range starts after it ends at byte 2: `3-1`"
        );
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert!(boxed.to_string().contains("3-1"));
    }

    #[test]
    fn expand_max_hosts_boundary() {
        assert_eq!(ok("n[1-65536]").len(), MAX_HOSTS);
        assert_eq!(ok("n[0-65534],x").len(), MAX_HOSTS);
        assert_eq!(ok("a[0-255]b[0-255]").len(), MAX_HOSTS);
        assert_eq!(err("n[0-65534],x,y").kind, K::TooManyHosts);
        assert_eq!(err("a[0-255]b[0-256]").kind, K::TooManyHosts);
        assert_eq!(err(&"a,".repeat(MAX_HOSTS + 1)).kind, K::TooManyHosts);
    }

    #[test]
    fn compress_direct_cases() {
        let cases: &[(&[&str], &str)] = &[
            (&[], ""),
            (&["", ""], ""),
            (&["n1", "", "n2"], "n[1-2]"),
            (&["n1"], "n1"),
            (&["n01", "n02", "n03", "n05"], "n[01-03,05]"),
            (&["n3", "n1", "n2"], "n[3,1-2]"),
            (&["n1", "n1"], "n[1,1]"),
            (&["n9", "n10", "n010"], "n[9-10,010]"),
            (
                &["gpu1", "gpu2", "cpu1", "cpu2", "gpu3"],
                "gpu[1-2],cpu[1-2],gpu3",
            ),
            (&["a", "b"], "a,b"),
            (&["ñ1", "ñ2", "日本"], "ñ[1-2],日本"),
            (
                &["n18446744073709551615", "n0"],
                "n[18446744073709551615,0]",
            ),
        ];
        for (hosts, want) in cases {
            assert_eq!(compress(hosts), *want, "{hosts:?}");
        }
        // Works on owned strings too.
        assert_eq!(compress(&ok("n[1-3],m")), "n[1-3],m");
        // Like Slurm, a run is not split at MAX_HOSTS, and the result is
        // refused by expand as by `scontrol show hostnames`.
        let many: Vec<String> = (0..=70000).map(|i| format!("n{i}")).collect();
        assert_eq!(compress(&many), "n[0-70000]");
        assert_eq!(err("n[0-70000]").kind, K::TooManyHosts);
    }

    /// Small deterministic PRNG (xorshift64*), std only.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n as u64).unwrap_or(0)
        }
    }

    fn random_hosts(rng: &mut Rng) -> Vec<String> {
        const PREFIXES: &[&str] = &["n", "gpu", "rack1-node", "", "10.0.0.", "a-b.", "ñ", "x1y"];
        let mut hosts: Vec<String> = Vec::new();
        let mut last: Option<(&str, u64, usize)> = None;
        for _ in 0..rng.below(40) {
            let roll = rng.below(10);
            let host = match (roll, last) {
                (0, _) => {
                    let p = PREFIXES[rng.below(PREFIXES.len())];
                    format!("{p}z")
                }
                (1, _) if !hosts.is_empty() => hosts[rng.below(hosts.len())].clone(),
                (2..=5, Some((p, n, w))) => {
                    last = Some((p, n + 1, w));
                    format!("{p}{:0w$}", n + 1)
                }
                _ => {
                    let p = PREFIXES[rng.below(PREFIXES.len())];
                    let n = rng.below(1200) as u64;
                    let w = rng.below(5);
                    last = Some((p, n, w));
                    format!("{p}{n:0w$}")
                }
            };
            hosts.push(host);
        }
        hosts
    }

    #[test]
    fn roundtrip_compress_then_expand() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..5000 {
            let hosts = random_hosts(&mut rng);
            let list = compress(&hosts);
            assert_eq!(expand(&list).as_ref(), Ok(&hosts), "{list:?}");
            assert_eq!(compress(&ok(&list)), list);
        }
    }

    /// Random expressions from a hostile alphabet: never a panic; whatever
    /// expands is bounded, clean, and survives compress/expand.
    #[test]
    fn random_expressions_never_panic() {
        const ALPHABET: &[&str] = &[
            "[",
            "]",
            "-",
            ",",
            " ",
            "\t",
            "0",
            "1",
            "9",
            "00",
            "n",
            "é",
            "日",
            "99999",
            "\r",
            "+",
            "18446744073709551615",
            "[1-3]",
            "[01-2,5]",
        ];
        let mut rng = Rng(42);
        let mut expanded = 0;
        for _ in 0..20_000 {
            let list: String = (0..rng.below(16))
                .map(|_| ALPHABET[rng.below(ALPHABET.len())])
                .collect();
            match expand(&list) {
                Ok(hosts) => {
                    expanded += 1;
                    assert!(hosts.len() <= MAX_HOSTS);
                    for h in &hosts {
                        assert!(!h.is_empty() && !h.contains([',', ' ', '\t', '\n', '[', ']']));
                    }
                    assert_eq!(expand(&compress(&hosts)).as_ref(), Ok(&hosts), "{list:?}");
                }
                Err(e) => {
                    assert!(e.offset <= list.len());
                    assert!(e.text.len() <= MAX_ERROR_TEXT + 3);
                    assert!(!e.to_string().is_empty());
                }
            }
        }
        assert!(expanded > 1000, "generator too hostile: {expanded}");
    }

    #[test]
    fn hostile_inputs_error_fast() {
        let deep_open = "[".repeat(100_000);
        let deep_close = "]".repeat(100_000);
        let nested = format!("{}1{}", "[".repeat(50_000), "]".repeat(50_000));
        let many_ranges = format!("n[{}1]", "1,".repeat(100_000));
        let many_groups = format!("n{}", "[1-2]".repeat(17));
        let long_bad_range = format!("n[{}]", "é".repeat(10_000));
        let cases: &[(&str, K)] = &[
            ("n[0-99999999]", K::TooManyHosts),
            ("n[0-18446744073709551615]", K::TooManyHosts),
            ("a[0-99999]b[0-99999]", K::TooManyHosts),
            ("a[0-9999]b[0-9999]", K::TooManyHosts),
            ("n[99999999999999999999999999999999]", K::NumberTooLarge),
            (&deep_open, K::NestedBracket),
            (&deep_close, K::UnmatchedBracket),
            (&nested, K::NestedBracket),
            (&many_ranges, K::TooManyHosts),
            (&many_groups, K::TooManyHosts),
            (&long_bad_range, K::InvalidNumber),
            ("n[1-3\0]", K::InvalidNumber),
            ("日[1-2", K::UnclosedBracket),
            ("n[1-2]日", K::TextAfterBracket),
        ];
        for (list, kind) in cases {
            let start = Instant::now();
            let e = err(list);
            let took = start.elapsed();
            assert_eq!(e.kind, *kind, "{}", &list[..list.len().min(40)]);
            assert!(e.text.len() <= MAX_ERROR_TEXT + 3, "error text not cut");
            assert!(took < Duration::from_millis(200), "{kind:?} took {took:?}");
        }
        // Long but legal input stays linear.
        let long_name = "a".repeat(1_000_000);
        assert_eq!(ok(&long_name), std::slice::from_ref(&long_name));
        let many_singletons = format!("n{}", "[1]".repeat(10_000));
        assert_eq!(ok(&many_singletons), ["n".to_owned() + &"1".repeat(10_000)]);
    }

    #[test]
    fn expanding_10k_hosts_is_fast() {
        for list in ["n[00001-10000]", "rack[1-100]-node[001-100]"] {
            let start = Instant::now();
            let hosts = ok(list);
            let took = start.elapsed();
            assert_eq!(hosts.len(), 10_000);
            let start = Instant::now();
            let _back = compress(&hosts);
            let took_back = start.elapsed();
            eprintln!("expand {list}: {took:?}; compress back: {took_back:?}");
            assert!(
                took < Duration::from_millis(100),
                "expand {list} took {took:?}"
            );
            assert!(
                took_back < Duration::from_millis(100),
                "compress took {took_back:?}"
            );
        }
    }
}
