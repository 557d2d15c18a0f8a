//! `hybridctl rbac` and `hybridctl doctor`: the printed RBAC, applied to the real API server
//! of testenv/kube, grants exactly what it lists; `doctor` passes for the restricted identity,
//! fails an admin and reports denied verbs. The plane tests FAIL when the control plane is
//! missing (see `crate::kube::plane`).

use serde_json::Value;

use crate::kube::{Plane, plane};
use crate::util::{hybridctl, stderr, stdout};

/// What the Slurm-side identity needs, written out so that a change of the table in
/// `src/kube/rbac.rs` is a deliberate change here too: (verb, resource, namespaced).
const GRANTED: &[(&str, &str, bool)] = &[
    ("get", "nodes", false),
    ("list", "nodes", false),
    ("watch", "nodes", false),
    ("patch", "nodes", false),
    ("create", "pytorchjobs.kubeflow.org", true),
    ("get", "pytorchjobs.kubeflow.org", true),
    ("list", "pytorchjobs.kubeflow.org", true),
    ("watch", "pytorchjobs.kubeflow.org", true),
    ("delete", "pytorchjobs.kubeflow.org", true),
    ("create", "trainjobs.trainer.kubeflow.org", true),
    ("get", "trainjobs.trainer.kubeflow.org", true),
    ("list", "trainjobs.trainer.kubeflow.org", true),
    ("watch", "trainjobs.trainer.kubeflow.org", true),
    ("delete", "trainjobs.trainer.kubeflow.org", true),
    ("get", "jobsets.jobset.x-k8s.io", true),
    ("list", "jobsets.jobset.x-k8s.io", true),
    ("delete", "jobsets.jobset.x-k8s.io", true),
    ("get", "clustertrainingruntimes.trainer.kubeflow.org", false),
    ("get", "trainingruntimes.trainer.kubeflow.org", true),
    ("get", "pods", true),
    ("list", "pods", true),
    ("watch", "pods", true),
    ("delete", "pods", true),
    ("get", "pods/log", true),
    ("get", "persistentvolumeclaims", true),
    ("get", "storageclasses.storage.k8s.io", false),
];

/// A sample of what it must not have: (verb, resource, namespace or none).
const DENIED: &[(&str, &str, Option<&str>)] = &[
    ("create", "pods", Some("training")),
    ("list", "secrets", Some("training")),
    ("list", "secrets", None),
    ("patch", "pytorchjobs.kubeflow.org", Some("training")),
    ("update", "pytorchjobs.kubeflow.org", Some("training")),
    ("patch", "trainjobs.trainer.kubeflow.org", Some("training")),
    ("create", "jobsets.jobset.x-k8s.io", Some("training")),
    ("watch", "jobsets.jobset.x-k8s.io", Some("training")),
    (
        "create",
        "clustertrainingruntimes.trainer.kubeflow.org",
        None,
    ),
    ("delete", "nodes", None),
    ("update", "nodes", None),
    ("create", "namespaces", None),
    ("list", "pods", Some("default")),
    ("create", "pytorchjobs.kubeflow.org", Some("default")),
    ("get", "pods/log", Some("kube-system")),
];

const TEST_USER: &str = "hybridctl-user2";

fn rbac(args: &[&str]) -> std::process::Output {
    hybridctl()
        .arg("rbac")
        .args(args)
        .output()
        .expect("hybridctl rbac")
}

#[test]
fn rbac_default_output() {
    let out = rbac(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains('*'), "no wildcard anywhere: {text}");
    insta::with_settings!({filters => vec![(r"hybridctl \d+\.\d+\.\d+\S*", "hybridctl [VERSION]")]}, {
        insta::assert_snapshot!("rbac_default", text);
    });
}

#[test]
fn rbac_refuses_names_kubernetes_would_refuse() {
    let out = rbac(&["-n", "Training"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("namespace `Training`"),
        "{}",
        stderr(&out)
    );
    let out = rbac(&["--service-account", "a_b"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("hint:"), "{}", stderr(&out));
}

/// Deletes what a test applied, also when the test fails.
struct Applied<'a> {
    plane: &'a Plane,
    manifest: String,
}

impl Drop for Applied<'_> {
    fn drop(&mut self) {
        let _ = self.plane.kubectl_as(
            &self.plane.admin,
            &["delete", "--ignore-not-found", "--wait=false", "-f", "-"],
            Some(&self.manifest),
        );
    }
}

