//! Documents → the index the browser loads: pages, documents (title and text, for ranking and
//! snippets) and, per term, the delta-coded ids of the documents that contain it.

use std::collections::HashMap;

use serde::Serialize;

use crate::extract::Doc;
use crate::tokenize;

/// The data part of `search-zh/index.js`. Field names are short because they ship to every
/// reader who searches; `assets/search-zh.js` documents how it reads them.
#[derive(Debug, Serialize)]
pub struct Index {
    /// Format version, checked by the engine.
    pub v: u32,
    /// Page paths, e.g. `ch03/3-3.html`.
    pub pages: Vec<String>,
    /// Page titles, parallel to `pages`.
    pub page_titles: Vec<String>,
    /// The chapters each page sits in, parallel to `pages`.
    pub page_context: Vec<String>,
    /// Documents: `[page index, anchor, title, text]`.
    pub docs: Vec<(u32, String, String, String)>,
    /// Word terms in UTF-16 order (the engine finds prefixes by binary search), joined by `\n`.
    pub terms: String,
    /// CJK bigrams grouped by first character: each line is the first character followed by every
    /// second character it occurs with (变分化换 = 变分 变化 变换). Half the size of a plain list.
    pub bigrams: String,
    /// For each word term, then each bigram in `bigrams` order, the ids of the documents that
    /// contain it (title or text; a page's title and context are matched by the engine directly,
    /// they are short): the first id, then differences, in base 36, joined by `,`.
    pub postings: Vec<String>,
}

/// Build the index from documents in reading order.
pub fn build(docs: &[Doc]) -> Index {
    let mut pages: Vec<String> = Vec::new();
    let mut page_titles: Vec<String> = Vec::new();
    let mut page_context: Vec<String> = Vec::new();
    let mut rows = Vec::with_capacity(docs.len());
    let mut post: HashMap<String, Vec<u32>> = HashMap::new();
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
            d.body.clone(),
        ));
        let id = id as u32;
        for term in tokenize::terms(&d.title)
            .into_iter()
            .chain(tokenize::terms(&d.body))
        {
            let ids = post.entry(term).or_default();
            if ids.last() != Some(&id) {
                ids.push(id);
            }
        }
    }
    type Postings = Vec<(String, Vec<u32>)>;
    let (mut grams, mut words): (Postings, Postings) = post
        .into_iter()
        .partition(|(t, _)| t.chars().next().is_some_and(tokenize::is_cjk));
    // UTF-16 order, which is how JavaScript compares strings: the engine binary-searches words.
    words.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    grams.sort();
    let mut postings = Vec::with_capacity(words.len() + grams.len());
    let terms = words
        .iter()
        .map(|(t, _)| t.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    postings.extend(words.iter().map(|(_, ids)| encode(ids)));
    let mut bigrams = String::new();
    let mut first: Option<char> = None;
    for (gram, ids) in &grams {
        let mut cs = gram.chars();
        let (Some(a), Some(b)) = (cs.next(), cs.next()) else {
            continue;
        };
        if first != Some(a) {
            if first.is_some() {
                bigrams.push('\n');
            }
            bigrams.push(a);
            first = Some(a);
        }
        bigrams.push(b);
        postings.push(encode(ids));
    }
    Index {
        v: 1,
        pages,
        page_titles,
        page_context,
        docs: rows,
        terms,
        bigrams,
        postings,
    }
}

/// Sorted ids → first id and gaps in base 36, comma-separated (`0,1,a` for 0, 1, 11).
pub fn encode(ids: &[u32]) -> String {
    let mut out = String::new();
    let mut prev = 0;
    for (i, &id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&base36(id - prev));
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
    fn gaps_are_base36() {
        assert_eq!(encode(&[0, 1, 12, 48]), "0,1,b,10");
        assert_eq!(encode(&[]), "");
    }

    #[test]
    fn postings_list_each_document_once_and_title_terms_count() {
        let idx = build(&[
            doc("a.html#x", "去噪", "扩散 扩散"),
            doc("a.html#y", "其他", "去噪 DDPM 去噪"),
            doc("b.html", "扩散", ""),
        ]);
        assert_eq!(idx.pages, ["a.html", "b.html"]);
        assert_eq!(idx.docs[1].0, 0);
        assert_eq!(idx.docs[1].1, "y");
        assert_eq!(idx.docs[2].1, "");
        assert_eq!(idx.terms, "ddpm");
        // 其他: 其他; 去噪: 去噪; 扩散: 扩散 — one group per first character.
        assert_eq!(idx.bigrams, "其他\n去噪\n扩散");
        assert_eq!(idx.postings, ["1", "1", "0,1", "0,2"]);
    }
}
