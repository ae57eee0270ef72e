//! What a reader would see broken, checked on the HTML mdBook wrote (no network):
//! broken internal links and anchors, missing images, SUMMARY pages that did not render, leftover
//! `:::` directives, `$`-TeX, `{{#include}}` or `katex-error`, exercises without a folded answer,
//! remote scripts/stylesheets/fonts, PyTorch names in prose that are not linked, and malformed
//! external URLs or arXiv ids, and pages over [`MAX_PAGE_BYTES`] uncompressed. Problems name the page and the element.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use preprocessor_kit::html::MAX_PAGE_BYTES;
use preprocessor_kit::output::rel_path;
use preprocessor_kit::refs::is_arxiv_id;
use preprocessor_kit::scan::Scan;
use scraper::{ElementRef, Html, Node, Selector};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Page relative to the HTML root, e.g. `ch01/1-1.html`.
    pub page: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.page, self.message)
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub pages: usize,
    pub problems: Vec<Problem>,
    /// Every external domain linked from the book, for a maintainer to review.
    pub domains: BTreeSet<String>,
}

struct Page {
    rel: String,
    doc: Html,
}

fn sel(s: &str) -> Selector {
    // Selectors below are literals; a typo is a bug caught by the tests, not input.
    Selector::parse(s).unwrap_or_else(|e| panic!("bad selector {s}: {e}"))
}

/// Check the book built into `html_dir` from the sources in `src_dir`.
pub fn check(html_dir: &Path, src_dir: &Path) -> Result<Report> {
    let mut report = Report::default();
    let mut pages = Vec::new();
    let mut too_big = Vec::new();
    for e in walkdir::WalkDir::new(html_dir) {
        let e = e.with_context(|| format!("walking {}", html_dir.display()))?;
        if e.path().extension().is_some_and(|x| x == "html") {
            let rel = rel_path(html_dir, e.path());
            let text = std::fs::read_to_string(e.path())
                .with_context(|| format!("reading {}", e.path().display()))?;
            if text.len() > MAX_PAGE_BYTES {
                too_big.push(Problem {
                    page: rel.clone(),
                    message: format!(
                        "page is {:.2} MB, over the {} MB limit (uncompressed): browsers open and \
                         print such pages slowly or not at all; split it",
                        text.len() as f64 / (1024.0 * 1024.0),
                        MAX_PAGE_BYTES / (1024 * 1024)
                    ),
                });
            }
            pages.push(Page {
                rel,
                doc: Html::parse_document(&text),
            });
        }
    }
    pages.sort_by(|a, b| a.rel.cmp(&b.rel));
    report.pages = pages.len();
    let ids: HashMap<&str, HashSet<String>> = pages
        .iter()
        .map(|p| (p.rel.as_str(), element_ids(&p.doc)))
        .collect();
    let mut problems = too_big;
    for p in &pages {
        let mut push = |m: String| {
            problems.push(Problem {
                page: p.rel.clone(),
                message: m,
            })
        };
        check_links(p, html_dir, &ids, &mut push, &mut report.domains);
        check_remote_assets(p, &mut push);
        if p.rel != "print.html" {
            check_text(p, &mut push);
            check_exercises(p, &mut push);
            check_api_links(p, &mut push);
        }
    }
    check_summary(html_dir, src_dir, &mut problems)?;
    check_css(html_dir, &mut problems)?;
    report.problems = problems;
    Ok(report)
}

fn element_ids(doc: &Html) -> HashSet<String> {
    doc.select(&sel("[id], a[name]"))
        .filter_map(|e| e.value().attr("id").or_else(|| e.value().attr("name")))
        .map(str::to_string)
        .collect()
}

pub use preprocessor_kit::html::percent_decode;

fn describe(e: &ElementRef<'_>, attr: &str, value: &str) -> String {
    let text: String = e
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let text: String = text.chars().take(40).collect();
    if text.is_empty() {
        format!("<{} {attr}=\"{value}\">", e.value().name())
    } else {
        format!("<{} {attr}=\"{value}\"> «{text}»", e.value().name())
    }
}

