//! Where each effective value came from, for `hybridctl config view --show-origin` (as
//! `git config --show-origin` answers it).
//!
//! The layers are merged as located YAML trees (settings.rs), and every value keeps the
//! position of the file it was written in, so the origin of a spec value is the position of
//! its node in the merged tree: the spec file, `<--set>` or `<command line>` (a flag), the
//! user config, or the site config (its `defaults:`, or the job's partition entry, told apart
//! by the positions of the partition layer). A field the merged tree does not set has its
//! built-in default. The config files' own settings (timeouts, launcher, kubeconfig, ...) are
//! layered user over site over built-in. Pure: everything comes in as values.

use std::path::Path;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value as Json;

use crate::jobspec::Spec;
use crate::jobspec::fields;
use crate::settings::{ConfigFile, Settings};
use crate::yaml::{Node, Pos, Value};

/// The layer a value came from, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    BuiltIn,
    Site,
    SitePartition,
    User,
    Spec,
    Flag,
}

impl Layer {
    pub fn name(self) -> &'static str {
        match self {
            Self::BuiltIn => "built-in",
            Self::Site => "site",
            Self::SitePartition => "site partition",
            Self::User => "user",
            Self::Spec => "spec",
            Self::Flag => "flag",
        }
    }
}

/// What a setting is part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Scope {
    /// A field of the job spec, after every layer.
    Spec,
    /// A setting of hybridctl itself from the config files (timeouts, launcher, ...).
    Config,
}

/// One effective value and where it came from.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Setting {
    pub scope: Scope,
    /// The dotted key (`slurm.nodes`; `container.env.NAME` for an entry of a mapping).
    pub key: String,
    /// The effective value (as the frozen spec holds it: `time` normalised, sizes in bytes).
    pub value: Json,
    pub layer: Layer,
    /// `file:line:col` of the value; `null` for a built-in default.
    pub origin: Option<String>,
}

/// The names under which the layers' files appear in positions.
pub struct Sources<'a> {
    pub site: Option<&'a Path>,
    pub user: Option<&'a Path>,
    /// The positions of the partition entry's values (a subset of the site config's).
    pub partition: Option<&'a Node>,
}

impl<'a> Sources<'a> {
    pub fn of(settings: &'a Settings, partition: Option<&'a str>) -> Self {
        Self {
            site: settings.site.path.as_deref(),
            user: settings.user.path.as_deref(),
            partition: partition
                .and_then(|p| settings.partition(p))
                .map(|p| &p.layer),
        }
    }

    /// The layer a position belongs to.
    pub fn layer_of(&self, pos: &Pos) -> Layer {
        let file = pos.file.as_ref();
        let is = |p: Option<&Path>| p.is_some_and(|p| p.display().to_string() == file);
        if file == "<--set>" || file == "<command line>" {
            Layer::Flag
        } else if is(self.site) {
            if self.partition.is_some_and(|n| contains_pos(n, pos)) {
                Layer::SitePartition
            } else {
                Layer::Site
            }
        } else if is(self.user) {
            Layer::User
        } else {
            Layer::Spec
        }
    }
}

fn contains_pos(node: &Node, pos: &Pos) -> bool {
    if node.pos == *pos && !matches!(node.value, Value::Map(_)) {
        return true;
    }
    match &node.value {
        Value::Map(entries) => entries.iter().any(|(_, v)| contains_pos(v, pos)),
        Value::Seq(items) => items.iter().any(|v| contains_pos(v, pos)),
        _ => false,
    }
}

fn origin(pos: &Pos) -> String {
    format!("{}:{}:{}", pos.file, pos.line, pos.col)
}

fn node_at<'n>(root: &'n Node, key: &str) -> Option<&'n Node> {
    let mut node = root;
    for part in key.split('.') {
        node = node.get(part)?;
    }
    (!matches!(node.value, Value::Null)).then_some(node)
}

/// The mappings the spec holds as ordered lists (`container.env`: `[{name, value}]`); their
/// entries are shown one key each.
const ENTRY_LISTS: &[&str] = &["container.env", "network.ncclEnv", "slurm.extraOptions"];

/// Every set field of a resolved spec, with its origin in the merged tree.
pub fn spec_settings(spec: &Spec, merged: &Node, sources: &Sources<'_>) -> Vec<Setting> {
    let typed = serde_json::to_value(spec).unwrap_or(Json::Null);
    let mut out = Vec::new();
    let mut push = |key: String, value: Json, node: Option<&Node>| {
        let (layer, origin) = match node {
            Some(n) => (sources.layer_of(&n.pos), Some(origin(&n.pos))),
            None => (Layer::BuiltIn, None),
        };
        out.push(Setting {
            scope: Scope::Spec,
            key,
            value,
            layer,
            origin,
        });
    };
    for f in fields::FIELDS {
        if f.has_children() {
            continue;
        }
        let mut value = &typed;
        for part in f.path.split('.') {
            value = value.get(part).unwrap_or(&Json::Null);
        }
        if ENTRY_LISTS.contains(&f.path) {
            for entry in value.as_array().into_iter().flatten() {
                let name = entry["name"].as_str().unwrap_or_default();
                let key = format!("{}.{name}", f.path);
                push(key.clone(), entry["value"].clone(), node_at(merged, &key));
            }
            continue;
        }
        if value.is_null() {
            continue;
        }
        push(f.path.to_string(), value.clone(), node_at(merged, f.path));
    }
    out
}

