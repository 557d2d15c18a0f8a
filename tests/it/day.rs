//! README's "A day with hybridctl": its commands, in order, against the test clusters (real
//! Slurm with the hybridctl hooks, the real API server, scheduler and training operator,
//! kwok's pods). The README is the script: a command added there runs here.

use std::time::Duration;

use crate::hooks::world;
use crate::util::{root, stderr, stdout};

/// The `$ hybridctl ...` lines of the README section, without their comments.
fn commands() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let section = readme
        .split("## A day with hybridctl")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README has the section");
    section
        .lines()
        .filter_map(|l| l.strip_prefix("$ hybridctl "))
        .map(|l| {
            let l = l.split("  #").next().unwrap_or(l);
            shlex::split(l).expect("shell words")
        })
        .collect()
}

#[test]
fn a_day_with_hybridctl_as_the_readme_shows_it() {
    let cmds = commands();
    assert!(cmds.len() >= 5, "{cmds:?}");
    let Some(w) = world() else { return };
    w.taint(&["node1", "node2"]);
    // train.yaml: 2 nodes, pods that print kwok's fixture log and succeed after a while.
    let spec =
        w.c.spec_env("train", 2, 8, "", &[("HYBRIDCTL_TEST_RUN_DURATION", "20s")]);
    assert_eq!(spec, w.c.work.path().join("train.yaml"));
    let mut id = String::new();
    for args in &cmds {
        // Before reading the logs, the pods must have started (a person would wait too).
        if args[0] == "logs" {
            assert!(!id.is_empty(), "submit comes first");
            w.wait_running(&id);
            w.p.wait_pods(
                &format!("train-{id}"),
                2,
                "Running",
                Duration::from_secs(60),
            );
        }
        let out =
            w.c.hybridctl()
                .env_remove("HYBRIDCTL_LAUNCH_DRY_RUN")
                .env("HYBRIDCTL_SITE_CONFIG", &w.site)
                .env("KUBECONFIG", &w.p.user)
                .current_dir(w.c.work.path())
                .args(args)
                .timeout(Duration::from_secs(180))
                .output()
                .expect("runs");
        assert!(
            out.status.success(),
            "`hybridctl {}` failed: {}\n{}",
            args.join(" "),
            stdout(&out),
            stderr(&out)
        );
        let text = stdout(&out);
        match args[0].as_str() {
            "init" => {
                let starter = w.c.work.path().join("starter.yaml");
                let written = std::fs::read_to_string(&starter).expect("init wrote the file");
                assert!(written.contains("nodes: 2"), "{written}");
            }
            "explain" => assert!(text.contains("NCCL_IB_GID_INDEX"), "{text}"),
            "config" => assert!(
                text.contains("train.yaml:") && text.contains("slurm.nodes"),
                "the origin of the spec's values: {text}"
            ),
            "submit" => id = text.trim().to_string(),
            "status" if args.contains(&"--me".to_string()) => {
                assert!(text.contains(&id) && text.contains("train"), "{text}")
            }
            "logs" => {
                assert!(!text.is_empty(), "no log line");
                assert!(text.lines().all(|l| l.contains("loss")), "{text}");
            }
            "status" => assert!(
                text.contains(&format!("job {id}: RUNNING -> COMPLETED"))
                    || text.contains(&format!("job {id}: RUNNING -> COMPLETING"))
                    || text.contains(&format!("job {id} (train): COMPLETED")),
                "the watch saw the end: {text}"
            ),
            "describe" => {
                assert!(
                    text.starts_with(&format!("job {id} (train): COMPLETED")),
                    "{text}"
                );
                assert!(text.contains("started on node[1-2]"), "{text}");
            }
            _ => {}
        }
    }
}
