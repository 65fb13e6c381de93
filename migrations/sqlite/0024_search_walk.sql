-- The search walks a term's postings a page at a time in the rank order, resuming after
-- the last one it read (api/src/search/query.rs): the item id completes the order and
-- makes each page an index-only range scan.
DROP INDEX search_terms_rank;
CREATE INDEX search_terms_rank ON search_terms (term, in_title DESC, at DESC, item_id DESC);
