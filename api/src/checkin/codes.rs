//! The rotating code. Time is cut into steps of `rotate_seconds`; step `n`'s code is an
//! HMAC-SHA256 of the session's secret and `n`, shown two ways: six digits (typed or sent
//! as `签到 123456`) and a parametric WeChat QR code whose scene names the session, the
//! step and a tag from the same HMAC (`ck:<session>:<step>:<tag>`), so a scene cannot be
//! made up without the secret and a screenshot stops working when the step moves on.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The scene prefix of check-in QR codes.
pub const SCENE_PREFIX: &str = "ck:";
/// The code of the step just before is still taken this long after the rotation
/// (the student was scanning as it changed), flagged `after_rotation`.
pub const GRACE_MS: i64 = 5_000;
/// How many steps back an old code is still recognised as this session's (`code_expired`
/// rather than `wrong_code`).
const RECOGNISED_STEPS: i64 = 720;

fn mac(secret: &str, step: i64) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(&step.to_be_bytes());
    mac.finalize().into_bytes().into()
}

pub fn step_at(now_ms: i64, rotate_seconds: i64) -> i64 {
    now_ms.div_euclid(rotate_seconds.max(1) * 1000)
}

/// When `step` gives way to the next.
pub fn step_ends_ms(step: i64, rotate_seconds: i64) -> i64 {
    (step + 1) * rotate_seconds.max(1) * 1000
}

/// Six digits, like a TOTP: dynamic truncation of the HMAC.
pub fn digits(secret: &str, step: i64) -> String {
    let h = mac(secret, step);
    let offset = (h[31] & 0x0f) as usize;
    let n = u32::from_be_bytes([h[offset] & 0x7f, h[offset + 1], h[offset + 2], h[offset + 3]]);
    format!("{:06}", n % 1_000_000)
}

fn tag(secret: &str, step: i64) -> String {
    hex::encode(&mac(secret, step)[..4])
}

pub fn scene(session_id: i64, secret: &str, step: i64) -> String {
    format!("{SCENE_PREFIX}{session_id}:{step}:{}", tag(secret, step))
}

/// A scanned scene's session and step, if it is shaped like one (its tag is checked by
/// `judge_scene` once the session's secret is known).
pub fn parse_scene(scene: &str) -> Option<(i64, i64, &str)> {
    let rest = scene.strip_prefix("qrscene_").unwrap_or(scene).strip_prefix(SCENE_PREFIX)?;
    let mut parts = rest.splitn(3, ':');
    let session = parts.next()?.parse().ok()?;
    let step = parts.next()?.parse().ok()?;
    Some((session, step, parts.next()?))
}

/// How a presented code compares with the session's current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Current,
    /// The previous step's, within the grace after the rotation.
    JustRotated,
    Expired,
    Wrong,
}

fn by_step(step: i64, now_ms: i64, rotate_seconds: i64) -> Verdict {
    let current = step_at(now_ms, rotate_seconds);
    if step == current {
        Verdict::Current
    } else if step == current - 1 && now_ms - step_ends_ms(step, rotate_seconds) <= GRACE_MS {
        Verdict::JustRotated
    } else if step < current && step >= current - RECOGNISED_STEPS {
        Verdict::Expired
    } else {
        Verdict::Wrong
    }
}

/// A scanned QR scene: its tag must be the step's.
pub fn judge_scene(secret: &str, step: i64, scene_tag: &str, now_ms: i64, rotate_seconds: i64) -> Verdict {
    if !crate::wechat::signature::same(&tag(secret, step), scene_tag) {
        return Verdict::Wrong;
    }
    by_step(step, now_ms, rotate_seconds)
}

/// Typed digits: the current step's, the previous one's, or an older one's.
pub fn judge_digits(secret: &str, code: &str, now_ms: i64, rotate_seconds: i64) -> Verdict {
    let current = step_at(now_ms, rotate_seconds);
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Verdict::Wrong;
    }
    // Newest first, so a code that happens to repeat is taken as its latest use.
    (0..=RECOGNISED_STEPS)
        .map(|back| current - back)
        .find(|step| crate::wechat::signature::same(&digits(secret, *step), code))
        .map_or(Verdict::Wrong, |step| by_step(step, now_ms, rotate_seconds))
}

/// A new session's secret.
pub fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "k";

    #[test]
    fn the_code_is_six_digits_and_changes_with_the_step() {
        let codes: std::collections::HashSet<_> = (0..50).map(|s| digits(SECRET, s)).collect();
        assert!(codes.iter().all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit())));
        assert!(codes.len() >= 49, "codes repeat too often: {}", codes.len());
        assert_ne!(digits("a", 7), digits("b", 7), "another session's secret gives another code");
    }

    #[test]
    fn the_current_code_is_taken_and_the_previous_only_just_after_the_rotation() {
        let rotate = 10;
        let now = 1_000_000_000_i64; // the start of step 100 000
        let step = step_at(now, rotate);
        assert_eq!(judge_digits(SECRET, &digits(SECRET, step), now + 3_000, rotate), Verdict::Current);
        assert_eq!(judge_digits(SECRET, &digits(SECRET, step - 1), now + 4_000, rotate), Verdict::JustRotated);
        assert_eq!(judge_digits(SECRET, &digits(SECRET, step - 1), now + 6_000, rotate), Verdict::Expired);
        assert_eq!(judge_digits(SECRET, &digits(SECRET, step - 30), now, rotate), Verdict::Expired);
        assert_eq!(judge_digits(SECRET, "12a456", now, rotate), Verdict::Wrong);
        assert_eq!(judge_digits("other", &digits(SECRET, step), now, rotate), Verdict::Wrong);
    }

    #[test]
    fn a_scene_round_trips_and_a_forged_tag_is_wrong() {
        let rotate = 10;
        let now = 2_000_000_000_i64;
        let step = step_at(now, rotate);
        let scene = scene(42, SECRET, step);
        let followed = format!("qrscene_{scene}");
        let (session, s, tag) = parse_scene(&followed).unwrap();
        assert_eq!((session, s), (42, step));
        assert_eq!(judge_scene(SECRET, s, tag, now + 1_000, rotate), Verdict::Current);
        assert_eq!(judge_scene(SECRET, s, "00000000", now, rotate), Verdict::Wrong);
        assert_eq!(judge_scene(SECRET, s, tag, now + 20_000, rotate), Verdict::Expired);
        assert!(parse_scene("bind:abc").is_none());
        assert!(scene.len() <= 64, "WeChat's scene_str holds 64 characters");
    }
}
