-- The interaction history pages newest first through both sides (what followers sent,
-- the answers): each side is read in time order from its own index and only the rows of
-- the page are taken, rather than sorting a million rows.
CREATE INDEX wechat_messages_time ON wechat_messages (received_at);
CREATE INDEX inbox_replies_time ON inbox_replies (created_at);
