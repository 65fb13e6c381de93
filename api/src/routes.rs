//! The whole HTTP surface in one place: the OpenAPI service (every `/api/v1` endpoint),
//! its spec and explorer, health checks, and the console as the fallback for all else.

use poem::endpoint::make_sync;
use poem::http::StatusCode;
use poem::web::{Data, Json};
use poem::{get, handler, Endpoint, EndpointExt, IntoResponse, Response, Route};
use poem_openapi::OpenApiService;

use crate::activities::{ActivitiesApi, PortalActivitiesApi};
use crate::api_tokens::ApiTokensApi;
use crate::audit::AuditApi;
use crate::auth::{AuthApi, MeApi, PasswordResetApi, WechatSignInApi};
use crate::autoreply::AutoRepliesApi;
use crate::broadcast::{BroadcastItemsApi, PortalBroadcastApi};
use crate::checkin::{AttendanceApi, CheckinApi, LocationApi, PortalCheckinApi};
use crate::delivery::{SubscribeApi, TemplatesApi};
use crate::desk::DeskApi;
use crate::documents::{DocumentsApi, PortalDocumentsApi};
use crate::guides::{GuidesApi, OfficesApi, PortalGuidesApi};
use crate::http::{Compression, ConsoleEndpoint, RequestContext, SecurityHeaders};
use crate::inbox::{InboxApi, MessagesApi, PortalMessagesApi, QuickRepliesApi};
use crate::mass::MassApi;
use crate::menus::MenusApi;
use crate::notices::{CategoriesApi, NoticesApi, PortalNoticesApi};
use crate::people::{
    CadresApi, ClassesApi, FollowersApi, GroupsApi, ManagedTagsApi, PosterApi, RosterApi, StudentsApi, TagsApi,
    TeacherWechatApi, TeachersApi,
};
use crate::portal::{PortalApi, PortalOauthApi};
use crate::qrcodes::QrCodesApi;
use crate::receipts::{PortalReceiptsApi, ReceiptsApi, ReceiptsToWechatApi};
use crate::search::SearchApi;
use crate::seed_api::SeedApi;
use crate::settings::SettingsApi;
use crate::state::AppState;
use crate::stats::StatsApi;
use crate::topics::{PortalTopicsApi, TopicsApi};
use crate::users::UsersApi;
use crate::wechat::{AboutApi, WechatApi};

/// Bodies larger than this are refused with 413 before they are read.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Endpoints that take files: rosters, notice attachments, files to answer with in 消息,
/// the document library's uploads and new files.
pub fn is_upload(path: &str) -> bool {
    path.starts_with("/api/v1/roster/imports")
        || path == "/api/v1/inbox/uploads"
        || (path.starts_with("/api/v1/notices/") && path.ends_with("/attachments"))
        || path == "/api/v1/documents"
        || path == "/api/v1/documents/"
        || (path.starts_with("/api/v1/documents/") && path.ends_with("/file"))
}

/// Their bound, above the attachment limit (a 50 000-student roster fits in 20 MiB).
pub fn max_upload(config: &crate::config::Config) -> usize {
    (20 * 1024 * 1024).max(config.max_attachment_bytes + 64 * 1024)
}

type Apis = (
    (AuthApi, MeApi, PasswordResetApi, UsersApi, ApiTokensApi, AuditApi, WechatApi, AboutApi),
    (ClassesApi, StudentsApi, CadresApi, GroupsApi, TeachersApi, RosterApi, SettingsApi, FollowersApi, PosterApi),
    (PortalApi, PortalOauthApi, PortalBroadcastApi, TeacherWechatApi, TagsApi, ManagedTagsApi, MenusApi, SeedApi),
    (NoticesApi, CategoriesApi, TemplatesApi, SubscribeApi, PortalNoticesApi),
    (StatsApi, ReceiptsApi, PortalReceiptsApi, DeskApi, InboxApi, PortalMessagesApi, MessagesApi, QuickRepliesApi),
    (AutoRepliesApi, WechatSignInApi, ReceiptsToWechatApi, MassApi, TopicsApi, PortalTopicsApi),
    (CheckinApi, PortalCheckinApi, AttendanceApi, LocationApi, ActivitiesApi, PortalActivitiesApi, QrCodesApi),
    (GuidesApi, OfficesApi, PortalGuidesApi, SearchApi, DocumentsApi, PortalDocumentsApi, BroadcastItemsApi),
);

