//! End-to-end: the `torch-glossary` preprocessor inside a real `mdbook build`.
//!
//! The real book is built once; small temporary books exercise what the real text does not yet
//! contain (an invented name, every context a name can appear in, the index with back-links).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh scratch directory under cargo's per-target temp dir.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("torch-glossary-{name}"));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("clearing the scratch directory");
    }
    std::fs::create_dir_all(&dir).expect("creating the scratch directory");
    dir
}

fn mdbook_build(book: &Path, dest: &Path) -> Output {
    let mdbook = std::env::var("MDBOOK").unwrap_or_else(|_| "mdbook".into());
    Command::new(&mdbook)
        .arg("build")
        .arg(book)
        .arg("--dest-dir")
        .arg(dest)
        .output()
        .unwrap_or_else(|e| panic!("running {mdbook}: {e} (install the pinned mdBook 0.5.4)"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The real book, built once for all tests in this file.
fn real_book() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dest = scratch("real-book");
        let out = mdbook_build(&workspace(), &dest);
        assert!(
            out.status.success(),
            "mdbook build of the real book failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The book has two renderers (html, search-zh), so its HTML is in <dest>/html.
        dest.join("html")
    })
}

/// Write a small book that runs only this preprocessor; `pages` are (path under src, SUMMARY title,
/// text). The glossary is the real one.
fn small_book(name: &str, pages: &[(&str, &str, &str)]) -> PathBuf {
    let root = scratch(name);
    let manifest = workspace().join("Cargo.toml");
    let book_toml = format!(
        "[book]\ntitle = \"t\"\nsrc = \"src\"\n\n[build]\ncreate-missing = false\n\n\
         [preprocessor.torch-glossary]\n\
         command = \"cargo run --release --quiet --manifest-path {} -p mdbook-torch-glossary --\"\n\
         before = [\"links\"]\n",
        manifest.display().to_string().replace('\\', "/")
    );
    std::fs::write(root.join("book.toml"), book_toml).expect("book.toml");
    let mut summary = String::from("# Summary\n\n");
    for (path, title, text) in pages {
        let file = root.join("src").join(path);
        std::fs::create_dir_all(file.parent().expect("page has a folder")).expect("page folder");
        std::fs::write(&file, text).expect("page");
        summary.push_str(&format!("- [{title}]({path})\n"));
    }
    std::fs::write(root.join("src/SUMMARY.md"), summary).expect("SUMMARY.md");
    let glossary = root.join("src/glossary");
    std::fs::create_dir_all(&glossary).expect("glossary folder");
    // A fixed glossary, so these tests pin the linking behaviour and not the book's wording (the
    // book's own glossary is checked by the real-book test and crates/torch-glossary's data tests).
    std::fs::write(glossary.join("pytorch.toml"), FIXTURE_GLOSSARY).expect("glossary");
    root
}

const FIXTURE_GLOSSARY: &str = r#"# Test glossary.
# Key = canonical name; desc = one-line description.
# (fixed for the tests)

["torch.randn"]
desc = "生成给定形状的标准正态随机张量"

["torch.randn_like"]
desc = "生成与输入张量形状相同（默认 dtype、设备也相同）的标准正态随机张量"

["torch.nn.GroupNorm"]
desc = "组归一化：把通道分成若干组，在每组内用均值和方差做归一化"

["torch.cumprod"]
desc = "沿指定维度求累积乘积"

["torch.nn.functional.mse_loss"]
desc = "均方误差损失的函数形式，默认对所有元素取平均"

["torch.exp"]
desc = "逐元素求指数函数 e^x"

["torch.sqrt"]
desc = "逐元素平方根"

["torch.diff"]
desc = "沿维度求相邻元素之差"

["torch.optim.swa_utils.AveragedModel"]
desc = "保存模型参数的滑动平均副本（可用于 EMA）"
"#;

/// Text of `<code>` elements naming a PyTorch API outside `<pre>`, headings and links.
fn unlinked_mentions(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = html[from..].find("<code>") {
        let at = from + p;
        from = at + 6;
        let Some(end) = html[from..].find("</code>") else {
            break;
        };
        let code = &html[from..from + end];
        let api = ["torch.", "nn.", "F."].iter().any(|s| code.starts_with(s));
        let before = &html[..at];
        let in_pre = before
            .rfind("<pre")
            .is_some_and(|o| before.rfind("</pre>").is_none_or(|c| c < o));
        let in_heading = ["<h1", "<h2", "<h3", "<h4", "<h5", "<h6"].iter().any(|h| {
            let close = format!("</{}", &h[1..]);
            before
                .rfind(h)
                .is_some_and(|o| before.rfind(&close).is_none_or(|c| c < o))
        });
        // Inside a link: ours, or one the author wrote (never linked twice).
        let linked = before
            .rfind("<a ")
            .is_some_and(|o| !before[o..].contains("</a>"));
        if api && !in_pre && !in_heading && !linked {
            out.push(code.to_string());
        }
    }
    out
}

#[test]
fn real_book_api_mentions_are_docs_links_and_the_index_is_generated() {
    let out = real_book();
    let mut pages = 0;
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("reading the built book") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                pages += 1;
                let unlinked = unlinked_mentions(&read(&path));
                assert!(
                    unlinked.is_empty(),
                    "{}: not linked: {unlinked:?}",
                    path.display()
                );
            }
        }
    }
    assert!(pages > 50, "only {pages} pages built");
    let index = read(&out.join("pytorch-api.html"));
    assert!(index.contains("class=\"torch-api-index\""));
    assert!(!index.contains("generated: torch-api-index"));
}