fn check_links(
    p: &Page,
    root: &Path,
    ids: &HashMap<&str, HashSet<String>>,
    push: &mut dyn FnMut(String),
    domains: &mut BTreeSet<String>,
) {
    for (selector, attr) in [
        ("a[href]", "href"),
        ("img[src]", "src"),
        ("link[href]", "href"),
        ("script[src]", "src"),
        ("source[src]", "src"),
    ] {
        for e in p.doc.select(&sel(selector)) {
            let Some(v) = e.value().attr(attr) else {
                continue;
            };
            let v = v.trim();
            if v.is_empty() {
                push(format!("empty {attr} on {}", describe(&e, attr, v)));
                continue;
            }
            if let Some(rest) = v
                .strip_prefix("http://")
                .or_else(|| v.strip_prefix("https://"))
            {
                match check_external(v, rest) {
                    Ok(domain) => {
                        domains.insert(domain);
                    }
                    Err(m) => push(format!("{m}: {}", describe(&e, attr, v))),
                }
                continue;
            }
            if v.starts_with("//") {
                push(format!(
                    "protocol-relative URL (remote): {}",
                    describe(&e, attr, v)
                ));
                continue;
            }
            if v.starts_with("mailto:") || v.starts_with("javascript:") || v.starts_with("data:") {
                continue;
            }
            if v.contains("://") {
                push(format!("unsupported URL scheme: {}", describe(&e, attr, v)));
                continue;
            }
            let (path_part, frag) = v.split_once('#').unwrap_or((v, ""));
            let path_part = path_part.split('?').next().unwrap_or("");
            let target = if path_part.is_empty() {
                p.rel.clone()
            } else {
                match resolve(&p.rel, &percent_decode(path_part)) {
                    Some(t) => t,
                    None => {
                        push(format!("link leaves the book: {}", describe(&e, attr, v)));
                        continue;
                    }
                }
            };
            let file = root.join(&target);
            let file = if file.is_dir() {
                file.join("index.html")
            } else {
                file
            };
            if !file.exists() {
                let what = if attr == "src" && e.value().name() == "img" {
                    "missing image"
                } else {
                    "broken link"
                };
                push(format!("{what} (no {target}): {}", describe(&e, attr, v)));
                continue;
            }
            if !frag.is_empty() && target.ends_with(".html") {
                let frag = percent_decode(frag);
                let has = ids.get(target.as_str()).is_some_and(|s| s.contains(&frag));
                if !has {
                    push(format!(
                        "broken anchor '#{frag}' (no such id in {target}): {}",
                        describe(&e, attr, v)
                    ));
                }
            }
        }
    }
}

