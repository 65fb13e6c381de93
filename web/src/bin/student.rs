//! The students' bundle: their pages inside WeChat (`/s/…`).

fn main() {
    web::student();
}
