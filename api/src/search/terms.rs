//! How text becomes search terms — the same on SQLite and PostgreSQL, so one query finds
//! the same things on both.
//!
//! Chinese has no spaces, and students search with fragments (「请假」, 「奖学」 for 奖学金), so
//! a dictionary segmenter (jieba) is the wrong tool: 「奖学」 is not one of its words and a
//! search for it would find nothing. Instead every run of Chinese characters is cut into
//! overlapping **bigrams** (奖学金 → 奖学, 学金); a query is cut the same way and an item
//! matches when it holds all of the query's terms. Any fragment of two or more characters
//! is therefore found, with no dictionary to keep and nothing backend-specific (SQLite's
//! FTS5 trigram tokenizer and PostgreSQL's pg_trgm both need three characters). Letters
//! and digits are kept as whole lower-cased words (学号 2023001, "Excel"); a lone Chinese
//! character (a surname such as 张) is a term of its own.

use std::collections::BTreeSet;

/// Longest text indexed per item: enough for a long notice, bounded for the index's size.
pub const MAX_INDEXED_CHARS: usize = 4000;
/// Most terms one query may hold (a longer query is cut).
pub const MAX_QUERY_TERMS: usize = 12;

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Full-width letters and digits as their ASCII forms, lower-cased.
fn fold(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// The distinct terms of `text` (bounded by [`MAX_INDEXED_CHARS`]).
pub fn terms(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut cjk: Vec<char> = Vec::new();
    let mut word = String::new();
    let flush_cjk = |run: &mut Vec<char>, out: &mut BTreeSet<String>| {
        match run.len() {
            0 => {}
            1 => {
                out.insert(run[0].to_string());
            }
            _ => {
                for pair in run.windows(2) {
                    out.insert(pair.iter().collect());
                }
            }
        }
        run.clear();
    };
    let flush_word = |word: &mut String, out: &mut BTreeSet<String>| {
        if !word.is_empty() {
            out.insert(std::mem::take(word));
        }
    };
    for c in text.chars().take(MAX_INDEXED_CHARS).map(fold) {
        if is_cjk(c) {
            flush_word(&mut word, &mut out);
            cjk.push(c);
        } else if c.is_alphanumeric() {
            flush_cjk(&mut cjk, &mut out);
            if word.chars().count() < 40 {
                word.push(c);
            }
        } else {
            flush_cjk(&mut cjk, &mut out);
            flush_word(&mut word, &mut out);
        }
    }
    flush_cjk(&mut cjk, &mut out);
    flush_word(&mut word, &mut out);
    out
}

/// The terms of a query: those of [`terms`], at most [`MAX_QUERY_TERMS`]. Empty when the
/// query holds nothing searchable.
pub fn query_terms(query: &str) -> Vec<String> {
    terms(query).into_iter().take(MAX_QUERY_TERMS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn chinese_is_cut_into_overlapping_pairs_so_any_two_characters_are_found() {
        assert_eq!(terms("奖学金申请"), set(&["奖学", "学金", "金申", "申请"]));
        assert!(terms("国家奖学金申请表").is_superset(&terms("奖学")));
        assert!(terms("请假条（病假）").is_superset(&terms("请假")));
    }

    #[test]
    fn numbers_and_latin_words_are_whole_lowercase_terms_and_full_width_folds() {
        assert_eq!(terms("学号2023001 的 Excel 表"), set(&["学号", "2023001", "的", "excel", "表"]));
        assert_eq!(terms("ＥＸＣＥＬ２０２３"), set(&["excel2023"]));
    }

    #[test]
    fn punctuation_splits_and_a_lone_character_is_its_own_term() {
        assert_eq!(terms("张 老师，电话"), set(&["张", "老师", "电话"]));
        assert!(terms("   ，。！").is_empty());
        assert_eq!(query_terms(&"字".repeat(100)).len(), 1);
    }
}
