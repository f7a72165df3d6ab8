//! `disrupt co-share`: the peers' raw co-share networks (coordination-network-toolkit,
//! CooRTweet) on disrupt's readers, for side-by-side checks. No null model is applied.

use crate::scan_cmd::IngestArgs;
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use disrupt_detect::compat::{coortweet_accounts, coortweet_groups, network_nodes, toolkit_network, Share};
use disrupt_detect::Signal;
use disrupt_ingest::Reject;
use disrupt_pipeline::features::{object_hash, text_key};
use disrupt_pipeline::{load, ScanConfig, ScanObserver};
use std::collections::HashMap;
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

struct CountRejects(u64);

impl ScanObserver for CountRejects {
    fn reject(&mut self, _reject: &Reject) {
        self.0 += 1;
    }
}

pub fn run(args: CoShareArgs) -> Result<()> {
    let mut config = ScanConfig { detect_language: false, ..ScanConfig::default() };
    args.ingest.apply(&mut config)?;
    let signal = Signal::parse(&args.signal).with_context(|| format!("unknown --signal `{}`", args.signal))?;
    if signal == Signal::NearDuplicate {
        bail!("near_duplicate has no shared object; use co_post");
    }
    if !signal.is_behavioural() {
        bail!("{} is not a co-share signal", signal.as_str());
    }
    let mut rejects = CountRejects(0);
    let mut loaded = load(&args.inputs, &config, &mut rejects)?;
    let (post_accounts, post_times) = std::mem::take(&mut loaded.detect_input).into_columns();
    loaded.posts.attach_columns(post_accounts, post_times)?;
    let mut names: HashMap<u64, String> = HashMap::new();
    let mut shares = Vec::new();
    for i in 0..loaded.posts.len() as u32 {
        let info = loaded.posts.get(i)?;
        let mut add = |name: &str, object: u64| {
            names.entry(object).or_insert_with(|| name.to_string());
            shares.push(Share { object, time_ms: info.time, account: info.account, content: i });
        };
        match signal {
            Signal::CoRepost => info.repost_of.iter().for_each(|name| add(name, object_hash(name))),
            Signal::CoReply => info.reply_to.iter().for_each(|name| add(name, object_hash(name))),
            Signal::CoLink => info.urls.iter().for_each(|name| add(name, object_hash(name))),
            Signal::CoHashtag => info.hashtags.iter().for_each(|name| add(name, object_hash(name))),
            Signal::CoPost => {
                if let Some(o) = text_key(&info) {
                    add(&format!("{o:016x}"), o)
                }
            }
            Signal::NearDuplicate
            | Signal::Provenance
            | Signal::SharedInfrastructure
            | Signal::SharedScript
            | Signal::SharedPayment
            | Signal::SharedContact => {}
        }
    }
    let account = |i: u32| loaded.accounts[i as usize].id.as_str();
    let mut out: Box<dyn Write> = match &args.out {
        Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p).with_context(|| format!("cannot write {}", p.display()))?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let summary = match args.mode {
        Mode::Toolkit => {
            let edges = toolkit_network(&shares, args.window.unwrap_or(60.0), args.min_weight, args.self_loops);
            writeln!(out, "source,target,weight")?;
            for e in &edges {
                writeln!(out, "{},{},{}", account(e.from), account(e.to), e.weight)?;
            }
            format!("{} nodes, {} directed edges", network_nodes(&edges).len(), edges.len())
        }
        Mode::Coortweet => {
            let rows = coortweet_groups(&shares, args.window.unwrap_or(10.0), args.min_participation, !args.keep_loops);
            writeln!(out, "object_id,account_id,account_id_y,content_id,content_id_y,time_delta")?;
            for r in &rows {
                writeln!(
                    out,
                    "{},{},{},{},{},{}",
                    names.get(&r.object).map(String::as_str).unwrap_or(""),
                    account(r.account),
                    account(r.account_y),
                    loaded.posts.get(r.content)?.id,
                    loaded.posts.get(r.content_y)?.id,
                    r.time_delta_ms as f64 / 1000.0
                )?;
            }
            format!("{} accounts, {} co-share rows", coortweet_accounts(&rows).len(), rows.len())
        }
    };
    out.flush()?;
    eprintln!("disrupt co-share: {} shares of {} records ({} rejected): {summary}", shares.len(), loaded.corpus.stats.records, rejects.0);
    Ok(())
}
