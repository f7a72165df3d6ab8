//! `disrupt`: the command-line shell over the disrupt library.

#![forbid(unsafe_code)]

mod coshare_cmd;
mod eval_cmd;
mod scan_cmd;
mod simulate_cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "disrupt", version, about = "Find, attribute and explain coordinated networks that misuse AI")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan input files and folders for coordinated networks.
    Scan(Box<scan_cmd::ScanArgs>),
    /// Explain, record by record, why an account was flagged by a scan, or what a network is.
    Explain {
        /// Account identifier (e.g. x:88231) or network id (e.g. n-8bc381a2).
        account: String,
        /// The scan's output folder.
        #[arg(long = "in", value_name = "DIR")]
        input: std::path::PathBuf,
        /// Edges shown, and matched record pairs per edge.
        #[arg(long, default_value_t = disrupt_output::explain::DEFAULT_LIMIT)]
        limit: usize,
    },
    /// Generate synthetic data with planted operations and organic traps.
    Simulate(simulate_cmd::SimulateArgs),
    /// Score a scan's networks against ground-truth labels.
    Eval(eval_cmd::EvalArgs),
    /// The raw co-share network of a peer tool (coordination-network-toolkit, CooRTweet), for side-by-side checks.
    CoShare(Box<coshare_cmd::CoShareArgs>),
}

/// `println!` that tolerates a closed standard output.
#[macro_export]
macro_rules! outln {
    ($($t:tt)*) => { $crate::emit(&format!("{}\n", format_args!($($t)*))) };
}

/// `print!` that tolerates a closed standard output.
#[macro_export]
macro_rules! out {
    ($($t:tt)*) => { $crate::emit(&format!($($t)*)) };
}

/// `eprintln!` with the text made safe for a terminal.
#[macro_export]
macro_rules! errln {
    ($($t:tt)*) => { eprintln!("{}", disrupt_output::terminal::escape(&format!($($t)*))) };
}

/// Writes to standard output, with every control sequence and bidi override the input
/// may carry escaped ([`disrupt_output::terminal`]); a reader that went away (`| head`) is
/// not an error.
pub fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let text = disrupt_output::terminal::escape(text);
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            errln!("disrupt: cannot write to standard output: {e}");
        }
    }
}

/// The libraries log through `tracing`: warnings by default, more with `RUST_LOG`
/// (`RUST_LOG=disrupt_pipeline=debug`), always to standard error, escaped like the rest of
/// the output (so without colours: an escape code of the logger's own would be escaped too).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| disrupt_output::terminal::EscapingWriter(std::io::stderr()))
        .with_ansi(false)
        .with_target(false)
        .try_init();
}

/// An error and its causes on one line, each cause once: errors that name their path
/// already carry their cause's words, which the chain would print a second time.
fn error_text(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !out.contains(&text) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&text);
        }
    }
    out
}

fn main() -> ExitCode {
    init_logging();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan_cmd::run(*args),
        Command::Explain { account, input, limit } => {
            disrupt_output::explain(&account, &input, limit).map(|text| emit(&text)).map_err(anyhow::Error::from)
        }
        Command::Simulate(args) => simulate_cmd::run(args),
        Command::Eval(args) => eval_cmd::run(args),
        Command::CoShare(args) => coshare_cmd::run(*args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            errln!("disrupt: {}", error_text(&e));
            // Input that yielded nothing is not a failure of the run: its outputs exist.
            if e.downcast_ref::<scan_cmd::InputProblems>().is_some() {
                ExitCode::from(3)
            } else {
                ExitCode::from(2)
            }
        }
    }
}
