//! `hybridctl gc [--dry-run] [-o text|json]`: remove the Kubernetes objects and node labels
//! whose Slurm job is gone (what a lost epilog or a crashed controller left).
//!
//! Lists what carries `hybridctl.io/slurm-job-id` (PyTorchJobs and pods: one list per kind
//! and namespace; nodes: one list), asks Slurm about every id in ONE `squeue` call, and
//! removes what belongs to jobs that are not in the queue or have finished. Listing comes
//! before asking, so an object created after the list is never judged by a stale answer. A
//! failing `squeue` stops gc before it removes anything. The verdicts are
//! [`crate::k8s::orphans::orphan_reason`].

use std::io::Write;
use std::time::Duration;

use anyhow::Result;
use comfy_table::{Table, presets};
use serde::Serialize;

use super::{Context, Printer, slurm_error};
use crate::cli::{GcArgs, TextOrJson};
use crate::document::{self, Document};
use crate::error::Advice;
use crate::error::{ExitStatus, UserError};
use crate::k8s::orphans::{self, Labelled, QueueAnswer};
use crate::kube::hooks;
use crate::slurm::Slurm;

/// How long gc waits for the pods it deleted to be gone.
const POD_WAIT: Duration = Duration::from_secs(30);

#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Orphan {
    #[serde(flatten)]
    item: Labelled,
    reason: String,
    /// `would remove` (dry run), `removed` or `failed`.
    action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GcReport<'a> {
    dry_run: bool,
    namespaces: &'a [String],
    orphans: &'a [Orphan],
    /// Labelled objects of jobs that are still in the queue.
    kept: usize,
}

impl Document for GcReport<'_> {
    const KIND: &'static str = "GcReport";
}

pub fn run(args: GcArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let settings = ctx.settings()?;
    let taint = settings.hook_taint();
    let namespaces = settings.cleanup_namespaces(args.kube.namespace.as_deref());
    let conn = super::connection(&args.kube, None);
    let runtime = ctx.runtime()?;
    let client = runtime.block_on(super::kube_client(&conn, settings))?;
    let items = runtime
        .block_on(hooks::inventory(&client, &namespaces))
        .map_err(|e| {
            let hint = e.hint();
            anyhow::Error::new(e).context(UserError::environment(
                "could not list what hybridctl labelled",
                hint,
            ))
        })?;

    // No labelled object with a valid id: nothing to ask Slurm (never the whole queue).
    let queue = match orphans::job_ids(&items) {
        None => QueueAnswer::from_rows([]),
        Some(ids) => {
            let slurm = Slurm::from_settings(settings);
            let views = slurm.queue(&ids).map_err(slurm_error)?;
            QueueAnswer::from_rows(
                views
                    .iter()
                    .map(|v| (v.job_id.as_str(), v.state.as_str(), v.finished())),
            )
        }
    };
    let mut orphans: Vec<Orphan> = items
        .iter()
        .filter_map(|item| {
            orphans::orphan_reason(&item.job_id, &queue).map(|reason| Orphan {
                item: item.clone(),
                reason,
                action: "would remove",
                error: None,
            })
        })
        .collect();
    let kept = items.len() - orphans.len();

    let mut left = Vec::new();
    if !args.dry_run && !orphans.is_empty() {
        left = runtime.block_on(async {
            for o in &mut orphans {
                match hooks::remove(&client, &o.item, taint.as_ref()).await {
                    Ok(()) => o.action = "removed",
                    Err(e) => {
                        o.action = "failed";
                        o.error = Some(format!("{} (hint: {})", hooks::one_line(&e), e.hint()));
                    }
                }
            }
            let removed: Vec<&Labelled> = orphans
                .iter()
                .filter(|o| o.action == "removed")
                .map(|o| &o.item)
                .collect();
            hooks::wait_removed(&client, &removed, tokio::time::Instant::now() + POD_WAIT).await
        });
    }

    print(&args, &namespaces, &orphans, kept, out)?;
    if !left.is_empty() {
        out.warn(
            &format!(
                "{} deleted pod(s) still exist after {} s: {}",
                left.len(),
                POD_WAIT.as_secs(),
                left.join(", ")
            ),
            Some("they are terminating; run `hybridctl gc` again later"),
        );
    }
    let failed = orphans.iter().filter(|o| o.action == "failed").count();
    if failed > 0 {
        return Err(UserError::environment(
            format!("could not remove {failed} of {} orphan(s)", orphans.len()),
            "the errors are in the table above; `hybridctl rbac` prints the permissions gc needs",
        )
        .into());
    }
    Ok(ExitStatus::Success)
}

fn print(
    args: &GcArgs,
    namespaces: &[String],
    orphans: &[Orphan],
    kept: usize,
    out: &Printer,
) -> Result<()> {
    let mut stdout = out.out();
    match args.output {
        TextOrJson::Json => {
            let report = GcReport {
                dry_run: args.dry_run,
                namespaces,
                orphans,
                kept,
            };
            stdout.write_all(document::to_string_pretty(&report).as_bytes())?;
        }
        TextOrJson::Text => {
            if !orphans.is_empty() {
                let mut table = Table::new();
                table.load_style(presets::NOTHING);
                out.fit(&mut table);
                table.set_header(["ACTION", "KIND", "NAME", "JOB", "REASON"]);
                for o in orphans {
                    let reason = match &o.error {
                        Some(e) => format!("{}; {e}", o.reason),
                        None => o.reason.clone(),
                    };
                    table.add_row([
                        o.action.to_string(),
                        o.item.kind.as_str().to_string(),
                        o.item.display_name(),
                        o.item.job_id.clone(),
                        reason,
                    ]);
                }
                writeln!(stdout, "{}", super::table_text(&table))?;
            }
            let jobs: std::collections::BTreeSet<&str> =
                orphans.iter().map(|o| o.item.job_id.as_str()).collect();
            let summary = if orphans.is_empty() {
                "nothing to remove".to_string()
            } else if args.dry_run {
                format!(
                    "dry run: would remove {} orphan(s) of {} job(s); nothing was removed",
                    orphans.len(),
                    jobs.len()
                )
            } else {
                format!(
                    "removed {} orphan(s) of {} job(s)",
                    orphans.iter().filter(|o| o.action == "removed").count(),
                    jobs.len()
                )
            };
            out.note(&format!(
                "{summary}; kept {kept} object(s) of jobs still in the Slurm queue (namespaces: {})",
                namespaces.join(", ")
            ));
        }
    }
    Ok(())
}
