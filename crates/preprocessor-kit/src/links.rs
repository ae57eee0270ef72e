//! Cross-references written as empty-or-not Markdown links to an anchor: `[](#ex-id)`.

use crate::scan::{LinkSpan, Scan};

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
