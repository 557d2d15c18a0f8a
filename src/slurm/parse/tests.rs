use super::*;
use crate::slurm::reasons::ReasonGroup;

/// A recorded fixture, byte for byte (`tests/fixtures/slurm/`, see `record.sh` there).
macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/slurm/",
            $name
        ))
    };
}

/// The exit status a fixture's `.source` file records.
macro_rules! fixture_exit {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/slurm/",
            $name,
            ".source"
        ))
        .lines()
        .find_map(|l| l.strip_prefix("exit: "))
        .and_then(|v| v.parse::<i32>().ok())
    };
}

fn ts(text: &str) -> Option<Timestamp> {
    Timestamp::parse(text).expect("timestamp")
}

// --- small values ---------------------------------------------------------------------

#[test]
fn durations_in_every_slurm_form() {
    let ok = [
        ("0:00", Some(0)),
        ("0:05", Some(5)),
        ("1:20", Some(80)),
        ("59:59", Some(3599)),
        ("1:02:03", Some(3723)),
        ("00:01:00", Some(60)),
        ("00:00:04", Some(4)),
        ("2-03:04:05", Some(2 * 86_400 + 3 * 3600 + 4 * 60 + 5)),
        ("1-00:00:00", Some(86_400)),
        ("UNLIMITED", None),
        ("INFINITE", None),
        ("INVALID", None),
        ("NOT_SET", None),
        ("N/A", None),
        ("Partition_Limit", None),
    ];
    for (text, seconds) in ok {
        assert_eq!(parse_duration(text).expect(text), seconds, "{text}");
    }
    assert_eq!(
        SlurmDuration::parse("UNLIMITED"),
        Ok(SlurmDuration::Unlimited)
    );
    assert_eq!(
        SlurmDuration::parse("Partition_Limit"),
        Ok(SlurmDuration::PartitionLimit)
    );
    assert_eq!(SlurmDuration::parse("INVALID"), Ok(SlurmDuration::Invalid));
    assert_eq!(SlurmDuration::parse("NOT_SET"), Ok(SlurmDuration::NotSet));
    for bad in [
        "",
        "5",
        "-5",
        ":",
        "1:",
        ":05",
        "0:5",
        "0:60",
        "1:60:00",
        "1-24:00:00",
        "1-02:03",
        "1-2:03:04",
        "a:bc",
        "1:02:03:04",
        "+1:00",
        " 1:00",
        "1:00 ",
        "１:００",
        "1--1:00:00",
        "99999999999999999999:00",
        "213503982334602-00:00:00",
        "unlimited",
        "0x1:00",
    ] {
        let e = parse_duration(bad).expect_err(bad);
        assert_eq!(e.kind(), ParseErrorKind::Duration, "{bad}");
    }
}

#[test]
fn durations_format_the_way_squeue_prints_them() {
    for (seconds, text) in [
        (0, "0:00"),
        (5, "0:05"),
        (80, "1:20"),
        (3599, "59:59"),
        (3600, "1:00:00"),
        (86_399, "23:59:59"),
        (86_400, "1-00:00:00"),
        (2 * 86_400 + 3723, "2-01:02:03"),
    ] {
        assert_eq!(format_duration(seconds), text);
        assert_eq!(SlurmDuration::Seconds(seconds).to_string(), text);
        assert_eq!(parse_duration(text), Ok(Some(seconds)));
    }
    assert_eq!(SlurmDuration::Unlimited.to_string(), "UNLIMITED");
    assert_eq!(format_duration(u64::MAX).split('-').count(), 2);
}

#[test]
fn sacct_time_limits_are_minutes() {
    assert_eq!(
        SlurmDuration::parse_limit_minutes("2"),
        Ok(SlurmDuration::Seconds(120))
    );
    assert_eq!(
        SlurmDuration::parse_limit_minutes("UNLIMITED"),
        Ok(SlurmDuration::Unlimited)
    );
    assert_eq!(
        SlurmDuration::parse_limit_minutes("01:00:00"),
        Ok(SlurmDuration::Seconds(3600))
    );
    assert!(SlurmDuration::parse_limit_minutes("").is_err());
    assert!(SlurmDuration::parse_limit_minutes("307445734561825861").is_err());
}

#[test]
fn timestamps() {
    let t = ts("2026-11-29T02:56:25").expect("some");
    assert_eq!(
        (t.year, t.month, t.day, t.hour, t.minute, t.second),
        (2026, 11, 29, 2, 56, 25)
    );
    assert_eq!(t.to_string(), "2026-11-29T02:56:25");
    assert!(ts("2026-11-29T02:56:25") < ts("2026-11-29T02:56:26"));
    for none in ["", "N/A", "NONE", "None", "Unknown"] {
        assert_eq!(Timestamp::parse(none), Ok(None), "{none}");
    }
    for bad in [
        "2026-11-29 02:56:25",
        "2026-13-29T02:56:25",
        "2026-00-29T02:56:25",
        "2026-11-32T02:56:25",
        "2026-11-29T24:00:00",
        "2026-11-29T02:60:00",
        "2026-11-29T02:56:61",
        "2026-11-29T02:56",
        "2026-11-29T02:56:25Z",
        "２026-11-29T02:56:25",
        "now+1hour",
        "Tue 03:08",
    ] {
        let e = Timestamp::parse(bad).expect_err(bad);
        assert_eq!(e.kind(), ParseErrorKind::Timestamp, "{bad}");
    }
}

#[test]
fn exit_codes() {
    assert_eq!(
        ExitCode::parse("3:0"),
        Ok(ExitCode {
            status: 3,
            signal: 0
        })
    );
    let killed = ExitCode::parse("0:15").expect("0:15");
    assert_eq!((killed.status, killed.signal), (0, 15));
    assert!(!killed.is_success());
    assert!(ExitCode::parse("0:0").expect("0:0").is_success());
    assert_eq!(killed.to_string(), "0:15");
    for bad in [
        "",
        "3",
        ":",
        "3:",
        ":0",
        "-1:0",
        "a:b",
        "3:0:0",
        "99999999999:0",
    ] {
        assert_eq!(
            ExitCode::parse(bad).map_err(|e| e.kind()),
            Err(ParseErrorKind::ExitCode),
            "{bad}"
        );
    }
}

