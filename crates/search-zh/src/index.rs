//! Documents → the index the browser loads, in pieces so that a query fetches only what it needs:
//!
//! - the **manifest** (`search-zh/index.js`, with the engine): pages, and per document its page,
//!   anchor, title and text length — everything ranking needs besides the postings;
//! - **posting shards** (`p<n>.<tag>.js`): the terms whose key hashes to `n`, with, per term, the
//!   documents that contain it and how often. A term's key is the term itself for a CJK bigram or
//!   a single character, and its first two characters for a word (so all words that share a
//!   prefix a reader may type are in one shard);
//! - **text shards** (`t<n>.<tag>.js`): the documents' text, consecutive documents together,
//!   fetched for the results shown (snippets) and to check the few matches the postings cannot
//!   decide (a Chinese run of three or more characters, a phrase).
//!
//! `<tag>` is a hash of the whole index, so a manifest never reads another build's shards.

use std::collections::HashMap;

use serde::Serialize;

use crate::extract::Doc;
use crate::tokenize::{self, Class};

/// Format version, checked by the engine.
pub const VERSION: u32 = 2;

/// Aim for posting shards of about this many bytes of JSON (before gzip).
const SHARD_TARGET: usize = 24 * 1024;

/// Aim for text shards of about this many bytes of text: a result's snippet costs one.
const TEXT_TARGET: usize = 4 * 1024;

/// Occurrence counts stop here (the engine's tf saturates long before).
pub const TF_CAP: u32 = 50;

/// Everything the renderer writes, before it is split into files.
#[derive(Debug, Serialize)]
pub struct Index {
    pub manifest: Manifest,
    /// Posting shards, by shard number.
    pub shards: Vec<Shard>,
    /// Text shards: the bodies of consecutive documents (`manifest.texts` says where each starts).
    pub texts: Vec<Vec<String>>,
}

/// The part every search loads first. Field names are short because they ship to every reader
/// who searches; `assets/search-zh.js` documents how it reads them.
#[derive(Debug, Serialize)]
pub struct Manifest {
    pub v: u32,
    /// Hash of the whole index, in the shards' file names.
    pub tag: String,
    /// Page paths, e.g. `ch03/3-3.html`.
    pub pages: Vec<String>,
    /// Page titles, parallel to `pages`.
    pub page_titles: Vec<String>,
    /// The chapters each page sits in, parallel to `pages`.
    pub page_context: Vec<String>,
    /// Documents: `[page index, anchor, title, text length in UTF-16 units]`.
    pub docs: Vec<(u32, String, String, u32)>,
    /// Number of posting shards.
    pub shards: u32,
    /// The first document of each text shard.
    pub texts: Vec<u32>,
}

/// One posting shard.
#[derive(Debug, Serialize)]
pub struct Shard {
    /// Terms in UTF-16 order (the engine finds word prefixes by binary search), joined by `\n`.
    pub terms: String,
    /// For each term, the documents that contain it (title or text; a page's title and context
    /// are matched by the engine directly, they are short): gaps between ids in base 36, each
    /// followed by `:count` when the term occurs other than once in the text (non-overlapping
    /// occurrences in the folded text, capped at [`TF_CAP`]; 0 = only in the title), joined by `,`.
    pub postings: Vec<String>,
}

/// Which shard a key goes to: FNV-1a over its UTF-16 units (the engine computes the same).
pub fn shard_of(key: &str, shards: u32) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for u in key.encode_utf16() {
        h ^= u as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h % shards.max(1)
}

/// A term's shard key: a word's first two characters, any other term itself.
pub fn key_of(term: &str) -> String {
    let mut cs = term.chars();
    match cs.next() {
        Some(c) if tokenize::is_word(c) && term.chars().nth(1).is_some() => {
            term.chars().take(2).collect()
        }
        _ => term.to_string(),
    }
}

