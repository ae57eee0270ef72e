//! Pass 1: find, validate and number every figure, table, algorithm box and labelled equation in
//! reading order, and plan what pass 2 splices into each page.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;
use preprocessor_kit::attrs::Attrs;
use preprocessor_kit::directive::Block;
use preprocessor_kit::pages::{Numbered, ParsedPage, parse_pages};
use preprocessor_kit::scan::Scan;
use preprocessor_kit::{Diagnostic, Diagnostics, SourceFile};

use crate::Kind;
use crate::handwritten;

/// One numbered thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: String,
    pub kind: Kind,
    /// `3` or `A`.
    pub chapter: String,
    pub number: usize,
    /// The page, relative to the book's source root.
    pub page: PathBuf,
}

impl Target {
    pub fn label(&self) -> String {
        self.kind.label(&self.chapter, self.number)
    }
}

/// Every valid target of the book, numbered per chapter and kind.
#[derive(Debug, Default)]
pub struct Registry {
    by_kind: HashMap<Kind, Numbered<Target>>,
}

impl Registry {
    /// The target with this full id (`fig-vlb-terms`).
    pub fn get(&self, id: &str) -> Option<&Target> {
        let kind = Kind::ALL.into_iter().find(|k| id.starts_with(k.prefix()))?;
        self.by_kind.get(&kind)?.get(id)
    }

    /// Every target of one kind, in reading order.
    pub fn all(&self, kind: Kind) -> &[Target] {
        self.by_kind.get(&kind).map_or(&[], |n| n.items.as_slice())
    }

    fn add(&mut self, t: Target, location: String) -> Result<usize, String> {
        let id = t.id.clone();
        let kind = t.kind;
        let chapter = t.chapter.clone();
        let numbered = self.by_kind.entry(kind).or_default();
        let mut number = 0;
        numbered.add(&id, &chapter, location, |n| {
            number = n;
            Target { number: n, ..t }
        })?;
        Ok(number)
    }
}

/// What pass 2 does on a page, one entry per valid target.
#[derive(Debug, Clone)]
pub enum Item {
    Figure {
        id: String,
        indent: String,
        open_line: Range<usize>,
        close_line: Range<usize>,
        /// The `![alt](src)` line, without its newline.
        image_line: Range<usize>,
        alt: String,
        src: String,
        interactive: Option<String>,
        /// The empty line between the image and the caption.
        blank_line: Range<usize>,
        /// Where the caption's text starts.
        caption_start: usize,
    },
    /// A table or an algorithm box: a titled frame around Markdown.
    Boxed {
        kind: Kind,
        id: String,
        indent: String,
        open_line: Range<usize>,
        close_line: Range<usize>,
        title: String,
    },
    Equation {
        id: String,
        /// Where the formula's opening `$$` starts and its closing `$$` starts.
        open: usize,
        close: usize,
        /// The ` {#eq-…}` after the formula, leading spaces included.
        label: Range<usize>,
    },
}

/// Read every page in reading order: the registry, each page's parse and plan, the problems found.
pub fn collect(
    ctx: &PreprocessorContext,
    book: &Book,
) -> (Registry, Vec<ParsedPage>, Vec<Vec<Item>>, Diagnostics) {
    let (pages, _) = parse_pages(ctx, book);
    let mut reg = Registry::default();
    let mut diags = Diagnostics::new();
    let mut plans = Vec::new();
    for page in &pages {
        let mut items = Vec::new();
        {
            let src = page.source();
            handwritten::check(&src, &page.scan, &mut diags);
            let mut blocks = Vec::new();
            for b in &page.blocks {
                blocks.push(b);
                blocks.extend(b.descendants());
            }
            for b in blocks {
                let Some(kind) = Kind::from_directive(&b.name) else {
                    continue;
                };
                if let Some((item, id)) = block_item(kind, b, &src, &page.scan, &mut diags)
                    && register(
                        &mut reg,
                        page,
                        &src,
                        kind,
                        id,
                        b.open_line.start,
                        &mut diags,
                    )
                {
                    items.push(item);
                }
            }
            for (item, id, at) in equations(&src, &page.scan, &mut diags) {
                if register(&mut reg, page, &src, Kind::Equation, id, at, &mut diags) {
                    items.push(item);
                }
            }
        }
        plans.push(items);
    }
    (reg, pages, plans, diags)
}

/// Number a valid target; false (with the problem reported) when it cannot be numbered.
fn register(
    reg: &mut Registry,
    page: &ParsedPage,
    src: &SourceFile<'_>,
    kind: Kind,
    id: String,
    at: usize,
    diags: &mut Diagnostics,
) -> bool {
    let Some(chapter) = &page.chapter else {
        diags.push(Diagnostic::at(
            src,
            at,
            format!(
                "numbered {}s belong in a chapter folder (chNN/ or appendix-x/)",
                kind.en()
            ),
        ));
        return false;
    };
    let (line, _) = src.line_col(at);
    let location = format!("{}:{line}", src.display_path());
    let target = Target {
        id: id.clone(),
        kind,
        chapter: chapter.clone(),
        number: 0,
        page: page.path.clone(),
    };
    match reg.add(target, location) {
        Ok(_) => true,
        Err(first) => {
            diags.push(
                Diagnostic::at(src, at, format!("duplicate {} id '#{id}'", kind.en()))
                    .note(format!("first used at {first}")),
            );
            false
        }
    }
}

