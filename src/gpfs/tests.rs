use super::args::*;
use super::parse::*;
use crate::quota::*;

const USR: &str = include_str!("../../tests/fixtures/mmlsquota/usr.txt");
const GRP: &str = include_str!("../../tests/fixtures/mmlsquota/grp.txt");
const FILESETS: &str = include_str!("../../tests/fixtures/mmlsquota/filesets.txt");
const ALL: &str = include_str!("../../tests/fixtures/mmlsquota/all.txt");
const TWO_HEADERS: &str = include_str!("../../tests/fixtures/mmlsquota/two-headers.txt");
const PERCENT: &str = include_str!("../../tests/fixtures/mmlsquota/percent-encoded.txt");
const NEGATIVE: &str = include_str!("../../tests/fixtures/mmlsquota/negative-usage.txt");
const HEADER_ONLY: &str = include_str!("../../tests/fixtures/mmlsquota/header-only.txt");
const BAD_FIELD: &str = include_str!("../../tests/fixtures/mmlsquota/malformed-field.txt");
const BAD_NO_HEADER: &str = include_str!("../../tests/fixtures/mmlsquota/malformed-no-header.txt");
const BAD_TOO_MANY: &str =
    include_str!("../../tests/fixtures/mmlsquota/malformed-too-many-fields.txt");
const BAD_STDERR: &str = include_str!("../../tests/fixtures/mmlsquota/malformed-stderr.txt");

const FIXTURES: [&str; 12] = [
    USR,
    GRP,
    FILESETS,
    ALL,
    TWO_HEADERS,
    PERCENT,
    NEGATIVE,
    HEADER_ONLY,
    BAD_FIELD,
    BAD_NO_HEADER,
    BAD_TOO_MANY,
    BAD_STDERR,
];

const HEADER: &str = "mmlsquota::HEADER:version:reserved:reserved:filesystemName:quotaType:id:name:blockUsage:blockQuota:blockLimit:blockInDoubt:blockGrace:filesUsage:filesQuota:filesLimit:filesInDoubt:filesGrace:remarks:quota:defQuota:fid:filesetname:";

/// An entry with everything zero/empty, to spell out only what differs.
fn blank(device: &str, kind: QuotaKind, name: &str, line: usize) -> QuotaEntry {
    QuotaEntry {
        device: device.to_owned(),
        kind,
        id: None,
        name: name.to_owned(),
        fileset: None,
        block_used_kib: 0,
        block_soft_kib: 0,
        block_hard_kib: 0,
        block_in_doubt_kib: 0,
        block_grace: Grace::None,
        files_used: 0,
        files_soft: 0,
        files_hard: 0,
        files_in_doubt: 0,
        files_grace: Grace::None,
        remarks: String::new(),
        line,
    }
}

fn parse(text: &str) -> Vec<QuotaEntry> {
    match parse_mmlsquota_y(text) {
        Ok(entries) => entries,
        Err(err) => panic!("{err}"),
    }
}

fn parse_err(text: &str) -> QuotaParseError {
    match parse_mmlsquota_y(text) {
        Ok(entries) => panic!("parsed: {entries:?}"),
        Err(err) => err,
    }
}

fn usr_expected() -> Vec<QuotaEntry> {
    vec![
        QuotaEntry {
            id: Some(1001),
            block_used_kib: 2_097_152,
            block_soft_kib: 10_485_760,
            block_hard_kib: 12_582_912,
            files_used: 41_000,
            remarks: "e".into(),
            ..blank("gpfs01", QuotaKind::Usr, "alice", 2)
        },
        QuotaEntry {
            id: Some(1001),
            block_used_kib: 9_437_184,
            block_soft_kib: 10_485_760,
            block_in_doubt_kib: 1024,
            files_used: 950_000,
            files_soft: 1_000_000,
            files_hard: 1_000_000,
            remarks: "e".into(),
            ..blank("gpfs02", QuotaKind::Usr, "alice", 3)
        },
        QuotaEntry {
            id: Some(1001),
            fileset: Some("projA".into()),
            block_used_kib: 524_288,
            files_used: 300,
            remarks: "i".into(),
            ..blank("gpfs01", QuotaKind::Usr, "alice", 4)
        },
    ]
}

fn grp_expected() -> Vec<QuotaEntry> {
    vec![
        QuotaEntry {
            id: Some(5000),
            block_used_kib: 107_374_182,
            block_soft_kib: 104_857_600,
            block_hard_kib: 125_829_120,
            block_grace: Grace::Remaining("6 days".into()),
            files_used: 120_000,
            remarks: "e".into(),
            ..blank("gpfs01", QuotaKind::Grp, "ml-lab", 2)
        },
        QuotaEntry {
            id: Some(5000),
            remarks: "i".into(),
            ..blank("gpfs02", QuotaKind::Grp, "ml-lab", 3)
        },
    ]
}

