-- People: classes and the teachers responsible for them, students, teacher profiles,
-- class cadres, groups, the account's followers and the WeChat tags that mirror classes
-- and groups. A teacher sees the students of their classes and of the groups they own;
-- everything a list shows is scoped by these tables.

-- A teacher who registered waits here until an admin approves (when approval is on).
ALTER TABLE users ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;

CREATE TABLE classes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    -- e.g. 计算机2301; the roster refers to classes by this name.
    name          TEXT    NOT NULL UNIQUE,
    -- e.g. 2023级
    grade         TEXT    NOT NULL DEFAULT '',
    department    TEXT    NOT NULL DEFAULT '',
    major         TEXT    NOT NULL DEFAULT '',
    -- Mirror the class as a WeChat tag (its members: the bound students of the class).
    mirror_tag    INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);

CREATE TABLE class_teachers (
    class_id BIGINT NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    user_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (class_id, user_id)
);
CREATE INDEX class_teachers_user ON class_teachers (user_id);

CREATE TABLE students (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    -- 学号: how a school names a student, unique, the key of roster imports.
    student_no  TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    gender      TEXT    NOT NULL DEFAULT 'unknown' CHECK (gender IN ('male', 'female', 'unknown')),
    class_id    BIGINT  REFERENCES classes (id) ON DELETE SET NULL,
    phone       TEXT    NOT NULL DEFAULT '',
    email       TEXT    NOT NULL DEFAULT '',
    dormitory   TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL DEFAULT 'enrolled' CHECK (status IN ('enrolled', 'suspended', 'graduated')),
    -- The code a student types to prove who they are when binding WeChat.
    bind_code   TEXT    NOT NULL,
    -- One openid, one student: the WeChat identity bound to this student.
    openid      TEXT    UNIQUE,
    bound_at    BIGINT,
    -- Whether that WeChat user follows the account now (unfollowing keeps the binding).
    following   INTEGER NOT NULL DEFAULT 0,
    notes       TEXT    NOT NULL DEFAULT '',
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX students_class ON students (class_id, student_no);
CREATE INDEX students_name ON students (name);

-- What a teacher tells students about themselves, and their own WeChat binding.
CREATE TABLE teacher_profiles (
    user_id        BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    title          TEXT    NOT NULL DEFAULT '',
    office         TEXT    NOT NULL DEFAULT '',
    phone          TEXT    NOT NULL DEFAULT '',
    email          TEXT    NOT NULL DEFAULT '',
    -- Students may look up this teacher's contact details.
    contact_public INTEGER NOT NULL DEFAULT 0,
    openid         TEXT    UNIQUE,
    bound_at       BIGINT,
    updated_at     BIGINT  NOT NULL
);

-- 班干部: a student with a title in their class for a term. Rights over the class
-- follow from a current term (starts_on <= today <= ends_on, or no end).
CREATE TABLE class_cadres (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    class_id   BIGINT NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    student_id BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    title      TEXT   NOT NULL,
    -- Dates as YYYY-MM-DD text: they compare correctly as strings.
    starts_on  TEXT   NOT NULL,
    ends_on    TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX class_cadres_class ON class_cadres (class_id);
CREATE INDEX class_cadres_student ON class_cadres (student_id);

-- 学生会, 社团, 宿舍 …: students from any class, owned by a teacher.
CREATE TABLE student_groups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL DEFAULT '',
    description TEXT    NOT NULL DEFAULT '',
    owner_id    BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    mirror_tag  INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX student_groups_owner ON student_groups (owner_id);

CREATE TABLE group_members (
    group_id   BIGINT NOT NULL REFERENCES student_groups (id) ON DELETE CASCADE,
    student_id BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    added_at   BIGINT NOT NULL,
    PRIMARY KEY (group_id, student_id)
);
CREATE INDEX group_members_student ON group_members (student_id);

-- The account's followers as last seen (sync, subscribe and unsubscribe events). When one
-- last wrote is in wechat_messages (by openid), not here.
CREATE TABLE followers (
    openid          TEXT    PRIMARY KEY,
    subscribed      INTEGER NOT NULL DEFAULT 1,
    -- The platform's subscribe_time, in seconds.
    subscribe_time  BIGINT,
    nickname        TEXT    NOT NULL DEFAULT '',
    remark          TEXT    NOT NULL DEFAULT '',
    -- Comma-separated WeChat tag ids, as the platform reported them.
    tag_ids         TEXT    NOT NULL DEFAULT '',
    updated_at      BIGINT  NOT NULL
);

-- WeChat tags Banji manages: one per mirrored class or group, and one per role
-- (all bound students; all bound teachers) for conditional menus. `id` is the
-- platform's tag id.
CREATE TABLE wechat_tags (
    id         BIGINT PRIMARY KEY,
    name       TEXT   NOT NULL,
    class_id   BIGINT UNIQUE REFERENCES classes (id) ON DELETE SET NULL,
    group_id   BIGINT UNIQUE REFERENCES student_groups (id) ON DELETE SET NULL,
    -- 'students' or 'teachers'.
    role       TEXT   UNIQUE,
    created_at BIGINT NOT NULL
);

-- Menus as edited in the console; the published one is what followers see.
CREATE TABLE menus (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL,
    -- NULL: the default menu; otherwise a conditional menu for this WeChat tag.
    tag_id       BIGINT,
    -- The buttons, as the platform's JSON (`{"button": [...]}`).
    buttons      TEXT    NOT NULL,
    -- The platform's menuid of a published conditional menu.
    menuid       TEXT,
    published_at BIGINT,
    updated_at   BIGINT  NOT NULL,
    updated_by   BIGINT
);
