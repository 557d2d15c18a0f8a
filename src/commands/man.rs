//! `hybridctl man --dir DIR`: one man page per command (nested ones too), from the clap
//! definitions, with the sections clap does not know: EXIT STATUS (the one table in
//! `crate::error`), ENVIRONMENT, FILES, EXAMPLES (the README's commands, run by a test) and
//! SEE ALSO (only pages this generator writes).

use anyhow::{Context as _, Result};
use clap::CommandFactory;
use roff::{Roff, bold, italic, roman};

use super::Context;
use crate::cli::{Cli, ManArgs};
use crate::error::ExitStatus;

/// Every variable hybridctl reads, and what for. `(name, meaning, commands)`; an empty command
/// list means every command.
pub const ENVIRONMENT: &[(&str, &str, &[&str])] = &[
    (
        "HYBRIDCTL_SITE_CONFIG",
        "the site config file (default /etc/hybridctl/config.yaml)",
        &[],
    ),
    (
        "HYBRIDCTL_CONFIG",
        "the user config file (default $XDG_CONFIG_HOME/hybridctl/config.yaml, else ~/.config/hybridctl/config.yaml)",
        &[],
    ),
    (
        "XDG_CONFIG_HOME, HOME",
        "where the user config and ~/.kube/config are looked for",
        &[],
    ),
    (
        "NO_COLOR",
        "set and not empty: no colour on any stream (--color always still colours)",
        &[],
    ),
    (
        "CLICOLOR, CLICOLOR_FORCE",
        "CLICOLOR=0: no colour; CLICOLOR_FORCE=1: colour even in a pipe",
        &[],
    ),
    ("TERM", "TERM=dumb: no colour", &[]),
    (
        "KUBECONFIG",
        "kubeconfig files (colon-separated) when --kubeconfig is not given; before the site config's `kubeconfig` and ~/.kube/config",
        &[
            "status", "cancel", "logs", "gc", "launch", "doctor", "hook", "submit",
        ],
    ),
    (
        "NO_PROXY, no_proxy",
        "hosts the API server is reached without the proxy",
        &["status", "cancel", "logs", "gc", "launch", "doctor", "hook"],
    ),
    (
        "XDG_STATE_HOME",
        "the job records (default ~/.local/state/hybridctl/jobs/)",
        &["submit", "status", "cancel", "logs"],
    ),
    (
        "SLURM_CONF",
        "passed on to Slurm's tools (sbatch, squeue, sacct, scontrol, scancel, srun)",
        &["submit", "status", "cancel", "logs", "gc", "fabric-check"],
    ),
    (
        "SLURM_JOB_ID, SLURM_JOB_NODELIST, SLURM_GPUS_ON_NODE",
        "the allocation the batch step runs in",
        &["launch"],
    ),
    (
        "HYBRIDCTL_LAUNCH_DRY_RUN",
        "1: plan and print the PyTorchJob but do not create it",
        &["launch"],
    ),
    (
        "HYBRIDCTL_LAUNCH_OPERATOR_TIMEOUT",
        "seconds to wait for a controller to act on the PyTorchJob (default 120)",
        &["launch"],
    ),
    (
        "HYBRIDCTL_LAUNCH_SCHEDULE_TIMEOUT",
        "seconds to wait for the scheduler to place every pod (default 300)",
        &["launch"],
    ),
    (
        "SLURM_JOB_ID, SLURM_JOB_NODELIST, SLURM_JOB_PARTITION, SLURM_JOB_STDOUT",
        "the job slurmctld runs the hook for",
        &["hook", "hook-prolog", "hook-epilog"],
    ),
    (
        "SLURM_JOB_NODELIST",
        "the nodes of --pairwise inside an allocation",
        &["fabric-check"],
    ),
    (
        "NCCL_IB_HCA, NCCL_IB_GID_INDEX, NCCL_IB_TC, NCCL_SOCKET_IFNAME, NCCL_IB_DISABLE, NCCL_NET, NCCL_CONF_FILE",
        "NCCL's settings, checked against the host",
        &["fabric-check"],
    ),
    ("USER, LOGNAME", "whose quota to show", &["quota"]),
    (
        "COMPLETE",
        "a shell name (bash, zsh, fish, elvish, powershell): print that shell's dynamic completion setup (`source <(COMPLETE=bash hybridctl)`), or answer the shell's request for candidates",
        &["completions"],
    ),
];

