//! Citations: `[@key]` in prose becomes `（Ho 等，2020）` linking to the 参考文献 page, whose entries
//! link to arXiv (or DOI/URL); each chapter's summary page gets the chapter's reference list.

pub mod bib;
pub mod cite;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;
use preprocessor_kit::chapters::{
    chapter_label, display_path, find_marker, for_each_page_mut, relative_link, slash_path,
};
use preprocessor_kit::html::{escape_attr, escape_text};
use preprocessor_kit::protocol::{BookPreprocessor, warn};
use preprocessor_kit::scan::Scan;
use preprocessor_kit::splice::Splicer;
use preprocessor_kit::{Diagnostic, Diagnostics, SourceFile};

use bib::{Bibliography, Entry};

/// The bibliography file, relative to the book's source directory.
pub const BIB_FILE: &str = "references.toml";
pub const BIB_MARKER: &str = "<!-- generated: bibliography -->";
pub const CHAPTER_MARKER: &str = "<!-- chapter-references -->";
/// The page that holds the bibliography, relative to the source directory.
const BIB_PAGE: &str = "references.md";

pub struct Citations;

impl BookPreprocessor for Citations {
    fn name(&self) -> &'static str {
        "citations"
    }

    fn run(&self, ctx: &PreprocessorContext, book: Book) -> Result<Book> {
        let src_dir = ctx.root.join(&ctx.config.book.src);
        let display = slash_path(&ctx.config.book.src.join(BIB_FILE));
        let text = std::fs::read_to_string(src_dir.join(BIB_FILE))
            .with_context(|| format!("reading the bibliography {display}"))?;
        let bib = Bibliography::parse(&display, &text)?;
        let (book, cited) = cite_book(ctx, book, &bib)?;
        for (key, line) in &bib.lines {
            if !cited.iter().any(|c| &c.key == key) {
                let mut d = Diagnostic::in_file(display.clone(), format!("[{key}] is never cited"));
                d.line = *line;
                warn(&d);
            }
        }
        Ok(generate(book, &bib, &cited))
    }
}

/// One citation of a key on a page.
#[derive(Debug, Clone)]
pub struct Use {
    pub key: String,
    pub page: PathBuf,
    pub page_title: String,
    pub chapter: Option<String>,
}

