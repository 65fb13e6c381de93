//! The students' check-in pages inside WeChat (`/s/checkin/…`).

fn main() {
    web::student_checkin();
}
