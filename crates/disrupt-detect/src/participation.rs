//! Building the participation null of each signal ([`disrupt_evidence::null`]) from the
//! engine's units pass: the popular sites that are strata of their own, who reposts or
//! answers whom (friends' posts are not evidence), and the tally of every account's units.

use crate::input::DetectInput;
use crate::pairs::account_pair_key;
use crate::signals::{DetectConfig, Signal, UnitKind};
use crate::window::{CoActionState, KeyedEvent, Participation, Windows};
use disrupt_evidence::{ParticipationNull, Trials};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// Sites (hosts of posts' first links) that many accounts link to, numbered from 1: each
/// is a stratum of the null. "Many" is at least `popular_site_accounts` and at least
/// `popular_site_share` of the accounts, so that an operation's own site, however many
/// members link to it, stays small beside the data; but a site [`SITE_CROWD_CAP`] times
/// `popular_site_accounts` link to is popular however large the data (in 50,000 accounts
/// 2% is 1,000, and a news site 800 heavy sharers link to all day was no stratum: its
/// sharers' daily bursts made 211 false accounts). Link shorteners hide the site and are
/// never one (their hashes are in [`SHORTENERS`]).
#[derive(Debug, Default)]
pub struct Sites {
    stratum: FxHashMap<u64, u32>,
    /// Each post's stratum, looked up once (empty when there is no popular site).
    post_stratum: Vec<u32>,
}

/// How many times `popular_site_accounts` make a site popular whatever the share.
pub const SITE_CROWD_CAP: usize = 10;

/// Link shorteners and redirectors: a link through one says nothing of the site behind it.
pub const SHORTENERS: &[&str] = &[
    "t.co",
    "bit.ly",
    "goo.gl",
    "ow.ly",
    "tinyurl.com",
    "buff.ly",
    "dlvr.it",
    "ift.tt",
    "fb.me",
    "lnkd.in",
    "is.gd",
    "tiny.cc",
    "trib.al",
    "shorturl.at",
    "rebrand.ly",
    "cutt.ly",
    "rb.gy",
    "t.ly",
    "bl.ink",
    "s.id",
    "wp.me",
    "amzn.to",
    "youtu.be",
    "j.mp",
    "po.st",
    "su.pr",
];

impl Sites {
    /// The popular sites of the input. `site_hash` hashes a host as the input's site
    /// column does.
    pub fn of(input: &DetectInput, config: &DetectConfig, site_hash: impl Fn(&str) -> u64) -> Self {
        let shorteners: FxHashSet<u64> = SHORTENERS.iter().map(|s| site_hash(s)).collect();
        let mut linked: Vec<(u64, u32)> = (0..input.len() as u32)
            .into_par_iter()
            .filter_map(|p| Some((input.site(p), input.account(p))).filter(|(s, _)| *s != 0 && !shorteners.contains(s)))
            .collect();
        linked.par_sort_unstable();
        linked.dedup();
        let share = (config.popular_site_share * input.account_count as f64).ceil() as usize;
        let minimum = config.popular_site_accounts.max(share.min(SITE_CROWD_CAP * config.popular_site_accounts)).max(1);
        let mut stratum = FxHashMap::default();
        for run in linked.chunk_by(|x, y| x.0 == y.0) {
            if run.len() >= minimum {
                let next = stratum.len() as u32 + 1;
                stratum.insert(run[0].0, next);
            }
        }
        let post_stratum = if stratum.is_empty() {
            Vec::new()
        } else {
            (0..input.len() as u32).into_par_iter().map(|p| stratum.get(&input.site(p)).copied().unwrap_or(0)).collect()
        };
        Sites { stratum, post_stratum }
    }

    /// Strata, counting the whole signal's (0).
    pub fn strata(&self) -> usize {
        self.stratum.len() + 1
    }

    /// The stratum of `post` of `input` (the input the sites were found in): its first
    /// link's site when popular, else 0.
    pub fn of_post(&self, _input: &DetectInput, post: u32) -> u32 {
        self.post_stratum.get(post as usize).copied().unwrap_or(0)
    }
}

/// Who reposts or answers whom: two accounts each of which reposted or answered the other
/// are friends, and reacting to a friend's post is how friends talk.
#[derive(Debug, Default)]
pub struct Friends {
    /// The author of every post someone reacted to (by the post id's hash).
    author_of: FxHashMap<u64, u32>,
    /// Friends, as account-pair keys.
    mutual: FxHashSet<u64>,
}

