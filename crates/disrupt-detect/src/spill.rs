//! Detector state that outgrows memory moves to disk.
//!
//! Two things grow with the input: each signal's keyed events (near-duplicates alone make
//! 21 a post) and the posts' word hashes that confirm near-duplicates. Events are held in
//! memory until a budget is reached; past it they are written to key-partitioned files
//! (a partition holds every event of its keys, so each is scanned on its own, exactly as a
//! consumer of a key-partitioned log would), and only one partition is loaded at a time.
//! Word hashes go to a file that is mapped into memory, so the operating system keeps in
//! RAM only the pages the near-duplicate check touches.
//!
//! The co-actions the scan finds grow with the data too (millions of organic account pairs
//! share one hashtag once), and every one must be counted for the multiple-testing
//! correction. When events are on disk, so are they: each matched post pair goes to a file
//! chosen by its account pair ([`PairSpill`]), so one file holds every co-action of its
//! account pairs, over every signal, and candidates are picked one file at a time.

use crate::pairs::{account_pair_key, PostPair};
use crate::window::{CoActionState, KeyedEvent};
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

const EVENT_BYTES: usize = 24;

fn encode(e: &KeyedEvent, out: &mut [u8; EVENT_BYTES]) {
    out[0..8].copy_from_slice(&e.key.to_le_bytes());
    out[8..16].copy_from_slice(&e.time.to_le_bytes());
    out[16..20].copy_from_slice(&e.account.to_le_bytes());
    out[20..24].copy_from_slice(&e.post.to_le_bytes());
}

fn decode(b: &[u8]) -> KeyedEvent {
    let u64_at = |i: usize| u64::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7]]);
    let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    KeyedEvent { key: u64_at(0), time: u64_at(8) as i64, account: u32_at(16), post: u32_at(20) }
}

/// The partition of a key: the same hash as [`CoActionState::partition_by_key`].
pub fn key_partition(key: u64, parts: usize) -> usize {
    (xxhash_rust::xxh3::xxh3_64(&key.to_le_bytes()) % parts.max(1) as u64) as usize
}

fn temp_file(dir: Option<&Path>) -> io::Result<File> {
    match dir {
        Some(d) => tempfile::tempfile_in(d),
        None => tempfile::tempfile(),
    }
}

struct Part {
    writer: BufWriter<File>,
    events: usize,
}

/// One signal's events, in memory or in key-partitioned temporary files.
pub enum EventLog {
    /// Held in memory.
    Memory(Vec<KeyedEvent>),
    /// Finished, in one file per key partition.
    Spilled(Vec<PartFile>),
    /// Being written, one writer per key partition.
    Writing(Vec<PartWriter>),
}

/// A finished partition file.
pub struct PartFile {
    file: File,
    events: usize,
}

/// A partition file being written.
pub struct PartWriter(Part);

impl Default for EventLog {
    fn default() -> Self {
        EventLog::Memory(Vec::new())
    }
}

impl EventLog {
    /// Events held.
    pub fn len(&self) -> usize {
        match self {
            EventLog::Memory(v) => v.len(),
            EventLog::Spilled(p) => p.iter().map(|p| p.events).sum(),
            EventLog::Writing(p) => p.iter().map(|p| p.0.events).sum(),
        }
    }

    /// Whether no event is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the events are in files.
    pub fn on_disk(&self) -> bool {
        !matches!(self, EventLog::Memory(_))
    }

    /// Bytes held in memory.
    pub fn memory_bytes(&self) -> usize {
        match self {
            EventLog::Memory(v) => v.capacity() * std::mem::size_of::<KeyedEvent>(),
            _ => 0,
        }
    }

    /// Moves the events to `parts` partition files; later events follow them there.
    pub fn spill(&mut self, parts: usize, dir: Option<&Path>) -> io::Result<()> {
        let EventLog::Memory(events) = self else { return Ok(()) };
        let events = std::mem::take(events);
        let mut writers = Vec::with_capacity(parts);
        for _ in 0..parts.max(1) {
            writers.push(PartWriter(Part { writer: BufWriter::with_capacity(64 << 10, temp_file(dir)?), events: 0 }));
        }
        *self = EventLog::Writing(writers);
        self.extend(events)
    }