fn can_i(p: &Plane, verb: &str, resource: &str, namespace: Option<&str>) -> (bool, String) {
    let mut args = vec!["auth", "can-i", "--as", TEST_USER, verb, resource];
    match namespace {
        Some(ns) => args.extend(["-n", ns]),
        None => args.push("--all-namespaces"),
    }
    let out = p.kubectl_admin(&args);
    let answer = stdout(&out).trim().to_string();
    // `can-i` exits 0 for yes and 1 for no; anything else is an error of the check itself.
    assert!(
        answer == "yes" || answer == "no",
        "kubectl {}: {answer} {}",
        args.join(" "),
        stderr(&out)
    );
    (answer == "yes", args.join(" "))
}

#[test]
fn rbac_applied_grants_every_listed_verb_and_nothing_else() {
    let Some(p) = plane() else { return };
    let out = rbac(&["-n", &p.ns, "--user", TEST_USER]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The ClusterRole and Role names are renamed for this test: applying them under their
    // real names would replace the restricted user's roles that testenv/kube set up (and
    // that the other tests use). The rules and bindings are applied as printed.
    let manifest = stdout(&out)
        .replace("hybridctl-nodes", "hybridctl-nodes-it")
        .replace("hybridctl-training", "hybridctl-training-it");
    let applied = Applied {
        plane: &p,
        manifest,
    };
    let res = p.kubectl_as(&p.admin, &["apply", "-f", "-"], Some(&applied.manifest));
    assert!(
        res.status.success(),
        "kubectl apply refused the output of `hybridctl rbac`: {}",
        stderr(&res)
    );
    // RBAC is read from the informer cache: allow it a moment to see the new bindings.
    let ready = (0..50).any(|_| {
        if can_i(&p, "get", "pods/log", Some(&p.ns)).0 && can_i(&p, "patch", "nodes", None).0 {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        false
    });
    assert!(ready, "the applied bindings never took effect");
    for (verb, resource, namespaced) in GRANTED {
        let ns = namespaced.then_some(p.ns.as_str());
        let (yes, cmd) = can_i(&p, verb, resource, ns);
        assert!(yes, "denied but listed: kubectl {cmd}");
    }
    for (verb, resource, ns) in DENIED {
        let (yes, cmd) = can_i(&p, verb, resource, *ns);
        assert!(!yes, "allowed but not listed: kubectl {cmd}");
    }
    drop(applied);
}

fn doctor(kubeconfig: &str, namespace: &str) -> (Option<i32>, Value, String) {
    let out = hybridctl()
        .args([
            "doctor",
            "--kubeconfig",
            kubeconfig,
            "-n",
            namespace,
            "-o",
            "json",
        ])
        .output()
        .expect("hybridctl doctor");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "doctor -o json printed no JSON ({e}): {}\n{}",
            stdout(&out),
            stderr(&out)
        )
    });
    (out.status.code(), report, stderr(&out))
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["check"] == name))
        .unwrap_or_else(|| panic!("no check `{name}` in {report:#}"))
}

#[test]
fn doctor_passes_for_the_restricted_identity() {
    let Some(p) = plane() else { return };
    let (code, report, err) = doctor(&p.user, &p.ns);
    let failed: Vec<&Value> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["result"] != "pass" && c["check"] != "kubelet topology")
        .collect();
    assert!(
        failed.is_empty(),
        "not every check passed: {failed:#?}\n{err}"
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(report["namespace"], p.ns.as_str());
    // The least-privilege identity may not read the kubelets' configz: doctor says it cannot
    // tell, and why, and that is not a failure.
    let kubelet = check(&report, "kubelet topology");
    assert_eq!(kubelet["result"], "unknown", "{kubelet:#}");
    assert!(
        kubelet["detail"]
            .as_str()
            .is_some_and(|d| d.contains("cannot tell") && d.contains("nodes/proxy")),
        "{kubelet:#}"
    );
    for name in [
        "sbatch",
        "squeue",
        "kubeconfig",
        "api server",
        "identity",
        "kubeflow api",
        "namespace",
        "gpu nodes",
        "rbac nodes",
        "rbac pytorchjobs.kubeflow.org",
        "rbac trainjobs.trainer.kubeflow.org",
        "rbac jobsets.jobset.x-k8s.io",
        "rbac clustertrainingruntimes.trainer.kubeflow.org",
        "rbac pods",
        "rbac pods/log",
        "least privilege",
        "not admin",
    ] {
        assert_eq!(check(&report, name)["result"], "pass", "{name}");
    }
    assert!(
        check(&report, "identity")["detail"]
            .as_str()
            .is_some_and(|d| d.contains("hybridctl-user")),
        "{report:#}"
    );
    assert!(
        check(&report, "gpu nodes")["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("3 of 3 nodes")),
        "{report:#}"
    );
    // One access review per verb of the table, each allowed.
    let reviews: usize = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["check"].as_str().is_some_and(|n| n.starts_with("rbac ")))
        .map(|c| {
            let access = c["access"].as_array().expect("access");
            assert!(access.iter().all(|a| a["allowed"] == true), "{c:#}");
            access.len()
        })
        .sum();
    assert_eq!(reviews, GRANTED.len());
}

