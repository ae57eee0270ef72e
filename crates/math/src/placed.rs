//! Placeholders: mdBook never sees KaTeX's HTML.
//!
//! KaTeX's HTML is 20–50 times the size of the TeX it comes from. Spliced into the Markdown, it
//! is what mdBook's HTML renderer and every later reader of the pages spend their time on (on a
//! book of the planned size, a build costs 50 times plain mdBook). So, when the book has the
//! `[output.typeset]` renderer, the preprocessor still renders (and checks) every formula but puts
//! a small placeholder into the Markdown:
//!
//! ```text
//! <span class="math-tex" data-math="3f2a…-17">$\bx_t$</span>
//! ```
//!
//! Its text is the formula's source, delimiters included, made Markdown-safe like KaTeX's output
//! (so a search index reading the pages sees the TeX); `data-math` is the build's id and the index
//! of the formula's HTML in the side file `<cache-dir>/placed.bin`, which the preprocessor writes.
//! The `typeset` renderer (`mdbook-typeset`), which mdBook runs after `html` and `search-zh`
//! (renderers run in name order), replaces every placeholder in the written pages by that HTML.
//! The build id is a hash of the side file's content: a page from another build is an error, never
//! another formula's HTML.

use std::fs;
use std::hash::{Hash, Hasher};
use std::path::Path;

use anyhow::{Context, Result, bail};

const MAGIC: &[u8] = b"mdbook-math placed\n";

/// The opening of every placeholder, up to the value of `data-math`.
pub const OPEN: &str = "<span class=\"math-tex\" data-math=\"";
/// The class a placeholder has; the pages' readers (search-zh) look for it.
pub const CLASS: &str = "math-tex";
const CLOSE: &str = "</span>";

/// The HTML of the formulas of one build, in first-use order, and the placeholders pointing to it.
#[derive(Debug, Default)]
pub struct Placed {
    pub html: Vec<String>,
}

impl Placed {
    /// This build's id: a hash of every formula's HTML, so the same book gives the same pages.
    pub fn id(&self) -> String {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.html.hash(&mut h);
        format!("{:016x}", h.finish())
    }

    /// Write the side file atomically, unless the file there already holds this content (same
    /// build id): on a warm build it is tens of megabytes that would be written for nothing.
    pub fn save(&self, path: &Path) -> Result<()> {
        let id = self.id();
        if stored_id(path).is_some_and(|old| old == id) {
            return Ok(());
        }
        let mut out = Vec::with_capacity(self.html.iter().map(|h| h.len() + 8).sum::<usize>() + 64);
        out.extend_from_slice(MAGIC);
        put(&mut out, id.as_bytes());
        out.extend_from_slice(&(self.html.len() as u64).to_le_bytes());
        for h in &self.html {
            put(&mut out, h.as_bytes());
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        fs::write(&tmp, &out).with_context(|| format!("writing {}", tmp.display()))?;
        fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))?;
        Ok(())
    }

    /// Read only the length of each formula's HTML from a side file (what a page's size needs).
    pub fn load_lengths(path: &Path) -> Result<Vec<usize>> {
        let bytes = fs::read(path).with_context(|| {
            format!(
                "reading {} (written by the math preprocessor of this build)",
                path.display()
            )
        })?;
        let lengths = || -> Result<Vec<usize>> {
            let mut r = Reader(bytes.strip_prefix(MAGIC).context("not a math side file")?);
            r.string()?;
            let n = usize::try_from(r.u64()?)?;
            let mut out = Vec::with_capacity(n.min(r.0.len() / 8));
            for _ in 0..n {
                let len = usize::try_from(r.u64()?)?;
                r.take(len)?;
                out.push(len);
            }
            if !r.0.is_empty() {
                bail!("trailing bytes");
            }
            Ok(out)
        };
        lengths().with_context(|| format!("{}: damaged math side file", path.display()))
    }

    /// Read a side file: (build id, HTML of each formula).
    pub fn load(path: &Path) -> Result<(String, Vec<String>)> {
        let bytes = fs::read(path).with_context(|| {
            format!(
                "reading {} (written by the math preprocessor of this build)",
                path.display()
            )
        })?;
        decode(&bytes).with_context(|| format!("{}: damaged math side file", path.display()))
    }
}

