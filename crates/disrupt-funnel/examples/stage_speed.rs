//! Staging speed: the hand-written labelled messages repeated to N messages (default one
//! million), staged in parallel. Usage: cargo run --release -p disrupt-funnel --example stage_speed -- [N]

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let set = include_str!("../tests/data/labelled_messages.tsv");
    let texts: Vec<&str> =
        set.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).filter_map(|l| l.split('\t').nth(3)).collect();
    let messages: Vec<(&str, bool)> = (0..n).map(|i| (texts[i % texts.len()], i % 20 == 0)).collect();
    let stager = disrupt_funnel::Stager::default();
    let started = std::time::Instant::now();
    let staged = stager.stage_all(&messages);
    let seconds = started.elapsed().as_secs_f64();
    let stings = staged.iter().filter(|s| s.stage == disrupt_funnel::Stage::Sting).count();
    println!("staged {n} messages in {seconds:.2} s ({:.0} per second); {stings} sting", n as f64 / seconds);
}
