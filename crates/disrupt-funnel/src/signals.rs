//! The funnel stage's signals, declared where they are computed: how networks describe
//! them and their default settings. Their window is how far apart in time two accounts'
//! uses of one script, payment number or contact may be.

use disrupt_evidence::{clip_words, EvidenceKind, LinkSignal, SharedItems, Signal, SignalConfig, SignalDescription, SignalSummary};

const NINETY_DAYS: f64 = 90.0 * 86_400.0;

/// Operator-side accounts (and ads) sending one scam script, with variations.
pub const SHARED_SCRIPT: LinkSignal = LinkSignal {
    description: SignalDescription {
        signal: Signal::SHARED_SCRIPT,
        phrase: script,
        shares: SharedItems::Values,
        kind: EvidenceKind::Other,
    },
    default: SignalConfig { enabled: true, window_seconds: NINETY_DAYS },
};

/// Operator-side accounts naming the same bank account, e-wallet or crypto address.
pub const SHARED_PAYMENT: LinkSignal = LinkSignal {
    description: SignalDescription {
        signal: Signal::SHARED_PAYMENT,
        phrase: payment,
        shares: SharedItems::Values,
        kind: EvidenceKind::Other,
    },
    default: SignalConfig { enabled: true, window_seconds: NINETY_DAYS },
};

/// Ads and operator-side accounts naming the same phone, handle or landing page.
pub const SHARED_CONTACT: LinkSignal = LinkSignal {
    description: SignalDescription {
        signal: Signal::SHARED_CONTACT,
        phrase: contact,
        shares: SharedItems::Values,
        kind: EvidenceKind::Other,
    },
    default: SignalConfig { enabled: true, window_seconds: NINETY_DAYS },
};

/// The three, in the order they are listed.
pub const SIGNALS: [LinkSignal; 3] = [SHARED_SCRIPT, SHARED_PAYMENT, SHARED_CONTACT];

/// Their names.
pub const SCAM_SIGNALS: [Signal; 3] = [Signal::SHARED_SCRIPT, Signal::SHARED_PAYMENT, Signal::SHARED_CONTACT];

fn script(s: &SignalSummary) -> String {
    format!(
        "sent one script, with variations, in {} messages and ads{}",
        s.posts,
        s.shared.first().map(|(text, _)| format!(" (\"{}\")", clip_words(text, 12))).unwrap_or_default()
    )
}

fn payment(s: &SignalSummary) -> String {
    format!("asked for payment to the same {}{}", s.shared_count("account", "accounts"), s.shared_list("", 2))
}

fn contact(s: &SignalSummary) -> String {
    format!("pointed targets to the same {}{}", s.shared_count("contact", "contacts"), s.shared_list("", 3))
}
