//! Shapes of identifiers the book links to (checked without network).

/// New-style `YYMM.NNNNN` (four digits after the dot before 2015) with optional version, or
/// old-style `archive(.XX)/YYMMNNN`.
pub fn is_arxiv_id(s: &str) -> bool {
    let s = match s.rsplit_once('v') {
        Some((base, v))
            if !v.is_empty()
                && v.bytes().all(|b| b.is_ascii_digit())
                && base.contains(['.', '/']) =>
        {
            base
        }
        _ => s,
    };
    if let Some((yymm, num)) = s.split_once('.')
        && yymm.len() == 4
        && yymm.bytes().all(|b| b.is_ascii_digit())
        && num.bytes().all(|b| b.is_ascii_digit())
    {
        let month: u32 = yymm[2..].parse().unwrap_or(0);
        let five_digits = yymm >= "1501";
        return (1..=12).contains(&month) && num.len() == if five_digits { 5 } else { 4 };
    }
    if let Some((archive, num)) = s.split_once('/') {
        let (name, sub) = archive.split_once('.').unwrap_or((archive, ""));
        return !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
            && sub.bytes().all(|b| b.is_ascii_uppercase())
            && num.len() == 7
            && num.bytes().all(|b| b.is_ascii_digit());
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arxiv_ids() {
        for ok in [
            "2006.11239",
            "1312.6114",
            "2006.11239v2",
            "hep-th/9901001",
            "math.PR/0601001",
        ] {
            assert!(is_arxiv_id(ok), "{ok}");
        }
        for bad in [
            "2006.1123",
            "206.11239",
            "arXiv:2006.11239",
            "2006-11239",
            "hep-th/99",
            "",
        ] {
            assert!(!is_arxiv_id(bad), "{bad}");
        }
    }
}
