//! The teachers' tasks inside WeChat: a check-in shown on the phone, the students'
//! messages, registrations to approve (`/t/checkin/…`, `/t/messages/…`, `/t/approvals`).

fn main() {
    web::teacher_tasks();
}
