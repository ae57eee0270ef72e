//! `mdbook-typeset`: the renderer that puts KaTeX's HTML into the pages mdBook wrote.
//!
//! The math preprocessor leaves placeholders in the Markdown and the formulas' HTML in a side file
//! (`mdbook_math::placed`); this renderer, which mdBook runs after `html` and `search-zh` because
//! renderers run in name order, replaces every placeholder of every `.html` file under the HTML
//! output (`print.html` included) by its HTML. Files are rewritten through a temporary file, so
//! `mdbook serve` never hands out half a page.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use mdbook_math::placed::{self, Placed};
use mdbook_math::{Config, PLACED_FILE};
use mdbook_renderer::RenderContext;
use rayon::prelude::*;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: typeset: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let started = std::time::Instant::now();
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading the render context from mdBook (stdin)")?;
    let ctx = RenderContext::from_json(input.as_bytes())
        .context("parsing the render context from mdBook")?;
    let cache_dir: Option<String> = ctx
        .config
        .get("preprocessor.math.cache-dir")
        .context("reading [preprocessor.math] cache-dir in book.toml")?;
    let cache_dir =
        cache_dir.map_or_else(|| PathBuf::from(Config::DEFAULT_CACHE_DIR), PathBuf::from);
    let (id, html) = Placed::load(&ctx.root.join(cache_dir).join(PLACED_FILE))?;
    let dir = html_dir(&ctx.destination)?;
    let mut files = Vec::new();
    collect_html(&dir, &mut files)?;
    let changed: Vec<usize> = files
        .par_iter()
        .map(|file| -> Result<usize> {
            let page = std::fs::read_to_string(file)
                .with_context(|| format!("reading {}", file.display()))?;
            let Some(out) = placed::substitute(&page, &id, &html)
                .with_context(|| format!("{}", file.display()))?
            else {
                return Ok(0);
            };
            let tmp = file.with_extension("html.typeset-tmp");
            std::fs::write(&tmp, &out).with_context(|| format!("writing {}", tmp.display()))?;
            std::fs::rename(&tmp, file).with_context(|| format!("replacing {}", file.display()))?;
            Ok(1)
        })
        .collect::<Result<_>>()?;
    eprintln!(
        "typeset: {} formulas into {} of {} pages in {:.2} s",
        html.len(),
        changed.iter().sum::<usize>(),
        files.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The html renderer's output: `<build>/html`, next to this renderer's own directory.
fn html_dir(destination: &Path) -> Result<PathBuf> {
    let dir = destination
        .parent()
        .map(|p| p.join("html"))
        .context("the renderer's destination has no parent directory")?;
    if !dir.join("index.html").is_file() {
        bail!(
            "no HTML book at {}: [output.typeset] must come after [output.html] \
             (mdBook runs renderers in name order)",
            dir.display()
        );
    }
    Ok(dir)
}

fn collect_html(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_html(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
    Ok(())
}
