//! The shared macro file `book/macros.tex`: one `\newcommand{\name}{body}` or
//! `\newcommand{\name}[n]{body}` per line, `%` starts a comment.

use std::collections::{HashMap, HashSet};

use preprocessor_kit::{Diagnostic, Diagnostics, SourceFile};

/// One macro, as KaTeX's `macros` option wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Macro {
    /// With the backslash, e.g. `\bx`.
    pub name: String,
    /// Declared number of arguments (`[n]`), 0 when none.
    pub args: u8,
    /// The body handed to KaTeX (see [`katex_body`]).
    pub body: String,
    /// 1-based line in the macro file, for diagnostics about the macro itself.
    pub line: usize,
}

/// All macros of the book, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Macros {
    /// The file as the author sees it, e.g. `book/macros.tex`.
    pub file: String,
    pub items: Vec<Macro>,
}

impl Macros {
    /// Parse the macro file. Every malformed line is reported, with its position.
    pub fn parse(src: &SourceFile<'_>) -> Result<Macros, Diagnostics> {
        let text = src.text();
        let mut diags = Diagnostics::new();
        let mut items: Vec<Macro> = Vec::new();
        let mut start = 0;
        while start < text.len() {
            let end = text[start..].find('\n').map_or(text.len(), |p| start + p);
            let line = strip_comment(&text[start..end]);
            let lead = line.len() - line.trim_start().len();
            let at = start + lead;
            if !line.trim().is_empty() {
                match parse_line(line.trim()) {
                    Ok((name, args, body)) => {
                        let (line_no, _) = src.line_col(at);
                        if items.iter().any(|m| m.name == name) {
                            diags.push(Diagnostic::at(
                                src,
                                at,
                                format!("macro {name} is defined twice"),
                            ));
                        } else {
                            match katex_body(body, args) {
                                Ok(body) => items.push(Macro {
                                    name: name.to_string(),
                                    args,
                                    body,
                                    line: line_no,
                                }),
                                Err(msg) => {
                                    diags.push(Diagnostic::at(src, at, format!("{name}: {msg}")))
                                }
                            }
                        }
                    }
                    Err(msg) => diags.push(
                        Diagnostic::at(src, at, msg)
                            .note("expected \\newcommand{\\name}{body} or \\newcommand{\\name}[n]{body}, one per line"),
                    ),
                }
            }
            start = end + 1;
        }
        diags.into_result().map(|()| Macros {
            file: src.display_path().to_string(),
            items,
        })
    }

    /// Look-up by name, for [`MacroIndex::dependencies`]. `everywhere` names macros that every
    /// formula depends on: those replacing one of KaTeX's own commands, which KaTeX's built-in
    /// macros may expand to without the formula naming them. Macros named like something KaTeX
    /// reads by itself ([`KATEX_READS`]) are added.
    pub fn index(&self, everywhere: &[&str]) -> MacroIndex<'_> {
        let by_name: HashMap<&str, &Macro> =
            self.items.iter().map(|m| (m.name.as_str(), m)).collect();
        let everywhere = everywhere
            .iter()
            .chain(KATEX_READS.iter())
            .filter_map(|name| by_name.get(name).copied())
            .collect();
        MacroIndex {
            by_name,
            everywhere,
        }
    }
}

/// Names KaTeX (and katex-rs: a test in `render` checks it) looks up in the macro table without a
/// formula naming them:
/// `\arraystretch` is read by every array-like environment (`pmatrix`, `aligned`, `cases` …).
/// KaTeX's other internal names (`\df@tag`, `\current@color`) contain `@`, which a book macro's
/// name cannot (see [`parse_line`]).
pub const KATEX_READS: [&str; 1] = ["\\arraystretch"];

/// The macros by name.
#[derive(Debug)]
pub struct MacroIndex<'a> {
    by_name: HashMap<&'a str, &'a Macro>,
    /// Macros every formula depends on.
    everywhere: Vec<&'a Macro>,
}

impl<'a> MacroIndex<'a> {
    /// Everything in the macro file that a formula's output can depend on: the definitions of the
    /// macros it reaches ([`MacroIndex::reached`]), as one string. The cache keeps it next to the
    /// formula's HTML and uses the HTML only while the string is unchanged, so editing or adding a
    /// macro re-renders only the formulas that reach it.
    pub fn dependencies(&self, tex: &str) -> String {
        let mut out = String::new();
        for m in self.reached(tex) {
            // Length-prefixed, so no body can make two different sets of definitions look alike.
            out.push_str(&format!(
                "{}:{}{}:{}:{}",
                m.name.len(),
                m.name,
                m.args,
                m.body.len(),
                m.body
            ));
        }
        out
    }

