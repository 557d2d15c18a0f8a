//! JSON Schemas of what users write: the job spec and the site/user config file, for editors
//! (yaml-language-server completes and checks a spec with `# yaml-language-server:
//! $schema=...`) and for `hybridctl schema spec|config`.
//!
//! The spec schema is generated from the typed [`Spec`] (what `launch` reads back frozen), then
//! loosened to what a person may write: every field has a default except the ones the decoder
//! requires, and a string field takes any YAML scalar (the decoder reads `memory: 64000` as
//! `"64000"`). The config file has no typed form of its own (it is decoded with positions into
//! layers), so its shape is written down here as types whose only job is the schema; a test
//! decodes a config holding every key the schema names, so the two cannot drift apart silently.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde_json::{Value, json};

use super::{API_VERSION, KIND, Spec};

/// The fields the decoder requires, by the object they are in (`""` is the spec itself).
const REQUIRED: &[(&str, &[&str])] = &[
    ("", &["apiVersion", "kind", "name", "container"]),
    ("Container", &["image"]),
    ("Gpfs", &["claimName", "mountPath"]),
    ("Elastic", &["minNodes"]),
    ("EnvVar", &["name", "value"]),
    ("ExtraOption", &["name"]),
];

/// Widen `"type": "string"` (alone or in a list) to any scalar, recursively; drop `required`
/// (set again from [`REQUIRED`]).
fn loosen(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.remove("required");
            if let Some(t) = map.get_mut("type") {
                let widened = match t {
                    Value::String(s) if s == "string" => {
                        Some(json!(["string", "number", "boolean"]))
                    }
                    Value::Array(a) if a.iter().any(|x| x == "string") => {
                        let mut a = a.clone();
                        for extra in ["number", "boolean"] {
                            if !a.iter().any(|x| x == extra) {
                                a.push(extra.into());
                            }
                        }
                        Some(Value::Array(a))
                    }
                    _ => None,
                };
                if let Some(w) = widened
                    && !map.contains_key("enum")
                {
                    map.insert("type".into(), w);
                }
            }
            for (_, child) in map.iter_mut() {
                loosen(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(loosen),
        _ => {}
    }
}

/// The schema of a job spec as users write it.
pub fn spec_schema() -> Value {
    let mut schema = schemars::schema_for!(Spec).to_value();
    loosen(&mut schema);
    let Some(root) = schema.as_object_mut() else {
        return schema;
    };
    root.insert("$id".into(), "https://hybridctl.io/schema/spec.json".into());
    root.insert("title".into(), "hybridctl job spec (TrainingJob)".into());
    root.insert(
        "description".into(),
        "One job spec: hybridctl renders the sbatch script and the Kubeflow manifest from it. Every field is described in docs/spec.md; `hybridctl validate` checks a spec with positions.".into(),
    );
    if let Some(props) = root.get_mut("properties").and_then(Value::as_object_mut) {
        props.insert("apiVersion".into(), json!({"const": API_VERSION}));
        props.insert("kind".into(), json!({"const": KIND}));
    }
    for (name, fields) in REQUIRED {
        let target = if name.is_empty() {
            Some(&mut *root)
        } else {
            root.get_mut("$defs")
                .and_then(|d| d.get_mut(*name))
                .and_then(Value::as_object_mut)
        };
        if let Some(obj) = target {
            obj.insert("required".into(), json!(fields));
        }
    }
    // Written as mappings, read into ordered lists.
    let scalar = json!({"type": ["string", "number", "boolean", "null"]});
    let env = json!({
        "description": "Environment variables, `NAME: value`",
        "type": "object",
        "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
        "additionalProperties": scalar,
    });
    let options: serde_json::Map<String, Value> = super::EXTRA_SBATCH_OPTIONS
        .iter()
        .map(|(name, _)| ((*name).to_string(), scalar.clone()))
        .collect();
    let extra = json!({
        "description": "Allow-listed extra sbatch options, `option: value` (`null` for a flag)",
        "type": "object",
        "properties": options,
        "additionalProperties": false,
    });
    for (def, prop, value) in [
        ("Container", "env", env.clone()),
        ("Network", "ncclEnv", env),
        ("Slurm", "extraOptions", extra),
    ] {
        if let Some(slot) = root
            .get_mut("$defs")
            .and_then(|d| d.get_mut(def))
            .and_then(|s| s.get_mut("properties"))
            .and_then(|p| p.get_mut(prop))
        {
            *slot = value;
        }
    }
    if let Some(size) = root
        .get_mut("$defs")
        .and_then(|d| d.get_mut("Storage"))
        .and_then(|s| s.get_mut("properties"))
        .and_then(|p| p.get_mut("checkpointSize"))
    {
        *size = json!({"type": ["string", "integer", "null"]});
    }
    describe(&mut schema);
    schema
}

/// The object schema a property points at (through `$ref`, or the non-null branch of an
/// `anyOf`), for walking into nested sections.
fn target<'a>(prop: &'a Value, defs: &'a Value) -> Option<&'a Value> {
    if let Some(r) = prop.get("$ref").and_then(Value::as_str) {
        return r.strip_prefix("#/$defs/").and_then(|n| defs.get(n));
    }
    prop.get("anyOf")
        .and_then(Value::as_array)?
        .iter()
        .find_map(|alt| target(alt, defs))
}

/// Every field path of the spec schema (`slurm.nodes`, `storage.gpfs.claimName`), in schema
/// order; the entries of mappings such as `container.env` are not fields.
pub fn property_paths(schema: &Value, out: &mut Vec<String>) {
    fn walk(obj: &Value, defs: &Value, prefix: &str, out: &mut Vec<String>) {
        let Some(props) = obj.get("properties").and_then(Value::as_object) else {
            return;
        };
        for (name, prop) in props {
            let path = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            out.push(path.clone());
            if let Some(inner) = target(prop, defs) {
                walk(inner, defs, &path, out);
            }
        }
    }
    let defs = schema.get("$defs").cloned().unwrap_or(Value::Null);
    walk(schema, &defs, "", out);
}

/// Every property's `description` from the field table ([`super::fields`]): the summary, the
/// default and where the value ends up, as editors show it on hover.
fn describe(schema: &mut Value) {
    let mut paths = Vec::new();
    property_paths(schema, &mut paths);
    for path in paths {
        let Some(field) = super::fields::lookup(&path) else {
            continue;
        };
        let text = format!(
            "{}. Default: {}. Ends up in: {}. See `hybridctl explain {}`.",
            field.summary,
            super::fields::plain(field.default),
            super::fields::plain(field.ends_up_in),
            field.path
        );
        if let Some(obj) = property_mut(schema, &path).and_then(Value::as_object_mut) {
            obj.insert("description".into(), Value::String(text));
        }
    }
}

/// The schema of the property at a dotted path (following `$ref`s into `$defs`).
fn property_mut<'a>(schema: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let defs = schema.get("$defs").cloned().unwrap_or(Value::Null);
    let mut def: Option<String> = None;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let obj = match &def {
            None => &*schema,
            Some(d) => defs.get(d)?,
        };
        let prop = obj.get("properties")?.get(*part)?;
        if i + 1 == parts.len() {
            break;
        }
        let inner = target(prop, &defs)?;
        def = defs
            .as_object()?
            .iter()
            .find(|(_, v)| std::ptr::eq(*v, inner))
            .map(|(k, _)| k.clone());
        def.as_ref()?;
    }
    let last = parts.last()?;
    let obj = match def {
        None => schema,
        Some(d) => schema.get_mut("$defs")?.get_mut(&d)?,
    };
    obj.get_mut("properties")?.get_mut(*last)
}

