//! The types of a category template's keywords (类目模板, since 2023) and what each
//! accepts. A keyword's type is its name without the number: `thing3` is a `thing`.
//! A value that breaks its type is refused with 47003 naming the field
//! (`argument invalid! data.thing3.value invalid`). The mock platform checks with these
//! rules; Banji fits its values to them before sending (`delivery::templates::fit`).

/// One keyword type: its name, its length limit in characters, and how the console
/// explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeywordType {
    pub name: &'static str,
    pub limit: usize,
    pub rule: &'static str,
}

const TYPES: &[KeywordType] = &[
    KeywordType { name: "thing", limit: 20, rule: "20 个以内字符，可汉字、数字、字母或符号组合" },
    KeywordType { name: "phrase", limit: 5, rule: "5 个以内汉字" },
    KeywordType { name: "character_string", limit: 32, rule: "32 位以内数字、字母或符号" },
    KeywordType { name: "number", limit: 32, rule: "32 位以内数字，可带小数" },
    KeywordType { name: "letter", limit: 32, rule: "32 位以内字母" },
    KeywordType { name: "symbol", limit: 5, rule: "5 位以内符号" },
    KeywordType {
        name: "amount", limit: 12, rule: "1 个币种符号 + 10 位以内纯数字，可带小数，结尾可带“元”"
    },
    KeywordType { name: "time", limit: 32, rule: "时间，如 2026-09-01 14:00（24 小时制）" },
    KeywordType { name: "date", limit: 32, rule: "日期，如 2026-09-01，可带时间" },
    KeywordType { name: "name", limit: 10, rule: "10 个以内纯汉字或 20 个以内纯字母" },
    KeywordType { name: "phone_number", limit: 17, rule: "17 位以内数字、符号" },
    KeywordType {
        name: "car_number", limit: 8, rule: "8 位以内，第一位与最后一位可为汉字，其余为字母或数字"
    },
    KeywordType { name: "const", limit: 20, rule: "固定内容，由平台填写" },
];

/// Old-style keywords (`keyword1`, `first`, `remark`) and unknown names: 200 characters.
const FREE: KeywordType = KeywordType { name: "text", limit: 200, rule: "200 个以内字符" };

/// The type of a keyword, from its name (`thing3` → thing, `character_string12` →
/// character_string).
pub fn type_of(keyword: &str) -> KeywordType {
    let base = keyword.trim_end_matches(|c: char| c.is_ascii_digit());
    TYPES.iter().copied().find(|t| t.name == base).unwrap_or(FREE)
}

pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
}

/// `2026-09-01`, `2026/9/1`, `2026年9月1日`, each optionally followed by ` 14:00` or
/// ` 14:00:30`, or a time alone (`14:00`), or two of them joined by `~`.
pub fn is_time(value: &str) -> bool {
    if let Some((from, to)) = value.split_once('~') {
        return is_time(from.trim()) && is_time(to.trim());
    }
    let (date, clock) = match value.split_once(' ') {
        Some((d, c)) => (Some(d), Some(c)),
        None if value.contains(':') => (None, Some(value)),
        None => (Some(value), None),
    };
    let date_ok = date.is_none_or(|d| {
        let parts: Vec<&str> = d.trim_end_matches('日').split(['-', '/', '年', '月']).collect();
        parts.len() == 3
            && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
            && parts[0].len() == 4
            && parts[1].len() <= 2
            && parts[2].len() <= 2
    });
    let clock_ok = clock.is_none_or(|c| {
        let parts: Vec<&str> = c.split(':').collect();
        (2..=3).contains(&parts.len())
            && parts.iter().all(|p| (1..=2).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()))
    });
    date_ok && clock_ok
}

fn is_amount(value: &str) -> bool {
    let v = value.strip_prefix(['¥', '￥', '$']).unwrap_or(value);
    let v = v.strip_suffix('元').unwrap_or(v);
    let (whole, cents) = v.split_once('.').unwrap_or((v, ""));
    !whole.is_empty()
        && whole.len() <= 10
        && whole.chars().all(|c| c.is_ascii_digit())
        && cents.len() <= 2
        && cents.chars().all(|c| c.is_ascii_digit())
        && !(v.ends_with('.'))
}

