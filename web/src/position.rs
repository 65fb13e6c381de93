//! Where the phone is, for a check-in that needs a position: inside WeChat through the
//! JSSDK's `wx.getLocation`, elsewhere the browser's geolocation — both as WGS-84 (GPS)
//! coordinates, the system the console's 使用我的当前位置 (browser geolocation) sets a
//! fence in; GCJ-02 (Chinese maps) is offset by up to ~500 m and would refuse students
//! standing inside the fence. And the device id the
//! check-in page sends: a random id kept in the browser's storage, one per phone.
//!
//! Both APIs are reached through `js_sys::Reflect`: `wx` is a script's global, not a
//! web-sys type, and geolocation's types changed names across web-sys releases.

use gloo_storage::{LocalStorage, Storage};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys::{Function, Object, Promise, Reflect};

use crate::api;

const DEVICE_KEY: &str = "banji.device";
const JSSDK_URL: &str = "https://res.wx.qq.com/open/js/jweixin-1.6.0.js";
/// Give up on a position after this long.
const TIMEOUT_MS: u32 = 15_000;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fix {
    pub latitude: f64,
    pub longitude: f64,
    pub accuracy_m: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PositionError {
    /// Neither WeChat nor the browser can tell.
    Unsupported,
    /// The student (or the browser's settings) said no.
    Denied,
    Unavailable,
    Timeout,
}

/// This phone's id: made once, then kept in localStorage.
pub fn device_id() -> String {
    if let Ok(id) = LocalStorage::get::<String>(DEVICE_KEY) {
        if !id.is_empty() {
            return id;
        }
    }
    let id: String =
        (0..4).map(|_| format!("{:08x}", (web_sys::js_sys::Math::random() * 4_294_967_295.0) as u32)).collect();
    let _ = LocalStorage::set(DEVICE_KEY, &id);
    id
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn number(target: &JsValue, key: &str) -> Option<f64> {
    get(target, key).as_f64().filter(|v| v.is_finite())
}

fn object(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

pub fn in_wechat() -> bool {
    web_sys::window().and_then(|w| w.navigator().user_agent().ok()).is_some_and(|ua| ua.contains("MicroMessenger"))
}

fn wx() -> Option<JsValue> {
    let wx = get(&web_sys::window()?.into(), "wx");
    (wx.is_object()).then_some(wx)
}

/// The phone's position: WeChat's when `wx` is there (its script is loaded inside
/// WeChat when missing), the browser's otherwise.
pub async fn current() -> Result<Fix, PositionError> {
    if let Some(fix) = from_wechat().await {
        return fix;
    }
    from_browser().await
}

/// Resolves once the promise's executor calls back, or after `TIMEOUT_MS` with `timeout`.
async fn settle(executor: &mut dyn FnMut(Function, Function), timeout: JsValue) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        if let Some(window) = web_sys::window() {
            let late = Closure::once_into_js({
                let reject = reject.clone();
                let timeout = timeout.clone();
                move || {
                    let _ = reject.call1(&JsValue::NULL, &timeout);
                }
            });
            let _ =
                window.set_timeout_with_callback_and_timeout_and_arguments_0(late.unchecked_ref(), TIMEOUT_MS as i32);
        }
        executor(resolve, reject);
    });
    wasm_bindgen_futures::JsFuture::from(promise).await
}

async fn load_jssdk() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let (Ok(script), Some(head)) = (document.create_element("script"), document.head()) else { return };
    let _ = script.set_attribute("src", JSSDK_URL);
    let _ = settle(
        &mut |resolve, reject| {
            let _ = Reflect::set(&script, &"onload".into(), &resolve);
            let _ = Reflect::set(&script, &"onerror".into(), &reject);
            let _ = head.append_child(&script);
        },
        JsValue::NULL,
    )
    .await;
}

