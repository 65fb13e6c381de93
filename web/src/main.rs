//! The console bundle (see the library's docs for why there are two).

fn main() {
    web::console();
}
