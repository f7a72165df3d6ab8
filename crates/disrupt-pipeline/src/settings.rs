//! [`ScanSettings`]: every setting of a scan as plain data, read from a TOML file
//! (`disrupt scan --config FILE.toml`), from flags, or from a server's request, and
//! validated here, by the library, into the [`ScanConfig`] a scan runs with. The same
//! settings, resolved, are written to `networks.json` as `parameters`, so a scan's
//! parameters can be fed back as a settings file. docs/settings.md documents every key.
//!
//! Precedence: a flag beats the file, the file beats the default. An unknown key is an
//! error, at any depth.

use disrupt_detect::signals::DETECT_FIELDS;
use disrupt_detect::DetectConfig;
use disrupt_evidence::{Signal, SignalConfig, SignalDescription};
use disrupt_funnel::shared_values::SharedValueConfig;
use disrupt_ingest::{ColumnMap, IngestOptions, InputFormat};
use disrupt_networks::NetworkConfig;
use disrupt_normalize::UrlPolicy;
use disrupt_provenance::ProvenanceConfig;
use disrupt_records::TimeZoneSetting;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every setting of a scan.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    /// How inputs are read.
    pub ingest: IngestOptions,
    /// How links are canonicalized.
    pub url_policy: UrlPolicy,
    /// Every signal's settings and the null model's.
    pub detect: DetectConfig,
    /// How networks are found and described.
    pub networks: NetworkConfig,
    /// Detect the language of posts that do not give one.
    pub detect_language: bool,
    /// Provenance matching.
    pub provenance: disrupt_provenance::ProvenanceConfig,
    /// Monitoring cue lists (the shipped ones, and any extra).
    pub monitoring: disrupt_provenance::monitoring::MonitoringCues,
    /// Funnel cue lists and patterns.
    pub stager: disrupt_funnel::Stager,
    /// What makes scam records one operation's (script similarity, sharers at most).
    pub scam_links: disrupt_funnel::shared_values::SharedValueConfig,
    /// Where state that outgrows memory goes (the system's temporary folder when `None`).
    pub temp_dir: Option<PathBuf>,
    /// Bytes of detector state held in memory before it spills to disk (`None`: never).
    pub memory_budget: Option<usize>,
    /// The folder the extra monitoring cues came from.
    pub monitoring_terms: Option<PathBuf>,
    /// The folder the extra funnel cues came from.
    pub funnel_cues: Option<PathBuf>,
    /// Placebo runs that estimate what chance alone would flag (0: none).
    pub calibrate: u32,
    /// A post breaks out when its shares plus comments exceed this.
    pub breakout_threshold: u64,
    /// The DISARM rules networks are tagged with (the shipped ones and the user's).
    pub disarm: disrupt_report::DisarmRules,
    /// The file the extra DISARM rules came from.
    pub disarm_rules: Option<PathBuf>,
    /// Folders the walk of input folders skips: the scan's own output folder (not a
    /// setting: a scan that writes into an input folder would otherwise read its last
    /// outputs back).
    pub skip_folders: Vec<PathBuf>,
}

/// Every signal a scan has, with its default settings: the behavioural detectors, then the
/// provenance stage's, then the funnel stage's.
pub fn default_signal_settings() -> Vec<(Signal, disrupt_evidence::SignalConfig)> {
    disrupt_detect::REGISTRY
        .iter()
        .map(|s| (s.signal(), s.default))
        .chain(
            disrupt_provenance::signals::SIGNALS.iter().chain(&disrupt_funnel::signals::SIGNALS).map(|s| (s.description.signal, s.default)),
        )
        .collect()
}

