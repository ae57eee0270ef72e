//! Where things are in a chapter's Markdown: code, raw HTML, math, headings and links.
//!
//! One pass of pulldown-cmark's offset iterator finds code blocks, code spans, raw HTML, headings and
//! links; a second, linear pass finds `$…$` / `$$…$$` math in the text that is left. Consumers ask
//! "is this offset free?" so a directive, an API name or a citation is never found inside code, math
//! or an HTML tag.
//!
//! Math rule (pandoc's `tex_math_dollars`): `$$` opens display math and the next `$$` closes it;
//! `$` opens inline math when the next character is not white space, and a later `$` closes it when
//! the character before is not white space and the character after is not a digit. `\$` is a literal
//! dollar. Math never spans a blank line; an inline `$` with no closer is a literal dollar (`$5`), an
//! unclosed `$$` is an error.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The Markdown options mdBook's HTML renderer uses, so our view of the page matches what it renders.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// An inline code span (backticks included in `range`, excluded in `inner`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeSpan {
    pub range: Range<usize>,
    pub inner: Range<usize>,
    pub in_heading: bool,
    pub in_link: bool,
}

/// A math span: `range` includes the dollars, `inner` is the TeX.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MathSpan {
    pub range: Range<usize>,
    pub inner: Range<usize>,
    pub display: bool,
}

/// An inline Markdown link `[text](dest)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkSpan {
    pub range: Range<usize>,
    /// The link text between the brackets.
    pub text: Range<usize>,
    pub dest: String,
}

/// A problem the scanner itself found (an unclosed `$$`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    pub offset: usize,
    pub message: String,
}

/// Everything the preprocessors need to know about where things are in one page.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Sorted, disjoint ranges of code blocks, code spans and raw HTML tags/comments/raw elements.
    pub protected: Vec<Range<usize>>,
    pub code_spans: Vec<CodeSpan>,
    /// Fenced and indented code blocks, in document order.
    pub code_blocks: Vec<Range<usize>>,
    pub math: Vec<MathSpan>,
    pub headings: Vec<Range<usize>>,
    pub links: Vec<LinkSpan>,
    pub errors: Vec<ScanError>,
    /// `protected` and `math` merged: offsets inside these hold no directives, names or citations.
    blocked: Vec<Range<usize>>,
}

impl Scan {
    pub fn new(text: &str) -> Scan {
        let mut scan = Scan::default();
        let mut heading_depth = 0usize;
        let mut link_depth = 0usize;
        let mut html_block_start: Option<usize> = None;
        for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
            match event {
                Event::Start(Tag::CodeBlock(_)) => {
                    scan.code_blocks.push(range.clone());
                    scan.protected.push(range);
                }
                Event::Start(Tag::Heading { .. }) => {
                    heading_depth += 1;
                    scan.headings.push(range);
                }
                Event::End(TagEnd::Heading(_)) => heading_depth = heading_depth.saturating_sub(1),
                Event::Start(Tag::Link { dest_url, .. }) => {
                    link_depth += 1;
                    if let Some(link) = inline_link(text, range, &dest_url) {
                        scan.links.push(link);
                    }
                }
                Event::End(TagEnd::Link) => link_depth = link_depth.saturating_sub(1),
                Event::Start(Tag::HtmlBlock) => html_block_start = Some(range.start),
                Event::End(TagEnd::HtmlBlock) => {
                    if let Some(start) = html_block_start.take() {
                        html_protected(text, start..range.end, &mut scan.protected);
                    }
                }
                Event::InlineHtml(_) => scan.protected.push(range),
                Event::Code(_) => {
                    let inner = code_inner(text, range.clone());
                    scan.protected.push(range.clone());
                    scan.code_spans.push(CodeSpan {
                        range,
                        inner,
                        in_heading: heading_depth > 0,
                        in_link: link_depth > 0,
                    });
                }
                _ => {}
            }
        }
        scan.protected = merge(scan.protected);
        find_math(text, &scan.protected, &mut scan.math, &mut scan.errors);
        let mut blocked = scan.protected.clone();
        blocked.extend(scan.math.iter().map(|m| m.range.clone()));
        scan.blocked = merge(blocked);
        scan
    }

    /// True when `offset` is not inside code, raw HTML or math.
    pub fn is_free(&self, offset: usize) -> bool {
        !contains(&self.blocked, offset)
    }

    /// True when `offset` is inside code or raw HTML (math does not count).
    pub fn is_protected(&self, offset: usize) -> bool {
        contains(&self.protected, offset)
    }

    /// True when any byte of `range` is blocked.
    pub fn overlaps_blocked(&self, range: Range<usize>) -> bool {
        let i = self.blocked.partition_point(|r| r.end <= range.start);
        self.blocked.get(i).is_some_and(|r| r.start < range.end)
    }

    /// True when `offset` is inside a fenced or indented code block.
    pub fn in_code_block(&self, offset: usize) -> bool {
        contains(&self.code_blocks, offset)
    }

    /// True when `offset` is inside a heading.
    pub fn in_heading(&self, offset: usize) -> bool {
        self.headings.iter().any(|r| r.contains(&offset))
    }
}