    /// Appends the events `make` pushes: in memory straight onto the log, so they are not
    /// copied from a batch of their own.
    pub fn append_with(&mut self, make: impl FnOnce(&mut Vec<KeyedEvent>)) -> io::Result<()> {
        match self {
            EventLog::Memory(v) => {
                make(v);
                Ok(())
            }
            _ => {
                let mut events = Vec::new();
                make(&mut events);
                self.extend(events)
            }
        }
    }

    /// Appends events, to memory or to their partitions' files.
    pub fn extend(&mut self, events: impl IntoIterator<Item = KeyedEvent>) -> io::Result<()> {
        match self {
            EventLog::Memory(v) => v.extend(events),
            EventLog::Writing(parts) => {
                let n = parts.len();
                let mut buf = [0u8; EVENT_BYTES];
                for e in events {
                    let part = &mut parts[key_partition(e.key, n)].0;
                    encode(&e, &mut buf);
                    part.writer.write_all(&buf)?;
                    part.events += 1;
                }
            }
            EventLog::Spilled(_) => return Err(io::Error::other("event log is finished")),
        }
        Ok(())
    }

    /// Ends writing.
    pub fn finish(&mut self) -> io::Result<()> {
        if let EventLog::Writing(parts) = self {
            let mut files = Vec::with_capacity(parts.len());
            for PartWriter(part) in std::mem::take(parts) {
                files.push(PartFile { file: part.writer.into_inner().map_err(|e| e.into_error())?, events: part.events });
            }
            *self = EventLog::Spilled(files);
        }
        Ok(())
    }

    /// Partition files, when spilled.
    pub fn parts(&self) -> Option<&[PartFile]> {
        match self {
            EventLog::Spilled(p) => Some(p),
            _ => None,
        }
    }

    /// The in-memory events, when not spilled.
    pub fn events(&self) -> Option<&[KeyedEvent]> {
        match self {
            EventLog::Memory(v) => Some(v),
            _ => None,
        }
    }
}

impl PartFile {
    /// Reads the partition back into `state`, replacing what it held but keeping its
    /// allocation: partitions are read one after another, and a fresh buffer for each had
    /// the kernel zero new pages for every one (a tenth of the samples at ten million posts).
    pub fn load_into(&self, state: &mut CoActionState) -> io::Result<()> {
        use std::io::Seek;
        let mut file = self.file.try_clone()?;
        file.seek(io::SeekFrom::Start(0))?;
        let events = state.refill();
        events.reserve(self.events);
        let mut buf = vec![0u8; EVENT_BYTES * 4096];
        let mut left = self.events;
        while left > 0 {
            let n = left.min(4096);
            file.read_exact(&mut buf[..n * EVENT_BYTES])?;
            events.extend(buf[..n * EVENT_BYTES].chunks_exact(EVENT_BYTES).map(decode));
            left -= n;
        }
        Ok(())
    }
}

const PAIR_BYTES: usize = 24;

/// Matched post pairs of every signal, written to files by account pair.
pub struct PairSpill {
    parts: Vec<Part>,
}

/// One finished file of [`PairSpill`]: every matched post pair of its account pairs.
pub struct PairPart {
    file: File,
    pairs: usize,
}

impl PairSpill {
    /// A spill of `parts` account-pair partitions in `dir` (the system's temporary folder when `None`).
    pub fn new(parts: usize, dir: Option<&Path>) -> io::Result<Self> {
        let parts = (0..parts.max(1))
            .map(|_| Ok(Part { writer: BufWriter::with_capacity(64 << 10, temp_file(dir)?), events: 0 }))
            .collect::<io::Result<_>>()?;
        Ok(PairSpill { parts })
    }

    /// Account-pair partitions.
    pub fn partitions(&self) -> usize {
        self.parts.len()
    }

