//! NCCL log analysis throughput on a generated 16-rank log (about 1% NCCL lines among
//! training output), in process: the block scanner `nccl-check` uses, and line-by-line
//! `Analyzer::feed` as `hybridctl logs` uses it. Run: `cargo bench --bench nccl`.
//! The whole-process number against `grep -c NCCL` is `benches/nccl-check.sh`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hybridctl::nccl::{Analyzer, Expectation, Fabric, scan};

/// One NCCL init of 16 ranks on 2 nodes, then `noise` training lines per NCCL line.
fn generate(target_bytes: usize, noise: usize) -> String {
    let mut nccl = Vec::new();
    for r in 0..16u32 {
        let host = if r < 8 { "node01" } else { "node02" };
        let (pid, dev) = (4000 + r, r % 8);
        let p = format!("{host}:{pid}:{pid} [{dev}] NCCL INFO ");
        nccl.push(format!("{p}NCCL version 2.21.5+cuda12.4"));
        nccl.push(format!("{p}NCCL_IB_GID_INDEX set by environment to 3."));
        nccl.push(format!(
            "{p}NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE [RO]; OOB eth0:10.0.0.1<0>"
        ));
        nccl.push(format!("{p}Using network IB"));
        for c in 0..4 {
            nccl.push(format!(
                "{p}Channel {c:02}/0 : {r}[{dev}] -> {}[{}] [send] via NET/IB/{}/GDRDMA",
                (r + 8) % 16,
                dev,
                c % 2
            ));
            nccl.push(format!(
                "{p}Channel {c:02}/1 : {r}[{dev}] -> {}[{}] via P2P/CUMEM/read",
                (r + 1) % 16,
                (dev + 1) % 8
            ));
        }
        nccl.push(format!(
            "{p}ncclCommInitRank comm 0x55d0c0a0 rank {r} nranks 16 cudaDev {dev} nvmlDev {dev} busId 1b000 commId 0x6f1e - Init COMPLETE"
        ));
    }
    let mut out = String::with_capacity(target_bytes + 4096);
    let mut i = 0usize;
    while out.len() < target_bytes {
        for _ in 0..noise {
            i += 1;
            out.push_str(&format!(
                "[rank{}]:[2026-11-29 05:{:02}:{:02},{:03}] train.py:212 INFO step {i} loss 2.{:04} lr 3.0e-04 grad_norm 0.87 tokens/s 412345 mem 61.2GiB\n",
                i % 16,
                (i / 60) % 60,
                i % 60,
                i % 1000,
                i % 9973
            ));
        }
        out.push_str(&nccl[i / noise % nccl.len()]);
        out.push('\n');
    }
    out
}

fn expectation() -> Expectation {
    Expectation {
        fabric: Fabric::Roce,
        multi_node: true,
        init_threshold: None,
    }
}

fn throughput(c: &mut Criterion) {
    let log = generate(16 << 20, 100);
    let mut g = c.benchmark_group("nccl");
    g.throughput(Throughput::Bytes(log.len() as u64));
    g.sample_size(20);
    g.bench_function("scan 16 MiB (nccl-check path)", |b| {
        b.iter(|| {
            let mut a = Analyzer::new(expectation());
            scan::scan(black_box(log.as_bytes()), "job.out", &mut a).expect("in memory");
            a.report().verdicts.len()
        })
    });
    g.bench_function("feed line by line 16 MiB (logs path)", |b| {
        b.iter(|| {
            let mut a = Analyzer::new(expectation());
            for line in black_box(&log).lines() {
                a.feed("worker-0", line);
            }
            a.report().verdicts.len()
        })
    });
    let only_nccl: String = log
        .lines()
        .filter(|l| l.contains("NCCL"))
        .flat_map(|l| [l, "\n"])
        .collect();
    g.throughput(Throughput::Elements(only_nccl.lines().count() as u64));
    g.bench_function("feed NCCL lines only", |b| {
        b.iter(|| {
            let mut a = Analyzer::new(expectation());
            for line in black_box(&only_nccl).lines() {
                a.feed("worker-0", line);
            }
            a.report().verdicts.len()
        })
    });
    g.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