/// The build id in the header of the side file at `path`, reading only the header.
fn stored_id(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut head = vec![0u8; MAGIC.len() + 8 + 64];
    let mut f = fs::File::open(path).ok()?;
    let mut got = 0;
    while got < head.len() {
        match f.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(_) => return None,
        }
    }
    let mut r = Reader(head[..got].strip_prefix(MAGIC)?);
    r.string().ok()
}

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn decode(bytes: &[u8]) -> Result<(String, Vec<String>)> {
    let mut r = Reader(bytes.strip_prefix(MAGIC).context("not a math side file")?);
    let id = r.string()?;
    let n = usize::try_from(r.u64()?)?;
    let mut html = Vec::with_capacity(n.min(r.0.len() / 8));
    for _ in 0..n {
        html.push(r.string()?);
    }
    if !r.0.is_empty() {
        bail!("trailing bytes");
    }
    Ok((id, html))
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8]> {
        if n > self.0.len() {
            bail!("truncated");
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }

    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into()?))
    }

    fn string(&mut self) -> Result<String> {
        let n = usize::try_from(self.u64()?)?;
        Ok(std::str::from_utf8(self.take(n)?)?.to_string())
    }
}

/// The placeholder for formula `index` of build `id`: `source` is the formula as the author wrote
/// it (delimiters included, container prefixes removed), `prefixes` as in
/// [`crate::markup::to_markdown_safe`].
pub fn placeholder(id: &str, index: usize, source: &str, prefixes: &[&str]) -> Result<String> {
    let mut escaped = String::with_capacity(source.len() + 16);
    for c in source.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            c => escaped.push(c),
        }
    }
    let text = crate::markup::to_markdown_safe(&escaped, prefixes)?;
    Ok(format!("{OPEN}{id}-{index}\">{text}{CLOSE}"))
}

/// The length `page` will have once [`substitute`] has put each formula's HTML in (a page's size
/// as readers get it). Placeholders are counted as [`substitute`] reads them; a malformed one
/// counts as it is (substitution will fail on it with the reason).
pub fn expanded_len(page: &str, lengths: &[usize]) -> usize {
    let mut len = page.len();
    let mut rest = page;
    while let Some(at) = rest.find(OPEN) {
        let tail = &rest[at + OPEN.len()..];
        let Some(quote) = tail.find('"') else {
            break;
        };
        let Some(end) = tail[quote..].find(CLOSE) else {
            break;
        };
        let placeholder = OPEN.len() + quote + end + CLOSE.len();
        let formula = tail[..quote]
            .rsplit_once('-')
            .and_then(|(_, i)| i.parse::<usize>().ok())
            .and_then(|i| lengths.get(i));
        if let Some(formula) = formula {
            len = len - placeholder + formula;
        }
        rest = &tail[quote + end + CLOSE.len()..];
    }
    len
}

/// Replace every placeholder of `page` by its formula's HTML. `None` when the page has none.
/// Fails on a placeholder of another build or one that is not closed.
pub fn substitute(page: &str, id: &str, html: &[String]) -> Result<Option<String>> {
    let mut out = String::new();
    let found = walk(page, id, html.len(), |piece| match piece {
        Piece::Text(t) => {
            if out.is_empty() {
                out.reserve(page.len() * 8);
            }
            out.push_str(t)
        }
        Piece::Formula(i) => out.push_str(&html[i]),
    })?;
    Ok(found.then_some(out))
}

/// A piece of a page as [`walk`] hands it out: text outside placeholders, or formula `i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Formula(usize),
}

