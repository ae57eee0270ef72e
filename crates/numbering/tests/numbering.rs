//! The numbering preprocessor on small in-memory books: the HTML it splices, per-chapter numbers in
//! reading order, references within and across chapters, and every author mistake with file:line.

use std::path::Path;

use mdbook_numbering::Numbering;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use preprocessor_kit::testing::{self, page};
use proptest::prelude::*;

/// Chapters 1 and 2 and appendix A, with the given section pages (paths decide the chapter).
fn book(pages: &[(&str, &str)]) -> Book {
    let mut chapters: Vec<Chapter> = [
        ("ch01", "第 1 章"),
        ("ch02", "第 2 章"),
        ("appendix-a", "附录 A"),
    ]
    .iter()
    .map(|(dir, name)| {
        Chapter::new(
            name,
            format!("# {name}\n"),
            format!("{dir}/index.md"),
            vec![],
        )
    })
    .collect();
    for (path, content) in pages {
        let i = if path.starts_with("ch02/") {
            1
        } else if path.starts_with("appendix-a/") {
            2
        } else {
            0
        };
        let parent = chapters[i].name.clone();
        chapters[i].sub_items.push(BookItem::Chapter(Chapter::new(
            &format!("节 {path}"),
            content.to_string(),
            *path,
            vec![parent],
        )));
    }
    let mut items: Vec<BookItem> = chapters.into_iter().map(BookItem::Chapter).collect();
    items.push(BookItem::Chapter(Chapter::new(
        "前言",
        "没有编号的页。\n".into(),
        "preface.md",
        vec![],
    )));
    Book::new_with_items(items)
}

fn run(b: Book) -> Result<Book, Vec<String>> {
    testing::run(&Numbering, &testing::context(Path::new("/tmp/book")), b)
}

const FIG: &str = "# 1.1\n\n::: figure {#fig-a}\n![两个月牙](../figures/ch01/a.svg)\n\n图注，含 $x_t$ 与 **粗体**。\n第二行。\n:::\n\n见 [](#fig-a) 与 [这张图](#fig-a)。\n";

#[test]
fn a_figure_becomes_a_numbered_figure_with_its_caption_as_markdown() {
    let out = run(book(&[("ch01/1-1.md", FIG)])).unwrap();
    let p = page(&out, "ch01/1-1.md");
    assert!(p.contains("<!--num--><figure id=\"fig-a\" class=\"numbered-figure\">\n<!--num--><img src=\"../figures/ch01/a.svg\" alt=\"两个月牙\">\n<!--num--><figcaption>\n<span class=\"figure-number\">图 1.1</span> 图注，含 $x_t$ 与 **粗体**。\n第二行。\n<!--num--></figcaption></figure>"), "{p}");
    assert!(
        p.contains("见 [图 1.1](#fig-a) 与 [这张图](#fig-a)。"),
        "{p}"
    );
    assert_eq!(p.lines().count(), FIG.lines().count(), "line count kept");
}

#[test]
fn an_interactive_figure_keeps_the_markup_the_figure_scripts_read() {
    let src = "::: figure {#fig-i interactive=forward-2d}\n![替代](../f.svg)\n\n图注。\n:::\n";
    let out = run(book(&[("ch01/1-1.md", src)])).unwrap();
    assert!(page(&out, "ch01/1-1.md").contains("<!--num--><div class=\"interactive-figure\" data-figure=\"forward-2d\"><img src=\"../f.svg\" alt=\"替代\"></div>"));
}

#[test]
fn numbers_run_per_chapter_in_reading_order_and_references_cross_pages() {
    let fig = |id: &str| format!("::: figure {{#{id}}}\n![图](x.svg)\n\n图注。\n:::\n");
    let p11 = format!(
        "{}\n{}\n后文见 [](#fig-c)、[](#eq-e)、[](#tab-t)、[](#alg-s)。\n",
        fig("fig-a"),
        fig("fig-b")
    );
    let p12 = format!(
        "{}\n$$\na=b\n$$ {{#eq-e}}\n\n$$c$$\n\n$$d$$ {{#eq-f}}\n",
        fig("fig-c")
    );
    let p21 = format!(
        "{}\n::: table {{#tab-t}} 规模\n| a | b |\n|---|---|\n| 1 | 2 |\n:::\n\n::: algorithm {{#alg-s}} 采样\n1. 取 $x$；\n2. 返回。\n:::\n\n回看 [](#fig-b) 与 [](#eq-f)。\n",
        fig("fig-d")
    );
    let pa = format!("{}\n$$y$$ {{#eq-g}}\n", fig("fig-z"));
    let out = run(book(&[
        ("ch01/1-1.md", &p11),
        ("ch01/1-2.md", &p12),
        ("ch02/2-1.md", &p21),
        ("appendix-a/a-1.md", &pa),
    ]))
    .unwrap();
    let p = page(&out, "ch01/1-1.md");
    assert!(p.contains("后文见 [图 1.3](1-2.md#fig-c)、[式 (1.1)](1-2.md#eq-e)、[表 2.1](../ch02/2-1.md#tab-t)、[算法 2.1](../ch02/2-1.md#alg-s)。"), "{p}");
    let p = page(&out, "ch01/1-2.md");
    assert!(
        p.contains("<span id=\"eq-e\" class=\"equation-anchor\"></span>$$\na=b\n\\tag{1.1}$$\n"),
        "{p}"
    );
    assert!(p.contains("\n$$c$$\n"), "unlabelled stays unnumbered: {p}");
    assert!(
        p.contains("<span id=\"eq-f\" class=\"equation-anchor\"></span>$$d\\tag{1.2}$$\n"),
        "{p}"
    );
    let p = page(&out, "ch02/2-1.md");
    assert!(
        p.contains("<span class=\"figure-number\">图 2.1</span>"),
        "{p}"
    );
    assert!(p.contains("<!--num--><figure id=\"tab-t\" class=\"numbered-table\"><figcaption><span class=\"table-number\">表 2.1</span> 规模</figcaption>\n| a | b |"), "{p}");
    assert!(p.contains("<!--num--><figure id=\"alg-s\" class=\"numbered-algorithm\"><figcaption><span class=\"algorithm-number\">算法 2.1</span> 采样</figcaption>\n1. 取 $x$；"), "{p}");
    assert!(
        p.contains("回看 [图 1.2](../ch01/1-1.md#fig-b) 与 [式 (1.2)](../ch01/1-2.md#eq-f)。"),
        "{p}"
    );
    let p = page(&out, "appendix-a/a-1.md");
    assert!(p.contains("图 A.1") && p.contains("\\tag{A.1}"), "{p}");
}

