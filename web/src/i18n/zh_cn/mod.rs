//! Simplified Chinese.

mod console;
mod people;
mod portal;

pub use console::*;
pub use people::*;
pub use portal::*;
