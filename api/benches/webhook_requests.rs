//! Writes signed webhook requests for the load benchmark (`scripts/bench-webhook.sh`):
//! one per line, `path?query<TAB>body`, each a text message with its own MsgId (so none
//! is answered from the retry cache) and its own nonce (a signed request is good for one
//! message: the webhook refuses a replayed one), signed with the development token, and
//! encrypted with the development key in safe mode.
//!
//! `cargo bench -p api --bench webhook_requests -- <dir> <count> <paced count> [text]` writes
//! `plain.txt` and `safe.txt` (count each, for the full-speed runs) and
//! `plain-paced.txt` and `safe-paced.txt` (paced count each, for the paced runs). Every
//! message says `text` (default 帮助, a fixed command).

use std::io::Write;

use banji::wechat::config::{MOCK_AES_KEY, MOCK_APPID, MOCK_TOKEN};
use banji::wechat::crypto::MessageCrypto;
use banji::wechat::signature::{msg_signature, webhook_signature};

fn message(ts: &str, msg_id: usize, text: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_banjimock0001]]></ToUserName><FromUserName><![CDATA[oLoad{:023}]]></FromUserName>\
         <CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>",
        msg_id % 1000
    )
}

fn write(dir: &str, name: &str, count: usize, first_id: usize, safe: bool, text: &str) {
    let crypto = MessageCrypto::new(MOCK_AES_KEY, MOCK_APPID).unwrap();
    let ts = chrono::Utc::now().timestamp().to_string();
    let mut out = std::io::BufWriter::new(std::fs::File::create(format!("{dir}/{name}")).unwrap());
    for i in 0..count {
        let nonce = (first_id + i).to_string();
        let base =
            format!("/wechat?signature={}&timestamp={ts}&nonce={nonce}", webhook_signature(MOCK_TOKEN, &ts, &nonce));
        let xml = message(&ts, first_id + i, text);
        if safe {
            let encrypt = crypto.encrypt(&xml);
            let sig = msg_signature(MOCK_TOKEN, &ts, &nonce, &encrypt);
            let body = format!(
                "<xml><ToUserName><![CDATA[gh_banjimock0001]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
            );
            writeln!(out, "{base}&encrypt_type=aes&msg_signature={sig}\t{body}").unwrap();
        } else {
            writeln!(out, "{base}\t{xml}").unwrap();
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let dir = args.first().cloned().unwrap_or_else(|| "target/webhook-load".into());
    let count: usize = args.get(1).and_then(|c| c.parse().ok()).unwrap_or(1000);
    let paced: usize = args.get(2).and_then(|c| c.parse().ok()).unwrap_or(1000);
    let text = args.get(3).cloned().unwrap_or_else(|| "帮助".into());
    std::fs::create_dir_all(&dir).unwrap();
    // Disjoint MsgId ranges: no request of one file is a retry of another's.
    write(&dir, "plain.txt", count, 100_000_000, false, &text);
    write(&dir, "safe.txt", count, 200_000_000, true, &text);
    write(&dir, "plain-paced.txt", paced, 300_000_000, false, &text);
    write(&dir, "safe-paced.txt", paced, 400_000_000, true, &text);
    eprintln!("wrote {count} + {paced} plain and safe-mode requests to {dir}");
}
