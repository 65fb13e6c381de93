-- Teachers on WeChat. A login started by WeChat's web authorisation (a bound teacher
-- opening /t/ pages) is a console session like any other, only shorter-lived: its
-- channel says so. Every audited action says through which channel it was done:
-- web (the console), wechat (the teacher's phone pages or text commands), api (a token).
ALTER TABLE sessions ADD COLUMN channel TEXT NOT NULL DEFAULT 'web';
ALTER TABLE audit_log ADD COLUMN channel TEXT NOT NULL DEFAULT 'web';
