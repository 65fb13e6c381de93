//! Form bodies as the seed API takes them: `application/x-www-form-urlencoded` or
//! `multipart/form-data`, where a list (`openid_list`) may be repeated fields or one
//! field holding a JSON array. `FormFields<T>` reads either into `T` and is documented
//! in the spec with both content types; `SeedJson<T>` reads a JSON body. A body neither
//! can read is answered in the seed's shape (`errcode` -1), like a missing field.

use poem::http::StatusCode;
use poem::web::Multipart;
use poem::{FromRequest, IntoResponse, Request, RequestBody, Result};
use poem_openapi::payload::Json;
use poem_openapi::registry::{MetaMediaType, MetaRequest, Registry};
use poem_openapi::types::{ParseFromJSON, Type};
use poem_openapi::{ApiExtractor, ApiExtractorType, ExtractParamOptions};

use super::errors::{missing, SeedError};

/// A body that could not be read, as the seed answers it: 415 when it is in a content
/// type the operation does not take, else 400 as for a missing field.
fn unreadable(status: StatusCode, message: impl Into<String>) -> poem::Error {
    let answer = if status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
        SeedError::UnsupportedMediaType(super::errors::status(-1, message))
    } else {
        missing()
    };
    poem::Error::from_response(answer.into_response())
}

/// The fields of a form, in order, repeats kept.
#[derive(Debug, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The first value of `name`, trimmed, if not empty.
    pub fn one(&self, name: &str) -> Option<String> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty())
    }

    /// Every value of `name` (or `name[]`); a single value holding a JSON array counts
    /// as its elements.
    pub fn list(&self, name: &str) -> Vec<String> {
        let bracketed = format!("{name}[]");
        let values: Vec<&str> = self
            .0
            .iter()
            .filter(|(k, _)| k == name || *k == bracketed)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        if let [single] = values.as_slice() {
            if single.starts_with('[') {
                if let Ok(list) = serde_json::from_str::<Vec<serde_json::Value>>(single) {
                    return list
                        .into_iter()
                        .filter_map(|v| v.as_str().map(str::to_string).or_else(|| v.as_i64().map(|n| n.to_string())))
                        .collect();
                }
            }
        }
        values.into_iter().map(str::to_string).collect()
    }
}

/// A type read from form fields.
pub trait FromFields: Sized {
    fn from_fields(fields: &Fields) -> Self;
}

pub struct FormFields<T>(pub T);

const URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

fn is(content_type: &str, wanted: &str) -> bool {
    content_type.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case(wanted))
}

async fn read(request: &Request, body: &mut RequestBody) -> Result<Fields> {
    let content_type = request.content_type().unwrap_or_default().to_string();
    if is(&content_type, MULTIPART) {
        let mut multipart = <Multipart as FromRequest>::from_request(request, body).await?;
        let mut fields = Vec::new();
        while let Some(field) = multipart.next_field().await? {
            let name = field.name().unwrap_or_default().to_string();
            fields.push((name, field.text().await?));
        }
        return Ok(Fields(fields));
    }
    let bytes = <Vec<u8> as FromRequest>::from_request(request, body).await?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
        .map_err(|e| poem::Error::from_string(format!("unreadable form: {e}"), StatusCode::BAD_REQUEST))?;
    Ok(Fields(pairs))
}

impl<'a, T: Type + FromFields + Send> ApiExtractor<'a> for FormFields<T> {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::RequestObject];

    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        T::register(registry);
    }

    fn request_meta() -> Option<MetaRequest> {
        let media = |content_type| MetaMediaType { content_type, schema: T::schema_ref() };
        Some(MetaRequest { description: None, content: vec![media(URLENCODED), media(MULTIPART)], required: true })
    }

    async fn from_request(request: &'a Request, body: &mut RequestBody, _: ExtractParamOptions<()>) -> Result<Self> {
        let content_type = request.content_type().unwrap_or_default();
        if !is(content_type, URLENCODED) && !is(content_type, MULTIPART) {
            return Err(unreadable(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("send the fields as {URLENCODED} or {MULTIPART}"),
            ));
        }
        let fields = read(request, body).await.map_err(|e| unreadable(e.status(), e.to_string()))?;
        Ok(FormFields(T::from_fields(&fields)))
    }
}

/// A JSON body (the menu), documented as poem-openapi's `Json<T>` is.
pub struct SeedJson<T>(pub T);

impl<'a, T: ParseFromJSON + Send> ApiExtractor<'a> for SeedJson<T> {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::RequestObject];

    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        <Json<T> as ApiExtractor>::register(registry);
    }

    fn request_meta() -> Option<MetaRequest> {
        <Json<T> as ApiExtractor>::request_meta()
    }

    async fn from_request(
        request: &'a Request,
        body: &mut RequestBody,
        options: ExtractParamOptions<()>,
    ) -> Result<Self> {
        match <Json<T> as ApiExtractor>::from_request(request, body, options).await {
            Ok(json) => Ok(SeedJson(json.0)),
            Err(err) => Err(unreadable(err.status(), err.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_may_be_repeated_fields_or_one_json_array() {
        let repeated = Fields(vec![
            ("openid_list".into(), "a".into()),
            ("openid_list".into(), "b".into()),
            ("tagid".into(), "2".into()),
        ]);
        assert_eq!(repeated.list("openid_list"), ["a", "b"]);
        assert_eq!(repeated.one("tagid").as_deref(), Some("2"));
        let json = Fields(vec![("openid_list".into(), r#"["a","b"]"#.into())]);
        assert_eq!(json.list("openid_list"), ["a", "b"]);
        let php = Fields(vec![("openid_list[]".into(), "a".into())]);
        assert_eq!(php.list("openid_list"), ["a"]);
        assert_eq!(php.one("tagid"), None);
    }
}
