//! The fabric-check report: text (tables), JSON and the one-line health-check form (pure).

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use super::counters::Delta;
use super::pairwise::PairwiseReport;
use crate::check::{Check, Level, Summary};

/// Everything one run found.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The sysfs root the local audit read.
    pub root: String,
    pub checks: Vec<Check>,
    /// Counter increases (during `--watch` or around the pairwise tests).
    pub counter_deltas: Vec<Delta>,
    pub counter_seconds: Option<f64>,
    pub pairwise: Option<PairwiseReport>,
    pub summary: Summary,
    /// 0 pass/warn/unknown only, 1 a check failed.
    pub exit_code: u8,
}

impl Report {
    pub fn new(
        root: String,
        checks: Vec<Check>,
        counter_deltas: Vec<Delta>,
        counter_seconds: Option<f64>,
        pairwise: Option<PairwiseReport>,
    ) -> Self {
        let mut all = checks;
        if let Some(p) = &pairwise {
            all.extend(p.checks());
        }
        let summary = Summary::of(all.iter().map(|c| &c.level));
        Self {
            root,
            exit_code: u8::from(summary.fail > 0),
            checks: all,
            counter_deltas,
            counter_seconds,
            pairwise,
            summary,
        }
    }

    pub fn worst(&self) -> Level {
        self.checks
            .iter()
            .map(|c| c.level)
            .max()
            .unwrap_or(Level::Pass)
    }

    /// The health-check line: `ERROR: hybridctl fabric-check: <check> <subject>: <detail>`
    /// for the first failed check (NHC's style), or `None` when nothing failed.
    pub fn health_line(&self) -> Option<String> {
        let failed: Vec<&Check> = self
            .checks
            .iter()
            .filter(|c| c.level == Level::Fail)
            .collect();
        let c = failed.first()?;
        let more = if failed.len() > 1 {
            format!(" (+{} more failed checks)", failed.len() - 1)
        } else {
            String::new()
        };
        Some(format!(
            "ERROR: hybridctl fabric-check: {} {}: {}{more}",
            c.check, c.subject, c.detail
        ))
    }
}

fn table() -> Table {
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    t.set_content_arrangement(ContentArrangement::Disabled);
    t
}

