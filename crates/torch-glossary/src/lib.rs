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
        // Without a readable glossary every name on every page would be reported: stop here.
        if glossary.unreadable {
            return Err(diags.into());
        }
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
        let mut page = page::link_page(&display(ch), &ch.content, glossary, api);
        report.errors.extend(std::mem::take(&mut page.diags));
        if !page.markers.is_empty() {
            // An index page does not list itself as a place that mentions an API.
            pending.insert(path, page);
            return;
        }
        let used: BTreeSet<&String> = page.used.iter().collect();
        for name in used {
            report.uses.entry(name.clone()).or_default().push(Section {
                path: path.clone(),
                title: ch.name.clone(),
            });
        }
        if !page.splicer.is_empty() {
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
    let mut entries: Vec<_> = glossary.entries.values().collect();
    entries.sort_by_key(|e| e.offset);
    for entry in entries {
        if !report.uses.contains_key(&entry.name) {
            report.warnings.push(glossary.at(
                entry,
                format!("glossary entry `{}` is not used on any page", entry.name),
            ));
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mdbook_preprocessor::book::BookItem;

    fn book(pages: &[(&str, &str, &str)]) -> Book {
        let items = pages
            .iter()
            .map(|(name, path, text)| {
                BookItem::Chapter(Chapter::new(name, text.to_string(), *path, Vec::new()))
            })
            .collect();
        Book::new_with_items(items)
    }

    fn glossary(api: &ApiList<'_>) -> Glossary {
        let (g, d) = Glossary::parse(
            "book/glossary/pytorch.toml",
            "[\"torch.randn\"]\ndesc = \"正态\"\n\n[\"torch.cumprod\"]\ndesc = \"累积乘积\"\n\n\
             [\"torch.nn.GroupNorm\"]\ndesc = \"组归一化\"\n\n[\"torch.exp\"]\ndesc = \"指数\"\n",
            api,
        );
        assert!(d.is_empty(), "{d}");
        g
    }

    fn content(book: &Book, path: &str) -> String {
        book.chapters()
            .find(|c| c.path.as_deref() == Some(std::path::Path::new(path)))
            .map(|c| c.content.clone())
            .unwrap_or_default()
    }

    #[test]
    fn links_pages_fills_the_index_and_warns_about_unused_entries() {
        let api = ApiList::embedded().unwrap();
        let g = glossary(&api);
        // The index comes first in reading order: it is still filled from every page.
        let mut b = book(&[
            (
                "PyTorch API 索引",
                "pytorch-api.md",
                "# 索引\n\n<!-- generated: torch-api-index -->\n",
            ),
            (
                "1.4 前向",
                "ch01/1-4.md",
                "用 `torch.randn` 和 `torch.cumprod`。\n",
            ),
            (
                "3.5 训练",
                "ch03/3-5.md",
                "## `nn.GroupNorm`\n\n再次 `torch.randn(2)`, `torch.randn`。\n",
            ),
        ]);
        let report = process(&mut b, |c| c.name.clone(), &g, &api).unwrap();
        assert!(report.errors.is_empty(), "{}", report.errors);
        let uses: Vec<(&str, Vec<String>)> = report
            .uses
            .iter()
            .map(|(k, v)| (k.as_str(), v.iter().map(|s| s.title.clone()).collect()))
            .collect();
        assert_eq!(
            uses,
            vec![
                ("torch.cumprod", vec!["1.4 前向".to_string()]),
                ("torch.nn.GroupNorm", vec!["3.5 训练".to_string()]),
                (
                    "torch.randn",
                    vec!["1.4 前向".to_string(), "3.5 训练".to_string()]
                ),
            ]
        );
        assert!(content(&b, "ch01/1-4.md").contains("class=\"torch-api\""));
        let index = content(&b, "pytorch-api.md");
        assert_eq!(index.lines().count(), 3);
        assert!(!index.contains(index::MARKER));
        assert!(index.contains(
            "<a href=\"ch01/1-4.html\">1.4 前向</a>、<a href=\"ch03/3-5.html\">3.5 训练</a>"
        ));
        let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            vec![
                "book/glossary/pytorch.toml:10:2: glossary entry `torch.exp` is not used on any page"
            ]
        );
    }

    #[test]
    fn errors_from_every_page_are_collected() {
        let api = ApiList::embedded().unwrap();
        let g = glossary(&api);
        let mut b = book(&[
            ("a", "a.md", "`torch.diffuse`\n"),
            ("b", "b.md", "\n`F.silu`\n"),
        ]);
        let report = process(&mut b, |c| format!("book/{}", c.name), &g, &api).unwrap();
        let errors: Vec<String> = report
            .errors
            .items
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("book/a:1:2: unknown PyTorch API `torch.diffuse`"));
        assert!(errors[1].starts_with("book/b:2:2: PyTorch API `F.silu`"));
    }
}
