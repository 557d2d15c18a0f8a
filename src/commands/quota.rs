//! `hybridctl quota`

use std::io::Write;

use anyhow::Result;
use comfy_table::{Table, presets};
use serde::Serialize;

use super::{Context, Printer, require_valid};
use crate::cli::{QuotaArgs, TextOrJson};
use crate::document::{self, Document, List};
use crate::error::{ExitStatus, UserError};
use crate::gpfs::{FilesetRef, QueryKind, QuotaError, query};
use crate::jobspec::load::{Overrides, load_spec};
use crate::process::Runner;
use crate::quota::{DEFAULT_THRESHOLD_PCT, QuotaEntry, human_kib};
use crate::settings::Settings;

fn quota_error(e: QuotaError) -> anyhow::Error {
    let mut user = UserError::advised(&e);
    if let Some(cause) = e.cause() {
        user.message = format!("{cause}: {}", user.message);
    }
    anyhow::Error::new(user)
}

#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Row<'a> {
    #[serde(flatten)]
    entry: EntryJson<'a>,
    /// Of the limit the threshold applies to (`block_percent_limit`: `soft` or `hard`).
    block_percent_of_limit: Option<f64>,
    block_percent_limit: Option<crate::quota::LimitKind>,
    block_percent_of_soft: Option<f64>,
    block_percent_of_hard: Option<f64>,
    files_percent_of_limit: Option<f64>,
    files_percent_limit: Option<crate::quota::LimitKind>,
    files_percent_of_soft: Option<f64>,
    files_percent_of_hard: Option<f64>,
    headroom_kib: Option<i64>,
    /// At or above the threshold of the `*_percent_limit` limit, blocks or files.
    over_threshold: bool,
}

#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EntryJson<'a> {
    device: &'a str,
    kind: &'a str,
    id: Option<u64>,
    name: &'a str,
    fileset: Option<&'a str>,
    block_used_kib: i64,
    block_soft_kib: i64,
    block_hard_kib: i64,
    block_in_doubt_kib: i64,
    block_grace: String,
    files_used: i64,
    files_soft: i64,
    files_hard: i64,
    files_in_doubt: i64,
    files_grace: String,
}

impl Document for List<Row<'_>> {
    const KIND: &'static str = "QuotaReport";
}

fn current_user(settings: &Settings) -> Option<String> {
    settings
        .env
        .get("USER")
        .or_else(|| settings.env.get("LOGNAME"))
        .map(str::to_string)
        .or_else(|| {
            Runner::default()
                .run("id", &["-un".to_string()], None)
                .ok()
                .map(|o| o.stdout.trim().to_string())
        })
}

