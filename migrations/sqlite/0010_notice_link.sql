-- Where a pushed notice leads, when not to the notice's own page: a notice to the absent of
-- a check-in that is still open leads to the check-in (`/s/checkin/{id}`), so a late
-- student can check in from the message. A path under /s/, or NULL for the notice page.
ALTER TABLE notices ADD COLUMN link_path TEXT;
