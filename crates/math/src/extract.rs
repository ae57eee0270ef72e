//! The formulas of one page: where they are, their TeX, and what surrounds their lines.
//!
//! A display formula may span lines inside a blockquote or a list item. Markdown strips the
//! container's prefix (`> `, indentation) from each line before reading it, so the TeX must not
//! contain it either; the prefixes are kept to put back after each newline of the output.

use std::ops::Range;

use preprocessor_kit::scan::{MathSpan, Scan, markdown_options};
use pulldown_cmark::{Event, Parser, Tag};

/// One `$…$` or `$$…$$` on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula {
    /// The whole span, delimiters included.
    pub range: Range<usize>,
    pub display: bool,
    /// The TeX KaTeX sees: the source between the delimiters without container prefixes.
    pub tex: String,
    /// For each newline in the span, the container prefix of the following source line.
    pub prefixes: Vec<String>,
    /// (offset in `tex`, offset in the page) at the start of each source line of the TeX.
    segments: Vec<(usize, usize)>,
}

impl Formula {
    /// The page offset of byte `at` of [`Formula::tex`].
    pub fn source_offset(&self, at: usize) -> usize {
        let i = self.segments.partition_point(|&(t, _)| t <= at);
        match i.checked_sub(1).and_then(|i| self.segments.get(i)) {
            Some(&(t, s)) => s + (at - t),
            None => self.range.start,
        }
    }
}

/// Every formula the scanner found on the page, in order.
pub fn formulas(text: &str, scan: &Scan) -> Vec<Formula> {
    // Block quotes matter only for formulas that span lines; most pages have none, so only those
    // pay for the extra parse.
    let multiline = scan
        .math
        .iter()
        .any(|m| text[m.inner.clone()].contains('\n'));
    let quotes = if multiline {
        block_quotes(text)
    } else {
        Vec::new()
    };
    scan.math
        .iter()
        .map(|m| formula(text, m, &quotes))
        .collect()
}

fn formula(text: &str, m: &MathSpan, quotes: &[Range<usize>]) -> Formula {
    let inner = &text[m.inner.clone()];
    let mut tex = String::with_capacity(inner.len());
    let mut prefixes = Vec::new();
    let mut segments = vec![(0, m.inner.start)];
    // Only quotes the formula opens in count: a `>` at the start of a TeX line is TeX, even though
    // Markdown alone would have read it as a new block quote.
    let depth = quotes.iter().filter(|q| q.contains(&m.range.start)).count();
    for (i, line) in inner.split('\n').enumerate() {
        let line_start = m.inner.start + line.as_ptr() as usize - inner.as_ptr() as usize;
        if i == 0 {
            tex.push_str(line);
            continue;
        }
        let cut = prefix_len(line, depth);
        prefixes.push(line[..cut].to_string());
        tex.push('\n');
        segments.push((tex.len(), line_start + cut));
        tex.push_str(&line[cut..]);
    }
    Formula {
        range: m.range.clone(),
        display: m.display,
        tex,
        prefixes,
        segments,
    }
}

/// Length of a line's container prefix: up to `depth` block-quote markers (each up to three spaces,
/// `>`, an optional space; a lazy continuation line has fewer) and the indentation after them.
fn prefix_len(line: &str, depth: usize) -> usize {
    let b = line.as_bytes();
    let mut i = 0;
    for _ in 0..depth {
        let spaces = b[i..].iter().take(3).take_while(|&&c| c == b' ').count();
        if b.get(i + spaces) != Some(&b'>') {
            break;
        }
        i += spaces + 1;
        if matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
    }
    i + b[i..]
        .iter()
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count()
}

fn block_quotes(text: &str) -> Vec<Range<usize>> {
    Parser::new_ext(text, markdown_options())
        .into_offset_iter()
        .filter_map(|(e, r)| matches!(e, Event::Start(Tag::BlockQuote(_))).then_some(r))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<Formula> {
        formulas(text, &Scan::new(text))
    }

    #[test]
    fn inline_and_display() {
        let f = run("当 $x$,且\n\n$$\na = b\n$$\n");
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].tex.as_str(), f[0].display), ("x", false));
        assert_eq!((f[1].tex.as_str(), f[1].display), ("\na = b\n", true));
        assert_eq!(f[1].prefixes, vec!["", ""]);
    }

    #[test]
    fn blockquote_markers_are_not_tex() {
        let text = "> 引文\n> $$\n> a > b\n>  \\\\ c\n> $$\n";
        let f = run(text);
        assert_eq!(f[0].tex, "\na > b\n\\\\ c\n");
        assert_eq!(f[0].prefixes, vec!["> ", ">  ", "> "]);
        let at = f[0].tex.find("\\\\").unwrap();
        assert_eq!(f[0].source_offset(at), text.find("\\\\").unwrap());
    }

    #[test]
    fn nested_quotes_and_lazy_lines() {
        let text = "> > $$\n> > a\nb\n> > $$\n";
        let f = run(text);
        assert_eq!(f[0].tex, "\na\nb\n");
        assert_eq!(f[0].prefixes, vec!["> > ", "", "> > "]);
    }

    #[test]
    fn list_indentation_is_a_prefix() {
        let text = "- 由此\n  $$\n  x > 0\n  $$\n";
        let f = run(text);
        assert_eq!(f[0].tex, "\nx > 0\n");
        assert_eq!(f[0].prefixes, vec!["  ", "  "]);
    }

    #[test]
    fn a_greater_than_outside_quotes_is_tex() {
        let f = run("$$\na\n> b\n$$\n");
        assert_eq!(f[0].tex, "\na\n> b\n");
    }

    #[test]
    fn offsets_map_back_to_the_page() {
        let text = "前文 $a + \\bxx$";
        let f = run(text);
        assert_eq!(f[0].source_offset(4), text.find("\\bxx").unwrap());
    }
}
