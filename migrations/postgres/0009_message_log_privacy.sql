-- The message log kept every position followers reported and the raw text of
-- `绑定 学号 姓名 验证码`, forever. From now on positions are never stored and bind codes
-- are masked before storing (api/src/wechat/webhook/privacy.rs), and entries are deleted
-- after BANJI_MESSAGE_RETENTION_DAYS; what was stored before is scrubbed here, once.

-- Positions, whatever type the message parsed as: the entry stays (it counts for the
-- customer-service window), without coordinates, place or raw XML.
UPDATE wechat_messages SET content = NULL, raw_xml = ''
WHERE msg_type = 'location' OR event IN ('LOCATION', 'location_select')
   OR raw_xml LIKE '%<Latitude%' OR raw_xml LIKE '%<Longitude%' OR raw_xml LIKE '%<Location_X%'
   OR raw_xml LIKE '%<Location_Y%' OR raw_xml LIKE '%<Label%';

-- Binding attempts: only the command is kept (the student number and name are on the
-- student's record when it succeeded, and the code is a password).
UPDATE wechat_messages SET content = '绑定 ******', raw_xml = ''
WHERE msg_type IN ('text', 'voice') AND LTRIM(content) LIKE '绑定%';
