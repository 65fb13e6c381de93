//! The weather against a local stand-in for QWeather: an answer, a refusal, nonsense, a
//! service too slow and one not there.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use poem::endpoint::make;
use poem::http::StatusCode;
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::{Route, Server};

use super::*;

const SUNNY: &str = r#"{"code":"200","updateTime":"2026-12-04T07:35+08:00","daily":[
    {"fxDate":"2026-12-04","tempMax":"21","tempMin":"12","textDay":"多云","textNight":"晴"},
    {"fxDate":"2026-12-05","tempMax":"19","tempMin":"10","textDay":"小雨","textNight":"阴"}]}"#;

struct Fake {
    base: String,
    hits: Arc<AtomicUsize>,
    queries: Arc<Mutex<Vec<String>>>,
}

/// A QWeather stand-in on a free port answering `status` and `body` after `delay`.
async fn fake(status: u16, body: &'static str, delay: Duration) -> Fake {
    let hits = Arc::new(AtomicUsize::new(0));
    let queries = Arc::new(Mutex::new(Vec::new()));
    let (h, q) = (hits.clone(), queries.clone());
    let geo = q.clone();
    let app = Route::new()
        .at(
            "/geo/v2/city/lookup",
            make(move |req: poem::Request| {
                let q = geo.clone();
                async move {
                    let query = req.uri().query().unwrap_or_default().to_string();
                    q.lock().unwrap().push(format!("geo:{query}"));
                    // 北京 is known; any other name is not.
                    let body = if query.contains("%E5%8C%97%E4%BA%AC") {
                        r#"{"code":"200","location":[{"name":"北京","id":"101010100","adm1":"北京市"}]}"#
                    } else {
                        r#"{"code":"404","location":[]}"#
                    };
                    poem::Response::builder().content_type("application/json").body(body)
                }
            }),
        )
        .at(
            "/v7/weather/3d",
            make(move |req: poem::Request| {
                let (h, q) = (h.clone(), q.clone());
                async move {
                    h.fetch_add(1, Ordering::SeqCst);
                    q.lock().unwrap().push(req.uri().query().unwrap_or_default().to_string());
                    tokio::time::sleep(delay).await;
                    poem::Response::builder()
                        .status(StatusCode::from_u16(status).unwrap())
                        .content_type("application/json")
                        .body(body)
                }
            }),
        );
    let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await.unwrap();
    let addr = acceptor.local_addr()[0].as_socket_addr().copied().unwrap();
    tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
    Fake { base: format!("http://{addr}"), hits, queries }
}

fn weather_from(base: &str, timeout: Duration) -> Weather {
    let provider = QWeather::new(base, SecretString::from("k-secret-123"), timeout);
    Weather::new(Arc::new(provider), Kv::memory("weather-test:"))
}

#[tokio::test]
async fn todays_forecast_is_read_from_the_service_and_kept_for_the_hour() {
    let service = fake(200, SUNNY, Duration::ZERO).await;
    let weather = weather_from(&format!("{}/", service.base), Duration::from_secs(5));
    let first = weather.today("101010100").await;
    assert_eq!(first, Some(Forecast { text: "多云".into(), min: 12, max: 21 }));
    assert_eq!(first.unwrap().line(), "多云 12～21℃");
    // Asked again within the hour: from the Kv, not the service.
    assert_eq!(weather.today("101010100").await.map(|f| f.max), Some(21));
    assert_eq!(service.hits.load(Ordering::SeqCst), 1);
    // Another place is its own entry.
    assert!(weather.today("116.41,39.92").await.is_some());
    assert_eq!(service.hits.load(Ordering::SeqCst), 2);
    let queries = service.queries.lock().unwrap().clone();
    assert!(queries[0].contains("location=101010100") && queries[0].contains("key=k-secret-123"), "{queries:?}");
}

#[tokio::test]
async fn a_citys_name_is_looked_up_for_its_location_id_and_an_unknown_one_has_no_weather() {
    let service = fake(200, SUNNY, Duration::ZERO).await;
    let weather = weather_from(&service.base, Duration::from_secs(5));
    assert_eq!(weather.today("北京").await.map(|f| f.max), Some(21));
    let queries = service.queries.lock().unwrap().clone();
    assert!(queries[0].starts_with("geo:location=%E5%8C%97%E4%BA%AC"), "{queries:?}");
    assert!(queries[1].contains("location=101010100"), "the forecast asks for the id: {queries:?}");
    assert_eq!(weather.today("不存在的城").await, None);
    assert_eq!(service.hits.load(Ordering::SeqCst), 1, "no forecast asked for a city not found");
    // Coordinates go as they are.
    assert!(weather.today("116.41,39.92").await.is_some());
    assert!(service.queries.lock().unwrap().last().unwrap().contains("location=116.41%2C39.92"));
}

