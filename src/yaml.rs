//! A located YAML tree.
//!
//! Job specs and config files are parsed into [`Node`]s that remember the file, line and
//! column of every key and value, so that `validate` can report every problem at once with a
//! position, and so that layered configuration (site < user < spec < `--set`) keeps pointing at
//! the file a value really came from. serde would stop at the first error and forget where a
//! value came from after merging, which is why we do not deserialize specs with serde directly.
//!
//! Scalars keep their source text; typing follows the YAML 1.2 core schema only where the
//! reader asks for a number or a boolean (see `jobspec::decode`), so `version: 1.10` in an `env`
//! map stays `"1.10"`.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

/// Where a node came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pos {
    pub file: Arc<str>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

impl Pos {
    pub fn new(file: &Arc<str>, line: usize, col: usize) -> Self {
        Self {
            file: Arc::clone(file),
            line,
            col,
        }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// A scalar with its text; `plain` is false for quoted and block scalars, which are
    /// always strings.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

impl Node {
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Scalar { plain: false, .. } => "string",
            Value::Scalar { text, plain: true } => match plain_type(text) {
                PlainType::Bool(_) => "boolean",
                PlainType::Int(_) => "integer",
                PlainType::Float => "number",
                PlainType::Null => "null",
                PlainType::Str => "string",
            },
            Value::Seq(_) => "list",
            Value::Map(_) => "mapping",
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// How the YAML 1.2 core schema reads a plain scalar.
#[derive(Debug, Clone, PartialEq)]
pub enum PlainType {
    Null,
    Bool(bool),
    Int(i128),
    Float,
    Str,
}

pub fn plain_type(text: &str) -> PlainType {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return PlainType::Null,
        "true" | "True" | "TRUE" => return PlainType::Bool(true),
        "false" | "False" | "FALSE" => return PlainType::Bool(false),
        _ => {}
    }
    if let Some(int) = parse_core_int(text) {
        return PlainType::Int(int);
    }
    let float_like = text
        .bytes()
        .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
        && text.bytes().any(|b| b.is_ascii_digit())
        && text.parse::<f64>().is_ok();
    if float_like || matches!(text, ".inf" | "-.inf" | "+.inf" | ".nan" | ".NaN" | ".NAN") {
        return PlainType::Float;
    }
    PlainType::Str
}

fn parse_core_int(text: &str) -> Option<i128> {
    let (neg, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let value = if let Some(hex) = digits.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()?
    } else if let Some(oct) = digits.strip_prefix("0o") {
        i128::from_str_radix(oct, 8).ok()?
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()?
    } else {
        return None;
    };
    Some(if neg { -value } else { value })
}

/// A YAML syntax error, or a document we refuse (several documents, too many aliases).
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

/// Limit on nodes produced through aliases, against "billion laughs" documents.
const MAX_NODES: usize = 200_000;
/// Limit on the nodes of a whole document: a 4 MiB file of `[x,x,x,...]` is two million
/// nodes (some 200 MB as a tree); real specs have hundreds, a config with a `nodeNames` entry
/// for each of 100k nodes some 200k.
pub const MAX_DOCUMENT_NODES: usize = 500_000;

/// Parse one YAML document. An empty document is an empty mapping.
pub fn parse(file: &Arc<str>, text: &str) -> Result<Node, SyntaxError> {
    let mut builder = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        parsed: 0,
        root: None,
        documents: 0,
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| SyntaxError {
            pos: Pos::new(file, e.marker().line().max(1), e.marker().col() + 1),
            message: e.info(),
        })?;
        let pos = Pos::new(file, span.start.line().max(1), span.start.col() + 1);
        builder.event(event, pos)?;
    }
    Ok(builder.root.unwrap_or(Node {
        value: Value::Map(Vec::new()),
        pos: Pos::new(file, 1, 1),
    }))
}

