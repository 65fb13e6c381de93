//! The students' home and their menu's pages inside WeChat (`/s`, messages, activities, …).

fn main() {
    web::student_home();
}
