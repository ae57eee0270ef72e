//! Chapter page HTML → search documents: one per h1–h3 section and one per exercise or research
//! thread card, with the text a reader sees (answers and hints included, folded or not).
//!
//! KaTeX output is two copies of each formula: MathML (whose `<annotation>` holds the TeX source)
//! and `.katex-html`, a soup of positioned `<span>`s. Only the TeX is kept, as `$…$`, so a formula
//! is searchable by its source and its snippet is readable. Pages built with math placeholders
//! (`mdbook-math`'s `placed` module: KaTeX's HTML goes in after this renderer ran) have each formula
//! as `<span class="math-tex" …>$TeX$</span>` instead; the TeX is read from there.

use scraper::{ElementRef, Html, Node, Selector};

use crate::tokenize::is_cjk;

/// One search result target.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Doc {
    /// Page path with the anchor, relative to the book root, e.g. `ch03/3-3.html#331-…`.
    pub url: String,
    /// Heading or card title, e.g. `3.3.1 第一种推导:Jensen 不等式`, `练习 3.8 先验匹配项有多小`.
    pub title: String,
    /// The page's title (from SUMMARY), shown before the title when they differ.
    pub page: String,
    /// The chapters the page sits in (SUMMARY's parents), e.g. `第 3 章 去噪扩散概率模型（DDPM）`:
    /// a query term found here counts as matched (3.3's sections are about DDPM).
    pub context: String,
    /// Plain text, whitespace collapsed.
    pub body: String,
}

/// Marks a block boundary while text accumulates; becomes a space when normalised. Lets the
/// normaliser tell a block boundary from a soft line break inside a paragraph.
const BLOCK: char = '\u{1}';

/// Cards that become documents of their own, and the classes that make up their titles.
const CARDS: [&str; 2] = ["exercise", "research-thread"];
/// Parts of a card's title line that are labels, not words of the title.
const TITLE_LABELS: [&str; 3] = ["exercise-kind", "exercise-difficulty", "rt-tags"];

/// A chapter page: its path relative to the book root (`ch03/3-3.html`), its name in SUMMARY and
/// the names of the chapters above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub path: String,
    pub title: String,
    pub context: String,
}

/// Extract the documents of one chapter page. A page without `<main>` gives none.
pub fn page_docs(html: &str, page: &Page) -> Vec<Doc> {
    let doc = Html::parse_document(html);
    let Ok(main_sel) = Selector::parse("main") else {
        return Vec::new();
    };
    let Some(main) = doc.select(&main_sel).next() else {
        return Vec::new();
    };
    let mut w = Walker {
        page,
        docs: vec![page.doc(page.path.clone(), page.title.clone())],
        open: vec![0],
    };
    w.children(main);
    let mut docs = w.docs;
    for d in &mut docs {
        d.body = normalise(&d.body);
        d.title = normalise(&d.title);
    }
    // The page's untitled lead-in (before the first heading) only counts if it has text.
    if docs.first().is_some_and(|d| d.body.is_empty()) {
        docs.remove(0);
    }
    docs
}

impl Page {
    fn doc(&self, url: String, title: String) -> Doc {
        Doc {
            url,
            title,
            page: self.title.clone(),
            context: self.context.clone(),
            body: String::new(),
        }
    }
}

struct Walker<'a> {
    page: &'a Page,
    docs: Vec<Doc>,
    /// Documents being filled, innermost last: a heading section, then possibly a card in it.
    open: Vec<usize>,
}

