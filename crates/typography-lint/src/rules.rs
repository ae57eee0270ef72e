//! The punctuation rules, applied to the prose ranges of a text (see [`crate::Prose`]).
//!
//! - `, : ; ? !` next to Chinese text → `，：；？！`; `...` → `……`; `.` right after a Han
//!   character and not followed by a letter or digit → `。`.
//! - straight double quotes `"…"` around or next to Chinese text → `「…」` (`『…』` inside 「」).
//! - parentheses: full-width `（…）` when the text inside is Chinese or the text right before the
//!   opening one (past a few English words: `扩散 Transformer (DiT)`) or right after the closing
//!   one is; half-width only in purely English or
//!   mathematical context, and around equation numbers (`式 (12)`, `(3.3a)`) and calls (`len(x)`).
//!
//! "Next to" looks past spaces, emphasis markers, brackets, numbers and anything hidden on the
//! same line (inline math, inline code, HTML tags, link targets), so `……的 $x$,然后`,
//! `**问题**:` and `共 1000,` count; in the [`Flavour::Strings`] flavour (Python docstrings and
//! plot labels, TOML descriptions) only the character directly beside the mark counts.

use std::ops::Range;

use crate::Prose;
use crate::cjk::{is_cjk, is_han};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// Markdown prose: context looks past spaces, numbers and hidden spans.
    Markdown,
    /// Chinese text inside string literals: only direct neighbours count, and parentheses are
    /// made full-width only when the text inside is Chinese.
    Strings,
}

/// One problem: where, what, and the edits that fix it (none when it needs a human).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub offset: usize,
    pub message: String,
    pub edits: Vec<(Range<usize>, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Cjk,
    Latin,
    Other,
    Boundary,
}

struct Ctx<'a> {
    text: &'a str,
    prose: &'a Prose,
    flavour: Flavour,
}

impl Ctx<'_> {
    fn is_prose(&self, offset: usize) -> bool {
        contains(&self.prose.ranges, offset)
    }

    /// A hidden range containing `offset` that lies on one line (transparent for context).
    fn hidden_at(&self, offset: usize) -> Option<Range<usize>> {
        let i = self.prose.hidden.partition_point(|r| r.end <= offset);
        self.prose
            .hidden
            .get(i)
            .filter(|r| r.start <= offset)
            .cloned()
    }

    /// What kind of text is on the left of byte `pos` (the character ending at `pos`).
    fn left(&self, pos: usize) -> Side {
        let mut p = pos;
        while p > 0 {
            if let Some(r) = self.hidden_at(p - 1) {
                if self.text[r.clone()].contains('\n') {
                    return Side::Boundary;
                }
                p = r.start;
                continue;
            }
            let Some(c) = self.text[..p].chars().next_back() else {
                return Side::Boundary;
            };
            match self.classify(c) {
                Some(s) => return s,
                None => {
                    p -= c.len_utf8();
                }
            }
        }
        Side::Boundary
    }

    /// What kind of text is on the right of byte `pos` (the character starting at `pos`).
    fn right(&self, pos: usize) -> Side {
        let mut p = pos;
        while p < self.text.len() {
            if let Some(r) = self.hidden_at(p) {
                if self.text[r.clone()].contains('\n') {
                    return Side::Boundary;
                }
                p = r.end;
                continue;
            }
            let Some(c) = self.text[p..].chars().next() else {
                return Side::Boundary;
            };
            match self.classify(c) {
                Some(s) => return s,
                None => {
                    p += c.len_utf8();
                }
            }
        }
        Side::Boundary
    }

    /// `None`: look further. In the strings flavour only hidden spans are looked past.
    fn classify(&self, c: char) -> Option<Side> {
        if is_cjk(c) {
            return Some(Side::Cjk);
        }
        if c == '\n' || c == '\r' {
            return Some(Side::Boundary);
        }
        let skip = match self.flavour {
            Flavour::Markdown => {
                matches!(
                    c,
                    ' ' | '\t' | '*' | '_' | '~' | '[' | ']' | '(' | ')' | '"' | '\'' | '.' | '%'
                ) || c.is_ascii_digit()
            }
            Flavour::Strings => false,
        };
        if skip {
            return None;
        }
        if c.is_alphabetic() {
            Some(Side::Latin)
        } else {
            Some(Side::Other)
        }
    }

    /// Chinese text before `pos` past a few English words: `扩散 Transformer (DiT)`.
    fn chinese_before_words(&self, pos: usize) -> bool {
        let mut p = pos;
        while p > 0 && pos - p <= 40 {
            if let Some(r) = self.hidden_at(p - 1) {
                if self.text[r.clone()].contains('\n') {
                    return false;
                }
                p = r.start;
                continue;
            }
            let Some(c) = self.text[..p].chars().next_back() else {
                return false;
            };
            if is_cjk(c) {
                return true;
            }
            if !(c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '*')) {
                return false;
            }
            p -= c.len_utf8();
        }
        false
    }

    fn chinese_near(&self, start: usize, end: usize) -> bool {
        self.left(start) == Side::Cjk || self.right(end) == Side::Cjk
    }

    /// Prose spaces right before `pos`, unless they start the line.
    fn spaces_before(&self, pos: usize) -> Option<Range<usize>> {
        let b = self.text.as_bytes();
        let mut s = pos;
        while s > 0 && (b[s - 1] == b' ' || b[s - 1] == b'\t') && self.is_prose(s - 1) {
            s -= 1;
        }
        (s < pos && s > 0 && b[s - 1] != b'\n').then_some(s..pos)
    }

    /// Prose spaces right after `pos`, unless they end the line (a Markdown hard break).
    fn spaces_after(&self, pos: usize) -> Option<Range<usize>> {
        let b = self.text.as_bytes();
        let mut e = pos;
        while e < b.len() && (b[e] == b' ' || b[e] == b'\t') && self.is_prose(e) {
            e += 1;
        }
        (e > pos && e < b.len() && b[e] != b'\n' && b[e] != b'\r').then_some(pos..e)
    }
}

