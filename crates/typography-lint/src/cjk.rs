//! Character classes.

/// A Han character (CJK unified ideographs and their extensions, compatibility ideographs).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Chinese text for the punctuation rules: Han, CJK punctuation (。、「」), full-width forms
/// (，（）：) and the dash used in Chinese (——). Not `…`: `1, …, T` is a list of numbers.
pub fn is_cjk(c: char) -> bool {
    is_han(c) || matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF | 0x2014)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_han('噪') && is_cjk('噪'));
        assert!(!is_han('，') && is_cjk('，') && is_cjk('」') && !is_cjk('…'));
        assert!(!is_cjk('a') && !is_cjk(',') && !is_cjk('α') && !is_cjk('“'));
    }
}
