//! The contract between the Rust side (tokenizer, index format) and the engine in
//! `assets/search-zh.js`: both sides are tested against the same fixtures, the engine by
//! `tests/engine.test.mjs` (node --test).

use std::path::PathBuf;

use mdbook_search_zh::extract::Doc;
use mdbook_search_zh::{index, tokenize};
use serde::Deserialize;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[derive(Deserialize)]
struct Case {
    text: String,
    terms: Vec<String>,
}

#[test]
fn tokenizer_agrees_with_the_shared_cases() {
    let text = std::fs::read_to_string(fixture("tokenize-cases.json")).expect("cases");
    let cases: Vec<Case> = serde_json::from_str(&text).expect("cases parse");
    assert!(cases.len() >= 10);
    for c in cases {
        assert_eq!(tokenize::terms(&c.text), c.terms, "tokenizing {:?}", c.text);
    }
}

/// The engine's ranking tests load `ranking-index.json`; it must be what the builder makes of
/// `ranking-docs.json` today. `UPDATE_FIXTURES=1 cargo test -p mdbook-search-zh` rewrites it.
#[test]
fn ranking_fixture_index_is_current() {
    let docs: Vec<Doc> =
        serde_json::from_str(&std::fs::read_to_string(fixture("ranking-docs.json")).expect("docs"))
            .expect("docs parse");
    let built = serde_json::to_string_pretty(&index::build(&docs)).expect("serialise") + "\n";
    let path = fixture("ranking-index.json");
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, &built).expect("writing the fixture");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == built,
        "{} is stale: run UPDATE_FIXTURES=1 cargo test -p mdbook-search-zh",
        path.display()
    );
}
