//! The phone pages' bundle: `/s/…` for students, `/t/…` for teachers, inside WeChat.

fn main() {
    web::phone();
}
