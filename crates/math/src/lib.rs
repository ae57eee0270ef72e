//! `mdbook-math`: renders the book's `$…$` and `$$…$$` to KaTeX HTML at build time.
//!
//! Readers get finished HTML (no math JavaScript; CSS and fonts are served by the book itself), and
//! a formula KaTeX rejects fails the build at its `file:line:col`. Rendering is what costs, so each
//! distinct formula is rendered once per build, in parallel, and kept in an on-disk cache
//! ([`cache`]) so that under `mdbook serve` an edit re-renders only what changed.
//!
//! Which `$` is math is decided by preprocessor-kit's scanner (pandoc's rule, see its `scan`
//! module). This preprocessor runs after the others, so it also renders math they leave in raw HTML
//! text, such as exercise titles inside `<h4>`.

pub mod cache;
pub mod corpus;
pub mod depth;
pub mod extract;
pub mod macros;
pub mod markup;
pub mod placed;
pub mod render;

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;
use preprocessor_kit::chapters::{display_path, for_each_page, for_each_page_mut, slash_path};
use preprocessor_kit::protocol::{BookPreprocessor, warn};
use preprocessor_kit::scan::Scan;
use preprocessor_kit::splice::Splicer;
use preprocessor_kit::{Diagnostic, Diagnostics, SourceFile};
use rayon::prelude::*;

use crate::cache::{Cache, Key};
use crate::macros::Macros;
use crate::placed::Placed;
use crate::render::{ENGINE, RenderError, Renderer};

/// The preprocessor, for `preprocessor_kit::protocol::main`.
pub struct MathPreprocessor;

impl BookPreprocessor for MathPreprocessor {
    fn name(&self) -> &'static str {
        "math"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let cfg = Config::read(ctx)?;
        let macros = load_macros(&ctx.root, &cfg.macros)?;
        let renderer = Renderer::new(&macros)?;
        let mut cache = Cache::open(&ctx.root.join(&cfg.cache_dir).join("katex.bin"), ENGINE);

        let mut pages = Vec::new();
        for_each_page(&book, |ch| {
            pages.push(Page {
                path: display_path(ctx, ch),
                content: ch.content.clone(),
            });
        });
        if let Some(path) = std::env::var_os(corpus::CORPUS_ENV) {
            corpus::write(Path::new(&path), &pages, &macros, &renderer)?;
        }
        // Placeholders only when the renderer that replaces them is part of the build.
        let mut placed = cfg.placeholders.then(Placed::default);
        let diags = render_pages(&mut pages, &macros, &renderer, &mut cache, placed.as_mut())?;
        // The cache only saves time: failing to write it must not fail the build.
        if let Err(e) = cache.save() {
            warn(&Diagnostic::in_file(
                slash_path(&cfg.cache_dir),
                format!("math cache not saved: {e:#}"),
            ));
        }
        if !diags.is_empty() {
            return Err(diags.into());
        }
        if let Some(placed) = &placed {
            placed.save(&ctx.root.join(&cfg.cache_dir).join(PLACED_FILE))?;
        }
        let mut rendered = pages.into_iter();
        for_each_page_mut(&mut book, |ch| {
            if let Some(p) = rendered.next() {
                ch.content = p.content;
            }
        });
        Ok(book)
    }
}

/// The side file of placeholder builds ([`placed`]), in the cache directory.
pub const PLACED_FILE: &str = "placed.bin";

/// `[preprocessor.math]` in book.toml. Both keys are optional.
#[derive(Debug, Clone)]
pub struct Config {
    /// The macro file, relative to the book root. Default: `<src>/macros.tex`.
    pub macros: PathBuf,
    /// Where the render cache lives, relative to the book root. Default: `target/math-cache`
    /// (mdBook empties the build directory on every build, so the cache cannot live there).
    pub cache_dir: PathBuf,
    /// Whether the book has the `[output.typeset]` renderer: then pages get placeholders
    /// ([`placed`]) and the renderer puts KaTeX's HTML in after mdBook wrote them.
    pub placeholders: bool,
}

impl Config {
    pub const DEFAULT_CACHE_DIR: &str = "target/math-cache";

    pub fn read(ctx: &PreprocessorContext) -> Result<Config> {
        let get = |key: &str| -> Result<Option<String>> {
            ctx.config
                .get::<String>(&format!("preprocessor.math.{key}"))
                .with_context(|| format!("reading [preprocessor.math] {key} in book.toml"))
        };
        Ok(Config {
            macros: get("macros")?
                .map(PathBuf::from)
                .unwrap_or_else(|| ctx.config.book.src.join("macros.tex")),
            cache_dir: get("cache-dir")?
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(Config::DEFAULT_CACHE_DIR)),
            placeholders: ctx.config.contains_key("output.typeset"),
        })
    }
}

