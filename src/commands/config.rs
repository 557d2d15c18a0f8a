//! `hybridctl config view [SPEC] [--show-origin]`: the effective values and their layers
//! (src/origin.rs).

use anyhow::Result;

use super::{Context, require_valid};
use crate::cli::{ConfigAction, ConfigArgs, TextOrJson};
use crate::error::ExitStatus;
use crate::jobspec::load::{load_spec, resolve_spec};
use crate::origin::{self, ConfigView, Sources};

pub fn run(args: ConfigArgs, ctx: &Context) -> Result<ExitStatus> {
    let ConfigAction::View(args) = args.action;
    let out = ctx.out;
    let settings = ctx.settings()?;
    let overrides = args.overrides.to_overrides();
    let view = match &args.spec {
        Some(path) => {
            let loaded = load_spec(settings, path, &overrides)?;
            let merged = loaded.merged.clone();
            let partition = loaded.partition.clone();
            let display = loaded.display_path.clone();
            let spec = require_valid(loaded, out)?;
            let sources = Sources::of(settings, partition.as_deref());
            let mut items = match &merged {
                Some(m) => origin::spec_settings(&spec, m, &sources),
                None => Vec::new(),
            };
            items.extend(origin::config_settings(settings, &sources));
            ConfigView {
                spec: Some(display),
                partition,
                items,
            }
        }
        None => {
            // The layers under an empty spec: what every spec starts from. Only the config
            // files' own problems are reported (an empty spec lacks its required fields).
            out.diagnostics(&settings.config_diagnostics)?;
            let loaded = resolve_spec(settings, "<none>", "", &overrides);
            let sources = Sources::of(settings, loaded.partition.as_deref());
            let mut items = match &loaded.merged {
                Some(m) => origin::layer_settings(m, &sources),
                None => Vec::new(),
            };
            items.extend(origin::config_settings(settings, &sources));
            ConfigView {
                spec: None,
                partition: loaded.partition,
                items,
            }
        }
    };
    match args.output {
        TextOrJson::Text => out.print(&origin::view_text(&view, args.show_origin))?,
        TextOrJson::Json => out.print(&crate::document::to_string_pretty(&view))?,
    }
    Ok(ExitStatus::Success)
}