/// How networks describe each signal a scan with these settings has: its behavioural
/// signals, then the provenance and funnel stages'.
pub fn signal_descriptions(detect: &DetectConfig) -> Vec<SignalDescription> {
    detect
        .registry
        .0
        .iter()
        .map(|s| s.description)
        .chain(disrupt_provenance::signals::SIGNALS.iter().chain(&disrupt_funnel::signals::SIGNALS).map(|s| s.description))
        .collect()
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            ingest: IngestOptions::default(),
            url_policy: UrlPolicy::default(),
            detect: DetectConfig { signals: default_signal_settings(), ..DetectConfig::default() },
            networks: NetworkConfig::default(),
            detect_language: false,
            provenance: disrupt_provenance::ProvenanceConfig::default(),
            monitoring: disrupt_provenance::monitoring::MonitoringCues::default(),
            stager: disrupt_funnel::Stager::default(),
            scam_links: disrupt_funnel::shared_values::SharedValueConfig::default(),
            temp_dir: None,
            memory_budget: None,
            monitoring_terms: None,
            funnel_cues: None,
            calibrate: 1,
            breakout_threshold: 300,
            disarm: disrupt_report::DisarmRules::default(),
            disarm_rules: None,
            skip_folders: Vec::new(),
        }
    }
}

impl ScanConfig {
    /// The settings this configuration was made from, resolved (the memory budget in
    /// bytes): what `networks.json` writes as `parameters`.
    pub fn settings(&self) -> ScanSettings {
        ScanSettings {
            ingest: IngestSettings {
                format: self.ingest.format.as_ref().map(InputFormat::name).unwrap_or("auto").to_string(),
                columns: self.ingest.columns.as_ref().map(|c| c.fields.clone()),
                platform: self.ingest.platform.clone().unwrap_or_else(|| "x".into()),
                timezone: self.ingest.timezone.name(),
                max_record_bytes: self.ingest.max_record_bytes,
            },
            normalize: NormalizeSettings {
                detect_language: self.detect_language,
                url_drop_params: self.url_policy.drop_params.clone(),
                url_drop_prefixes: self.url_policy.drop_prefixes.clone(),
            },
            detect: self.detect.clone(),
            provenance: self.provenance.clone(),
            scam_links: self.scam_links.clone(),
            networks: self.networks.clone(),
            memory_budget_bytes: self.memory_budget.map_or(MemoryBudget::Unlimited, MemoryBudget::Bytes),
            temp_dir: self.temp_dir.clone(),
            monitoring_terms: self.monitoring_terms.clone(),
            funnel_cues: self.funnel_cues.clone(),
            calibrate: self.calibrate,
            breakout_threshold: self.breakout_threshold,
            disarm_rules: self.disarm_rules.clone(),
        }
    }

    /// Every parameter the scan used, defaults included, for `networks.json`.
    pub fn parameters(&self) -> Value {
        serde_json::to_value(self.settings()).unwrap_or(Value::Null)
    }
}

/// Why settings could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The settings file could not be read.
    #[error("{}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The settings file is not valid TOML, or has a key or value the settings do not have.
    #[error("{}: {source}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the TOML reader said (with the line).
        #[source]
        source: Box<toml::de::Error>,
    },
    /// The JSON settings file is not valid JSON, or has a key or value the settings do not have.
    #[error("{}: {source}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// What the JSON reader said.
        #[source]
        source: serde_json::Error,
    },
    /// The column mapping is not one.
    #[error("ingest.columns: {0}")]
    Columns(#[from] disrupt_ingest::ColumnMapError),
    /// The extra monitoring cues could not be used.
    #[error("monitoring_terms: {0}")]
    MonitoringCues(#[from] disrupt_provenance::monitoring::CueError),
    /// The extra funnel cues could not be used.
    #[error("funnel_cues: {0}")]
    FunnelCues(#[from] disrupt_funnel::CueError),
    /// The extra DISARM rules could not be used.
    #[error("disarm_rules: {0}")]
    DisarmRules(String),
    /// A setting's value is out of its range.
    #[error("{key}: {message}")]
    Invalid {
        /// The setting, as `section.key`.
        key: String,
        /// What is wrong.
        message: String,
    },
}

fn invalid(key: &str, message: impl Into<String>) -> SettingsError {
    SettingsError::Invalid { key: key.to_string(), message: message.into() }
}

/// How inputs are read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IngestSettings {
    /// `auto` (detected from content), or `jsonl`, `twitter-io`, `twitter-io-users`,
    /// `toolkit-csv`, `telegram`, `csv`.
    pub format: String,
    /// For any CSV: which column holds which field (`account = "user_name"`, ...).
    pub columns: Option<BTreeMap<String, String>>,
    /// Platform of formats that carry none; identifiers become `platform:id`.
    pub platform: String,
    /// Zone of times written without one: `UTC`, an offset (`-08:00`) or an IANA zone
    /// (`Europe/Berlin`, daylight saving included).
    pub timezone: String,
    /// Records longer than this many bytes are rejected.
    pub max_record_bytes: usize,
}

impl Default for IngestSettings {
    fn default() -> Self {
        IngestSettings {
            format: "auto".into(),
            columns: None,
            platform: "x".into(),
            timezone: "UTC".into(),
            max_record_bytes: IngestOptions::default().max_record_bytes,
        }
    }
}

/// How texts and links are normalized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NormalizeSettings {
    /// Detect the language of flagged accounts' posts that do not give one.
    pub detect_language: bool,
    /// Link parameters dropped before links are compared (lower case).
    pub url_drop_params: Vec<String>,
    /// Link parameter prefixes dropped (`utm_`).
    pub url_drop_prefixes: Vec<String>,
}