    /// Appends one signal's post pairs; `account_of` gives a post's account.
    pub fn write(&mut self, signal: u32, pairs: &[PostPair], account_of: impl Fn(u32) -> u32) -> io::Result<()> {
        let n = self.parts.len();
        let mut buf = [0u8; PAIR_BYTES];
        for p in pairs {
            let part = &mut self.parts[key_partition(account_pair_key(account_of(p.a), account_of(p.b)), n)];
            buf[0..4].copy_from_slice(&signal.to_le_bytes());
            buf[4..8].copy_from_slice(&p.a.to_le_bytes());
            buf[8..12].copy_from_slice(&p.b.to_le_bytes());
            buf[12..16].copy_from_slice(&p.key_accounts.to_le_bytes());
            buf[16..24].copy_from_slice(&p.unit.to_le_bytes());
            part.writer.write_all(&buf)?;
            part.events += 1;
        }
        Ok(())
    }

    /// The finished partition files.
    pub fn finish(self) -> io::Result<Vec<PairPart>> {
        self.parts
            .into_iter()
            .map(|part| Ok(PairPart { file: part.writer.into_inner().map_err(|e| e.into_error())?, pairs: part.events }))
            .collect()
    }
}

impl PairPart {
    /// The file's post pairs, as (signal, pair), in the order written.
    pub fn load(&self) -> io::Result<Vec<(u32, PostPair)>> {
        use std::io::Seek;
        let mut file = self.file.try_clone()?;
        file.seek(io::SeekFrom::Start(0))?;
        let mut bytes = Vec::with_capacity(self.pairs * PAIR_BYTES);
        file.read_to_end(&mut bytes)?;
        if bytes.len() != self.pairs * PAIR_BYTES {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "pair spill file is shorter than written"));
        }
        let u32_at = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let u64_at = |b: &[u8], i: usize| u64::from(u32_at(b, i)) | u64::from(u32_at(b, i + 4)) << 32;
        Ok(bytes
            .chunks_exact(PAIR_BYTES)
            .map(|b| (u32_at(b, 0), PostPair { a: u32_at(b, 4), b: u32_at(b, 8), key_accounts: u32_at(b, 12), unit: u64_at(b, 16) }))
            .collect())
    }
}

/// 32-bit words appended end to end: in memory, or in a temporary file that is mapped
/// into memory once written, so the operating system keeps in RAM only the pages read.
pub struct WordFile {
    data: WordData,
    dir: Option<PathBuf>,
}

enum WordData {
    Memory(Vec<u32>),
    Writing(BufWriter<File>),
    Mapped(memmap2::Mmap),
    /// A mapped file of no bytes cannot be made on every platform.
    Empty,
}

impl WordFile {
    /// An empty store whose files go to `dir` (the system's temporary folder when `None`).
    pub fn new(dir: Option<PathBuf>) -> Self {
        WordFile { data: WordData::Memory(Vec::new()), dir }
    }

    /// Appends the words of one post.
    pub fn push(&mut self, words: &[u32]) -> io::Result<()> {
        match &mut self.data {
            WordData::Memory(v) => v.extend_from_slice(words),
            WordData::Writing(w) => {
                // Native byte order: the mapped file is read back as words by this process.
                for t in words {
                    w.write_all(&t.to_ne_bytes())?;
                }
            }
            _ => return Err(io::Error::other("word file is finished")),
        }
        Ok(())
    }

    /// Bytes held in memory.
    pub fn memory_bytes(&self) -> usize {
        match &self.data {
            WordData::Memory(v) => v.capacity() * 4,
            _ => 0,
        }
    }

    /// Moves the words written so far to a temporary file; later ones follow.
    pub fn spill(&mut self) -> io::Result<()> {
        if let WordData::Memory(v) = &mut self.data {
            let v = std::mem::take(v);
            let mut w = BufWriter::with_capacity(1 << 20, temp_file(self.dir.as_deref())?);
            for t in v {
                w.write_all(&t.to_ne_bytes())?;
            }
            self.data = WordData::Writing(w);
        }
        Ok(())
    }

    /// Ends writing; the words are then read (mapped from the file when spilled).
    pub fn finish(&mut self) -> io::Result<()> {
        if let WordData::Writing(_) = &self.data {
            let WordData::Writing(w) = std::mem::replace(&mut self.data, WordData::Empty) else { unreachable!() };
            let file = w.into_inner().map_err(|e| e.into_error())?;
            if file.metadata()?.len() > 0 {
                // SAFETY: the file is an unnamed temporary file this process created and no
                // longer writes, so nothing changes it while it is mapped.
                self.data = WordData::Mapped(unsafe { memmap2::Mmap::map(&file)? });
            }
        }
        Ok(())
    }

