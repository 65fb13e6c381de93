//! Notice bodies are Markdown; what reaches a page is rendered (pulldown-cmark) and then
//! sanitised (ammonia), so a notice can never carry a script, a frame or an `onclick`.

use pulldown_cmark::{html, Options, Parser, TagEnd};

pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut unsafe_html = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default().link_rel(Some("noopener noreferrer")).clean(&unsafe_html).to_string()
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
    fn an_excerpt_is_plain_text_cut_to_length() {
        assert_eq!(plain_excerpt("# 标题\n\n正文**加粗**内容", 20), "标题 正文加粗内容");
        assert_eq!(plain_excerpt("一二三四五六", 3), "一二三…");
    }
}
