//! The differential test's input: every distinct formula of the book with katex-rs's HTML.
//!
//! With `MDBOOK_MATH_CORPUS=<file>` in the environment, the preprocessor also writes, as JSON
//! lines, first `{"engine", "katex", "macros"}` (the macros exactly as handed to the engine), then
//! one `{"display", "tex", "page", "html"}` per distinct formula, in the order first met (`html`
//! is `null` and `error` holds the message for a formula the engine rejects).
//! `scripts/checks.d/35-katex-diff.sh` renders the same formulas with KaTeX itself in Node and
//! compares. The HTML is rendered afresh here, never read from the cache, so the file says what
//! this engine writes now.

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use preprocessor_kit::scan::Scan;
use rayon::prelude::*;
use serde_json::json;

use crate::macros::Macros;
use crate::render::{ENGINE, KATEX_VERSION, Renderer};
use crate::{Page, extract};

/// The environment variable naming the corpus file.
pub const CORPUS_ENV: &str = "MDBOOK_MATH_CORPUS";

/// Write the corpus of `pages` (their text before rendering) to `path`.
pub fn write(path: &Path, pages: &[Page], macros: &Macros, renderer: &Renderer) -> Result<()> {
    let mut seen: HashSet<(bool, String)> = HashSet::new();
    let mut formulas: Vec<(bool, String, &str)> = Vec::new();
    for page in pages {
        let scan = Scan::new(&page.content);
        for f in extract::formulas(&page.content, &scan) {
            if seen.insert((f.display, f.tex.clone())) {
                formulas.push((f.display, f.tex, &page.path));
            }
        }
    }
    let lines: Vec<String> = renderer.install(|| {
        formulas
            .par_iter()
            .map(|(display, tex, page)| {
                let line = match renderer.render(tex, *display) {
                    Ok(html) => json!({"display": display, "tex": tex, "page": page, "html": html}),
                    Err(e) => json!({
                        "display": display, "tex": tex, "page": page, "html": null,
                        "error": e.message,
                    }),
                };
                line.to_string()
            })
            .collect()
    });
    let macro_map: serde_json::Map<String, serde_json::Value> = macros
        .items
        .iter()
        .map(|m| (m.name.clone(), json!(m.body)))
        .collect();
    let mut out =
        json!({"engine": ENGINE, "katex": KATEX_VERSION, "macros": macro_map}).to_string();
    out.push('\n');
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    fs::write(path, out).with_context(|| format!("writing the math corpus {}", path.display()))
}
