-- Check-in (签到), activities (报名) and the positions students agree to share.
-- Times are milliseconds since the epoch, like everywhere else.

CREATE TABLE activities (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    title        TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    place        TEXT    NOT NULL,
    starts_at    BIGINT  NOT NULL,
    ends_at      BIGINT  NOT NULL,
    capacity     BIGINT  NOT NULL,
    signup_until BIGINT  NOT NULL,
    -- Who may sign up, as JSON (Audience).
    audience     TEXT    NOT NULL,
    -- What students send after 报名; unique among activities not yet over.
    code         TEXT    NOT NULL,
    created_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at   BIGINT  NOT NULL,
    cancelled_at BIGINT
);
CREATE INDEX activities_code ON activities (code, ends_at);
CREATE INDEX activities_time ON activities (starts_at);

-- One row per student who ever signed up; cancelling keeps the row.
CREATE TABLE activity_signups (
    activity_id  BIGINT  NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    student_id   BIGINT  NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    -- 'signed_up', 'waitlisted' or 'cancelled'.
    status       TEXT    NOT NULL,
    -- When the student (last) signed up: the waiting list's order.
    signed_up_at BIGINT  NOT NULL,
    promoted_at  BIGINT,
    cancelled_at BIGINT,
    PRIMARY KEY (activity_id, student_id)
);
CREATE INDEX activity_signups_queue ON activity_signups (activity_id, status, signed_up_at);
CREATE INDEX activity_signups_student ON activity_signups (student_id);

CREATE TABLE checkin_sessions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    title          TEXT    NOT NULL,
    -- As JSON (Audience): what the roll was made from.
    audience       TEXT    NOT NULL,
    -- A teacher's session, or a cadre's (a student's) for their class.
    created_by     BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    cadre_id       BIGINT  REFERENCES students (id) ON DELETE SET NULL,
    activity_id    BIGINT  REFERENCES activities (id) ON DELETE SET NULL,
    -- A cadre's session is for their class: this one (their class's teachers see it).
    class_id       BIGINT  REFERENCES classes (id) ON DELETE SET NULL,
    starts_at      BIGINT  NOT NULL,
    ends_at        BIGINT  NOT NULL,
    late_after     BIGINT,
    -- Comma-separated: qr, code, geo.
    methods        TEXT    NOT NULL,
    rotate_seconds BIGINT  NOT NULL,
    fence_lat      DOUBLE PRECISION,
    fence_lng      DOUBLE PRECISION,
    fence_radius_m BIGINT,
    -- Key of the rotating codes (HMAC); never leaves the server.
    secret         TEXT    NOT NULL,
    closed_early_at BIGINT,
    created_at     BIGINT  NOT NULL
);
CREATE INDEX checkin_sessions_time ON checkin_sessions (ends_at, starts_at);
CREATE INDEX checkin_sessions_start ON checkin_sessions (starts_at);
-- An activity has one check-in session at most (made from its sign-ups); also how an
-- activity finds it.
CREATE UNIQUE INDEX checkin_sessions_activity ON checkin_sessions (activity_id);

-- The roll: every student expected, fixed when the session is made, with the class they
-- were in then. A check-in sets checked_at once (one per student per session).
CREATE TABLE checkin_roll (
    session_id    BIGINT  NOT NULL REFERENCES checkin_sessions (id) ON DELETE CASCADE,
    student_id    BIGINT  NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    class_id      BIGINT,
    checked_at    BIGINT,
    late          INTEGER NOT NULL DEFAULT 0,
    -- The proofs given (qr, code, geo joined by '+'), or 'manual'.
    method        TEXT,
    -- Comma-separated suspicion flags of the accepted attempt.
    flags         TEXT    NOT NULL DEFAULT '',
    -- A teacher's 补签 or removal: who and why.
    manual_by     BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    manual_reason TEXT,
    PRIMARY KEY (session_id, student_id)
);
CREATE INDEX checkin_roll_student ON checkin_roll (student_id, session_id);
CREATE INDEX checkin_roll_latest ON checkin_roll (session_id, checked_at);

-- Every try, accepted or refused, with the position it carried.
CREATE TABLE checkin_attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id  BIGINT  NOT NULL REFERENCES checkin_sessions (id) ON DELETE CASCADE,
    student_id  BIGINT  REFERENCES students (id) ON DELETE SET NULL,
    openid      TEXT,
    -- scan, text, page, manual.
    via         TEXT    NOT NULL,
    accepted    INTEGER NOT NULL,
    reason      TEXT,
    latitude    DOUBLE PRECISION,
    longitude   DOUBLE PRECISION,
    accuracy_m  DOUBLE PRECISION,
    distance_m  BIGINT,
    -- The page's device id, hashed.
    device      TEXT,
    flags       TEXT    NOT NULL DEFAULT '',
    created_at  BIGINT  NOT NULL
);
CREATE INDEX checkin_attempts_session ON checkin_attempts (session_id, created_at);
CREATE INDEX checkin_attempts_student ON checkin_attempts (student_id, created_at);
CREATE INDEX checkin_attempts_time ON checkin_attempts (created_at);

-- Consent to keep the positions WeChat reports (LOCATION events); NULL = not given.
ALTER TABLE students ADD COLUMN location_consent_at BIGINT;

-- The latest position only, for students who consented.
CREATE TABLE student_locations (
    student_id  BIGINT  PRIMARY KEY REFERENCES students (id) ON DELETE CASCADE,
    latitude    DOUBLE PRECISION NOT NULL,
    longitude   DOUBLE PRECISION NOT NULL,
    precision_m DOUBLE PRECISION NOT NULL,
    reported_at BIGINT  NOT NULL
);
CREATE INDEX student_locations_time ON student_locations (reported_at);
