//! `hybridctl launch`: inside the allocation, turn the frozen spec and the Slurm environment
//! into the PyTorchJob pinned to the allocated nodes.

use std::io::Write;

use anyhow::{Context as _, Result};

use super::Context;
use crate::cli::{LaunchArgs, RenderFormat};
use crate::error::Advice;
use crate::error::{ExitStatus, UserError};
use crate::jobspec::Spec;
use crate::plan::{Allocation, Plan, PlanOptions};
use crate::render::{Renderer, manifest_yaml};
use crate::settings::Env;

/// The allocation as Slurm describes it to the batch step.
pub fn allocation_from_env(env: &Env, spec: &Spec) -> Result<Allocation> {
    let need = |name: &str| {
        env.get(name).map(str::to_string).ok_or_else(|| {
            UserError::environment(
                format!("`{name}` is not set"),
                "`hybridctl launch` runs inside a Slurm allocation (the batch script calls it); use `hybridctl render` elsewhere",
            )
        })
    };
    let job_id = need("SLURM_JOB_ID")?;
    let nodelist = need("SLURM_JOB_NODELIST")?;
    let nodes = crate::hostlist::expand(&nodelist).map_err(|e| {
        UserError::environment(
            format!("SLURM_JOB_NODELIST `{nodelist}` could not be expanded: {e}"),
            "this is a bug in hybridctl's hostlist parser; please report the value",
        )
    })?;
    if let Some(gpus) = env.get("SLURM_GPUS_ON_NODE") {
        let got: u32 = gpus.parse().map_err(|_| {
            UserError::environment(
                format!("SLURM_GPUS_ON_NODE `{gpus}` is not a number"),
                "check the site's GRES configuration",
            )
        })?;
        if got != spec.slurm.gpus_per_node {
            return Err(UserError::environment(
                format!(
                    "Slurm allocated {got} GPUs per node but the spec asks for {}",
                    spec.slurm.gpus_per_node
                ),
                "the batch script requests `--gpus-per-node` from the spec; check the partition's GRES and job_submit plugins",
            )
            .into());
        }
    }
    Ok(Allocation { job_id, nodes })
}

