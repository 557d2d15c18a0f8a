//! `hybridctl hook prolog|epilog`: run by Slurm as `PrologSlurmctld` / `EpilogSlurmctld`
//! (through `examples/slurm/hybridctl-hook.sh`). What they do and how they recognise a
//! hybridctl job: [`crate::kube::hooks`].
//!
//! A hook writes one line per action to stdout, and errors there too, with a hint (slurmctld
//! logs a hook's output only when it fails; the wrapper can append it to a file instead). It
//! never holds Slurm up for longer than `--timeout`, and it exits 0 even when it failed: a
//! failing EpilogSlurmctld is only logged anyway, and a failing PrologSlurmctld requeues the
//! job, which a site must choose (`hooks.failProlog: true`, prolog only).

use std::time::{Duration, Instant};

use anyhow::Result;

use super::Context;
use crate::cli::{HookArgs, HookPhase};
use crate::error::Advice;
use crate::error::ExitStatus;
use crate::kube::hooks::{self, HookJob, Log, Report};
use crate::settings::Settings;

/// What the epilog keeps for itself at the end of `--timeout` (to report what is left)
/// instead of waiting for pods.
const REPORT_MARGIN: Duration = Duration::from_millis(500);

pub fn run(args: HookArgs, ctx: &Context) -> Result<ExitStatus> {
    let started = Instant::now();
    let phase = match args.phase {
        HookPhase::Prolog => "prolog",
        HookPhase::Epilog => "epilog",
    };
    let job_label = ctx.env.get("SLURM_JOB_ID").unwrap_or("?").to_string();
    // The hook log is plain lines for slurmctld's log, flushed one by one (a hook killed at its
    // time limit must have said what it did), written from the hook's async task: unlocked stdout.
    let mut stdout = std::io::stdout();
    let mut log = Log::new(
        format!("hybridctl hook {phase}: job {job_label}"),
        &mut stdout,
    );
    let (status, report) = hook(&args, ctx, &mut log);
    let seconds = started.elapsed().as_secs_f64();
    match &report {
        Some(r) => log.line(format_args!(
            "finished in {seconds:.2} s: {} change(s), {} error(s)",
            r.changes,
            r.errors.len()
        )),
        None => log.line(format_args!("finished in {seconds:.2} s")),
    }
    Ok(status)
}

/// The hook itself; returns the exit status and, once it talked to Kubernetes, its report.
fn hook(args: &HookArgs, ctx: &Context, log: &mut Log<'_>) -> (ExitStatus, Option<Report>) {
    let prolog = matches!(args.phase, HookPhase::Prolog);
    // A hook logs its own failures (Slurm keeps the log) and exits 0 unless told otherwise.
    let settings = match Settings::load(ctx.env.clone()) {
        Ok(s) => s,
        Err(e) => {
            log.error(
                format_args!(
                    "could not load the hybridctl configuration: {}",
                    hooks::one_line(&e)
                ),
                "the hook wrapper sets $HYBRIDCTL_SITE_CONFIG; check that the file exists and SlurmUser can read it",
            );
            return (ExitStatus::Success, None);
        }
    };
    for d in &settings.config_diagnostics {
        log.line(format_args!("{}: {}", d.file, d.message));
    }
    let config = settings.hooks();
    let failed = if prolog && config.fail_prolog == Some(true) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    };
    // The epilog finds everything by label: a node list it cannot read must not stop it.
    let mut job = match HookJob::from_env(|k| {
        (prolog || k != "SLURM_JOB_NODELIST")
            .then(|| settings.env.get(k))
            .flatten()
    }) {
        Ok(job) => job,
        Err(e) => {
            log.error(&e, e.hint());
            return (failed, None);
        }
    };
    if prolog {
        match hooks::recognise(&job, &config.partitions) {
            Some(why) => log.line(format_args!("a hybridctl job: {why}")),
            None => {
                log.line(format_args!(
                    "not a hybridctl job (output `{}`, partition `{}`); nothing to do",
                    job.stdout.as_deref().unwrap_or(""),
                    job.partition.as_deref().unwrap_or("")
                ));
                return (ExitStatus::Success, None);
            }
        }
        if job.nodes.is_empty() {
            log.error(
                "`SLURM_JOB_NODELIST` is not set",
                "PrologSlurmctld gets the allocated nodes from Slurm; is this hook run as PrologSlurmctld?",
            );
            return (failed, None);
        }
        // Kubernetes may name the nodes differently (site config `nodeNames`).
        match settings.site.node_names.kube_names(&job.nodes) {
            Ok(names) => job.nodes = names,
            Err(e) => {
                log.error(
                    e,
                    "fix `nodeNames` in the site config (docs/spec.md, section Site config)",
                );
                return (failed, None);
            }
        }
    }
    let taint = settings.hook_taint();
    let namespaces = settings.cleanup_namespaces(args.kube.namespace.as_deref());
    let conn = super::connection(&args.kube, None);
    let runtime = match ctx.runtime() {
        Ok(r) => r,
        Err(e) => {
            log.error(
                format_args!("{e:#}"),
                "the machine may be out of file descriptors or memory",
            );
            return (failed, None);
        }
    };
    let limit = Duration::from_secs(args.timeout.max(1));
    let outcome = runtime.block_on(async {
        let deadline = tokio::time::Instant::now() + limit;
        tokio::time::timeout_at(deadline, async {
            let client = match crate::kube::client::from_settings(&conn, &settings).await {
                Ok(c) => c,
                Err(e) => {
                    log.error(hooks::one_line(&e), e.hint());
                    return None;
                }
            };
            // Least privilege, as for `launch`: a hook holding admin credentials could do
            // anything to the cluster.
            if let Err(message) =
                crate::kube::access::refuse_admin(&client, settings.site.allow_admin_identity).await
            {
                log.error(message, crate::kube::access::ADMIN_REFUSAL_HINT);
                return None;
            }
            Some(if prolog {
                hooks::prolog(&client, &job, taint.as_ref(), log).await
            } else {
                let wait_until = deadline.checked_sub(REPORT_MARGIN).unwrap_or(deadline);
                hooks::epilog(
                    &client,
                    &job.job_id,
                    &namespaces,
                    taint.as_ref(),
                    wait_until,
                    log,
                )
                .await
            })
        })
        .await
    });
    match outcome {
        Ok(Some(report)) if report.errors.is_empty() => (ExitStatus::Success, Some(report)),
        Ok(Some(report)) => (failed, Some(report)),
        Ok(None) => (failed, None),
        Err(_) => {
            log.error(
                format_args!("gave up after {} s (`--timeout`)", limit.as_secs()),
                "the API server is slow or unreachable; `hybridctl gc` removes what is left later",
            );
            (failed, None)
        }
    }
}