impl Default for NormalizeSettings {
    fn default() -> Self {
        let policy = UrlPolicy::default();
        NormalizeSettings { detect_language: true, url_drop_params: policy.drop_params, url_drop_prefixes: policy.drop_prefixes }
    }
}

/// Bytes of detector state held in memory before it spills to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MemoryBudget {
    /// A quarter of the memory available (the default).
    #[default]
    Auto,
    /// Never spill.
    Unlimited,
    /// This many bytes.
    Bytes(usize),
}

impl MemoryBudget {
    /// Reads `auto`, `none`, or a size (`512M`, `4G`, a number of bytes).
    pub fn parse(text: &str) -> Result<MemoryBudget, crate::memory::SizeError> {
        match text.trim() {
            "auto" => Ok(MemoryBudget::Auto),
            "none" => Ok(MemoryBudget::Unlimited),
            size => crate::memory::parse_size(size).map(MemoryBudget::Bytes),
        }
    }

    /// The budget in bytes (`None`: never spill), `Auto` measured on this machine.
    pub fn resolve(self) -> Option<usize> {
        match self {
            MemoryBudget::Auto => Some(crate::memory::default_memory_budget()),
            MemoryBudget::Unlimited => None,
            MemoryBudget::Bytes(b) => Some(b),
        }
    }
}

impl Serialize for MemoryBudget {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            MemoryBudget::Auto => serializer.serialize_str("auto"),
            MemoryBudget::Unlimited => serializer.serialize_none(),
            MemoryBudget::Bytes(b) => serializer.serialize_u64(*b as u64),
        }
    }
}

impl<'de> Deserialize<'de> for MemoryBudget {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Given {
            Bytes(u64),
            Text(String),
        }
        match Option::<Given>::deserialize(deserializer)? {
            None => Ok(MemoryBudget::Unlimited),
            Some(Given::Bytes(b)) => Ok(MemoryBudget::Bytes(b as usize)),
            Some(Given::Text(t)) => MemoryBudget::parse(&t).map_err(serde::de::Error::custom),
        }
    }
}

/// Every setting of a scan. Serialized, it is `networks.json`'s `parameters`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScanSettings {
    /// How inputs are read.
    pub ingest: IngestSettings,
    /// How texts and links are normalized.
    pub normalize: NormalizeSettings,
    /// Every signal's settings and the null model's (signals by name: `[detect.co_post]`).
    #[serde(deserialize_with = "detect_settings")]
    pub detect: DetectConfig,
    /// Provenance: posts matched to model outputs (the `link` section of files).
    #[serde(rename = "link")]
    pub provenance: ProvenanceConfig,
    /// What makes scam records one operation's.
    pub scam_links: SharedValueConfig,
    /// Communities and their description.
    pub networks: NetworkConfig,
    /// Detector state held in memory before it spills: bytes, a size (`512M`), `auto` or
    /// `none`. Written resolved, in bytes.
    pub memory_budget_bytes: MemoryBudget,
    /// Folder for spilled state (the system's temporary folder when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temp_dir: Option<PathBuf>,
    /// Folder of extra monitoring cue lists, added to the shipped ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitoring_terms: Option<PathBuf>,
    /// Folder of extra funnel cue lists and patterns, added to the shipped ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funnel_cues: Option<PathBuf>,
    /// Placebo runs that estimate what chance alone would flag at these settings (0: none).
    pub calibrate: u32,
    /// A network's post breaks out when its shares plus comments exceed this (`impact`).
    pub breakout_threshold: u64,
    /// File of extra DISARM rules (`ID<TAB>CONDITION[<TAB>NAME]`), added to the shipped ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disarm_rules: Option<PathBuf>,
}

