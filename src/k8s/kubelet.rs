//! What a kubelet's CPU and Topology Managers are set to, from its `configz` (read through the
//! API server: `GET /api/v1/nodes/NODE/proxy/configz`), for `doctor`. GPU, NIC and CPU of a
//! Guaranteed pod are aligned on one NUMA node only with the static CPU Manager and a Topology
//! Manager policy of `single-numa-node` or `restricted` (docs/spec.md, "CPU and NUMA alignment").
//!
//! The shape is the kubelet's own: `{"kubeletconfig": {"cpuManagerPolicy": "static",
//! "topologyManagerPolicy": "single-numa-node", ...}}`; a field the kubelet leaves at its
//! default is absent (`none` for both).

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeletTopology {
    pub cpu_manager_policy: String,
    pub topology_manager_policy: String,
}

#[derive(Deserialize)]
struct Configz {
    kubeletconfig: KubeletConfig,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KubeletConfig {
    cpu_manager_policy: Option<String>,
    topology_manager_policy: Option<String>,
}

/// Read a `configz` answer.
pub fn parse_configz(text: &str) -> Result<KubeletTopology, String> {
    let c: Configz = serde_json::from_str(text)
        .map_err(|e| format!("the kubelet's configz is not what a kubelet prints: {e}"))?;
    Ok(KubeletTopology {
        cpu_manager_policy: c
            .kubeletconfig
            .cpu_manager_policy
            .unwrap_or_else(|| "none".into()),
        topology_manager_policy: c
            .kubeletconfig
            .topology_manager_policy
            .unwrap_or_else(|| "none".into()),
    })
}

impl KubeletTopology {
    /// Whether Guaranteed pods get GPU, NIC and CPUs from one NUMA node.
    pub fn aligns(&self) -> bool {
        self.cpu_manager_policy == "static"
            && matches!(
                self.topology_manager_policy.as_str(),
                "single-numa-node" | "restricted"
            )
    }

    pub fn describe(&self) -> String {
        format!(
            "CPU Manager `{}`, Topology Manager `{}`",
            self.cpu_manager_policy, self.topology_manager_policy
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configz_as_kubelets_print_it() {
        // Shape of `kubectl get --raw /api/v1/nodes/NODE/proxy/configz` (Kubernetes docs,
        // "Reconfigure a Node's Kubelet in a Live Cluster"; fields of KubeletConfiguration v1beta1).
        let aligned = r#"{"kubeletconfig":{"enableServer":true,"staticPodPath":"/etc/kubernetes/manifests","cpuManagerPolicy":"static","cpuManagerReconcilePeriod":"10s","topologyManagerPolicy":"single-numa-node","topologyManagerScope":"container","memoryManagerPolicy":"None"}}"#;
        let t = parse_configz(aligned).expect("parses");
        assert!(t.aligns(), "{t:?}");
        let defaults = r#"{"kubeletconfig":{"enableServer":true,"cgroupDriver":"systemd"}}"#;
        let t = parse_configz(defaults).expect("parses");
        assert_eq!(t.describe(), "CPU Manager `none`, Topology Manager `none`");
        assert!(!t.aligns());
        let best_effort = r#"{"kubeletconfig":{"cpuManagerPolicy":"static","topologyManagerPolicy":"best-effort"}}"#;
        assert!(!parse_configz(best_effort).expect("parses").aligns());
        assert!(parse_configz("<html>404</html>").is_err());
    }
}