#[test]
fn doctor_fails_an_admin_identity() {
    let Some(p) = plane() else { return };
    let (code, report, err) = doctor(&p.admin, &p.ns);
    assert_eq!(code, Some(1), "{report:#}\n{err}");
    let row = check(&report, "not admin");
    assert_eq!(row["result"], "fail", "{row:#}");
    assert!(
        row["detail"]
            .as_str()
            .is_some_and(|d| d.contains("cluster admin")),
        "{row:#}"
    );
    assert!(
        row["hint"]
            .as_str()
            .is_some_and(|h| h.contains("hybridctl rbac")),
        "{row:#}"
    );
    assert!(err.contains("`not admin`"), "{err}");
    assert!(
        err.contains("hint:") && err.contains("hybridctl rbac"),
        "{err}"
    );
    // An admin may do what hybridctl does; it is refused for being more.
    assert_eq!(check(&report, "rbac pods")["result"], "pass");
    assert_eq!(check(&report, "least privilege")["result"], "warn");
    // An admin may read the kubelets' configz; kwok's simulated kubelets serve none, and
    // doctor says so per node instead of guessing.
    let kubelet = check(&report, "kubelet topology");
    assert_eq!(kubelet["result"], "unknown", "{kubelet:#}");
    assert!(
        kubelet["detail"]
            .as_str()
            .is_some_and(|d| d.contains("cannot tell: node1: ")),
        "{kubelet:#}"
    );
}

#[test]
fn doctor_reports_each_denied_verb_with_its_resource() {
    let Some(p) = plane() else { return };
    // The restricted identity's Role is in `training` only.
    let (code, report, err) = doctor(&p.user, "other");
    assert_eq!(code, Some(1), "{report:#}\n{err}");
    assert_eq!(check(&report, "rbac nodes")["result"], "pass");
    for (resource, verbs) in [
        (
            "pytorchjobs.kubeflow.org",
            &["create", "get", "list", "watch", "delete"][..],
        ),
        ("pods", &["get", "list", "watch", "delete"][..]),
        ("pods/log", &["get"][..]),
    ] {
        let row = check(&report, &format!("rbac {resource}"));
        assert_eq!(row["result"], "fail", "{row:#}");
        let detail = row["detail"].as_str().expect("detail");
        assert!(
            detail.contains(&format!("`{resource}` in namespace `other` denied")),
            "{detail}"
        );
        for verb in verbs {
            assert!(detail.contains(verb), "{verb} missing from: {detail}");
        }
        let access = row["access"].as_array().expect("access");
        assert_eq!(access.len(), verbs.len());
        for a in access {
            assert_eq!(a["allowed"], false, "{a:#}");
            assert_eq!(a["namespace"], "other", "{a:#}");
        }
        assert!(
            row["hint"]
                .as_str()
                .is_some_and(|h| h.contains("hybridctl rbac -n other")),
            "{row:#}"
        );
    }
    assert!(err.contains("`rbac pods`"), "{err}");
}

#[test]
fn doctor_without_a_kubeconfig_fails_that_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope.kubeconfig");
    let missing = missing.to_str().expect("utf-8 path");
    let (code, report, err) = doctor(missing, "training");
    assert_eq!(code, Some(1), "{report:#}\n{err}");
    let row = check(&report, "kubeconfig");
    assert_eq!(row["result"], "fail");
    assert!(
        row["detail"].as_str().is_some_and(|d| d.contains(missing)),
        "{row:#}"
    );
    assert!(err.contains("`kubeconfig`"), "{err}");
}
