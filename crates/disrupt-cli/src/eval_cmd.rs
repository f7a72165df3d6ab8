//! `disrupt eval`.

use anyhow::{Context, Result};
use clap::Args;
use disrupt_model::read::{files, read_jsonl_all, read_networks};
use std::path::PathBuf;

#[derive(Args)]
pub struct EvalArgs {
    /// Ground-truth labels (JSONL with `label` records).
    #[arg(long, value_name = "LABELS")]
    truth: PathBuf,
    /// A scan's networks.json, or its output folder.
    #[arg(value_name = "NETWORKS")]
    networks: PathBuf,
    /// Count only networks with at least this score.
    #[arg(long, default_value_t = 0.0)]
    min_score: f64,
    /// True provenance links (default: provenance_truth.jsonl beside the labels, when there).
    #[arg(long, value_name = "FILE")]
    provenance_truth: Option<PathBuf>,
    /// True message stages (default: stages_truth.jsonl beside the labels, when there).
    #[arg(long, value_name = "FILE")]
    stages_truth: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// The truth file given, or the one named `name` beside the labels when it exists.
fn truth_file(given: &Option<PathBuf>, labels: &std::path::Path, name: &str) -> Option<PathBuf> {
    given.clone().or_else(|| {
        let beside = labels.with_file_name(name);
        beside.exists().then_some(beside)
    })
}

pub fn run(args: EvalArgs) -> Result<()> {
    let labels_text = std::fs::read_to_string(&args.truth).with_context(|| format!("cannot read {}", args.truth.display()))?;
    let labels = disrupt_eval::read_labels(&labels_text).map_err(|e| anyhow::anyhow!("{}: {e}", args.truth.display()))?;
    let path = if args.networks.is_dir() { args.networks.join(files::NETWORKS) } else { args.networks.clone() };
    // Only one consistent output set is scored (its manifest checked).
    disrupt_output::set::open(path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new(".")))?;
    let doc = read_networks(&path)?;
    let report = disrupt_eval::evaluate(&labels, &doc.networks, args.min_score);
    let truth_path = truth_file(&args.provenance_truth, &args.truth, "provenance_truth.jsonl");
    let found_path = path.with_file_name(files::PROVENANCE);
    let provenance = match truth_path {
        Some(t) if found_path.exists() => {
            let truth = std::fs::read_to_string(&t).with_context(|| format!("cannot read {}", t.display()))?;
            let truth = disrupt_eval::provenance::read_truth_links(&truth).map_err(|e| anyhow::anyhow!("{}: {e}", t.display()))?;
            let found: Vec<disrupt_model::ProvenanceLink> = read_jsonl_all(&found_path)?;
            Some(disrupt_eval::provenance::evaluate_provenance(&truth, &found, &labels, &doc.networks))
        }
        _ => None,
    };
    let stages_truth = truth_file(&args.stages_truth, &args.truth, "stages_truth.jsonl");
    let stages_found = path.with_file_name(files::STAGES);
    let stages = match stages_truth {
        Some(t) if stages_found.exists() => {
            let truth = std::fs::read_to_string(&t).with_context(|| format!("cannot read {}", t.display()))?;
            let truth = disrupt_eval::stages::read_truth_stages(&truth).map_err(|e| anyhow::anyhow!("{}: {e}", t.display()))?;
            let found: Vec<disrupt_model::MessageStage> = read_jsonl_all(&stages_found)?;
            // A truth file with no messages (a data set without chats) says nothing.
            Some(disrupt_eval::stages::evaluate_stages(&truth, &found)).filter(|r| r.messages > 0)
        }
        _ => None,
    };
    if args.json {
        let mut v = serde_json::to_value(&report)?;
        if let Some(p) = &provenance {
            v["provenance"] = serde_json::to_value(p)?;
        }
        if let Some(s) = &stages {
            v["stages"] = serde_json::to_value(s)?;
        }
        crate::outln!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        crate::out!("{}", disrupt_eval::render(&report));
        if let Some(p) = &provenance {
            crate::out!("{}", disrupt_eval::provenance::render(p));
        }
        if let Some(s) = &stages {
            crate::out!("\n{}", disrupt_eval::stages::render(s));
        }
    }
    Ok(())
}