/// The shape of a site or user config file (`/etc/hybridctl/config.yaml`,
/// `~/.config/hybridctl/config.yaml`). Only for the schema: the decoder reads the file with
/// positions (settings.rs).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)]
struct ConfigShape {
    /// Spec-shaped defaults for every job (any spec field).
    defaults: Option<BTreeMap<String, serde_json::Value>>,
    /// Site config only: per-partition defaults, by Slurm partition name.
    partitions: Option<BTreeMap<String, PartitionShape>>,
    /// A directory whose `sbatch.sh.j2` / `pytorchjob.yaml.j2` replace the built-in templates.
    templates: Option<String>,
    /// The hybridctl binary the batch script runs on the compute nodes.
    launcher: Option<String>,
    /// The kubeconfig of the Slurm-side identity.
    kubeconfig: Option<String>,
    /// Site config only: let `launch` run with an identity that has admin powers.
    allow_admin_identity: Option<bool>,
    /// Site config only: Slurm node name -> Kubernetes node name.
    node_names: Option<NodeNamesShape>,
    slurm: Option<SlurmShape>,
    kubernetes: Option<KubernetesShape>,
    gpfs: Option<GpfsShape>,
    hooks: Option<HooksShape>,
    fabric: Option<FabricShape>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)]
struct PartitionShape {
    gpus_per_node: Option<u32>,
    /// Spec-shaped `network:` defaults (fabric, rdmaResource, hcas, gidIndex, ...).
    network: Option<BTreeMap<String, serde_json::Value>>,
    /// `--gpu-bind` for the partition's jobs (e.g. `closest`).
    gpu_bind: Option<String>,
    /// Spec-shaped `kubernetes:` defaults: `api` (pytorchjob, trainjob, auto), `runtime`,
    /// `runtimeKind`.
    kubernetes: Option<BTreeMap<String, serde_json::Value>>,
    /// The nodes' RDMA devices, and those near a GPU; specs' `network.hcas` are checked
    /// against them.
    topology: Option<TopologyShape>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)]
struct TopologyShape {
    hcas: Option<Vec<String>>,
    gpu_hcas: Option<Vec<String>>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)]
struct NodeNamesShape {
    /// E.g. `{name}.cluster.example.com`; `{name}` is the Slurm node name.
    template: Option<String>,
    /// Exceptions, Slurm name -> Kubernetes name.
    map: Option<BTreeMap<String, String>>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)]
struct SlurmShape {
    /// Where `sbatch`, `squeue`, ... live when they are not on PATH.
    bin_dir: Option<String>,
    /// Seconds one Slurm tool may take (default 60).
    timeout: Option<u32>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)]
