//! Dynamic shell completion: the candidates that depend on this machine, not on the CLI.
//!
//! clap_complete's engine calls these while the shell asks (`COMPLETE=bash hybridctl -- ...`,
//! set up by `source <(COMPLETE=bash hybridctl)`): job ids and names from the job records,
//! partitions from the site config, contexts from the kubeconfig, and spec field paths for
//! `--set` and `explain` from the field table. They run on every Tab, so each read is bounded
//! and a failure gives no candidates rather than an error: completion never prints to the
//! terminal and never waits on the network. The static scripts in completions/ stay shipped
//! for shells where the dynamic registration cannot be used.

use std::ffi::OsStr;

use clap_complete::engine::CompletionCandidate;

use crate::jobspec::fields;
use crate::settings::{Env, Settings};

fn candidate(value: impl Into<String>, help: impl Into<String>) -> CompletionCandidate {
    let help: String = help.into();
    CompletionCandidate::new(value.into()).help((!help.is_empty()).then(|| help.into()))
}

fn settings() -> Option<Settings> {
    Settings::load(Env::capture()).ok()
}

/// Job ids and names from the job records, newest first.
pub fn jobs() -> Vec<CompletionCandidate> {
    jobs_in(&Env::capture())
}

pub fn jobs_in(env: &Env) -> Vec<CompletionCandidate> {
    let Some(records) = crate::records::Records::from_env(env) else {
        return Vec::new();
    };
    let list = records.list().unwrap_or_default();
    let mut out = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for r in &list {
        let partition = r.partition.as_deref().unwrap_or("default partition");
        out.push(candidate(
            r.job_id.clone(),
            format!(
                "{} ({} x {} GPUs, {partition})",
                r.name, r.nodes, r.gpus_per_node
            ),
        ));
        if !names.contains(&r.name.as_str()) {
            names.push(&r.name);
        }
    }
    for name in names {
        let newest = list
            .iter()
            .find(|r| r.name == name)
            .map(|r| r.job_id.as_str());
        out.push(candidate(
            name,
            format!("job name, newest job {}", newest.unwrap_or("?")),
        ));
    }
    out
}

/// The site config's partitions, with their GPUs and fabric.
pub fn partitions() -> Vec<CompletionCandidate> {
    settings().map(|s| partitions_in(&s)).unwrap_or_default()
}

pub fn partitions_in(settings: &Settings) -> Vec<CompletionCandidate> {
    settings
        .site
        .partitions
        .iter()
        .map(|p| {
            let mut facts = Vec::new();
            if let Some(g) = p.gpus_per_node {
                facts.push(format!("{g} GPUs per node"));
            }
            if let Some(crate::yaml::Value::Scalar { text, .. }) = p
                .layer
                .get("network")
                .and_then(|n| n.get("fabric"))
                .map(|f| &f.value)
            {
                facts.push(text.clone());
            }
            candidate(p.name.clone(), facts.join(", "))
        })
        .collect()
}

/// The contexts of the kubeconfig hybridctl would use ($KUBECONFIG, the site config's
/// `kubeconfig`, ~/.kube/config).
pub fn contexts() -> Vec<CompletionCandidate> {
    let env = Env::capture();
    let site = settings().and_then(|s| s.kubeconfig().cloned());
    contexts_in(&env, site.as_ref())
}

pub fn contexts_in(
    env: &Env,
    site_kubeconfig: Option<&std::path::PathBuf>,
) -> Vec<CompletionCandidate> {
    let conn = crate::kube::client::Connection::default();
    let mut out: Vec<CompletionCandidate> = Vec::new();
    for path in crate::kube::client::kubeconfig_paths(&conn, env, site_kubeconfig) {
        let Ok(text) = crate::bounded::read_string(&path, crate::bounded::KUBECONFIG) else {
            continue;
        };
        let Ok(kc) = kube::config::Kubeconfig::from_yaml(&text) else {
            continue;
        };
        for ctx in &kc.contexts {
            if out.iter().any(|c| c.get_value() == OsStr::new(&ctx.name)) {
                continue;
            }
            let cluster = ctx
                .context
                .as_ref()
                .map(|c| c.cluster.clone())
                .unwrap_or_default();
            let current = if kc.current_context.as_deref() == Some(ctx.name.as_str()) {
                " (current)"
            } else {
                ""
            };
            out.push(candidate(
                ctx.name.clone(),
                format!("cluster {cluster}{current}"),
            ));
        }
    }
    out
}

