//! A paced load on the webhook that measures every answer (`scripts/bench-faults.sh`).
//!
//! `cargo bench -p api --bench webhook_paced -- <base url> <seconds> <connections>
//! <pause ms> <first MsgId> <label>` sends unique signed 帮助 messages (plain mode) from
//! each connection in turn, waiting `pause` between them, and prints one markdown row:
//! requests per second, p50, p99 and max of the answer times, and how many answers were
//! not a 200 carrying the normal reply. Every latency is kept and sorted, so the
//! percentiles are exact (wrk's histogram was not, for a server answering in microseconds
//! with rare 300 ms outliers).

use std::time::{Duration, Instant};

use banji::wechat::config::MOCK_TOKEN;
use banji::wechat::signature::webhook_signature;

fn message(ts: &str, msg_id: u64) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_banjimock0001]]></ToUserName><FromUserName><![CDATA[oLoad{:023}]]></FromUserName>\
         <CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[帮助]]></Content><MsgId>{msg_id}</MsgId></xml>",
        msg_id % 1000
    )
}

fn arg<T: std::str::FromStr>(args: &[String], i: usize, default: T) -> T {
    args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let base = args.first().cloned().unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let seconds: u64 = arg(&args, 1, 5);
    let connections: u64 = arg(&args, 2, 8);
    let pause = Duration::from_millis(arg(&args, 3, 3));
    let first_id: u64 = arg(&args, 4, 500_000_000);
    let label = args.get(5).cloned().unwrap_or_else(|| "webhook".into());

    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for c in 0..connections {
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            // One client per connection: each keeps its own keep-alive connection.
            let client = banji::wechat::http_client(Duration::from_secs(30));
            let (mut times, mut bad) = (Vec::new(), 0u64);
            let mut msg_id = first_id + c * 10_000_000;
            while Instant::now() < until {
                msg_id += 1;
                let ts = chrono::Utc::now().timestamp().to_string();
                let nonce = msg_id.to_string();
                let url = format!(
                    "{base}/wechat?signature={}&timestamp={ts}&nonce={nonce}",
                    webhook_signature(MOCK_TOKEN, &ts, &nonce)
                );
                let sent = Instant::now();
                let answer =
                    client.post(&url).header("content-type", "text/xml").body(message(&ts, msg_id)).send().await;
                let ok = match answer {
                    Ok(resp) if resp.status() == 200 => resp.text().await.is_ok_and(|t| t.contains("可用指令")),
                    _ => false,
                };
                times.push(sent.elapsed());
                bad += u64::from(!ok);
                tokio::time::sleep(pause).await;
            }
            (times, bad)
        }));
    }
    let (mut times, mut bad) = (Vec::new(), 0);
    for task in tasks {
        let (t, b) = task.await.unwrap();
        times.extend(t);
        bad += b;
    }
    let elapsed = started.elapsed().as_secs_f64();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    println!(
        "| {label} | {:.0} | {} | {} | {} | {bad} |",
        times.len() as f64 / elapsed,
        ms(at(0.5)),
        ms(at(0.99)),
        ms(*times.last().unwrap())
    );
}
