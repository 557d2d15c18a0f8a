//! `hybridctl hostlist expand|compress`

use std::io::Read;

use anyhow::Result;
use serde::Serialize;

use super::Printer;
use crate::cli::{HostlistAction, HostlistArgs, TextOrJson};
use crate::error::{ExitStatus, UserError};

/// Standard input holds hostlists, not a data set: a few MiB is far more than any cluster.
const STDIN_CAP: u64 = 16 << 20;

/// The `hostlist` JSON document.
#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostlistDoc {
    /// `hybridctl.io/v1alpha1`
    pub api_version: &'static str,
    /// `Hostlist`
    pub kind: &'static str,
    /// The compressed hostlist (Slurm's ranged form).
    pub hostlist: String,
    /// Every host, in order.
    pub hosts: Vec<String>,
}

/// The arguments, with `-` replaced by the lines of standard input.
fn inputs(args: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for a in args {
        if a != "-" {
            out.push(a.clone());
            continue;
        }
        let mut text = String::new();
        std::io::stdin()
            .lock()
            .take(STDIN_CAP + 1)
            .read_to_string(&mut text)
            .map_err(|e| {
                UserError::environment(
                    format!("could not read standard input: {e}"),
                    "pipe hostlists in as text, one per line",
                )
            })?;
        if text.len() as u64 > STDIN_CAP {
            return Err(UserError::invalid(
                format!(
                    "standard input holds more than {} MiB of hostlists",
                    STDIN_CAP >> 20
                ),
                "give the hostlists as arguments, or pipe fewer",
            )
            .into());
        }
        out.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        );
    }
    Ok(out)
}

pub fn run(args: HostlistArgs, out: &Printer) -> Result<ExitStatus> {
    let invalid = |list: &str, e: crate::hostlist::HostlistError| {
        UserError::invalid(
            format!("`{list}` is not a valid Slurm hostlist: {e}"),
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
        TextOrJson::Json => out.json(&HostlistDoc {
            api_version: crate::API_VERSION,
            kind: "Hostlist",
            hostlist: compressed,
            hosts,
        })?,
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