#[test]
fn job_ids() {
    for good in [
        "1",
        "42",
        "4294967295",
        "42_7",
        "42_[1-5]",
        "42_[1-5%2]",
        "42_[1,3,5-7]",
        "42+0",
        "42.batch",
        "42.extern",
        "42.0",
        "42_7.batch",
        "42+1.0",
    ] {
        assert!(is_job_id(good), "{good}");
    }
    for bad in [
        "",
        "0",
        "00",
        "_1",
        "a",
        "42_",
        "42.",
        "42 ",
        " 42",
        "42|42",
        "42_[1-5]x|",
        "-1",
        "42.ba tch",
        "４２",
        "42\n",
    ] {
        assert!(!is_job_id(bad), "{bad:?}");
    }
}

// --- job states -----------------------------------------------------------------------

#[test]
fn every_state_parses_by_name_and_code() {
    let names = [
        "PENDING",
        "RUNNING",
        "SUSPENDED",
        "COMPLETING",
        "COMPLETED",
        "CONFIGURING",
        "CANCELLED",
        "FAILED",
        "TIMEOUT",
        "PREEMPTED",
        "NODE_FAIL",
        "BOOT_FAIL",
        "DEADLINE",
        "OUT_OF_MEMORY",
        "REQUEUED",
        "RESIZING",
        "REVOKED",
        "SIGNALING",
        "SPECIAL_EXIT",
        "STAGE_OUT",
        "STOPPED",
        "REQUEUE_HOLD",
        "REQUEUE_FED",
        "RESV_DEL_HOLD",
    ];
    assert_eq!(JobState::ALL.len(), names.len());
    for (state, name) in JobState::ALL.iter().zip(names) {
        assert_eq!(state.as_str(), name);
        assert_eq!(JobState::parse(name), Ok(*state));
        assert_eq!(name.parse::<JobState>(), Ok(*state));
        assert_eq!(JobState::parse(state.compact()), Ok(*state));
        assert_eq!(state.to_string(), name);
        let phases = [state.is_pending(), state.is_active(), state.is_finished()];
        assert_eq!(phases.iter().filter(|p| **p).count(), 1, "{name}");
    }
    assert_eq!(JobState::parse("PD"), Ok(JobState::Pending));
    assert_eq!(JobState::parse("CG"), Ok(JobState::Completing));
    assert_eq!(JobState::parse("OOM"), Ok(JobState::OutOfMemory));
    assert_eq!(JobState::parse("S"), Ok(JobState::Suspended));
    assert_eq!(JobState::parse("ST"), Ok(JobState::Stopped));
}

#[test]
fn cancelled_by_a_user() {
    assert_eq!(
        JobState::parse_with_canceller("CANCELLED by 0"),
        Ok((JobState::Cancelled, Some(0)))
    );
    assert_eq!(
        JobState::parse_with_canceller("CANCELLED by 1000"),
        Ok((JobState::Cancelled, Some(1000)))
    );
    assert_eq!(JobState::parse("CANCELLED by 0"), Ok(JobState::Cancelled));
    assert_eq!(
        JobState::parse_with_canceller("CANCELLED"),
        Ok((JobState::Cancelled, None))
    );
    for bad in [
        "",
        "pending",
        "Pending",
        "CANCELLED+",
        "CANCELLED by",
        "CANCELLED by root",
        "CANCELLED by -1",
        "RUNNING ",
        " RUNNING",
        "UNKNOWN",
        "P",
        "RUNNING by 0",
    ] {
        assert_eq!(
            JobState::parse(bad).map_err(|e| e.kind()),
            Err(ParseErrorKind::JobState),
            "{bad}"
        );
    }
}

#[test]
fn the_phases_of_states() {
    use JobState as S;
    for s in [
        S::Completed,
        S::Cancelled,
        S::Failed,
        S::Timeout,
        S::Preempted,
        S::NodeFail,
        S::BootFail,
        S::Deadline,
        S::OutOfMemory,
        S::Revoked,
    ] {
        assert!(s.is_finished() && !s.is_active() && !s.is_pending(), "{s}");
    }
    for s in [
        S::Running,
        S::Suspended,
        S::Stopped,
        S::Configuring,
        S::Completing,
        S::Signaling,
        S::Resizing,
        S::StageOut,
    ] {
        assert!(s.is_active(), "{s}");
    }
    for s in [
        S::Pending,
        S::Requeued,
        S::RequeueHold,
        S::RequeueFed,
        S::ResvDelHold,
        S::SpecialExit,
    ] {
        assert!(s.is_pending(), "{s}");
    }
}

// --- errors ---------------------------------------------------------------------------

#[test]
fn errors_say_where_and_cut_long_text() {
    let long = format!("{}é", "x".repeat(ParseError::MAX_TEXT - 1));
    let e = parse_squeue(&format!("1|nope|{long}")).expect_err("bad");
    assert_eq!(e.line_number(), Some(1));
    assert!(e.text().len() <= ParseError::MAX_TEXT + '…'.len_utf8());
    assert!(e.text().ends_with('…'));
    let e = JobState::parse("WAITING\n").expect_err("bad");
    assert_eq!(
        e.to_string(),
        "state: not a Slurm job state in `WAITING\\n`"
    );
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert!(boxed.to_string().contains("WAITING"));
}

// --- sbatch ---------------------------------------------------------------------------

#[test]
fn sbatch_parsable_fixture() {
    assert_eq!(fixture_exit!("sbatch-parsable.stdout"), Some(0));
    assert_eq!(
        parse_sbatch_parsable(fixture!("sbatch-parsable.stdout")),
        Ok(("1".to_string(), None))
    );
}

#[test]
fn sbatch_parsable_with_a_cluster_and_garbage() {
    assert_eq!(
        parse_sbatch_parsable("4242;gpu-west\n"),
        Ok(("4242".to_string(), Some("gpu-west".to_string())))
    );
    assert_eq!(parse_sbatch_parsable("  17 \n\n"), Ok(("17".into(), None)));
    for bad in [
        "",
        "\n",
        "0\n",
        "abc\n",
        "12 34\n",
        "12\n13\n",
        "12;\n",
        "12;a b\n",
        "12;x;y\n",
        "-1\n",
        "4294967296\n",
        "Submitted batch job 12\n",
        "sbatch: error: Batch job submission failed: Invalid partition name specified\n",
    ] {
        assert!(parse_sbatch_parsable(bad).is_err(), "{bad:?}");
    }
}

macro_rules! sbatch_case {
    ($name:literal, $kind:ident, $message:literal) => {
        (
            $name,
            fixture!($name),
            fixture_exit!($name),
            SbatchErrorKind::$kind,
            $message,
        )
    };
}

