//! Pass 1: find, validate and number every research thread in reading order.

use std::ops::Range;
use std::path::PathBuf;

use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;
use preprocessor_kit::attrs::is_ident;
use preprocessor_kit::directive::Block;
use preprocessor_kit::pages::{Numbered, ParsedPage, parse_pages};
use preprocessor_kit::scan::Scan;
use preprocessor_kit::{Diagnostic, Diagnostics, SourceFile};

/// The four parts every thread has, in this order.
pub const PARTS: [&str; 4] = ["问题", "为什么重要", "起点文献", "第一个实验"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    /// The anchor, `rt-…`.
    pub id: String,
    pub chapter: String,
    pub number: usize,
    pub title: String,
    pub tags: Vec<String>,
    /// The 问题 part as written, on one line.
    pub question: String,
    pub page: PathBuf,
    pub location: String,
}

impl Thread {
    pub fn label(&self) -> String {
        format!("研究线索 {}.{}", self.chapter, self.number)
    }
}

#[derive(Debug, Default)]
pub struct Registry {
    pub threads: Numbered<Thread>,
    /// Chapter label → the chapter's title, in reading order.
    pub chapters: Vec<(String, String)>,
}

impl Registry {
    pub fn get(&self, id: &str) -> Option<&Thread> {
        self.threads.get(id)
    }
}

/// Read every page in reading order: the registry, each page's parse and the problems found.
pub fn collect(ctx: &PreprocessorContext, book: &Book) -> (Registry, Vec<ParsedPage>, Diagnostics) {
    let (pages, chapters) = parse_pages(ctx, book);
    let mut reg = Registry {
        threads: Numbered::default(),
        chapters,
    };
    let mut diags = Diagnostics::new();
    for page in &pages {
        let src = &page.source();
        for b in &page.blocks {
            for nested in b.descendants() {
                if nested.name == "research" {
                    diags.push(Diagnostic::at(
                        src,
                        nested.open_line.start,
                        format!("'::: research' cannot be nested inside '::: {}'", b.name),
                    ));
                }
            }
            if b.name != "research" {
                continue;
            }
            let Some(label) = &page.chapter else {
                diags.push(Diagnostic::at(
                    src,
                    b.open_line.start,
                    "research threads belong in a chapter folder (chNN/ or appendix-x/)",
                ));
                continue;
            };
            if let Some(t) = validate(b, src, &page.scan, &mut diags) {
                let id = t.id.clone();
                let added = reg
                    .threads
                    .add(&id, label, t.location.clone(), |number| Thread {
                        chapter: label.clone(),
                        number,
                        page: page.path.clone(),
                        ..t
                    });
                if let Err(first) = added {
                    diags.push(
                        Diagnostic::at(
                            src,
                            b.open_line.start,
                            format!("duplicate research thread id '#{id}'"),
                        )
                        .note(format!("first used at {first}")),
                    );
                }
            }
        }
    }
    (reg, pages, diags)
}

/// Where each part's label (`**问题**`) starts in the body, in order of appearance.
pub fn find_parts(text: &str, body: Range<usize>, scan: &Scan) -> Vec<(usize, Range<usize>)> {
    let mut found = Vec::new();
    let mut line_start = body.start;
    while line_start < body.end {
        let line_end = text[line_start..body.end]
            .find('\n')
            .map_or(body.end, |p| line_start + p);
        let line = &text[line_start..line_end];
        let lead = line.len() - line.trim_start().len();
        let at = line_start + lead;
        if scan.is_free(at) {
            for (i, p) in PARTS.iter().enumerate() {
                let label = format!("**{p}**");
                if text[at..line_end].starts_with(&label) {
                    found.push((i, at..at + label.len()));
                }
            }
        }
        line_start = line_end + 1;
    }
    found
}

fn validate(
    b: &Block,
    src: &SourceFile<'_>,
    scan: &Scan,
    diags: &mut Diagnostics,
) -> Option<Thread> {
    let text = src.text();
    let at = |m: String| Diagnostic::at(src, b.open_line.start, m);
    let before = diags.len();
    let id = b.attrs.id.clone();
    match &id {
        None => diags.push(at(
            "research thread without an id (write '{#rt-some-id …}')".into(),
        )),
        Some(i) if !i.starts_with("rt-") => diags.push(at(format!(
            "research thread id '#{i}' must start with 'rt-'"
        ))),
        _ => {}
    }
    if let Some(c) = b.attrs.classes.first() {
        diags.push(at(format!("research threads take no kind ('.{c}')")));
    }
    for (k, _) in &b.attrs.pairs {
        if k != "tags" {
            diags.push(at(format!("unknown research thread attribute '{k}'")).note("known: tags"));
        }
    }
    let tags: Vec<String> = b
        .attrs
        .get("tags")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    if tags.is_empty() {
        diags.push(at(
            "research thread without tags (tags=noise-schedule,theory)".into(),
        ));
    }
    for t in &tags {
        if !is_ident(t) {
            diags.push(at(format!(
                "tag '{t}' must be lowercase letters, digits and '-'"
            )));
        }
    }
    if b.title.is_empty() {
        diags.push(at("research thread without a title".into()));
    }
    if let Some(c) = b.children.first() {
        diags.push(Diagnostic::at(
            src,
            c.open_line.start,
            format!("'::: {}' cannot be nested inside a research thread", c.name),
        ));
    }
    let body = b.body();
    let parts = find_parts(text, body.clone(), scan);
    let mut question = String::new();
    for (i, name) in PARTS.iter().enumerate() {
        let Some(pos) = parts.iter().position(|(p, _)| *p == i) else {
            diags.push(at(format!(
                "research thread is missing the part **{name}**"
            )));
            continue;
        };
        let label = &parts[pos].1;
        let end = parts.get(pos + 1).map_or(body.end, |(_, r)| r.start);
        let content = text[label.end..end]
            .trim_start_matches([':', '：', ' '])
            .trim();
        if content.is_empty() {
            diags.push(Diagnostic::at(
                src,
                label.start,
                format!("part **{name}** is empty"),
            ));
        }
        if parts.iter().filter(|(p, _)| *p == i).count() > 1 {
            diags.push(Diagnostic::at(
                src,
                label.start,
                format!("part **{name}** appears twice"),
            ));
        }
        if i == 2 && !content.contains("[@") {
            diags.push(Diagnostic::at(
                src,
                label.start,
                "part **起点文献** needs at least one citation ([@key])",
            ));
        }
        if i == 0 {
            question = content.split_whitespace().collect::<Vec<_>>().join(" ");
        }
    }
    let order: Vec<usize> = parts.iter().map(|(p, _)| *p).collect();
    if order.windows(2).any(|w| w[0] > w[1]) {
        diags.push(at(
            "the parts must come in the order 问题, 为什么重要, 起点文献, 第一个实验".into(),
        ));
    }
    if diags.len() > before {
        return None;
    }
    let (line, _) = src.line_col(b.open_line.start);
    Some(Thread {
        id: id?,
        chapter: String::new(),
        number: 0,
        title: b.title.clone(),
        tags,
        question,
        page: PathBuf::new(),
        location: format!("{}:{line}", src.display_path()),
    })
}
