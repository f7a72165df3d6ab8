//! `disrupt scan`.

use anyhow::{bail, Context, Result};
use clap::Args;
use disrupt_ingest::{ColumnMap, FileSummary, Reject};
use disrupt_output::{write_scan_outputs, RejectWriter};
use disrupt_pipeline::{scan, MemoryBudget, ScanConfig, ScanObserver, ScanSettings, StageTiming};
use disrupt_records::TimeZoneSetting;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

/// How inputs are read (shared by `scan` and `co-share`).
#[derive(Args)]
pub struct IngestArgs {
    /// Force the input format: jsonl, twitter-io, twitter-io-users, toolkit-csv, telegram, csv, parquet
    /// (default: recognised from the content, docs/formats.md).
    #[arg(long)]
    format: Option<String>,
    /// Column mapping for any CSV or Parquet: account=COL,created_at=COL[,text=COL,id=COL,urls=COL,
    /// platform=COL,objects.TYPE=COL,conversation=COL,role=COL,...] (docs/formats.md).
    #[arg(long)]
    columns: Option<String>,
    /// Platform of formats that carry none (identifiers become PLATFORM:id; default x).
    #[arg(long)]
    platform: Option<String>,
    /// Zone of times written without one: UTC (the default), an offset such as -08:00, or an
    /// IANA zone such as Europe/Berlin (daylight saving included).
    #[arg(long)]
    timezone: Option<String>,
}

impl IngestArgs {
    /// Lays the flags given over the settings.
    pub fn apply(&self, settings: &mut ScanSettings) -> Result<()> {
        if let Some(f) = &self.format {
            settings.ingest.format = f.clone();
        }
        if let Some(c) = &self.columns {
            settings.ingest.columns = Some(ColumnMap::parse(c).map_err(anyhow::Error::msg)?.fields);
        }
        if let Some(p) = &self.platform {
            settings.ingest.platform = p.clone();
        }
        if let Some(t) = &self.timezone {
            settings.ingest.timezone = TimeZoneSetting::parse(t).map_err(|e| anyhow::anyhow!("--timezone: {e}"))?.name();
        }
        Ok(())
    }
}

