//! Which PyTorch names a piece of inline code holds.
//!
//! A *mention* is inline code that is exactly one API name, optionally followed by one call
//! (`torch.randn_like`, `torch.randn_like()`, `F.mse_loss(pred, eps)`): it becomes a link. Any other
//! code (`torch.randn(3) + 1`, `x.to(torch.float32)`) is an *expression*: the names in it are checked
//! but the code is not linked, because no single page documents it.

use std::ops::Range;

/// A PyTorch name inside a piece of code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Where the name, as written, is in the code.
    pub range: Range<usize>,
    /// The full name: `nn.X` → `torch.nn.X`, `F.x` → `torch.nn.functional.x`.
    pub canonical: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    /// The whole code is one name (with an optional trailing call).
    Mention(Found),
    /// Code that uses these names among other things.
    Expression(Vec<Found>),
    /// No PyTorch name at all.
    Nothing,
}

/// Read a piece of inline code.
pub fn classify(code: &str) -> Code {
    let start = code.len() - code.trim_start().len();
    let end = code.trim_end().len();
    if start < end {
        let name_end = dotted_end(code, start);
        if let Some(canonical) = canonical(&code[start..name_end]) {
            let rest = &code[name_end..end];
            if rest.is_empty() || is_one_call(rest) {
                return Code::Mention(Found {
                    range: start..name_end,
                    canonical,
                });
            }
        }
    }
    let found = names_in(code);
    if found.is_empty() {
        Code::Nothing
    } else {
        Code::Expression(found)
    }
}

/// The full name for a name as written, or `None` when it is not a PyTorch name. Aliases follow
/// the usual imports: `import torch.nn as nn`, `import torch.nn.functional as F`.
pub fn canonical(name: &str) -> Option<String> {
    let (head, tail) = name.split_once('.')?;
    if tail.is_empty() {
        return None;
    }
    match head {
        "torch" => Some(name.to_string()),
        "nn" => Some(format!("torch.nn.{tail}")),
        "F" => Some(format!("torch.nn.functional.{tail}")),
        _ => None,
    }
}

/// Every PyTorch name in `code`, in order. Linear in the length of the code.
pub fn names_in(code: &str) -> Vec<Found> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts_word = i == 0 || !(is_ident_byte(b[i - 1]) || b[i - 1] == b'.');
        if starts_word && is_ident_start(b[i]) {
            let end = dotted_end(code, i);
            if let Some(canonical) = canonical(&code[i..end]) {
                out.push(Found {
                    range: i..end,
                    canonical,
                });
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// End of the dotted identifier `a.b_c.d` starting at `start` (a trailing `.` is not included).
fn dotted_end(code: &str, start: usize) -> usize {
    let b = code.as_bytes();
    let mut end = start;
    let mut i = start;
    loop {
        if i >= b.len() || !is_ident_start(b[i]) {
            return end;
        }
        while i < b.len() && is_ident_byte(b[i]) {
            i += 1;
        }
        end = i;
        if i < b.len() && b[i] == b'.' {
            i += 1;
        } else {
            return end;
        }
    }
}

/// True when `rest` is one parenthesised argument list whose closing parenthesis ends it:
/// `(x)`, `()`, `(x, dim=0)`, but not `(3) + 1` or `(x).clamp(0)`. Quotes are honoured.
fn is_one_call(rest: &str) -> bool {
    let b = rest.as_bytes();
    if b.first() != Some(&b'(') {
        return false;
    }
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == b'\\' {
                i += 1;
            } else if c == q {
                quote = None;
            }
        } else {
            match c {
                b'"' | b'\'' => quote = Some(c),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1 == b.len();
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    false
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(code: &str) -> Option<(String, String)> {
        match classify(code) {
            Code::Mention(f) => Some((code[f.range].to_string(), f.canonical)),
            _ => None,
        }
    }

    fn expr(code: &str) -> Vec<String> {
        match classify(code) {
            Code::Expression(v) => v.into_iter().map(|f| f.canonical).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn aliases_expand_to_full_names() {
        assert_eq!(canonical("torch.randn").as_deref(), Some("torch.randn"));
        assert_eq!(
            canonical("nn.GroupNorm").as_deref(),
            Some("torch.nn.GroupNorm")
        );
        assert_eq!(
            canonical("F.mse_loss").as_deref(),
            Some("torch.nn.functional.mse_loss")
        );
        assert_eq!(canonical("torch"), None);
        assert_eq!(canonical("numpy.exp"), None);
        assert_eq!(canonical("torchvision.datasets"), None);
        assert_eq!(canonical("f.mse_loss"), None);
    }

    #[test]
    fn plain_names_are_mentions() {
        assert_eq!(
            mention("torch.randn_like"),
            Some(("torch.randn_like".into(), "torch.randn_like".into()))
        );
        assert_eq!(
            mention("torch.Tensor.clamp_"),
            Some(("torch.Tensor.clamp_".into(), "torch.Tensor.clamp_".into()))
        );
        assert_eq!(
            mention("nn.GroupNorm"),
            Some(("nn.GroupNorm".into(), "torch.nn.GroupNorm".into()))
        );
    }

    #[test]
    fn call_parentheses_and_arguments_are_stripped() {
        for code in [
            "torch.randn_like()",
            "torch.randn_like(x)",
            " torch.randn_like(x, dtype=torch.float64) ",
            "torch.randn_like(f(x)[0], generator=g)",
            "torch.randn_like(x, s=\")(\")",
        ] {
            assert_eq!(
                mention(code).map(|m| m.1).as_deref(),
                Some("torch.randn_like"),
                "{code}"
            );
        }
        assert_eq!(
            mention("F.mse_loss(pred, eps)").map(|m| m.1).as_deref(),
            Some("torch.nn.functional.mse_loss")
        );
    }

    #[test]
    fn expressions_are_not_mentions_but_their_names_are_found() {
        assert_eq!(mention("torch.randn(3) + 1"), None);
        assert_eq!(expr("torch.randn(3) + 1"), vec!["torch.randn"]);
        assert_eq!(expr("x.to(torch.float32).clamp(0)"), vec!["torch.float32"]);
        assert_eq!(
            expr("with torch.no_grad(): F.silu(nn.Linear(2, 3)(x))"),
            vec![
                "torch.no_grad",
                "torch.nn.functional.silu",
                "torch.nn.Linear"
            ]
        );
        assert_eq!(
            expr("torch.randn(2).torch.x"),
            vec!["torch.randn"],
            "an attribute chain is not a new name"
        );
    }

    #[test]
    fn code_without_torch_names() {
        assert_eq!(classify("minidiff.nn.Linear"), Code::Nothing);
        assert_eq!(classify("import torch"), Code::Nothing);
        assert_eq!(classify("torch."), Code::Nothing);
        assert_eq!(classify(""), Code::Nothing);
        assert_eq!(classify("  "), Code::Nothing);
        assert_eq!(classify("x_t = a * x_0"), Code::Nothing);
        assert_eq!(classify("torch.randn_like(x"), {
            Code::Expression(vec![Found {
                range: 0..16,
                canonical: "torch.randn_like".into(),
            }])
        });
    }

    #[test]
    fn unicode_in_code_is_fine() {
        assert_eq!(classify("张量 torch.exp"), {
            Code::Expression(vec![Found {
                range: 7..16,
                canonical: "torch.exp".into(),
            }])
        });
    }
}