fn filesets_expected() -> Vec<QuotaEntry> {
    vec![
        QuotaEntry {
            id: Some(12),
            fileset: Some("projA".into()),
            block_used_kib: 4_718_592_000,
            block_soft_kib: 5_000_000_000,
            block_hard_kib: 5_242_880_000,
            block_in_doubt_kib: 262_144_000,
            files_used: 2_500_000,
            files_soft: 5_000_000,
            files_hard: 6_000_000,
            files_in_doubt: 1500,
            remarks: "e".into(),
            ..blank("gpfs01", QuotaKind::Fileset, "projA", 2)
        },
        QuotaEntry {
            id: Some(13),
            fileset: Some("projB".into()),
            block_used_kib: 7_340_032,
            files_used: 1200,
            remarks: "i".into(),
            ..blank("gpfs01", QuotaKind::Fileset, "projB", 4)
        },
        QuotaEntry {
            id: Some(3),
            fileset: Some("scratch".into()),
            block_used_kib: 21_474_836_480,
            block_soft_kib: 21_474_836_480,
            block_hard_kib: 32_212_254_720,
            block_grace: Grace::Expired,
            files_used: 9_800_000,
            files_soft: 10_000_000,
            files_grace: Grace::Remaining("2 hours".into()),
            remarks: "e".into(),
            ..blank("gpfs02", QuotaKind::Fileset, "scratch", 6)
        },
        QuotaEntry {
            id: Some(7),
            fileset: Some("projA".into()),
            block_used_kib: 1_048_576,
            block_soft_kib: 2_147_483_648,
            block_hard_kib: 2_147_483_648,
            files_used: 10,
            remarks: "e".into(),
            ..blank("gpfs02", QuotaKind::Fileset, "projA", 7)
        },
    ]
}

fn shifted(entries: Vec<QuotaEntry>, by: usize) -> Vec<QuotaEntry> {
    entries
        .into_iter()
        .map(|entry| QuotaEntry {
            line: entry.line + by,
            ..entry
        })
        .collect()
}

#[test]
fn usr_fixture() {
    assert_eq!(parse(USR), usr_expected());
}

#[test]
fn grp_fixture() {
    assert_eq!(parse(GRP), grp_expected());
}

#[test]
fn filesets_fixture() {
    assert_eq!(parse(FILESETS), filesets_expected());
}

#[test]
fn all_fixture_is_the_three_concatenated() {
    let mut expected = usr_expected();
    expected.extend(shifted(grp_expected(), 4));
    expected.extend(shifted(filesets_expected(), 7));
    assert_eq!(parse(ALL), expected);
}

#[test]
fn two_headers_fixture() {
    let expected = vec![
        QuotaEntry {
            id: Some(1001),
            block_used_kib: 1024,
            block_soft_kib: 2048,
            block_hard_kib: 4096,
            files_used: 10,
            files_soft: 20,
            files_hard: 40,
            remarks: "e".into(),
            ..blank("gpfs01", QuotaKind::Usr, "alice", 2)
        },
        // Second HEADER: other order, an unknown column, no id, in-doubt,
        // files soft/grace, remarks or filesetname columns.
        QuotaEntry {
            block_used_kib: 8192,
            block_soft_kib: 8192,
            block_grace: Grace::Expired,
            files_used: 99,
            files_hard: 100,
            ..blank("gpfs02", QuotaKind::Grp, "ml-lab", 5)
        },
        // After an interleaved mmlsfs block, whose row is skipped.
        QuotaEntry {
            fileset: Some("projC".into()),
            block_used_kib: 1_048_577,
            block_hard_kib: 1_048_576,
            block_grace: Grace::Remaining("7 days".into()),
            files_used: 1_048_576,
            ..blank("gpfs02", QuotaKind::Fileset, "projC", 8)
        },
    ];
    assert_eq!(parse(TWO_HEADERS), expected);
}

#[test]
fn percent_encoded_fixture() {
    let expected = vec![
        QuotaEntry {
            id: Some(21),
            fileset: Some("proj:alpha".into()),
            block_used_kib: 1024,
            block_hard_kib: 2048,
            files_used: 1,
            remarks: "e".into(),
            ..blank("gpfs01", QuotaKind::Fileset, "proj:alpha", 2)
        },
        QuotaEntry {
            id: Some(1001),
            fileset: Some("proj:alpha".into()),
            block_used_kib: 1024,
            block_grace: Grace::Remaining("6 days".into()),
            files_used: 1,
            remarks: "e".into(),
            ..blank("gpfs01", QuotaKind::Usr, "alice", 3)
        },
        QuotaEntry {
            id: Some(5001),
            remarks: "e".into(),
            ..blank("gpfs01", QuotaKind::Grp, "100% lab", 4)
        },
    ];
    assert_eq!(parse(PERCENT), expected);
}

