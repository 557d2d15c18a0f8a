//! `hybridctl status [JOB...]`

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use comfy_table::{Table, presets};

use super::{Context, Printer, slurm_error};
use crate::cli::{StatusArgs, TextOrJsonOrWide};
use crate::document::{self, Document, List};
use crate::error::ExitStatus;
use crate::jobid::{JobId, JobIds};
use crate::jobs;
use crate::records::{JobRecord, Records};
use crate::slurm::{JobView, Slurm};

/// How many recent records `status` shows without arguments.
const RECENT: usize = 20;

impl Document for List<JobView> {
    const KIND: &'static str = "JobStatusList";
}

pub fn run(args: StatusArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let settings = ctx.settings()?;
    let slurm = Slurm::from_settings(settings);
    let records = Records::from_env(&settings.env);
    let (mut views, unknown) = if args.all {
        (slurm.queue_all().map_err(slurm_error)?, Vec::new())
    } else if args.jobs.is_empty() {
        let recs: Vec<JobRecord> = match &records {
            Some(r) => r.list()?.into_iter().take(RECENT).collect(),
            None => Vec::new(),
        };
        let ids = JobIds::new(recs.iter().filter_map(|r| JobId::parse(&r.job_id).ok()));
        let Some(ids) = ids else {
            out.note(
                "no jobs submitted with hybridctl yet; `hybridctl status --all` shows the whole queue",
            );
            print(&[], args.output, out)?;
            return Ok(ExitStatus::Success);
        };
        jobs::lookup(&slurm, &ids, &recs).map_err(slurm_error)?
    } else {
        let resolved = jobs::resolve(records.as_ref(), &args.jobs)?;
        // Nothing matched: say so, and ask Slurm nothing (an empty filter would be the queue).
        let Some(ids) = JobIds::new(resolved.ids.iter().cloned()) else {
            return Err(jobs::unknown_jobs(&resolved.unknown));
        };
        let (views, mut unknown) =
            jobs::lookup(&slurm, &ids, &resolved.records).map_err(slurm_error)?;
        unknown.extend(resolved.unknown);
        (views, unknown)
    };
    add_kubernetes(ctx, &args.kube, records.as_ref(), &mut views);
    print(&views, args.output, out)?;
    if !unknown.is_empty() {
        return Err(jobs::unknown_jobs(&unknown));
    }
    Ok(ExitStatus::Success)
}

fn print(views: &[JobView], format: TextOrJsonOrWide, out: &Printer) -> Result<()> {
    let mut stdout = out.out();
    if format == TextOrJsonOrWide::Json {
        let doc = List::new(views.to_vec());
        stdout.write_all(document::to_string_pretty(&doc).as_bytes())?;
        return Ok(());
    }
    if views.is_empty() {
        return Ok(());
    }
    let wide = format == TextOrJsonOrWide::Wide;
    let kube = views.iter().any(|v| v.kubernetes.is_some());
    let mut table = Table::new();
    table.load_style(presets::NOTHING);
    out.fit(&mut table);
    let mut header = vec![
        "JOBID",
        "NAME",
        "STATE",
        "TIME/LIMIT",
        "NODES",
        "NODELIST(REASON)",
    ];
    if kube {
        header.extend(["PYTORCHJOB", "PODS"]);
    }
    if wide {
        header.extend(["PARTITION", "USER", "EXIT", "SOURCE"]);
    }
    table.set_header(header);
    for v in views {
        let time = format!(
            "{}/{}",
            v.elapsed.as_deref().unwrap_or("-"),
            v.time_limit.as_deref().unwrap_or("-")
        );
        let where_ = match (&v.reason, &v.nodelist) {
            (Some(r), _) if v.state == "PENDING" => format!("({r})"),
            (_, Some(n)) if !n.is_empty() && n != "None assigned" => n.clone(),
            (Some(r), _) => format!("({r})"),
            _ => String::new(),
        };
        let mut row = vec![
            v.job_id.clone(),
            v.name.clone(),
            v.state.clone(),
            time,
            v.nodes.map_or_else(|| "-".into(), |n| n.to_string()),
            where_,
        ];
        if kube {
            let k = v.kubernetes.as_ref();
            let cond = k
                .map(|k| {
                    if k["pytorchjob"].is_null() && k["trainjob"].is_null() {
                        "-".to_string()
                    } else {
                        k["condition"].as_str().unwrap_or("Created").to_string()
                    }
                })
                .unwrap_or_default();
            let pods = k
                .map(|k| {
                    format!(
                        "{}/{}",
                        k["podsReady"].as_u64().unwrap_or(0),
                        k["podsTotal"].as_u64().unwrap_or(0)
                    )
                })
                .unwrap_or_default();
            row.extend([cond, pods]);
        }
        if wide {
            row.extend([
                v.partition.clone().unwrap_or_default(),
                v.user.clone().unwrap_or_default(),
                v.exit_code.clone().unwrap_or_default(),
                format!("{:?}", v.source).to_lowercase(),
            ]);
        }
        table.add_row(row);
    }
    writeln!(stdout, "{}", super::table_text(&table))?;
    // Pending jobs: say why in plain words, grouped; never invent a remedy.
    for v in views.iter().filter(|v| v.state == "PENDING") {
        if let (Some(group), Some(text)) = (&v.reason_group, &v.reason_text) {
            writeln!(stdout, "\njob {} is pending ({group}): {text}", v.job_id)?;
        }
    }
    // The Kubernetes side: the operator's conditions, pods the scheduler cannot place.
    let details: Vec<String> = views
        .iter()
        .filter_map(|v| {
            let k = serde_json::from_value(v.kubernetes.clone()?).ok()?;
            Some(crate::kube::state::detail_lines(&v.job_id, &k))
        })
        .flatten()
        .collect();
    if !details.is_empty() {
        writeln!(stdout, "\n{}", details.join("\n"))?;
    }
    Ok(())
}

