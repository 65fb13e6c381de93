-- A teacher's answer WeChat would not take in the customer-service window goes through the
-- channel planner like a notice (kind `reply:inbox`, ref_id = the inbox_replies row): such
-- a delivery belongs to no notice, so notice_id may be NULL. SQLite cannot drop a NOT NULL:
-- the table is rebuilt as it stood after 0014, its indexes and triggers made again. Nothing
-- references deliveries, and its triggers only write other tables.
CREATE TABLE deliveries_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    notice_id       BIGINT  REFERENCES notices (id) ON DELETE CASCADE,
    -- 'notice' now; reminders (issue 6) are deliveries too.
    kind            TEXT    NOT NULL DEFAULT 'notice',
    -- 's:<student id>' or 'o:<openid>' (a follower bound to no one, for public notices).
    recipient       TEXT    NOT NULL,
    student_id      BIGINT  REFERENCES students (id) ON DELETE SET NULL,
    openid          TEXT,
    -- pending, sending, sent, failed, held (for the digest), muted (the student's
    -- choice), cancelled (withdrawn before it went out).
    status          TEXT    NOT NULL DEFAULT 'pending',
    -- template, custom, mass, digest.
    channel         TEXT,
    -- Why better channels were not used ("template: …; custom: …").
    fallback        TEXT    NOT NULL DEFAULT '',
    failure         TEXT,
    errcode         BIGINT,
    attempts        BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL DEFAULT 0,
    -- The worker holding the row while it sends, and until when.
    lease_owner     TEXT,
    lease_until     BIGINT,
    -- The platform's id for the message (template msgid, mass msg_id), for job results.
    msgid           BIGINT,
    -- The idempotency key a mass send went out with (shared by the rows it carried), so
    -- a send retried after a crash is recognised by the platform and not sent twice.
    idem_key        TEXT,
    sent_at         BIGINT,
    sent_by         TEXT,
    delivered_at    BIGINT,
    -- The platform's job result, as it said it (e.g. 'failed:user block').
    job_status      TEXT,
    read_at         BIGINT,
    confirmed_at    BIGINT,
    created_at      BIGINT  NOT NULL,
    class_id        BIGINT,
    views           BIGINT  NOT NULL DEFAULT 0,
    ref_id          BIGINT,
    reminded        BIGINT  NOT NULL DEFAULT 0,
    reminded_at     BIGINT,
    UNIQUE (notice_id, kind, recipient)
);

INSERT INTO deliveries_new (id, notice_id, kind, recipient, student_id, openid, status, channel, fallback, failure, errcode, attempts, next_attempt_at, lease_owner, lease_until, msgid, idem_key, sent_at, sent_by, delivered_at, job_status, read_at, confirmed_at, created_at, class_id, views, ref_id, reminded, reminded_at)
SELECT id, notice_id, kind, recipient, student_id, openid, status, channel, fallback, failure, errcode, attempts, next_attempt_at, lease_owner, lease_until, msgid, idem_key, sent_at, sent_by, delivered_at, job_status, read_at, confirmed_at, created_at, class_id, views, ref_id, reminded, reminded_at FROM deliveries;

DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;

CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at, id);
CREATE INDEX deliveries_notice ON deliveries (notice_id, status);
CREATE INDEX deliveries_msgid ON deliveries (msgid);
CREATE INDEX deliveries_openid ON deliveries (openid, status);
CREATE INDEX deliveries_reads ON deliveries (notice_id, kind, read_at, confirmed_at);
CREATE INDEX deliveries_student ON deliveries (student_id, notice_id);
CREATE INDEX deliveries_unread ON deliveries (student_id, notice_id) WHERE read_at IS NULL AND kind = 'notice';
CREATE INDEX deliveries_read_time ON deliveries (read_at, notice_id) WHERE read_at IS NOT NULL AND kind = 'notice';
CREATE TRIGGER deliveries_stats_read AFTER UPDATE OF read_at, confirmed_at ON deliveries
WHEN NEW.kind = 'notice' AND (OLD.read_at IS NOT NEW.read_at OR OLD.confirmed_at IS NOT NEW.confirmed_at)
BEGIN
    UPDATE notice_class_tallies SET
        reads = reads + (NEW.recipient LIKE 's:%') * ((NEW.read_at IS NOT NULL) - (OLD.read_at IS NOT NULL)),
        confirmations = confirmations
            + (NEW.recipient LIKE 's:%') * ((NEW.confirmed_at IS NOT NULL) - (OLD.confirmed_at IS NOT NULL))
    WHERE notice_id = NEW.notice_id AND class_id = COALESCE(NEW.class_id, 0);
    UPDATE notice_read_minutes SET reads = reads - 1
    WHERE OLD.read_at IS NOT NULL AND OLD.read_at IS NOT NEW.read_at AND notice_id = NEW.notice_id
      AND minute = (SELECT MAX(OLD.read_at - n.sent_at, 0) / 60000 FROM notices n WHERE n.id = NEW.notice_id);
    INSERT INTO notice_read_minutes (notice_id, minute, reads)
    SELECT NEW.notice_id, MAX(NEW.read_at - n.sent_at, 0) / 60000, 1 FROM notices n
    WHERE n.id = NEW.notice_id AND NEW.read_at IS NOT NULL AND NEW.read_at IS NOT OLD.read_at
      AND n.sent_at IS NOT NULL
    ON CONFLICT (notice_id, minute) DO UPDATE SET reads = reads + 1;
END;
CREATE TRIGGER deliveries_stats_inserted AFTER INSERT ON deliveries WHEN NEW.kind = 'notice'
BEGIN
    INSERT INTO notice_class_tallies (notice_id, class_id, deliveries, students, reads, confirmations)
    VALUES (NEW.notice_id, COALESCE(NEW.class_id, 0), NEW.status <> 'unbound', NEW.recipient LIKE 's:%',
            NEW.recipient LIKE 's:%' AND NEW.read_at IS NOT NULL,
            NEW.recipient LIKE 's:%' AND NEW.confirmed_at IS NOT NULL)
    ON CONFLICT (notice_id, class_id) DO UPDATE SET deliveries = deliveries + excluded.deliveries,
        students = students + excluded.students, reads = reads + excluded.reads,
        confirmations = confirmations + excluded.confirmations;
    INSERT INTO notice_read_minutes (notice_id, minute, reads)
    SELECT NEW.notice_id, MAX(NEW.read_at - n.sent_at, 0) / 60000, 1 FROM notices n
    WHERE n.id = NEW.notice_id AND NEW.read_at IS NOT NULL AND n.sent_at IS NOT NULL
    ON CONFLICT (notice_id, minute) DO UPDATE SET reads = reads + 1;
END;
CREATE TRIGGER deliveries_stats_deleted AFTER DELETE ON deliveries WHEN OLD.kind = 'notice'
BEGIN
    UPDATE notice_class_tallies SET deliveries = deliveries - (OLD.status <> 'unbound'),
        students = students - (OLD.recipient LIKE 's:%'),
        reads = reads - (OLD.recipient LIKE 's:%' AND OLD.read_at IS NOT NULL),
        confirmations = confirmations - (OLD.recipient LIKE 's:%' AND OLD.confirmed_at IS NOT NULL)
    WHERE notice_id = OLD.notice_id AND class_id = COALESCE(OLD.class_id, 0);
    UPDATE notice_read_minutes SET reads = reads - 1
    WHERE OLD.read_at IS NOT NULL AND notice_id = OLD.notice_id
      AND minute = (SELECT MAX(OLD.read_at - n.sent_at, 0) / 60000 FROM notices n WHERE n.id = OLD.notice_id);
END;
