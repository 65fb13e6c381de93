//! Regular expressions a rule may use, checked when the rule is saved. Banji's engine
//! (the `regex` crate) never backtracks, so no pattern can stall the webhook here; the
//! patterns are refused anyway where they would stall a backtracking engine (nested
//! unbounded repetition, `(a+)+`), because rules are exported and copied into other
//! systems, and a rule that cannot be read safely is a bad rule. A pattern is also bounded
//! in length, nesting and compiled size, so ten thousand of them stay cheap to build.

use regex::{Regex, RegexBuilder};
use regex_syntax::hir::{Hir, HirKind};

/// The compiled size one pattern may take (bytes).
pub const SIZE_LIMIT: usize = 256 * 1024;
const MAX_CHARS: usize = shared::autoreply::MAX_KEYWORD_CHARS;
const NEST_LIMIT: u32 = 20;
/// A counted repetition above this counts as unbounded (`a{1,5000}`).
const LARGE_REPEAT: u32 = 100;

/// The pattern compiled, or why it is refused (in Chinese: the editor shows it).
pub fn compile(pattern: &str) -> Result<Regex, String> {
    if pattern.trim().is_empty() {
        return Err("正则表达式不能为空".into());
    }
    if pattern.chars().count() > MAX_CHARS {
        return Err(format!("正则表达式最长 {MAX_CHARS} 个字符"));
    }
    let hir = regex_syntax::ParserBuilder::new()
        .nest_limit(NEST_LIMIT)
        .build()
        .parse(pattern)
        .map_err(|e| format!("不是有效的正则表达式：{}", first_line(&e.to_string())))?;
    if nested_repetition(&hir, false) {
        return Err("嵌套的重复（如 (a+)+、(\\w*)*）在回溯式引擎中可能耗时数秒，请改写为不嵌套的形式".into());
    }
    RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()
        .map_err(|_| "正则表达式过于复杂（重复次数太多），请简化".into())
}

fn first_line(message: &str) -> &str {
    message.lines().rev().find(|l| l.starts_with("error:")).unwrap_or(message.lines().next().unwrap_or_default())
}

fn unbounded(max: Option<u32>) -> bool {
    max.is_none_or(|m| m > LARGE_REPEAT)
}

/// An unbounded repetition inside another one.
fn nested_repetition(hir: &Hir, inside: bool) -> bool {
    match hir.kind() {
        HirKind::Repetition(rep) => {
            let open = unbounded(rep.max);
            if open && inside {
                return true;
            }
            nested_repetition(&rep.sub, inside || open)
        }
        HirKind::Capture(cap) => nested_repetition(&cap.sub, inside),
        HirKind::Concat(all) | HirKind::Alternation(all) => all.iter().any(|h| nested_repetition(h, inside)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_that_backtrack_catastrophically_elsewhere_are_refused() {
        for bad in [r"^(a+)+$", r"(\w*)*x", r"(x+x+)+y", r"((ab)*c+)+", r"(.{1,1000})+"] {
            let refused = compile(bad).unwrap_err();
            assert!(refused.contains("嵌套的重复"), "{bad}: {refused}");
        }
    }

    #[test]
    fn ordinary_patterns_compile_and_bad_ones_say_why() {
        for good in [r"^奖学金", r"(请假|休假)\s*\d+天", r"^\d{10}$", r"(ab){2,3}c+"] {
            assert!(compile(good).is_ok(), "{good}");
        }
        assert!(compile("(").unwrap_err().starts_with("不是有效的正则表达式"));
        assert!(compile(&"a".repeat(201)).unwrap_err().contains("最长"));
        assert!(compile(r"\w{1000}\w{1000}\w{1000}").unwrap_err().contains("过于复杂"));
        assert_eq!(compile(" ").unwrap_err(), "正则表达式不能为空");
    }
}
