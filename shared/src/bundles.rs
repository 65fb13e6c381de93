//! Which browser bundle a page belongs to. The server answers a page's path with that
//! bundle's shell (`api/src/http/spa.rs`) and each bundle's routes load a page of another
//! bundle whole (`web/src/pages/not_found.rs`): one rule for both, here.
//!
//! The phone pages are several bundles, not one per audience: a student on 3G waits for
//! every byte of the bundle that draws the page they tapped, and Leptos with one page is
//! about half the size of Leptos with all of them (docs/benchmarks.md, "Pages on a
//! phone"). They are cut where a user rarely crosses in one visit: what a pushed message
//! opens is one bundle, what the menu opens another.

/// A browser bundle, built by `scripts/build-web.sh`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    Console,
    /// The students' home and their menu's pages: `/s`, binding, messages,
    /// subscriptions, activities.
    Student,
    /// The students' notices: `/s/notices`, `/s/notices/…` (what a pushed notice opens;
    /// the server draws a notice's first view into this bundle's shell).
    StudentNotices,
    /// The students' check-in: `/s/checkin`, `/s/checkin/…`.
    StudentCheckin,
    /// The school's guides as students read them: contacts (`/s/teachers`), search,
    /// procedures (`/s/guides/…`), documents (`/s/documents/…`).
    StudentGuides,
    /// The teachers' phone home and notices: `/t`, `/t/notices/…`.
    Teacher,
    /// The teachers' tasks on the phone: a check-in shown (`/t/checkin/…`), the students'
    /// messages (`/t/messages/…`), registrations to approve (`/t/approvals`).
    TeacherTasks,
    /// The console's sign-in page, `/login`: plain HTML and a small script
    /// (`web/login.html`), no WebAssembly.
    Login,
}

/// `path` is `prefix` or below it.
fn under(path: &str, prefix: &str) -> bool {
    path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'))
}

/// Pages that are not their area's first bundle's, most specific first.
const PAGES: [(&str, Bundle); 9] = [
    ("/s/notices", Bundle::StudentNotices),
    ("/s/checkin", Bundle::StudentCheckin),
    ("/s/teachers", Bundle::StudentGuides),
    ("/s/search", Bundle::StudentGuides),
    ("/s/guides", Bundle::StudentGuides),
    ("/s/documents", Bundle::StudentGuides),
    ("/t/checkin", Bundle::TeacherTasks),
    ("/t/messages", Bundle::TeacherTasks),
    ("/t/approvals", Bundle::TeacherTasks),
];

impl Bundle {
    /// Every bundle with a folder of its own, as the server looks for them.
    pub const WITH_FOLDER: [Bundle; 7] = [
        Bundle::Student,
        Bundle::StudentNotices,
        Bundle::StudentCheckin,
        Bundle::StudentGuides,
        Bundle::Teacher,
        Bundle::TeacherTasks,
        Bundle::Login,
    ];

    /// The bundle whose shell answers `path`.
    pub fn of(path: &str) -> Bundle {
        if let Some((_, bundle)) = PAGES.iter().find(|(prefix, _)| under(path, prefix)) {
            *bundle
        } else if under(path, "/s") {
            Bundle::Student
        } else if under(path, "/t") {
            Bundle::Teacher
        } else if path == "/login" {
            Bundle::Login
        } else {
            Bundle::Console
        }
    }

    /// The folder of `web/dist` the bundle is built into (its assets are served from
    /// `/{folder}/…`, its bin is named the same); the console's is `web/dist` itself.
    pub fn folder(self) -> Option<&'static str> {
        match self {
            Bundle::Console => None,
            Bundle::Student => Some("student"),
            Bundle::StudentNotices => Some("student-notices"),
            Bundle::StudentCheckin => Some("student-checkin"),
            Bundle::StudentGuides => Some("student-guides"),
            Bundle::Teacher => Some("teacher"),
            Bundle::TeacherTasks => Some("teacher-tasks"),
            Bundle::Login => Some("login"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Bundle;

    #[test]
    fn the_students_and_teachers_pages_and_the_sign_in_page_are_their_own_bundles_and_nothing_else_is() {
        for path in ["/s", "/s/", "/s/messages", "/s/bind", "/s/activities", "/s/subscriptions", "/s/checkins"] {
            assert_eq!(Bundle::of(path), Bundle::Student, "{path}");
        }
        for path in ["/s/notices", "/s/notices/12"] {
            assert_eq!(Bundle::of(path), Bundle::StudentNotices, "{path}");
        }
        for path in ["/s/checkin", "/s/checkin/7"] {
            assert_eq!(Bundle::of(path), Bundle::StudentCheckin, "{path}");
        }
        for path in ["/s/teachers", "/s/search", "/s/guides", "/s/guides/3", "/s/documents", "/s/documents/9"] {
            assert_eq!(Bundle::of(path), Bundle::StudentGuides, "{path}");
        }
        for path in ["/t", "/t/", "/t/notices", "/t/notices/new", "/t/notices/4"] {
            assert_eq!(Bundle::of(path), Bundle::Teacher, "{path}");
        }
        for path in ["/t/checkin", "/t/checkin/5", "/t/messages", "/t/messages/o-1", "/t/approvals"] {
            assert_eq!(Bundle::of(path), Bundle::TeacherTasks, "{path}");
        }
        assert_eq!(Bundle::of("/login"), Bundle::Login);
        for path in ["/", "/settings", "/search", "/students", "/templates", "/student/index.html", "/login/login.js"] {
            assert_eq!(Bundle::of(path), Bundle::Console, "{path}");
        }
    }

    #[test]
    fn no_bundles_folder_is_a_page_of_another_bundle() {
        for bundle in Bundle::WITH_FOLDER {
            let folder = format!("/{}", bundle.folder().unwrap());
            assert_eq!(Bundle::of(&folder), if bundle == Bundle::Login { Bundle::Login } else { Bundle::Console });
        }
    }
}