fn contains(sorted: &[Range<usize>], offset: usize) -> bool {
    let i = sorted.partition_point(|r| r.end <= offset);
    sorted.get(i).is_some_and(|r| r.start <= offset)
}

fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
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

fn code_inner(text: &str, range: Range<usize>) -> Range<usize> {
    let s = &text[range.clone()];
    let ticks = s.bytes().take_while(|&b| b == b'`').count();
    let (mut a, mut b) = (
        range.start + ticks,
        range.end.saturating_sub(ticks).max(range.start + ticks),
    );
    // CommonMark strips one space on each side when both are present.
    let inner = &text[a..b];
    if inner.len() >= 2
        && inner.starts_with(' ')
        && inner.ends_with(' ')
        && !inner.trim().is_empty()
    {
        a += 1;
        b -= 1;
    }
    a..b
}

fn inline_link(text: &str, range: Range<usize>, dest: &str) -> Option<LinkSpan> {
    let s = text.get(range.clone())?;
    if !s.starts_with('[') || !s.ends_with(')') {
        return None;
    }
    let close = s.rfind("](")?;
    Some(LinkSpan {
        text: range.start + 1..range.start + close,
        range,
        dest: dest.to_string(),
    })
}

/// Elements whose content is not Markdown text: nothing inside them may be found.
const RAW_ELEMENTS: [&str; 6] = ["pre", "code", "script", "style", "textarea", "svg"];

/// Inside an HTML block, protect tags, comments and raw elements, but leave the text between tags
/// free: an exercise title inside `<h4>` still has its math rendered.
fn html_protected(text: &str, block: Range<usize>, out: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    let mut i = block.start;
    while i < block.end {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        if text[i..block.end].starts_with("<!--") {
            let end = text[i + 4..block.end]
                .find("-->")
                .map_or(block.end, |p| i + 4 + p + 3);
            out.push(i..end);
            i = end;
            continue;
        }
        let Some(end) = tag_end(bytes, i, block.end) else {
            i += 1;
            continue;
        };
        let name = tag_name(&text[i..end]);
        let mut stop = end;
        if let Some(name) = name.filter(|n| RAW_ELEMENTS.contains(&n.as_str())) {
            let close = format!("</{name}");
            let lower = text[end..block.end].to_ascii_lowercase();
            stop = lower.find(&close).map_or(block.end, |p| {
                let c = end + p;
                tag_end(bytes, c, block.end).unwrap_or(block.end)
            });
        }
        out.push(i..stop);
        i = stop;
    }
}

