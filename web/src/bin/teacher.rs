//! The teachers' phone bundle: their pages inside WeChat (`/t/…`).

fn main() {
    web::teacher();
}