#[test]
fn negative_usage_fixture() {
    let expected = vec![
        QuotaEntry {
            id: Some(1001),
            block_used_kib: -2048,
            block_soft_kib: 10_485_760,
            block_hard_kib: 12_582_912,
            block_in_doubt_kib: 4096,
            files_used: -3,
            files_soft: 1000,
            files_hard: 2000,
            remarks: "e".into(),
            ..blank("gpfs01", QuotaKind::Usr, "alice", 2)
        },
        QuotaEntry {
            id: Some(12),
            fileset: Some("projA".into()),
            block_used_kib: 5_000_000,
            block_hard_kib: 6_000_000,
            block_in_doubt_kib: -512,
            files_used: 100,
            files_in_doubt: -1,
            remarks: "e".into(),
            ..blank("gpfs01", QuotaKind::Fileset, "projA", 3)
        },
    ];
    let entries = parse(NEGATIVE);
    assert_eq!(entries, expected);
    // Negative usage and in-doubt count as zero for headroom.
    assert_eq!(entries[0].headroom_kib(), Some(12_582_912 - 4096));
    assert_eq!(entries[1].headroom_kib(), Some(1_000_000));
    assert_eq!(entries[1].files_headroom(), None);
    let pct = entries[0].block_percent_of_limit().unwrap_or(f64::NAN);
    assert!(pct < 0.0, "{pct}");
    assert!(!entries[0].is_over_threshold(DEFAULT_THRESHOLD_PCT));
}

#[test]
fn empty_and_header_only() {
    assert_eq!(parse(HEADER_ONLY), vec![]);
    assert_eq!(parse(""), vec![]);
    assert_eq!(parse("\n\n  \r\n"), vec![]);
}

#[test]
fn malformed_fixtures_name_their_line() {
    let err = parse_err(BAD_FIELD);
    assert_eq!(err.line, 3);
    assert_eq!(err.kind, QuotaParseErrorKind::InvalidNumber("blockUsage"));
    assert_eq!(err.text, "12x");
    assert_eq!(
        err.to_string(),
        "mmlsquota -Y output, line 3: `blockUsage` is not a whole number in range: `12x`"
    );

    let err = parse_err(BAD_NO_HEADER);
    assert_eq!((err.line, err.kind), (1, QuotaParseErrorKind::NoHeader));

    let err = parse_err(BAD_TOO_MANY);
    assert_eq!(err.line, 2);
    assert_eq!(
        err.kind,
        QuotaParseErrorKind::TooManyFields {
            found: 27,
            expected: 26
        }
    );

    let err = parse_err(BAD_STDERR);
    assert_eq!(err.line, 1);
    assert_eq!(err.kind, QuotaParseErrorKind::NotYFormat);
    assert_eq!(err.text, "No quota enabled file system found.");
    // The second stderr line has a colon but is no -Y line either.
    let err = parse_err(&format!("{HEADER}\nmmlsquota: Command failed. Examine"));
    assert_eq!((err.line, err.kind), (2, QuotaParseErrorKind::NotYFormat));
}

#[test]
fn malformed_inline() {
    let row = "mmlsquota::0:1:::gpfs01:USR:1001:alice:1:2:3:0:none:1:0:0:0:none:e:on:off:::";
    let cases: Vec<(String, usize, QuotaParseErrorKind)> = vec![
        (
            format!("{HEADER}\n{}", row.replace(":USR:", ":PROJECT:")),
            2,
            QuotaParseErrorKind::UnknownQuotaType,
        ),
        (
            format!("{HEADER}\n{}", row.replace(":1:2:3:", ":1:-2:3:")),
            2,
            QuotaParseErrorKind::NegativeLimit("blockQuota"),
        ),
        (
            format!(
                "{HEADER}\n{}",
                row.replace(":0:none:1:0:0:", ":0:none:1:-5:0:")
            ),
            2,
            QuotaParseErrorKind::NegativeLimit("filesQuota"),
        ),
        (
            format!("{HEADER}\n{}", row.replace(":1:2:3:", "::2:3:")),
            2,
            QuotaParseErrorKind::EmptyValue("blockUsage"),
        ),
        (
            format!("{HEADER}\n{}", row.replace(":gpfs01:", "::")),
            2,
            QuotaParseErrorKind::EmptyValue("filesystemName"),
        ),
        (
            format!("{HEADER}\n{}", row.replace(":1001:", ":x1:")),
            2,
            QuotaParseErrorKind::InvalidNumber("id"),
        ),
        (
            format!(
                "{HEADER}\n{}",
                row.replace(":1:2:3:", ":99999999999999999999:2:3:")
            ),
            2,
            QuotaParseErrorKind::InvalidNumber("blockUsage"),
        ),
        (
            format!("{HEADER}\n{}", row.replace(":none:1:", ":none:1.5:")),
            2,
            QuotaParseErrorKind::InvalidNumber("filesUsage"),
        ),
        (
            format!(
                "\n{}\n{row}",
                HEADER.replace(":blockLimit:", ":blockLimitX:")
            ),
            2,
            QuotaParseErrorKind::MissingColumn("blockLimit"),
        ),
        (
            format!("{}\n{row}", HEADER.replace(":id:", ":blockUsage:")),
            1,
            QuotaParseErrorKind::DuplicateColumn("blockUsage"),
        ),
        (
            // A row of another record kind than its HEADER's.
            format!("{HEADER}\n{}", row.replace("mmlsquota::", "mmlsquota:x:")),
            2,
            QuotaParseErrorKind::NoHeader,
        ),
        (
            format!("{HEADER}\n{row}\nmm lsquota::0:1"),
            3,
            QuotaParseErrorKind::NotYFormat,
        ),
        (
            format!("{HEADER}\n{row}\nab"),
            3,
            QuotaParseErrorKind::NotYFormat,
        ),
    ];
    for (text, line, kind) in cases {
        let err = parse_err(&text);
        assert_eq!((err.line, err.kind), (line, kind), "{text}");
    }
}

