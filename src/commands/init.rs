//! `hybridctl init`: print or write a starter spec (src/starter.rs).

use std::io::Write as _;

use anyhow::{Context as _, Result};

use super::{Context, Printer};
use crate::cli::InitArgs;
use crate::error::{ExitStatus, UserError};
use crate::starter::{self, StarterError, StarterOptions};

pub fn run(args: InitArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let settings = ctx.settings()?;
    let stem = args
        .output
        .as_deref()
        .and_then(|p| p.file_stem())
        .and_then(|s| s.to_str());
    let opts = StarterOptions {
        partition: args.partition.clone(),
        nodes: args.nodes,
        name: args
            .name
            .clone()
            .unwrap_or_else(|| starter::name_from_file(stem)),
        image: args
            .image
            .clone()
            .unwrap_or_else(|| starter::DEFAULT_IMAGE.to_string()),
    };
    let text = starter::starter_spec(settings, &opts, &command_line(&args, &opts))
        .map_err(|e| report(e, out))?;
    let Some(path) = args.output else {
        out.print(&text)?;
        return Ok(ExitStatus::Success);
    };
    // create_new: an existing file is never touched without --force, and two runs racing
    // cannot both write it.
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if args.force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = match options.open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(UserError::invalid(
                format!("`{}` already exists", path.display()),
                format!(
                    "pass --force to replace it, or choose another file (`hybridctl init -o {}`)",
                    suggest_other(&path)
                ),
            )
            .into());
        }
        Err(e) => {
            return Err(anyhow::Error::new(e).context(UserError::environment(
                format!("could not create `{}`", path.display()),
                "check that the directory exists and that you may write into it",
            )));
        }
    };
    file.write_all(text.as_bytes())
        .with_context(|| format!("could not write `{}`", path.display()))?;
    out.note(&format!(
        "wrote {}; check it with `hybridctl validate {}`",
        path.display(),
        path.display()
    ));
    Ok(ExitStatus::Success)
}

fn report(e: StarterError, out: &Printer) -> anyhow::Error {
    let _ = out.diagnostics(e.diagnostics());
    let hint = e.hint();
    let status = match e {
        StarterError::Invalid { .. } => ExitStatus::Error,
        _ => ExitStatus::Failure,
    };
    UserError {
        message: e.to_string(),
        hint: Some(hint),
        status,
    }
    .into()
}

/// The command as the header of the spec records it (without --force and -o).
fn command_line(args: &InitArgs, opts: &StarterOptions) -> String {
    let mut s = String::from("hybridctl init");
    if let Some(p) = &args.partition {
        // Checked by the starter before it is used; a comment line holds no line break.
        let quoted = crate::render::quote::shell_quote(p)
            .map_or_else(|_| format!("{p:?}"), |q| q.into_owned());
        s.push_str(&format!(" --partition {}", quoted.escape_debug()));
    }
    if opts.nodes != 1 {
        s.push_str(&format!(" --nodes {}", opts.nodes));
    }
    s
}

fn suggest_other(path: &std::path::Path) -> String {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("job");
    path.with_file_name(format!("{stem}-2.yaml"))
        .display()
        .to_string()
}
