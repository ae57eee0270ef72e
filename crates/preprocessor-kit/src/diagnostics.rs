//! One error type for everything an author can get wrong: `file:line:col: message`.

use std::fmt;

use crate::source::SourceFile;

/// A problem in the book's sources, located at a line and column of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path as shown to the author, e.g. `book/ch03/3-2.md`.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    pub message: String,
    /// Extra lines shown under the message (the offending formula, a suggestion, where a block opened).
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic at byte `offset` of `src`.
    pub fn at(src: &SourceFile<'_>, offset: usize, message: impl Into<String>) -> Self {
        let (line, col) = src.line_col(offset);
        Diagnostic {
            file: src.display_path().to_string(),
            line,
            col,
            message: message.into(),
            notes: Vec::new(),
        }
    }

    /// A diagnostic about a whole file (line 1, column 1).
    pub fn in_file(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: 1,
            col: 1,
            message: message.into(),
            notes: Vec::new(),
        }
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.col, self.message
        )?;
        for n in &self.notes {
            for l in n.lines() {
                write!(f, "\n    {l}")?;
            }
        }
        Ok(())
    }
}

/// All problems found in one run. Preprocessors collect every problem before failing, so an author
/// fixes them in one go instead of one build per mistake.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// `Ok(())` when nothing was found, otherwise the diagnostics as an error.
    pub fn into_result(self) -> Result<(), Diagnostics> {
        if self.items.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.items.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics { items: vec![d] }
    }
}