    /// The macros a formula reaches, sorted by name: those it names, directly or through other
    /// macros' bodies, and the macros every formula depends on ([`Macros::index`]). A formula that
    /// uses a KaTeX command which a new macro then redefines reaches the new macro.
    ///
    /// Control words are found as KaTeX's lexer finds them (`\` and letters or `@`), erring on
    /// the side of finding too many: a name that only looks used (in a comment, say) costs a
    /// needless re-render, never a stale one.
    pub fn reached(&self, tex: &str) -> Vec<&'a Macro> {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut reached: Vec<&'a Macro> = Vec::new();
        let mut todo: Vec<&str> = vec![tex];
        for &m in &self.everywhere {
            if seen.insert(&m.name) {
                reached.push(m);
                todo.push(&m.body);
            }
        }
        while let Some(text) = todo.pop() {
            for name in control_words(text) {
                if let Some(&m) = self.by_name.get(name)
                    && seen.insert(&m.name)
                {
                    reached.push(m);
                    todo.push(&m.body);
                }
            }
        }
        reached.sort_by(|a, b| a.name.cmp(&b.name));
        reached
    }
}

/// The control words of `tex` (`\name`, letters and `@`), skipping control symbols such as `\,`.
pub(crate) fn control_words(tex: &str) -> impl Iterator<Item = &str> {
    let b = tex.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            if b[i] != b'\\' {
                i += 1;
                continue;
            }
            let start = i;
            i += 1;
            let run = b[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphabetic() || **c == b'@')
                .count();
            if run == 0 {
                // A control symbol (`\,`, `\{`): its character does not start a name. A second
                // backslash is looked at again, though: `\\bx` is a line break and `bx`, but in
                // `\verb\a\\bx` (`\` as the verbatim delimiter) KaTeX sees `\bx`.
                if b.get(i) != Some(&b'\\') {
                    i += 1;
                }
                continue;
            }
            i += run;
            return Some(&tex[start..i]);
        }
        None
    })
}

/// Drop a `%` comment (an unescaped `%`, as in TeX).
fn strip_comment(line: &str) -> &str {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'%' => return &line[..i],
            _ => i += 1,
        }
    }
    line
}

/// `\newcommand{\name}[n]{body}` → (`\name`, n, `body`).
fn parse_line(line: &str) -> Result<(&str, u8, &str), String> {
    let rest = line
        .strip_prefix("\\newcommand")
        .ok_or_else(|| format!("cannot read macro definition '{line}'"))?;
    let (name, rest) = braced(rest.trim_start()).ok_or("missing {\\name} after \\newcommand")?;
    let name = name.trim();
    let valid = name
        .strip_prefix('\\')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphabetic()));
    if !valid {
        return Err(format!(
            "macro name '{name}' must be a backslash and letters"
        ));
    }
    let mut rest = rest.trim_start();
    let mut args = 0u8;
    if let Some(r) = rest.strip_prefix('[') {
        let close = r.find(']').ok_or("unclosed '[' in argument count")?;
        args = r[..close]
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|n| (1..=9).contains(n))
            .ok_or("the argument count [n] must be 1 to 9")?;
        rest = r[close + 1..].trim_start();
        if rest.starts_with('[') {
            return Err("optional arguments ([n][default]) are not supported".into());
        }
    }
    let (body, rest) = braced(rest).ok_or("missing {body}")?;
    if !rest.trim().is_empty() {
        return Err(format!("unexpected text after the body: '{}'", rest.trim()));
    }
    Ok((name, args, body))
}