    /// Whether the words are in a file.
    pub fn on_disk(&self) -> bool {
        !matches!(self.data, WordData::Memory(_))
    }

    /// Words `start..end` (empty when out of range or not finished).
    pub fn range(&self, start: usize, end: usize) -> &[u32] {
        match &self.data {
            WordData::Memory(v) => v.get(start..end).unwrap_or(&[]),
            WordData::Mapped(m) => {
                let Some(bytes) = m.get(start * 4..end * 4) else { return &[] };
                // SAFETY: a u32 has no invalid bit patterns; the map starts on a page
                // boundary and every range starts at a multiple of 4 bytes, and `align_to`
                // checks it (a misaligned head would be non-empty).
                let (head, words, _) = unsafe { bytes.align_to::<u32>() };
                if head.is_empty() {
                    words
                } else {
                    &[]
                }
            }
            _ => &[],
        }
    }
}

/// Every post's sorted word hashes, end to end, with each post's start.
pub struct TokenColumn {
    offsets: Vec<u64>,
    words: WordFile,
}

impl std::fmt::Debug for TokenColumn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenColumn").field("posts", &(self.offsets.len() - 1)).field("on_disk", &self.on_disk()).finish()
    }
}

impl Default for TokenColumn {
    fn default() -> Self {
        TokenColumn::new(None)
    }
}

impl TokenColumn {
    /// An empty column whose file goes to `dir`.
    pub fn new(dir: Option<PathBuf>) -> Self {
        TokenColumn { offsets: vec![0], words: WordFile::new(dir) }
    }

    /// Appends the word hashes of the next post.
    pub fn push(&mut self, tokens: &[u32]) -> io::Result<()> {
        self.words.push(tokens)?;
        let end = self.offsets.last().copied().unwrap_or(0) + tokens.len() as u64;
        self.offsets.push(end);
        Ok(())
    }

    /// Bytes held in memory.
    pub fn memory_bytes(&self) -> usize {
        self.words.memory_bytes()
    }

    /// Moves the hashes written so far to a temporary file; later ones follow.
    pub fn spill(&mut self) -> io::Result<()> {
        self.words.spill()
    }

    /// Ends writing.
    pub fn finish(&mut self) -> io::Result<()> {
        self.words.finish()
    }

    /// Whether the column is in a file.
    pub fn on_disk(&self) -> bool {
        self.words.on_disk()
    }

    /// A copy held in memory, when the column is (a spilled one is not copied).
    pub fn memory_copy(&self) -> Option<TokenColumn> {
        match &self.words.data {
            WordData::Memory(v) => Some(TokenColumn {
                offsets: self.offsets.clone(),
                words: WordFile { data: WordData::Memory(v.clone()), dir: self.words.dir.clone() },
            }),
            _ => None,
        }
    }

    /// Word hashes of one post.
    pub fn get(&self, post: u32) -> &[u32] {
        let i = post as usize;
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(s), Some(e)) => self.words.range(*s as usize, *e as usize),
            _ => &[],
        }
    }
}

/// Fixed-length records of `N` words per post (word-pair sketches), spillable like the
/// word hashes: they are read only after detection, by provenance matching.
pub struct FixedColumn<const N: usize> {
    words: WordFile,
}

impl<const N: usize> FixedColumn<N> {
    /// An empty column whose file goes to `dir`.
    pub fn new(dir: Option<PathBuf>) -> Self {
        FixedColumn { words: WordFile::new(dir) }
    }

    /// Appends the record of the next post.
    pub fn push(&mut self, record: &[u32; N]) -> io::Result<()> {
        self.words.push(record)
    }

    /// Bytes held in memory.
    pub fn memory_bytes(&self) -> usize {
        self.words.memory_bytes()
    }

    /// Moves what is held to the file (from now on every record goes there).
    pub fn spill(&mut self) -> io::Result<()> {
        self.words.spill()
    }

    /// Ends writing.
    pub fn finish(&mut self) -> io::Result<()> {
        self.words.finish()
    }

    /// Whether the column is in a file.
    pub fn on_disk(&self) -> bool {
        self.words.on_disk()
    }

