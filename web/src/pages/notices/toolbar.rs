//! The composer's Markdown toolbar: bold, a list, a link, a table and an image, put
//! around the selected text (or a placeholder to overwrite) so a counselor who never
//! wrote Markdown still gets the formatting.

use leptos::html::Textarea;
use leptos::prelude::*;

use crate::i18n::t;

#[derive(Clone, Copy)]
enum Format {
    Bold,
    List,
    Link,
    Table,
    Image,
}

/// `text` with the UTF-16 range `start..end` (the textarea's selection) replaced as
/// `format` says, and the new selection (UTF-16) to show.
fn apply(text: &str, start: usize, end: usize, format: Format) -> (String, usize, usize) {
    let units: Vec<u16> = text.encode_utf16().collect();
    let (start, end) = (start.min(units.len()), end.min(units.len()).max(start.min(units.len())));
    let before = String::from_utf16_lossy(&units[..start]);
    let chosen = String::from_utf16_lossy(&units[start..end]);
    let after = String::from_utf16_lossy(&units[end..]);
    let or = |placeholder: &str| if chosen.is_empty() { placeholder.to_string() } else { chosen.clone() };
    // What goes in, and which part of it is left selected.
    let (open, inner, close) = match format {
        Format::Bold => ("**".to_string(), or(t::MD_BOLD_TEXT), "**".to_string()),
        Format::Link => ("[".to_string(), or(t::MD_LINK_TEXT), "](https://)".to_string()),
        Format::Image => ("![".to_string(), or(t::MD_IMAGE_TEXT), "](https://)".to_string()),
        Format::List => {
            let lines = or(t::MD_LIST_ITEM);
            let listed: Vec<String> = lines.lines().map(|l| format!("- {}", l.trim_start_matches("- "))).collect();
            (line_start(&before), listed.join("\n"), "\n".to_string())
        }
        // A table goes after the line the selection ends on, which it leaves alone.
        Format::Table => {
            let (line_rest, rest) = after.split_once('\n').map_or((after.as_str(), ""), |(a, b)| (a, b));
            let kept = format!("{before}{chosen}{line_rest}");
            let open = line_start(&kept);
            let width = |s: &str| s.encode_utf16().count();
            let from = width(&kept) + width(&open);
            let to = from + width(t::MD_TABLE);
            return (format!("{kept}{open}{}\n{rest}", t::MD_TABLE), from, to);
        }
    };
    let width = |s: &str| s.encode_utf16().count();
    let from = width(&before) + width(&open);
    let to = from + width(&inner);
    (format!("{before}{open}{inner}{close}{after}"), from, to)
}

/// A block starts on its own line.
fn line_start(before: &str) -> String {
    if before.is_empty() || before.ends_with('\n') {
        String::new()
    } else {
        "\n".to_string()
    }
}

#[component]
pub fn MarkdownToolbar(area: NodeRef<Textarea>, body: RwSignal<String>) -> impl IntoView {
    let act = move |format: Format| {
        let Some(el) = area.get_untracked() else { return };
        let start = el.selection_start().ok().flatten().unwrap_or(0) as usize;
        let end = el.selection_end().ok().flatten().unwrap_or(start as u32) as usize;
        let (text, from, to) = apply(&el.value(), start, end, format);
        el.set_value(&text);
        body.set(text);
        let _ = el.focus();
        let _ = el.set_selection_range(from as u32, to as u32);
    };
    let button = move |format: Format, id: &'static str, label: &'static str| {
        view! { <button type="button" class="tool" id=id on:click=move |_| act(format)>{label}</button> }
    };
    view! {
        <div class="md-toolbar" role="toolbar" aria-label=t::MD_TOOLBAR>
            {button(Format::Bold, "md-bold", t::MD_BOLD)}
            {button(Format::List, "md-list", t::MD_LIST)}
            {button(Format::Link, "md-link", t::MD_LINK)}
            {button(Format::Table, "md-table", t::MD_TABLE_LABEL)}
            {button(Format::Image, "md-image", t::MD_IMAGE)}
        </div>
    }
}