fn contains(sorted: &[Range<usize>], offset: usize) -> bool {
    let i = sorted.partition_point(|r| r.end <= offset);
    sorted.get(i).is_some_and(|r| r.start <= offset)
}

fn full_width(c: char) -> char {
    match c {
        ',' => '，',
        ':' => '：',
        ';' => '；',
        '?' => '？',
        '!' => '！',
        '(' => '（',
        ')' => '）',
        '.' => '。',
        _ => c,
    }
}

/// `式 (12)`, `(3.3a)`: an equation number keeps its half-width parentheses, as the numbering
/// preprocessor writes them (「式 (3.5)」). A plain number in parentheses (`(0.30)`) is a value.
fn is_equation_number(text: &str, open: usize, inner: &str) -> bool {
    let before = text[..open].trim_end_matches(' ');
    let digits = inner.trim_end_matches(|c: char| c.is_ascii_lowercase());
    let numbered = !digits.is_empty()
        && digits
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let lettered = digits.len() < inner.len() && digits.contains('.');
    numbered && (before.ends_with('式') || lettered)
}

/// `len(曲线)`: a function call in a docstring, not a parenthesis of the sentence. (In Markdown a
/// call is inline code; `guidance(那会…)` there is prose.)
fn is_call(text: &str, open: usize) -> bool {
    let ident: String = text[..open]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    // Reversed: the identifier's first character is the last one here.
    ident.len() >= 2
        && ident
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && ident.chars().all(|c| !c.is_ascii_uppercase())
}

const ABBREVIATIONS: [&str; 7] = ["e.g.", "i.e.", "etc.", "et al.", "cf.", "vs.", "viz."];

/// Every finding in the prose of `text`.
pub fn check(text: &str, prose: &Prose, flavour: Flavour) -> Vec<Finding> {
    let cx = Ctx {
        text,
        prose,
        flavour,
    };
    let mut out = Vec::new();
    // Prose characters, grouped: a Markdown paragraph, or one string literal.
    let mut groups: Vec<Vec<(usize, char)>> = Vec::new();
    let mut last_group = usize::MAX;
    for (gi, r) in prose.ranges.iter().enumerate() {
        let g = prose.groups.get(gi).copied().unwrap_or(0);
        if g != last_group || groups.is_empty() {
            groups.push(Vec::new());
            last_group = g;
        }
        let cur = groups.last_mut().expect("pushed above");
        cur.extend(
            text[r.clone()]
                .char_indices()
                .map(|(i, c)| (r.start + i, c)),
        );
    }
    for chars in &groups {
        marks(&cx, chars, &mut out);
        quotes(&cx, chars, &mut out);
        parens(&cx, chars, &mut out);
    }
    out.sort_by_key(|f| f.offset);
    out
}

fn marks(cx: &Ctx<'_>, chars: &[(usize, char)], out: &mut Vec<Finding>) {
    let text = cx.text;
    let b = text.as_bytes();
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        k += 1;
        match c {
            ',' | ':' | ';' | '?' | '!' => {
                let prev = text[..i].chars().next_back();
                let next = text[i + 1..].chars().next();
                if prev.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit())
                {
                    continue; // 3:1, 1,000
                }
                if c == '!' && next == Some('[') {
                    continue;
                }
                if c == ':' && text[i + 1..].starts_with("//") {
                    continue;
                }
                if ABBREVIATIONS.iter().any(|a| text[..i].ends_with(a)) {
                    continue;
                }
                if cx.chinese_near(i, i + 1) {
                    let fw = full_width(c);
                    let mut edits = vec![(i..i + 1, fw.to_string())];
                    edits.extend(cx.spaces_before(i).map(|r| (r, String::new())));
                    edits.extend(cx.spaces_after(i + 1).map(|r| (r, String::new())));
                    out.push(Finding {
                        offset: i,
                        message: format!("half-width '{c}' in Chinese text; use '{fw}'"),
                        edits,
                    });
                }
            }
            '.' => {
                if text[i..].starts_with("...") {
                    let all_prose = (i..i + 3).all(|j| cx.is_prose(j));
                    k += 2;
                    if all_prose && cx.chinese_near(i, i + 3) {
                        out.push(Finding {
                            offset: i,
                            message: "'...' in Chinese text; use '……'".into(),
                            edits: vec![(i..i + 3, "……".into())],
                        });
                    }
                    continue;
                }
                let prev = text[..i].chars().next_back();
                let next = b.get(i + 1).copied();
                if prev.is_some_and(is_han)
                    && !next.is_some_and(|n| n.is_ascii_alphanumeric() || n == b'.')
                {
                    let mut edits = vec![(i..i + 1, "。".into())];
                    edits.extend(cx.spaces_after(i + 1).map(|r| (r, String::new())));
                    out.push(Finding {
                        offset: i,
                        message: "half-width '.' after Chinese text; use '。'".into(),
                        edits,
                    });
                }
            }
            _ => {}
        }
    }
}