/// The leaves of the spec-shaped layers alone (site and user `defaults:`, and the partition's
/// entry), for `config view` without a spec: their text as written, and their origin.
pub fn layer_settings(merged: &Node, sources: &Sources<'_>) -> Vec<Setting> {
    let mut out = Vec::new();
    leaves(merged, "", &mut |key, node| {
        out.push(Setting {
            scope: Scope::Spec,
            key,
            value: raw(node),
            layer: sources.layer_of(&node.pos),
            origin: Some(origin(&node.pos)),
        });
    });
    out
}

fn leaves(node: &Node, prefix: &str, f: &mut dyn FnMut(String, &Node)) {
    match &node.value {
        Value::Map(entries) => {
            for (k, v) in entries {
                let key = if prefix.is_empty() {
                    k.name.clone()
                } else {
                    format!("{prefix}.{}", k.name)
                };
                leaves(v, &key, f);
            }
        }
        Value::Null => {}
        _ if prefix.is_empty() => {}
        _ => f(prefix.to_string(), node),
    }
}

/// A node's value as JSON, scalars as their text (how a layer wrote it).
fn raw(node: &Node) -> Json {
    match &node.value {
        Value::Null => Json::Null,
        Value::Scalar { text, .. } => Json::String(text.clone()),
        Value::Seq(items) => Json::Array(items.iter().map(raw).collect()),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (k.name.clone(), raw(v)))
                .collect(),
        ),
    }
}

/// The config files' own settings that have a built-in default, and that default.
fn config_defaults() -> Vec<(&'static str, String)> {
    use crate::settings::{
        DEFAULT_GPFS_TIMEOUT, DEFAULT_KUBE_CONNECT_TIMEOUT, DEFAULT_KUBE_READ_TIMEOUT,
        DEFAULT_SLURM_TIMEOUT,
    };
    vec![
        ("launcher", "hybridctl".into()),
        ("slurm.timeout", DEFAULT_SLURM_TIMEOUT.to_string()),
        (
            "kubernetes.connectTimeout",
            DEFAULT_KUBE_CONNECT_TIMEOUT.to_string(),
        ),
        (
            "kubernetes.readTimeout",
            DEFAULT_KUBE_READ_TIMEOUT.to_string(),
        ),
        ("gpfs.timeout", DEFAULT_GPFS_TIMEOUT.to_string()),
        ("gpfs.threshold", "90".into()),
        ("gpfs.preflight", "warn".into()),
        ("hooks.failProlog", "false".into()),
        ("allowAdminIdentity", "false".into()),
    ]
}

/// Keys whose lists from both files add up instead of the user's replacing the site's.
const CONCATENATED: &[&str] = &["hooks.partitions", "hooks.namespaces"];

