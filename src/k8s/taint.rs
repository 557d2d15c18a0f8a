//! The site's taint for Slurm-managed nodes (site config `hooks.taint`): the prolog removes
//! it from the allocated nodes, the epilog puts it back when no job holds the node.

use std::fmt;

use k8s_openapi::api::core::v1::Taint;

const TAINT_EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// The site's taint for Slurm-managed nodes, as kubectl writes it: `key[=value]:Effect`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaintSpec {
    pub key: String,
    pub value: Option<String>,
    pub effect: String,
}

fn label_chars(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

impl TaintSpec {
    pub fn parse(text: &str) -> Result<Self, String> {
        let (kv, effect) = text
            .rsplit_once(':')
            .ok_or_else(|| format!("`{text}` has no effect (`:NoSchedule`, `:NoExecute`, ...)"))?;
        if !TAINT_EFFECTS.contains(&effect) {
            return Err(format!(
                "the effect `{effect}` is not one of `NoSchedule`, `PreferNoSchedule`, `NoExecute`"
            ));
        }
        let (key, value) = match kv.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (kv, None),
        };
        let name = key.rsplit_once('/').map_or(key, |(_, n)| n);
        let prefix_ok = key
            .rsplit_once('/')
            .is_none_or(|(p, _)| !p.is_empty() && p.len() <= 253 && label_chars(p));
        if name.is_empty() || name.len() > 63 || !label_chars(name) || !prefix_ok {
            return Err(format!(
                "the key `{key}` is not a valid taint key (`[prefix/]name`, letters, digits, `-`, `_`, `.`)"
            ));
        }
        if let Some(v) = value
            && (v.len() > 63 || !label_chars(v))
        {
            return Err(format!(
                "the value `{v}` is not a valid taint value (at most 63 letters, digits, `-`, `_`, `.`)"
            ));
        }
        Ok(Self {
            key: key.to_string(),
            value: value.map(str::to_string),
            effect: effect.to_string(),
        })
    }

    /// The same taint as far as Kubernetes is concerned: key and effect (as `kubectl taint
    /// key:Effect-` removes it).
    pub fn matches(&self, taint: &Taint) -> bool {
        taint.key == self.key && taint.effect == self.effect
    }

    pub fn to_taint(&self) -> Taint {
        Taint {
            key: self.key.clone(),
            value: self.value.clone(),
            effect: self.effect.clone(),
            time_added: None,
        }
    }
}

impl fmt::Display for TaintSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(f, "{}={v}:{}", self.key, self.effect),
            None => write!(f, "{}:{}", self.key, self.effect),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint() -> TaintSpec {
        TaintSpec::parse("hybridctl.io/slurm=owned:NoSchedule").expect("valid")
    }

    #[test]
    fn taints_parse_as_kubectl_writes_them() {
        let t = taint();
        assert_eq!(t.key, "hybridctl.io/slurm");
        assert_eq!(t.value.as_deref(), Some("owned"));
        assert_eq!(t.effect, "NoSchedule");
        assert_eq!(t.to_string(), "hybridctl.io/slurm=owned:NoSchedule");
        let t = TaintSpec::parse("slurm:NoExecute").expect("valid");
        assert_eq!(t.value, None);
        assert_eq!(t.to_string(), "slurm:NoExecute");
        for bad in [
            "slurm",
            "slurm=x",
            "slurm:Never",
            ":NoSchedule",
            "a b:NoSchedule",
            "k=v v:NoSchedule",
            "/x:NoSchedule",
        ] {
            assert!(TaintSpec::parse(bad).is_err(), "{bad}");
        }
    }
}
