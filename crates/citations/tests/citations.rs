//! The citation preprocessor on a small book written to a temporary directory.

use mdbook_citations::Citations;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use preprocessor_kit::testing::{self, page};

const BIB: &str = "[ho2020denoising]\nauthors = [\"Jonathan Ho\", \"Ajay Jain\", \"Pieter Abbeel\"]\ntitle = \"Denoising Diffusion Probabilistic Models\"\nyear = 2020\nvenue = \"NeurIPS 2020\"\narxiv = \"2006.11239\"\n\n[ho2022classifierfree]\nauthors = [\"Jonathan Ho\", \"Tim Salimans\"]\ntitle = \"Classifier-Free Diffusion Guidance\"\nyear = 2022\nvenue = \"Workshop\"\narxiv = \"2207.12598\"\n";

fn run(pages: &[(&str, &str)], bib: &str) -> Result<Book, Vec<String>> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("book")).expect("mkdir");
    std::fs::write(dir.path().join("book/references.toml"), bib).expect("write bib");
    let ctx = testing::context(dir.path());
    let mut ch1 = Chapter::new("第 1 章", "# 1\n".into(), "ch01/index.md", vec![]);
    for (p, c) in pages {
        ch1.sub_items.push(BookItem::Chapter(Chapter::new(
            &format!("节 {p}"),
            c.to_string(),
            *p,
            vec!["第 1 章".into()],
        )));
    }
    let refs = Chapter::new(
        "参考文献",
        format!("# 参考文献\n\n{}\n", mdbook_citations::BIB_MARKER),
        "references.md",
        vec![],
    );
    let book = Book::new_with_items(vec![ch1.into(), refs.into()]);
    testing::run(&Citations, &ctx, book)
}

#[test]
fn citations_link_to_the_reference_page_which_links_to_arxiv() {
    let text = "DDPM [@ho2020denoising, 第 3 节] 与 CFG [@ho2022classifierfree; @ho2020denoising]。\n\n本章\n\n<!-- chapter-references -->\n";
    let out = run(&[("ch01/1-1.md", text)], BIB).unwrap();
    let p = page(&out, "ch01/1-1.md");
    assert!(p.contains("<span class=\"citations\">（<a class=\"citation\" href=\"../references.html#ref-ho2020denoising\" title=\"Denoising Diffusion Probabilistic Models\">Ho 等，2020</a>，第 3 节）</span>"), "{p}");
    assert!(p.contains(">Ho 和 Salimans，2022</a>；<a"));
    assert!(p.contains("<h2 id=\"chapter-references\">本章参考文献</h2>"));
    assert_eq!(p.lines().count(), text.lines().count());
    let refs = page(&out, "references.md");
    assert!(refs.contains("<li class=\"reference\" id=\"ref-ho2020denoising\">"));
    assert!(refs.contains("<a href=\"https://arxiv.org/abs/2006.11239\">arXiv:2006.11239</a>"));
    assert!(refs.contains("引用于：<a href=\"ch01/1-1.html\">节 ch01/1-1.md</a>"));
}

#[test]
fn a_citation_over_two_lines_keeps_the_line_count() {
    let text = "见 [@ho2020denoising;\n@ho2022classifierfree]。\n下一行\n";
    let out = run(&[("ch01/1-1.md", text)], BIB).unwrap();
    let p = page(&out, "ch01/1-1.md");
    assert_eq!(p.lines().count(), 3, "{p}");
    assert!(p.ends_with("。\n下一行\n"));
}

#[test]
fn unknown_key_fails_with_position_and_suggestion() {
    let errs = run(&[("ch01/1-1.md", "第一行\n见 [@ho2020denoisng]。\n")], BIB).unwrap_err();
    assert!(
        errs[0].starts_with("book/ch01/1-1.md:2:4: unknown citation key '@ho2020denoisng'"),
        "{errs:?}"
    );
    assert!(errs[0].contains("did you mean '@ho2020denoising'?"));
}

#[test]
fn malformed_arxiv_id_fails_with_bib_line() {
    let bad = BIB.replace("2207.12598", "2207.1259");
    let errs = run(&[("ch01/1-1.md", "x\n")], &bad).unwrap_err();
    assert!(
        errs[0].starts_with(
            "book/references.toml:8:1: [ho2022classifierfree]: malformed arXiv id '2207.1259'"
        ),
        "{errs:?}"
    );
}

#[test]
fn malformed_citation_fails() {
    let errs = run(&[("ch01/1-1.md", "见 [@ho2020denoising x]。\n")], BIB).unwrap_err();
    assert!(
        errs[0].starts_with("book/ch01/1-1.md:1:4: unexpected text 'x'"),
        "{errs:?}"
    );
}
