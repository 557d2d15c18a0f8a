//! `hybridctl fabric-check`

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::Result;

use super::{Context, require_valid};
use crate::check::{Check, Level};
use crate::cli::{FabricCheckArgs, PairsMode, TextOrJson};
use crate::error::{ExitStatus, UserError};
use crate::fabric::audit::{self, Expect};
use crate::fabric::counters::{self, Threshold};
use crate::fabric::pairwise::{self, PairMode, PairwiseConfig};
use crate::fabric::probe;
use crate::fabric::report::{self, Report};
use crate::fabric::sysfs::Root;
use crate::jobspec::load::{Overrides, load_spec};
use crate::process::Runner;
use crate::settings::FabricConfig;

/// The default launcher: one task on the node, overlapping the allocation's other steps
/// (`--overlap`, Slurm >= 20.11), quiet unless something fails.
const SRUN: &[&str] = &[
    "srun",
    "--overlap",
    "--nodes=1",
    "--ntasks=1",
    "--nodelist={host}",
    "--job-name=fabric-check",
    "--quiet",
];

fn thresholds(cfg: &FabricConfig) -> std::collections::BTreeMap<String, Threshold> {
    let mut t = counters::default_thresholds();
    for (name, warn, fail) in &cfg.counters {
        t.insert(
            name.clone(),
            Threshold {
                warn: *warn,
                fail: *fail,
            },
        );
    }
    t
}

pub fn run(args: FabricCheckArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    if args.topology {
        return topology(&args, ctx);
    }
    let health = args.health_check;
    match check(args, ctx) {
        Ok((report, format)) => {
            let mut stdout = out.out();
            if health {
                if let Some(line) = report.health_line() {
                    writeln!(stdout, "{line}")?;
                }
            } else if format == TextOrJson::Json {
                stdout.write_all(crate::document::to_string_pretty(&report).as_bytes())?;
            } else {
                write!(stdout, "{}", report::text(&report, out.out_color()))?;
            }
            Ok(if report.exit_code == 0 {
                ExitStatus::Success
            } else {
                ExitStatus::Failure
            })
        }
        Err(e) if health => {
            let (text, _) = crate::error::report(&e, crate::advice_of);
            let first = text
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ");
            // The line Slurm's HealthCheckProgram / NHC reads, on stdout.
            out.line(&format!("ERROR: hybridctl fabric-check: setup: {first}"))?;
            Ok(ExitStatus::Error)
        }
        Err(e) => Err(e),
    }
}

