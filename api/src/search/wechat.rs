//! The search from WeChat: 「搜索 奖学金」 over everything, 「表格 …」 / 「文档 …」 documents,
//! 「流程 …」 / 「办事 …」 procedures, 「联系 张老师」 / 「电话 教务处」 contacts, and 「热门」 (or the
//! HOT menu key) the week's hot list. The rules that route here are in
//! `crate::conversation`.
//!
//! Results come back as a news message (图文) of up to 8 articles, each opening its
//! student page through WeChat's authorisation. Contacts come back as a text list, since
//! what one wants of them is the number, readable without opening anything. A query with
//! nothing found says what to try; everything stays within the webhook's time, as a
//! search is one indexed query.

use shared::{HotList, SearchKind};

use super::hot::hot;
use super::query::{search, Hit, Viewer};
use super::routes::clean_query;
use crate::autoreply::answer::page_url;
use crate::state::AppState;
use crate::wechat::reply::Article;
use crate::wechat::webhook::router::{Context, HandlerResult};
use crate::wechat::Reply;

/// Articles in one news message (the platform's limit).
const ARTICLES: usize = 8;
/// Contacts in one text answer (a text reply must stay under 2 048 bytes).
const CONTACTS: usize = 6;

/// What a command searches, and how it is named in the answers.
#[derive(Debug, Clone, Copy)]
pub enum Command {
    All,
    Documents,
    Guides,
    Contacts,
}

impl Command {
    fn kinds(self) -> &'static [SearchKind] {
        match self {
            Command::All => &[],
            Command::Documents => &[SearchKind::Document],
            Command::Guides => &[SearchKind::Guide],
            Command::Contacts => &[SearchKind::Office, SearchKind::Teacher],
        }
    }

    fn usage(self) -> &'static str {
        match self {
            Command::All => "搜索 关键词（如：搜索 奖学金）",
            Command::Documents => "表格 关键词（如：表格 请假）",
            Command::Guides => "流程 关键词（如：流程 请假）",
            Command::Contacts => "联系 名称（如：联系 教务处、电话 张老师）",
        }
    }
}

/// 「联系 张老师」 looks for 张: the honorific is no part of a name.
fn contact_query(query: &str) -> String {
    let q = query.trim();
    match q.strip_suffix("老师") {
        Some(name) if !name.trim().is_empty() => name.trim().to_string(),
        _ => q.to_string(),
    }
}

/// Answers a search command.
pub async fn answer(ctx: Context, command: Command) -> HandlerResult {
    let state = &ctx.state;
    let query = clean_query(&ctx.rest);
    if query.is_empty() {
        return Ok(Some(Reply::text(format!("请在指令后加上关键词：{}", command.usage()))));
    }
    let query = if matches!(command, Command::Contacts) { contact_query(&query) } else { query };
    let viewer = Viewer::follower(&state.db, &ctx.incoming.openid).await?;
    let limit = if matches!(command, Command::Contacts) { CONTACTS } else { ARTICLES };
    let hits = search(&state.db, &viewer, &query, command.kinds(), limit).await?;
    if hits.is_empty() {
        return Ok(Some(Reply::text(nothing_found(&query))));
    }
    Ok(Some(match command {
        Command::Contacts => Reply::text(contacts(state, &hits).await?),
        _ => Reply::News { articles: hits.iter().map(|h| article(state, h)).collect() },
    }))
}

fn nothing_found(query: &str) -> String {
    format!(
        "没有找到与「{query}」相关的内容。\n可以试试更短的关键词（两个字就行，如「请假」「奖学」），\
         或发送「热门」看看大家都在看什么。"
    )
}

/// The page a hit opens from WeChat.
fn link(state: &AppState, hit: &Hit) -> String {
    match hit.kind {
        // A fragment would not survive the authorisation's redirect.
        SearchKind::Office | SearchKind::Teacher => page_url(state, "/s/teachers"),
        kind => page_url(state, &kind.student_page(hit.ref_id)),
    }
}

fn article(state: &AppState, hit: &Hit) -> Article {
    let description = if hit.summary.is_empty() {
        hit.kind.label().to_string()
    } else {
        format!("【{}】{}", hit.kind.label(), hit.summary)
    };
    Article { title: hit.title.clone(), description, pic_url: String::new(), url: link(state, hit) }
}

/// Offices with phone, place and hours; teachers with their public details.
async fn contacts(state: &AppState, hits: &[Hit]) -> anyhow::Result<String> {
    let mut lines = Vec::new();
    for hit in hits {
        let line = match hit.kind {
            SearchKind::Office => {
                let row: Option<(String, String, String, String)> =
                    sqlx::query_as("SELECT name, phone, place, hours FROM offices WHERE id = $1")
                        .bind(hit.ref_id)
                        .fetch_optional(state.db.pool())
                        .await?;
                row.map(|(name, phone, place, hours)| contact_line(&name, &[phone, place, hours]))
            }
            _ => {
                let row: Option<(String, String, String, String)> = sqlx::query_as(
                    "SELECT u.display_name, COALESCE(p.phone, ''), COALESCE(p.office, ''), COALESCE(p.email, '') \
                     FROM users u JOIN teacher_profiles p ON p.user_id = u.id WHERE u.id = $1 AND p.contact_public = TRUE",
                )
                .bind(hit.ref_id)
                .fetch_optional(state.db.pool())
                .await?;
                row.map(|(name, phone, office, email)| contact_line(&format!("{name}老师"), &[phone, office, email]))
            }
        };
        lines.extend(line);
    }
    lines.push(format!("全部联系方式：{}", page_url(state, "/s/teachers")));
    Ok(lines.join("\n"))
}

fn contact_line(name: &str, parts: &[String]) -> String {
    let details: Vec<&str> = parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect();
    if details.is_empty() {
        format!("· {name}")
    } else {
        format!("· {name}：{}", details.join("，"))
    }
}

/// 「热门」: the week's most read public notices and most downloaded documents, as news.
pub async fn hot_list(ctx: Context) -> HandlerResult {
    let state = &ctx.state;
    let viewer = Viewer::follower(&state.db, &ctx.incoming.openid).await?;
    let HotList { notices, documents } = hot(&state.db, &viewer, 4).await?;
    let mut articles: Vec<Article> = Vec::new();
    for (item, what, unit) in notices
        .iter()
        .map(|n| (n, SearchKind::Notice, "次阅读"))
        .chain(documents.iter().map(|d| (d, SearchKind::Document, "次下载")))
    {
        articles.push(Article {
            title: item.title.clone(),
            description: format!("【{}】本周 {} {unit}", what.label(), item.count),
            pic_url: String::new(),
            url: page_url(state, &item.url),
        });
    }
    if articles.is_empty() {
        return Ok(Some(Reply::text("本周还没有热门内容。发送「搜索 关键词」查找通知、表格和办事指南。")));
    }
    articles.truncate(ARTICLES);
    Ok(Some(Reply::News { articles }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_honorific_is_dropped_from_a_contact_query_but_not_a_lone_one() {
        assert_eq!(contact_query("张老师"), "张");
        assert_eq!(contact_query(" 教务处 "), "教务处");
        assert_eq!(contact_query("老师"), "老师");
    }

    #[test]
    fn a_contact_line_leaves_out_what_is_missing() {
        assert_eq!(
            contact_line("教务处", &["0571-1234".into(), "".into(), "8:00-17:00".into()]),
            "· 教务处：0571-1234，8:00-17:00"
        );
        assert_eq!(contact_line("图书馆", &["".into()]), "· 图书馆");
    }
}