/// Split `{inner}rest` at the brace matching the first one.
fn braced(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    if b.first() != Some(&b'{') {
        return None;
    }
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((&s[1..i], &s[i + 1..]));
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// KaTeX counts a string macro's arguments as the longest run `#1`, `#2`, … present in the body,
/// so a body that skips one of its declared arguments would take too few. Such a body is wrapped in
/// `\@firstoftwo{body}{#1…#n}`: KaTeX consumes and drops the second group, and the count is right.
pub fn katex_body(body: &str, args: u8) -> Result<String, String> {
    let used = used_args(body);
    if let Some(&max) = used.iter().max()
        && max > args
    {
        return Err(format!(
            "the body uses #{max} but the macro declares {args} argument{}",
            if args == 1 { "" } else { "s" }
        ));
    }
    if (1..=args).all(|k| used.contains(&k)) {
        return Ok(body.to_string());
    }
    let all: String = (1..=args).map(|k| format!("#{k}")).collect();
    Ok(format!("\\@firstoftwo{{{body}}}{{{all}}}"))
}

/// The `#k` parameters a body refers to (`##` is a literal `#`).
fn used_args(body: &str) -> Vec<u8> {
    let b = body.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'#' {
            match b.get(i + 1) {
                Some(b'#') => i += 1,
                Some(d @ b'1'..=b'9') => out.push(d - b'0'),
                _ => {}
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Macros, Vec<String>> {
        let src = SourceFile::new("book/macros.tex", text);
        Macros::parse(&src).map_err(|d| d.items.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn reads_definitions_comments_and_arguments() {
        let m = parse(
            "% header\n\\newcommand{\\bx}{\\mathbf{x}} % bold x\n\n\\newcommand{\\pair}[2]{(#1,#2)}\n\\newcommand{\\pct}{5\\%}\n",
        )
        .unwrap();
        let names: Vec<_> = m.items.iter().map(|m| (m.name.as_str(), m.args)).collect();
        assert_eq!(names, vec![("\\bx", 0), ("\\pair", 2), ("\\pct", 0)]);
        assert_eq!(m.items[0].body, "\\mathbf{x}");
        assert_eq!(m.items[1].body, "(#1,#2)");
        assert_eq!(m.items[2].body, "5\\%");
        assert_eq!(m.items[1].line, 4);
    }

    #[test]
    fn unused_declared_arguments_are_still_consumed() {
        assert_eq!(
            katex_body("#2", 2).unwrap(),
            "\\@firstoftwo{#2}{#1#2}".to_string()
        );
        assert!(katex_body("#3", 2).is_err());
        assert_eq!(katex_body("a##1", 0).unwrap(), "a##1");
    }

    #[test]
    fn bad_lines_are_reported_with_positions() {
        let errs = parse("\\newcommand{\\a}{x}\n  \\def\\b{y}\n\\newcommand{\\a}{z}\n\\newcommand{\\c}[0]{z}\n\\newcommand{\\d}{unclosed\n").unwrap_err();
        assert_eq!(errs.len(), 4, "{errs:?}");
        assert!(errs[0].starts_with("book/macros.tex:2:3: cannot read macro definition"));
        assert!(errs[1].starts_with("book/macros.tex:3:1: macro \\a is defined twice"));
        assert!(errs[2].starts_with("book/macros.tex:4:1: the argument count"));
        assert!(errs[3].starts_with("book/macros.tex:5:1: missing {body}"));
    }

    #[test]
    fn dependencies_follow_macro_bodies_and_nothing_else() {
        let m = parse(
            "\\newcommand{\\bx}{\\mathbf{x}}\n\\newcommand{\\xt}{\\bx_t}\n\\newcommand{\\pair}[2]{(#1,#2)}\n\\newcommand{\\loop}{\\loop}\n\\newcommand{\\arraystretch}{1.5}\n",
        )
        .unwrap();
        let names = |ix: &MacroIndex<'_>, tex: &str| -> Vec<String> {
            ix.reached(tex).iter().map(|m| m.name.clone()).collect()
        };
        let ix = m.index(&[]);
        // KaTeX reads \arraystretch itself: every formula depends on it.
        assert_eq!(names(&ix, "a + b"), vec!["\\arraystretch"]);
        // Through \xt's body to \bx; sorted, each once.
        assert_eq!(
            names(&ix, "\\xt + \\bx + \\xt"),
            vec!["\\arraystretch", "\\bx", "\\xt"]
        );
        // A longer control word is another name; `@` belongs to names as in KaTeX's lexer; a
        // control symbol's character does not start a name.
        assert_eq!(names(&ix, "\\bxy \\bx@ \\,bx"), vec!["\\arraystretch"]);
        // After `\\` the letters are looked at (needlessly for a line break, but `\` can be
        // `\verb`'s delimiter).
        assert_eq!(names(&ix, "a \\\\bx"), vec!["\\arraystretch", "\\bx"]);
        assert_eq!(
            names(&ix, "\\verb\\a\\\\bx"),
            vec!["\\arraystretch", "\\bx"]
        );
        assert_eq!(
            names(&ix, "\\pair{\\bx}{1}"),
            vec!["\\arraystretch", "\\bx", "\\pair"]
        );
        // A macro that names itself does not loop.
        assert_eq!(names(&ix, "\\loop"), vec!["\\arraystretch", "\\loop"]);
        // Macros every formula depends on, and what their bodies reach.
        assert_eq!(
            names(&m.index(&["\\xt"]), "a"),
            vec!["\\arraystretch", "\\bx", "\\xt"]
        );
        // The definition is part of the string: another body, another dependency string.
        let other = parse("\\newcommand{\\bx}{\\boldsymbol{x}}\n").unwrap();
        assert_ne!(
            m.index(&[]).dependencies("\\bx"),
            other.index(&[]).dependencies("\\bx")
        );
        let none = parse("").unwrap();
        assert_eq!(none.index(&[]).dependencies("\\bx"), "");
    }

    #[test]
    fn the_real_macro_file_parses() {
        let text = include_str!("../../../book/macros.tex");
        let m = parse(text).unwrap();
        assert!(m.items.iter().any(|m| m.name == "\\abar"));
    }
}
