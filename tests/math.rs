//! End-to-end checks of the book's mathematics: build the real book with the pinned mdBook into a
//! temporary folder and read the HTML a reader gets.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use diffusion_book::{append, build_copy, real_book, repo_root};

use mdbook_math::extract;
use preprocessor_kit::scan::Scan;

/// The real book, built once per test binary by the shared harness (tests/support); its HTML.
fn built() -> &'static Path {
    static CHECKED: OnceLock<()> = OnceLock::new();
    let book = real_book();
    CHECKED.get_or_init(|| {
        // mdBook rebuilds the page as a tree and warns when inline HTML is malformed; rendered math
        // is most of the page's HTML, so any such warning is a bug here (or in another preprocessor).
        for bad in ["unclosed HTML tag", "html parse error"] {
            assert!(!book.stderr.contains(bad), "mdbook warned: {}", book.stderr);
        }
    });
    &book.out
}

fn files_with_ext(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            files_with_ext(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
}

fn html_pages() -> BTreeMap<PathBuf, String> {
    let mut files = Vec::new();
    files_with_ext(built(), "html", &mut files);
    files
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).expect("read page");
            (p.strip_prefix(built()).unwrap_or(&p).to_path_buf(), text)
        })
        .collect()
}

/// The page's own content (mdBook puts it in `<main>`), without the theme around it.
fn main_of(html: &str) -> &str {
    let start = html.find("<main>").unwrap_or(0);
    let end = html[start..]
        .find("</main>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

fn decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find(';').filter(|&e| e <= 12);
        let ent = end.map(|e| &tail[1..e]);
        let c = match ent {
            Some("amp") => Some('&'),
            Some("lt") => Some('<'),
            Some("gt") => Some('>'),
            Some("quot") => Some('"'),
            Some("apos") => Some('\''),
            Some("nbsp") => Some('\u{a0}'),
            Some(e) if e.starts_with("#x") || e.starts_with("#X") => {
                u32::from_str_radix(&e[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            Some(e) if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match (c, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The TeX of every rendered formula of a page, in order (what copy-tex copies).
fn annotations(html: &str) -> Vec<String> {
    const OPEN: &str = "<annotation encoding=\"application/x-tex\">";
    html.split(OPEN)
        .skip(1)
        .filter_map(|s| s.split("</annotation>").next())
        .map(decode)
        .collect()
}

/// `html` without the elements that start with `open` (matched by counting `<tag` / `</tag>`).
fn without_elements(html: &str, open: &str, tag: &str) -> String {
    let (start_tag, end_tag) = (format!("<{tag}"), format!("</{tag}>"));
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find(open) {
        out.push_str(&rest[..i]);
        let mut depth = 0usize;
        let mut j = i;
        loop {
            let next_open = rest[j..].find(&start_tag).map(|p| j + p);
            let next_close = rest[j..].find(&end_tag).map(|p| j + p);
            match (next_open, next_close) {
                (Some(o), Some(c)) if o < c => {
                    depth += 1;
                    j = o + start_tag.len();
                }
                (_, Some(c)) => {
                    depth = depth.saturating_sub(1);
                    j = c + end_tag.len();
                    if depth == 0 {
                        break;
                    }
                }
                _ => {
                    j = rest.len();
                    break;
                }
            }
        }
        rest = &rest[j..];
    }
    out.push_str(rest);
    out
}

/// Visible text of a page outside rendered math, code and scripts.
fn prose_text(main: &str) -> String {
    let mut s = without_elements(main, "<span class=\"katex\">", "span");
    for tag in ["pre", "code", "script", "style"] {
        s = without_elements(&s, &format!("<{tag}"), tag);
    }
    let mut text = String::new();
    let mut in_tag = false;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match (c, in_tag, quote) {
            (q, true, Some(open)) if q == open => quote = None,
            (_, true, Some(_)) => {}
            ('"' | '\'', true, None) => quote = Some(c),
            ('>', true, None) => in_tag = false,
            (_, true, None) => {}
            ('<', false, _) => in_tag = true,
            (c, false, _) => text.push(c),
        }
    }
    decode(&text)
}

#[test]
fn pages_contain_katex_html_and_no_errors() {
    let pages = html_pages();
    let notation = pages
        .get(Path::new("notation.html"))
        .expect("notation.html built");
    let main = main_of(notation);
    assert!(
        main.matches("<span class=\"katex\">").count() >= 50,
        "the notation page should be full of rendered formulas"
    );
    assert!(main.contains("katex-mathml") && main.contains("katex-html"));
    for (path, html) in &pages {
        assert!(
            !html.contains("katex-error"),
            "{}: KaTeX error in output",
            path.display()
        );
        // KaTeX's `throwOnError` is on: our only red is the untrusted-command marker, never shipped.
        assert!(!html.contains("#cc0001"), "{}", path.display());
        // The typeset renderer replaced every math placeholder (mdbook_math::placed).
        assert!(
            !html.contains(mdbook_math::placed::OPEN),
            "{}: a math placeholder is left",
            path.display()
        );
    }
}

#[test]
fn no_dollar_delimited_tex_is_left_in_the_text() {
    for (path, html) in html_pages() {
        let text = prose_text(main_of(&html));
        for line in text.lines() {
            let b: Vec<char> = line.chars().collect();
            for (i, &c) in b.iter().enumerate() {
                if c != '$' {
                    continue;
                }
                // A price ($5) is text; a `$` followed by TeX and closed later on the line is not.
                let opens = b
                    .get(i + 1)
                    .is_some_and(|n| !n.is_whitespace() && !n.is_ascii_digit());
                let closes_later = b[i + 1..]
                    .iter()
                    .enumerate()
                    .any(|(k, &d)| d == '$' && k > 0 && !b[i + k].is_whitespace());
                assert!(
                    !(opens && closes_later),
                    "{}: leftover TeX in text: {line}",
                    path.display()
                );
            }
        }
    }
}

/// The TeX without a trailing generated `\tag{3.5}`.
fn without_tag(tex: &str) -> &str {
    match tex.rfind("\\tag{") {
        Some(i)
            if tex.ends_with('}')
                && tex[i + 5..tex.len() - 1]
                    .split_once('.')
                    .is_some_and(|(c, n)| !c.is_empty() && n.parse::<u32>().is_ok()) =>
        {
            &tex[..i]
        }
        _ => tex,
    }
}

#[test]
fn copying_a_formula_gives_its_tex() {
    // Every formula of a source page appears, unchanged, as a MathML annotation of its HTML page, at
    // least as often as in the source (other preprocessors may move blocks or add formulas, e.g.
    // generated indexes, so neither order nor exact counts are required).
    let pages = html_pages();
    let mut sources = Vec::new();
    files_with_ext(&repo_root().join("book"), "md", &mut sources);
    let mut checked = 0;
    for src in sources {
        let rel = src.strip_prefix(repo_root().join("book")).unwrap_or(&src);
        let Some(html) = pages.get(&rel.with_extension("html")) else {
            continue;
        };
        let text = fs::read_to_string(&src).expect("read source");
        let scan = Scan::new(&text);
        let mut got: BTreeMap<String, usize> = BTreeMap::new();
        for a in annotations(main_of(html)) {
            // A labelled equation carries the number the numbering preprocessor put in.
            *got.entry(without_tag(&a).to_string()).or_default() += 1;
        }
        for f in extract::formulas(&text, &scan) {
            let n = got.entry(f.tex.clone()).or_default();
            assert!(
                *n > 0,
                "{}: formula missing or changed in the HTML: {:?}",
                rel.display(),
                f.tex
            );
            *n -= 1;
            checked += 1;
        }
    }
    assert!(checked >= 50, "only {checked} formulas checked");
}

#[test]
fn nothing_is_loaded_from_another_site() {
    let remote = |v: &str| {
        let v = v.trim_matches(|c| c == '"' || c == '\'').trim();
        v.starts_with("http:") || v.starts_with("https:") || v.starts_with("//")
    };
    for (path, html) in html_pages() {
        for tag in html.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap_or_default();
            let name = tag.split_whitespace().next().unwrap_or_default();
            let attr = match name {
                "link" => "href=",
                "script" | "img" | "iframe" | "source" | "audio" | "video" => "src=",
                _ => continue,
            };
            if let Some(v) = tag.split(attr).nth(1) {
                let v = v.split_whitespace().next().unwrap_or_default();
                assert!(!remote(v), "{}: loads <{name}> from {v}", path.display());
            }
        }
    }
    let mut css = Vec::new();
    files_with_ext(built(), "css", &mut css);
    for file in css {
        let text = fs::read_to_string(&file).expect("read css");
        for part in text
            .split("url(")
            .skip(1)
            .chain(text.split("@import").skip(1))
        {
            let v = part.split([')', ';']).next().unwrap_or_default();
            assert!(!remote(v), "{}: loads {v}", file.display());
        }
    }
}

#[test]
fn katex_css_is_linked_and_its_fonts_resolve() {
    let pages = html_pages();
    let notation = pages
        .get(Path::new("notation.html"))
        .expect("notation.html");
    let href = notation
        .split("<link ")
        .filter_map(|l| l.split("href=\"").nth(1)?.split('"').next())
        .find(|h| h.contains("katex") && h.ends_with(".css"))
        .expect("a KaTeX stylesheet link");
    let css_path = built().join(href);
    let css = fs::read_to_string(&css_path).expect("the linked KaTeX CSS exists");
    let dir = css_path.parent().expect("css dir");
    let mut fonts = 0;
    for part in css.split("url(").skip(1) {
        let url = part.split(')').next().unwrap_or_default().trim_matches('"');
        assert!(
            dir.join(url).is_file(),
            "{href}: url({url}) does not resolve"
        );
        fonts += 1;
    }
    assert_eq!(fonts, 20, "KaTeX 0.16.4 has 20 font faces");
    let mut woff2 = Vec::new();
    files_with_ext(built(), "woff2", &mut woff2);
    assert!(
        woff2
            .iter()
            .filter(|p| p.to_string_lossy().contains("KaTeX_"))
            .count()
            >= 20
    );
}

#[test]
fn a_broken_formula_fails_the_build_with_its_line() {
    let mut line = 0;
    let attempt = build_copy(|copy| {
        line = append(
            copy,
            "book/ch03/3-2.md",
            "\n\n正确的 $\\bx_t$。\n\n错误的公式 $\\bxx_t + 1$。\n",
        )? + 4;
        Ok(())
    })
    .expect("build attempt");
    let stderr = attempt.stderr();
    assert!(!attempt.is_ok(), "the build should fail:\n{stderr}");
    let want =
        format!("book/ch03/3-2.md:{line}:8: KaTeX parse error: Undefined control sequence: \\bxx");
    assert!(stderr.contains(&want), "wanted '{want}' in:\n{stderr}");
    assert!(stderr.contains("$\\bxx_t + 1$"), "{stderr}");
}
