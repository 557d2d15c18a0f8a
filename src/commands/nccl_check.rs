//! `hybridctl nccl-check`: the NCCL analysis of saved logs (see `crate::nccl`, `docs/nccl.md`).

use std::io::Write;

use anyhow::{Context as _, Result};

use super::{Context, require_valid};
use crate::cli::{FabricArg, NcclCheckArgs, TextOrJson};
use crate::error::Advice;
use crate::error::{ExitStatus, UserError};
use crate::jobspec::load::{Overrides, load_spec};
use crate::nccl::{Analyzer, Expectation, Fabric, NOTHING_TO_JUDGE, Outcome, scan};

pub fn run(args: NcclCheckArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let mut expect = Expectation::default();
    if let Some(path) = &args.spec {
        if path == "-" && args.files.iter().any(|f| f == "-") {
            return Err(UserError::invalid(
                "the spec and a log cannot both be read from standard input",
                "give the spec or the log as a file",
            )
            .into());
        }
        let settings = ctx.settings()?;
        let loaded = load_spec(settings, path, &Overrides::default()).map_err(|e| {
            anyhow::Error::new(e).context(UserError::environment(
                format!("could not read the job spec `{path}`"),
                "check the path, or pass `--fabric roce|ib|socket` instead",
            ))
        })?;
        let spec = require_valid(loaded, out)?;
        expect = spec.nccl_expectation();
    }
    if let Some(f) = args.fabric {
        expect.fabric = match f {
            FabricArg::Roce => Fabric::Roce,
            FabricArg::Ib => Fabric::Ib,
            FabricArg::Socket => Fabric::Socket,
        };
    }
    if let Some(t) = &args.init_timeout {
        expect.init_threshold =
            Some(crate::jobspec::units::parse_cli_duration(t).map_err(|e| {
                UserError::invalid(
                    e,
                    "`--init-timeout` is how long a rank may take to finish NCCL init",
                )
            })?);
    }
    let mut analyzer = Analyzer::new(expect);
    let several = args.files.len() > 1;
    for file in &args.files {
        // One file: evidence lines need no file name; several: each line says its file.
        let (name, result) = if file == "-" {
            crate::input::check_stdin("NCCL log")
                .map_err(|e| UserError::invalid(e.to_string(), e.hint()))?;
            let label = if several { "<stdin>" } else { "" };
            (
                label,
                scan::scan(std::io::stdin().lock(), label, &mut analyzer),
            )
        } else {
            let label = if several { file.as_str() } else { "" };
            // A live log may be a FIFO (read as it comes, in bounded memory); a device such
            // as /dev/zero would never end.
            // (A path that cannot be stat'ed is reported by the open below, as before.)
            if let Err(e @ crate::bounded::ReadError::NotRegular { .. }) =
                crate::bounded::check_stream_source(std::path::Path::new(file), crate::bounded::LOG)
            {
                let hint = e.hint();
                return Err(UserError::environment(e.to_string(), hint).into());
            }
            let f = std::fs::File::open(file).map_err(|e| read_error(file, e))?;
            (label, scan::scan(f, label, &mut analyzer))
        };
        result.map_err(|e| read_error(if name.is_empty() { file } else { name }, e))?;
    }
    analyzer.finish();
    let report = analyzer.report();
    let mut stdout = out.out();
    match args.output {
        TextOrJson::Json => {
            stdout
                .write_all(crate::document::to_string_pretty(&report).as_bytes())
                .context("writing the report")?;
        }
        TextOrJson::Text => {
            let color = out.out_color();
            write!(stdout, "{}", report.summary_table(color))?;
        }
    }
    Ok(match report.outcome {
        Outcome::Bad => ExitStatus::Failure,
        // Not a single NCCL line: neither healthy nor failed.
        Outcome::NothingToJudge => {
            out.warn(NOTHING_TO_JUDGE, None);
            ExitStatus::NothingToJudge
        }
        Outcome::Ok | Outcome::Warnings | Outcome::Unknown => ExitStatus::Success,
    })
}

fn read_error(file: &str, e: std::io::Error) -> anyhow::Error {
    let what = if file == "-" { "standard input" } else { file };
    anyhow::Error::new(UserError::environment(
        format!("could not read `{what}`: {e}"),
        "check the path and its permissions; `-` reads standard input",
    ))
}