#[test]
fn sbatch_refusals_recorded_from_slurm() {
    let cases = [
        sbatch_case!(
            "sbatch-invalid-partition.stderr",
            InvalidPartition,
            "Invalid partition name specified"
        ),
        sbatch_case!(
            "sbatch-gres-gpu9.stderr",
            NodeConfigUnavailable,
            "Requested node configuration is not available"
        ),
        sbatch_case!(
            "sbatch-gpus-per-node9.stderr",
            NodeConfigUnavailable,
            "Requested node configuration is not available"
        ),
        sbatch_case!(
            "sbatch-memory.stderr",
            NodeConfigUnavailable,
            "Requested node configuration is not available"
        ),
        sbatch_case!(
            "sbatch-too-many-cpus.stderr",
            NodeConfigUnavailable,
            "More processors requested than permitted"
        ),
        sbatch_case!(
            "sbatch-nodes3.stderr",
            NodeCount,
            "Node count specification invalid"
        ),
        sbatch_case!(
            "sbatch-partition-max-nodes.stderr",
            NodeCount,
            "Node count specification invalid"
        ),
        sbatch_case!(
            "sbatch-time-over-partition-max.stderr",
            TimeLimit,
            "Requested time limit is invalid (missing or exceeds some limit)"
        ),
        sbatch_case!(
            "sbatch-partition-inactive.stderr",
            PartitionUnavailable,
            "Required partition not available (inactive or drain)"
        ),
        sbatch_case!(
            "sbatch-partition-drain.stderr",
            PartitionUnavailable,
            "Required partition not available (inactive or drain)"
        ),
        sbatch_case!(
            "sbatch-account-not-allowed.stderr",
            InvalidAccount,
            "Invalid account or account/partition combination specified"
        ),
        sbatch_case!(
            "sbatch-invalid-gres-name.stderr",
            InvalidGres,
            "Invalid generic resource (gres) specification"
        ),
        sbatch_case!(
            "sbatch-controller-down.stderr",
            ControllerUnreachable,
            "Unable to contact slurm controller (connect failure)"
        ),
        sbatch_case!(
            "sbatch-no-config.stderr",
            Configuration,
            "Could not establish a configuration source"
        ),
        sbatch_case!(
            "sbatch-invalid-reservation.stderr",
            Other,
            "Requested reservation is invalid"
        ),
        sbatch_case!(
            "sbatch-invalid-feature.stderr",
            Other,
            "Invalid feature specification"
        ),
        sbatch_case!(
            "sbatch-invalid-nodename.stderr",
            Other,
            "Invalid node name specified"
        ),
        sbatch_case!(
            "sbatch-invalid-time-option.stderr",
            Other,
            "Invalid --time specification"
        ),
        // written by hand from Slurm 22.05's message table (see their .source files)
        sbatch_case!(
            "sbatch-invalid-qos.stderr",
            InvalidQos,
            "Invalid qos specification"
        ),
        sbatch_case!(
            "sbatch-accounting-policy.stderr",
            AccountingPolicy,
            "Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)"
        ),
    ];
    for (name, stderr, exit, kind, message) in cases {
        let expected_exit = if name.contains("time-option") { 255 } else { 1 };
        assert_eq!(exit, Some(expected_exit), "{name}");
        let failure = classify_sbatch_error(stderr, exit);
        assert_eq!(failure.kind, kind, "{name}");
        assert_eq!(failure.message, message, "{name}");
        assert_eq!(failure.exit_code, exit);
        assert_eq!(failure.stderr, stderr.trim());
        assert_eq!(
            failure.to_string(),
            format!("sbatch refused the job: {message}")
        );
        assert!(!kind.hint().is_empty() && !kind.as_str().is_empty());
    }
}

#[test]
fn sbatch_refusals_without_the_usual_shape() {
    let f = classify_sbatch_error("", Some(1));
    assert_eq!(f.kind, SbatchErrorKind::Other);
    assert_eq!(f.message, "sbatch exited with status 1 and printed nothing");
    let f = classify_sbatch_error("", None);
    assert_eq!(
        f.message,
        "sbatch was ended by a signal and printed nothing"
    );
    let f = classify_sbatch_error("something odd\n", Some(1));
    assert_eq!(
        (f.kind, f.message.as_str()),
        (SbatchErrorKind::Other, "something odd")
    );
    // the kind comes from any line when the main message says nothing known
    let f = classify_sbatch_error(
        "sbatch: error: Unable to contact slurm controller (connect failure)\nsbatch: error: x\n",
        Some(1),
    );
    assert_eq!(f.kind, SbatchErrorKind::ControllerUnreachable);
    assert_eq!(f.message, "x");
    // a warning before the refusal does not hide it
    let f = classify_sbatch_error(
        "sbatch: warning: something\nsbatch: error: Batch job submission failed: Invalid qos specification\n",
        Some(1),
    );
    assert_eq!(f.kind, SbatchErrorKind::InvalidQos);
}

#[test]
fn the_fixtures_were_recorded_with_these_formats() {
    let script = fixture!("record.sh");
    assert!(script.contains(&format!("\nSQUEUE_FORMAT='{SQUEUE_FORMAT}'\n")));
    assert!(script.contains(&format!("\nSACCT_FORMAT='{SACCT_FORMAT}'\n")));
    assert!(fixture!("squeue-pending.txt.source").contains(SQUEUE_FORMAT));
    assert!(fixture!("sacct-c.txt.source").contains(SACCT_FORMAT));
}

// --- squeue ---------------------------------------------------------------------------

fn by_id<'a>(entries: &'a [QueueEntry], id: &str) -> &'a QueueEntry {
    entries
        .iter()
        .find(|e| e.job_id == id)
        .unwrap_or_else(|| panic!("no job {id}"))
}

