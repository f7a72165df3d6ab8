//! The posts' evidence fields (id, text, links, hashtags, targets, language), held off the
//! heap.
//!
//! Detection needs only each post's account and time, which stay in memory as columns;
//! the rest is read back only for the few posts that end up as evidence. So the fields are
//! appended to a compact byte log that moves to an unnamed temporary file once it outgrows
//! a small in-memory buffer: a scan's resident memory then no longer grows with the text
//! of every post it reads.

pub use disrupt_model::Engagement;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

/// What networks need to know of a post (raw text for evidence, matching keys for naming
/// what was shared).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostInfo {
    /// Record id.
    pub id: String,
    /// Author (account number).
    pub account: u32,
    /// Time (Unix ms).
    pub time: i64,
    /// Text as read.
    pub text: String,
    /// Canonical links.
    pub urls: Vec<String>,
    /// Folded hashtags.
    pub hashtags: Vec<String>,
    /// Other shared items, as `type:value`.
    pub objects: Vec<String>,
    /// The post it reposts.
    pub repost_of: Option<String>,
    /// The post it replies to.
    pub reply_to: Option<String>,
    /// The post it quotes.
    pub quote_of: Option<String>,
    /// Language as given by the record, or detected for posts of flagged accounts.
    pub lang: Option<String>,
    /// Engagement when observed (views, likes, shares, comments).
    pub engagement: Engagement,
}

/// Where the records standing for generations sit in the post store: generation `g`'s
/// outputs are records `first + offsets[g] ..`, and a generation with no output (refused)
/// has one record of its own.
#[derive(Debug, Clone, Default)]
pub struct GenerationRecords {
    /// Store number of the first.
    pub first: u32,
    /// Each generation's first record, after `first`, then the total.
    pub offsets: Vec<u32>,
}

impl GenerationRecords {
    /// The layout for generations with these numbers of outputs, from store record `first` on.
    pub fn new(first: u32, outputs_per_generation: impl IntoIterator<Item = usize>) -> Self {
        let mut offsets = Vec::new();
        let mut at = 0u32;
        for outputs in outputs_per_generation {
            offsets.push(at);
            at += outputs.max(1) as u32;
        }
        offsets.push(at);
        GenerationRecords { first, offsets }
    }

    /// Post index of a generation's output (or of the generation itself).
    pub fn record(&self, generation: u32, output: u32) -> u32 {
        self.first + self.offsets[generation as usize] + output
    }

    /// Records in all.
    pub fn count(&self) -> u32 {
        self.offsets.last().copied().unwrap_or(0)
    }
}

/// Bytes of encoded posts kept in memory before the log moves to disk.
pub const DEFAULT_SPILL_BYTES: usize = 32 << 20;

enum Log {
    Memory(Vec<u8>),
    Writing(BufWriter<File>),
    /// Finished: reads go to the file.
    Reading(File),
}

/// An append-only byte log that moves to an unnamed temporary file once it outgrows
/// `spill_bytes`, read back by offset once finished.
struct ByteLog {
    log: Log,
    len: u64,
    spill_bytes: usize,
    spill_dir: Option<PathBuf>,
}

impl ByteLog {
    fn new(spill_bytes: usize, spill_dir: Option<PathBuf>) -> Self {
        ByteLog { log: Log::Memory(Vec::new()), len: 0, spill_bytes, spill_dir }
    }

    /// Appends `bytes`; where they start and end.
    fn append(&mut self, bytes: &[u8]) -> io::Result<(u64, u64)> {
        if let Log::Memory(buf) = &mut self.log {
            if buf.len() + bytes.len() > self.spill_bytes {
                let file = match &self.spill_dir {
                    Some(dir) => tempfile::tempfile_in(dir)?,
                    None => tempfile::tempfile()?,
                };
                let mut writer = BufWriter::with_capacity(1 << 20, file);
                writer.write_all(buf)?;
                self.log = Log::Writing(writer);
            }
        }
        match &mut self.log {
            Log::Memory(buf) => buf.extend_from_slice(bytes),
            Log::Writing(w) => w.write_all(bytes)?,
            Log::Reading(_) => return Err(io::Error::other("post store is finished")),
        }
        let start = self.len;
        self.len += bytes.len() as u64;
        Ok((start, self.len))
    }

