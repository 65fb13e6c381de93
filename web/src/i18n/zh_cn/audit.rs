//! The audit log's strings: its page, who did what, and to what, in words.

pub const AUDIT_TITLE: &str = "审计日志";
pub const AUDIT_INTRO: &str =
    "记录谁在何时做了什么：登录与账号、学生信息的查看与修改、名单导入导出、通知、签到与活动等操作。";
pub const ACTOR: &str = "操作者";
pub const ACTOR_PLACEHOLDER: &str = "用户名";
pub const ACTION: &str = "操作";
pub const TIME: &str = "时间";
pub const TARGET: &str = "对象";
pub const DETAIL: &str = "详情";
pub const IP: &str = "IP 地址";
pub const NO_AUDIT: &str = "没有符合条件的记录。";

/// Actions the audit filter offers: every action the log holds.
pub const AUDIT_CHANNEL: &str = "渠道";

/// Through which channel an entry came.
pub fn audit_channel(channel: &str) -> &'static str {
    match channel {
        "wechat" => "微信",
        "api" => "API 令牌",
        _ => "控制台",
    }
}

pub const AUDIT_ACTIONS: &[&str] = shared::audit::ACTIONS;

/// Who did it: a username, or the server's command line (`banji admin create`).
pub fn audit_actor(actor: &str) -> String {
    match actor {
        "cli" => "命令行（服务器上）".to_string(),
        other => other.to_string(),
    }
}

