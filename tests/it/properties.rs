//! Generated hostile input for every parser of outside text (issue 19): the spec decoder,
//! the hostlist parser, the NCCL line parser and the tool-output parsers (sbatch, squeue,
//! sacct, scontrol, mmlsquota, mlnx_qos, dcb, ethtool, ibv_devinfo, perftest, remote counter
//! snapshots, nccl.conf). Each must return (a value or an error) for any input, without a
//! panic, and the structured ones keep their invariants.
//!
//! CI runs a few hundred cases per property (`PROPTEST_CASES` raises it); the cargo-fuzz
//! targets under `fuzz/` run the same entry points for as long as one likes
//! (docs/testing.md).

use std::collections::HashSet;
use std::sync::Arc;

use hybridctl::jobspec::load::{Overrides, resolve_spec};
use hybridctl::settings::{Env, Settings};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// Text that looks like what the parsers expect, mutated: field separators, digits, brackets,
/// keywords of the formats, control characters and non-ASCII.
fn nasty_text() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "|",
        ":",
        "=",
        ",",
        " ",
        "\t",
        "\n",
        "\r\n",
        "[",
        "]",
        "-",
        "{",
        "}",
        "#",
        "%",
        "\0",
        "\u{1b}[31m",
        "é",
        "日本",
        "0",
        "1",
        "4294967296",
        "-1",
        "99999999999999999999",
        "N/A",
        "UNLIMITED",
        "INFINITE",
        "NCCL",
        "NCCL INFO",
        "NCCL WARN",
        "Init COMPLETE",
        "mlx5_0",
        "RoCE v2",
        "GPU",
        "PFC",
        "priority",
        "enabled",
        "dscp2prio",
        "Submitted batch job",
        "JobId=",
        "JobState=",
        "mmlsquota::",
        "HEADER",
        "0:USR",
        "BW average",
        "#bytes",
        "active_mtu:",
        "prio-pfc",
        "app",
        "rx_prio3_pause:",
        "  ",
        "x",
    ]);
    prop::collection::vec(atoms, 0..64).prop_map(|v| v.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![nasty_text(), any::<String>(), "[ -~\n]{0,300}"]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// The spec path: YAML parse, layering, decode, validation. Never a panic, always an
    /// answer; an invalid spec has at least one error diagnostic.
    #[test]
    fn spec_decoder_answers_any_text(text in any_text()) {
        let settings = Settings::empty(Env::default());
        let loaded = resolve_spec(&settings, "gen.yaml", &text, &Overrides::default());
        if loaded.spec.is_none() {
            prop_assert!(!loaded.diagnostics.is_empty());
        }
        for d in &loaded.diagnostics {
            prop_assert!(d.message.len() <= 2100, "{} bytes", d.message.len());
        }
    }

    /// Mappings with generated keys: duplicate detection is exact (a key repeated in the same
    /// mapping is an error naming it; distinct keys are kept in order).
    #[test]
    fn yaml_mapping_keys_and_duplicates(keys in prop::collection::vec("[a-z]{1,3}", 0..200)) {
        let text: String = keys.iter().enumerate().map(|(i, k)| format!("{k}: {i}\n")).collect();
        let unique: HashSet<&String> = keys.iter().collect();
        let parsed = hybridctl::yaml::parse(&Arc::from("gen.yaml"), &text);
        if unique.len() == keys.len() {
            let root = parsed.expect("distinct keys parse");
            let hybridctl::yaml::Value::Map(entries) = &root.value else {
                panic!("a mapping");
            };
            let got: Vec<&str> = entries.iter().map(|(k, _)| k.name.as_str()).collect();
            let want: Vec<&str> = keys.iter().map(String::as_str).collect();
            prop_assert_eq!(got, want);
        } else {
            let err = parsed.expect_err("a repeated key is an error");
            prop_assert!(err.message.starts_with("duplicate key `"), "{}", err.message);
        }
    }

    /// Hostlists: never a panic; what expands is bounded, free of separators and newlines,
    /// and survives compress/expand.
    #[test]
    fn hostlist_parser_answers_any_text(list in any_text()) {
        if let Ok(hosts) = hybridctl::hostlist::expand(&list) {
            prop_assert!(hosts.len() <= hybridctl::hostlist::MAX_HOSTS);
            for h in &hosts {
                prop_assert!(!h.is_empty());
                prop_assert!(!h.contains([',', ' ', '\t', '\n', '[', ']']), "{h:?}");
            }
            let again = hybridctl::hostlist::expand(&hybridctl::hostlist::compress(&hosts));
            prop_assert_eq!(again.as_ref(), Ok(&hosts));
        }
    }

    /// NCCL lines: any sequence of lines from any source gives a report.
    #[test]
    fn nccl_line_parser_answers_any_lines(lines in prop::collection::vec(any_text(), 0..40)) {
        let mut a = hybridctl::nccl::Analyzer::new(hybridctl::nccl::Expectation::default());
        for (i, l) in lines.iter().enumerate() {
            a.feed(if i % 2 == 0 { "worker-0" } else { "worker-1" }, l);
            a.feed_bytes("raw", l.as_bytes(), Some(i as u64 + 1), None);
        }
        a.finish();
        let _ = a.report();
    }

    /// Slurm's tools: sbatch, squeue, sacct, scontrol and their error texts.
    #[test]
    fn slurm_output_parsers_answer_any_text(text in any_text(), code in any::<Option<i32>>()) {
        use hybridctl::slurm::parse as p;
        let _ = p::parse_sbatch_parsable(&text);
        let _ = p::classify_sbatch_error(&text, code);
        let _ = p::classify_query_failure(&text, code);
        let _ = p::parse_squeue(&text);
        let _ = p::parse_squeue_lenient(&text);
        let _ = p::parse_sacct(&text);
        let _ = p::parse_sacct_lenient(&text);
        let _ = p::parse_scontrol_jobs(&text);
        let _ = p::parse_scontrol_job(&text);
        let _ = p::parse_kill_wait(&text);
        let _ = p::parse_duration(&text);
        let _ = hybridctl::jobspec::units::parse_time(&text);
    }

    /// GPFS and the fabric tools.
    #[test]
    fn storage_and_fabric_parsers_answer_any_text(text in any_text()) {
        use hybridctl::fabric::{audit, counters, ethtool, perftest, qos};
        let _ = hybridctl::gpfs::parse_mmlsquota_y(&text);
        let _ = qos::parse_mlnx_qos(&text);
        let _ = qos::parse_dcb_pfc(&text);
        let _ = qos::parse_dcb_app_dscp(&text);
        let _ = qos::parse_ibv_active_mtu(&text);
        let stats = ethtool::parse_stats(&text);
        let _ = ethtool::pause_counters(&stats);
        let _ = perftest::parse_bw(&text);
        let _ = perftest::parse_lat(&text);
        let _ = perftest::classify_failure(&text, &text);
        let _ = counters::parse_remote("node1", &text);
        let _ = audit::parse_nccl_conf(&text);
    }
}
