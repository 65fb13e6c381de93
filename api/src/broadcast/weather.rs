//! The weather the daily broadcast carries: one small trait ([`Provider`]), a mock for
//! mock mode and tests ([`MockWeather`]), and 和风天气 (QWeather)'s three-day forecast over
//! HTTP ([`QWeather`], its base URL and key given by the caller's settings). [`Weather`]
//! keeps a location's forecast for the hour in the Kv, shared by every replica, so a
//! morning of 50 000 broadcasts asks the provider once per location and hour. A failed
//! fetch — refused, malformed, slow — is `None`, logged without the key: the broadcast
//! goes out without its weather, never not at all.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::db::now_ms;
use crate::kv::Kv;

/// Today's forecast for one place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// 晴, 多云, 小雨 …
    pub text: String,
    /// Lowest and highest temperature, ℃.
    pub min: i32,
    pub max: i32,
}

impl Forecast {
    /// 「多云 12～21℃」: the broadcast's line.
    pub fn line(&self) -> String {
        format!("{} {}～{}℃", self.text, self.min, self.max)
    }
}

/// Why there is no forecast (logged; the broadcast only sees `None`).
#[derive(Debug, thiserror::Error)]
pub enum WeatherError {
    #[error("the weather service could not be reached: {0}")]
    Unreachable(String),
    /// The service answered with an error code (QWeather: `code` other than "200").
    #[error("the weather service refused: code {0}")]
    Refused(String),
    #[error("the weather service's answer was not understood: {0}")]
    Malformed(String),
}

/// Where forecasts come from.
pub trait Provider: Send + Sync {
    /// Today's forecast for `location` (a city's name, QWeather's location id such as
    /// `101010100`, or `longitude,latitude`).
    fn today<'a>(&'a self, location: &'a str) -> BoxFuture<'a, Result<Forecast, WeatherError>>;
}

/// Mock mode's weather: fixed per location and day, so a test can know it.
pub struct MockWeather;

impl Provider for MockWeather {
    fn today<'a>(&'a self, location: &'a str) -> BoxFuture<'a, Result<Forecast, WeatherError>> {
        Box::pin(async move { Ok(MockWeather::forecast(location, now_ms() / 86_400_000)) })
    }
}

impl MockWeather {
    /// The forecast the mock gives `location` on day `day` (days since 1970).
    pub fn forecast(location: &str, day: i64) -> Forecast {
        const SKIES: [&str; 5] = ["晴", "多云", "阴", "小雨", "晴转多云"];
        let seed = location.bytes().fold(day as u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        let min = (seed % 15) as i32 + 5;
        Forecast { text: SKIES[(seed % 5) as usize].to_string(), min, max: min + 4 + (seed % 7) as i32 }
    }
}

/// QWeather's `GET {base}/v7/weather/3d?location=…&key=…`.
pub struct QWeather {
    http: reqwest::Client,
    base: String,
    key: SecretString,
}

#[derive(Deserialize)]
struct ThreeDays {
    code: String,
    #[serde(default)]
    daily: Vec<Day>,
}

/// QWeather GeoAPI's `city/lookup` answer.
#[derive(Deserialize)]
struct Places {
    code: String,
    #[serde(default)]
    location: Vec<Place>,
}

#[derive(Deserialize)]
struct Place {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Day {
    text_day: String,
    temp_min: String,
    temp_max: String,
}

impl QWeather {
    /// `base` without a trailing slash (`https://devapi.qweather.com`); `timeout` bounds
    /// the whole request, so a slow service costs a broadcast run at most that.
    pub fn new(base: &str, key: SecretString, timeout: Duration) -> QWeather {
        QWeather { http: crate::wechat::http_client(timeout), base: base.trim_end_matches('/').to_string(), key }
    }