/// The files hybridctl reads or writes.
const FILES: &[(&str, &str)] = &[
    (
        "/etc/hybridctl/config.yaml",
        "the site config (partitions, launcher, kubeconfig, hooks, gpfs, fabric)",
    ),
    (
        "~/.config/hybridctl/config.yaml",
        "the user config (defaults for every spec)",
    ),
    (
        "~/.local/state/hybridctl/jobs/ID/",
        "the record of a submitted job: record.json, the resolved spec and the script",
    ),
    (
        "~/.kube/config",
        "the kubeconfig used when neither --kubeconfig nor $KUBECONFIG is given",
    ),
];

/// Examples per page (`hybridctl` is the root page). Each is a command from README.md; the
/// test `man_page_examples_run` runs those that need no cluster.
pub const EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "init",
        "A starter spec for 2 nodes of a partition",
        "hybridctl init -p h100 -N 2",
    ),
    (
        "explain",
        "What a field is, its default and where it ends up",
        "hybridctl explain network.hcas",
    ),
    (
        "config-view",
        "Every value of a spec and the layer and file:line it came from",
        "hybridctl config view examples/single-node.yaml --show-origin",
    ),
    (
        "render",
        "Render both artifacts for a simulated 8-node allocation",
        "hybridctl render examples/llama-8node-roce.yaml --job-id 4242 --nodelist 'gpu[001-008]'",
    ),
    (
        "render",
        "The same job as a Kubeflow Trainer v2 TrainJob",
        "hybridctl render examples/llama-8node-roce.yaml --set kubernetes.api=trainjob --job-id 4242 --nodelist 'gpu[001-008]'",
    ),
    (
        "validate",
        "Check a spec; every problem with file:line:col",
        "hybridctl validate tests/fixtures/bad-specs/typos.yaml",
    ),
    (
        "submit",
        "Submit a job and print its id",
        "hybridctl submit llama-sft.yaml",
    ),
    ("status", "The jobs hybridctl submitted", "hybridctl status"),
    (
        "cancel",
        "Cancel a job by name",
        "hybridctl cancel bert-finetune",
    ),
    (
        "logs",
        "Follow every pod of a job",
        "hybridctl logs -f 906001",
    ),
    (
        "quota",
        "GPFS quotas of three filesets",
        "hybridctl quota -j gpfs01:projA -j gpfs01:projB -j gpfs02:scratch",
    ),
    (
        "nccl-check",
        "What NCCL did, from a saved log",
        "hybridctl nccl-check --fabric roce tests/fixtures/nccl/socket-no-device.log",
    ),
    (
        "fabric-check",
        "Audit the RoCE settings of a node",
        "hybridctl fabric-check --sysfs-root tests/fixtures/fabric/roce-ecn-off",
    ),
    (
        "fabric-check",
        "As a Slurm/NHC health check",
        "hybridctl fabric-check --health-check --sysfs-root tests/fixtures/fabric/roce-ecn-off",
    ),
    (
        "rbac",
        "The least-privilege RBAC of the Slurm-side identity",
        "hybridctl rbac -n training --service-account hybridctl",
    ),
    (
        "rbac",
        "The same for a site that runs TrainJobs (no PyTorchJob rights)",
        "hybridctl rbac -n training --api trainjob",
    ),
    ("gc", "What gc would remove", "hybridctl gc --dry-run"),
    (
        "hostlist-expand",
        "One host per line",
        "hybridctl hostlist expand 'gpu[001-004,010]'",
    ),
    (
        "schema",
        "The JSON Schema of the job spec",
        "hybridctl schema spec",
    ),
    (
        "version",
        "The version as JSON",
        "hybridctl version -o json",
    ),
    (
        "hybridctl",
        "Render an example",
        "hybridctl render examples/llama-8node-roce.yaml --job-id 4242 --nodelist 'gpu[001-008]'",
    ),
];

/// The exit statuses, as the man page lists them.
fn exit_statuses() -> Vec<(u8, &'static str)> {
    vec![
        (
            ExitStatus::Success.code(),
            "success (a valid spec may still have warnings)",
        ),
        (
            ExitStatus::Failure.code(),
            "the spec, the input or a check failed, or a job, node or fileset named matched nothing",
        ),
        (
            ExitStatus::Error.code(),
            "an environment, usage or internal error: a file that cannot be read, a missing SLURM_* variable, a permission, a bad flag",
        ),
        (
            ExitStatus::Unavailable.code(),
            "an external system could not be reached or timed out (the Slurm controller, the API server, the GPFS tools): retrying may help",
        ),
        (
            ExitStatus::NothingToJudge.code(),
            "nothing to judge: the input holds nothing the check reads (nccl-check of a log without a single NCCL line)",
        ),
    ]
}

