//! Per-chapter print pages, instead of mdBook's `print.html` of the whole book (102 MB on a book of
//! the planned size: no browser opens it).
//!
//! For every top-level chapter or appendix whose page lives in a folder (`ch03/index.md`), this
//! renderer reads the pages mdBook's HTML renderer wrote for it and its sections, and writes
//! `ch03/print.html`: the chapter page's frame (head, menu bar, sidebar) with the `<main>` of every
//! page in reading order, each on a new printed page, ids made unique and links between them turned
//! into links within the print page. Like mdBook's print page it opens the print dialog when loaded;
//! `theme/common.js` unfolds every answer before printing.
//!
//! A chapter whose print page would be over [`MAX_PAGE_BYTES`] once its formulas are typeset is
//! split at section boundaries into `print.html`, `print-2.html`, …, each listing all parts at the
//! top (on screen only). The theme's print button (`theme/index.hbs`) links to `print.html` in the
//! page's folder; this renderer points the button of a section in a later part at that part.
//!
//! The pages still hold the math preprocessor's placeholders when this renderer runs (it sorts
//! before `typeset`, which puts the formulas in, every print page included); sizes are counted with
//! the formulas' HTML from the math side file.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use mdbook_renderer::book::{Book, BookItem, Chapter};
pub use preprocessor_kit::html::MAX_PAGE_BYTES;
use preprocessor_kit::html::escape_text;

/// The theme's print button, as `theme/index.hbs` writes it on every page in a folder.
pub const BUTTON: &str = "<a id=\"mdbook-print-chapter\" href=\"print.html\"";

/// Room left under [`MAX_PAGE_BYTES`] for what a part adds around the pages (parts list, wrappers,
/// renamed ids).
const MARGIN: usize = 32 * 1024;

/// One chapter's pages, in reading order: its own page first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintChapter {
    pub name: String,
    /// The chapter's folder, relative to the book's root (`ch03`).
    pub dir: String,
    /// Each page's HTML path relative to the output root (`ch03/3-1.html`) and its title.
    pub pages: Vec<(String, String)>,
}

/// The chapters that get print pages: every top-level chapter whose page is in a folder. Fails when
/// a page in a folder belongs to no such chapter, or a chapter's pages span several folders (the
/// theme's button on such a page would link to a print page that does not exist).
pub fn plan(book: &Book) -> Result<Vec<PrintChapter>> {
    let mut chapters: Vec<PrintChapter> = Vec::new();
    let mut owner: HashMap<String, String> = HashMap::new();
    for item in &book.items {
        let BookItem::Chapter(ch) = item else {
            continue;
        };
        let mut pages = Vec::new();
        collect(ch, &mut pages);
        let Some((first, _)) = pages.first() else {
            continue;
        };
        let Some(dir) = folder(first) else {
            // A page at the root (前言, the indexes): its print button prints the page itself.
            for (p, _) in &pages {
                if let Some(d) = folder(p) {
                    bail!(
                        "{}: a page in folder '{d}' under the top-level page {first}: a page's \
                         print button prints its folder's chapter, so the chapter of folder '{d}' \
                         must be a top-level page in that folder",
                        md_path(p)
                    );
                }
            }
            continue;
        };
        for (p, _) in &pages {
            if folder(p).as_deref() != Some(dir.as_str()) {
                bail!(
                    "{}: a section of '{}' ({}) outside its folder '{dir}/': a chapter's pages must \
                     all be in the chapter's folder, where its print page goes",
                    md_path(p),
                    ch.name,
                    md_path(first)
                );
            }
        }
        if let Some(other) = owner.insert(dir.clone(), ch.name.clone()) {
            bail!(
                "{}: chapters '{other}' and '{}' are both in folder '{dir}/', which has one print \
                 page: give each chapter its own folder",
                md_path(first),
                ch.name
            );
        }
        chapters.push(PrintChapter {
            name: ch.name.clone(),
            dir,
            pages,
        });
    }
    Ok(chapters)
}