#[derive(Args)]
pub struct ScanArgs {
    /// Input files and folders (JSONL, Twitter/X IO archive CSV, coordination-network-toolkit CSV, Telegram Desktop exports, any CSV with --columns; .gz and .zst too); `-` reads standard input.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Settings file: TOML with the keys of networks.json's `parameters` (docs/settings.md), or a
    /// scan's networks.json to scan again with its settings. Flags beat it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    ingest: IngestArgs,
    /// A signal's widest co-action window, e.g. --window co_post=3600 (seconds); the
    /// narrower ones tested are fractions of it (--scales); repeatable. The signals and
    /// their default windows: co_post 3600, near_duplicate 600, co_link 3600, co_hashtag 600,
    /// co_repost 1800, co_reply 600, provenance 3600; shared_infrastructure, shared_script,
    /// shared_payment and shared_contact 7776000 (90 days).
    #[arg(long = "window", value_name = "SIGNAL=SECONDS")]
    windows: Vec<String>,
    /// Turn a signal off (co_post, near_duplicate, co_link, co_hashtag, co_repost, co_reply,
    /// provenance, shared_infrastructure, shared_script, shared_payment, shared_contact);
    /// repeatable.
    #[arg(long = "disable", value_name = "SIGNAL")]
    disabled: Vec<String>,
    /// The windows tested, as fractions of each signal's window, the first 1: e.g.
    /// --scales 1,0.1667,0.0333 (the default). Each is paid for in every p-value.
    #[arg(long, value_delimiter = ',')]
    scales: Option<Vec<f64>>,
    /// Jaccard similarity at or above which texts are near-duplicates (default 0.6).
    #[arg(long)]
    near_duplicate_threshold: Option<f64>,
    /// Family-wise error rate over every pair of active accounts (Bonferroni; default 0.01).
    #[arg(long)]
    alpha: Option<f64>,
    /// Exploratory mode: a false discovery rate (Benjamini-Hochberg) instead of --alpha
    /// (default: none).
    #[arg(long)]
    fdr: Option<f64>,
    /// Placebo runs that estimate what chance alone would flag at these settings, on this
    /// data (default 1; 0 turns it off).
    #[arg(long, value_name = "N")]
    calibrate: Option<u32>,
    /// A network's post breaks out when its shares plus comments exceed this (default 300).
    #[arg(long, value_name = "N")]
    breakout_threshold: Option<u64>,
    /// Co-actions a pair needs before it is tested (default 2).
    #[arg(long)]
    min_co_actions: Option<u32>,
    /// Words a text needs before copies of it count (default 4).
    #[arg(long)]
    min_text_tokens: Option<usize>,
    /// Do not detect the language of posts that lack `lang`.
    #[arg(long)]
    no_detect_language: bool,
    /// Memory for detector state before it spills to disk: a size (512M, 4G), `auto` (a
    /// quarter of the memory available; the default) or `none` (never spill).
    #[arg(long, value_name = "SIZE")]
    memory_budget: Option<String>,
    /// Folder with extra monitoring cue lists (public_figures.txt, planning_terms.txt,
    /// batch_patterns.txt), added to the shipped ones.
    #[arg(long, value_name = "DIR")]
    monitoring_terms: Option<PathBuf>,
    /// Folder with extra funnel cue lists and patterns (cues.tsv, patterns.tsv), added to the
    /// shipped ones.
    #[arg(long, value_name = "DIR")]
    funnel_cues: Option<PathBuf>,
    /// File of extra DISARM rules (ID<TAB>CONDITION[<TAB>NAME]), added to the shipped ones
    /// (docs/method.md).
    #[arg(long, value_name = "FILE")]
    disarm_rules: Option<PathBuf>,
    /// Folder for spilled state (default: the system's temporary folder).
    #[arg(long, value_name = "DIR")]
    temp_dir: Option<PathBuf>,
    /// Neutralise CSV cells that start with `=`, `+`, `-` or `@` (a leading `'`), so a
    /// spreadsheet does not run an id as a formula; ids then differ from the source.
    #[arg(long)]
    spreadsheet_safe: bool,
    /// Put the networks' targets (scam victims) in graph.gexf and graph.graphml, joined to
    /// the members they exchanged messages with.
    #[arg(long)]
    graph_targets: bool,
    /// Print time and peak memory per stage.
    #[arg(long, short)]
    verbose: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
    /// Exit with code 3 when any record is rejected (the outputs are still written); without
    /// it, only an input file that yields no record does.
    #[arg(long)]
    strict: bool,
}

/// Input files that yielded nothing (or, with `--strict`, any reject): the outputs are
/// written, and the process exits with code 3 so that a script notices.
#[derive(Debug)]
pub struct InputProblems(pub String);

impl std::fmt::Display for InputProblems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputProblems {}

/// What one input file gave: its format, records and rejects, and the first error.
#[derive(Debug, Default)]
struct FileReport {
    path: String,
    /// `None` when the file could not be opened or recognised.
    format: Option<String>,
    records: u64,
    rejected: u64,
    first_error: Option<(u64, String)>,
}

impl FileReport {
    /// One line for the terminal (untrusted text escaped).
    fn line(&self) -> String {
        let esc = disrupt_output::terminal::escape;
        let mut line = match &self.format {
            Some(format) => format!("  {}: {format}, {} records, {} rejected", esc(&self.path), self.records, self.rejected),
            None => format!("  {}: not read", esc(&self.path)),
        };
        if let Some((at, error)) = &self.first_error {
            let at = if *at > 0 { format!("line {at}: ") } else { String::new() };
            // A file-level error names the file already.
            let error = error.strip_prefix(self.path.as_str()).and_then(|e| e.strip_prefix(": ")).unwrap_or(error);
            line.push_str(&format!(" (first: {at}{})", esc(&error.chars().take(400).collect::<String>())));
        }
        line
    }
}

/// The settings of the signal a flag names; an unknown name is refused with the list.
fn named_signal<'a>(
    detect: &'a mut disrupt_pipeline::DetectConfig,
    flag: &str,
    name: &str,
) -> Result<&'a mut disrupt_pipeline::SignalConfig> {
    let known = detect.signal_names().join(", ");
    detect.signal_mut_named(name.trim()).with_context(|| format!("{flag}: unknown signal `{name}` (the signals: {known})"))
}

