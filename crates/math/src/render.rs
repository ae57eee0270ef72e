//! One formula → KaTeX HTML, through katex-rs, a native Rust port of KaTeX.
//!
//! katex-rs tracks KaTeX [`KATEX_VERSION`] and writes the same HTML + MathML: the differential test
//! (`tests/katex-diff/`, run by `scripts/checks.d/35-katex-diff.sh`) holds it to KaTeX itself, run
//! in Node, on every formula of the book. It costs about a twentieth of KaTeX in QuickJS
//! (docs/PERFORMANCE.md). Its context (fonts, symbols, functions) is built once
//! per thread; its settings hold the macros in a `RefCell` that `\gdef` may change, so every
//! formula gets fresh settings and no formula can change another's rendering.

use std::cell::OnceCell;
use std::sync::Arc;

use anyhow::{Context, Result};
use katex::macros::MacroDefinition;
use katex::{KatexContext, OutputFormat, Settings, TrustSetting};

use crate::depth::{MAX_NESTING, Nesting};
use crate::macros::Macros;

/// The KaTeX release katex-rs 0.3.0 tracks (its README: KaTeX 0.18.5, upstream main commit
/// 49904aa). The CSS and fonts under `theme/katex/` and the differential test's npm `katex` match it.
pub const KATEX_VERSION: &str = "0.18.5";

/// The engine and the KaTeX it tracks, in the cache header: a change of either starts an empty
/// cache.
pub const ENGINE: &str = "katex-rs 0.3.0 (KaTeX 0.18.5), attributes sorted";

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

/// Stack of the threads that run the engine: [`MAX_NESTING`] levels at katex-rs's worst measured
/// 80 KiB a level (debug build) is 40 MiB; the rest is headroom. Only the pages a formula touches
/// are ever backed by memory.
const ENGINE_STACK: usize = 256 << 20;

/// The book's macros and the threads the engine runs on; the engine itself lives per thread.
#[derive(Debug, Clone)]
pub struct Renderer {
    macros: Vec<(String, String)>,
    nesting: Nesting,
    pool: Arc<rayon::ThreadPool>,
}

thread_local! {
    /// katex-rs's context: immutable once built, not shared between threads.
    static CONTEXT: OnceCell<KatexContext> = const { OnceCell::new() };
}

impl Renderer {
    pub fn new(macros: &Macros) -> Result<Renderer> {
        for m in &macros.items {
            if unbraced_sqrt(&m.body).is_some() {
                anyhow::bail!("{}:{}: {}: {UNBRACED_SQRT}", macros.file, m.line, m.name);
            }
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .stack_size(ENGINE_STACK)
            .thread_name(|i| format!("katex-{i}"))
            .build()
            .context("starting the math rendering threads")?;
        Ok(Renderer {
            macros: macros
                .items
                .iter()
                .map(|m| (m.name.clone(), m.body.clone()))
                .collect(),
            nesting: Nesting::new(macros),
            pool: Arc::new(pool),
        })
    }

    /// Run `f` on the engine's threads (their stack holds [`MAX_NESTING`] levels): parallel
    /// iterators inside it render there without a hop per formula.
    pub fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        self.pool.install(f)
    }

    fn settings(&self, display: bool, with_macros: bool) -> Settings {
        let settings = Settings::builder()
            .display_mode(display)
            // HTML for the eye, MathML for screen readers; its <annotation> is what copy-tex copies.
            .output(OutputFormat::HtmlAndMathml)
            .throw_on_error(true)
            .trust(TrustSetting::Bool(false))
            .error_color(UNTRUSTED_COLOR.to_string())
            .build();
        if with_macros {
            let mut map = settings.macros.borrow_mut();
            for (name, body) in &self.macros {
                map.insert(name.clone(), MacroDefinition::String(body.clone()));
            }
        }
        settings
    }

