//! Slurm node names -> Kubernetes node names (site config `nodeNames:`).
//!
//! On most sites the two are the same (`gpu001` in both). Where they differ, the site gives a
//! template and, for the odd machine, explicit exceptions:
//!
//! ```yaml
//! nodeNames:
//!   template: "{name}.cluster.example.com"   # {name} is the Slurm node name
//!   map:
//!     gpu017: gpu017-replacement.cluster.example.com
//! ```
//!
//! An explicit entry wins over the template. Every resulting name must be a valid Kubernetes
//! node name (a DNS-1123 subdomain); the placeholder must appear exactly once.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeNames {
    /// `prefix{name}suffix`; `None` = the Slurm name.
    template: Option<(String, String)>,
    map: BTreeMap<String, String>,
}

pub const PLACEHOLDER: &str = "{name}";

impl NodeNames {
    /// Same names on both sides.
    pub fn identity() -> Self {
        Self::default()
    }

    /// Check a template: `{name}` exactly once, and the rest made of node-name characters.
    pub fn parse_template(template: &str) -> Result<(String, String), String> {
        let Some((prefix, suffix)) = template.split_once(PLACEHOLDER) else {
            return Err(format!(
                "the template `{template}` has no `{PLACEHOLDER}` (the Slurm node name)"
            ));
        };
        if suffix.contains(PLACEHOLDER) {
            return Err(format!(
                "the template `{template}` has `{PLACEHOLDER}` more than once"
            ));
        }
        let ok = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        };
        if !ok(prefix) || !ok(suffix) {
            return Err(format!(
                "the template `{template}` may only add lowercase letters, digits, `-` and `.` around `{PLACEHOLDER}`"
            ));
        }
        Ok((prefix.to_string(), suffix.to_string()))
    }

    pub fn new(template: Option<(String, String)>, map: BTreeMap<String, String>) -> Self {
        Self { template, map }
    }

    pub fn is_identity(&self) -> bool {
        self.template.is_none() && self.map.is_empty()
    }

    /// The Kubernetes node name for a Slurm node name, checked.
    pub fn kube_name(&self, slurm: &str) -> Result<String, String> {
        let name = match (self.map.get(slurm), &self.template) {
            (Some(n), _) => n.clone(),
            (None, Some((prefix, suffix))) => format!("{prefix}{slurm}{suffix}"),
            (None, None) => slurm.to_string(),
        };
        crate::k8s::names::check_dns_subdomain(&name).map_err(|why| {
            if name == slurm {
                format!(
                    "Slurm node `{slurm}` cannot be a Kubernetes node name: {why}; map it with `nodeNames` in the site config"
                )
            } else {
                format!("Slurm node `{slurm}` maps to `{name}`, which is not a valid Kubernetes node name: {why}")
            }
        })?;
        Ok(name)
    }

    /// Map every name, in order; all problems at once.
    pub fn kube_names(&self, slurm: &[String]) -> Result<Vec<String>, String> {
        let mut out = Vec::with_capacity(slurm.len());
        let mut problems = Vec::new();
        for n in slurm {
            match self.kube_name(n) {
                Ok(k) => out.push(k),
                Err(e) => problems.push(e),
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_keeps_names_and_checks_them() {
        let m = NodeNames::identity();
        assert_eq!(m.kube_name("gpu001").as_deref(), Ok("gpu001"));
        let err = m.kube_name("GPU_1").unwrap_err();
        assert!(err.contains("nodeNames"), "{err}");
    }

    #[test]
    fn template_and_exceptions() {
        let t = NodeNames::parse_template("{name}.cluster.example.com").unwrap();
        let mut map = BTreeMap::new();
        map.insert("gpu017".to_string(), "spare-3".to_string());
        let m = NodeNames::new(Some(t), map);
        assert_eq!(
            m.kube_names(&["gpu001".into(), "gpu017".into()]).unwrap(),
            ["gpu001.cluster.example.com", "spare-3"]
        );
        let t = NodeNames::parse_template("k8s-{name}").unwrap();
        assert_eq!(
            NodeNames::new(Some(t), BTreeMap::new())
                .kube_name("n1")
                .unwrap(),
            "k8s-n1"
        );
    }

    #[test]
    fn bad_templates_are_refused_with_the_reason() {
        for (t, why) in [
            ("gpu.example.com", "no `{name}`"),
            ("{name}-{name}", "more than once"),
            ("{name}.Example", "lowercase"),
            ("{name} x", "lowercase"),
        ] {
            let err = NodeNames::parse_template(t).unwrap_err();
            assert!(err.contains(why), "{t}: {err}");
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let t = NodeNames::parse_template("{name}.x").unwrap();
        let m = NodeNames::new(Some(t), BTreeMap::new());
        let err = m
            .kube_names(&["A".into(), "ok".into(), "B".into()])
            .unwrap_err();
        assert!(err.contains("`A`") && err.contains("`B`"), "{err}");
    }
}
