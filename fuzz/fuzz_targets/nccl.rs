//! NCCL log lines, as `nccl-check` and `logs` feed them (raw bytes, one line per newline).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut a = hybridctl::nccl::Analyzer::new(hybridctl::nccl::Expectation::default());
    for (i, line) in data.split(|b| *b == b'\n').enumerate() {
        a.feed_bytes("worker-0", line, Some(i as u64 + 1), None);
    }
    a.finish();
    let _ = a.report();
    // And the block scanner over the whole input.
    let mut b = hybridctl::nccl::Analyzer::new(hybridctl::nccl::Expectation::default());
    let _ = hybridctl::nccl::scan::scan(data, "fuzz.log", &mut b);
});