#[test]
fn squeue_pending_fixture() {
    let text = fixture!("squeue-pending.txt");
    let entries = parse_squeue(text).expect("parses");
    let ids: Vec<&str> = entries.iter().map(|e| e.job_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "18", "12", "13", "14", "15", "19", "20", "21", "22", "23", "17", "16", "9", "11"
        ]
    );
    let expect = [
        (
            "18",
            "PartitionDown",
            ReasonGroup::ReservationOrMaintenance,
            "closedpart",
        ),
        (
            "12",
            "Resources",
            ReasonGroup::ResourcesOrPriority,
            "needs gpus",
        ),
        (
            "13",
            "Priority",
            ReasonGroup::ResourcesOrPriority,
            "pipe|in name",
        ),
        ("14", "BeginTime", ReasonGroup::Other, "later"),
        ("15", "Dependency", ReasonGroup::Dependency, "after"),
        (
            "19",
            "Reservation",
            ReasonGroup::ReservationOrMaintenance,
            "inresv",
        ),
        ("20", "BeginTime", ReasonGroup::Other, "two\nlines"),
        ("21", "BeginTime", ReasonGroup::Other, "ünïcödé ✓"),
        ("22", "BeginTime", ReasonGroup::Other, "  spaces  around  "),
        (
            "23",
            "BeginTime",
            ReasonGroup::Other,
            "name JobState=COMPLETED",
        ),
        ("17", "JobHeldAdmin", ReasonGroup::Held, "adminheld"),
        ("16", "JobHeldUser", ReasonGroup::Held, "userheld"),
    ];
    for (id, code, group, name) in expect {
        let e = by_id(&entries, id);
        assert_eq!(e.state, JobState::Pending, "{id}");
        assert_eq!(e.reason.code(), Some(code), "{id}");
        assert_eq!(e.reason.group(), group, "{id}");
        assert_eq!(e.reason_or_nodelist, format!("({code})"));
        assert_eq!(e.name, name);
        assert_eq!(
            (e.elapsed, e.nodes, e.nodelist.as_deref()),
            (Some(0), 1, None)
        );
        assert_eq!(e.time_limit, SlurmDuration::Unlimited);
        assert_eq!(e.user, "root");
        assert_eq!(e.submit_time, ts("2026-11-29T03:11:21"));
        assert_eq!(e.id().map(|n| n.to_string()).as_deref(), Some(id));
    }
    let closed = by_id(&entries, "18");
    assert_eq!(closed.partition, "closed");
    assert_eq!(closed.reason.to_string(), "its partition is down");
    let resources = by_id(&entries, "12");
    assert_eq!(resources.gres.as_deref(), Some("gres:gpu:8"));
    assert_eq!((resources.start_time, resources.end_time), (None, None));
    let later = by_id(&entries, "14");
    assert_eq!(later.start_time, ts("2026-11-29T04:11:21"));
    assert_eq!((later.end_time, later.gres.as_deref()), (None, None));
    let timeout = by_id(&entries, "9");
    assert_eq!(timeout.state, JobState::Running);
    assert!(timeout.reason.is_no_reason());
    assert_eq!(timeout.elapsed, Some(4));
    assert_eq!(timeout.time_limit, SlurmDuration::Seconds(60));
    assert_eq!(timeout.nodelist.as_deref(), Some("node1"));
    assert_eq!(timeout.reason_or_nodelist, "node1");
    assert_eq!(timeout.start_time, ts("2026-11-29T03:11:20"));
    assert_eq!(timeout.end_time, ts("2026-11-29T03:12:20"));
    assert_eq!(timeout.name, "times out");
    let holder = by_id(&entries, "11");
    assert_eq!((holder.state, holder.nodes), (JobState::Running, 2));
    assert_eq!(holder.nodelist.as_deref(), Some("node[1-2]"));
    assert_eq!(holder.gres.as_deref(), Some("gres:gpu:8"));
    assert_eq!((holder.elapsed, holder.end_time), (Some(3), None));
}

#[test]
fn squeue_transient_states_fixture() {
    let entries = parse_squeue(fixture!("squeue-transient.txt")).expect("parses");
    let got: Vec<(&str, JobState)> = entries
        .iter()
        .map(|e| (e.job_id.as_str(), e.state))
        .collect();
    assert_eq!(
        got,
        [
            ("29", JobState::Configuring),
            ("28", JobState::Completing),
            ("15", JobState::Pending),
            ("27", JobState::Pending),
            ("24", JobState::Suspended),
            ("26", JobState::SpecialExit),
            ("25", JobState::Stopped),
        ]
    );
    for id in ["29", "28", "24", "25"] {
        let e = by_id(&entries, id);
        assert!(e.state.is_active(), "{id}");
        assert_eq!(e.nodelist.as_deref(), Some("node2"));
        assert!(e.reason.is_no_reason());
    }
    assert_eq!(by_id(&entries, "28").end_time, ts("2026-11-29T03:11:33"));
    let never = by_id(&entries, "15");
    assert_eq!(never.reason.code(), Some("DependencyNeverSatisfied"));
    assert_eq!(never.reason.group(), ReasonGroup::Dependency);
    for id in ["27", "26"] {
        let e = by_id(&entries, id);
        assert!(e.state.is_pending(), "{id}");
        assert_eq!(e.reason.raw(), "job requeued in held state");
        assert_eq!(e.reason.group(), ReasonGroup::Held);
        assert_eq!(e.reason_or_nodelist, "(job requeued in held state)");
        // a requeue resets the submit time and delays the start
        assert_eq!(e.submit_time, ts("2026-11-29T03:11:32"));
        assert_eq!(e.start_time, ts("2026-11-29T03:13:32"));
    }
}

#[test]
fn squeue_unavailable_nodes_fixture() {
    let entries = parse_squeue(fixture!("squeue-unavailable.txt")).expect("parses");
    assert_eq!(entries.len(), 2);
    let drained = by_id(&entries, "30");
    assert_eq!(drained.reason.code(), Some("ReqNodeNotAvail"));
    assert_eq!(drained.reason.unavailable_nodes(), Some("node2"));
    assert_eq!(
        drained.reason.group(),
        ReasonGroup::ReservationOrMaintenance
    );
    let reserved = by_id(&entries, "31");
    assert_eq!(
        reserved.reason.detail(),
        Some("May be reserved for other job")
    );
    assert_eq!(
        reserved.reason.to_string(),
        "the nodes it needs may be reserved for another job"
    );
    assert_eq!(reserved.start_time, ts("2026-11-29T05:12:01"));
}

#[test]
fn squeue_finished_fixture() {
    let entries = parse_squeue(fixture!("squeue-finished.txt")).expect("parses");
    assert_eq!(entries.len(), 29);
    assert!(entries.iter().all(|e| e.state.is_finished()));
    let count = |s: JobState| entries.iter().filter(|e| e.state == s).count();
    assert_eq!(count(JobState::Cancelled), 21);
    assert_eq!(count(JobState::Completed), 2);
    assert_eq!(count(JobState::Failed), 4);
    assert_eq!(count(JobState::Deadline), 1);
    assert_eq!(count(JobState::Timeout), 1);
    let timeout = by_id(&entries, "9");
    assert_eq!(timeout.reason.code(), Some("TimeLimit"));
    assert_eq!(
        (timeout.elapsed, timeout.time_limit),
        (Some(80), SlurmDuration::Seconds(60))
    );
    assert_eq!(timeout.end_time, ts("2026-11-29T03:12:40"));
    assert_eq!(timeout.reason_or_nodelist, "(TimeLimit)");
    let deadline = by_id(&entries, "10");
    assert_eq!(deadline.reason.code(), Some("DeadLine"));
    assert_eq!(deadline.time_limit, SlurmDuration::Seconds(120));
    // refused at submit (exit 1), yet a FAILED job record exists
    let refused = by_id(&entries, "2");
    assert_eq!(refused.state, JobState::Failed);
    assert_eq!(refused.reason.code(), Some("BadConstraints"));
    assert_eq!(refused.gres.as_deref(), Some("gres:gpu:9"));
    assert_eq!(refused.nodelist, None);
    assert_eq!(by_id(&entries, "8").reason.code(), Some("NonZeroExitCode"));
    // a job cancelled while pending keeps its reason, but %R is empty
    let closed = by_id(&entries, "18");
    assert_eq!(closed.reason.code(), Some("PartitionDown"));
    assert_eq!(closed.reason_or_nodelist, "");
    assert_eq!(by_id(&entries, "20").name, "two\nlines");
    assert_eq!(by_id(&entries, "13").name, "pipe|in name");
}

