-- Receipts: what students do with a notice once it arrives (read, confirm, vote,
-- comment, download) and the reminders sent to those who have not.

-- The class the student was in when the notice was sent (reports by class stay true
-- after a student changes class), and how often the page was opened after the first.
ALTER TABLE deliveries ADD COLUMN class_id BIGINT;
ALTER TABLE deliveries ADD COLUMN views BIGINT NOT NULL DEFAULT 0;
-- For reminders and reply notices: the reminder or comment that made the row.
ALTER TABLE deliveries ADD COLUMN ref_id BIGINT;
-- On a notice's own row: how many reminders its student was sent, and the last one's time
-- (so the limits are checked without searching the reminder rows).
ALTER TABLE deliveries ADD COLUMN reminded BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN reminded_at BIGINT;
UPDATE deliveries SET class_id = (SELECT s.class_id FROM students s WHERE s.id = deliveries.student_id);
-- A notice's reads and confirmations over time, from the index alone (confirming reads too).
CREATE INDEX deliveries_reads ON deliveries (notice_id, kind, read_at, confirmed_at);
-- A student's own notices (their list page).
CREATE INDEX deliveries_student ON deliveries (student_id, notice_id);
-- Who has most unread over a period's notices: only the unread rows are indexed, with
-- their notice, so they are counted from the index alone.
CREATE INDEX deliveries_unread ON deliveries (student_id, notice_id) WHERE read_at IS NULL AND kind = 'notice';

-- A notice's vote, as JSON (VoteSpec), fixed once the notice is sent.
ALTER TABLE notices ADD COLUMN vote TEXT;

CREATE TABLE vote_choices (
    notice_id  BIGINT NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    student_id BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    -- The option's index in the vote's list.
    option_no  BIGINT NOT NULL,
    voted_at   BIGINT NOT NULL,
    PRIMARY KEY (notice_id, student_id, option_no)
);

CREATE TABLE notice_comments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    notice_id  BIGINT  NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    -- One level of replies: a reply's parent is a top-level comment.
    parent_id  BIGINT  REFERENCES notice_comments (id) ON DELETE CASCADE,
    -- Exactly one author: a student or a teacher.
    student_id BIGINT  REFERENCES students (id) ON DELETE SET NULL,
    user_id    BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    author_name TEXT   NOT NULL,
    body       TEXT    NOT NULL,
    -- A question only its student and the notice's teachers see.
    private    INTEGER NOT NULL DEFAULT 0,
    hidden     INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL
);
CREATE INDEX notice_comments_notice ON notice_comments (notice_id, created_at);
CREATE INDEX notice_comments_time ON notice_comments (created_at);

CREATE TABLE notice_reminders (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    notice_id   BIGINT  NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    -- 'read' or 'confirmation': what the reminded have not done.
    missing     TEXT    NOT NULL,
    -- Limited to one class (a cadre's reminder), or NULL for the whole notice.
    class_id    BIGINT  REFERENCES classes (id) ON DELETE SET NULL,
    round       BIGINT  NOT NULL,
    recipients  BIGINT  NOT NULL,
    by_name     TEXT    NOT NULL,
    user_id     BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    student_id  BIGINT  REFERENCES students (id) ON DELETE SET NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX notice_reminders_notice ON notice_reminders (notice_id, created_at);

-- Each download of an attachment, for the hot ranking over a window.
CREATE TABLE attachment_downloads (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    notice_id     BIGINT NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    attachment_id BIGINT NOT NULL,
    at            BIGINT NOT NULL
);
CREATE INDEX attachment_downloads_time ON attachment_downloads (at, notice_id);
-- The hot ranking counts a window's first reads per notice from the index alone.
CREATE INDEX deliveries_read_time ON deliveries (read_at, notice_id) WHERE read_at IS NOT NULL AND kind = 'notice';
