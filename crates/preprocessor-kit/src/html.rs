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

/// Percent-decode (UTF-8) a URL component or an anchor, as browsers match a fragment against ids
/// (`%E5%89%8D%E8%A8%80` → `前言`); a `%` not followed by two hex digits stays as it is.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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
