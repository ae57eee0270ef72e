//! Numbers written by hand — 「图 3.2」, 「表 3.1」, 「算法 3.1」, 「式 (3.5)」 in prose, `\tag{…}` in
//! a formula — are errors: the build numbers figures, tables, algorithms and equations, and one
//! hand-written number goes stale the moment a figure is inserted before it.

use preprocessor_kit::scan::Scan;
use preprocessor_kit::{Diagnostic, Diagnostics, SourceFile};

/// Report every hand-written number on a page (prose outside code and math; formulas for `\tag`).
pub fn check(src: &SourceFile<'_>, scan: &Scan, diags: &mut Diagnostics) {
    let text = src.text();
    for (i, c) in text.char_indices() {
        let (word, prefix) = match c {
            '图' => ("图", "fig-"),
            '表' => ("表", "tab-"),
            '式' => ("式", "eq-"),
            '算' if text[i..].starts_with("算法") => ("算法", "alg-"),
            _ => continue,
        };
        if !scan.is_free(i) {
            continue;
        }
        let rest = &text[i + word.len()..];
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        let len = if word == "式" {
            equation_number(rest)
        } else {
            number(rest)
        };
        let Some(len) = len else { continue };
        let written = &text[i..i + (text.len() - i - rest.len()) + len];
        diags.push(
            Diagnostic::at(src, i, format!("hand-written number '{written}'"))
                .note(format!(
                    "numbers are generated: give the target an id '{{#{prefix}…}}' and write '[](#{prefix}…)'"
                )),
        );
    }
    // A bare equation number, `(3.5)` or `(3.3a)`, after a space or a CJK character.
    for (i, _) in text.match_indices('(') {
        let before = text[..i].chars().next_back();
        let after_prose =
            before.is_some_and(|c| c == ' ' || ('\u{4e00}'..='\u{9fff}').contains(&c));
        let after_shi = text[..i].trim_end_matches(' ').ends_with('式');
        if !after_prose || after_shi || !scan.is_free(i) {
            continue;
        }
        if let Some(len) = equation_number(&text[i..])
            && chapter_like(&text[i + 1..])
        {
            diags.push(
                Diagnostic::at(src, i, format!("hand-written equation number '{}'", &text[i..i + len]))
                    .note("numbers are generated: label the equation '$$ … $$ {#eq-…}' and write '[](#eq-…)'"),
            );
        }
    }
    for m in &scan.math {
        if let Some(p) = text[m.inner.clone()].find("\\tag") {
            diags.push(
                Diagnostic::at(src, m.inner.start + p, "'\\tag' in a formula")
                    .note("numbers are generated: label the equation '$$ … $$ {#eq-…}' instead"),
            );
        }
    }
}

/// `3.2` or `A.1` at the start of `s`: its length.
fn number(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    if b.first().is_some_and(u8::is_ascii_uppercase) {
        i = 1;
    } else {
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == 0 {
            return None;
        }
    }
    if b.get(i) != Some(&b'.') {
        return None;
    }
    let start = i + 1;
    let mut j = start;
    while b.get(j).is_some_and(u8::is_ascii_digit) {
        j += 1;
    }
    (j > start).then_some(j)
}

/// A chapter part that exists: 1–16 or a capital letter (appendices), so `(0.30)` is a number.
fn chapter_like(s: &str) -> bool {
    let head: String = s
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    head.len() == 1 && head.chars().all(|c| c.is_ascii_uppercase())
        || head.parse::<u32>().is_ok_and(|n| (1..=16).contains(&n))
}

/// `(3.5)`, `（3.5）` or `(3.3a)` at the start of `s`: its length.
fn equation_number(s: &str) -> Option<usize> {
    let open = ["(", "（"].into_iter().find(|p| s.starts_with(p))?;
    let inner = &s[open.len()..];
    let mut n = number(inner)?;
    while inner.as_bytes().get(n).is_some_and(u8::is_ascii_lowercase) {
        n += 1;
    }
    let close = [")", "）"]
        .into_iter()
        .find(|p| inner[n..].starts_with(p))?;
    Some(open.len() + n + close.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        let mut d = Diagnostics::new();
        check(&SourceFile::new("p.md", text), &Scan::new(text), &mut d);
        d.items.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn finds_hand_numbers_in_prose_only() {
        let f = found(
            "见图 3.2 与表 1.1，算法 A.2 和式 (3.3a)、式（2.1）。`图 3.2` 不算，$图 3.2$ 也不算。原论文表 1、式 (5)、第 3.2 节都不算。\n",
        );
        assert_eq!(f.len(), 5, "{f:?}");
        assert!(
            f[0].starts_with("p.md:1:2: hand-written number '图 3.2'"),
            "{f:?}"
        );
        assert!(f[3].contains("'式 (3.3a)'"), "{f:?}");
        assert!(f[4].contains("'式（2.1）'"), "{f:?}");
    }

    #[test]
    fn finds_tag_in_formulas() {
        let f = found("$$\na=b \\tag{3.1}\n$$\n");
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].starts_with("p.md:2:5: '\\tag' in a formula"), "{f:?}");
    }
}
