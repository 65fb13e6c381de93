//! The console's own strings: shell, login, users, tokens, account, simulator.

use shared::{Problem, Role, Scope};

use crate::api::ClientError;

pub const APP_NAME: &str = "班级";
pub const APP_SUBTITLE: &str = "家校通知与签到平台";

// The banner of a public demonstration (BANJI_DEMO=1)
pub const DEMO_MODE: &str = "演示模式";
pub const DEMO_MODE_NOTE: &str = "微信公众号是模拟的，这里的学生、通知和数据仅供演示，都不是真实信息。";

// Generic states
pub const LOADING: &str = "加载中…";
pub const RETRY: &str = "重试";
pub const SAVE: &str = "保存";
pub const SAVING: &str = "保存中…";
pub const CANCEL: &str = "取消";
pub const CONFIRM: &str = "确定";
pub const CLOSE: &str = "关闭";
pub const SEARCH: &str = "搜索";
pub const ALL: &str = "全部";
pub const NEVER: &str = "从未";
pub const ACTIONS: &str = "操作";
pub const PREV_PAGE: &str = "上一页";
pub const NEXT_PAGE: &str = "下一页";
pub const NOT_FOUND_TITLE: &str = "页面不存在";
pub const NOT_FOUND_BODY: &str = "您访问的页面不存在或已被移动。";
pub const BACK_HOME: &str = "返回首页";
pub const ADMIN_ONLY: &str = "此页面仅管理员可访问。";

// Login and session
pub const USERNAME: &str = "用户名";
pub const PASSWORD: &str = "密码";
pub const SIGN_IN: &str = "登录";
pub const SIGN_OUT: &str = "退出登录";
pub const CHECKING_SESSION: &str = "正在验证登录状态…";

// Navigation
pub const NAV_HOME: &str = "首页";
pub const NAV_USERS: &str = "用户管理";
pub const NAV_TOKENS: &str = "API 令牌";
pub const NAV_ACCOUNT: &str = "账号设置";
pub const NAV_AUDIT: &str = "审计日志";
pub const NAV_API_DOCS: &str = "接口文档";
pub const NAV_SIMULATOR: &str = "微信模拟器";

// Home
pub const GOOD_MORNING: &str = "上午好";
pub const GOOD_AFTERNOON: &str = "下午好";
pub const GOOD_EVENING: &str = "晚上好";
pub const MY_ACCOUNT: &str = "我的账号";
pub const ROLE: &str = "角色";
pub const LAST_LOGIN: &str = "最近登录";
pub const SYSTEM_STATUS: &str = "系统状态";
pub const DATABASE: &str = "数据库";
pub const CACHE: &str = "缓存";
pub const STATUS_OK: &str = "正常";
pub const STATUS_DOWN: &str = "不可用";
pub const CACHE_REDIS: &str = "Redis（多实例共享）";
pub const CACHE_LOCAL: &str = "进程内";

// Users
pub const USERS_TITLE: &str = "用户管理";
pub const USERS_SEARCH_PLACEHOLDER: &str = "搜索用户名或姓名";
pub const NEW_USER: &str = "新建用户";
pub const CREATE_USER: &str = "创建用户";
pub const DISPLAY_NAME: &str = "姓名";
pub const INITIAL_PASSWORD: &str = "初始密码";
pub const STATUS: &str = "状态";
pub const ENABLED: &str = "正常";
pub const DISABLED: &str = "已停用";
pub const DISABLE: &str = "停用";
pub const ENABLE: &str = "启用";
pub const DELETE: &str = "删除";
pub const RESET_PASSWORD: &str = "重置密码";
pub const NEW_PASSWORD: &str = "新密码";
pub const NO_USERS: &str = "没有符合条件的用户。";
pub const USER_CREATED: &str = "用户已创建。";
pub const USER_UPDATED: &str = "已保存。";
pub const AWAITING_APPROVAL: &str = "待审核";
pub const USER_DELETED: &str = "用户已删除。";
pub const PASSWORD_RESET_DONE: &str = "密码已重置，该用户的所有登录已退出。";
pub const YOU: &str = "（我）";

pub fn confirm_delete_user(name: &str) -> String {
    format!("确定删除用户「{name}」吗？其登录与 API 令牌将一并删除，此操作无法撤销。")
}

pub fn reset_password_for(name: &str) -> String {
    format!("为「{name}」设置新密码")
}

// API tokens
pub const TOKENS_TITLE: &str = "API 令牌";
pub const TOKENS_INTRO: &str =
    "API 令牌供第三方系统调用班级接口，以您的身份和权限访问。请求时使用 Authorization: Bearer <令牌>。";