    fn finish(&mut self) -> io::Result<()> {
        if let Log::Writing(_) = &self.log {
            let Log::Writing(w) = std::mem::replace(&mut self.log, Log::Memory(Vec::new())) else { unreachable!() };
            let file = w.into_inner().map_err(|e| e.into_error())?;
            self.log = Log::Reading(file);
        }
        Ok(())
    }

    fn on_disk(&self) -> bool {
        !matches!(self.log, Log::Memory(_))
    }

    /// Calls `f` with the bytes from `start` to `end`.
    fn read<T>(&self, start: u64, end: u64, f: impl FnOnce(&[u8]) -> io::Result<T>) -> io::Result<T> {
        match &self.log {
            Log::Memory(buf) => {
                f(buf.get(start as usize..end as usize).ok_or_else(|| io::Error::other("post store entry out of range"))?)
            }
            Log::Reading(file) => {
                let mut bytes = vec![0u8; (end - start) as usize];
                read_at(file, &mut bytes, start)?;
                f(&bytes)
            }
            Log::Writing(_) => Err(io::Error::other("post store read before finish")),
        }
    }
}

/// Append-only store of posts, addressed by their dense index.
///
/// A post may get more shared items after it was stored ([`PostStore::push_extra`]): the
/// later rows of a long-format export, one row per (post, shared object). They are kept
/// apart and merged into the post when it is read.
pub struct PostStore {
    accounts: Vec<u32>,
    times: Vec<i64>,
    /// Start of each post's encoded fields in the log; one more entry than posts.
    offsets: Vec<u64>,
    log: ByteLog,
    /// Encoded fields of later rows of a post (only their links, hashtags and objects).
    extra_log: ByteLog,
    /// (post, start, end) of each later row in `extra_log`; sorted by post when finished.
    extras: Vec<(u32, u64, u64)>,
}

impl Default for PostStore {
    fn default() -> Self {
        Self::new(DEFAULT_SPILL_BYTES, None)
    }
}

impl std::fmt::Debug for PostStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostStore").field("posts", &self.len()).field("on_disk", &self.on_disk()).finish()
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn put_opt(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
        None => out.push(0),
    }
}

/// A bit per count present, then each present count.
fn put_engagement(out: &mut Vec<u8>, e: &Engagement) {
    let counts = [e.views, e.likes, e.shares, e.comments];
    out.push(counts.iter().enumerate().fold(0u8, |bits, (i, c)| bits | (u8::from(c.is_some()) << i)));
    for c in counts.into_iter().flatten() {
        out.extend_from_slice(&c.to_le_bytes());
    }
}

fn put_list(out: &mut Vec<u8>, items: &[String]) {
    out.extend_from_slice(&(items.len() as u32).to_le_bytes());
    for s in items {
        put_str(out, s);
    }
}

/// Reads what `encode` wrote; the log is written by this process only, so a short or
/// malformed entry means the temporary file was damaged under us.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        if self.bytes.len() < n {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "post store entry is truncated"));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn u32(&mut self) -> io::Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self) -> io::Result<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    fn opt(&mut self) -> io::Result<Option<String>> {
        match self.take(1)?[0] {
            0 => Ok(None),
            _ => self.string().map(Some),
        }
    }

    fn engagement(&mut self) -> io::Result<Engagement> {
        let bits = self.take(1)?[0];
        let mut counts = [None; 4];
        for (i, slot) in counts.iter_mut().enumerate() {
            if bits & (1 << i) != 0 {
                let b = self.take(8)?;
                *slot = Some(u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]));
            }
        }
        let [views, likes, shares, comments] = counts;
        Ok(Engagement { views, likes, shares, comments })
    }

    /// A string of the entry, borrowed.
    fn str(&mut self) -> io::Result<&'a str> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    fn skip_list(&mut self) -> io::Result<()> {
        for _ in 0..self.u32()? {
            let n = self.u32()? as usize;
            self.take(n)?;
        }
        Ok(())
    }

    fn opt_str(&mut self) -> io::Result<Option<&'a str>> {
        match self.take(1)?[0] {
            0 => Ok(None),
            _ => self.str().map(Some),
        }
    }

    fn list(&mut self) -> io::Result<Vec<String>> {
        let n = self.u32()? as usize;
        (0..n).map(|_| self.string()).collect()
    }
}

