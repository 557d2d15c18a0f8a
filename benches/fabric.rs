//! fabric-check's pure core: the pair schedule for 1024 nodes (target: under 10 ms) and
//! perftest result parsing. The orchestration overhead per round is measured on the test
//! cluster by benches/fabric-pairwise.sh.

use criterion::{Criterion, criterion_group, criterion_main};
use hybridctl::fabric::{perftest, schedule};

fn bench(c: &mut Criterion) {
    c.bench_function("schedule round_robin 1024 nodes", |b| {
        b.iter(|| schedule::round_robin(std::hint::black_box(1024)))
    });
    c.bench_function("schedule ring 1024 nodes", |b| {
        b.iter(|| schedule::ring(std::hint::black_box(1024)))
    });
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/fabric/outputs/perftest"
    );
    let bw = std::fs::read_to_string(format!("{dir}/write_bw-all-sizes-gbits.txt"))
        .expect("perftest fixture");
    let lat = std::fs::read_to_string(format!("{dir}/read_lat.txt")).expect("perftest fixture");
    c.bench_function("perftest parse_bw (all sizes)", |b| {
        b.iter(|| perftest::parse_bw(std::hint::black_box(&bw)))
    });
    c.bench_function("perftest parse_lat", |b| {
        b.iter(|| perftest::parse_lat(std::hint::black_box(&lat)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
