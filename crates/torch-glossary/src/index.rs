//! The generated index page (`book/pytorch-api.md`): every API the book uses, grouped by module,
//! with its description, its docs link and links back to every section that mentions it.
//!
//! The index replaces a one-line marker, and splices keep line counts, so it is one line of HTML.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use preprocessor_kit::chapters::relative_link;
use preprocessor_kit::html::{escape_attr, escape_text};

use crate::glossary::Glossary;

pub const MARKER: &str = "<!-- generated: torch-api-index -->";

/// A page that mentions an API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The page's path relative to the book's source directory (`ch01/1-4.md`).
    pub path: PathBuf,
    /// Its title as in SUMMARY (`1.4 前向扩散过程`).
    pub title: String,
}

/// Module groups in display order; a name goes to the most specific group that holds it.
const GROUPS: [&str; 11] = [
    "torch",
    "torch.Tensor",
    "torch.nn",
    "torch.nn.functional",
    "torch.distributions",
    "torch.optim",
    "torch.utils.data",
    "torch.autograd",
    "torch.func",
    "torch.fft",
    "torch.linalg",
];

/// The group a name is listed under: `torch.nn.functional.silu` → `torch.nn.functional`,
/// `torch.optim.swa_utils.AveragedModel` → `torch.optim`, `torch.special.expit` → `torch.special`.
pub fn group_of(name: &str) -> String {
    let known = GROUPS
        .iter()
        .filter(|g| **g != "torch")
        .filter(|g| name == **g || name.strip_prefix(**g).is_some_and(|r| r.starts_with('.')))
        .max_by_key(|g| g.len());
    if let Some(g) = known {
        return (*g).to_string();
    }
    // Otherwise the module path: the lowercase components before the object's own name.
    let parts: Vec<&str> = name.split('.').collect();
    let object = parts
        .iter()
        .position(|p| p.starts_with(|c: char| c.is_ascii_uppercase()))
        .unwrap_or(parts.len().saturating_sub(1));
    if object <= 1 {
        "torch".to_string()
    } else {
        parts[..object].join(".")
    }
}

/// The index as one line of HTML, with links relative to `index_page`.
pub fn render(
    index_page: &Path,
    uses: &BTreeMap<String, Vec<Section>>,
    glossary: &Glossary,
) -> String {
    let mut groups: BTreeMap<(usize, String), Vec<&str>> = BTreeMap::new();
    for name in uses.keys() {
        let group = group_of(name);
        let order = GROUPS
            .iter()
            .position(|g| *g == group)
            .unwrap_or(GROUPS.len());
        groups.entry((order, group)).or_default().push(name);
    }
    // Alphabetical regardless of case: `torch.Generator` between `torch.gather` and `torch.linspace`.
    for names in groups.values_mut() {
        names.sort_by_key(|n| (n.to_ascii_lowercase(), *n));
    }
    if groups.is_empty() {
        return "<p class=\"torch-api-index\">正文还没有提到任何 PyTorch API。</p>".into();
    }
    let mut out = String::from("<div class=\"torch-api-index\">");
    for ((_, group), names) in &groups {
        out.push_str(&format!(
            "<h2 id=\"torch-api-{}\">{}</h2><dl>",
            group.replace('.', "-").to_ascii_lowercase(),
            escape_text(group)
        ));
        for name in names {
            let Some(entry) = glossary.get(name) else {
                continue;
            };
            out.push_str(&format!(
                "<dt>{}</dt><dd><span class=\"torch-api-desc\">{}</span> \
                 <span class=\"torch-api-uses\">出现在：",
                link(&entry.url, &entry.desc, name),
                one_line(&escape_text(&entry.desc)),
            ));
            let sections = uses.get(*name).map_or(&[][..], Vec::as_slice);
            for (i, s) in sections.iter().enumerate() {
                if i > 0 {
                    out.push('、');
                }
                out.push_str(&format!(
                    "<a href=\"{}\">{}</a>",
                    escape_attr(&relative_link(index_page, &s.path, "html", None)),
                    one_line(&escape_text(&s.title))
                ));
            }
            out.push_str("</span></dd>");
        }
        out.push_str("</dl>");
    }
    out.push_str("</div>");
    out
}

/// The opening tag of a docs link (the HTML contract: class `torch-api`, description as tooltip).
/// `|` is written as a character reference so a link inside a table cell does not split the cell.
pub fn open_tag(url: &str, desc: &str) -> String {
    format!(
        "<a class=\"torch-api\" href=\"{}\" title=\"{}\">",
        escape_attr(url).replace('|', "&#124;"),
        escape_attr(desc).replace('|', "&#124;")
    )
}

