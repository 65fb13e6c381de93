//! Rules as a spreadsheet (CSV or XLSX): exported with Chinese headers and read back by
//! the import, so a counselor can keep their FAQ in Excel. Text replies travel (several
//! separated by a line `---`); a rule's files, news and links stay in Banji (the export
//! names them, the import keeps them on a rule it updates). An import row with the name of
//! an existing rule in the same scope updates it; any other row makes a new rule.

use shared::{AutoReplyItem, NewAutoRule};

use shared::RuleImport;

use super::store::{self, RuleRow};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::http::sheet::Sheet;
use crate::people::roster::parse::{cells, Cells};
use crate::state::AppState;

pub const HEADERS: [&str; 8] = ["名称", "匹配方式", "关键词", "回复", "回复方式", "启用", "时段", "对象"];
const KINDS: [(&str, &str); 7] = [
    ("exact", "精确"),
    ("contains", "包含"),
    ("prefix", "开头"),
    ("regex", "正则"),
    ("click", "菜单点击"),
    ("follow", "关注"),
    ("default", "默认"),
];
const AUDIENCES: [(&str, &str); 4] =
    [("everyone", "所有人"), ("students", "学生"), ("teachers", "老师"), ("unbound", "未绑定")];
const SEPARATOR: &str = "\n---\n";
/// The most rules one import adds or changes.
pub const MAX_ROWS: usize = 2000;

fn label(pairs: &[(&'static str, &'static str)], key: &str) -> &'static str {
    pairs.iter().find(|(k, _)| *k == key).map(|(_, l)| *l).unwrap_or("")
}

fn key(pairs: &[(&'static str, &'static str)], value: &str) -> Option<&'static str> {
    let value = value.trim();
    pairs.iter().find(|(k, l)| *l == value || k.eq_ignore_ascii_case(value)).map(|(k, _)| *k)
}

fn reply_cell(replies: &[AutoReplyItem]) -> String {
    let shown: Vec<String> = replies
        .iter()
        .map(|r| match r.kind.as_str() {
            "text" => r.text.clone().unwrap_or_default(),
            other => format!("[{other}: {}]", r.title.clone().unwrap_or_default()),
        })
        .collect();
    shown.join(SEPARATOR)
}

pub fn sheet(rows: &[RuleRow]) -> Sheet<'static> {
    let rows = rows
        .iter()
        .map(|r| {
            let rule = r.rule();
            let window = match (&rule.window_start, &rule.window_end) {
                (Some(s), Some(e)) => format!("{s}-{e}"),
                _ => String::new(),
            };
            vec![
                rule.name.clone(),
                label(&KINDS, &rule.match_kind).into(),
                rule.keywords.join(" | "),
                reply_cell(&rule.replies),
                if rule.reply_mode == "random" { "随机" } else { "依次" }.into(),
                if rule.enabled { "是" } else { "否" }.into(),
                window,
                match rule.audience.as_str() {
                    "classes" => "指定班级".into(),
                    "groups" => "指定小组".into(),
                    other => label(&AUDIENCES, other).into(),
                },
            ]
        })
        .collect();
    Sheet { name: "自动回复", headers: HEADERS.to_vec(), rows, widths: vec![(0, 18.0), (2, 24.0), (3, 48.0)] }
}

/// One row of an import: its line, and the rule it describes (or why not).
pub type ImportRow = (u32, Result<NewAutoRule, String>);

/// Reads an import file into rules for `scope` (`mine` or `account`).
pub fn read(bytes: &[u8], scope: &str) -> Result<Vec<ImportRow>, String> {
    let cells: Cells = cells(bytes).map_err(|e| e.to_string())?;
    let Some((_, header)) = cells.first() else { return Err("文件是空的".into()) };
    let column = |name: &str| header.iter().find(|(_, h)| h.trim() == name).map(|(i, _)| *i);
    let columns: Vec<Option<u32>> = HEADERS.iter().map(|h| column(h)).collect();
    if columns[0].is_none() || columns[3].is_none() {
        return Err("找不到“名称”或“回复”列：第一行须为表头（名称、匹配方式、关键词、回复……）".into());
    }
    if cells.len() > MAX_ROWS + 1 {
        return Err(format!("一次最多导入 {MAX_ROWS} 条规则"));
    }
    Ok(cells
        .iter()
        .skip(1)
        .map(|(line, row)| {
            let get = |i: usize| {
                columns[i]
                    .and_then(|c| row.iter().find(|(col, _)| *col == c))
                    .map(|(_, v)| crate::http::sheet::unneutralised(v.trim()).trim().to_string())
                    .unwrap_or_default()
            };
            (*line, rule_of(scope, &get))
        })
        .collect())
}

