//! `hybridctl cancel JOB...`

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Serialize;

use super::{Context, slurm_error};
use crate::cli::{CancelArgs, TextOrJson};
use crate::document::{self, Document, List};
use crate::error::{ExitStatus, UserError};
use crate::jobid::{JobId, JobIds};
use crate::jobs;
use crate::records::Records;
use crate::slurm::{Slurm, Source};

/// KillWait when the controller does not say (Slurm's default is 30 s).
const DEFAULT_GRACE: Duration = Duration::from_secs(30);

#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    job_id: String,
    name: String,
    action: &'static str,
    state: String,
    /// Whether nothing of the job is left on Kubernetes; absent when it was not checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    kubernetes_clean: Option<bool>,
}

impl Document for List<Outcome> {
    const KIND: &'static str = "CancelReport";
}

/// A job that cancel acts on: in the queue and not finished.
fn will_cancel(v: &crate::slurm::JobView) -> bool {
    v.source == Source::Queue && !v.is_finished()
}

fn is_active(state: &str) -> bool {
    matches!(
        state,
        "RUNNING"
            | "COMPLETING"
            | "CONFIGURING"
            | "SUSPENDED"
            | "SIGNALING"
            | "STAGE_OUT"
            | "RESIZING"
            | "STOPPED"
    )
}

