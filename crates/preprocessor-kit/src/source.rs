//! Byte offsets → `line:col` in a chapter's source file.

/// A chapter's text with a line index built once, so every lookup is a binary search.
#[derive(Debug, Clone)]
pub struct SourceFile<'a> {
    display_path: String,
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> SourceFile<'a> {
    pub fn new(display_path: impl Into<String>, text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            display_path: display_path.into(),
            text,
            line_starts,
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    pub fn display_path(&self) -> &str {
        &self.display_path
    }

    /// 1-based line and column (in characters) of byte `offset`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// Number of lines (a trailing newline does not start a new line).
    pub fn line_count(&self) -> usize {
        if self.text.ends_with('\n') {
            self.line_starts.len() - 1
        } else {
            self.line_starts.len()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let s = SourceFile::new("book/a.md", "第一行\n中文 $x$\n");
        assert_eq!(s.line_col(0), (1, 1));
        let off = s.text().find('$').unwrap();
        assert_eq!(s.line_col(off), (2, 4));
        assert_eq!(s.line_count(), 2);
    }

    #[test]
    fn offset_past_end_is_clamped() {
        let s = SourceFile::new("a.md", "ab");
        assert_eq!(s.line_col(99), (1, 3));
    }
}
