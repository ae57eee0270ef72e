//! The rules on the edge cases the book has: what is fixed, what is left alone.

use typography_lint::{Kind, diagnostics, fix};

fn md(src: &str) -> String {
    fix(Kind::Markdown, "t.md", src).unwrap()
}

fn py(src: &str) -> String {
    fix(Kind::Strings, "t.py", src).unwrap()
}

#[test]
fn marks_next_to_chinese() {
    let cases = [
        (
            "先退一步问:一个生成模型,到底要会做哪些事?",
            "先退一步问：一个生成模型，到底要会做哪些事？",
        ),
        ("不稳定;模式崩塌!", "不稳定；模式崩塌！"),
        // A digit between the mark and the Chinese text, math right before it.
        ("见 1.5 节:", "见 1.5 节："),
        ("步数共 1000, 然后", "步数共 1000，然后"),
        ("……的 $x$,然后", "……的 $x$，然后"),
        ("令 $a$, $b$ 为常数", "令 $a$，$b$ 为常数"),
        // Emphasis around Chinese.
        (
            "**问题**:当 $T\\to\\infty$ 时?",
            "**问题**：当 $T\\to\\infty$ 时？",
        ),
        ("**步骤.** 先算", "**步骤。** 先算"),
        ("变分下界...", "变分下界……"),
        ("比例 3:1,共 1,000 个", "比例 3:1，共 1,000 个"),
        // A colon right after a citation, before Chinese text.
        (
            "DDIM [@song2021denoising]:构造",
            "DDIM [@song2021denoising]：构造",
        ),
    ];
    for (a, b) in cases {
        assert_eq!(md(a), b, "{a}");
    }
}

#[test]
fn english_math_code_urls_ids_are_left_alone() {
    let same = [
        "In 2020, Ho et al. showed this: it works; does it? Yes!",
        "去噪（denoising, e.g., DDPM）",
        "ratio 3:1, total 1,000",
        "见 `f(x, y): z` 与 $a,b;c$ 和 https://arxiv.org/abs/2006.11239?x=1,2。",
        "[文字](../ch01/1-6.md#a,b) 与 [](#ex-id)。",
        "<span title=\"说明,见下\">文字</span>",
        "```\n中文,代码\n```",
        "    缩进代码,中文",
        "{{#include ../../minidiff/minidiff/forward.py:q_step}}",
        "## 标题 {#sec-a:b}",
        "式 (12) 与 (3.3a)。",
        "$$ a $$ {#eq-elbo}",
        "&amp;中文",
        "[@ho2020denoising, 第 3 节]",
    ];
    for s in same {
        assert_eq!(md(s), s, "{s}");
    }
}

#[test]
fn directive_attributes_are_markup_but_the_title_is_prose() {
    let src = "::: exercise {#a-b .theory difficulty=2 tags=a,b} 高斯混合:基线\n正文\n:::\n";
    assert_eq!(
        md(src),
        "::: exercise {#a-b .theory difficulty=2 tags=a,b} 高斯混合：基线\n正文\n:::\n"
    );
}

#[test]
fn quotes_become_corner_brackets() {
    assert_eq!(md("一个\"生成模型\"到底"), "一个「生成模型」到底");
    assert_eq!(md("所谓 \"score\" 就是"), "所谓「score」就是");
    assert_eq!(md("即「所谓\"桥\"的说法」"), "即「所谓『桥』的说法」");
    assert_eq!(md("He said \"hi\" twice."), "He said \"hi\" twice.");
    let d = diagnostics(Kind::Markdown, "t.md", "只有一个\"引号");
    assert_eq!(d.len(), 1);
    assert!(
        d[0].to_string().starts_with("t.md:1:5: straight '\"'"),
        "{}",
        d[0]
    );
    assert_eq!(md("只有一个\"引号"), "只有一个\"引号");
}

#[test]
fn parentheses_follow_their_context() {
    let cases = [
        ("去噪 (denoising) 是", "去噪（denoising）是"),
        ("第 3 章 (DDPM)", "第 3 章（DDPM）"),
        ("$x$ (见 3.2 节),然后", "$x$（见 3.2 节），然后"),
        ("(1) 构造;(2) 更新", "（1）构造；（2）更新"),
        (
            "classifier-free guidance(那会使求值翻倍)",
            "classifier-free guidance（那会使求值翻倍）",
        ),
        ("与纯高斯噪声(0.30)差不多", "与纯高斯噪声（0.30）差不多"),
        (
            "第 7 章 扩散 Transformer (DiT)",
            "第 7 章 扩散 Transformer（DiT）",
        ),
        (
            "[第 6 章 流匹配 (Flow Matching)](ch06/index.md)",
            "[第 6 章 流匹配（Flow Matching）](ch06/index.md)",
        ),
    ];
    for (a, b) in cases {
        assert_eq!(md(a), b, "{a}");
    }
    for s in ["Denoising models (DDPM) work.", "$f(x)$ (the score)"] {
        assert_eq!(md(s), s);
    }
}

#[test]
fn html_text_is_prose_and_attributes_are_not() {
    let src = "<figure>\n<img src=\"a.svg\" alt=\"图,示意\">\n<figcaption>图 1.1 前向过程(线性调度,T = 1000)。</figcaption>\n</figure>\n";
    let want = "<figure>\n<img src=\"a.svg\" alt=\"图,示意\">\n<figcaption>图 1.1 前向过程（线性调度，T = 1000）。</figcaption>\n</figure>\n";
    assert_eq!(md(src), want);
}

#[test]
fn tables_and_lists_keep_their_syntax() {
    let src = "| 名称 | 说明 |\n|:---|---:|\n| A | 好,快 |\n\n1) 第一步:采样\n2) 第二步\n";
    let want = "| 名称 | 说明 |\n|:---|---:|\n| A | 好，快 |\n\n1) 第一步：采样\n2) 第二步\n";
    assert_eq!(md(src), want);
}

#[test]
fn docstrings_and_labels_in_python() {
    let src = "def f():\n    \"\"\"前向一步:从 q(x_t | x_{t−1}) 中抽样(重参数化)。\n\n    参数:\n        x0: 形状 (B, …) 的张量;t 取值 1, …, T。\n        n: 长度 len(曲线)。\n    \"\"\"\n    # 注释:不是文字\n    ax.set_title(rf\"步数 $t$(对数刻度),{x:.2f}\")\n    m = re.match(r\"第 (\\d+) 章:\", s)\n    html = '<img alt=\"图,示意\">'\n";
    let want = "def f():\n    \"\"\"前向一步：从 q(x_t | x_{t−1}) 中抽样（重参数化）。\n\n    参数：\n        x0: 形状 (B, …) 的张量；t 取值 1, …, T。\n        n: 长度 len(曲线)。\n    \"\"\"\n    # 注释:不是文字\n    ax.set_title(rf\"步数 $t$（对数刻度），{x:.2f}\")\n    m = re.match(r\"第 (\\d+) 章:\", s)\n    html = '<img alt=\"图,示意\">'\n";
    assert_eq!(py(src), want);
    let english = "\"\"\"These follow the book's conventions (符号表): t = 0 is data.\"\"\"\n";
    assert_eq!(py(english), english);
}

#[test]
fn findings_carry_file_line_col() {
    let d = diagnostics(
        Kind::Markdown,
        "book/ch01/1-1.md",
        "# 标题\n\n中文 $x$ 与中文,再来\n",
    );
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].to_string(),
        "book/ch01/1-1.md:3:11: half-width ',' in Chinese text; use '，'"
    );
}
