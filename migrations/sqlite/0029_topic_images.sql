-- 话题's pictures (issue 20): a student uploads up to three for a post; each waits with no
-- post until the post that carries it is written (api/src/topics/images.rs). The file is
-- under the data folder; who may fetch it is who may see its post.
CREATE TABLE topic_images (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    topic_id     BIGINT  NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    student_id   BIGINT  REFERENCES students (id) ON DELETE SET NULL,
    post_id      BIGINT  REFERENCES topic_posts (id) ON DELETE CASCADE,
    path         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT  NOT NULL,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX topic_images_post ON topic_images (post_id);
CREATE INDEX topic_images_student ON topic_images (student_id, post_id);
