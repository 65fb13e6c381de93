-- A teacher's answer WeChat would not take in the customer-service window goes through the
-- channel planner like a notice (kind `reply:inbox`, ref_id = the inbox_replies row): such
-- a delivery belongs to no notice.
ALTER TABLE deliveries ALTER COLUMN notice_id DROP NOT NULL;
