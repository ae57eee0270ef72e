//! `{#id .kind key=value key="two words"}` attribute lists on directive lines.

/// Parsed attributes, in the order written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attrs {
    pub id: Option<String>,
    pub classes: Vec<String>,
    pub pairs: Vec<(String, String)>,
}

impl Attrs {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Parse the text between the braces.
    pub fn parse(inner: &str) -> Result<Attrs, String> {
        let mut attrs = Attrs::default();
        for token in tokens(inner)? {
            if let Some(id) = token.strip_prefix('#') {
                if attrs.id.is_some() {
                    return Err(format!("more than one id ('#{id}')"));
                }
                if !is_ident(id) {
                    return Err(format!(
                        "id '#{id}' must be lowercase letters, digits and '-', starting with a letter"
                    ));
                }
                attrs.id = Some(id.to_string());
            } else if let Some(class) = token.strip_prefix('.') {
                if class.is_empty() {
                    return Err("empty class '.'".into());
                }
                attrs.classes.push(class.to_string());
            } else if let Some((k, v)) = token.split_once('=') {
                if k.is_empty() {
                    return Err(format!("attribute '{token}' has no name"));
                }
                if attrs.get(k).is_some() {
                    return Err(format!("attribute '{k}' given twice"));
                }
                attrs.pairs.push((k.to_string(), unquote(v).to_string()));
            } else {
                return Err(format!(
                    "cannot read attribute '{token}' (expected #id, .kind or key=value)"
                ));
            }
        }
        Ok(attrs)
    }
}

/// Ids: lowercase ASCII letters, digits and `-`, starting with a letter.
pub fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn unquote(v: &str) -> &str {
    v.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(v)
}

fn tokens(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quote = false;
    for c in s.chars() {
        match c {
            '"' => {
                in_quote = !in_quote;
                cur.push(c);
            }
            c if c.is_whitespace() && !in_quote => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if in_quote {
        return Err("unclosed '\"' in attributes".into());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_id_class_and_pairs() {
        let a = Attrs::parse("#ddpm-elbo .theory difficulty=2 tags=\"a b\"").unwrap();
        assert_eq!(a.id.as_deref(), Some("ddpm-elbo"));
        assert_eq!(a.classes, vec!["theory"]);
        assert_eq!(a.get("difficulty"), Some("2"));
        assert_eq!(a.get("tags"), Some("a b"));
    }

    #[test]
    fn rejects_bad_input() {
        assert!(Attrs::parse("#A").is_err());
        assert!(Attrs::parse("#a #b").is_err());
        assert!(Attrs::parse("x").is_err());
        assert!(Attrs::parse("k=\"open").is_err());
        assert!(Attrs::parse("k=1 k=2").is_err());
    }
}