/// Replace every citation in every page; return the uses in reading order.
pub fn cite_book(
    ctx: &PreprocessorContext,
    mut book: Book,
    bib: &Bibliography,
) -> Result<(Book, Vec<Use>)> {
    let mut diags = Diagnostics::new();
    let mut uses = Vec::new();
    let mut failure = None;
    for_each_page_mut(&mut book, |ch| {
        let Some(path) = ch.path.clone() else { return };
        let display = display_path(ctx, ch);
        let src = SourceFile::new(display.clone(), &ch.content);
        let scan = Scan::new(&ch.content);
        let (cites, bad) = cite::find(&ch.content, &scan);
        for b in bad {
            diags.push(Diagnostic::at(&src, b.at, b.message));
        }
        let mut splicer = Splicer::new();
        for c in cites {
            let mut links = Vec::new();
            for item in &c.items {
                let Some(entry) = bib.entries.get(&item.key) else {
                    let mut d = Diagnostic::at(
                        &src,
                        item.at,
                        format!("unknown citation key '@{}'", item.key),
                    );
                    let near = bib.suggest(&item.key);
                    if !near.is_empty() {
                        d = d.note(format!(
                            "did you mean {}?",
                            near.iter()
                                .map(|k| format!("'@{k}'"))
                                .collect::<Vec<_>>()
                                .join(" or ")
                        ));
                    }
                    diags.push(d.note(format!(
                        "keys live in {}",
                        slash_path(&ctx.config.book.src.join(BIB_FILE))
                    )));
                    continue;
                };
                uses.push(Use {
                    key: item.key.clone(),
                    page: path.clone(),
                    page_title: ch.name.clone(),
                    chapter: chapter_label(&path),
                });
                let href = relative_link(
                    &path,
                    Path::new(BIB_PAGE),
                    "html",
                    Some(&format!("ref-{}", item.key)),
                );
                let locator = item
                    .locator
                    .as_deref()
                    .map(|l| format!("，{}", escape_text(l)))
                    .unwrap_or_default();
                links.push(format!(
                    "<a class=\"citation\" href=\"{href}\" title=\"{}\">{}</a>{locator}",
                    escape_attr(&entry.title),
                    escape_text(&bib.labels[&item.key]),
                ));
            }
            if links.len() == c.items.len() {
                let html = format!("<span class=\"citations\">（{}）</span>", links.join("；"));
                splicer.replace(
                    c.range.clone(),
                    keep_lines(&html, &ch.content[c.range.clone()]),
                );
            }
        }
        if !splicer.is_empty() {
            match splicer.apply(&ch.content).with_context(|| display.clone()) {
                Ok(new) => ch.content = new,
                Err(e) => failure = Some(e),
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    diags.into_result()?;
    Ok((book, uses))
}

/// Give `html` as many newlines as `original` had, placed inside tags (`<a\nclass=…`) where
/// Markdown cannot see them, so line numbers stay the author's.
fn keep_lines(html: &str, original: &str) -> String {
    let mut need = original.matches('\n').count();
    if need == 0 {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + need);
    let mut rest = html;
    while need > 0 {
        let Some(p) = rest.find(" class=") else { break };
        out.push_str(&rest[..p]);
        out.push('\n');
        rest = &rest[p + 1..];
        need -= 1;
    }
    out.push_str(rest);
    // More newlines than tags (one key's locator broken over lines): one comment per newline, so
    // no blank line appears.
    for _ in 0..need {
        out.push_str("<!--\n-->");
    }
    out
}

/// One reference, formatted: authors. title. venue. link.
fn entry_html(e: &Entry) -> String {
    let link = Bibliography::link(e);
    let shown = if let Some(a) = &e.arxiv {
        format!("arXiv:{a}")
    } else if let Some(d) = &e.doi {
        format!("doi:{d}")
    } else {
        link.clone()
    };
    format!(
        "{}. {}. <em>{}</em>. <a href=\"{}\">{}</a>",
        escape_text(&e.authors.join(", ")),
        escape_text(&e.title),
        escape_text(&e.venue),
        escape_attr(&link),
        escape_text(&shown),
    )
}

/// Fill the 参考文献 page and each chapter's reference list. The generated HTML is one line, so
/// the page keeps its line numbers.
fn generate(mut book: Book, bib: &Bibliography, uses: &[Use]) -> Book {
    let mut cited_by: BTreeMap<&str, Vec<&Use>> = BTreeMap::new();
    for u in uses {
        let v = cited_by.entry(u.key.as_str()).or_default();
        if !v.iter().any(|w| w.page == u.page) {
            v.push(u);
        }
    }
    let mut order: Vec<&String> = bib.entries.keys().collect();
    order.sort_by_key(|k| (bib.labels[*k].to_lowercase(), (*k).clone()));
    for_each_page_mut(&mut book, |ch| {
        let Some(path) = ch.path.clone() else { return };
        if let Some(at) = find_marker(&ch.content, BIB_MARKER) {
            let mut html = String::from("<ol class=\"bibliography\">");
            for key in &order {
                let e = &bib.entries[*key];
                let back: Vec<String> = cited_by
                    .get(key.as_str())
                    .into_iter()
                    .flatten()
                    .map(|u| {
                        format!(
                            "<a href=\"{}\">{}</a>",
                            relative_link(&path, &u.page, "html", None),
                            escape_text(&u.page_title)
                        )
                    })
                    .collect();
                let back = if back.is_empty() {
                    String::new()
                } else {
                    format!(
                        " <span class=\"cited-by\">引用于：{}</span>",
                        back.join("、")
                    )
                };
                html.push_str(&format!(
                    "<li class=\"reference\" id=\"ref-{key}\"><span class=\"reference-label\">{}</span> {}{back}</li>",
                    escape_text(&bib.labels[*key]),
                    entry_html(e)
                ));
            }
            html.push_str("</ol>");
            ch.content.replace_range(at, &html);
        }
        if let Some(at) = find_marker(&ch.content, CHAPTER_MARKER) {
            let label = chapter_label(&path);
            let keys: BTreeSet<&str> = uses
                .iter()
                .filter(|u| u.chapter.is_some() && u.chapter == label)
                .map(|u| u.key.as_str())
                .collect();
            let mut keys: Vec<&str> = keys.into_iter().collect();
            keys.sort_by_key(|k| bib.labels[*k].to_lowercase());
            let html = if keys.is_empty() {
                String::new()
            } else {
                let items: Vec<String> = keys
                    .iter()
                    .map(|k| {
                        format!(
                            "<li><a class=\"citation\" href=\"{}\">{}</a> {}</li>",
                            relative_link(
                                &path,
                                Path::new(BIB_PAGE),
                                "html",
                                Some(&format!("ref-{k}"))
                            ),
                            escape_text(&bib.labels[*k]),
                            entry_html(&bib.entries[*k])
                        )
                    })
                    .collect();
                format!(
                    "<h2 id=\"chapter-references\">本章参考文献</h2><ul class=\"chapter-references\">{}</ul>",
                    items.join("")
                )
            };
            ch.content.replace_range(at, &html);
        }
    });
    book
}