/// A post's stored fields as [`PostStore::push_encoded`] takes them (encoding can then run
/// on the thread that made the post, in parallel).
pub fn encode_fields(post: &PostInfo, out: &mut Vec<u8>) {
    encode(post, out)
}

/// A post's stored fields, borrowed: what [`encode_parts`] writes.
pub struct StoredFields<'a> {
    /// Record id.
    pub id: &'a str,
    /// Text as read.
    pub text: &'a str,
    /// Canonical links.
    pub urls: &'a [String],
    /// Folded hashtags.
    pub hashtags: &'a [String],
    /// Other shared items, as `type:value`.
    pub objects: &'a [String],
    /// The post it reposts.
    pub repost_of: Option<&'a str>,
    /// The post it replies to.
    pub reply_to: Option<&'a str>,
    /// The post it quotes.
    pub quote_of: Option<&'a str>,
    /// Language, when given.
    pub lang: Option<&'a str>,
    /// Engagement when observed.
    pub engagement: Engagement,
}

/// [`encode_fields`] from borrowed fields, for a post never built as a [`PostInfo`].
pub fn encode_parts(post: &StoredFields<'_>, out: &mut Vec<u8>) {
    put_str(out, post.id);
    put_str(out, post.text);
    put_list(out, post.urls);
    put_list(out, post.hashtags);
    put_list(out, post.objects);
    put_opt(out, post.repost_of);
    put_opt(out, post.reply_to);
    put_opt(out, post.quote_of);
    put_opt(out, post.lang);
    put_engagement(out, &post.engagement);
}

fn encode(post: &PostInfo, out: &mut Vec<u8>) {
    encode_parts(
        &StoredFields {
            id: &post.id,
            text: &post.text,
            urls: &post.urls,
            hashtags: &post.hashtags,
            objects: &post.objects,
            repost_of: post.repost_of.as_deref(),
            reply_to: post.reply_to.as_deref(),
            quote_of: post.quote_of.as_deref(),
            lang: post.lang.as_deref(),
            engagement: post.engagement,
        },
        out,
    )
}

fn decode(account: u32, time: i64, bytes: &[u8]) -> io::Result<PostInfo> {
    let mut r = Reader { bytes };
    Ok(PostInfo {
        id: r.string()?,
        account,
        time,
        text: r.string()?,
        urls: r.list()?,
        hashtags: r.list()?,
        objects: r.list()?,
        repost_of: r.opt()?,
        reply_to: r.opt()?,
        quote_of: r.opt()?,
        lang: r.opt()?,
        engagement: r.engagement()?,
    })
}

impl PostStore {
    /// A store that moves to a temporary file in `spill_dir` (the system's temporary
    /// folder when `None`) once its log passes `spill_bytes`.
    pub fn new(spill_bytes: usize, spill_dir: Option<PathBuf>) -> Self {
        PostStore {
            accounts: Vec::new(),
            times: Vec::new(),
            offsets: vec![0],
            log: ByteLog::new(spill_bytes, spill_dir.clone()),
            extra_log: ByteLog::new(spill_bytes, spill_dir),
            extras: Vec::new(),
        }
    }

    /// A store holding `posts`, for tests and tools.
    pub fn from_posts(posts: impl IntoIterator<Item = PostInfo>) -> io::Result<Self> {
        let mut store = PostStore::default();
        let mut buf = Vec::new();
        for p in posts {
            store.push(&p, &mut buf)?;
        }
        store.finish()?;
        Ok(store)
    }

    /// Makes room for `posts` more posts' columns.
    pub fn reserve(&mut self, posts: usize) {
        self.offsets.reserve(posts);
    }

    /// Appends a post; `scratch` is reused between calls to avoid an allocation per post.
    pub fn push(&mut self, post: &PostInfo, scratch: &mut Vec<u8>) -> io::Result<()> {
        self.push_fields(post, scratch)?;
        self.accounts.push(post.account);
        self.times.push(post.time);
        Ok(())
    }

    /// Appends a post's fields but not its account and time, which detection holds while
    /// it runs and hands over afterwards ([`PostStore::attach_columns`]).
    pub fn push_fields(&mut self, post: &PostInfo, scratch: &mut Vec<u8>) -> io::Result<()> {
        scratch.clear();
        encode(post, scratch);
        self.push_encoded(scratch)
    }

