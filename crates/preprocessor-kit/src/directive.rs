//! The `:::` directive family shared by exercises and research threads.
//!
//! ```text
//! ::: exercise {#id .theory difficulty=2} 标题
//! body …
//! ::: answer
//! …
//! :::
//! :::
//! ```
//!
//! A directive line starts (after at most three spaces) with three or more colons, outside code,
//! raw HTML and math. `:::` alone closes the innermost open block.

use std::ops::Range;

use crate::attrs::Attrs;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::scan::Scan;
use crate::source::SourceFile;

/// Every directive name the book knows. Anything else is an author error.
pub const KNOWN: [&str; 7] = [
    "exercise",
    "hint",
    "answer",
    "research",
    "figure",
    "table",
    "algorithm",
];

/// One `:::` block with its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub name: String,
    pub attrs: Attrs,
    /// The title text after the attributes (trimmed), and where it is.
    pub title: String,
    pub title_range: Range<usize>,
    /// The opening line, without its newline.
    pub open_line: Range<usize>,
    /// The closing `:::` line, without its newline.
    pub close_line: Range<usize>,
    /// Leading spaces of the opening line (kept in the output so list nesting survives).
    pub indent: String,
    pub children: Vec<Block>,
}

impl Block {
    /// The text between the opening and the closing line.
    pub fn body(&self) -> Range<usize> {
        let start = (self.open_line.end + 1).min(self.close_line.start);
        start..self.close_line.start
    }

    /// Blocks nested anywhere below this one, depth first.
    pub fn descendants(&self) -> Vec<&Block> {
        let mut out = Vec::new();
        for c in &self.children {
            out.push(c);
            out.extend(c.descendants());
        }
        out
    }
}

enum Line {
    Open {
        name: String,
        attrs: Attrs,
        title: String,
        title_range: Range<usize>,
    },
    Close,
}

/// Parse all directive blocks of a page. Problems (unclosed, stray closers, malformed lines, unknown
/// names) are reported; the blocks that did parse are still returned.
pub fn parse(src: &SourceFile<'_>, scan: &Scan) -> (Vec<Block>, Diagnostics) {
    let text = src.text();
    let mut diags = Diagnostics::new();
    let mut stack: Vec<Block> = Vec::new();
    let mut top: Vec<Block> = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let end = text[start..].find('\n').map_or(text.len(), |p| start + p);
        let line = &text[start..end];
        let indent_len = line.len() - line.trim_start_matches(' ').len();
        if indent_len <= 3
            && line[indent_len..].starts_with(":::")
            && scan.is_free(start + indent_len)
        {
            match read_line(text, start + indent_len, end) {
                Ok(Line::Open {
                    name,
                    attrs,
                    title,
                    title_range,
                }) => {
                    if !KNOWN.contains(&name.as_str()) {
                        diags.push(
                            Diagnostic::at(
                                src,
                                start + indent_len,
                                format!("unknown directive '::: {name}'"),
                            )
                            .note(format!("known directives: {}", KNOWN.join(", "))),
                        );
                    }
                    stack.push(Block {
                        name,
                        attrs,
                        title,
                        title_range,
                        open_line: start..end,
                        close_line: end..end,
                        indent: line[..indent_len].to_string(),
                        children: Vec::new(),
                    });
                }
                Ok(Line::Close) => match stack.pop() {
                    Some(mut b) => {
                        b.close_line = start..end;
                        match stack.last_mut() {
                            Some(parent) => parent.children.push(b),
                            None => top.push(b),
                        }
                    }
                    None => diags.push(Diagnostic::at(
                        src,
                        start + indent_len,
                        "stray ':::' (no open block to close)",
                    )),
                },
                Err((offset, msg)) => diags.push(Diagnostic::at(src, offset, msg)),
            }
        }
        start = end + 1;
    }
    while let Some(b) = stack.pop() {
        diags.push(Diagnostic::at(
            src,
            b.open_line.start + b.indent.len(),
            format!("unclosed '::: {}' (opened here)", b.name),
        ));
    }
    (top, diags)
}

fn read_line(text: &str, at: usize, end: usize) -> Result<Line, (usize, String)> {
    let line = &text[at..end];
    let colons = line.bytes().take_while(|&b| b == b':').count();
    let rest = &line[colons..];
    let trimmed = rest.trim();
    if trimmed.is_empty() {
        return Ok(Line::Close);
    }
    let lead = rest.len() - rest.trim_start().len();
    let name_start = at + colons + lead;
    let name: String = trimmed
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if name.is_empty() {
        return Err((
            name_start,
            format!("malformed directive line '{}'", line.trim_end()),
        ));
    }
    let mut pos = name_start + name.len();
    let mut attrs = Attrs::default();
    let after = &text[pos..end];
    let after_trim = after.trim_start();
    if after_trim.starts_with('{') {
        let brace = pos + (after.len() - after_trim.len());
        let close = text[brace..end]
            .find('}')
            .ok_or((brace, "unclosed '{' in directive attributes".to_string()))?;
        attrs = Attrs::parse(&text[brace + 1..brace + close]).map_err(|m| (brace, m))?;
        pos = brace + close + 1;
    } else if !after.is_empty() && !after.starts_with(char::is_whitespace) {
        return Err((
            pos,
            format!("malformed directive line '{}'", line.trim_end()),
        ));
    }
    let title_raw = &text[pos..end];
    let t_start = pos + (title_raw.len() - title_raw.trim_start().len());
    let title = title_raw.trim().to_string();
    Ok(Line::Open {
        name,
        attrs,
        title_range: t_start..t_start + title.len(),
        title,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Vec<Block>, Vec<String>) {
        let src = SourceFile::new("book/ch03/3-2.md", text);
        let scan = Scan::new(text);
        let (b, d) = parse(&src, &scan);
        (b, d.items.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn nested_blocks() {
        let text = "x\n::: exercise {#a .theory difficulty=2} 标题 $x$\nbody\n\n::: answer\nans\n:::\n:::\n";
        let (b, d) = run(text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].title, "标题 $x$");
        assert_eq!(b[0].attrs.id.as_deref(), Some("a"));
        assert_eq!(b[0].children[0].name, "answer");
        assert_eq!(&text[b[0].children[0].body()], "ans\n");
    }

    #[test]
    fn directives_in_code_math_html_are_ignored() {
        let text =
            "```\n::: exercise\n```\n\n<div>\n<pre>\n::: answer\n</pre>\n</div>\n\n$$\n::: x\n$$\n";
        let (b, d) = run(text);
        assert!(b.is_empty() && d.is_empty(), "{b:?} {d:?}");
    }

    #[test]
    fn errors_carry_file_line_col() {
        let (_, d) = run("a\n\n::: exercise {#a}\nbody\n");
        assert_eq!(
            d,
            vec!["book/ch03/3-2.md:3:1: unclosed '::: exercise' (opened here)"]
        );
        let (_, d) = run(":::\n");
        assert_eq!(
            d,
            vec!["book/ch03/3-2.md:1:1: stray ':::' (no open block to close)"]
        );
        let (_, d) = run("::: frobnicate\n:::\n");
        assert!(d[0].starts_with("book/ch03/3-2.md:1:1: unknown directive '::: frobnicate'"));
        let (_, d) = run("::: exercise {#a\n:::\n");
        assert!(
            d[0].starts_with("book/ch03/3-2.md:1:14: unclosed '{'"),
            "{d:?}"
        );
    }
}
