//! Login, token refresh and password change.

use serde::{Deserialize, Serialize};

use crate::users::User;
use crate::validate::{self, FieldErrors, Problem};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

impl LoginRequest {
    /// Only presence is checked: a login must not reveal the password rules.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.username.trim().is_empty() {
            errors.add("username", Problem::Required);
        }
        if self.password.is_empty() {
            errors.add("password", Problem::Required);
        }
        errors.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct LoginResponse {
    /// JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Opaque, single-use token for `POST /api/v1/auth/refresh`.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until `access_token` expires.
    pub expires_in: i64,
    pub user: User,
}

/// The one-time grant WeChat's web authorisation handed a bound teacher's phone
/// (`/t/…#grant=…`), exchanged for a login.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct WechatSignInRequest {
    pub grant: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct ChangePasswordRequest {
    pub old_password: String,
    pub new_password: String,
}

impl ChangePasswordRequest {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.old_password.is_empty() {
            errors.add("old_password", Problem::Required);
        }
        errors.check("new_password", validate::password(&self.new_password));
        errors.into_result()
    }
}

/// 忘记密码, first step: the account whose password is forgotten. The answer is the same
/// whether or not it exists or has WeChat bound (nothing to learn from it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct PasswordResetCodeRequest {
    pub username: String,
}

/// 忘记密码, second step: the code WeChat brought and the new password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
#[cfg_attr(feature = "openapi", oai(skip_serializing_if_is_none))]
pub struct PasswordResetRequest {
    pub username: String,
    pub code: String,
    pub new_password: String,
}

impl PasswordResetRequest {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.username.trim().is_empty() {
            errors.add("username", Problem::Required);
        }
        if self.code.trim().is_empty() {
            errors.add("code", Problem::Required);
        }
        errors.check("new_password", validate::password(&self.new_password));
        errors.into_result()
    }
}
