-- 每日播报 (issue 20): who receives the daily broadcast and at what minute of the day
-- (China time, 0–1439; 450 is 07:30). Kept per WeChat, so a bound teacher subscribes as a
-- student does (api/src/broadcast/subscribers.rs); the broadcast's run reads a minute's
-- subscribers through the index.
CREATE TABLE broadcast_subscribers (
    openid        TEXT    NOT NULL PRIMARY KEY,
    send_minute   INTEGER NOT NULL CHECK (send_minute BETWEEN 0 AND 1439),
    subscribed_at BIGINT  NOT NULL
);
CREATE INDEX broadcast_subscribers_minute ON broadcast_subscribers (send_minute, openid);
