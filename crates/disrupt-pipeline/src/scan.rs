//! `scan`: input files in, evidenced networks out.

use crate::corpus::{Corpus, PostAdded};
use crate::prepare::{post_language, Prepared, ScanPreparer};
pub use crate::settings::{default_signal_settings, signal_descriptions, ScanConfig};
use disrupt_detect::PostFeatures;
use disrupt_detect::{DetectInput, DetectInputBuilder, Detection, SpillPolicy};
use disrupt_evidence::{AccountInfo, PostInfo, PostStore};
use disrupt_funnel::evidence::{Ad, FunnelRecords};
use disrupt_ingest::{ingest_file_prepared, FileSummary, IngestEvent, IngestOptions, Reject};
use disrupt_model::{Network, Signal};
use disrupt_networks::{assemble_networks, NetworkInputs};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Instant;

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
    /// Something about the input that weakens the results (data too short for the null).
    fn warning(&mut self, _message: &str) {}
}

/// How long one stage took.
#[derive(Debug, Clone, PartialEq)]
pub struct StageTiming {
    /// The stage (`ingest`, `detect`, ...; `x: y` and `x (within y)` are parts of `x`).
    pub stage: &'static str,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Why a scan stopped. A bad record or an unreadable file never stops one (it is a reject);
/// these are what leaves no result at all.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// An input named on the command line does not exist.
    #[error("{}: no such file or folder", path.display())]
    Missing {
        /// The input.
        path: PathBuf,
    },
    /// An input folder could not be listed.
    #[error("{}: {source}", path.display())]
    ReadFolder {
        /// The folder.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// State that outgrew the memory budget could not be written to, or read back from,
    /// the temporary folder.
    #[error("spilling to disk ({what}): {source}")]
    Spill {
        /// Which state.
        what: &'static str,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// A thread of the scan stopped without a result.
    #[error("{0} failed")]
    Thread(&'static str),
    /// The request cannot be carried out as asked (a signal a command cannot use).
    #[error("{0}")]
    Unsupported(String),
}

/// The post store's errors, which only spilling to disk can cause.
pub(crate) fn store_error(source: std::io::Error) -> ScanError {
    ScanError::Spill { what: "post store", source }
}

/// Everything a scan found, for writing and for explaining.
pub struct ScanResult {
    /// Every input file read, with its hash.
    pub files: Vec<FileSummary>,
    /// Records rejected (and files that could not be read).
    pub rejected: u64,
    /// What was read.
    pub corpus: Corpus,
    /// The account table, by account number.
    pub accounts: Vec<AccountInfo>,
    /// The records evidence cites.
    pub posts: PostStore,
    /// Languages detected for posts of flagged accounts that did not give one.
    pub detected_langs: rustc_hash::FxHashMap<u32, String>,
    /// Whether detector state went to disk (the memory budget was reached).
    pub spilled: bool,
    /// Posts in the store before the generation records.
    pub public_posts: usize,
    /// Provenance links, fan-outs, infrastructure and AI-account risk.
    pub linkage: disrupt_provenance::ProvenanceFindings,
    /// Each message (index into `corpus.messages`) staged in its scam funnel.
    pub stages: Vec<disrupt_funnel::Staged>,
    /// Each message's side (operator or target) and whether the record gave it.
    pub roles: Vec<Option<(disrupt_funnel::roles::Role, bool)>>,
    /// Every signal's pair evidence.
    pub detection: Detection,
    /// What chance alone would flag at these settings (`None`: not estimated).
    pub calibration: Option<disrupt_model::Calibration>,
    /// The networks, by descending score.
    pub networks: Vec<Network>,
    /// Every setting the scan used (`networks.json`'s `parameters`).
    pub parameters: Value,
    /// How long each stage took.
    pub timings: Vec<StageTiming>,
}

const INPUT_EXTENSIONS: &[&str] = &["jsonl", "ndjson", "json", "csv", "parquet", "gz", "zst"];

/// Expands the inputs: files as given, `-` for standard input, folders walked (sorted)
/// for data files. Each real path is read once (a symlink loop, or one file reached by two links, is not read twice),
/// and the folders in `skip` (a scan's own output folder inside an input folder) are not
/// walked.
pub fn collect_input_files(inputs: &[PathBuf], skip: &[PathBuf]) -> Result<Vec<PathBuf>, ScanError> {
    let mut walk = Walk {
        out: Vec::new(),
        seen: std::collections::HashSet::new(),
        skip: skip.iter().filter_map(|p| std::fs::canonicalize(p).ok()).collect(),
    };
    for input in inputs {
        if input.as_os_str() == disrupt_ingest::STDIN_PATH {
            // Standard input, read once however often it is named.
            if !walk.out.iter().any(|p| p.as_os_str() == disrupt_ingest::STDIN_PATH) {
                walk.out.push(input.clone());
            }
        } else if input.is_file() {
            walk.file(input.clone());
        } else if input.is_dir() {
            walk.folder(input).map_err(|source| ScanError::ReadFolder { path: input.clone(), source })?;
        } else {
            return Err(ScanError::Missing { path: input.clone() });
        }
    }
    Ok(walk.out)
}

/// A walk of the input folders.
struct Walk {
    out: Vec<PathBuf>,
    /// Real paths already read or walked.
    seen: std::collections::HashSet<PathBuf>,
    /// Real paths of folders not to walk.
    skip: Vec<PathBuf>,
}

impl Walk {
    fn file(&mut self, path: PathBuf) {
        let real = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if self.seen.insert(real) {
            self.out.push(path);
        }
    }

    fn folder(&mut self, dir: &Path) -> std::io::Result<()> {
        let real = std::fs::canonicalize(dir)?;
        if self.skip.contains(&real) || !self.seen.insert(real) {
            return Ok(());
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                // A folder that cannot be read (or a link to nowhere) is skipped, not fatal.
                if let Err(e) = self.folder(&path) {
                    tracing::warn!(folder = %path.display(), error = %e, "input folder not read");
                }
            } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| INPUT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            {
                self.file(path);
            }
        }
        Ok(())
    }
}

/// Everything read and normalized from the inputs: the first two stages of a scan.
pub struct Loaded {
    /// Every input file read, with its hash.
    pub files: Vec<FileSummary>,
    /// Records rejected (and files that could not be read).
    pub rejected: u64,
    /// What was read.
    pub corpus: Corpus,
    /// The account table, by account number.
    pub accounts: Vec<AccountInfo>,
    /// The behavioural detectors' input.
    pub detect_input: DetectInput,
    /// Posts, then one record per generation output (see `generation_records`).
    pub posts: PostStore,
    /// Where the records standing for generation outputs sit in the post store.
    pub generation_records: disrupt_provenance::GenerationRecords,
    /// Store number of the first message: messages follow the generation records in the
    /// store, so scam evidence cites them like posts.
    pub message_base: u32,
    /// Account and time of each generation record and message, to follow the posts' columns.
    pub extra_columns: (Vec<u32>, Vec<i64>),
    /// Ads (`is_ad` posts) and Telegram channel posts, for the funnel stage.
    pub ads: Vec<Ad>,
    /// How long each stage took.
    pub timings: Vec<StageTiming>,
}

fn stage(observer: &mut dyn ScanObserver, timings: &mut Vec<StageTiming>, name: &'static str, started: Instant) {
    record_stage(observer, timings, name, started.elapsed().as_secs_f64());
}

fn record_stage(observer: &mut dyn ScanObserver, timings: &mut Vec<StageTiming>, name: &'static str, seconds: f64) {
    let t = StageTiming { stage: name, seconds };
    tracing::debug!(stage = name, seconds, "stage finished");
    observer.stage(&t);
    timings.push(t);
}

/// Normalized posts appended together.
const APPEND_BATCH: usize = 16_384;

/// The appending side of `load`: batches of normalized posts in, feature columns and the
/// post store out. It runs on its own thread so that reading and appending overlap.
struct Appender {
    detect_input: DetectInputBuilder,
    posts: PostStore,
}

impl Appender {
    fn run(mut self, batches: std::sync::mpsc::Receiver<AppendBatch>) -> std::io::Result<Self> {
        for batch in batches {
            for encoded in &batch.encoded {
                self.posts.push_encoded(encoded)?;
            }
            self.detect_input.push_batch(&batch.features)?;
            // After the batch: a later row's post is in it or in an earlier one.
            if !batch.extras.is_empty() {
                for (post, _, encoded) in &batch.extras {
                    self.posts.push_extra(*post, encoded)?;
                }
                let keys: Vec<(u32, PostFeatures)> = batch.extras.into_iter().map(|(post, features, _)| (post, features)).collect();
                self.detect_input.push_later_rows(&keys)?;
            }
        }
        Ok(self)
    }
}

/// Posts on their way to the [`Appender`]: matching keys and encoded stored fields, in
/// two columns so that the detector input takes the keys as they are.
struct AppendBatch {
    features: Vec<PostFeatures>,
    encoded: Vec<Vec<u8>>,
    /// Later rows of posts already numbered (long-format exports): the post's number, the
    /// row's shared items as keys, and its encoded fields.
    extras: Vec<(u32, PostFeatures, Vec<u8>)>,
}

impl AppendBatch {
    fn with_capacity(posts: usize) -> Self {
        AppendBatch { features: Vec::with_capacity(posts), encoded: Vec::with_capacity(posts), extras: Vec::new() }
    }
}

/// What a later row of a post adds to it (the contract's duplicate rule): its links,
/// hashtags and objects. Its text, targets and time are the first row's.
fn later_row_keys(row: &PostFeatures) -> Option<PostFeatures> {
    (!row.urls.is_empty() || !row.hashtags.is_empty() || !row.objects.is_empty()).then(|| PostFeatures {
        urls: row.urls.clone(),
        hashtags: row.hashtags.clone(),
        objects: row.objects.clone(),
        site: row.site,
        ..PostFeatures::default()
    })
}

/// How many posts ahead of its check a post's table slots are asked for.
const PREFETCH_AHEAD: usize = 16;

/// Posts of the batch not yet checked against the corpus (the last ones of
/// [`AppendBatch`]'s columns): their duplicate check and author numbering run together,
/// each post's table slots asked for [`PREFETCH_AHEAD`] posts before it is checked, so the
/// cache misses of tables of millions overlap instead of queueing on the scan's one thread.
#[derive(Default)]
struct Unchecked {
    identity: Vec<u128>,
    account_key: Vec<[u64; 2]>,
    author: Vec<(compact_str::CompactString, compact_str::CompactString)>,
    promotes: Vec<bool>,
}

impl Unchecked {
    fn push(&mut self, post: &mut crate::prepare::PreparedPost) {
        self.identity.push(post.identity);
        self.account_key.push(post.account_key);
        self.author.push((std::mem::take(&mut post.account), std::mem::take(&mut post.platform)));
        self.promotes.push(post.promotes);
    }

    /// Checks the unchecked posts in input order: a duplicate leaves the batch (a later row
    /// of a post, carrying shared items, goes to its `extras`), a first post gets its
    /// author's number and the next post number (`posts_sent`).
    fn check(&mut self, corpus: &mut Corpus, batch: &mut AppendBatch, posts_sent: &mut u32, ads: &mut Vec<Ad>) {
        let n = self.identity.len();
        let first = batch.features.len() - n;
        for i in 0..n.min(PREFETCH_AHEAD) {
            corpus.prefetch_post(self.identity[i], self.account_key[i]);
        }
        // Positions (among the unchecked) of posts whose id came before: rare.
        let mut duplicates = Vec::new();
        for i in 0..n {
            if i + PREFETCH_AHEAD < n {
                corpus.prefetch_post(self.identity[i + PREFETCH_AHEAD], self.account_key[i + PREFETCH_AHEAD]);
            }
            let (account, platform) = &self.author[i];
            match corpus.add_post(self.identity[i], self.account_key[i], account, platform, *posts_sent) {
                PostAdded::New { author: number } => {
                    // Ads and Telegram channel posts are where an operation promotes its
                    // contacts; the funnel stage reads them back from the post store.
                    if self.promotes[i] {
                        ads.push(Ad { record: *posts_sent, account: number });
                    }
                    *posts_sent += 1;
                    batch.features[first + i].account = number;
                }
                PostAdded::Repeat { first: post } => {
                    if let Some(keys) = later_row_keys(&batch.features[first + i]) {
                        batch.extras.push((post, keys, std::mem::take(&mut batch.encoded[first + i])));
                    }
                    duplicates.push(i)
                }
            }
        }
        if !duplicates.is_empty() {
            let keep = |i: usize| i < first || duplicates.binary_search(&(i - first)).is_err();
            let mut i = 0;
            batch.features.retain(|_| {
                i += 1;
                keep(i - 1)
            });
            let mut i = 0;
            batch.encoded.retain(|_| {
                i += 1;
                keep(i - 1)
            });
        }
        self.identity.clear();
        self.account_key.clear();
        self.author.clear();
        self.promotes.clear();
    }
}

/// Ingest and normalize: every file read, deduplicated, and reduced to matching keys as it
/// streams by; the posts' own fields go to the post store.
pub fn load(inputs: &[PathBuf], config: &ScanConfig, observer: &mut dyn ScanObserver) -> Result<Loaded, ScanError> {
    let files = collect_input_files(inputs, &config.skip_folders)?;
    let mut timings = Vec::new();
    let started = Instant::now();
    let mut corpus = Corpus::default();
    let mut summaries = Vec::new();
    let mut rejected = 0u64;
    let mut ads = Vec::new();
    // Roughly one post per 250 bytes of JSONL: reserving avoids copying the columns as they grow.
    let total_bytes: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    let expected_posts = (total_bytes / 250).min(50_000_000) as usize;
    let mut appender = Appender {
        detect_input: DetectInputBuilder::new(
            &config.detect,
            SpillPolicy { memory_budget: config.memory_budget, expected_posts, temp_dir: config.temp_dir.clone() },
        ),
        posts: PostStore::new(disrupt_evidence::store::DEFAULT_SPILL_BYTES, config.temp_dir.clone()),
    };
    appender.posts.reserve(expected_posts);
    corpus.reserve(expected_posts);
    let preparer = ScanPreparer::new(&config.url_policy);
    // One batch waits at most: normalized posts never pile up.
    let (to_appender, batches) = std::sync::mpsc::sync_channel::<AppendBatch>(1);
    let (detect_input, posts) = std::thread::scope(|scope| {
        let appending = scope.spawn(move || appender.run(batches));
        let mut pending = AppendBatch::with_capacity(APPEND_BATCH);
        let mut unchecked = Unchecked::default();
        // Posts go to the store in the order they are sent: the count is the next one's number.
        let mut posts_sent = 0u32;
        let bytes_read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let ingest_options = IngestOptions { bytes_read: Some(bytes_read.clone()), ..config.ingest.clone() };
        for path in &files {
            let display = path.display().to_string();
            observer.file_started(&display, std::fs::metadata(path).map(|m| m.len()).unwrap_or(0));
            bytes_read.store(0, std::sync::atomic::Ordering::Relaxed);
            let mut seen = 0u64;
            let result = ingest_file_prepared(path, &display, &ingest_options, &preparer, &mut |event| {
                match event {
                    IngestEvent::Record { record: Prepared::Post(mut post), .. } => {
                        unchecked.push(&mut post);
                        pending.features.push(post.features);
                        pending.encoded.push(post.encoded);
                        if pending.features.len() >= APPEND_BATCH {
                            unchecked.check(&mut corpus, &mut pending, &mut posts_sent, &mut ads);
                            // A send fails only when the appender stopped on an error, reported below.
                            let _ = to_appender.send(std::mem::replace(&mut pending, AppendBatch::with_capacity(APPEND_BATCH)));
                        }
                    }
                    IngestEvent::Record { record: Prepared::Other(record), .. } => {
                        // Posts come prepared; whatever else the corpus keeps whole, after
                        // the posts before it (accounts are numbered in input order).
                        unchecked.check(&mut corpus, &mut pending, &mut posts_sent, &mut ads);
                        corpus.add(record);
                    }
                    IngestEvent::Reject(r) => {
                        // Counted from the file's summary: past a thousand a file, rejects
                        // are counted there and not all listed.
                        observer.reject(&r);
                        return;
                    }
                }
                seen += 1;
                if seen.is_multiple_of(16_384) {
                    observer.file_progress(bytes_read.load(std::sync::atomic::Ordering::Relaxed));
                }
            });
            match result {
                Ok(summary) => {
                    rejected += summary.rejected;
                    observer.file_finished(&summary);
                    summaries.push(summary);
                }
                Err(e) => {
                    // A file that cannot be read or recognised is one rejection; the run goes on.
                    let file: &str = &display;
                    tracing::debug!(file, error = %e, "input file not read");
                    rejected += 1;
                    observer.reject(&Reject { file: display, line: 0, error: e.to_string(), record: String::new() });
                }
            }
        }
        unchecked.check(&mut corpus, &mut pending, &mut posts_sent, &mut ads);
        let _ = to_appender.send(pending);
        drop(to_appender);
        let appended = appending.join().map_err(|_| ScanError::Thread("appending normalized posts"))?;
        let Appender { detect_input, posts } = appended.map_err(|source| ScanError::Spill { what: "detector input", source })?;
        Ok::<_, ScanError>((detect_input, posts))
    })?;
    stage(observer, &mut timings, "ingest", started);
    // Normalization ran on the parsing threads as records streamed in: its busy time
    // (summed over threads) is part of the ingest time above, reported apart.
    record_stage(
        observer,
        &mut timings,
        "normalize (within ingest)",
        preparer.busy_nanos.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1e9,
    );
    corpus.finish_reading();
    // Generation outputs follow the posts in the store, so evidence can cite them like posts
    // (they take no part in the behavioural detectors).
    let mut posts = posts;
    let generation_records =
        disrupt_provenance::GenerationRecords::new(posts.len() as u32, corpus.generations.iter().map(|g| g.outputs.len()));
    let mut extra_columns = (Vec::new(), Vec::new());
    let mut scratch = Vec::new();
    for g in &corpus.generations {
        let account = corpus.account_index(&g.account).unwrap_or(0);
        let texts: Vec<(String, &str)> = if g.outputs.is_empty() {
            vec![(g.id.clone(), g.prompt.as_str())]
        } else {
            g.outputs.iter().enumerate().map(|(k, o)| (format!("{}#{k}", g.id), o.as_str())).collect()
        };
        for (id, text) in texts {
            let info = PostInfo { id, account, time: g.created_at, text: text.to_string(), ..Default::default() };
            posts.push_fields(&info, &mut scratch).map_err(store_error)?;
            extra_columns.0.push(account);
            extra_columns.1.push(g.created_at);
        }
    }
    let message_base = posts.len() as u32;
    for (m, &account) in corpus.messages.iter().zip(&corpus.message_accounts) {
        let info = PostInfo { id: m.id.clone(), account, time: m.created_at, text: m.text.clone(), ..Default::default() };
        posts.push_fields(&info, &mut scratch).map_err(store_error)?;
        extra_columns.0.push(account);
        extra_columns.1.push(m.created_at);
    }
    posts.finish().map_err(store_error)?;
    let accounts = std::mem::take(&mut corpus.accounts);
    let detect_input = detect_input.finish(accounts.len()).map_err(|source| ScanError::Spill { what: "detector input", source })?;
    Ok(Loaded {
        files: summaries,
        rejected,
        corpus,
        accounts,
        detect_input,
        posts,
        generation_records,
        message_base,
        extra_columns,
        ads,
        timings,
    })
}

/// Runs the pipeline over `inputs`.
pub fn scan(inputs: &[PathBuf], config: &ScanConfig, observer: &mut dyn ScanObserver) -> Result<ScanResult, ScanError> {
    let Loaded {
        files,
        rejected,
        corpus,
        accounts,
        detect_input,
        posts,
        generation_records,
        message_base,
        extra_columns,
        ads,
        mut timings,
    } = load(inputs, config, observer)?;

    let span = detect_input.time_span_ms();
    if !detect_input.is_empty() && span < disrupt_evidence::null::DAY_MS {
        observer.warning(&format!(
            "the posts span {}, less than the day over which the null model spreads two chance uses of a rare key: \
             closeness in time is credited against this span instead, which gives it less weight, and calibration \
             needs three days (docs/null.md)",
            disrupt_evidence::format_duration(span)
        ));
    }
    // Calibration's placebos are made from a copy of the detector input: detection
    // consumes the input's events.
    let calibration_input = if config.calibrate > 0 { detect_input.memory_copy() } else { None };
    let started = Instant::now();
    let mut detect_input = detect_input;
    let mut detection = disrupt_detect::detect_consuming_events(&mut detect_input, &config.detect)
        .map_err(|source| ScanError::Spill { what: "detector state", source })?;
    let spilled = detect_input.spilled();
    if spilled {
        crate::memory::return_freed_memory();
    }
    stage(observer, &mut timings, "detect", started);
    let calibration = if config.calibrate > 0 {
        let started = Instant::now();
        let c = crate::calibrate::calibrate(calibration_input.as_ref(), config, config.calibrate)
            .map_err(|source| ScanError::Spill { what: "calibration placebo", source })?;
        drop(calibration_input);
        stage(observer, &mut timings, "calibrate", started);
        Some(c)
    } else {
        None
    };

    let started = Instant::now();
    let ai_accounts: rustc_hash::FxHashMap<&str, u32> =
        accounts.iter().enumerate().filter(|(_, a)| a.platform == "ai").map(|(i, a)| (a.id.as_str(), i as u32)).collect();
    let linkage = disrupt_provenance::link_provenance(
        &corpus.generations,
        &|id| ai_accounts.get(id).copied().unwrap_or(0),
        &detect_input,
        &generation_records,
        &config.monitoring,
        &config.provenance,
        &disrupt_provenance::SignalWindows {
            distribution_seconds: config.detect.signal(Signal::PROVENANCE).window_seconds,
            infrastructure_seconds: config.detect.signal(Signal::SHARED_INFRASTRUCTURE).window_seconds,
            alpha: config.detect.alpha,
        },
    );
    let public_posts = detect_input.len();
    let (mut post_accounts, mut post_times) = detect_input.into_columns();
    post_accounts.extend(extra_columns.0);
    post_times.extend(extra_columns.1);
    let mut posts = posts;
    posts.attach_columns(post_accounts, post_times).map_err(store_error)?;
    let mut detected_langs = rustc_hash::FxHashMap::default();
    let notes = disrupt_provenance::fan_out_notes(&linkage, &corpus.generations, &accounts, &posts, &mut detected_langs);
    disrupt_provenance::add_to_detection(
        &mut detection,
        &linkage,
        &disrupt_provenance::fanout::StoreOwners { posts: &posts, accounts: accounts.len() },
        config.detect.signal(Signal::PROVENANCE).window_seconds,
        config.detect.signal(Signal::PROVENANCE).enabled,
        config.detect.signal(Signal::SHARED_INFRASTRUCTURE).enabled,
    );
    stage(observer, &mut timings, "provenance", started);
    record_stage(observer, &mut timings, "provenance: index build", linkage.index_seconds);
    record_stage(observer, &mut timings, "provenance: matching", linkage.match_seconds);

    // The funnel: messages staged, sides told apart, and what operator-side accounts and
    // ads share added to the same graph as every other kind of evidence.
    let started = Instant::now();
    let stages = config.stager.stage_messages(&corpus.messages);
    let generation_accounts: Vec<u32> =
        corpus.generations.iter().map(|g| ai_accounts.get(g.account.as_str()).copied().unwrap_or(0)).collect();
    let roles = disrupt_funnel::roles::message_roles(&corpus.messages, &stages);
    let funnel_records = FunnelRecords {
        messages: &corpus.messages,
        message_accounts: &corpus.message_accounts,
        message_base,
        stages: &stages,
        roles: &roles,
        ads: &ads,
        generations: &corpus.generations,
        generation_records: &generation_records,
        generation_accounts: &generation_accounts,
    };
    let scam = disrupt_funnel::evidence::scam_evidence(
        &funnel_records,
        &config.stager,
        &accounts,
        &posts,
        &config.detect.signals,
        &config.scam_links,
        config.detect.alpha,
    );
    disrupt_funnel::evidence::add_to_detection(&mut detection, &scam);
    let mut notes = notes;
    notes.extend(scam.notes.iter().cloned());
    if !corpus.messages.is_empty() || !ads.is_empty() {
        stage(observer, &mut timings, "funnel", started);
    }

    let started = Instant::now();
    let networks = assemble_networks(
        &detection,
        &NetworkInputs {
            accounts: &accounts,
            descriptions: &signal_descriptions(&config.detect),
            posts: &posts,
            notes: &notes,
            shared_values: &scam.shared_values,
        },
        &config.detect,
        &config.networks,
    );
    let networks = disrupt_funnel::networks::attach_funnels(networks, &funnel_records);
    if spilled {
        crate::memory::return_freed_memory();
    }
    stage(observer, &mut timings, "networks", started);

    if config.detect_language {
        // Languages only matter for findings: detection costs tens of microseconds a post,
        // so it runs on the posts of flagged accounts only.
        let started = Instant::now();
        let flagged_ids: rustc_hash::FxHashSet<&str> = networks.iter().flat_map(|n| n.accounts.iter()).map(String::as_str).collect();
        let flagged: rustc_hash::FxHashSet<u32> =
            (0..accounts.len() as u32).filter(|&a| flagged_ids.contains(accounts[a as usize].id.as_str())).collect();
        use rayon::prelude::*;
        // Posts whose language the fan-out notes already detected are not detected again.
        let of_flagged: Vec<u32> =
            (0..public_posts as u32).filter(|&p| flagged.contains(&posts.account(p)) && !detected_langs.contains_key(&p)).collect();
        let found: Vec<(u32, String)> = of_flagged
            .par_iter()
            .filter_map(|&p| {
                let info = posts.get(p).ok()?;
                if info.lang.is_some() {
                    return None;
                }
                post_language(&info).map(|l| (p, l))
            })
            .collect();
        detected_langs.extend(found);
        stage(observer, &mut timings, "languages", started);
    } else {
        // The fan-out notes' detections stay in the notes only: the user asked for none.
        detected_langs.clear();
    }

    let mut networks = networks;
    disrupt_networks::count_posts_and_languages(&mut networks, &accounts, &posts, public_posts, &detected_langs);
    let started = Instant::now();
    crate::impact::attach_impact(
        &mut networks,
        &accounts,
        &posts,
        public_posts,
        disrupt_report::ImpactSettings { breakout_threshold: config.breakout_threshold },
    );
    for network in &mut networks {
        network.disarm = config.disarm.tag(network);
    }
    stage(observer, &mut timings, "impact", started);

    Ok(ScanResult {
        files,
        rejected,
        corpus,
        accounts,
        posts,
        detected_langs,
        spilled,
        public_posts,
        linkage,
        stages,
        roles,
        detection,
        calibration,
        networks,
        parameters: config.parameters(),
        timings,
    })
}
