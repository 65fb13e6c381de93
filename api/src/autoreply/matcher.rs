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
mod tests {
    use super::*;

    fn rule(id: i64, owner: Option<i64>, kind: Kind, words: &[&str], position: i64) -> Rule {
        Rule {
            id,
            owner,
            name: format!("r{id}"),
            kind,
            keywords: words.iter().map(|w| w.to_string()).collect(),
            replies: vec![],
            random: false,
            window: None,
            weekdays: 0,
            audience: Audience::Everyone,
            valid_from: None,
            valid_until: None,
            position,
        }
    }

    fn student(teachers: &[i64]) -> Sender {
        Sender { kind: SenderKind::Student, class_id: Some(1), groups: vec![], teachers: teachers.to_vec() }
    }

    fn answered(m: &Matcher, text: &str, sender: &Sender, now: i64) -> Option<i64> {
        let msg = Msg::Text(text);
        m.answer(msg, &m.candidates(msg), sender, now).map(|f| f.rule.id)
    }

    /// 2026-12-02 (a Wednesday) at the given China time, in milliseconds.
    fn china(hour: u32, minute: u32) -> i64 {
        let china = FixedOffset::east_opt(8 * 3600).unwrap();
        china.with_ymd_and_hms(2026, 12, 2, hour, minute, 0).unwrap().timestamp_millis()
    }

    #[test]
    fn each_match_type_finds_its_messages_and_the_earlier_position_wins() {
        let m = Matcher::build(
            vec![
                rule(1, None, Kind::Contains, &["奖学金"], 3),
                rule(2, None, Kind::Exact, &["请假"], 2),
                rule(3, None, Kind::Prefix, &["宿舍"], 4),
                rule(4, None, Kind::Regex, &[r"^\d{4}年.*校历$"], 5),
                rule(5, None, Kind::Contains, &["奖学金什么时候"], 1),
                rule(6, None, Kind::Default, &[], 9),
            ],
            HashSet::new(),
        );
        let s = student(&[]);
        let now = china(10, 0);
        assert_eq!(answered(&m, "奖学金材料", &s, now), Some(1));
        assert_eq!(answered(&m, "奖学金什么时候发", &s, now), Some(5), "position 1 before position 3");
        assert_eq!(answered(&m, " 请假 ", &s, now), Some(2));
        assert_eq!(answered(&m, "我要请假", &s, now), Some(6), "exact is the whole text; the default answers");
        assert_eq!(answered(&m, "宿舍报修", &s, now), Some(3));
        assert_eq!(answered(&m, "报修宿舍", &s, now), Some(6), "a prefix starts the text");
        assert_eq!(answered(&m, "2026年秋季校历", &s, now), Some(4));
        let default = m.answer(Msg::Text("随便"), &[], &s, now).unwrap();
        assert!(default.default);
        assert!(m.answer(Msg::Click("X"), &[], &s, now).is_none(), "no default for a click");
    }

    #[test]
    fn regular_expressions_too_big_for_one_set_still_answer_each_on_its_own() {
        // Each fits the editor's limit; 200 of them do not fit a set of 64 KB.
        let rules: Vec<Rule> =
            (0..200).map(|i| rule(i, None, Kind::Regex, &[&format!(r"^\w{{5}}规则{i}$")], i)).collect();
        let m = Matcher::build_within(rules, HashSet::new(), 64 * 1024);
        assert!(m.regexes.is_none() && m.each_regex.len() == 200, "the set did not fit");
        assert_eq!(answered(&m, "一二三四五规则150", &student(&[]), china(9, 0)), Some(150));
    }

    #[test]
    fn ascii_words_match_in_any_case() {
        let m = Matcher::build(vec![rule(1, None, Kind::Contains, &["WiFi"], 1)], HashSet::new());
        assert_eq!(answered(&m, "宿舍wifi密码", &student(&[]), china(9, 0)), Some(1));
    }

    #[test]
    fn a_teachers_rule_answers_their_students_before_the_accounts_while_their_switch_is_on() {
        let rules =
            vec![rule(1, None, Kind::Contains, &["奖学金"], 1), rule(2, Some(7), Kind::Contains, &["奖学金"], 5)];
        let m = Matcher::build(rules.clone(), HashSet::new());
        let now = china(9, 0);
        assert_eq!(answered(&m, "奖学金", &student(&[7]), now), Some(2));
        assert_eq!(answered(&m, "奖学金", &student(&[8]), now), Some(1), "not another teacher's student");
        let teacher = Sender { kind: SenderKind::Teacher, class_id: None, groups: vec![], teachers: vec![7] };
        assert_eq!(answered(&m, "奖学金", &teacher, now), Some(1));
        let off = Matcher::build(rules, HashSet::from([7]));
        assert_eq!(answered(&off, "奖学金", &student(&[7]), now), Some(1), "switched off");
    }

    #[test]
    fn a_window_across_midnight_and_weekdays_are_read_in_china_time() {
        let mut night = rule(1, None, Kind::Default, &[], 1);
        night.window = Some((18 * 60, 8 * 60));
        let mut weekend = rule(2, None, Kind::Contains, &["上课"], 1);
        weekend.weekdays = 0b110_0000;
        let m = Matcher::build(vec![night, weekend], HashSet::new());
        let s = student(&[]);
        assert_eq!(answered(&m, "在吗", &s, china(23, 30)), Some(1));
        assert_eq!(answered(&m, "在吗", &s, china(7, 59)), Some(1));
        assert_eq!(answered(&m, "在吗", &s, china(8, 0)), None);
        assert_eq!(answered(&m, "在吗", &s, china(17, 59)), None);
        assert_eq!(answered(&m, "明天上课吗", &s, china(12, 0)), None, "a Wednesday");
        assert_eq!(answered(&m, "明天上课吗", &s, china(12, 0) + 3 * 86_400_000), Some(2), "a Saturday");
    }

    #[test]
    fn an_audience_and_a_validity_period_limit_who_and_when() {
        let mut classes = rule(1, None, Kind::Exact, &["班会"], 1);
        classes.audience = Audience::Classes(vec![2]);
        let mut unbound = rule(2, None, Kind::Exact, &["班会"], 2);
        unbound.audience = Audience::Unbound;
        unbound.valid_until = Some(china(12, 0));
        let m = Matcher::build(vec![classes, unbound], HashSet::new());
        let mut in_two = student(&[]);
        in_two.class_id = Some(2);
        let stranger = Sender { kind: SenderKind::Unbound, class_id: None, groups: vec![], teachers: vec![] };
        assert_eq!(answered(&m, "班会", &in_two, china(9, 0)), Some(1));
        assert_eq!(answered(&m, "班会", &student(&[]), china(9, 0)), None);
        assert_eq!(answered(&m, "班会", &stranger, china(9, 0)), Some(2));
        assert_eq!(answered(&m, "班会", &stranger, china(12, 0)), None, "expired");
    }
}
