//! The exercise preprocessor on small in-memory books: output HTML, numbering, cross-references,
//! the index page, and every author mistake with its file:line:col.

use std::path::Path;

use mdbook_exercises::Exercises;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use preprocessor_kit::testing::{self, page};
use proptest::prelude::*;

/// A book with a chapter index page, the given section pages under ch01/ (and ch02/ for names
/// starting with "ch02/"), and the exercise index page.
fn book(pages: &[(&str, &str)]) -> Book {
    let mut ch1 = Chapter::new(
        "第 1 章 导论",
        "# 第 1 章\n".into(),
        "ch01/index.md",
        vec![],
    );
    let mut ch2 = Chapter::new(
        "第 2 章 网络",
        "# 第 2 章\n".into(),
        "ch02/index.md",
        vec![],
    );
    for (path, content) in pages {
        let (parent, name) = if path.starts_with("ch02/") {
            (&mut ch2, "第 2 章 网络")
        } else {
            (&mut ch1, "第 1 章 导论")
        };
        let title = format!("节 {path}");
        parent.sub_items.push(BookItem::Chapter(Chapter::new(
            &title,
            content.to_string(),
            *path,
            vec![name.into()],
        )));
    }
    let index = Chapter::new(
        "习题索引",
        format!("# 习题索引\n\n{}\n", mdbook_exercises::INDEX_MARKER),
        "exercises.md",
        vec![],
    );
    Book::new_with_items(vec![ch1.into(), ch2.into(), index.into()])
}

fn run(b: Book) -> Result<Book, Vec<String>> {
    testing::run(&Exercises, &testing::context(Path::new("/tmp/book")), b)
}

const GOOD: &str = "# 1.1 节\n\n正文。\n\n::: exercise {#ex-one .theory difficulty=2} 第一题 `torch.randn` 与 $x_t$\n题目正文。\n\n::: hint\n提示正文。\n:::\n\n::: answer\n答案正文,含 $$a$$。\n:::\n:::\n\n::: exercise {#ex-two .implementation difficulty=3 skeleton=minidiff.forward.q_sample} 第二题 a|b\n实现。\n::: answer\n步骤。\n:::\n:::\n\n见 [](#ex-ex-two) 与 [那道题](#ex-ex-one)。\n";

#[test]
fn renders_cards_with_folded_hint_and_answer() {
    let out = run(book(&[("ch01/1-1.md", GOOD)])).unwrap();
    let p = page(&out, "ch01/1-1.md");
    assert!(p.contains("<section class=\"exercise\" id=\"ex-ex-one\" data-kind=\"theory\" data-difficulty=\"2\">"), "{p}");
    assert!(p.contains(">练习 1.1</a>"));
    assert!(p.contains(">练习 1.2</a>"));
    assert!(
        p.contains("<span class=\"exercise-name\">第一题 <code>torch.randn</code> 与 $x_t$</span>")
    );
    assert!(p.contains("<details class=\"hint\"><summary>提示</summary>"));
    assert!(p.contains("<details class=\"answer\"><summary>参考答案</summary>"));
    assert!(!p.contains(" open"), "answers must not be open");
    assert!(p.contains("data-skeleton=\"minidiff.forward.q_sample\""));
    assert!(
        !p.lines().any(|l| l.trim_start().starts_with(":::")),
        "no directive survives:\n{p}"
    );
    // Bodies stay Markdown, untouched.
    assert!(p.contains("\n题目正文。\n"));
    assert!(p.contains("\n答案正文,含 $$a$$。\n"));
}

#[test]
fn keeps_line_count_and_every_line_outside_directives() {
    let out = run(book(&[("ch01/1-1.md", GOOD)])).unwrap();
    let p = page(&out, "ch01/1-1.md");
    assert_eq!(p.lines().count(), GOOD.lines().count());
    for (a, b) in GOOD.lines().zip(p.lines()) {
        if !a.starts_with(":::") && !a.contains("](#ex-") {
            assert_eq!(a, b);
        }
    }
}

#[test]
fn cross_references_resolve_across_pages() {
    let other = "# 2.1\n\n回顾 [](#ex-ex-one)。\n";
    let out = run(book(&[("ch01/1-1.md", GOOD), ("ch02/2-1.md", other)])).unwrap();
    assert!(
        page(&out, "ch01/1-1.md").contains("见 [练习 1.2](#ex-ex-two) 与 [那道题](#ex-ex-one)。")
    );
    assert!(page(&out, "ch02/2-1.md").contains("回顾 [练习 1.1](../ch01/1-1.md#ex-ex-one)。"));
}

#[test]
fn numbering_restarts_per_chapter() {
    let c2 = "::: exercise {#c2 .challenge difficulty=4} 挑战\n::: answer\n答\n:::\n:::\n";
    let out = run(book(&[("ch01/1-1.md", GOOD), ("ch02/2-1.md", c2)])).unwrap();
    assert!(page(&out, "ch02/2-1.md").contains(">练习 2.1</a>"));
}

#[test]
fn index_lists_every_exercise_with_links() {
    let out = run(book(&[("ch01/1-1.md", GOOD)])).unwrap();
    let idx = page(&out, "exercises.md");
    assert!(idx.contains("全书共有 2 道练习"));
    assert!(idx.contains("## 第 1 章 导论"));
    assert!(idx.contains("| [练习 1.1](ch01/1-1.md#ex-ex-one) | 第一题 `torch.randn` 与 $x_t$ | [节 ch01/1-1.md](ch01/1-1.md) | 理论 | ★★ |"), "{idx}");
    assert!(
        idx.contains("第二题 a\\|b"),
        "a '|' in a title must not split the table cell"
    );
    assert!(!idx.contains(mdbook_exercises::INDEX_MARKER));
}

