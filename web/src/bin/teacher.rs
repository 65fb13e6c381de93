//! The teachers' phone home and notices inside WeChat (`/t`, `/t/notices/…`).

fn main() {
    web::teacher();
}
