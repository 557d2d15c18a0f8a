//! The GPFS claim of a job: before any pod exists, `launch` (and `doctor`, for the claims of
//! the site config) checks that the PersistentVolumeClaim exists in the namespace, is Bound
//! and grants ReadWriteMany (every node of the job mounts it at once). A claim whose storage
//! class is not provisioned by the Spectrum Scale CSI driver (`gpfs.csiDriver` in the site
//! config, default [`SPECTRUM_SCALE_DRIVER`]) is only a warning: a site may export GPFS in
//! another way. One `get` of the claim and one of its StorageClass.
//!
//! The verdict ([`judge`]) is pure and unit-tested; the API calls run against the real PV
//! binder of testenv/kube in `tests/it/kube.rs`.

use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use k8s_openapi::api::storage::v1::StorageClass;
use kube::{Api, Client};

/// The CSI driver of IBM Storage Scale (Spectrum Scale).
pub const SPECTRUM_SCALE_DRIVER: &str = "spectrumscale.csi.ibm.com";

/// What is known of the claim's storage class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    /// The claim names no storage class (a static volume bound by name).
    None,
    /// The StorageClass and its provisioner.
    Provisioner(String),
    /// The StorageClass could not be read: why.
    Unknown(String),
}

/// The result of the check: a refusal (nothing may be created) and warnings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    pub refusal: Option<String>,
    pub warnings: Vec<String>,
    /// When the claim is fine: `Bound to pv/X, ReadWriteMany, storage class Y (driver)`.
    pub summary: Option<String>,
}

/// The hint that goes with a refusal.
pub const REFUSAL_HINT: &str = "the GPFS fileset is mounted through this claim on every node of the job: ask the storage admins for a ReadWriteMany claim bound to the fileset's PersistentVolume, or fix `storage.gpfs.claimName`";

/// Judge a claim. `pvc` is None when the API server said 404.
pub fn judge(
    claim: &str,
    namespace: &str,
    pvc: Option<&PersistentVolumeClaim>,
    class: &Class,
    driver: &str,
) -> Verdict {
    let mut v = Verdict::default();
    let Some(pvc) = pvc else {
        v.refusal = Some(format!(
            "the GPFS claim `{claim}` does not exist in namespace `{namespace}`"
        ));
        return v;
    };
    let status = pvc.status.as_ref();
    let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or("Pending");
    if phase != "Bound" {
        v.refusal = Some(format!(
            "the GPFS claim `{claim}` in namespace `{namespace}` is {phase}, not Bound (no PersistentVolume satisfies it yet), so no pod could mount it"
        ));
        return v;
    }
    // What the bound volume grants (status), else what was asked (spec).
    let modes: Vec<String> = status
        .and_then(|s| s.access_modes.clone())
        .filter(|m| !m.is_empty())
        .or_else(|| pvc.spec.as_ref().and_then(|s| s.access_modes.clone()))
        .unwrap_or_default();
    if !modes.iter().any(|m| m == "ReadWriteMany") {
        let shown = if modes.is_empty() {
            "no access mode".to_string()
        } else {
            modes.join(", ")
        };
        v.refusal = Some(format!(
            "the GPFS claim `{claim}` in namespace `{namespace}` is {shown}, not ReadWriteMany: the pods on the other nodes could not mount it"
        ));
        return v;
    }
    let volume = pvc
        .spec
        .as_ref()
        .and_then(|s| s.volume_name.clone())
        .unwrap_or_default();
    let class_name = pvc
        .spec
        .as_ref()
        .and_then(|s| s.storage_class_name.clone())
        .filter(|c| !c.is_empty());
    let class_text = match (class, &class_name) {
        (Class::Provisioner(p), Some(c)) => {
            if p != driver {
                v.warnings.push(format!(
                    "the GPFS claim `{claim}` uses storage class `{c}`, provisioned by `{p}`, not the Spectrum Scale CSI driver `{driver}` (set `gpfs.csiDriver` in the site config if the site mounts GPFS another way)"
                ));
            }
            format!("storage class {c} ({p})")
        }
        (Class::Unknown(why), Some(c)) => {
            v.warnings.push(format!(
                "could not read storage class `{c}` of the GPFS claim `{claim}` ({why}), so whether it is the Spectrum Scale CSI driver `{driver}` is unknown"
            ));
            format!("storage class {c}")
        }
        _ => {
            v.warnings.push(format!(
                "the GPFS claim `{claim}` has no storage class, so whether it is the Spectrum Scale CSI driver `{driver}` is unknown"
            ));
            "no storage class".to_string()
        }
    };
    v.summary = Some(format!(
        "`{claim}` Bound to pv/{volume}, ReadWriteMany, {class_text}"
    ));
    v
}