    /// The engine, on one of the engine's threads (inline when already on one).
    /// Settings are made here, per formula: they are not `Sync`, and a formula's `\gdef` changes
    /// its own settings' macros only.
    fn run(
        &self,
        tex: &str,
        display: bool,
        with_macros: bool,
    ) -> Result<String, (String, Option<usize>)> {
        self.pool.install(|| {
            let settings = self.settings(display, with_macros);
            CONTEXT.with(|cell| {
                let ctx = cell.get_or_init(KatexContext::default);
                katex::render_to_string(ctx, tex, &settings)
                    .map_err(|e| (e.to_string(), e.position()))
            })
        })
    }

    /// Whether KaTeX itself defines `name` (e.g. `\R`), so that a book macro of that name replaces
    /// one of KaTeX's commands, which KaTeX's own macros may expand to.
    ///
    /// Asked the way KaTeX decides it: `\newcommand` refuses to redefine a name KaTeX knows in any
    /// role (macro, function, math or text symbol). Any other failure counts as "defined", which
    /// at worst makes a macro a dependency of every formula.
    pub fn is_katex_builtin(&self, name: &str) -> bool {
        self.run(&format!("\\newcommand{{{name}}}{{}}"), false, false)
            .is_err()
    }

    /// What the engine must not be given, found without running it: `\\sqrt` without braces and
    /// nesting past [`MAX_NESTING`]. Checked before the cache too, so a formula cached before a
    /// rule existed is refused as well.
    pub fn check(&self, tex: &str) -> Option<RenderError> {
        if let Some(at) = unbraced_sqrt(tex) {
            return Some(RenderError {
                message: UNBRACED_SQRT.to_string(),
                offset: Some(at),
            });
        }
        let bound = self.nesting.bound(tex);
        if bound > MAX_NESTING {
            return Some(RenderError {
                message: format!(
                    "KaTeX: this formula could nest {} levels deep once its macros are expanded; \
                     at most {MAX_NESTING} are allowed (a macro defined inside a formula, or one \
                     that reaches itself, counts as repeating up to 1000 times: define it in the \
                     macro file instead)",
                    if bound == usize::MAX {
                        "unboundedly".to_string()
                    } else {
                        bound.to_string()
                    }
                ),
                offset: None,
            });
        }
        None
    }

