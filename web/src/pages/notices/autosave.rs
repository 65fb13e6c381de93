//! What the composer holds is kept in this browser (localStorage) as it is typed, so a
//! long notice is not lost by a click on 签到 in the sidebar, a reload or a closed tab:
//! opening the composer again offers to restore it. Saving the draft forgets the copy;
//! closing or reloading the tab with unsaved text asks first (the browser's own dialog).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared::NewNotice;

const PREFIX: &str = "banji.compose.";

/// A notice as it was being written, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kept {
    pub notice: NewNotice,
    pub at: DateTime<Utc>,
}

fn key(id: Option<i64>) -> String {
    match id {
        Some(id) => format!("{PREFIX}{id}"),
        None => format!("{PREFIX}new"),
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The copy kept for this notice (None: a new one), if any.
pub fn load(id: Option<i64>) -> Option<Kept> {
    let text = storage()?.get_item(&key(id)).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

pub fn keep(id: Option<i64>, notice: &NewNotice) {
    let kept = Kept { notice: notice.clone(), at: Utc::now() };
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(&kept)) {
        // Full storage (or private mode) only means no copy: the form itself still works.
        let _ = s.set_item(&key(id), &text);
    }
}

pub fn forget(id: Option<i64>) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&key(id));
    }
}
