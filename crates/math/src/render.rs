//! One formula → KaTeX HTML, through the `katex` crate's QuickJS backend.
//!
//! The crate keeps one QuickJS context per thread (QuickJS contexts are not `Send`), so rendering
//! on rayon's workers gives each worker its own engine; the options here are plain data and shared.

use anyhow::{Context, Result};
use katex::{Opts, OutputType};

use crate::macros::Macros;

/// The KaTeX the `katex` crate bundles. The CSS and fonts under `theme/katex/` must match it.
pub const KATEX_VERSION: &str = katex::KATEX_VERSION;

/// KaTeX draws untrusted commands (`\href`, `\url`, `\includegraphics`, `\html…`) as coloured text
/// instead of failing, even with `throwOnError`. This colour is only ever used for that, so finding
/// it in the output means a forbidden command was used.
const UNTRUSTED_COLOR: &str = "#cc0001";

/// Commands KaTeX only allows with `trust`, which is off: a book page may not link or embed things
/// from inside a formula.
const UNTRUSTED_COMMANDS: [&str; 7] = [
    "\\href",
    "\\url",
    "\\includegraphics",
    "\\htmlClass",
    "\\htmlId",
    "\\htmlStyle",
    "\\htmlData",
];

/// A formula KaTeX refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    /// e.g. `KaTeX parse error: Undefined control sequence: \bxx`.
    pub message: String,
    /// Byte offset in the TeX of the offending token, when KaTeX's position lies in the formula
    /// itself (it may instead point into a macro's body).
    pub offset: Option<usize>,
}

/// Options for inline and display math, macros included.
#[derive(Debug, Clone)]
pub struct Renderer {
    inline: Opts,
    display: Opts,
    /// KaTeX alone, without the book's macros: to ask what KaTeX itself defines.
    bare: Opts,
}

impl Renderer {
    pub fn new(macros: &Macros) -> Result<Renderer> {
        let build = |display: bool, macros: &Macros| -> Result<Opts> {
            let mut b = Opts::builder();
            b.display_mode(display)
                // HTML for the eye, MathML for screen readers; its <annotation> is what copy-tex copies.
                .output_type(OutputType::HtmlAndMathml)
                .throw_on_error(true)
                .trust(false)
                .error_color(UNTRUSTED_COLOR.to_string());
            for m in &macros.items {
                b = b.add_macro(m.name.clone(), m.body.clone());
            }
            b.build().context("building KaTeX options")
        };
        Ok(Renderer {
            inline: build(false, macros)?,
            display: build(true, macros)?,
            bare: build(false, &Macros::default())?,
        })
    }

    /// Whether KaTeX itself defines `name` (e.g. `\R`), so that a book macro of that name replaces
    /// one of KaTeX's commands, which KaTeX's own macros may expand to.
    ///
    /// Asked the way KaTeX decides it: `\newcommand` refuses to redefine a name KaTeX knows in any
    /// role (macro, function, math or text symbol). Any other failure counts as "defined", which
    /// at worst makes a macro a dependency of every formula.
    pub fn is_katex_builtin(&self, name: &str) -> bool {
        katex::render_with_opts(&format!("\\newcommand{{{name}}}{{}}"), &self.bare).is_err()
    }

    /// Render one formula. `Err` is the author's mistake; a broken engine is reported as one too,
    /// with KaTeX's own words, because it is never silently skipped.
    pub fn render(&self, tex: &str, display: bool) -> Result<String, RenderError> {
        let opts = if display { &self.display } else { &self.inline };
        match katex::render_with_opts(tex, opts) {
            Ok(html) if html.contains(UNTRUSTED_COLOR) => Err(untrusted(tex)),
            Ok(html) => Ok(html),
            Err(katex::Error::JsExecError(detail)) => Err(parse_error(tex, &detail)),
            Err(e) => Err(RenderError {
                message: format!("KaTeX failed: {e}"),
                offset: None,
            }),
        }
    }
}

fn untrusted(tex: &str) -> RenderError {
    let found = UNTRUSTED_COMMANDS
        .iter()
        .filter_map(|c| tex.find(c).map(|at| (at, *c)))
        .min();
    RenderError {
        message: format!(
            "KaTeX: {} is not allowed in the book's formulas (trust is off)",
            found.map_or("this command", |(_, c)| c)
        ),
        offset: found.map(|(at, _)| at),
    }
}

/// Turn the engine's exception text into a message and a position in `tex`.
///
/// The `katex` crate hands over QuickJS's debug rendering of the thrown value, e.g.
/// `String("ParseError: KaTeX parse error: Undefined control sequence: \\bxx at position 1: …")`.
fn parse_error(tex: &str, detail: &str) -> RenderError {
    let text = unescape_debug(detail);
    let text = text
        .strip_prefix("String(\"")
        .and_then(|t| t.strip_suffix("\")"))
        .unwrap_or(&text);
    let text = text.strip_prefix("ParseError: ").unwrap_or(text);
    let (message, offset) = match split_position(text) {
        Some((msg, pos, context)) => (msg, locate(tex, pos, context)),
        None => match text.find(" at end of input") {
            Some(i) => (&text[..i], None),
            None => (text, None),
        },
    };
    let message = message.trim();
    RenderError {
        // KaTeX's own errors say "KaTeX parse error"; anything else (QuickJS's "InternalError:
        // stack overflow" for absurd nesting) gets the same prefix so the author knows who spoke.
        message: if message.starts_with("KaTeX") {
            message.to_string()
        } else {
            format!("KaTeX: {message}")
        },
        offset,
    }
}