pub fn run(args: CancelArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let settings = ctx.settings()?;
    let slurm = Slurm::from_settings(settings);
    let records = Records::from_env(&settings.env);
    // Resolve every argument before acting on any: a name that matches nothing cancels
    // nothing, and Slurm is never asked with an empty (whole-queue) filter.
    let resolved = jobs::resolve(records.as_ref(), &args.jobs)?;
    if !resolved.unknown.is_empty() {
        return Err(jobs::unknown_jobs(&resolved.unknown));
    }
    let Some(ids) = JobIds::new(resolved.ids.iter().cloned()) else {
        return Err(jobs::unknown_jobs(&args.jobs));
    };
    let (views, unknown) = jobs::lookup(&slurm, &ids, &resolved.records).map_err(slurm_error)?;
    if !unknown.is_empty() {
        return Err(jobs::unknown_jobs(&unknown));
    }
    let mut targets = Vec::new();
    for v in views {
        let id = JobId::parse(&v.job_id).map_err(|e| {
            UserError::environment(
                format!("Slurm answered with a job id hybridctl cannot act on: {e}"),
                "please report the `squeue` output of this job",
            )
        })?;
        targets.push((id, v));
    }
    let acting = targets.iter().filter(|(_, v)| will_cancel(v)).count();
    if acting > 1 || args.dry_run {
        let mut err = std::io::stderr().lock();
        let verb = if args.dry_run {
            "would cancel"
        } else {
            "cancelling"
        };
        writeln!(err, "{verb} {acting} job(s):")?;
        for (_, v) in targets.iter().filter(|(_, v)| will_cancel(v)) {
            writeln!(err, "  job {} ({}) {}", v.job_id, v.name, v.state)?;
        }
    }
    if args.dry_run {
        let outcomes: Vec<Outcome> = targets
            .into_iter()
            .map(|(_, v)| Outcome {
                action: if will_cancel(&v) {
                    "would cancel"
                } else {
                    "none"
                },
                job_id: v.job_id,
                name: v.name,
                state: v.state,
                kubernetes_clean: None,
            })
            .collect();
        if args.output == TextOrJson::Json {
            out.print(&document::to_string_pretty(&List::new(outcomes)))?;
        }
        return Ok(ExitStatus::Success);
    }
    let grace = match args.grace {
        Some(s) => Duration::from_secs(s),
        None => slurm.kill_wait().ok().flatten().unwrap_or(DEFAULT_GRACE),
    };
    let spinner = out.spinner("");
    let mut outcomes = Vec::new();
    for (id, v) in targets {
        if !will_cancel(&v) {
            out.note(&format!(
                "job {} ({}) already finished: {}",
                v.job_id, v.name, v.state
            ));
            outcomes.push(Outcome {
                job_id: v.job_id,
                name: v.name,
                action: "none",
                state: v.state,
                kubernetes_clean: None,
            });
            continue;
        }
        let action = if is_active(&v.state) {
            // TERM to the batch step first, so `launch` deletes what it created; scancel after
            // the grace period (Slurm's own TERM..KILL window is KillWait as well).
            spinner.set_message(format!(
                "job {}: sent SIG{} to the batch step, waiting up to {} s",
                v.job_id,
                args.signal.trim_start_matches("SIG"),
                grace.as_secs()
            ));
            slurm.signal_batch(&id, &args.signal).map_err(slurm_error)?;
            let start = Instant::now();
            while start.elapsed() < grace {
                let now = slurm.queue(&JobIds::one(id.clone())).map_err(slurm_error)?;
                if now
                    .first()
                    .is_none_or(|n| !is_active(&n.state) || n.state == "COMPLETING")
                {
                    break;
                }
                std::thread::sleep(Duration::from_millis(500));
            }
            "signalled, then cancelled"
        } else {
            "cancelled"
        };
        spinner.set_message(format!("job {}: scancel", v.job_id));
        slurm.cancel(&id).map_err(slurm_error)?;
        // Wait until it has left RUNNING/COMPLETING (bounded).
        let limit = grace + Duration::from_secs(60);
        let start = Instant::now();
        let mut state = v.state.clone();
        loop {
            let now = slurm.queue(&JobIds::one(id.clone())).map_err(slurm_error)?;
            match now.first() {
                None => break,
                Some(n) if !is_active(&n.state) && n.state != "PENDING" => {
                    state.clone_from(&n.state);
                    break;
                }
                Some(n) => state.clone_from(&n.state),
            }
            if start.elapsed() > limit {
                spinner.finish();
                return Err(UserError::environment(
                    format!(
                        "job {} is still {} {} s after scancel",
                        v.job_id,
                        state,
                        limit.as_secs()
                    ),
                    "a node may be unresponsive; `scontrol show job` and `sinfo -R` tell more",
                )
                .into());
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        if let Some(acct) = slurm.accounting(&JobIds::one(id.clone())).ok().flatten()
            && let Some(a) = acct.into_iter().next()
        {
            state = a.state;
        }
        if is_active(&state) || state == "PENDING" {
            state = "CANCELLED".into();
        }
        spinner.finish();
        outcomes.push(Outcome {
            job_id: v.job_id,
            name: v.name,
            action,
            state,
            kubernetes_clean: None,
        });
    }
    verify_kubernetes(ctx, &args.kube, records.as_ref(), &mut outcomes);
    let mut stdout = out.out();
    match args.output {
        TextOrJson::Text => {
            for o in outcomes.iter().filter(|o| o.action != "none") {
                let kube = match o.kubernetes_clean {
                    Some(true) => "; nothing left on Kubernetes",
                    Some(false) => "; objects are LEFT on Kubernetes (see the warning)",
                    None => "",
                };
                writeln!(
                    stdout,
                    "job {} ({}) {}: {}{kube}",
                    o.job_id, o.name, o.action, o.state
                )?;
            }
        }
        TextOrJson::Json => {
            stdout.write_all(document::to_string_pretty(&List::new(outcomes)).as_bytes())?;
        }
    }
    Ok(ExitStatus::Success)
}

/// After Slurm let go of a job, its PyTorchJob and pods must go too (launch deletes them on
/// SIGTERM, the epilog on any end). Check, bounded, for jobs whose namespace is known.
fn verify_kubernetes(
    ctx: &Context,
    kube: &crate::cli::KubeArgs,
    records: Option<&Records>,
    outcomes: &mut [Outcome],
) {
    let out = ctx.out;
    let by_ns = jobs::kube_targets(
        outcomes
            .iter()
            .filter(|o| o.action != "none")
            .map(|o| o.job_id.as_str()),
        records,
        kube.namespace.as_deref(),
    );
    if by_ns.is_empty() {
        return;
    }
    let conn = super::connection(kube, None);
    let (Ok(runtime), Ok(settings)) = (ctx.runtime(), ctx.settings()) else {
        return;
    };
    let left = runtime.block_on(async {
        let client = match crate::kube::client::from_settings(&conn, settings).await {
            Ok(c) => c,
            Err(crate::kube::client::ConnectError::Missing { .. }) => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        // The epilog runs right after the job ends; give it a bounded moment, watching (one
        // watch per kind and namespace), then one list per kind says what is left.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        let waits = by_ns
            .iter()
            .map(|(ns, ids)| crate::kube::state::wait_gone(&client, ns, ids, deadline));
        let gone = futures::future::join_all(waits).await;
        let mut left = std::collections::BTreeMap::new();
        for ((ns, ids), gone) in by_ns.iter().zip(gone) {
            if gone {
                continue;
            }
            let found = crate::kube::state::summarize(&client, ns, ids)
                .await
                .map_err(|e| {
                    format!("listing the jobs (PyTorchJobs, TrainJobs) in namespace `{ns}`: {e}")
                })?;
            left.extend(found.into_iter().filter(|(_, s)| !s.is_empty()));
        }
        Ok(Some(left))
    });
    match left {
        Ok(None) => {}
        Ok(Some(left)) => {
            for o in outcomes.iter_mut().filter(|o| o.action != "none") {
                if !by_ns.values().any(|ids| ids.contains(&o.job_id)) {
                    continue;
                }
                match left.get(&o.job_id) {
                    None => o.kubernetes_clean = Some(true),
                    Some(s) => {
                        o.kubernetes_clean = Some(false);
                        out.warn(
                            &format!(
                                "job {} left {} and {} pod(s) in namespace `{}`",
                                o.job_id,
                                s.pytorchjob
                                    .as_deref()
                                    .or(s.trainjob.as_deref())
                                    .unwrap_or("no PyTorchJob or TrainJob"),
                                s.pods_total,
                                s.namespace
                            ),
                            Some("`hybridctl gc` removes what belongs to finished jobs"),
                        );
                    }
                }
            }
        }
        Err(e) => out.warn(&format!("could not check the Kubernetes side: {e}"), None),
    }
}
