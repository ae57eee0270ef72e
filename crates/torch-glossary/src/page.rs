//! One page: find the PyTorch names in its inline code, check them, and plan the links.

use std::ops::Range;

use preprocessor_kit::scan::Scan;
use preprocessor_kit::splice::Splicer;
use preprocessor_kit::{Diagnostic, Diagnostics, SourceFile};

use crate::api::ApiList;
use crate::glossary::{Glossary, quoted_list};
use crate::index::{self, MARKER};
use crate::names::{self, Code, Found};
use crate::suggest;

/// What one page holds, before anything is changed.
#[derive(Debug, Default)]
pub struct Page {
    /// Links to insert (every edit keeps the text's line count).
    pub splicer: Splicer,
    /// Canonical names the page uses, in order (with repeats).
    pub used: Vec<String>,
    pub diags: Diagnostics,
    /// Index markers on the page (each alone on its line, outside code).
    pub markers: Vec<Range<usize>>,
}

/// Read a page. A mention in prose is wrapped in a link; every name anywhere outside code blocks
/// (prose, headings, links, raw HTML `<code>`) must be in the glossary.
pub fn link_page(display: &str, text: &str, glossary: &Glossary, api: &ApiList<'_>) -> Page {
    let src = SourceFile::new(display, text);
    let scan = Scan::new(text);
    let mut page = Page::default();
    for span in &scan.code_spans {
        let code = &text[span.inner.clone()];
        let linkable = !span.in_heading && !span.in_link;
        match names::classify(code) {
            Code::Mention(found) => {
                let entry = check(
                    &mut page,
                    &src,
                    span.inner.start,
                    code,
                    &found,
                    glossary,
                    api,
                );
                if let Some(entry) = entry.filter(|_| linkable) {
                    // Keep the author's code span: Markdown renders it (escaping, line breaks, list
                    // and quote prefixes) and later preprocessors still see code there.
                    page.splicer.replace(
                        span.range.clone(),
                        format!(
                            "{}{}</a>",
                            index::open_tag(&entry.url, &entry.desc),
                            &text[span.range.clone()]
                        ),
                    );
                }
            }
            Code::Expression(found) => {
                for f in &found {
                    check(&mut page, &src, span.inner.start, code, f, glossary, api);
                }
            }
            Code::Nothing => {}
        }
    }
    for inner in raw_code_elements(text, &scan) {
        let code = &text[inner.clone()];
        let found = match names::classify(code) {
            Code::Mention(f) => vec![f],
            Code::Expression(v) => v,
            Code::Nothing => Vec::new(),
        };
        for f in &found {
            check(&mut page, &src, inner.start, code, f, glossary, api);
        }
    }
    page.markers = markers(text, &scan);
    page
}

/// Check one name; record its use. Returns its glossary entry when known.
fn check<'g>(
    page: &mut Page,
    src: &SourceFile<'_>,
    code_start: usize,
    code: &str,
    found: &Found,
    glossary: &'g Glossary,
    api: &ApiList<'_>,
) -> Option<&'g crate::glossary::Entry> {
    match glossary.get(&found.canonical) {
        Some(entry) => {
            page.used.push(found.canonical.clone());
            Some(entry)
        }
        // Its entry is wrong and already reported at the glossary's line.
        None if glossary.rejected.contains(&found.canonical) => None,
        None => {
            let written = &code[found.range.clone()];
            page.diags.push(unknown(
                src,
                code_start + found.range.start,
                written,
                &found.canonical,
                glossary,
                api,
            ));
            None
        }
    }
}

/// The error for a name that is not in the glossary, with the closest known names.
fn unknown(
    src: &SourceFile<'_>,
    offset: usize,
    written: &str,
    canonical: &str,
    glossary: &Glossary,
    api: &ApiList<'_>,
) -> Diagnostic {
    let shown = if written == canonical {
        format!("`{written}`")
    } else {
        format!("`{written}` (`{canonical}`)")
    };
    let path = if glossary.display_path.is_empty() {
        "the glossary"
    } else {
        glossary.display_path.as_str()
    };
    if api.contains(canonical) {
        return Diagnostic::at(src, offset, format!("PyTorch API {shown} is not in {path}")).note(
            format!(
                "it is public PyTorch API: add [\"{canonical}\"] with a one-line desc to {path}"
            ),
        );
    }
    let mut close = suggest::closest(canonical, glossary.names(), 3);
    for name in suggest::closest(canonical, api.names(), 3) {
        if close.len() < 4 && !close.contains(&name) {
            close.push(name);
        }
    }
    let d = Diagnostic::at(
        src,
        offset,
        format!(
            "unknown PyTorch API {shown}: not in {path} and not public PyTorch API ({})",
            api.version()
        ),
    );
    if close.is_empty() {
        d
    } else {
        d.note(format!("did you mean {}?", quoted_list(&close)))
    }
}

