//! The peers' raw co-share networks (coordination-network-toolkit, CooRTweet) on disrupt's
//! readers, for side-by-side checks: which objects each post shares under one signal, and
//! the peers' own definitions over them ([`disrupt_detect::compat`]). No null model is applied.

use crate::scan::{load, ScanConfig, ScanError, ScanObserver};
use disrupt_detect::compat::{coortweet_accounts, coortweet_groups, network_nodes, toolkit_network, Share};
use disrupt_evidence::{AccountInfo, PostStore, Signal};
use std::collections::HashMap;

/// Every share of one kind of object in the inputs.
pub struct CoShares {
    shares: Vec<Share>,
    /// Each object's name as the input gave it (a post id, a link, a hashtag).
    names: HashMap<u64, String>,
    accounts: Vec<AccountInfo>,
    posts: PostStore,
    /// Records read.
    pub records: u64,
    /// Records rejected.
    pub rejected: u64,
}

/// A directed edge of the toolkit's network: `weight` of `source`'s posts were matched by
/// `target` within the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolkitEdge {
    /// The account whose posts were matched.
    pub source: String,
    /// The account that matched them.
    pub target: String,
    /// Matched posts.
    pub weight: u32,
}

/// A row of CooRTweet's `detect_groups` output.
#[derive(Debug, Clone, PartialEq)]
pub struct CoortweetRow {
    /// The object shared.
    pub object_id: String,
    /// One account.
    pub account_id: String,
    /// The other.
    pub account_id_y: String,
    /// Its post.
    pub content_id: String,
    /// The other's post.
    pub content_id_y: String,
    /// Seconds between the two.
    pub time_delta: f64,
}

/// Whether co-share can compare `signal` with the peers (it shares a named object).
pub fn co_share_signal(signal: Signal) -> Result<Signal, ScanError> {
    if signal == Signal::NEAR_DUPLICATE {
        return Err(ScanError::Unsupported("near_duplicate has no shared object; use co_post".into()));
    }
    if !disrupt_detect::signals::is_behavioural(signal) {
        return Err(ScanError::Unsupported(format!("{signal} is not a co-share signal")));
    }
    Ok(signal)
}

impl CoShares {
    /// Reads the inputs and collects each post's shares under `signal` (one of
    /// `co_repost`, `co_reply`, `co_link`, `co_hashtag`, `co_post`).
    pub fn read(
        inputs: &[std::path::PathBuf],
        config: &ScanConfig,
        signal: Signal,
        observer: &mut dyn ScanObserver,
    ) -> Result<CoShares, ScanError> {
        let signal = co_share_signal(signal)?;
        let mut loaded = load(inputs, config, observer)?;
        let (post_accounts, post_times) = std::mem::take(&mut loaded.detect_input).into_columns();
        loaded.posts.attach_columns(post_accounts, post_times).map_err(crate::scan::store_error)?;
        let mut names: HashMap<u64, String> = HashMap::new();
        let mut shares = Vec::new();
        for i in 0..loaded.posts.len() as u32 {
            let info = loaded.posts.get(i).map_err(crate::scan::store_error)?;
            let mut add = |name: &str, object: u64| {
                names.entry(object).or_insert_with(|| name.to_string());
                shares.push(Share { object, time_ms: info.time, account: info.account, content: i });
            };
            let object_hash = crate::prepare::object_hash;
            if signal == Signal::CO_REPOST {
                info.repost_of.iter().for_each(|name| add(name, object_hash(name)));
            } else if signal == Signal::CO_REPLY {
                info.reply_to.iter().for_each(|name| add(name, object_hash(name)));
            } else if signal == Signal::CO_LINK {
                info.urls.iter().for_each(|name| add(name, object_hash(name)));
            } else if signal == Signal::CO_HASHTAG {
                info.hashtags.iter().for_each(|name| add(name, object_hash(name)));
            } else if signal == Signal::CO_POST {
                if let Some(o) = crate::prepare::text_key(&info) {
                    add(&format!("{o:016x}"), o)
                }
            }
        }
        Ok(CoShares {
            shares,
            names,
            accounts: loaded.accounts,
            posts: loaded.posts,
            records: loaded.corpus.stats.records,
            rejected: loaded.rejected,
        })
    }

    /// Shares found.
    pub fn len(&self) -> usize {
        self.shares.len()
    }

    /// Whether there were none.
    pub fn is_empty(&self) -> bool {
        self.shares.is_empty()
    }

    fn account(&self, i: u32) -> String {
        self.accounts[i as usize].id.clone()
    }

    /// The coordination-network-toolkit's network, with the number of its nodes.
    pub fn toolkit(&self, window_seconds: f64, min_weight: u32, self_loops: bool) -> (Vec<ToolkitEdge>, usize) {
        let edges = toolkit_network(&self.shares, window_seconds, min_weight, self_loops);
        let nodes = network_nodes(&edges).len();
        let edges =
            edges.iter().map(|e| ToolkitEdge { source: self.account(e.from), target: self.account(e.to), weight: e.weight }).collect();
        (edges, nodes)
    }

    /// CooRTweet's co-share rows, with the number of their accounts.
    pub fn coortweet(
        &self,
        window_seconds: f64,
        min_participation: usize,
        remove_loops: bool,
    ) -> Result<(Vec<CoortweetRow>, usize), ScanError> {
        let rows = coortweet_groups(&self.shares, window_seconds, min_participation, remove_loops);
        let accounts = coortweet_accounts(&rows).len();
        let id = |p: u32| self.posts.get(p).map(|info| info.id).map_err(crate::scan::store_error);
        let rows = rows
            .iter()
            .map(|r| {
                Ok(CoortweetRow {
                    object_id: self.names.get(&r.object).cloned().unwrap_or_default(),
                    account_id: self.account(r.account),
                    account_id_y: self.account(r.account_y),
                    content_id: id(r.content)?,
                    content_id_y: id(r.content_y)?,
                    time_delta: r.time_delta_ms as f64 / 1000.0,
                })
            })
            .collect::<Result<Vec<_>, ScanError>>()?;
        Ok((rows, accounts))
    }
}