#[test]
fn short_rows_are_padded_and_trailing_empty_fields_allowed() {
    // Row ends after blockGrace: files and the rest are empty.
    let text = format!("{HEADER}\nmmlsquota::0:1:::gpfs01:USR:1001:alice:5:6:7:0:none\n");
    let entries = parse(&text);
    assert_eq!(entries[0].block_hard_kib, 7);
    assert_eq!(entries[0].files_used, 0);
    assert_eq!(entries[0].remarks, "");
    // A header without a trailing `:` and rows with one: fine.
    let header = HEADER.trim_end_matches(':');
    let text = format!(
        "{header}\nmmlsquota::0:1:::gpfs01:USR:1001:alice:5:6:7:0:none:1:0:0:0:none:e:on:off:1:fs:\r\n"
    );
    assert_eq!(parse(&text)[0].fileset.as_deref(), Some("fs"));
    // But not two, nor one more after a header with a trailing `:`.
    let text = format!(
        "{header}\nmmlsquota::0:1:::gpfs01:USR:1001:alice:5:6:7:0:none:1:0:0:0:none:e:on:off:1:fs::"
    );
    assert!(matches!(
        parse_err(&text).kind,
        QuotaParseErrorKind::TooManyFields {
            found: 27,
            expected: 25
        }
    ));
    let text = format!(
        "{HEADER}\nmmlsquota::0:1:::gpfs01:USR:1001:alice:5:6:7:0:none:1:0:0:0:none:e:on:off:1:fs::"
    );
    assert!(matches!(
        parse_err(&text).kind,
        QuotaParseErrorKind::TooManyFields {
            found: 27,
            expected: 26
        }
    ));
}

#[test]
fn report_banners_and_other_commands() {
    let text = "*** Report for USR GRP FILESET quotas on gpfs01\n\
        mmrepquota::HEADER:version:reserved:reserved:filesystemName:quotaType:id:name:blockUsage:blockQuota:blockLimit:blockInDoubt:blockGrace:filesUsage:filesQuota:filesLimit:filesInDoubt:filesGrace:remarks:quota:defQuota:fid:filesetname:\n\
        mmrepquota::0:1:::gpfs01:FILESET:4:data:100:200:300:0:none:1:0:0:0:none:e:on:off:::\n";
    let entries = parse(text);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].kind, QuotaKind::Fileset);
    assert_eq!(entries[0].fileset.as_deref(), Some("data"));
    assert_eq!(entries[0].line, 3);
}

/// Reorder columns 3.. of every line by `order` (a permutation of 0..n).
fn permute(text: &str, order: &[usize]) -> String {
    text.lines()
        .map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            if fields.len() < 3 {
                return line.to_owned();
            }
            let (head, tail) = fields.split_at(3);
            let mut out: Vec<&str> = head.to_vec();
            out.extend(order.iter().map(|&i| tail.get(i).copied().unwrap_or("")));
            out.join(":")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn column_order_does_not_matter() {
    let width = HEADER.split(':').count() - 3;
    let mut orders: Vec<Vec<usize>> = vec![
        (0..width).rev().collect(),
        (0..width).map(|i| (i + 7) % width).collect(),
    ];
    // A few pseudo-random shuffles (Fisher-Yates with xorshift).
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    for _ in 0..20 {
        let mut order: Vec<usize> = (0..width).collect();
        for i in (1..width).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let j = usize::try_from(state % (i as u64 + 1)).unwrap_or(0);
            order.swap(i, j);
        }
        orders.push(order);
    }
    for fixture in [USR, GRP, FILESETS, ALL, PERCENT, NEGATIVE] {
        let expected = parse(fixture);
        for order in &orders {
            assert_eq!(parse(&permute(fixture, order)), expected, "{order:?}");
        }
    }
}

