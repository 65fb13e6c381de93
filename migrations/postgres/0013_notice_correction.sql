-- A sent notice's title or body corrected after sending (a typo): when it last was, shown
-- on the student page beside the notice. Nothing is pushed again for a correction.
ALTER TABLE notices ADD COLUMN corrected_at BIGINT;
