//! `torch-glossary`: PyTorch API names in the book's inline code become links to the official docs;
//! a name that is not in `book/glossary/pytorch.toml` fails the build with a suggestion; the
//! glossary itself is checked against the public API list; `book/pytorch-api.md` gets the index.
//!
//! Runs after `exercises` (so exercise bodies, answers and research threads are Markdown between
//! raw-HTML lines) and before mdBook's `links`.

pub mod api;
pub mod glossary;
pub mod index;
pub mod names;
pub mod page;
pub mod suggest;
pub mod urls;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::{Context, Result};
use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::{Book, Chapter};
use preprocessor_kit::chapters::{display_path, for_each_page_mut, slash_path};
use preprocessor_kit::protocol::{BookPreprocessor, warn};
use preprocessor_kit::{Diagnostic, Diagnostics};

use crate::api::ApiList;
use crate::glossary::{GLOSSARY_FILE, Glossary};
use crate::index::Section;

pub struct TorchGlossary;

impl BookPreprocessor for TorchGlossary {
    fn name(&self) -> &'static str {
        "torch-glossary"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let api = ApiList::embedded().context("reading the shipped PyTorch API list")?;
        let src = &ctx.config.book.src;
        let file = ctx.root.join(src).join(GLOSSARY_FILE);
        // A book without a glossary is allowed: every name it uses is then reported as unknown.
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(e).with_context(|| format!("reading {}", file.display()));
            }
        };
        let (glossary, mut diags) =
            Glossary::parse(&slash_path(&src.join(GLOSSARY_FILE)), &text, &api);
        let report = process(&mut book, |ch| display_path(ctx, ch), &glossary, &api)?;
        diags.extend(report.errors);
        diags.into_result()?;
        for w in &report.warnings {
            warn(w);
        }
        Ok(book)
    }
}

/// What a run found besides the rewritten book.
#[derive(Debug, Default)]
pub struct Report {
    pub errors: Diagnostics,
    pub warnings: Vec<Diagnostic>,
    /// Each used API and the sections that mention it, in reading order.
    pub uses: BTreeMap<String, Vec<Section>>,
}

/// Link every page, record which sections use which API, then fill the index pages. `display`
/// names a chapter's file in messages.
pub fn process(
    book: &mut Book,
    display: impl Fn(&Chapter) -> String,
    glossary: &Glossary,
    api: &ApiList<'_>,
) -> Result<Report> {
    let mut report = Report::default();
    let mut internal: Option<anyhow::Error> = None;
    // Index pages are finished after every page has been read; until then keep their edits.
    let mut pending: BTreeMap<PathBuf, page::Page> = BTreeMap::new();
    for_each_page_mut(book, |ch| {
        let Some(path) = ch.path.clone() else {
            return;
        };
        let page = page::link_page(&display(ch), &ch.content, glossary, api);
        let used: BTreeSet<&String> = page.used.iter().collect();
        if page.markers.is_empty() {
            for name in used {
                report.uses.entry(name.clone()).or_default().push(Section {
                    path: path.clone(),
                    title: ch.name.clone(),
                });
            }
        }
        report.errors.extend(page.diags.clone());
        if !page.markers.is_empty() {
            pending.insert(path, page);
        } else if !page.splicer.is_empty() {
            match page.splicer.apply(&ch.content) {
                Ok(text) => ch.content = text,
                Err(e) => {
                    internal.get_or_insert(e.context(display(ch)));
                }
            }
        }
    });
    if let Some(e) = internal {
        return Err(e);
    }
    for_each_page_mut(book, |ch| {
        let Some(path) = ch.path.clone() else {
            return;
        };
        let Some(mut page) = pending.remove(&path) else {
            return;
        };
        let html = index::render(&path, &report.uses, glossary);
        for marker in std::mem::take(&mut page.markers) {
            page.splicer.replace(marker, html.clone());
        }
        match page.splicer.apply(&ch.content) {
            Ok(text) => ch.content = text,
            Err(e) => {
                internal.get_or_insert(e.context(display(ch)));
            }
        }
    });
    if let Some(e) = internal {
        return Err(e);
    }
    for entry in glossary.entries.values() {
        if !report.uses.contains_key(&entry.name) {
            report.warnings.push(glossary.at(
                entry,
                format!("glossary entry `{}` is not used on any page", entry.name),
            ));
        }
    }
    Ok(report)
}