/// End (exclusive) of the tag starting at `start` (`<name …>` or `</name>`), honouring quotes.
fn tag_end(bytes: &[u8], start: usize, limit: usize) -> Option<usize> {
    let next = *bytes.get(start + 1)?;
    let first = if next == b'/' {
        *bytes.get(start + 2)?
    } else {
        next
    };
    if !first.is_ascii_alphabetic() {
        return None;
    }
    let mut quote: Option<u8> = None;
    let mut j = start + 1;
    while j < limit {
        let b = bytes[j];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return Some(j + 1),
            None => {}
        }
        j += 1;
    }
    None
}

/// Lowercase name of an opening tag, `None` for closing tags.
fn tag_name(tag: &str) -> Option<String> {
    let rest = tag.strip_prefix('<')?;
    if rest.starts_with('/') {
        return None;
    }
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    Some(name.to_ascii_lowercase())
}

/// Find math spans in the gaps between protected ranges. Linear in the text length.
fn find_math(
    text: &str,
    protected: &[Range<usize>],
    out: &mut Vec<MathSpan>,
    errors: &mut Vec<ScanError>,
) {
    let mut start = 0;
    for r in protected
        .iter()
        .chain(std::iter::once(&(text.len()..text.len())))
    {
        if start < r.start {
            find_math_in(text, start..r.start, out, errors);
        }
        start = start.max(r.end);
    }
}

fn find_math_in(
    text: &str,
    seg: Range<usize>,
    out: &mut Vec<MathSpan>,
    errors: &mut Vec<ScanError>,
) {
    let b = text.as_bytes();
    let mut i = seg.start;
    while i < seg.end {
        match b[i] {
            b'\\' => i += 2,
            b'$' if b.get(i + 1) == Some(&b'$') && i + 1 < seg.end => {
                match find_display_close(text, i + 2, seg.end) {
                    Some(close) => {
                        out.push(MathSpan {
                            range: i..close + 2,
                            inner: i + 2..close,
                            display: true,
                        });
                        i = close + 2;
                    }
                    None => {
                        errors.push(ScanError {
                            offset: i,
                            message:
                                "unclosed display math '$$' (no closing '$$' before a blank line)"
                                    .into(),
                        });
                        i += 2;
                    }
                }
            }
            b'$' => {
                let opens =
                    b.get(i + 1).is_some_and(|c| !c.is_ascii_whitespace()) && i + 1 < seg.end;
                match opens
                    .then(|| find_inline_close(text, i + 1, seg.end))
                    .flatten()
                {
                    Some(close) => {
                        out.push(MathSpan {
                            range: i..close + 1,
                            inner: i + 1..close,
                            display: false,
                        });
                        i = close + 1;
                    }
                    None => i += 1,
                }
            }
            b'\n' => i += 1,
            _ => i += 1,
        }
    }
}

/// Offset of the closing `$$`, or None when a blank line or the segment end comes first.
fn find_display_close(text: &str, from: usize, end: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = from;
    while i < end {
        match b[i] {
            b'\\' => i += 2,
            b'$' if b.get(i + 1) == Some(&b'$') && i + 1 < end => return Some(i),
            b'\n' if is_blank_line_after(b, i, end) => return None,
            _ => i += 1,
        }
    }
    None
}

fn find_inline_close(text: &str, from: usize, end: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = from;
    while i < end {
        match b[i] {
            b'\\' => i += 2,
            b'$' => {
                let before_ok = i > from && !b[i - 1].is_ascii_whitespace();
                let after_ok = !b.get(i + 1).is_some_and(|c| c.is_ascii_digit());
                if before_ok && after_ok {
                    return Some(i);
                }
                i += 1;
            }
            b'\n' if is_blank_line_after(b, i, end) => return None,
            _ => i += 1,
        }
    }
    None
}

