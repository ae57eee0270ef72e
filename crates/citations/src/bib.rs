//! The bibliography: `book/references.toml`, one table per work, checked when loaded.

use std::collections::{BTreeMap, HashMap};

use preprocessor_kit::refs::is_arxiv_id;
use preprocessor_kit::{Diagnostic, Diagnostics};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub authors: Vec<String>,
    pub title: String,
    pub year: i64,
    pub venue: String,
    pub arxiv: Option<String>,
    pub doi: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Default)]
pub struct Bibliography {
    pub entries: BTreeMap<String, Entry>,
    /// In-text label per key, e.g. `Ho 等，2020` or `Song 等，2021a` (full-width comma: the label
    /// stands in Chinese text).
    pub labels: HashMap<String, String>,
    /// 1-based line of each key's table in the file (for warnings).
    pub lines: HashMap<String, usize>,
}

impl Bibliography {
    /// Parse and check the file. `display` is the path shown in errors (`book/references.toml`).
    pub fn parse(display: &str, text: &str) -> Result<Bibliography, Diagnostics> {
        let line_of = |key: &str| -> usize {
            let header = format!("[{key}]");
            text.lines()
                .position(|l| l.trim() == header)
                .map_or(1, |i| i + 1)
        };
        let entries: BTreeMap<String, Entry> = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| {
                text[..s.start.min(text.len())].matches('\n').count() + 1
            });
            let mut d = Diagnostic::in_file(
                display,
                format!("cannot read the bibliography: {}", e.message()),
            );
            d.line = line;
            Diagnostics::from(d)
        })?;
        let mut diags = Diagnostics::new();
        let mut lines = HashMap::new();
        for (key, e) in &entries {
            let line = line_of(key);
            lines.insert(key.clone(), line);
            let mut err = |m: String| {
                let mut d = Diagnostic::in_file(display, format!("[{key}]: {m}"));
                d.line = line;
                diags.push(d);
            };
            if e.authors.is_empty() || e.authors.iter().any(|a| a.trim().is_empty()) {
                err("authors must be a non-empty list of names".into());
            }
            if e.title.trim().is_empty() {
                err("empty title".into());
            }
            if !(1600..=2100).contains(&e.year) {
                err(format!("implausible year {}", e.year));
            }
            if e.arxiv.is_none() && e.doi.is_none() && e.url.is_none() {
                err("needs one of arxiv, doi or url".into());
            }
            if let Some(a) = &e.arxiv
                && !is_arxiv_id(a)
            {
                err(format!(
                    "malformed arXiv id '{a}' (expected NNNN.NNNNN or archive/NNNNNNN)"
                ));
            }
            if let Some(d) = &e.doi
                && !is_doi(d)
            {
                err(format!("malformed DOI '{d}' (expected 10.NNNN/…)"));
            }
            if let Some(u) = &e.url
                && !(u.starts_with("https://") || u.starts_with("http://"))
            {
                err(format!("URL '{u}' must start with https:// or http://"));
            }
        }
        diags.into_result()?;
        let labels = labels(&entries);
        Ok(Bibliography {
            entries,
            labels,
            lines,
        })
    }

    /// The link a reader follows for an entry: arXiv, else DOI, else URL.
    pub fn link(e: &Entry) -> String {
        if let Some(a) = &e.arxiv {
            format!("https://arxiv.org/abs/{a}")
        } else if let Some(d) = &e.doi {
            format!("https://doi.org/{d}")
        } else {
            e.url.clone().unwrap_or_default()
        }
    }

    /// The closest keys to an unknown one, for "did you mean".
    pub fn suggest(&self, key: &str) -> Vec<&str> {
        let mut scored: Vec<(usize, &str)> = self
            .entries
            .keys()
            .map(|k| (edit_distance(key, k), k.as_str()))
            .collect();
        scored.sort();
        let limit = (key.len() / 3).max(2);
        scored
            .into_iter()
            .take_while(|(d, _)| *d <= limit)
            .take(3)
            .map(|(_, k)| k)
            .collect()
    }
}

