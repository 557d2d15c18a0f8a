//! `hybridctl explain [FIELD]`: one spec field from the field table (src/jobspec/fields.rs).

use anyhow::Result;

use super::Context;
use crate::cli::{ExplainArgs, TextOrJson};
use crate::error::{ExitStatus, UserError};
use crate::jobspec::fields;

pub fn run(args: ExplainArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let field = match args.field.as_deref().map(fields::resolve).transpose() {
        Ok(f) => f.flatten(),
        Err(e) => return Err(UserError::invalid(e.to_string(), e.hint()).into()),
    };
    match args.output {
        TextOrJson::Text => {
            let width = out.width().map_or(80, usize::from);
            out.print(&fields::explain_text(field, width, args.recursive))?;
        }
        TextOrJson::Json => {
            out.print(&crate::document::to_string_pretty(&fields::explanation(
                field,
                args.recursive,
            )))?;
        }
    }
    Ok(ExitStatus::Success)
}