enum Frame {
    Seq {
        items: Vec<Node>,
        pos: Pos,
        anchor: usize,
    },
    Map {
        entries: Vec<(Key, Node)>,
        /// Key name -> its index in `entries`: duplicate detection and merge-key replacement
        /// stay linear in the number of keys (a list scan per key made 80k keys take 37 s).
        index: HashMap<String, usize>,
        pending_key: Option<Node>,
        /// Keys that came from a merge key (`<<`); explicit keys replace them.
        merged: HashSet<String>,
        pos: Pos,
        anchor: usize,
    },
}

struct Builder {
    stack: Vec<Frame>,
    /// Anchor id -> its node (a later anchor of the same id replaces the earlier one).
    anchors: HashMap<usize, Node>,
    nodes: usize,
    /// Nodes of the document itself (not counting alias copies).
    parsed: usize,
    root: Option<Node>,
    documents: usize,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, pos: Pos) -> Result<(), SyntaxError> {
        match event {
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(SyntaxError {
                        pos,
                        message: "a job spec is one YAML document, found a second one (`---`)"
                            .into(),
                    });
                }
            }
            Event::Scalar(text, style, anchor, _tag) => {
                let plain = style == ScalarStyle::Plain;
                let value = if plain && matches!(plain_type(&text), PlainType::Null) {
                    Value::Null
                } else {
                    Value::Scalar {
                        text: text.into_owned(),
                        plain,
                    }
                };
                self.finish(Node { value, pos }, anchor)?;
            }
            Event::SequenceStart(_, anchor, _) => self.stack.push(Frame::Seq {
                items: Vec::new(),
                pos,
                anchor,
            }),
            Event::MappingStart(_, anchor, _) => self.stack.push(Frame::Map {
                entries: Vec::new(),
                index: HashMap::new(),
                pending_key: None,
                merged: HashSet::new(),
                pos,
                anchor,
            }),
            Event::SequenceEnd => {
                if let Some(Frame::Seq { items, pos, anchor }) = self.stack.pop() {
                    self.finish(
                        Node {
                            value: Value::Seq(items),
                            pos,
                        },
                        anchor,
                    )?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map {
                    entries,
                    pos,
                    anchor,
                    ..
                }) = self.stack.pop()
                {
                    self.finish(
                        Node {
                            value: Value::Map(entries),
                            pos,
                        },
                        anchor,
                    )?;
                }
            }
            Event::Alias(id) => {
                let Some(anchored) = self.anchors.get(&id) else {
                    return Err(SyntaxError {
                        pos,
                        message: "alias to an unknown anchor".into(),
                    });
                };
                // Counted before it is copied: a bomb is refused without being built.
                self.nodes += count_nodes(anchored);
                if self.nodes > MAX_NODES {
                    return Err(SyntaxError {
                        pos,
                        message: format!(
                            "document expands to more than {MAX_NODES} nodes through aliases"
                        ),
                    });
                }
                let node = anchored.clone();
                self.finish(node, 0)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), SyntaxError> {
        self.nodes += 1;
        self.parsed += 1;
        if self.parsed > MAX_DOCUMENT_NODES {
            return Err(SyntaxError {
                pos: node.pos,
                message: format!(
                    "the document has more than {MAX_DOCUMENT_NODES} nodes (values, lists and mappings)"
                ),
            });
        }
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                index,
                pending_key,
                merged,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => {
                    let name = match key.value {
                        Value::Scalar { text, .. } => text,
                        Value::Null => "null".to_string(),
                        _ => {
                            return Err(SyntaxError {
                                pos: key.pos,
                                message: "mapping keys must be plain strings".into(),
                            });
                        }
                    };
                    if name == "<<" {
                        let before = entries.len();
                        merge_into(entries, index, node)?;
                        merged.extend(entries[before..].iter().map(|(k, _)| k.name.clone()));
                    } else if merged.remove(&name) {
                        if let Some(&i) = index.get(&name) {
                            entries[i] = (Key { name, pos: key.pos }, node);
                        }
                    } else if let Some(&i) = index.get(&name) {
                        return Err(SyntaxError {
                            pos: key.pos,
                            message: format!(
                                "duplicate key `{}` (first defined at line {})",
                                crate::excerpt::excerpt(&name),
                                entries[i].0.pos.line
                            ),
                        });
                    } else {
                        index.insert(name.clone(), entries.len());
                        entries.push((Key { name, pos: key.pos }, node));
                    }
                }
            },
        }
        Ok(())
    }
}