impl Default for ScanSettings {
    fn default() -> Self {
        ScanSettings {
            ingest: IngestSettings::default(),
            normalize: NormalizeSettings::default(),
            detect: default_detect(),
            provenance: ProvenanceConfig::default(),
            scam_links: SharedValueConfig::default(),
            networks: NetworkConfig::default(),
            memory_budget_bytes: MemoryBudget::Auto,
            temp_dir: None,
            monitoring_terms: None,
            funnel_cues: None,
            calibrate: 1,
            breakout_threshold: 300,
            disarm_rules: None,
        }
    }
}

/// Detection's defaults with every signal of a scan.
fn default_detect() -> DetectConfig {
    DetectConfig { signals: default_signal_settings(), ..DetectConfig::default() }
}

/// The `detect` section: the defaults, with what the section gives laid over them (a
/// signal's table may give only `window_seconds`).
fn detect_settings<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DetectConfig, D::Error> {
    use serde::de::Error;
    let given = BTreeMap::<String, serde_json::Value>::deserialize(deserializer)?;
    let mut detect = default_detect();
    for (key, value) in given {
        let number = |v: &serde_json::Value| v.as_f64().ok_or_else(|| D::Error::custom(format!("detect.{key}: expected a number")));
        let count = |v: &serde_json::Value| v.as_u64().ok_or_else(|| D::Error::custom(format!("detect.{key}: expected a whole number")));
        match key.as_str() {
            "scales" => {
                let list = value.as_array().ok_or_else(|| D::Error::custom("detect.scales: expected a list of numbers"))?;
                detect.scales = list.iter().map(number).collect::<Result<_, _>>()?;
            }
            "rare_key_accounts" => detect.rare_key_accounts = count(&value)?.min(u32::MAX as u64) as u32,
            "repeat_key_accounts" => detect.repeat_key_accounts = count(&value)?.min(u32::MAX as u64) as u32,
            "popular_site_accounts" => detect.popular_site_accounts = count(&value)? as usize,
            "max_trial_chance" => detect.max_trial_chance = number(&value)?,
            "popular_site_share" => detect.popular_site_share = number(&value)?,
            "min_text_tokens" => detect.min_text_tokens = count(&value)? as usize,
            "near_duplicate_threshold" => detect.near_duplicate_threshold = number(&value)?,
            "min_co_actions" => detect.min_co_actions = count(&value)?.min(u32::MAX as u64) as u32,
            "alpha" => detect.alpha = number(&value)?,
            "fdr" => detect.fdr = if value.is_null() { None } else { Some(number(&value)?) },
            "max_crowd" => detect.max_crowd = count(&value)? as usize,
            name => {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Partial {
                    enabled: Option<bool>,
                    window_seconds: Option<f64>,
                }
                let Some(signal) = detect.signal_mut_named(name) else {
                    let known: Vec<&str> = default_signal_settings().iter().map(|(s, _)| s.as_str()).chain(DETECT_FIELDS).collect();
                    return Err(D::Error::custom(format!("detect: unknown key `{name}` (known: {})", known.join(", "))));
                };
                let partial: Partial = serde_json::from_value(value).map_err(|e| D::Error::custom(format!("detect.{name}: {e}")))?;
                if let Some(e) = partial.enabled {
                    signal.enabled = e;
                }
                if let Some(w) = partial.window_seconds {
                    signal.window_seconds = w;
                }
            }
        }
    }
    Ok(detect)
}

