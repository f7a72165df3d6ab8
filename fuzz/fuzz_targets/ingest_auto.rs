//! Fuzz target `ingest_auto`: any file: format detection, decompression (gzip, zstd) and whichever reader it picks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| disrupt_fuzz::ingest_never_panics(data, &disrupt_fuzz::options(None)));
