//! Pass 2: splice each target's HTML and number into its page and resolve the references.
//!
//! Directive lines become one-line raw HTML blocks that start with an HTML comment (CommonMark ends
//! such a block at the end of its line), so the Markdown between them — a caption, a table, the
//! steps of an algorithm — still renders as Markdown, and every page keeps its line numbers.
//!
//! ```text
//! <figure id="fig-x" class="numbered-figure">             <figure id="tab-x" class="numbered-table">
//! <img src="…" alt="…">  (or the interactive <div>)         <figcaption><span class="table-number">表 3.1</span> 标题</figcaption>
//! <figcaption><p><span class="figure-number">图 3.2</span> 图注…</p></figcaption>     …table…
//! </figure>                                               </figure>
//! ```
//!
//! An equation keeps its `$$ … $$`; the number goes in as KaTeX's `\tag{3.5}` and an empty
//! `<span id="eq-x" class="equation-anchor">` before it is what references jump to.

use anyhow::Result;
use mdbook_preprocessor::book::Book;
use preprocessor_kit::Diagnostics;
use preprocessor_kit::html::{escape_attr, title_html};
use preprocessor_kit::links::{Target as LinkTarget, resolve_cross_refs};
use preprocessor_kit::pages::{ParsedPage, splice_pages};
use preprocessor_kit::splice::Splicer;

use crate::Kind;
use crate::collect::{Item, Registry};

/// Marks our raw-HTML lines (and makes each one a self-terminating HTML block).
const MARK: &str = "<!--num-->";

pub fn render(
    book: &mut Book,
    reg: &Registry,
    pages: &[ParsedPage],
    plans: &[Vec<Item>],
) -> Result<Diagnostics> {
    let mut plans = plans.iter();
    splice_pages(book, pages, |page, src, splicer, diags| {
        let items = plans.next().map_or(&[][..], |v| v.as_slice());
        for item in items {
            splice_item(item, reg, splicer);
        }
        let mut directive_lines = Vec::new();
        for b in &page.blocks {
            directive_lines.push(b.open_line.clone());
            directive_lines.extend(b.descendants().iter().map(|d| d.open_line.clone()));
        }
        for kind in Kind::ALL {
            resolve_cross_refs(
                src,
                &page.scan,
                &page.path,
                kind.prefix(),
                kind.en(),
                &directive_lines,
                |anchor| {
                    reg.get(anchor)
                        .filter(|t| t.kind == kind)
                        .map(|t| LinkTarget {
                            page: &t.page,
                            label: t.label(),
                        })
                },
                splicer,
                diags,
            );
        }
    })
}

fn label_of(reg: &Registry, id: &str) -> String {
    reg.get(id).map(|t| t.label()).unwrap_or_default()
}

fn splice_item(item: &Item, reg: &Registry, s: &mut Splicer) {
    match item {
        Item::Figure {
            id,
            indent,
            open_line,
            close_line,
            image_line,
            alt,
            src,
            interactive,
            blank_line,
            caption_start,
        } => {
            let img = format!(
                "<img src=\"{}\" alt=\"{}\">",
                escape_attr(src),
                escape_attr(alt)
            );
            let img = match interactive {
                Some(name) => format!(
                    "<div class=\"interactive-figure\" data-figure=\"{}\">{img}</div>",
                    escape_attr(name)
                ),
                None => img,
            };
            s.replace(
                open_line.clone(),
                format!("{indent}{MARK}<figure id=\"{id}\" class=\"numbered-figure\">"),
            );
            s.replace(image_line.clone(), format!("{indent}{MARK}{img}"));
            s.replace(blank_line.clone(), format!("{indent}{MARK}<figcaption>"));
            s.replace(
                *caption_start..*caption_start,
                format!(
                    "<span class=\"figure-number\">{}</span> ",
                    label_of(reg, id)
                ),
            );
            s.replace(
                close_line.clone(),
                format!("{indent}{MARK}</figcaption></figure>"),
            );
        }
        Item::Boxed {
            kind,
            id,
            indent,
            open_line,
            close_line,
            title,
        } => {
            let what = kind.en();
            s.replace(
                open_line.clone(),
                format!(
                    "{indent}{MARK}<figure id=\"{id}\" class=\"numbered-{what}\"><figcaption>\
                     <span class=\"{what}-number\">{}</span> {}</figcaption>",
                    label_of(reg, id),
                    title_html(title)
                ),
            );
            s.replace(close_line.clone(), format!("{indent}{MARK}</figure>"));
        }
        Item::Equation {
            id,
            open,
            close,
            label,
        } => {
            let number = reg
                .get(id)
                .map(|t| format!("{}.{}", t.chapter, t.number))
                .unwrap_or_default();
            s.replace(
                *open..*open,
                format!("<span id=\"{id}\" class=\"equation-anchor\"></span>"),
            );
            s.replace(*close..*close, format!("\\tag{{{number}}}"));
            s.replace(label.clone(), "");
        }
    }
}
