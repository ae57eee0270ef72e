//! The renderer: read the pages the html renderer wrote, write `search-zh/` beside them: the
//! manifest with the engine (`index.js`) and the shards it fetches ([`index`]).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use mdbook_renderer::RenderContext;
use mdbook_renderer::book::BookItem;

use crate::extract::{self, Doc, Page};
use crate::index;

/// The engine, shipped inside the index file so it loads (lazily) together with the data.
pub const ENGINE_JS: &str = include_str!("../assets/search-zh.js");

/// Where the index goes, relative to the HTML output root.
pub const INDEX_PATH: &str = "search-zh/index.js";

/// What a run did, for the one line it reports.
#[derive(Debug)]
pub struct Stats {
    pub pages: usize,
    pub docs: usize,
    pub terms: usize,
    /// All files together, uncompressed.
    pub bytes: usize,
    pub shards: usize,
    pub texts: usize,
    /// `index.js` (manifest and engine).
    pub manifest: usize,
}

pub fn run_stdio() -> Result<()> {
    let started = Instant::now();
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading the render context from mdBook (stdin)")?;
    let ctx = RenderContext::from_json(input.as_bytes())
        .context("parsing the render context from mdBook")?;
    let html_dir = html_dir(&ctx)?;
    // Generated lists of titles (习题索引, 研究线索索引) would match every query their cards match.
    let exclude: Vec<String> = ctx
        .config
        .get("output.search-zh.exclude")
        .context("[output.search-zh] exclude must be a list of source paths")?
        .unwrap_or_default();
    let pages: Vec<Page> = ctx
        .book
        .iter()
        .filter_map(|item| match item {
            BookItem::Chapter(ch) => ch.path.as_ref().map(|p| (p, ch)),
            _ => None,
        })
        .filter(|(p, _)| !exclude.iter().any(|x| Path::new(x) == *p))
        .map(|(p, ch)| Page {
            path: page_path(p),
            title: ch.name.clone(),
            context: ch.parent_names.join(" » "),
        })
        .collect();
    let stats = write_index(&html_dir, &pages)?;
    eprintln!(
        "search-zh: {} pages, {} documents, {} terms, {} KiB index ({} KiB index.js, {} posting \
         and {} text shards) in {:.2} s",
        stats.pages,
        stats.docs,
        stats.terms,
        stats.bytes / 1024,
        stats.manifest / 1024,
        stats.shards,
        stats.texts,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The html renderer's output: `build/html` when the book has more than one renderer (ours is
/// the second), as mdBook's `build_dir_for` lays it out.
fn html_dir(ctx: &RenderContext) -> Result<PathBuf> {
    let dir = ctx
        .destination
        .parent()
        .map(|p| p.join("html"))
        .context("the renderer's destination has no parent directory")?;
    if !dir.join("index.html").is_file() {
        bail!(
            "no HTML book at {}: [output.search-zh] must come after [output.html] \
             (mdBook runs renderers in name order)",
            dir.display()
        );
    }
    Ok(dir)
}

/// `ch03/3-3.md` → `ch03/3-3.html`, with `/` separators whatever the platform.
fn page_path(source: &Path) -> String {
    source
        .with_extension("html")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Extract every page (in reading order), build the index and write it: the shards first, the
/// manifest last, so `mdbook serve` never hands out a manifest whose shards are not there yet.
pub fn write_index(html_dir: &Path, pages: &[Page]) -> Result<Stats> {
    let mut docs: Vec<Doc> = Vec::new();
    for page in pages {
        let file = html_dir.join(&page.path);
        let html = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        docs.extend(extract::page_docs(&html, page));
    }
    let idx = index::build(&docs);
    let out = html_dir.join(INDEX_PATH);
    let dir = out.parent().context("index path has no directory")?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tag = &idx.manifest.tag;
    let mut keep: Vec<String> = Vec::new();
    let mut terms = 0;
    let mut bytes = 0;
    for (n, shard) in idx.shards.iter().enumerate() {
        terms += shard.postings.len();
        let data = serde_json::to_string(shard).context("serialising a posting shard")?;
        let name = shard_file('p', n, tag);
        bytes += write_shard(dir, &name, &format!("p{n}"), &data)?;
        keep.push(name);
    }
    for (n, texts) in idx.texts.iter().enumerate() {
        let data = serde_json::to_string(texts).context("serialising a text shard")?;
        let name = shard_file('t', n, tag);
        bytes += write_shard(dir, &name, &format!("t{n}"), &data)?;
        keep.push(name);
    }
    let data = serde_json::to_string(&idx.manifest).context("serialising the search manifest")?;
    let js = script(&data);
    write_atomically(&out, &js)?;
    remove_stale(dir, &keep)?;
    Ok(Stats {
        pages: pages.len(),
        docs: docs.len(),
        terms,
        bytes: bytes + js.len(),
        shards: idx.shards.len(),
        texts: idx.texts.len(),
        manifest: js.len(),
    })
}

/// `p3.1a2b3c4d.js`: posting (`p`) or text (`t`) shard `n` of the index tagged `tag`.
pub fn shard_file(kind: char, n: usize, tag: &str) -> String {
    format!("{kind}{n}.{tag}.js")
}

/// A shard is a script (so it loads from `file://` too) that hands its data to the engine.
fn write_shard(dir: &Path, name: &str, key: &str, data: &str) -> Result<usize> {
    let js = format!("searchZhShard(\"{key}\",{data});\n");
    let path = dir.join(name);
    // Same name, same content (the tag hashes everything): nothing to do on a rebuild.
    if std::fs::metadata(&path).is_ok_and(|m| m.len() == js.len() as u64) {
        return Ok(js.len());
    }
    write_atomically(&path, &js)?;
    Ok(js.len())
}

/// Shards of earlier builds (another tag) go.
fn remove_stale(dir: &Path, keep: &[String]) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let shard = name.ends_with(".js") && (name.starts_with('p') || name.starts_with('t'));
        if shard && !keep.contains(&name) {
            std::fs::remove_file(entry.path())
                .with_context(|| format!("removing {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// The file mdBook's searcher loads: the manifest, then the engine that reads it.
pub fn script(data: &str) -> String {
    format!(
        "/* Generated by mdbook-search-zh (crates/search-zh); do not edit. */\n\
         window.searchZhData = {data};\n{ENGINE_JS}"
    )
}

/// Write through a temporary file, so `mdbook serve` never hands out half an index.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let dir = path.parent().context("index path has no directory")?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = path.with_extension("js.tmp");
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_paths_become_page_paths() {
        assert_eq!(page_path(Path::new("ch03/3-3.md")), "ch03/3-3.html");
        assert_eq!(page_path(Path::new("preface.md")), "preface.html");
    }
}
