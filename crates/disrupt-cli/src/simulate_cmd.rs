//! `disrupt simulate`.

use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct SimulateArgs {
    /// Organic accounts to simulate (operations and traps scale with it).
    #[arg(long, default_value_t = 5000)]
    scale: usize,
    /// Random seed: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Spread of an operation's burst, seconds: members post within it.
    #[arg(long, default_value_t = 90.0)]
    burst_seconds: f64,
    /// Messages (bursts) per operation, as MIN-MAX.
    #[arg(long, default_value = "10-16")]
    messages: String,
    /// Chance that an operation member takes part in a burst.
    #[arg(long, default_value_t = 0.8)]
    participation: f64,
    /// Output folder (records.jsonl, labels.jsonl).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn run(args: SimulateArgs) -> Result<()> {
    let (fewest, most) = match args.messages.split_once('-') {
        Some((a, b)) => (a.trim().parse()?, b.trim().parse()?),
        None => {
            let n: usize = args.messages.trim().parse()?;
            (n, n)
        }
    };
    let config = disrupt_simulate::SimulateConfig {
        organic_accounts: args.scale,
        seed: args.seed,
        burst_seconds: args.burst_seconds,
        messages: (fewest, most),
        participation: args.participation,
    };
    let summary = disrupt_simulate::simulate(&config, &args.out)?;
    crate::outln!(
        "disrupt simulate: {} accounts, {} posts, {} chat messages -> {}/records.jsonl, labels.jsonl, provenance_truth.jsonl, stages_truth.jsonl",
        summary.accounts,
        summary.posts,
        summary.messages,
        args.out.display()
    );
    crate::outln!("planted operations:");
    for (name, (kind, size)) in summary.operations.iter().take(20) {
        crate::outln!("  {name}  {kind:<9}  {size} accounts");
    }
    if summary.operations.len() > 20 {
        crate::outln!("  ... and {} more (labels.jsonl lists every member)", summary.operations.len() - 20);
    }
    crate::outln!("organic traps:");
    for (name, n) in &summary.traps {
        crate::outln!("  {name:<16} {n} accounts");
    }
    Ok(())
}
