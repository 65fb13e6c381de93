//! The groups operations are listed under in the OpenAPI spec and the API explorer. They
//! live apart from `routes` so that a capability naming its tag does not import the module
//! that assembles every capability.

use poem_openapi::Tags;

#[derive(Tags)]
pub enum ApiTags {
    /// The home page of whoever signed in: what needs them, their classes, setup steps.
    Desk,
    /// Logging in, refreshing tokens, logging out.
    Auth,
    /// The calling account.
    Me,
    /// Console accounts and roles (admins).
    Users,
    /// Tokens for third-party integrations.
    ApiTokens,
    /// Security and administration trail (admins).
    Audit,
    /// The WeChat side: JSSDK config, account status, whether it is a demonstration.
    Wechat,
    /// Classes, students, class cadres, groups and teacher profiles.
    People,
    /// Settings an admin changes.
    Settings,
    /// Notices, their audience, attachments and delivery; categories; template settings.
    Notices,
    /// What student pages inside WeChat call (a student token from WeChat authorisation).
    Portal,
    /// The account's custom menus.
    Menus,
    /// The original WeChatServer admin API (seed 002), kept at its paths and shapes.
    Seed,
    /// Numbers over many notices: the dashboard of a period, the hot ranking.
    Stats,
    /// Check-in sessions (签到), their live view, attendance and its statistics.
    Checkin,
    /// Activities and lectures students sign up for (报名).
    Activities,
    /// What followers write to the account, one thread each, and teachers' answers (消息).
    Inbox,
    /// Rules that answer followers by themselves, teachers' own and the account's (自动回复).
    AutoReplies,
    /// Parametric QR codes with a purpose, their scans and the follows they brought (二维码).
    QrCodes,
    /// Plain WeChat mass messages to every follower, a tag or a list, with their counts (群发助手).
    Mass,
    /// The document library: folders, documents, their versions and downloads (常用文档).
    Documents,
    /// Procedures (办事指南) and the offices students call or visit (联系方式).
    Guides,
    /// One search over notices, documents, procedures and contacts; the week's hot list.
    Search,
    /// The daily broadcast (每日播报): its curated items and how its days went.
    Broadcast,
    /// Topics students discuss (话题): moderation, the review queue, the word list.
    Topics,
}