/// Read the claim (and its StorageClass) and judge it. An error other than 404 on the claim
/// is returned as it is (the caller words it with the verb and resource).
pub async fn check(
    client: &Client,
    namespace: &str,
    claim: &str,
    driver: &str,
) -> Result<Verdict, kube::Error> {
    let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), namespace);
    let pvc = match pvcs.get(claim).await {
        Ok(p) => Some(p),
        Err(kube::Error::Api(s)) if s.code == 404 => None,
        Err(e) => return Err(e),
    };
    let class_name = pvc
        .as_ref()
        .and_then(|p| p.spec.as_ref())
        .and_then(|s| s.storage_class_name.clone())
        .filter(|c| !c.is_empty());
    let class = match (&pvc, class_name) {
        (Some(_), Some(name)) => {
            let classes: Api<StorageClass> = Api::all(client.clone());
            match classes.get(&name).await {
                Ok(sc) => Class::Provisioner(sc.provisioner),
                Err(e) => Class::Unknown(super::client::brief(&e)),
            }
        }
        _ => Class::None,
    };
    Ok(judge(claim, namespace, pvc.as_ref(), &class, driver))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Claims as kube-apiserver v1.36.3 of testenv/kube returns them (`kubectl get pvc -o
    /// json`, trimmed): the static GPFS claim bound by kube-controller-manager's PV binder.
    fn pvc(phase: &str, modes: &[&str], class: Option<&str>) -> PersistentVolumeClaim {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "gpfs-llm-project", "namespace": "training"},
            "spec": {"accessModes": modes, "storageClassName": class, "volumeName": "gpfs-llm-project-pv",
                     "resources": {"requests": {"storage": "10Ti"}}},
            "status": {"phase": phase, "accessModes": if phase == "Bound" { modes.to_vec() } else { vec![] }},
        }))
        .expect("pvc")
    }

    const D: &str = SPECTRUM_SCALE_DRIVER;

    #[test]
    fn a_bound_rwx_claim_of_the_spectrum_scale_driver_passes() {
        let c = pvc("Bound", &["ReadWriteMany"], Some("ibm-spectrum-scale"));
        let v = judge(
            "gpfs-llm-project",
            "training",
            Some(&c),
            &Class::Provisioner(D.into()),
            D,
        );
        assert_eq!(v.refusal, None);
        assert!(v.warnings.is_empty(), "{:?}", v.warnings);
        assert_eq!(
            v.summary.as_deref(),
            Some(
                "`gpfs-llm-project` Bound to pv/gpfs-llm-project-pv, ReadWriteMany, storage class ibm-spectrum-scale (spectrumscale.csi.ibm.com)"
            )
        );
    }

    #[test]
    fn missing_unbound_and_rwo_claims_are_refused_with_a_sentence() {
        let v = judge("x", "training", None, &Class::None, D);
        assert_eq!(
            v.refusal.as_deref(),
            Some("the GPFS claim `x` does not exist in namespace `training`")
        );
        let c = pvc("Pending", &["ReadWriteMany"], Some("ibm-spectrum-scale"));
        let v = judge("x", "training", Some(&c), &Class::Provisioner(D.into()), D);
        assert!(
            v.refusal
                .as_deref()
                .is_some_and(|r| r.contains("is Pending, not Bound")),
            "{v:?}"
        );
        let c = pvc("Bound", &["ReadWriteOnce"], Some("ibm-spectrum-scale"));
        let v = judge("x", "training", Some(&c), &Class::Provisioner(D.into()), D);
        assert!(
            v.refusal
                .as_deref()
                .is_some_and(|r| r.contains("is ReadWriteOnce, not ReadWriteMany")),
            "{v:?}"
        );
    }

    #[test]
    fn another_driver_or_an_unreadable_class_is_a_warning() {
        let c = pvc("Bound", &["ReadWriteMany"], Some("nfs"));
        let v = judge(
            "x",
            "training",
            Some(&c),
            &Class::Provisioner("nfs.csi.k8s.io".into()),
            D,
        );
        assert_eq!(v.refusal, None);
        assert_eq!(v.warnings.len(), 1);
        assert!(
            v.warnings[0].contains("provisioned by `nfs.csi.k8s.io`, not the Spectrum Scale CSI driver `spectrumscale.csi.ibm.com`"),
            "{:?}",
            v.warnings
        );
        // A site that names its own driver.
        let v = judge(
            "x",
            "training",
            Some(&c),
            &Class::Provisioner("nfs.csi.k8s.io".into()),
            "nfs.csi.k8s.io",
        );
        assert!(v.warnings.is_empty());
        let v = judge(
            "x",
            "training",
            Some(&c),
            &Class::Unknown("forbidden".into()),
            D,
        );
        assert!(v.warnings[0].contains("could not read storage class `nfs`"));
    }
}
