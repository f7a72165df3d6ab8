//! `disrupt co-share`: the peers' raw co-share networks (coordination-network-toolkit,
//! CooRTweet) on disrupt's readers, for side-by-side checks. No null model is applied.

use crate::scan_cmd::IngestArgs;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use disrupt_ingest::Reject;
use disrupt_pipeline::co_share::CoShares;
use disrupt_pipeline::{MemoryBudget, ScanObserver, ScanSettings};
use std::io::Write;
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// coordination-network-toolkit: directed weighted edges (`source,target,weight`).
    Toolkit,
    /// CooRTweet `detect_groups`: co-share rows.
    Coortweet,
}

#[derive(Args)]
pub struct CoShareArgs {
    /// Input files and folders.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    ingest: IngestArgs,
    /// Which peer's definition to reproduce.
    #[arg(long, value_enum)]
    mode: Mode,
    /// What is shared: co_repost, co_link, co_hashtag, co_post or co_reply.
    #[arg(long, default_value = "co_repost")]
    signal: String,
    /// Time window in seconds (default: 60 for toolkit, 10 for coortweet).
    #[arg(long)]
    window: Option<f64>,
    /// toolkit: minimum edge weight.
    #[arg(long, default_value_t = 1)]
    min_weight: u32,
    /// toolkit: keep self-loops (an account sharing the same object twice).
    #[arg(long)]
    self_loops: bool,
    /// coortweet: minimum participation.
    #[arg(long, default_value_t = 2)]
    min_participation: usize,
    /// coortweet: keep loops (remove_loops = FALSE).
    #[arg(long)]
    keep_loops: bool,
    /// Write the CSV here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

struct CountRejects;

impl ScanObserver for CountRejects {
    fn reject(&mut self, _reject: &Reject) {}
}

pub fn run(args: CoShareArgs) -> Result<()> {
    let mut settings = ScanSettings::default();
    settings.normalize.detect_language = false;
    settings.memory_budget_bytes = MemoryBudget::Unlimited;
    args.ingest.apply(&mut settings)?;
    let config = settings.validate()?;
    let signal = config.detect.signal_named(&args.signal).with_context(|| format!("unknown --signal `{}`", args.signal))?;
    let shares = CoShares::read(&args.inputs, &config, signal, &mut CountRejects)?;
    let mut out: Box<dyn Write> = match &args.out {
        Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p).with_context(|| format!("cannot write {}", p.display()))?)),
        // On standard output the CSV is escaped like all output; a file (--out) keeps ids raw.
        None => Box::new(disrupt_output::terminal::EscapingWriter(std::io::BufWriter::new(std::io::stdout().lock()))),
    };
    let summary = match args.mode {
        Mode::Toolkit => {
            let (edges, nodes) = shares.toolkit(args.window.unwrap_or(60.0), args.min_weight, args.self_loops);
            writeln!(out, "source,target,weight")?;
            for e in &edges {
                writeln!(out, "{},{},{}", e.source, e.target, e.weight)?;
            }
            format!("{nodes} nodes, {} directed edges", edges.len())
        }
        Mode::Coortweet => {
            let (rows, accounts) = shares.coortweet(args.window.unwrap_or(10.0), args.min_participation, !args.keep_loops)?;
            writeln!(out, "object_id,account_id,account_id_y,content_id,content_id_y,time_delta")?;
            for r in &rows {
                writeln!(out, "{},{},{},{},{},{}", r.object_id, r.account_id, r.account_id_y, r.content_id, r.content_id_y, r.time_delta)?;
            }
            format!("{accounts} accounts, {} co-share rows", rows.len())
        }
    };
    out.flush()?;
    crate::errln!("disrupt co-share: {} shares of {} records ({} rejected): {summary}", shares.len(), shares.records, shares.rejected);
    Ok(())
}
