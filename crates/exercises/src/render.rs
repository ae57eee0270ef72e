//! Pass 2: splice the exercise HTML into each page and resolve `[](#ex-id)` cross-references.
//!
//! Each directive line becomes one line of raw HTML that starts with an HTML comment: CommonMark
//! ends a comment-started HTML block at the end of that line, so the Markdown right after it (the
//! exercise body, the answer) renders as Markdown without an extra blank line, and every page keeps
//! its line numbers.

use anyhow::Result;
use mdbook_preprocessor::book::Book;
use preprocessor_kit::Diagnostics;
use preprocessor_kit::directive::Block;
use preprocessor_kit::html::{escape_attr, title_html};
use preprocessor_kit::links::{Target, resolve_cross_refs};
use preprocessor_kit::pages::{ParsedPage, splice_pages};
use preprocessor_kit::splice::Splicer;

use crate::collect::{Exercise, Registry};

/// Marks our raw-HTML lines (and makes each one a self-terminating HTML block).
const MARK: &str = "<!--ex-->";

pub fn render(book: &mut Book, reg: &Registry, pages: &[ParsedPage]) -> Result<Diagnostics> {
    splice_pages(book, pages, |page, src, splicer, diags| {
        diags.extend(page.structure.clone());
        let mut directive_lines = Vec::new();
        for b in page.blocks.iter().filter(|b| b.name == "exercise") {
            directive_lines.push(b.open_line.clone());
            if let Some(ex) = b.attrs.id.as_deref().and_then(|id| reg.get(id))
                && ex.page == page.path
            {
                splice_exercise(b, ex, splicer);
            }
        }
        resolve_cross_refs(
            src,
            &page.scan,
            &page.path,
            "ex-",
            "exercise",
            &directive_lines,
            |anchor| {
                reg.get(&anchor["ex-".len()..]).map(|e| Target {
                    page: &e.page,
                    label: e.label(),
                })
            },
            splicer,
            diags,
        );
    })
}

fn splice_exercise(b: &Block, ex: &Exercise, s: &mut Splicer) {
    let ind = &b.indent;
    let skeleton = ex
        .skeleton
        .as_deref()
        .map(|k| format!(" data-skeleton=\"{}\"", escape_attr(k)))
        .unwrap_or_default();
    let stars = "★".repeat(ex.difficulty as usize);
    s.replace(
        b.open_line.clone(),
        format!(
            "{ind}{MARK}<section class=\"exercise\" id=\"ex-{id}\" data-kind=\"{kind}\" \
             data-difficulty=\"{d}\"{skeleton}><h4 class=\"exercise-title\">\
             <a class=\"exercise-number\" href=\"#ex-{id}\">{label}</a> \
             <span class=\"exercise-kind\">{kind_zh}</span> \
             <span class=\"exercise-difficulty\" title=\"难度 {d}/4\">{stars}</span> \
             <span class=\"exercise-name\">{title}</span></h4>",
            id = ex.id,
            kind = ex.kind,
            d = ex.difficulty,
            label = ex.label(),
            kind_zh = ex.kind_zh(),
            title = title_html(&ex.title),
        ),
    );
    s.replace(b.close_line.clone(), format!("{ind}{MARK}</section>"));
    for c in &b.children {
        let (class, summary) = if c.name == "answer" {
            ("answer", "参考答案")
        } else {
            ("hint", "提示")
        };
        let ci = &c.indent;
        s.replace(
            c.open_line.clone(),
            format!("{ci}{MARK}<details class=\"{class}\"><summary>{summary}</summary>"),
        );
        s.replace(c.close_line.clone(), format!("{ci}{MARK}</details>"));
    }
}