#[test]
fn squeue_empty_and_unknown_job_fixtures() {
    assert_eq!(parse_squeue(fixture!("squeue-empty.txt")), Ok(Vec::new()));
    assert_eq!(fixture_exit!("squeue-empty.txt"), Some(0));
    for (stderr, exit) in [
        (
            fixture!("squeue-invalid-job.stderr"),
            fixture_exit!("squeue-invalid-job.stderr"),
        ),
        (
            fixture!("scontrol-invalid-job.stderr"),
            fixture_exit!("scontrol-invalid-job.stderr"),
        ),
    ] {
        assert_eq!(exit, Some(1));
        assert!(is_invalid_job_id(stderr));
        assert_eq!(
            classify_query_failure(stderr, exit),
            QueryFailure::InvalidJobId
        );
    }
}

#[test]
fn squeue_records_split_by_newlines_are_joined_and_spoofs_fail() {
    let row = |id: &str, name: &str| {
        format!(
            "{id}|RUNNING|None|0:04|1:00|1|gpu|root|2026-11-29T03:11:20|2026-11-29T03:11:20|NONE|node1|N/A|node1|{name}|{id}"
        )
    };
    // a name that carries a fake row of another job stays one name
    let fake = row("99", "fake");
    let text = format!("{}\n{}\n", row("5", &format!("a\n{fake}")), row("6", "b"));
    let entries = parse_squeue(&text).expect("parses");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].name, format!("a\n{fake}"));
    assert_eq!(entries[1].job_id, "6");
    // a record cut short is an error, and the next one still parses
    let text = format!("{}\n{}\n", &row("5", "x")[..40], row("6", "b"));
    let (entries, errors) = parse_squeue_lenient(&text);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].job_id, "6");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line_number(), Some(1));
    assert_eq!(
        parse_squeue(&text).map_err(|e| e.line_number()),
        Err(Some(1))
    );
    // a trailing id that differs is not a record
    let bad = row("5", "x").replace("|x|5", "|x|6");
    assert_eq!(
        parse_squeue_record(&bad).map_err(|e| e.kind()),
        Err(ParseErrorKind::Unterminated)
    );
    // CRLF endings are not Slurm's
    assert!(parse_squeue(&format!("{}\r\n", row("5", "x"))).is_err());
}

// --- sacct ----------------------------------------------------------------------------

fn acct<'a>(entries: &'a [AccountingEntry], id: &str, state: JobState) -> &'a AccountingEntry {
    entries
        .iter()
        .find(|e| e.job_id == id && e.state == state)
        .unwrap_or_else(|| panic!("no job {id} {state}"))
}

#[test]
fn sacct_jobcomp_fixture() {
    let text = fixture!("sacct-c.txt");
    assert_eq!(fixture_exit!("sacct-c.txt"), Some(0));
    let (entries, errors) = parse_sacct_lenient(text);
    assert_eq!(entries.len(), 25);
    // records spoiled by names with spaces or a newline: 21, 20, 0, 13, 22, 12, 9
    let bad_lines: Vec<Option<usize>> = errors.iter().map(ParseError::line_number).collect();
    assert_eq!(bad_lines, [10, 13, 14, 15, 16, 18, 32].map(Some).to_vec());
    assert!(
        errors
            .iter()
            .all(|e| e.kind() == ParseErrorKind::MissingValue)
    );
    assert!(errors.iter().all(|e| e.field_name() == Some("state")));
    let strict = parse_sacct(text).expect_err("strict");
    assert_eq!(strict.line_number(), Some(10));

    let failed = acct(&entries, "8", JobState::Failed);
    assert_eq!(
        failed.exit_code,
        ExitCode {
            status: 3,
            signal: 0
        }
    );
    assert_eq!(
        failed.derived_exit_code,
        ExitCode {
            status: 0,
            signal: 0
        }
    );
    assert_eq!((failed.nodes, failed.cpus), (1, 1));
    assert_eq!(failed.nodelist.as_deref(), Some("node1"));
    assert_eq!(failed.time_limit, SlurmDuration::Unlimited);
    assert_eq!(
        (failed.name.as_str(), failed.partition.as_str()),
        ("fails", "gpu")
    );
    let refused = acct(&entries, "2", JobState::Failed);
    assert_eq!(
        refused.exit_code,
        ExitCode {
            status: 0,
            signal: 1
        }
    );
    assert_eq!((refused.nodes, refused.nodelist.as_deref()), (0, None));
    let deadline = acct(&entries, "10", JobState::Deadline);
    assert_eq!(deadline.time_limit, SlurmDuration::Seconds(120));
    let holder = acct(&entries, "11", JobState::Cancelled);
    assert_eq!((holder.elapsed, holder.nodes, holder.cpus), (Some(3), 2, 2));
    assert_eq!(holder.nodelist.as_deref(), Some("node[1-2]"));
    assert_eq!(holder.cancelled_by, None);
    assert_eq!(acct(&entries, "1", JobState::Completed).name, "hybrid-ok");
    assert_eq!(
        acct(&entries, "18", JobState::Cancelled).partition,
        "closed"
    );
    // a requeued job: first a PENDING record (when requeued), then the final one
    acct(&entries, "26", JobState::Pending);
    acct(&entries, "26", JobState::Cancelled);
    let name_cut = acct(&entries, "23", JobState::Cancelled);
    assert_eq!(name_cut.name, "name");
}

