//! The message router: an ordered list of rules, first match wins, then a fallback.
//! A rule matches on the message type, the event, the event key (exact, prefix, regex),
//! the text (exact, contains, regex, leading keyword) or any predicate, and its handler
//! returns an optional passive reply. Capabilities register their rules in
//! `crate::conversation`, the one place to read what Banji does with a message.

use std::future::Future;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use regex::Regex;

use crate::state::AppState;
use crate::wechat::{Incoming, Reply};

pub type HandlerResult = anyhow::Result<Option<Reply>>;
type Handler = Arc<dyn Fn(Context) -> BoxFuture<'static, HandlerResult> + Send + Sync>;

/// What a handler gets: the app, the message, and for keyword rules the text after it.
#[derive(Clone)]
pub struct Context {
    pub state: AppState,
    pub incoming: Arc<Incoming>,
    /// For `Text::Keyword`: the rest of the text, trimmed (`签到 1234` → `1234`).
    pub rest: String,
    /// For regex rules: the capture groups (0 is the whole match).
    pub captures: Vec<String>,
}

#[derive(Clone)]
pub enum Key {
    Exact(String),
    Prefix(String),
    Regex(Regex),
}

#[derive(Clone)]
pub enum Text {
    Exact(String),
    Contains(String),
    Regex(Regex),
    /// The text starts with this word (`签到 1234`); the rest goes to `Context::rest`.
    Keyword(String),
}

