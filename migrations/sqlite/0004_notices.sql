-- Notices and their delivery: one row per (notice, recipient) that moves
-- pending → sending → sent | failed(reason), with the channel that carried it, why a
-- better one was not used, and the platform's later word on it (delivered, blocked).

CREATE TABLE notice_categories (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL UNIQUE,
    sort       BIGINT  NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL
);
INSERT INTO notice_categories (name, sort, created_at) VALUES
    ('教务', 1, 0), ('奖助', 2, 0), ('就业', 3, 0), ('活动', 4, 0), ('安全', 5, 0);

CREATE TABLE notices (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    title           TEXT    NOT NULL,
    -- Markdown, sanitised when rendered.
    body            TEXT    NOT NULL,
    category_id     BIGINT  REFERENCES notice_categories (id) ON DELETE SET NULL,
    urgency         TEXT    NOT NULL DEFAULT 'normal' CHECK (urgency IN ('urgent', 'important', 'normal')),
    requires_confirmation INTEGER NOT NULL DEFAULT 0,
    deadline        BIGINT,
    author_id       BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    status          TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'scheduled', 'sending', 'sent', 'withdrawn')),
    -- Who it is for, as chosen: {"classes":[…],"groups":[…],"students":[…],"public":bool}.
    audience        TEXT    NOT NULL,
    scheduled_at    BIGINT,
    -- When the fan-out happened (the delivery rows were made).
    sent_at         BIGINT,
    finished_at     BIGINT,
    withdrawn_at    BIGINT,
    recipient_count BIGINT  NOT NULL DEFAULT 0,
    -- What the school should know about the sending (e.g. the day's quota is used up).
    status_note     TEXT    NOT NULL DEFAULT '',
    -- Sending waits until then (the day's quota is used up).
    paused_until    BIGINT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX notices_status ON notices (status, scheduled_at);
CREATE INDEX notices_author ON notices (author_id, created_at);

CREATE TABLE notice_attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    notice_id    BIGINT  NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    file_name    TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT  NOT NULL,
    -- Relative to the data folder.
    path         TEXT    NOT NULL,
    downloads    BIGINT  NOT NULL DEFAULT 0,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX notice_attachments_notice ON notice_attachments (notice_id);

CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    notice_id       BIGINT  NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    -- 'notice' now; reminders (issue 6) are deliveries too.
    kind            TEXT    NOT NULL DEFAULT 'notice',
    -- 's:<student id>' or 'o:<openid>' (a follower bound to no one, for public notices).
    recipient       TEXT    NOT NULL,
    student_id      BIGINT  REFERENCES students (id) ON DELETE SET NULL,
    openid          TEXT,
    -- pending, sending, sent, failed, held (for the digest), muted (the student's
    -- choice), cancelled (withdrawn before it went out).
    status          TEXT    NOT NULL DEFAULT 'pending',
    -- template, custom, mass, digest.
    channel         TEXT,
    -- Why better channels were not used ("template: …; custom: …").
    fallback        TEXT    NOT NULL DEFAULT '',
    failure         TEXT,
    errcode         BIGINT,
    attempts        BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL DEFAULT 0,
    -- The worker holding the row while it sends, and until when.
    lease_owner     TEXT,
    lease_until     BIGINT,
    -- The platform's id for the message (template msgid, mass msg_id), for job results.
    msgid           BIGINT,
    -- The idempotency key a mass send went out with (shared by the rows it carried), so
    -- a send retried after a crash is recognised by the platform and not sent twice.
    idem_key        TEXT,
    sent_at         BIGINT,
    sent_by         TEXT,
    delivered_at    BIGINT,
    -- The platform's job result, as it said it (e.g. 'failed:user block').
    job_status      TEXT,
    read_at         BIGINT,
    confirmed_at    BIGINT,
    created_at      BIGINT  NOT NULL,
    UNIQUE (notice_id, kind, recipient)
);
-- With id last the index gives the claim its whole order: rows of one fan-out share
-- next_attempt_at, and PostgreSQL would otherwise sort them all for every batch.
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at, id);
CREATE INDEX deliveries_notice ON deliveries (notice_id, status);
CREATE INDEX deliveries_msgid ON deliveries (msgid);
CREATE INDEX deliveries_openid ON deliveries (openid, status);

-- Categories a student does not want pushed (they stay readable on the notice list).
CREATE TABLE category_mutes (
    student_id  BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    category_id BIGINT NOT NULL REFERENCES notice_categories (id) ON DELETE CASCADE,
    PRIMARY KEY (student_id, category_id)
);

-- Which of the account's templates carries each kind of Banji message, and which of its
-- keywords holds each value: {"title": "thing1", "author": "thing2", "time": "time3"}.
CREATE TABLE template_mappings (
    kind        TEXT   PRIMARY KEY,
    template_id TEXT   NOT NULL,
    fields      TEXT   NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- What the platform reported about a template or mass send (TEMPLATESENDJOBFINISH,
-- MASSSENDJOBFINISH), kept even when it arrives before the send was recorded.
CREATE TABLE platform_jobs (
    channel     TEXT   NOT NULL,
    msgid       BIGINT NOT NULL,
    -- Whom a template message went to (its FromUserName), to match a send whose msgid
    -- Banji never learnt (its answer was lost and the repeat was refused as duplicate).
    openid      TEXT,
    status      TEXT   NOT NULL,
    total       BIGINT,
    filtered    BIGINT,
    sent        BIGINT,
    errors      BIGINT,
    received_at BIGINT NOT NULL,
    -- Whether the rows it is about were found. A result that arrived while its send was
    -- being recorded (on PostgreSQL each transaction is blind to the other's) is matched
    -- again by the workers' housekeeping.
    applied     BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (channel, msgid)
);
CREATE INDEX platform_jobs_openid ON platform_jobs (openid);
CREATE INDEX platform_jobs_unapplied ON platform_jobs (received_at) WHERE applied = FALSE;