#[test]
fn sacct_failures_fixtures() {
    let stderr = fixture!("sacct-disabled.stderr");
    assert_eq!(fixture_exit!("sacct-disabled.stderr"), Some(1));
    assert!(is_accounting_disabled(stderr));
    assert_eq!(
        classify_query_failure(stderr, Some(1)),
        QueryFailure::AccountingDisabled
    );
    // `sacct -c` with time fields and a job name with a newline in the file: SIGSEGV
    // (bash reports 139); a spawned process sees no exit status
    let stderr = fixture!("sacct-c-time-fields.stderr");
    assert_eq!(fixture_exit!("sacct-c-time-fields.stderr"), Some(139));
    assert_eq!(classify_query_failure(stderr, None), QueryFailure::Crashed);
    // the warnings sacct -c prints for spoiled records, with exit status 0
    let stderr = fixture!("sacct-c.stderr");
    assert_eq!(fixture_exit!("sacct-c.stderr"), Some(0));
    assert_eq!(stderr.lines().count(), 7);
    assert!(
        stderr
            .lines()
            .all(|l| l.starts_with("sacct: error: Unknown type "))
    );
    assert_eq!(
        classify_query_failure(stderr, Some(0)),
        QueryFailure::Other("sacct: error: Unknown type out JobState: TIMEOUT".into())
    );
    assert_eq!(
        classify_query_failure(
            "squeue: error: Unable to contact slurm controller (connect failure)\n",
            Some(1)
        ),
        QueryFailure::ControllerUnreachable
    );
}

#[test]
fn sacct_full_accounting_rows() {
    // the same format from full accounting (slurmdbd): `CANCELLED by`, steps, durations
    let text = "42|CANCELLED by 1000|0:15|0:0|00:10:00|2|32|gpu[01-02]|gpu|01:00:00|train|x|42\n\
                42.batch|CANCELLED|0:15|0:0|00:10:00|1|16|gpu01|||batch|42.batch\n\
                43|PENDING|0:0|0:0|00:00:00|1|1|None assigned|gpu|Partition_Limit|wait|43\n";
    let entries = parse_sacct(text).expect("parses");
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0].cancelled_by, Some(1000));
    assert_eq!(entries[0].name, "train|x");
    assert_eq!(entries[0].time_limit, SlurmDuration::Seconds(3600));
    assert_eq!(entries[0].id(), Some(42));
    assert_eq!(entries[1].job_id, "42.batch");
    assert_eq!(entries[1].id(), None);
    assert_eq!(entries[1].time_limit, SlurmDuration::NotSet);
    assert_eq!(entries[2].nodelist, None);
    assert_eq!(entries[2].time_limit, SlurmDuration::PartitionLimit);
}

// --- scontrol show job ----------------------------------------------------------------

fn job(text: &str) -> ScontrolJob {
    parse_scontrol_job(text).expect("parses")
}

#[test]
fn scontrol_running_fixture() {
    let j = job(fixture!("scontrol-job-running.txt"));
    assert_eq!(j.job_id(), "11");
    assert_eq!(j.name(), Some("holder"));
    assert_eq!(j.state(), Ok(JobState::Running));
    assert!(j.reason().is_some_and(|r| r.is_no_reason()));
    assert_eq!(
        j.exit_code(),
        Ok(ExitCode {
            status: 0,
            signal: 0
        })
    );
    assert_eq!(j.node_list(), Some("node[1-2]"));
    assert_eq!(j.time_limit(), Ok(SlurmDuration::Unlimited));
    assert_eq!(j.run_time(), Ok(Some(3)));
    assert_eq!((j.num_nodes(), j.num_cpus()), (Ok(2), Ok(2)));
    assert_eq!(
        j.tres(),
        Ok(vec![("cpu", "2"), ("node", "2"), ("billing", "2")])
    );
    assert_eq!(j.tres_per_node(), Some("gres:gpu:8"));
    assert_eq!(j.gpus_per_node(), Some(8));
    assert_eq!(j.get("BatchHost"), Some("node1"));
    assert_eq!(j.get("Partition"), Some("gpu"));
    assert_eq!(j.get("AllocNode:Sid"), Some("localhost:20033"));
    assert_eq!(j.get("Power"), Some(""));
    assert_eq!(j.get("StdIn"), Some("/dev/null"));
    let keys: Vec<&str> = j.fields().map(|(k, _)| k).collect();
    assert_eq!(keys.len(), 61);
    assert_eq!(keys[..3], ["JobId", "JobName", "UserId"]);
    assert_eq!(keys.last(), Some(&"TresPerNode"));
}

#[test]
fn scontrol_finished_fixtures() {
    let cases = [
        (
            fixture!("scontrol-job-completed.txt"),
            "7",
            JobState::Completed,
            "None",
            (0, 0),
            Some(0),
        ),
        (
            fixture!("scontrol-job-failed.txt"),
            "8",
            JobState::Failed,
            "NonZeroExitCode",
            (3, 0),
            Some(0),
        ),
        (
            fixture!("scontrol-job-cancelled.txt"),
            "11",
            JobState::Cancelled,
            "None",
            (0, 15),
            Some(3),
        ),
        (
            fixture!("scontrol-job-timeout.txt"),
            "9",
            JobState::Timeout,
            "TimeLimit",
            (0, 15),
            Some(80),
        ),
        (
            fixture!("scontrol-job-completing.txt"),
            "28",
            JobState::Completing,
            "None",
            (0, 0),
            Some(2),
        ),
        (
            fixture!("scontrol-job-configuring.txt"),
            "29",
            JobState::Configuring,
            "None",
            (0, 0),
            Some(2),
        ),
    ];
    for (text, id, state, reason, (status, signal), run_time) in cases {
        let j = job(text);
        assert_eq!(j.job_id(), id);
        assert_eq!(j.state(), Ok(state), "{id}");
        assert_eq!(
            j.reason().map(|r| r.raw().to_string()).as_deref(),
            Some(reason)
        );
        assert_eq!(j.exit_code(), Ok(ExitCode { status, signal }), "{id}");
        assert_eq!(j.run_time(), Ok(run_time), "{id}");
        assert!(j.node_list().is_some());
    }
    let timeout = job(fixture!("scontrol-job-timeout.txt"));
    assert_eq!(timeout.time_limit(), Ok(SlurmDuration::Seconds(60)));
    assert_eq!(timeout.name(), Some("times out"));
    assert_eq!(timeout.get("EndTime"), Some("2026-11-29T03:12:40"));
    assert_eq!(
        job(fixture!("scontrol-job-configuring.txt")).get("EndTime"),
        Some("Unknown")
    );
}