/// Resolve `href` relative to the page `from` (both `/`-separated, relative to the root).
fn resolve(from: &str, href: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    if href.starts_with('/') {
        parts.clear();
    }
    for seg in href.split('/') {
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

/// Syntax of an external URL (no network); returns its domain.
fn check_external(url: &str, rest: &str) -> Result<String, String> {
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_only = host.split(':').next().unwrap_or("");
    let valid = !host_only.is_empty()
        && host_only.contains('.')
        && host_only
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>');
    if !valid {
        return Err("malformed external URL".into());
    }
    let path = &rest[host.len()..];
    if host_only == "arxiv.org" || host_only == "www.arxiv.org" {
        let id = path
            .strip_prefix("/abs/")
            .or_else(|| path.strip_prefix("/pdf/"));
        match id {
            Some(id) if is_arxiv_id(id.trim_end_matches(".pdf")) => {}
            _ => {
                return Err(format!(
                    "malformed arXiv link (id '{}')",
                    path.trim_start_matches('/')
                ));
            }
        }
    }
    Ok(host_only.to_ascii_lowercase())
}

fn check_remote_assets(p: &Page, push: &mut dyn FnMut(String)) {
    for e in p
        .doc
        .select(&sel("script[src], link[href], img[src], iframe[src]"))
    {
        let is_link = e.value().name() == "link";
        let rel = e.value().attr("rel").unwrap_or("");
        if is_link
            && !(rel.contains("stylesheet")
                || rel.contains("preload")
                || rel.contains("icon")
                || rel.contains("manifest"))
        {
            continue;
        }
        let v = e
            .value()
            .attr("src")
            .or_else(|| e.value().attr("href"))
            .unwrap_or("");
        if v.starts_with("http://") || v.starts_with("https://") || v.starts_with("//") {
            push(format!(
                "remote resource (the book must work offline): {}",
                describe(&e, "src", v)
            ));
        }
    }
    for style in p.doc.select(&sel("style")) {
        let css: String = style.text().collect();
        if let Some(u) = remote_url_in_css(&css) {
            push(format!("remote resource in inline <style>: {u}"));
        }
    }
}

fn remote_url_in_css(css: &str) -> Option<String> {
    let lower = css.to_ascii_lowercase();
    for pat in [
        "url(http",
        "url('http",
        "url(\"http",
        "url(//",
        "@import \"http",
        "@import 'http",
    ] {
        if let Some(i) = lower.find(pat) {
            return Some(css[i..].chars().take(80).collect());
        }
    }
    None
}

fn check_css(root: &Path, problems: &mut Vec<Problem>) -> Result<()> {
    for e in walkdir::WalkDir::new(root) {
        let e = e?;
        if e.path().extension().is_some_and(|x| x == "css") {
            let css = std::fs::read_to_string(e.path()).unwrap_or_default();
            if let Some(u) = remote_url_in_css(&css) {
                problems.push(Problem {
                    page: rel_path(root, e.path()),
                    message: format!("remote resource (the book must work offline): {u}"),
                });
            }
        }
    }
    Ok(())
}

/// Text nodes of `<main>` outside code, KaTeX output and scripts.
fn prose_texts(doc: &Html) -> Vec<String> {
    let mut out = Vec::new();
    for main in doc.select(&sel("main")) {
        for node in main.descendants() {
            let Node::Text(t) = node.value() else {
                continue;
            };
            let skip = node.ancestors().any(|a| {
                a.value().as_element().is_some_and(|el| {
                    matches!(
                        el.name(),
                        "pre" | "code" | "script" | "style" | "annotation" | "math"
                    ) || el.classes().any(|c| c == "katex" || c == "katex-display")
                })
            });
            if !skip {
                out.push(t.text.to_string());
            }
        }
    }
    out
}

fn check_text(p: &Page, push: &mut dyn FnMut(String)) {
    if p.doc.select(&sel(".katex-error")).next().is_some() {
        for e in p.doc.select(&sel(".katex-error")) {
            push(format!(
                "KaTeX error: {}",
                e.value().attr("title").unwrap_or("(no message)")
            ));
        }
    }
    let texts = prose_texts(&p.doc);
    let joined = texts.join("");
    for line in joined.lines() {
        let t = line.trim_start();
        if t.starts_with(":::") {
            push(format!(
                "leftover directive '{}'",
                t.chars().take(60).collect::<String>()
            ));
        }
        if t.contains("{{#") {
            push(format!(
                "unexpanded mdBook include '{}'",
                t.chars().take(80).collect::<String>()
            ));
        }
    }
    for t in &texts {
        let scan = Scan::new(t);
        if let Some(m) = scan.math.first() {
            push(format!(
                "leftover TeX '{}'",
                t[m.range.clone()].chars().take(60).collect::<String>()
            ));
        }
    }
}

fn check_exercises(p: &Page, push: &mut dyn FnMut(String)) {
    for ex in p.doc.select(&sel("section.exercise")) {
        let id = ex.value().attr("id").unwrap_or("?");
        let answers = ex.select(&sel("details.answer")).count();
        if answers != 1 {
            push(format!(
                "exercise #{id} has {answers} answers (one folded answer expected)"
            ));
        }
        for d in ex.select(&sel("details[open]")) {
            let class = d.value().attr("class").unwrap_or("details");
            push(format!(
                "exercise #{id}: <details class=\"{class}\"> is open by default"
            ));
        }
    }
}

/// A `<code>` in prose that names a PyTorch API must sit inside `a.torch-api`.
fn check_api_links(p: &Page, push: &mut dyn FnMut(String)) {
    for main in p.doc.select(&sel("main")) {
        for code in main.select(&sel("code")) {
            let text: String = code.text().collect();
            if !looks_like_api(&text) {
                continue;
            }
            let allowed = code.ancestors().any(|a| {
                a.value().as_element().is_some_and(|el| {
                    matches!(el.name(), "pre" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
                        || (el.name() == "a" && el.classes().any(|c| c == "torch-api"))
                })
            });
            if !allowed {
                push(format!(
                    "PyTorch name not linked to its docs: <code>{text}</code>"
                ));
            }
        }
    }
}

fn looks_like_api(s: &str) -> bool {
    let s = s.trim();
    ["torch.", "nn.", "F."].iter().any(|p| {
        s.strip_prefix(p).is_some_and(|r| {
            r.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        })
    })
}

/// Every page listed in SUMMARY.md rendered.
fn check_summary(root: &Path, src: &Path, problems: &mut Vec<Problem>) -> Result<()> {
    let summary_path = src.join("SUMMARY.md");
    let summary = std::fs::read_to_string(&summary_path)
        .with_context(|| format!("reading {}", summary_path.display()))?;
    for (i, line) in summary.lines().enumerate() {
        let Some(start) = line.find("](") else {
            continue;
        };
        let rest = &line[start + 2..];
        let Some(end) = rest.find(')') else { continue };
        let md = &rest[..end];
        if md.is_empty() || !md.ends_with(".md") {
            continue;
        }
        let html: PathBuf = root.join(Path::new(md).with_extension("html"));
        if !html.exists() {
            problems.push(Problem {
                page: format!("{}:{}", summary_path.display(), i + 1),
                message: format!("page '{md}' is listed in SUMMARY.md but did not render"),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_and_resolving() {
        assert_eq!(percent_decode("%E5%89%8D%E8%A8%80"), "前言");
        assert_eq!(
            resolve("ch01/1-1.html", "../ch03/3-2.html").as_deref(),
            Some("ch03/3-2.html")
        );
        assert_eq!(resolve("index.html", "../x.html"), None);
    }

    #[test]
    fn external_urls() {
        assert_eq!(
            check_external(
                "https://arxiv.org/abs/2006.11239",
                "arxiv.org/abs/2006.11239"
            )
            .as_deref(),
            Ok("arxiv.org")
        );
        assert!(
            check_external("https://arxiv.org/abs/2006.1123", "arxiv.org/abs/2006.1123").is_err()
        );
        assert!(check_external("https://bad host/x", "bad host/x").is_err());
        assert!(check_external("https://localhost/x", "localhost/x").is_err());
    }

    #[test]
    fn api_shapes() {
        assert!(looks_like_api("torch.randn_like"));
        assert!(looks_like_api("F.mse_loss(x, y)"));
        assert!(!looks_like_api("torch"));
        assert!(!looks_like_api("x.shape"));
    }
}