/// `hybridctl-hostlist-expand` -> `hostlist-expand`; the root page is `hybridctl`.
fn short(page: &str) -> &str {
    page.strip_prefix("hybridctl-").unwrap_or(page)
}

fn extra_sections(page: &str, see_also: &[String]) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in exit_statuses() {
        roff.control("TP", []);
        roff.text([bold(code.to_string())]);
        roff.text([roman(meaning)]);
    }
    if page.ends_with("launch") {
        roff.control("TP", []);
        roff.text([bold("130, 143")]);
        roff.text([roman(
            "ended by SIGINT or SIGTERM (scancel, the time limit), after deleting what it created",
        )]);
    }
    let cmd = short(page);
    let top = cmd.split('-').next().unwrap_or(cmd);
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, meaning, commands) in ENVIRONMENT {
        let applies = commands.is_empty()
            || page == "hybridctl"
            || commands.iter().any(|c| *c == cmd || *c == top);
        if applies {
            roff.control("TP", []);
            roff.text([bold(*name)]);
            roff.text([roman(*meaning)]);
        }
    }
    roff.control("SH", ["FILES"]);
    for (path, meaning) in FILES {
        roff.control("TP", []);
        roff.text([italic(*path)]);
        roff.text([roman(*meaning)]);
    }
    let examples: Vec<_> = EXAMPLES
        .iter()
        .filter(|(p, _, _)| *p == cmd || (page == "hybridctl" && *p == "hybridctl"))
        .collect();
    if !examples.is_empty() {
        roff.control("SH", ["EXAMPLES"]);
        for (_, what, command) in examples {
            roff.text([roman(*what)]);
            roff.control("PP", []);
            roff.control("RS", ["4"]);
            roff.text([bold(*command)]);
            roff.control("RE", []);
            roff.control("PP", []);
        }
    }
    if !see_also.is_empty() {
        roff.control("SH", ["SEE ALSO"]);
        let list: Vec<String> = see_also.iter().map(|p| format!("{p}(1)")).collect();
        roff.text([roman(list.join(", "))]);
    }
    roff
}

fn render_page(cmd: &clap::Command, page: &str, see_also: &[String]) -> Result<Vec<u8>> {
    // SYNOPSIS as clap's usage says it (`<JOB>...`, `[OPTIONS]`), not a flag list.
    let usage = cmd.clone().render_usage().to_string();
    let usage = usage
        .lines()
        .map(|l| l.trim().trim_start_matches("Usage:").trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let man = clap_mangen::Man::new(cmd.clone().override_usage(usage))
        .source(format!("hybridctl {}", env!("CARGO_PKG_VERSION")))
        .manual("hybridctl manual");
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut buf)?;
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut buf)?;
    }
    extra_sections(page, see_also).to_writer(&mut buf)?;
    man.render_version_section(&mut buf)?;
    Ok(buf)
}

/// Every man page as (file name, roff text): the root, each command, each nested command.
pub fn pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut root = Cli::command().disable_help_subcommand(true).after_help("");
    root.build();
    // (page name, command, parent page)
    let mut todo: Vec<(String, clap::Command, Option<String>)> =
        vec![("hybridctl".into(), root, None)];
    let mut all: Vec<(String, clap::Command, Option<String>)> = Vec::new();
    while let Some((name, cmd, parent)) = todo.pop() {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let sub_name = format!("{name}-{}", sub.get_name());
            let sub_cmd = sub
                .clone()
                .display_name(sub_name.clone())
                .disable_help_subcommand(true);
            todo.push((sub_name, sub_cmd, Some(name.clone())));
        }
        all.push((name, cmd, parent));
    }
    all.sort_by(|a, b| a.0.cmp(&b.0));
    let mut pages = Vec::new();
    for (name, cmd, parent) in &all {
        // The parent and the children: pages this generator writes, and nothing else.
        let mut see: Vec<String> = parent.iter().cloned().collect();
        see.extend(
            all.iter()
                .filter(|(_, _, p)| p.as_deref() == Some(name.as_str()))
                .map(|(n, _, _)| n.clone()),
        );
        pages.push((format!("{name}.1"), render_page(cmd, name, &see)?));
    }
    Ok(pages)
}

pub fn run(args: ManArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("could not create `{}`", args.dir.display()))?;
    for (name, text) in pages()? {
        let path = args.dir.join(&name);
        std::fs::write(&path, text)
            .with_context(|| format!("could not write `{}`", path.display()))?;
        out.note(&format!("wrote {}", path.display()));
    }
    Ok(ExitStatus::Success)
}