struct KubernetesShape {
    /// Seconds to reach the API server (default 10).
    connect_timeout: Option<u32>,
    /// Seconds of silence while waiting for an answer (default 295).
    read_timeout: Option<u32>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)]
struct GpfsShape {
    mmlsquota: Option<String>,
    /// Usage at or above this percentage of a limit is flagged (1-100, default 90).
    threshold: Option<u32>,
    preflight: Option<Preflight>,
    /// Seconds `mmlsquota` may take (default 120).
    timeout: Option<u32>,
    /// PVC claim name -> its file system and fileset.
    claims: Option<BTreeMap<String, ClaimShape>>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum Preflight {
    Warn,
    Strict,
    Off,
}

#[derive(JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)]
struct ClaimShape {
    device: String,
    fileset: String,
}

#[derive(JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)]
struct HooksShape {
    partitions: Option<Vec<String>>,
    namespaces: Option<Vec<String>>,
    /// `key[=value]:Effect`.
    taint: Option<String>,
    fail_prolog: Option<bool>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)]
struct FabricShape {
    lossless_priority: Option<u32>,
    roce_dscp: Option<u32>,
    expected_rate_gbps: Option<u32>,
    min_bandwidth_fraction: Option<f64>,
    /// The command that runs a program on a node; `{host}` is replaced.
    launcher: Option<Vec<String>>,
    tool_dir: Option<String>,
    bw_test: Option<String>,
    lat_test: Option<String>,
    perftest_args: Option<Vec<String>>,
    test_timeout: Option<u32>,
    tool_timeout: Option<u32>,
    /// Counter name -> thresholds on its increase.
    counters: Option<BTreeMap<String, CounterShape>>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)]
struct CounterShape {
    warn: Option<u64>,
    fail: Option<u64>,
}

/// The schema of a site or user config file.
pub fn config_schema() -> Value {
    let mut schema = schemars::schema_for!(ConfigShape).to_value();
    if let Some(root) = schema.as_object_mut() {
        root.insert(
            "$id".into(),
            "https://hybridctl.io/schema/config.json".into(),
        );
        root.insert("title".into(), "hybridctl site or user config".into());
    }
    schema
}

/// Every key path the config schema names (`gpfs.claims.*.device`), for the test that the
/// decoder reads each of them.
pub fn config_keys() -> Vec<String> {
    fn walk(v: &Value, defs: &Value, prefix: &str, out: &mut Vec<String>) {
        let v = match v.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix("#/$defs/")
                .and_then(|n| defs.get(n))
                .unwrap_or(v),
            None => v,
        };
        for alt in ["anyOf", "oneOf"] {
            if let Some(list) = v.get(alt).and_then(Value::as_array) {
                for a in list {
                    walk(a, defs, prefix, out);
                }
            }
        }
        if let Some(props) = v.get("properties").and_then(Value::as_object) {
            for (k, child) in props {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.push(path.clone());
                walk(child, defs, &path, out);
            }
        }
        if let Some(extra) = v.get("additionalProperties")
            && extra.is_object()
        {
            walk(extra, defs, &format!("{prefix}.*"), out);
        }
    }
    let schema = config_schema();
    let defs = schema.get("$defs").cloned().unwrap_or(Value::Null);
    let mut out = Vec::new();
    walk(&schema, &defs, "", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The config schema names no key the decoder does not read (a cheap guard against drift:
    /// each key is a string literal the decoder looks up).
    #[test]
    fn every_config_key_in_the_schema_is_read_by_the_decoder() {
        let decoder = include_str!("../settings.rs");
        let keys = config_keys();
        assert!(keys.len() > 30, "{keys:?}");
        for path in keys {
            let last = path.rsplit('.').next().unwrap_or(&path);
            if last == "*" {
                continue;
            }
            assert!(
                decoder.contains(&format!("\"{last}\"")),
                "`{path}` is in the config schema but settings.rs never reads `{last}`"
            );
        }
    }

    /// The descriptions come from the field table, one per field an editor can hover.
    #[test]
    fn every_spec_property_is_described_from_the_field_table() {
        let s = spec_schema();
        let mut paths = Vec::new();
        property_paths(&s, &mut paths);
        assert!(paths.len() > 60, "{paths:?}");
        for path in paths {
            let mut node = &s;
            for (i, part) in path.split('.').enumerate() {
                if i > 0 {
                    let defs = &s["$defs"];
                    node = target(node, defs).expect("nested object");
                }
                node = &node["properties"][part];
            }
            let text = node["description"].as_str().unwrap_or_default();
            let field = super::super::fields::lookup(&path).expect("in the table");
            assert!(text.starts_with(field.summary), "{path}: {text}");
        }
    }

    #[test]
    fn the_spec_schema_requires_only_what_the_decoder_requires() {
        let s = spec_schema();
        assert_eq!(
            s["required"],
            json!(["apiVersion", "kind", "name", "container"])
        );
        assert_eq!(s["$defs"]["Container"]["required"], json!(["image"]));
        assert!(s["$defs"]["Slurm"].get("required").is_none());
    }
}
