//! Notice bodies are Markdown; what reaches a page is rendered (pulldown-cmark) and then
//! sanitised (ammonia), so a notice can never carry a script, a frame or an `onclick`.
//! A web address pasted as plain text (a 问卷星 or 腾讯文档 link) becomes a link too.

use std::sync::LazyLock;

use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// A bare http(s) address: ASCII only, so it ends where Chinese text (or a full-width
/// comma) begins; ASCII punctuation that closes a sentence is trimmed off afterwards.
static BARE_URL: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+").expect("a valid pattern"));

pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut unsafe_html = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut unsafe_html, autolinked(Parser::new_ext(markdown, options)));
    ammonia::Builder::default().link_rel(Some("noopener noreferrer")).clean(&unsafe_html).to_string()
}

/// Text outside links and code with its bare addresses turned into links.
fn autolinked<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut in_link_or_code = 0usize;
    events.flat_map(move |event| {
        match &event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_)) => in_link_or_code += 1,
            Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock) => {
                in_link_or_code = in_link_or_code.saturating_sub(1)
            }
            _ => {}
        }
        match event {
            Event::Text(text) if in_link_or_code == 0 && BARE_URL.is_match(&text) => link_text(&text),
            other => vec![other],
        }
    })
}

fn link_text<'a>(text: &str) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    let mut rest = 0;
    for found in BARE_URL.find_iter(text) {
        let url = found.as_str().trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', ')', ']']);
        // "(https://…)" keeps its closing bracket outside the link only when it opened one.
        let url = if found.as_str()[url.len()..].starts_with(')') && url.contains('(') {
            &found.as_str()[..url.len() + 1]
        } else {
            url
        };
        let end = found.start() + url.len();
        if found.start() > rest {
            out.push(Event::Text(CowStr::from(text[rest..found.start()].to_string())));
        }
        let href = CowStr::from(url.to_string());
        out.push(Event::Start(Tag::Link {
            link_type: LinkType::Autolink,
            dest_url: href.clone(),
            title: CowStr::from(""),
            id: CowStr::from(""),
        }));
        out.push(Event::Text(href));
        out.push(Event::End(TagEnd::Link));
        rest = end;
    }
    if rest < text.len() {
        out.push(Event::Text(CowStr::from(text[rest..].to_string())));
    }
    out
}

/// The first `chars` characters of the text, without Markdown marks (for message previews).
pub fn plain_excerpt(markdown: &str, chars: usize) -> String {
    let mut text = String::new();
    for event in Parser::new(markdown) {
        match event {
            pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) => text.push_str(&t),
            pulldown_cmark::Event::SoftBreak
            | pulldown_cmark::Event::HardBreak
            | pulldown_cmark::Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::TableRow,
            ) if !text.ends_with(' ') => text.push(' '),
            _ => {}
        }
        if text.chars().count() > chars {
            break;
        }
    }
    let trimmed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if trimmed.chars().count() > chars {
        format!("{}…", trimmed.chars().take(chars).collect::<String>())
    } else {
        trimmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered_and_scripts_are_removed() {
        let html = render("# 期末考试\n\n请**准时**到场。<script>alert(1)</script>\n\n[链接](javascript:alert(1)) <a href=\"https://x.cn\" onclick=\"x()\">x</a>");
        assert!(html.contains("<h1>期末考试</h1>") && html.contains("<strong>准时</strong>"), "{html}");
        assert!(!html.contains("<script") && !html.contains("javascript:") && !html.contains("onclick"), "{html}");
        assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
    }

    #[test]
    fn a_pasted_address_becomes_a_link_that_ends_where_the_chinese_text_begins() {
        let html = render("问卷：https://www.wjx.cn/vm/abc.aspx，请于周五前填写。另见 https://docs.qq.com/doc/DZ?x=1.");
        assert!(html.contains(r#"<a href="https://www.wjx.cn/vm/abc.aspx" rel="noopener noreferrer">https://www.wjx.cn/vm/abc.aspx</a>，请于"#), "{html}");
        assert!(html.contains(r#"<a href="https://docs.qq.com/doc/DZ?x=1" rel="noopener noreferrer">https://docs.qq.com/doc/DZ?x=1</a>."#), "{html}");
    }

    #[test]
    fn addresses_already_in_links_or_code_are_left_alone_and_links_stay_sanitised() {
        let html = render("[问卷](https://wj.qq.com/s/1) `https://example.cn/x` https://a.cn/\"onmouseover=\"x");
        assert_eq!(html.matches("<a ").count(), 2, "{html}");
        assert!(html.contains("<code>https://example.cn/x</code>"), "{html}");
        assert!(!html.contains("onmouseover=\"x\""), "{html}");
    }

    #[test]
    fn an_excerpt_is_plain_text_cut_to_length() {
        assert_eq!(plain_excerpt("# 标题\n\n正文**加粗**内容", 20), "标题 正文加粗内容");
        assert_eq!(plain_excerpt("一二三四五六", 3), "一二三…");
    }
}
