//! The report as text: the job summary, a per-rank table, then each verdict with its
//! evidence and hint.

use super::*;

pub(crate) fn paint(color: bool, code: &str, text: &str) -> String {
    use crate::style::styles;
    let style = match code {
        "32" | "1;32" => styles::PASS,
        "1;33" | "33" => styles::WARNING,
        "1;31" | "31" => styles::ERROR,
        "1;36" | "36" => styles::HINT,
        "1" => styles::BOLD,
        _ => styles::DIM,
    };
    crate::style::paint(color, style, text)
}

pub(crate) fn devices(r: &RankState) -> String {
    match r.ib_devices.as_slice() {
        [] if r.ib_no_device => "none".into(),
        [] => "-".into(),
        devs => {
            let link = &devs[0].link;
            let same = devs.iter().all(|d| &d.link == link);
            let names = if devs.len() <= 2 {
                devs.iter()
                    .map(|d| d.name.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            } else {
                format!("{}..{}", devs[0].name, devs[devs.len() - 1].name)
            };
            if same {
                format!("{names}/{link}")
            } else {
                format!("{names}/mixed")
            }
        }
    }
}

pub(crate) fn channels(r: &RankState) -> String {
    let c = &r.channels;
    let mut parts = Vec::new();
    if c.net_rdma > 0 {
        parts.push(format!("NET {} (GDR {})", c.net_rdma, c.net_rdma_gdr));
    }
    if c.net_socket > 0 {
        parts.push(format!("SOCKET {}", c.net_socket));
    }
    if c.p2p > 0 {
        parts.push(format!("P2P {}", c.p2p));
    }
    if c.shm > 0 {
        parts.push(format!("SHM {}", c.shm));
    }
    if c.other > 0 {
        parts.push(format!("other {}", c.other));
    }
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join(", ")
    }
}

pub(crate) fn job_summary(rep: &Report, out: &mut String) {
    let s = &rep.summary;
    let version = if s.nccl_versions.is_empty() {
        "NCCL version not shown".to_string()
    } else {
        format!("NCCL {}", s.nccl_versions.join(", "))
    };
    let ranks = match s.nranks {
        Some(n) => format!("{} of {n} ranks seen", s.ranks_seen),
        None => plural(s.ranks_seen as usize, "rank seen", "ranks seen"),
    };
    let hosts = if s.hosts_at_least > s.hosts {
        format!(
            "{} in the prefixes, at least {} took part ({})",
            plural(s.hosts as usize, "host", "hosts"),
            s.hosts_at_least,
            s.hosts_evidence.join("; ")
        )
    } else {
        plural(s.hosts as usize, "host", "hosts")
    };
    let _ = writeln!(out, "{version} · {ranks} · {hosts}");
    let i = &s.init;
    let _ = writeln!(
        out,
        "init: {} complete, {} failed, {} never completed, {} unknown{}",
        i.complete,
        i.failed,
        i.incomplete,
        i.unknown,
        if rep.job_ended {
            " (the log shows the job ended)"
        } else {
            ""
        }
    );
    if s.per_host.is_empty() {
        return;
    }
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    t.set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(vec![
        "HOST",
        "RANKS",
        "NCCL",
        "BETWEEN HOSTS",
        "DEVICES",
        "GDR",
        "INSIDE",
        "PLUGIN",
        "INIT",
        "DIFFERS",
    ]);
    for h in s.per_host.iter().take(64) {
        let name = match &h.addr {
            Some(a) => format!("{} ({a})", h.host),
            None => h.host.clone(),
        };
        let ranks = if h.ranks.is_empty() {
            format!("{} proc", h.processes)
        } else {
            ranges(&h.ranks)
        };
        let devices = match h.devices.as_slice() {
            [] => "-".to_string(),
            d if d.len() <= 3 => d.join(","),
            d => format!("{}..{} ({})", d[0], d[d.len() - 1], d.len()),
        };
        let init = format!("{}/{}", h.init.complete, h.processes);
        t.add_row(vec![
            name,
            ranks,
            h.nccl_version.clone().unwrap_or_else(|| "-".into()),
            h.transport.clone(),
            devices,
            match h.gdr {
                Some(true) => "on".into(),
                Some(false) => "off".into(),
                None => "-".into(),
            },
            if h.intra.is_empty() {
                "-".into()
            } else {
                h.intra.join(",")
            },
            h.plugin.clone().unwrap_or_else(|| "-".into()),
            init,
            if h.disagrees.is_empty() {
                "-".into()
            } else {
                h.disagrees.join("; ")
            },
        ]);
    }
    for line in t.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if s.per_host.len() > 64 {
        let _ = writeln!(out, "... and {} more hosts", s.per_host.len() - 64);
    }
}

