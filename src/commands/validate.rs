//! `hybridctl validate SPEC...`

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use super::Context;
use crate::cli::{TextOrJson, ValidateArgs};
use crate::diag::{Diagnostic, Severity};
use crate::document::{self, Document, List};
use crate::error::{ExitStatus, UserError};
use crate::jobspec::load::{read_input, resolve_spec};
use crate::settings::{check_config_text, is_config_shaped};

#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Report<'a> {
    path: &'a str,
    valid: bool,
    diagnostics: &'a [Diagnostic],
}

impl Document for List<Report<'_>> {
    const KIND: &'static str = "ValidationReport";
}

/// One checked file: a spec (resolved through the layers) or a config file.
struct Checked {
    display_path: String,
    /// A spec that resolved, or a config without errors.
    valid: bool,
    diagnostics: Vec<Diagnostic>,
}

pub fn run(args: ValidateArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let settings = ctx.settings()?;
    let overrides = args.overrides.to_overrides();
    let mut status = ExitStatus::Success;
    let mut checked = Vec::new();
    let mut unreadable = Vec::new();
    let files = args
        .specs
        .iter()
        .map(|p| (p, false))
        .chain(args.config.iter().map(|p| (p, true)));
    for (path, as_config) in files {
        let (text, display) = match read_input(path) {
            Ok(t) => t,
            Err(e) => {
                unreadable.push(anyhow::Error::new(e));
                continue;
            }
        };
        if as_config || is_config_shaped(&text) {
            let diagnostics = check_config_text(display, &text);
            checked.push(Checked {
                display_path: display.to_string(),
                valid: !diagnostics.iter().any(|d| d.severity == Severity::Error),
                diagnostics,
            });
        } else {
            let loaded = resolve_spec(settings, display, &text, &overrides);
            checked.push(Checked {
                display_path: loaded.display_path,
                valid: loaded.spec.is_some(),
                diagnostics: loaded.diagnostics,
            });
        }
    }
    let mut stdout = out.out();
    for c in &checked {
        let failed = !c.valid
            || (args.strict
                && c.diagnostics
                    .iter()
                    .any(|d| d.severity == Severity::Warning));
        if failed {
            status = ExitStatus::Failure;
        }
        if args.output == TextOrJson::Text {
            out.diagnostics(&c.diagnostics)?;
            if !failed {
                writeln!(stdout, "{}: valid", c.display_path)?;
            }
        }
    }
    if args.output == TextOrJson::Json {
        let json: Vec<Report<'_>> = checked
            .iter()
            .map(|c| Report {
                path: &c.display_path,
                valid: c.valid,
                diagnostics: &c.diagnostics,
            })
            .collect();
        stdout.write_all(document::to_string_pretty(&List::new(json)).as_bytes())?;
    }
    if let Some(first) = unreadable.into_iter().next() {
        return Err(first.context(UserError::environment(
            "could not read every file",
            "check the path and the file's permissions",
        )));
    }
    if status == ExitStatus::Failure && args.output == TextOrJson::Text {
        let n = checked.iter().filter(|c| !c.valid).count();
        if n > 0 {
            out.note(&format!(
                "{n} of {} file{} invalid",
                checked.len(),
                if checked.len() == 1 { " is" } else { "s are" }
            ));
        }
    }
    Ok(status)
}
