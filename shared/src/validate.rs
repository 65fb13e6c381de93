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
}

impl Problem {
    pub fn message(self) -> String {
        match self {
            Problem::Required => "is required".into(),
            Problem::TooShort(n) => format!("must be at least {n} characters"),
            Problem::TooLong(n) => format!("must be at most {n} characters"),
            Problem::InvalidChars => "may contain only letters, digits and . _ - @".into(),
            Problem::InThePast => "must be in the future".into(),
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
    fn labels_are_trimmed_and_bounded() {
        assert_eq!(label("   ", 10), Err(Problem::Required));
        assert_eq!(label("张老师", 3), Ok(()));
        assert_eq!(label("张老师好", 3), Err(Problem::TooLong(3)));
    }
}