pub(crate) fn table(rep: &Report, color: bool) -> String {
    let mut out = String::new();
    if rep.outcome == Outcome::NothingToJudge {
        let _ = writeln!(
            out,
            "{} ({})",
            NOTHING_TO_JUDGE,
            plural(rep.lines as usize, "line read", "lines read")
        );
        return out;
    }
    job_summary(rep, &mut out);
    out.push('\n');
    if rep.ranks.is_empty() {
        out.push_str("no NCCL line with NCCL's own `host:pid:tid [dev]` prefix\n");
    } else {
        let with_source = rep.ranks.iter().any(|r| !r.source.is_empty());
        let mut t = Table::new();
        t.load_style(presets::NOTHING);
        t.set_content_arrangement(ContentArrangement::Disabled);
        let mut header = vec!["RANK"];
        if with_source {
            header.push("SOURCE");
        }
        header.extend([
            "HOST", "DEV", "NCCL", "NETWORK", "DEVICES", "GDR", "INIT", "CHANNELS", "WARN",
        ]);
        t.set_header(header);
        for r in &rep.ranks {
            let rank = match (r.rank, r.nranks) {
                (Some(a), Some(n)) => format!("{a}/{n}"),
                (Some(a), None) => a.to_string(),
                _ => "-".into(),
            };
            let net = r.network.clone().unwrap_or_else(|| "-".into());
            let net = if r.uses_sockets() {
                paint(color, "1;31", &net)
            } else {
                net
            };
            let gdr = match r.gdr {
                Some(true) => "yes".into(),
                Some(false) => paint(color, "1;33", "no"),
                None => "-".into(),
            };
            let init = match (r.init_complete, r.init_time_s, r.pid) {
                (true, Some(s), _) => format!("yes {s:.1}s"),
                (true, None, _) => "yes".into(),
                (false, _, Some(_)) => paint(color, "1;31", "no"),
                (false, _, None) => "-".into(),
            };
            let warn = r.warnings_total + r.collective_timeouts_total;
            let mut row = vec![rank];
            if with_source {
                row.push(r.source.clone());
            }
            row.extend([
                if r.host.is_empty() {
                    "-".into()
                } else {
                    r.host.clone()
                },
                r.cuda_dev.map_or_else(|| "-".into(), |d| d.to_string()),
                r.nccl_version.clone().unwrap_or_else(|| "-".into()),
                net,
                devices(r),
                gdr,
                init,
                channels(r),
                if warn == 0 {
                    "-".into()
                } else {
                    warn.to_string()
                },
            ]);
            t.add_row(row);
        }
        for line in t.lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "\n{} on {}, {} NCCL lines of {}",
            plural(rep.ranks.len(), "rank", "ranks"),
            plural(rep.hosts as usize, "host", "hosts"),
            rep.nccl_lines,
            rep.lines
        );
    }
    match rep.outcome {
        Outcome::Ok => {
            let _ = writeln!(
                out,
                "{}",
                paint(color, "1;32", "ok: no problem found in the NCCL lines")
            );
        }
        Outcome::Unknown => {
            let _ = writeln!(
                out,
                "{}",
                paint(
                    color,
                    "1;36",
                    "unknown: no problem found, but the log does not show init completing"
                )
            );
        }
        _ => {}
    }
    for v in &rep.verdicts {
        let code = match v.severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        let _ = writeln!(
            out,
            "\n{}: {}",
            paint(
                color,
                code,
                &format!("{}[{}]", v.severity.as_str(), v.kind.name())
            ),
            v.message
        );
        for e in &v.evidence {
            let place = match (e.source.is_empty(), e.line) {
                (false, Some(n)) => format!("{}:{n}: ", e.source),
                (false, None) => format!("{}: ", e.source),
                (true, Some(n)) => format!("{n}: "),
                (true, None) => String::new(),
            };
            let _ = writeln!(out, "  | {place}{}", cut(&e.text));
        }
        if v.evidence_omitted > 0 {
            let _ = writeln!(out, "  | ... and {} more", v.evidence_omitted);
        }
        let _ = writeln!(out, "  {} {}", paint(color, "1;36", "hint:"), v.hint);
    }
    out
}