/// Check an id's prefix; the attribute parser already checked its characters.
fn checked_id(
    kind: Kind,
    attrs: &Attrs,
    at: &dyn Fn(String) -> Diagnostic,
) -> Result<String, Diagnostic> {
    let Some(id) = &attrs.id else {
        return Err(at(format!(
            "{} without an id (write '{{#{}some-name}}')",
            kind.en(),
            kind.prefix()
        )));
    };
    if id == kind.prefix().trim_end_matches('-')
        || id.len() == kind.prefix().len() && id.starts_with(kind.prefix())
    {
        return Err(at(format!(
            "{} id '#{id}' needs a name after '{}'",
            kind.en(),
            kind.prefix()
        )));
    }
    if !id.starts_with(kind.prefix()) {
        return Err(at(format!(
            "{} id '#{id}' must start with '{}' (e.g. '#{}{}')",
            kind.en(),
            kind.prefix(),
            kind.prefix(),
            id.trim_start_matches(kind.prefix())
        )));
    }
    Ok(id.clone())
}

fn block_item(
    kind: Kind,
    b: &Block,
    src: &SourceFile<'_>,
    scan: &Scan,
    diags: &mut Diagnostics,
) -> Option<(Item, String)> {
    let at = |m: String| Diagnostic::at(src, b.open_line.start, m);
    let before = diags.len();
    let id = checked_id(kind, &b.attrs, &at)
        .map_err(|d| diags.push(d))
        .ok();
    if !b.attrs.classes.is_empty() {
        diags.push(at(format!("a {} takes no classes", kind.en())));
    }
    let allowed: &[&str] = if kind == Kind::Figure {
        &["interactive"]
    } else {
        &[]
    };
    for (k, _) in &b.attrs.pairs {
        if !allowed.contains(&k.as_str()) {
            let known = if allowed.is_empty() {
                "none".to_string()
            } else {
                allowed.join(", ")
            };
            diags.push(
                at(format!("unknown {} attribute '{k}'", kind.en()))
                    .note(format!("known: {known}")),
            );
        }
    }
    if let Some(c) = b.children.first() {
        diags.push(Diagnostic::at(
            src,
            c.open_line.start,
            format!("'::: {}' cannot be nested inside '::: {}'", c.name, b.name),
        ));
    }
    let text = src.text();
    let body = b.body();
    let item = match kind {
        Kind::Figure => {
            if !b.title.is_empty() {
                diags.push(at(
                    "a figure's caption is its body text after the image, not a title on the '::: figure' line".into(),
                ));
            }
            figure(b, id.clone().unwrap_or_default(), src, diags)
        }
        Kind::Table | Kind::Algorithm => {
            if b.title.is_empty() {
                diags.push(at(format!(
                    "{} without a title (write it after the attributes: '::: {} {{#{}…}} 标题')",
                    kind.en(),
                    b.name,
                    kind.prefix()
                )));
            }
            let first = text[body.clone()]
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty());
            match (kind, first) {
                (_, None) => diags.push(at(format!("empty {}", kind.en()))),
                (Kind::Table, Some(l)) if !l.starts_with('|') => diags.push(at(
                    "a table's body is a Markdown table (its first line starts with '|')".into(),
                )),
                (Kind::Algorithm, Some(l)) if !l.starts_with("1.") => diags.push(at(
                    "an algorithm's body is an ordered list of steps ('1. …')".into(),
                )),
                _ => {}
            }
            if kind == Kind::Algorithm
                && let Some(c) = scan
                    .code_blocks
                    .iter()
                    .find(|c| c.start >= body.start && c.start < body.end)
            {
                diags.push(
                    Diagnostic::at(
                        src,
                        c.start,
                        "an algorithm box holds mathematical pseudo-code, not a code block",
                    )
                    .note("write each step as text with $…$ formulas"),
                );
            }
            Some(Item::Boxed {
                kind,
                id: id.clone().unwrap_or_default(),
                indent: b.indent.clone(),
                open_line: b.open_line.clone(),
                close_line: b.close_line.clone(),
                title: b.title.clone(),
            })
        }
        Kind::Equation => None,
    };
    if diags.len() > before {
        return None;
    }
    Some((item?, id?))
}

/// The lines of `range` in `text`, without their newlines.
fn lines(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = range.start;
    while start < range.end {
        let end = text[start..range.end]
            .find('\n')
            .map_or(range.end, |p| start + p);
        out.push(start..end);
        start = end + 1;
    }
    out
}

