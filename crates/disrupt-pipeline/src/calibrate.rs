//! Self-calibration: what chance alone would flag at the scan's settings, on the scan's own
//! data and without labels. The behavioural detectors and the network stage run again on
//! placebos of the input ([`disrupt_detect::Placebo`]): every account's timeline moved by
//! its own random offset, so that no coordination is left while each account's habits and
//! each key's popularity stay. A pair whose offsets landed within a window of each other
//! kept whatever coordination it had, and a pair whose real actions line up at one lag far
//! more than at lags whole days away is coordinated at that lag ([`LagEvidence`]): the
//! evidence of both is set aside; whatever else a placebo flags is chance, and the average
//! over the runs estimates the false accounts and networks of the real scan.

use crate::settings::ScanConfig;
use disrupt_detect::DetectInput;
use disrupt_model::Calibration;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Three days: under that a shift moves timelines by hours, and the estimate is weak.
const WEAK_SPAN_MS: i64 = 3 * 86_400_000;

/// Runs `runs` placebos of `input` (a copy of the scan's detector input, or `None` when
/// its state went to disk and was not copied) at `config`'s settings. The estimate is weak
/// (and says why) when the data spans less than three days or a placebo could not be made.
pub fn calibrate(input: Option<&DetectInput>, config: &ScanConfig, runs: u32) -> std::io::Result<Calibration> {
    let mut flagged_total = 0.0;
    let mut networks_total = 0.0;
    let mut by_signal: BTreeMap<String, f64> = BTreeMap::new();
    let mut done = 0u32;
    let widest = config.detect.enabled_behavioural().iter().map(|s| config.detect.windows(s.signal()).window_ms).max().unwrap_or(0);
    for run in 0..runs {
        let (Some(real_input), Some(placebo)) = (input, input.and_then(|i| i.placebo(u64::from(run) + 1))) else { break };
        let mut detection = disrupt_detect::detect(&placebo.input, &config.detect)?;
        // Pairs the placebo left aligned, and pairs whose real actions line up at the
        // placebo's lag or at lag 0 far more than at other days' (see `LagEvidence`), are
        // not chance: their evidence is set aside.
        let tested: BTreeSet<(u32, u32)> = detection
            .signals
            .iter()
            .flat_map(|(_, r)| r.pairs.iter())
            .chain(&detection.fused.pairs)
            .filter(|p| p.significant && !placebo.aligned(p.a, p.b, widest))
            .map(|p| (p.a.min(p.b), p.a.max(p.b)))
            .collect();
        let evidence = LagEvidence::gather(real_input, config, tested.iter().flat_map(|&(a, b)| [a, b]).collect());
        let locked: HashSet<(u32, u32)> =
            tested.iter().copied().filter(|&(a, b)| evidence.locked(a, b, placebo.lag(a, b), placebo.span_ms)).collect();
        let set_aside = |a: u32, b: u32| {
            let pair = (a.min(b), a.max(b));
            placebo.aligned(a, b, widest) || locked.contains(&pair)
        };
        for (_, report) in &mut detection.signals {
            for p in report.pairs.iter_mut().filter(|p| set_aside(p.a, p.b)) {
                p.significant = false;
            }
        }
        for p in detection.fused.pairs.iter_mut().filter(|p| set_aside(p.a, p.b)) {
            p.significant = false;
        }
        let (accounts, times) = (placebo.input.accounts(), placebo.input.times());
        detection.periphery.retain(|m| {
            let (a, b) = (accounts.get(m.a as usize).copied().unwrap_or(0), accounts.get(m.b as usize).copied().unwrap_or(0));
            !set_aside(a, b)
        });
        let formed = disrupt_networks::form_networks(&detection, accounts, times, &config.detect, &config.networks);
        let flagged: BTreeSet<u32> = formed.flagged().collect();
        flagged_total += flagged.len() as f64;
        networks_total += formed.networks() as f64;
        for (signal, report) in &detection.signals {
            let accounts: BTreeSet<u32> =
                report.pairs.iter().filter(|p| p.significant).flat_map(|p| [p.a, p.b]).filter(|a| flagged.contains(a)).collect();
            *by_signal.entry(signal.as_str().to_string()).or_insert(0.0) += accounts.len() as f64;
        }
        done += 1;
    }
    let n = f64::from(done.max(1));
    for v in by_signal.values_mut() {
        *v /= n;
    }
    let times = input.map(|i| i.times()).unwrap_or(&[]);
    let (first, last) = times.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &t| (lo.min(t), hi.max(t)));
    let short = last.saturating_sub(first) < WEAK_SPAN_MS;
    let mut notes = vec![
        "only the behavioural signals and the group test are re-run: links that content makes (provenance, scam scripts, payments, \
         contacts, infrastructure) have no timing a placebo could destroy, and are not estimated"
            .to_string(),
        "moving timelines keeps each account's habits and each key's popularity but scatters the bursts that outside events \
         cause (breaking news, a goal, a trend): false accounts those bursts would make are not estimated (docs/null.md, \
         \"What calibration cannot see\")"
            .to_string(),
    ];
    if short {
        notes.push("the data spans less than three days: the estimate is weak".to_string());
    }
    if done < runs {
        notes.push(format!("{} of {runs} placebo runs were made: detector state went to disk, and placebos are made in memory", done));
    }
    Ok(Calibration {
        runs: done,
        expected_false_accounts: flagged_total / n,
        expected_false_networks: networks_total / n,
        by_signal,
        method: "placebos of the input: every account's timeline moved by its own random offset within the data's span; the scan's \
                 detectors and network stage run on each; pairs whose offsets landed within twice the widest window of each other, and \
                 pairs whose real actions meet on at least three keys at the placebo's lag or at lag 0 and on three times as many as \
                 at lags one to three days away, set aside as coordinated; what is left flagged averaged"
            .to_string(),
        weak: short || done < runs || done == 0,
        notes,
    })
}

