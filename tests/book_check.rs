//! End to end: `book-check` finds nothing wrong in the real book, and does find a broken link and
//! a missing image deliberately put into a copy of it.

use diffusion_book::{append, build_copy, real_book, repo_root};

#[test]
fn the_real_book_has_no_broken_links_leftovers_or_remote_assets() {
    let book = real_book();
    let report = book_check::check(&book.out, &repo_root().join("book")).expect("check runs");
    assert!(report.pages > 40, "checked {} pages", report.pages);
    let problems: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn a_broken_link_and_a_missing_image_are_caught() {
    let attempt = build_copy(|copy| {
        append(
            copy,
            "book/ch01/1-1.md",
            "\n\n见 [不存在的一节](../ch03/3-99.md)。\n\n<img src=\"../figures/ch01/no-such-figure.svg\" alt=\"无\">\n",
        )
        .map(drop)
    })
    .expect("build attempt");
    assert!(attempt.is_ok(), "{}", attempt.stderr());
    let built = attempt.built.expect("built");
    let report =
        book_check::check(&built.out, &built.out.join("../../book-root/book")).expect("check runs");
    let msgs: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("ch01/1-1.html: broken link (no ch03/3-99.html)")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m
                .starts_with("ch01/1-1.html: missing image (no figures/ch01/no-such-figure.svg)")),
        "{msgs:?}"
    );
}

/// A chapter's pages as SUMMARY.md lists them: (chapter page, its sections), for chapters in a folder.
fn summary_chapters() -> Vec<(String, Vec<String>)> {
    let summary = std::fs::read_to_string(repo_root().join("book/SUMMARY.md")).expect("SUMMARY.md");
    let mut chapters: Vec<(String, Vec<String>)> = Vec::new();
    for line in summary.lines() {
        let Some(path) = line
            .split_once("](")
            .and_then(|(_, r)| r.split_once(')'))
            .map(|(p, _)| p.replace(".md", ".html"))
        else {
            continue;
        };
        if line.starts_with("- ") {
            chapters.push((path, Vec::new()));
        } else if line.starts_with("  ") {
            chapters
                .last_mut()
                .expect("a section under a chapter")
                .1
                .push(path);
        }
    }
    chapters.retain(|(p, _)| p.contains('/'));
    chapters
}

/// The print pages (crates/print-chapters, in the same build as the test above): each chapter and
/// appendix has `print.html` (and `print-2.html` … when the chapter is over 2 MB), together holding
/// every page of the chapter in reading order with its math typeset, each under 2 MB; every page's
/// print button opens the part that holds it; a page at the root prints itself; no print.html of
/// the whole book.
#[test]
fn every_chapter_has_print_pages_with_all_its_sections_and_the_button_opens_them() {
    let book = real_book();
    let chapters = summary_chapters();
    assert!(chapters.len() >= 16, "{chapters:?}");
    assert!(
        !book.out.join("print.html").exists(),
        "the whole-book print.html is still written"
    );
    let katex = |s: &str| s.matches("<span class=\"katex\">").count();
    for (index, sections) in &chapters {
        let dir = index.rsplit_once('/').expect("folder").0;
        let mut parts = Vec::new();
        for k in 1.. {
            let name = if k == 1 {
                "print.html".to_string()
            } else {
                format!("print-{k}.html")
            };
            let text = book.read(&format!("{dir}/{name}"));
            if text.is_empty() {
                break;
            }
            parts.push((name, text));
        }
        assert!(!parts.is_empty(), "{dir}/print.html missing");
        let mut at = (0, 0); // (part, byte offset): pages must come in reading order
        let mut page_math = 0;
        for page in std::iter::once(index).chain(sections) {
            let stem = page
                .rsplit('/')
                .next()
                .expect("name")
                .trim_end_matches(".html");
            let marker = format!("<div class=\"print-page\" id=\"print-{stem}\"");
            let found = parts
                .iter()
                .enumerate()
                .find_map(|(k, (_, t))| t.find(&marker).map(|o| (k, o)));
            let Some(found) = found else {
                panic!("{page} is in none of {dir}'s print pages");
            };
            assert!(
                found > at || (found == (0, 0) && page == index),
                "{page} out of order"
            );
            at = found;
            let text = book.read(page);
            let h1 = text
                .split_once("<h1")
                .and_then(|(_, r)| r.split_once('>'))
                .and_then(|(_, r)| r.split_once("</h1>"))
                .map(|(h, _)| h.to_string())
                .unwrap_or_else(|| panic!("{page} has no <h1>"));
            assert!(
                parts[found.0].1.contains(&h1),
                "{page}'s heading not in its print page"
            );
            page_math += katex(&text);
            let button = text
                .split_once("id=\"mdbook-print-chapter\" href=\"")
                .and_then(|(_, r)| r.split_once('"'))
                .map(|(h, _)| h.to_string())
                .unwrap_or_else(|| panic!("{page} has no print button for its chapter"));
            assert_eq!(button, parts[found.0].0, "{page}'s print button");
        }
        let print_math: usize = parts.iter().map(|(_, t)| katex(t)).sum();
        assert_eq!(
            print_math, page_math,
            "{dir}: formulas on the print pages vs the chapter's pages"
        );
        for (name, text) in &parts {
            assert!(
                !text.contains("data-math=\""),
                "{dir}/{name}: untypeset math"
            );
            assert!(
                text.len() <= book_check_max(),
                "{dir}/{name}: {} bytes",
                text.len()
            );
            assert!(
                text.contains("window.setTimeout(window.print, 100);"),
                "{dir}/{name}"
            );
        }
        if dir == "ch03" {
            assert!(print_math > 1000, "ch03: {print_math} formulas");
        }
    }
    let preface = book.read("preface.html");
    assert!(
        preface.contains("id=\"mdbook-print-page\""),
        "preface: no print button"
    );
    assert!(!preface.contains("mdbook-print-chapter"));
}

fn book_check_max() -> usize {
    2 * 1024 * 1024
}