#[test]
fn header_names_are_case_insensitive_and_filesetname_has_an_alias() {
    let header = HEADER
        .replace(":filesetname:", ":filesetName:")
        .replace(":blockUsage:", ":BLOCKUSAGE:");
    let text = format!(
        "{header}\nmmlsquota::0:1:::gpfs01:usr:1:bob:5:0:0:0:none:1:0:0:0:none:e:on:off:9:fs9:"
    );
    let entries = parse(&text);
    assert_eq!(entries[0].kind, QuotaKind::Usr);
    assert_eq!(entries[0].block_used_kib, 5);
    assert_eq!(entries[0].fileset.as_deref(), Some("fs9"));
}

#[test]
fn percent_decoding() {
    assert_eq!(percent_decode("plain"), "plain");
    assert_eq!(percent_decode("a%3Ab%3ac"), "a:b:c");
    assert_eq!(percent_decode("100%25"), "100%");
    assert_eq!(percent_decode("6%20days"), "6 days");
    assert_eq!(percent_decode("%E2%82%AC"), "\u{20ac}");
    assert_eq!(percent_decode("%"), "%");
    assert_eq!(percent_decode("%3"), "%3");
    assert_eq!(percent_decode("a%zzb"), "a%zzb");
    assert_eq!(percent_decode("%%3A"), "%:");
    assert_eq!(percent_decode("%ff"), "\u{fffd}");
    assert_eq!(percent_decode("\u{e9}%3A"), "\u{e9}:");
    // Header names are decoded too.
    let text = format!(
        "{}\nmmlsquota::0:1:::gpfs01:USR:1:a:5:0:0:0:none:",
        HEADER.replace(":quotaType:", ":quota%54ype:")
    );
    assert_eq!(parse(&text)[0].kind, QuotaKind::Usr);
}

#[test]
fn grace_values() {
    assert_eq!(Grace::parse("none"), Grace::None);
    assert_eq!(Grace::parse(" NONE "), Grace::None);
    assert_eq!(Grace::parse(""), Grace::None);
    assert_eq!(Grace::parse("expired"), Grace::Expired);
    assert_eq!(Grace::parse("Expired"), Grace::Expired);
    assert_eq!(Grace::parse("6 days"), Grace::Remaining("6 days".into()));
    assert_eq!(Grace::parse("0 days"), Grace::Remaining("0 days".into()));
    assert_eq!(Grace::parse("2 hours"), Grace::Remaining("2 hours".into()));
    assert_eq!(Grace::parse("604800"), Grace::Remaining("604800".into()));
    assert_eq!(Grace::None.to_string(), "none");
    assert_eq!(Grace::Expired.to_string(), "expired");
    assert_eq!(Grace::Remaining("6 days".into()).to_string(), "6 days");
}

#[test]
fn quota_kind_names() {
    assert_eq!(QuotaKind::Usr.to_string(), "USR");
    assert_eq!(QuotaKind::Grp.to_string(), "GRP");
    assert_eq!(QuotaKind::Fileset.to_string(), "FILESET");
}

fn usage(used: i64, soft: i64, hard: i64, in_doubt: i64) -> Usage {
    Usage {
        used,
        soft,
        hard,
        in_doubt,
    }
}

#[test]
fn percent_of_limit() {
    assert_eq!(usage(50, 0, 200, 0).percent_of_limit(), Some(25.0));
    assert_eq!(usage(50, 100, 200, 0).percent_of_limit(), Some(25.0));
    assert_eq!(usage(50, 100, 0, 0).percent_of_limit(), Some(50.0));
    assert_eq!(usage(50, 0, 0, 0).percent_of_limit(), None);
    assert_eq!(usage(300, 100, 200, 0).percent_of_limit(), Some(150.0));
    assert_eq!(usage(-50, 100, 0, 0).percent_of_limit(), Some(-50.0));
    let entries = parse(USR);
    let pct = entries[0].block_percent_of_limit().unwrap_or(f64::NAN);
    assert!((pct - 100.0 / 6.0).abs() < 1e-9, "{pct}");
    assert_eq!(entries[0].files_percent_of_limit(), None);
    assert_eq!(entries[1].block_percent_of_limit(), Some(90.0));
    assert_eq!(entries[1].files_percent_of_limit(), Some(95.0));
    assert_eq!(entries[2].block_percent_of_limit(), None);
}

