//! The word list: admins keep it in the console; a post containing any word (ignoring
//! ASCII case) is held for review. Matched with Aho–Corasick, so a long list costs one pass
//! over the post.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::db::Db;

/// Words a list may hold, and the longest word.
pub const MAX_WORDS: usize = 2_000;
pub const MAX_WORD_CHARS: usize = 30;

pub async fn list(db: &Db) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT word FROM moderation_words ORDER BY word").fetch_all(db.pool()).await
}

/// Replaces the list (trimmed, blank and repeated words dropped).
pub async fn replace(db: &Db, words: &[String]) -> sqlx::Result<Vec<String>> {
    let mut clean: Vec<String> = words.iter().map(|w| w.trim().to_string()).filter(|w| !w.is_empty()).collect();
    clean.sort();
    clean.dedup();
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM moderation_words").execute(&mut *tx).await?;
    for word in &clean {
        sqlx::query("INSERT INTO moderation_words (word) VALUES ($1)").bind(word).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(clean)
}

/// The words of `words` that `text` contains, each once, in the order met.
pub fn hits(words: &[String], text: &str) -> Vec<String> {
    if words.is_empty() {
        return Vec::new();
    }
    let Ok(matcher) =
        AhoCorasick::builder().ascii_case_insensitive(true).match_kind(MatchKind::LeftmostLongest).build(words)
    else {
        return Vec::new();
    };
    let mut found: Vec<String> = Vec::new();
    for m in matcher.find_iter(text) {
        let word = &words[m.pattern().as_usize()];
        if !found.contains(word) {
            found.push(word.clone());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::hits;

    #[test]
    fn a_post_hits_the_words_it_contains_ignoring_ascii_case_each_once() {
        let words = vec!["傻".to_string(), "SB".to_string(), "广告".to_string()];
        assert_eq!(hits(&words, "你真傻，sb，真傻"), vec!["傻".to_string(), "SB".to_string()]);
        assert!(hits(&words, "毕业快乐").is_empty());
        assert!(hits(&[], "任何话").is_empty());
    }
}
