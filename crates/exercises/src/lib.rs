//! Exercise folding: `::: exercise` blocks become numbered cards with folded hints and answers,
//! `[](#ex-id)` becomes a link 「练习 3.4」, and the 习题索引 page lists every exercise.
//!
//! Two passes over the book: [`collect`] reads and validates every exercise (numbering needs the
//! whole book, cross-references may point forward), [`render`] splices the HTML into each page and
//! [`index`] fills the index page.

pub mod collect;
pub mod index;
pub mod render;

use anyhow::Result;
use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;
use preprocessor_kit::protocol::BookPreprocessor;

/// The marker line the 习题索引 page carries.
pub const INDEX_MARKER: &str = "<!-- generated: exercise-index -->";

pub struct Exercises;

impl BookPreprocessor for Exercises {
    fn name(&self) -> &'static str {
        "exercises"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let (registry, parsed, mut diags) = collect::collect(ctx, &book);
        diags.extend(render::render(&mut book, &registry, &parsed)?);
        diags.into_result()?;
        index::fill(&mut book, &registry);
        Ok(book)
    }
}
