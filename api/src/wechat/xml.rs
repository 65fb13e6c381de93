//! WeChat's XML, read and written. Every byte of XML Banji exchanges with the platform
//! passes through here: a small bounded reader that builds a tree (no DTDs, no entities
//! beyond XML's five and character references, limited depth and size, so a "billion
//! laughs" body fails at once), and a writer that puts text in CDATA safely.

use quick_xml::events::Event;
use quick_xml::Reader;

/// Deeper or bigger documents are not messages the platform sends.
const MAX_DEPTH: usize = 8;
const MAX_ELEMENTS: usize = 2_000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum XmlError {
    #[error("malformed XML: {0}")]
    Malformed(String),
    #[error("document type declarations are not accepted")]
    Doctype,
    #[error("entity &{0}; is not accepted")]
    Entity(String),
    #[error("document too deep or too large")]
    TooBig,
    #[error("missing element <{0}>")]
    Missing(&'static str),
    #[error("element <{0}> is not a number")]
    NotANumber(&'static str),
}

/// One element: its name, its text (for leaves) and its children.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Text of a direct child, if present.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }

    pub fn required(&self, name: &'static str) -> Result<&str, XmlError> {
        self.text_of(name).ok_or(XmlError::Missing(name))
    }

    pub fn number(&self, name: &'static str) -> Result<i64, XmlError> {
        self.required(name)?.trim().parse().map_err(|_| XmlError::NotANumber(name))
    }

    pub fn float(&self, name: &'static str) -> Result<f64, XmlError> {
        self.required(name)?.trim().parse().map_err(|_| XmlError::NotANumber(name))
    }

    /// Text of a child, or "" when absent.
    pub fn text_or_empty(&self, name: &str) -> String {
        self.text_of(name).unwrap_or_default().to_string()
    }

    /// Drops every element named in `names`, at any depth. Returns whether any was.
    pub fn remove_all(&mut self, names: &[&str]) -> bool {
        let before = self.children.len();
        self.children.retain(|c| !names.contains(&c.name.as_str()));
        let mut removed = self.children.len() != before;
        for child in &mut self.children {
            removed |= child.remove_all(names);
        }
        removed
    }

    /// The element as XML the way the platform writes it (text in CDATA).
    pub fn to_xml(&self) -> String {
        let mut buf = String::new();
        self.write(&mut buf);
        buf
    }

    fn write(&self, buf: &mut String) {
        buf.push('<');
        buf.push_str(&self.name);
        buf.push('>');
        if self.children.is_empty() {
            if !self.text.is_empty() {
                push_cdata(buf, &self.text);
            }
        } else {
            for child in &self.children {
                child.write(buf);
            }
        }
        buf.push_str("</");
        buf.push_str(&self.name);
        buf.push('>');
    }
}

fn resolve_entity(name: &str) -> Result<char, XmlError> {
    let predefined = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    };
    if let Some(c) = predefined {
        return Ok(c);
    }
    let number = name.strip_prefix('#').ok_or_else(|| XmlError::Entity(name.to_string()))?;
    let code = match number.strip_prefix('x') {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => number.parse(),
    };
    code.ok().and_then(char::from_u32).ok_or_else(|| XmlError::Entity(name.to_string()))
}

/// Parses a document into its root element.
pub fn parse(xml: &str) -> Result<Element, XmlError> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;
    let mut count = 0usize;
    let bad = |e: quick_xml::Error| XmlError::Malformed(e.to_string());
    loop {
        match reader.read_event().map_err(bad)? {
            Event::Start(start) => {
                count += 1;
                if stack.len() >= MAX_DEPTH || count > MAX_ELEMENTS || root.is_some() {
                    return Err(if root.is_some() {
                        XmlError::Malformed("content after root".into())
                    } else {
                        XmlError::TooBig
                    });
                }
                let name = start.name().as_ref().to_string();
                stack.push(Element { name, ..Element::default() });
            }
            Event::Empty(empty) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(XmlError::TooBig);
                }
                let name = empty.name().as_ref().to_string();
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Element { name, ..Element::default() }),
                    None => root = Some(Element { name, ..Element::default() }),
                }
            }
            Event::End(_) => {
                let mut done = stack.pop().ok_or_else(|| XmlError::Malformed("unbalanced end tag".into()))?;
                if !done.children.is_empty() {
                    // Whitespace between child elements is layout, not content.
                    done.text.clear();
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Text(text) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&text.xml10_content());
                } else if !text.xml10_content().trim().is_empty() {
                    return Err(XmlError::Malformed("text outside the root element".into()));
                }
            }
            Event::CData(cdata) => {
                let current = stack.last_mut().ok_or_else(|| XmlError::Malformed("CDATA outside the root".into()))?;
                current.text.push_str(&cdata.xml10_content());
            }
            Event::GeneralRef(reference) => {
                let c = resolve_entity(&reference)?;
                if let Some(current) = stack.last_mut() {
                    current.text.push(c);
                }
            }
            Event::DocType(_) => return Err(XmlError::Doctype),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(XmlError::Malformed("unclosed element".into()));
    }
    root.ok_or_else(|| XmlError::Malformed("no root element".into()))
}

