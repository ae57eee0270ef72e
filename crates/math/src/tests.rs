//! Page-level tests: what an author writes → what mdBook's Markdown reader makes of our output.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use preprocessor_kit::SourceFile;
use preprocessor_kit::scan::markdown_options;
use pulldown_cmark::{Options, Parser, html};

use super::*;

const MACROS: &str = "\\newcommand{\\bx}{\\mathbf{x}}\n\\newcommand{\\abar}{\\bar{\\alpha}}\n\\newcommand{\\pair}[2]{(#1,#2)}\n";

fn cache_path() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir()
        .join(format!("mdbook-math-unit-{}", std::process::id()))
        .join(format!("{}.bin", N.fetch_add(1, Ordering::Relaxed)))
}

fn run_with(macros: &str, pages: &[(&str, &str)]) -> Result<Vec<String>, Vec<String>> {
    let src = SourceFile::new("book/macros.tex", macros);
    let macros = Macros::parse(&src).map_err(|d| vec![d.to_string()])?;
    let renderer = Renderer::new(&macros).expect("renderer");
    let mut cache = Cache::open(&cache_path(), ENGINE);
    let mut pages: Vec<Page> = pages
        .iter()
        .map(|(p, c)| Page {
            path: p.to_string(),
            content: c.to_string(),
        })
        .collect();
    let diags =
        render_pages(&mut pages, &macros, &renderer, &mut cache, None).expect("no internal error");
    if diags.is_empty() {
        Ok(pages.into_iter().map(|p| p.content).collect())
    } else {
        Err(diags.items.iter().map(|d| d.to_string()).collect())
    }
}

/// Render one page; panics on author errors.
fn page(md: &str) -> String {
    let out = run_with(MACROS, &[("book/t.md", md)]).expect("renders");
    assert_eq!(
        out[0].matches('\n').count(),
        md.matches('\n').count(),
        "line count changed"
    );
    out.into_iter().next().unwrap_or_default()
}

fn errors(md: &str) -> Vec<String> {
    run_with(MACROS, &[("book/ch03/3-2.md", md)]).expect_err("should fail")
}

/// What mdBook's Markdown reader (same options, smart punctuation on) makes of a page.
fn markdown_to_html(md: &str) -> String {
    let opts = markdown_options()
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM;
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(md, opts));
    out
}

/// The TeX in each `<annotation>` of rendered HTML, unescaped: what copy-tex puts on the clipboard.
fn annotations(html: &str) -> Vec<String> {
    const OPEN: &str = "<annotation encoding=\"application/x-tex\">";
    html.split(OPEN)
        .skip(1)
        .filter_map(|s| s.split("</annotation>").next())
        .map(|s| {
            decode_numeric(s)
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#x27;", "'")
                .replace("&#39;", "'")
                .replace("&amp;", "&")
        })
        .collect()
}