/// The terms of a document with how often each occurs in its text, as the engine counts a hit
/// (`countOf`: non-overlapping occurrences in the folded text): CJK bigrams, words (also inside
/// longer words: `ddpm` in `ddpms`), and every single CJK or word character. Terms only in the
/// title count 0.
fn doc_terms(title: &str, body: &str) -> HashMap<String, u32> {
    let mut chars_n: HashMap<char, u32> = HashMap::new();
    let mut grams_n: HashMap<(char, char), u32> = HashMap::new();
    let mut word_runs: HashMap<&str, u32> = HashMap::new();
    let body_runs = tokenize::runs(body);
    for run in &body_runs {
        let chars: Vec<char> = run.text.chars().collect();
        for &c in &chars {
            *chars_n.entry(c).or_default() += 1;
        }
        match run.class {
            Class::Cjk => {
                // Greedy, left to right, as indexOf from the end of the last match.
                let mut last: HashMap<(char, char), usize> = HashMap::new();
                for (i, w) in chars.windows(2).enumerate() {
                    let g = (w[0], w[1]);
                    if last.get(&g).is_none_or(|&end| i >= end) {
                        last.insert(g, i + 2);
                        *grams_n.entry(g).or_default() += 1;
                    }
                }
            }
            Class::Word => {
                *word_runs.entry(run.text.as_str()).or_default() += 1;
            }
        }
    }
    let mut words: Vec<&str> = word_runs
        .keys()
        .copied()
        .filter(|w| w.chars().nth(1).is_some())
        .collect();
    let title_runs = tokenize::runs(title);
    for run in &title_runs {
        let chars: Vec<char> = run.text.chars().collect();
        for &c in &chars {
            chars_n.entry(c).or_default();
        }
        match run.class {
            Class::Cjk => {
                for w in chars.windows(2) {
                    grams_n.entry((w[0], w[1])).or_default();
                }
            }
            Class::Word if chars.len() >= 2 => words.push(run.text.as_str()),
            Class::Word => {}
        }
    }
    words.sort_unstable();
    words.dedup();
    let mut counts: HashMap<String, u32> =
        HashMap::with_capacity(chars_n.len() + grams_n.len() + words.len());
    for (c, n) in chars_n {
        counts.insert(c.to_string(), n.min(TF_CAP));
    }
    for ((a, b), n) in grams_n {
        counts.insert([a, b].iter().collect(), n.min(TF_CAP));
    }
    for w in words {
        let n: u32 = word_runs
            .iter()
            .filter(|(r, _)| r.len() >= w.len())
            .map(|(r, m)| m * r.matches(w).count() as u32)
            .sum();
        counts.insert(w.to_string(), n.min(TF_CAP));
    }
    counts
}

/// Build the index from documents in reading order.
pub fn build(docs: &[Doc]) -> Index {
    let mut pages: Vec<String> = Vec::new();
    let mut page_titles: Vec<String> = Vec::new();
    let mut page_context: Vec<String> = Vec::new();
    let mut rows = Vec::with_capacity(docs.len());
    let mut post: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
    let mut texts: Vec<Vec<String>> = Vec::new();
    let mut text_starts: Vec<u32> = Vec::new();
    let mut text_bytes = usize::MAX;
    for (id, d) in docs.iter().enumerate() {
        let (path, anchor) = d.url.split_once('#').unwrap_or((&d.url, ""));
        let page = match pages.iter().rposition(|p| p == path) {
            Some(i) => i,
            None => {
                pages.push(path.to_string());
                page_titles.push(d.page.clone());
                page_context.push(d.context.clone());
                pages.len() - 1
            }
        };
        rows.push((
            page as u32,
            anchor.to_string(),
            d.title.clone(),
            d.body.encode_utf16().count() as u32,
        ));
        if text_bytes >= TEXT_TARGET {
            texts.push(Vec::new());
            text_starts.push(id as u32);
            text_bytes = 0;
        }
        text_bytes += d.body.len();
        if let Some(last) = texts.last_mut() {
            last.push(d.body.clone());
        }
        for (term, n) in doc_terms(&d.title, &d.body) {
            post.entry(term).or_default().push((id as u32, n));
        }
    }
    let mut terms: Vec<(String, Vec<(u32, u32)>)> = post.into_iter().collect();
    // UTF-16 order, which is how JavaScript compares strings: the engine binary-searches words.
    terms.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    let encoded: Vec<(String, String)> = terms
        .into_iter()
        .map(|(t, mut ids)| {
            ids.sort_unstable();
            let e = encode(&ids);
            (t, e)
        })
        .collect();
    let total: usize = encoded.iter().map(|(t, e)| t.len() + e.len() + 6).sum();
    let n = total.div_ceil(SHARD_TARGET).clamp(1, 256) as u32;
    let mut shards: Vec<(Vec<String>, Vec<String>)> = vec![Default::default(); n as usize];
    for (t, e) in encoded {
        let s = &mut shards[shard_of(&key_of(&t), n) as usize];
        s.0.push(t);
        s.1.push(e);
    }
    let shards: Vec<Shard> = shards
        .into_iter()
        .map(|(t, postings)| Shard {
            terms: t.join("\n"),
            postings,
        })
        .collect();
    let mut manifest = Manifest {
        v: VERSION,
        tag: String::new(),
        pages,
        page_titles,
        page_context,
        docs: rows,
        shards: n,
        texts: text_starts,
    };
    manifest.tag = tag_of(&manifest, &shards, &texts);
    Index {
        manifest,
        shards,
        texts,
    }
}

