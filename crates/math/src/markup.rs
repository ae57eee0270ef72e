//! Make KaTeX's HTML safe to put back into Markdown.
//!
//! mdBook's Markdown renderer reads the text between tags of inline HTML as Markdown: `\,` would lose
//! its backslash, `_` and `*` would start emphasis, `...` and `--` would become typographic
//! punctuation, `|` would split a table cell. So every ASCII punctuation character in text (the TeX
//! in the MathML `<annotation>` included) becomes a numeric character reference, which the browser
//! turns back into the same character; entities KaTeX already wrote pass through.
//!
//! A formula that spans k source lines must come out with k−1 newlines (the workspace keeps line
//! numbers, see preprocessor-kit). They go where the TeX had them — inside the `<annotation>`, whose
//! text is the formula's source — each followed by the container prefix of that source line (`> `,
//! list indentation), so a formula inside a blockquote or list stays inside it. The first character
//! after each newline is punctuation-escaped text or a tag, so no line can start a block.

use std::fmt::Write;

use anyhow::{Result, bail};

/// `html` with Markdown-significant characters escaped and the i-th newline followed by
/// `prefixes[i]`. Fails when KaTeX's output does not have one newline per prefix.
pub fn to_markdown_safe(html: &str, prefixes: &[&str]) -> Result<String> {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut newlines = 0;
    let mut in_tag = false;
    let mut quote: Option<char> = None;
    let mut chars = html.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if in_tag {
            match (c, quote) {
                (q, Some(open)) if q == open => quote = None,
                ('"' | '\'', None) => quote = Some(c),
                ('>', None) => in_tag = false,
                _ => {}
            }
            match c {
                // A table row splits at `|` wherever it is; KaTeX never writes one in a tag, but
                // an entity is valid in an attribute value too.
                '|' => out.push_str("&#124;"),
                '\n' => out.push(' '),
                _ => out.push(c),
            }
            continue;
        }
        match c {
            '<' => {
                in_tag = true;
                out.push(c);
            }
            '\n' => {
                let Some(prefix) = prefixes.get(newlines) else {
                    bail!("internal error: KaTeX's output has more line breaks than the formula");
                };
                out.push('\n');
                out.push_str(prefix);
                newlines += 1;
            }
            '&' => {
                let entity = entity_len(&html[i..]);
                if entity > 0 {
                    out.push_str(&html[i..i + entity]);
                    for _ in 1..entity {
                        chars.next();
                    }
                } else {
                    out.push_str("&amp;");
                }
            }
            c if c.is_ascii_punctuation() => {
                let _ = write!(out, "&#{};", c as u32);
            }
            c => out.push(c),
        }
    }
    if newlines != prefixes.len() {
        bail!(
            "internal error: KaTeX's output has {newlines} line breaks, the formula {}",
            prefixes.len()
        );
    }
    Ok(out)
}

/// Length of a character reference (`&amp;`, `&#x27;`, `&#36;`) at the start of `s`, or 0.
fn entity_len(s: &str) -> usize {
    let b = s.as_bytes();
    let body = b[1..]
        .iter()
        .take(32)
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'#')
        .count();
    if body > 0 && b.get(1 + body) == Some(&b';') {
        body + 2
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_in_text_becomes_references() {
        let html = r#"<span class="a" style="top:-3em;">a\,b_c*d...e--f|g$</span>"#;
        assert_eq!(
            to_markdown_safe(html, &[]).unwrap(),
            r#"<span class="a" style="top:-3em;">a&#92;&#44;b&#95;c&#42;d&#46;&#46;&#46;e&#45;&#45;f&#124;g&#36;</span>"#
        );
    }

    #[test]
    fn existing_entities_pass_through() {
        assert_eq!(
            to_markdown_safe("<i>f&#x27; &amp; &lt; & x</i>", &[]).unwrap(),
            "<i>f&#x27; &amp; &lt; &amp; x</i>"
        );
    }

    #[test]
    fn newlines_carry_their_prefix() {
        let html = "<annotation>\na = b\n</annotation><b>x</b>";
        assert_eq!(
            to_markdown_safe(html, &["> ", "> "]).unwrap(),
            "<annotation>\n> a &#61; b\n> </annotation><b>x</b>"
        );
        assert!(to_markdown_safe(html, &["> "]).is_err());
        assert!(to_markdown_safe(html, &["", "", ""]).is_err());
    }

    #[test]
    fn quoted_greater_than_in_attributes_stays_in_the_tag() {
        assert_eq!(
            to_markdown_safe(r#"<a title="x>y|">_</a>"#, &[]).unwrap(),
            r#"<a title="x>y&#124;">&#95;</a>"#
        );
    }
}
