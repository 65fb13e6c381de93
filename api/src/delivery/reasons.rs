//! Why a better channel was not used, and why a row failed, as stable codes the report
//! carries (the console words them in its language) with an English sentence for API
//! users. A row's `fallback` column is its codes joined by `;`, e.g.
//! `template:not_mapped;custom:outside_window`.

use shared::FallbackReason;

/// Failure codes stored with a failed row (besides the platform's errcode).
pub const NOT_BOUND: &str = "the student has not bound WeChat";
pub const NOT_FOLLOWING: &str = "the student does not follow the account";
pub const BLOCKED: &str = "the student has refused messages from the account";

/// The sentence for one `channel:code` fallback entry.
fn describe(channel: &str, code: &str) -> String {
    let text = match code {
        "account_kind" => match channel {
            "template" => "template messages need a verified service account",
            "subscribe" => "subscribe notifications need a verified service account",
            "custom" => "subscription accounts cannot send customer-service messages",
            _ => "subscription accounts cannot mass-send to a list of students",
        },
        "not_mapped" if channel == "subscribe" => "no subscribe template is chosen for notices (Settings → Templates)",
        "not_mapped" => "no template is chosen for notices (Settings → Templates)",
        "refused" => "the student turned this template's messages off in WeChat (43101); it is passed over for them",
        "blocked" => "WeChat blocked this notice's template message for its content (40249)",
        "not_subscribed" => "the student has not subscribed to notifications (the subscribe button on their pages)",
        "outside_window" => "the student has not written to the account in the last 48 hours",
        "window_cap" => "the 5 customer-service messages of the student's 48-hour window are used",
        "monthly_quota" => "the student has had the 4 mass messages a month allows",
        "single" => "a mass send needs at least two students",
        "unknown_outcome" => "the send was interrupted and its outcome is unknown; not repeated, to avoid a duplicate",
        other => {
            if let Some(field) = other.strip_prefix("invalid_value:") {
                return format!(
                    "the value of {field} breaks the keyword's type (47003); fix the mapping or the notice"
                );
            }
            if let Some(code) = other.strip_prefix("rejected:").and_then(|c| c.parse::<i64>().ok()) {
                let why = crate::wechat::client::describe(code).unwrap_or("refused");
                return format!("WeChat refused it ({code}: {why})");
            }
            "not possible"
        }
    };
    text.to_string()
}

/// Appends `channel:code` to a row's fallback codes.
pub fn push(fallback: &mut String, channel: &str, code: &str) {
    if !fallback.is_empty() {
        fallback.push(';');
    }
    fallback.push_str(channel);
    fallback.push(':');
    fallback.push_str(code);
}

/// A row's fallback codes, each with its sentence.
pub fn parse(fallback: &str) -> Vec<FallbackReason> {
    fallback
        .split(';')
        .filter_map(|entry| entry.split_once(':'))
        .map(|(channel, code)| FallbackReason {
            channel: channel.to_string(),
            code: code.to_string(),
            message: describe(channel, code),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_codes_are_kept_in_order_with_their_sentences() {
        let mut codes = String::new();
        push(&mut codes, "template", "not_mapped");
        push(&mut codes, "custom", "rejected:45047");
        assert_eq!(codes, "template:not_mapped;custom:rejected:45047");
        let reasons = parse(&codes);
        assert_eq!(reasons.len(), 2);
        assert_eq!((reasons[1].channel.as_str(), reasons[1].code.as_str()), ("custom", "rejected:45047"));
        assert!(reasons[1].message.contains("45047"), "{}", reasons[1].message);
        assert!(parse("").is_empty());
    }
}
