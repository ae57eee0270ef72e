//! `mdbook-print-chapters`: the renderer that writes one print page per chapter (see the library).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use mdbook_math::placed::{Placed, expanded_len};
use mdbook_math::{Config, PLACED_FILE};
use mdbook_print_chapters as pc;
use mdbook_renderer::RenderContext;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: print-chapters: {e:#}");
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
    let dir = preprocessor_kit::output::html_dir(&ctx.destination, "print-chapters")?;
    // With the typeset renderer in the book the pages hold placeholders; a part's size counts
    // each formula's HTML, whose lengths it reads from the math preprocessor's side file.
    let typeset: Option<serde_json::Value> = ctx
        .config
        .get("output.typeset")
        .context("reading [output.typeset] in book.toml")?;
    let formulas: Vec<usize> = if typeset.is_some() {
        let cache_dir: Option<String> = ctx
            .config
            .get("preprocessor.math.cache-dir")
            .context("reading [preprocessor.math] cache-dir in book.toml")?;
        let cache_dir =
            cache_dir.map_or_else(|| PathBuf::from(Config::DEFAULT_CACHE_DIR), PathBuf::from);
        Placed::load_lengths(&ctx.root.join(cache_dir).join(PLACED_FILE))?
    } else {
        Vec::new()
    };
    let book_title = ctx.config.book.title.clone().unwrap_or_default();
    let chapters = pc::plan(&ctx.book)?;
    let (mut parts, mut bytes) = (0, 0);
    for ch in &chapters {
        let (p, b) = write_chapter(&dir, ch, &book_title, &formulas)
            .with_context(|| format!("the print page of '{}' ({}/)", ch.name, ch.dir))?;
        parts += p;
        bytes += b;
    }
    eprintln!(
        "print-chapters: {} chapters, {parts} print pages, {:.1} MB with math, in {:.2} s",
        chapters.len(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Write a chapter's print part(s); (number of parts, their size with math).
fn write_chapter(
    dir: &Path,
    ch: &pc::PrintChapter,
    book_title: &str,
    formulas: &[usize],
) -> Result<(usize, usize)> {
    let mut pages = Vec::with_capacity(ch.pages.len());
    for (path, _) in &ch.pages {
        let file = dir.join(path);
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        pages.push(text);
    }
    let frame = &pages[0];
    let frame_path = &ch.pages[0].0;
    let (m0, m1) =
        pc::main_range(frame).with_context(|| format!("{frame_path}: no <main> element"))?;
    let mut contents = Vec::with_capacity(pages.len());
    for ((path, _), text) in ch.pages.iter().zip(&pages) {
        let (a, b) = pc::main_range(text).with_context(|| format!("{path}: no <main> element"))?;
        contents.push((path.clone(), text[a..b].to_string()));
    }
    let sizes: Vec<usize> = contents
        .iter()
        .map(|(_, c)| expanded_len(c, formulas))
        .collect();
    let starts = pc::split(&sizes, pc::budget(frame.len() - (m1 - m0)));
    let n = starts.len();
    let mut total = 0;
    for (j, &start) in starts.iter().enumerate() {
        let end = starts.get(j + 1).copied().unwrap_or(contents.len());
        let content = pc::join_pages(&ch.dir, &contents[start..end]);
        let part = pc::Part {
            chapter: ch,
            book_title,
            k: j + 1,
            n,
            starts: &starts,
        };
        let out = pc::assemble(frame, frame_path, &content, &part)?;
        total += expanded_len(&out, formulas);
        let file = dir.join(&ch.dir).join(pc::part_file(j + 1));
        write(&file, &out)?;
        // The sections of a later part: their print button goes to that part.
        if j > 0 {
            for ((path, _), text) in ch.pages[start..end].iter().zip(&pages[start..end]) {
                let page = pc::retarget_button(text, j + 1).with_context(|| {
                    format!(
                        "{path}: the print button ({}…) of theme/index.hbs is not on the page",
                        pc::BUTTON
                    )
                })?;
                write(&dir.join(path), &page)?;
            }
        }
    }
    Ok((n, total))
}

/// Write through a temporary file, so `mdbook serve` never hands out half a page.
fn write(file: &Path, text: &str) -> Result<()> {
    let tmp = file.with_extension("html.print-tmp");
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, file).with_context(|| format!("replacing {}", file.display()))
}
