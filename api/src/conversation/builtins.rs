//! The fixed commands as the auto-reply page lists them, before every rule teachers make,
//! so the whole order a message meets is visible in one list.

use shared::BuiltinRule;

/// The fixed commands as the auto-reply page lists them (before every rule), by the
/// router's rule names: (name, what the follower sends or does, what happens).
const BUILTINS: &[(&str, &str, &str)] = &[
    ("teacher binds WeChat by QR", "扫描「账号设置」中的二维码", "老师绑定微信"),
    ("a class's binding poster scanned", "扫描班级绑定海报", "学生加入班级并绑定"),
    ("check in by scanning the projected QR code", "扫描签到二维码", "签到"),
    ("welcome on follow", "关注公众号", "欢迎语（有「关注」规则时由规则回复）"),
    ("bind a student", "绑定 学号 姓名 验证码", "绑定学生身份"),
    ("unbind", "解绑", "解除绑定"),
    ("teacher registration code", "注册", "教师获取注册验证码"),
    ("teacher password reset code", "重置密码 / 找回密码", "教师获取密码重置验证码"),
    ("notices not yet received", "通知 / 我的通知 / 菜单「新通知」", "查看未收到的通知"),
    ("teacher sends a class a notice", "发通知 班级 内容", "老师给班级发通知（先预览，回复「确认」发出）"),
    ("teacher confirms the notice", "确认", "老师发出预览的通知"),
    ("teacher drops the notice", "取消", "老师放弃预览的通知"),
    ("teacher sees how recent notices were read", "统计", "老师查看最近三条通知的阅读情况"),
    ("teacher lists a notice's unread", "未读 通知编号", "老师查看通知的未读名单"),
    ("teacher reminds a notice's unread", "提醒 通知编号", "老师提醒通知的未读学生"),
    ("teacher starts a check-in", "签到 发起 班级", "老师发起 10 分钟的签到"),
    ("check in with the code", "签到 123456 / 菜单「签到」", "用签到码签到"),
    ("cancel a sign-up", "取消报名 活动码", "取消活动报名"),
    ("activities open for sign-up", "报名 / 活动", "查看可报名的活动"),
    ("sign up for an activity", "报名 活动码", "报名活动"),
    ("teacher adds an auto-reply", "添加回复 关键词 内容", "老师添加自己的自动回复"),
    ("teacher deletes an auto-reply", "删除回复 关键词", "老师删除自己的自动回复"),
    ("teacher lists their auto-replies", "我的回复", "老师查看自己的自动回复"),
    ("teacher turns auto-replies on", "开启自动回复", "老师开启自己的自动回复"),
    ("teacher turns auto-replies off", "关闭自动回复", "老师关闭自己的自动回复"),
    ("search everything", "搜索 关键词", "查找通知、表格、办事指南和联系方式（图文）"),
    ("search documents", "表格 / 文档 关键词", "查找常用表格和文档"),
    ("search procedures", "流程 / 办事 关键词", "查找办事指南"),
    ("search contacts", "联系 / 电话 名称", "查找部门和老师的联系方式"),
    ("the week's hot list", "热门 / 菜单「热门」", "本周阅读最多的通知和下载最多的文档"),
    ("subscribe to the daily broadcast", "订阅 每日播报 [7:30]", "每天早上收到当天的日期、天气、安排和一条推荐"),
    ("unsubscribe from the daily broadcast", "退订 每日播报", "不再收到每日播报"),
    ("topics: list the open ones", "话题 或 #", "列出正在进行的话题"),
    ("topics: post by #", "#话题名 你想说的话", "在话题中发言"),
    ("mute a category", "退订 分类", "不再推送某类通知"),
    ("unmute a category", "订阅 分类", "恢复推送某类通知"),
    ("help", "帮助 / ? / 菜单「使用帮助」", "显示可用指令"),
];

pub fn builtins() -> Vec<BuiltinRule> {
    BUILTINS
        .iter()
        .map(|(_, trigger, what)| BuiltinRule { trigger: (*trigger).into(), description: (*what).into() })
        .collect()
}

/// What a fixed command does, by its rule name (none for rules that never answer).
pub fn builtin_label(rule: &str) -> Option<&'static str> {
    BUILTINS.iter().find(|(name, _, _)| *name == rule).map(|(_, _, what)| *what)
}

/// What a fixed command does for this sender: a teacher's command sent by anyone else is
/// what its words would have been without it (「签到 发起」 a check-in code; the others
/// nothing fixed, so the auto-reply rules answer).
pub fn builtin_label_for(rule: &str, teacher: bool) -> Option<&'static str> {
    match rule {
        "teacher starts a check-in" if !teacher => builtin_label("check in with the code"),
        _ if !teacher && TEACHER_ONLY.contains(&rule) => None,
        _ => builtin_label(rule),
    }
}

/// The rules that act for a bound teacher only (see `by_teacher`).
const TEACHER_ONLY: &[&str] = &[
    "teacher sends a class a notice",
    "teacher confirms the notice",
    "teacher drops the notice",
    "teacher sees how recent notices were read",
    "teacher lists a notice's unread",
    "teacher reminds a notice's unread",
    "teacher starts a check-in",
];
