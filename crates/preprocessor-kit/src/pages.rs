//! Parse every page once, number directive cards per chapter, and splice edits back — the shape
//! shared by the card preprocessors (exercises, research threads).

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{Context, Result};
use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;

use crate::chapters::{chapter_label, display_path, for_each_page, for_each_page_mut};
use crate::diagnostics::Diagnostics;
use crate::directive::{self, Block};
use crate::scan::Scan;
use crate::source::SourceFile;
use crate::splice::Splicer;

/// One page, scanned and with its directive blocks parsed.
#[derive(Debug)]
pub struct ParsedPage {
    /// Path relative to the source root (`ch03/3-2.md`).
    pub path: PathBuf,
    /// Path shown in errors (`book/ch03/3-2.md`).
    pub display: String,
    /// The page's title in SUMMARY.md.
    pub name: String,
    /// Chapter label from the folder (`3`, `A`), if the page is in a chapter folder.
    pub chapter: Option<String>,
    /// The page's text as parsed (offsets in `scan` and `blocks` point into it).
    pub text: String,
    pub scan: Scan,
    pub blocks: Vec<Block>,
    /// Structural problems (unclosed, stray, malformed, unknown directives).
    pub structure: Diagnostics,
}

/// Every page that has a file, in reading order, plus the chapters' titles (label → the title of
/// the chapter's top-level page), in reading order.
pub fn parse_pages(
    ctx: &PreprocessorContext,
    book: &Book,
) -> (Vec<ParsedPage>, Vec<(String, String)>) {
    let mut pages = Vec::new();
    let mut chapters: Vec<(String, String)> = Vec::new();
    for_each_page(book, |ch| {
        let Some(path) = ch.path.clone() else {
            return;
        };
        let chapter = chapter_label(&path);
        if let Some(l) = &chapter
            && ch.parent_names.is_empty()
            && !chapters.iter().any(|(c, _)| c == l)
        {
            chapters.push((l.clone(), ch.name.clone()));
        }
        let display = display_path(ctx, ch);
        let scan = Scan::new(&ch.content);
        let (blocks, structure) =
            directive::parse(&SourceFile::new(display.clone(), &ch.content), &scan);
        pages.push(ParsedPage {
            path,
            display,
            name: ch.name.clone(),
            chapter,
            text: ch.content.clone(),
            scan,
            blocks,
            structure,
        });
    });
    (pages, chapters)
}

/// Cards numbered per chapter in reading order, looked up by id.
#[derive(Debug)]
pub struct Numbered<T> {
    pub items: Vec<T>,
    by_id: HashMap<String, (usize, String)>,
    per_chapter: HashMap<String, usize>,
}

impl ParsedPage {
    /// The page's text with its line index, for diagnostics.
    pub fn source(&self) -> SourceFile<'_> {
        SourceFile::new(self.display.clone(), &self.text)
    }
}

impl<T> Default for Numbered<T> {
    fn default() -> Self {
        Numbered {
            items: Vec::new(),
            by_id: HashMap::new(),
            per_chapter: HashMap::new(),
        }
    }
}

impl<T> Numbered<T> {
    /// Add a card with a new id; `make` gets its number within `chapter`. If the id is taken, the
    /// card is not added and the first card's location is returned.
    pub fn add(
        &mut self,
        id: &str,
        chapter: &str,
        location: String,
        make: impl FnOnce(usize) -> T,
    ) -> Result<(), String> {
        if let Some((_, first)) = self.by_id.get(id) {
            return Err(first.clone());
        }
        let n = self.per_chapter.entry(chapter.to_string()).or_insert(0);
        *n += 1;
        self.by_id
            .insert(id.to_string(), (self.items.len(), location));
        self.items.push(make(*n));
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&T> {
        self.by_id.get(id).map(|(i, _)| &self.items[*i])
    }
}

/// Call `edit` for every page (same order as [`parse_pages`]) with its current content and parse,
/// then apply the page's splices. Returns the problems `edit` reported.
pub fn splice_pages(
    book: &mut Book,
    pages: &[ParsedPage],
    mut edit: impl FnMut(&ParsedPage, &SourceFile<'_>, &mut Splicer, &mut Diagnostics),
) -> Result<Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut pages = pages.iter();
    let mut failure: Option<anyhow::Error> = None;
    for_each_page_mut(book, |ch| {
        let Some(page) = pages.next() else { return };
        let src = SourceFile::new(page.display.clone(), &ch.content);
        let mut splicer = Splicer::new();
        edit(page, &src, &mut splicer, &mut diags);
        if splicer.is_empty() {
            return;
        }
        match splicer
            .apply(&ch.content)
            .with_context(|| page.display.clone())
        {
            Ok(new) => ch.content = new,
            Err(e) => failure = Some(e),
        }
    });
    match failure {
        Some(e) => Err(e),
        None => Ok(diags),
    }
}