/// Numeric character references → characters (a browser does this for raw HTML blocks).
fn decode_numeric(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("&#") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 2..];
        let end = tail.find(';').unwrap_or(0);
        match tail[..end].parse::<u32>().ok().and_then(char::from_u32) {
            Some(c) if end > 0 => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            _ => {
                out.push_str("&#");
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn inline_and_display_math_render() {
    let out = page("当 $\\bx_t$ 时,\n\n$$\n\\abar_t = \\prod_{s=1}^{t}\\alpha_s\n$$\n");
    assert_eq!(out.matches("<span class=\"katex\">").count(), 2);
    assert_eq!(out.matches("<span class=\"katex-display\">").count(), 1);
    let html = markdown_to_html(&out);
    assert_eq!(
        annotations(&html),
        vec!["\\bx_t", "\n\\abar_t = \\prod_{s=1}^{t}\\alpha_s\n"]
    );
    assert!(!html.contains('$'));
}

#[test]
fn markdown_does_not_touch_the_tex() {
    // Backslash escapes, emphasis, smart quotes/dashes/ellipses, entities: all must survive.
    let tex = [
        "f'(x)",
        "a\\,b \\\\ c",
        "x_{1}*y_{2}",
        "1,...,n",
        "a--b",
        "\\text{\"q\"}",
        "a \\& b",
        "\\{a\\}",
        "[0,1)",
        "a<b",
        "\\$5",
    ];
    let md: String = tex.iter().map(|t| format!("式 ${t}$ 与\n")).collect();
    let html = markdown_to_html(&page(&md));
    assert_eq!(annotations(&html), tex);
    assert!(!html.contains("<em>") && !html.contains('’') && !html.contains('…'));
}

#[test]
fn dollars_in_code_and_html_attributes_are_untouched() {
    let md = "`$x$` 与\n\n```\n$$ y $$\n```\n\n<div data-f=\"$z$\">$w$</div>\n";
    let out = page(md);
    assert!(out.starts_with("`$x$` 与\n\n```\n$$ y $$\n```\n\n<div data-f=\"$z$\">"));
    assert_eq!(annotations(&out), vec!["w"]);
}

#[test]
fn escaped_dollars_and_prices_stay_text() {
    let md = "价格 $5,另一件 $10。\n\n公式 $x$ 的价格是 \\$5 到 \\$10。\n";
    let out = page(md);
    assert!(out.starts_with("价格 $5,另一件 $10。\n\n公式 <span"));
    assert!(out.ends_with("</span> 的价格是 \\$5 到 \\$10。\n"));
    assert_eq!(annotations(&out), vec!["x"]);
    assert!(markdown_to_html(&out).contains("的价格是 $5 到 $10"));
}

#[test]
fn a_price_before_math_in_one_paragraph_is_a_loud_error() {
    // Pandoc's rule pairs the price's `$` with the formula's closing one; KaTeX then rejects the
    // `$` inside, and the note tells the author what to write.
    let e = errors("另一件 $5 和 $x$。\n");
    assert!(e[0].starts_with("book/ch03/3-2.md:1:"), "{e:?}");
    assert!(e[0].contains("\\$"), "{e:?}");
}

#[test]
fn nested_braces() {
    let out = page("$\\frac{1}{\\sqrt{\\abar_{t-1}}}\\{a\\}$\n");
    assert_eq!(
        annotations(&markdown_to_html(&out)),
        vec!["\\frac{1}{\\sqrt{\\abar_{t-1}}}\\{a\\}"]
    );
}

#[test]
fn chinese_punctuation_around_math() {
    let out = page("若 $x$,则（$y$）成立;$z$。\n");
    assert_eq!(annotations(&out), vec!["x", "y", "z"]);
    assert!(out.contains("</span>,则（<span"));
    assert!(out.contains("</span>）成立;<span"));
}

#[test]
fn display_math_across_lines_keeps_line_count() {
    let md = "推导:\n$$\n\\begin{aligned}\na &= b \\\\\n  &= c\n\\end{aligned}\n$$\n之后。\n";
    let out = page(md);
    let html = markdown_to_html(&out);
    assert_eq!(
        annotations(&html),
        vec!["\n\\begin{aligned}\na &= b \\\\\n&= c\n\\end{aligned}\n"]
    );
    assert!(html.contains("katex-display"));
    assert!(html.contains("之后。"));
}

#[test]
fn math_in_a_table_row_keeps_the_cells() {
    let md = "| 记号 | 含义 |\n|---|---|\n| $\\abar_t$ | $a|b$ 与 $\\lvert x \\rvert$ |\n";
    let out = page(md);
    let html = markdown_to_html(&out);
    assert_eq!(html.matches("<td>").count(), 2, "{html}");
    assert_eq!(
        annotations(&html),
        vec!["\\abar_t", "a|b", "\\lvert x \\rvert"]
    );
    let row = out.lines().nth(2).unwrap_or_default();
    assert_eq!(row.matches('|').count(), 3);
}

#[test]
fn math_in_list_items_and_blockquotes() {
    let md = "- 当 $t=0$ 时\n  $$\n  q(\\bx_0)\n  $$\n- 第二项\n\n> 引理:\n> $$\n> a > b\n> $$\n";
    let out = page(md);
    let html = markdown_to_html(&out);
    assert_eq!(html.matches("<li>").count(), 2, "{html}");
    assert_eq!(html.matches("<blockquote>").count(), 1, "{html}");
    assert_eq!(
        annotations(&html),
        vec!["t=0", "\nq(\\bx_0)\n", "\na > b\n"]
    );
    let quote = &html[html.find("<blockquote>").unwrap_or(0)..];
    assert!(quote.contains("katex-display") && quote.find("</blockquote>") > quote.find("katex"));
}

#[test]
fn math_in_an_exercise_heading_line() {
    let md = "<!--ex--><section class=\"exercise\" id=\"ex-a\" data-kind=\"theory\" data-title=\"$x$\"><h4 class=\"exercise-title\">练习 1.1 标题 $\\bx_t$</h4>\n\n正文 $y$。\n\n</section>\n";
    let out = page(md);
    assert!(out.contains("data-title=\"$x$\""));
    assert!(out.contains("标题 <span class=\"katex\">"));
    assert_eq!(annotations(&out), vec!["\\bx_t", "y"]);
}

#[test]
fn same_formula_everywhere_renders_the_same() {
    let out = run_with(
        MACROS,
        &[
            ("book/a.md", "$\\bx$ 和 $\\bx$\n"),
            ("book/b.md", "$\\bx$\n"),
        ],
    )
    .unwrap();
    assert_eq!(out[0].matches("<span class=\"katex\">").count(), 2);
    assert!(out[0].ends_with(&out[1]));
}

#[test]
fn errors_name_file_line_and_column() {
    let e = errors("第一行\n\n公式 $a + \\bxx$ 错了\n");
    assert_eq!(
        e,
        vec![
            "book/ch03/3-2.md:3:9: KaTeX parse error: Undefined control sequence: \\bxx\n    $a + \\bxx$"
        ]
    );
}

#[test]
fn errors_inside_multiline_display_math_point_at_their_line() {
    let e = errors("> 引用\n> $$\n> a = b \\\\\n>   c = \\frac{1}{\n> $$\n");
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("book/ch03/3-2.md:2:3: KaTeX parse error: Unexpected end of input"),
        "{e:?}"
    );
    let e = errors("$$\na\n\\nope b\n$$\n");
    assert!(
        e[0].starts_with(
            "book/ch03/3-2.md:3:1: KaTeX parse error: Undefined control sequence: \\nope"
        ),
        "{e:?}"
    );
}

#[test]
fn every_problem_is_reported_and_the_page_is_left_alone() {
    let e = errors("$\\bxx$ 与 $\\byy$\n\n$$\n未闭合\n");
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(
        e[0].starts_with("book/ch03/3-2.md:1:2: KaTeX parse error"),
        "{e:?}"
    );
    assert!(
        e[1].starts_with("book/ch03/3-2.md:1:11: KaTeX parse error"),
        "{e:?}"
    );
    assert!(
        e[2].starts_with("book/ch03/3-2.md:3:1: unclosed display math"),
        "{e:?}"
    );
}

#[test]
fn untrusted_commands_fail_the_build() {
    let e = errors("链接 $\\href{https://example.com}{x}$\n");
    assert!(
        e[0].starts_with("book/ch03/3-2.md:1:5: KaTeX: \\href is not allowed"),
        "{e:?}"
    );
}

#[test]
fn errors_inside_a_macro_point_at_the_formula() {
    let e = run_with(
        "\\newcommand{\\bad}{\\frac{1}}\n",
        &[("book/a.md", "文字 $x + \\bad$\n")],
    )
    .unwrap_err();
    assert!(
        e.iter()
            .any(|d| d.starts_with("book/a.md:1:4: KaTeX parse error")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|d| d.starts_with("book/macros.tex:1:1: KaTeX parse error")),
        "{e:?}"
    );
}

#[test]
fn macros_with_arguments() {
    let out = page("$\\pair{a}{b}$\n");
    assert!(out.contains("&#40;") && out.contains(">a</mi>") && out.contains(">b</mi>"));
}

#[test]
fn the_cache_serves_a_second_run() {
    let path = cache_path();
    let src = SourceFile::new("book/macros.tex", MACROS);
    let macros = Macros::parse(&src).unwrap();
    let renderer = Renderer::new(&macros).unwrap();
    let md = "$\\bx$ 与 $$y$$\n";
    let mut outs = Vec::new();
    for _ in 0..2 {
        let mut cache = Cache::open(&path, ENGINE);
        let mut pages = vec![Page {
            path: "book/a.md".into(),
            content: md.into(),
        }];
        assert!(
            render_pages(&mut pages, &macros, &renderer, &mut cache, None)
                .unwrap()
                .is_empty()
        );
        cache.save().unwrap();
        outs.push(pages.remove(0).content);
    }
    assert_eq!(outs[0], outs[1]);
    // Two formulas plus one check per macro.
    assert_eq!(Cache::open(&path, ENGINE).len(), 2 + 3);
}

/// Render `md` under `macros` with the cache at `path`, and save the cache.
fn render_cached(path: &std::path::Path, macros: &str, md: &str) -> String {
    let src = SourceFile::new("book/macros.tex", macros);
    let macros = Macros::parse(&src).unwrap();
    let renderer = Renderer::new(&macros).unwrap();
    let mut cache = Cache::open(path, ENGINE);
    let mut pages = vec![Page {
        path: "book/a.md".into(),
        content: md.into(),
    }];
    let diags = render_pages(&mut pages, &macros, &renderer, &mut cache, None).unwrap();
    assert!(diags.is_empty(), "{diags:?}");
    cache.save().unwrap();
    pages.remove(0).content
}

#[test]
fn editing_a_macro_re_renders_only_the_formulas_that_reach_it() {
    let path = cache_path();
    let md = "$\\bx$ 与 $\\abar_t$ 与 $y$ 与 $\\R$\n";
    let first = render_cached(&path, MACROS, md);
    assert!(
        first.contains("mathbf") && first.contains("mathbb"),
        "{first}"
    );

    // Plant marks where the cache holds `y` and `\abar_t`, under the definitions they were
    // rendered with: whatever is served from the cache shows up in the page as its mark.
    let mut cache = Cache::open(&path, ENGINE);
    let src = SourceFile::new("book/macros.tex", MACROS);
    let m = Macros::parse(&src).unwrap();
    for (tex, mark) in [("y", "MARKY"), ("\\abar_t", "MARKABAR")] {
        let deps = m.index(&[]).dependencies(tex);
        assert!(cache.get(&(false, tex.into()), &deps).is_some());
        cache.insert((false, tex.into()), deps, mark.into());
    }
    cache.save().unwrap();

    // \bx changes and a new macro appears: neither touches `y` or `\abar_t`.
    let edited =
        MACROS.replace("\\mathbf{x}", "\\boldsymbol{x}") + "\\newcommand{\\bz}{\\mathbf{z}}\n";
    let second = render_cached(&path, &edited, md);
    assert!(
        second.contains("MARKY") && second.contains("MARKABAR"),
        "{second}"
    );
    assert!(
        second.contains("boldsymbol") && !second.contains("mathbf"),
        "{second}"
    );

    // \abar's definition changes: now its formula is rendered again, `y` still is not.
    let edited = edited.replace("\\bar{", "\\overline{");
    let third = render_cached(&path, &edited, md);
    assert!(
        third.contains("MARKY") && !third.contains("MARKABAR"),
        "{third}"
    );
    assert!(third.contains("overline"), "{third}");

    // A macro that redefines one of KaTeX's own commands (\R): KaTeX's built-in macros may expand
    // to it, so every formula is rendered again.
    let fourth = render_cached(
        &path,
        &format!("{edited}\\newcommand{{\\R}}{{\\mathcal{{R}}}}\n"),
        md,
    );
    assert!(!fourth.contains("MARKY"), "{fourth}");
    assert!(
        fourth.contains("mathcal") && !fourth.contains("mathbb"),
        "{fourth}"
    );
}

#[test]
fn redefining_a_katex_command_re_renders_the_formulas_that_reach_it_through_katex() {
    // KaTeX's own `\\iff` expands to `\\Longleftrightarrow`: a formula using `\\iff` depends on
    // a book macro of that name without naming it.
    let path = cache_path();
    let md = "$a \\iff b$ 与 $y$\n";
    let first = render_cached(&path, MACROS, md);
    assert!(first.contains('\u{27fa}'), "{first}");
    let redefined = format!("{MACROS}\\newcommand{{\\Longleftrightarrow}}{{\\Rightarrow}}\n");
    let second = render_cached(&path, &redefined, md);
    assert!(
        second.contains('\u{21d2}') && !second.contains('\u{27fa}'),
        "{second}"
    );
    // Changing its body again re-renders again.
    let third = render_cached(
        &path,
        &redefined.replace("\\Rightarrow}", "\\Leftarrow}"),
        md,
    );
    assert!(
        third.contains('\u{21d0}') && !third.contains('\u{21d2}'),
        "{third}"
    );
}

#[test]
fn math_in_hints_answers_and_research_threads() {
    // Roughly what the exercises and research preprocessors leave for us: raw HTML lines around
    // Markdown bodies, sometimes with no blank line, so the math sits inside an HTML block.
    let md = "<details class=\"hint\"><summary>提示</summary>\n考虑 $\\abar_t$ 的单调性。\n</details>\n<details class=\"answer\"><summary>参考答案</summary>\n\n由定义\n$$\n\\abar_t = \\prod_{s\\le t}\\alpha_s\n$$\n\n</details>\n<section class=\"research-thread\" id=\"rt-a\" data-tags=\"x\">\n\n**问题** 当 $T\\to\\infty$ 时?\n\n</section>\n";
    let out = page(md);
    assert!(!out.contains('$'), "{out}");
    let html = markdown_to_html(&out);
    assert_eq!(
        annotations(&html),
        vec![
            "\\abar_t",
            "\n\\abar_t = \\prod_{s\\le t}\\alpha_s\n",
            "T\\to\\infty"
        ]
    );
    assert!(html.contains("<details class=\"answer\">"));
}

/// With placeholders, what mdBook's Markdown reader makes of a page, after the typeset renderer:
/// the same formulas' HTML as without, in the same places; formulas in headings keep their HTML.
#[test]
fn placeholders_become_the_same_html_after_markdown() {
    let md = "# 标题 $\\bx$\n\n> 引用 $$\n> a_1 *b* \\\\\n> c < d\n> $$ 后 $\\abar_t|x$\n\n| a | $\\pair{x}{y}$ |\n|---|---|\n| 1 | 2 |\n";
    let src = SourceFile::new("book/macros.tex", MACROS);
    let macros = Macros::parse(&src).expect("macros");
    let renderer = Renderer::new(&macros).expect("renderer");
    let mut cache = Cache::open(&cache_path(), ENGINE);
    let mut pages = vec![Page {
        path: "book/t.md".into(),
        content: md.into(),
    }];
    let mut placed = Placed::default();
    let diags = render_pages(
        &mut pages,
        &macros,
        &renderer,
        &mut cache,
        Some(&mut placed),
    )
    .expect("no internal error");
    assert!(diags.is_empty());
    let out = &pages[0].content;
    assert_eq!(out.matches('\n').count(), md.matches('\n').count());
    // Three formulas outside the heading, distinct: three side-file entries.
    assert_eq!(placed.html.len(), 3);
    assert_eq!(out.matches(placed::OPEN).count(), 3);
    let html = markdown_to_html(out);
    let typeset = placed::substitute(&html, &placed.id(), &placed.html)
        .expect("substitutes")
        .expect("has placeholders");
    assert!(!typeset.contains(placed::CLASS));
    for h in &placed.html {
        assert!(typeset.contains(h.as_str()), "missing {h}");
    }
    // The heading's formula went in as Markdown-safe HTML, as without placeholders.
    assert!(
        html.starts_with("<h1>标题 <span class=\"katex\">"),
        "{html}"
    );
    // The display formula stays inside the quote, the table keeps its two columns.
    assert!(typeset.contains("<blockquote>") && typeset.matches("<td>").count() == 2);
    let quote =
        &typeset[typeset.find("<blockquote>").unwrap()..typeset.find("</blockquote>").unwrap()];
    assert!(quote.contains(&placed.html[0]), "{quote}");
}

#[test]
fn refused_formulas_are_refused_from_the_cache_too() {
    // An entry written before the unbraced-\sqrt rule existed (or by hand) must not slip through.
    let src = SourceFile::new("book/macros.tex", MACROS);
    let macros = Macros::parse(&src).unwrap();
    let renderer = Renderer::new(&macros).unwrap();
    let mut cache = Cache::open(&cache_path(), ENGINE);
    let deps = macros.index(&[]).dependencies("\\sqrt2");
    cache.insert(
        (false, "\\sqrt2".to_string()),
        deps,
        "<span>cached</span>".to_string(),
    );
    let mut pages = vec![Page {
        path: "book/t.md".to_string(),
        content: "设 $\\sqrt2$。\n".to_string(),
    }];
    let diags = render_pages(&mut pages, &macros, &renderer, &mut cache, None).unwrap();
    let text = diags.to_string();
    assert!(
        text.contains("book/t.md:1:") && text.contains("\\sqrt{…}"),
        "{text}"
    );
}
