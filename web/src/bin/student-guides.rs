//! The school's guides as students read them inside WeChat (contacts, search,
//! procedures, documents).

fn main() {
    web::student_guides();
}
