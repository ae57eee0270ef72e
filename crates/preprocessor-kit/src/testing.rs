//! For the preprocessors' own tests (feature `testing`): run one on an in-memory book and read
//! its pages back, with author mistakes as the `file:line:col: message` lines a build prints.

use std::path::Path;

use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::config::Config;

use crate::Diagnostics;
use crate::protocol::BookPreprocessor;

/// The context mdBook gives a preprocessor for the book at `root` (sources in `root/book`, as in
/// this repository), rendering HTML.
pub fn context(root: &Path) -> PreprocessorContext {
    let mut config = Config::default();
    config.book.src = "book".into();
    PreprocessorContext::new(root.to_path_buf(), config, "html".into())
}

/// Run `p` on `book`. Author mistakes come back as their diagnostics, one line each; any other
/// error as one line saying it is not a diagnostic.
pub fn run(
    p: &dyn BookPreprocessor,
    ctx: &PreprocessorContext,
    book: Book,
) -> Result<Book, Vec<String>> {
    p.run(ctx, book)
        .map_err(|e| match e.downcast_ref::<Diagnostics>() {
            Some(d) => d.items.iter().map(|d| d.to_string()).collect(),
            None => vec![format!("not a diagnostic: {e:#}")],
        })
}

/// The text of the page at `path` (as in SUMMARY.md); panics when the book has no such page.
pub fn page<'b>(book: &'b Book, path: &str) -> &'b str {
    book.chapters()
        .find(|c| c.path.as_deref() == Some(Path::new(path)))
        .map(|c| c.content.as_str())
        .unwrap_or_else(|| panic!("the book has no page {path}"))
}