/// `… at position 12: context` → (`…`, 12, `context`).
fn split_position(text: &str) -> Option<(&str, usize, &str)> {
    const MARK: &str = " at position ";
    let mut from = 0;
    while let Some(i) = text[from..].find(MARK).map(|i| from + i) {
        let rest = &text[i + MARK.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0
            && let Some(context) = rest[digits..].strip_prefix(": ")
            && let Ok(pos) = rest[..digits].parse::<usize>()
        {
            return Some((&text[..i], pos, context));
        }
        from = i + MARK.len();
    }
    None
}

/// KaTeX's position is 1-based in UTF-16 units of the lexer's input, which is the formula or, for
/// an error inside a macro's expansion, the macro's body. Trust it only when the underlined part of
/// KaTeX's context (each character followed by U+0332) is found there in the formula.
fn locate(tex: &str, pos: usize, context: &str) -> Option<usize> {
    let mut underlined = String::new();
    let mut prev: Option<char> = None;
    for c in context.chars() {
        if c == '\u{332}' {
            if let Some(p) = prev.take() {
                underlined.push(p);
            }
        } else {
            prev = Some(c);
        }
    }
    let target = pos.checked_sub(1)?;
    let mut units = 0;
    for (byte, c) in tex.char_indices() {
        if units == target {
            return tex[byte..].starts_with(&underlined).then_some(byte);
        }
        units += c.len_utf16();
    }
    None
}

/// Undo Rust's `{:?}` string escaping (`\\`, `\"`, `\n`, `\u{332}` …).
fn unescape_debug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('u') if chars.peek() == Some(&'{') => {
                chars.next();
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push('\u{fffd}'),
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use preprocessor_kit::SourceFile;

    fn renderer() -> Renderer {
        let src = SourceFile::new(
            "m.tex",
            "\\newcommand{\\bx}{\\mathbf{x}}\n\\newcommand{\\second}[2]{#2}\n",
        );
        Renderer::new(&Macros::parse(&src).unwrap()).unwrap()
    }

    #[test]
    fn renders_html_and_mathml_with_macros() {
        let r = renderer();
        let html = r.render("\\bx_t", false).unwrap();
        assert!(html.starts_with("<span class=\"katex\">"), "{html}");
        assert!(html.contains("<annotation encoding=\"application/x-tex\">\\bx_t</annotation>"));
        assert!(html.contains("katex-html"));
        let display = r.render("\\frac{a}{b}", true).unwrap();
        assert!(display.starts_with("<span class=\"katex-display\">"));
    }

    #[test]
    fn declared_but_unused_arguments_are_consumed() {
        let html = renderer().render("\\second{a}{b}c", false).unwrap();
        assert!(html.contains(">b</mi>") && html.contains(">c</mi>") && !html.contains(">a</mi>"));
    }

    #[test]
    fn parse_errors_have_message_and_offset() {
        let r = renderer();
        let e = r.render("a + \\bxx", false).unwrap_err();
        assert_eq!(
            e.message,
            "KaTeX parse error: Undefined control sequence: \\bxx"
        );
        assert_eq!(e.offset, Some(4));
        let e = r.render("\\text{中文} \\nope", false).unwrap_err();
        assert_eq!(e.offset, Some("\\text{中文} ".len()));
        let e = r.render("x_{", false).unwrap_err();
        assert_eq!(e.message, "KaTeX parse error: Expected '}', got 'EOF'");
        assert_eq!(e.offset, None);
    }

    #[test]
    fn absurd_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}x{}", "{".repeat(5000), "}".repeat(5000));
        let e = renderer().render(&deep, false).unwrap_err();
        assert!(e.message.starts_with("KaTeX: "), "{}", e.message);
    }

    #[test]
    fn untrusted_commands_fail() {
        let e = renderer()
            .render("a\\href{https://example.com}{b}", false)
            .unwrap_err();
        assert!(e.message.contains("\\href"), "{}", e.message);
        assert_eq!(e.offset, Some(1));
    }

    #[test]
    fn knows_what_katex_defines_itself() {
        let r = renderer();
        assert!(r.is_katex_builtin("\\R"));
        assert!(r.is_katex_builtin("\\frac"));
        assert!(r.is_katex_builtin("\\iff"));
        assert!(r.is_katex_builtin("\\argmin") && r.is_katex_builtin("\\N"));
        // Text-mode only, still KaTeX's.
        assert!(r.is_katex_builtin("\\ss"));
        assert!(r.is_katex_builtin("\\textdollar"));
        // Ours, not KaTeX's.
        assert!(!r.is_katex_builtin("\\bx"));
        assert!(!r.is_katex_builtin("\\second"));
    }

    #[test]
    fn bundled_katex_is_the_version_our_assets_match() {
        assert_eq!(KATEX_VERSION.trim(), "0.16.4");
    }
}