impl Friends {
    /// Friends from the reactions: `(target post id hash, reacting account)`.
    pub fn from_reactions(input: &DetectInput, mut reactions: Vec<(u64, u32)>) -> Self {
        if reactions.is_empty() {
            return Friends::default();
        }
        reactions.par_sort_unstable();
        reactions.dedup();
        let targets: FxHashSet<u64> = reactions.iter().map(|r| r.0).collect();
        let author_of: FxHashMap<u64, u32> = (0..input.len() as u32)
            .filter_map(|p| {
                let id = input.id_hash(p);
                targets.contains(&id).then(|| (id, input.account(p)))
            })
            .collect();
        // Directed edges reactor -> author; friends are the pairs with both directions.
        let mut edges: Vec<(u32, u32)> = reactions
            .iter()
            .filter_map(|&(target, reactor)| author_of.get(&target).filter(|&&a| a != reactor).map(|&author| (reactor, author)))
            .collect();
        edges.par_sort_unstable();
        edges.dedup();
        let mutual: FxHashSet<u64> =
            edges.iter().filter(|&&(x, y)| x < y && edges.binary_search(&(y, x)).is_ok()).map(|&(x, y)| account_pair_key(x, y)).collect();
        Friends { author_of, mutual }
    }

    /// Whether `account` reacting to the post `target` is reacting to a friend.
    pub fn exempt(&self, target: u64, account: u32) -> bool {
        !self.mutual.is_empty()
            && self.author_of.get(&target).is_some_and(|&author| self.mutual.contains(&account_pair_key(author, account)))
    }

    /// Pairs of friends.
    pub fn len(&self) -> usize {
        self.mutual.len()
    }

    /// Whether nobody is anybody's friend.
    pub fn is_empty(&self) -> bool {
        self.mutual.is_empty()
    }
}

/// `(key, account)` of reaction events (the key is the reacted-to post's id hash).
pub fn reactions_of(events: &[KeyedEvent]) -> Vec<(u64, u32)> {
    events.par_iter().map(|e| (e.key, e.account)).collect()
}

/// A signal's units, tallied as the units pass reports them, partition by partition.
pub struct Tally {
    kind: UnitKind,
    by_site: bool,
    /// Units per account (key units).
    degree: Vec<u32>,
    /// `(account, stratum)` of every key unit in a site stratum.
    site_units: Vec<(u32, u32)>,
    /// `(account, stratum, popularity)` of every key unit on a key two or more used.
    trials: Vec<(u32, u32, u32)>,
    /// Text units: each post's largest key popularity (0: no event), raised from every
    /// core at once.
    post_popularity: Vec<std::sync::atomic::AtomicU32>,
}

impl Tally {
    /// An empty tally for a signal whose units are `kind`.
    pub fn new(kind: UnitKind, by_site: bool, accounts: usize, posts: usize) -> Self {
        Tally {
            kind,
            by_site,
            degree: vec![0; accounts],
            site_units: Vec::new(),
            trials: Vec::new(),
            post_popularity: if kind == UnitKind::Text {
                (0..posts).map(|_| std::sync::atomic::AtomicU32::new(0)).collect()
            } else {
                Vec::new()
            },
        }
    }

    /// Adds one partition: its participations (key units), or each post's popularity
    /// (text units, read from the state itself).
    pub fn add_partition(&mut self, input: &DetectInput, sites: &Sites, state: &mut CoActionState, windows: &Windows) {
        match self.kind {
            UnitKind::Text => state.text_popularity(&self.post_popularity),
            UnitKind::KeyOccurrence => {
                let chunks = state.units(windows, false);
                self.add(input, sites, chunks);
            }
        }
    }

    /// Adds one partition's participations (key units).
    fn add(&mut self, input: &DetectInput, sites: &Sites, chunks: Vec<Vec<Participation>>) {
        for chunk in chunks {
            for p in chunk {
                match self.kind {
                    UnitKind::Text => {}
                    UnitKind::KeyOccurrence => {
                        if let Some(d) = self.degree.get_mut(p.account as usize) {
                            *d += 1;
                        }
                        let stratum = if self.by_site { sites.of_post(input, p.post) } else { 0 };
                        if stratum != 0 {
                            self.site_units.push((p.account, stratum));
                        }
                        if p.popularity >= 2 {
                            self.trials.push((p.account, stratum, p.popularity));
                        }
                    }
                }
            }
        }
    }

