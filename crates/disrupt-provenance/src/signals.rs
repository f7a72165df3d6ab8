//! The provenance stage's signals, declared where they are computed: how networks describe
//! them and their default settings.

use disrupt_evidence::{EvidenceKind, LinkSignal, SharedItems, Signal, SignalConfig, SignalDescription, SignalSummary};

/// Outputs of one model batch (or operator session) posted by several accounts. Its window
/// is the distribution window: posts of an output within it of the output's first post
/// distribute it, later ones copy it. An hour: operations spread a batch over 10 to 60
/// minutes; a fact-checker quotes it hours later.
pub const PROVENANCE: LinkSignal = LinkSignal {
    description: SignalDescription {
        signal: Signal::PROVENANCE,
        phrase: provenance_phrase,
        shares: SharedItems::Values,
        kind: EvidenceKind::Message,
    },
    default: SignalConfig { enabled: true, window_seconds: 3600.0 },
};

/// AI-provider accounts using the same rare infrastructure within the window of each other
/// (90 days: an operator's second account on the same device and card may write at other
/// hours or days than the first; an address reassigned next season is someone else's).
pub const SHARED_INFRASTRUCTURE: LinkSignal = LinkSignal {
    description: SignalDescription {
        signal: Signal::SHARED_INFRASTRUCTURE,
        phrase: |_| "used the same AI-provider infrastructure".to_string(),
        shares: SharedItems::Values,
        kind: EvidenceKind::Other,
    },
    default: SignalConfig { enabled: true, window_seconds: 90.0 * 86_400.0 },
};

/// Both, in the order they are listed.
pub const SIGNALS: [LinkSignal; 2] = [PROVENANCE, SHARED_INFRASTRUCTURE];

fn provenance_phrase(s: &SignalSummary) -> String {
    // Each co-action is a pair of posts (or a post and its output): the posts themselves,
    // less the outputs matched, are what the accounts posted.
    format!("posted {} outputs of the same AI-model batches", s.posts.saturating_sub(s.co_actions.min(s.posts) / 2).max(1))
}