/// Inner ranges of raw HTML `<code>…</code>` elements outside code blocks and code spans (an
/// exercise title rendered by the `exercises` preprocessor, or HTML an author wrote).
fn raw_code_elements(text: &str, scan: &Scan) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = text[from..].find("<code") {
        let at = from + p;
        from = at + 5;
        let next = text.as_bytes().get(at + 5).copied();
        if !matches!(next, Some(b'>') | Some(b' ') | Some(b'\t') | Some(b'\n')) {
            continue;
        }
        if !scan.is_protected(at) || scan.in_code_block(at) || in_code_span(scan, at) {
            continue;
        }
        let Some(gt) = text[at..].find('>') else {
            break;
        };
        let start = at + gt + 1;
        let Some(len) = text[start..].find("</code>") else {
            break;
        };
        out.push(start..start + len);
        from = start + len;
    }
    out
}

fn in_code_span(scan: &Scan, offset: usize) -> bool {
    let i = scan.code_spans.partition_point(|c| c.range.end <= offset);
    scan.code_spans
        .get(i)
        .is_some_and(|c| c.range.start <= offset)
}

/// Byte ranges of index markers that stand alone on their line, outside code blocks.
fn markers(text: &str, scan: &Scan) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed == MARKER {
            let at = line_start + (line.len() - line.trim_start().len());
            if !scan.in_code_block(at) {
                out.push(at..at + MARKER.len());
            }
        }
        line_start += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glossary() -> (Glossary, ApiList<'static>) {
        let api = ApiList::embedded().unwrap();
        let (g, d) = Glossary::parse(
            "book/glossary/pytorch.toml",
            "[\"torch.randn_like\"]\ndesc = \"标准正态 \\\"随机\\\" | 张量\"\n\
             [\"torch.nn.GroupNorm\"]\ndesc = \"组归一化\"\n\
             [\"torch.nn.functional.mse_loss\"]\ndesc = \"均方误差\"\n\
             [\"torch.Tensor.clamp_\"]\ndesc = \"原地截断\"\n",
            &api,
        );
        assert!(d.is_empty(), "{d}");
        (g, api)
    }

    fn run(text: &str) -> (String, Vec<String>, Vec<String>) {
        let (g, api) = glossary();
        let page = link_page("book/ch01/1-4.md", text, &g, &api);
        let out = page.splicer.apply(text).unwrap();
        assert_eq!(out.lines().count(), text.lines().count());
        let diags = page.diags.items.iter().map(ToString::to_string).collect();
        (out, page.used, diags)
    }

    const RANDN: &str = "<a class=\"torch-api\" \
        href=\"https://docs.pytorch.org/docs/stable/generated/torch.randn_like.html\" \
        title=\"标准正态 &quot;随机&quot; &#124; 张量\">";

    #[test]
    fn prose_mentions_become_links() {
        let (out, used, d) = run("用 `torch.randn_like(x)` 采样,再用 `nn.GroupNorm`。\n");
        assert!(d.is_empty(), "{d:?}");
        assert!(
            out.starts_with(&format!("用 {RANDN}`torch.randn_like(x)`</a> 采样")),
            "{out}"
        );
        assert!(out.contains(
            "<a class=\"torch-api\" href=\"https://docs.pytorch.org/docs/stable/generated/torch.nn.GroupNorm.html\" \
             title=\"组归一化\">`nn.GroupNorm`</a>"
        ));
        assert_eq!(used, vec!["torch.randn_like", "torch.nn.GroupNorm"]);
    }

    #[test]
    fn code_blocks_headings_and_links_are_not_linked() {
        let text = "# 用 `torch.randn_like`\n\n```python\ntorch.randn_like(x)\n```\n\n\
                    $`torch.randn_like`$ 与 [`F.mse_loss`](https://x) 以及 `torch.Tensor.clamp_()`\n\n    \
                    `torch.randn_like` indented code\n";
        let (out, used, d) = run(text);
        assert!(d.is_empty(), "{d:?}");
        // Heading and Markdown link: checked and counted, not linked; code block: ignored.
        assert!(out.starts_with("# 用 `torch.randn_like`\n"));
        assert!(out.contains("[`F.mse_loss`](https://x)"));
        assert!(out.contains("```python\ntorch.randn_like(x)\n```"));
        assert!(out.contains("    `torch.randn_like` indented code"));
        assert!(out.contains("title=\"原地截断\">`torch.Tensor.clamp_()`</a>"));
        assert_eq!(out.matches("class=\"torch-api\"").count(), 2, "{out}");
        assert!(used.contains(&"torch.nn.functional.mse_loss".to_string()));
    }

    #[test]
    fn mentions_inside_exercise_html_are_linked() {
        // What the exercises preprocessor leaves: Markdown between raw HTML lines.
        let text = "<section class=\"exercise\" id=\"ex-a\" data-kind=\"theory\" data-difficulty=\"2\">\n\
                    <h4 class=\"exercise-title\">练习 1.1 <code>torch.randn_like</code></h4>\n\n\
                    题目:用 `torch.randn_like` 采样。\n\n\
                    <details class=\"answer\"><summary>参考答案</summary>\n\n\
                    答案:`F.mse_loss(pred, eps)`。\n\n\
                    </details>\n</section>\n";
        let (out, used, d) = run(text);
        assert!(d.is_empty(), "{d:?}");
        assert!(out.contains(&format!("题目:用 {RANDN}`torch.randn_like`</a> 采样")));
        assert!(out.contains("title=\"均方误差\">`F.mse_loss(pred, eps)`</a>"));
        // The title (a heading) is checked and counted but not linked.
        assert!(
            out.contains(
                "<h4 class=\"exercise-title\">练习 1.1 <code>torch.randn_like</code></h4>"
            )
        );
        assert_eq!(used.len(), 3);
    }

    #[test]
    fn multi_line_spans_keep_their_lines() {
        let text = "> 见 `torch.randn_like(x,\n> generator=g)` 一段\n";
        let (out, _, d) = run(text);
        assert!(d.is_empty(), "{d:?}");
        assert!(out.contains("`torch.randn_like(x,\n> generator=g)`</a>"));
    }

    #[test]
    fn unknown_names_fail_with_position_and_suggestion() {
        let (_, _, d) = run("第一行\n\n用 `torch.randn_lik(x)` 与 `torch.diffuse`。\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(
            d[0].starts_with(
                "book/ch01/1-4.md:3:4: unknown PyTorch API `torch.randn_lik`: not in book/glossary/pytorch.toml"
            ),
            "{d:?}"
        );
        assert!(d[0].contains("did you mean `torch.randn_like`"), "{d:?}");
        assert!(
            d[1].starts_with("book/ch01/1-4.md:3:27: unknown PyTorch API `torch.diffuse`"),
            "{d:?}"
        );
        assert!(d[1].contains("did you mean"), "{d:?}");
        assert!(d[1].contains("`torch.diff`"), "{d:?}");
    }

    #[test]
    fn public_names_missing_from_the_glossary_say_so() {
        let (_, _, d) = run("`F.silu` 和 `x.to(torch.cumprod)`\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].starts_with(
            "book/ch01/1-4.md:1:2: PyTorch API `F.silu` (`torch.nn.functional.silu`) is not in book/glossary/pytorch.toml"
        ), "{d:?}");
        assert!(d[0].contains("add [\"torch.nn.functional.silu\"]"), "{d:?}");
        assert!(d[1].starts_with("book/ch01/1-4.md:1:18:"), "{d:?}");
    }

    #[test]
    fn names_in_headings_links_and_raw_html_are_checked() {
        let (_, _, d) =
            run("## `torch.diffuse`\n\n[`nn.Diffuse`](x)\n\n<p><code>torch.fake()</code></p>\n");
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(d[2].starts_with("book/ch01/1-4.md:5:10:"), "{d:?}");
    }

    #[test]
    fn names_of_rejected_entries_are_reported_once_at_the_glossary() {
        let api = ApiList::embedded().unwrap();
        let (g, d) = Glossary::parse(
            "g.toml",
            "[\"torch.exp\"]\ndesc = \"指数\"\nurl = \"ftp://x\"\n",
            &api,
        );
        assert_eq!(d.len(), 1);
        let page = link_page("a.md", "`torch.exp`\n", &g, &api);
        assert!(page.diags.is_empty());
        assert!(page.splicer.is_empty());
    }

    #[test]
    fn expressions_are_checked_not_linked() {
        let (out, used, d) = run("`torch.randn_like(x) * 2`\n");
        assert!(d.is_empty());
        assert!(!out.contains("<a"));
        assert_eq!(used, vec!["torch.randn_like"]);
    }

    #[test]
    fn markers_alone_on_a_line_outside_code() {
        let text = "# 索引\n\n<!-- generated: torch-api-index -->\n\n```\n<!-- generated: torch-api-index -->\n```\n\
                    `<!-- generated: torch-api-index -->`\n";
        let (g, api) = glossary();
        let page = link_page("book/pytorch-api.md", text, &g, &api);
        let at = text.find(MARKER).unwrap();
        assert_eq!(page.markers, vec![at..at + MARKER.len()]);
    }

    #[test]
    fn non_torch_code_is_left_alone() {
        let (out, used, d) = run("`minidiff.nn.Linear` `numpy.exp` `torch` `x_t`\n");
        assert_eq!(out, "`minidiff.nn.Linear` `numpy.exp` `torch` `x_t`\n");
        assert!(used.is_empty() && d.is_empty());
    }
}
