-- Media followers send (images, voice, video): fetched from the platform, which deletes
-- them after 3 days, and kept under BANJI_DATA_DIR/media. A row is made, pending, when the
-- message log writes the message; the fetcher (inbox::media) keeps the file or says why not.
CREATE TABLE inbox_media (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    media_id        TEXT    NOT NULL UNIQUE,
    openid          TEXT    NOT NULL,
    -- image, voice, video, shortvideo
    kind            TEXT    NOT NULL,
    msg_id          BIGINT,
    received_at     BIGINT  NOT NULL,
    -- pending, kept, or failed (the platform no longer had it, or kept refusing)
    status          TEXT    NOT NULL DEFAULT 'pending',
    attempts        BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL DEFAULT 0,
    content_type    TEXT,
    size            BIGINT,
    -- The file, relative to the data directory; for voice also a WAV browsers play.
    path            TEXT,
    playable_path   TEXT,
    failure         TEXT
);
CREATE INDEX inbox_media_due ON inbox_media (next_attempt_at) WHERE status = 'pending';
CREATE INDEX inbox_media_message ON inbox_media (openid, msg_id);

-- Files teachers upload in 消息 to answer with (image, voice, video, a picture for news or
-- a cover for music): kept here, sent to the platform as temporary media when used.
CREATE TABLE inbox_uploads (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    file_name    TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT  NOT NULL,
    path         TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL
);

-- An answer of another type than text: its fields as JSON (title, description, url …) and
-- the upload it sent; an answer WeChat could not take in the window goes through the
-- channel planner as a delivery (`reply:inbox`), whose row it names.
ALTER TABLE inbox_replies ADD COLUMN payload TEXT;
ALTER TABLE inbox_replies ADD COLUMN upload_id BIGINT REFERENCES inbox_uploads (id) ON DELETE SET NULL;
ALTER TABLE inbox_replies ADD COLUMN delivery_id BIGINT;

-- A teacher's saved answers (快捷回复), in their order.
CREATE TABLE quick_replies (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text       TEXT    NOT NULL,
    position   BIGINT  NOT NULL,
    created_at BIGINT  NOT NULL
);
CREATE INDEX quick_replies_user ON quick_replies (user_id, position);

-- Who besides admins answers followers bound to no one (系统设置).
CREATE TABLE inbox_stewards (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE
);
