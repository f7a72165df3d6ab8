//! Hot keys: a key so busy (a trending hashtag, a viral post reposted every second) that
//! enumerating its post pairs would not fit in memory or time. A hashtag used 300 times a
//! minute has ~600 events within a minute of each event: 54,000 posts make 16 million pairs
//! within W and a billion within H. A hot key is worked account by account instead, in
//! time and memory near-linear in its events:
//!
//! - **Matches.** Only account pairs that co-act on most of their posts on the key could
//!   pass the synchrony test there (on a busy key a random account is within W of another
//!   often, so a pair needs nearly all its posts synchronous to beat chance). Such pairs are
//!   found by MinHash banding over each account's set of time cells (two grids of width 2W,
//!   offset by W: two events within W share a cell of at least one grid). Each candidate
//!   pair is then checked exactly by merging the two accounts' timelines, and keeps one post
//!   pair per matched post on each side: exactly the pair's co-action count (distinct posts
//!   matched on each side), with evidence linear in its posts.
//!
//! What it gives up, on hot keys only: a pair that co-acts on under about a third of its
//! posts on the key is usually not found there (it keeps its co-actions on other keys).
//! Little is lost: a key busy enough to be hot was used by so many accounts that taking
//! part in it is weak evidence under the participation null.

use super::{KeyedEvent, PairCheck, Windows};
use crate::pairs::PostPair;
use rustc_hash::FxHashMap;

/// A key is hot when its event pairs within the window exceed this: 24 MiB of post pairs.
pub(super) const HOT_PAIRS: u64 = 1 << 20;

/// MinHash banding: `BANDS` bands of `ROWS` hashes. A pair of accounts whose cell sets have
/// Jaccard similarity `J` becomes a candidate with probability `1 - (1 - J^ROWS)^BANDS`:
/// 0.93 at J = 0.5, 0.42 at 0.3, 0.02 at 0.1.
const BANDS: usize = 20;
const ROWS: usize = 3;

/// One account's events on the key, in time order.
struct Timeline {
    times: Vec<i64>,
    posts: Vec<u32>,
}

fn timelines(events: impl Iterator<Item = KeyedEvent>) -> Vec<Timeline> {
    let mut index: FxHashMap<u32, usize> = FxHashMap::default();
    let mut lines: Vec<Timeline> = Vec::new();
    for e in events {
        let next = lines.len();
        let i = *index.entry(e.account).or_insert(next);
        if i == next {
            lines.push(Timeline { times: Vec::new(), posts: Vec::new() });
        }
        lines[i].times.push(e.time);
        lines[i].posts.push(e.post);
    }
    lines
}