/// Read and check the macro file (`rel` is relative to `root`).
pub fn load_macros(root: &Path, rel: &Path) -> Result<Macros> {
    let text = fs::read_to_string(root.join(rel))
        .with_context(|| format!("reading the KaTeX macro file {}", rel.display()))?;
    let src = SourceFile::new(slash_path(rel), &text);
    Ok(Macros::parse(&src)?)
}

/// One page's text, as the author sees it (`path` like `book/ch03/3-2.md`).
#[derive(Debug, Clone)]
pub struct Page {
    pub path: String,
    pub content: String,
}

/// Replace every formula of `pages` by its HTML, or, with `placed`, by a placeholder whose HTML is
/// added to `placed` (formulas in headings always get their HTML: mdBook derives the heading's id
/// from its text). Author mistakes (bad TeX, an unclosed `$$`, a macro that does not render) come
/// back as diagnostics, all of them; pages with a mistake are left as they were.
pub fn render_pages(
    pages: &mut [Page],
    macros: &Macros,
    renderer: &Renderer,
    cache: &mut Cache,
    mut placed: Option<&mut Placed>,
) -> Result<Diagnostics> {
    let mut diags = Diagnostics::new();
    let clock = Clock::start();
    let found: Vec<_> = pages
        .iter()
        .map(|p| {
            let scan = Scan::new(&p.content);
            let formulas = extract::formulas(&p.content, &scan);
            let in_heading: Vec<bool> = formulas
                .iter()
                .map(|f| scan.headings.iter().any(|h| h.contains(&f.range.start)))
                .collect();
            (scan.errors, formulas, in_heading)
        })
        .collect();

    // Each distinct formula once, the longest first so no worker is left with a long one at the end.
    let checks = macro_checks(macros);
    let shadowing = builtins_replaced(macros, renderer, cache);
    let index = macros.index(&shadowing);
    let mut todo: Vec<Key> = Vec::new();
    let mut failed: HashMap<Key, RenderError> = HashMap::new();
    // The macro definitions each distinct formula reaches: its cache entry is valid only under
    // the same definitions.
    let mut deps: HashMap<(bool, &str), String> = HashMap::new();
    let keys = found
        .iter()
        .flat_map(|(_, fs, _)| fs.iter().map(|f| (f.display, f.tex.as_str())))
        .chain(checks.iter().map(|(_, tex)| (false, tex.as_str())));
    for (display, tex) in keys {
        if let Entry::Vacant(slot) = deps.entry((display, tex)) {
            let d = slot.insert(index.dependencies(tex));
            let key = (display, tex.to_string());
            if let Some(e) = renderer.check(tex) {
                failed.insert(key, e);
            } else if cache.get(&key, d).is_none() {
                todo.push(key);
            }
        }
    }
    todo.sort_by_key(|k| std::cmp::Reverse(k.1.len()));
    let total: usize = found.iter().map(|(_, fs, _)| fs.len()).sum();
    clock.lap(&format!(
        "scanned {} pages: {total} formulas, {} distinct (macro checks included), {} to render",
        pages.len(),
        deps.len(),
        todo.len()
    ));
    let results: Vec<(Key, Result<String, RenderError>)> = renderer.install(|| {
        todo.into_par_iter()
            .map(|key| {
                let html = renderer.render(&key.1, key.0);
                (key, html)
            })
            .collect()
    });
    clock.lap("rendered");
    for (key, result) in results {
        match result {
            Ok(html) => {
                let d = deps[&(key.0, key.1.as_str())].clone();
                cache.insert(key, d, html);
            }
            Err(e) => {
                failed.insert(key, e);
            }
        }
    }

    for (line, tex) in &checks {
        if let Some(e) = failed.get(&(false, tex.clone())) {
            diags.push(
                Diagnostic {
                    line: *line,
                    ..Diagnostic::in_file(macros.file.clone(), e.message.clone())
                }
                .note(format!("while checking the macro with ${tex}$")),
            );
        }
    }

    // Placeholders point into the side file by index; its content fixes the build id they carry.
    let mut slots: HashMap<(bool, &str), usize> = HashMap::new();
    if let Some(placed) = placed.as_deref_mut() {
        for (_, formulas, in_heading) in &found {
            for (f, &heading) in formulas.iter().zip(in_heading) {
                let key = (f.display, f.tex.clone());
                if heading || failed.contains_key(&key) {
                    continue;
                }
                if let Entry::Vacant(slot) = slots.entry((f.display, f.tex.as_str())) {
                    let html = cache
                        .get(&key, &deps[&(f.display, f.tex.as_str())])
                        .context("internal error: a rendered formula is missing from the cache")?;
                    slot.insert(placed.html.len());
                    placed.html.push(html.to_string());
                }
            }
        }
    }
    let build_id = placed.as_deref().map(Placed::id);

    for (page, (scan_errors, formulas, in_heading)) in pages.iter_mut().zip(&found) {
        let src = SourceFile::new(page.path.clone(), &page.content);
        let before = diags.len();
        for e in scan_errors {
            diags.push(Diagnostic::at(&src, e.offset, e.message.clone()));
        }
        let mut splicer = Splicer::new();
        for (f, &heading) in formulas.iter().zip(in_heading) {
            let key = (f.display, f.tex.clone());
            if let Some(e) = failed.get(&key) {
                let at = e.offset.map_or(f.range.start, |o| f.source_offset(o));
                let mut d = Diagnostic::at(&src, at, e.message.clone())
                    .note(shorten(&page.content[f.range.clone()], 400));
                if has_bare_dollar(&f.tex) {
                    d = d.note(
                        "hint: this formula contains a '$'; if a dollar sign in the text (a price) \
                         opened it, write that one as '\\$'",
                    );
                }
                diags.push(d);
                continue;
            }
            let prefixes: Vec<&str> = f.prefixes.iter().map(String::as_str).collect();
            let placeholder = match (&build_id, heading) {
                (Some(id), false) => Some((id, slots[&(f.display, f.tex.as_str())])),
                _ => None,
            };
            let out = match placeholder {
                Some((id, index)) => {
                    let delim = if f.display { "$$" } else { "$" };
                    placed::placeholder(id, index, &format!("{delim}{}{delim}", f.tex), &prefixes)
                }
                None => {
                    let html = cache
                        .get(&key, &deps[&(f.display, f.tex.as_str())])
                        .context("internal error: a rendered formula is missing from the cache")?;
                    markup::to_markdown_safe(html, &prefixes)
                }
            }
            .with_context(|| {
                let (line, col) = src.line_col(f.range.start);
                format!("{}:{line}:{col}: placing the rendered formula", page.path)
            })?;
            splicer.replace(f.range.clone(), out);
        }
        // In reading order, whichever check found them.
        diags.items[before..].sort_by_key(|d| (d.line, d.col));
        if diags.len() == before && !splicer.is_empty() {
            let text = splicer.apply(&page.content)?;
            page.content = text;
        }
    }
    clock.lap("spliced");
    Ok(diags)
}

