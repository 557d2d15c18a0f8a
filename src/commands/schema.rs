//! `hybridctl schema NAME`: the JSON Schemas of the spec, the config file and every document.

use anyhow::Result;

use super::Context;
use crate::cli::SchemaArgs;
use crate::error::{ExitStatus, UserError};

pub fn run(args: SchemaArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let schemas = super::schemas();
    if args.list {
        let mut text = String::new();
        for (name, _) in &schemas {
            text.push_str(name);
            text.push('\n');
        }
        out.print(&text)?;
        return Ok(ExitStatus::Success);
    }
    let name = args.name.unwrap_or_default();
    match schemas.iter().find(|(n, _)| *n == name) {
        Some((_, schema)) => {
            out.json(schema)?;
            Ok(ExitStatus::Success)
        }
        None => Err(UserError::invalid(
            format!("no schema named `{name}`"),
            format!(
                "the names are: {}",
                schemas
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .into()),
    }
}