/// FNV-1a (64 bits) of everything in the index, as 8 hex digits: stable from build to build.
fn tag_of(manifest: &Manifest, shards: &[Shard], texts: &[Vec<String>]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |s: &str| {
        for b in s.bytes().chain([0xff]) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(&serde_json::to_string(manifest).unwrap_or_default());
    for s in shards {
        feed(&s.terms);
        s.postings.iter().for_each(|p| feed(p));
    }
    texts.iter().flatten().for_each(|t| feed(t));
    format!("{:08x}", h >> 32)
}

/// Sorted (id, count) pairs → gaps in base 36, `:count` when the count is not 1, comma-separated
/// (`0,1:3,a` for 0 once, 1 three times, 11 once).
pub fn encode(ids: &[(u32, u32)]) -> String {
    let mut out = String::new();
    let mut prev = 0;
    for (i, &(id, n)) in ids.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&base36(id - prev));
        if n != 1 {
            out.push(':');
            out.push_str(&base36(n));
        }
        prev = id;
    }
    out
}

fn base36(mut n: u32) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = Vec::new();
    loop {
        buf.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    buf.reverse();
    String::from_utf8_lossy(&buf).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(url: &str, title: &str, body: &str) -> Doc {
        Doc {
            url: url.into(),
            title: title.into(),
            page: "P".into(),
            context: String::new(),
            body: body.into(),
        }
    }

    #[test]
    fn gaps_are_base36_with_counts() {
        assert_eq!(encode(&[(0, 1), (1, 3), (12, 1), (48, 0)]), "0,1:3,b,10:0");
        assert_eq!(encode(&[]), "");
    }

    #[test]
    fn counts_are_what_the_engine_would_count_in_the_text() {
        let c = doc_terms("去噪 DDPM", "扩散 扩散扩散 DDPMs ddpm 哈哈哈");
        assert_eq!(c["扩散"], 3);
        assert_eq!(c["散扩"], 1);
        // Non-overlapping, as indexOf finds them: 哈哈哈 holds 哈哈 once.
        assert_eq!(c["哈哈"], 1);
        assert_eq!(c["哈"], 3);
        // Inside a longer word too.
        assert_eq!(c["ddpm"], 2);
        assert_eq!(c["ddpms"], 1);
        assert_eq!(c["d"], 4);
        // Only in the title.
        assert_eq!(c["去噪"], 0);
        assert_eq!(c["噪"], 0);
    }

    #[test]
    fn shards_hold_each_term_once_with_its_documents() {
        let idx = build(&[
            doc("a.html#x", "去噪", "扩散 扩散"),
            doc("a.html#y", "其他", "去噪 DDPM 去噪"),
            doc("b.html", "扩散", ""),
        ]);
        let m = &idx.manifest;
        assert_eq!(m.pages, ["a.html", "b.html"]);
        assert_eq!(m.docs[1].0, 0);
        assert_eq!(m.docs[1].1, "y");
        assert_eq!(m.docs[1].3, 10);
        assert_eq!(m.docs[2].1, "");
        assert_eq!(m.tag.len(), 8);
        let mut found = HashMap::new();
        for (n, s) in idx.shards.iter().enumerate() {
            for (t, p) in s.terms.split('\n').zip(&s.postings) {
                assert_eq!(shard_of(&key_of(t), m.shards), n as u32);
                found.insert(t.to_string(), p.clone());
            }
        }
        assert_eq!(found["去噪"], "0:0,1:2");
        assert_eq!(found["扩散"], "0:2,2:0");
        assert_eq!(found["ddpm"], "1");
        assert_eq!(idx.texts.concat(), ["扩散 扩散", "去噪 DDPM 去噪", ""]);
    }

    #[test]
    fn words_sharing_a_prefix_share_a_shard() {
        assert_eq!(key_of("classifier"), "cl");
        assert_eq!(key_of("变分"), "变分");
        assert_eq!(key_of("x"), "x");
        // The engine's FNV-1a gives the same numbers (tests/engine.test.mjs), astral
        // characters hashed as their two UTF-16 units.
        assert_eq!(shard_of("变分", 1000), 531);
        assert_eq!(shard_of("cl", 1000), 754);
        assert_eq!(shard_of("𠀀", 1000), 677);
        assert_eq!(shard_of("熵", 97), 75);
        assert_eq!(shard_of("", 7), 0x811c_9dc5 % 7);
    }
}
