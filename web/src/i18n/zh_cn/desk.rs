//! The home page (工作台): what needs the counselor, recent notices, classes' binding,
//! the setup steps of a fresh install.

pub const DESK_INTRO: &str = "这里是你的工作台：需要处理的事、最近通知的阅读情况和各班绑定进度。";
pub const SETUP_TITLE: &str = "开始使用";
pub const SETUP_LEAD: &str = "按顺序完成以下几步，就能发出第一条通知：";
pub const STEP_CLASS: &str = "创建班级";
pub const STEP_STUDENTS: &str = "导入学生名单";
pub const STEP_BIND: &str = "学生绑定微信";
pub const STEP_TEMPLATE: &str = "设置通知使用的模板消息";
pub const STEP_NOTICE: &str = "发送第一条通知";
pub const STEP_DONE: &str = "已完成";
pub const STEP_CLASS_TEACHER: &str = "请管理员创建班级并把你设为负责教师";
pub const STEP_TEMPLATE_TEACHER: &str = "请管理员在「模板消息」中设置";
pub const STEP_BIND_HOW: &str = "打印班级绑定海报";
pub const TODO_TITLE: &str = "待处理";
pub const TODO_NONE: &str = "暂无需要处理的事项。";
pub const UNANSWERED: &str = "学生提问待回复";
pub const LOW_READ: &str = "阅读率偏低的通知";
pub const OPEN_CHECKINS: &str = "进行中的签到";
pub const REMIND: &str = "去提醒";
pub const RECENT_NOTICES: &str = "最近发送的通知";
pub const NO_SENT_NOTICES: &str = "还没有发送过通知。";
pub const WRITE_NOTICE: &str = "写通知";
pub const CLASS_BINDING: &str = "各班绑定进度";
pub const NO_CLASSES_YET: &str = "还没有班级。";
pub const WHO_UNBOUND: &str = "未绑定名单";
pub const ALL_BOUND: &str = "已全部绑定";
pub const ADMIN_LINKS: &str = "管理";

pub fn pending_teachers(n: i64) -> String {
    format!("{n} 位教师注册后等待审核")
}

pub fn messages_waiting(n: i64) -> String {
    format!("{n} 位学生的留言待回复")
}

pub fn questions_waiting(n: i64) -> String {
    format!("{n} 条待回复")
}

pub fn checked_in_of(checked: i64, expected: i64) -> String {
    format!("已签到 {checked} / {expected}")
}

pub fn read_of(read: i64, students: i64) -> String {
    format!("已读 {read} / {students}")
}

// The class page
pub const BIND_POSTER: &str = "绑定海报";
pub const BINDING_RATE: &str = "绑定率";
pub const CLASS_RECENT_NOTICES: &str = "发给本班的通知";
pub const CLASS_RECENT_CHECKINS: &str = "本班签到";
pub const NO_CLASS_CHECKINS: &str = "本班还没有签到。";

// The binding poster
pub const BACK_TO_CLASS: &str = "返回班级";
pub const PRINT: &str = "打印";
pub const POSTER_KICKER: &str = "扫码关注，绑定学号";
pub const POSTER_QR_ALT: &str = "公众号二维码";
pub const POSTER_STEPS: [&str; 4] = [
    "用微信扫描上方二维码，关注公众号；",
    "点开公众号发来的「请先绑定学号」消息；",
    "填写学号、姓名和辅导员发给你的 6 位验证码，完成绑定；",
    "此后班级通知、签到和活动报名都在公众号里完成。",
];
pub const POSTER_FOOT: &str = "已经关注的同学，扫码后同样会收到绑定入口。";