    /// Appends one post's fields already encoded by [`encode_fields`].
    pub fn push_encoded(&mut self, encoded: &[u8]) -> io::Result<()> {
        let (_, end) = self.log.append(encoded)?;
        self.offsets.push(end);
        Ok(())
    }

    /// Adds the links, hashtags and objects of `extra` (encoded by [`encode_fields`]: a
    /// later row of the post) to post `post`, already stored; its other fields are ignored.
    pub fn push_extra(&mut self, post: u32, extra: &[u8]) -> io::Result<()> {
        let info = decode(0, 0, extra)?;
        if info.urls.is_empty() && info.hashtags.is_empty() && info.objects.is_empty() {
            return Ok(());
        }
        let mut kept = Vec::new();
        encode(&PostInfo { urls: info.urls, hashtags: info.hashtags, objects: info.objects, ..PostInfo::default() }, &mut kept);
        let (start, end) = self.extra_log.append(&kept)?;
        self.extras.push((post, start, end));
        Ok(())
    }

    /// Sets every post's account and time, when they were pushed with `push_fields`.
    pub fn attach_columns(&mut self, accounts: Vec<u32>, times: Vec<i64>) -> io::Result<()> {
        if accounts.len() != self.offsets.len() - 1 || times.len() != accounts.len() {
            return Err(io::Error::other(format!(
                "{} accounts and {} times for {} posts",
                accounts.len(),
                times.len(),
                self.offsets.len() - 1
            )));
        }
        self.accounts = accounts;
        self.times = times;
        Ok(())
    }

    /// Ends writing; reads may start.
    pub fn finish(&mut self) -> io::Result<()> {
        // Stable: a post's later rows stay in input order.
        self.extras.sort_by_key(|e| e.0);
        self.log.finish()?;
        self.extra_log.finish()
    }

    /// Posts held.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether no post is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the log moved to disk.
    pub fn on_disk(&self) -> bool {
        self.log.on_disk()
    }

    /// The post's account (0 until columns are attached to a store filled field-only).
    pub fn account(&self, post: u32) -> u32 {
        self.accounts.get(post as usize).copied().unwrap_or(0)
    }

    /// Time of `post` (Unix ms).
    pub fn time(&self, post: u32) -> i64 {
        self.times.get(post as usize).copied().unwrap_or(0)
    }

    /// Every post's author, by post number.
    pub fn accounts(&self) -> &[u32] {
        &self.accounts
    }

    /// Every post's time, by post number.
    pub fn times(&self) -> &[i64] {
        &self.times
    }

    /// Every field of one post.
    pub fn get(&self, post: u32) -> io::Result<PostInfo> {
        let i = post as usize;
        if i >= self.len() {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("no post {post} in the store")));
        }
        let (start, end) = (self.offsets[i], self.offsets[i + 1]);
        let mut info = self.log.read(start, end, |bytes| decode(self.account(post), self.time(post), bytes))?;
        let first = self.extras.partition_point(|e| e.0 < post);
        let later = self.extras[first..].iter().take_while(|e| e.0 == post);
        let mut merged = false;
        for &(_, start, end) in later {
            let extra = self.extra_log.read(start, end, |bytes| decode(0, 0, bytes))?;
            info.urls.extend(extra.urls);
            info.hashtags.extend(extra.hashtags);
            info.objects.extend(extra.objects);
            merged = true;
        }
        if merged {
            for list in [&mut info.urls, &mut info.hashtags, &mut info.objects] {
                list.sort();
                list.dedup();
            }
        }
        Ok(info)
    }

    /// `f` of the posts `post` reposts, replies to and quotes, read in place: a pass over
    /// every post's targets (reactions to a network's posts) decodes nothing else.
    pub fn with_targets<T>(&self, post: u32, f: impl FnOnce([Option<&str>; 3]) -> T) -> io::Result<T> {
        let i = post as usize;
        if i >= self.len() {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("no post {post} in the store")));
        }
        self.log.read(self.offsets[i], self.offsets[i + 1], |bytes| {
            let mut r = Reader { bytes };
            r.str()?; // id
            r.str()?; // text
            for _ in 0..3 {
                r.skip_list()?; // links, hashtags, objects
            }
            Ok(f([r.opt_str()?, r.opt_str()?, r.opt_str()?]))
        })
    }

    /// [`PostStore::get`] for evidence writers: a post the store cannot give back is
    /// reported with its index rather than stopping the run.
    pub fn get_or_placeholder(&self, post: u32) -> PostInfo {
        self.get(post).unwrap_or_else(|e| PostInfo {
            id: format!("<post {post} unreadable: {e}>"),
            account: self.accounts.get(post as usize).copied().unwrap_or(0),
            time: self.times.get(post as usize).copied().unwrap_or(0),
            ..PostInfo::default()
        })
    }
}