/// A day, milliseconds.
const DAY_MS: i64 = 86_400_000;

/// The lags, in whole days away from the placebo's, that a pair's evidence is compared with.
const COMPARISON_DAYS: [i64; 6] = [-3, -2, -1, 1, 2, 3];

/// At most this many events of one account on one key are compared (hot keys stay cheap).
const MAX_EVENTS_PER_KEY: usize = 64;

/// The real actions of the accounts a placebo found in significant pairs, to tell lagged
/// coordination from chance. Two accounts that act together at a fixed lag (copies posted
/// days later; or an input that is itself a placebo, whose day shifts turned coordination
/// into lags) meet again whenever a placebo's offsets undo that lag. Chance does not pick
/// one lag: what two accounts' habits make them share at the placebo's lag, they share at
/// lags whole days away too. So a pair whose real actions meet on at least three keys at
/// the placebo's lag, and on at least three times as many as at the six lags one to three
/// days away on average, is set aside as lagged coordination.
struct LagEvidence {
    /// Per account: (signal, key, time) of its events, sorted.
    by_account: HashMap<u32, Vec<(u8, u64, i64)>>,
    /// Each signal's co-action window, by the signal's position in `by_account`'s entries.
    windows: Vec<i64>,
}

impl LagEvidence {
    fn gather(input: &DetectInput, config: &ScanConfig, accounts: HashSet<u32>) -> LagEvidence {
        let mut by_account: HashMap<u32, Vec<(u8, u64, i64)>> = HashMap::new();
        let mut windows = Vec::new();
        for spec in config.detect.enabled_behavioural() {
            let Some(events) = input.events(spec.signal()).and_then(|log| log.events()) else { continue };
            let index = windows.len() as u8;
            windows.push(config.detect.windows(spec.signal()).window_ms);
            for e in events.iter().filter(|e| accounts.contains(&e.account)) {
                by_account.entry(e.account).or_default().push((index, e.key, e.time));
            }
        }
        for events in by_account.values_mut() {
            events.sort_unstable();
        }
        LagEvidence { by_account, windows }
    }

    /// Keys on which `a` and `b` meet at `lag` (b acting `lag` after a, within a window,
    /// wrapping in `span`), then at each of the comparison lags but the real alignment
    /// (lag 0, which a placebo's lag a few days from it would otherwise compare with).
    fn counts(&self, a: u32, b: u32, lag: i64, span: i64) -> (u32, Vec<u32>) {
        let at = |l: i64| self.keys_met(a, b, l.rem_euclid(span), span);
        let widest = self.windows.iter().copied().max().unwrap_or(0);
        let near_zero = |l: i64| {
            let d = l.rem_euclid(span);
            d.min(span - d) <= 2 * widest
        };
        let real_alignment = |l: i64| near_zero(l) && !near_zero(lag);
        (at(lag), COMPARISON_DAYS.iter().map(|d| lag + d * DAY_MS).filter(|&l| !real_alignment(l)).map(at).collect())
    }

    /// Whether the pair's evidence stands out at `lag` (see [`LagEvidence`]).
    fn stands_out(&self, a: u32, b: u32, lag: i64, span: i64) -> bool {
        let (here, elsewhere) = self.counts(a, b, lag, span);
        let mean = f64::from(elsewhere.iter().sum::<u32>()) / elsewhere.len().max(1) as f64;
        here >= 3 && f64::from(here) >= 3.0 * mean.max(1.0)
    }

