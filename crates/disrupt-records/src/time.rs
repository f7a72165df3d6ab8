//! Times: RFC 3339 strings, integer or fractional Unix seconds, and zone-less
//! local times read in a configured zone. Internally a time is milliseconds since
//! the Unix epoch, which keeps sub-second order from float epochs in real exports.

use chrono::{DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike, Utc};

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Timestamp = i64;

/// How times that carry no zone are read (`--timezone`).
/// Why a time or a time zone could not be read; the message says what was given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TimeError(pub String);

/// The zone of times written without one (UTC unless a scan says otherwise): a fixed
/// offset, or an IANA zone with its daylight-saving rules (`Europe/Berlin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeZoneSetting {
    /// Seconds east of UTC.
    Fixed(i32),
    /// A zone of the IANA database (through `chrono-tz`).
    Named(chrono_tz::Tz),
}

impl Default for TimeZoneSetting {
    fn default() -> Self {
        TimeZoneSetting::Fixed(0)
    }
}

impl TimeZoneSetting {
    /// Parses `UTC`, `Z`, `+08:00`, `-0800`, `+8`, or an IANA zone name (`Europe/Berlin`,
    /// any case).
    pub fn parse(text: &str) -> Result<Self, TimeError> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("utc") || t == "Z" || t.eq_ignore_ascii_case("gmt") {
            return Ok(Self::default());
        }
        let expected =
            || TimeError(format!("time zone `{text}`: expected UTC, an offset such as +08:00, or an IANA zone such as Europe/Berlin"));
        let (sign, rest) = match t.as_bytes().first() {
            Some(b'+') => (1, &t[1..]),
            Some(b'-') => (-1, &t[1..]),
            _ => return chrono_tz::Tz::from_str_insensitive(t).map(TimeZoneSetting::Named).map_err(|_| expected()),
        };
        let digits: String = rest.chars().filter(|c| *c != ':').collect();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 4 {
            return Err(expected());
        }
        let (hours, minutes) = if digits.len() <= 2 {
            (digits.parse::<i32>().unwrap_or(0), 0)
        } else {
            let split = digits.len() - 2;
            (digits[..split].parse::<i32>().unwrap_or(0), digits[split..].parse::<i32>().unwrap_or(0))
        };
        if hours > 14 || minutes > 59 {
            return Err(TimeError(format!("time zone `{text}`: offset out of range")));
        }
        Ok(TimeZoneSetting::Fixed(sign * (hours * 3600 + minutes * 60)))
    }

    /// The zone `offset` seconds east of UTC.
    pub fn from_offset_seconds(offset: i32) -> Self {
        TimeZoneSetting::Fixed(offset)
    }

    /// How settings write it back: `UTC`, `+08:00`, or the zone's name.
    pub fn name(&self) -> String {
        match self {
            TimeZoneSetting::Fixed(0) => "UTC".into(),
            TimeZoneSetting::Fixed(s) => {
                let sign = if *s < 0 { '-' } else { '+' };
                let a = s.unsigned_abs();
                format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
            }
            TimeZoneSetting::Named(tz) => tz.name().to_string(),
        }
    }

    /// The UTC time of a local time in this zone. In a named zone, a time the clocks
    /// skip (the spring-forward gap) is read with the offset before the change, and a time
    /// they repeat (the fall-back hour) as its first occurrence.
    fn to_utc_ms(self, naive: NaiveDateTime) -> Result<Timestamp, TimeError> {
        let fixed = |offset: i32| {
            FixedOffset::east_opt(offset)
                .and_then(|o| o.from_local_datetime(&naive).single())
                .map(|dt| dt.timestamp_millis())
                .ok_or_else(|| TimeError("local time out of range".into()))
        };
        match self {
            TimeZoneSetting::Fixed(offset) => fixed(offset),
            TimeZoneSetting::Named(tz) => match tz.from_local_datetime(&naive) {
                LocalResult::Single(dt) => Ok(dt.timestamp_millis()),
                LocalResult::Ambiguous(first, _) => Ok(first.timestamp_millis()),
                LocalResult::None => {
                    // No gap is longer than a day: the offset a day before is the one before it.
                    let before = naive - chrono::Duration::days(1);
                    match tz.offset_from_local_datetime(&before).earliest() {
                        Some(offset) => fixed(offset.fix().local_minus_utc()),
                        None => Err(TimeError("local time out of range".into())),
                    }
                }
            },
        }
    }
}

