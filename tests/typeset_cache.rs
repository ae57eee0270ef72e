//! The typeset renderer's output cache (crates/math/src/bin/mdbook-typeset.rs): rebuilding an
//! unchanged book writes no typeset page and gives the same bytes; after one section is edited
//! (a new formula, which renumbers every placeholder after it) only that section's page and the
//! print page holding it are written, and every page is what a fresh typesetting gives.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use diffusion_book::{append, build_copy};

fn snapshot(out: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e.path().strip_prefix(out).expect("under out");
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

fn rebuild(copy: &Path, out: &Path) -> String {
    let o = Command::new("mdbook")
        .args(["build", "-d"])
        .arg(out)
        .current_dir(copy)
        .output()
        .expect("mdbook build");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{stderr}");
    stderr
        .lines()
        .filter(|l| l.starts_with("typeset:"))
        .collect()
}

#[test]
fn unchanged_pages_are_linked_from_the_cache_and_identical() {
    let attempt = build_copy(|_| Ok(())).expect("build attempt");
    assert!(attempt.is_ok(), "{}", attempt.stderr());
    let built = attempt.built.expect("built");
    let out = built.out.parent().expect("out").to_path_buf();
    let copy = out.parent().expect("tmp").join("book-root");
    let first = snapshot(&built.out);

    let line = rebuild(&copy, &out);
    assert!(line.contains("(0 written, "), "{line}");
    assert!(
        snapshot(&built.out) == first,
        "a warm rebuild changed pages"
    );

    append(
        &copy,
        "book/ch05/5-1.md",
        "\n\n缓存测试：$\\mathrm{typesetcache}_{1}$。\n",
    )
    .expect("append");
    let line = rebuild(&copy, &out);
    assert!(line.contains("(2 written, "), "{line}");
    let after = snapshot(&built.out);
    let changed: Vec<&String> = after
        .iter()
        .filter(|(p, b)| first.get(*p) != Some(*b))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(
        changed,
        ["ch05/5-1.html", "ch05/print.html"],
        "changed pages"
    );
    let page = String::from_utf8_lossy(&after["ch05/5-1.html"]).into_owned();
    assert!(
        page.contains("typesetcache"),
        "the new formula is not on the page"
    );
    assert!(!page.contains("data-math=\""), "untypeset math");
}
