//! Fuzz target `settings_toml`: a scan's settings file (TOML).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        // A settings file is either refused with an error or validated; never a panic.
        if let Ok(settings) = disrupt_pipeline::ScanSettings::from_toml_str(text) {
            let _ = settings.validate();
        }
    }
});
