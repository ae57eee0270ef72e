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
