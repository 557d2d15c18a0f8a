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
    let slurm = Slurm::new(settings.slurm_bin_dir());
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
        });
    }
    let mut stdout = std::io::stdout().lock();
    match args.output {
        TextOrJson::Text => {
            for o in outcomes.iter().filter(|o| o.action != "none") {
                writeln!(
                    stdout,
                    "job {} ({}) {}: {}",
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