pub(super) fn mix(x: u64) -> u64 {
    // splitmix64's finaliser: a cheap, well-spread hash of a cell and a seed.
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// MinHash signature of an account's time cells.
fn signature(times: &[i64], window_ms: i64) -> [u64; BANDS * ROWS] {
    let width = 2 * window_ms.max(1);
    let mut cells: Vec<u64> =
        times.iter().flat_map(|&t| [(t.div_euclid(width) as u64) << 1, ((t + window_ms).div_euclid(width) as u64) << 1 | 1]).collect();
    cells.sort_unstable();
    cells.dedup();
    let mut sig = [u64::MAX; BANDS * ROWS];
    for &cell in &cells {
        let h = mix(cell);
        for (i, slot) in sig.iter_mut().enumerate() {
            let v = mix(h ^ (i as u64).wrapping_mul(0xA24B_AED4_963E_E407));
            if v < *slot {
                *slot = v;
            }
        }
    }
    sig
}

/// Post pairs of a hot key's candidate account pairs within W: one per matched post on
/// each side. `kept` says which events are not in a crowd.
pub(super) fn hot_matches(
    group: &[KeyedEvent],
    kept: &[bool],
    windows: &Windows,
    check: &impl PairCheck,
    key_accounts: u32,
) -> Vec<PostPair> {
    let min_posts = windows.min_co_actions.max(2) as usize;
    let lines: Vec<Timeline> = timelines(group.iter().zip(kept).filter(|(_, k)| **k).map(|(e, _)| *e))
        .into_iter()
        .filter(|l| l.times.len() >= min_posts)
        .collect();
    let mut banded: Vec<(u64, u32)> = Vec::with_capacity(lines.len() * BANDS);
    for (i, line) in lines.iter().enumerate() {
        let sig = signature(&line.times, windows.window_ms);
        for (band, rows) in sig.chunks(ROWS).enumerate() {
            let h = rows.iter().fold(mix(band as u64), |acc, &r| mix(acc ^ r));
            banded.push((h, i as u32));
        }
    }
    banded.sort_unstable();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for bucket in banded.chunk_by(|x, y| x.0 == y.0) {
        // A bucket of more accounts than a crowd is the crowd itself (accounts that post on
        // the key all the time), not a set of accounts acting together.
        if bucket.len() < 2 || bucket.len() > windows.max_crowd {
            continue;
        }
        for (i, x) in bucket.iter().enumerate() {
            for y in &bucket[i + 1..] {
                pairs.push((x.1.min(y.1), x.1.max(y.1)));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut out = Vec::new();
    for (i, j) in pairs {
        let start = out.len();
        let one_way = matched_posts(&lines[i as usize], &lines[j as usize], windows.window_ms, check, key_accounts, &mut out);
        let other_way = matched_posts(&lines[j as usize], &lines[i as usize], windows.window_ms, check, key_accounts, &mut out);
        // Most candidates are chance collisions of the banding: fewer co-actions on the key
        // than a pair needs to be tested (the smaller side's count) keep nothing.
        if one_way.min(other_way) < min_posts {
            out.truncate(start);
        }
    }
    out
}

/// For each post of `x`, the first post of `y` within `window_ms` that is the same action;
/// returns how many posts of `x` were matched.
fn matched_posts(x: &Timeline, y: &Timeline, window_ms: i64, check: &impl PairCheck, key_accounts: u32, out: &mut Vec<PostPair>) -> usize {
    let mut matched = 0;
    let mut lo = 0;
    for (&t, &post) in x.times.iter().zip(&x.posts) {
        while lo < y.times.len() && y.times[lo] < t - window_ms {
            lo += 1;
        }
        let mut k = lo;
        while k < y.times.len() && y.times[k] <= t + window_ms {
            if check.same_action(post, y.posts[k]) {
                out.push(PostPair::new(post, y.posts[k], key_accounts, 0));
                matched += 1;
                break;
            }
            k += 1;
        }
    }
    matched
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::window::ExactKey;

    fn ev(secs: i64, account: u32, post: u32) -> KeyedEvent {
        KeyedEvent { key: 1, time: secs * 1000, account, post }
    }

    const W: Windows =
        Windows { window_ms: 60_000, occurrence_gap_ms: 120_000, repeat_key_accounts: 10, max_crowd: 1000, min_co_actions: 2 };

    #[test]
    fn a_synchronous_pair_is_found_in_a_busy_key_with_its_exact_count() {
        // 400 background accounts, each posting 3 times at random over three hours, and
        // two accounts posting 12 times within 5 s of each other.
        let mut events = Vec::new();
        let mut post = 0;
        let mut state = 7u64;
        let mut next = || {
            state = mix(state);
            state
        };
        for account in 0..400 {
            for _ in 0..3 {
                events.push(ev((next() % 10_800) as i64, account, post));
                post += 1;
            }
        }
        for burst in 0..12 {
            events.push(ev(burst * 900, 1000, post));
            events.push(ev(burst * 900 + 5, 1001, post + 1));
            post += 2;
        }
        events.sort_unstable_by_key(|e| (e.time, e.account, e.post));
        let kept = vec![true; events.len()];
        let pairs = hot_matches(&events, &kept, &W, &ExactKey, 402);
        let ours: Vec<&PostPair> = pairs.iter().filter(|p| p.a >= 1200 && p.b >= 1200).collect();
        // One post pair per matched post on each side, both sides the same 12 bursts.
        assert_eq!(ours.len(), 24);
        let mut distinct: Vec<(u32, u32)> = ours.iter().map(|p| (p.a, p.b)).collect();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 12);
    }
}
