//! Data shapes that cross the wire between the Banji API and its WASM console.
//!
//! Everything here must compile for `wasm32-unknown-unknown` without features; the
//! `openapi` feature (turned on only by `api`) adds poem-openapi derives so the same
//! types document the API. Every `serde(rename…)` has its `oai(…)` twin because
//! poem-openapi does not read serde attributes.

pub mod activities;
pub mod attendance;
pub mod audit;
pub mod auth;
pub mod autoreply;
pub mod broadcast;
pub mod bundles;
pub mod channels;
pub mod checkin;
pub mod delivery;
pub mod desk;
pub mod documents;
pub mod error;
pub mod guides;
pub mod inbox;
pub mod location;
pub mod mass;
pub mod menus;
pub mod notice_page;
pub mod notices;
pub mod page;
pub mod people;
pub mod qrcodes;
pub mod receipts;
pub mod roster;
pub mod search;
pub mod settings;
pub mod stats;
pub mod student_notices;
pub mod tokens;
pub mod topics;
pub mod users;
pub mod validate;
pub mod wechat;
pub mod wechat_people;

pub use activities::{
    Activity, ActivityCheckin, ActivityReport, NewActivity, NoShowCount, Signup, SignupStatus, StudentActivity,
};
pub use attendance::{
    AttendanceStats, AttendanceTrendPoint, ClassAttendanceRate, SessionRate, StudentAttendance, StudentSessionEntry,
};
pub use audit::AuditEntry;
pub use auth::{
    ChangePasswordRequest, LoginRequest, LoginResponse, PasswordResetCodeRequest, PasswordResetRequest, RefreshRequest,
    WechatSignInRequest,
};
pub use autoreply::{
    AutoReplyItem, AutoReplySwitch, AutoRule, AutoRuleList, BuiltinRule, DayCount, MatchedMessage, NewAutoRule,
    ReplyArticle, ReplyPreview, RuleConflict, RuleHits, RuleImport, RuleOrder, TryMessage, TryOutcome, UnansweredGroup,
};
pub use broadcast::{
    BroadcastDay, BroadcastDayCount, BroadcastItem, BroadcastOverview, BroadcastSubscribe, BroadcastSubscription,
    ItemKind, NewBroadcastItem,
};
pub use bundles::Bundle;
pub use channels::{NewLibraryTemplate, RefusedTemplate, StudentSubscriptions, SubscriptionState, TemplateKeyword};
pub use checkin::{
    AbsentNotice, AbsentNoticeSent, AttendanceCounts, AttendanceEntry, AttendanceStatus, CheckinAttempt,
    CheckinDisplay, CheckinMethod, CheckinOutcome, CheckinReport, CheckinRequest, CheckinSession, ClassAttendance,
    Geofence, ManualCheckin, NewCheckinSession, RecentCheckin, ReopenRequest, SessionState, StudentCheckin,
};
pub use delivery::{
    AccountTemplate, Delivery, DeliveryProgress, FallbackReason, MassJob, MessageKind, TemplateMapping,
    TemplateSettings,
};
pub use desk::{Desk, SetupSteps, UnansweredQuestions};
pub use documents::{
    DocAudience, DocAudienceKind, DocFolder, DocFolderName, DocFolderOrder, Document, DocumentEdit, DocumentVersion,
    StudentDocument,
};
pub use error::ErrorBody;
pub use guides::{
    ContactCard, Guide, GuideContactRef, GuideMaterial, GuideSummary, NewGuide, NewGuideMaterial, NewOffice, Office,
    PortalContacts, PortalGuide, PortalGuideSummary,
};
pub use inbox::{
    InboxChanged, InboxThread, InboxThreadDetail, InboxUpload, LoggedMessage, NewInboxReply, NewQuickReply,
    NewStudentMessage, QuickReply, ThreadMessage, MAX_QUICK_REPLIES, REPLY_KINDS,
};
pub use location::{ConsentChange, LocationConsent, StudentLocation};
pub use mass::{
    MassAudience, MassContent, MassPreviewRequest, MassPreviewSent, MassQuota, MassSend, MassTarget, MassTargets,
    NewMassSend, MASS_KINDS,
};
pub use menus::{MenuButton, MenuDraft, MenuFeature, MenuProblem, MenuTarget, NewMenu};
pub use notices::{
    Attachment, Audience, AudienceCount, NewCategory, NewNotice, Notice, NoticeCategory, NoticeCorrection, NoticePatch,
    NoticeStatus, NoticeSummary, SendRequest, Urgency,
};
pub use page::{Page, PageQuery};
pub use people::{
    Cadre, CadrePatch, Class, ClassPatch, Gender, Group, GroupMembersChange, GroupPatch, GroupRef, NewCadre, NewClass,
    NewGroup, NewStudent, Student, StudentDetail, StudentPatch, StudentStatus, TeacherProfile, TeacherProfilePatch,
    TeacherRef, WechatBinding,
};
pub use qrcodes::{NewQrCode, QrCode, QrPurpose, QrQuota};
pub use receipts::{
    Ballot, ClassProgress, ClassReceipts, ClassmateReceipt, Comment, CommentVisibility, Funnel, Missing, NewComment,
    NoticeReport, Receipt, RemindRequest, Reminder, ReminderPolicy, ReminderReach, StreamTicket, StudentVote,
    TimelinePoint, VoteOptionCount, VoteResults, VoteSpec, VoteTally,
};
pub use roster::{ImportJob, ImportReport, ImportStatus, RowError};
pub use search::{HotItem, HotList, SearchHit, SearchKind, SearchResults};
pub use settings::{Settings, SettingsPatch, TemplateStatus};
pub use stats::{ClassRate, CountBy, Dashboard, HotNotice, StudentUnread};
pub use student_notices::{CategorySubscription, FileLink, StudentNotice, StudentNoticeDetail, SubscriptionChange};
pub use tokens::{ApiToken, CreatedApiToken, NewApiToken, Scope};
pub use topics::{
    ModerationWords, NewPost, NewTopic, PostReport, PostReview, PostStatus, ReviewAction, Topic, TopicActivity,
    TopicImage, TopicMute, TopicPage, TopicPatch, TopicPost, TopicStatus, TopicTally,
};
pub use users::{NewUser, Role, User, UserPatch};
pub use validate::{FieldErrors, Problem};
pub use wechat::{About, JssdkConfig, WechatStatus};
pub use wechat_people::{
    BindPoster, BindRequest, BoundTo, Classmate, Follower, FollowerSync, PortalMe, PortalStudent, Registered,
    Registration, RemarkChange, TagResync, TeacherBinding,
};