/// `--topology`: the GPU x NIC matrix of this host (see `crate::fabric::topology`).
fn topology(args: &FabricCheckArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let settings = ctx.settings()?;
    let cfg = settings.fabric();
    let tools = Runner::new(cfg.tool_dir.as_deref())
        .with_timeout(Duration::from_secs(cfg.tool_timeout.unwrap_or(10).into()));
    let r = crate::fabric::topology::report(&Root(args.sysfs_root.clone()), &tools);
    let mut stdout = out.out();
    if args.output == TextOrJson::Json {
        stdout.write_all(crate::document::to_string_pretty(&r).as_bytes())?;
    } else {
        write!(stdout, "{}", crate::fabric::topology::report_text(&r))?;
    }
    Ok(if r.exit_code == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

fn check(args: FabricCheckArgs, ctx: &Context) -> Result<(Report, TextOrJson)> {
    let out = ctx.out;
    let settings = ctx.settings()?;
    out.diagnostics(&settings.config_diagnostics)?;
    if settings
        .config_diagnostics
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error)
    {
        return Err(UserError::environment(
            "the hybridctl configuration has errors",
            "fix the problems above in the config file",
        )
        .into());
    }
    let cfg = settings.fabric();
    let expect = Expect {
        lossless_priority: cfg.lossless_priority.unwrap_or(3) as u8,
        roce_dscp: cfg.roce_dscp.unwrap_or(26) as u8,
        rate_gbps: cfg.expected_rate_gbps.map(f64::from),
    };
    if !args.sysfs_root.is_dir() {
        return Err(UserError::environment(
            format!(
                "the sysfs root `{}` is not a directory",
                args.sysfs_root.display()
            ),
            "give --sysfs-root a directory that holds `sys/class/...` (default `/`)",
        )
        .into());
    }
    let root = Root(args.sysfs_root.clone());
    let tools = Runner::new(cfg.tool_dir.as_deref()).with_timeout_from(
        Duration::from_secs(cfg.tool_timeout.unwrap_or(10).into()),
        "fabric.toolTimeout",
    );
    let spec = match &args.spec {
        Some(path) => {
            let loaded = load_spec(settings, path, &Overrides::default())?;
            Some((require_valid(loaded, out)?, path.clone()))
        }
        None => None,
    };
    let (nccl, notes) = probe::nccl_config(
        &settings.env,
        &root,
        spec.as_ref().map(|(s, p)| (&s.network, p.as_str())),
    );
    for n in notes {
        out.warn(&n, None);
    }
    let mut checks: Vec<Check> = Vec::new();
    let mut facts = probe::gather(&root, &tools, nccl.clone());
    if let Some(path) = &args.show_gids {
        checks.extend(probe::apply_show_gids(&mut facts, path)?);
    }
    if !args.no_local {
        checks.extend(audit::audit(&facts, &expect));
    }
    let watch = match &args.watch {
        Some(w) => Some(crate::jobspec::units::parse_cli_duration(w).map_err(|e| {
            UserError::invalid(e, "write a duration such as `10s`, `2m` or `500ms`")
        })?),
        None => None,
    };
    // Pairwise nodes.
    let nodes = if let Some(list) = &args.nodes {
        Some(crate::hostlist::expand(list).map_err(|e| {
            UserError::invalid(
                format!("--nodes `{list}`: {e}"),
                "write a Slurm hostlist, e.g. `gpu[01-04]`",
            )
        })?)
    } else if args.pairwise {
        let list = settings.env.get("SLURM_JOB_NODELIST").ok_or_else(|| {
            UserError::invalid(
                "--pairwise needs an allocation, and $SLURM_JOB_NODELIST is not set",
                "run inside `salloc`/`sbatch`, or name the nodes with --nodes",
            )
        })?;
        Some(crate::hostlist::expand(list).map_err(|e| {
            UserError::environment(
                format!("$SLURM_JOB_NODELIST `{list}`: {e}"),
                "is this a Slurm allocation?",
            )
        })?)
    } else {
        None
    };
    if let Some(n) = &nodes
        && n.len() < 2
    {
        return Err(UserError::invalid(
            format!("pairwise tests need at least two nodes, got {}", n.len()),
            "name more nodes with --nodes, or allocate more",
        )
        .into());
    }
    // Counters: this host's over --watch; every tested node's around the pairwise tests.
    let counting = watch.is_some() || (nodes.is_some() && !args.no_local);
    let before = counting.then(|| (probe::snapshot(&root, &tools), Instant::now()));
    if let Some(w) = watch {
        std::thread::sleep(w);
    }
    let root_text = root.0.display().to_string();
    let (pairwise, remote) = match nodes {
        Some(nodes) => {
            let pcfg = pairwise_config(&args, &cfg, &facts, nodes)?;
            let (r0, _) = pairwise::remote_counters(&pcfg, &root_text);
            let t0 = Instant::now();
            let report = pairwise::run(&pcfg);
            let (r1, unread) = pairwise::remote_counters(&pcfg, &root_text);
            (
                Some(report),
                Some((r0, r1, unread, t0.elapsed().as_secs_f64())),
            )
        }
        None => (None, None),
    };
    let (mut deltas, mut secs) = (Vec::new(), None);
    if let Some((snap0, t0)) = before {
        let snap1 = probe::snapshot(&root, &tools);
        let s = t0.elapsed().as_secs_f64();
        deltas = counters::deltas(&snap0, &snap1);
        checks.extend(counters::evaluate(
            &snap1,
            &deltas,
            &thresholds(&cfg),
            expect.lossless_priority,
            s,
        ));
        secs = (!snap1.values.is_empty()).then_some(s);
    }
    if let Some((r0, r1, unread, s)) = remote {
        let d = counters::deltas(&r0, &r1);
        checks.extend(counters::evaluate(
            &r1,
            &d,
            &thresholds(&cfg),
            expect.lossless_priority,
            s,
        ));
        for (node, why) in unread {
            checks.push(
                Check::new(
                    "counters",
                    node.as_str(),
                    Level::Unknown,
                    format!("could not read the node's port counters: {why}"),
                )
                .hint(
                    "the counters are read with the same launcher as the tests (`fabric.launcher`)",
                ),
            );
        }
        if !r1.values.is_empty() {
            secs = Some(secs.map_or(s, |w: f64| w.max(s)));
        }
        deltas.extend(d);
    }
    Ok((
        Report::new(root.0.display().to_string(), checks, deltas, secs, pairwise),
        args.output,
    ))
}

fn pairwise_config(
    args: &FabricCheckArgs,
    cfg: &FabricConfig,
    facts: &audit::Facts,
    nodes: Vec<String>,
) -> Result<PairwiseConfig> {
    let rate = args.expected_rate.or(cfg.expected_rate_gbps.map(f64::from));
    let ports = pairwise::choose_ports(
        &facts.host,
        &facts.nccl,
        &pairwise::PortWish {
            device: args.device.as_deref(),
            gid_index: args.gid_index,
            rate_gbps: rate,
            rails: args.rails,
        },
    )
    .map_err(|e| {
        UserError::invalid(
            e,
            "run it on a node like the tested ones, or give one device with --device",
        )
    })?;
    let mut perf: Vec<String> = vec!["-F".into()];
    perf.extend(ports.args);
    perf.extend(cfg.perftest_args.clone().unwrap_or_default());
    Ok(PairwiseConfig {
        nodes,
        mode: match args.pairs {
            PairsMode::All => PairMode::All,
            PairsMode::Ring => PairMode::Ring,
        },
        launcher: cfg
            .launcher
            .clone()
            .unwrap_or_else(|| SRUN.iter().map(|s| s.to_string()).collect()),
        bw_test: cfg.bw_test.clone().unwrap_or_else(|| "ib_write_bw".into()),
        lat_test: args
            .latency
            .then(|| cfg.lat_test.clone().unwrap_or_else(|| "ib_read_lat".into())),
        perftest_args: perf,
        test_timeout: Duration::from_secs(args.timeout.or(cfg.test_timeout).unwrap_or(60).into()),
        connect_window: Duration::from_secs(10),
        rate_gbps: ports.rate_gbps,
        min_fraction: cfg.min_bandwidth_fraction.unwrap_or(0.8),
        rails: ports.rails,
    })
}
