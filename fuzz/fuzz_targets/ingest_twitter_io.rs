//! Fuzz target `ingest_twitter_io`: the Twitter/X IO archive tweets CSV.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| disrupt_fuzz::ingest_never_panics(
    data,
    &disrupt_fuzz::options(Some(disrupt_ingest::InputFormat::TwitterIoTweets))
));