impl ScanSettings {
    /// Reads settings from TOML text: what it gives over the defaults.
    pub fn from_toml_str(text: &str) -> Result<ScanSettings, toml::de::Error> {
        toml::from_str(text)
    }

    /// Reads a settings file: TOML, or JSON (a settings object, or a scan's `networks.json`,
    /// whose `parameters` are taken, to scan again with the same settings). What the file
    /// gives is laid over the defaults.
    pub fn from_file(path: &Path) -> Result<ScanSettings, SettingsError> {
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read { path: path.to_path_buf(), source })?;
        tracing::debug!(path = %path.display(), "settings file read");
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
            let json = |e: serde_json::Error| SettingsError::Json { path: path.to_path_buf(), source: e };
            let mut value: serde_json::Value = serde_json::from_str(&text).map_err(json)?;
            if value.get("tool").is_some() && value.get("parameters").is_some() {
                value = value["parameters"].take();
            }
            return serde_json::from_value(value).map_err(json);
        }
        toml::from_str(&text).map_err(|e| SettingsError::Parse { path: path.to_path_buf(), source: Box::new(e) })
    }

    /// Checks every setting and builds what a scan runs with.
    pub fn validate(&self) -> Result<ScanConfig, SettingsError> {
        let ingest = &self.ingest;
        let format = match ingest.format.trim() {
            "auto" => None,
            f => Some(InputFormat::parse(f).ok_or_else(|| {
                invalid(
                    "ingest.format",
                    format!("unknown format `{f}` (auto, jsonl, twitter-io, twitter-io-users, toolkit-csv, telegram, csv)"),
                )
            })?),
        };
        let columns = match &ingest.columns {
            Some(map) => {
                let spec: Vec<String> = map.iter().map(|(field, column)| format!("{field}={column}")).collect();
                Some(ColumnMap::parse(&spec.join(","))?)
            }
            None => None,
        };
        if ingest.platform.trim().is_empty() || ingest.platform.contains(':') {
            return Err(invalid("ingest.platform", "a platform is a non-empty name without `:`"));
        }
        let timezone = TimeZoneSetting::parse(&ingest.timezone).map_err(|e| invalid("ingest.timezone", e.to_string()))?;
        if ingest.max_record_bytes < 64 {
            return Err(invalid("ingest.max_record_bytes", "must be at least 64"));
        }
        validate_detect(&self.detect)?;
        if self.calibrate > MAX_CALIBRATION_RUNS {
            return Err(invalid("calibrate", "must be at most 20"));
        }
        let unit = |key: &str, x: f64| if x > 0.0 && x <= 1.0 { Ok(()) } else { Err(invalid(key, "must be above 0 and at most 1")) };
        unit("link.post_containment", self.provenance.post_containment)?;
        unit("link.output_containment", self.provenance.output_containment)?;
        unit("scam_links.script_similarity", self.scam_links.script_similarity)?;
        positive("link.max_delay_seconds", self.provenance.max_delay_seconds)?;
        positive("networks.leiden_resolution", self.networks.leiden_resolution)?;
        if self.provenance.session_gap_seconds.is_nan() || self.provenance.session_gap_seconds < 0.0 {
            return Err(invalid("link.session_gap_seconds", "must be zero or more"));
        }
        let folder = |key: &str, dir: &Option<PathBuf>| match dir {
            Some(d) if !d.is_dir() => Err(invalid(key, format!("{}: no such folder", d.display()))),
            _ => Ok(()),
        };
        folder("temp_dir", &self.temp_dir)?;
        // Spilling starts late in a scan; a folder it cannot write to is found now.
        if let Some(dir) = &self.temp_dir {
            if let Err(e) = tempfile::tempfile_in(dir) {
                return Err(invalid("temp_dir", format!("{}: cannot write a temporary file there: {e}", dir.display())));
            }
        }
        folder("monitoring_terms", &self.monitoring_terms)?;
        folder("funnel_cues", &self.funnel_cues)?;
        let monitoring = match &self.monitoring_terms {
            Some(dir) => disrupt_provenance::monitoring::MonitoringCues::with_extra_dir(dir)?,
            None => Default::default(),
        };
        let stager = match &self.funnel_cues {
            Some(dir) => disrupt_funnel::Stager::with_extra(dir)?,
            None => Default::default(),
        };
        let disarm = match &self.disarm_rules {
            Some(file) => {
                let text = std::fs::read_to_string(file).map_err(|e| SettingsError::DisarmRules(format!("{}: {e}", file.display())))?;
                disrupt_report::DisarmRules::default()
                    .with_extra(&text)
                    .map_err(|e| SettingsError::DisarmRules(format!("{}: {e}", file.display())))?
            }
            None => Default::default(),
        };
        Ok(ScanConfig {
            ingest: IngestOptions {
                format,
                columns,
                platform: Some(ingest.platform.clone()),
                timezone,
                max_record_bytes: ingest.max_record_bytes,
                bytes_read: None,
            },
            url_policy: UrlPolicy {
                drop_params: self.normalize.url_drop_params.iter().map(|p| p.to_ascii_lowercase()).collect(),
                drop_prefixes: self.normalize.url_drop_prefixes.iter().map(|p| p.to_ascii_lowercase()).collect(),
            },
            detect: self.detect.clone(),
            networks: self.networks.clone(),
            detect_language: self.normalize.detect_language,
            provenance: self.provenance.clone(),
            monitoring,
            stager,
            scam_links: self.scam_links.clone(),
            temp_dir: self.temp_dir.clone(),
            memory_budget: self.memory_budget_bytes.resolve(),
            monitoring_terms: self.monitoring_terms.clone(),
            funnel_cues: self.funnel_cues.clone(),
            calibrate: self.calibrate,
            breakout_threshold: self.breakout_threshold,
            disarm,
            disarm_rules: self.disarm_rules.clone(),
            skip_folders: Vec::new(),
        })
    }
}

