//! Where the prose is in a Markdown page.
//!
//! Prose is the text pulldown-cmark reports as text (outside code blocks) plus the text between
//! tags of raw HTML blocks (a `<figcaption>`), minus everything `preprocessor-kit`'s scanner
//! protects (code spans and blocks, HTML tags, comments, `<pre>`/`<svg>`/`<script>`, math) and
//! minus the book's own markup that pulldown-cmark sees as text: `:::` directive lines up to the
//! end of their `{…}` attributes (the title after them is prose), `{{#include …}}`, `{#id}` labels,
//! `[@key]` citations, footnote labels, HTML entities, backslash escapes and bare URLs.

use std::ops::Range;

use preprocessor_kit::scan::{Scan, markdown_options};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::{Prose, merge, subtract};

pub fn prose(text: &str) -> Prose {
    let scan = Scan::new(text);
    let mut candidates: Vec<Range<usize>> = Vec::new();
    let mut links: Vec<Range<usize>> = Vec::new();
    let mut code_depth = 0usize;
    let mut html_block: Option<usize> = None;
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code_depth += 1,
            Event::End(TagEnd::CodeBlock) => code_depth = code_depth.saturating_sub(1),
            Event::Text(_) if code_depth == 0 && html_block.is_none() => candidates.push(range),
            Event::Start(Tag::HtmlBlock) => html_block = Some(range.start),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(start) = html_block.take() {
                    candidates.push(start..range.end);
                }
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => links.push(range),
            _ => {}
        }
    }
    let candidates = merge(candidates);

    let mut hidden: Vec<Range<usize>> = scan.protected.clone();
    hidden.extend(scan.math.iter().map(|m| m.range.clone()));
    // A link's markup (`[`, `](target)`) is whatever of it is not text.
    for l in &links {
        hidden.extend(subtract(std::slice::from_ref(l), &candidates));
    }
    hidden.extend(directive_attrs(text, &scan));
    for r in &candidates {
        book_markup(text, r.clone(), &mut hidden);
    }
    let hidden = merge(hidden);
    let ranges = subtract(&candidates, &hidden);
    let groups = paragraph_ids(text, &ranges);
    Prose {
        ranges,
        groups,
        hidden,
    }
}

/// `::: name {…}` at the start of a line (at most three spaces in): the colons, the name and the
/// attributes. The title after them stays prose; `:::` alone is all markup.
fn directive_attrs(text: &str, scan: &Scan) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let end = text[start..].find('\n').map_or(text.len(), |p| start + p);
        let line = &text[start..end];
        let indent = line.len() - line.trim_start_matches(' ').len();
        if indent <= 3 && line[indent..].starts_with(":::") && scan.is_free(start + indent) {
            let b = text.as_bytes();
            let mut p = start + indent;
            while p < end && b[p] == b':' {
                p += 1;
            }
            while p < end && b[p] == b' ' {
                p += 1;
            }
            while p < end && (b[p].is_ascii_alphanumeric() || b[p] == b'-') {
                p += 1;
            }
            let after = text[p..end].trim_start();
            if after.starts_with('{') {
                let brace = end - after.len();
                p = text[brace..end].find('}').map_or(end, |c| brace + c + 1);
            }
            out.push(start + indent..p);
        }
        start = end + 1;
    }
    out
}

/// Markup of the book and of Markdown that pulldown-cmark reports as text.
fn book_markup(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let at = r.start + i;
        let rest = &s[i..];
        let found = if rest.starts_with("{{") {
            rest.find("}}").map(|e| e + 2)
        } else if rest.starts_with("{#") || rest.starts_with("{.") {
            rest.find('}').map(|e| e + 1)
        } else if rest.starts_with("[@") {
            rest.find(']').map(|e| e + 1)
        } else if rest.starts_with("[^") {
            // A footnote definition's label includes its colon.
            rest.find(']').map(|e| {
                if rest[e + 1..].starts_with(':') {
                    e + 2
                } else {
                    e + 1
                }
            })
        } else if b[i] == b'&' {
            let n = rest[1..]
                .bytes()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == b'#')
                .count();
            (n > 0 && rest[1 + n..].starts_with(';')).then_some(n + 2)
        } else if b[i] == b'\\' {
            rest[1..]
                .chars()
                .next()
                .filter(char::is_ascii_punctuation)
                .map(|_| 2)
        } else if rest.starts_with("http://") || rest.starts_with("https://") {
            Some(url_len(rest))
        } else {
            None
        };
        match found {
            Some(n) if n > 0 => {
                out.push(at..at + n);
                i += n;
            }
            _ => i += s[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
}

/// Length of a bare URL: up to white space or a non-ASCII character, without trailing
/// sentence punctuation or an unbalanced closing parenthesis.
pub fn url_len(s: &str) -> usize {
    let mut n = s
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || !c.is_ascii() || matches!(c, '<' | '>' | '"'))
        .map_or(s.len(), |(i, _)| i);
    loop {
        let t = &s[..n];
        let Some(last) = t.chars().next_back() else {
            return n;
        };
        let unbalanced = last == ')' && t.matches('(').count() < t.matches(')').count();
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | ']') || unbalanced {
            n -= 1;
        } else {
            return n;
        }
    }
}

/// Paragraph number of each range: blank lines separate paragraphs.
fn paragraph_ids(text: &str, ranges: &[Range<usize>]) -> Vec<usize> {
    let mut blanks = Vec::new();
    let b = text.as_bytes();
    let mut line_start = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' {
            if text[line_start..i].trim().is_empty() {
                blanks.push(line_start);
            }
            line_start = i + 1;
        }
    }
    ranges
        .iter()
        .map(|r| blanks.partition_point(|&s| s < r.start))
        .collect()
}
