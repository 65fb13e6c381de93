-- A student with no WeChat bound is not reachable, which is not a failure: their rows get
-- the status 'unbound' (shown as 未绑定, counted apart in the funnel), and the dashboard's
-- 推送人次 counts only rows that were to be pushed. `deliveries` in the tallies now means
-- that: the notice's own rows other than unbound ones. A row is unbound from its insert
-- (the fan-out sees the missing WeChat), so the insert and delete triggers decide it; the
-- delivery worker marks a row unbound only if it finds no WeChat on a pending row, which
-- the fan-out never makes.

UPDATE notice_class_tallies SET deliveries = deliveries - (
    SELECT COUNT(*) FROM deliveries d
    WHERE d.notice_id = notice_class_tallies.notice_id AND COALESCE(d.class_id, 0) = notice_class_tallies.class_id
      AND d.kind = 'notice' AND d.status = 'failed' AND d.failure = 'the student has not bound WeChat');

UPDATE deliveries SET status = 'unbound'
WHERE status = 'failed' AND failure = 'the student has not bound WeChat';

DROP TRIGGER deliveries_stats_inserted;
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

DROP TRIGGER deliveries_stats_deleted;
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
