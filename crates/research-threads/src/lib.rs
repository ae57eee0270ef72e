//! Research threads: `::: research` blocks become numbered cards (研究线索 3.2) whose four parts
//! (问题, 为什么重要, 起点文献, 第一个实验) are checked, `[](#rt-id)` becomes a link, and the
//! 研究线索索引 page lists every thread with its question and tags.

pub mod collect;
pub mod index;
pub mod render;

use anyhow::Result;
use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;
use preprocessor_kit::protocol::BookPreprocessor;

/// The marker line the 研究线索索引 page carries.
pub const INDEX_MARKER: &str = "<!-- generated: research-index -->";

pub struct ResearchThreads;

impl BookPreprocessor for ResearchThreads {
    fn name(&self) -> &'static str {
        "research-threads"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let (registry, parsed, mut diags) = collect::collect(ctx, &book);
        diags.extend(render::render(&mut book, &registry, &parsed)?);
        diags.into_result()?;
        index::fill(&mut book, &registry);
        Ok(book)
    }
}
