//! Pass 2: splice the thread cards into each page and resolve `[](#rt-id)` cross-references.
//! Like the exercise cards, each directive line becomes one comment-started raw-HTML line, so the
//! Markdown inside renders as Markdown and line numbers stay the author's.

use anyhow::Result;
use mdbook_preprocessor::book::Book;
use preprocessor_kit::Diagnostics;
use preprocessor_kit::html::{escape_attr, escape_text, title_html};
use preprocessor_kit::links::{Target, resolve_cross_refs};
use preprocessor_kit::pages::{ParsedPage, splice_pages};

use crate::collect::{Registry, Thread};

const MARK: &str = "<!--rt-->";

pub fn render(book: &mut Book, reg: &Registry, pages: &[ParsedPage]) -> Result<Diagnostics> {
    splice_pages(book, pages, |page, src, splicer, diags| {
        diags.extend(page.structure.clone());
        let mut directive_lines = Vec::new();
        for b in page.blocks.iter().filter(|b| b.name == "research") {
            directive_lines.push(b.open_line.clone());
            let Some(t) = b.attrs.id.as_deref().and_then(|id| reg.get(id)) else {
                continue;
            };
            if t.page != page.path {
                continue;
            }
            splicer.replace(
                b.open_line.clone(),
                format!("{}{MARK}{}", b.indent, card_open(t)),
            );
            splicer.replace(
                b.close_line.clone(),
                format!("{}{MARK}</section>", b.indent),
            );
        }
        resolve_cross_refs(
            src,
            &page.scan,
            &page.path,
            "rt-",
            "research thread",
            &directive_lines,
            |anchor| {
                reg.get(anchor).map(|t| Target {
                    page: &t.page,
                    label: t.label(),
                })
            },
            splicer,
            diags,
        );
    })
}

fn card_open(t: &Thread) -> String {
    format!(
        "<section class=\"research-thread\" id=\"{id}\" data-tags=\"{tags}\">\
         <h4 class=\"research-title\"><a class=\"research-number\" href=\"#{id}\">{label}</a> \
         <span class=\"research-name\">{title}</span></h4>{tag_line}",
        id = t.id,
        tags = escape_attr(&t.tags.join(",")),
        label = t.label(),
        title = title_html(&t.title),
        tag_line = tag_line(&t.tags),
    )
}

/// `<p class="rt-tags">` with one `<span class="rt-tag">` per tag.
pub fn tag_line(tags: &[String]) -> String {
    let spans: Vec<String> = tags
        .iter()
        .map(|t| format!("<span class=\"rt-tag\">{}</span>", escape_text(t)))
        .collect();
    format!("<p class=\"rt-tags\">{}</p>", spans.join(" "))
}
