//! `scan`: input files in, evidenced networks out.

use crate::corpus::Corpus;
use crate::features::normalize_all;
use disrupt_detect::{detect, DetectConfig, DetectInput, Detection};
use disrupt_ingest::{ingest_file, FileSummary, IngestEvent, IngestOptions, InputFormat, Reject};
use disrupt_networks::{assemble_networks, AccountInfo, Network, NetworkConfig, NetworkInputs, PostInfo};
use disrupt_normalize::UrlPolicy;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Every setting of a scan.
#[derive(Debug, Clone, Default)]
pub struct ScanConfig {
    pub ingest: IngestOptions,
    pub url_policy: UrlPolicy,
    pub detect: DetectConfig,
    pub networks: NetworkConfig,
    /// Detect the language of posts that do not give one.
    pub detect_language: bool,
}

impl ScanConfig {
    /// Every parameter the scan used, defaults included, for `networks.json`.
    pub fn parameters(&self) -> Value {
        json!({
            "ingest": {
                "format": self.ingest.format.as_ref().map(InputFormat::name).unwrap_or("auto"),
                "columns": self.ingest.columns.as_ref().map(|c| c.fields.clone()),
                "platform": self.ingest.platform.clone().unwrap_or_else(|| "x".into()),
                "timezone_offset_seconds": self.ingest.timezone.offset_seconds(),
                "max_record_bytes": self.ingest.max_record_bytes,
            },
            "normalize": {
                "detect_language": self.detect_language,
                "url_drop_params": self.url_policy.drop_params,
                "url_drop_prefixes": self.url_policy.drop_prefixes,
            },
            "detect": self.detect,
            "networks": self.networks,
        })
    }
}

/// Where the scan reports as it goes (progress, rejects).
pub trait ScanObserver {
    /// A file is about to be read.
    fn file_started(&mut self, _path: &str, _bytes: u64) {}
    /// A file was read.
    fn file_finished(&mut self, _summary: &FileSummary) {}
    /// Bytes of the current file read so far (called every few thousand records).
    fn file_progress(&mut self, _bytes: u64) {}
    /// A record was rejected.
    fn reject(&mut self, reject: &Reject);
    /// A stage finished.
    fn stage(&mut self, _timing: &StageTiming) {}
}

#[derive(Debug, Clone, PartialEq)]
pub struct StageTiming {
    pub stage: &'static str,
    pub seconds: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{0}: no such file or folder")]
    Missing(String),
    #[error("{0}")]
    Io(String),
}

/// Everything a scan found, for writing and for explaining.
pub struct ScanResult {
    pub files: Vec<FileSummary>,
    pub rejected: u64,
    pub corpus: Corpus,
    pub accounts: Vec<AccountInfo>,
    pub posts: Vec<PostInfo>,
    pub post_langs: Vec<Option<String>>,
    pub detection: Detection,
    pub networks: Vec<Network>,
    pub parameters: Value,
    pub timings: Vec<StageTiming>,
}

const INPUT_EXTENSIONS: &[&str] = &["jsonl", "ndjson", "json", "csv", "gz", "zst"];

/// Expands the inputs: files as given, folders walked (sorted) for data files.
pub fn collect_input_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, ScanError> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_file() {
            out.push(input.clone());
        } else if input.is_dir() {
            walk(input, &mut out).map_err(|e| ScanError::Io(format!("{}: {e}", input.display())))?;
        } else {
            return Err(ScanError::Missing(input.display().to_string()));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| INPUT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())) {
            out.push(path);
        }
    }
    Ok(())
}

/// Everything read and normalized from the inputs: the first two stages of a scan.
pub struct Loaded {
    pub files: Vec<FileSummary>,
    pub rejected: u64,
    pub corpus: Corpus,
    pub accounts: Vec<AccountInfo>,
    pub features: Vec<disrupt_detect::PostFeatures>,
    pub posts: Vec<PostInfo>,
    pub post_langs: Vec<Option<String>>,
    pub timings: Vec<StageTiming>,
}

fn stage(observer: &mut dyn ScanObserver, timings: &mut Vec<StageTiming>, name: &'static str, started: Instant) {
    let t = StageTiming { stage: name, seconds: started.elapsed().as_secs_f64() };
    observer.stage(&t);
    timings.push(t);
}

