//! Analyzer tests: the fixture corpus lives in `tests/fixtures/nccl/`.
use super::*;

