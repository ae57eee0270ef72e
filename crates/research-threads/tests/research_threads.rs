//! The research-thread preprocessor on small in-memory books.

use std::path::Path;

use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use mdbook_research_threads::{INDEX_MARKER, ResearchThreads};
use preprocessor_kit::testing::{self, page};

fn book(pages: &[(&str, &str)]) -> Book {
    let mut ch1 = Chapter::new(
        "第 1 章 导论",
        "# 第 1 章\n".into(),
        "ch01/index.md",
        vec![],
    );
    for (path, content) in pages {
        ch1.sub_items.push(BookItem::Chapter(Chapter::new(
            "1.1 节",
            content.to_string(),
            *path,
            vec!["第 1 章 导论".into()],
        )));
    }
    let index = Chapter::new(
        "研究线索索引",
        format!("# 研究线索索引\n\n{INDEX_MARKER}\n"),
        "research-threads.md",
        vec![],
    );
    Book::new_with_items(vec![ch1.into(), index.into()])
}

fn run(b: Book) -> Result<Book, Vec<String>> {
    testing::run(
        &ResearchThreads,
        &testing::context(Path::new("/tmp/book")),
        b,
    )
}

const GOOD: &str = "# 1.1\n\n::: research {#rt-snr tags=noise-schedule,theory} 最优噪声调度存在吗?\n**问题** 是否存在与数据无关的最优调度?\n\n**为什么重要** 调度决定训练效率。\n\n**起点文献** [@kingma2021variational]\n\n**第一个实验** 在二维数据上比较。\n:::\n\n见 [](#rt-snr)。\n";

#[test]
fn renders_a_numbered_card_and_keeps_lines() {
    let out = run(book(&[("ch01/1-1.md", GOOD)])).unwrap();
    let p = page(&out, "ch01/1-1.md");
    assert!(
        p.contains(
            "<section class=\"research-thread\" id=\"rt-snr\" data-tags=\"noise-schedule,theory\">"
        ),
        "{p}"
    );
    assert!(
        p.contains(">研究线索 1.1</a> <span class=\"research-name\">最优噪声调度存在吗?</span>")
    );
    assert!(p.contains("<span class=\"rt-tag\">noise-schedule</span>"));
    assert!(p.contains("见 [研究线索 1.1](#rt-snr)。"));
    assert_eq!(p.lines().count(), GOOD.lines().count());
    assert!(p.contains("\n**问题** 是否存在与数据无关的最优调度?\n"));
}

#[test]
fn index_lists_threads_with_question_and_tags() {
    let out = run(book(&[("ch01/1-1.md", GOOD)])).unwrap();
    let idx = page(&out, "research-threads.md");
    assert!(idx.contains("全书共有 1 条研究线索"));
    assert!(idx.contains("data-all-tags=\"noise-schedule,theory\""));
    assert!(idx.contains("<div class=\"rt-index-item\" data-tags=\"noise-schedule,theory\">"));
    assert!(idx.contains("**[研究线索 1.1](ch01/1-1.md#rt-snr)** 最优噪声调度存在吗?"));
    assert!(idx.contains("\n是否存在与数据无关的最优调度?\n"));
}

#[test]
fn index_labels_thread_references_in_questions() {
    let two = "::: research {#rt-b tags=x} 第二条\n**问题** 接着 [](#rt-snr) 问。\n\n**为什么重要** w\n\n**起点文献** [@k]\n\n**第一个实验** e\n:::\n";
    let out = run(book(&[("ch01/1-1.md", GOOD), ("ch01/1-2.md", two)])).unwrap();
    let idx = page(&out, "research-threads.md");
    assert!(
        idx.contains("接着 [研究线索 1.1](ch01/1-1.md#rt-snr) 问。"),
        "{idx}"
    );
}

#[test]
fn bad_threads_report_file_line() {
    let cases: &[(&str, &str)] = &[
        (
            "::: research {#rt-a tags=x} T\n**问题** q\n\n**为什么重要** w\n\n**起点文献** [@k]\n:::\n",
            "book/ch01/1-1.md:1:1: research thread is missing the part **第一个实验**",
        ),
        (
            "::: research {#rt-a tags=x} T\n**问题**\n\n**为什么重要** w\n\n**起点文献** [@k]\n\n**第一个实验** e\n:::\n",
            "book/ch01/1-1.md:2:1: part **问题** is empty",
        ),
        (
            "::: research {#rt-a tags=x} T\n**问题** q\n\n**为什么重要** w\n\n**起点文献** 无\n\n**第一个实验** e\n:::\n",
            "book/ch01/1-1.md:6:1: part **起点文献** needs at least one citation",
        ),
        (
            "::: research {#a tags=x} T\n:::\n",
            "book/ch01/1-1.md:1:1: research thread id '#a' must start with 'rt-'",
        ),
        (
            "::: research {#rt-a} T\n:::\n",
            "book/ch01/1-1.md:1:1: research thread without tags",
        ),
        (
            "x\n\n::: research {#rt-a tags=x} T\n**问题** q\n",
            "book/ch01/1-1.md:3:1: unclosed '::: research' (opened here)",
        ),
        (
            "见 [](#rt-nope)\n",
            "book/ch01/1-1.md:1:3: unknown cross-reference target '#rt-nope' (no research thread has that id)",
        ),
    ];
    for (src, want) in cases {
        let errs = run(book(&[("ch01/1-1.md", src)])).expect_err(src);
        assert!(
            errs.iter().any(|e| e.starts_with(want)),
            "for {src:?} wanted {want:?}, got {errs:?}"
        );
    }
}
