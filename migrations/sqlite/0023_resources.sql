-- Resources students look for (issue 19): the document library (常用表格文档), procedures
-- (办事指南), offices' contacts, and one search index over them and the notices.

-- Folders of the library (奖助, 请假, 党团, 就业 …), in the order the school puts them.
CREATE TABLE doc_folders (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL UNIQUE,
    position   BIGINT  NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL
);

-- A document is what students look for; its file is its current version. Who may see it:
-- 'all', 'students', 'teachers', or 'listed' (the classes and groups in document_audience).
CREATE TABLE documents (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    folder_id       BIGINT  REFERENCES doc_folders (id) ON DELETE SET NULL,
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    -- JSON array of strings.
    tags            TEXT    NOT NULL DEFAULT '[]',
    audience        TEXT    NOT NULL DEFAULT 'all' CHECK (audience IN ('all', 'students', 'teachers', 'listed')),
    current_version BIGINT,
    created_by      BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX documents_folder ON documents (folder_id, updated_at);

CREATE TABLE document_audience (
    document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    class_id    BIGINT REFERENCES classes (id) ON DELETE CASCADE,
    group_id    BIGINT REFERENCES student_groups (id) ON DELETE CASCADE
);
CREATE INDEX document_audience_document ON document_audience (document_id);

-- Every file a document has had; replacing the file adds a version and keeps the old.
CREATE TABLE document_versions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id  BIGINT  NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    number       BIGINT  NOT NULL,
    file_name    TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT  NOT NULL,
    -- Relative to the data folder.
    path         TEXT    NOT NULL,
    downloads    BIGINT  NOT NULL DEFAULT 0,
    uploaded_by  BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    uploaded_at  BIGINT  NOT NULL,
    UNIQUE (document_id, number)
);

-- One row per download, for the week's most downloaded (热门); kept 90 days.
CREATE TABLE document_downloads (
    document_id   BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    version_id    BIGINT NOT NULL REFERENCES document_versions (id) ON DELETE CASCADE,
    -- 's:<student id>', 'o:<openid>' or 'u:<user id>'.
    downloader    TEXT   NOT NULL,
    downloaded_at BIGINT NOT NULL
);
CREATE INDEX document_downloads_at ON document_downloads (downloaded_at, document_id);

-- Offices (教务处, 学工办, 图书馆 …) students call or visit.
CREATE TABLE offices (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL UNIQUE,
    phone       TEXT    NOT NULL DEFAULT '',
    place       TEXT    NOT NULL DEFAULT '',
    hours       TEXT    NOT NULL DEFAULT '',
    description TEXT    NOT NULL DEFAULT '',
    position    BIGINT  NOT NULL DEFAULT 0,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

-- A procedure (办事指南): who handles it, when and where, ordered steps (Markdown,
-- sanitised when shown), the materials it needs (linked to documents), whom to ask.
CREATE TABLE guides (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    title       TEXT    NOT NULL,
    summary     TEXT    NOT NULL DEFAULT '',
    office_id   BIGINT  REFERENCES offices (id) ON DELETE SET NULL,
    when_where  TEXT    NOT NULL DEFAULT '',
    -- JSON array of Markdown strings, in order.
    steps       TEXT    NOT NULL DEFAULT '[]',
    -- JSON array of strings.
    tags        TEXT    NOT NULL DEFAULT '[]',
    -- 'YYYY-MM-DD' the content was last checked.
    reviewed_on TEXT,
    published   INTEGER NOT NULL DEFAULT 1,
    created_by  BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

CREATE TABLE guide_materials (
    guide_id    BIGINT NOT NULL REFERENCES guides (id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    name        TEXT   NOT NULL,
    document_id BIGINT REFERENCES documents (id) ON DELETE SET NULL,
    PRIMARY KEY (guide_id, position)
);

CREATE TABLE guide_contacts (
    guide_id   BIGINT NOT NULL REFERENCES guides (id) ON DELETE CASCADE,
    position   BIGINT NOT NULL,
    office_id  BIGINT REFERENCES offices (id) ON DELETE CASCADE,
    teacher_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (guide_id, position)
);

-- The search index: one item per searchable thing (kind 'notice', 'document', 'guide',
-- 'office', 'teacher'), its words as n-gram terms (see api/src/search/terms.rs). Who may
-- find it is copied here so a search is one query: audience 'all', 'students',
-- 'teachers', 'listed' (search_item_audience) or 'recipients' (a notice's deliveries).
CREATE TABLE search_items (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    kind     TEXT    NOT NULL,
    ref_id   BIGINT  NOT NULL,
    title    TEXT    NOT NULL,
    summary  TEXT    NOT NULL DEFAULT '',
    audience TEXT    NOT NULL,
    -- Recency for ranking (ms).
    at       BIGINT  NOT NULL,
    UNIQUE (kind, ref_id)
);

CREATE TABLE search_item_audience (
    item_id  BIGINT NOT NULL REFERENCES search_items (id) ON DELETE CASCADE,
    class_id BIGINT,
    group_id BIGINT
);
CREATE INDEX search_item_audience_item ON search_item_audience (item_id);

CREATE TABLE search_terms (
    term     TEXT    NOT NULL,
    item_id  BIGINT  NOT NULL REFERENCES search_items (id) ON DELETE CASCADE,
    in_title BIGINT  NOT NULL,
    at       BIGINT  NOT NULL,
    PRIMARY KEY (term, item_id)
);
CREATE INDEX search_terms_rank ON search_terms (term, in_title DESC, at DESC);
CREATE INDEX search_terms_item ON search_terms (item_id);
