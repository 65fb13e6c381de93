//! The students' notices inside WeChat (`/s/notices/…`): what a pushed notice opens.

fn main() {
    web::student_notices();
}