/// A finite number above zero (NaN is not).
fn positive(key: &str, x: f64) -> Result<(), SettingsError> {
    if x > 0.0 && x.is_finite() {
        Ok(())
    } else {
        Err(invalid(key, "must be positive"))
    }
}

/// Placebo runs at most: each costs about a detection stage.
pub const MAX_CALIBRATION_RUNS: u32 = 20;

fn validate_detect(d: &DetectConfig) -> Result<(), SettingsError> {
    for (signal, SignalConfig { window_seconds, .. }) in &d.signals {
        positive(&format!("detect.{signal}.window_seconds"), *window_seconds)?;
    }
    // The widest window comes first: the engine matches at it and tests the others inside.
    if d.scales.first() != Some(&1.0) || d.scales.iter().any(|f| !(*f > 0.0 && *f <= 1.0)) {
        return Err(invalid("detect.scales", "must start with 1 and hold fractions in (0, 1]"));
    }
    if !(0.0..=1.0).contains(&d.near_duplicate_threshold) {
        return Err(invalid("detect.near_duplicate_threshold", "must be between 0 and 1"));
    }
    let open = |key: &str, x: f64| if x > 0.0 && x < 1.0 { Ok(()) } else { Err(invalid(key, "must be between 0 and 1")) };
    open("detect.alpha", d.alpha)?;
    if !(0.0..=1.0).contains(&d.popular_site_share) {
        return Err(invalid("detect.popular_site_share", "must be between 0 and 1"));
    }
    if !(d.max_trial_chance > 0.0 && d.max_trial_chance <= 1.0) {
        return Err(invalid("detect.max_trial_chance", "must be in (0, 1]"));
    }
    if let Some(q) = d.fdr {
        open("detect.fdr", q)?;
    }
    if d.min_co_actions < 1 {
        return Err(invalid("detect.min_co_actions", "must be at least 1"));
    }
    if d.max_crowd < 2 {
        return Err(invalid("detect.max_crowd", "must be at least 2"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_written_as_the_parameters_were() {
        let settings = ScanSettings { memory_budget_bytes: MemoryBudget::Bytes(1 << 30), ..ScanSettings::default() };
        let config = settings.validate().unwrap();
        let v = config.parameters();
        assert_eq!(v["detect"]["co_post"]["window_seconds"], 3600.0);
        assert_eq!(v["detect"]["shared_contact"]["enabled"], true);
        assert_eq!(v["ingest"]["format"], "auto");
        assert_eq!(v["memory_budget_bytes"], 1u64 << 30);
        // The parameters read back as the same settings.
        let back: ScanSettings = serde_json::from_value(v).unwrap();
        assert_eq!(back, settings);
    }

    #[test]
    fn a_file_sets_only_what_it_gives_and_refuses_unknown_keys() {
        let s: ScanSettings = toml::from_str(
            "memory_budget_bytes = \"512M\"\n[detect]\nalpha = 0.05\n[detect.co_post]\nwindow_seconds = 300\n[detect.shared_payment]\nenabled = false\n[ingest]\ntimezone = \"-08:00\"\n",
        )
        .unwrap();
        assert_eq!(s.detect.alpha, 0.05);
        assert_eq!(s.detect.signal(disrupt_evidence::Signal::CO_POST), SignalConfig { enabled: true, window_seconds: 300.0 });
        assert!(!s.detect.signal(disrupt_evidence::Signal::SHARED_PAYMENT).enabled);
        assert_eq!(s.detect.min_co_actions, DetectConfig::default().min_co_actions);
        assert_eq!(s.memory_budget_bytes, MemoryBudget::Bytes(512 << 20));
        assert_eq!(s.ingest.timezone, "-08:00");
        for bad in [
            "[detect]\nalpah = 0.1\n",
            "[detect.co_pst]\nenabled = false\n",
            "[detect.co_post]\nwindow = 3\n",
            "[networks]\nseed = 1\n",
            "colour = 1\n",
        ] {
            let err = toml::from_str::<ScanSettings>(bad).unwrap_err().to_string();
            assert!(err.contains("unknown"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn out_of_range_values_are_refused_by_the_library() {
        let mut s = ScanSettings::default();
        s.detect.alpha = 1.5;
        assert!(matches!(s.validate().unwrap_err(), SettingsError::Invalid { key, .. } if key == "detect.alpha"));
        let mut s = ScanSettings::default();
        s.detect.signal_mut(disrupt_evidence::Signal::CO_LINK).unwrap().window_seconds = 0.0;
        assert!(matches!(s.validate().unwrap_err(), SettingsError::Invalid { key, .. } if key == "detect.co_link.window_seconds"));
        let s = ScanSettings { ingest: IngestSettings { format: "xml".into(), ..IngestSettings::default() }, ..ScanSettings::default() };
        assert!(s.validate().is_err());
        // A temporary folder the scan cannot write to is refused before the scan starts
        // (/proc takes no file, even from root, whom file modes do not bind).
        #[cfg(target_os = "linux")]
        {
            let s = ScanSettings { temp_dir: Some("/proc".into()), ..ScanSettings::default() };
            let err = s.validate().unwrap_err().to_string();
            assert!(err.contains("temp_dir") && err.contains("/proc"), "{err}");
        }
    }
}

#[cfg(test)]
mod documented {
    use super::*;

    /// docs/settings.md names every key the settings have, so the two cannot drift apart.
    #[test]
    fn every_setting_is_documented() {
        let doc = include_str!("../../../docs/settings.md");
        let settings = ScanSettings {
            temp_dir: Some(".".into()),
            monitoring_terms: Some(".".into()),
            funnel_cues: Some(".".into()),
            disarm_rules: Some(".".into()),
            ..ScanSettings::default()
        };
        let value = serde_json::to_value(settings).unwrap();
        let mut missing = Vec::new();
        for (section, v) in value.as_object().unwrap() {
            if !doc.contains(&format!("`{section}`")) {
                missing.push(section.clone());
            }
            for key in v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
                if !doc.contains(&format!("`{key}`")) {
                    missing.push(format!("{section}.{key}"));
                }
            }
        }
        assert!(missing.is_empty(), "not in docs/settings.md: {missing:?}");
    }
}
