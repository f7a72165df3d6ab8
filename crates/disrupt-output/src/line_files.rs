//! `provenance.jsonl`, `accounts.jsonl` and `stages.jsonl`: one line per linked post, per
//! AI-provider account, per message.

use crate::edges::write_json_lines;
use crate::findings::ScanFindings;
use std::io;
use std::path::Path;

/// One line per post linked to a generation output.
pub fn write_provenance(path: &Path, findings: &impl ScanFindings) -> io::Result<()> {
    write_json_lines(path, findings.provenance_link_count(), |i| findings.provenance_link(i))
}

/// One line per AI-provider account that made a request.
pub fn write_accounts(path: &Path, findings: &impl ScanFindings) -> io::Result<()> {
    write_json_lines(path, findings.account_risk_count(), |i| findings.account_risk(i))
}

/// One line per message: its funnel stage, the cues behind it, amounts and payment details.
pub fn write_stages(path: &Path, findings: &impl ScanFindings) -> io::Result<()> {
    write_json_lines(path, findings.message_stage_count(), |i| findings.message_stage(i))
}
