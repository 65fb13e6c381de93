-- Parametric QR codes (带参二维码): follow codes with a purpose (join a class's or a
-- group's tag, sign up for an activity, open a student page). The platform knows a code
-- by its scene (`qr:{id}`), so the row is made first and its ticket kept after the
-- platform made the code. Scans and the follows they brought are counted on the row;
-- a code is hidden rather than deleted, since a permanent one cannot be deleted on the
-- platform and keeps working, and followers keep it as their source.
CREATE TABLE qrcodes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL,
    -- 'join_class', 'join_group', 'sign_up' or 'open_page'.
    purpose       TEXT    NOT NULL,
    class_id      BIGINT  REFERENCES classes (id) ON DELETE SET NULL,
    group_id      BIGINT  REFERENCES student_groups (id) ON DELETE SET NULL,
    activity_id   BIGINT  REFERENCES activities (id) ON DELETE SET NULL,
    page          TEXT,
    ticket        TEXT    NOT NULL DEFAULT '',
    -- NULL: permanent (one of the account's 100 000).
    expires_at    BIGINT,
    scans         BIGINT  NOT NULL DEFAULT 0,
    new_followers BIGINT  NOT NULL DEFAULT 0,
    created_by    BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at    BIGINT  NOT NULL,
    hidden_at     BIGINT
);
CREATE INDEX qrcodes_class ON qrcodes (class_id);
CREATE INDEX qrcodes_group ON qrcodes (group_id);

-- The code that first brought a follower (来源), kept through unfollowing and following again.
ALTER TABLE followers ADD COLUMN source_qrcode_id BIGINT REFERENCES qrcodes (id) ON DELETE SET NULL;
