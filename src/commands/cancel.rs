//! `hybridctl cancel JOB...`

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Serialize;

use super::status::{lookup, resolve_jobs};
use super::{Output, load_settings, slurm_error};
use crate::cli::{CancelArgs, TextOrJson};
use crate::error::{ExitStatus, UserError};
use crate::records::Records;
use crate::settings::Env;
use crate::slurm::{Slurm, Source};

/// KillWait when the controller does not say (Slurm's default is 30 s).
const DEFAULT_GRACE: Duration = Duration::from_secs(30);

#[derive(Serialize)]
struct Outcome {
    job_id: String,
    name: String,
    action: &'static str,
    state: String,
    /// Whether nothing of the job is left on Kubernetes; absent when it was not checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    kubernetes_clean: Option<bool>,
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

pub fn run(args: CancelArgs, env: Env, _out: &Output) -> Result<ExitStatus> {
    let settings = load_settings(env)?;
    let slurm = Slurm::from_settings(&settings);
    let records = Records::from_env(&settings.env);
    let (ids, recs, unknown_names) = resolve_jobs(records.as_ref(), &args.jobs)?;
    let (views, mut unknown) = lookup(&slurm, &ids, &recs)?;
    unknown.extend(unknown_names);
    let grace = match args.grace {
        Some(s) => Duration::from_secs(s),
        None => slurm.kill_wait().ok().flatten().unwrap_or(DEFAULT_GRACE),
    };
    let spinner = indicatif::ProgressBar::new_spinner();
    let mut outcomes = Vec::new();
    for v in views {
        let finished =
            crate::slurm::parse::JobState::parse(&v.state).is_ok_and(|s| s.is_finished());
        if v.source != Source::Queue || finished {
            eprintln!(
                "job {} ({}) already finished: {}",
                v.job_id, v.name, v.state
            );
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
            spinner.enable_steady_tick(Duration::from_millis(120));
            spinner.set_message(format!(
                "job {}: sent SIG{} to the batch step, waiting up to {} s",
                v.job_id,
                args.signal.trim_start_matches("SIG"),
                grace.as_secs()
            ));
            slurm
                .signal_batch(&v.job_id, &args.signal)
                .map_err(slurm_error)?;
            let start = Instant::now();
            while start.elapsed() < grace {
                let now = slurm
                    .queue(std::slice::from_ref(&v.job_id))
                    .map_err(slurm_error)?;
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
        slurm.cancel(&v.job_id).map_err(slurm_error)?;
        // Wait until it has left RUNNING/COMPLETING (bounded).
        let limit = grace + Duration::from_secs(60);
        let start = Instant::now();
        let mut state = v.state.clone();
        loop {
            let now = slurm
                .queue(std::slice::from_ref(&v.job_id))
                .map_err(slurm_error)?;
            match now.first() {
                None => break,
                Some(n) if !is_active(&n.state) && n.state != "PENDING" => {
                    state.clone_from(&n.state);
                    break;
                }
                Some(n) => state.clone_from(&n.state),
            }
            if start.elapsed() > limit {
                spinner.finish_and_clear();
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
        if let Some(acct) = slurm
            .accounting(std::slice::from_ref(&v.job_id))
            .ok()
            .flatten()
            && let Some(a) = acct.into_iter().next()
        {
            state = a.state;
        }
        if is_active(&state) || state == "PENDING" {
            state = "CANCELLED".into();
        }
        spinner.finish_and_clear();
        outcomes.push(Outcome {
            job_id: v.job_id,
            name: v.name,
            action,
            state,
            kubernetes_clean: None,
        });
    }
    verify_kubernetes(&settings, &args.kube, records.as_ref(), &mut outcomes);
    let mut stdout = std::io::stdout().lock();
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
            serde_json::to_writer_pretty(&mut stdout, &outcomes)?;
            writeln!(stdout)?;
        }
    }
    if !unknown.is_empty() {
        return Err(UserError::invalid(
            format!(
                "not known to Slurm or to hybridctl's job records: {}",
                unknown.join(", ")
            ),
            "check the id with `hybridctl status --all`",
        )
        .into());
    }
    Ok(ExitStatus::Success)
}

/// After Slurm let go of a job, its PyTorchJob and pods must go too (launch deletes them on
/// SIGTERM, the epilog on any end). Check, bounded, for jobs whose namespace is known.
fn verify_kubernetes(
    settings: &crate::settings::Settings,
    kube: &crate::cli::KubeArgs,
    records: Option<&Records>,
    outcomes: &mut [Outcome],
) {
    let mut by_ns: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for o in outcomes.iter().filter(|o| o.action != "none") {
        let ns = kube.namespace.clone().or_else(|| {
            records
                .and_then(|r| r.spec(&o.job_id))
                .map(|s| s.kubernetes.namespace)
        });
        if let Some(ns) = ns {
            by_ns.entry(ns).or_default().push(o.job_id.clone());
        }
    }
    if by_ns.is_empty() {
        return;
    }
    let conn = crate::kube::client::Connection {
        kubeconfig: kube.kubeconfig.clone(),
        context: kube.context.clone(),
    };
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
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
                .map_err(|e| format!("listing PyTorchJobs in namespace `{ns}`: {e}"))?;
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
                        eprintln!(
                            "warning: job {} left {} and {} pod(s) in namespace `{}`\n  hint: `hybridctl gc` removes what belongs to finished jobs",
                            o.job_id,
                            s.pytorchjob.as_deref().unwrap_or("no PyTorchJob"),
                            s.pods_total,
                            s.namespace
                        );
                    }
                }
            }
        }
        Err(e) => eprintln!("warning: could not check the Kubernetes side: {e}"),
    }
}
