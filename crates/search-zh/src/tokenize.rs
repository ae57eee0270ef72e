//! The tokenizer. `assets/search-zh.js` has a line-for-line twin that tokenizes queries; the two
//! must agree, which `tests/tokenize-cases.json` checks from both sides.
//!
//! Text is folded (full-width ASCII → ASCII, lower case) and split into runs of one class:
//! CJK characters become overlapping bigrams (so 变分下界 → 变分 分下 下界), letters and digits
//! become words. Bigrams need no dictionary, so no domain term (分数匹配, 概率流) is ever cut in
//! the wrong place; the false matches they allow (both bigrams present, not adjacent) are removed
//! at query time by checking the text itself. Single characters are not indexed: a one-character
//! query is answered by scanning the stored text.

/// Fold one character: full-width ASCII to ASCII, the ideographic space to a space, upper to
/// lower case when that maps to exactly one character (so folding never moves offsets).
pub fn fold(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Han ideographs (and kana, harmless here) are written without spaces: they get bigrams.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF       // hiragana, katakana
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xF900..=0xFAFF     // compatibility ideographs
        | 0x20000..=0x3134F) // extensions B–G
}

/// Letters and digits of any script other than CJK form words.
pub fn is_word(c: char) -> bool {
    !is_cjk(c) && c.is_alphanumeric()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Cjk,
    Word,
}

/// A maximal run of one class in folded text, as char indices `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub class: Class,
    pub text: String,
}

/// Split text into folded runs; everything that is neither CJK nor a letter or digit separates.
pub fn runs(text: &str) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut cur: Option<Run> = None;
    for c in text.chars().map(fold) {
        let class = if is_cjk(c) {
            Some(Class::Cjk)
        } else if is_word(c) {
            Some(Class::Word)
        } else {
            None
        };
        match (&mut cur, class) {
            (Some(run), Some(k)) if run.class == k => run.text.push(c),
            (_, k) => {
                if let Some(run) = cur.take() {
                    out.push(run);
                }
                cur = k.map(|class| Run {
                    class,
                    text: c.to_string(),
                });
            }
        }
    }
    out.extend(cur);
    out
}

/// The index terms of one run: overlapping bigrams for CJK, the word itself for words.
/// Runs of a single character give no term.
pub fn run_terms(run: &Run) -> Vec<String> {
    let chars: Vec<char> = run.text.chars().collect();
    if chars.len() < 2 {
        return Vec::new();
    }
    match run.class {
        Class::Word => vec![run.text.clone()],
        Class::Cjk => chars.windows(2).map(|w| w.iter().collect()).collect(),
    }
}

/// All index terms of a text, in order, with repeats.
pub fn terms(text: &str) -> Vec<String> {
    runs(text).iter().flat_map(run_terms).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_runs_become_overlapping_bigrams() {
        assert_eq!(terms("变分下界"), ["变分", "分下", "下界"]);
    }

    #[test]
    fn words_are_lowercase_and_split_on_punctuation() {
        assert_eq!(terms("Fokker-Planck 方程"), ["fokker", "planck", "方程"]);
        assert_eq!(terms("classifier-free"), ["classifier", "free"]);
    }

    #[test]
    fn mixed_text_switches_class_without_spaces() {
        assert_eq!(
            terms("DDPM的变分下界"),
            ["ddpm", "的变", "变分", "分下", "下界"]
        );
    }

    #[test]
    fn single_characters_give_no_term() {
        assert_eq!(terms("第 3 章 x"), Vec::<String>::new());
        assert_eq!(terms("熵"), Vec::<String>::new());
    }

    #[test]
    fn full_width_ascii_folds_to_ascii() {
        assert_eq!(terms("ＤＤＰＭ,ＥＬＢＯ"), ["ddpm", "elbo"]);
    }

    #[test]
    fn chinese_punctuation_separates() {
        assert_eq!(terms("去噪,扩散。"), ["去噪", "扩散"]);
    }

    #[test]
    fn tex_source_gives_command_and_argument_words() {
        assert_eq!(terms(r"L_{\mathrm{VLB}}"), ["mathrm", "vlb"]);
    }

    #[test]
    fn greek_and_accented_letters_are_word_characters() {
        assert_eq!(terms("Hyvärinen αβ"), ["hyvärinen", "αβ"]);
    }
}