fn rule_of(scope: &str, get: &dyn Fn(usize) -> String) -> Result<NewAutoRule, String> {
    let kind_cell = get(1);
    let match_kind =
        if kind_cell.is_empty() { "contains" } else { key(&KINDS, &kind_cell).ok_or("匹配方式不认识")? };
    let replies: Vec<AutoReplyItem> = get(3)
        .replace("\r\n", "\n")
        .split(SEPARATOR.trim_matches('\n'))
        .map(str::trim)
        .filter(|t| !(t.is_empty() || t.starts_with('[') && t.ends_with(']')))
        .map(|t| AutoReplyItem { kind: "text".into(), text: Some(t.into()), ..AutoReplyItem::default() })
        .collect();
    if replies.is_empty() {
        return Err("没有文字回复".into());
    }
    let window = get(6);
    let (window_start, window_end) = match window.split_once('-') {
        Some((s, e)) => (Some(s.trim().to_string()), Some(e.trim().to_string())),
        None if window.is_empty() => (None, None),
        None => return Err("时段应写作 18:00-08:00".into()),
    };
    let audience_cell = get(7);
    let audience = if audience_cell.is_empty() {
        "everyone"
    } else {
        key(&AUDIENCES, &audience_cell).ok_or("对象只能是所有人、学生、老师或未绑定（班级和小组请在页面上设置）")?
    };
    Ok(NewAutoRule {
        name: get(0),
        scope: scope.into(),
        match_kind: match_kind.into(),
        keywords: get(2).split('|').map(|k| k.trim().to_string()).filter(|k| !k.is_empty()).collect(),
        replies,
        reply_mode: if get(4) == "随机" { "random" } else { "all" }.into(),
        enabled: get(5) != "否",
        window_start,
        window_end,
        weekdays: vec![],
        audience: audience.into(),
        class_ids: vec![],
        group_ids: vec![],
        valid_from: None,
        valid_until: None,
    })
}

/// Saves the rows read into the rules of `owner` (`None`: the account's): a row named like
/// one of them updates it (its files, news and links are kept), any other is added.
pub async fn save(
    state: &AppState,
    caller: &Caller,
    owner: Option<i64>,
    rows: Vec<ImportRow>,
) -> ApiResult<RuleImport> {
    let mut outcome = RuleImport { created: 0, updated: 0, problems: Vec::new() };
    let existing: Vec<RuleRow> = match owner {
        Some(o) => {
            let sql = format!("{} WHERE r.owner_id = $1", store::SELECT);
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(o).fetch_all(state.db.pool()).await?
        }
        None => {
            let sql = format!("{} WHERE r.owner_id IS NULL", store::SELECT);
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(state.db.pool()).await?
        }
    };
    for (line, row) in rows {
        let rule = match row {
            Ok(rule) => rule,
            Err(why) => {
                outcome.problems.push(format!("第 {line} 行：{why}"));
                continue;
            }
        };
        let same = existing.iter().find(|r| r.name == rule.name.trim());
        let mut rule = rule;
        if let Some(old) = same {
            // What a spreadsheet cannot carry stays as it was.
            rule.replies.extend(old.replies().into_iter().filter(|r| r.kind != "text"));
            if old.audience == "classes" || old.audience == "groups" {
                let kept = old.rule();
                (rule.audience, rule.class_ids, rule.group_ids) = (kept.audience, kept.class_ids, kept.group_ids);
            }
        }
        let kept = same.map(|r| super::checks::uploads_of(&r.replies())).unwrap_or_default();
        let rule = match super::checks::checked(state, caller, &rule, &kept).await {
            Ok(rule) => rule,
            Err(err) => {
                outcome.problems.push(format!("第 {line} 行：{}", err.body().message));
                continue;
            }
        };
        match same {
            Some(old) => {
                store::update(&state.db, old.id, &rule).await?;
                outcome.updated += 1;
            }
            None => {
                if let Err(full) = store::room_for(&state.db, owner).await {
                    outcome.problems.push(format!("第 {line} 行：{}", full.body().message));
                    continue;
                }
                store::insert(&state.db, owner, &rule, caller.user_id).await?;
                outcome.created += 1;
            }
        }
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_of_rules_reads_back_with_its_kinds_replies_and_window() {
        let file = "名称,匹配方式,关键词,回复,回复方式,启用,时段,对象\n\
                    奖学金,包含,奖学金 | 助学金,\"材料周五前交\n---\n详见学工办通知\",随机,是,08:00-18:00,学生\n\
                    下班,默认,,老师下班了，明早回复,,否,18:00-08:00,\n\
                    坏的,相似,x,y,,,,\n";
        let rows = read(file.as_bytes(), "mine").unwrap();
        let first = rows[0].1.as_ref().unwrap();
        assert_eq!((rows[0].0, first.match_kind.as_str(), first.reply_mode.as_str()), (2, "contains", "random"));
        assert_eq!(first.keywords, ["奖学金", "助学金"]);
        assert_eq!(first.replies.len(), 2);
        assert_eq!((first.window_start.as_deref(), first.audience.as_str()), (Some("08:00"), "students"));
        let second = rows[1].1.as_ref().unwrap();
        assert_eq!((second.match_kind.as_str(), second.enabled), ("default", false));
        assert_eq!(rows[2].1.as_ref().unwrap_err(), "匹配方式不认识");
        assert!(read("a,b\n1,2\n".as_bytes(), "mine").unwrap_err().contains("名称"));
    }
}