#[test]
fn thresholds() {
    // Soft only, hard only, both; exactly at the threshold counts.
    assert!(usage(90, 100, 0, 0).is_over_threshold(90.0));
    assert!(!usage(89, 100, 0, 0).is_over_threshold(90.0));
    assert!(usage(90, 0, 100, 0).is_over_threshold(90.0));
    assert!(!usage(89, 0, 100, 0).is_over_threshold(90.0));
    // Over 90% of soft though far from hard.
    assert!(usage(95, 100, 1000, 0).is_over_threshold(90.0));
    assert!(!usage(85, 100, 1000, 0).is_over_threshold(90.0));
    // In-doubt does not count.
    assert!(!usage(80, 100, 0, 50).is_over_threshold(90.0));
    // No limits, negative usage, odd thresholds.
    assert!(!usage(1_000_000, 0, 0, 0).is_over_threshold(90.0));
    assert!(!usage(-1, 100, 100, 0).is_over_threshold(0.0));
    assert!(usage(0, 100, 0, 0).is_over_threshold(0.0));
    assert!(!usage(100, 100, 0, 0).is_over_threshold(f64::NAN));
    assert!(!usage(100, 100, 0, 0).is_over_threshold(f64::INFINITY));
    assert!(usage(100, 100, 0, 0).is_over_threshold(100.0));
    assert!(!usage(100, 100, 0, 0).is_over_threshold(100.5));
    // Huge values stay exact enough.
    assert!(usage(i64::MAX, i64::MAX, 0, 0).is_over_threshold(100.0));

    let over: Vec<(String, bool)> = parse(ALL)
        .iter()
        .map(|e| {
            (
                format!("{} {} {}", e.device, e.kind, e.name),
                e.is_over_threshold(DEFAULT_THRESHOLD_PCT),
            )
        })
        .collect();
    let expect = |s: &str, b: bool| (s.to_owned(), b);
    assert_eq!(
        over,
        vec![
            expect("gpfs01 USR alice", false),
            expect("gpfs02 USR alice", true), // blocks at 90% of soft
            expect("gpfs01 USR alice", false), // per-fileset, unlimited
            expect("gpfs01 GRP ml-lab", true), // over soft, under hard
            expect("gpfs02 GRP ml-lab", false),
            expect("gpfs01 FILESET projA", true), // 94% of soft, 90% of hard
            expect("gpfs01 FILESET projB", false),
            expect("gpfs02 FILESET scratch", true), // at soft, expired
            expect("gpfs02 FILESET projA", false),
        ]
    );
    // Files alone can trip it.
    let files_only = &parse(USR)[1];
    assert!(files_only.files().is_over_threshold(90.0));
    assert!(!files_only.blocks().is_over_threshold(91.0));
    assert!(files_only.is_over_threshold(91.0));
}

#[test]
fn headroom() {
    assert_eq!(usage(30, 0, 100, 10).headroom(), Some(60));
    assert_eq!(usage(30, 80, 100, 10).headroom(), Some(60));
    assert_eq!(usage(30, 80, 0, 10).headroom(), Some(40));
    assert_eq!(usage(30, 0, 0, 10).headroom(), None);
    assert_eq!(usage(120, 0, 100, 0).headroom(), Some(-20));
    assert_eq!(usage(-30, 0, 100, -10).headroom(), Some(100));
    assert_eq!(usage(i64::MAX, 0, 1, i64::MAX).headroom(), Some(i64::MIN));
    let entries = parse(FILESETS);
    assert_eq!(
        entries[0].headroom_kib(),
        Some(5_242_880_000 - 4_718_592_000 - 262_144_000)
    );
    assert_eq!(
        entries[0].files_headroom(),
        Some(6_000_000 - 2_500_000 - 1500)
    );
    assert_eq!(entries[1].headroom_kib(), None, "no limits");
    assert_eq!(
        entries[2].headroom_kib(),
        Some(32_212_254_720 - 21_474_836_480)
    );
    assert_eq!(entries[2].files_headroom(), Some(200_000), "soft only");
    let usr = parse(USR);
    assert_eq!(usr[1].headroom_kib(), Some(10_485_760 - 9_437_184 - 1024));
    let projc = &parse(TWO_HEADERS)[2];
    assert_eq!(projc.headroom_kib(), Some(-1));
}

