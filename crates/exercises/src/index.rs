//! The 习题索引 page: per chapter, a table of number, title, section, kind and difficulty.

use std::fmt::Write;

use mdbook_preprocessor::book::Book;
use preprocessor_kit::chapters::{find_marker, for_each_page_mut, relative_link};
use preprocessor_kit::scan::Scan;

use crate::INDEX_MARKER;
use crate::collect::{KINDS, Registry};

/// Replace the marker on the index page (if the book has one) with the generated tables.
pub fn fill(book: &mut Book, reg: &Registry) {
    for_each_page_mut(book, |ch| {
        let (Some(path), Some(at)) = (ch.path.clone(), find_marker(&ch.content, INDEX_MARKER))
        else {
            return;
        };
        let mut md = String::new();
        let count = |k: &str| reg.exercises.items.iter().filter(|e| e.kind == k).count();
        let _ = writeln!(
            md,
            "全书共有 {} 道练习：{}。点击编号跳到题目；答案在题目下方，默认折叠。\n",
            reg.exercises.items.len(),
            KINDS
                .iter()
                .map(|(k, z)| format!("{z} {} 道", count(k)))
                .collect::<Vec<_>>()
                .join("，")
        );
        for (label, title) in &reg.chapters {
            let rows: Vec<_> = reg
                .exercises
                .items
                .iter()
                .filter(|e| &e.chapter == label)
                .collect();
            if rows.is_empty() {
                continue;
            }
            let _ = writeln!(md, "## {title}\n");
            let _ = writeln!(
                md,
                "| 编号 | 题目 | 所在小节 | 类型 | 难度 |\n|---|---|---|---|---|"
            );
            for e in rows {
                let _ = writeln!(
                    md,
                    "| [{}]({}) | {} | [{}]({}) | {} | {} |",
                    e.label(),
                    relative_link(&path, &e.page, "md", Some(&format!("ex-{}", e.id))),
                    table_cell(&e.title),
                    table_cell(&e.page_title),
                    relative_link(&path, &e.page, "md", None),
                    e.kind_zh(),
                    "★".repeat(e.difficulty as usize),
                );
            }
            md.push('\n');
        }
        ch.content.replace_range(at, &md);
    });
}

/// Escape `|` outside math so a title never splits a table cell (math is rendered to HTML, with
/// its own `|` escaped, by the math preprocessor before mdBook parses the table).
fn table_cell(s: &str) -> String {
    let scan = Scan::new(s);
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        if c == '|' && scan.is_free(i) {
            out.push_str("\\|");
        } else {
            out.push(c);
        }
    }
    out
}
