//! Short-lived access tokens: HS256 JWTs naming the user and the login (session) they
//! belong to. The signing secret comes from `BANJI_JWT_SECRET`, or is generated once and
//! kept in the `settings` table so every replica signs and verifies with the same key.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::db::Db;

/// Access tokens live 15 minutes; the console refreshes them silently.
pub const ACCESS_TOKEN_SECS: i64 = 15 * 60;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// User id, as a string like every JWT subject.
    pub sub: String,
    /// Session (login) id; revoking the session invalidates the token.
    pub sid: i64,
    pub iat: i64,
    pub exp: i64,
}

/// A student page's token: who opened it in WeChat (their openid), nothing more.
#[derive(Debug, Serialize, Deserialize)]
pub struct StudentClaims {
    /// The openid.
    pub sub: String,
    /// Always `student`: a console token is never a student token, nor the reverse.
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

/// Student page tokens live 2 hours; the page goes through WeChat again after that.
pub const STUDENT_TOKEN_SECS: i64 = 2 * 3600;

#[derive(Debug, PartialEq, Eq)]
pub enum JwtProblem {
    Expired,
    Invalid,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    student_validation: Validation,
}

impl JwtKeys {
    pub fn from_secret(secret: &[u8]) -> JwtKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let mut student_validation = Validation::new(Algorithm::HS256);
        student_validation.leeway = 5;
        student_validation.set_required_spec_claims(&["exp", "sub", "aud"]);
        student_validation.set_audience(&["student"]);
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            student_validation,
        }
    }

    /// The configured secret, or the one shared through the database (created by whichever
    /// replica starts first; `ON CONFLICT DO NOTHING` makes the race harmless).
    pub async fn load(config: &Config, db: &Db) -> anyhow::Result<JwtKeys> {
        if let Some(secret) = &config.jwt_secret {
            return Ok(JwtKeys::from_secret(secret.expose_secret().as_bytes()));
        }
        sqlx::query("INSERT INTO settings (key, value) VALUES ('jwt_secret', $1) ON CONFLICT (key) DO NOTHING")
            .bind(super::random_secret())
            .execute(db.pool())
            .await?;
        let secret: String =
            sqlx::query_scalar("SELECT value FROM settings WHERE key = 'jwt_secret'").fetch_one(db.pool()).await?;
        Ok(JwtKeys::from_secret(secret.as_bytes()))
    }

    pub fn issue(&self, user_id: i64, session_id: i64) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims { sub: user_id.to_string(), sid: session_id, iat: now, exp: now + ACCESS_TOKEN_SECS };
        Ok(encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?)
    }

    /// The (user id, session id) a valid token names.
    pub fn verify(&self, token: &str) -> Result<(i64, i64), JwtProblem> {
        let claims =
            decode::<Claims>(token, &self.decoding, &self.validation).map(|data| data.claims).map_err(|e| {
                match e.kind() {
                    jsonwebtoken::errors::ErrorKind::ExpiredSignature => JwtProblem::Expired,
                    _ => JwtProblem::Invalid,
                }
            })?;
        let user_id = claims.sub.parse().map_err(|_| JwtProblem::Invalid)?;
        Ok((user_id, claims.sid))
    }
}

impl JwtKeys {
    pub fn issue_student(&self, openid: &str) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims =
            StudentClaims { sub: openid.to_string(), aud: "student".into(), iat: now, exp: now + STUDENT_TOKEN_SECS };
        Ok(encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?)
    }

    /// The openid a valid student token names.
    pub fn verify_student(&self, token: &str) -> Result<String, JwtProblem> {
        decode::<StudentClaims>(token, &self.decoding, &self.student_validation).map(|d| d.claims.sub).map_err(|e| {
            match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => JwtProblem::Expired,
                _ => JwtProblem::Invalid,
            }
        })
    }
}

/// A signed link to one attachment, for the reader it was made for: the browser opens it
/// without any header, so the link itself carries who may have the file and until when.
#[derive(Debug, Serialize, Deserialize)]
pub struct FileClaims {
    /// The openid of the reader the link was made for (whose download is counted).
    pub sub: String,
    /// Always `file`: neither a console nor a student token.
    pub aud: String,
    pub notice: i64,
    pub attachment: i64,
    pub iat: i64,
    pub exp: i64,
}

impl JwtKeys {
    pub fn issue_file_link(&self, openid: &str, notice: i64, attachment: i64, secs: i64) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims =
            FileClaims { sub: openid.into(), aud: "file".into(), notice, attachment, iat: now, exp: now + secs };
        Ok(encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?)
    }

    pub fn verify_file_link(&self, token: &str) -> Result<FileClaims, JwtProblem> {
        let mut validation = self.student_validation.clone();
        validation.set_audience(&["file"]);
        decode::<FileClaims>(token, &self.decoding, &validation).map(|d| d.claims).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => JwtProblem::Expired,
            _ => JwtProblem::Invalid,
        })
    }
}

/// A signed link to a library document's current file (常用文档), for the student it was made
/// for: like [`FileClaims`], the browser opens it with no header. Whether the student may
/// still see the document is checked again when it is opened.
#[derive(Debug, Serialize, Deserialize)]
pub struct DocumentLinkClaims {
    /// The openid of the student the link was made for (whose download is counted).
    pub sub: String,
    /// Always `document`.
    pub aud: String,
    pub document: i64,
    /// Shown in place (a PDF or an image opened to preview) rather than offered to save.
    pub inline: bool,
    pub iat: i64,
    pub exp: i64,
}

