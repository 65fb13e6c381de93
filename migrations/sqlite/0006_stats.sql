-- Statistics over many notices (the dashboard) read counts kept per notice and class,
-- and first reads per minute after sending, instead of every delivery: over a million
-- deliveries the scans took about a second on PostgreSQL. Triggers keep the counts, so
-- they hold whatever code writes deliveries and are never stale. They rely on what does
-- not change once a row exists: its notice, kind, recipient and class (at send time),
-- and the notice's sent_at.

CREATE TABLE notice_class_tallies (
    notice_id     BIGINT NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    -- The class at send time; 0 for rows without one (a student in no class, a follower).
    class_id      BIGINT NOT NULL,
    -- The notice's own rows (kind = 'notice'), those that went to students ('s:…'), and
    -- how many of the students' were read and confirmed.
    deliveries    BIGINT NOT NULL DEFAULT 0,
    students      BIGINT NOT NULL DEFAULT 0,
    reads         BIGINT NOT NULL DEFAULT 0,
    confirmations BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (notice_id, class_id)
);

-- First reads of the notice's own rows by whole minutes after it was sent: the minute
-- that holds the median; its exact value is then read from that minute's rows alone
-- (deliveries_reads).
CREATE TABLE notice_read_minutes (
    notice_id BIGINT NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    minute    BIGINT NOT NULL,
    reads     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (notice_id, minute)
);

INSERT INTO notice_class_tallies (notice_id, class_id, deliveries, students, reads, confirmations)
SELECT notice_id, COALESCE(class_id, 0), COUNT(*),
       SUM(recipient LIKE 's:%'),
       SUM(recipient LIKE 's:%' AND read_at IS NOT NULL),
       SUM(recipient LIKE 's:%' AND confirmed_at IS NOT NULL)
FROM deliveries WHERE kind = 'notice' GROUP BY notice_id, COALESCE(class_id, 0);

INSERT INTO notice_read_minutes (notice_id, minute, reads)
SELECT d.notice_id, MAX(d.read_at - n.sent_at, 0) / 60000, COUNT(*)
FROM deliveries d JOIN notices n ON n.id = d.notice_id
WHERE d.kind = 'notice' AND d.read_at IS NOT NULL AND n.sent_at IS NOT NULL
GROUP BY d.notice_id, MAX(d.read_at - n.sent_at, 0) / 60000;

-- SQLite has row triggers only; each is a statement inside the writer's transaction.
CREATE TRIGGER deliveries_stats_inserted AFTER INSERT ON deliveries WHEN NEW.kind = 'notice'
BEGIN
    INSERT INTO notice_class_tallies (notice_id, class_id, deliveries, students, reads, confirmations)
    VALUES (NEW.notice_id, COALESCE(NEW.class_id, 0), 1, NEW.recipient LIKE 's:%',
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

-- Fires only when a read or a confirmation changes: the delivery worker's updates do not.
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

-- Rows go only with their notice (whose counts go too), but the counts stay right if
-- they are ever deleted alone.
CREATE TRIGGER deliveries_stats_deleted AFTER DELETE ON deliveries WHEN OLD.kind = 'notice'
BEGIN
    UPDATE notice_class_tallies SET deliveries = deliveries - 1, students = students - (OLD.recipient LIKE 's:%'),
        reads = reads - (OLD.recipient LIKE 's:%' AND OLD.read_at IS NOT NULL),
        confirmations = confirmations - (OLD.recipient LIKE 's:%' AND OLD.confirmed_at IS NOT NULL)
    WHERE notice_id = OLD.notice_id AND class_id = COALESCE(OLD.class_id, 0);
    UPDATE notice_read_minutes SET reads = reads - 1
    WHERE OLD.read_at IS NOT NULL AND notice_id = OLD.notice_id
      AND minute = (SELECT MAX(OLD.read_at - n.sent_at, 0) / 60000 FROM notices n WHERE n.id = OLD.notice_id);
END;
