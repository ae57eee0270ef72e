//! Walking the book's chapters in reading order, and what a page's path says about it.

use std::path::{Component, Path};

use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};

/// Visit every chapter that has a file, in reading (SUMMARY) order.
pub fn for_each_page_mut(book: &mut Book, mut f: impl FnMut(&mut Chapter)) {
    fn walk(items: &mut [BookItem], f: &mut dyn FnMut(&mut Chapter)) {
        for item in items {
            if let BookItem::Chapter(ch) = item {
                if ch.path.is_some() {
                    f(ch);
                }
                walk(&mut ch.sub_items, f);
            }
        }
    }
    walk(&mut book.items, &mut f);
}

/// Visit every chapter that has a file, in reading order, read-only.
pub fn for_each_page(book: &Book, mut f: impl FnMut(&Chapter)) {
    fn walk(items: &[BookItem], f: &mut dyn FnMut(&Chapter)) {
        for item in items {
            if let BookItem::Chapter(ch) = item {
                if ch.path.is_some() {
                    f(ch);
                }
                walk(&ch.sub_items, f);
            }
        }
    }
    walk(&book.items, &mut f);
}

/// The path an author sees in an error: the source directory plus the chapter's source path, e.g.
/// `book/ch03/3-2.md`.
pub fn display_path(ctx: &PreprocessorContext, ch: &Chapter) -> String {
    let rel = ch.source_path.as_ref().or(ch.path.as_ref());
    let src = &ctx.config.book.src;
    match rel {
        Some(p) => slash_path(&src.join(p)),
        None => ch.name.clone(),
    }
}

/// The chapter a page belongs to, from its folder: `ch03/…` → `3`, `appendix-a/…` → `A`.
pub fn chapter_label(path: &Path) -> Option<String> {
    let first = path.components().next()?;
    let Component::Normal(dir) = first else {
        return None;
    };
    let dir = dir.to_str()?;
    if path.components().count() < 2 {
        return None;
    }
    if let Some(n) = dir.strip_prefix("ch") {
        let n: u32 = n.parse().ok()?;
        return Some(n.to_string());
    }
    let letter = dir.strip_prefix("appendix-")?;
    (letter.len() == 1 && letter.chars().all(|c| c.is_ascii_alphabetic()))
        .then(|| letter.to_ascii_uppercase())
}

/// A chapter's folder (`ch03`) from one of its pages.
pub fn chapter_dir(path: &Path) -> Option<String> {
    chapter_label(path)?;
    path.components()
        .next()
        .and_then(|c| c.as_os_str().to_str())
        .map(str::to_string)
}

/// `/`-separated form of a relative path (the book's links always use `/`).
pub fn slash_path(p: &Path) -> String {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str().map(str::to_string),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Relative link from page `from` to page `to` (both relative to the book's source root), with the
/// extension replaced by `ext` (`"md"` for Markdown links, `"html"` for raw HTML).
pub fn relative_link(from: &Path, to: &Path, ext: &str, anchor: Option<&str>) -> String {
    let from_dir: Vec<String> = from
        .parent()
        .map(|p| {
            slash_path(p)
                .split('/')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let to_parts: Vec<String> = slash_path(&to.with_extension(ext))
        .split('/')
        .map(String::from)
        .collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".into(); from_dir.len() - common];
    parts.extend(to_parts[common..].iter().cloned());
    let mut href = if from == to {
        String::new()
    } else {
        parts.join("/")
    };
    if let Some(a) = anchor {
        href.push('#');
        href.push_str(a);
    }
    href
}

/// Byte range of the line holding `marker` (a generated-page placeholder comment), if present.
pub fn find_marker(content: &str, marker: &str) -> Option<std::ops::Range<usize>> {
    let at = content.find(marker)?;
    Some(at..at + marker.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_from_folders() {
        assert_eq!(
            chapter_label(Path::new("ch03/3-2.md")).as_deref(),
            Some("3")
        );
        assert_eq!(
            chapter_label(Path::new("ch14/index.md")).as_deref(),
            Some("14")
        );
        assert_eq!(
            chapter_label(Path::new("appendix-b/b-1.md")).as_deref(),
            Some("B")
        );
        assert_eq!(chapter_label(Path::new("preface.md")), None);
        assert_eq!(chapter_label(Path::new("chx/a.md")), None);
    }

    #[test]
    fn relative_links() {
        let l = |a: &str, b: &str| relative_link(Path::new(a), Path::new(b), "html", Some("ex-a"));
        assert_eq!(l("ch01/1-1.md", "ch03/3-2.md"), "../ch03/3-2.html#ex-a");
        assert_eq!(l("exercises.md", "ch03/3-2.md"), "ch03/3-2.html#ex-a");
        assert_eq!(l("ch03/3-1.md", "ch03/3-2.md"), "3-2.html#ex-a");
        assert_eq!(l("ch03/3-2.md", "ch03/3-2.md"), "#ex-a");
        assert_eq!(l("ch03/3-2.md", "references.md"), "../references.html#ex-a");
    }
}
