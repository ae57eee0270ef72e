//! Chinese typography for the book's sources (GB/T 15834): in Chinese prose, full-width
//! `，：；？！`, `……` and `。`, quotes 「」 (nested 『』), and full-width （） when the text inside
//! or right before them is Chinese. Half-width stays inside math, code, URLs, ids and English.
//!
//! The lint only looks at prose: for Markdown the text pulldown-cmark sees, minus everything
//! `preprocessor-kit`'s scanner protects and the book's own markup ([`markdown`]); for Python and
//! TOML the Chinese string literals ([`strings`]). [`fix`] rewrites prose only, keeps every line
//! count, and refuses a result whose non-prose text or Markdown structure differs from the input.

pub mod cjk;
pub mod markdown;
pub mod rules;
pub mod strings;

use std::ops::Range;
use std::path::Path;

use anyhow::{Result, bail};
use preprocessor_kit::scan::{Scan, markdown_options};
use preprocessor_kit::splice::Splicer;
use preprocessor_kit::{Diagnostic, SourceFile};
use pulldown_cmark::{Event, Parser};

pub use rules::{Finding, Flavour};

/// The prose of one file.
#[derive(Debug, Clone, Default)]
pub struct Prose {
    /// Sorted, disjoint byte ranges the rules apply to.
    pub ranges: Vec<Range<usize>>,
    /// Group of each range (a paragraph, a string literal): quotes and parentheses pair inside one.
    pub groups: Vec<usize>,
    /// Sorted, disjoint ranges that are not prose but sit inside it (math, code, tags, link
    /// targets, ids): looked past when deciding whether a mark stands in Chinese text.
    pub hidden: Vec<Range<usize>>,
}

/// Which kind of source a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Markdown,
    /// Python or TOML: Chinese string literals.
    Strings,
}

impl Kind {
    pub fn of(path: &Path) -> Option<Kind> {
        match path.extension()?.to_str()? {
            "md" => Some(Kind::Markdown),
            "py" | "toml" => Some(Kind::Strings),
            _ => None,
        }
    }

    fn flavour(self) -> Flavour {
        match self {
            Kind::Markdown => Flavour::Markdown,
            Kind::Strings => Flavour::Strings,
        }
    }
}

pub fn prose(kind: Kind, text: &str) -> Prose {
    match kind {
        Kind::Markdown => markdown::prose(text),
        Kind::Strings => strings::prose(text),
    }
}

/// Every problem in `text`.
pub fn findings(kind: Kind, text: &str) -> Vec<Finding> {
    rules::check(text, &prose(kind, text), kind.flavour())
}

/// The problems as `file:line:col` diagnostics (with the fix as a note where there is one).
pub fn diagnostics(kind: Kind, display: &str, text: &str) -> Vec<Diagnostic> {
    let src = SourceFile::new(display, text);
    findings(kind, text)
        .into_iter()
        .map(|f| {
            let d = Diagnostic::at(&src, f.offset, f.message);
            if f.edits.is_empty() {
                d.note("not fixed by --fix")
            } else {
                d
            }
        })
        .collect()
}

/// `text` with every fixable problem fixed. Applies the fixes until none is left (a fix can make
/// a neighbour Chinese: `(见 3.2 节),` → `（见 3.2 节）,` → `（见 3.2 节），`), then checks that the
/// text outside prose and the Markdown structure are unchanged.
pub fn fix(kind: Kind, display: &str, text: &str) -> Result<String> {
    let mut cur = text.to_string();
    // Every round turns at least one half-width mark full-width and none back, so a chain of
    // neighbours (`,,(a),(b),[中,文]`) settles within one round per half-width mark.
    let rounds = text.chars().filter(|c| ",:;?!()\"".contains(*c)).count() + 2;
    for _ in 0..rounds {
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        for f in findings(kind, &cur) {
            if f.edits.is_empty() {
                continue;
            }
            // A finding's edits go in together or wait for the next round.
            let clash = f.edits.iter().any(|(r, w)| {
                edits
                    .iter()
                    .any(|(s, v)| r.start < s.end && s.start < r.end && !(r == s && w == v))
            });
            if !clash {
                for e in f.edits {
                    if !edits.contains(&e) {
                        edits.push(e);
                    }
                }
            }
        }
        if edits.is_empty() {
            verify(kind, display, text, &cur)?;
            return Ok(cur);
        }
        let mut s = Splicer::new();
        for (r, w) in edits {
            s.replace(r, w);
        }
        cur = s.apply(&cur)?;
    }
    bail!("{display}: --fix did not settle after {rounds} rounds (a bug in typography-lint)")
}

/// The text between prose ranges, in order: what `--fix` must never change.
pub fn outside_prose(kind: Kind, text: &str) -> Vec<String> {
    let p = prose(kind, text);
    let mut out = Vec::new();
    let mut pos = 0;
    for r in &p.ranges {
        out.push(text[pos..r.start].to_string());
        pos = r.end;
    }
    out.push(text[pos..].to_string());
    out
}

/// The Markdown structure: every event but text and raw HTML, with code and math verbatim.
pub fn structure(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Parser::new_ext(text, markdown_options())
        .filter_map(|e| match e {
            // Text may change; raw HTML holds prose too (its tags are checked by outside_prose).
            Event::Text(_) | Event::Html(_) | Event::InlineHtml(_) => None,
            e => Some(format!("{e:?}")),
        })
        .collect();
    let scan = Scan::new(text);
    out.extend(scan.math.iter().map(|m| text[m.range.clone()].to_string()));
    out
}

fn verify(kind: Kind, display: &str, before: &str, after: &str) -> Result<()> {
    if before.matches('\n').count() != after.matches('\n').count() {
        bail!("{display}: --fix would change the number of lines (a bug in typography-lint)");
    }
    let (a, b) = (outside_prose(kind, before), outside_prose(kind, after));
    if a != b {
        let at = a
            .iter()
            .zip(&b)
            .find(|(x, y)| x != y)
            .map(|(x, y)| format!("'{x}' became '{y}'"))
            .unwrap_or_else(|| format!("{} segments became {}", a.len(), b.len()));
        bail!("{display}: --fix would change text outside prose ({at}); nothing written");
    }
    if kind == Kind::Markdown && structure(before) != structure(after) {
        let (sa, sb) = (structure(before), structure(after));
        let at = sa
            .iter()
            .zip(&sb)
            .find(|(x, y)| x != y)
            .map(|(x, y)| format!("{x} became {y}"))
            .unwrap_or_default();
        bail!("{display}: --fix would change the Markdown structure ({at}); nothing written");
    }
    Ok(())
}

/// Sort and merge overlapping or touching ranges.
pub fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.retain(|r| r.start < r.end);
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// `from` minus `minus` (both sorted and disjoint).
pub fn subtract(from: &[Range<usize>], minus: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for r in from {
        let mut start = r.start;
        let i = minus.partition_point(|m| m.end <= r.start);
        for m in &minus[i..] {
            if m.start >= r.end {
                break;
            }
            if m.start > start {
                out.push(start..m.start);
            }
            start = start.max(m.end);
        }
        if start < r.end {
            out.push(start..r.end);
        }
    }
    out
}