fn current_groups() -> Vec<String> {
    Runner::default()
        .run("id", &["-Gn".to_string()], None)
        .map(|o| o.stdout.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

pub fn run(args: QuotaArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let settings = ctx.settings()?;
    let gpfs = settings.gpfs();
    let threshold = args
        .threshold
        .or(gpfs.threshold)
        .unwrap_or(DEFAULT_THRESHOLD_PCT);
    let mut filesets: Vec<FilesetRef> = Vec::new();
    for f in &args.filesets {
        match f.split_once(':') {
            Some((device, fileset)) => filesets.push(FilesetRef {
                device: device.into(),
                fileset: fileset.into(),
            }),
            None if !args.devices.is_empty() => {
                for d in &args.devices {
                    filesets.push(FilesetRef {
                        device: d.clone(),
                        fileset: f.clone(),
                    });
                }
            }
            None => {
                return Err(UserError::invalid(
                    format!("fileset `{f}` needs its file system"),
                    "write `--fileset DEVICE:FILESET` or add `--device DEVICE`",
                )
                .into());
            }
        }
    }
    if let Some(path) = &args.spec {
        let loaded = load_spec(settings, path, &Overrides::default())?;
        let spec = require_valid(loaded, out)?;
        let Some(g) = &spec.storage.gpfs else {
            return Err(UserError::invalid(
                format!("`{path}` mounts no GPFS fileset"),
                "add `storage.gpfs` to the spec",
            )
            .into());
        };
        let mapped = gpfs.claims.iter().find(|(c, _, _)| *c == g.claim_name);
        match (
            g.device.clone().or_else(|| mapped.map(|m| m.1.clone())),
            g.fileset.clone().or_else(|| mapped.map(|m| m.2.clone())),
        ) {
            (Some(device), Some(fileset)) => filesets.push(FilesetRef { device, fileset }),
            _ => {
                return Err(UserError::invalid(
                    format!("`{path}` does not say which GPFS device and fileset claim `{}` is", g.claim_name),
                    "set `storage.gpfs.device` and `fileset`, or ask the site to map the claim in `gpfs.claims`",
                )
                .into());
            }
        }
    }
    let kind = if !filesets.is_empty() {
        QueryKind::Filesets(filesets)
    } else if args.group {
        QueryKind::Groups(current_groups())
    } else {
        let user = current_user(settings).ok_or_else(|| {
            UserError::environment(
                "cannot tell who you are: neither $USER nor `id -un` answers",
                "set $USER",
            )
        })?;
        if args.user {
            QueryKind::User(user)
        } else {
            QueryKind::UserAndGroups {
                user,
                groups: current_groups(),
            }
        }
    };
    let entries = query(&gpfs, &kind, &args.devices).map_err(quota_error)?;
    let over = entries.iter().any(|e| e.is_over_threshold(threshold));
    print(&entries, threshold, args.output, out)?;
    if let QueryKind::Filesets(requested) = &kind {
        let missing = crate::gpfs::missing_filesets(requested, &entries);
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|f| format!("`{}:{}`", f.device, f.fileset))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(UserError::invalid(
                format!("GPFS reported no quota for fileset {list}"),
                "check the names with `mmlsfileset DEVICE`; a fileset without its own quota has no FILESET row",
            )
            .into());
        }
    }
    if over && args.output == TextOrJson::Text {
        out.warn(
            &format!("usage at or above {threshold}% of a quota limit (marked `!`; of the soft limit, or of the hard one where there is no soft limit, as in the %SOFT/%HARD columns)"),
            None,
        );
    }
    Ok(if over && args.check {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn pct(p: Option<f64>) -> String {
    p.map_or_else(|| "-".into(), |p| format!("{p:.0}%"))
}

fn limit(kib: i64) -> String {
    if kib == 0 {
        "none".into()
    } else {
        human_kib(kib)
    }
}

fn count(n: i64) -> String {
    if n == 0 { "none".into() } else { n.to_string() }
}

fn print(entries: &[QuotaEntry], threshold: f64, format: TextOrJson, out: &Printer) -> Result<()> {
    let mut stdout = out.out();
    if format == TextOrJson::Json {
        let rows: Vec<Row<'_>> = entries
            .iter()
            .map(|e| Row {
                entry: EntryJson {
                    device: &e.device,
                    kind: e.kind.as_str(),
                    id: e.id,
                    name: &e.name,
                    fileset: e.fileset.as_deref(),
                    block_used_kib: e.block_used_kib,
                    block_soft_kib: e.block_soft_kib,
                    block_hard_kib: e.block_hard_kib,
                    block_in_doubt_kib: e.block_in_doubt_kib,
                    block_grace: e.block_grace.to_string(),
                    files_used: e.files_used,
                    files_soft: e.files_soft,
                    files_hard: e.files_hard,
                    files_in_doubt: e.files_in_doubt,
                    files_grace: e.files_grace.to_string(),
                },
                block_percent_of_limit: e.blocks().percent_of_threshold_limit().map(|p| p.1),
                block_percent_limit: e.blocks().threshold_limit().map(|l| l.0),
                block_percent_of_soft: e.blocks().percent_of_soft(),
                block_percent_of_hard: e.blocks().percent_of_hard(),
                files_percent_of_limit: e.files().percent_of_threshold_limit().map(|p| p.1),
                files_percent_limit: e.files().threshold_limit().map(|l| l.0),
                files_percent_of_soft: e.files().percent_of_soft(),
                files_percent_of_hard: e.files().percent_of_hard(),
                headroom_kib: e.headroom_kib(),
                over_threshold: e.is_over_threshold(threshold),
            })
            .collect();
        stdout.write_all(document::to_string_pretty(&List::new(rows)).as_bytes())?;
        writeln!(stdout)?;
        return Ok(());
    }
    let mut table = Table::new();
    table.load_style(presets::NOTHING);
    out.fit(&mut table);
    table.set_header([
        "",
        "FILESYSTEM",
        "TYPE",
        "NAME",
        "USED",
        "SOFT",
        "HARD",
        "%SOFT",
        "%HARD",
        "IN-DOUBT",
        "GRACE",
        "FILES",
        "F-SOFT",
        "F-HARD",
        "F-%SOFT",
        "F-%HARD",
        "F-GRACE",
    ]);
    for e in entries {
        let flag = if e.is_over_threshold(threshold) {
            "!"
        } else {
            ""
        };
        let name = match (&e.fileset, e.kind) {
            (Some(f), crate::quota::QuotaKind::Usr | crate::quota::QuotaKind::Grp) => {
                format!("{} ({f})", e.name)
            }
            _ => e.name.clone(),
        };
        let mut row = vec![
            flag.to_string(),
            e.device.clone(),
            e.kind.as_str().to_string(),
            name,
            human_kib(e.block_used_kib),
            limit(e.block_soft_kib),
            limit(e.block_hard_kib),
            pct(e.blocks().percent_of_soft()),
            pct(e.blocks().percent_of_hard()),
            human_kib(e.block_in_doubt_kib),
            e.block_grace.to_string(),
            e.files_used.to_string(),
            count(e.files_soft),
            count(e.files_hard),
            pct(e.files().percent_of_soft()),
            pct(e.files().percent_of_hard()),
            e.files_grace.to_string(),
        ];
        if !flag.is_empty() {
            row = row
                .into_iter()
                .map(|c| crate::output::paint(out.out_color(), crate::output::styles::ERROR, &c))
                .collect();
        }
        table.add_row(row);
    }
    writeln!(stdout, "{}", super::table_text(&table))?;
    Ok(())
}
