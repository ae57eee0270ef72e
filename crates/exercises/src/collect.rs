//! Pass 1: find, validate and number every exercise in reading order.

use std::path::PathBuf;

use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;
use preprocessor_kit::directive::Block;
use preprocessor_kit::pages::{Numbered, ParsedPage, parse_pages};
use preprocessor_kit::{Diagnostic, Diagnostics, SourceFile};

/// Exercise kinds and how the book names them.
pub const KINDS: [(&str, &str); 3] = [
    ("theory", "理论"),
    ("implementation", "实现"),
    ("challenge", "挑战"),
];

/// Attributes an exercise may carry besides `#id` and `.kind`.
const KEYS: [&str; 2] = ["difficulty", "skeleton"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    pub id: String,
    /// `3` or `A`.
    pub chapter: String,
    /// Position within the chapter, from 1.
    pub number: usize,
    pub kind: String,
    pub difficulty: u8,
    /// Title as written (plain text, inline code, inline math).
    pub title: String,
    pub skeleton: Option<String>,
    /// The page, relative to the book's source root.
    pub page: PathBuf,
    pub page_title: String,
    /// Where the exercise opens, as `file:line`.
    pub location: String,
}

impl Exercise {
    pub fn label(&self) -> String {
        format!("练习 {}.{}", self.chapter, self.number)
    }

    pub fn kind_zh(&self) -> &'static str {
        KINDS
            .iter()
            .find(|(k, _)| *k == self.kind)
            .map_or("", |(_, z)| z)
    }
}

/// Every valid exercise, in reading order, plus the chapter titles for the index.
#[derive(Debug, Default)]
pub struct Registry {
    pub exercises: Numbered<Exercise>,
    /// Chapter label → the chapter's title (its index page's name), in reading order.
    pub chapters: Vec<(String, String)>,
}

impl Registry {
    pub fn get(&self, id: &str) -> Option<&Exercise> {
        self.exercises.get(id)
    }
}

/// Read every page in reading order: the registry, each page's parse and the problems found.
pub fn collect(ctx: &PreprocessorContext, book: &Book) -> (Registry, Vec<ParsedPage>, Diagnostics) {
    let (pages, chapters) = parse_pages(ctx, book);
    let mut reg = Registry {
        exercises: Numbered::default(),
        chapters,
    };
    let mut diags = Diagnostics::new();
    for page in &pages {
        let src = &page.source();
        for b in &page.blocks {
            visit(b, None, &mut |b, parent| match b.name.as_str() {
                "exercise" => {
                    if let Some(p) = parent {
                        diags.push(Diagnostic::at(
                            src,
                            b.open_line.start,
                            format!("'::: exercise' cannot be nested inside '::: {p}'"),
                        ));
                        return;
                    }
                    let Some(label) = &page.chapter else {
                        diags.push(Diagnostic::at(
                            src,
                            b.open_line.start,
                            "exercises belong in a chapter folder (chNN/ or appendix-x/)",
                        ));
                        return;
                    };
                    if let Some(ex) = validate(b, src, &mut diags) {
                        let location = ex.location.clone();
                        let id = ex.id.clone();
                        let added = reg.exercises.add(&id, label, location, |number| Exercise {
                            chapter: label.clone(),
                            number,
                            page: page.path.clone(),
                            page_title: page.name.clone(),
                            ..ex
                        });
                        if let Err(first) = added {
                            diags.push(
                                Diagnostic::at(
                                    src,
                                    b.open_line.start,
                                    format!("duplicate exercise id '#{id}'"),
                                )
                                .note(format!("first used at {first}")),
                            );
                        }
                    }
                }
                "hint" | "answer" if parent != Some("exercise") => diags.push(Diagnostic::at(
                    src,
                    b.open_line.start,
                    format!("'::: {}' outside an exercise", b.name),
                )),
                _ => {}
            });
        }
    }
    (reg, pages, diags)
}

fn visit<'b>(b: &'b Block, parent: Option<&'b str>, f: &mut dyn FnMut(&'b Block, Option<&'b str>)) {
    f(b, parent);
    for c in &b.children {
        visit(c, Some(&b.name), f);
    }
}

fn validate(b: &Block, src: &SourceFile<'_>, diags: &mut Diagnostics) -> Option<Exercise> {
    let at = |m: String| Diagnostic::at(src, b.open_line.start, m);
    let before = diags.len();
    let id = b.attrs.id.clone();
    if id.is_none() {
        diags.push(at("exercise without an id (write '{#some-id …}')".into()));
    }
    let kinds: Vec<&String> = b.attrs.classes.iter().collect();
    let kind = match kinds.as_slice() {
        [k] if KINDS.iter().any(|(n, _)| n == k) => Some((*k).clone()),
        [k] => {
            diags.push(
                at(format!("unknown exercise kind '.{k}'"))
                    .note("kinds: .theory, .implementation, .challenge"),
            );
            None
        }
        [] => {
            diags.push(
                at("exercise without a kind".into())
                    .note("add one of .theory, .implementation, .challenge"),
            );
            None
        }
        _ => {
            diags.push(at("exercise with more than one kind".into()));
            None
        }
    };
    let difficulty = match b.attrs.get("difficulty") {
        None => {
            diags.push(at("exercise without a difficulty (difficulty=1 … 4)".into()));
            None
        }
        Some(d) => match d.parse::<u8>() {
            Ok(n @ 1..=4) => Some(n),
            _ => {
                diags.push(at(format!("difficulty '{d}' out of range (1 … 4)")));
                None
            }
        },
    };
    for (k, _) in &b.attrs.pairs {
        if !KEYS.contains(&k.as_str()) {
            diags.push(
                at(format!("unknown exercise attribute '{k}'")).note("known: difficulty, skeleton"),
            );
        }
    }
    if b.title.is_empty() {
        diags.push(at("exercise without a title".into()));
    }
    let answers = b.children.iter().filter(|c| c.name == "answer").count();
    match answers {
        0 => diags.push(at(
            "exercise without an answer (add '::: answer … :::' inside it)".into(),
        )),
        1 => {}
        n => diags.push(at(format!("exercise with {n} answers (one is expected)"))),
    }
    let mut seen_answer = false;
    for c in &b.children {
        match c.name.as_str() {
            "answer" => seen_answer = true,
            "hint" if seen_answer => diags.push(Diagnostic::at(
                src,
                c.open_line.start,
                "hint after the answer (hints come first)",
            )),
            "hint" => {}
            other => diags.push(Diagnostic::at(
                src,
                c.open_line.start,
                format!("'::: {other}' cannot be nested inside an exercise"),
            )),
        }
        if let Some(g) = c.children.first() {
            diags.push(Diagnostic::at(
                src,
                g.open_line.start,
                format!("'::: {}' cannot be nested inside '::: {}'", g.name, c.name),
            ));
        }
    }
    if diags.len() > before {
        return None;
    }
    let (line, _) = src.line_col(b.open_line.start);
    Some(Exercise {
        id: id?,
        chapter: String::new(),
        number: 0,
        kind: kind?,
        difficulty: difficulty?,
        title: b.title.clone(),
        skeleton: b.attrs.get("skeleton").map(str::to_string),
        page: PathBuf::new(),
        page_title: String::new(),
        location: format!("{}:{line}", src.display_path()),
    })
}