    /// QWeather's forecast wants a LocationID or `longitude,latitude`; a city's name (as
    /// 系统设置 keeps it, 「北京」) is looked up first with its GeoAPI on the same host (a
    /// QWeather project's own API Host serves both; with the old public hosts, where the
    /// GeoAPI lives apart, write the LocationID in 系统设置 instead).
    async fn location_id(&self, location: &str) -> Result<String, WeatherError> {
        let is_id = !location.is_empty() && location.chars().all(|c| c.is_ascii_digit());
        let is_point = location.split(',').count() == 2 && location.split(',').all(|p| p.trim().parse::<f64>().is_ok());
        if is_id || is_point {
            return Ok(location.to_string());
        }
        let url = format!("{}/geo/v2/city/lookup", self.base);
        let resp = self
            .http
            .get(&url)
            .query(&[("location", location), ("number", "1"), ("key", self.key.expose_secret())])
            .send()
            .await
            .map_err(|e| WeatherError::Unreachable(e.without_url().to_string()))?;
        let status = resp.status();
        let body = resp.text().await.map_err(|e| WeatherError::Unreachable(e.without_url().to_string()))?;
        let answer: Places =
            serde_json::from_str(&body).map_err(|e| WeatherError::Malformed(format!("HTTP {status}: {e}")))?;
        if answer.code != "200" {
            return Err(WeatherError::Refused(answer.code));
        }
        answer.location.into_iter().next().map(|p| p.id).ok_or_else(|| WeatherError::Malformed("no such city".into()))
    }

    async fn fetch(&self, location: &str) -> Result<Forecast, WeatherError> {
        let location = self.location_id(location).await?;
        let location = location.as_str();
        let url = format!("{}/v7/weather/3d", self.base);
        let resp = self
            .http
            .get(&url)
            .query(&[("location", location), ("key", self.key.expose_secret())])
            .send()
            .await
            // Without the URL: it holds the key.
            .map_err(|e| WeatherError::Unreachable(e.without_url().to_string()))?;
        let status = resp.status();
        let body = resp.text().await.map_err(|e| WeatherError::Unreachable(e.without_url().to_string()))?;
        let answer: ThreeDays =
            serde_json::from_str(&body).map_err(|e| WeatherError::Malformed(format!("HTTP {status}: {e}")))?;
        if answer.code != "200" {
            return Err(WeatherError::Refused(answer.code));
        }
        let day = answer.daily.into_iter().next().ok_or_else(|| WeatherError::Malformed("no day".into()))?;
        let degrees =
            |v: &str| v.trim().parse::<i32>().map_err(|_| WeatherError::Malformed(format!("temperature {v:?}")));
        Ok(Forecast { min: degrees(&day.temp_min)?, max: degrees(&day.temp_max)?, text: day.text_day })
    }
}

impl Provider for QWeather {
    fn today<'a>(&'a self, location: &'a str) -> BoxFuture<'a, Result<Forecast, WeatherError>> {
        Box::pin(self.fetch(location))
    }
}

/// The weather this installation has: the mock's in mock mode, QWeather's with a key
/// (`BANJI_WEATHER_KEY`), otherwise none.
pub fn from_config(config: &crate::config::Config, kv: Kv) -> Option<Weather> {
    let provider: Arc<dyn Provider> = if config.wechat.mock {
        Arc::new(MockWeather)
    } else {
        let key = config.weather_key.clone()?;
        Arc::new(QWeather::new(&config.weather_url, key, config.weather_timeout))
    };
    Some(Weather::new(provider, kv))
}

/// A provider with its hourly cache.
#[derive(Clone)]
pub struct Weather {
    provider: Arc<dyn Provider>,
    kv: Kv,
}

impl Weather {
    pub fn new(provider: Arc<dyn Provider>, kv: Kv) -> Weather {
        Weather { provider, kv }
    }

    /// Today's forecast for `location`, or `None` when it cannot be had now (the failure
    /// is not kept: the next broadcast asks again).
    pub async fn today(&self, location: &str) -> Option<Forecast> {
        let key = format!("weather:{location}:{}", now_ms() / 3_600_000);
        if let Ok(Some(kept)) = self.kv.get(&key).await {
            if let Ok(forecast) = serde_json::from_str(&kept) {
                return Some(forecast);
            }
        }
        match self.provider.today(location).await {
            Ok(forecast) => {
                if let Ok(json) = serde_json::to_string(&forecast) {
                    let _ = self.kv.set(&key, &json, Some(Duration::from_secs(3_600))).await;
                }
                Some(forecast)
            }
            Err(err) => {
                tracing::warn!(%location, error = %err, "no weather for the broadcast");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests;