/// An action as the audit log shows it (an unknown one, from a newer server, as it is).
pub fn audit_action(action: &str) -> String {
    match action {
        "login" => "登录",
        "login_failed" => "登录失败",
        "logout" => "退出登录",
        "refresh_token_reused" => "刷新令牌被重复使用",
        "password_changed" => "修改密码",
        "password_change_failed" => "修改密码失败",
        "password_reset" => "重置密码",
        "user_created" => "创建用户",
        "user_updated" => "修改用户",
        "role_changed" => "变更角色",
        "user_disabled" => "停用用户",
        "user_enabled" => "启用用户",
        "user_deleted" => "删除用户",
        "user_approved" => "批准教师注册",
        "teacher_registered" => "教师注册",
        "api_token_created" => "创建 API 令牌",
        "api_token_revoked" => "撤销 API 令牌",
        "api_tokens_revoked" => "撤销全部 API 令牌",
        "settings_changed" => "修改系统设置",
        "class_created" => "新建班级",
        "class_updated" => "修改班级",
        "class_deleted" => "删除班级",
        "student_created" => "添加学生",
        "student_updated" => "修改学生",
        "student_deleted" => "删除学生",
        "student_viewed" => "查看学生完整信息",
        "student_location_viewed" => "查看学生位置",
        "roster_imported" => "导入名单",
        "roster_exported" => "导出名单",
        "wechat_bound" => "绑定微信",
        "wechat_unbound" => "解绑微信",
        "teacher_wechat_bound" => "教师绑定微信",
        "teacher_wechat_unbound" => "教师解绑微信",
        "teacher_profile_updated" => "修改教师资料",
        "cadre_added" => "任命班干部",
        "cadre_changed" => "修改班干部",
        "cadre_removed" => "撤销班干部",
        "group_created" => "新建分组",
        "group_updated" => "修改分组",
        "group_deleted" => "删除分组",
        "group_members_added" => "添加分组成员",
        "group_members_removed" => "移除分组成员",
        "group_member_removed" => "移除分组成员",
        "followers_synced" => "同步关注者",
        "remark_set" => "设置备注",
        "tags_resynced" => "重新同步标签",
        "notice_created" => "新建通知",
        "notice_updated" => "修改通知",
        "notice_sent" => "发送通知",
        "notice_withdrawn" => "撤回通知",
        "notice_corrected" => "修改已发送的通知",
        "password_reset_requested" => "申请重置密码",
        "password_reset_by_wechat" => "通过微信重置密码",
        "inbox_replied" => "回复学生消息",
        "thread_exported" => "导出对话记录",
        "auto_rule_saved" => "保存自动回复规则",
        "auto_rule_deleted" => "删除自动回复规则",
        "auto_rules_reordered" => "调整自动回复顺序",
        "auto_rules_imported" => "导入自动回复规则",
        "auto_reply_switched" => "开关自己的自动回复",
        "messages_exported" => "导出交互记录",
        "notice_deleted" => "删除通知",
        "notice_reminded" => "提醒未读/未确认",
        "attachment_added" => "添加附件",
        "receipts_exported" => "导出回执名单",
        "receipts_sent_to_wechat" => "发送回执名单到微信",
        "mass_previewed" => "预览群发消息",
        "mass_sent" => "群发消息",
        "mass_deleted" => "删除群发消息",
        "comment_hidden" => "隐藏留言",
        "comment_shown" => "恢复留言",
        "category_created" => "新建分类",
        "category_renamed" => "重命名分类",
        "category_deleted" => "删除分类",
        "template_mapped" => "设置模板消息",
        "template_unmapped" => "取消模板消息",
        "template_added" => "从类目模板库添加模板",
        "template_deleted" => "删除模板",
        "subscribe_template_mapped" => "设置订阅通知模板",
        "subscribe_template_unmapped" => "取消订阅通知模板",
        "menu_saved" => "保存菜单",
        "menu_published" => "发布菜单",
        "menu_unpublished" => "撤下菜单",
        "menu_deleted" => "删除菜单",
        "checkin_created" => "新建签到",
        "checkin_closed" => "提前结束签到",
        "checkin_reopened" => "重新开放签到",
        "checkin_deleted" => "删除签到",
        "checkin_added" => "补签",
        "checkin_removed" => "取消签到记录",
        "checkin_exported" => "导出签到记录",
        "activity_created" => "新建活动",
        "activity_cancelled" => "取消活动",
        "activity_exported" => "导出报名名单",
        "qrcode_created" => "新建二维码",
        "qrcode_deleted" => "删除二维码",
        "guide_created" => "新建办事指南",
        "guide_updated" => "修改办事指南",
        "guide_deleted" => "删除办事指南",
        "office_created" => "新增办公室联系方式",
        "office_updated" => "修改办公室联系方式",
        "office_deleted" => "删除办公室联系方式",
        "broadcast_item_added" => "添加每日播报推荐",
        "broadcast_item_removed" => "撤回每日播报推荐",
        "topic_opened" => "开设话题",
        "topic_changed" => "修改话题",
        "topic_post_approved" => "通过话题发言",
        "topic_post_hidden" => "隐藏话题发言",
        "topic_post_pinned" => "置顶话题发言",
        "topic_post_unpinned" => "取消置顶话题发言",
        "topic_student_muted" => "在话题中禁言学生",
        "moderation_words_changed" => "修改审核词表",
        "topic_exported" => "导出话题",
        "document_created" => "上传文档",
        "document_updated" => "修改文档",
        "document_deleted" => "删除文档",
        "document_version_added" => "更新文档文件",
        "doc_folder_created" => "新建文档文件夹",
        "doc_folder_renamed" => "重命名文档文件夹",
        "doc_folder_deleted" => "删除文档文件夹",
        "doc_folders_reordered" => "调整文档文件夹顺序",
        other => return other.to_string(),
    }
    .to_string()
}

/// What an entry was done to, in words: `student:12` → `学生 #12`.
pub fn audit_target(target: &str) -> String {
    let Some((kind, id)) = target.split_once(':') else {
        return match target {
            "roster" => "名单".to_string(),
            "doc_folders" => "文档文件夹".to_string(),
            other => other.to_string(),
        };
    };
    let kind = match kind {
        "user" => "用户",
        "student" => "学生",
        "class" => "班级",
        "group" => "分组",
        "notice" => "通知",
        "checkin" => "签到",
        "activity" => "活动",
        "qrcode" => "二维码",
        "guide" => "办事指南",
        "office" => "办公室",
        "document" => "文档",
        "doc_folder" => "文档文件夹",
        "api_token" => "API 令牌",
        "category" => "分类",
        "menu" => "菜单",
        "cadre" => "班干部",
        "template" => "模板",
        "follower" | "openid" => "关注者",
        "comment" => "留言",
        "kind" => "模板类型",
        "session" => "登录会话",
        other => other,
    };
    format!("{kind} #{id}")
}
