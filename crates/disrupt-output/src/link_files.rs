//! `provenance.jsonl` (posts matched to the model outputs they came from) and
//! `accounts.jsonl` (the risk summary of each AI-provider account).

use crate::atomic::AtomicFile;
use disrupt_pipeline::ScanResult;
use serde_json::json;
use std::io::{self, Write};
use std::path::Path;

/// One line per post linked to a generation output.
pub fn write_provenance(path: &Path, result: &ScanResult) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    let generations = &result.corpus.generations;
    let ids = result.posts.ids(result.linkage.links.iter().map(|l| l.post));
    for l in &result.linkage.links {
        let g = &generations[l.generation as usize];
        let post_account = &result.accounts[result.posts.account(l.post) as usize].id;
        let line = json!({
            "post": ids.get(&l.post), "account": post_account,
            "generation": g.id, "output": l.output, "operator": g.account,
            "similarity": (l.similarity * 1000.0).round() / 1000.0,
            "post_containment": (l.post_containment * 1000.0).round() / 1000.0,
            "output_containment": (l.output_containment * 1000.0).round() / 1000.0,
            "delay_seconds": l.delay_ms as f64 / 1000.0,
            "role": if l.distributed { "distribution" } else { "copy" },
        });
        serde_json::to_writer(file.writer(), &line)?;
        file.writer().write_all(b"\n")?;
    }
    file.commit()
}

/// One line per AI-provider account that made a request.
pub fn write_accounts(path: &Path, result: &ScanResult) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    let network_of: std::collections::HashMap<&str, &str> =
        result.networks.iter().flat_map(|n| n.accounts.iter().map(move |a| (a.as_str(), n.id.as_str()))).collect();
    for risk in &result.linkage.risks {
        let mut v = serde_json::to_value(risk)?;
        v["network"] = json!(network_of.get(risk.account.as_str()));
        serde_json::to_writer(file.writer(), &v)?;
        file.writer().write_all(b"\n")?;
    }
    file.commit()
}

/// One line per message: its funnel stage, the cues behind it, amounts and payment details.
pub fn write_stages(path: &Path, result: &ScanResult) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    for ((m, s), role) in result.corpus.messages.iter().zip(&result.stages).zip(&result.roles) {
        let line = json!({
            "message": m.id, "conversation": m.conversation, "account": m.account,
            "created_at": disrupt_records::format_rfc3339(m.created_at),
            "stage": s.stage, "cues": s.cues, "amounts": s.amounts, "details": s.details,
            "lure_score": s.lure_score,
            "role": role.map(|(r, _)| r), "role_given": role.map(|(_, given)| given),
        });
        serde_json::to_writer(file.writer(), &line)?;
        file.writer().write_all(b"\n")?;
    }
    file.commit()
}
