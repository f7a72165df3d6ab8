//! Fuzz target `ingest_telegram`: Telegram Desktop exports, read as a stream.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| disrupt_fuzz::ingest_never_panics(
    data,
    &disrupt_fuzz::options(Some(disrupt_ingest::InputFormat::TelegramExport))
));