#[tokio::test]
async fn a_refusal_leaves_the_weather_out_and_is_asked_again_next_time() {
    // QWeather answers HTTP 200 with its own code: 401 for a wrong key.
    let service = fake(200, r#"{"code":"401"}"#, Duration::ZERO).await;
    let weather = weather_from(&service.base, Duration::from_secs(5));
    assert_eq!(weather.today("101010100").await, None);
    assert_eq!(weather.today("101010100").await, None);
    assert_eq!(service.hits.load(Ordering::SeqCst), 2);
    let provider = QWeather::new(&service.base, SecretString::from("k"), Duration::from_secs(5));
    assert!(matches!(provider.today("1").await, Err(WeatherError::Refused(code)) if code == "401"));
}

#[tokio::test]
async fn an_answer_that_is_not_a_forecast_leaves_the_weather_out() {
    for (status, body) in [
        (500, "<html>Internal Server Error</html>"),
        (200, r#"{"code":"200","daily":[]}"#),
        (200, r#"{"code":"200","daily":[{"textDay":"晴","tempMin":"冷","tempMax":"9"}]}"#),
    ] {
        let service = fake(status, body, Duration::ZERO).await;
        let provider = QWeather::new(&service.base, SecretString::from("k"), Duration::from_secs(5));
        assert!(matches!(provider.today("1").await, Err(WeatherError::Malformed(_))), "{body}");
        assert_eq!(weather_from(&service.base, Duration::from_secs(5)).today("1").await, None, "{body}");
    }
}

#[tokio::test]
async fn a_service_slower_than_the_timeout_leaves_the_weather_out() {
    let service = fake(200, SUNNY, Duration::from_secs(30)).await;
    let weather = weather_from(&service.base, Duration::from_millis(200));
    assert_eq!(weather.today("101010100").await, None);
}

#[tokio::test]
async fn an_unreachable_service_leaves_the_weather_out_and_its_error_does_not_hold_the_key() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let provider =
        QWeather::new(&format!("http://127.0.0.1:{port}"), SecretString::from("k-secret-123"), Duration::from_secs(2));
    let err = provider.today("101010100").await.unwrap_err();
    assert!(matches!(err, WeatherError::Unreachable(_)), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("k-secret-123"), "{err:?}");
}

#[tokio::test]
async fn the_mock_gives_one_forecast_per_place_and_day() {
    let a = MockWeather::forecast("101010100", 20_000);
    assert_eq!(a, MockWeather::forecast("101010100", 20_000));
    assert!(a.min < a.max && !a.text.is_empty());
    let week: Vec<Forecast> = (0..7).map(|d| MockWeather::forecast("101010100", 20_000 + d)).collect();
    assert!(week.iter().any(|f| *f != a), "the mock's weather changes from day to day");
    let weather = Weather::new(Arc::new(MockWeather), Kv::memory("weather-mock:"));
    assert_eq!(weather.today("101010100").await, Some(MockWeather::forecast("101010100", now_ms() / 86_400_000)));
}

#[tokio::test]
async fn mock_mode_has_the_mocks_weather_a_real_account_qweathers_with_a_key_and_none_without() {
    let config = |pairs: &[(&str, &str)]| {
        let map: std::collections::HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        crate::config::Config::from_vars(|name| map.get(name).cloned()).unwrap()
    };
    let kv = || Kv::memory("weather-config:");
    let mock = from_config(&config(&[]), kv()).expect("mock mode has weather");
    assert_eq!(mock.today("101010100").await, Some(MockWeather::forecast("101010100", now_ms() / 86_400_000)));
    let real = [("WECHAT_APPID", "wx1"), ("WECHAT_APPSECRET", "s"), ("WECHAT_TOKEN", "t")];
    assert!(from_config(&config(&real), kv()).is_none(), "no key, no weather");
    let service = fake(200, SUNNY, Duration::ZERO).await;
    let keyed = [&real[..], &[("BANJI_WEATHER_URL", service.base.as_str()), ("BANJI_WEATHER_KEY", "k")]].concat();
    let weather = from_config(&config(&keyed), kv()).expect("a key gives QWeather's");
    assert_eq!(weather.today("101010100").await.map(|f| f.text), Some("多云".to_string()));
    assert_eq!(service.hits.load(Ordering::SeqCst), 1);
}