impl JwtKeys {
    pub fn issue_document_link(&self, openid: &str, document: i64, inline: bool, secs: i64) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = DocumentLinkClaims {
            sub: openid.into(),
            aud: "document".into(),
            document,
            inline,
            iat: now,
            exp: now + secs,
        };
        Ok(encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?)
    }

    pub fn verify_document_link(&self, token: &str) -> Result<DocumentLinkClaims, JwtProblem> {
        let mut validation = self.student_validation.clone();
        validation.set_audience(&["document"]);
        decode::<DocumentLinkClaims>(token, &self.decoding, &validation).map(|d| d.claims).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => JwtProblem::Expired,
            _ => JwtProblem::Invalid,
        })
    }
}

/// A signed link to a notice's receipt list as a spreadsheet, pushed to the teacher's own
/// WeChat (the phone pages' "export sent to me"): opened in WeChat's browser, which sends no
/// Authorization header. The teacher's access is checked again when it is opened.
#[derive(Debug, Serialize, Deserialize)]
pub struct ExportClaims {
    /// The teacher's user id.
    pub sub: String,
    /// Always `export`.
    pub aud: String,
    pub notice: i64,
    /// `receipts`, `unread` or `unconfirmed`.
    pub list: String,
    pub iat: i64,
    pub exp: i64,
}

impl JwtKeys {
    pub fn issue_export_link(&self, user_id: i64, notice: i64, list: &str, secs: i64) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = ExportClaims {
            sub: user_id.to_string(),
            aud: "export".into(),
            notice,
            list: list.into(),
            iat: now,
            exp: now + secs,
        };
        Ok(encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?)
    }

    pub fn verify_export_link(&self, token: &str) -> Result<ExportClaims, JwtProblem> {
        let mut validation = self.student_validation.clone();
        validation.set_audience(&["export"]);
        decode::<ExportClaims>(token, &self.decoding, &validation).map(|d| d.claims).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => JwtProblem::Expired,
            _ => JwtProblem::Invalid,
        })
    }
}

/// A signed link to a file of the inbox (what a follower sent, or a teacher's upload), for
/// the console's `<img>`, `<audio>` and `<video>`, which send no Authorization header:
/// made only for a caller who may see the thread, and short-lived.
#[derive(Debug, Serialize, Deserialize)]
pub struct MediaClaims {
    /// `m:<inbox_media id>` or `u:<inbox_uploads id>`.
    pub sub: String,
    /// Always `media`.
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

impl JwtKeys {
    pub fn issue_media_link(&self, subject: &str, secs: i64) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = MediaClaims { sub: subject.into(), aud: "media".into(), iat: now, exp: now + secs };
        Ok(encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?)
    }

    /// The subject a valid media link names.
    pub fn verify_media_link(&self, token: &str) -> Result<String, JwtProblem> {
        let mut validation = self.student_validation.clone();
        validation.set_audience(&["media"]);
        decode::<MediaClaims>(token, &self.decoding, &validation).map(|d| d.claims.sub).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => JwtProblem::Expired,
            _ => JwtProblem::Invalid,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issued_token_verifies_with_the_same_secret_only() {
        let keys = JwtKeys::from_secret(b"0123456789abcdef0123456789abcdef");
        let token = keys.issue(7, 42).unwrap();
        assert_eq!(keys.verify(&token).unwrap(), (7, 42));
        let other = JwtKeys::from_secret(b"another secret that is long enough");
        assert_eq!(other.verify(&token).unwrap_err(), JwtProblem::Invalid);
    }

    #[test]
    fn student_and_console_tokens_are_not_interchangeable() {
        let keys = JwtKeys::from_secret(b"0123456789abcdef0123456789abcdef");
        let student = keys.issue_student("oStudent").unwrap();
        assert_eq!(keys.verify_student(&student).unwrap(), "oStudent");
        assert_eq!(keys.verify(&student).unwrap_err(), JwtProblem::Invalid);
        let console = keys.issue(7, 42).unwrap();
        assert_eq!(keys.verify_student(&console).unwrap_err(), JwtProblem::Invalid);
    }

    #[test]
    fn a_file_link_opens_one_file_and_is_no_student_or_console_token() {
        let keys = JwtKeys::from_secret(b"0123456789abcdef0123456789abcdef");
        let link = keys.issue_file_link("oStudent", 3, 9, 600).unwrap();
        let claims = keys.verify_file_link(&link).unwrap();
        assert_eq!((claims.sub.as_str(), claims.notice, claims.attachment), ("oStudent", 3, 9));
        assert_eq!(keys.verify_student(&link).unwrap_err(), JwtProblem::Invalid);
        assert_eq!(keys.verify(&link).unwrap_err(), JwtProblem::Invalid);
        let student = keys.issue_student("oStudent").unwrap();
        assert_eq!(keys.verify_file_link(&student).unwrap_err(), JwtProblem::Invalid);
        assert_eq!(keys.verify_export_link(&link).unwrap_err(), JwtProblem::Invalid);
        let export = keys.issue_export_link(7, 3, "unread", 600).unwrap();
        assert_eq!(keys.verify_export_link(&export).unwrap().list, "unread");
        assert_eq!(keys.verify_file_link(&export).unwrap_err(), JwtProblem::Invalid);
        assert_eq!(keys.verify(&export).unwrap_err(), JwtProblem::Invalid);
        let stale = keys.issue_file_link("oStudent", 3, 9, -60).unwrap();
        assert_eq!(keys.verify_file_link(&stale).unwrap_err(), JwtProblem::Expired);
    }

    #[test]
    fn an_expired_token_is_reported_as_expired() {
        let keys = JwtKeys::from_secret(b"0123456789abcdef0123456789abcdef");
        let past = chrono::Utc::now().timestamp() - 3600;
        let claims = Claims { sub: "1".into(), sid: 1, iat: past - 900, exp: past };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).unwrap();
        assert_eq!(keys.verify(&token).unwrap_err(), JwtProblem::Expired);
    }
}
