//! Reading a scan's output folder back, typed. Every reader checks what it can: the schema
//! version of `networks.json`, the columns of `edges.csv`, each JSON line's fields.

use crate::document::{NetworksDocument, SCHEMA_MAJOR, SCHEMA_VERSION};
use crate::lines::{Edge, EDGE_COLUMNS};
use crate::ModelError;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::io::{BufRead, BufReader};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

/// The files a scan writes, by name.
pub mod files {
    /// The findings.
    pub const NETWORKS: &str = "networks.json";
    /// Account-pair evidence edges.
    pub const EDGES: &str = "edges.csv";
    /// Per edge, the matched record pairs.
    pub const EVIDENCE: &str = "evidence.jsonl";
    /// The records evidence cites, with their text.
    pub const RECORDS: &str = "records.jsonl";
    /// Posts linked to the model outputs they came from.
    pub const PROVENANCE: &str = "provenance.jsonl";
    /// AI-provider accounts' risk.
    pub const ACCOUNTS: &str = "accounts.jsonl";
    /// Every account a network names, one row each.
    pub const ACCOUNTS_CSV: &str = "accounts.csv";
    /// The account graph for Gephi.
    pub const GEXF: &str = "graph.gexf";
    /// The account graph for graph libraries.
    pub const GRAPHML: &str = "graph.graphml";
    /// Every message's funnel stage.
    pub const STAGES: &str = "stages.jsonl";
    /// Rejected input records.
    pub const REJECTS: &str = "rejects.jsonl";
}

/// Accepts a `MAJOR.MINOR` this build can read: the same major version as its own.
pub fn check_schema_version(version: &str) -> Result<(), ModelError> {
    let major = version.split('.').next().and_then(|m| m.trim().parse::<u32>().ok());
    match major {
        Some(SCHEMA_MAJOR) => Ok(()),
        _ => Err(ModelError::Schema { path: None, found: version.chars().take(40).collect(), supported: SCHEMA_VERSION }),
    }
}

/// Parses `networks.json`, refusing a schema version this build does not know before
/// reading the rest (whose shape another major version may change).
pub fn parse_networks(text: &str) -> Result<NetworksDocument, ModelError> {
    #[derive(Deserialize)]
    struct Header {
        schema_version: Option<String>,
    }
    let header: Header = serde_json::from_str(text).map_err(|e| ModelError::Json { path: None, line: 0, source: e })?;
    match header.schema_version {
        Some(v) => check_schema_version(&v)?,
        None => return Err(ModelError::NoSchema { path: None }),
    }
    serde_json::from_str(text).map_err(|e| ModelError::Json { path: None, line: 0, source: e })
}

fn io_error(path: &Path, source: std::io::Error) -> ModelError {
    ModelError::Io { path: path.to_path_buf(), source }
}

/// Reads `networks.json` (or the one in a scan's folder).
pub fn read_networks(path: &Path) -> Result<NetworksDocument, ModelError> {
    let path = if path.is_dir() { path.join(files::NETWORKS) } else { path.to_path_buf() };
    let text = std::fs::read_to_string(&path).map_err(|e| io_error(&path, e))?;
    parse_networks(&text).map_err(|e| e.at(&path))
}

/// Reads every row of `edges.csv`.
pub fn read_edges(path: &Path) -> Result<Vec<Edge<'static>>, ModelError> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| ModelError::Csv { path: path.to_path_buf(), source: e })?;
    let header: Vec<String> =
        reader.headers().map_err(|e| ModelError::Csv { path: path.to_path_buf(), source: e })?.iter().map(String::from).collect();
    if header.len() < EDGE_COLUMNS.len() || header.iter().zip(EDGE_COLUMNS).any(|(h, c)| h != c) {
        return Err(ModelError::Invalid {
            path: path.to_path_buf(),
            line: 1,
            message: format!("header `{}` is not edges.csv's", header.join(",")),
        });
    }
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| ModelError::Csv { path: path.to_path_buf(), source: e })?;
        let line = row.position().map_or(i as u64 + 2, |p| p.line());
        out.push(Edge::from_csv(&row).map_err(|e| ModelError::Invalid { path: path.to_path_buf(), line, message: e.to_string() })?);
    }
    Ok(out)
}

/// The lines of a JSON Lines file, each read as a `T` (blank lines skipped).
pub struct JsonLines<T> {
    path: PathBuf,
    lines: std::io::Lines<BufReader<std::fs::File>>,
    line: u64,
    kind: PhantomData<T>,
}

impl<T: DeserializeOwned> Iterator for JsonLines<T> {
    type Item = Result<T, ModelError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let line = self.lines.next()?;
            self.line += 1;
            let line = match line {
                Ok(l) => l,
                Err(e) => return Some(Err(io_error(&self.path, e))),
            };
            if line.trim().is_empty() {
                continue;
            }
            return Some(serde_json::from_str(&line).map_err(|e| ModelError::Json {
                path: Some(self.path.clone()),
                line: self.line,
                source: e,
            }));
        }
    }
}

/// Opens a JSON Lines file of the scan (`evidence.jsonl`, `records.jsonl`, ...).
pub fn read_jsonl<T: DeserializeOwned>(path: &Path) -> Result<JsonLines<T>, ModelError> {
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    Ok(JsonLines { path: path.to_path_buf(), lines: BufReader::new(file).lines(), line: 0, kind: PhantomData })
}

/// Reads a whole JSON Lines file.
pub fn read_jsonl_all<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>, ModelError> {
    read_jsonl(path)?.collect()
}