pub type ApiService = OpenApiService<Apis, ()>;

fn apis() -> Apis {
    (
        (AuthApi, MeApi, PasswordResetApi, UsersApi, ApiTokensApi, AuditApi, WechatApi, AboutApi),
        (ClassesApi, StudentsApi, CadresApi, GroupsApi, TeachersApi, RosterApi, SettingsApi, FollowersApi, PosterApi),
        (PortalApi, PortalOauthApi, PortalBroadcastApi, TeacherWechatApi, TagsApi, ManagedTagsApi, MenusApi, SeedApi),
        (NoticesApi, CategoriesApi, TemplatesApi, SubscribeApi, PortalNoticesApi),
        (StatsApi, ReceiptsApi, PortalReceiptsApi, DeskApi, InboxApi, PortalMessagesApi, MessagesApi, QuickRepliesApi),
        (AutoRepliesApi, WechatSignInApi, ReceiptsToWechatApi, MassApi, TopicsApi, PortalTopicsApi),
        (CheckinApi, PortalCheckinApi, AttendanceApi, LocationApi, ActivitiesApi, PortalActivitiesApi, QrCodesApi),
        (GuidesApi, OfficesApi, PortalGuidesApi, SearchApi, DocumentsApi, PortalDocumentsApi, BroadcastItemsApi),
    )
}

pub fn api_service() -> ApiService {
    OpenApiService::new(apis(), "Banji API", env!("CARGO_PKG_VERSION"))
        .description(
            "Banji lets schools reach students through a WeChat Official Account. \
             Authenticate with `Authorization: Bearer <token>`: a JWT from `/auth/login` or an \
             API token (`bj_…`). Errors are `{ \"code\", \"message\", \"fields\"? }` with a 4xx status.",
        )
        .server("/api")
}

/// The spec as committed in `openapi/openapi.json` and printed by `banji openapi`.
pub fn spec_json() -> String {
    let mut spec = api_service().spec();
    spec.push('\n');
    spec
}

#[handler]
fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Ready when the database and the Kv answer; 503 naming the part that does not. Quick
/// whatever is down (`health::check` bounds each part).
#[handler]
async fn readyz(state: Data<&AppState>) -> Response {
    let readiness = crate::health::check(&state).await;
    let status = if readiness.ready() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let mut body = serde_json::to_value(&readiness).unwrap_or_default();
    body["status"] = serde_json::json!(if readiness.ready() { "ready" } else { "not_ready" });
    Json(body).with_status(status).into_response()
}

pub fn build(state: AppState) -> impl Endpoint<Output = Response> {
    let api = api_service();
    let spec = api.spec();
    let docs = api.swagger_ui();
    let qr_images = state.wechat.client.qrcode_image_url("");
    let qr_origin = reqwest::Url::parse(&qr_images).ok().map(|u| u.origin().ascii_serialization());
    let headers = SecurityHeaders::new(&state.config.public_url, qr_origin.as_deref(), &api.swagger_ui_html());
    let spec_endpoint =
        make_sync(move |_| Response::builder().content_type("application/json; charset=utf-8").body(spec.clone()));
    let mut route = Route::new()
        .nest("/api", api)
        .at("/api/openapi.json", spec_endpoint)
        .nest("/docs", docs)
        .at("/healthz", get(healthz))
        .at("/readyz", get(readyz))
        .at("/files/:token", get(crate::notices::links::serve))
        .at("/files/d/:token", get(crate::documents::files::serve))
        .at("/exports/:token", get(crate::receipts::to_wechat::serve))
        .at("/inbox-media/:token", get(crate::inbox::media::serve))
        .nest("/wechat", crate::wechat::webhook::routes());
    // Only in mock mode: never mounted when a real account is configured.
    if let Some(mock) = &state.wechat.mock {
        route = route.nest("/mock-wechat", mock.routes());
    }
    route
        .nest("/", ConsoleEndpoint::new(state.config.web_dist.clone()))
        .with(Compression)
        .with(RequestContext {
            trust_proxy: state.config.trust_proxy_hops,
            max_body: MAX_BODY_BYTES,
            is_upload,
            max_upload: max_upload(&state.config),
        })
        // Outermost, so the answers the request context makes itself carry them too.
        .with(headers)
        .data(state)
}
