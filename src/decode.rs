//! The typed reader over a located YAML tree that specs and config files share: a field,
//! a string, a bounded number, a list, one of a set; each problem becomes a diagnostic at
//! the value's position (`validate` shows them all at once), never a panic or a silent
//! default. Above [`crate::yaml`] (the tree) and [`crate::diag`] (the diagnostics); below
//! [`crate::jobspec`] and [`crate::settings`], which say what each field means.

use std::collections::BTreeMap;

use crate::diag::{Diagnostics, did_you_mean};
use crate::yaml::{Node, PlainType, Pos, Value, plain_type};

/// The most entries a list or mapping of a job spec may have. Real specs have tens (env
/// variables, arguments); the limit keeps a hostile spec from passing validation and then
/// failing deep in rendering (a manifest with millions of nodes), and it is said with the
/// list's position.
pub const MAX_SPEC_ITEMS: usize = 4096;
/// The same for config files, whose `nodeNames.map` may list every node of a large cluster.
pub const MAX_CONFIG_ITEMS: usize = 100_000;

pub struct Decoder {
    /// What the top level is called in messages ("the job spec", "the site config").
    pub root_name: &'static str,
    /// The most entries of one list or mapping ([`MAX_SPEC_ITEMS`] unless changed).
    pub max_items: usize,
    pub diags: Diagnostics,
    /// Position of every field read, by dotted path; used by cross-field checks.
    pub spans: BTreeMap<String, Pos>,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

pub struct MapReader<'a> {
    node: &'a Node,
    path: String,
    used: Vec<&'static str>,
}

impl<'a> MapReader<'a> {
    pub fn field(&mut self, name: &'static str) -> Option<&'a Node> {
        self.used.push(name);
        self.node
            .get(name)
            .filter(|n| !matches!(n.value, Value::Null))
    }

    pub fn path(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    pub fn pos(&self) -> &Pos {
        &self.node.pos
    }

    /// Report every key that no `field` call asked for.
    pub fn finish(self, d: &mut Decoder) {
        let Value::Map(entries) = &self.node.value else {
            return;
        };
        for (key, _) in entries {
            if self.used.contains(&key.name.as_str()) {
                continue;
            }
            let section = if self.path.is_empty() {
                d.root_name.to_string()
            } else {
                format!("`{}`", self.path)
            };
            let message = format!(
                "unknown field `{}` in {section}",
                crate::excerpt::excerpt(&key.name)
            );
            match did_you_mean(&key.name, self.used.iter().copied()) {
                Some(s) => d.diags.error_hint(
                    &key.pos,
                    "unknown-field",
                    message,
                    format!("did you mean `{s}`?"),
                ),
                None => d.diags.error_hint(
                    &key.pos,
                    "unknown-field",
                    message,
                    format!("fields of {section}: {}", ticked(&self.used)),
                ),
            }
        }
    }
}

pub fn ticked(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Decoder {
    pub fn new() -> Self {
        Self {
            root_name: "the job spec",
            max_items: MAX_SPEC_ITEMS,
            diags: Diagnostics::default(),
            spans: BTreeMap::new(),
        }
    }

    /// True (and an error at the list's position) when a list or mapping has more entries
    /// than [`Decoder::max_items`].
    pub fn too_many(&mut self, node: &Node, path: &str) -> bool {
        let len = match &node.value {
            Value::Seq(items) => items.len(),
            Value::Map(entries) => entries.len(),
            _ => return false,
        };
        if len <= self.max_items {
            return false;
        }
        let what = if path.is_empty() {
            self.root_name.to_string()
        } else {
            format!("`{path}`")
        };
        self.diags.error_hint(
            &node.pos,
            "too-many",
            format!(
                "{what} has {len} {}, more than the limit of {}",
                if matches!(node.value, Value::Seq(_)) {
                    "items"
                } else {
                    "keys"
                },
                self.max_items
            ),
            "is this the file you meant? no real job needs this many",
        );
        true
    }

    pub fn map<'a>(&mut self, node: &'a Node, path: &str) -> Option<MapReader<'a>> {
        self.spans.insert(path.to_string(), node.pos.clone());
        if self.too_many(node, path) {
            return None;
        }
        match &node.value {
            Value::Map(_) => Some(MapReader {
                node,
                path: path.to_string(),
                used: Vec::new(),
            }),
            _ => {
                self.type_error(node, path, "a mapping");
                None
            }
        }
    }

    pub fn type_error(&mut self, node: &Node, path: &str, want: &str) {
        self.diags.error(
            &node.pos,
            "type",
            format!("`{path}` must be {want}, found {}", describe(node)),
        );
    }

    pub fn record(&mut self, path: &str, node: &Node) {
        self.spans.insert(path.to_string(), node.pos.clone());
    }

    pub fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        self.record(path, node);
        match &node.value {
            Value::Scalar { text, .. } => Some(text.clone()),
            _ => {
                self.type_error(node, path, "a string");
                None
            }
        }
    }

    pub fn opt_string(&mut self, m: &mut MapReader<'_>, name: &'static str) -> Option<String> {
        let node = m.field(name)?;
        self.string(node, &m.path(name))
    }