pub const NEW_TOKEN: &str = "新建令牌";
pub const CREATE_TOKEN: &str = "创建令牌";
pub const TOKEN_NAME: &str = "名称";
pub const TOKEN_NAME_PLACEHOLDER: &str = "例如：教务系统同步";
pub const SCOPES: &str = "权限";
pub const SCOPE_READ: &str = "读取";
pub const SCOPE_WRITE: &str = "写入";
pub const EXPIRY: &str = "有效期";
pub const EXPIRY_NEVER: &str = "永不过期";
pub const EXPIRY_30: &str = "30 天";
pub const EXPIRY_90: &str = "90 天";
pub const EXPIRY_365: &str = "1 年";
pub const PREFIX: &str = "前缀";
pub const CREATED_AT: &str = "创建时间";
pub const EXPIRES_AT: &str = "过期时间";
pub const LAST_USED: &str = "最近使用";
pub const REVOKE: &str = "撤销";
pub const REVOKED: &str = "已撤销";
pub const EXPIRED: &str = "已过期";
pub const ACTIVE: &str = "有效";
pub const NO_TOKENS: &str = "还没有 API 令牌。";
pub const SECRET_ONCE: &str = "请立即复制并妥善保存此令牌，关闭后将无法再次查看：";
pub const COPY: &str = "复制";
pub const COPIED: &str = "已复制";
pub const CONFIRM_REVOKE: &str = "确定撤销此令牌吗？使用它的系统将立即无法访问。";

// Account
pub const ACCOUNT_TITLE: &str = "账号设置";
pub const CHANGE_PASSWORD: &str = "修改密码";
pub const OLD_PASSWORD: &str = "当前密码";
pub const CONFIRM_PASSWORD: &str = "确认新密码";
pub const PASSWORDS_DIFFER: &str = "两次输入的密码不一致";
pub const PASSWORD_CHANGED: &str = "密码已修改，其他设备上的登录已全部退出。";
pub const PASSWORD_HINT: &str = "至少 8 个字符。";

// WeChat simulator (mock mode)
pub const SIMULATOR_TITLE: &str = "微信模拟器";
pub const SIMULATOR_INTRO: &str =
    "当前未配置真实公众号，班级使用内置的模拟微信平台。在这里创建模拟的关注者，以他们的身份发消息、点菜单、发位置，查看公众号的回复与推送。";
pub const SIMULATOR_REAL_ACCOUNT: &str = "已连接真实公众号，模拟器不可用。";
pub const SIM_NEW_FOLLOWER: &str = "新建关注者";
pub const SIM_NICKNAME: &str = "昵称";
pub const SIM_NICKNAME_PLACEHOLDER: &str = "昵称，例如：李雷";
pub const SIM_NO_FOLLOWERS: &str = "还没有模拟关注者，先新建一个。";
pub const SIM_NOT_FOLLOWING: &str = "已取关";
pub const SIM_PICK_FOLLOWER: &str = "选择左侧的关注者，查看其与公众号的对话。";
pub const SIM_NO_MESSAGES: &str = "还没有消息。";
pub const SIM_MESSAGE: &str = "消息";
pub const SIM_MESSAGE_PLACEHOLDER: &str = "输入消息，例如：帮助";
pub const SIM_SEND: &str = "发送";
pub const SIM_MENU_KEY: &str = "菜单 KEY";
pub const SIM_MENU: &str = "公众号菜单";
pub const SIM_NO_MENU: &str = "公众号还没有发布菜单（在「公众号菜单」里发布后，这里会显示菜单按钮）。";
pub const SIM_CLICK_MENU: &str = "点击菜单";
pub const SIM_SEND_LOCATION: &str = "发送位置";
pub const SIM_SEND_IMAGE: &str = "发送图片";
pub const SIM_SEND_VOICE: &str = "发送语音";
pub const SIM_SEND_VIDEO: &str = "发送视频";
pub const SIM_IMAGE: &str = "图片";
pub const SIM_VOICE: &str = "▶ 语音消息";
pub const SIM_SAMPLE_PLACE: &str = "广州市海珠区";
pub const SIM_UNFOLLOW: &str = "取消关注";
pub const SIM_FOLLOW: &str = "重新关注";
pub const SIM_OPEN_LINK: &str = "打开链接";

pub fn sim_channel(channel: &str) -> &'static str {
    match channel {
        "custom" => "客服消息",
        "template" => "模板消息",
        "mass" => "群发消息",
        _ => "回复",
    }
}

pub fn sim_send_error(err: &ClientError) -> String {
    match err.code() {
        Some("not_following") => "该用户已取消关注，无法发送消息。".into(),
        Some("webhook_failed") => "公众号服务器没有正常应答。".into(),
        _ => error(err),
    }
}

// Audit
pub fn role(role: Role) -> &'static str {
    match role {
        Role::Admin => "管理员",
        Role::Teacher => "教师",
    }
}