impl Walker<'_> {
    fn push(&mut self, s: &str) {
        if let Some(&i) = self.open.last() {
            self.docs[i].body.push_str(s);
        }
    }

    fn children(&mut self, el: ElementRef) {
        for child in el.children() {
            match child.value() {
                Node::Text(t) => self.push(t),
                Node::Element(_) => {
                    if let Some(e) = ElementRef::wrap(child) {
                        self.element(e);
                    }
                }
                _ => {}
            }
        }
    }

    fn element(&mut self, el: ElementRef) {
        let name = el.value().name();
        if skipped(el) {
            return;
        }
        if let Some(tex) = formula_tex(el) {
            if !tex.is_empty() {
                self.push(&format!(" ${tex}$ "));
            }
            return;
        }
        let id = el.value().attr("id");
        // A heading starts a new section, unless it sits inside a card (then it is card text).
        if let (Some(id), true, 1) = (id, matches!(name, "h1" | "h2" | "h3"), self.open.len()) {
            let doc = self
                .page
                .doc(format!("{}#{id}", self.page.path), text_of(el, &[]));
            self.docs.push(doc);
            self.open = vec![self.docs.len() - 1];
            return;
        }
        if let (Some(id), "section", true) = (id, name, CARDS.iter().any(|c| has_class(el, c))) {
            self.card(el, id);
            return;
        }
        let block = is_block(name);
        if block {
            self.push(&BLOCK.to_string());
        }
        if name == "img"
            && let Some(alt) = el.value().attr("alt")
        {
            self.push(alt);
        }
        self.children(el);
        if block {
            self.push(&BLOCK.to_string());
        }
    }

    /// An exercise or research-thread card: its own document, titled by its first h4.
    fn card(&mut self, el: ElementRef, id: &str) {
        let title_el = el
            .children()
            .filter_map(ElementRef::wrap)
            .find(|c| c.value().name() == "h4");
        let title = title_el
            .map(|t| text_of(t, &TITLE_LABELS))
            .unwrap_or_default();
        let doc = self.page.doc(format!("{}#{id}", self.page.path), title);
        self.docs.push(doc);
        self.open.push(self.docs.len() - 1);
        for child in el.children() {
            match child.value() {
                Node::Text(t) => self.push(t),
                Node::Element(_) => {
                    if let Some(e) = ElementRef::wrap(child)
                        && Some(e) != title_el
                    {
                        self.element(e);
                    }
                }
                _ => {}
            }
        }
        self.open.pop();
    }
}

/// Elements whose text is not prose: code the browser runs, drawing, buttons, and the labels of
/// folded blocks (参考答案 and 提示 on every card would match everything).
fn skipped(el: ElementRef) -> bool {
    matches!(
        el.value().name(),
        "script" | "style" | "svg" | "button" | "summary" | "template" | "noscript"
    ) || has_class(el, "exercise-difficulty")
}

fn has_class(el: ElementRef, class: &str) -> bool {
    el.value().classes().any(|c| c == class)
}

/// `Some` when `el` is a formula (KaTeX's output or a math placeholder): its TeX source, trimmed
/// (empty when it has none).
fn formula_tex(el: ElementRef) -> Option<String> {
    if has_class(el, "katex") {
        return Some(tex_of(el).unwrap_or_default());
    }
    if has_class(el, "math-tex") {
        let text: String = el.text().collect();
        return Some(text.trim().trim_matches('$').trim().to_string());
    }
    None
}

/// The TeX source of a KaTeX formula, from its MathML annotation.
fn tex_of(el: ElementRef) -> Option<String> {
    let sel = Selector::parse(r#"annotation[encoding="application/x-tex"]"#).ok()?;
    let ann = el.select(&sel).next()?;
    let tex: String = ann.text().collect();
    let tex = tex.trim();
    (!tex.is_empty()).then(|| tex.to_string())
}

/// Text of an element (a heading or a card title), with math as TeX and labels left out.
fn text_of(el: ElementRef, labels: &[&str]) -> String {
    let mut out = String::new();
    collect_text(el, labels, &mut out);
    out
}

fn collect_text(el: ElementRef, labels: &[&str], out: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(_) => {
                let Some(e) = ElementRef::wrap(child) else {
                    continue;
                };
                if skipped(e) || labels.iter().any(|c| has_class(e, c)) {
                    continue;
                }
                if let Some(tex) = formula_tex(e) {
                    if !tex.is_empty() {
                        out.push_str(&format!(" ${tex}$ "));
                    }
                    continue;
                }
                collect_text(e, labels, out);
            }
            _ => {}
        }
    }
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "aside"
            | "header"
            | "footer"
            | "details"
            | "blockquote"
            | "pre"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "table"
            | "thead"
            | "tbody"
            | "tr"
            | "td"
            | "th"
            | "caption"
            | "figure"
            | "figcaption"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "br"
            | "hr"
            | "img"
    )
}

