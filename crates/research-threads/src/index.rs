//! The 研究线索索引 page: every thread grouped by chapter — number, title, question, tags, link.
//!
//! Each entry is a `div.rt-index-item[data-tags]` so common.js can filter by tag; without
//! JavaScript the page is still the complete list.

use std::fmt::Write;

use mdbook_preprocessor::book::Book;
use preprocessor_kit::chapters::{find_marker, for_each_page_mut, relative_link};
use preprocessor_kit::html::escape_attr;
use preprocessor_kit::links::rebase_relative_links;
use preprocessor_kit::scan::Scan;

use crate::INDEX_MARKER;
use crate::collect::Registry;
use preprocessor_kit::html::title_html;

use crate::render::tag_line;

pub fn fill(book: &mut Book, reg: &Registry) {
    for_each_page_mut(book, |ch| {
        let (Some(path), Some(at)) = (ch.path.clone(), find_marker(&ch.content, INDEX_MARKER))
        else {
            return;
        };
        let mut tags: Vec<&str> = reg
            .threads
            .items
            .iter()
            .flat_map(|t| t.tags.iter().map(String::as_str))
            .collect();
        tags.sort_unstable();
        tags.dedup();
        let mut md = String::new();
        let _ = writeln!(
            md,
            "全书共有 {} 条研究线索，涉及 {} 个标签。每条线索给出开放问题、它为什么重要、起点文献和一个可以在玩具数据上先做的实验。\n",
            reg.threads.items.len(),
            tags.len()
        );
        let _ = writeln!(
            md,
            "<div class=\"rt-index\" data-all-tags=\"{}\"></div>\n",
            escape_attr(&tags.join(","))
        );
        for (label, title) in &reg.chapters {
            let threads: Vec<_> = reg
                .threads
                .items
                .iter()
                .filter(|t| &t.chapter == label)
                .collect();
            if threads.is_empty() {
                continue;
            }
            let _ = writeln!(md, "## {title}\n");
            for t in threads {
                let href = relative_link(&path, &t.page, "md", Some(&t.id));
                let _ = writeln!(
                    md,
                    "<!--rt--><div class=\"rt-index-item\" data-tags=\"{}\">",
                    escape_attr(&t.tags.join(","))
                );
                let _ = writeln!(md, "**[{}]({href})** {}", t.label(), title_html(&t.title));
                let _ = writeln!(md, "<!--rt-->");
                let question = label_thread_refs(&t.question, &t.page, reg);
                let _ = writeln!(md, "{}", rebase_relative_links(&question, &t.page, &path));
                let _ = writeln!(md, "<!--rt-->{}</div>\n", tag_line(&t.tags));
            }
        }
        ch.content.replace_range(at, &md);
    });
}

/// The question is copied from the source, where `[](#rt-id)` has not been given its label yet
/// (this preprocessor labels those links on the chapter pages in the same run): label them here,
/// pointing at the page that holds the target.
fn label_thread_refs(text: &str, page: &std::path::Path, reg: &Registry) -> String {
    let scan = Scan::new(text);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for link in &scan.links {
        let Some((id, t)) = link
            .dest
            .strip_prefix('#')
            .and_then(|id| reg.get(id).map(|t| (id, t)))
        else {
            continue;
        };
        if !text[link.text.clone()].trim().is_empty() {
            continue;
        }
        out.push_str(&text[pos..link.range.start]);
        let href = relative_link(page, &t.page, "md", Some(id));
        out.push_str(&format!("[{}]({href})", t.label()));
        pos = link.range.end;
    }
    out.push_str(&text[pos..]);
    out
}