    /// One post's record (empty when out of range).
    pub fn get(&self, post: u32) -> &[u32] {
        let start = post as usize * N;
        self.words.range(start, start + N)
    }
}

impl<const N: usize> Default for FixedColumn<N> {
    fn default() -> Self {
        FixedColumn::new(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(key: u64, post: u32) -> KeyedEvent {
        KeyedEvent { key, time: post as i64 * 1000 - 5, account: post % 3, post }
    }

    #[test]
    fn spilled_events_come_back_by_key_partition() {
        let events: Vec<KeyedEvent> = (0..1000).map(|i| ev(i as u64 % 37, i)).collect();
        let mut log = EventLog::default();
        log.extend(events[..400].iter().copied()).unwrap();
        log.spill(4, None).unwrap();
        log.extend(events[400..].iter().copied()).unwrap();
        log.finish().unwrap();
        assert_eq!(log.len(), 1000);
        let mut back = Vec::new();
        // One state reused for every partition, as detection reads them.
        let mut state = CoActionState::default();
        for (p, part) in log.parts().unwrap().iter().enumerate() {
            part.load_into(&mut state).unwrap();
            assert!(state.events().iter().all(|e| key_partition(e.key, 4) == p));
            back.extend(state.events().iter().copied());
        }
        back.sort();
        let mut want = events;
        want.sort();
        assert_eq!(back, want);
    }

    #[test]
    fn spilled_pairs_come_back_whole_and_grouped_by_account_pair() {
        let account_of = |post: u32| post % 7;
        let pairs: Vec<PostPair> = (0..500u32)
            .map(|i| PostPair::new(i, i * 3 + 1, i % 5, u64::from(i) << 33 | 7))
            .filter(|p| account_of(p.a) != account_of(p.b))
            .collect();
        let mut spill = PairSpill::new(5, None).unwrap();
        spill.write(0, &pairs[..200], account_of).unwrap();
        spill.write(3, &pairs[200..], account_of).unwrap();
        let parts = spill.finish().unwrap();
        let mut back = Vec::new();
        let mut part_of_account_pair = std::collections::HashMap::new();
        for (i, part) in parts.iter().enumerate() {
            for (signal, p) in part.load().unwrap() {
                let key = account_pair_key(account_of(p.a), account_of(p.b));
                // One account pair never spans two files.
                assert_eq!(*part_of_account_pair.entry(key).or_insert(i), i);
                back.push((signal, p));
            }
        }
        assert!(part_of_account_pair.values().collect::<std::collections::HashSet<_>>().len() > 1);
        back.sort();
        let mut want: Vec<(u32, PostPair)> = pairs[..200].iter().map(|p| (0, *p)).chain(pairs[200..].iter().map(|p| (3, *p))).collect();
        want.sort();
        assert_eq!(back, want);
    }

    #[test]
    fn fixed_records_read_the_same_from_memory_and_from_the_mapped_file() {
        for spill_at in [None, Some(0), Some(77)] {
            let mut col = FixedColumn::<3>::default();
            for i in 0..200u32 {
                if spill_at == Some(i) {
                    col.spill().unwrap();
                }
                col.push(&[i, i * 2, u32::MAX - i]).unwrap();
            }
            col.finish().unwrap();
            assert_eq!(col.on_disk(), spill_at.is_some());
            for i in 0..200u32 {
                assert_eq!(col.get(i), &[i, i * 2, u32::MAX - i]);
            }
            assert!(col.get(200).is_empty());
        }
    }

    #[test]
    fn tokens_read_the_same_from_memory_and_from_the_mapped_file() {
        let lists: Vec<Vec<u32>> = (0..300u32).map(|i| (0..i % 9).map(|k| k * 7 + i).collect()).collect();
        for spill_at in [None, Some(0), Some(150)] {
            let mut col = TokenColumn::default();
            for (i, l) in lists.iter().enumerate() {
                if spill_at == Some(i) {
                    col.spill().unwrap();
                }
                col.push(l).unwrap();
            }
            col.finish().unwrap();
            assert_eq!(col.on_disk(), spill_at.is_some());
            for (i, l) in lists.iter().enumerate() {
                assert_eq!(col.get(i as u32), l.as_slice());
            }
        }
    }
}