/// YAML merge keys (`<<: *defaults`): keys already present win.
fn merge_into(
    entries: &mut Vec<(Key, Node)>,
    index: &mut HashMap<String, usize>,
    node: Node,
) -> Result<(), SyntaxError> {
    let sources = match node.value {
        Value::Map(_) => vec![node],
        Value::Seq(items) => items,
        _ => {
            return Err(SyntaxError {
                pos: node.pos,
                message: "a merge key `<<` takes a mapping or a list of mappings".into(),
            });
        }
    };
    for source in sources {
        let Value::Map(src) = source.value else {
            return Err(SyntaxError {
                pos: source.pos,
                message: "a merge key `<<` takes a mapping or a list of mappings".into(),
            });
        };
        for (k, v) in src {
            if !index.contains_key(&k.name) {
                index.insert(k.name.clone(), entries.len());
                entries.push((k, v));
            }
        }
    }
    Ok(())
}

fn count_nodes(node: &Node) -> usize {
    1 + match &node.value {
        Value::Seq(items) => items.iter().map(count_nodes).sum(),
        Value::Map(entries) => entries.iter().map(|(_, v)| count_nodes(v)).sum(),
        _ => 0,
    }
}

/// Deep-merge `over` onto `base`: mappings merge key by key, anything else replaces.
pub fn merge(base: Node, over: Node) -> Node {
    match (base.value, over.value) {
        (Value::Map(mut entries), Value::Map(overs)) => {
            // Linear in both sizes: one index of the base's keys.
            let mut index: HashMap<String, usize> = entries
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.name.clone(), i))
                .collect();
            for (k, v) in overs {
                if let Some(&i) = index.get(&k.name) {
                    let slot = &mut entries[i];
                    let old = std::mem::replace(
                        &mut slot.1,
                        Node {
                            value: Value::Null,
                            pos: v.pos.clone(),
                        },
                    );
                    slot.1 = merge(old, v);
                    slot.0 = k;
                } else {
                    index.insert(k.name.clone(), entries.len());
                    entries.push((k, v));
                }
            }
            Node {
                value: Value::Map(entries),
                pos: over.pos,
            }
        }
        (_, value) => Node {
            value,
            pos: over.pos,
        },
    }
}

/// Build the tree for `--set a.b.c=VALUE`; VALUE is read as a YAML scalar or flow collection.
pub fn from_assignment(source: &Arc<str>, assignment: &str) -> Result<Node, SyntaxError> {
    let Some((path, value)) = assignment.split_once('=') else {
        return Err(SyntaxError {
            pos: Pos::new(source, 1, 1),
            message: format!("`{assignment}` is not of the form KEY.PATH=VALUE"),
        });
    };
    let col = path.len() + 2;
    let parsed = if value.trim().is_empty() {
        Node {
            value: Value::Null,
            pos: Pos::new(source, 1, col),
        }
    } else {
        let mut node = parse(source, value)?;
        shift(&mut node, col - 1);
        node
    };
    let mut node = parsed;
    let parts: Vec<&str> = path.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(SyntaxError {
            pos: Pos::new(source, 1, 1),
            message: format!(
                "`{path}` is not a valid key path (use dots between keys, e.g. `slurm.nodes`)"
            ),
        });
    }
    let mut offsets = Vec::with_capacity(parts.len());
    let mut at = 1;
    for part in &parts {
        offsets.push(at);
        at += part.len() + 1;
    }
    for (part, off) in parts.iter().zip(offsets).rev() {
        node = Node {
            value: Value::Map(vec![(
                Key {
                    name: (*part).to_string(),
                    pos: Pos::new(source, 1, off),
                },
                node,
            )]),
            pos: Pos::new(source, 1, 1),
        };
    }
    Ok(node)
}