fn errors(pages: &[(&str, &str)]) -> Vec<String> {
    run(book(pages)).expect_err("the build should fail")
}

#[test]
fn every_mistake_is_reported_with_its_line_and_all_at_once() {
    let src = "\
::: figure {#fig-noalt}
![](a.svg)

图注。
:::
::: figure {#wrong-prefix}
![a](a.svg)

图注。
:::
::: figure {#fig-nocaption}
![a](a.svg)
:::
::: figure {#fig-noblank}
![a](a.svg)
图注紧贴着图。
:::
::: figure {#fig-x}
![a](a.svg)

图注。
:::
::: figure {#fig-x}
![a](a.svg)

重复的 id。
:::
::: table {#tab-notitle}
| a |
:::
::: algorithm {#alg-code} 有代码
1. 一步
```python
x = 1
```
:::
见 [](#fig-missing) 与 [](#eq-missing)。
$$a$$ {#eq-}
$x$ {#eq-inline}
手写的图 1.1 与式 (1.2)。
$$b \\tag{9}$$
孤立的标签 {#eq-stray}
";
    let e = errors(&[("ch01/1-1.md", src)]);
    let want = [
        "book/ch01/1-1.md:2:1: figure without alt text",
        "book/ch01/1-1.md:6:1: figure id '#wrong-prefix' must start with 'fig-'",
        "book/ch01/1-1.md:11:1: figure without a caption",
        "book/ch01/1-1.md:16:1: leave one blank line between a figure's image and its caption",
        "book/ch01/1-1.md:23:1: duplicate figure id '#fig-x'",
        "book/ch01/1-1.md:28:1: table without a title",
        "book/ch01/1-1.md:33:1: an algorithm box holds mathematical pseudo-code, not a code block",
        "book/ch01/1-1.md:37:3: unknown cross-reference target '#fig-missing'",
        "book/ch01/1-1.md:37:22: unknown cross-reference target '#eq-missing'",
        "book/ch01/1-1.md:38:7: equation id '#eq-' needs a name after 'eq-'",
        "book/ch01/1-1.md:39:5: an equation label follows display math",
        "book/ch01/1-1.md:40:4: hand-written number '图 1.1'",
        "book/ch01/1-1.md:40:11: hand-written number '式 (1.2)'",
        "book/ch01/1-1.md:41:5: '\\tag' in a formula",
        "book/ch01/1-1.md:42:7: an equation label goes right after the closing '$$'",
    ];
    for w in want {
        assert!(
            e.iter().any(|l| l.starts_with(w)),
            "missing {w:?} in\n{}",
            e.join("\n")
        );
    }
    assert_eq!(e.len(), want.len(), "{}", e.join("\n"));
}

#[test]
fn a_numbered_target_outside_a_chapter_folder_is_an_error() {
    let mut b = book(&[]);
    b.push_item(BookItem::Chapter(Chapter::new(
        "杂项",
        "$$a$$ {#eq-a}\n".into(),
        "misc.md",
        vec![],
    )));
    let e = run(b).expect_err("fails");
    assert!(
        e[0].starts_with("book/misc.md:1:1: numbered equations belong in a chapter folder"),
        "{e:?}"
    );
}

proptest! {
    /// Whatever an author types, the preprocessor answers with a book or with diagnostics; it never
    /// panics, and a book it returns has the same number of lines on every page.
    #[test]
    fn never_panics_and_keeps_lines(s in "[:{}#a-z0-9 \\[\\]()!$\\n图式.-]{0,120}") {
        let src = format!("::: figure {{#fig-p}}\n{s}\n:::\n{s}\n");
        if let Ok(out) = run(book(&[("ch01/1-1.md", &src)])) {
            prop_assert_eq!(page(&out, "ch01/1-1.md").lines().count(), src.lines().count());
        }
    }
}