pub fn scope(scope: Scope) -> &'static str {
    match scope {
        Scope::Read => SCOPE_READ,
        Scope::Write => SCOPE_WRITE,
    }
}

pub fn problem(problem: Problem) -> String {
    match problem {
        Problem::Required => "必填".into(),
        Problem::TooShort(n) => format!("至少 {n} 个字符"),
        Problem::TooLong(n) => format!("不能超过 {n} 个字符"),
        Problem::InvalidChars => "只能包含字母、数字和 . _ - @".into(),
        Problem::InThePast => "必须是将来的时间".into(),
        Problem::Invalid => "格式不正确".into(),
        Problem::BeforeStart => "不能早于开始日期".into(),
        Problem::Taken => "已被使用".into(),
    }
}

/// Server field messages are English (`Problem::message`); show ours instead.
pub fn field_message(server: &str) -> String {
    let known = [
        Problem::Required,
        Problem::InvalidChars,
        Problem::InThePast,
        Problem::TooShort(8),
        Problem::TooLong(64),
        Problem::TooLong(128),
        Problem::TooShort(2),
    ];
    known.into_iter().find(|p| p.message() == server).map(problem).unwrap_or_else(|| match server {
        "is incorrect" => "不正确".into(),
        other => other.to_string(),
    })
}

pub fn page_of(page: u32, pages: u32, total: i64) -> String {
    format!("第 {page} / {pages} 页，共 {total} 条")
}

/// A sentence for any failed request.
pub fn error(err: &ClientError) -> String {
    if let Some(text) = super::people::people_error(err) {
        return text.to_string();
    }
    if let Some(text) = super::notices::notices_error(err) {
        return text;
    }
    if let Some(text) = super::receipts::receipts_error(err) {
        return text;
    }
    if let Some(text) = super::checkin::checkin_error(err) {
        return text;
    }
    if let Some(text) = super::qrcodes::qrcodes_error(err) {
        return text.to_string();
    }
    if let Some(text) = super::mass::mass_error(err) {
        return text;
    }
    if let Some(text) = super::documents::documents_error(err) {
        return text;
    }
    if let Some(code) = err.code() {
        let known = match code {
            "invalid_credentials" => Some("用户名或密码错误。"),
            "account_disabled" => Some("该账号已停用，请联系管理员。"),
            "admin_only" => Some("此操作仅限管理员。"),
            "last_admin" => Some("这是最后一位启用的管理员，请先设置另一位管理员。"),
            "username_taken" => Some("该用户名已被使用。"),
            "session_required" => Some("此操作需要通过控制台登录。"),
            "insufficient_scope" => Some("令牌权限不足。"),
            "validation_failed" => Some("请检查标出的字段。"),
            "not_found" => Some("要操作的对象不存在，可能已被删除。"),
            "database_unavailable" => Some("数据库暂时无法连接，系统正在自动重连，请稍后重试。"),
            "cache_unavailable" => Some("缓存服务暂时不可用，请稍后重试。"),
            "item_sent" => Some("这条推荐已经发出，保留为记录，不能撤回。"),
            _ => None,
        };
        if let Some(text) = known {
            return text.to_string();
        }
    }
    match err {
        ClientError::RateLimited { retry_after } => format!("尝试次数过多，请在 {retry_after} 秒后重试。"),
        ClientError::Network => "无法连接服务器，请检查网络后重试。".into(),
        ClientError::Server => "服务器出错了，请稍后重试。".into(),
        ClientError::Unavailable { retry_after, .. } => format!("服务暂时繁忙，请在 {retry_after} 秒后重试。"),
        ClientError::Unauthorized => "登录已过期，请重新登录。".into(),
        ClientError::Forbidden(_) => "没有权限执行此操作。".into(),
        _ => "请求未能完成，请检查输入后重试。".into(),
    }
}

// 忘记密码
pub const FORGOT_TITLE: &str = "找回密码";
pub const FORGOT_INTRO: &str =
    "已绑定微信的教师：填写用户名，验证码会发到你的微信；也可以在学校公众号中发送「重置密码」获取。未绑定微信的教师请联系管理员重置密码。";
pub const SEND_RESET_CODE: &str = "发送验证码到微信";
pub const RESET_CODE_SENT: &str = "如果该账号已绑定微信，验证码已发到微信（10 分钟内有效）。没有收到？在学校公众号中发送「重置密码」即可获取；未绑定微信的教师请联系管理员。";
pub const RESET_CODE: &str = "验证码";
pub const RESET_CODE_WRONG: &str = "验证码不正确或已过期，请重新获取";
pub const RESET_PASSWORD_SUBMIT: &str = "设置新密码";
pub const RESET_DONE: &str = "密码已重置，请用新密码登录。之前的登录和 API 令牌都已失效。";
