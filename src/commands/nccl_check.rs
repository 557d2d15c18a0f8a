//! `hybridctl nccl-check`: the NCCL analysis of saved logs (see `crate::nccl`, `docs/nccl.md`).

use std::io::Write;
use std::time::Duration;

use anyhow::{Context, Result};

use super::{Output, load_settings, require_valid};
use crate::cli::{FabricArg, NcclCheckArgs, TextOrJson};
use crate::error::{ExitStatus, UserError};
use crate::nccl::{Analyzer, Expectation, Fabric, scan};
use crate::settings::{Env, Overrides, load_spec};

/// `90s`, `5m`, `1h30m`, or plain seconds.
fn parse_duration(text: &str) -> Option<Duration> {
    let t = text.trim();
    if let Ok(s) = t.parse::<u64>() {
        return Some(Duration::from_secs(s));
    }
    let mut total = 0u64;
    let mut digits = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        let n: u64 = digits.parse().ok()?;
        total = total.checked_add(n.checked_mul(unit)?)?;
        digits.clear();
    }
    (digits.is_empty() && total > 0).then(|| Duration::from_secs(total))
}

pub fn run(args: NcclCheckArgs, env: Env, out: &Output) -> Result<ExitStatus> {
    let mut expect = Expectation::default();
    if let Some(path) = &args.spec {
        if path == "-" && args.files.iter().any(|f| f == "-") {
            return Err(UserError::invalid(
                "the spec and a log cannot both be read from standard input",
                "give the spec or the log as a file",
            )
            .into());
        }
        let settings = load_settings(env)?;
        let loaded = load_spec(&settings, path, &Overrides::default()).map_err(|e| {
            anyhow::Error::new(e).context(UserError::environment(
                format!("could not read the job spec `{path}`"),
                "check the path, or pass `--fabric roce|ib|socket` instead",
            ))
        })?;
        let spec = require_valid(loaded, out)?;
        expect = Expectation::from_spec(&spec);
    }
    if let Some(f) = args.fabric {
        expect.fabric = match f {
            FabricArg::Roce => Fabric::Roce,
            FabricArg::Ib => Fabric::Ib,
            FabricArg::Socket => Fabric::Socket,
        };
    }
    if let Some(t) = &args.init_timeout {
        expect.init_threshold = Some(parse_duration(t).ok_or_else(|| {
            UserError::invalid(
                format!("`{t}` is not a duration"),
                "write it like `90s`, `5m` or `1h30m`",
            )
        })?);
    }
    let mut analyzer = Analyzer::new(expect);
    let several = args.files.len() > 1;
    for file in &args.files {
        // One file: evidence lines need no file name; several: each line says its file.
        let (name, result) = if file == "-" {
            let label = if several { "<stdin>" } else { "" };
            (
                label,
                scan::scan(std::io::stdin().lock(), label, &mut analyzer),
            )
        } else {
            let label = if several { file.as_str() } else { "" };
            let f = std::fs::File::open(file).map_err(|e| read_error(file, e))?;
            (label, scan::scan(f, label, &mut analyzer))
        };
        result.map_err(|e| read_error(if name.is_empty() { file } else { name }, e))?;
    }
    analyzer.finish();
    let report = analyzer.report();
    let mut stdout = std::io::stdout().lock();
    match args.output {
        TextOrJson::Json => {
            serde_json::to_writer_pretty(&mut stdout, &report).context("writing the report")?;
            writeln!(stdout)?;
        }
        TextOrJson::Text => {
            let color = out.color && std::io::IsTerminal::is_terminal(&std::io::stdout());
            write!(stdout, "{}", report.summary_table(color))?;
        }
    }
    Ok(if report.is_bad() {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn read_error(file: &str, e: std::io::Error) -> anyhow::Error {
    let what = if file == "-" { "standard input" } else { file };
    anyhow::Error::new(UserError::environment(
        format!("could not read `{what}`: {e}"),
        "check the path and its permissions; `-` reads standard input",
    ))
}