fn link(url: &str, desc: &str, name: &str) -> String {
    format!(
        "{}<code>{}</code></a>",
        open_tag(url, desc),
        escape_text(name)
    )
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiList;

    #[test]
    fn groups() {
        assert_eq!(group_of("torch.randn"), "torch");
        assert_eq!(group_of("torch.Generator"), "torch");
        assert_eq!(group_of("torch.Tensor.clamp_"), "torch.Tensor");
        assert_eq!(group_of("torch.nn.GroupNorm"), "torch.nn");
        assert_eq!(group_of("torch.nn.Module.parameters"), "torch.nn");
        assert_eq!(
            group_of("torch.nn.functional.mse_loss"),
            "torch.nn.functional"
        );
        assert_eq!(
            group_of("torch.optim.swa_utils.AveragedModel"),
            "torch.optim"
        );
        assert_eq!(group_of("torch.special.expit"), "torch.special");
        assert_eq!(group_of("torch.nnx"), "torch");
    }

    #[test]
    fn renders_one_line_grouped_with_back_links() {
        let api = ApiList::embedded().unwrap();
        let (g, d) = Glossary::parse(
            "g.toml",
            "[\"torch.randn\"]\ndesc = \"正态 <随机> 张量\"\n[\"torch.nn.functional.silu\"]\ndesc = \"SiLU\"\n\
             [\"torch.cumprod\"]\ndesc = \"累积乘积\"\n",
            &api,
        );
        assert!(d.is_empty());
        let sec = |p: &str, t: &str| Section {
            path: PathBuf::from(p),
            title: t.into(),
        };
        let mut uses = BTreeMap::new();
        uses.insert(
            "torch.randn".to_string(),
            vec![
                sec("ch01/1-4.md", "1.4 前向"),
                sec("ch03/3-5.md", "3.5 训练"),
            ],
        );
        uses.insert(
            "torch.nn.functional.silu".to_string(),
            vec![sec("ch02/2-2.md", "2.2 U-Net")],
        );
        let html = render(Path::new("pytorch-api.md"), &uses, &g);
        assert!(!html.contains('\n'));
        let torch = html.find("<h2 id=\"torch-api-torch\">torch</h2>").unwrap();
        let f = html
            .find("<h2 id=\"torch-api-torch-nn-functional\">torch.nn.functional</h2>")
            .unwrap();
        assert!(torch < f);
        assert!(html.contains(
            "<a class=\"torch-api\" href=\"https://docs.pytorch.org/docs/stable/generated/torch.randn.html\" \
             title=\"正态 &lt;随机&gt; 张量\"><code>torch.randn</code></a>"
        ));
        assert!(html.contains(
            "出现在：<a href=\"ch01/1-4.html\">1.4 前向</a>、<a href=\"ch03/3-5.html\">3.5 训练</a>"
        ));
        // Unused entries are not listed.
        assert!(!html.contains("torch.cumprod"));
        // Links are relative to the index page.
        let nested = render(Path::new("appendix/api.md"), &uses, &g);
        assert!(nested.contains("href=\"../ch01/1-4.html\""));
    }

    #[test]
    fn names_sort_regardless_of_case() {
        let api = ApiList::embedded().unwrap();
        let (g, _) = Glossary::parse(
            "g.toml",
            "[\"torch.Generator\"]\ndesc = \"a\"\n[\"torch.gather\"]\ndesc = \"b\"\n[\"torch.log\"]\ndesc = \"c\"\n",
            &api,
        );
        let page = || {
            vec![Section {
                path: PathBuf::from("a.md"),
                title: "a".into(),
            }]
        };
        let uses: BTreeMap<String, Vec<Section>> = ["torch.Generator", "torch.gather", "torch.log"]
            .iter()
            .map(|n| (n.to_string(), page()))
            .collect();
        let html = render(Path::new("i.md"), &uses, &g);
        let at = |n: &str| html.find(&format!("<code>{n}</code>")).unwrap();
        assert!(at("torch.gather") < at("torch.Generator"));
        assert!(at("torch.Generator") < at("torch.log"));
    }

    #[test]
    fn empty_index() {
        let html = render(
            Path::new("pytorch-api.md"),
            &BTreeMap::new(),
            &Glossary::default(),
        );
        assert!(html.contains("还没有提到"));
    }
}
