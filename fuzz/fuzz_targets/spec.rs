//! The spec path: YAML parse, layering, decode and validation of any bytes.
#![no_main]

use hybridctl::settings::{Env, Settings};
use hybridctl::jobspec::load::{Overrides, resolve_spec};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let settings = Settings::empty(Env::default());
    let loaded = resolve_spec(&settings, "fuzz.yaml", text, &Overrides::default());
    assert!(loaded.spec.is_some() || !loaded.diagnostics.is_empty());
});
