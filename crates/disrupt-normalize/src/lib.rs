//! Normalization for matching: what makes two copies of a post, link or hashtag
//! compare equal after an operator has disguised them.
//!
//! Raw text is always kept for evidence; these functions only derive matching keys.
//! - [`text`]: NFKC, case folding, invisible characters, confusables, emoji and punctuation.
//! - [`url`]: canonical URLs (host case, default ports, fragments, tracking parameters).
//! - [`entities`]: hashtags, URLs and mentions found in text when a record lacks them.
//! - [`lang`]: language detection for records without `lang`.

// Unsafe code here is confined to a few audited spots (SIMD, memory maps, prefetch and
// allocator hints), each with a SAFETY comment.
#![deny(unsafe_op_in_unsafe_fn)]

pub mod entities;
pub mod lang;
pub mod minhash;
pub mod text;
pub mod url;

pub use entities::{extract_hashtags, extract_mentions, extract_urls};
pub use lang::{detect_language, post_language};
pub use text::{
    fold_hashtag, matching_text, matching_text_into, matching_tokens, text_hash, with_matching_text, with_word_set_and_sketch,
    word_pair_sketch, word_pairs, word_set,
};
pub use url::{canonical_url, UrlPolicy};
