//! Helpers for the end-to-end tests: build the real book with the pinned mdBook and read its HTML.
//!
//! The real book is built once per test binary ([`real_book`]); tests that need broken input build
//! a scratch copy ([`build_copy`]) whose preprocessors still run from this workspace.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use anyhow::{Context, Result, bail};
use scraper::Html;

/// The mdBook version the book is pinned to.
pub const MDBOOK_VERSION: &str = "0.5.4";

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Fail early and clearly when the pinned mdBook is missing.
fn mdbook() -> Result<PathBuf> {
    let out = Command::new("mdbook").arg("--version").output().context(
        "running `mdbook --version` (run scripts/setup.sh to install the pinned mdBook)",
    )?;
    let v = String::from_utf8_lossy(&out.stdout);
    if !v.contains(MDBOOK_VERSION) {
        bail!("mdbook {MDBOOK_VERSION} is required, found '{}'", v.trim());
    }
    Ok(PathBuf::from("mdbook"))
}

/// A built book: its HTML output directory (kept alive while the value lives).
pub struct Built {
    _dir: tempfile::TempDir,
    pub out: PathBuf,
    pub stderr: String,
}

impl Built {
    /// All HTML pages, as (path relative to the output root, parsed document).
    pub fn pages(&self) -> Vec<(String, Html)> {
        let mut v: Vec<(String, Html)> = walkdir::WalkDir::new(&self.out)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
            .filter_map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(&self.out)
                    .ok()?
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(e.path()).ok()?;
                Some((rel, Html::parse_document(&text)))
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// The pages that come from the book's chapters (not the print pages, 404.html, toc.html).
    pub fn chapter_pages(&self) -> Vec<(String, Html)> {
        self.pages()
            .into_iter()
            .filter(|(p, _)| !matches!(p.as_str(), "print.html" | "404.html" | "toc.html"))
            .filter(|(p, _)| !is_print_page(p))
            .collect()
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel)).unwrap_or_default()
    }
}

/// A chapter's print page (`ch03/print.html`, `ch03/print-2.html`, …; crates/print-chapters).
pub fn is_print_page(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    rel.contains('/')
        && name
            .strip_prefix("print")
            .and_then(|r| r.strip_suffix(".html"))
            .is_some_and(|n| {
                n.is_empty()
                    || n.strip_prefix('-')
                        .is_some_and(|k| k.parse::<usize>().is_ok())
            })
}

/// The real book, built once per test binary.
pub fn real_book() -> &'static Built {
    static BOOK: OnceLock<Built> = OnceLock::new();
    BOOK.get_or_init(|| {
        let built = build_copy(|_| Ok(())).expect("building the real book");
        assert!(
            built.is_ok(),
            "the real book must build:\n{}",
            built.stderr()
        );
        built.built.expect("built")
    })
}

/// The outcome of building a (possibly modified) copy of the book.
pub struct Attempt {
    pub output: Output,
    pub built: Option<Built>,
}

impl Attempt {
    pub fn is_ok(&self) -> bool {
        self.output.status.success()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
}

/// Copy `book.toml`, `book/` and `theme/` to a scratch directory, let `modify` change the copy
/// (its argument is the copy's root), and build it. The copy's preprocessors run from this
/// workspace (`cargo run --manifest-path …`), and other files the book includes resolve through
/// symlinks to the repository.
pub fn build_copy(modify: impl FnOnce(&Path) -> Result<()>) -> Result<Attempt> {
    let mdbook = mdbook()?;
    let root = repo_root();
    let dir = tempfile::tempdir().context("creating a scratch directory")?;
    let copy = dir.path().join("book-root");
    std::fs::create_dir_all(&copy)?;
    for entry in std::fs::read_dir(&root)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        match name.as_ref() {
            "book" | "theme" => copy_dir(&entry.path(), &copy.join(name.as_ref()))?,
            "book.toml" => {
                let toml = std::fs::read_to_string(entry.path())?;
                let manifest = root.join("Cargo.toml");
                let toml = toml.replace(
                    "cargo run --release --quiet -p",
                    &format!(
                        "cargo run --release --quiet --manifest-path {} -p",
                        manifest.display()
                    ),
                );
                std::fs::write(copy.join("book.toml"), toml)?;
            }
            "target" | "build" | ".git" => {}
            _ => std::os::unix::fs::symlink(entry.path(), copy.join(name.as_ref()))?,
        }
    }
    modify(&copy)?;
    let out = dir.path().join("out");
    // Two renderers (html, search-zh): mdBook writes the HTML to <out>/html.
    let output = Command::new(mdbook)
        .args(["build", "-d"])
        .arg(&out)
        .current_dir(&copy)
        .output()
        .context("running mdbook build")?;
    let ok = output.status.success();
    Ok(Attempt {
        built: ok.then(|| Built {
            _dir: dir,
            out: out.join("html"),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }),
        output,
    })
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    for e in walkdir::WalkDir::new(from) {
        let e = e?;
        let rel = e.path().strip_prefix(from)?;
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest)?;
        } else {
            std::fs::copy(e.path(), &dest)
                .with_context(|| format!("copying {}", e.path().display()))?;
        }
    }
    Ok(())
}

/// Append `text` to a file of a book copy; returns the 1-based line on which `text` starts, so a
/// test can predict the `file:line` of an error in it (line k of `text` is the result + k − 1).
pub fn append(copy: &Path, rel: &str, text: &str) -> Result<usize> {
    let p = copy.join(rel);
    let mut s = std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
    let first_line = s.matches('\n').count() + 1;
    s.push_str(text);
    std::fs::write(&p, s)?;
    Ok(first_line)
}
