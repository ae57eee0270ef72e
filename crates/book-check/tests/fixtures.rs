//! The checker on hand-made HTML: each kind of breakage is found and named; a clean page passes.

use std::path::Path;

use book_check::check;

fn page(body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>t</title></head><body><main>{body}</main></body></html>"
    )
}

fn site(pages: &[(&str, &str)]) -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let html = dir.path().join("html");
    let src = dir.path().join("src");
    std::fs::create_dir_all(html.join("ch01")).expect("mkdir");
    std::fs::create_dir_all(&src).expect("mkdir");
    std::fs::write(
        src.join("SUMMARY.md"),
        "# Summary\n\n- [前言](index.md)\n- [1.1](ch01/1-1.md)\n",
    )
    .expect("summary");
    std::fs::write(html.join("index.html"), page("<h1 id=\"前言\">前言</h1>")).expect("write");
    for (p, body) in pages {
        std::fs::write(html.join(p), page(body)).expect("write");
    }
    let report = check(&html, &src).expect("check runs");
    let msgs = report.problems.iter().map(|p| p.to_string()).collect();
    (dir, msgs)
}

fn finds(body: &str, want: &str) {
    let (_d, msgs) = site(&[("ch01/1-1.html", body)]);
    assert!(
        msgs.iter().any(|m| m.contains(want)),
        "wanted '{want}' for {body:?}, got {msgs:?}"
    );
}

#[test]
fn a_clean_page_passes_with_chinese_anchors() {
    let (_d, msgs) = site(&[(
        "ch01/1-1.html",
        "<h2 id=\"11-生成建模\">x</h2><a href=\"#11-%E7%94%9F%E6%88%90%E5%BB%BA%E6%A8%A1\">a</a> <a href=\"../index.html#前言\">b</a> <a href=\"https://arxiv.org/abs/2006.11239\">c</a> <a class=\"torch-api\" href=\"https://docs.pytorch.org/x\"><code>torch.randn</code></a> <section class=\"exercise\" id=\"ex-a\"><details class=\"answer\"><summary>参考答案</summary>答</details></section><pre><code>$x$ ::: torch.y</code></pre>",
    )]);
    assert!(msgs.is_empty(), "{msgs:?}");
}

#[test]
fn breakage_is_found() {
    finds(
        "<a href=\"../ch02/2-1.html\">x</a>",
        "broken link (no ch02/2-1.html)",
    );
    finds(
        "<img src=\"../figures/none.svg\" alt=\"\">",
        "missing image (no figures/none.svg)",
    );
    finds(
        "<a href=\"../index.html#nowhere\">x</a>",
        "broken anchor '#nowhere'",
    );
    finds("<p>::: exercise {#a}</p>", "leftover directive");
    finds("<p>公式 $x_t$ 未渲染</p>", "leftover TeX '$x_t$'");
    finds("<p>{{#include ../x.py}}</p>", "unexpanded mdBook include");
    finds(
        "<span class=\"katex-error\" title=\"ParseError: Undefined control sequence\">x</span>",
        "KaTeX error: ParseError",
    );
    finds(
        "<section class=\"exercise\" id=\"ex-a\"><p>q</p></section>",
        "exercise #ex-a has 0 answers",
    );
    finds(
        "<section class=\"exercise\" id=\"ex-a\"><details class=\"answer\" open><summary>s</summary></details></section>",
        "is open by default",
    );
    finds(
        "<script src=\"https://cdn.example.com/x.js\"></script>",
        "remote resource",
    );
    finds(
        "<p>用 <code>torch.randn_like</code> 生成</p>",
        "PyTorch name not linked",
    );
    finds(
        "<a href=\"https://arxiv.org/abs/2006.1123\">x</a>",
        "malformed arXiv link",
    );
    finds(
        "<a href=\"https://exa mple.com\">x</a>",
        "malformed external URL",
    );
}

#[test]
fn unrendered_summary_pages_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let html = dir.path().join("html");
    std::fs::create_dir_all(&html).expect("mkdir");
    std::fs::write(dir.path().join("SUMMARY.md"), "- [A](a.md)\n").expect("write");
    let r = check(&html, Path::new(dir.path())).expect("check");
    assert!(r.problems.iter().any(|p| {
        p.message
            .contains("'a.md' is listed in SUMMARY.md but did not render")
    }));
}

#[test]
fn a_page_over_2_mb_fails_and_one_just_under_passes() {
    // Filler that no other check minds: plain paragraphs.
    let para = "<p>扩散模型把数据逐步加噪，再学习逐步去噪。</p>\n";
    let frame = page("").len();
    let under = para.repeat((book_check_limit() - frame) / para.len());
    let (_d, msgs) = site(&[("ch01/1-1.html", &under)]);
    assert!(msgs.is_empty(), "{msgs:?}");
    let over = para.repeat((book_check_limit() - frame) / para.len() + 1);
    let (_d, msgs) = site(&[("ch01/1-1.html", &over)]);
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("ch01/1-1.html: page is 2.00 MB, over the 2 MB limit")),
        "{msgs:?}"
    );
}

fn book_check_limit() -> usize {
    2 * 1024 * 1024
}
