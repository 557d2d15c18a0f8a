//! `hybridctl validate SPEC...`

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use super::{Printer, load_settings};
use crate::cli::{TextOrJson, ValidateArgs};
use crate::diag::{Diagnostic, Severity};
use crate::error::{ExitStatus, UserError};
use crate::settings::{Env, load_spec};

#[derive(Serialize)]
struct Report<'a> {
    path: &'a str,
    valid: bool,
    diagnostics: &'a [Diagnostic],
}

pub fn run(args: ValidateArgs, env: Env, out: &Printer) -> Result<ExitStatus> {
    let settings = load_settings(env)?;
    let overrides = args.overrides.to_overrides();
    let mut status = ExitStatus::Success;
    let mut reports = Vec::new();
    let mut unreadable = Vec::new();
    for path in &args.specs {
        match load_spec(&settings, path, &overrides) {
            Ok(loaded) => reports.push(loaded),
            Err(e) => unreadable.push(anyhow::Error::new(e)),
        }
    }
    let mut stdout = out.out();
    for loaded in &reports {
        let failed = loaded.spec.is_none()
            || (args.strict
                && loaded
                    .diagnostics
                    .iter()
                    .any(|d| d.severity == Severity::Warning));
        if failed {
            status = ExitStatus::Failure;
        }
        match args.output {
            TextOrJson::Text => {
                out.diagnostics(&loaded.diagnostics)?;
                if !failed {
                    writeln!(stdout, "{}: valid", loaded.display_path)?;
                }
            }
            TextOrJson::Json => {}
        }
    }
    if args.output == TextOrJson::Json {
        let json: Vec<Report<'_>> = reports
            .iter()
            .map(|l| Report {
                path: &l.display_path,
                valid: l.spec.is_some(),
                diagnostics: &l.diagnostics,
            })
            .collect();
        serde_json::to_writer_pretty(&mut stdout, &json)?;
        writeln!(stdout)?;
    }
    if let Some(first) = unreadable.into_iter().next() {
        return Err(first.context(UserError::environment(
            "could not read every spec",
            "check the path and the file's permissions",
        )));
    }
    if status == ExitStatus::Failure && args.output == TextOrJson::Text {
        let n = reports.iter().filter(|l| l.spec.is_none()).count();
        if n > 0 {
            out.note(&format!(
                "{n} of {} spec{} invalid",
                reports.len(),
                if reports.len() == 1 { " is" } else { "s are" }
            ));
        }
    }
    Ok(status)
}