/// Fill in the Kubernetes side of each job (PyTorchJob condition, pods ready/total) when a
/// kubeconfig is available: two list calls per namespace. Without a kubeconfig the columns
/// are left out; when the API server cannot be reached, a warning says so.
fn add_kubernetes(
    ctx: &Context,
    kube: &crate::cli::KubeArgs,
    records: Option<&Records>,
    views: &mut [JobView],
) {
    let out = ctx.out;
    let targets = jobs::kube_targets(
        views.iter().map(|v| v.job_id.as_str()),
        records,
        kube.namespace.as_deref(),
    );
    if targets.is_empty() {
        return;
    }
    let spec_context = views.iter().find_map(|v| {
        records
            .and_then(|r| r.spec(&v.job_id))
            .and_then(|s| s.kubernetes.context)
    });
    let conn = super::connection(kube, spec_context);
    let (Ok(runtime), Ok(settings)) = (ctx.runtime(), ctx.settings()) else {
        return;
    };
    let result = runtime.block_on(async {
        let client = match crate::kube::client::from_settings(&conn, settings).await {
            Ok(c) => c,
            Err(crate::kube::client::ConnectError::Missing { .. }) => return Ok(BTreeMap::new()),
            Err(e) => return Err(e.to_string()),
        };
        let mut all = BTreeMap::new();
        for (ns, ids) in &targets {
            let found = tokio::time::timeout(
                std::time::Duration::from_secs(15),
                crate::kube::state::summarize(&client, ns, ids),
            )
            .await
            .map_err(|_| {
                format!("listing the jobs (PyTorchJobs, TrainJobs) in namespace `{ns}` timed out")
            })?
            .map_err(|e| {
                format!("listing the jobs (PyTorchJobs, TrainJobs) in namespace `{ns}`: {e}")
            })?;
            for id in ids {
                let summary = found.get(id.as_str()).cloned().unwrap_or_else(|| {
                    crate::kube::state::KubeSummary {
                        namespace: ns.clone(),
                        ..Default::default()
                    }
                });
                all.insert(id.to_string(), summary);
            }
        }
        Ok(all)
    });
    match result {
        Ok(all) => {
            for v in views.iter_mut() {
                if let Some(s) = all.get(&v.job_id) {
                    v.kubernetes = serde_json::to_value(s).ok();
                }
            }
        }
        Err(e) => out.warn(&format!("the Kubernetes side is not shown: {e}"), None),
    }
}