/// Seconds far outside any plausible record (year 1 to 9999) are refused rather than
/// silently wrapped.
const MIN_SECONDS: i64 = -62_135_596_800;
const MAX_SECONDS: i64 = 253_402_300_799;

fn seconds_to_ms(seconds: f64) -> Option<Timestamp> {
    if !seconds.is_finite() || seconds < MIN_SECONDS as f64 || seconds > MAX_SECONDS as f64 {
        return None;
    }
    Some((seconds * 1000.0).round() as i64)
}

/// Parses a time written as text: RFC 3339 (any offset), `YYYY-MM-DD HH:MM[:SS[.f]]`
/// with or without `T`, a bare date, or Unix seconds (integer or fractional; integers from
/// 10^11 on are milliseconds).
pub fn parse_time_str(text: &str, zone: TimeZoneSetting) -> Result<Timestamp, TimeError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(TimeError("empty time".into()));
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.timestamp_millis());
    }
    if t.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'e' || b == b'E' || b == b'+')
        && t.bytes().any(|b| b.is_ascii_digit())
        && !t.contains("--")
        && t.matches('-').count() <= 1
    {
        if let Ok(i) = t.parse::<i64>() {
            return epoch_integer_to_ms(i);
        }
        if let Ok(v) = t.parse::<f64>() {
            return seconds_to_ms(v).ok_or_else(|| TimeError(format!("time `{t}` is out of range")));
        }
    }
    // Offsets without a colon (`+0000`) and a space instead of `T` occur in exports.
    for format in
        ["%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M%z", "%a %b %d %H:%M:%S %z %Y", "%a, %d %b %Y %H:%M:%S %z"]
    {
        if let Ok(dt) = DateTime::parse_from_str(t, format) {
            return Ok(dt.timestamp_millis());
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%Y %H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(t, format) {
            return zone.to_utc_ms(naive);
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let naive = date.and_hms_opt(0, 0, 0).ok_or_else(|| TimeError("invalid date".into()))?;
        return zone.to_utc_ms(naive);
    }
    Err(TimeError(format!("`{}` is not an RFC 3339 time or Unix seconds", excerpt(t))))
}

/// Unix milliseconds from 10^11 on: as seconds that would be past the year 5000, which no
/// record is, while milliseconds from 1973 on start there (JavaScript's `Date.now()`,
/// Kafka and many exports write them).
const MIN_EPOCH_MS: i64 = 100_000_000_000;
/// Past 10^14 an integer is microseconds or nanoseconds, which are refused with a hint
/// rather than guessed.
const MAX_EPOCH_MS: i64 = 100_000_000_000_000;

/// An integer epoch: Unix seconds, or Unix milliseconds when it is too large to be seconds
/// of any record (see [`MIN_EPOCH_MS`]).
fn epoch_integer_to_ms(i: i64) -> Result<Timestamp, TimeError> {
    let magnitude = i.unsigned_abs();
    if magnitude >= MAX_EPOCH_MS as u64 {
        return Err(TimeError(format!(
            "time {i} is out of range: as seconds or milliseconds it is past the year 5000; microseconds or nanoseconds \
             must be divided down to seconds or milliseconds first"
        )));
    }
    if magnitude >= MIN_EPOCH_MS as u64 {
        return Ok(i);
    }
    if !(MIN_SECONDS..=MAX_SECONDS).contains(&i) {
        return Err(TimeError(format!("time {i} is out of range")));
    }
    Ok(i * 1000)
}

/// Parses a JSON time value: a string, or an integer or fractional Unix epoch (seconds;
/// integers from 10^11 on are milliseconds).
pub fn parse_time_value(value: &serde_json::Value, zone: TimeZoneSetting) -> Result<Timestamp, TimeError> {
    match value {
        serde_json::Value::String(s) => parse_time_str(s, zone),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                epoch_integer_to_ms(i)
            } else if let Some(f) = n.as_f64() {
                seconds_to_ms(f).ok_or_else(|| TimeError(format!("time {f} is out of range")))
            } else {
                Err(TimeError("time is not a number".into()))
            }
        }
        other => Err(TimeError(format!("expected an RFC 3339 time or Unix seconds, got {}", json_type(other)))),
    }
}