/// The settings: the defaults, then the file, then the flags; validated by the library.
fn build_config(args: &ScanArgs) -> Result<ScanConfig> {
    let mut settings = match &args.config {
        Some(path) => ScanSettings::from_file(path)?,
        None => ScanSettings::default(),
    };
    args.ingest.apply(&mut settings)?;
    for w in &args.windows {
        let (name, secs) = w.split_once('=').with_context(|| format!("--window `{w}`: expected SIGNAL=SECONDS"))?;
        let secs: f64 = secs.trim().parse().with_context(|| format!("--window `{w}`: not a number of seconds"))?;
        named_signal(&mut settings.detect, "--window", name)?.window_seconds = secs;
    }
    for d in &args.disabled {
        named_signal(&mut settings.detect, "--disable", d)?.enabled = false;
    }
    let detect = &mut settings.detect;
    if let Some(scales) = &args.scales {
        detect.scales = scales.clone();
    }
    if let Some(t) = args.near_duplicate_threshold {
        detect.near_duplicate_threshold = t;
    }
    if let Some(a) = args.alpha {
        detect.alpha = a;
    }
    if let Some(q) = args.fdr {
        detect.fdr = Some(q);
    }
    if let Some(f) = &args.disarm_rules {
        settings.disarm_rules = Some(f.clone());
    }
    if let Some(n) = args.breakout_threshold {
        settings.breakout_threshold = n;
    }
    if let Some(n) = args.calibrate {
        settings.calibrate = n;
    }
    if let Some(m) = args.min_co_actions {
        detect.min_co_actions = m;
    }
    if let Some(m) = args.min_text_tokens {
        detect.min_text_tokens = m;
    }
    if args.no_detect_language {
        settings.normalize.detect_language = false;
    }
    if let Some(b) = &args.memory_budget {
        settings.memory_budget_bytes = MemoryBudget::parse(b).map_err(|e| anyhow::anyhow!("--memory-budget {e}"))?;
    }
    for (flag, dir, setting) in [
        ("--temp-dir", &args.temp_dir, &mut settings.temp_dir),
        ("--monitoring-terms", &args.monitoring_terms, &mut settings.monitoring_terms),
        ("--funnel-cues", &args.funnel_cues, &mut settings.funnel_cues),
    ] {
        if let Some(d) = dir {
            if !d.is_dir() {
                bail!("{flag} {}: no such folder", d.display());
            }
            *setting = Some(d.clone());
        }
    }
    Ok(settings.validate()?)
}

struct Observer {
    /// Bytes of the files already read.
    done_bytes: u64,
    /// Until the output is written.
    rejects: Option<RejectWriter>,
    write_error: Option<std::io::Error>,
    bar: Option<ProgressBar>,
    verbose: bool,
    /// Process CPU seconds when the last stage ended.
    cpu_seconds: Option<f64>,
    /// Each input file, in the order met.
    files: Vec<FileReport>,
}

impl Observer {
    fn file(&mut self, path: &str) -> &mut FileReport {
        let at = match self.files.iter().position(|f| f.path == path) {
            Some(at) => at,
            None => {
                self.files.push(FileReport { path: path.to_string(), ..FileReport::default() });
                self.files.len() - 1
            }
        };
        &mut self.files[at]
    }
}

impl ScanObserver for Observer {
    fn file_started(&mut self, path: &str, _bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("reading {}", disrupt_output::terminal::escape(path)));
        }
    }

    fn file_progress(&mut self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.done_bytes + bytes);
        }
    }

    fn file_finished(&mut self, summary: &FileSummary) {
        let report = self.file(&summary.path);
        report.format = Some(summary.format.name().to_string());
        report.records = summary.records;
        report.rejected = summary.rejected;
        self.done_bytes += std::fs::metadata(&summary.path).map(|m| m.len()).unwrap_or(0);
        if let Some(bar) = &self.bar {
            bar.set_position(self.done_bytes);
        }
    }

    fn reject(&mut self, reject: &Reject) {
        let report = self.file(&reject.file);
        if report.first_error.is_none() {
            report.first_error = Some((reject.line, reject.error.clone()));
        }
        if report.format.is_none() {
            // Counted here until the file's summary, which a file never read has none of.
            report.rejected = report.rejected.max(1);
        }
        if let Some(Err(e)) = self.rejects.as_mut().map(|w| w.write(reject)) {
            self.write_error.get_or_insert(e);
        }
    }

    fn warning(&mut self, message: &str) {
        let line = format!("disrupt: warning: {}", disrupt_output::terminal::escape(message));
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    fn stage(&mut self, timing: &StageTiming) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{} done", timing.stage));
        }
        if self.verbose {
            // CPU seconds beside wall seconds show how well a stage uses the cores. Sub-stages
            // (named "x: y" or "x (within y)") are part of the stage before them.
            let cpu = if timing.stage.contains(':') || timing.stage.contains('(') {
                String::new()
            } else {
                let now = process_cpu_seconds();
                let line = match (now, self.cpu_seconds) {
                    (Some(now), Some(before)) => format!("   cpu {:>7.3} s", now - before),
                    _ => String::new(),
                };
                self.cpu_seconds = now;
                line
            };
            let line = format!(
                "  {:<10} {:>8.3} s{cpu}   peak RSS {}",
                timing.stage,
                timing.seconds,
                peak_rss().map_or("?".into(), |kb| format!("{:.1} MiB", kb as f64 / 1024.0))
            );
            match &self.bar {
                Some(bar) => bar.println(line),
                None => crate::errln!("{line}"),
            }
        }
    }
}

