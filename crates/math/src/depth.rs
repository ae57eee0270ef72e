//! A bound on how deep a formula can nest once KaTeX has expanded it, checked before rendering.
//!
//! katex-rs parses and builds by recursion on the thread's stack, and running out of stack aborts
//! the process: it cannot be caught. So a formula whose nesting could exceed [`MAX_NESTING`] is an
//! error (`file:line:col`, like every bad formula) and is never handed to the engine, and the
//! engine runs on threads whose stack holds that nesting with room to spare (see
//! [`crate::render`]). Real formulas nest a few levels; the bound is generous to them.
//!
//! The bound, for a formula of nesting `D` (groups `{…}`, `\left…\right`, `\begin…\end` and
//! optional arguments `[…]` after a command) reaching book macros whose bodies nest `d₁, d₂, …`:
//! every level of the formula (an argument handed to a macro included) may carry every macro's
//! body once, so `(D + 1)(1 + Σdᵢ)`. Where an expansion may repeat without limit — the book's
//! macros form a cycle, or the formula defines macros itself (`\def`, `\gdef`, `\newcommand` …),
//! whose bodies nest at most `D − 1` inside their own braces — KaTeX stops at its expansion limit
//! ([`MAX_EXPAND`] expansions), so the bound is multiplied by `1 + MAX_EXPAND · (that nesting)`.

use std::collections::{HashMap, HashSet};

use crate::macros::{Macros, control_words};

/// Deepest nesting a formula may reach. katex-rs's debug build uses up to about 80 KiB of stack a
/// level (`\frac` inside `\frac`), its release build about 10 KiB; the render threads' stack is
/// sized from this.
pub const MAX_NESTING: usize = 500;

/// KaTeX's `maxExpand` default, which katex-rs keeps: macro expansions allowed in one formula.
pub const MAX_EXPAND: usize = 1000;

/// Commands that define or alias macros inside a formula.
const DEFINING: [&str; 10] = [
    "\\def",
    "\\gdef",
    "\\edef",
    "\\xdef",
    "\\global",
    "\\newcommand",
    "\\renewcommand",
    "\\providecommand",
    "\\let",
    "\\futurelet",
];

/// The book's macros, as far as nesting goes.
#[derive(Debug, Clone, Default)]
pub struct Nesting {
    /// Name → (nesting of the body, control words of the body).
    macros: HashMap<String, (usize, Vec<String>)>,
}

impl Nesting {
    pub fn new(macros: &Macros) -> Nesting {
        Nesting {
            macros: macros
                .items
                .iter()
                .map(|m| {
                    let words = control_words(&m.body).map(str::to_string).collect();
                    (m.name.clone(), (nesting(&m.body), words))
                })
                .collect(),
        }
    }

    /// An upper bound on the nesting of `tex` after expansion (saturating, never overflowing).
    pub fn bound(&self, tex: &str) -> usize {
        let d = nesting(tex);
        let words: Vec<&str> = control_words(tex).collect();
        let defines = words.iter().any(|w| DEFINING.contains(w));

        // The book macros reached, and whether they can reach themselves.
        let mut reached: HashSet<&str> = HashSet::new();
        let mut todo: Vec<&str> = words
            .iter()
            .copied()
            .filter(|w| self.macros.contains_key(*w))
            .collect();
        while let Some(name) = todo.pop() {
            if reached.insert(name)
                && let Some((_, body)) = self.macros.get(name)
            {
                todo.extend(
                    body.iter()
                        .map(String::as_str)
                        .filter(|w| self.macros.contains_key(*w)),
                );
            }
        }
        let sum: usize = reached
            .iter()
            .filter_map(|n| self.macros.get(*n))
            .map(|(depth, _)| *depth)
            .fold(0, usize::saturating_add);
        let deepest = reached
            .iter()
            .filter_map(|n| self.macros.get(*n))
            .map(|(depth, _)| *depth)
            .max()
            .unwrap_or(0);

        let mut bound = d.saturating_add(1).saturating_mul(sum.saturating_add(1));
        if self.cyclic(&reached) {
            bound = bound.saturating_mul(MAX_EXPAND.saturating_mul(deepest).saturating_add(1));
        }
        if defines {
            let own = d.saturating_sub(1);
            bound = bound.saturating_mul(MAX_EXPAND.saturating_mul(own).saturating_add(1));
        }
        bound
    }

    /// Whether some macro of `names` reaches itself through the bodies.
    fn cyclic(&self, names: &HashSet<&str>) -> bool {
        // Depth-first search with colours: 1 = on the path, 2 = done.
        let mut colour: HashMap<&str, u8> = HashMap::new();
        for &start in names {
            if colour.contains_key(start) {
                continue;
            }
            let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
            colour.insert(start, 1);
            while let Some((name, next)) = stack.pop() {
                let body = self
                    .macros
                    .get(name)
                    .map(|(_, b)| b.as_slice())
                    .unwrap_or(&[]);
                match body.get(next) {
                    None => {
                        colour.insert(name, 2);
                    }
                    Some(word) => {
                        stack.push((name, next + 1));
                        let word = word.as_str();
                        if !self.macros.contains_key(word) {
                            continue;
                        }
                        match colour.get(word) {
                            Some(1) => return true,
                            Some(_) => {}
                            None => {
                                colour.insert(word, 1);
                                stack.push((word, 0));
                            }
                        }
                    }
                }
            }
        }
        false
    }
}