    /// Render one formula. `Err` is the author's mistake, in KaTeX's own words.
    pub fn render(&self, tex: &str, display: bool) -> Result<String, RenderError> {
        // katex-rs recurses on the stack and running out of it aborts the process: a formula that
        // could nest too deep is refused before the engine sees it.
        if let Some(e) = self.check(tex) {
            return Err(e);
        }
        match self.run(tex, display, true) {
            Ok(html) if html.contains(UNTRUSTED_COLOR) => Err(untrusted(tex)),
            Ok(html) => Ok(sort_attributes(&html)),
            Err((text, position)) => Err(parse_error(tex, &text, position)),
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

/// katex-rs keeps an element's attributes in a hash map with a per-process random seed, so the
/// same formula comes out with its attributes in another order from one run to the next. Sorted by
/// name, the output is the same bytes every time (KaTeX's own order is not recoverable; the
/// differential test ignores attribute order). A start tag this does not understand is kept as it
/// is: KaTeX writes every attribute as `name="value"`, with `"` and `<` escaped in values.
fn sort_attributes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let Some(gt) = rest.find('>') else {
            break;
        };
        let tag = &rest[..=gt];
        rest = &rest[gt + 1..];
        match sorted_tag(tag) {
            Some(t) => out.push_str(&t),
            None => out.push_str(tag),
        }
    }
    out.push_str(rest);
    out
}

/// `<name a="1" b="2">` (or `…/>`) with its attributes sorted; `None` for anything else or for a
/// tag with fewer than two attributes (nothing to sort).
fn sorted_tag(tag: &str) -> Option<String> {
    let inner = tag.strip_prefix('<')?.strip_suffix('>')?;
    let (inner, close) = match inner.strip_suffix('/') {
        Some(i) => (i, "/>"),
        None => (inner, ">"),
    };
    if inner.starts_with(['/', '!', '?']) {
        return None;
    }
    let name_end = inner.find(' ')?;
    let (name, mut attrs_src) = inner.split_at(name_end);
    let mut attrs: Vec<&str> = Vec::new();
    loop {
        attrs_src = attrs_src.trim_start_matches(' ');
        if attrs_src.is_empty() {
            break;
        }
        let eq = attrs_src.find("=\"")?;
        let key = &attrs_src[..eq];
        if key.is_empty() || key.contains([' ', '"', '\'', '<', '>']) {
            return None;
        }
        let value_end = attrs_src[eq + 2..].find('"')? + eq + 2;
        attrs.push(&attrs_src[..=value_end]);
        attrs_src = &attrs_src[value_end + 1..];
    }
    if attrs.len() < 2 {
        return None;
    }
    attrs.sort_by_key(|a| a.split('=').next().unwrap_or(""));
    Some(format!("<{name} {}{close}", attrs.join(" ")))
}

/// Why `\sqrt x` is refused: katex-rs 0.3.0 loses the radicand's `padding-left` when the
/// argument is a single unbraced token, so the root sign is drawn over it (KaTeX draws `\sqrt x`
/// and `\sqrt{x}` alike). The differential test (tests/katex-diff) found it.
const UNBRACED_SQRT: &str = "write \\sqrt{…} with braces: katex-rs draws \\sqrt with an unbraced \
                             argument over its radicand (KaTeX does not)";

/// The offset of the first `\sqrt` (optionally with `[n]`) whose argument is not a `{…}` group.
fn unbraced_sqrt(tex: &str) -> Option<usize> {
    let b = tex.as_bytes();
    let mut from = 0;
    while let Some(p) = tex[from..].find("\\sqrt") {
        let at = from + p;
        from = at + 5;
        // `\sqrtx` would be another control word; `\\sqrt` is a line break and `sqrt`.
        let escaped = tex[..at].bytes().rev().take_while(|&c| c == b'\\').count() % 2 == 1;
        if escaped
            || b.get(from)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'@')
        {
            continue;
        }
        let mut i = from;
        let skip_spaces = |i: &mut usize| {
            while b.get(*i).is_some_and(|c| c.is_ascii_whitespace()) {
                *i += 1;
            }
        };
        skip_spaces(&mut i);
        if b.get(i) == Some(&b'[') {
            // The optional index, up to its `]` outside braces.
            let mut depth = 0usize;
            while let Some(&c) = b.get(i) {
                i += 1;
                match c {
                    b'{' => depth += 1,
                    b'}' => depth = depth.saturating_sub(1),
                    b']' if depth == 0 => break,
                    _ => {}
                }
            }
            skip_spaces(&mut i);
        }
        match b.get(i) {
            // End of the formula: KaTeX's own error says what is missing.
            None | Some(b'{') => {}
            Some(_) => return Some(at),
        }
    }
    None
}

