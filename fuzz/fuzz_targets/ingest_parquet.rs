//! Fuzz target `ingest_parquet`: Parquet files, under the contract's column names (the seeds
//! are small pyarrow files; the fuzzer mutates their pages, footers and schemas).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| disrupt_fuzz::ingest_never_panics(data, &disrupt_fuzz::options(Some(disrupt_ingest::InputFormat::Parquet))));
