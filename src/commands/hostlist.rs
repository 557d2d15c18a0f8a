//! `hybridctl hostlist expand|compress`

use anyhow::Result;
use serde::Serialize;

use super::Context;
use crate::cli::{HostlistAction, HostlistArgs, TextOrJson};
use crate::error::Advice;
use crate::error::{ExitStatus, UserError};

/// The `hostlist -o json` document.
#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostlistDoc {
    /// The compressed hostlist (Slurm's ranged form).
    pub hostlist: String,
    /// Every host, in order.
    pub hosts: Vec<String>,
}

impl crate::document::Document for HostlistDoc {
    const KIND: &'static str = "Hostlist";
}

/// The arguments, with `-` replaced by the lines of standard input.
fn inputs(args: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for a in args {
        if a != "-" {
            out.push(a.clone());
            continue;
        }
        let text = crate::input::stdin_text(crate::bounded::HOSTLISTS)
            .map_err(|e| UserError::invalid(e.to_string(), e.hint()))?;
        out.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        );
    }
    Ok(out)
}

pub fn run(args: HostlistArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let invalid = |list: &str, e: crate::hostlist::HostlistError| {
        UserError::invalid(
            format!(
                "`{}` is not a valid Slurm hostlist: {e}",
                crate::excerpt::excerpt(list)
            ),
            "e.g. `gpu[001-004,010],cpu1`",
        )
    };
    let (lists, output, expand) = match args.action {
        HostlistAction::Expand { list, output } => (inputs(&[list])?, output, true),
        HostlistAction::Compress { hosts, output } => (inputs(&hosts)?, output, false),
    };
    let mut hosts = Vec::new();
    for l in &lists {
        hosts.extend(crate::hostlist::expand(l).map_err(|e| invalid(l, e))?);
    }
    let compressed = crate::hostlist::compress(&hosts);
    match output {
        TextOrJson::Json => out.print(&crate::document::to_string_pretty(&HostlistDoc {
            hostlist: compressed,
            hosts,
        }))?,
        TextOrJson::Text if expand => {
            let mut text = String::new();
            for h in &hosts {
                text.push_str(h);
                text.push('\n');
            }
            out.print(&text)?;
        }
        TextOrJson::Text => out.line(&compressed)?,
    }
    Ok(ExitStatus::Success)
}