fn collect(ch: &Chapter, out: &mut Vec<(String, String)>) {
    if let Some(p) = &ch.path {
        out.push((html_path(p), ch.name.clone()));
    }
    for item in &ch.sub_items {
        if let BookItem::Chapter(sub) = item {
            collect(sub, out);
        }
    }
}

/// `ch03/3-1.md` → `ch03/3-1.html`, with `/` separators.
fn html_path(p: &Path) -> String {
    let s = preprocessor_kit::chapters::slash_path(&p.with_extension("html"));
    s.trim_start_matches("./").to_string()
}

fn md_path(html: &str) -> String {
    format!("{}md", html.trim_end_matches("html"))
}

/// The folder of an output path, `None` at the root.
fn folder(p: &str) -> Option<String> {
    p.rsplit_once('/').map(|(d, _)| d.to_string())
}

/// The file name of print part `k` (1-based) of a chapter.
pub fn part_file(k: usize) -> String {
    if k <= 1 {
        "print.html".into()
    } else {
        format!("print-{k}.html")
    }
}

/// The `<main>` of a page mdBook wrote: (start of its content, end of its content).
pub fn main_range(page: &str) -> Option<(usize, usize)> {
    let open = page.find("<main>")? + "<main>".len();
    let close = page.rfind("</main>")?;
    (close >= open).then_some((open, close))
}

/// Split a chapter's pages into parts of at most `budget` bytes each (`sizes`: each page's content
/// size as readers get it), never splitting a page: the first index of each part.
pub fn split(sizes: &[usize], budget: usize) -> Vec<usize> {
    let mut starts = vec![0];
    let mut used = 0;
    for (i, &s) in sizes.iter().enumerate() {
        if i > 0 && used + s > budget {
            starts.push(i);
            used = 0;
        }
        used += s;
    }
    starts
}

/// The budget for a part's pages, given the frame's size.
pub fn budget(frame_len: usize) -> usize {
    MAX_PAGE_BYTES.saturating_sub(frame_len + MARGIN)
}

/// An attribute of a tag in a piece of HTML: the byte range of its value (without quotes).
struct Attr<'a> {
    name: &'a str,
    value: std::ops::Range<usize>,
}

/// Every attribute of every start tag of `html`, in order (comments and the content of `<script>`
/// and `<style>` skipped). Values are as written (entities not decoded).
fn attrs(html: &str) -> Vec<Attr<'_>> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(b.len(), |e| i + e + 3);
            continue;
        }
        if i >= b.len() || !b[i].is_ascii_alphabetic() {
            continue;
        }
        let name_start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
            i += 1;
        }
        let tag = html[name_start..i].to_ascii_lowercase();
        // attributes
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i = (i + 1).min(b.len());
                break;
            }
            let n0 = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let name = &html[n0..i];
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && b[i] == b'=' {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    let v0 = i + 1;
                    let v1 = b[v0..]
                        .iter()
                        .position(|&c| c == q)
                        .map_or(b.len(), |e| v0 + e);
                    out.push(Attr {
                        name,
                        value: v0..v1,
                    });
                    i = (v1 + 1).min(b.len());
                } else {
                    let v0 = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    out.push(Attr { name, value: v0..i });
                }
            } else if name.is_empty() {
                i += 1;
            }
        }
        if tag == "script" || tag == "style" {
            let close = format!("</{tag}");
            i = html[i..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(b.len(), |e| i + e);
        }
    }
    out
}

/// Replace attribute values: `edits` are (value range, new value), in order.
fn apply(html: &str, edits: &[(std::ops::Range<usize>, String)]) -> String {
    let mut out = String::with_capacity(html.len() + edits.len() * 8);
    let mut at = 0;
    for (r, v) in edits {
        out.push_str(&html[at..r.start]);
        out.push_str(v);
        at = r.end;
    }
    out.push_str(&html[at..]);
    out
}