/// Every spec field path, with its one-line summary.
pub fn field_paths() -> Vec<CompletionCandidate> {
    fields::FIELDS
        .iter()
        .map(|f| candidate(f.path, f.summary.replace('`', "")))
        .collect()
}

/// `--set KEY=VALUE`: the paths of the fields that take a value (as `KEY=`), then, after the
/// `=`, the values a field allows (enumerations, the site's partitions, the contexts).
pub fn set_assignment(current: &OsStr) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    match current.split_once('=') {
        None => fields::FIELDS
            .iter()
            .filter(|f| !f.has_children() && f.path.starts_with(current.as_ref()))
            .map(|f| candidate(format!("{}=", f.path), f.summary.replace('`', "")))
            .collect(),
        Some((key, value)) => {
            let values: Vec<CompletionCandidate> = match key {
                "slurm.partition" => partitions(),
                "kubernetes.context" => contexts(),
                _ => allowed_values(key)
                    .iter()
                    .map(|v| candidate(*v, ""))
                    .collect(),
            };
            values
                .into_iter()
                .filter(|c| c.get_value().to_string_lossy().starts_with(value))
                .map(|c| c.add_prefix(format!("{key}=")))
                .collect()
        }
    }
}

/// The values an enumerated field takes.
pub fn allowed_values(path: &str) -> &'static [&'static str] {
    use crate::jobspec::{CleanPodPolicy, Fabric, RESTART_POLICIES};
    match path {
        "network.fabric" => Fabric::NAMES,
        "training.cleanPodPolicy" => CleanPodPolicy::NAMES,
        "training.restartPolicy" => RESTART_POLICIES,
        "container.imagePullPolicy" => &["Always", "IfNotPresent", "Never"],
        "network.ncclDebug" => &["VERSION", "WARN", "INFO", "TRACE", "ABORT"],
        "slurm.exclusive" | "storage.gpfs.readOnly" => &["true", "false"],
        "network.gidIndex" => &["auto"],
        "kubernetes.api" => &["pytorchjob", "trainjob", "auto"],
        "kubernetes.runtimeKind" => &["ClusterTrainingRuntime", "TrainingRuntime"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(c: &[CompletionCandidate]) -> Vec<String> {
        c.iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn set_completes_keys_then_allowed_values() {
        let keys = values(&set_assignment(OsStr::new("network.f")));
        assert_eq!(keys, ["network.fabric="]);
        let vals = values(&set_assignment(OsStr::new("network.fabric=")));
        assert_eq!(
            vals,
            [
                "network.fabric=roce",
                "network.fabric=ib",
                "network.fabric=socket"
            ]
        );
        let vals = values(&set_assignment(OsStr::new("training.restartPolicy=N")));
        assert_eq!(vals, ["training.restartPolicy=Never"]);
        // Mappings are not assigned as a whole.
        assert!(!values(&set_assignment(OsStr::new("slurm"))).contains(&"slurm=".to_string()));
    }

    #[test]
    fn partitions_come_from_the_site_config() {
        let env = Env::from_pairs([(
            "HYBRIDCTL_SITE_CONFIG",
            concat!(env!("CARGO_MANIFEST_DIR"), "/examples/site/config.yaml"),
        )]);
        let s = Settings::load(env).expect("site");
        let p = partitions_in(&s);
        assert_eq!(values(&p), ["h100", "a100-ib"]);
        assert_eq!(
            p[0].get_help().map(|h| h.to_string()).as_deref(),
            Some("8 GPUs per node, roce")
        );
    }

    #[test]
    fn enumerations_match_what_the_decoder_accepts() {
        // The decoder's lists are the source; the ones written here must be among the allowed
        // values the field table documents.
        for path in [
            "container.imagePullPolicy",
            "network.ncclDebug",
            "kubernetes.api",
            "kubernetes.runtimeKind",
        ] {
            let f = fields::lookup(path).expect("field");
            for v in allowed_values(path) {
                assert!(f.allowed.contains(&format!("`{v}`")), "{path}: {v}");
            }
        }
    }
}