fn is_doi(s: &str) -> bool {
    s.strip_prefix("10.")
        .and_then(|r| r.split_once('/'))
        .is_some_and(|(reg, suffix)| {
            (4..=9).contains(&reg.len())
                && reg.bytes().all(|b| b.is_ascii_digit())
                && !suffix.is_empty()
        })
}

/// Surname as cited: the last word, with lowercase particles kept (`van den Oord`).
pub fn surname(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let Some(last) = words.len().checked_sub(1) else {
        return String::new();
    };
    let mut start = last;
    while start > 0
        && words[start - 1]
            .chars()
            .next()
            .is_some_and(char::is_lowercase)
    {
        start -= 1;
    }
    words[start..].join(" ")
}

/// `Ho，2020`, `Ho 和 Salimans，2022`, `Ho 等，2020`; equal labels get `a`, `b` … in key order.
fn labels(entries: &BTreeMap<String, Entry>) -> HashMap<String, String> {
    let base: Vec<(&String, String)> = entries
        .iter()
        .map(|(k, e)| {
            let who = match e.authors.as_slice() {
                [one] => surname(one),
                [a, b] => format!("{} 和 {}", surname(a), surname(b)),
                [a, ..] => format!("{} 等", surname(a)),
                [] => "?".into(),
            };
            (k, format!("{who}，{}", e.year))
        })
        .collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for (_, l) in &base {
        *count.entry(l.as_str()).or_default() += 1;
    }
    let mut seen: HashMap<String, u8> = HashMap::new();
    base.iter()
        .map(|(k, l)| {
            if count[l.as_str()] > 1 {
                let n = seen.entry(l.clone()).or_default();
                let suffix = (b'a' + *n) as char;
                *n += 1;
                ((*k).clone(), format!("{l}{suffix}"))
            } else {
                ((*k).clone(), l.clone())
            }
        })
        .collect()
}

pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surnames_and_labels() {
        assert_eq!(surname("Aäron van den Oord"), "van den Oord");
        assert_eq!(surname("Jascha Sohl-Dickstein"), "Sohl-Dickstein");
        let bib = Bibliography::parse(
            "r.toml",
            "[a2021x]\nauthors=[\"Yang Song\",\"B C\",\"D E\"]\ntitle=\"T\"\nyear=2021\nvenue=\"V\"\narxiv=\"2011.13456\"\n\
             [b2021y]\nauthors=[\"Yang Song\",\"X Y\",\"Z W\"]\ntitle=\"U\"\nyear=2021\nvenue=\"V\"\narxiv=\"2010.02502\"\n\
             [c2022z]\nauthors=[\"Jonathan Ho\",\"Tim Salimans\"]\ntitle=\"W\"\nyear=2022\nvenue=\"V\"\narxiv=\"2207.12598\"\n",
        )
        .unwrap();
        assert_eq!(bib.labels["a2021x"], "Song 等，2021a");
        assert_eq!(bib.labels["b2021y"], "Song 等，2021b");
        assert_eq!(bib.labels["c2022z"], "Ho 和 Salimans，2022");
    }

    #[test]
    fn bad_entries_report_their_line() {
        let err = Bibliography::parse(
            "book/references.toml",
            "# c\n\n[k2020]\nauthors=[\"A B\"]\ntitle=\"T\"\nyear=2020\nvenue=\"V\"\narxiv=\"2006.1123\"\n",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("book/references.toml:3:1: [k2020]: malformed arXiv id '2006.1123'"),
            "{err}"
        );
        let err = Bibliography::parse(
            "r.toml",
            "[k]\nauthors=[]\ntitle=\"T\"\nyear=2020\nvenue=\"V\"\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("needs one of arxiv, doi or url"));
        let err = Bibliography::parse("r.toml", "[k]\nauthor=[\"A\"]\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("r.toml:2:1: cannot read the bibliography"),
            "{err}"
        );
    }

    #[test]
    fn suggestions() {
        let bib = Bibliography::parse("r.toml", "[ho2020denoising]\nauthors=[\"J Ho\"]\ntitle=\"T\"\nyear=2020\nvenue=\"V\"\narxiv=\"2006.11239\"\n").unwrap();
        assert_eq!(bib.suggest("ho2020denoisng"), vec!["ho2020denoising"]);
        assert!(bib.suggest("zzz").is_empty());
    }
}