#[test]
fn an_invented_name_fails_the_build_with_its_line_and_a_suggestion() {
    let book = small_book(
        "invented",
        &[(
            "ch01/1-1.md",
            "1.1 试验",
            "# 1.1 试验\n\n用 `torch.randn_like` 采样。\n然后调用 `torch.diffuse(x)` 加噪。\n",
        )],
    );
    let out = mdbook_build(&book, &book.join("out"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the build should fail:\n{stderr}");
    assert!(
        stderr.contains("error: src/ch01/1-1.md:4:7: unknown PyTorch API `torch.diffuse`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean"), "{stderr}");
    assert!(stderr.contains("`torch.diff`"), "{stderr}");
}

#[test]
fn mentions_are_linked_in_prose_exercises_and_tables_but_not_in_code_headings_or_links() {
    let page = "# 1.1 试验\n\n\
        正文用 `torch.randn_like` 和 `nn.GroupNorm(8, 64)`。\n\n\
        `torch.exp` 开头的段落。\n\n\
        ## 1.1.1 `torch.cumprod` 的用法\n\n\
        ```python\ntorch.randn_like(x)\n```\n\n\
        见 [`F.mse_loss`](https://example.org/mse) 与 $x_t$。\n\n\
        | 步骤 | 函数 |\n|---|---|\n| 加噪 | `torch.sqrt` |\n\n\
        <section class=\"exercise\" id=\"ex-a\" data-kind=\"theory\" data-difficulty=\"1\">\n\
        <h4 class=\"exercise-title\">练习 1.1 <code>torch.cumprod</code></h4>\n\n\
        题目里用 `torch.cumprod`。\n\n\
        <details class=\"answer\"><summary>参考答案</summary>\n\n\
        答案里用 `F.mse_loss(pred, eps)`。\n\n\
        </details>\n</section>\n";
    let book = small_book("contexts", &[("ch01/1-1.md", "1.1 试验", page)]);
    let out = mdbook_build(&book, &book.join("out"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = read(&book.join("out/ch01/1-1.html"));
    let docs = "https://docs.pytorch.org/docs/stable/generated";
    assert!(
        html.contains(&format!(
            "<a class=\"torch-api\" href=\"{docs}/torch.randn_like.html\" \
             title=\"生成与输入张量形状相同（默认 dtype、设备也相同）的标准正态随机张量\">\
             <code>torch.randn_like</code></a>"
        )),
        "{html}"
    );
    assert!(html.contains(&format!(
        "<a class=\"torch-api\" href=\"{docs}/torch.nn.GroupNorm.html\" title=\"组归一化：把通道分成若干组，在每组内用均值和方差做归一化\"><code>nn.GroupNorm(8, 64)</code></a>"
    )));
    assert!(
        html.contains(&format!("href=\"{docs}/torch.sqrt.html\"")),
        "table cell"
    );
    assert!(html.contains(&format!(
        "href=\"{docs}/torch.cumprod.html\" title=\"沿指定维度求累积乘积\"><code>torch.cumprod</code></a>"
    )), "exercise body");
    assert!(html.contains(&format!(
        "href=\"{docs}/torch.nn.functional.mse_loss.html\" title=\"均方误差损失的函数形式，默认对所有元素取平均\"><code>F.mse_loss(pred, eps)</code></a>"
    )), "exercise answer");
    // A paragraph that starts with a link is still a paragraph, not an HTML block.
    assert!(html.contains(&format!(
        "<p><a class=\"torch-api\" href=\"{docs}/torch.exp.html\" title=\"逐元素求指数函数 e^x\"><code>torch.exp</code></a> 开头的段落。</p>"
    )));
    assert_eq!(html.matches("class=\"torch-api\"").count(), 6, "{html}");
    assert!(html.contains("<a href=\"https://example.org/mse\"><code>F.mse_loss</code></a>"));
    assert!(html.contains("<code class=\"language-python\">torch.randn_like(x)"));
    assert!(
        unlinked_mentions(&html).is_empty(),
        "{:?}",
        unlinked_mentions(&html)
    );
    // The checker used on the real book does see a bare mention.
    assert_eq!(
        unlinked_mentions("<p><code>torch.exp</code> <a href=\"x\"><code>torch.log</code></a></p>"),
        vec!["torch.exp"]
    );
}

#[test]
fn the_index_lists_each_used_api_with_back_links() {
    let book = small_book(
        "index",
        &[
            (
                "pytorch-api.md",
                "PyTorch API 索引",
                "# PyTorch API 索引\n\n<!-- generated: torch-api-index -->\n",
            ),
            (
                "ch01/1-4.md",
                "1.4 前向扩散过程",
                "用 `torch.randn_like` 与 `torch.cumprod`。\n",
            ),
            (
                "ch03/3-5.md",
                "3.5 训练与采样",
                "`torch.randn_like`、`F.mse_loss` 与 `torch.optim.swa_utils.AveragedModel`。\n",
            ),
        ],
    );
    let out = mdbook_build(&book, &book.join("out"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: src/glossary/pytorch.toml:5:2: glossary entry `torch.randn` is not used on any page"),
        "{stderr}"
    );
    let html = read(&book.join("out/pytorch-api.html"));
    let entry = |name: &str| {
        let at = html
            .find(&format!("<code>{name}</code></a></dt>"))
            .unwrap_or_else(|| panic!("{name} is not listed:\n{html}"));
        let end = html[at..].find("</dd>").map_or(html.len(), |e| at + e);
        html[at..end].to_string()
    };
    let randn_like = entry("torch.randn_like");
    assert!(randn_like.contains("<a href=\"ch01/1-4.html\">1.4 前向扩散过程</a>、<a href=\"ch03/3-5.html\">3.5 训练与采样</a>"), "{randn_like}");
    assert!(randn_like.contains("标准正态随机张量"));
    assert!(entry("torch.cumprod").contains("<a href=\"ch01/1-4.html\">1.4 前向扩散过程</a>"));
    assert!(
        entry("torch.nn.functional.mse_loss")
            .contains("<a href=\"ch03/3-5.html\">3.5 训练与采样</a>")
    );
    assert!(entry("torch.optim.swa_utils.AveragedModel").contains("<a href=\"ch03/3-5.html\">"));
    // Grouped by module, in the book's order of modules; unused entries are not listed.
    let torch = html.find(">torch</h2>").expect("torch group");
    let functional = html
        .find(">torch.nn.functional</h2>")
        .expect("functional group");
    let optim = html.find(">torch.optim</h2>").expect("optim group");
    assert!(torch < functional && functional < optim);
    assert!(!html.contains("<code>torch.linalg.norm</code>"));
}