/// Resolve `href` (relative to folder `dir`) to an output path, `None` for external URLs.
fn resolve(dir: &str, path: &str) -> Option<String> {
    let scheme = path
        .find(':')
        .is_some_and(|c| !path[..c].contains(['/', '?', '#']));
    if scheme || path.starts_with('/') || path.contains('?') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Percent-decode an anchor as browsers match it against ids.
fn decode(s: &str) -> String {
    preprocessor_kit::html::percent_decode(s)
}

/// The `<main>` contents of one part's pages (`(output path, content)`, in order) joined into
/// one: each page in a `div.print-page` (a new printed page from the second on), ids made unique
/// across the part (a repeated id gets `-1`, `-2`, …), and links to a page of the part (or an
/// anchor in it) turned into links within the part. Links elsewhere stay as they are: the print
/// page is in the same folder as its pages, so they still resolve.
pub fn join_pages(dir: &str, pages: &[(String, String)]) -> String {
    let mut used: HashSet<String> = HashSet::new();
    let mut root_ids: HashMap<&str, String> = HashMap::new();
    for (path, _) in pages {
        let stem = path.rsplit('/').next().unwrap_or(path);
        let id = unique(
            &format!("print-{}", stem.trim_end_matches(".html")),
            &mut used,
        );
        root_ids.insert(path.as_str(), id);
    }
    // Pass 1: ids.
    let mut remap: HashMap<&str, HashMap<String, String>> = HashMap::new();
    let mut id_edits: Vec<Vec<(std::ops::Range<usize>, String)>> = Vec::new();
    for (path, content) in pages {
        let mut edits = Vec::new();
        let map = remap.entry(path.as_str()).or_default();
        for a in attrs(content) {
            if a.name.eq_ignore_ascii_case("id") {
                let id = &content[a.value.clone()];
                let new = unique(id, &mut used);
                if new != id {
                    map.insert(id.to_string(), new.clone());
                    edits.push((a.value, new));
                }
            }
        }
        id_edits.push(edits);
    }
    // Pass 2: links.
    let mut out = String::new();
    for (k, ((path, content), mut edits)) in pages.iter().zip(id_edits).enumerate() {
        for a in attrs(content) {
            if !a.name.eq_ignore_ascii_case("href") {
                continue;
            }
            let href = &content[a.value.clone()];
            let (p, anchor) = match href.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (href, None),
            };
            let target = if p.is_empty() {
                Some(path.clone())
            } else {
                resolve(dir, p)
            };
            let Some(target) = target else {
                continue;
            };
            let Some(root) = root_ids.get(target.as_str()) else {
                continue;
            };
            let new = match anchor {
                Some(a) if !a.is_empty() => {
                    match remap.get(target.as_str()).and_then(|m| m.get(&decode(a))) {
                        Some(id) => format!("#{id}"),
                        None => format!("#{a}"),
                    }
                }
                _ => format!("#{root}"),
            };
            if new != href {
                edits.push((a.value, new));
            }
        }
        edits.sort_by_key(|(r, _)| r.start);
        let style = if k == 0 {
            ""
        } else {
            " style=\"break-before: page; page-break-before: always;\""
        };
        out.push_str(&format!(
            "<div class=\"print-page\" id=\"{}\"{style}>",
            root_ids[path.as_str()]
        ));
        out.push_str(&apply(content, &edits));
        out.push_str("</div>\n");
    }
    out
}

fn unique(id: &str, used: &mut HashSet<String>) -> String {
    if used.insert(id.to_string()) {
        return id.to_string();
    }
    let mut n = 1;
    loop {
        let cand = format!("{id}-{n}");
        if used.insert(cand.clone()) {
            return cand;
        }
        n += 1;
    }
}

