//! Line-preserving edits at byte offsets. Text outside the edited ranges comes out byte for byte.

use std::ops::Range;

use anyhow::{Result, bail};

/// Collects replacements for one page and applies them in one pass.
#[derive(Debug, Default)]
pub struct Splicer {
    edits: Vec<(Range<usize>, String)>,
}

impl Splicer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Replace `range` with `with`. `with` must hold as many newlines as the replaced text, so every
    /// later preprocessor still reports the author's line numbers (see the crate docs).
    pub fn replace(&mut self, range: Range<usize>, with: impl Into<String>) {
        self.edits.push((range, with.into()));
    }

    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// Apply all edits to `text`.
    pub fn apply(mut self, text: &str) -> Result<String> {
        self.edits.sort_by_key(|(r, _)| (r.start, r.end));
        let mut out = String::with_capacity(text.len() + self.edits.len() * 64);
        let mut pos = 0;
        for (r, with) in &self.edits {
            if r.start < pos || r.end > text.len() || r.start > r.end {
                bail!("internal error: overlapping or out-of-range edit at bytes {r:?}");
            }
            let old = &text[r.clone()];
            let (n_old, n_new) = (old.matches('\n').count(), with.matches('\n').count());
            if n_old != n_new {
                bail!(
                    "internal error: an edit at bytes {r:?} changes the line count ({n_old} → {n_new})"
                );
            }
            out.push_str(&text[pos..r.start]);
            out.push_str(with);
            pos = r.end;
        }
        out.push_str(&text[pos..]);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_edits_in_order() {
        let mut s = Splicer::new();
        s.replace(6..7, "Y");
        s.replace(0..1, "X");
        assert_eq!(s.apply("a bcd e fg").unwrap(), "X bcd Y fg");
    }

    #[test]
    fn refuses_line_count_changes_and_overlaps() {
        let mut s = Splicer::new();
        s.replace(0..3, "x\ny");
        assert!(s.apply("abc").is_err());
        let mut s = Splicer::new();
        s.replace(0..3, "x");
        s.replace(2..4, "y");
        assert!(s.apply("abcd").is_err());
    }
}