#[test]
fn human_units() {
    assert_eq!(human_kib(0), "0 KiB");
    assert_eq!(human_kib(1), "1 KiB");
    assert_eq!(human_kib(1023), "1023 KiB");
    assert_eq!(human_kib(1024), "1.0 MiB");
    assert_eq!(human_kib(1536), "1.5 MiB");
    assert_eq!(human_kib(10_485_760), "10.0 GiB");
    assert_eq!(human_kib(1_610_612_736), "1.5 TiB");
    assert_eq!(human_kib(5_242_880_000), "4.9 TiB");
    assert_eq!(human_kib(1_048_575), "1.0 GiB");
    assert_eq!(human_kib(1_048_063), "1023.5 MiB");
    assert_eq!(human_kib(1 << 40), "1.0 PiB");
    assert_eq!(human_kib(1 << 50), "1.0 EiB");
    assert_eq!(human_kib(-2048), "-2.0 MiB");
    assert_eq!(human_kib(-1), "-1 KiB");
    assert_eq!(human_kib(-1_610_612_736), "-1.5 TiB");
    assert_eq!(human_kib(i64::MAX), "8.0 ZiB");
    assert_eq!(human_kib(i64::MIN), "-8.0 ZiB");
}

/// Parsing must return, never panic, whatever the input.
#[test]
fn garbage_never_panics() {
    const ALPHABET: &[u8] =
        b"::::%%%3Aa0123456789-\n\n\r HEADERmmlsquota USR GRP FILESET none expired \xff\t*";
    for fixture in FIXTURES {
        let mut end = 0;
        while end <= fixture.len() {
            if fixture.is_char_boundary(end) {
                let _ = parse_mmlsquota_y(&fixture[..end]);
                let _ = parse_mmlsquota_y(&fixture[end..]);
            }
            end += 1;
        }
    }
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..3000 {
        let len = usize::try_from(next() % 300).unwrap_or(0);
        let mut bytes: Vec<u8> = if round % 2 == 0 {
            (0..len)
                .map(|_| ALPHABET[usize::try_from(next()).unwrap_or(0) % ALPHABET.len()])
                .collect()
        } else {
            // Mutate a real fixture.
            let mut bytes = ALL.as_bytes().to_vec();
            for _ in 0..=(len % 12) {
                let at = usize::try_from(next()).unwrap_or(0) % bytes.len();
                bytes[at] = ALPHABET[usize::try_from(next()).unwrap_or(0) % ALPHABET.len()];
            }
            bytes
        };
        if round % 7 == 0 {
            bytes.splice(0..0, HEADER.bytes().chain(*b"\n"));
        }
        let text = String::from_utf8_lossy(&bytes);
        if let Err(err) = parse_mmlsquota_y(&text) {
            assert!(err.line >= 1 && err.line <= text.lines().count(), "{err}");
            assert!(err.text.len() <= MAX_ERROR_TEXT + 3);
            let _ = err.to_string();
        }
    }
}

#[test]
fn long_error_text_is_cut_on_a_char_boundary() {
    let line = format!("{}\u{e9}{}", "x".repeat(63), "y".repeat(100));
    let err = parse_err(&line);
    assert_eq!(err.kind, QuotaParseErrorKind::NotYFormat);
    assert_eq!(err.text, format!("{}...", "x".repeat(63)));
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|&a| a.to_owned()).collect()
}

fn fs(device: &str, fileset: &str) -> FilesetRef {
    FilesetRef {
        device: device.into(),
        fileset: fileset.into(),
    }
}

fn args(kind: &QueryKind, options: &QueryOptions) -> Vec<Vec<String>> {
    match mmlsquota_args(kind, options) {
        Ok(calls) => calls,
        Err(err) => panic!("{err}"),
    }
}

#[test]
fn args_user_and_groups() {
    let kind = QueryKind::UserAndGroups {
        user: "alice".into(),
        groups: strings(&["ml-lab", "5001", "ml-lab"]),
    };
    assert_eq!(
        args(&kind, &QueryOptions::default()),
        vec![
            strings(&["-u", "alice", "-v", "-Y"]),
            strings(&["-g", "ml-lab", "-v", "-Y"]),
            strings(&["-g", "5001", "-v", "-Y"]),
        ]
    );
    let options = QueryOptions {
        devices: strings(&["gpfs01", "gpfs02:projA"]),
        verbose: false,
        up_to_date: true,
        cluster: Some("remote.example".into()),
    };
    let kind = QueryKind::UserAndGroups {
        user: "1001".into(),
        groups: vec![],
    };
    assert_eq!(
        args(&kind, &options),
        vec![strings(&[
            "-u",
            "1001",
            "-e",
            "-C",
            "remote.example",
            "-Y",
            "gpfs01",
            "gpfs02:projA"
        ])]
    );
    assert_eq!(
        args(&QueryKind::User("bob".into()), &options)[0][..2],
        strings(&["-u", "bob"])[..]
    );
    assert_eq!(
        args(
            &QueryKind::Groups(strings(&["a", "b"])),
            &QueryOptions::default()
        ),
        vec![
            strings(&["-g", "a", "-v", "-Y"]),
            strings(&["-g", "b", "-v", "-Y"])
        ]
    );
}

