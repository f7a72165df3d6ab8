//! Fuzz target `ingest_jsonl`: canonical JSON Lines (the fast paths and the general one).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| disrupt_fuzz::ingest_never_panics(data, &disrupt_fuzz::options(Some(disrupt_ingest::InputFormat::Jsonl))));