    /// Whether the pair is set aside: its real actions stand out at the placebo's lag
    /// (lagged coordination lined up again) or at lag 0 (coordination in the real data,
    /// whose habits are not what the placebo found at another lag).
    fn locked(&self, a: u32, b: u32, lag: i64, span: i64) -> bool {
        self.stands_out(a, b, lag, span) || self.stands_out(a, b, 0, span)
    }

    fn keys_met(&self, a: u32, b: u32, lag: i64, span: i64) -> u32 {
        let (Some(ea), Some(eb)) = (self.by_account.get(&a), self.by_account.get(&b)) else { return 0 };
        let mut met = 0;
        let mut j = 0;
        for group in ea.chunk_by(|x, y| x.0 == y.0 && x.1 == y.1) {
            let (signal, key) = (group[0].0, group[0].1);
            while j < eb.len() && (eb[j].0, eb[j].1) < (signal, key) {
                j += 1;
            }
            let end = eb[j..].iter().position(|e| (e.0, e.1) != (signal, key)).map_or(eb.len(), |n| j + n);
            let window = self.windows.get(signal as usize).copied().unwrap_or(0);
            let close = |ta: i64, tb: i64| {
                let d = (tb - ta - lag).rem_euclid(span);
                d.min(span - d) <= window
            };
            let theirs = &eb[j..end];
            if group.iter().take(MAX_EVENTS_PER_KEY).any(|x| theirs.iter().take(MAX_EVENTS_PER_KEY).any(|y| close(x.2, y.2))) {
                met += 1;
            }
            j = end;
        }
        met
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;
    const SPAN: i64 = 14 * DAY_MS;

    /// Evidence of accounts 0 and 1 on co_post-like keys with a one-hour window.
    fn evidence(a: Vec<(u64, i64)>, b: Vec<(u64, i64)>) -> LagEvidence {
        let mut by_account = HashMap::new();
        for (account, events) in [(0u32, a), (1u32, b)] {
            let mut e: Vec<(u8, u64, i64)> = events.into_iter().map(|(k, t)| (0, k, t)).collect();
            e.sort_unstable();
            by_account.insert(account, e);
        }
        LagEvidence { by_account, windows: vec![HOUR] }
    }

    #[test]
    fn copies_posted_two_days_later_are_lagged_coordination() {
        // b posts each of a's ten texts two days later, a few minutes off.
        let a: Vec<(u64, i64)> = (0..10).map(|k| (k, k as i64 * 7 * HOUR)).collect();
        let b = a.iter().map(|&(k, t)| (k, t + 2 * DAY_MS + 5 * 60_000)).collect();
        let e = evidence(a, b);
        assert_eq!(e.counts(0, 1, 2 * DAY_MS, SPAN).0, 10);
        assert!(e.locked(0, 1, 2 * DAY_MS, SPAN));
        // At a lag where they do not meet, nothing stands out (and lag 0 does not either).
        assert!(!e.locked(0, 1, 5 * DAY_MS, SPAN));
    }

    #[test]
    fn a_shared_daily_habit_is_chance_at_any_lag() {
        // Both post the same three hashtags every morning at nine, give or take minutes.
        let day = |d: i64, k: u64, m: i64| (k, d * DAY_MS + 9 * HOUR + m * 60_000);
        let a = (0..14).flat_map(|d| (0..3).map(move |k| day(d, k, 0))).collect();
        let b = (0..14).flat_map(|d| (0..3).map(move |k| day(d, k, 20))).collect();
        let e = evidence(a, b);
        let (here, elsewhere) = e.counts(0, 1, 3 * DAY_MS, SPAN);
        assert_eq!(here, 3);
        assert!(elsewhere.iter().all(|&n| n == 3), "{elsewhere:?}");
        assert!(!e.locked(0, 1, 3 * DAY_MS, SPAN));
    }

    #[test]
    fn coordination_at_lag_zero_is_set_aside_wherever_the_placebo_met_it() {
        // Twenty texts within minutes of each other, plus one habit key met every day.
        let mut a: Vec<(u64, i64)> = (0..20).map(|k| (k, k as i64 * 5 * HOUR)).collect();
        let mut b: Vec<(u64, i64)> = a.iter().map(|&(k, t)| (k, t + 3 * 60_000)).collect();
        for d in 0..14 {
            a.push((99, d * DAY_MS + 8 * HOUR));
            b.push((99, d * DAY_MS + 8 * HOUR + 600_000));
        }
        let e = evidence(a, b);
        // The comparison lags skip the real alignment: a placebo lag of one day is not
        // compared with lag 0.
        let (_, elsewhere) = e.counts(0, 1, DAY_MS, SPAN);
        assert_eq!(elsewhere.len(), 5);
        assert!(e.locked(0, 1, DAY_MS, SPAN));
    }
}