    pub fn req_string(
        &mut self,
        m: &mut MapReader<'_>,
        name: &'static str,
        hint: &str,
    ) -> Option<String> {
        match m.field(name) {
            Some(node) => self.string(node, &m.path(name)),
            None => {
                self.diags.error_hint(
                    m.pos(),
                    "required",
                    format!("`{}` is required", m.path(name)),
                    hint.to_string(),
                );
                None
            }
        }
    }

    pub fn uint(&mut self, node: &Node, path: &str, min: u64, max: u64) -> Option<u64> {
        self.record(path, node);
        let parsed = match &node.value {
            Value::Scalar { text, plain: true } => match plain_type(text) {
                PlainType::Int(i) => Some(i),
                _ => None,
            },
            _ => None,
        };
        match parsed {
            Some(i) if i >= i128::from(min) && i <= i128::from(max) => u64::try_from(i).ok(),
            Some(i) => {
                self.diags.error(
                    &node.pos,
                    "range",
                    format!("`{path}` must be between {min} and {max}, found {i}"),
                );
                None
            }
            None => {
                self.type_error(node, path, "a whole number");
                None
            }
        }
    }

    pub fn opt_u32(
        &mut self,
        m: &mut MapReader<'_>,
        name: &'static str,
        min: u32,
        max: u32,
    ) -> Option<u32> {
        let node = m.field(name)?;
        self.uint(node, &m.path(name), u64::from(min), u64::from(max))
            .and_then(|v| u32::try_from(v).ok())
    }

    pub fn opt_bool(&mut self, m: &mut MapReader<'_>, name: &'static str) -> Option<bool> {
        let node = m.field(name)?;
        let path = m.path(name);
        self.record(&path, node);
        if let Value::Scalar { text, plain: true } = &node.value {
            match plain_type(text) {
                PlainType::Bool(b) => return Some(b),
                _ if matches!(text.as_str(), "yes" | "no" | "on" | "off") => {
                    self.diags.error_hint(
                        &node.pos,
                        "type",
                        format!(
                            "`{path}` must be `true` or `false`, found `{}`",
                            crate::excerpt::excerpt(text)
                        ),
                        "YAML 1.2 reads yes/no/on/off as strings; write true or false",
                    );
                    return None;
                }
                _ => {}
            }
        }
        self.type_error(node, &path, "`true` or `false`");
        None
    }

    pub fn string_list(&mut self, m: &mut MapReader<'_>, name: &'static str) -> Vec<String> {
        let Some(node) = m.field(name) else {
            return Vec::new();
        };
        let path = m.path(name);
        self.record(&path, node);
        if self.too_many(node, &path) {
            return Vec::new();
        }
        match &node.value {
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| self.string(item, &format!("{path}[{i}]")))
                .collect(),
            Value::Scalar { .. } => {
                self.diags.error_hint(
                    &node.pos,
                    "type",
                    format!(
                        "`{path}` must be a list of strings, found {}",
                        describe(node)
                    ),
                    format!("write `{name}: [\"...\", \"...\"]` or one `- item` per line"),
                );
                Vec::new()
            }
            _ => {
                self.type_error(node, &path, "a list of strings");
                Vec::new()
            }
        }
    }

    pub fn one_of(
        &mut self,
        m: &mut MapReader<'_>,
        name: &'static str,
        allowed: &[&str],
    ) -> Option<String> {
        let node = m.field(name)?;
        let path = m.path(name);
        let text = self.string(node, &path)?;
        if allowed.contains(&text.as_str()) {
            return Some(text);
        }
        let hint = match did_you_mean(&text, allowed.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? allowed: {}", ticked(allowed)),
            None => format!("allowed: {}", ticked(allowed)),
        };
        self.diags.error_hint(
            &node.pos,
            "enum",
            format!(
                "`{path}` is `{}`, which is not an allowed value",
                crate::excerpt::excerpt(&text)
            ),
            hint,
        );
        None
    }

    /// Run a string check and report its error at the field's position.
    pub fn check(
        &mut self,
        path: &str,
        value: &str,
        rule: &'static str,
        hint: &str,
        f: impl FnOnce(&str) -> Result<(), String>,
    ) -> bool {
        match f(value) {
            Ok(()) => true,
            Err(e) => {
                let pos = self.pos_of(path);
                self.diags
                    .error_hint(&pos, rule, format!("`{path}`: {e}"), hint.to_string());
                false
            }
        }
    }

    /// The field's position, or the top of the spec when no layer set it.
    pub fn field_or_root(&self, path: &str) -> Pos {
        self.spans
            .get(path)
            .or_else(|| self.spans.get(""))
            .cloned()
            .unwrap_or_else(|| Pos::new(&std::sync::Arc::from("<spec>"), 1, 1))
    }

    pub fn pos_of(&self, path: &str) -> Pos {
        // The field itself, else the nearest section that was read.
        let mut p = path;
        loop {
            if let Some(pos) = self.spans.get(p) {
                return pos.clone();
            }
            match p.rfind('.') {
                Some(i) => p = &p[..i],
                None => break,
            }
        }
        self.spans
            .get("")
            .cloned()
            .unwrap_or_else(|| Pos::new(&std::sync::Arc::from("<spec>"), 1, 1))
    }
}

fn describe(node: &Node) -> String {
    match &node.value {
        Value::Scalar { text, .. } => {
            format!("{} `{}`", node.kind(), crate::excerpt::excerpt(text))
        }
        _ => node.kind().to_string(),
    }
}