fn shift(node: &mut Node, cols: usize) {
    if node.pos.line == 1 {
        node.pos.col += cols;
    }
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| shift(n, cols)),
        Value::Map(entries) => {
            for (k, v) in entries {
                if k.pos.line == 1 {
                    k.pos.col += cols;
                }
                shift(v, cols);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Node {
        parse(&Arc::from("t.yaml"), text).expect("parses")
    }

    #[test]
    fn positions_are_one_based() {
        let root = p("a: 1\nb:\n  c: x\n");
        let b = root.get("b").and_then(|b| b.get("c")).expect("b.c");
        assert_eq!((b.pos.line, b.pos.col), (3, 6));
        let Value::Map(entries) = &root.value else {
            panic!()
        };
        assert_eq!((entries[1].0.pos.line, entries[1].0.pos.col), (2, 1));
    }

    #[test]
    fn quoted_scalars_are_strings_and_text_is_kept() {
        let root = p("a: '8'\nb: 1.10\nc: ~\n");
        assert_eq!(root.get("a").map(Node::kind), Some("string"));
        assert_eq!(
            root.get("b").map(|n| n.value.clone()),
            Some(Value::Scalar {
                text: "1.10".into(),
                plain: true
            })
        );
        assert_eq!(root.get("c").map(|n| n.value.clone()), Some(Value::Null));
    }

    #[test]
    fn duplicate_keys_are_errors_with_position() {
        let err = parse(&Arc::from("t.yaml"), "a: 1\na: 2\n").unwrap_err();
        assert_eq!(err.pos.line, 2);
        assert!(err.message.contains("duplicate key `a`"));
    }

    #[test]
    fn anchors_and_merge_keys() {
        let root = p("d: &d {x: 1, y: 2}\ne:\n  <<: *d\n  y: 3\n");
        let e = root.get("e").expect("e");
        assert_eq!(e.get("x").map(Node::kind), Some("integer"));
        assert_eq!(
            e.get("y").map(|n| n.value.clone()),
            Some(Value::Scalar {
                text: "3".into(),
                plain: true
            })
        );
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            doc.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let err = parse(&Arc::from("t.yaml"), &doc).unwrap_err();
        assert!(err.message.contains("more than"));
    }

    #[test]
    fn second_document_is_refused() {
        let err = parse(&Arc::from("t.yaml"), "a: 1\n---\nb: 2\n").unwrap_err();
        assert!(err.message.contains("second"));
    }

    #[test]
    fn merge_overrides_leaves_and_keeps_siblings() {
        let base = p("slurm: {nodes: 2, partition: gpu}\n");
        let over = from_assignment(&Arc::from("--set"), "slurm.nodes=4").expect("ok");
        let merged = merge(base, over);
        let slurm = merged.get("slurm").expect("slurm");
        assert_eq!(slurm.get("partition").map(Node::kind), Some("string"));
        let nodes = slurm.get("nodes").expect("nodes");
        assert_eq!(&*nodes.pos.file, "--set");
        assert_eq!(nodes.pos.col, 13);
    }

    #[test]
    fn core_schema_typing() {
        assert_eq!(plain_type("0x1F"), PlainType::Int(31));
        assert_eq!(plain_type("-3"), PlainType::Int(-3));
        assert_eq!(plain_type("1e3"), PlainType::Float);
        assert_eq!(plain_type("yes"), PlainType::Str);
        assert_eq!(plain_type("2-00:00:00"), PlainType::Str);
        assert_eq!(plain_type("1800G"), PlainType::Str);
    }
}