/// Phase timings on stderr when `MDBOOK_MATH_TIMINGS` is set (for `docs/PERFORMANCE.md`).
struct Clock(Option<std::time::Instant>);

impl Clock {
    fn start() -> Clock {
        Clock(std::env::var_os("MDBOOK_MATH_TIMINGS").map(|_| std::time::Instant::now()))
    }

    fn lap(&self, what: &str) {
        if let Some(t) = self.0 {
            eprintln!("math: {:>8.3} s  {what}", t.elapsed().as_secs_f64());
        }
    }
}

/// `s`, cut to `max` characters with an ellipsis, so a huge formula does not flood the terminal.
fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// True when `tex` has a `$` that is not `\$`: the sign that the scanner paired a text dollar
/// (`$5`) with a formula's closing `$`.
fn has_bare_dollar(tex: &str) -> bool {
    let b = tex.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'$' => return true,
            _ => i += 1,
        }
    }
    false
}

/// The book's macros that replace one of KaTeX's own commands (`\R`, say). KaTeX's built-in macros
/// may expand to such a name without the formula naming it, so every formula depends on these.
/// KaTeX is asked once per name and KaTeX version; the answer is kept in the cache.
fn builtins_replaced<'m>(
    macros: &'m Macros,
    renderer: &Renderer,
    cache: &mut Cache,
) -> Vec<&'m str> {
    let unknown: Vec<&str> = macros
        .items
        .iter()
        .map(|m| m.name.as_str())
        .filter(|name| cache.katex_builtin(name).is_none())
        .collect();
    let answers: Vec<(&str, bool)> = renderer.install(|| {
        unknown
            .into_par_iter()
            .map(|name| (name, renderer.is_katex_builtin(name)))
            .collect()
    });
    for (name, builtin) in answers {
        cache.set_katex_builtin(name.to_string(), builtin);
    }
    macros
        .items
        .iter()
        .map(|m| m.name.as_str())
        .filter(|name| cache.katex_builtin(name) == Some(true))
        .collect()
}

/// One small formula per macro (`x\name{a}{b}…` with as many arguments as it declares), so a macro
/// that KaTeX cannot expand fails the build at its line in the macro file even if no page uses it.
fn macro_checks(macros: &Macros) -> Vec<(usize, String)> {
    macros
        .items
        .iter()
        .map(|m| {
            let args: String = (1..=m.args).map(|_| "{a}").collect();
            (m.line, format!("x{}{args}", m.name))
        })
        .collect()
}

#[cfg(test)]
mod tests;
