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
