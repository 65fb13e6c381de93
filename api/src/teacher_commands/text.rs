//! What the teacher commands answer, together, so the wording is read and changed in one
//! place. Texts that carry numbers or names are `format!`ed beside their use from the
//! pieces here.

pub const NOTICE_USAGE: &str = "格式：发通知 班级 通知内容\n\
内容的第一行作为标题。发送后先预览，回复「确认」才会发出。";
pub const CONFIRM_OR_CANCEL: &str = "回复「确认」发送，「取消」放弃（5 分钟内有效）。";
pub const NOTHING_PENDING: &str = "没有待确认的通知（超过 5 分钟未确认的已失效）。发送「发通知 班级 内容」重新开始。";
pub const BUSY: &str = "系统繁忙，请稍后再试。";
pub const CANCELLED: &str = "已取消，这条通知不会发送。";
pub const NO_CLASSES: &str = "你还没有负责的班级，请管理员在「班级」中把你设为班主任或任课老师。";
pub const NOT_YOUR_CLASS: &str = "没有找到这个班级，或它不是你负责的班级。";
pub const NO_NOTICES: &str = "你还没有发出过通知。发送「发通知 班级 内容」发一条。";
pub const UNREAD_USAGE: &str = "格式：未读 通知编号（编号见「统计」）";
pub const REMIND_USAGE: &str = "格式：提醒 通知编号（编号见「统计」）";
pub const NOTHING_TO_REMIND: &str = "没有可以提醒的学生：未读的学生已全部提醒过，或未绑定微信、已取消关注。";
pub const CHECKIN_USAGE: &str = "格式：签到 发起 班级（后面可加名称，如「签到 发起 1 周一班会」）\n发起一个 10 分钟的签到，学生发送「签到 签到码」或扫码签到。";
/// How long a check-in started from WeChat stays open.
pub const CHECKIN_MINUTES: i64 = 10;
/// How often its code changes: long enough to read the code out from the reply.
pub const CHECKIN_ROTATE_SECONDS: i64 = 60;

/// The teacher's 帮助, before the link to the teacher pages.
pub const HELP: &str = "老师可用指令：\n\
· 发通知 班级 内容 —— 给班级发通知（先预览，回复「确认」发出）\n\
· 统计 —— 最近三条通知的阅读情况\n\
· 未读 通知编号 —— 谁还没有读\n\
· 提醒 通知编号 —— 提醒未读的学生\n\
· 签到 发起 班级 —— 发起 10 分钟的签到\n\
· 添加回复 关键词 内容 / 删除回复 关键词 / 我的回复 —— 管理自己的自动回复\n\
· 开启自动回复 / 关闭自动回复\n\
· 重置密码 —— 获取密码重置验证码\n\
· 帮助 —— 显示本说明";