/// Turn the engine's error into a message and a position in `tex`. katex-rs words its errors as
/// KaTeX does (`KaTeX parse error: Undefined control sequence: \bxx at position 5: a + \b̲x̲x̲`);
/// `position` is the byte offset in the lexer's input.
fn parse_error(tex: &str, text: &str, position: Option<usize>) -> RenderError {
    let (message, offset) = match split_position(text) {
        Some((msg, _, context)) => (msg, position.and_then(|p| locate(tex, p, context))),
        None => match text.find(" at end of input") {
            Some(i) => (&text[..i], None),
            None => (text, None),
        },
    };
    let message = message.trim();
    RenderError {
        // KaTeX's own errors say "KaTeX parse error"; anything else gets the same prefix so the
        // author knows who spoke.
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

/// The error's byte offset is in the lexer's input: the formula or, for an error inside a macro's
/// expansion, the macro's body. Trust it only when the underlined part of KaTeX's context (each
/// character followed by U+0332) is found there in the formula.
fn locate(tex: &str, at: usize, context: &str) -> Option<usize> {
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
    (tex.is_char_boundary(at) && tex[at..].starts_with(&underlined)).then_some(at)
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
    fn nesting_up_to_the_limit_renders() {
        // The deepest formulas the bound lets through fit the engine threads' stack, in the
        // debug build too (the worst kinds of level measured).
        let n = MAX_NESTING - 1;
        let r = renderer();
        for (open, close) in [
            ("\\frac{", "}{y}"),
            ("\\sqrt{", "}"),
            ("\\left(", "\\right)"),
        ] {
            let tex = format!("{}x{}", open.repeat(n), close.repeat(n));
            if let Err(e) = r.render(&tex, true) {
                panic!("{open}: {}", e.message);
            }
        }
        let tex = format!(
            "{}x{}",
            "\\begin{aligned}".repeat(n - 1),
            "\\end{aligned}".repeat(n - 1)
        );
        let e = r.render(&tex, true);
        assert!(e.is_ok(), "{:?}", e.err().map(|e| e.message));
    }

    #[test]
    fn gdef_stays_inside_its_formula() {
        let r = renderer();
        assert!(r.render("\\gdef\\foo{a}\\foo", false).is_ok());
        assert!(r.render("\\gdef\\bx{y}\\bx", false).is_ok());
        // The engine's threads run every formula; none sees the other's definitions.
        for _ in 0..8 {
            let e = r.render("\\foo", false).unwrap_err();
            assert!(e.message.contains("\\foo"), "{}", e.message);
            let html = r.render("\\bx", false).unwrap();
            assert!(html.contains("mathbf"), "{html}");
        }
    }

    #[test]
    fn unbraced_sqrt_is_refused_where_it_is() {
        let r = renderer();
        for (tex, at) in [
            ("a+\\sqrt\\beta", Some(2)),
            ("\\sqrt2", Some(0)),
            ("\\sqrt[3] x", Some(0)),
        ] {
            let e = r.render(tex, false).unwrap_err();
            assert!(e.message.contains("\\sqrt{…}"), "{}", e.message);
            assert_eq!(e.offset, at, "{tex}");
        }
        for ok in [
            "\\sqrt{\\beta}",
            "\\sqrt [3]{x}",
            "\\sqrt[\\sqrt{2}]{x}",
            "a\\\\sqrt b",
        ] {
            assert!(r.render(ok, false).is_ok(), "{ok}");
        }
        let src = SourceFile::new(
            "m.tex",
            "\\newcommand{\\bx}{x}\n\\newcommand{\\rt}{\\sqrt2}\n",
        );
        let e = Renderer::new(&Macros::parse(&src).unwrap()).unwrap_err();
        assert!(
            e.to_string().starts_with("m.tex:2: \\rt: write \\sqrt{…}"),
            "{e}"
        );
    }

    #[test]
    fn arraystretch_is_read_without_being_named() {
        // macros::KATEX_READS: the engine reads \arraystretch from the macros by itself.
        let stretched = Renderer::new(
            &Macros::parse(&SourceFile::new(
                "m.tex",
                "\\newcommand{\\arraystretch}{2}\n",
            ))
            .unwrap(),
        )
        .unwrap();
        let tex = "\\begin{pmatrix}a\\\\b\\end{pmatrix}";
        assert_ne!(
            stretched.render(tex, true).unwrap(),
            renderer().render(tex, true).unwrap()
        );
    }

    #[test]
    fn attributes_come_out_in_one_order() {
        assert_eq!(
            sort_attributes(
                "<svg xmlns=\"x\" width=\"1em\" viewBox=\"0 0 1 1\"><path d=\"M0 0\"/></svg>a<b"
            ),
            "<svg viewBox=\"0 0 1 1\" width=\"1em\" xmlns=\"x\"><path d=\"M0 0\"/></svg>a<b"
        );
        assert_eq!(
            sort_attributes("<span style=\"a:1\" class=\"x\" aria-hidden=\"true\">t</span>"),
            "<span aria-hidden=\"true\" class=\"x\" style=\"a:1\">t</span>"
        );
        // Not understood: left alone.
        assert_eq!(sort_attributes("<a b=c d=\"e\">"), "<a b=c d=\"e\">");
        // A formula with an SVG renders to the same bytes every time.
        let r = renderer();
        let html = r.render("\\sqrt{x}", false).unwrap();
        assert!(
            html.contains("<svg height=\"1.08em\" preserveAspectRatio=\"xMinYMin slice\" viewBox="),
            "{html}"
        );
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
        assert_eq!(KATEX_VERSION, "0.18.5");
    }
}