/// What a print part needs besides its pages.
pub struct Part<'a> {
    pub chapter: &'a PrintChapter,
    pub book_title: &'a str,
    /// 1-based part number and the number of parts.
    pub k: usize,
    pub n: usize,
    /// The first page index of each part.
    pub starts: &'a [usize],
}

/// A print page: `frame` (the chapter's own page as mdBook wrote it) with its `<main>` replaced by
/// `content`, its title saying it is the print version, kept out of search engines, and the print
/// dialog opened once loaded (as mdBook's print page does).
pub fn assemble(frame: &str, frame_path: &str, content: &str, part: &Part<'_>) -> Result<String> {
    let (m0, m1) = main_range(frame).with_context(|| format!("{frame_path}: no <main> element"))?;
    let t0 = frame
        .find("<title>")
        .with_context(|| format!("{frame_path}: no <title>"))?;
    let t1 = frame[t0..]
        .find("</title>")
        .map(|e| t0 + e + "</title>".len())
        .with_context(|| format!("{frame_path}: <title> not closed"))?;
    let head_end = frame
        .find("</head>")
        .with_context(|| format!("{frame_path}: no </head>"))?;
    let body_end = frame
        .rfind("</body>")
        .with_context(|| format!("{frame_path}: no </body>"))?;
    if !(t1 <= head_end && head_end < m0 && m1 < body_end) {
        bail!("{frame_path}: <title>, </head>, <main> and </body> are not in that order");
    }
    let which = if part.n > 1 {
        format!("打印版 {}/{}", part.k, part.n)
    } else {
        "打印版".to_string()
    };
    let title = format!(
        "<title>{}（{which}） - {}</title>\n        <meta name=\"robots\" content=\"noindex\">",
        escape_text(&part.chapter.name),
        escape_text(part.book_title)
    );
    let mut main = String::with_capacity(content.len() + 1024);
    if part.n > 1 {
        main.push_str(&parts_nav(part));
    }
    main.push_str(content);
    let mut out = String::with_capacity(frame.len() + main.len() + 256);
    out.push_str(&frame[..t0]);
    out.push_str(&title);
    out.push_str(&frame[t1..m0]);
    out.push('\n');
    out.push_str(&main);
    out.push_str(&frame[m1..body_end]);
    out.push_str(
        "<script>\n            window.addEventListener('load', function () {\n                \
         window.setTimeout(window.print, 100);\n            });\n        </script>\n    ",
    );
    out.push_str(&frame[body_end..]);
    let own = format!(
        "<a id=\"mdbook-print-chapter\" href=\"{}\"",
        part_file(part.k)
    );
    Ok(out.replacen(BUTTON, &own, 1))
}

/// The list of a chapter's print parts, shown on screen above a part's pages.
fn parts_nav(part: &Part<'_>) -> String {
    let mut s = format!(
        "<nav class=\"print-parts\" aria-label=\"打印版各部分\"><p>{}的打印版分为 {} 部分，每部分单独打印：</p><ol>",
        escape_text(&part.chapter.name),
        part.n
    );
    for (j, &start) in part.starts.iter().enumerate() {
        let end = part
            .starts
            .get(j + 1)
            .copied()
            .unwrap_or(part.chapter.pages.len());
        let first = &part.chapter.pages[start].1;
        let last = &part.chapter.pages[end.saturating_sub(1).max(start)].1;
        let span = if end - start > 1 {
            format!("{} — {}", escape_text(first), escape_text(last))
        } else {
            escape_text(first)
        };
        if j + 1 == part.k {
            s.push_str(&format!(
                "<li aria-current=\"page\"><strong>{span}</strong></li>"
            ));
        } else {
            s.push_str(&format!(
                "<li><a href=\"{}\">{span}</a></li>",
                part_file(j + 1)
            ));
        }
    }
    s.push_str("</ol></nav>\n");
    s
}

