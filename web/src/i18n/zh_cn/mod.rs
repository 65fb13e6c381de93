//! Simplified Chinese.

mod activities;
mod audit;
mod autoreply;
mod checkin;
mod console;
mod delivery;
mod desk;
mod documents;
mod inbox;
mod mass;
mod notices;
mod people;
mod portal;
mod qrcodes;
mod receipts;
mod stats;
mod teacher;
mod templates;

pub use activities::*;
pub use audit::*;
pub use autoreply::*;
pub use checkin::*;
pub use console::*;
pub use delivery::*;
pub use desk::*;
pub use documents::*;
pub use inbox::*;
pub use mass::*;
pub use notices::*;
pub use people::*;
pub use portal::*;
pub use qrcodes::*;
pub use receipts::*;
pub use stats::*;
pub use teacher::*;
pub use templates::*;
