//! Reading a log fast: blocks, a `CCL` prefilter over the whole block, and only the lines
//! that contain it handed to the analyzer (which drops those without `NCCL`). Lines are
//! counted (for evidence line numbers) without being split. Memory is one buffer, whatever the input size; a line longer than
//! [`MAX_LINE`] is analysed by its first [`MAX_LINE`] bytes.

use std::io::{self, Read};

use memchr::{memchr, memmem, memrchr};

use super::Analyzer;

/// Block size of each read: small enough that a block stays in the L2 cache between the read
/// copy, the `CCL` search and the newline count.
pub const BLOCK: usize = 128 << 10;
/// Longest line kept whole; the rest of a longer line is skipped.
pub const MAX_LINE: usize = 1 << 20;

/// Totals of one scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanStats {
    pub bytes: u64,
    pub lines: u64,
    /// Lines handed to the analyzer (they contain `NCCL`).
    pub fed: u64,
}

/// Newlines in `s`. memchr's SIMD search per newline measured about three times faster than
/// a byte loop with lane counters (`cargo bench --bench nccl`), since lines are ~100 bytes.
fn count_newlines(s: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', s).count() as u64
}

/// Feed every line of `reader` that contains `NCCL` to `analyzer` under `source`, with its
/// 1-based line number; the others are only counted.
pub fn scan<R: Read>(
    mut reader: R,
    source: &str,
    analyzer: &mut Analyzer,
) -> io::Result<ScanStats> {
    // `CCL`, not `NCCL`: memchr's prefilter looks for the needle's rarest bytes, and for `NCCL`
    // that includes the `N` of every `INFO`/`WARN` in ordinary log lines; `C` and `L` are
    // rarer. The analyzer checks for `NCCL` itself.
    let finder = memmem::Finder::new(b"CCL");
    let mut buf = vec![0u8; BLOCK + MAX_LINE];
    let mut stats = ScanStats::default();
    // buf[..filled] holds data; buf[..carry] at the start of a round is an unfinished line.
    let mut filled = 0usize;
    // Inside an over-long line whose first MAX_LINE bytes were already handled.
    let mut skipping = false;
    let mut line_no: u64 = 0;
    loop {
        let room = (filled + BLOCK).min(buf.len());
        let n = match reader.read(&mut buf[filled..room]) {
            Ok(0) => 0,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        stats.bytes += n as u64;
        // buf[..filled] has no newline (an unfinished line): only the new bytes are searched.
        let fresh = filled;
        filled += n;
        let eof = n == 0;
        let mut start = 0usize;
        if skipping {
            match memchr(b'\n', &buf[fresh..filled]).map(|i| fresh + i) {
                Some(i) => {
                    skipping = false;
                    start = i + 1;
                }
                None => {
                    filled = 0;
                    if eof {
                        break;
                    }
                    continue;
                }
            }
        }
        // Complete lines end at the last newline (or at EOF).
        let end = if eof {
            filled
        } else {
            let from = fresh.max(start);
            match memrchr(b'\n', &buf[from..filled]) {
                Some(i) => from + i + 1,
                None => start,
            }
        };
        let region = &buf[start..end];
        let mut pos = 0usize;
        // Lines the analyzer asked for after the previous block's last NCCL line.
        following(region, &mut pos, &mut line_no, source, analyzer, &mut stats);
        while let Some(hit) = finder.find(&region[pos..]) {
            let hit = pos + hit;
            let line_start = memrchr(b'\n', &region[pos..hit]).map_or(pos, |i| pos + i + 1);
            let line_end = memchr(b'\n', &region[hit..]).map_or(region.len(), |i| hit + i);
            line_no += count_newlines(&region[pos..line_start]) + 1;
            analyzer.feed_bytes(source, &region[line_start..line_end], Some(line_no), None);
            stats.fed += 1;
            pos = (line_end + 1).min(region.len());
            if line_end == region.len() {
                break;
            }
            following(region, &mut pos, &mut line_no, source, analyzer, &mut stats);
        }
        line_no += count_newlines(&region[pos..]);
        if eof && pos < region.len() && region.last() != Some(&b'\n') {
            // The last line has no newline and no NCCL: count it.
            line_no += 1;
        }
        if eof {
            break;
        }
        // Move the unfinished line to the front.
        buf.copy_within(end..filled, 0);
        filled -= end;
        if filled >= MAX_LINE {
            // An over-long line: analyse its head, skip the rest.
            line_no += 1;
            if finder.find(&buf[..filled]).is_some() {
                analyzer.feed_bytes(source, &buf[..filled], Some(line_no), None);
                stats.fed += 1;
            }
            skipping = true;
            filled = 0;
        }
    }
    stats.lines = line_no;
    analyzer.count_skipped(stats.lines.saturating_sub(stats.fed));
    Ok(stats)
}

/// Feed the lines after an NCCL line for as long as the analyzer wants them (PyTorch's
/// `Last error:` detail has no `NCCL` in it), whatever they contain.
fn following(
    region: &[u8],
    pos: &mut usize,
    line_no: &mut u64,
    source: &str,
    analyzer: &mut Analyzer,
    stats: &mut ScanStats,
) {
    while analyzer.wants_following_lines() && *pos < region.len() {
        let end = memchr(b'\n', &region[*pos..]).map_or(region.len(), |i| *pos + i);
        *line_no += 1;
        analyzer.feed_bytes(source, &region[*pos..end], Some(*line_no), None);
        stats.fed += 1;
        *pos = (end + 1).min(region.len());
        if end == region.len() {
            break;
        }
    }
}

/// The NCCL report of a saved log (a job's batch output): `Ok(None)` when it has no NCCL
/// line. `ended`: the job is over, so a rank without `Init COMPLETE` never got there.
/// Read in blocks, so memory stays bounded however large the file.
pub fn report_of_file(
    path: &std::path::Path,
    expect: super::Expectation,
    ended: bool,
) -> io::Result<Option<super::Report>> {
    let mut analyzer = Analyzer::new(expect);
    let file = std::fs::File::open(path)?;
    scan(file, "", &mut analyzer)?;
    analyzer.finish();
    if ended {
        analyzer.job_ended();
    }
    let report = analyzer.report();
    Ok((report.nccl_lines > 0).then_some(report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nccl::Expectation;

    #[test]
    fn newline_count_matches_the_plain_one() {
        let text: Vec<u8> = (0..100_000u32)
            .map(|i| if i % 7 == 0 { b'\n' } else { b'x' })
            .collect();
        for len in [0, 1, 31, 32, 33, 8159, 8160, 8161, 100_000] {
            let s = &text[..len];
            assert_eq!(
                count_newlines(s),
                s.iter().filter(|&&b| b == b'\n').count() as u64
            );
        }
    }

    #[test]
    fn counts_lines_and_feeds_only_nccl_lines() {
        let text = "a\nh:1:1 [0] NCCL INFO Using network IB\nb\n\nc NCCL\nlast";
        let mut a = Analyzer::new(Expectation::default());
        let s = scan(text.as_bytes(), "f", &mut a).unwrap();
        assert_eq!(s.lines, 6);
        assert_eq!(s.fed, 2);
        let r = a.report();
        assert_eq!(r.lines, 6);
        assert_eq!(r.ranks[0].k.last_line, Some(2));
    }

    #[test]
    fn small_reads_and_long_lines() {
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(out.len()).min(7);
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut text = String::from("x\n");
        text.push_str(&"y".repeat(MAX_LINE + 10));
        text.push_str(" NCCL\nh:1:1 [0] NCCL INFO Using network Socket\n");
        let mut a = Analyzer::new(Expectation::default());
        let s = scan(Trickle(text.as_bytes()), "f", &mut a).unwrap();
        assert_eq!(s.lines, 3);
        let r = a.report();
        assert_eq!(r.ranks[0].network.as_deref(), Some("Socket"));
        assert_eq!(r.ranks[0].k.last_line, Some(3));
    }
}