    /// The finished null of `signal`.
    pub fn finish(mut self, signal: Signal, input: &DetectInput, sites: &Sites, config: &DetectConfig, active: usize) -> ParticipationNull {
        let strata = if self.by_site { sites.strata() } else { 1 };
        let post_popularity: Vec<u32> = std::mem::take(&mut self.post_popularity).into_iter().map(|a| a.into_inner()).collect();
        if self.kind == UnitKind::Text {
            // A unit is one distinct text of an account: its popularity the largest of its
            // posts', its stratum its first post's.
            let mut texts: Vec<(u32, u64, u32, u32)> = (0..input.len() as u32)
                .into_par_iter()
                .filter(|&p| post_popularity[p as usize] > 0)
                .map(|p| {
                    let stratum = if self.by_site { sites.of_post(input, p) } else { 0 };
                    (input.account(p), input.text_hash(p), post_popularity[p as usize], stratum)
                })
                .collect();
            texts.par_sort_unstable_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)).then(y.2.cmp(&x.2)));
            texts.dedup_by(|later, first| later.0 == first.0 && later.1 == first.1);
            for &(account, _, popularity, stratum) in &texts {
                if let Some(d) = self.degree.get_mut(account as usize) {
                    *d += 1;
                }
                if stratum != 0 {
                    self.site_units.push((account, stratum));
                }
                if popularity >= 2 {
                    self.trials.push((account, stratum, popularity));
                }
            }
        }
        let mut totals = vec![0u64; strata];
        totals[0] = self.degree.iter().map(|&d| d as u64).sum();
        self.site_units.par_sort_unstable();
        let mut site_degree = FxHashMap::default();
        for run in self.site_units.chunk_by(|x, y| x == y) {
            site_degree.insert(run[0], run.len() as u32);
            if let Some(t) = totals.get_mut(run[0].1 as usize) {
                *t += run.len() as u64;
            }
        }
        self.trials.par_sort_unstable();
        let trials: Vec<Trials> = self
            .trials
            .chunk_by(|x, y| x == y)
            .map(|run| Trials { account: run[0].0, stratum: run[0].1, popularity: run[0].2, count: run.len() as u32 })
            .collect();
        let windows = config.windows(signal);
        ParticipationNull {
            signal,
            window_ms: windows.window_ms,
            scales: config.scales.clone(),
            rare_key_accounts: config.rare_key_accounts,
            max_chance: config.max_trial_chance,
            span_ms: timing_span_ms(config, signal, input.time_span_ms()),
            degree: self.degree,
            site_degree,
            totals,
            trials,
            active_accounts: active,
            text_units: self.kind == UnitKind::Text,
            by_site: self.by_site,
            post_popularity,
        }
    }
}

/// The span over which the null spreads two independent uses of a rare key: a day, or six
/// hours for reactions to a post (they come in its first hours); never more than the data
/// spans, since uses cannot land outside it (on data of a few hours, a day would credit
/// closeness that chance gives).
pub fn timing_span_ms(config: &DetectConfig, signal: Signal, data_span_ms: i64) -> i64 {
    let assumed = if config.spec(signal).is_some_and(|s| s.null.reactions) { 6 * 3_600_000 } else { disrupt_evidence::null::DAY_MS };
    assumed.min(data_span_ms.max(1))
}

#[cfg(test)]
mod span_tests {
    use super::*;

    #[test]
    fn the_timing_span_is_never_longer_than_the_data() {
        let config = DetectConfig::default();
        assert_eq!(timing_span_ms(&config, Signal::CO_POST, 30 * 86_400_000), disrupt_evidence::null::DAY_MS);
        assert_eq!(timing_span_ms(&config, Signal::CO_REPOST, 30 * 86_400_000), 6 * 3_600_000);
        assert_eq!(timing_span_ms(&config, Signal::CO_POST, 3 * 3_600_000), 3 * 3_600_000);
        assert_eq!(timing_span_ms(&config, Signal::CO_POST, 0), 1);
    }
}
