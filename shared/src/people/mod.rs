//! Classes, students, class cadres, groups and teacher profiles as the API shows them.

mod classes;
mod groups;
mod students;
mod teachers;

pub use classes::{Cadre, CadrePatch, Class, ClassPatch, NewCadre, NewClass};
pub use groups::{Group, GroupMembersChange, GroupPatch, NewGroup};
pub use students::{
    mask_phone, Gender, GroupRef, NewStudent, Student, StudentDetail, StudentPatch, StudentStatus, WechatBinding,
};
pub use teachers::{TeacherProfile, TeacherProfilePatch, TeacherRef};