fn trimmed(t: &Table) -> String {
    t.lines()
        .map(|l| l.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text report.
pub fn text(r: &Report, color: bool) -> String {
    let paint = |l: Level, s: &str| {
        use crate::style::styles;
        let style = match l {
            Level::Pass => styles::PASS,
            Level::Unknown => styles::DIM,
            Level::Warn => styles::WARNING,
            Level::Fail => styles::ERROR,
        };
        crate::style::paint(color, style, s)
    };
    let mut out = String::new();
    let local: Vec<&Check> = r.checks.iter().filter(|c| c.check != "pairwise").collect();
    if !local.is_empty() {
        out.push_str(&format!("Local audit (sysfs root {})\n", r.root));
        // Laid out by hand, not with a table: a table pads every row to the longest detail,
        // which made thousands of devices quadratic in time and memory (4k devices: 1.7 GB).
        // The last column is not padded, so the cost is linear in what is printed.
        let width = |f: fn(&Check) -> &str, head: &str| {
            local
                .iter()
                .map(|c| f(c).chars().count())
                .chain([head.chars().count()])
                .max()
                .unwrap_or(0)
        };
        let w_check = width(|c| c.check, "CHECK");
        let w_subject = width(|c| c.subject.as_str(), "SUBJECT");
        let w_result = width(|c| c.level.as_str(), "RESULT");
        let mut line = |check: &str, subject: &str, result: &str, shown: &str, detail: &str| {
            let pad = |n: usize, s: &str| " ".repeat(n.saturating_sub(s.chars().count()));
            let mut l = format!(
                " {check}{}  {subject}{}  {shown}{}  {detail}",
                pad(w_check, check),
                pad(w_subject, subject),
                pad(w_result, result)
            );
            l.truncate(l.trim_end().len());
            out.push_str(&l);
            out.push('\n');
        };
        line("CHECK", "SUBJECT", "RESULT", "RESULT", "DETAIL");
        for c in &local {
            let result = c.level.as_str();
            line(
                c.check,
                &c.subject,
                result,
                &paint(c.level, result),
                &c.detail,
            );
        }
    }
    if let Some(p) = &r.pairwise {
        out.push_str(&format!(
            "\nPairwise {} ({} nodes, {} mode, {} round(s), {:.1} s)\n",
            p.results
                .first()
                .and_then(|x| x.bandwidth.as_ref())
                .and_then(|b| b.test.clone())
                .unwrap_or_else(|| "RDMA tests".into()),
            p.nodes.len(),
            match p.mode {
                super::pairwise::PairMode::All => "all-pairs",
                super::pairwise::PairMode::Ring => "ring",
            },
            p.rounds,
            p.total_seconds
        ));
        if p.nodes.len() <= 16 && !p.results.is_empty() {
            if p.results.iter().any(|x| x.rail.is_some()) {
                out.push_str(
                    "Average bandwidth, Gb/s (the worst rail of each pair; blank: not tested)\n",
                );
            } else {
                out.push_str(
                    "Average bandwidth, Gb/s (each pair tested once; blank: not tested)\n",
                );
            }
            let mut t = table();
            let mut header = vec![String::new()];
            header.extend(p.nodes.iter().cloned());
            t.set_header(header);
            for a in &p.nodes {
                let mut row = vec![a.clone()];
                for b in &p.nodes {
                    // With --rails a pair has one result per rail: show its worst.
                    let cell = p
                        .results
                        .iter()
                        .filter(|x| {
                            (&x.server == a && &x.client == b) || (&x.server == b && &x.client == a)
                        })
                        .max_by(|x, y| {
                            x.level.cmp(&y.level).then(
                                y.bandwidth
                                    .as_ref()
                                    .map_or(0.0, |b| b.average_gbps)
                                    .total_cmp(
                                        &x.bandwidth.as_ref().map_or(0.0, |b| b.average_gbps),
                                    ),
                            )
                        })
                        .map_or_else(
                            || {
                                if a == b {
                                    "-".to_string()
                                } else {
                                    String::new()
                                }
                            },
                            |x| match (&x.bandwidth, x.level) {
                                (Some(bw), l) if l != Level::Fail || x.failure.is_none() => {
                                    paint(x.level, &format!("{:.1}", bw.average_gbps))
                                }
                                _ if x.reason.contains("timed out") => {
                                    paint(Level::Fail, "TIMEOUT")
                                }
                                _ => paint(Level::Fail, "FAIL"),
                            },
                        );
                    row.push(cell);
                }
                t.add_row(row);
            }
            out.push_str(&trimmed(&t));
            out.push('\n');
        }
        let mut sorted: Vec<_> = p.results.iter().collect();
        sorted.sort_by(|a, b| {
            b.level.cmp(&a.level).then(
                a.bandwidth
                    .as_ref()
                    .map_or(0.0, |x| x.average_gbps)
                    .total_cmp(&b.bandwidth.as_ref().map_or(0.0, |x| x.average_gbps)),
            )
        });
        out.push_str("Worst pairs\n");
        let mut t = table();
        let rails = p.results.iter().any(|x| x.rail.is_some());
        let mut header = vec!["ROUND", "SERVER", "CLIENT"];
        if rails {
            header.push("RAIL");
        }
        header.extend(["RESULT", "DETAIL"]);
        t.set_header(header);
        for x in sorted.iter().take(10) {
            let mut row = vec![x.round.to_string(), x.server.clone(), x.client.clone()];
            if rails {
                row.push(x.rail.clone().unwrap_or_default());
            }
            row.extend([paint(x.level, x.level.as_str()), x.reason.clone()]);
            t.add_row(row);
        }
        out.push_str(&trimmed(&t));
        out.push('\n');
    }
    if let Some(secs) = r.counter_seconds {
        if r.counter_deltas.is_empty() {
            out.push_str(&format!(
                "\nCounters: no followed counter increased in {secs:.1} s\n"
            ));
        } else {
            out.push_str(&format!("\nCounter increases in {secs:.1} s\n"));
            let mut t = table();
            t.set_header(["SUBJECT", "COUNTER", "BEFORE", "AFTER", "INCREASE"]);
            for d in &r.counter_deltas {
                t.add_row([
                    d.subject.clone(),
                    d.counter.clone(),
                    d.before.to_string(),
                    d.after.to_string(),
                    format!("+{}", d.delta),
                ]);
            }
            out.push_str(&trimmed(&t));
            out.push('\n');
        }
    }
    let problems: Vec<&Check> = r.checks.iter().filter(|c| c.level != Level::Pass).collect();
    if !problems.is_empty() {
        out.push('\n');
        for c in problems {
            out.push_str(&format!(
                "{} {} {}: {}\n",
                paint(c.level, c.level.as_str()),
                c.check,
                c.subject,
                c.detail
            ));
            for e in &c.evidence {
                out.push_str(&format!("    evidence: {e}\n"));
            }
            if let Some(h) = &c.hint {
                out.push_str(&format!("    hint: {h}\n"));
            }
        }
    }
    let s = r.summary;
    out.push_str(&format!(
        "\nsummary: {} pass, {} warn, {} fail, {} unknown\n",
        s.pass, s.warn, s.fail, s.unknown
    ));
    out
}

impl crate::document::Document for Report {
    const KIND: &'static str = "FabricReport";
}
