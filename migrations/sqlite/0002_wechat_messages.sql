-- Every message and event followers send, as received (decrypted). The inbox, reports
-- and the bot read it; nothing here is updated after it is written. Rows are appended in
-- the order they arrive, so `id` orders them by time (no second index on received_at:
-- every index is paid for by every message).
CREATE TABLE wechat_messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    openid       TEXT   NOT NULL,
    msg_type     TEXT   NOT NULL,
    event        TEXT,
    event_key    TEXT,
    -- What the message says or points at (text, URL, coordinates…), for search.
    content      TEXT,
    msg_id       BIGINT,
    -- The platform's CreateTime, in seconds.
    created_time BIGINT NOT NULL,
    received_at  BIGINT NOT NULL,
    raw_xml      TEXT   NOT NULL
);
CREATE INDEX wechat_messages_openid ON wechat_messages (openid, received_at);
