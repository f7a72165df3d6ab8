//! Fuzz target `read_edges`: rows of edges.csv.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(data);
    for row in reader.records().flatten() {
        let _ = disrupt_model::Edge::from_csv(&row);
    }
});