/// Formats milliseconds as RFC 3339 UTC (`2026-02-03T10:15:00Z`, with milliseconds only when non-zero).
pub fn format_rfc3339(ms: Timestamp) -> String {
    match Utc.timestamp_millis_opt(ms).single() {
        // Written digit by digit: outputs print two times a row for every edge, and
        // chrono's `format` parses its pattern on every call.
        Some(dt) if (0..=9999).contains(&dt.year()) => {
            let mut out = String::with_capacity(24);
            push_digits(&mut out, dt.year() as u32, 4);
            for (separator, value) in [('-', dt.month()), ('-', dt.day()), ('T', dt.hour()), (':', dt.minute()), (':', dt.second())] {
                out.push(separator);
                push_digits(&mut out, value, 2);
            }
            let millis = ms.rem_euclid(1000) as u32;
            if millis != 0 {
                out.push('.');
                push_digits(&mut out, millis, 3);
            }
            out.push('Z');
            out
        }
        Some(dt) => format_with_chrono(dt, ms),
        None => ms.to_string(),
    }
}

/// The same form through chrono's pattern: for years the digit-by-digit path does not cover.
fn format_with_chrono(dt: DateTime<Utc>, ms: Timestamp) -> String {
    if ms.rem_euclid(1000) == 0 {
        dt.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    }
}

/// Appends `value`'s last `width` decimal digits, zero-padded.
fn push_digits(out: &mut String, value: u32, width: u32) {
    for place in (0..width).rev() {
        out.push(char::from(b'0' + (value / 10u32.pow(place) % 10) as u8));
    }
}