/// CPU time (user and system, every thread) this process has used so far (Linux), for
/// `--verbose`.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    // Linux reports in USER_HZ, which is 100 on every platform it supports.
    Some((utime + stime) / 100.0)
}

/// Peak resident memory of this process in KiB (Linux), for `--verbose`.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub fn run(args: ScanArgs) -> Result<()> {
    let mut config = build_config(&args)?;
    // Every file goes to a staging folder beside --out, swapped in whole at the end
    // (disrupt_output::set): a crash or a second scan never leaves two scans' files mixed.
    let staging = disrupt_output::set::begin(&args.out)?;
    let started = Instant::now();
    config.skip_folders = vec![args.out.clone()];
    let files = disrupt_pipeline::collect_input_files(&args.inputs, &config.skip_folders)?;
    let total_bytes: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {bytes}/{total_bytes} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    });
    let mut observer = Observer {
        done_bytes: 0,
        rejects: Some(RejectWriter::create(&staging.dir().join("rejects.jsonl"))?),
        write_error: None,
        bar,
        verbose: args.verbose,
        cpu_seconds: process_cpu_seconds(),
        files: Vec::new(),
    };
    let result = scan(&args.inputs, &config, &mut observer)?;
    if let Some(e) = observer.write_error.take() {
        bail!("cannot write rejects.jsonl: {e}");
    }
    let write_started = Instant::now();
    let generated_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let options = disrupt_output::OutputOptions { spreadsheet_safe: args.spreadsheet_safe, graph_targets: args.graph_targets };
    let written = write_scan_outputs(staging.dir(), &disrupt_pipeline::Findings::new(&result), &generated_at, options)?;
    if let Some(rejects) = observer.rejects.take() {
        rejects.commit()?;
    }
    let manifest = staging.commit(&scan_id(&result, &generated_at), &generated_at)?;
    tracing::debug!(scan_id = manifest.scan_id.as_str(), files = manifest.files.len(), "output set swapped in");
    observer.stage(&StageTiming { stage: "output", seconds: write_started.elapsed().as_secs_f64() });
    let Observer { bar, files, .. } = observer;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if args.verbose {
        match config.memory_budget {
            Some(b) => eprintln!(
                "  detector state {} (memory budget {:.1} MiB)",
                if result.spilled { "spilled to disk in key partitions" } else { "held in memory" },
                b as f64 / 1048576.0
            ),
            None => eprintln!("  detector state held in memory (no budget)"),
        }
    }
    if !args.quiet {
        print_summary(&result, written.edges, &args.out, started.elapsed().as_secs_f64());
        if files.len() > 1 || files.iter().any(|f| f.rejected > 0) {
            crate::outln!("\nInput files:");
            for f in &files {
                crate::outln!("{}", f.line());
            }
        }
    }
    let empty: Vec<&FileReport> = files.iter().filter(|f| f.records == 0).collect();
    let problem = if !empty.is_empty() {
        Some(format!(
            "{} of {} input files yielded no record (outputs written to {}):\n{}",
            empty.len(),
            files.len(),
            args.out.display(),
            empty.iter().map(|f| f.line()).collect::<Vec<_>>().join("\n")
        ))
    } else if args.strict && result.rejected > 0 {
        Some(format!(
            "--strict: {} records rejected (outputs written to {}; each in rejects.jsonl):\n{}",
            result.rejected,
            args.out.display(),
            files.iter().filter(|f| f.rejected > 0).map(|f| f.line()).collect::<Vec<_>>().join("\n")
        ))
    } else {
        None
    };
    // The process ends here: the system takes back the memory, and the spill files, which
    // are anonymous, go with their handles. Freeing a million posts' state piece by piece
    // first took a tenth of a second.
    std::mem::forget(result);
    match problem {
        Some(message) => Err(InputProblems(message).into()),
        None => Ok(()),
    }
}