/// WeChat's `wx`, configured for this page with `apis` and the open tags `tags`
/// (`wx-open-subscribe` …) and ready; `None` outside WeChat or when it could not be set
/// up. The script is loaded inside WeChat when missing.
pub async fn wechat_ready(apis: &[&str], tags: &[&str]) -> Option<JsValue> {
    if wx().is_none() && in_wechat() {
        load_jssdk().await;
    }
    let wx = wx()?;
    let href = web_sys::window()?.location().href().ok()?;
    let url = href.split('#').next().unwrap_or(&href).to_string();
    let config = api::checkin::jssdk_config(&url).await.ok()?;
    let list = |names: &[&str]| {
        let array = web_sys::js_sys::Array::new();
        for name in names {
            array.push(&JsValue::from_str(name));
        }
        JsValue::from(array)
    };
    call(
        &wx,
        "config",
        &object(&[
            ("debug", JsValue::FALSE),
            ("appId", JsValue::from_str(&config.app_id)),
            ("timestamp", JsValue::from_f64(config.timestamp as f64)),
            ("nonceStr", JsValue::from_str(&config.nonce_str)),
            ("signature", JsValue::from_str(&config.signature)),
            ("jsApiList", list(apis)),
            ("openTagList", list(tags)),
        ])
        .into(),
    )?;
    let ready = settle(
        &mut |resolve, reject| {
            let _ = call(&wx, "ready", &resolve);
            let _ = call(&wx, "error", &reject);
        },
        JsValue::NULL,
    )
    .await;
    ready.ok()?;
    Some(wx)
}

fn call(wx: &JsValue, name: &str, arg: &JsValue) -> Option<()> {
    let f: Function = get(wx, name).dyn_into().ok()?;
    f.call1(wx, arg).ok().map(|_| ())
}

/// `None` when the JSSDK could not be set up (the browser's geolocation is tried then).
async fn from_wechat() -> Option<Result<Fix, PositionError>> {
    let wx = wechat_ready(&["getLocation"], &[]).await?;
    let call = |name: &str, arg: &JsValue| call(&wx, name, arg);
    let answer = settle(
        &mut |resolve, reject| {
            let cancel = reject.clone();
            let _ = call(
                "getLocation",
                &object(&[
                    ("type", JsValue::from_str("wgs84")),
                    ("success", resolve.into()),
                    ("fail", reject.into()),
                    ("cancel", cancel.into()),
                ])
                .into(),
            );
        },
        JsValue::from_str("timeout"),
    )
    .await;
    Some(match answer {
        Ok(res) => match (number(&res, "latitude"), number(&res, "longitude")) {
            (Some(latitude), Some(longitude)) => Ok(Fix { latitude, longitude, accuracy_m: number(&res, "accuracy") }),
            _ => Err(PositionError::Unavailable),
        },
        Err(e) if e.as_string().as_deref() == Some("timeout") => Err(PositionError::Timeout),
        Err(e) => {
            let message = get(&e, "errMsg").as_string().unwrap_or_default();
            Err(if message.contains("cancel") || message.contains("deny") || message.contains("auth") {
                PositionError::Denied
            } else {
                PositionError::Unavailable
            })
        }
    })
}

async fn from_browser() -> Result<Fix, PositionError> {
    let navigator: JsValue = web_sys::window().ok_or(PositionError::Unsupported)?.navigator().into();
    let geolocation = get(&navigator, "geolocation");
    let locate: Function =
        get(&geolocation, "getCurrentPosition").dyn_into().map_err(|_| PositionError::Unsupported)?;
    let options = object(&[
        ("enableHighAccuracy", JsValue::TRUE),
        ("timeout", JsValue::from_f64(f64::from(TIMEOUT_MS - 1_000))),
        ("maximumAge", JsValue::from_f64(0.0)),
    ]);
    let answer = settle(
        &mut |resolve, reject| {
            let _ = locate.call3(&geolocation, &resolve, &reject, &options);
        },
        JsValue::from_str("timeout"),
    )
    .await;
    match answer {
        Ok(position) => {
            let coords = get(&position, "coords");
            match (number(&coords, "latitude"), number(&coords, "longitude")) {
                (Some(latitude), Some(longitude)) => {
                    Ok(Fix { latitude, longitude, accuracy_m: number(&coords, "accuracy") })
                }
                _ => Err(PositionError::Unavailable),
            }
        }
        Err(e) if e.as_string().as_deref() == Some("timeout") => Err(PositionError::Timeout),
        Err(e) => Err(match number(&e, "code").map(|c| c as i64) {
            Some(1) => PositionError::Denied,
            Some(3) => PositionError::Timeout,
            _ => PositionError::Unavailable,
        }),
    }
}
