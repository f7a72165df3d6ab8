//! Fuzz target `ingest_mapped_csv`: any CSV through a column mapping.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut options = disrupt_fuzz::options(Some(disrupt_ingest::InputFormat::MappedCsv));
    options.columns = Some(
        disrupt_ingest::ColumnMap::parse("id=id,account=account,text=text,created_at=created_at,urls=urls,hashtags=hashtags").unwrap(),
    );
    disrupt_fuzz::ingest_never_panics(data, &options);
});
