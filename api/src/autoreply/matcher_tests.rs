//! The matcher's order and conditions, without a database.

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
    let rules: Vec<Rule> = (0..200).map(|i| rule(i, None, Kind::Regex, &[&format!(r"^\w{{5}}规则{i}$")], i)).collect();
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
    let rules = vec![rule(1, None, Kind::Contains, &["奖学金"], 1), rule(2, Some(7), Kind::Contains, &["奖学金"], 5)];
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
