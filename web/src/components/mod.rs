//! Widgets shared by the pages: the shell around them, loading/error/empty states, the
//! pager, a modal dialog, SVG charts, form fields that show their problem, a file chooser, and the
//! banner of a demonstration, the warning that notices have no template.

mod charts;
pub mod chat;
mod demo_banner;
mod dialog;
mod field;
mod file_pick;
mod layout;
mod paged_table;
mod pager;
mod states;
mod template_warning;

pub use charts::{percent, rate, Bar, ColumnChart, Funnel, Gauge, HBarChart, LineChart, MiniBar, Series};
pub use demo_banner::DemoBanner;
pub use dialog::Dialog;
pub use field::Field;
pub use file_pick::{chosen_file, clear_file, FilePick};
pub use layout::{InboxChanged, RequireAdmin, Shell};
pub use paged_table::{AccountSummary, PagedTable};
pub use pager::Pager;
pub use states::{Empty, ErrorNotice, Loading, Notice};
pub use template_warning::TemplateWarning;