/// Hand `f` the pieces of `page` in order (the text between placeholders, and the index of each
/// placeholder's formula, checked to be below `formulas`), as [`substitute`] assembles them; false
/// (and no call) when the page has no placeholder. Fails as [`substitute`] does.
pub fn walk(page: &str, id: &str, formulas: usize, mut f: impl FnMut(Piece<'_>)) -> Result<bool> {
    let Some(first) = page.find(OPEN) else {
        return Ok(false);
    };
    let mut rest = page;
    let mut at = first;
    loop {
        f(Piece::Text(&rest[..at]));
        let tail = &rest[at + OPEN.len()..];
        let Some(quote) = tail.find('"') else {
            bail!("a math placeholder without its closing quote");
        };
        let value = &tail[..quote];
        let Some((build, index)) = value.rsplit_once('-') else {
            bail!("math placeholder '{value}' has no index");
        };
        if build != id {
            bail!(
                "math placeholder of build {build}, but the side file is of build {id}: the \
                 pages and the math preprocessor's output come from different builds (was the \
                 book built twice at once?)"
            );
        }
        let formula = index
            .parse::<usize>()
            .ok()
            .filter(|&i| i < formulas)
            .with_context(|| format!("math placeholder '{value}' points past the side file"))?;
        let Some(end) = tail[quote..].find(CLOSE) else {
            bail!("math placeholder '{value}' is not closed");
        };
        f(Piece::Formula(formula));
        rest = &tail[quote + end + CLOSE.len()..];
        match rest.find(OPEN) {
            Some(next) => at = next,
            None => {
                f(Piece::Text(rest));
                return Ok(true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_round_trip_through_the_side_file() {
        let placed = Placed {
            html: vec!["<b>x</b>".into(), "<i>y</i>".into()],
        };
        let dir = std::env::temp_dir().join(format!("math-placed-{}", std::process::id()));
        let file = dir.join("placed.bin");
        placed.save(&file).unwrap();
        let (id, html) = Placed::load(&file).unwrap();
        assert_eq!(id, placed.id());
        assert_eq!(html, placed.html);
        let page = format!(
            "<p>a {} b {}</p>",
            placeholder(&id, 1, "$y$", &[]).unwrap(),
            placeholder(&id, 0, "$$\nx<1\n$$", &["> ", "> "]).unwrap()
        );
        assert!(
            page.contains("&#36;&#36;\n> x&lt;1\n> &#36;&#36;"),
            "{page}"
        );
        assert_eq!(
            substitute(&page, &id, &html).unwrap().unwrap(),
            "<p>a <i>y</i> b <b>x</b></p>"
        );
        assert!(substitute("<p>none</p>", &id, &html).unwrap().is_none());
        let lengths = Placed::load_lengths(&file).unwrap();
        assert_eq!(lengths, vec![8, 8]);
        assert_eq!(
            expanded_len(&page, &lengths),
            substitute(&page, &id, &html).unwrap().unwrap().len()
        );
        assert_eq!(expanded_len("<p>none</p>", &lengths), 11);
        let other = page.replace(&id, "0000000000000000");
        assert!(substitute(&other, &id, &html).is_err());
        fs::write(&file, b"mdbook-math placed\n\x05").unwrap();
        assert!(Placed::load(&file).is_err());
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn an_unchanged_side_file_is_not_rewritten() {
        let dir = std::env::temp_dir().join(format!("math-placed-same-{}", std::process::id()));
        let file = dir.join("placed.bin");
        let a = Placed {
            html: vec!["<b>x</b>".into()],
        };
        a.save(&file).unwrap();
        // Same content: the file is left alone (a marker appended after it survives) …
        let mut bytes = fs::read(&file).unwrap();
        bytes.extend_from_slice(b"marker");
        fs::write(&file, &bytes).unwrap();
        a.save(&file).unwrap();
        assert!(fs::read(&file).unwrap().ends_with(b"marker"));
        // … other content replaces it.
        let b = Placed {
            html: vec!["<i>y</i>".into()],
        };
        b.save(&file).unwrap();
        assert_eq!(Placed::load(&file).unwrap(), (b.id(), b.html.clone()));
        let _ = fs::remove_dir_all(dir);
    }
}
