//! `hybridctl describe` of a real job: real Slurm with the hybridctl hooks, the real
//! `launch` in the batch step, the real operator, scheduler and controllers, kwok's pods.

use std::time::Duration;

use serde_json::Value;

use crate::hooks::{running_job, world};
use crate::slurm::wait_until;
use crate::util::{root, stderr, stdout};

#[test]
fn describe_merges_slurm_and_kubernetes_into_one_timeline_with_the_nccl_verdict() {
    let Some(w) = world() else { return };
    let (id, nodes) = running_job(&w, "described", "");
    let describe = |kubeconfig: &str, json: bool| {
        let mut cmd = w.c.hybridctl();
        cmd.env("HYBRIDCTL_SITE_CONFIG", &w.site).args([
            "describe",
            &id,
            "--kubeconfig",
            kubeconfig,
        ]);
        if json {
            cmd.args(["-o", "json"]);
        }
        let out = cmd.output().expect("runs");
        assert!(out.status.success(), "describe: {}", stderr(&out));
        out
    };
    let doc = |out: &std::process::Output| -> Value {
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        crate::contract::assert_document("job-timeline", &v);
        v
    };
    // As an admin: every source, events included, in time order.
    let v = doc(&describe(&w.p.admin, true));
    assert_eq!(v["state"], "RUNNING");
    assert_eq!(v["name"], "described");
    let items = v["items"].as_array().expect("items").clone();
    let find = |origin: &str, what: &str| {
        items.iter().position(|i| {
            i["origin"] == origin && i["what"].as_str().is_some_and(|w| w.contains(what))
        })
    };
    let submitted = find("slurm", "submitted to partition gpu (2 node(s))").expect("submitted");
    let started = find("slurm", &format!("started on {}", compress(&nodes))).expect("started");
    let record = find("hybridctl", "submitted described from").expect("the job record");
    let created = items
        .iter()
        .position(|i| {
            i["object"] == format!("pytorchjob/described-{id}").as_str() && i["what"] == "created"
        })
        .expect("the PyTorchJob");
    let scheduled = find("kubernetes", "scheduled to node").expect("a pod scheduled");
    let running = find("kubernetes", "Running=True").expect("the operator's Running condition");
    let scheduler_event = items
        .iter()
        .position(|i| {
            i["component"] == "default-scheduler"
                && i["what"]
                    .as_str()
                    .is_some_and(|w| w.starts_with("Scheduled: "))
        })
        .expect("the scheduler's event");
    assert!(submitted < started && started < created, "{items:#?}");
    assert!(
        record <= started && created < scheduled && scheduled < running,
        "{items:#?}"
    );
    assert!(created < scheduler_event, "{items:#?}");
    let times: Vec<&str> = items.iter().filter_map(|i| i["time"].as_str()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "sorted by time");
    // As the restricted identity (no `list events`): the rest, and a note that says so.
    let out = describe(&w.p.user, false);
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!("job {id} (described): RUNNING\n")),
        "{text}"
    );
    assert!(
        text.contains("TIME") && text.contains("scheduled to node"),
        "{text}"
    );
    assert!(
        stderr(&out).contains("note: Kubernetes events are not shown")
            && stderr(&out).contains("forbidden"),
        "{}",
        stderr(&out)
    );
    // The job ends; its batch output gets NCCL lines (a recorded collective timeout, which
    // the watchdog reports): the verdict joins the timeline.
    let out =
        w.c.hybridctl()
            .env("HYBRIDCTL_SITE_CONFIG", &w.site)
            .args(["cancel", "--grace", "2", &id])
            .output()
            .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(wait_until(Duration::from_secs(60), || w
        .c
        .squeue_state(&id)
        .is_none_or(|s| s == "CANCELLED")));
    let output =
        w.c.work
            .path()
            .join(format!("hybridctl-described-{id}.out"));
    let fixture =
        std::fs::read(root().join("tests/fixtures/nccl/watchdog-timeout.log")).expect("fixture");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&output)
        .expect("batch output");
    std::io::Write::write_all(&mut f, &fixture).expect("append");
    let v = doc(&describe(&w.p.admin, true));
    assert_eq!(v["state"], "CANCELLED");
    let items = v["items"].as_array().expect("items");
    assert!(
        items.iter().any(|i| i["origin"] == "slurm"
            && i["what"]
                .as_str()
                .is_some_and(|w| w.starts_with("ended CANCELLED"))
            && i["warning"] == true),
        "{items:#?}"
    );
    assert_eq!(v["nccl"]["outcome"], "bad", "{}", v["nccl"]);
    assert!(
        v["nccl"]["verdicts"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
    let out = describe(&w.p.admin, false);
    assert!(stdout(&out).contains("NCCL (Bad)"), "{}", stdout(&out));
}

fn compress(nodes: &[String]) -> String {
    hybridctl::hostlist::compress(nodes)
}
