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
    /// Output folder (records.jsonl, labels.jsonl).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn run(args: SimulateArgs) -> Result<()> {
    let summary =
        disrupt_simulate::simulate(&disrupt_simulate::SimulateConfig { organic_accounts: args.scale, seed: args.seed }, &args.out)?;
    crate::outln!(
        "disrupt simulate: {} accounts, {} posts -> {}/records.jsonl, labels.jsonl",
        summary.accounts,
        summary.posts,
        args.out.display()
    );
    crate::outln!("planted operations:");
    for (name, (kind, size)) in &summary.operations {
        crate::outln!("  {name}  {kind:<9}  {size} accounts");
    }
    crate::outln!("organic traps:");
    for (name, n) in &summary.traps {
        crate::outln!("  {name:<16} {n} accounts");
    }
    Ok(())
}
