//! JSON documents: what `-o json` prints, and their JSON Schemas.
//!
//! Every document is one Rust type that implements [`Document`]; printing wraps it in an
//! envelope with `apiVersion: hybridctl.io/v1alpha1` and its `kind` (as Kubernetes objects
//! carry them), keys are camelCase, and a list is an object with `items` (never nothing:
//! an empty result is `"items": []`). The schemas under `docs/schema/` are generated from the
//! same types ([`schemas`]; `hybridctl schema NAME` prints one) and a test keeps them fresh.

use schemars::JsonSchema;
use serde::Serialize;

use crate::API_VERSION;

/// A document `-o json` prints.
pub trait Document: Serialize + JsonSchema {
    /// Its `kind`.
    const KIND: &'static str;
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<'a, T: ?Sized> {
    api_version: &'static str,
    kind: &'static str,
    #[serde(flatten)]
    body: &'a T,
}

/// The document as JSON, with its envelope.
pub fn to_value<T: Document>(doc: &T) -> serde_json::Value {
    serde_json::to_value(Envelope {
        api_version: API_VERSION,
        kind: T::KIND,
        body: doc,
    })
    .unwrap_or(serde_json::Value::Null)
}

/// Pretty JSON with a final newline (as `-o json` prints it).
pub fn to_string_pretty<T: Document>(doc: &T) -> String {
    let mut s = serde_json::to_string_pretty(&Envelope {
        api_version: API_VERSION,
        kind: T::KIND,
        body: doc,
    })
    .unwrap_or_default();
    s.push('\n');
    s
}

/// One line of JSON (for documents printed one per line, e.g. `logs -o json`).
pub fn to_line<T: Document>(doc: &T) -> String {
    let mut s = serde_json::to_string(&Envelope {
        api_version: API_VERSION,
        kind: T::KIND,
        body: doc,
    })
    .unwrap_or_default();
    s.push('\n');
    s
}

/// The JSON Schema of a document, envelope included.
pub fn schema_of<T: Document>() -> serde_json::Value {
    let mut schema = schemars::schema_for!(T).to_value();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$id".into(),
            format!("https://hybridctl.io/schema/{}.json", name_of(T::KIND)).into(),
        );
        if let Some(props) = obj
            .entry("properties")
            .or_insert_with(|| serde_json::json!({}))
            .as_object_mut()
        {
            props.insert(
                "apiVersion".into(),
                serde_json::json!({"const": API_VERSION}),
            );
            props.insert("kind".into(), serde_json::json!({"const": T::KIND}));
        }
        let required = obj
            .entry("required")
            .or_insert_with(|| serde_json::json!([]));
        if let Some(list) = required.as_array_mut() {
            list.insert(0, "kind".into());
            list.insert(0, "apiVersion".into());
        }
    }
    schema
}

/// `StatusList` -> `status-list`: the schema's file and `hybridctl schema` name.
pub fn name_of(kind: &str) -> String {
    let mut out = String::new();
    for (i, c) in kind.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A list of items: what commands that answer with rows print.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct List<T> {
    pub items: Vec<T>,
}

impl<T> List<T> {
    pub fn new(items: Vec<T>) -> Self {
        Self { items }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    struct Demo {
        job_id: String,
    }
    impl Document for Demo {
        const KIND: &'static str = "DemoReport";
    }

    #[test]
    fn documents_carry_their_version_and_kind_in_camel_case() {
        let v = to_value(&Demo { job_id: "7".into() });
        assert_eq!(v["apiVersion"], API_VERSION);
        assert_eq!(v["kind"], "DemoReport");
        assert_eq!(v["jobId"], "7");
        let s = schema_of::<Demo>();
        assert_eq!(s["properties"]["kind"]["const"], "DemoReport");
        assert_eq!(s["required"][0], "apiVersion");
        assert_eq!(name_of("DemoReport"), "demo-report");
    }
}
