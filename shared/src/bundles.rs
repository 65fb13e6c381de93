//! Which browser bundle a page belongs to. The server answers a page's path with that
//! bundle's shell (`api/src/http/spa.rs`) and each bundle's routes load a page of another
//! bundle whole (`web/src/pages/not_found.rs`): one rule for both, here.

/// A browser bundle, built by `scripts/build-web.sh`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    Console,
    /// The students' pages: `/s`, `/s/…`.
    Student,
    /// The teachers' phone pages: `/t`, `/t/…`.
    Teacher,
    /// The console's sign-in page, `/login`: plain HTML and a small script
    /// (`web/login.html`), no WebAssembly.
    Login,
}

impl Bundle {
    /// The bundle whose shell answers `path`.
    pub fn of(path: &str) -> Bundle {
        let under = |p: &str| path == p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/'));
        if under("/s") {
            Bundle::Student
        } else if under("/t") {
            Bundle::Teacher
        } else if path == "/login" {
            Bundle::Login
        } else {
            Bundle::Console
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Bundle;

    #[test]
    fn the_students_and_teachers_pages_and_the_sign_in_page_are_their_own_bundles_and_nothing_else_is() {
        for path in ["/s", "/s/", "/s/notices/12"] {
            assert_eq!(Bundle::of(path), Bundle::Student, "{path}");
        }
        for path in ["/t", "/t/messages/o-1"] {
            assert_eq!(Bundle::of(path), Bundle::Teacher, "{path}");
        }
        assert_eq!(Bundle::of("/login"), Bundle::Login);
        for path in ["/", "/settings", "/search", "/students", "/templates", "/student/index.html", "/login/login.js"] {
            assert_eq!(Bundle::of(path), Bundle::Console, "{path}");
        }
    }
}