/// Whether the platform accepts `value` for `keyword`.
pub fn valid(keyword: &str, value: &str) -> bool {
    let kind = type_of(keyword);
    let n = value.chars().count();
    if value.contains(['\n', '\r']) || n > kind.limit {
        return false;
    }
    match kind.name {
        "phrase" => n > 0 && value.chars().all(is_han),
        "character_string" => value.chars().all(|c| c.is_ascii_graphic() || c == ' '),
        "number" => {
            !value.is_empty()
                && value.chars().all(|c| c.is_ascii_digit() || c == '.')
                && value.matches('.').count() <= 1
        }
        "letter" => value.chars().all(|c| c.is_ascii_alphabetic()),
        "symbol" => value.chars().all(|c| c.is_ascii_punctuation()),
        "amount" => is_amount(value),
        "time" | "date" => is_time(value),
        "name" => {
            (n <= 10 && value.chars().all(|c| is_han(c) || c == '·'))
                || (n <= 20 && value.chars().all(|c| c.is_ascii_alphabetic() || c == ' '))
        }
        "phone_number" => value.chars().all(|c| c.is_ascii_digit() || "+- ()".contains(c)),
        _ => true,
    }
}

/// The first keyword whose value the platform would refuse, if any.
pub fn first_invalid<'a>(data: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<&'a str> {
    data.into_iter().find(|(k, v)| !valid(k, v)).map(|(k, _)| k)
}

/// The keyword a 47003 names: `argument invalid! data.thing3.value invalid` → thing3.
pub fn named_in(errmsg: &str) -> Option<&str> {
    let rest = &errmsg[errmsg.find("data.")? + 5..];
    let field = rest.split(['.', ' ']).next()?;
    (!field.is_empty() && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(field)
}

/// A template's keywords with the label before each (`通知标题{{thing1.DATA}}` →
/// 通知标题) and their type's limit and rule.
pub fn fields(content: &str) -> Vec<shared::TemplateKeyword> {
    content
        .lines()
        .flat_map(|line| {
            let mut out = Vec::new();
            let mut rest = line;
            while let Some(start) = rest.find("{{") {
                let label = rest[..start].trim().trim_end_matches([':', '：']).trim().to_string();
                let Some((keyword, after)) = rest[start + 2..].split_once(".DATA}}") else { break };
                let kind = type_of(keyword.trim());
                out.push(shared::TemplateKeyword {
                    keyword: keyword.trim().to_string(),
                    label,
                    kind: kind.name.to_string(),
                    limit: kind.limit as i64,
                    rule: kind.rule.to_string(),
                });
                rest = after;
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keywords_type_is_its_name_without_the_number() {
        assert_eq!(type_of("thing3").name, "thing");
        assert_eq!(type_of("character_string12").limit, 32);
        assert_eq!(type_of("phrase1").limit, 5);
        assert_eq!(type_of("keyword1").name, "text");
    }

    #[test]
    fn values_are_checked_against_their_type() {
        assert!(valid("thing1", "关于期末考试安排的通知"));
        assert!(!valid("thing1", "一二三四五六七八九十一二三四五六七八九十一"), "21 characters");
        assert!(valid("phrase2", "紧急"));
        assert!(!valid("phrase2", "urgent"), "a phrase is Chinese characters");
        assert!(!valid("character_string3", "学号2023"), "no Chinese in a character string");
        assert!(valid("character_string3", "2023-0012"));
        assert!(valid("time4", "2026-11-21 14:00"));
        assert!(valid("time4", "2026年11月21日 14:00"));
        assert!(!valid("time4", "无"));
        assert!(valid("amount5", "¥100.50"));
        assert!(!valid("amount5", "一百元"));
        assert!(valid("number6", "3.5"));
        assert!(!valid("number6", "三"));
        assert!(valid("name7", "王小明"));
        assert!(!valid("name7", "王小明123"));
        assert!(valid("phone_number8", "+86 138-0000-0000"));
    }

    #[test]
    fn the_field_a_refusal_names_is_read_from_its_message() {
        assert_eq!(named_in("argument invalid! data.thing3.value invalid rid: 1"), Some("thing3"));
        assert_eq!(named_in("argument invalid!"), None);
    }
}
