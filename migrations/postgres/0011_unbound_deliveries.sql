-- A student with no WeChat bound is not reachable, which is not a failure: their rows get
-- the status 'unbound' (shown as 未绑定, counted apart in the funnel), and the dashboard's
-- 推送人次 counts only rows that were to be pushed. `deliveries` in the tallies now means
-- that: the notice's own rows other than unbound ones. A row is unbound from its insert
-- (the fan-out sees the missing WeChat), so the insert and delete triggers decide it; the
-- delivery worker marks a row unbound only if it finds no WeChat on a pending row, which
-- the fan-out never makes.

UPDATE notice_class_tallies t SET deliveries = t.deliveries - r.unbound
FROM (SELECT notice_id, COALESCE(class_id, 0) AS class_id, COUNT(*) AS unbound FROM deliveries
      WHERE kind = 'notice' AND status = 'failed' AND failure = 'the student has not bound WeChat'
      GROUP BY notice_id, COALESCE(class_id, 0)) r
WHERE t.notice_id = r.notice_id AND t.class_id = r.class_id;

UPDATE deliveries SET status = 'unbound'
WHERE status = 'failed' AND failure = 'the student has not bound WeChat';

CREATE OR REPLACE FUNCTION stats_deliveries_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notice_class_tallies AS t (notice_id, class_id, deliveries, students, reads, confirmations)
    SELECT notice_id, COALESCE(class_id, 0), COUNT(*) FILTER (WHERE status <> 'unbound'),
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

CREATE OR REPLACE FUNCTION stats_deliveries_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE notice_class_tallies t SET deliveries = t.deliveries - r.deliveries, students = t.students - r.students,
        reads = t.reads - r.reads, confirmations = t.confirmations - r.confirmations
    FROM (SELECT notice_id, COALESCE(class_id, 0) AS class_id, COUNT(*) FILTER (WHERE status <> 'unbound') AS deliveries,
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