pub(crate) fn json_type(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

pub(crate) fn excerpt(s: &str) -> String {
    if s.chars().count() <= 60 {
        s.to_string()
    } else {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_chrono(ms: Timestamp) -> String {
        format_with_chrono(Utc.timestamp_millis_opt(ms).single().unwrap(), ms)
    }

    proptest::proptest! {
        #[test]
        fn formatting_agrees_with_chronos_pattern(ms in -62_167_219_200_000i64..400_000_000_000_000i64, whole in proptest::bool::ANY) {
            // Years 0 to beyond 9999 (the fast path's edge), whole seconds and not.
            let ms = if whole { ms - ms.rem_euclid(1000) } else { ms };
            proptest::prop_assert_eq!(format_rfc3339(ms), by_chrono(ms));
        }
    }

    #[test]
    fn epochs_in_milliseconds_are_recognised_and_finer_ones_refused_with_a_hint() {
        let utc = TimeZoneSetting::default();
        // 2021-08-22T00:03:56Z, in seconds and in milliseconds, as numbers and as text.
        for value in [serde_json::json!(1_629_590_636), serde_json::json!(1_629_590_636_000i64)] {
            assert_eq!(parse_time_value(&value, utc).unwrap(), 1_629_590_636_000);
        }
        assert_eq!(parse_time_str("1629590636123", utc).unwrap(), 1_629_590_636_123);
        assert_eq!(parse_time_str("1629590636", utc).unwrap(), 1_629_590_636_000);
        let micro = parse_time_value(&serde_json::json!(1_629_590_636_000_000i64), utc).unwrap_err();
        assert!(micro.0.contains("microseconds"), "{}", micro.0);
        // Seconds up to the year 5000 stay seconds.
        assert_eq!(parse_time_value(&serde_json::json!(99_999_999_999i64), utc).unwrap(), 99_999_999_999_000);
    }

    #[test]
    fn formats_edges_of_the_fast_path() {
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(format_rfc3339(1_770_113_700_007), "2026-02-03T10:15:00.007Z");
        assert_eq!(format_rfc3339(253_402_300_800_000), by_chrono(253_402_300_800_000));
    }

    #[test]
    fn parses_the_forms_real_exports_use() {
        let utc = TimeZoneSetting::default();
        assert_eq!(parse_time_str("2026-02-03T10:15:00Z", utc).unwrap(), 1_770_113_700_000);
        assert_eq!(parse_time_str("2026-02-03T12:15:00+02:00", utc).unwrap(), 1_770_113_700_000);
        assert_eq!(parse_time_str("1770113700", utc).unwrap(), 1_770_113_700_000);
        assert_eq!(parse_time_str("1606451170.518101", utc).unwrap(), 1_606_451_170_518);
        assert_eq!(parse_time_str("2017-06-22 16:03", utc).unwrap(), parse_time_str("2017-06-22T16:03:00Z", utc).unwrap());
        assert_eq!(parse_time_str("2015-02-24 11:35:52 -0800", utc).unwrap(), parse_time_str("2015-02-24T19:35:52Z", utc).unwrap());
        assert!(parse_time_str("yesterday", utc).is_err());
        assert!(parse_time_str("1e300", utc).is_err());
    }

    #[test]
    fn zone_less_times_follow_the_setting() {
        let pst = TimeZoneSetting::parse("-08:00").unwrap();
        assert_eq!(
            parse_time_str("2015-02-24 11:53", pst).unwrap(),
            parse_time_str("2015-02-24T19:53:00Z", TimeZoneSetting::default()).unwrap()
        );
        assert_eq!(TimeZoneSetting::parse("+0530").unwrap(), TimeZoneSetting::Fixed(19800));
        assert_eq!(TimeZoneSetting::parse("+0530").unwrap().name(), "+05:30");
        assert_eq!(TimeZoneSetting::parse("-8").unwrap().name(), "-08:00");
        assert!(TimeZoneSetting::parse("Mars/Olympus").unwrap_err().to_string().contains("IANA"));
    }

    #[test]
    fn iana_zones_follow_daylight_saving() {
        let berlin = TimeZoneSetting::parse("europe/berlin").unwrap();
        assert_eq!(berlin.name(), "Europe/Berlin");
        let utc = |t: &str| parse_time_str(t, TimeZoneSetting::default()).unwrap();
        let local = |t: &str| parse_time_str(t, berlin).unwrap();
        assert_eq!(local("2026-01-15 12:00"), utc("2026-01-15T11:00:00Z"), "winter: UTC+1");
        assert_eq!(local("2026-07-01 12:00:00"), utc("2026-07-01T10:00:00Z"), "summer: UTC+2");
        // 29 March 2026: clocks skip 02:00-03:00. A skipped time takes the offset before.
        assert_eq!(local("2026-03-29 02:30"), utc("2026-03-29T01:30:00Z"));
        // 25 October 2026: clocks repeat 02:00-03:00. The first occurrence (still UTC+2).
        assert_eq!(local("2026-10-25 02:30"), utc("2026-10-25T00:30:00Z"));
        // Times that carry their own offset ignore the setting.
        assert_eq!(local("2026-07-01T12:00:00Z"), utc("2026-07-01T12:00:00Z"));
        let new_york = TimeZoneSetting::parse("America/New_York").unwrap();
        assert_eq!(parse_time_str("2026-07-04 09:00", new_york).unwrap(), utc("2026-07-04T13:00:00Z"));
    }

    #[test]
    fn arbitrary_text_never_panics() {
        for s in ["", "-", "1e", "--1", "9999999999999999999999", "2026-13-45T99:99:99Z", "+", "NaN", "inf", "-1e308", "２０２６"] {
            let _ = parse_time_str(s, TimeZoneSetting::default());
        }
        for v in [serde_json::json!(i64::MAX), serde_json::json!(-1e308), serde_json::json!(u64::MAX), serde_json::json!(null)] {
            let _ = parse_time_value(&v, TimeZoneSetting::default());
        }
    }

    #[test]
    fn formats_round_trip() {
        assert_eq!(format_rfc3339(1_770_113_700_000), "2026-02-03T10:15:00Z");
        assert_eq!(format_rfc3339(1_606_451_170_518), "2020-11-27T04:26:10.518Z");
    }
}
