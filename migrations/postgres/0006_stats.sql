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
       COUNT(*) FILTER (WHERE recipient LIKE 's:%'),
       COUNT(*) FILTER (WHERE recipient LIKE 's:%' AND read_at IS NOT NULL),
       COUNT(*) FILTER (WHERE recipient LIKE 's:%' AND confirmed_at IS NOT NULL)
FROM deliveries WHERE kind = 'notice' GROUP BY notice_id, COALESCE(class_id, 0);

INSERT INTO notice_read_minutes (notice_id, minute, reads)
SELECT d.notice_id, GREATEST(d.read_at - n.sent_at, 0) / 60000, COUNT(*)
FROM deliveries d JOIN notices n ON n.id = d.notice_id
WHERE d.kind = 'notice' AND d.read_at IS NOT NULL AND n.sent_at IS NOT NULL
GROUP BY d.notice_id, GREATEST(d.read_at - n.sent_at, 0) / 60000;

-- A fan-out inserts up to 100 000 rows in one statement: counted once per statement,
-- from the statement's rows, rather than once per row.
CREATE FUNCTION stats_deliveries_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notice_class_tallies AS t (notice_id, class_id, deliveries, students, reads, confirmations)
    SELECT notice_id, COALESCE(class_id, 0), COUNT(*),
           COUNT(*) FILTER (WHERE recipient LIKE 's:%'),
           COUNT(*) FILTER (WHERE recipient LIKE 's:%' AND read_at IS NOT NULL),
           COUNT(*) FILTER (WHERE recipient LIKE 's:%' AND confirmed_at IS NOT NULL)
    FROM added WHERE kind = 'notice' GROUP BY notice_id, COALESCE(class_id, 0)
    ON CONFLICT (notice_id, class_id) DO UPDATE SET deliveries = t.deliveries + EXCLUDED.deliveries,
        students = t.students + EXCLUDED.students, reads = t.reads + EXCLUDED.reads,
        confirmations = t.confirmations + EXCLUDED.confirmations;
    INSERT INTO notice_read_minutes AS m (notice_id, minute, reads)
    SELECT a.notice_id, GREATEST(a.read_at - n.sent_at, 0) / 60000, COUNT(*)
    FROM added a JOIN notices n ON n.id = a.notice_id
    WHERE a.kind = 'notice' AND a.read_at IS NOT NULL AND n.sent_at IS NOT NULL
    GROUP BY a.notice_id, GREATEST(a.read_at - n.sent_at, 0) / 60000
    ON CONFLICT (notice_id, minute) DO UPDATE SET reads = m.reads + EXCLUDED.reads;
    RETURN NULL;
END
$$;
CREATE TRIGGER deliveries_stats_inserted AFTER INSERT ON deliveries
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION stats_deliveries_inserted();

-- Reads and confirmations come one row at a time; a row trigger that fires only when one
-- of the two changes costs the delivery worker's updates nothing.
CREATE FUNCTION stats_delivery_read() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    student INTEGER := CASE WHEN NEW.recipient LIKE 's:%' THEN 1 ELSE 0 END;
    sent BIGINT;
BEGIN
    UPDATE notice_class_tallies SET
        reads = reads + student * ((NEW.read_at IS NOT NULL)::int - (OLD.read_at IS NOT NULL)::int),
        confirmations = confirmations
            + student * ((NEW.confirmed_at IS NOT NULL)::int - (OLD.confirmed_at IS NOT NULL)::int)
    WHERE notice_id = NEW.notice_id AND class_id = COALESCE(NEW.class_id, 0);
    IF OLD.read_at IS DISTINCT FROM NEW.read_at THEN
        SELECT sent_at INTO sent FROM notices WHERE id = NEW.notice_id;
        IF sent IS NOT NULL AND OLD.read_at IS NOT NULL THEN
            UPDATE notice_read_minutes SET reads = reads - 1
            WHERE notice_id = NEW.notice_id AND minute = GREATEST(OLD.read_at - sent, 0) / 60000;
        END IF;
        IF sent IS NOT NULL AND NEW.read_at IS NOT NULL THEN
            INSERT INTO notice_read_minutes AS m (notice_id, minute, reads)
            VALUES (NEW.notice_id, GREATEST(NEW.read_at - sent, 0) / 60000, 1)
            ON CONFLICT (notice_id, minute) DO UPDATE SET reads = m.reads + 1;
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER deliveries_stats_read AFTER UPDATE OF read_at, confirmed_at ON deliveries FOR EACH ROW
    WHEN (NEW.kind = 'notice' AND (OLD.read_at IS DISTINCT FROM NEW.read_at
          OR OLD.confirmed_at IS DISTINCT FROM NEW.confirmed_at))
    EXECUTE FUNCTION stats_delivery_read();

-- Rows go only with their notice (whose counts go too), but the counts stay right if
-- they are ever deleted alone.
CREATE FUNCTION stats_deliveries_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE notice_class_tallies t SET deliveries = t.deliveries - r.deliveries, students = t.students - r.students,
        reads = t.reads - r.reads, confirmations = t.confirmations - r.confirmations
    FROM (SELECT notice_id, COALESCE(class_id, 0) AS class_id, COUNT(*) AS deliveries,
                 COUNT(*) FILTER (WHERE recipient LIKE 's:%') AS students,
                 COUNT(*) FILTER (WHERE recipient LIKE 's:%' AND read_at IS NOT NULL) AS reads,
                 COUNT(*) FILTER (WHERE recipient LIKE 's:%' AND confirmed_at IS NOT NULL) AS confirmations
          FROM removed WHERE kind = 'notice' GROUP BY notice_id, COALESCE(class_id, 0)) r
    WHERE t.notice_id = r.notice_id AND t.class_id = r.class_id;
    UPDATE notice_read_minutes m SET reads = m.reads - r.reads
    FROM (SELECT a.notice_id, GREATEST(a.read_at - n.sent_at, 0) / 60000 AS minute, COUNT(*) AS reads
          FROM removed a JOIN notices n ON n.id = a.notice_id
          WHERE a.kind = 'notice' AND a.read_at IS NOT NULL AND n.sent_at IS NOT NULL
          GROUP BY a.notice_id, GREATEST(a.read_at - n.sent_at, 0) / 60000) r
    WHERE m.notice_id = r.notice_id AND m.minute = r.minute;
    RETURN NULL;
END
$$;
CREATE TRIGGER deliveries_stats_deleted AFTER DELETE ON deliveries
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION stats_deliveries_deleted();
