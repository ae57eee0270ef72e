//! HTML escaping for text the preprocessors put inside tags and attributes.

use crate::scan::Scan;

/// The largest page the book may have, uncompressed (its KaTeX HTML included). Above this size a
/// page is slow to open and print; `book-check` fails such a page and `mdbook-print-chapters`
/// splits a chapter's print page into parts below it.
pub const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

/// Escape text for an HTML text node.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escape text for a double-quoted HTML attribute value.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A directive title as HTML (a card's heading, a table's caption): text escaped, inline code as `<code>`, math left as `$…$`
/// for the math preprocessor (which renders math in raw-HTML text too).
pub fn title_html(title: &str) -> String {
    let scan = Scan::new(title);
    let mut spans: Vec<(std::ops::Range<usize>, String)> = scan
        .code_spans
        .iter()
        .map(|c| {
            (
                c.range.clone(),
                format!("<code>{}</code>", escape_text(&title[c.inner.clone()])),
            )
        })
        .collect();
    spans.extend(
        scan.math
            .iter()
            .map(|m| (m.range.clone(), title[m.range.clone()].to_string())),
    );
    spans.sort_by_key(|(r, _)| r.start);
    let mut out = String::new();
    let mut pos = 0;
    for (r, html) in spans {
        if r.start < pos {
            continue;
        }
        out.push_str(&escape_text(&title[pos..r.start]));
        out.push_str(&html);
        pos = r.end;
    }
    out.push_str(&escape_text(&title[pos..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_text("a<b & c"), "a&lt;b &amp; c");
        assert_eq!(escape_attr("say \"hi\"\n"), "say &quot;hi&quot; ");
    }
}