#[test]
fn scontrol_pending_fixtures() {
    let resources = job(fixture!("scontrol-job-pending-resources.txt"));
    assert_eq!(resources.state(), Ok(JobState::Pending));
    assert_eq!(resources.reason().and_then(|r| r.code()), Some("Resources"));
    assert_eq!(resources.num_nodes(), Ok(1)); // printed as `1-1`
    assert_eq!(resources.get("NumNodes"), Some("1-1"));
    assert_eq!(resources.node_list(), None);
    assert_eq!(resources.gpus_per_node(), Some(8));
    assert_eq!(resources.name(), Some("needs gpus"));
    assert_eq!(
        resources.tres(),
        Ok(vec![
            ("cpu", "1"),
            ("mem", "62.50G"),
            ("node", "1"),
            ("billing", "1")
        ])
    );

    let held = job(fixture!("scontrol-job-held-user.txt"));
    assert_eq!(held.reason().map(|r| r.group()), Some(ReasonGroup::Held));
    assert_eq!(held.get("Priority"), Some("0"));
    assert_eq!(held.gpus_per_node(), None);

    let never = job(fixture!("scontrol-job-dependency-never.txt"));
    assert_eq!(
        never.reason().and_then(|r| r.code()),
        Some("DependencyNeverSatisfied")
    );
    assert_eq!(never.get("Dependency"), Some("afterok:11(failed)"));

    let unavailable = job(fixture!("scontrol-job-reqnodenotavail.txt"));
    let reason = unavailable.reason().expect("reason");
    assert_eq!(reason.raw(), "ReqNodeNotAvail,_UnavailableNodes:node2");
    assert_eq!(reason.unavailable_nodes(), Some("node2"));
    assert_eq!(unavailable.get("ReqNodeList"), Some("node2"));

    let requeued = job(fixture!("scontrol-job-requeue-held.txt"));
    let reason = requeued.reason().expect("reason");
    assert_eq!(reason.raw(), "job_requeued_in_held_state");
    assert_eq!(reason.group(), ReasonGroup::Held);
    assert_eq!(requeued.get("Restarts"), Some("1"));
}

#[test]
fn scontrol_free_text_cannot_pass_for_keys() {
    // JobName=`name JobState=COMPLETED`, WorkDir with spaces, and
    // Comment=`free text ExitCode=9:0 Reason=None`
    let j = job(fixture!("scontrol-job-free-text.txt"));
    assert_eq!(j.job_id(), "23");
    assert_eq!(j.name(), Some("name JobState=COMPLETED"));
    assert_eq!(j.state(), Ok(JobState::Pending));
    assert_eq!(j.reason().and_then(|r| r.code()), Some("BeginTime"));
    assert_eq!(
        j.exit_code(),
        Ok(ExitCode {
            status: 0,
            signal: 0
        })
    );
    assert_eq!(j.get("Comment"), Some("free text ExitCode=9:0 Reason=None"));
    let work_dir = j.get("WorkDir").expect("WorkDir");
    assert!(work_dir.starts_with("/tmp/hybridctl-slurm-fixtures-work."));
    assert!(work_dir.ends_with("/dir with spaces"));
    assert_eq!(j.fields().filter(|(k, _)| *k == "JobState").count(), 1);
    assert_eq!(j.fields().filter(|(k, _)| *k == "ExitCode").count(), 1);
}

#[test]
fn scontrol_several_jobs_and_newlines_in_values() {
    let one = fixture!("scontrol-job-completed.txt");
    let two = fixture!("scontrol-job-failed.txt");
    let jobs = parse_scontrol_jobs(&format!("{one}{two}")).expect("parses");
    assert_eq!(
        jobs.iter().map(ScontrolJob::job_id).collect::<Vec<_>>(),
        ["7", "8"]
    );
    assert_eq!(
        parse_scontrol_job(&format!("{one}{two}")).map_err(|e| e.kind()),
        Err(ParseErrorKind::JobCount)
    );
    // a job name with a newline, as `scontrol show job -o` prints it
    let text = one.replacen("JobName=ok", "JobName=two\nlines", 1);
    let j = job(&text);
    assert_eq!(j.name(), Some("two\nlines"));
    assert_eq!(j.state(), Ok(JobState::Completed));
    assert_eq!(parse_scontrol_jobs(""), Ok(Vec::new()));
    assert_eq!(
        parse_scontrol_job("").map_err(|e| e.kind()),
        Err(ParseErrorKind::Empty)
    );
}

#[test]
fn scontrol_unknown_keys() {
    // a key this module does not know starts a field after a typed value, but not inside
    // a free-text one
    let j = job(
        "JobId=5 JobName=a NewKey=b JobState=RUNNING Reason=None NumNodes=2 Extra=x y Comment=c Other=d StdOut=/o",
    );
    assert_eq!(j.name(), Some("a NewKey=b"));
    assert_eq!(j.get("NumNodes"), Some("2"));
    assert_eq!(j.get("Extra"), Some("x y"));
    assert_eq!(j.get("Comment"), Some("c Other=d"));
    assert_eq!(j.get("StdOut"), Some("/o"));
    assert_eq!(j.state(), Ok(JobState::Running));
    // missing and malformed keys are errors of the accessor, not of the parse
    assert_eq!(
        j.exit_code().map_err(|e| (e.kind(), e.field_name())),
        Err((ParseErrorKind::MissingKey, Some("ExitCode")))
    );
    let j = job("JobId=5 JobState=WAITING NumNodes=x TRES=cpu TresPerNode=gres:gpus:2");
    assert!(j.state().is_err() && j.num_nodes().is_err() && j.tres().is_err());
    assert_eq!(j.gpus_per_node(), None);
    for (tpn, gpus) in [
        ("gres:gpu:a100:4", Some(4)),
        ("gres/gpu:2", Some(2)),
        ("gres/gpu=3", Some(3)),
        ("gres:nic:1,gres:gpu:8", Some(8)),
        ("gres:gpu", None),
        ("gres:gpu:x", None),
    ] {
        let j = job(&format!("JobId=5 TresPerNode={tpn}"));
        assert_eq!(j.gpus_per_node(), gpus, "{tpn}");
    }
}

// --- scontrol show config -------------------------------------------------------------

#[test]
fn show_config_fixture() {
    let text = fixture!("scontrol-show-config.txt");
    assert_eq!(parse_kill_wait(text), Some(5));
    assert_eq!(config_value(text, "ClusterName"), Some("hybridtest"));
    assert_eq!(config_value(text, "SLURM_VERSION"), Some("22.05.8"));
    assert_eq!(config_value(text, "MinJobAge"), Some("86400 sec"));
    assert_eq!(config_value(text, "NoSuchKey"), None);
    assert_eq!(parse_kill_wait("KillWait = 30 sec\n"), Some(30));
    assert_eq!(parse_kill_wait("KillWait=0\n"), Some(0));
    for bad in [
        "",
        "KillWait = \n",
        "KillWait = five sec\n",
        "KillWait = -1 sec\n",
        "KillWaitX = 5 sec\n",
    ] {
        assert_eq!(parse_kill_wait(bad), None, "{bad}");
    }
}

