//! Fuzz target `read_networks`: networks.json, as every reader of findings parses it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        // A document that reads must write and read back as itself.
        if let Ok(doc) = disrupt_model::read::parse_networks(text) {
            let again = serde_json::to_string(&doc).unwrap();
            disrupt_model::read::parse_networks(&again).unwrap();
        }
    }
});
