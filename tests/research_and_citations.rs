//! End to end: research threads are numbered cards with their four parts and are all in the index;
//! every citation links to an entry of the 参考文献 page, whose entries link to arXiv/DOI/URL.

use std::collections::HashSet;

use diffusion_book::{append, build_copy, real_book};
use scraper::Selector;

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

#[test]
fn threads_are_numbered_cards_listed_in_the_index() {
    let book = real_book();
    let index = book.read("research-threads.html");
    let mut n = 0;
    for (path, doc) in book.chapter_pages() {
        for t in doc.select(&sel("section.research-thread")) {
            n += 1;
            let id = t.value().attr("id").unwrap_or_default();
            assert!(id.starts_with("rt-"), "{path}: thread id '{id}'");
            assert!(
                !t.value().attr("data-tags").unwrap_or_default().is_empty(),
                "{path}#{id}: no tags"
            );
            let num: String = t
                .select(&sel("h4.research-title .research-number"))
                .flat_map(|e| e.text())
                .collect();
            assert!(num.starts_with("研究线索 "), "{path}#{id}: heading '{num}'");
            let labels: Vec<String> = t
                .select(&sel("p > strong:first-child"))
                .map(|s| s.text().collect())
                .collect();
            for part in ["问题", "为什么重要", "起点文献", "第一个实验"] {
                assert!(
                    labels.iter().any(|l| l == part),
                    "{path}#{id}: part {part} missing ({labels:?})"
                );
            }
            assert!(
                t.select(&sel("a.citation")).next().is_some(),
                "{path}#{id}: no citation"
            );
            assert!(
                index.contains(&format!("{path}#{id}\"")),
                "index misses {path}#{id}"
            );
        }
    }
    assert!(n >= 2, "the book should carry research threads (found {n})");
    assert!(index.contains(&format!("全书共有 {n} 条研究线索")));
}

#[test]
fn every_citation_resolves_to_a_reference_that_links_out() {
    let book = real_book();
    let refs = scraper::Html::parse_document(&book.read("references.html"));
    let ids: HashSet<String> = refs
        .select(&sel("li.reference"))
        .filter_map(|li| li.value().attr("id").map(str::to_string))
        .collect();
    assert!(!ids.is_empty(), "the bibliography page lists entries");
    for li in refs.select(&sel("li.reference")) {
        let out: Vec<&str> = li
            .select(&sel("a[href^='http']"))
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert!(!out.is_empty(), "reference without an outside link");
        for href in out {
            if let Some(id) = href.strip_prefix("https://arxiv.org/abs/") {
                assert!(
                    id.len() >= 9 && id.contains('.') || id.contains('/'),
                    "arXiv link '{href}'"
                );
            }
        }
    }
    let mut cited = 0;
    for (path, doc) in book.chapter_pages() {
        for a in doc.select(&sel("a.citation")) {
            cited += 1;
            let href = a.value().attr("href").unwrap_or_default();
            let (_, anchor) = href
                .split_once("references.html#")
                .unwrap_or_else(|| panic!("{path}: citation href '{href}'"));
            assert!(
                ids.contains(anchor),
                "{path}: citation to missing entry '{anchor}'"
            );
        }
    }
    assert!(
        cited >= 5,
        "the book should cite its sources (found {cited} citations)"
    );
}

#[test]
fn an_unknown_citation_key_fails_the_build_with_file_and_line() {
    let mut line = 0;
    let attempt = build_copy(|copy| {
        line = append(copy, "book/ch01/1-1.md", "\n\n见 [@nosuch2099paper]。\n")? + 2;
        Ok(())
    })
    .expect("build attempt");
    assert!(!attempt.is_ok());
    let want = format!("book/ch01/1-1.md:{line}:4: unknown citation key '@nosuch2099paper'");
    assert!(
        attempt.stderr().contains(&want),
        "wanted '{want}' in:\n{}",
        attempt.stderr()
    );
}

#[test]
fn a_thread_missing_a_part_fails_the_build_with_file_and_line() {
    let mut line = 0;
    let attempt = build_copy(|copy| {
        line = append(
            copy,
            "book/ch01/1-1.md",
            "\n\n::: research {#rt-e2e-broken tags=test} 缺一部分\n**问题** 问。\n\n**为什么重要** 因为。\n\n**起点文献** [@ho2020denoising]\n:::\n",
        )? + 2;
        Ok(())
    })
    .expect("build attempt");
    assert!(!attempt.is_ok());
    let want =
        format!("book/ch01/1-1.md:{line}:1: research thread is missing the part **第一个实验**");
    assert!(
        attempt.stderr().contains(&want),
        "wanted '{want}' in:\n{}",
        attempt.stderr()
    );
}