// --- hostile input --------------------------------------------------------------------

/// A small deterministic generator (xorshift), so the test needs no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
}

fn parse_everything(text: &str) {
    let _ = parse_sbatch_parsable(text);
    let _ = classify_sbatch_error(text, Some(1));
    let _ = classify_query_failure(text, None);
    let _ = parse_squeue(text);
    let _ = parse_squeue_lenient(text);
    let _ = parse_sacct(text);
    let _ = parse_sacct_lenient(text);
    if let Ok(jobs) = parse_scontrol_jobs(text) {
        for j in jobs {
            let _ = (
                j.state(),
                j.reason(),
                j.exit_code(),
                j.node_list(),
                j.time_limit(),
            );
            let _ = (
                j.run_time(),
                j.num_nodes(),
                j.num_cpus(),
                j.tres(),
                j.gpus_per_node(),
            );
        }
    }
    let _ = parse_kill_wait(text);
    for word in text.split(['|', ' ', '\n', '=']) {
        let _ = SlurmDuration::parse(word);
        let _ = SlurmDuration::parse_limit_minutes(word);
        let _ = Timestamp::parse(word);
        let _ = ExitCode::parse(word);
        let _ = JobState::parse(word);
        let _ = PendingReason::parse(word).to_string();
    }
}

#[test]
fn garbage_never_panics() {
    let samples = [
        "",
        "\n",
        "|",
        "||||||||||||||||",
        "\n\n\n",
        "JobId=",
        "JobId=x",
        "JobId=5 =",
        "JobId=5 A=",
        "JobId=5 JobName= JobState=",
        "=",
        " = ",
        "é|é|é",
        "\u{0}|\u{0}",
        "1|",
        "1|1",
        "1|RUNNING|None|0:00|1:00|1|p|u|N/A|N/A|N/A|n|N/A|n|x|1",
        "0|RUNNING|None|0:00|1:00|1|p|u|N/A|N/A|N/A|n|N/A|n|x|0",
        "1|RUNNING|None|0:00|1:00|99999999999|p|u|N/A|N/A|N/A|n|N/A|n|x|1",
        "1|RUNNING|None|-0:01|1:00|1|p|u|N/A|N/A|N/A|n|N/A|n|x|1",
        "1|COMPLETED|0:0|0:0|00:00:00|1|1|n|p|5|x|1",
        "1|COMPLETED|0:0|0:0|00:00:00|1|1|n|p|5|x",
        "KillWait = 99999999999999999999999 sec",
    ];
    for s in samples {
        parse_everything(s);
    }
    // the good sample rows parse
    assert!(parse_squeue(samples[16]).is_ok());
    assert!(parse_sacct(samples[20]).is_ok());
    assert!(parse_squeue(samples[17]).is_err());
    assert!(parse_squeue(samples[18]).is_err());
    assert!(parse_squeue(samples[19]).is_err());
    assert!(parse_sacct(samples[21]).is_err());

    let alphabet: Vec<char> = "|=:- _()[],.\n0123456789JobIdStateRUNNINGPDé✓\u{0}\t%"
        .chars()
        .collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let len = rng.below(120);
        let text: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        parse_everything(&text);
        parse_everything(&format!("JobId=1 {text}"));
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    let fixtures = [
        fixture!("squeue-pending.txt"),
        fixture!("squeue-finished.txt"),
        fixture!("squeue-transient.txt"),
        fixture!("sacct-c.txt"),
        fixture!("scontrol-job-running.txt"),
        fixture!("scontrol-job-free-text.txt"),
        fixture!("scontrol-show-config.txt"),
        fixture!("sbatch-memory.stderr"),
    ];
    let inserts = ["|", "=", " ", "\n", "é", ":", "-", "JobState=", "(", ")"];
    let mut rng = Rng(42);
    for text in fixtures {
        let chars: Vec<char> = text.chars().collect();
        for _ in 0..60 {
            let mut mutated = chars.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(mutated.len() + 1);
                match rng.below(3) {
                    0 if at < mutated.len() => {
                        mutated.remove(at);
                    }
                    1 if at < mutated.len() => mutated[at] = '|',
                    _ => {
                        let insert = inserts[rng.below(inserts.len())];
                        for (i, c) in insert.chars().enumerate() {
                            mutated.insert(at + i, c);
                        }
                    }
                }
            }
            parse_everything(&mutated.into_iter().collect::<String>());
        }
    }
}

#[test]
fn huge_input_is_fine() {
    let name = "n ".repeat(50_000);
    let line = format!(
        "JobId=1 JobName={name} JobState=RUNNING Comment={}",
        "A= ".repeat(50_000)
    );
    let j = job(&line);
    assert_eq!(j.state(), Ok(JobState::Running));
    assert_eq!(j.name().map(str::len), Some(name.trim_end().len()));
    // duplicates of a key: the last one counts, the others end up in JobId, which then
    // is not a job id
    let many = format!("JobId=1 {}", "JobState=RUNNING ".repeat(20_000));
    assert_eq!(
        parse_scontrol_job(&many).map_err(|e| e.kind()),
        Err(ParseErrorKind::JobId)
    );
    let row =
        "5|RUNNING|None|0:04|1:00|1|gpu|root|N/A|N/A|N/A|node1|N/A|node1|x|5\n".repeat(20_000);
    assert_eq!(parse_squeue(&row).map(|v| v.len()), Ok(20_000));
    let broken =
        "5|RUNNING|None|0:04|1:00|1|gpu|root|N/A|N/A|N/A|node1|N/A|node1|x\n".repeat(5_000);
    let (ok, errors) = parse_squeue_lenient(&broken);
    assert_eq!((ok.len(), errors.len()), (0, 5_000));
}

#[test]
fn a_state_as_printed_says_whether_the_job_has_ended() {
    assert_eq!(JobState::finished_text("COMPLETED"), Some(true));
    assert_eq!(JobState::finished_text("CANCELLED by 1000"), Some(true));
    assert_eq!(JobState::finished_text("CD"), Some(true));
    assert_eq!(JobState::finished_text("COMPLETING"), Some(false));
    assert_eq!(JobState::finished_text("PENDING"), Some(false));
    assert_eq!(JobState::finished_text("SOMETHING_NEW"), None);
}