/// Point the print button of a page at print part `k`; `None` when the page has no such button
/// (the theme and this renderer must agree on it; the caller fails then).
pub fn retarget_button(page: &str, k: usize) -> Option<String> {
    page.contains(BUTTON).then(|| {
        page.replacen(
            BUTTON,
            &format!("<a id=\"mdbook-print-chapter\" href=\"{}\"", part_file(k)),
            1,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_made_unique_and_links_within_the_part_become_anchors() {
        let pages = vec![
            (
                "ch03/index.html".to_string(),
                "<h1 id=\"a\">A</h1><h2 id=\"习题\">x</h2><a href=\"3-1.html\">s</a> <a href=\"3-1.html#习题\">t</a> <a href=\"#%E4%B9%A0%E9%A2%98\">u</a>".to_string(),
            ),
            (
                "ch03/3-1.html".to_string(),
                "<h2 id='习题'>y</h2><a href=\"../ch01/1-1.html#z\">o</a><a href=\"https://x.org/3-1.html\">e</a><a href=\"#习题\">v</a><!-- <a href=\"3-1.html\"> --><script>var s = '<a id=\"a\">';</script>".to_string(),
            ),
        ];
        let out = join_pages("ch03", &pages);
        assert!(
            out.contains("<div class=\"print-page\" id=\"print-index\">"),
            "{out}"
        );
        assert!(
            out.contains("id=\"print-3-1\" style=\"break-before: page;"),
            "{out}"
        );
        assert!(out.contains("<a href=\"#print-3-1\">s</a>"), "{out}");
        assert!(out.contains("<a href=\"#习题-1\">t</a>"), "{out}");
        assert!(
            out.contains("<a href=\"#%E4%B9%A0%E9%A2%98\">u</a>"),
            "{out}"
        );
        assert!(out.contains("<h2 id='习题-1'>y</h2>"), "{out}");
        assert!(out.contains("href=\"../ch01/1-1.html#z\""), "{out}");
        assert!(out.contains("href=\"https://x.org/3-1.html\""), "{out}");
        assert!(out.contains("<a href=\"#习题-1\">v</a>"), "{out}");
        assert!(out.contains("<!-- <a href=\"3-1.html\"> -->"), "{out}");
        assert!(out.contains("var s = '<a id=\"a\">';"), "{out}");
    }

    #[test]
    fn parts_never_split_a_page_and_stay_in_budget() {
        assert_eq!(split(&[5, 5, 5], 100), vec![0]);
        assert_eq!(split(&[60, 30, 20, 90, 120, 1], 100), vec![0, 2, 3, 4, 5]);
        assert_eq!(split(&[], 100), vec![0]);
    }

    #[test]
    fn links_resolve_against_the_folder() {
        assert_eq!(
            resolve("ch03", "3-1.html").as_deref(),
            Some("ch03/3-1.html")
        );
        assert_eq!(
            resolve("ch03", "../ch03/./3-1.html").as_deref(),
            Some("ch03/3-1.html")
        );
        assert_eq!(resolve("ch03", "../../x.html"), None);
        assert_eq!(resolve("ch03", "mailto:a@b"), None);
        assert_eq!(resolve("ch03", "/abs.html"), None);
    }

    fn frame() -> String {
        "<html><head><title>第 3 章 - 书</title></head><body><nav>\
         <a id=\"mdbook-print-chapter\" href=\"print.html\" title=\"p\">p</a></nav>\
         <main><h1>old</h1></main><nav class=\"nav-wrapper\"></nav></body></html>"
            .into()
    }

    #[test]
    fn a_part_has_the_frame_its_pages_a_title_and_the_parts_list() {
        let ch = PrintChapter {
            name: "第 3 章 <DDPM>".into(),
            dir: "ch03".into(),
            pages: vec![
                ("ch03/index.html".into(), "第 3 章".into()),
                ("ch03/3-1.html".into(), "3.1".into()),
                ("ch03/3-2.html".into(), "3.2".into()),
            ],
        };
        let starts = [0, 1];
        let part = Part {
            chapter: &ch,
            book_title: "书",
            k: 2,
            n: 2,
            starts: &starts,
        };
        let out = assemble(&frame(), "ch03/index.html", "<p>new</p>", &part).unwrap();
        assert!(
            out.contains("<title>第 3 章 &lt;DDPM&gt;（打印版 2/2） - 书</title>"),
            "{out}"
        );
        assert!(out.contains("<meta name=\"robots\" content=\"noindex\">"));
        assert!(!out.contains("old"));
        assert!(
            out.contains("<p>new</p></main><nav class=\"nav-wrapper\">"),
            "{out}"
        );
        assert!(
            out.contains("<li><a href=\"print.html\">第 3 章</a></li>"),
            "{out}"
        );
        assert!(out.contains("<strong>3.1 — 3.2</strong>"), "{out}");
        assert!(out.contains("href=\"print-2.html\" title=\"p\""), "{out}");
        assert!(out.contains("window.setTimeout(window.print, 100);"));
        let single = Part {
            n: 1,
            k: 1,
            starts: &[0],
            ..part
        };
        let out = assemble(&frame(), "x", "<p>new</p>", &single).unwrap();
        assert!(!out.contains("print-parts"));
        assert!(out.contains("（打印版） - 书"));
        assert!(assemble("<html></html>", "ch03/index.html", "", &single).is_err());
    }

    fn chapter(name: &str, path: &str, subs: &[&str]) -> BookItem {
        let mut ch = Chapter::new(name, String::new(), path, vec![]);
        ch.sub_items = subs
            .iter()
            .map(|p| BookItem::Chapter(Chapter::new(p, String::new(), *p, vec![name.into()])))
            .collect();
        BookItem::Chapter(ch)
    }

    #[test]
    fn chapters_in_folders_get_print_pages_and_misplaced_pages_fail() {
        let book = Book::new_with_items(vec![
            chapter("前言", "preface.md", &[]),
            BookItem::PartTitle("正文".into()),
            chapter("第 1 章", "ch01/index.md", &["ch01/1-1.md", "ch01/1-2.md"]),
            BookItem::Separator,
            chapter("附录 A", "appendix-a/index.md", &[]),
        ]);
        let plan = plan(&book).unwrap();
        assert_eq!(plan.len(), 2);
        assert_eq!(plan[0].dir, "ch01");
        assert_eq!(
            plan[0]
                .pages
                .iter()
                .map(|(p, _)| p.as_str())
                .collect::<Vec<_>>(),
            ["ch01/index.html", "ch01/1-1.html", "ch01/1-2.html"]
        );
        assert_eq!(plan[1].pages.len(), 1);

        let outside =
            Book::new_with_items(vec![chapter("第 1 章", "ch01/index.md", &["ch02/x.md"])]);
        let e = plan_err(&outside);
        assert!(e.starts_with("ch02/x.md: a section of '第 1 章'"), "{e}");
        let shared = Book::new_with_items(vec![
            chapter("第 1 章", "ch01/index.md", &[]),
            chapter("第 1 章（续）", "ch01/more.md", &[]),
        ]);
        assert!(plan_err(&shared).contains("are both in folder 'ch01/'"));
        let under_root = Book::new_with_items(vec![chapter("前言", "preface.md", &["ch01/x.md"])]);
        assert!(plan_err(&under_root).starts_with("ch01/x.md: a page in folder 'ch01'"));
    }

    fn plan_err(book: &Book) -> String {
        format!("{:#}", plan(book).unwrap_err())
    }

    #[test]
    fn the_button_is_retargeted_only_where_the_theme_put_it() {
        let f = frame();
        assert!(
            retarget_button(&f, 3)
                .unwrap()
                .contains("href=\"print-3.html\"")
        );
        assert!(retarget_button("<html></html>", 3).is_none());
    }
}
