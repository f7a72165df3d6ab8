//! `networks.json`: the findings, the chain of custody of the inputs, every setting the
//! scan used and what each signal examined.

use crate::float::nan_or;
use crate::network::Network;
use crate::signal::Signal;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// The schema this build writes: `MAJOR.MINOR`. A minor bump adds optional fields only; a
/// major bump is a breaking change, and readers refuse a major version they do not know.
pub const SCHEMA_VERSION: &str = "1.1";

/// The major version of [`SCHEMA_VERSION`], the one this build reads.
pub const SCHEMA_MAJOR: u32 = 1;

/// One input file, for the chain of custody.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputFile {
    /// As given on the command line (or found in a folder).
    pub path: String,
    /// SHA-256 of the file's bytes as stored (compressed files: of the compressed bytes).
    pub sha256: String,
    /// The format it was read as.
    pub format: String,
    /// Records read.
    pub records: u64,
    /// Records rejected.
    pub rejected: u64,
}

/// What the scan read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    /// Records read (duplicates included).
    pub records: u64,
    /// Records rejected, and files that could not be read.
    pub rejected: u64,
    /// Records whose kind and id came before (the first wins).
    pub duplicates: u64,
    /// Records by kind.
    pub by_kind: BTreeMap<String, u64>,
    /// Every file, with its hash.
    pub files: Vec<InputFile>,
}

/// What one signal (or the fusion of all) examined and kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalStats {
    /// Keyed events.
    pub events: usize,
    /// Keys used by two or more accounts.
    pub shared_keys: u64,
    /// Events skipped because the key was a crowd at that moment.
    pub crowd_events_skipped: u64,
    /// Account pairs with at least one co-action (the hypotheses examined).
    pub pairs_examined: usize,
    /// Pairs with enough co-actions to be tested.
    pub pairs_tested: usize,
    /// Pairs that beat chance.
    pub pairs_significant: usize,
    /// The p-value threshold after the correction.
    #[serde(deserialize_with = "nan_or")]
    pub p_value_threshold: f64,
}

/// Per signal in the order they ran, then the fusion (written as one object whose last key
/// is `fused`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DetectionStats {
    /// Per signal.
    pub signals: Vec<(Signal, SignalStats)>,
    /// All signals fused per pair.
    pub fused: Option<SignalStats>,
}

impl Serialize for DetectionStats {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.signals.len() + usize::from(self.fused.is_some())))?;
        for (signal, stats) in &self.signals {
            map.serialize_entry(signal.as_str(), stats)?;
        }
        if let Some(fused) = &self.fused {
            map.serialize_entry("fused", fused)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for DetectionStats {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Stats;
        impl<'de> Visitor<'de> for Stats {
            type Value = DetectionStats;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of signal statistics")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DetectionStats, A::Error> {
                let mut out = DetectionStats::default();
                while let Some(key) = map.next_key::<String>()? {
                    let stats: SignalStats = map.next_value()?;
                    if key == "fused" {
                        out.fused = Some(stats);
                    } else {
                        out.signals.push((Signal::from_name(&key).map_err(serde::de::Error::custom)?, stats));
                    }
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(Stats)
    }
}

/// What chance alone would flag at the scan's settings, on the scan's own data: the scan
/// run again on placebos of it, with coordination destroyed and each account's habits and
/// each key's popularity kept (`disrupt scan --calibrate N`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Placebo runs averaged.
    pub runs: u32,
    /// Accounts a placebo flags, on average: the expected false accounts.
    pub expected_false_accounts: f64,
    /// Networks a placebo finds, on average.
    pub expected_false_networks: f64,
    /// Per signal, placebo-flagged accounts with a significant pair of that signal, on average.
    pub by_signal: BTreeMap<String, f64>,
    /// How the placebos were made.
    pub method: String,
    /// Whether the estimate is weak (less than three days of data, or placebos that could
    /// not be made), and why not otherwise left unsaid: what a placebo cannot estimate.
    pub weak: bool,
    /// What the estimate does not cover.
    pub notes: Vec<String>,
}

/// The whole of `networks.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworksDocument {
    /// `disrupt`.
    pub tool: String,
    /// The version of the tool that wrote it.
    pub version: String,
    /// [`SCHEMA_VERSION`] of the writer.
    pub schema_version: String,
    /// When it was written (RFC 3339): the only part that differs between identical scans.
    pub generated_at: String,
    /// What was read.
    pub inputs: Inputs,
    /// Every setting the scan used, defaults included (the library's `ScanSettings`
    /// reads it back).
    pub parameters: serde_json::Value,
    /// What each signal examined.
    pub detection: DetectionStats,
    /// What chance alone would flag at these settings (absent when not estimated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<Calibration>,
    /// The findings, by descending score.
    pub networks: Vec<Network>,
}

impl NetworksDocument {
    /// The network `account` is a member of.
    pub fn network_of(&self, account: &str) -> Option<&Network> {
        self.networks.iter().find(|n| n.accounts.iter().any(|a| a == account))
    }
}
