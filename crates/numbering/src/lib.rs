//! Numbered figures, tables, algorithm boxes and display equations, with cross-references.
//!
//! ```text
//! ::: figure {#fig-vlb-terms}            ::: table {#tab-sizes} 标题      $$ … $$ {#eq-elbo}
//! ![替代文字](../figures/ch03/x.svg)      | a | b |
//!                                        |---|---|                     [](#fig-vlb-terms) → 图 3.2
//! 图注（Markdown）                        :::                           [](#eq-elbo)       → 式 (3.5)
//! :::
//! ```
//!
//! Two passes, as in the exercise preprocessor: [`collect`] reads and numbers every target of the
//! book in reading order (references may point forward and across chapters), [`render`] splices
//! the HTML and the KaTeX `\tag` into each page and resolves the references. [`handwritten`]
//! rejects numbers written by hand, so a chapter never mixes generated and stale numbers.

pub mod collect;
pub mod handwritten;
pub mod render;

use anyhow::Result;
use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;
use preprocessor_kit::protocol::BookPreprocessor;

/// What can be numbered: the id prefix, the Chinese name in labels, the directive (if any).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Figure,
    Table,
    Algorithm,
    Equation,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Figure, Kind::Table, Kind::Algorithm, Kind::Equation];

    /// The id prefix, e.g. `fig-`.
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Figure => "fig-",
            Kind::Table => "tab-",
            Kind::Algorithm => "alg-",
            Kind::Equation => "eq-",
        }
    }

    /// The word in labels and errors.
    pub fn zh(self) -> &'static str {
        match self {
            Kind::Figure => "图",
            Kind::Table => "表",
            Kind::Algorithm => "算法",
            Kind::Equation => "式",
        }
    }

    /// The directive name, for the three kinds written as `:::` blocks.
    pub fn directive(self) -> Option<&'static str> {
        match self {
            Kind::Figure => Some("figure"),
            Kind::Table => Some("table"),
            Kind::Algorithm => Some("algorithm"),
            Kind::Equation => None,
        }
    }

    pub fn from_directive(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.directive() == Some(name))
    }

    /// The English word in errors.
    pub fn en(self) -> &'static str {
        match self {
            Kind::Figure => "figure",
            Kind::Table => "table",
            Kind::Algorithm => "algorithm",
            Kind::Equation => "equation",
        }
    }

    /// 「图 3.2」, 「式 (3.5)」.
    pub fn label(self, chapter: &str, number: usize) -> String {
        match self {
            Kind::Equation => format!("式 ({chapter}.{number})"),
            _ => format!("{} {chapter}.{number}", self.zh()),
        }
    }
}

pub struct Numbering;

impl BookPreprocessor for Numbering {
    fn name(&self) -> &'static str {
        "numbering"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let (registry, pages, plans, mut diags) = collect::collect(ctx, &book);
        diags.extend(render::render(&mut book, &registry, &pages, &plans)?);
        diags.into_result()?;
        Ok(book)
    }
}
