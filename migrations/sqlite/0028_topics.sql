-- 话题 (issue 20): topics students discuss on their phone or by 「#话题 …」 in WeChat.
-- A topic is for everyone or for some classes and groups (comma-separated ids, empty: all);
-- a student's proposal waits for a teacher (status 'proposed'). Posts that hit the word
-- list are held for review; reported posts join the review queue (api/src/topics).
CREATE TABLE topics (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    title             TEXT    NOT NULL,
    description       TEXT    NOT NULL DEFAULT '',
    owner_id          BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    proposed_by       BIGINT  REFERENCES students (id) ON DELETE SET NULL,
    classes           TEXT    NOT NULL DEFAULT '',
    groups_of         TEXT    NOT NULL DEFAULT '',
    status            TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('proposed', 'open', 'closed', 'rejected')),
    anonymous_allowed INTEGER NOT NULL DEFAULT 0,
    locked            INTEGER NOT NULL DEFAULT 0,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL
);
CREATE INDEX topics_status ON topics (status, id);

CREATE TABLE topic_posts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    topic_id   BIGINT  NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    -- A reply to a post (one level).
    parent_id  BIGINT  REFERENCES topic_posts (id) ON DELETE CASCADE,
    student_id BIGINT  REFERENCES students (id) ON DELETE SET NULL,
    class_id   BIGINT,
    body       TEXT    NOT NULL,
    anonymous  INTEGER NOT NULL DEFAULT 0,
    -- shown, held (the word list caught it), hidden (a teacher hid it).
    status     TEXT    NOT NULL DEFAULT 'shown' CHECK (status IN ('shown', 'held', 'hidden')),
    -- The words that held it, for the reviewer.
    held_for   TEXT    NOT NULL DEFAULT '',
    pinned     INTEGER NOT NULL DEFAULT 0,
    likes      BIGINT  NOT NULL DEFAULT 0,
    reports    BIGINT  NOT NULL DEFAULT 0,
    -- Reports not yet looked at by a teacher (the review queue).
    open_reports BIGINT NOT NULL DEFAULT 0,
    via        TEXT    NOT NULL DEFAULT 'page',
    created_at BIGINT  NOT NULL
);
CREATE INDEX topic_posts_topic ON topic_posts (topic_id, parent_id, id);
CREATE INDEX topic_posts_review ON topic_posts (status, open_reports);
CREATE INDEX topic_posts_student ON topic_posts (student_id, created_at);

CREATE TABLE topic_likes (
    post_id    BIGINT NOT NULL REFERENCES topic_posts (id) ON DELETE CASCADE,
    student_id BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, student_id)
);

CREATE TABLE topic_reports (
    post_id    BIGINT NOT NULL REFERENCES topic_posts (id) ON DELETE CASCADE,
    student_id BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    reason     TEXT   NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, student_id)
);

-- A student muted in a topic until a time.
CREATE TABLE topic_mutes (
    topic_id   BIGINT NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    student_id BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    until      BIGINT NOT NULL,
    muted_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (topic_id, student_id)
);

-- The word list admins edit: a post containing one is held for review.
CREATE TABLE moderation_words (
    word TEXT NOT NULL PRIMARY KEY
);
