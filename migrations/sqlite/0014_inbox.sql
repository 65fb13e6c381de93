-- The inbox (消息): one thread per follower who wrote to the account. Its latest message is
-- kept by a trigger on the message log (ordering and the list's preview); `waiting_since`
-- is set when a message was one the robot could not answer (the conversation's fallback)
-- and cleared when a teacher answers or marks the thread handled.
CREATE TABLE inbox_threads (
    openid        TEXT    PRIMARY KEY,
    last_in_at    BIGINT  NOT NULL,
    last_type     TEXT    NOT NULL,
    last_text     TEXT,
    waiting_since BIGINT,
    handled_at    BIGINT,
    handled_by    BIGINT  REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX inbox_threads_recent ON inbox_threads (last_in_at);
CREATE INDEX inbox_threads_waiting ON inbox_threads (waiting_since) WHERE waiting_since IS NOT NULL;

-- What teachers answered, with the outcome (sent, or failed with the platform's reason).
CREATE TABLE inbox_replies (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    openid      TEXT    NOT NULL,
    user_id     BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    author_name TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    content     TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    failure     TEXT,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX inbox_replies_thread ON inbox_replies (openid, created_at);

CREATE TRIGGER wechat_messages_inbox AFTER INSERT ON wechat_messages
WHEN NEW.msg_type IN ('text', 'image', 'voice', 'video', 'shortvideo', 'location', 'link')
BEGIN
    INSERT INTO inbox_threads (openid, last_in_at, last_type, last_text)
    VALUES (NEW.openid, NEW.received_at, NEW.msg_type, NEW.content)
    ON CONFLICT (openid) DO UPDATE SET last_in_at = excluded.last_in_at, last_type = excluded.last_type,
        last_text = excluded.last_text
    WHERE excluded.last_in_at >= inbox_threads.last_in_at;
END;

-- Whoever wrote before gets a thread with their latest message (nothing waits: it is old).
INSERT INTO inbox_threads (openid, last_in_at, last_type, last_text)
SELECT m.openid, m.received_at, m.msg_type, m.content FROM wechat_messages m
WHERE m.id IN (SELECT MAX(id) FROM wechat_messages
               WHERE msg_type IN ('text', 'image', 'voice', 'video', 'shortvideo', 'location', 'link')
               GROUP BY openid);
