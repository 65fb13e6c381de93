-- The platform as it is now (issue 18).
-- A student may refuse one template in WeChat (43101 on its sends): remembered per openid
-- and template, so the planner passes that template over for them (until a later success,
-- a new mapping, or REFUSAL_RETRY_DAYS) instead of failing their rows.
CREATE TABLE template_refusals (
    openid      TEXT NOT NULL,
    template_id TEXT NOT NULL,
    refused_at  BIGINT NOT NULL,
    PRIMARY KEY (openid, template_id)
);
-- A notice whose template message the platform blocked for its content (40249): its
-- other rows go by the next channel, and the author is told why.
ALTER TABLE notices ADD COLUMN template_blocked_at BIGINT;
ALTER TABLE notices ADD COLUMN template_blocked_note TEXT NOT NULL DEFAULT '';
-- Subscribe notifications (订阅通知): which of the account's subscribe templates carries
-- each kind of message, like template_mappings.
CREATE TABLE subscribe_mappings (
    kind        TEXT PRIMARY KEY,
    template_id TEXT NOT NULL,
    fields      TEXT NOT NULL,
    -- The template's type when it was mapped: long-term (长期订阅) or one-time.
    long_term   BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at  BIGINT NOT NULL
);
-- Each follower's subscription to each subscribe template, from the popup/change events:
-- a long-term one holds until rejected; one-time grants are counted and each send uses one.
CREATE TABLE subscriptions (
    openid      TEXT NOT NULL,
    template_id TEXT NOT NULL,
    accepted    BOOLEAN NOT NULL DEFAULT FALSE,
    long_term   BOOLEAN NOT NULL DEFAULT FALSE,
    remaining   BIGINT NOT NULL DEFAULT 0,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (openid, template_id)
);
-- Where the blocked-template poll (queryblocktmplmsg) has read up to, per template.
CREATE TABLE blocked_template_cursor (
    template_id TEXT PRIMARY KEY,
    largest_id  BIGINT NOT NULL
);
