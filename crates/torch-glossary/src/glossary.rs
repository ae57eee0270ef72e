//! `book/glossary/pytorch.toml`: one table per API name, with a Chinese description and an optional
//! docs URL. Every entry is checked against the public API list; problems point at the toml line.

use std::collections::{BTreeMap, BTreeSet};

use preprocessor_kit::{Diagnostic, Diagnostics, SourceFile};
use toml::Spanned;

use crate::api::ApiList;
use crate::suggest;
use crate::urls;

/// Path of the glossary inside the book's source directory.
pub const GLOSSARY_FILE: &str = "glossary/pytorch.toml";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub desc: String,
    /// The entry's `url`, or the one derived from the name.
    pub url: String,
    /// Where the entry's key is in the toml file (for warnings about it).
    pub offset: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Glossary {
    /// Path shown to authors, e.g. `book/glossary/pytorch.toml`.
    pub display_path: String,
    pub text: String,
    pub entries: BTreeMap<String, Entry>,
    /// Keys whose entries were reported as wrong: pages using them get no second error.
    pub rejected: BTreeSet<String>,
    /// The file is not valid TOML: nothing in it could be read.
    pub unreadable: bool,
}

impl Glossary {
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.entries.get(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// A diagnostic pointing at an entry's line.
    pub fn at(&self, entry: &Entry, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at(
            &SourceFile::new(self.display_path.as_str(), &self.text),
            entry.offset,
            message,
        )
    }

    /// Parse and check the glossary. Entries with problems are left out and reported.
    pub fn parse(display_path: &str, text: &str, api: &ApiList<'_>) -> (Glossary, Diagnostics) {
        let src = SourceFile::new(display_path, text);
        let mut diags = Diagnostics::new();
        let mut glossary = Glossary {
            display_path: display_path.to_string(),
            text: text.to_string(),
            entries: BTreeMap::new(),
            rejected: BTreeSet::new(),
            unreadable: false,
        };
        let table: BTreeMap<Spanned<String>, Spanned<toml::Value>> = match toml::from_str(text) {
            Ok(t) => t,
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                let mut d = Diagnostic::at(
                    &src,
                    span.start,
                    format!("cannot read the glossary: {}", e.message()),
                );
                if e.message().contains("duplicate key") {
                    // Likely two branches added the same name (the file merges by union).
                    let key = text.get(span).unwrap_or_default();
                    d = d.note(format!("{key} is listed twice: keep one of its entries"));
                }
                diags.push(d);
                glossary.unreadable = true;
                return (glossary, diags);
            }
        };
        // Report in file order, not key order.
        let mut table: Vec<_> = table.into_iter().collect();
        table.sort_by_key(|(k, _)| k.span().start);
        for (key, value) in table {
            let offset = key.span().start;
            let name = key.into_inner();
            match check_entry(&name, value.get_ref(), api) {
                Ok((desc, url)) => {
                    glossary.entries.insert(
                        name.clone(),
                        Entry {
                            name,
                            desc,
                            url,
                            offset,
                        },
                    );
                }
                Err((message, notes)) => {
                    glossary.rejected.insert(name);
                    let mut d = Diagnostic::at(&src, offset, message);
                    for n in notes {
                        d = d.note(n);
                    }
                    diags.push(d);
                }
            }
        }
        (glossary, diags)
    }
}

type EntryError = (String, Vec<String>);

/// `(desc, url)` of a well-formed entry for a public name.
fn check_entry(
    name: &str,
    value: &toml::Value,
    api: &ApiList<'_>,
) -> Result<(String, String), EntryError> {
    let Some(table) = value.as_table() else {
        return Err((
            format!("glossary entry `{name}` must be a table with `desc`"),
            vec![format!("write it as [\"{name}\"] followed by desc = \"…\"")],
        ));
    };
    let Some(desc) = table.get("desc") else {
        if table.values().any(toml::Value::is_table) {
            // `[torch.randn]` without quotes makes nested tables `torch` → `randn`.
            return Err((
                format!("glossary table `{name}` has no `desc`: is a name missing its quotes?"),
                vec!["write the full name in quotes: [\"torch.randn_like\"]".into()],
            ));
        }
        return Err((format!("glossary entry `{name}` has no `desc`"), Vec::new()));
    };
    let desc = match desc.as_str().map(str::trim) {
        Some(d) if !d.is_empty() && !d.contains('\n') => d.to_string(),
        _ => {
            return Err((
                format!("`desc` of `{name}` must be a one-line, non-empty string"),
                Vec::new(),
            ));
        }
    };
    if let Some(field) = table
        .keys()
        .find(|k| !["desc", "url"].contains(&k.as_str()))
    {
        return Err((
            format!("glossary entry `{name}` has an unknown field `{field}`"),
            vec!["allowed fields: desc, url".into()],
        ));
    }
    if !api.contains(name) {
        return Err(not_public(name, api));
    }
    let url = match table.get("url") {
        None => urls::default_url(name, api).map_err(|why| (why, Vec::new()))?,
        Some(u) => match u.as_str() {
            Some(u) if u.starts_with("https://") && !u.contains(char::is_whitespace) => {
                u.to_string()
            }
            _ => {
                return Err((
                    format!("`url` of `{name}` must be an https:// address"),
                    Vec::new(),
                ));
            }
        },
    };
    Ok((desc, url))
}