pub fn run(args: LaunchArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let text = if args.frozen_spec == "-" {
        crate::input::stdin_text(crate::bounded::FROZEN_SPEC).map_err(|e| {
            let hint = e.hint();
            UserError::invalid(
                format!("{e}: `hybridctl launch` runs in the batch script, which pipes in the frozen spec"),
                format!("{hint}; `--frozen-spec FILE` reads a file"),
            )
        })?
    } else {
        crate::bounded::read_string(
            std::path::Path::new(&args.frozen_spec),
            crate::bounded::FROZEN_SPEC,
        )
        .with_context(|| format!("could not read the frozen spec `{}`", args.frozen_spec))?
    };
    let spec: Spec = serde_json::from_str(text.trim()).map_err(|e| {
        UserError::environment(
            format!("the frozen spec is not valid: {e}"),
            "render the batch script again with the same hybridctl version that runs on the compute nodes",
        )
    })?;
    // The script may have been edited since it was rendered: check what reaches Kubernetes.
    spec.check_frozen().map_err(|e| {
        UserError::environment(
            format!("the frozen spec is not valid: {e}"),
            "render the batch script again instead of editing it",
        )
    })?;
    let settings = ctx.settings()?;
    let alloc = allocation_from_env(&settings.env, &spec)?;
    let dry_run = args.dry_run || settings.env.get("HYBRIDCTL_LAUNCH_DRY_RUN") == Some("1");
    let opts = PlanOptions {
        launcher: settings.launcher(),
        spec_path: args.spec_path.clone(),
        node_names: settings.site.node_names.clone(),
    };
    let plan = Plan::new(&spec, &alloc, &opts).map_err(|e| {
        UserError::environment(
            format!("the allocation does not match the spec: {e}"),
            "the batch script requests exactly the spec's nodes; was it edited or submitted with other options?",
        )
    })?;
    let renderer = Renderer::new(settings.templates_dir())?;
    let print = |manifest: &crate::render::Workload| -> Result<()> {
        let mut stdout = out.out();
        match args.output {
            RenderFormat::Yaml => stdout.write_all(
                manifest_yaml(&plan, &manifest.value)
                    .map_err(anyhow::Error::msg)?
                    .as_bytes(),
            )?,
            RenderFormat::Json => {
                serde_json::to_writer_pretty(&mut stdout, &manifest.value)?;
                writeln!(stdout)?;
            }
        }
        stdout.flush()?;
        Ok(())
    };
    // HYBRIDCTL_LAUNCH_DRY_RUN=1 lets a site run the real batch script end to end without
    // touching Kubernetes (used by the test suite's Slurm jobs); `auto` is then PyTorchJob.
    if dry_run {
        let backend = crate::k8s::workload::offline(spec.kubernetes.api);
        print(&workload(&renderer, &plan, &spec, backend)?)?;
        return Ok(ExitStatus::Success);
    }
    let conn = crate::kube::client::Connection {
        kubeconfig: args.kubeconfig.clone(),
        context: args
            .context
            .clone()
            .or_else(|| spec.kubernetes.context.clone()),
    };
    let launch_opts = crate::kube::launch::LaunchOptions::from_env(
        |k| settings.env.get(k),
        settings
            .gpfs()
            .csi_driver
            .unwrap_or_else(|| crate::kube::claims::SPECTRUM_SCALE_DRIVER.into()),
    )
    .map_err(|e| UserError::environment(e, "unset it or give a number of seconds"))?;
    let runtime = ctx.runtime()?;
    let outcome = runtime.block_on(async {
        let client = super::kube_client(&conn, settings).await?;
        // Least privilege: the Slurm-side identity must not be an admin (`hybridctl rbac`
        // prints what it needs; `allowAdminIdentity: true` in the site config overrides).
        crate::kube::access::refuse_admin(&client, settings.site.allow_admin_identity)
            .await
            .map_err(|message| {
                UserError::environment(message, crate::kube::access::ADMIN_REFUSAL_HINT)
            })?;
        // `kubernetes.api`: what the cluster serves (API discovery), or the pinned API if it
        // is served.
        let served = crate::kube::discovery::served(&client).await.map_err(|e| {
            UserError::environment(
                format!("could not ask the API server which Kubeflow APIs it serves: {}", crate::kube::client::brief(&e)),
                "check the API server and the kubeconfig (`kubectl api-resources | grep -i job`)",
            )
        })?;
        let backend = crate::k8s::workload::resolve(spec.kubernetes.api, &served).map_err(|e| {
            UserError::environment(
                e,
                "install the Kubeflow training operator (PyTorchJob) or Kubeflow Trainer v2 (TrainJob), or set `kubernetes.api` to the one the cluster has",
            )
        })?;
        let manifest = workload(&renderer, &plan, &spec, backend)?;
        print(&manifest)?;
        if backend == crate::k8s::workload::Backend::TrainJob {
            crate::kube::launch::check_runtime(&client, &spec)
                .await
                .map_err(|e| UserError::environment(e.to_string(), e.hint()))?;
        }
        let mut stdout = std::io::stdout();
        crate::kube::launch::run(
            client,
            &plan,
            &manifest,
            spec.nccl_expectation(),
            &launch_opts,
            &mut stdout,
        )
        .await
        .map(|o| (o, backend.short()))
        .map_err(|e| anyhow::Error::new(UserError::advised(&e)))
    })?;
    use crate::kube::launch::Outcome;
    let (outcome, short) = outcome;
    match outcome {
        Outcome::Succeeded => {
            out.line(&format!("hybridctl: {short}/{} succeeded", plan.k8s_name))?;
            Ok(ExitStatus::Success)
        }
        Outcome::Failed { reason, message } => Err(UserError {
            message: format!("{short}/{} failed: {reason}: {message}", plan.k8s_name),
            hint: Some("the pod logs above say why; `hybridctl logs` shows them again while the pods exist".into()),
            status: ExitStatus::Failure,
        }
        .into()),
        Outcome::Interrupted { signal } => {
            // Slurm follows SIGTERM with SIGKILL after KillWait: wait for it, so the job ends as
            // CANCELLED or TIMEOUT rather than as a job that stopped by itself.
            if signal == "SIGTERM" {
                std::thread::sleep(std::time::Duration::from_secs(120));
                Ok(ExitStatus::External(143))
            } else {
                Ok(ExitStatus::External(130))
            }
        }
    }
}

/// The job for `backend`, refusing what that backend cannot carry (a pinned `trainjob` was
/// refused at validation already; `auto` can only be checked once the cluster answered).
fn workload(
    renderer: &Renderer,
    plan: &crate::plan::Plan,
    spec: &Spec,
    backend: crate::k8s::workload::Backend,
) -> Result<crate::render::Workload> {
    if backend == crate::k8s::workload::Backend::TrainJob {
        let unsupported = spec.trainjob_unsupported();
        if let Some((field, why)) = unsupported.first() {
            return Err(UserError::environment(
                format!("the cluster runs TrainJobs, but `{field}` cannot be expressed in a TrainJob: {why}"),
                "remove it from the spec, or set `kubernetes.api: pytorchjob` for a cluster that has the training operator",
            )
            .into());
        }
    }
    Ok(renderer.workload(plan, backend)?)
}
