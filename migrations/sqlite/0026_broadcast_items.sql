-- 每日播报's curated items (issue 20): articles, songs and quotes teachers queue in the
-- console; each day's broadcast takes the first one waiting and marks the day it went out
-- (api/src/broadcast/items.rs). One item a day, however many replicas ask: the day is
-- unique among the used.
CREATE TABLE broadcast_items (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT    NOT NULL CHECK (kind IN ('article', 'song', 'quote')),
    title      TEXT    NOT NULL DEFAULT '',
    body       TEXT    NOT NULL DEFAULT '',
    url        TEXT    NOT NULL DEFAULT '',
    created_by BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT  NOT NULL,
    -- YYYY-MM-DD, China time.
    used_on    TEXT
);
CREATE UNIQUE INDEX broadcast_items_day ON broadcast_items (used_on) WHERE used_on IS NOT NULL;
CREATE INDEX broadcast_items_waiting ON broadcast_items (id) WHERE used_on IS NULL;