fn not_public(name: &str, api: &ApiList<'_>) -> EntryError {
    let mut notes = Vec::new();
    if let Some(full) = crate::names::canonical(name).filter(|full| full != name) {
        notes.push(format!("glossary keys are full names: write [\"{full}\"]"));
    } else {
        let close = suggest::closest(name, api.names(), 3);
        if !close.is_empty() {
            notes.push(format!("did you mean {}?", quoted_list(&close)));
        }
    }
    (
        format!(
            "glossary entry `{name}` is not public PyTorch API ({})",
            api.version()
        ),
        notes,
    )
}

/// `` `a` ``, `` `a` or `b` ``, `` `a`, `b` or `c` ``.
pub fn quoted_list(names: &[&str]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match q.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Glossary, Vec<String>) {
        let api = ApiList::embedded().unwrap();
        let (g, d) = Glossary::parse("book/glossary/pytorch.toml", text, &api);
        (g, d.items.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn reads_entries_with_default_and_explicit_urls() {
        let (g, d) = parse(
            "# header\n[\"torch.randn_like\"]\ndesc = \"标准正态随机张量\"\n\n\
             [\"torch.nn.GroupNorm\"]\ndesc = \"组归一化\"\nurl = \"https://example.org/gn\"\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let e = g.get("torch.randn_like").unwrap();
        assert_eq!(e.desc, "标准正态随机张量");
        assert_eq!(
            e.url,
            "https://docs.pytorch.org/docs/stable/generated/torch.randn_like.html"
        );
        assert_eq!(
            g.get("torch.nn.GroupNorm").unwrap().url,
            "https://example.org/gn"
        );
        assert_eq!(
            g.at(e, "x").to_string(),
            "book/glossary/pytorch.toml:2:2: x"
        );
    }

    #[test]
    fn invented_and_alias_keys_fail_at_their_line() {
        let (g, d) = parse(
            "[\"torch.randn\"]\ndesc = \"a\"\n\n[\"torch.diffuse\"]\ndesc = \"b\"\n\n\
             [\"nn.GroupNorm\"]\ndesc = \"c\"\n",
        );
        assert_eq!(g.entries.len(), 1);
        assert!(g.rejected.contains("torch.diffuse") && !g.unreadable);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(
            d[0].starts_with(
                "book/glossary/pytorch.toml:4:2: glossary entry `torch.diffuse` is not public PyTorch API (torch 2."
            ),
            "{d:?}"
        );
        assert!(d[0].contains("did you mean `torch.diff`"), "{d:?}");
        assert!(d[1].starts_with("book/glossary/pytorch.toml:7:2:"), "{d:?}");
        assert!(d[1].contains("[\"torch.nn.GroupNorm\"]"), "{d:?}");
    }

    #[test]
    fn malformed_entries_are_reported() {
        let (_, d) = parse("[torch.randn]\ndesc = \"a\"\n");
        assert!(d[0].contains("missing its quotes"), "{d:?}");
        let (_, d) = parse("[\"torch.randn\"]\ndesk = \"a\"\n");
        assert!(d[0].contains("has no `desc`"), "{d:?}");
        let (_, d) = parse("[\"torch.randn\"]\ndesc = \"a\"\nnote = 1\n");
        assert!(d[0].contains("unknown field `note`"), "{d:?}");
        let (_, d) = parse("[\"torch.randn\"]\ndesc = \" \"\n");
        assert!(d[0].contains("one-line, non-empty"), "{d:?}");
        let (_, d) = parse("[\"torch.randn\"]\ndesc = \"a\"\nurl = \"http://x\"\n");
        assert!(d[0].contains("https://"), "{d:?}");
        let (_, d) = parse("\"torch.randn\" = 3\n");
        assert!(d[0].contains("must be a table"), "{d:?}");
    }

    #[test]
    fn toml_syntax_errors_and_duplicates_have_positions() {
        let (_, d) = parse("[\"torch.randn\"]\ndesc = \"a\"\n[\"torch.randn\"]\ndesc = \"b\"\n");
        assert!(d[0].starts_with("book/glossary/pytorch.toml:3:"), "{d:?}");
        assert!(d[0].contains("torch.randn\" is listed twice"), "{d:?}");
        let (g, d) = parse("[\"torch.randn\"]\ndesc = \n");
        assert!(g.unreadable);
        assert!(d[0].starts_with("book/glossary/pytorch.toml:2:"), "{d:?}");
    }

    #[test]
    fn lists() {
        assert_eq!(quoted_list(&["a"]), "`a`");
        assert_eq!(quoted_list(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