/// Ingest and normalize: every file read, deduplicated, and reduced to matching keys.
pub fn load(inputs: &[PathBuf], config: &ScanConfig, observer: &mut dyn ScanObserver) -> Result<Loaded, ScanError> {
    let files = collect_input_files(inputs)?;
    let mut timings = Vec::new();
    let started = Instant::now();
    let mut corpus = Corpus::default();
    let mut summaries = Vec::new();
    let mut rejected = 0u64;
    // Roughly one post per 250 bytes of JSONL: reserving avoids copying the corpus as it grows.
    let total_bytes: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    corpus.posts.reserve((total_bytes / 250).min(50_000_000) as usize);
    corpus.post_accounts.reserve((total_bytes / 250).min(50_000_000) as usize);
    let bytes_read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let ingest_options = IngestOptions { bytes_read: Some(bytes_read.clone()), ..config.ingest.clone() };
    for path in &files {
        let display = path.display().to_string();
        observer.file_started(&display, std::fs::metadata(path).map(|m| m.len()).unwrap_or(0));
        bytes_read.store(0, std::sync::atomic::Ordering::Relaxed);
        let mut seen = 0u64;
        let result = ingest_file(path, &display, &ingest_options, &mut |event| match event {
            IngestEvent::Record { record, .. } => {
                corpus.add(record);
                seen += 1;
                if seen.is_multiple_of(16_384) {
                    observer.file_progress(bytes_read.load(std::sync::atomic::Ordering::Relaxed));
                }
            }
            IngestEvent::Reject(r) => {
                rejected += 1;
                observer.reject(&r);
            }
        });
        match result {
            Ok(summary) => {
                observer.file_finished(&summary);
                summaries.push(summary);
            }
            Err(e) => {
                // A file that cannot be read or recognised is one rejection; the run goes on.
                rejected += 1;
                observer.reject(&Reject { file: display, line: 0, error: e.to_string(), record: String::new() });
            }
        }
    }
    stage(observer, &mut timings, "ingest", started);

    let started = Instant::now();
    // Languages are detected later, for the posts of flagged accounts only: detection costs
    // tens of microseconds a post and only findings report languages.
    let (features, (mut posts, post_langs)) = normalize_all(&corpus.posts, &corpus.post_accounts, &config.url_policy, false);
    for (record, info) in corpus.posts.iter_mut().zip(posts.iter_mut()) {
        crate::features::take_record_fields(record, info);
    }
    // Everything detection and evidence need is in `features` and `posts` now.
    corpus.posts = Vec::new();
    let accounts: Vec<AccountInfo> = (0..corpus.account_ids.len())
        .map(|i| {
            let record = corpus.account_records[i].as_ref();
            AccountInfo {
                id: corpus.account_ids[i].clone(),
                platform: corpus.account_platforms[i].clone(),
                handle: record.and_then(|a| a.handle.clone()),
                created_at: record.and_then(|a| a.created_at),
                followers: record.and_then(|a| a.followers),
                following: record.and_then(|a| a.following),
            }
        })
        .collect();
    stage(observer, &mut timings, "normalize", started);
    Ok(Loaded { files: summaries, rejected, corpus, accounts, features, posts, post_langs, timings })
}

/// Runs the pipeline over `inputs`.
pub fn scan(inputs: &[PathBuf], config: &ScanConfig, observer: &mut dyn ScanObserver) -> Result<ScanResult, ScanError> {
    let Loaded { files, rejected, corpus, accounts, features, posts, mut post_langs, mut timings } = load(inputs, config, observer)?;

    let started = Instant::now();
    let input = DetectInput { posts: features, account_count: corpus.account_ids.len() };
    let detection = detect(&input, &config.detect);
    stage(observer, &mut timings, "detect", started);

    let started = Instant::now();
    let networks = assemble_networks(&detection, &NetworkInputs { accounts: &accounts, posts: &posts }, &config.detect, &config.networks);
    stage(observer, &mut timings, "networks", started);

    if config.detect_language {
        let started = Instant::now();
        let flagged: rustc_hash::FxHashSet<u32> =
            networks.iter().flat_map(|n| n.accounts.iter()).filter_map(|id| corpus.account_index(id)).collect();
        use rayon::prelude::*;
        post_langs.par_iter_mut().zip(posts.par_iter()).for_each(|(lang, post)| {
            if lang.is_none() && post.repost_of.is_none() && flagged.contains(&post.account) {
                *lang = disrupt_normalize::detect_language(&post.text);
            }
        });
        stage(observer, &mut timings, "languages", started);
    }

    Ok(ScanResult { files, rejected, corpus, accounts, posts, post_langs, detection, networks, parameters: config.parameters(), timings })
}
