-- The mass-send assistant (群发助手): plain WeChat mass messages a teacher or admin sends to
-- every follower, a class's or group's tag, or a list of openids, with the platform's job
-- result (MASSSENDJOBFINISH, or `mass/get` when that never came).
CREATE TABLE mass_sends (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    author_id     BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    -- Kept as it was when sent: the history outlives renamed and deleted accounts.
    author_name   TEXT    NOT NULL,
    -- text, image, voice, video, news
    kind          TEXT    NOT NULL,
    -- The text, or the title of a video or an article; what the history lists.
    summary       TEXT    NOT NULL,
    -- The message as composed (JSON), to show and to send again.
    message       TEXT    NOT NULL,
    -- all, tag or openids; the tag's id, and the audience as the author saw it named.
    audience      TEXT    NOT NULL,
    tag_id        BIGINT,
    audience_name TEXT    NOT NULL,
    -- Followers Banji expected to reach, and how many of them had used up their 4 mass
    -- messages this month when it was sent (the platform filters those).
    recipients    BIGINT  NOT NULL DEFAULT 0,
    over_quota    BIGINT  NOT NULL DEFAULT 0,
    -- The draft (news) or mass video (video) the platform sent.
    media_id      TEXT,
    -- The idempotency key: a repeat after a lost answer is refused, not sent twice.
    clientmsgid   TEXT    NOT NULL UNIQUE,
    msg_id        BIGINT  UNIQUE,
    msg_data_id   BIGINT,
    -- sending (being handed to the platform), submitted (the platform took it; its result
    -- is awaited), success, failed, deleted.
    status        TEXT    NOT NULL DEFAULT 'sending',
    -- What the platform said: its job status (`send success`, `err(10001)` …) or the
    -- refusal, in words.
    platform_status TEXT,
    failure       TEXT,
    total         BIGINT,
    filtered      BIGINT,
    sent          BIGINT,
    errors        BIGINT,
    created_at    BIGINT  NOT NULL,
    finished_at   BIGINT,
    -- When `mass/get` was last asked about a result that did not come.
    checked_at    BIGINT,
    deleted_at    BIGINT,
    deleted_by    BIGINT
);
CREATE INDEX mass_sends_author ON mass_sends (author_id, created_at);
CREATE INDEX mass_sends_created ON mass_sends (created_at);
CREATE INDEX mass_sends_waiting ON mass_sends (created_at) WHERE status = 'submitted';

-- Whom each send was meant for, filled from the audience when the platform took it: the
-- planner counts these with notices' mass deliveries against each follower's 4 mass
-- messages a month. `counted` is false for those already over the quota then (the
-- platform filtered them, so they received nothing).
CREATE TABLE mass_recipients (
    send_id BIGINT  NOT NULL REFERENCES mass_sends (id) ON DELETE CASCADE,
    openid  TEXT    NOT NULL,
    -- INTEGER 0/1 here, BOOLEAN in PostgreSQL.
    counted INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (send_id, openid)
);
CREATE INDEX mass_recipients_openid ON mass_recipients (openid);
