//! End to end: the real book, built by the pinned mdBook, has every exercise as a numbered card
//! with a folded answer, no directive survives, and the index lists every exercise.

use diffusion_book::{append, build_copy, real_book};
use scraper::Selector;

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

#[test]
fn every_exercise_is_a_card_with_one_folded_answer() {
    let book = real_book();
    let mut total = 0;
    for (path, doc) in book.chapter_pages() {
        for ex in doc.select(&sel("section.exercise")) {
            total += 1;
            let id = ex.value().attr("id").unwrap_or_default();
            assert!(id.starts_with("ex-"), "{path}: exercise id '{id}'");
            let kind = ex.value().attr("data-kind").unwrap_or_default();
            assert!(
                ["theory", "implementation", "challenge"].contains(&kind),
                "{path}#{id}: kind '{kind}'"
            );
            let d: u8 = ex
                .value()
                .attr("data-difficulty")
                .and_then(|d| d.parse().ok())
                .unwrap_or(0);
            assert!((1..=4).contains(&d), "{path}#{id}: difficulty {d}");
            let title: String = ex
                .select(&sel("h4.exercise-title .exercise-number"))
                .flat_map(|e| e.text())
                .collect();
            assert!(title.starts_with("练习 "), "{path}#{id}: heading '{title}'");
            let answers: Vec<_> = ex.select(&sel("details.answer")).collect();
            assert_eq!(answers.len(), 1, "{path}#{id}: one answer expected");
            for d in ex.select(&sel("details")) {
                assert!(
                    d.value().attr("open").is_none(),
                    "{path}#{id}: a <details> is open by default"
                );
                let summary: String = d.select(&sel("summary")).flat_map(|s| s.text()).collect();
                assert!(
                    summary == "参考答案" || summary == "提示",
                    "{path}#{id}: summary '{summary}'"
                );
            }
        }
    }
    assert!(total >= 3, "the book should have exercises (found {total})");
}

#[test]
fn no_directive_survives_in_any_page() {
    let book = real_book();
    let body = sel("main");
    let code = sel("main pre, main code");
    for (path, doc) in book.chapter_pages() {
        let code_text: Vec<String> = doc.select(&code).map(|c| c.text().collect()).collect();
        for m in doc.select(&body) {
            for line in m.text().collect::<String>().lines() {
                if line.trim_start().starts_with(":::") {
                    assert!(
                        code_text.iter().any(|c| c.contains(line.trim())),
                        "{path}: leftover directive '{line}'"
                    );
                }
            }
        }
    }
}

#[test]
fn index_lists_every_exercise() {
    let book = real_book();
    let mut ids = Vec::new();
    for (path, doc) in book.chapter_pages() {
        for ex in doc.select(&sel("section.exercise")) {
            ids.push((
                path.clone(),
                ex.value().attr("id").unwrap_or_default().to_string(),
            ));
        }
    }
    let index = book.read("exercises.html");
    assert!(
        index.contains(&format!("全书共有 {} 道练习", ids.len())),
        "index count"
    );
    for (path, id) in ids {
        assert!(
            index.contains(&format!("{path}#{id}\"")),
            "index misses {path}#{id}"
        );
    }
}

#[test]
fn a_bad_exercise_fails_the_build_with_file_and_line() {
    let mut line = 0;
    let attempt = build_copy(|copy| {
        line = append(
            copy,
            "book/ch01/1-1.md",
            "\n\n::: exercise {#e2e-broken .theory difficulty=2} 没有答案\n题目。\n:::\n",
        )? + 2;
        Ok(())
    })
    .expect("build attempt");
    assert!(!attempt.is_ok(), "a broken exercise must fail the build");
    let want = format!("book/ch01/1-1.md:{line}:1: exercise without an answer");
    assert!(
        attempt.stderr().contains(&want),
        "wanted '{want}' in:\n{}",
        attempt.stderr()
    );
}