/// True when the line after the newline at `nl` is blank (only spaces/tabs before the next newline).
fn is_blank_line_after(b: &[u8], nl: usize, end: usize) -> bool {
    let mut j = nl + 1;
    while j < end && (b[j] == b' ' || b[j] == b'\t' || b[j] == b'\r') {
        j += 1;
    }
    j >= end || b[j] == b'\n'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn math_texts(src: &str) -> Vec<(String, bool)> {
        Scan::new(src)
            .math
            .iter()
            .map(|m| (src[m.inner.clone()].to_string(), m.display))
            .collect()
    }

    #[test]
    fn inline_and_display_math() {
        let src = "前向过程 $x_t$,以及\n\n$$\n\\bar\\alpha_t = \\prod_s \\alpha_s\n$$\n";
        assert_eq!(
            math_texts(src),
            vec![
                ("x_t".to_string(), false),
                ("\n\\bar\\alpha_t = \\prod_s \\alpha_s\n".to_string(), true)
            ]
        );
    }

    #[test]
    fn dollars_in_code_are_not_math() {
        let src = "`$x$` and\n\n```\n$$ y $$\n```\n\n    $z$ indented\n";
        assert!(math_texts(src).is_empty());
    }

    #[test]
    fn escaped_dollar_and_prices() {
        assert!(math_texts("costs \\$5 and $5 today").is_empty());
        assert!(math_texts("between $5 and $10 dollars").is_empty());
        assert!(math_texts("a $ b$ c").is_empty());
    }

    #[test]
    fn math_next_to_chinese_punctuation() {
        assert_eq!(
            math_texts("当 $x$,且（$y$）时"),
            vec![("x".into(), false), ("y".into(), false)]
        );
    }

    #[test]
    fn nested_braces_and_escaped_dollar_inside_math() {
        assert_eq!(
            math_texts("$\\frac{a}{\\{b\\}} \\$$"),
            vec![("\\frac{a}{\\{b\\}} \\$".into(), false)]
        );
    }

    #[test]
    fn math_never_spans_a_blank_line() {
        let s = Scan::new("$$ a\n\nb $$");
        assert!(s.math.is_empty());
        assert_eq!(s.errors.len(), 2);
        assert!(math_texts("$a\n\nb$").is_empty());
    }

    #[test]
    fn html_tags_are_protected_but_text_between_is_free() {
        let src = "<div class=\"x\" data-a=\"$a$\">\n标题 $x$\n</div>\n";
        let s = Scan::new(src);
        assert_eq!(s.math.len(), 1);
        assert_eq!(&src[s.math[0].inner.clone()], "x");
        assert!(s.is_protected(src.find("data-a").unwrap()));
    }

    #[test]
    fn raw_elements_are_protected() {
        let src = "<pre>\n$x$ ::: exercise\n</pre>\n\n<!-- $y$ -->\n";
        let s = Scan::new(src);
        assert!(s.math.is_empty());
        assert!(!s.is_free(src.find(":::").unwrap()));
    }

    #[test]
    fn code_spans_know_their_context() {
        let src = "# 标题 `torch.a`\n\n正文 `torch.b` 与 [`torch.c`](http://x)\n";
        let s = Scan::new(src);
        let flags: Vec<_> = s
            .code_spans
            .iter()
            .map(|c| (&src[c.inner.clone()], c.in_heading, c.in_link))
            .collect();
        assert_eq!(
            flags,
            vec![
                ("torch.a", true, false),
                ("torch.b", false, false),
                ("torch.c", false, true)
            ]
        );
    }

    #[test]
    fn code_blocks_are_recorded() {
        let src = "a `x`\n\n```\n<code>y</code>\n```\n\n<code>z</code>\n";
        let s = Scan::new(src);
        assert_eq!(s.code_blocks.len(), 1);
        assert!(s.in_code_block(src.find("<code>y").unwrap()));
        assert!(!s.in_code_block(src.find("<code>z").unwrap()));
        assert!(!s.in_code_block(src.find('x').unwrap()));
    }

    #[test]
    fn links_have_text_and_dest() {
        let src = "见 [](#ex-a) 和 [这道题](#ex-b)。";
        let s = Scan::new(src);
        assert_eq!(s.links.len(), 2);
        assert_eq!(&src[s.links[1].text.clone()], "这道题");
        assert_eq!(s.links[0].dest, "#ex-a");
    }
}
