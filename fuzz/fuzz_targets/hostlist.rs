//! Slurm hostlists: what expands is bounded and survives compress/expand.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(list) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(hosts) = hybridctl::hostlist::expand(list) {
        assert!(hosts.len() <= hybridctl::hostlist::MAX_HOSTS);
        let again = hybridctl::hostlist::expand(&hybridctl::hostlist::compress(&hosts));
        assert_eq!(again.as_ref(), Ok(&hosts));
    }
});