#[derive(Clone)]
pub enum Match {
    /// `MsgType`: text, image, voice, video, shortvideo, location, link, event.
    MsgType(&'static str),
    /// `Event`, e.g. `subscribe`, `CLICK`, `SCAN`.
    Event(&'static str),
    EventKey(Key),
    Text(Text),
    Predicate(Arc<dyn Fn(&Incoming) -> bool + Send + Sync>),
    /// Every one of these.
    All(Vec<Match>),
    /// Any one of these (the first that matches gives the context).
    Any(Vec<Match>),
}

/// What a successful match hands the handler.
#[derive(Default)]
struct Found {
    rest: String,
    captures: Vec<String>,
}

fn regex_captures(re: &Regex, text: &str) -> Option<Found> {
    let caps = re.captures(text)?;
    Some(Found {
        rest: String::new(),
        captures: caps.iter().map(|c| c.map(|m| m.as_str().to_string()).unwrap_or_default()).collect(),
    })
}

/// `keyword` at the start of `text`, as a whole word: an ASCII keyword must not run on
/// into more letters ("help" does not match "helpful"); a Chinese one may ("签到1234").
fn keyword_rest(text: &str, keyword: &str) -> Option<String> {
    let rest = text.trim_start().strip_prefix(keyword)?;
    let ascii_word = keyword.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
    if ascii_word && rest.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(rest.trim_matches(|c: char| c.is_whitespace()).to_string())
}

impl Match {
    fn test(&self, incoming: &Incoming) -> Option<Found> {
        match self {
            Match::MsgType(t) => (incoming.msg_type() == *t).then(Found::default),
            Match::Event(name) => (incoming.event()?.name() == *name).then(Found::default),
            Match::EventKey(key) => {
                let actual = incoming.event()?.key()?;
                match key {
                    Key::Exact(k) => (actual == *k).then(Found::default),
                    Key::Prefix(p) => {
                        actual.strip_prefix(p.as_str()).map(|rest| Found { rest: rest.to_string(), ..Found::default() })
                    }
                    Key::Regex(re) => regex_captures(re, &actual),
                }
            }
            Match::Text(rule) => {
                let text = incoming.text()?;
                match rule {
                    Text::Exact(t) => (text.trim() == t).then(Found::default),
                    Text::Contains(t) => text.contains(t.as_str()).then(Found::default),
                    Text::Regex(re) => regex_captures(re, text),
                    Text::Keyword(k) => keyword_rest(text, k).map(|rest| Found { rest, ..Found::default() }),
                }
            }
            Match::Predicate(p) => p(incoming).then(Found::default),
            Match::Any(any) => any.iter().find_map(|m| m.test(incoming)),
            Match::All(all) => {
                let mut found = Found::default();
                for m in all {
                    let f = m.test(incoming)?;
                    if !f.rest.is_empty() {
                        found.rest = f.rest;
                    }
                    if !f.captures.is_empty() {
                        found.captures = f.captures;
                    }
                }
                Some(found)
            }
        }
    }
}

struct Rule {
    name: &'static str,
    matcher: Match,
    handler: Handler,
}

#[derive(Default)]
pub struct Router {
    rules: Vec<Rule>,
    fallback: Option<Handler>,
    secrets: Vec<Secret>,
}

/// A command whose words after the first `keep` are a secret (`绑定 学号 姓名 验证码`):
/// the message log stores the command with the secret masked.
#[derive(Debug, Clone)]
pub struct Secret {
    keyword: String,
    keep: usize,
}

impl Secret {
    /// The command's first word (`绑定`).
    pub fn keyword(&self) -> &str {
        &self.keyword
    }

    /// `text` with its secret masked, when it is this command. Fewer words than expected
    /// keep fewer: the last word is always masked (it may be the secret typed early).
    pub fn mask(&self, text: &str) -> Option<String> {
        let rest = keyword_rest(text, &self.keyword)?;
        let words: Vec<&str> = rest.split_whitespace().collect();
        if words.is_empty() {
            return None;
        }
        let mut masked = self.keyword.clone();
        for word in &words[..self.keep.min(words.len() - 1)] {
            masked.push(' ');
            masked.push_str(word);
        }
        masked.push_str(" ******");
        Some(masked)
    }
}

fn boxed<F, Fut>(f: F) -> Handler
where
    F: Fn(Context) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = HandlerResult> + Send + 'static,
{
    Arc::new(move |ctx| Box::pin(f(ctx)))
}

impl Router {
    pub fn new() -> Router {
        Router::default()
    }

    /// Adds a rule after the existing ones.
    pub fn rule<F, Fut>(mut self, name: &'static str, matcher: Match, handler: F) -> Router
    where
        F: Fn(Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.rules.push(Rule { name, matcher, handler: boxed(handler) });
        self
    }

    /// What runs when no rule matches (none = acknowledge without a reply).
    pub fn fallback<F, Fut>(mut self, handler: F) -> Router
    where
        F: Fn(Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.fallback = Some(boxed(handler));
        self
    }

    /// Declares a command that carries a secret after its first `keep` words.
    pub fn secret(mut self, keyword: &str, keep: usize) -> Router {
        self.secrets.push(Secret { keyword: keyword.to_string(), keep });
        self
    }

    /// The commands that carry secrets (for the message log).
    pub fn secrets(&self) -> Vec<Secret> {
        self.secrets.clone()
    }

    /// The name of the rule that would handle this message (for logs and tests).
    pub fn matching_rule(&self, incoming: &Incoming) -> Option<&'static str> {
        self.rules.iter().find(|r| r.matcher.test(incoming).is_some()).map(|r| r.name)
    }

    /// Runs the first matching rule's handler, or the fallback.
    pub fn dispatch(&self, state: AppState, incoming: Arc<Incoming>) -> BoxFuture<'static, HandlerResult> {
        for rule in &self.rules {
            if let Some(found) = rule.matcher.test(&incoming) {
                tracing::debug!(rule = rule.name, "routing message");
                return (rule.handler)(Context { state, incoming, rest: found.rest, captures: found.captures });
            }
        }
        match &self.fallback {
            Some(handler) => handler(Context { state, incoming, rest: String::new(), captures: Vec::new() }),
            None => Box::pin(async { Ok(None) }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wechat::incoming::{Body, Event};

    fn text(content: &str) -> Incoming {
        Incoming {
            to: "gh".into(),
            openid: "o1".into(),
            create_time: 1,
            body: Body::Text { msg_id: 1, content: content.into() },
        }
    }

    fn event(event: Event) -> Incoming {
        Incoming { to: "gh".into(), openid: "o1".into(), create_time: 1, body: Body::Event(event) }
    }

    fn router() -> Router {
        let nothing = |_ctx: Context| async { Ok(None) };
        Router::new()
            .rule("checkin", Match::Text(Text::Keyword("签到".into())), nothing)
            .rule("help", Match::Text(Text::Keyword("help".into())), nothing)
            .rule("exact", Match::Text(Text::Exact("你好".into())), nothing)
            .rule("regex", Match::Text(Text::Regex(Regex::new(r"^报名\s*(\w+)$").unwrap())), nothing)
            .rule("contains", Match::Text(Text::Contains("老师".into())), nothing)
            .rule(
                "qr-follow",
                Match::All(vec![Match::Event("subscribe"), Match::EventKey(Key::Prefix("qrscene_".into()))]),
                nothing,
            )
            .rule("follow", Match::Event("subscribe"), nothing)
            .rule("menu-notices", Match::EventKey(Key::Exact("NOTICES".into())), nothing)
            .rule("menu-regex", Match::EventKey(Key::Regex(Regex::new(r"^CLASS_\d+$").unwrap())), nothing)
            .rule("images", Match::MsgType("image"), nothing)
            .rule(
                "far",
                Match::Predicate(Arc::new(
                    |m| matches!(m.event(), Some(Event::Location { latitude, .. }) if *latitude > 80.0),
                )),
                nothing,
            )
    }

    #[test]
    fn rules_match_in_order_and_the_first_wins() {
        let r = router();
        assert_eq!(r.matching_rule(&text("签到 123456")), Some("checkin"));
        assert_eq!(r.matching_rule(&text("签到123456")), Some("checkin"));
        assert_eq!(r.matching_rule(&text("help me")), Some("help"));
        assert_eq!(r.matching_rule(&text("helpful")), None, "an ASCII keyword is a whole word");
        assert_eq!(r.matching_rule(&text(" 你好 ")), Some("exact"));
        assert_eq!(r.matching_rule(&text("报名 A12")), Some("regex"));
        assert_eq!(r.matching_rule(&text("找王老师")), Some("contains"));
        assert_eq!(
            r.matching_rule(&event(Event::Subscribe { scene: Some("42".into()), ticket: None })),
            Some("qr-follow")
        );
        assert_eq!(r.matching_rule(&event(Event::Subscribe { scene: None, ticket: None })), Some("follow"));
        assert_eq!(r.matching_rule(&event(Event::Click { key: "NOTICES".into() })), Some("menu-notices"));
        assert_eq!(r.matching_rule(&event(Event::Click { key: "CLASS_12".into() })), Some("menu-regex"));
        assert_eq!(r.matching_rule(&event(Event::Click { key: "OTHER".into() })), None);
        let far = Event::Location { latitude: 85.0, longitude: 0.0, precision: 1.0 };
        assert_eq!(r.matching_rule(&event(far)), Some("far"));
    }

    #[test]
    fn a_secret_is_masked_after_the_words_kept_and_the_last_word_always() {
        let bind = Secret { keyword: "绑定".into(), keep: 2 };
        assert_eq!(bind.mask("绑定 2023001 张三 123456").as_deref(), Some("绑定 2023001 张三 ******"));
        assert_eq!(bind.mask(" 绑定2023001　张三 1234 5678").as_deref(), Some("绑定 2023001 张三 ******"));
        assert_eq!(bind.mask("绑定 2023001 123456").as_deref(), Some("绑定 2023001 ******"));
        assert_eq!(bind.mask("绑定 123456").as_deref(), Some("绑定 ******"));
        assert_eq!(bind.mask("绑定"), None);
        assert_eq!(bind.mask("解绑"), None);
    }

    #[test]
    fn keyword_rest_is_trimmed_and_regex_captures_are_kept() {
        assert_eq!(keyword_rest("  签到　 1234 ", "签到").as_deref(), Some("1234"));
        assert_eq!(keyword_rest("签退", "签到"), None);
        let found = Match::Text(Text::Regex(Regex::new(r"^报名\s*(\w+)$").unwrap())).test(&text("报名 A12")).unwrap();
        assert_eq!(found.captures, ["报名 A12", "A12"]);
        let found = Match::EventKey(Key::Prefix("qrscene_".into()))
            .test(&event(Event::Subscribe { scene: Some("7".into()), ticket: None }))
            .unwrap();
        assert_eq!(found.rest, "7");
    }
}