fn figure(b: &Block, id: String, src: &SourceFile<'_>, diags: &mut Diagnostics) -> Option<Item> {
    let text = src.text();
    let at_open = |m: &str| Diagnostic::at(src, b.open_line.start, m.to_string());
    let body = lines(text, b.body());
    let mut rest = body
        .iter()
        .skip_while(|l| text[(*l).clone()].trim().is_empty());
    let Some(image_line) = rest.next().cloned() else {
        diags.push(at_open(
            "empty figure: write the image '![替代文字](路径)', a blank line, then the caption",
        ));
        return None;
    };
    let (alt, img_src) = match parse_image(text[image_line.clone()].trim()) {
        Ok(v) => v,
        Err(m) => {
            diags.push(Diagnostic::at(src, image_line.start, m));
            return None;
        }
    };
    let interactive = b.attrs.get("interactive").map(str::to_string);
    if let Some(name) = &interactive
        && (name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
    {
        diags.push(at_open(&format!(
            "interactive figure name '{name}' must be lowercase letters, digits and '-'"
        )));
    }
    let blank_line = match rest.next() {
        Some(l) if text[l.clone()].trim().is_empty() => l.clone(),
        Some(l) => {
            diags.push(Diagnostic::at(
                src,
                l.start,
                "leave one blank line between a figure's image and its caption",
            ));
            return None;
        }
        None => {
            diags.push(at_open(
                "figure without a caption (write it after the image and a blank line)",
            ));
            return None;
        }
    };
    let Some(caption) = rest.find(|l| !text[(*l).clone()].trim().is_empty()) else {
        diags.push(at_open(
            "figure without a caption (write it after the image and a blank line)",
        ));
        return None;
    };
    let caption_start =
        caption.start + (text[caption.clone()].len() - text[caption.clone()].trim_start().len());
    Some(Item::Figure {
        id,
        indent: b.indent.clone(),
        open_line: b.open_line.clone(),
        close_line: b.close_line.clone(),
        image_line,
        alt,
        src: img_src,
        interactive,
        blank_line,
        caption_start,
    })
}

/// `![alt](src)` or `![alt](src "title")`, alone on its line.
fn parse_image(line: &str) -> Result<(String, String), String> {
    let what = "a figure starts with its image alone on a line: '![替代文字](路径)'";
    let inner = line.strip_prefix("![").ok_or_else(|| what.to_string())?;
    let (alt, rest) = inner.split_once("](").ok_or_else(|| what.to_string())?;
    let target = rest.strip_suffix(')').ok_or_else(|| what.to_string())?;
    let src = target.split_whitespace().next().unwrap_or("");
    if alt.trim().is_empty() {
        return Err("figure without alt text: describe the image in '![…](…)' for readers who cannot see it".into());
    }
    if src.is_empty() {
        return Err("figure image without a path".into());
    }
    Ok((alt.trim().to_string(), src.to_string()))
}

/// Labelled display equations: `$$ … $$ {#eq-…}` with the label ending the line. A label anywhere
/// else is reported.
fn equations(
    src: &SourceFile<'_>,
    scan: &Scan,
    diags: &mut Diagnostics,
) -> Vec<(Item, String, usize)> {
    let text = src.text();
    let mut out = Vec::new();
    let mut used: Vec<usize> = Vec::new();
    for m in &scan.math {
        let line_end = text[m.range.end..]
            .find('\n')
            .map_or(text.len(), |p| m.range.end + p);
        let after = &text[m.range.end..line_end];
        let trimmed = after.trim_start();
        if !trimmed.starts_with("{#") {
            continue;
        }
        let label_start = m.range.end + (after.len() - trimmed.len());
        used.push(label_start);
        let at = |msg: String| Diagnostic::at(src, label_start, msg);
        if !m.display {
            diags.push(at(
                "an equation label follows display math ('$$ … $$ {#eq-…}'), not inline math"
                    .into(),
            ));
            continue;
        }
        let Some(close) = trimmed.find('}') else {
            diags.push(at("unclosed equation label (write '{#eq-name}')".into()));
            continue;
        };
        if !trimmed[close + 1..].trim().is_empty() {
            diags.push(at("an equation label ends its line".into()));
            continue;
        }
        let attrs = match Attrs::parse(&trimmed[1..close]) {
            Ok(a) => a,
            Err(e) => {
                diags.push(at(e));
                continue;
            }
        };
        if !attrs.classes.is_empty() || !attrs.pairs.is_empty() {
            diags.push(at(
                "an equation label holds only its id ('{#eq-name}')".into()
            ));
            continue;
        }
        let id = match checked_id(Kind::Equation, &attrs, &|m| at(m)) {
            Ok(id) => id,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let item = Item::Equation {
            id: id.clone(),
            open: m.range.start,
            close: m.range.end - 2,
            label: m.range.end..label_start + close + 1,
        };
        out.push((item, id, m.range.start));
    }
    // `{#eq-…}` anywhere else (after a paragraph, on its own line, after inline text).
    let mut from = 0;
    while let Some(p) = text[from..].find("{#eq-") {
        let at = from + p;
        from = at + 1;
        if scan.is_free(at) && !used.contains(&at) {
            diags.push(Diagnostic::at(
                src,
                at,
                "an equation label goes right after the closing '$$' of display math, on the same line",
            ));
        }
    }
    out
}