/// A Han character in the prose strictly between offsets `a` and `z` (not in code or math).
fn han_between(chars: &[(usize, char)], a: usize, z: usize) -> bool {
    chars.iter().any(|&(i, c)| i > a && i < z && is_han(c))
}

/// Straight double quotes, Markdown only: inside a string literal they are usually code (HTML
/// attributes, dictionary keys).
fn quotes(cx: &Ctx<'_>, chars: &[(usize, char)], out: &mut Vec<Finding>) {
    if cx.flavour == Flavour::Strings {
        return;
    }
    let qs: Vec<usize> = chars
        .iter()
        .filter(|(_, c)| *c == '"')
        .map(|(i, _)| *i)
        .collect();
    if qs.is_empty() {
        return;
    }
    if qs.len() % 2 == 1 {
        for &q in &qs {
            if cx.chinese_near(q, q + 1) {
                out.push(Finding {
                    offset: q,
                    message: "straight '\"' in Chinese text with no partner in its paragraph; \
                              use 「…」 and fix by hand"
                        .into(),
                    edits: Vec::new(),
                });
            }
        }
        return;
    }
    for pair in qs.chunks(2) {
        let (a, z) = (pair[0], pair[1]);
        let chinese =
            han_between(chars, a, z) || cx.left(a) == Side::Cjk || cx.right(z + 1) == Side::Cjk;
        if !chinese {
            continue;
        }
        // Depth inside 「」 written before this pair in the same paragraph.
        let depth = chars
            .iter()
            .take_while(|(i, _)| *i < a)
            .fold(0i32, |d, (_, c)| match c {
                '「' => d + 1,
                '」' => d - 1,
                _ => d,
            });
        let (open, close) = if depth > 0 {
            ("『", "』")
        } else {
            ("「", "」")
        };
        let mut edits = vec![(a..a + 1, open.to_string()), (z..z + 1, close.to_string())];
        edits.extend(cx.spaces_before(a).map(|r| (r, String::new())));
        edits.extend(cx.spaces_after(z + 1).map(|r| (r, String::new())));
        out.push(Finding {
            offset: a,
            message: format!("straight quotes around Chinese text; use {open}…{close}"),
            edits,
        });
    }
}

fn parens(cx: &Ctx<'_>, chars: &[(usize, char)], out: &mut Vec<Finding>) {
    let text = cx.text;
    let mut stack: Vec<(usize, char)> = Vec::new();
    let mut pairs: Vec<((usize, char), (usize, char))> = Vec::new();
    let mut unmatched: Vec<(usize, char)> = Vec::new();
    for &(i, c) in chars {
        match c {
            '(' | '（' => stack.push((i, c)),
            ')' | '）' => match stack.pop() {
                Some(o) => pairs.push((o, (i, c))),
                None => unmatched.push((i, c)),
            },
            _ => {}
        }
    }
    unmatched.extend(stack);
    for (i, c) in unmatched {
        if (c == '(' || c == ')') && cx.chinese_near(i, i + 1) {
            out.push(Finding {
                offset: i,
                message: format!(
                    "half-width '{c}' in Chinese text without a partner in its paragraph; fix by hand"
                ),
                edits: Vec::new(),
            });
        }
    }
    for ((a, ca), (z, cz)) in pairs {
        if ca == '（' && cz == '）' {
            continue;
        }
        let inner = &text[a + ca.len_utf8()..z];
        // In Markdown the text around counts too: `第 3 章 (DDPM)`, `(1) 构造`.
        let chinese = han_between(chars, a, z)
            || (cx.flavour == Flavour::Markdown
                && (cx.left(a) == Side::Cjk
                    || cx.right(z + cz.len_utf8()) == Side::Cjk
                    || cx.chinese_before_words(a)));
        let call = cx.flavour == Flavour::Strings && is_call(text, a);
        if !chinese || ca == '(' && (is_equation_number(text, a, inner) || call) {
            continue;
        }
        let mut edits = Vec::new();
        if ca == '(' {
            edits.push((a..a + 1, "（".to_string()));
            edits.extend(cx.spaces_before(a).map(|r| (r, String::new())));
        }
        if cz == ')' {
            edits.push((z..z + 1, "）".to_string()));
            edits.extend(cx.spaces_after(z + 1).map(|r| (r, String::new())));
        }
        out.push(Finding {
            offset: a,
            message: "half-width parentheses in Chinese text; use （…）".into(),
            edits,
        });
    }
}
