//! `mdbook-typeset`: the renderer that puts KaTeX's HTML into the pages mdBook wrote.
//!
//! The math preprocessor leaves placeholders in the Markdown and the formulas' HTML in a side file
//! (`mdbook_math::placed`); this renderer, which mdBook runs after `html`, `print-chapters` and
//! `search-zh` because renderers run in name order, replaces every placeholder of every `.html`
//! file under the HTML output (the chapters' print pages included) by its HTML. Files are replaced
//! through a temporary file, so `mdbook serve` never hands out half a page.
//!
//! **Output cache.** A typeset page is 5–10 times the page mdBook wrote (217 MB a build on the
//! full-size copy), and mdBook empties the HTML output on every build. So each typeset page is kept
//! in this renderer's own directory (`build/typeset/pages/`, which mdBook leaves alone), under a
//! hash of what it is made of: the page's text outside placeholders and a hash of each of its
//! formulas' HTML. A page whose hash is unchanged since the last build is hard-linked from there
//! instead of being written again — on a warm build or a save, every page but the edited ones.
//! Nothing writes into a page once it is typeset (mdBook removes the files and writes new ones), so
//! the shared file stays intact. Where a hard link is impossible, the page is written as before.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use mdbook_math::placed::{self, Piece, Placed};
use mdbook_math::{Config, PLACED_FILE};
use mdbook_renderer::RenderContext;
use preprocessor_kit::output::{html_dir, rel_path};
use rayon::prelude::*;

/// First line of the cache's manifest; a manifest without it is ignored (everything is written).
const MANIFEST_HEAD: &str = "mdbook-typeset pages v1";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: typeset: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// What happened to one page.
enum Done {
    /// No placeholder: the page mdBook wrote is final.
    Untouched,
    /// Linked from the cache (unchanged since the last build).
    Linked(String, u64),
    /// Typeset and written.
    Written(String, u64),
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
    let formula_hashes: Vec<u64> = html.par_iter().map(|h| hash_of(h)).collect();
    let dir = html_dir(&ctx.destination, "typeset")?;
    let store = ctx.destination.join("pages");
    let manifest_file = ctx.destination.join("pages.manifest");
    let old = read_manifest(&manifest_file);
    let mut files = Vec::new();
    collect_html(&dir, &mut files)?;
    let done: Vec<Done> = files
        .par_iter()
        .map(|file| -> Result<Done> {
            let page = std::fs::read_to_string(file)
                .with_context(|| format!("reading {}", file.display()))?;
            let mut h = std::collections::hash_map::DefaultHasher::new();
            let found = placed::walk(&page, &id, html.len(), |piece| match piece {
                Piece::Text(t) => {
                    0u8.hash(&mut h);
                    t.hash(&mut h);
                }
                Piece::Formula(i) => {
                    1u8.hash(&mut h);
                    formula_hashes[i].hash(&mut h);
                }
            })
            .with_context(|| format!("{}", file.display()))?;
            if !found {
                return Ok(Done::Untouched);
            }
            let hash = h.finish();
            let rel = rel_path(&dir, file);
            let cached = store.join(format!("{hash:016x}.html"));
            if old.get(&rel) == Some(&hash) && link(&cached, file).is_ok() {
                return Ok(Done::Linked(rel, hash));
            }
            let out = placed::substitute(&page, &id, &html)
                .with_context(|| format!("{}", file.display()))?
                .unwrap_or(page);
            if keep(&store, &cached, &out).is_ok() && link(&cached, file).is_ok() {
                return Ok(Done::Written(rel, hash));
            }
            // No cache (read-only or full disk, no hard links): the page itself, as without one.
            let tmp = file.with_extension("html.typeset-tmp");
            std::fs::write(&tmp, &out).with_context(|| format!("writing {}", tmp.display()))?;
            std::fs::rename(&tmp, file).with_context(|| format!("replacing {}", file.display()))?;
            Ok(Done::Written(rel, 0))
        })
        .collect::<Result<_>>()?;
    let (mut linked, mut written) = (0, 0);
    let mut manifest = format!("{MANIFEST_HEAD}\n");
    let mut kept: HashMap<u64, ()> = HashMap::new();
    for d in &done {
        let (rel, hash) = match d {
            Done::Untouched => continue,
            Done::Linked(r, h) => {
                linked += 1;
                (r, *h)
            }
            Done::Written(r, h) => {
                written += 1;
                (r, *h)
            }
        };
        if hash != 0 {
            manifest.push_str(&format!("{hash:016x}\t{rel}\n"));
            kept.insert(hash, ());
        }
    }
    // Pages no longer produced leave the cache; the manifest names what is in it.
    for hash in old.values() {
        if !kept.contains_key(hash) {
            let _ = std::fs::remove_file(store.join(format!("{hash:016x}.html")));
        }
    }
    write_atomic(&manifest_file, manifest.as_bytes())?;
    eprintln!(
        "typeset: {} formulas into {} of {} pages ({written} written, {linked} unchanged, linked \
         from {}) in {:.2} s",
        html.len(),
        linked + written,
        files.len(),
        store.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn hash_of(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// The manifest of the last build: page → hash of its typeset content. Empty when absent or foreign.
fn read_manifest(file: &Path) -> HashMap<String, u64> {
    let Ok(text) = std::fs::read_to_string(file) else {
        return HashMap::new();
    };
    let mut lines = text.lines();
    if lines.next() != Some(MANIFEST_HEAD) {
        return HashMap::new();
    }
    lines
        .filter_map(|l| {
            let (h, rel) = l.split_once('\t')?;
            Some((rel.to_string(), u64::from_str_radix(h, 16).ok()?))
        })
        .collect()
}

/// Put `out` into the cache as `cached` (through a temporary file: never a half-written entry).
fn keep(store: &Path, cached: &Path, out: &str) -> Result<()> {
    std::fs::create_dir_all(store).with_context(|| format!("creating {}", store.display()))?;
    write_atomic(cached, out.as_bytes())
}

fn write_atomic(file: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, file).with_context(|| format!("replacing {}", file.display()))
}

/// Replace `file` by a hard link to `cached`, atomically.
fn link(cached: &Path, file: &Path) -> std::io::Result<()> {
    let tmp = file.with_extension("html.typeset-tmp");
    let _ = std::fs::remove_file(&tmp);
    std::fs::hard_link(cached, &tmp)?;
    std::fs::rename(&tmp, file)
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
