//! The rules compiled for answering: built once from the table and rebuilt when a rule or
//! a teacher's switch changes (`super::Rules`), so a message costs lookups, not a scan.
//! Exact words are one hash map; `contains` and `prefix` words of every rule are one
//! Aho–Corasick automaton (a prefix is a match that starts at 0); regular expressions one
//! `RegexSet`. The candidates a message finds are tried in rank order — a student's
//! teachers' rules, then the account's — and the first whose conditions hold (owner's
//! switch, time window, weekday, validity, audience) answers; with none, a default rule.

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use chrono::{Datelike, FixedOffset, TimeZone, Timelike};
use regex::RegexSet;
use shared::AutoReplyItem;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Exact,
    Contains,
    Prefix,
    Regex,
    Click,
    Follow,
    Default,
}

impl Kind {
    pub fn parse(value: &str) -> Option<Kind> {
        Some(match value {
            "exact" => Kind::Exact,
            "contains" => Kind::Contains,
            "prefix" => Kind::Prefix,
            "regex" => Kind::Regex,
            "click" => Kind::Click,
            "follow" => Kind::Follow,
            "default" => Kind::Default,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    Everyone,
    Students,
    Teachers,
    Unbound,
    Classes(Vec<i64>),
    Groups(Vec<i64>),
}

/// A rule as matching needs it.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: i64,
    pub owner: Option<i64>,
    pub name: String,
    pub kind: Kind,
    pub keywords: Vec<String>,
    pub replies: Vec<AutoReplyItem>,
    pub random: bool,
    /// Minutes of the day (China time) it answers between; may cross midnight.
    pub window: Option<(u32, u32)>,
    /// Bit 0 Monday … bit 6 Sunday; 0 every day.
    pub weekdays: u8,
    pub audience: Audience,
    /// Milliseconds since the epoch.
    pub valid_from: Option<i64>,
    pub valid_until: Option<i64>,
    pub position: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenderKind {
    Student,
    Teacher,
    Unbound,
}

/// Who sent the message, as the conditions need it.
#[derive(Debug, Clone)]
pub struct Sender {
    pub kind: SenderKind,
    pub class_id: Option<i64>,
    pub groups: Vec<i64>,
    /// A student's teachers: of their class, and owners of their groups.
    pub teachers: Vec<i64>,
}

/// What the follower did.
#[derive(Debug, Clone, Copy)]
pub enum Msg<'a> {
    Text(&'a str),
    Click(&'a str),
    Follow,
    /// A picture, voice note, video …: only a default rule answers it.
    Other,
}

pub struct Found<'a> {
    pub rule: &'a Rule,
    /// Nothing but a default rule answered.
    pub default: bool,
}

#[derive(Default)]
pub struct Matcher {
    /// In rank order: teachers' rules first, then the account's; by position within.
    rules: Vec<Rule>,
    exact: HashMap<String, Vec<u32>>,
    automaton: Option<AhoCorasick>,
    /// Per automaton pattern: the rules using it, and whether as a prefix.
    pattern_rules: Vec<Vec<(u32, bool)>>,
    regexes: Option<RegexSet>,
    /// When the patterns together are too big for one set: each on its own.
    each_regex: Vec<regex::Regex>,
    regex_rules: Vec<u32>,
    clicks: HashMap<String, Vec<u32>>,
    follows: Vec<u32>,
    defaults: Vec<u32>,
    /// Teachers whose own rules are switched off.
    off: HashSet<i64>,
}

/// What all the regular expressions together may take compiled (bytes); beyond it each is
/// tried on its own.
const SET_LIMIT: usize = 64 * super::pattern::SIZE_LIMIT;

fn fold(text: &str) -> String {
    text.trim().to_lowercase()
}

impl Matcher {
    /// Compiles `rules` (enabled ones only; a regex that does not compile is skipped — the
    /// editor refused it, so only an older binary's rule could).
    pub fn build(rules: Vec<Rule>, off: HashSet<i64>) -> Matcher {
        Matcher::build_within(rules, off, SET_LIMIT)
    }

    /// `build`, with the regex set bounded by `set_limit` bytes.
    fn build_within(mut rules: Vec<Rule>, off: HashSet<i64>, set_limit: usize) -> Matcher {
        rules.sort_by_key(|r| (r.owner.is_none(), r.position, r.id));
        let mut m = Matcher { off, ..Matcher::default() };
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_ids: HashMap<String, usize> = HashMap::new();
        let mut regex_patterns = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            let i = i as u32;
            match rule.kind {
                Kind::Exact => {
                    for k in &rule.keywords {
                        m.exact.entry(fold(k)).or_default().push(i);
                    }
                }
                Kind::Contains | Kind::Prefix => {
                    for k in rule.keywords.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
                        let id = *pattern_ids.entry(k.to_lowercase()).or_insert_with(|| {
                            patterns.push(k.to_lowercase());
                            m.pattern_rules.push(Vec::new());
                            patterns.len() - 1
                        });
                        m.pattern_rules[id].push((i, rule.kind == Kind::Prefix));
                    }
                }
                Kind::Regex => {
                    for k in &rule.keywords {
                        if super::pattern::compile(k).is_ok() {
                            regex_patterns.push(k.clone());
                            m.regex_rules.push(i);
                        }
                    }
                }
                Kind::Click => {
                    for k in &rule.keywords {
                        m.clicks.entry(k.trim().to_string()).or_default().push(i);
                    }
                }
                Kind::Follow => m.follows.push(i),
                Kind::Default => m.defaults.push(i),
            }
        }
        if !patterns.is_empty() {
            m.automaton = AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(true)
                .build(&patterns)
                .ok();
        }
        if !regex_patterns.is_empty() {
            m.regexes = regex::RegexSetBuilder::new(&regex_patterns)
                .size_limit(set_limit)
                .dfa_size_limit(set_limit)
                .build()
                .ok();
            if m.regexes.is_none() {
                // Each compiled alone fits (the editor checked it); together they did not.
                m.each_regex = regex_patterns.iter().filter_map(|p| super::pattern::compile(p).ok()).collect();
            }
        }
        m.rules = rules;
        m
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether anything could answer `msg`, before knowing who sent it (so the sender is
    /// looked up only when it matters).
    pub fn candidates(&self, msg: Msg) -> Vec<u32> {
        let mut found = Vec::new();
        match msg {
            Msg::Text(text) => {
                let text = text.trim();
                if let Some(ids) = self.exact.get(&fold(text)) {
                    found.extend_from_slice(ids);
                }
                if let Some(automaton) = &self.automaton {
                    for hit in automaton.find_overlapping_iter(text) {
                        for &(rule, prefix) in &self.pattern_rules[hit.pattern().as_usize()] {
                            if !prefix || hit.start() == 0 {
                                found.push(rule);
                            }
                        }
                    }
                }
                if let Some(set) = &self.regexes {
                    found.extend(set.matches(text).into_iter().map(|i| self.regex_rules[i]));
                }
                for (i, re) in self.each_regex.iter().enumerate() {
                    if re.is_match(text) {
                        found.push(self.regex_rules[i]);
                    }
                }
            }
            Msg::Click(key) => found.extend(self.clicks.get(key).into_iter().flatten()),
            Msg::Follow => found.extend_from_slice(&self.follows),
            Msg::Other => {}
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Whether a default rule exists at all.
    pub fn has_defaults(&self) -> bool {
        !self.defaults.is_empty()
    }

    /// The rule that answers, among `candidates` (from `candidates`), then the defaults for
    /// a message (not for a click or a follow).
    pub fn answer(&self, msg: Msg, candidates: &[u32], sender: &Sender, now_ms: i64) -> Option<Found<'_>> {
        let first =
            |ids: &[u32]| ids.iter().map(|&i| &self.rules[i as usize]).find(|r| self.applies(r, sender, now_ms));
        if let Some(rule) = first(candidates) {
            return Some(Found { rule, default: false });
        }
        match msg {
            Msg::Text(_) | Msg::Other => first(&self.defaults).map(|rule| Found { rule, default: true }),
            _ => None,
        }
    }

    /// Whether `rule` answers this sender now.
    pub fn applies(&self, rule: &Rule, sender: &Sender, now_ms: i64) -> bool {
        if let Some(owner) = rule.owner {
            if sender.kind != SenderKind::Student || !sender.teachers.contains(&owner) || self.off.contains(&owner) {
                return false;
            }
        }
        if rule.valid_from.is_some_and(|t| now_ms < t) || rule.valid_until.is_some_and(|t| now_ms >= t) {
            return false;
        }
        let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8");
        let Some(local) = china.timestamp_millis_opt(now_ms).single() else { return false };
        if rule.weekdays != 0 && rule.weekdays & (1 << local.weekday().num_days_from_monday()) == 0 {
            return false;
        }
        if let Some((start, end)) = rule.window {
            let minute = local.hour() * 60 + local.minute();
            let inside = if start < end { start <= minute && minute < end } else { minute >= start || minute < end };
            if !inside {
                return false;
            }
        }
        match &rule.audience {
            Audience::Everyone => true,
            Audience::Students => sender.kind == SenderKind::Student,
            Audience::Teachers => sender.kind == SenderKind::Teacher,
            Audience::Unbound => sender.kind == SenderKind::Unbound,
            Audience::Classes(ids) => sender.class_id.is_some_and(|c| ids.contains(&c)),
            Audience::Groups(ids) => sender.groups.iter().any(|g| ids.contains(g)),
        }
    }
}

#[cfg(test)]
#[path = "matcher_tests.rs"]
mod tests;