/// Collapse whitespace to single spaces. A line break between two CJK characters is a soft break
/// in the author's Markdown, not a space a reader sees: it is dropped so 变分\n下界 stays one word.
pub fn normalise(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !(c.is_whitespace() || c == BLOCK) {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_whitespace() || chars[i] == BLOCK) {
            i += 1;
        }
        let run = &chars[start..i];
        let soft = !run.contains(&BLOCK) && run.contains(&'\n');
        let between_cjk =
            out.chars().next_back().is_some_and(is_cjk) && chars.get(i).is_some_and(|&c| is_cjk(c));
        let at_edge = out.is_empty() || i == chars.len();
        if !(at_edge || soft && between_cjk) {
            out.push(' ');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(main: &str) -> Vec<Doc> {
        page_docs(
            &format!("<html><body><nav>目录 不要</nav><main>{main}</main></body></html>"),
            &Page {
                path: "ch03/3-3.html".into(),
                title: "3.3 变分下界".into(),
                context: "第 3 章 DDPM".into(),
            },
        )
    }

    #[test]
    fn sections_split_at_h1_to_h3_with_ids() {
        let docs = page(
            r##"<h1 id="33-变分下界"><a class="header" href="#33-变分下界">3.3 变分下界</a></h1>
<p>本节推导<strong>证据下界</strong>。</p>
<h2 id="331-jensen"><a class="header" href="#331-jensen">3.3.1 Jensen 不等式</a></h2>
<p>对数是凹函数。</p><h4 id="x">小标题</h4><p>仍属 3.3.1。</p>"##,
        );
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].url, "ch03/3-3.html#33-变分下界");
        assert_eq!(docs[0].title, "3.3 变分下界");
        assert_eq!(docs[0].body, "本节推导证据下界。");
        assert_eq!(docs[1].title, "3.3.1 Jensen 不等式");
        assert_eq!(docs[1].body, "对数是凹函数。 小标题 仍属 3.3.1。");
        assert_eq!(docs[1].page, "3.3 变分下界");
        assert_eq!(docs[1].context, "第 3 章 DDPM");
    }

    #[test]
    fn exercise_cards_are_documents_with_their_answers() {
        let docs = page(
            r##"<h2 id="练习">练习</h2>
<section class="exercise" id="ex-prior" data-kind="theory" data-difficulty="1">
<h4 class="exercise-title"><a class="exercise-number" href="#ex-prior">练习 3.8</a> <span class="exercise-kind">理论</span> <span class="exercise-difficulty" title="难度 1/4">★</span> <span class="exercise-name">先验匹配项有多小</span></h4>
<p>计算 $L_T$。</p>
<details class="hint"><summary>提示</summary><p>用闭式。</p></details>
<details class="answer"><summary>参考答案</summary><p>约 0.0155 nats。</p></details>
</section>
<p>练习之后的文字。</p>"##,
        );
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].title, "练习");
        assert_eq!(docs[0].body, "练习之后的文字。");
        assert_eq!(docs[1].url, "ch03/3-3.html#ex-prior");
        assert_eq!(docs[1].title, "练习 3.8 先验匹配项有多小");
        assert_eq!(docs[1].body, "计算 $L_T$。 用闭式。 约 0.0155 nats。");
    }

    #[test]
    fn katex_keeps_the_tex_source_and_drops_the_span_soup() {
        let docs = page(
            r#"<h2 id="a">A</h2><p>由<span class="katex"><span class="katex-mathml"><math><semantics><mrow><mi>L</mi></mrow><annotation encoding="application/x-tex">L_{\mathrm{VLB}}</annotation></semantics></math></span><span class="katex-html" aria-hidden="true"><span class="base"><span class="mord mathnormal">L</span><span class="msupsub">VLB</span></span></span></span>可知。</p>"#,
        );
        assert_eq!(docs[0].body, r"由 $L_{\mathrm{VLB}}$ 可知。");
    }

    #[test]
    fn math_placeholders_give_their_tex() {
        let docs = page(
            "<h2 id=\"a\">A</h2><p>由<span class=\"math-tex\" data-math=\"0123-4\">$L_{\\mathrm{VLB}}$</span>与<span class=\"math-tex\" data-math=\"0123-5\">$$\na &lt; b\n$$</span>可知。</p>",
        );
        assert_eq!(docs[0].body, r"由 $L_{\mathrm{VLB}}$ 与 $a < b$ 可知。");
    }

    #[test]
    fn soft_breaks_between_chinese_characters_vanish_but_blocks_stay_apart() {
        assert_eq!(
            page(
                "<h2 id=\"a\">A</h2><p>变分\n下界 and\nELBO</p><ul><li>去噪</li><li>扩散</li></ul>"
            )[0]
            .body,
            "变分下界 and ELBO 去噪 扩散"
        );
    }

    #[test]
    fn pages_without_main_or_text_give_nothing() {
        let a = Page {
            path: "a.html".into(),
            title: "A".into(),
            context: String::new(),
        };
        assert!(page_docs("<html><body><p>x</p></body></html>", &a).is_empty());
        assert!(page("").is_empty());
    }

    #[test]
    fn scripts_and_summaries_are_not_text() {
        let docs = page(
            "<h1 id=\"t\">T</h1><script>var x = 1;</script><details><summary>参考答案</summary>答</details>",
        );
        assert_eq!(docs[0].body, "答");
    }
}
