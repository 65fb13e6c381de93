//! 话题 in WeChat: 「#毕业季 我想说……」 posts to the open topic 毕业季 the student may join
//! (through `posts::write`, as the page does); 「#」 alone, 「话题」, or a topic that is not
//! there lists the open ones with links; the answer links to the topic's page.

use shared::NewPost;

use super::posts;
use super::store::{self, Member, TopicRow};
use crate::state::AppState;
use crate::wechat::webhook::router::{Context, HandlerResult};
use crate::wechat::Reply;

/// Topics listed in one answer.
const LISTED: usize = 8;

fn listing(state: &AppState, topics: &[TopicRow]) -> String {
    if topics.is_empty() {
        return "现在没有你可以参加的话题。".into();
    }
    let mut text = String::from("正在进行的话题：");
    for t in topics.iter().take(LISTED) {
        text.push_str(&format!("\n#{} <a href=\"{}\">查看</a>", t.title, store::link(&state.config.public_url, t.id)));
    }
    text.push_str("\n发送「#话题名 你想说的话」参与讨论。");
    text
}

/// 「#」 or 「话题」: the open topics.
pub async fn list(ctx: Context) -> HandlerResult {
    let state = &ctx.state;
    let Some(member) = Member::of_openid(&state.db, &ctx.incoming.openid).await? else {
        return Ok(Some(Reply::text(format!("参与话题请先绑定学号。{}", crate::people::replies::BIND_USAGE))));
    };
    Ok(Some(Reply::text(listing(state, &store::joinable(&state.db, &member).await?))))
}

/// 「#标题 内容」.
pub async fn post(ctx: Context, title: String, body: String) -> HandlerResult {
    let state = &ctx.state;
    let Some(member) = Member::of_openid(&state.db, &ctx.incoming.openid).await? else {
        return Ok(Some(Reply::text(format!("参与话题请先绑定学号。{}", crate::people::replies::BIND_USAGE))));
    };
    let topics = store::joinable(&state.db, &member).await?;
    let Some(topic) = topics.iter().find(|t| t.title == title) else {
        return Ok(Some(Reply::text(format!("没有找到话题「{title}」。{}", listing(state, &topics)))));
    };
    let link = store::link(&state.config.public_url, topic.id);
    if body.trim().is_empty() {
        return Ok(Some(Reply::text(format!(
            "话题「{}」：{}\n发送「#{} 你想说的话」参与，或<a href=\"{link}\">打开话题</a>。",
            topic.title, topic.description, topic.title
        ))));
    }
    let new = NewPost { body, anonymous: false, parent_id: None, images: Vec::new() };
    let text = match posts::write(state, topic, &member, &new, "wechat").await {
        Ok(post) if post.status == shared::PostStatus::Held => {
            format!("已提交到「{}」，老师审核后显示。<a href=\"{link}\">查看话题</a>", topic.title)
        }
        Ok(_) => format!("已发到话题「{}」。<a href=\"{link}\">查看大家的讨论</a>", topic.title),
        Err(err) => match err.body().code.as_str() {
            "topic_locked" => format!("话题「{}」已锁定，暂不能发言。", topic.title),
            "muted" => format!("你在话题「{}」中被暂时禁言。", topic.title),
            "rate_limited" => "发得太快了，请稍后再试。".into(),
            "validation_failed" => format!("内容太长了，请控制在 {} 字以内。", shared::topics::MAX_POST_CHARS),
            _ => return Err(anyhow::anyhow!("{}", err.body().message)),
        },
    };
    Ok(Some(Reply::text(text)))
}