#[test]
fn args_filesets_one_call_per_fileset_with_all_its_devices() {
    let kind = QueryKind::Filesets(vec![
        fs("gpfs01", "projA"),
        fs("gpfs01", "projB"),
        fs("gpfs02", "projA"),
        fs("gpfs01", "projA"),
        fs("gpfs02", "scratch"),
    ]);
    let options = QueryOptions {
        devices: strings(&["ignored"]),
        ..QueryOptions::default()
    };
    assert_eq!(
        args(&kind, &options),
        vec![
            strings(&["-j", "projA", "-v", "-Y", "gpfs01", "gpfs02"]),
            strings(&["-j", "projB", "-v", "-Y", "gpfs01"]),
            strings(&["-j", "scratch", "-v", "-Y", "gpfs02"]),
        ]
    );
}

#[test]
fn args_always_y_never_block_size() {
    let kinds = [
        QueryKind::User("u".into()),
        QueryKind::Groups(strings(&["g"])),
        QueryKind::UserAndGroups {
            user: "u".into(),
            groups: strings(&["g"]),
        },
        QueryKind::Filesets(vec![fs("d", "f")]),
    ];
    for kind in &kinds {
        for call in args(kind, &QueryOptions::default()) {
            assert!(call.iter().any(|a| a == "-Y"), "{call:?}");
            assert!(
                !call.iter().any(|a| a.starts_with("--block-size")),
                "{call:?}"
            );
        }
    }
}

#[test]
fn args_refuse_misreadable_values() {
    let bad: Vec<(QueryKind, QueryOptions, &str)> = vec![
        (
            QueryKind::User(String::new()),
            QueryOptions::default(),
            "user",
        ),
        (
            QueryKind::User("-v".into()),
            QueryOptions::default(),
            "user",
        ),
        (
            QueryKind::User("a b".into()),
            QueryOptions::default(),
            "user",
        ),
        (
            QueryKind::User("a:b".into()),
            QueryOptions::default(),
            "user",
        ),
        (QueryKind::Groups(vec![]), QueryOptions::default(), "group"),
        (
            QueryKind::Groups(strings(&["ok", "\tx"])),
            QueryOptions::default(),
            "group",
        ),
        (
            QueryKind::UserAndGroups {
                user: "u".into(),
                groups: strings(&["-j"]),
            },
            QueryOptions::default(),
            "group",
        ),
        (
            QueryKind::Filesets(vec![]),
            QueryOptions::default(),
            "fileset",
        ),
        (
            QueryKind::Filesets(vec![fs("gpfs01", "a:b")]),
            QueryOptions::default(),
            "fileset",
        ),
        (
            QueryKind::Filesets(vec![fs("gpfs01:x", "a")]),
            QueryOptions::default(),
            "device",
        ),
        (
            QueryKind::Filesets(vec![fs("", "a")]),
            QueryOptions::default(),
            "device",
        ),
        (
            QueryKind::User("u".into()),
            QueryOptions {
                devices: strings(&["--block-size=auto"]),
                ..QueryOptions::default()
            },
            "device",
        ),
        (
            QueryKind::User("u".into()),
            QueryOptions {
                cluster: Some(String::new()),
                ..QueryOptions::default()
            },
            "cluster",
        ),
    ];
    for (kind, options, what) in bad {
        match mmlsquota_args(&kind, &options) {
            Ok(calls) => panic!("{kind:?} gave {calls:?}"),
            Err(err) => {
                assert_eq!(err.what, what, "{kind:?}");
                assert!(err.to_string().starts_with("invalid "), "{err}");
            }
        }
    }
}

#[test]
fn gpfs_failures_are_told_apart() {
    assert_eq!(
        classify_mmlsquota_failure(
            "Failed to connect to file system daemon: No such process\nmmlsquota: GPFS is down on this node.\n"
        ),
        GpfsFailure::DaemonDown
    );
    assert_eq!(
        classify_mmlsquota_failure(
            "projA: no such fileset in quota enabled file systems\nmmlsquota: Command failed."
        ),
        GpfsFailure::UnknownFileset("projA".into())
    );
    assert_eq!(
        classify_mmlsquota_failure(
            "mmlsquota: File system gpfs09 is not known to the GPFS cluster.\n"
        ),
        GpfsFailure::UnknownFileSystem("gpfs09".into())
    );
    assert_eq!(
        classify_mmlsquota_failure("No quota enabled file system found."),
        GpfsFailure::NoQuota
    );
    assert_eq!(classify_mmlsquota_failure("boom"), GpfsFailure::Other);
}
