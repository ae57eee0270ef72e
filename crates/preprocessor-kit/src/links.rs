//! Cross-references written as Markdown links to an anchor: `[](#ex-id)`, `[这道题](#rt-id)`.
//!
//! An empty link text becomes the target's label (「练习 3.4」); a non-empty one is kept. The
//! destination becomes a relative link to the page that holds the target.

use std::ops::Range;
use std::path::Path;

use crate::chapters::relative_link;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::scan::{LinkSpan, Scan};
use crate::source::SourceFile;
use crate::splice::Splicer;

/// Links on a page whose destination is exactly `#<prefix>…`, e.g. `#ex-` or `#rt-`.
pub fn anchor_links<'s>(
    scan: &'s Scan,
    prefix: &'s str,
) -> impl Iterator<Item = (&'s LinkSpan, &'s str)> + 's {
    scan.links.iter().filter_map(move |l| {
        let id = l.dest.strip_prefix('#')?;
        id.starts_with(prefix).then_some((l, id))
    })
}

/// A cross-reference target: the page that holds it and its label.
pub struct Target<'a> {
    pub page: &'a Path,
    pub label: String,
}

/// Rewrite every `[…](#<prefix>…)` link on a page. `lookup` gets the full anchor (`ex-foo`);
/// `what` names the kind of target in the error (`exercise`). Links that start inside one of
/// `skip` (directive lines, which hold plain-text titles) are reported instead.
#[allow(clippy::too_many_arguments)]
pub fn resolve_cross_refs<'a>(
    src: &SourceFile<'_>,
    scan: &Scan,
    page: &Path,
    prefix: &str,
    what: &str,
    skip: &[Range<usize>],
    lookup: impl Fn(&str) -> Option<Target<'a>>,
    splicer: &mut Splicer,
    diags: &mut Diagnostics,
) {
    let text = src.text();
    for (link, anchor) in anchor_links(scan, prefix) {
        if skip.iter().any(|l| l.contains(&link.range.start)) {
            diags.push(Diagnostic::at(
                src,
                link.range.start,
                "a directive title holds plain text, inline code and math only (no links)",
            ));
            continue;
        }
        match lookup(anchor) {
            Some(t) => {
                let href = relative_link(page, t.page, "md", Some(anchor));
                let written = &text[link.text.clone()];
                let label = if written.trim().is_empty() {
                    t.label
                } else {
                    written.to_string()
                };
                splicer.replace(link.range.clone(), format!("[{label}]({href})"));
            }
            None => diags.push(Diagnostic::at(
                src,
                link.range.start,
                format!("unknown cross-reference target '#{anchor}' (no {what} has that id)"),
            )),
        }
    }
}

/// Rewrite the relative Markdown links of `text`, written for page `from`, so they work on page
/// `to` (both relative to the book's source root). Used when a generated index page copies text
/// from a chapter page.
pub fn rebase_relative_links(text: &str, from: &Path, to: &Path) -> String {
    let scan = Scan::new(text);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for link in &scan.links {
        let dest = link.dest.as_str();
        if dest.contains("://") || dest.starts_with("mailto:") || dest.starts_with('/') {
            continue;
        }
        let (path, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (dest, None),
        };
        let target = if path.is_empty() {
            from.to_path_buf()
        } else {
            match normalize(&from.parent().unwrap_or(Path::new("")).join(path)) {
                Some(t) => t,
                None => continue,
            }
        };
        let ext = target
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("md")
            .to_string();
        let href = relative_link(to, &target, &ext, anchor);
        out.push_str(&text[pos..link.range.start]);
        out.push_str(&format!("[{}]({href})", &text[link.text.clone()]));
        pos = link.range.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// Resolve `.` and `..` in a relative path; `None` if it climbs above the root.
fn normalize(p: &Path) -> Option<std::path::PathBuf> {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::Normal(s) => parts.push(s),
            std::path::Component::ParentDir => {
                parts.pop()?;
            }
            _ => {}
        }
    }
    Some(parts.iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebasing_links_for_another_page() {
        let t = "见 [练习 1.5](#ex-a)、[1.4 节](1-4.md#x)、[第 3 章](../ch03/index.md) 与 [外链](https://x.org/a)。";
        let r = rebase_relative_links(
            t,
            Path::new("ch01/1-2.md"),
            Path::new("research-threads.md"),
        );
        assert_eq!(
            r,
            "见 [练习 1.5](ch01/1-2.md#ex-a)、[1.4 节](ch01/1-4.md#x)、[第 3 章](ch03/index.md) 与 [外链](https://x.org/a)。"
        );
    }
}
