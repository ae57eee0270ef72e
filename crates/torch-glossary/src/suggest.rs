//! "Did you mean …?" — closest names by edit distance. Only computed when a name is wrong.

/// Up to `max` candidates closest to `target`, best first. A candidate qualifies when its edit
/// distance is small for the name's length, or when its last component is exactly the target's
/// (`torch.GroupNorm` → `torch.nn.GroupNorm`: right name, wrong module).
pub fn closest<'c>(
    target: &str,
    candidates: impl IntoIterator<Item = &'c str>,
    max: usize,
) -> Vec<&'c str> {
    let limit = (target.len() / 3).max(2);
    let last = last_component(target);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter(|c| *c != target)
        .filter_map(|c| {
            if last_component(c) == last {
                // Rank a module mix-up like a one-letter typo.
                return Some((1, c));
            }
            levenshtein_within(target, c, limit).map(|d| (d, c))
        })
        .collect();
    scored.sort_unstable();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(max).map(|(_, c)| c).collect()
}

fn last_component(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// Edit distance between `a` and `b` (bytes; names are ASCII) when it is at most `limit`.
pub fn levenshtein_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= limit).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(levenshtein_within("kitten", "sitting", 5), Some(3));
        assert_eq!(levenshtein_within("kitten", "sitting", 2), None);
        assert_eq!(levenshtein_within("", "abc", 3), Some(3));
        assert_eq!(levenshtein_within("same", "same", 0), Some(0));
    }

    #[test]
    fn did_you_mean_picks_the_closest_names() {
        let names = [
            "torch.randn",
            "torch.randn_like",
            "torch.rand_like",
            "torch.cumprod",
            "torch.nn.GroupNorm",
        ];
        assert_eq!(
            closest("torch.randn_lik", names, 2),
            vec!["torch.randn_like", "torch.rand_like"]
        );
        assert_eq!(
            closest("torch.GroupNorm", names, 3),
            vec!["torch.nn.GroupNorm"]
        );
        assert!(closest("torch.zzzzzzzz", names, 3).is_empty());
        // The target itself is never suggested.
        assert!(closest("torch.randn", ["torch.randn"], 3).is_empty());
    }
}