/// Each author mistake fails with file:line:col.
#[test]
fn bad_input_reports_file_line() {
    let cases: &[(&str, &str)] = &[
        (
            "::: exercise {#a .theory difficulty=2} T\n无答案\n:::\n",
            "book/ch01/1-1.md:1:1: exercise without an answer",
        ),
        (
            "x\n::: exercise {#a .theory difficulty=2} T\n::: answer\nA\n:::\n",
            "book/ch01/1-1.md:2:1: unclosed '::: exercise' (opened here)",
        ),
        ("正文\n\n:::\n", "book/ch01/1-1.md:3:1: stray ':::'"),
        (
            "::: exercise {#a .proof difficulty=2} T\n::: answer\nA\n:::\n:::\n",
            "book/ch01/1-1.md:1:1: unknown exercise kind '.proof'",
        ),
        (
            "::: exercise {#a .theory difficulty=7} T\n::: answer\nA\n:::\n:::\n",
            "book/ch01/1-1.md:1:1: difficulty '7' out of range",
        ),
        (
            "::: exercise {#a .theory} T\n::: answer\nA\n:::\n:::\n",
            "book/ch01/1-1.md:1:1: exercise without a difficulty",
        ),
        (
            "正文\n::: answer\nA\n:::\n",
            "book/ch01/1-1.md:2:1: '::: answer' outside an exercise",
        ),
        (
            "::: hint\nA\n:::\n",
            "book/ch01/1-1.md:1:1: '::: hint' outside an exercise",
        ),
        (
            "见 [](#ex-nope)\n",
            "book/ch01/1-1.md:1:3: unknown cross-reference target '#ex-nope' (no exercise has that id)",
        ),
        (
            "::: exercise {.theory difficulty=1} T\n::: answer\nA\n:::\n:::\n",
            "book/ch01/1-1.md:1:1: exercise without an id",
        ),
        (
            "::: exercize {#a}\n:::\n",
            "book/ch01/1-1.md:1:1: unknown directive '::: exercize'",
        ),
        (
            "::: exercise {#a .theory difficulty=1}\n::: answer\nA\n:::\n:::\n",
            "book/ch01/1-1.md:1:1: exercise without a title",
        ),
        (
            "::: exercise {#a .theory difficulty=1} T\n::: answer\nA\n:::\n::: hint\nH\n:::\n:::\n",
            "book/ch01/1-1.md:5:1: hint after the answer",
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

#[test]
fn duplicate_ids_across_pages_name_both_places() {
    let a = "::: exercise {#same .theory difficulty=1} A\n::: answer\nA\n:::\n:::\n";
    let b = "文\n\n::: exercise {#same .theory difficulty=1} B\n::: answer\nB\n:::\n:::\n";
    let errs = run(book(&[("ch01/1-1.md", a), ("ch02/2-1.md", b)])).unwrap_err();
    assert!(
        errs[0].starts_with("book/ch02/2-1.md:3:1: duplicate exercise id '#same'"),
        "{errs:?}"
    );
    assert!(errs[0].contains("first used at book/ch01/1-1.md:1"));
}

#[test]
fn all_problems_are_reported_at_once() {
    let src = "::: exercise {#a .theory difficulty=9} T\n:::\n\n::: answer\nx\n:::\n";
    let errs = run(book(&[("ch01/1-1.md", src)])).unwrap_err();
    assert!(errs.len() >= 3, "{errs:?}");
}

#[test]
fn directives_in_code_and_math_are_left_alone() {
    let src =
        "```markdown\n::: exercise {#x .theory difficulty=1} 示例\n:::\n```\n\n`::: answer`\n";
    let out = run(book(&[("ch01/1-1.md", src)])).unwrap();
    assert_eq!(page(&out, "ch01/1-1.md"), src);
}

fn line() -> impl Strategy<Value = String> {
    // Markdown-ish lines: prose, math, code spans, emphasis, HTML, list items, never a directive.
    prop::collection::vec(
        prop_oneof![
            Just("扩散".to_string()),
            Just(" $x_t$ ".to_string()),
            Just("`code`".to_string()),
            Just("*em*".to_string()),
            Just("<span>".to_string()),
            Just("- ".to_string()),
            Just("$5".to_string()),
            Just("[a](b)".to_string()),
            "[a-z ]{0,6}",
        ],
        0..6,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    /// Text outside directives comes out byte for byte, at the same line.
    #[test]
    fn text_outside_directives_is_untouched(before in prop::collection::vec(line(), 0..8), body in prop::collection::vec(line(), 0..5), after in prop::collection::vec(line(), 0..8)) {
        let mut src = before.join("\n");
        src.push_str("\n\n::: exercise {#p .theory difficulty=1} 题\n");
        src.push_str(&body.join("\n"));
        src.push_str("\n\n::: answer\n答\n:::\n:::\n\n");
        src.push_str(&after.join("\n"));
        let out = run(book(&[("ch01/1-1.md", &src)])).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let p = page(&out, "ch01/1-1.md");
        prop_assert_eq!(p.lines().count(), src.lines().count());
        for (a, b) in src.lines().zip(p.lines()) {
            if !a.starts_with(":::") {
                prop_assert_eq!(a, b);
            }
        }
    }
}