/// hybridctl's own settings from the config files (not `defaults:` and `partitions:`, which
/// are spec layers): the user config's value where it sets one, else the site's, else the
/// built-in default.
pub fn config_settings(settings: &Settings, sources: &Sources<'_>) -> Vec<Setting> {
    let mut out: Vec<Setting> = Vec::new();
    let mut add = |file: &ConfigFile| {
        let Some(tree) = &file.tree else { return };
        leaves(tree, "", &mut |key, node| {
            if key.starts_with("defaults.") || key.starts_with("partitions.") {
                return;
            }
            let setting = Setting {
                scope: Scope::Config,
                key: key.clone(),
                value: raw(node),
                layer: sources.layer_of(&node.pos),
                origin: Some(origin(&node.pos)),
            };
            match out.iter_mut().find(|s| s.key == key) {
                Some(slot) if !CONCATENATED.contains(&key.as_str()) => *slot = setting,
                _ => out.push(setting),
            }
        });
    };
    add(&settings.site);
    add(&settings.user);
    for (key, value) in config_defaults() {
        if !out.iter().any(|s| s.key == key) {
            out.push(Setting {
                scope: Scope::Config,
                key: key.to_string(),
                value: Json::String(value),
                layer: Layer::BuiltIn,
                origin: None,
            });
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

/// What `config view -o json` prints.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigView {
    /// The spec resolved; `null` when only the config files were read.
    pub spec: Option<String>,
    /// The partition whose site config entry is a layer, if any.
    pub partition: Option<String>,
    /// The spec's values (field table order), then the config files' settings (by key).
    pub items: Vec<Setting>,
}

impl crate::document::Document for ConfigView {
    const KIND: &'static str = "ConfigView";
}

/// `config view` as text: `key=value` lines, each scope under a `#` heading; with origins,
/// the layer and `file:line:col` first, as `git config --show-origin` prints them.
pub fn view_text(view: &ConfigView, show_origin: bool) -> String {
    let layer_w = view
        .items
        .iter()
        .map(|s| s.layer.name().len())
        .max()
        .unwrap_or(0);
    let origin_w = view
        .items
        .iter()
        .map(|s| s.origin.as_deref().map_or(1, str::len))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (scope, title) in [
        (
            Scope::Spec,
            view.spec.as_deref().map_or_else(
                || "# spec defaults (config files and flags; no spec given)".to_string(),
                |s| format!("# spec {s}, after every layer"),
            ),
        ),
        (
            Scope::Config,
            "# hybridctl settings (config files)".to_string(),
        ),
    ] {
        let items: Vec<&Setting> = view.items.iter().filter(|s| s.scope == scope).collect();
        if items.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&title);
        out.push('\n');
        for s in items {
            if show_origin {
                out.push_str(&format!(
                    "{:<layer_w$}  {:<origin_w$}  ",
                    s.layer.name(),
                    s.origin.as_deref().unwrap_or("-"),
                ));
            }
            out.push_str(&format!("{}={}\n", s.key, value_text(&s.value)));
        }
    }
    out
}

/// `key=value` as text: strings bare, anything else as compact JSON.
pub fn value_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::load::{Overrides, resolve_spec};
    use crate::settings::Env;

    fn site_settings() -> Settings {
        let env = Env::from_pairs([
            (
                "HYBRIDCTL_SITE_CONFIG",
                concat!(env!("CARGO_MANIFEST_DIR"), "/examples/site/config.yaml"),
            ),
            ("HYBRIDCTL_CONFIG", "/dev/null"),
        ]);
        Settings::load(env).expect("site")
    }

    #[test]
    fn each_layer_is_named_with_its_position() {
        let settings = site_settings();
        let text = "apiVersion: hybridctl.io/v1alpha1\nkind: TrainingJob\nname: demo\nslurm:\n  partition: h100\n  nodes: 2\ncontainer:\n  image: img\n  env:\n    A: b\n";
        let overrides = Overrides {
            assignments: vec!["slurm.time=2h".into()],
            fields: vec![("kubernetes.context", "prod".into())],
            ..Overrides::default()
        };
        let loaded = resolve_spec(&settings, "job.yaml", text, &overrides);
        let spec = loaded.spec.as_ref().expect("valid");
        let merged = loaded.merged.as_ref().expect("merged");
        let sources = Sources::of(&settings, Some("h100"));
        let got = spec_settings(spec, merged, &sources);
        let find = |k: &str| {
            got.iter()
                .find(|s| s.key == k)
                .unwrap_or_else(|| panic!("{k}: {got:#?}"))
        };
        assert_eq!(find("slurm.nodes").layer, Layer::Spec);
        assert_eq!(find("slurm.nodes").origin.as_deref(), Some("job.yaml:6:10"));
        assert_eq!(find("slurm.time").layer, Layer::Flag);
        assert_eq!(find("slurm.time").value, "02:00:00");
        assert_eq!(find("kubernetes.context").layer, Layer::Flag);
        assert_eq!(find("slurm.gpusPerNode").layer, Layer::SitePartition);
        assert!(
            find("slurm.gpusPerNode")
                .origin
                .as_deref()
                .is_some_and(|o| o.ends_with("config.yaml:16:18")),
            "{:?}",
            find("slurm.gpusPerNode")
        );
        assert_eq!(find("network.fabric").layer, Layer::SitePartition);
        assert_eq!(find("kubernetes.namespace").layer, Layer::Site);
        assert_eq!(find("network.ncclDebug").layer, Layer::Site);
        assert_eq!(find("slurm.exclusive").layer, Layer::BuiltIn);
        assert_eq!(find("slurm.exclusive").origin, None);
        assert_eq!(find("container.env.A").layer, Layer::Spec);
        assert_eq!(find("container.env.A").value, "b");
        // Unset optional fields are not listed.
        assert!(got.iter().all(|s| s.key != "slurm.account"));
    }

    #[test]
    fn config_settings_layer_user_over_site_over_built_in() {
        let settings = site_settings();
        let sources = Sources::of(&settings, None);
        let got = config_settings(&settings, &sources);
        let find = |k: &str| got.iter().find(|s| s.key == k).expect(k);
        assert_eq!(find("launcher").value, "/opt/hybridctl/bin/hybridctl");
        assert_eq!(find("launcher").layer, Layer::Site);
        assert_eq!(find("slurm.timeout").layer, Layer::BuiltIn);
        assert_eq!(find("slurm.timeout").value, "60");
        assert_eq!(find("gpfs.claims.gpfs-llm-project.device").value, "gpfs01");
        assert!(got.iter().all(|s| !s.key.starts_with("partitions.")));
    }
}