impl PostStore {
    /// Record ids of many posts at once, read in store order.
    pub fn ids(&self, posts: impl IntoIterator<Item = u32>) -> rustc_hash::FxHashMap<u32, String> {
        let mut wanted: Vec<u32> = posts.into_iter().collect();
        wanted.sort_unstable();
        wanted.dedup();
        wanted.into_iter().map(|p| (p, self.get_or_placeholder(p).id)).collect()
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    let mut done = 0;
    while done < buf.len() {
        let n = file.seek_read(&mut buf[done..], offset)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        done += n;
        offset += n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(i: u32) -> PostInfo {
        PostInfo {
            id: format!("p{i}"),
            account: i % 7,
            time: i as i64 * 1000,
            text: "ünïcode text ".repeat(i as usize % 5),
            urls: (0..i % 3).map(|k| format!("https://e.com/{k}")).collect(),
            hashtags: if i.is_multiple_of(2) { vec!["tag".into()] } else { vec![] },
            objects: if i.is_multiple_of(5) { vec!["phash:ab12".into()] } else { vec![] },
            repost_of: i.is_multiple_of(4).then(|| "orig".into()),
            reply_to: None,
            quote_of: i.is_multiple_of(7).then(|| "quoted".into()),
            engagement: Engagement {
                views: i.is_multiple_of(2).then_some(u64::from(i) * 1000),
                likes: Some(u64::from(i)),
                ..Default::default()
            },
            lang: i.is_multiple_of(3).then(|| "id".into()),
        }
    }

    #[test]
    fn round_trips_in_memory_and_after_spilling() {
        for spill in [usize::MAX, 0, 200] {
            let mut store = PostStore::new(spill, None);
            let mut scratch = Vec::new();
            for i in 0..500 {
                store.push(&post(i), &mut scratch).unwrap();
            }
            store.finish().unwrap();
            assert_eq!(store.on_disk(), spill != usize::MAX);
            for i in [0, 1, 17, 250, 499] {
                assert_eq!(store.get(i).unwrap(), post(i));
            }
            assert!(store.get(500).is_err());
            let targets = store.with_targets(28, |t| t.map(|x| x.map(String::from))).unwrap();
            assert_eq!(targets, [post(28).repost_of, post(28).reply_to, post(28).quote_of]);
            assert_eq!(store.account(13), 13 % 7);
        }
    }

    #[test]
    fn later_rows_add_their_shared_items_to_the_post() {
        for spill in [usize::MAX, 0] {
            let mut store = PostStore::new(spill, None);
            let mut scratch = Vec::new();
            for i in 0..3 {
                store.push(&post(i), &mut scratch).unwrap();
            }
            let later = |urls: &[&str], objects: &[&str]| {
                let mut bytes = Vec::new();
                encode_fields(
                    &PostInfo {
                        id: "p1".into(),
                        text: "other text, ignored".into(),
                        urls: urls.iter().map(|u| u.to_string()).collect(),
                        objects: objects.iter().map(|u| u.to_string()).collect(),
                        ..PostInfo::default()
                    },
                    &mut bytes,
                );
                bytes
            };
            store.push_extra(1, &later(&["https://e.com/9", "https://e.com/0"], &[])).unwrap();
            store.push_extra(1, &later(&[], &["phash:ff"])).unwrap();
            store.push_extra(0, &later(&[], &[])).unwrap();
            store.finish().unwrap();
            let p1 = store.get(1).unwrap();
            assert_eq!(p1.text, post(1).text, "other fields come from the first row");
            assert_eq!(p1.urls, vec!["https://e.com/0", "https://e.com/9"], "merged, sorted, distinct");
            assert_eq!(p1.objects, vec!["phash:ff"]);
            assert_eq!(store.get(0).unwrap(), post(0));
            assert_eq!(store.get(2).unwrap(), post(2));
        }
    }
}
