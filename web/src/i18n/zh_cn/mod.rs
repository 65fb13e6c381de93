//! Simplified Chinese.

mod console;
mod delivery;
mod notices;
mod people;
mod portal;

pub use console::*;
pub use delivery::*;
pub use notices::*;
pub use people::*;
pub use portal::*;
