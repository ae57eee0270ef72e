//! Finding `[@key]`, `[@a; @b]` and `[@key, 第 3 节]` in a page's free text.

use std::ops::Range;

use preprocessor_kit::scan::Scan;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub key: String,
    /// Offset of the `@`.
    pub at: usize,
    pub locator: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub range: Range<usize>,
    pub items: Vec<Item>,
}

/// A bracket that looks like a citation but is not well formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub at: usize,
    pub message: String,
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.')
}

/// All citations on a page, in order. Linear: one pass over the bytes, each bracket read once.
pub fn find(text: &str, scan: &Scan) -> (Vec<Citation>, Vec<Malformed>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] != b'[' || bytes[i + 1] != b'@' || !scan.is_free(i) {
            i += 1;
            continue;
        }
        let Some(close) = text[i + 1..]
            .find([']', '['])
            .map(|p| i + 1 + p)
            .filter(|&c| bytes[c] == b']')
        else {
            bad.push(Malformed {
                at: i,
                message: "unclosed citation '[@' (no ']')".into(),
            });
            i += 2;
            continue;
        };
        // `[@x](url)` is a link whose text starts with @, not a citation.
        if bytes.get(close + 1) == Some(&b'(') {
            i = close + 1;
            continue;
        }
        match parse_items(text, i + 1, close) {
            Ok(items) => out.push(Citation {
                range: i..close + 1,
                items,
            }),
            Err((at, message)) => bad.push(Malformed { at, message }),
        }
        i = close + 1;
    }
    (out, bad)
}

fn parse_items(text: &str, start: usize, end: usize) -> Result<Vec<Item>, (usize, String)> {
    let mut items = Vec::new();
    let mut pos = start;
    for part in text[start..end].split(';') {
        let lead = part.len() - part.trim_start().len();
        let at = pos + lead;
        let p = part.trim();
        let Some(rest) = p.strip_prefix('@') else {
            return Err((at, format!("malformed citation item '{p}' (expected @key)")));
        };
        let key: String = rest.chars().take_while(|&c| is_key_char(c)).collect();
        if key.is_empty() {
            return Err((at, "citation without a key ('@' alone)".into()));
        }
        let after = rest[key.len()..].trim();
        let locator = match after.strip_prefix(',') {
            Some(l) if !l.trim().is_empty() => {
                Some(l.split_whitespace().collect::<Vec<_>>().join(" "))
            }
            Some(_) => return Err((at, format!("empty locator after '@{key},'"))),
            None if after.is_empty() => None,
            None => {
                return Err((
                    at,
                    format!("unexpected text '{after}' after '@{key}' (use '@{key}, 第 3 节')"),
                ));
            }
        };
        items.push(Item { key, at, locator });
        pos += part.len() + 1;
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cites(text: &str) -> (Vec<Citation>, Vec<Malformed>) {
        find(text, &Scan::new(text))
    }

    #[test]
    fn forms() {
        let (c, b) = cites("见 [@ho2020denoising],以及 [@a; @b]、[@key, 第 3 节]。");
        assert!(b.is_empty(), "{b:?}");
        assert_eq!(c.len(), 3);
        assert_eq!(
            c[1].items
                .iter()
                .map(|i| i.key.as_str())
                .collect::<Vec<_>>(),
            vec!["a", "b"]
        );
        assert_eq!(c[2].items[0].locator.as_deref(), Some("第 3 节"));
    }

    #[test]
    fn not_in_code_math_or_links() {
        let (c, b) = cites("`[@a]` 与 $[@b]$ 与 [@c](http://x)\n\n```\n[@d]\n```\n");
        assert!(c.is_empty() && b.is_empty(), "{c:?} {b:?}");
    }

    #[test]
    fn malformed() {
        assert!(!cites("[@]").1.is_empty());
        assert!(!cites("[@a; b]").1.is_empty());
        assert!(!cites("[@a,]").1.is_empty());
        assert!(!cites("[@a x]").1.is_empty());
        assert!(!cites("[@a").1.is_empty());
    }
}
