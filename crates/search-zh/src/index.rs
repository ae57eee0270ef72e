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
    /// Index terms in UTF-16 order (the engine finds prefixes by binary search), joined by `\n`.
    pub terms: String,
    /// For each term, the ids of the documents that contain it (title or text; a page's title and
    /// context are matched by the engine directly, they are short): the first id,
    /// then differences, in base 36, joined by `,`.
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
    // UTF-16 order, which is how JavaScript compares strings: the engine binary-searches this.
    let mut post: Vec<(String, Vec<u32>)> = post.into_iter().collect();
    post.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    let mut terms = String::new();
    let mut postings = Vec::with_capacity(post.len());
    for (i, (term, ids)) in post.into_iter().enumerate() {
        if i > 0 {
            terms.push('\n');
        }
        terms.push_str(&term);
        postings.push(encode(&ids));
    }
    Index {
        v: 1,
        pages,
        page_titles,
        page_context,
        docs: rows,
        terms,
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
            doc("a.html#y", "其他", "去噪 DDPM"),
            doc("b.html", "扩散", ""),
        ]);
        assert_eq!(idx.pages, ["a.html", "b.html"]);
        assert_eq!(idx.docs[1].0, 0);
        assert_eq!(idx.docs[1].1, "y");
        assert_eq!(idx.docs[2].1, "");
        let terms: Vec<&str> = idx.terms.split('\n').collect();
        let at = |t: &str| {
            terms
                .iter()
                .position(|x| *x == t)
                .map(|i| idx.postings[i].clone())
        };
        assert_eq!(at("扩散").as_deref(), Some("0,2"));
        assert_eq!(at("去噪").as_deref(), Some("0,1"));
        assert_eq!(at("ddpm").as_deref(), Some("1"));
        let mut sorted = terms.clone();
        sorted.sort();
        assert_eq!(terms, sorted);
    }
}
