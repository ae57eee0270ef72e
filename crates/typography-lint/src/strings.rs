//! Where the Chinese prose is in a Python or TOML file: inside string literals that hold Han
//! characters (docstrings shown in the book, plot titles and labels drawn into the SVGs, glossary
//! descriptions). Inside them, `{…}` replacement fields of f-strings, `$…$` (matplotlib math),
//! ``` ``code`` ``` / `` `code` ``, HTML tags, backslash escapes and URLs are hidden. Comments are not prose.
//! A literal with more than twice as many Latin letters as Han characters is English and is
//! skipped, and so is a line that mentions `re.` (a regular expression) or says
//! `typography: ignore`.

use std::ops::Range;

use crate::cjk::is_han;
use crate::markdown::url_len;
use crate::{Prose, merge, subtract};

pub fn prose(text: &str) -> Prose {
    let mut ranges = Vec::new();
    let mut groups = Vec::new();
    let mut hidden = Vec::new();
    for (n, lit) in literals(text).into_iter().enumerate() {
        let inner = &text[lit.inner.clone()];
        if !inner.chars().any(is_han) || skipped(text, lit.start) {
            continue;
        }
        let mut h = Vec::new();
        inner_markup(text, lit.inner.clone(), lit.fstring, &mut h);
        let h = merge(h);
        let parts = subtract(std::slice::from_ref(&lit.inner), &h);
        // An English string that mentions a Chinese word is not Chinese prose.
        let (mut latin, mut han) = (0usize, 0usize);
        for r in &parts {
            latin += text[r.clone()]
                .chars()
                .filter(char::is_ascii_alphabetic)
                .count();
            han += text[r.clone()].chars().filter(|&c| is_han(c)).count();
        }
        if latin > 2 * han {
            continue;
        }
        for r in parts {
            ranges.push(r);
            groups.push(n);
        }
        hidden.extend(h);
    }
    Prose {
        ranges,
        groups,
        hidden: merge(hidden),
    }
}

struct Literal {
    start: usize,
    inner: Range<usize>,
    fstring: bool,
}

fn skipped(text: &str, at: usize) -> bool {
    let ls = text[..at].rfind('\n').map_or(0, |p| p + 1);
    let le = text[at..].find('\n').map_or(text.len(), |p| at + p);
    let line = &text[ls..le];
    line.contains("re.") || line.contains("typography: ignore")
}

/// String literals of a Python (or TOML) file, comments skipped.
fn literals(text: &str) -> Vec<Literal> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                i = text[i..].find('\n').map_or(b.len(), |p| i + p);
            }
            q @ (b'"' | b'\'') => {
                let mut p = i;
                while p > 0 && b[p - 1].is_ascii_alphabetic() {
                    p -= 1;
                }
                let prefix = text[p..i].to_ascii_lowercase();
                let prefix_ok = prefix.len() <= 2 && prefix.chars().all(|c| "rbfu".contains(c));
                let fstring = prefix_ok && prefix.contains('f');
                let triple = b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q);
                let open = if triple { 3 } else { 1 };
                let start = i + open;
                let mut j = start;
                let mut end = None;
                while j < b.len() {
                    if b[j] == b'\\' {
                        j += 2;
                        continue;
                    }
                    if triple {
                        if b[j] == q && b.get(j + 1) == Some(&q) && b.get(j + 2) == Some(&q) {
                            end = Some(j);
                            break;
                        }
                    } else if b[j] == q {
                        end = Some(j);
                        break;
                    } else if b[j] == b'\n' {
                        break;
                    }
                    j += 1;
                }
                match end {
                    Some(e) => {
                        out.push(Literal {
                            start: i,
                            inner: start..e,
                            fstring,
                        });
                        i = e + open;
                    }
                    None => i = j.max(i + 1),
                }
            }
            _ => i += 1,
        }
    }
    out
}

fn inner_markup(text: &str, r: Range<usize>, fstring: bool, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let rest = &s[i..];
        let found = if b[i] == b'\\' {
            Some(1 + rest[1..].chars().next().map_or(0, char::len_utf8))
        } else if fstring && rest.starts_with("{{") {
            Some(2)
        } else if fstring && b[i] == b'{' {
            rest.find('}').map(|e| e + 1)
        } else if b[i] == b'$' {
            rest[1..].find('$').filter(|&e| e > 0).map(|e| e + 2)
        } else if b[i] == b'<'
            && b.get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'/')
        {
            rest.find('>').map(|e| e + 1)
        } else if let Some(code) = rest.strip_prefix("``") {
            code.find("``").map(|e| e + 4)
        } else if b[i] == b'`' {
            rest[1..].find('`').map(|e| e + 2)
        } else if rest.starts_with("http://") || rest.starts_with("https://") {
            Some(url_len(rest))
        } else {
            None
        };
        match found {
            Some(n) if n > 0 => {
                out.push(r.start + i..r.start + i + n);
                i += n;
            }
            _ => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
}
