//! The auto-reply matcher with 10 000 rules (issue 16): finding the rule that answers one
//! message (goal: under 20 µs), for a message a `contains` rule answers, one an `exact`
//! rule answers, one only a default answers, and the cost of compiling all of them again
//! (what a replica does on every change).
//!
//! The rules are a school's mix: 6 000 `contains`, 2 000 `exact`, 1 500 `prefix`, 400 `regex`,
//! 99 menu clicks and a default; half of them a teacher's own (500 teachers), the sender a
//! student of three of those teachers.
//!
//! Run: `cargo bench -p api --bench autoreply`

use std::collections::HashSet;

use banji::autoreply::matcher::{Audience, Kind, Matcher, Msg, Rule, Sender, SenderKind};
use criterion::{criterion_group, criterion_main, Criterion};
use shared::AutoReplyItem;

fn rules(n: usize) -> Vec<Rule> {
    (0..n)
        .map(|i| {
            let (kind, word) = match i % 100 {
                0..=59 => (Kind::Contains, format!("问题{i}号")),
                60..=79 => (Kind::Exact, format!("精确{i}")),
                80..=94 => (Kind::Prefix, format!("开头{i}")),
                95..=98 => (Kind::Regex, format!(r"^规则{i}\s*\d+$")),
                _ if i == 99 => (Kind::Default, String::new()),
                _ => (Kind::Click, format!("KEY_{i}")),
            };
            Rule {
                id: i as i64,
                owner: (i % 2 == 0).then_some((i % 500) as i64),
                name: word.clone(),
                kind,
                keywords: vec![word],
                replies: vec![AutoReplyItem { kind: "text".into(), text: Some("回复".into()), ..Default::default() }],
                random: false,
                window: (i % 7 == 0).then_some((8 * 60, 22 * 60)),
                weekdays: 0,
                audience: if i % 5 == 0 { Audience::Students } else { Audience::Everyone },
                valid_from: None,
                valid_until: None,
                position: i as i64,
            }
        })
        .collect()
}

fn matching(c: &mut Criterion) {
    let all = rules(10_000);
    let matcher = Matcher::build(all.clone(), HashSet::new());
    let student = Sender { kind: SenderKind::Student, class_id: Some(3), groups: vec![7], teachers: vec![2, 40, 402] };
    let now = chrono::Utc::now().timestamp_millis();
    let mut group = c.benchmark_group("auto-reply, 10 000 rules");
    for (label, text) in [
        ("contains (a question in a sentence)", "老师您好，我想问一下问题5001号的材料什么时候交？"),
        ("exact", "精确4061"),
        ("nothing but the default", "今天食堂几点开门，图书馆周末开不开？"),
    ] {
        group.bench_function(label, |b| {
            b.iter(|| {
                let msg = Msg::Text(std::hint::black_box(text));
                let found = matcher.answer(msg, &matcher.candidates(msg), &student, now);
                std::hint::black_box(found.map(|f| f.rule.id))
            })
        });
    }
    group.sample_size(10);
    group.bench_function("compile all (on every change)", |b| {
        b.iter(|| Matcher::build(std::hint::black_box(all.clone()), HashSet::new()).rules().len())
    });
    group.finish();
}

criterion_group!(benches, matching);
criterion_main!(benches);
