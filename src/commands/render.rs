//! `hybridctl render SPEC`

use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result};

use super::{Context, Printer, require_valid};
use crate::cli::{Artifact, RenderArgs, RenderFormat};
use crate::error::{ExitStatus, UserError};
use crate::jobspec::load::load_spec;
use crate::k8s::workload::Backend;
use crate::plan::{Allocation, Plan, PlanOptions, simulated_nodes};
use crate::render::{Rendered, Renderer, manifest_yaml};

pub fn run(args: RenderArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let settings = ctx.settings()?;
    let loaded = load_spec(settings, &args.spec, &args.overrides.to_overrides())?;
    let display = loaded.display_path.clone();
    let spec = require_valid(loaded, out)?;
    let nodes = match &args.nodelist {
        Some(list) => crate::hostlist::expand(list).map_err(|e| {
            UserError::invalid(
                format!("--nodelist `{list}` is not a valid Slurm hostlist: {e}"),
                "write it as Slurm does, e.g. `gpu[001-004,010]`",
            )
        })?,
        None => simulated_nodes(spec.slurm.nodes),
    };
    let alloc = Allocation {
        job_id: args.job_id.clone(),
        nodes,
    };
    let opts = PlanOptions {
        launcher: settings.launcher(),
        spec_path: display,
        node_names: settings.site.node_names.clone(),
    };
    let plan = Plan::new(&spec, &alloc, &opts).map_err(|e| {
        UserError::invalid(
            format!("cannot plan the job: {e}"),
            "--nodelist must name exactly `slurm.nodes` distinct nodes and --job-id must be a number",
        )
    })?;
    let renderer = Renderer::new(settings.templates_dir())?;
    let script = renderer.sbatch(&plan)?;
    // No cluster to ask: `auto` renders a PyTorchJob (the site config may pin the API).
    let backend = crate::k8s::workload::offline(spec.kubernetes.api);
    let manifest = renderer.workload(&plan, backend)?;
    let wrong_only = match (args.only, backend) {
        (Some(Artifact::Pytorchjob), Backend::TrainJob) => Some("pytorchjob"),
        (Some(Artifact::Trainjob), Backend::PyTorchJob) => Some("trainjob"),
        _ => None,
    };
    if let Some(asked) = wrong_only {
        return Err(UserError::invalid(
            format!(
                "--only {asked}: this job renders a {} (`kubernetes.api` is `{}`)",
                backend.kind(),
                spec.kubernetes.api.name()
            ),
            format!(
                "write `--only {}`, or `--set kubernetes.api={asked}`",
                backend.short()
            ),
        )
        .into());
    }

    let manifest_text = match args.output {
        RenderFormat::Yaml => manifest_yaml(&plan, &manifest.value).map_err(anyhow::Error::msg)?,
        RenderFormat::Json => format!("{}\n", serde_json::to_string_pretty(&manifest.value)?),
    };

    if let Some(dir) = &args.out {
        write_out(
            dir,
            (&plan.name, backend.short()),
            &script,
            &manifest_text,
            args.output,
            args.only,
            out,
        )?;
        return Ok(ExitStatus::Success);
    }
    let mut stdout = out.out();
    match (args.only, args.output) {
        (Some(Artifact::Sbatch), RenderFormat::Yaml) => stdout.write_all(script.as_bytes())?,
        (Some(Artifact::Pytorchjob | Artifact::Trainjob), _) => {
            stdout.write_all(manifest_text.as_bytes())?
        }
        (None, RenderFormat::Yaml) => {
            writeln!(stdout, "# ==> {}.sbatch <==", plan.name)?;
            stdout.write_all(script.as_bytes())?;
            writeln!(stdout, "\n# ==> {}.{}.yaml <==", plan.name, backend.short())?;
            stdout.write_all(manifest_text.as_bytes())?;
        }
        // The script has no JSON form of its own: it is a field of the document.
        (only @ (None | Some(Artifact::Sbatch)), RenderFormat::Json) => {
            let both = Rendered {
                sbatch: Some(&script),
                pytorchjob: (only.is_none() && backend == Backend::PyTorchJob)
                    .then_some(&manifest.value),
                trainjob: (only.is_none() && backend == Backend::TrainJob)
                    .then_some(&manifest.value),
                job_id: &plan.job_id,
                nodes: &plan.nodes,
                gpus_per_node: plan.gpus_per_node,
            };
            stdout.write_all(crate::document::to_string_pretty(&both).as_bytes())?;
        }
    }
    stdout.flush()?;
    Ok(ExitStatus::Success)
}

/// `(name, kind)`: the job's name and the manifest's kind (`<name>.sbatch`, `<name>.<kind>.yaml`).
fn write_out(
    dir: &Path,
    (name, kind): (&str, &str),
    script: &str,
    manifest: &str,
    format: RenderFormat,
    only: Option<Artifact>,
    out: &Printer,
) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("could not create the output directory `{}`", dir.display()))?;
    let ext = match format {
        RenderFormat::Yaml => "yaml",
        RenderFormat::Json => "json",
    };
    let mut files = Vec::new();
    if only.is_none() || only == Some(Artifact::Sbatch) {
        files.push((dir.join(format!("{name}.sbatch")), script));
    }
    if only != Some(Artifact::Sbatch) {
        files.push((dir.join(format!("{name}.{kind}.{ext}")), manifest));
    }
    for (path, text) in files {
        std::fs::write(&path, text)
            .with_context(|| format!("could not write `{}`", path.display()))?;
        out.note(&format!("wrote {}", path.display()));
    }
    Ok(())
}
