-- Auto-replies (自动回复): rules that answer what followers send. An account-wide rule has
-- no owner; a teacher's own rule (owner_id) answers only the students of that teacher's
-- classes and groups, while the teacher's switch is on. Tried in `position` order within
-- their tier (a student's teachers' rules, then the account's, then the defaults).
CREATE TABLE auto_rules (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id     BIGINT  REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    -- exact, contains, prefix, regex, click, follow, default
    match_kind   TEXT    NOT NULL,
    -- JSON: the words or patterns, any one matches
    keywords     TEXT    NOT NULL,
    -- JSON: the replies (shared::AutoReplyItem)
    replies      TEXT    NOT NULL,
    -- all (in order) or random (one of them)
    reply_mode   TEXT    NOT NULL DEFAULT 'all',
    position     BIGINT  NOT NULL,
    enabled      INTEGER NOT NULL DEFAULT 1,
    -- Minutes of the day, China time; the window may cross midnight.
    window_start BIGINT,
    window_end   BIGINT,
    -- Bit 0 Monday … bit 6 Sunday; 0: every day.
    weekdays     BIGINT  NOT NULL DEFAULT 0,
    audience     TEXT    NOT NULL DEFAULT 'everyone',
    -- JSON: the classes or groups of an audience that names them
    audience_ids TEXT    NOT NULL DEFAULT '[]',
    valid_from   BIGINT,
    valid_until  BIGINT,
    hits         BIGINT  NOT NULL DEFAULT 0,
    last_hit_at  BIGINT,
    created_by   BIGINT,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);
CREATE INDEX auto_rules_owner ON auto_rules (owner_id, position);

-- What each rule answered, and the texts nothing answered (rule_id NULL, or a default
-- rule's, with unanswered = 1): written with the message log, deleted with it.
CREATE TABLE auto_rule_hits (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    -- No reference: the message log's writer may add a hit just after its rule is deleted
    -- (it must not fail its batch for that); deleting a rule deletes its hits.
    rule_id    BIGINT,
    openid     TEXT    NOT NULL,
    content    TEXT    NOT NULL,
    unanswered INTEGER NOT NULL DEFAULT 0,
    hit_at     BIGINT  NOT NULL
);
CREATE INDEX auto_rule_hits_rule ON auto_rule_hits (rule_id, hit_at);
CREATE INDEX auto_rule_hits_unanswered ON auto_rule_hits (hit_at) WHERE unanswered = TRUE;

-- Teachers who turned their own auto-replies off (关闭自动回复).
CREATE TABLE auto_reply_off (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE
);

-- Who besides admins edits the account-wide rules (系统设置).
CREATE TABLE auto_reply_editors (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE
);

-- A file a rule answers with is uploaded to the platform as temporary media once and
-- reused until shortly before the platform forgets it (3 days).
ALTER TABLE inbox_uploads ADD COLUMN platform_media_id TEXT;
ALTER TABLE inbox_uploads ADD COLUMN platform_media_until BIGINT;