/// Builds `<xml>…</xml>` documents the way the platform writes them: no declaration,
/// strings in CDATA, numbers bare.
pub struct XmlWriter {
    buf: String,
}

impl Default for XmlWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl XmlWriter {
    pub fn new() -> Self {
        XmlWriter { buf: String::from("<xml>") }
    }

    pub fn text(&mut self, name: &str, value: &str) -> &mut Self {
        self.open(name);
        push_cdata(&mut self.buf, value);
        self.close(name)
    }

    pub fn number(&mut self, name: &str, value: impl std::fmt::Display) -> &mut Self {
        self.open(name);
        self.buf.push_str(&value.to_string());
        self.close(name)
    }

    pub fn open(&mut self, name: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push('>');
        self
    }

    pub fn close(&mut self, name: &str) -> &mut Self {
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
        self
    }

    pub fn finish(&mut self) -> String {
        self.buf.push_str("</xml>");
        std::mem::take(&mut self.buf)
    }
}

/// CDATA cannot contain `]]>`; it is split across two sections so the text survives.
pub fn push_cdata(buf: &mut String, value: &str) {
    buf.push_str("<![CDATA[");
    buf.push_str(&value.replace("]]>", "]]]]><![CDATA[>"));
    buf.push_str("]]>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_parses_into_a_tree_with_cdata_and_entities() {
        let root =
            parse("<xml><A><![CDATA[x &amp; <y>]]></A><B>1 &amp; 2 &#x4e2d;</B><C><D>7</D>\n  <E/></C></xml>").unwrap();
        assert_eq!(root.name, "xml");
        assert_eq!(root.text_of("A"), Some("x &amp; <y>"));
        assert_eq!(root.text_of("B"), Some("1 & 2 中"));
        assert_eq!(root.child("C").unwrap().number("D").unwrap(), 7);
        assert_eq!(root.child("C").unwrap().text, "");
    }

    #[test]
    fn an_element_written_back_parses_to_itself_without_the_removed_ones() {
        let mut root =
            parse("<xml><A><![CDATA[x ]]]]><![CDATA[> y]]></A><B>1</B><C><B>2</B><D>7</D></C><E/></xml>").unwrap();
        assert!(root.remove_all(&["B"]));
        let written = root.to_xml();
        assert_eq!(written, "<xml><A><![CDATA[x ]]]]><![CDATA[> y]]></A><C><D><![CDATA[7]]></D></C><E></E></xml>");
        assert_eq!(parse(&written).unwrap(), root);
        assert!(!root.remove_all(&["B"]));
    }

    #[test]
    fn a_billion_laughs_document_is_refused_at_its_doctype() {
        let mut bomb = String::from("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for i in 1..10 {
            bomb.push_str(&format!("<!ENTITY lol{i} \"{}\">", format!("&lol{};", i - 1).repeat(10)));
        }
        bomb.push_str("]><xml><Content>&lol9;</Content></xml>");
        assert_eq!(parse(&bomb), Err(XmlError::Doctype));
    }

    #[test]
    fn undeclared_entities_and_deep_nesting_are_refused() {
        assert_eq!(parse("<xml><A>&lol;</A></xml>"), Err(XmlError::Entity("lol".into())));
        let deep = format!("{}{}", "<a>".repeat(20), "</a>".repeat(20));
        assert_eq!(parse(&deep), Err(XmlError::TooBig));
        assert!(matches!(parse("<xml><A></xml>"), Err(XmlError::Malformed(_))));
        assert!(matches!(parse("not xml"), Err(XmlError::Malformed(_))));
    }

    #[test]
    fn cdata_with_its_own_terminator_survives_a_round_trip() {
        let text = "a]]>b]]]>c";
        let xml = XmlWriter::new().text("Content", text).finish();
        assert_eq!(xml, "<xml><Content><![CDATA[a]]]]><![CDATA[>b]]]]]><![CDATA[>c]]></Content></xml>");
        assert_eq!(parse(&xml).unwrap().text_of("Content"), Some(text));
    }
}
