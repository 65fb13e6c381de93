//! Input rules shared by the API (authoritative) and the console (early feedback).
//!
//! A rule reports a `Problem`, not a sentence, so each side words it in its own
//! language: the API in English via `Problem::message`, the console in Chinese.

use std::collections::BTreeMap;

pub const MIN_PASSWORD_CHARS: usize = 8;
/// Bounds the work argon2 does on attacker-supplied input.
pub const MAX_PASSWORD_CHARS: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Required,
    TooShort(usize),
    TooLong(usize),
    InvalidChars,
    InThePast,
    /// Not a valid value of its kind (a phone number, an e-mail address, a 学号).
    Invalid,
    /// An end before its start.
    BeforeStart,
    /// Already used by another record.
    Taken,
}

impl Problem {
    pub fn message(self) -> String {
        match self {
            Problem::Required => "is required".into(),
            Problem::TooShort(n) => format!("must be at least {n} characters"),
            Problem::TooLong(n) => format!("must be at most {n} characters"),
            Problem::InvalidChars => "may contain only letters, digits and . _ - @".into(),
            Problem::InThePast => "must be in the future".into(),
            Problem::Invalid => "is not valid".into(),
            Problem::BeforeStart => "must not be before the start".into(),
            Problem::Taken => "is already taken".into(),
        }
    }
}

/// Problems keyed by field name, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub BTreeMap<String, Problem>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, problem: Problem) {
        self.0.entry(field.to_string()).or_insert(problem);
    }

    pub fn check(&mut self, field: &str, result: Result<(), Problem>) {
        if let Err(problem) = result {
            self.add(field, problem);
        }
    }

    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    pub fn get(&self, field: &str) -> Option<Problem> {
        self.0.get(field).copied()
    }
}

pub fn username(value: &str) -> Result<(), Problem> {
    let n = value.chars().count();
    if n == 0 {
        return Err(Problem::Required);
    }
    if n < 2 {
        return Err(Problem::TooShort(2));
    }
    if n > 64 {
        return Err(Problem::TooLong(64));
    }
    if !value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')) {
        return Err(Problem::InvalidChars);
    }
    Ok(())
}

pub fn password(value: &str) -> Result<(), Problem> {
    let n = value.chars().count();
    if n == 0 {
        Err(Problem::Required)
    } else if n < MIN_PASSWORD_CHARS {
        Err(Problem::TooShort(MIN_PASSWORD_CHARS))
    } else if n > MAX_PASSWORD_CHARS {
        Err(Problem::TooLong(MAX_PASSWORD_CHARS))
    } else {
        Ok(())
    }
}

pub fn display_name(value: &str) -> Result<(), Problem> {
    label(value, 64)
}

/// A required single-line free text of at most `max` characters.
pub fn label(value: &str, max: usize) -> Result<(), Problem> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        Err(Problem::Required)
    } else if trimmed.chars().count() > max {
        Err(Problem::TooLong(max))
    } else if trimmed.chars().any(char::is_control) {
        Err(Problem::InvalidChars)
    } else {
        Ok(())
    }
}

/// An optional single-line text: empty is fine, otherwise like `label`.
pub fn optional_label(value: &str, max: usize) -> Result<(), Problem> {
    if value.trim().is_empty() {
        Ok(())
    } else {
        label(value, max)
    }
}

/// Free text that may span lines, at most `max` characters.
pub fn note(value: &str, max: usize) -> Result<(), Problem> {
    if value.chars().count() > max {
        Err(Problem::TooLong(max))
    } else if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        Err(Problem::InvalidChars)
    } else {
        Ok(())
    }
}

/// 学号: 1–32 letters, digits or dashes.
pub fn student_no(value: &str) -> Result<(), Problem> {
    let value = value.trim();
    if value.is_empty() {
        Err(Problem::Required)
    } else if value.chars().count() > 32 {
        Err(Problem::TooLong(32))
    } else if !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Err(Problem::InvalidChars)
    } else {
        Ok(())
    }
}

/// A mainland mobile number (11 digits starting 1[3-9]), or empty.
pub fn phone(value: &str) -> Result<(), Problem> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(());
    }
    let digits = value.len() == 11 && value.chars().all(|c| c.is_ascii_digit());
    if digits && value.starts_with('1') && matches!(value.as_bytes()[1], b'3'..=b'9') {
        Ok(())
    } else {
        Err(Problem::Invalid)
    }
}

/// A teacher's contact number: a mobile, or an office line (digits, spaces, `-`, `+`,
/// parentheses, 5–20 characters), or empty.
pub fn contact_phone(value: &str) -> Result<(), Problem> {
    let value = value.trim();
    if value.is_empty() || phone(value).is_ok() {
        return Ok(());
    }
    let n = value.chars().count();
    let allowed = value.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')'));
    if allowed && (5..=20).contains(&n) {
        Ok(())
    } else {
        Err(Problem::Invalid)
    }
}

/// An e-mail address (`something@domain.tld`), or empty.
pub fn email(value: &str) -> Result<(), Problem> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(());
    }
    let valid = value.len() <= 254
        && !value.chars().any(char::is_whitespace)
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        });
    if valid {
        Ok(())
    } else {
        Err(Problem::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seven_character_password_is_too_short_and_eight_is_enough() {
        assert_eq!(password("1234567"), Err(Problem::TooShort(8)));
        assert_eq!(password("12345678"), Ok(()));
    }

    #[test]
    fn passwords_are_counted_in_characters_not_bytes() {
        // Eight Chinese characters are 24 bytes but only eight characters.
        assert_eq!(password("我的密码很安全啊"), Ok(()));
        assert_eq!(password("我的密码很安全"), Err(Problem::TooShort(8)));
    }

    #[test]
    fn usernames_reject_spaces_and_accept_email_like_names() {
        assert_eq!(username("li lei"), Err(Problem::InvalidChars));
        assert_eq!(username("li.lei@school"), Ok(()));
        assert_eq!(username(""), Err(Problem::Required));
    }

    #[test]
    fn mobile_numbers_are_eleven_digits_starting_13_to_19() {
        assert_eq!(phone("13812341234"), Ok(()));
        assert_eq!(phone(""), Ok(()));
        assert_eq!(phone("12812341234"), Err(Problem::Invalid));
        assert_eq!(phone("1381234123"), Err(Problem::Invalid));
        assert_eq!(contact_phone("020-8411 2345"), Ok(()));
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert_eq!(email("li.lei@school.edu.cn"), Ok(()));
        assert_eq!(email("li.lei@school"), Err(Problem::Invalid));
        assert_eq!(email("@school.cn"), Err(Problem::Invalid));
    }

    #[test]
    fn student_numbers_are_letters_digits_and_dashes() {
        assert_eq!(student_no("2023-0101"), Ok(()));
        assert_eq!(student_no("2023 0101"), Err(Problem::InvalidChars));
        assert_eq!(student_no(" "), Err(Problem::Required));
    }

    #[test]
    fn labels_are_trimmed_and_bounded() {
        assert_eq!(label("   ", 10), Err(Problem::Required));
        assert_eq!(label("张老师", 3), Ok(()));
        assert_eq!(label("张老师好", 3), Err(Problem::TooLong(3)));
    }
}