/// The deepest nesting of groups in `tex` as written: `{…}`, `\left…\right`, `\begin…\end` and
/// `[…]` right after a command (an optional argument: `\sqrt[3]{x}`, `\\[2pt]`). Escaped braces
/// (`\{`) are symbols, not groups; a closing without its opening is ignored (KaTeX reports it).
pub fn nesting(tex: &str) -> usize {
    #[derive(PartialEq)]
    enum Open {
        Brace,
        Bracket,
        Left,
        Begin,
    }
    let b = tex.as_bytes();
    let mut open: Vec<Open> = Vec::new();
    let mut deepest = 0;
    let mut after_command = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let mut command = false;
        match c {
            b'\\' => {
                let run = b[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphabetic() || **c == b'@')
                    .count();
                if run == 0 {
                    // A control symbol: `\{`, `\\`, `\,`. `\\` takes an optional argument.
                    command = b.get(i + 1) == Some(&b'\\');
                    i += 2;
                } else {
                    let word = &tex[i..i + 1 + run];
                    match word {
                        "\\left" => open.push(Open::Left),
                        "\\begin" => open.push(Open::Begin),
                        "\\right" | "\\end" => {
                            let want = if word == "\\right" {
                                Open::Left
                            } else {
                                Open::Begin
                            };
                            if let Some(at) = open.iter().rposition(|o| *o == want) {
                                open.truncate(at);
                            }
                        }
                        _ => {}
                    }
                    // A delimiter after `\left`, `\bigl` … is a symbol, not an optional argument.
                    command = !is_delimiter_command(word);
                    i += 1 + run;
                }
            }
            b'{' => {
                open.push(Open::Brace);
                i += 1;
            }
            b'}' => {
                if let Some(at) = open.iter().rposition(|o| *o == Open::Brace) {
                    open.truncate(at);
                }
                i += 1;
            }
            b'[' if after_command => {
                open.push(Open::Bracket);
                i += 1;
            }
            b']' => {
                if open.last() == Some(&Open::Bracket) {
                    open.pop();
                }
                i += 1;
            }
            b' ' | b'\t' | b'\n' | b'\r' => {
                // Spaces after a command do not end its chance of an optional argument.
                command = after_command;
                i += 1;
            }
            _ => i += 1,
        }
        after_command = command;
        deepest = deepest.max(open.len());
    }
    deepest
}

/// `\left`, `\middle`, `\right` and the `\big` family: what follows is a delimiter.
fn is_delimiter_command(word: &str) -> bool {
    matches!(word, "\\left" | "\\middle" | "\\right")
        || ["\\big", "\\Big", "\\bigg", "\\Bigg"].iter().any(|b| {
            word.strip_prefix(b)
                .is_some_and(|r| matches!(r, "" | "l" | "m" | "r"))
        })
}

#[cfg(test)]
mod tests {
    use preprocessor_kit::SourceFile;

    use super::*;

    fn book(text: &str) -> Nesting {
        Nesting::new(&Macros::parse(&SourceFile::new("m.tex", text)).unwrap())
    }

    #[test]
    fn counts_groups_as_katex_nests_them() {
        assert_eq!(nesting("x"), 0);
        assert_eq!(nesting("\\frac{a}{b^{2}}"), 2);
        assert_eq!(nesting("\\left( \\left[ x \\right] \\right)"), 2);
        assert_eq!(nesting("\\bigl[ x \\bigr] \\Big[ y"), 0);
        assert_eq!(nesting("\\begin{aligned} a \\end{aligned}"), 2);
        assert_eq!(nesting("\\sqrt[3]{x}"), 1);
        assert_eq!(nesting("\\sqrt [\\sqrt[3]{x}]{y}"), 2);
        // An interval is no group; escaped braces are symbols.
        assert_eq!(nesting("[0, 1) \\cup \\{ 2 \\}"), 0);
        // Unbalanced closings do not go below zero.
        assert_eq!(nesting("}}}{x}"), 1);
    }

    #[test]
    fn macro_bodies_count_and_cycles_multiply() {
        let b = book("\\newcommand{\\g}{{x}}\n\\newcommand{\\h}[1]{\\left(#1\\right)\\g}\n");
        assert_eq!(b.bound("x"), 1);
        // D = 1, bodies 1 + 1.
        assert_eq!(b.bound("\\h{y}"), 2 * 3);
        let cyc = book("\\newcommand{\\a}{{\\b}}\n\\newcommand{\\b}{\\a}\n");
        assert!(cyc.bound("\\a") > MAX_NESTING);
    }

    #[test]
    fn definitions_in_a_formula_are_bounded_by_the_expansion_limit() {
        let b = Nesting::default();
        assert!(b.bound("\\gdef\\x{a}\\x") <= MAX_NESTING);
        assert!(b.bound("\\def\\a{{\\a}}\\a") > MAX_NESTING);
        let deep = format!("{}x{}", "{".repeat(5000), "}".repeat(5000));
        assert_eq!(b.bound(&deep), 5001);
    }
}
