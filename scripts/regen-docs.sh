#!/usr/bin/env bash
# Regenerate the committed shell completions, man pages, JSON Schemas and the field tables of
# docs/spec.md from the code.
# tests/it/generated.rs fails when these files drift from the code.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/hybridctl
rm -rf completions man
for shell in bash zsh fish elvish powershell; do
  "$bin" completions "$shell" --dir completions
done
"$bin" man --dir man
rm -rf docs/schema
mkdir -p docs/schema
for name in $("$bin" schema --list); do
  "$bin" schema "$name" >"docs/schema/$name.json"
done
# docs/spec.md's field tables, from src/jobspec/fields.rs (the test rewrites them when asked).
HYBRIDCTL_REGEN_DOCS=1 cargo test --quiet --lib jobspec::fields::tests::spec_md_field_tables_are_fresh >/dev/null
