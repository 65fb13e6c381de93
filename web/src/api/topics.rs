//! 话题: the students' calls (`/portal/topics`, with the student token) and the console's
//! (`/topics`).

use gloo_net::http::Method;
use shared::{
    ModerationWords, NewPost, NewTopic, PostReport, PostReview, ReviewAction, Topic, TopicActivity, TopicImage,
    TopicMute, TopicPage, TopicPatch, TopicPost,
};

use super::portal::{request, send};
use super::ApiResult;

pub async fn open_topics() -> ApiResult<Vec<Topic>> {
    send::<(), _>(Method::GET, "/topics", None).await
}

pub async fn propose(title: String, description: String) -> ApiResult<Topic> {
    send(Method::POST, "/topics", Some(&NewTopic { title, description, ..NewTopic::default() })).await
}

pub async fn page(id: i64, hot: bool) -> ApiResult<TopicPage> {
    let sort = if hot { "?sort=hot" } else { "" };
    send::<(), _>(Method::GET, &format!("/topics/{id}{sort}"), None).await
}

pub async fn write(id: i64, post: NewPost) -> ApiResult<TopicPost> {
    send(Method::POST, &format!("/topics/{id}/posts"), Some(&post)).await
}

pub async fn like(post: i64, on: bool) -> ApiResult<TopicPost> {
    let method = if on { Method::PUT } else { Method::DELETE };
    send::<(), _>(method, &format!("/topics/posts/{post}/like"), None).await
}

pub async fn report(post: i64) -> ApiResult<()> {
    request(Method::POST, &format!("/topics/posts/{post}/report"), Some(&PostReport::default())).await.map(|_| ())
}

/// Keeps a picture for a post about to be written in `topic`.
pub async fn upload_image(topic: i64, file: &web_sys::File) -> ApiResult<TopicImage> {
    let resp = super::portal::request_file(&format!("/topics/{topic}/images"), file).await?;
    resp.json().await.map_err(|_| super::ClientError::Server)
}

/// A picture, fetched with the student token (or, `console`, the session's), as a URL an
/// `<img>` shows.
pub async fn image_url(id: i64, console: bool) -> ApiResult<String> {
    let resp = if console {
        super::send(Method::GET, &format!("/topics/images/{id}"), None, true).await?
    } else {
        request::<()>(Method::GET, &format!("/topics/images/{id}"), None).await?
    };
    let bytes = resp.binary().await.map_err(|_| super::ClientError::Network)?;
    let parts = web_sys::js_sys::Array::new();
    parts.push(&web_sys::js_sys::Uint8Array::from(bytes.as_slice()));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(|_| super::ClientError::Server)?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| super::ClientError::Server)
}

// The console's.

pub async fn list() -> ApiResult<Vec<Topic>> {
    super::get("/topics").await
}

pub async fn open(topic: NewTopic) -> ApiResult<Topic> {
    super::post("/topics", &topic).await
}

pub async fn change(id: i64, patch: TopicPatch) -> ApiResult<Topic> {
    super::patch(&format!("/topics/{id}"), &patch).await
}

pub async fn posts(id: i64) -> ApiResult<TopicPage> {
    super::get(&format!("/topics/{id}/posts")).await
}

pub async fn queue() -> ApiResult<Vec<TopicPost>> {
    super::get("/topics/queue").await
}

pub async fn review(post: i64, action: ReviewAction) -> ApiResult<TopicPost> {
    super::post(&format!("/topics/posts/{post}/review"), &PostReview { action }).await
}

pub async fn mute(topic: i64, student_id: i64, minutes: i64) -> ApiResult<()> {
    super::post_done(&format!("/topics/{topic}/mutes"), &TopicMute { student_id, minutes }).await
}

pub async fn words() -> ApiResult<ModerationWords> {
    super::get("/topics/words").await
}

pub async fn set_words(words: Vec<String>) -> ApiResult<ModerationWords> {
    super::put("/topics/words", &ModerationWords { words }).await
}

pub async fn activity(id: i64) -> ApiResult<TopicActivity> {
    super::get(&format!("/topics/{id}/activity")).await
}

pub async fn export(id: i64) -> ApiResult<()> {
    super::download(&format!("/topics/{id}/export"), &format!("topic-{id}.csv")).await
}