/// A scan's id: unique per run (the inputs' hashes, the time, the process and a random
/// seed), so two scans of the same input are told apart in their manifests.
fn scan_id(result: &disrupt_pipeline::ScanResult, generated_at: &str) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    for f in &result.files {
        h.write(f.sha256.as_bytes());
    }
    h.write(generated_at.as_bytes());
    h.write_u32(std::process::id());
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    format!("{:016x}", h.finish())
}

/// A scam network's funnel in one line of the summary.
fn funnel_line(f: &disrupt_model::Funnel) -> String {
    let pct = |x: f64| format!("{:.0}%", x * 100.0);
    let mut parts = vec![
        format!("funnel: {} conversations, {} targets", f.conversations, f.targets),
        format!("reached zing {}, sting {}", pct(f.reached_zing), pct(f.reached_sting)),
    ];
    if let Some(s) = f.median_seconds_to_first_payment_request {
        parts.push(format!("first payment request {:.1} h after first contact (median)", s / 3600.0));
    }
    let steps: Vec<String> = f
        .amounts_by_step
        .iter()
        .map(|s| format!("{:.0} {}", s.median_value, s.currency.as_deref().unwrap_or("")).trim().to_string())
        .collect();
    if !steps.is_empty() {
        parts.push(format!("asks {}", steps.join(" -> ")));
    }
    parts.push(format!("up to {} conversations at once per account", f.max_concurrent_conversations));
    parts.join(" | ")
}

fn print_summary(result: &disrupt_pipeline::ScanResult, edges: usize, out: &std::path::Path, seconds: f64) {
    let stats = &result.corpus.stats;
    crate::outln!(
        "disrupt scan: {} records from {} files ({} rejected, {} duplicates) in {:.2} s",
        stats.records,
        result.files.len(),
        result.rejected,
        stats.duplicates,
        seconds
    );
    crate::outln!(
        "Found {} networks ({} accounts), {} evidence edges. Wrote {}/networks.json, edges.csv, evidence.jsonl, records.jsonl, accounts.csv, graph.gexf, graph.graphml, provenance.jsonl, accounts.jsonl, stages.jsonl, rejects.jsonl.",
        result.networks.len(),
        result.networks.iter().map(|n| n.accounts.len()).sum::<usize>(),
        edges,
        out.display()
    );
    if let Some(c) = &result.calibration {
        crate::outln!(
            "Calibration: chance alone would flag about {:.1} accounts in {:.1} networks at these settings ({} placebo run{}{}).",
            c.expected_false_accounts,
            c.expected_false_networks,
            c.runs,
            if c.runs == 1 { "" } else { "s" },
            if c.weak { "; the estimate is weak, see networks.json" } else { "" }
        );
    }
    if !result.stages.is_empty() {
        let mut counts = std::collections::BTreeMap::new();
        for s in &result.stages {
            *counts.entry(s.stage.as_str()).or_insert(0usize) += 1;
        }
        let by_stage: Vec<String> =
            ["ping", "zing", "sting", "other"].iter().map(|s| format!("{s} {}", counts.get(s).copied().unwrap_or(0))).collect();
        crate::outln!("Staged {} chat messages: {} (stages.jsonl).", result.stages.len(), by_stage.join(", "));
    }
    for n in result.networks.iter().take(20) {
        crate::outln!(
            "\n  {}  score {:.2}  {:<9}  {} accounts  [{}]",
            n.id,
            n.score,
            n.network_type,
            n.accounts.len(),
            n.platforms.join(", ")
        );
        crate::outln!("    {}", n.explanation);
        if let Some(f) = &n.funnel {
            crate::outln!("    {}", funnel_line(f));
        }
    }
    if result.networks.len() > 20 {
        crate::outln!("\n  ... and {} more in networks.json", result.networks.len() - 20);
    }
}
