-- 每日播报's daily run (issue 20): one row per subscriber and day, the text it said, the
-- delivery that carries it (notice_id NULL, kind 'broadcast:<id>', through the channel
-- planner like a notice) and when its page was first opened. At most once a day per
-- person, however many replicas run the same minute: (openid, day) is unique
-- (api/src/broadcast/run.rs).
CREATE TABLE broadcast_sends (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    openid      TEXT    NOT NULL,
    -- YYYY-MM-DD, China time.
    day         TEXT    NOT NULL,
    student_id  BIGINT  REFERENCES students (id) ON DELETE SET NULL,
    text        TEXT    NOT NULL,
    delivery_id BIGINT,
    created_at  BIGINT  NOT NULL,
    opened_at   BIGINT,
    UNIQUE (openid, day)
);
CREATE INDEX broadcast_sends_day ON broadcast_sends (day, id);
-- A run's chunk finds the sends it just wrote, not yet given their delivery.
CREATE INDEX broadcast_sends_unqueued ON broadcast_sends (day, id) WHERE delivery_id IS NULL;

-- The last minute of a day whose subscribers were all queued: a run starts after it.
CREATE TABLE broadcast_runs (
    day         TEXT    NOT NULL PRIMARY KEY,
    minute_done INTEGER NOT NULL
);
