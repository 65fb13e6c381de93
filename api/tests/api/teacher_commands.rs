//! A bound teacher's text commands: a notice previewed and sent on 确认 (once), dropped on
//! 取消 or when it expires; 统计, 未读 N and 提醒 N; 签到 发起; classes outside the
//! teacher's scope refused; students and strangers answered as before; all of it audited
//! as done through WeChat.

use serde_json::{json, Value};

use banji::teacher_commands::notice::draft_key;

use crate::auto_replies::answer;
use crate::auto_reply_data::bound_wechat;
use crate::helpers::{spawn_app, Session, TestApp};
use crate::oauth_helpers::student_token;
use crate::receipts::sget;

const NOTICE: &str = "发通知 软件2401 明天下午体测\n请穿运动鞋，14:00 操场集合。";

/// A teacher (wang) with a bound WeChat and a class of `n` bound students.
struct Desk {
    app: TestApp,
    admin: Session,
    wang: Session,
    phone: String,
    class: i64,
    students: Vec<(i64, String)>,
}

async fn desk(n: usize) -> Desk {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.map_notice_template(&admin).await;
    let (wang_id, wang) = app.teacher("wang").await;
    let (class, students) = app.bound_class(&admin, "软件2401", n, &[wang_id]).await;
    let phone = bound_wechat(&app, &wang).await;
    Desk { app, admin, wang, phone, class, students }
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

async fn notices_of(app: &TestApp, who: &Session) -> Vec<Value> {
    let page: Value = app.get("/api/v1/notices", &who.access).await.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}

/// Sends a notice to the desk's class from the teacher's WeChat; its id.
async fn sent_from_wechat(d: &Desk) -> i64 {
    answer(&d.app, &d.phone, NOTICE).await;
    let sent = answer(&d.app, &d.phone, "确认").await;
    assert!(sent.starts_with("已发送给"), "{sent}");
    notices_of(&d.app, &d.wang).await[0]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_notice_is_previewed_with_its_recipient_count_and_sent_once_on_confirmation() {
    let d = desk(3).await;
    let preview = answer(&d.app, &d.phone, NOTICE).await;
    assert!(preview.starts_with("通知预览\n标题：明天下午体测\n"), "{preview}");
    assert!(preview.contains("请穿运动鞋") && preview.contains("发给：软件2401，3 名学生"), "{preview}");
    assert!(preview.ends_with("回复「确认」发送，「取消」放弃（5 分钟内有效）。"), "{preview}");
    assert_eq!(count(&d.app, "notices").await, 0, "a preview creates nothing");

    let sent = answer(&d.app, &d.phone, "确认").await;
    assert!(sent.starts_with("已发送给 3 位学生"), "{sent}");
    let notices = notices_of(&d.app, &d.wang).await;
    assert_eq!(notices.len(), 1);
    let id = notices[0]["id"].as_i64().unwrap();
    assert!(sent.contains(&format!("/t/notices/{id}")), "a link to the report on the phone: {sent}");
    let notice: Value = d.app.get(&format!("/api/v1/notices/{id}"), &d.wang.access).await.json().await.unwrap();
    assert_eq!(notice["title"], "明天下午体测");
    assert_eq!(notice["body"], "明天下午体测\n请穿运动鞋，14:00 操场集合。");
    assert_eq!(notice["audience"]["classes"], json!([d.class]));
    d.app.until_sent(&d.wang, id, 30).await;
    let deliveries = d.app.deliveries(&d.wang, id).await;
    assert_eq!(deliveries.len(), 3);
    assert!(deliveries.iter().all(|r| r["status"] == "sent"), "{deliveries:?}");
    let inbox = d.app.inbox(&d.students[0].1).await;
    assert!(inbox.iter().any(|m| m.to_string().contains("明天下午体测")), "{inbox:?}");

    let again = answer(&d.app, &d.phone, "确认").await;
    assert!(again.starts_with("没有待确认的通知"), "{again}");
    assert_eq!(count(&d.app, "notices").await, 1, "a second 确认 sends nothing more");
}

#[tokio::test]
async fn a_cancelled_or_expired_draft_is_never_sent_and_a_class_may_be_named_by_its_number() {
    let d = desk(2).await;
    let usage = answer(&d.app, &d.phone, "发通知").await;
    assert!(usage.contains("你的班级：\n1. 软件2401"), "{usage}");

    let preview = answer(&d.app, &d.phone, "发通知 1 周五停课").await;
    assert!(preview.contains("发给：软件2401，2 名学生"), "{preview}");
    assert_eq!(answer(&d.app, &d.phone, "取消").await, "已取消，这条通知不会发送。");
    assert!(answer(&d.app, &d.phone, "确认").await.starts_with("没有待确认的通知"));
    assert!(answer(&d.app, &d.phone, "取消").await.starts_with("没有待确认的通知"));

    // Five minutes later the Kv has forgotten the draft (its time to live).
    answer(&d.app, &d.phone, "发通知 软件2401 周六补课").await;
    let key = draft_key(&d.phone);
    assert!(d.app.state.kv.get(&key).await.unwrap().is_some(), "the draft waits in the Kv");
    d.app.state.kv.delete(&key).await.unwrap();
    assert!(answer(&d.app, &d.phone, "确认").await.starts_with("没有待确认的通知"));
    assert_eq!(count(&d.app, "notices").await, 0);
    assert_eq!(count(&d.app, "deliveries").await, 0);
}

#[tokio::test]
async fn commands_for_a_class_outside_the_teachers_scope_are_refused_and_create_nothing() {
    let d = desk(1).await;
    d.app.bound_class(&d.admin, "软件2402", 2, &[]).await;

    for command in ["发通知 软件2402 明天停课", "发通知 化学2401 明天停课", "发通知 2 明天停课"]
    {
        let refused = answer(&d.app, &d.phone, command).await;
        assert!(refused.starts_with("没有找到这个班级，或它不是你负责的班级。"), "{command}: {refused}");
        assert!(refused.contains("1. 软件2401") && !refused.contains("软件2402"), "{refused}");
    }
    assert!(d.app.state.kv.get(&draft_key(&d.phone)).await.unwrap().is_none());
    assert!(answer(&d.app, &d.phone, "确认").await.starts_with("没有待确认的通知"));

    let refused = answer(&d.app, &d.phone, "签到 发起 软件2402").await;
    assert!(refused.starts_with("没有找到这个班级") && refused.contains("1. 软件2401"), "{refused}");
    assert_eq!(count(&d.app, "notices").await, 0);
    assert_eq!(count(&d.app, "checkin_sessions").await, 0);
}

#[tokio::test]
async fn a_teacher_sees_how_notices_were_read_lists_and_reminds_the_unread_from_wechat() {
    let d = desk(3).await;
    let (li_id, li) = d.app.teacher("li").await;
    let (li_class, _) = d.app.bound_class(&d.admin, "软件2402", 1, &[li_id]).await;
    assert!(answer(&d.app, &d.phone, "统计").await.starts_with("你还没有发出过通知"));
    let id = sent_from_wechat(&d).await;
    d.app.until_sent(&d.wang, id, 30).await;
    let token = student_token(&d.app, &d.students[0].1).await;
    assert_eq!(sget(&d.app, &format!("/api/v1/portal/notices/{id}"), &token).await.status(), 200);
    let theirs = d.app.draft(&li, "李老师的通知", json!({ "classes": [li_class] })).await;

    let stats = answer(&d.app, &d.phone, "统计").await;
    assert!(stats.contains(&format!("【{id}】明天下午体测")), "{stats}");
    assert!(stats.contains("3 人，已推送 3，已读 1（33%）") && !stats.contains("已确认"), "{stats}");
    assert!(!stats.contains("李老师"), "{stats}");

    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM students WHERE class_id = $1 ORDER BY id")
        .bind(d.class)
        .fetch_all(d.app.state.db.pool())
        .await
        .unwrap();
    let unread = answer(&d.app, &d.phone, &format!("未读 {id}")).await;
    assert!(unread.starts_with("「明天下午体测」未读 2 人：\n软件2401："), "{unread}");
    assert!(!unread.contains(&names[0]) && unread.contains(&names[1]) && unread.contains(&names[2]), "{unread}");
    assert!(unread.contains(&format!("/t/notices/{id}")), "{unread}");
    assert!(answer(&d.app, &d.phone, &format!("未读 {theirs}")).await.starts_with(&format!("没有找到通知 {theirs}")));
    assert!(answer(&d.app, &d.phone, &format!("提醒 {theirs}")).await.starts_with(&format!("没有找到通知 {theirs}")));
    assert!(answer(&d.app, &d.phone, "未读 第一条").await.starts_with("格式：未读 通知编号"));

    let reminded = answer(&d.app, &d.phone, &format!("提醒 {id}")).await;
    assert!(reminded.starts_with("已提醒「明天下午体测」未读的 2 位学生（第 1 次"), "{reminded}");
    let reminders: Vec<Value> =
        d.app.get(&format!("/api/v1/notices/{id}/reminders"), &d.wang.access).await.json().await.unwrap();
    assert_eq!((reminders.len(), reminders[0]["recipients"].as_i64()), (1, Some(2)), "{reminders:?}");
    let too_soon = answer(&d.app, &d.phone, &format!("提醒 {id}")).await;
    assert!(too_soon.starts_with("刚提醒过，30 分钟后才能再次提醒"), "{too_soon}");
    assert_eq!(count(&d.app, "notice_reminders").await, 1);
}

#[tokio::test]
async fn a_teacher_starts_a_check_in_for_their_class_and_a_student_checks_in_with_the_code() {
    let d = desk(2).await;
    let started = answer(&d.app, &d.phone, "签到 发起 软件2401").await;
    assert!(started.starts_with("已发起签到：软件2401（2 人，10 分钟内有效）"), "{started}");
    let id: i64 = started.rsplit("/t/checkin/").next().unwrap().trim().parse().unwrap();
    assert!(started.contains(&format!("{}/t/checkin/{id}", d.app.state.config.public_url)));
    let code: String = started.split("当前签到码：").nth(1).unwrap().chars().take(6).collect();
    // The current code (it changes each minute; the minute may just have turned).
    assert!([d.app.code_of(id, 0).await, d.app.code_of(id, 1).await].contains(&code), "{started}");

    let session: Value = d.app.get(&format!("/api/v1/checkins/{id}"), &d.wang.access).await.json().await.unwrap();
    assert_eq!(session["session"]["state"], "open", "{session}");
    assert_eq!(session["session"]["counts"]["expected"], 2, "{session}");
    let reply = d.app.wechat_reply(&d.students[0].1, &format!("签到 {code}")).await;
    assert!(reply.contains("签到成功"), "{reply}");
    let roll: Value = d.app.get(&format!("/api/v1/checkins/{id}"), &d.wang.access).await.json().await.unwrap();
    assert_eq!(roll["session"]["counts"]["checked_in"], 1, "{roll}");
}

#[tokio::test]
async fn students_and_strangers_get_their_usual_answers_and_help_differs_for_teachers() {
    let d = desk(1).await;
    let student = &d.students[0].1;
    let stranger = d.app.follower("路人").await;
    let usual = "已收到。发送「帮助」查看可用指令。";
    for who in [student, &stranger] {
        for text in ["统计", "确认", "取消", "发通知 软件2401 明天停课", "未读 1", "提醒 1"] {
            assert_eq!(answer(&d.app, who, text).await, usual, "{text}");
        }
    }
    let no_session = answer(&d.app, student, "签到 123456").await;
    assert_eq!(answer(&d.app, student, "签到 发起 软件2401").await, no_session, "the students' 签到 answers");
    assert_eq!(count(&d.app, "notices").await + count(&d.app, "checkin_sessions").await, 0);

    let help = answer(&d.app, student, "帮助").await;
    assert!(help.starts_with("可用指令") && !help.contains("发通知"), "{help}");
    let teachers = answer(&d.app, &d.phone, "帮助").await;
    assert!(teachers.starts_with("老师可用指令") && teachers.contains("发通知 班级 内容"), "{teachers}");
    assert!(teachers.contains("签到 发起 班级") && teachers.contains("添加回复"), "{teachers}");

    // The auto-reply console says the same: a teacher's command, or nothing fixed for a student.
    let tried = |sender: &'static str, text: &'static str| {
        let app = &d.app;
        let wang = &d.wang;
        async move {
            let body = json!({ "event": "text", "text": text, "sender": sender });
            app.post("/api/v1/auto-replies/try", &wang.access, body).await.json::<Value>().await.unwrap()
        }
    };
    assert_eq!(tried("teacher", "确认").await["builtin"], "老师发出预览的通知");
    assert_eq!(tried("student", "确认").await["answered_by"], "none");
    assert_eq!(tried("student", "签到 发起 软件2401").await["builtin"], "用签到码签到");
    let listed: Value = d.app.get("/api/v1/auto-replies", &d.wang.access).await.json().await.unwrap();
    assert!(listed.to_string().contains("签到 发起 班级"), "the console lists the commands");
}

#[tokio::test]
async fn the_teachers_commands_are_audited_as_done_through_wechat() {
    let d = desk(2).await;
    let id = sent_from_wechat(&d).await;
    answer(&d.app, &d.phone, &format!("提醒 {id}")).await;
    answer(&d.app, &d.phone, "签到 发起 软件2401").await;

    for action in ["notice_created", "notice_sent", "notice_reminded", "checkin_created"] {
        let audit: Value =
            d.app.get(&format!("/api/v1/audit?action={action}"), &d.admin.access).await.json().await.unwrap();
        let items = audit["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{action}: {audit}");
        assert_eq!(
            (items[0]["channel"].as_str(), items[0]["actor"].as_str()),
            (Some("wechat"), Some("wang")),
            "{audit}"
        );
    }
}
