-- Indexes for catalog searches (OpenSearch, STAC, EO-WCS): bbox + time + attribute filters, ordered by
-- begin_time then identifier (byte order), with a LIMIT.
-- The ordering index lets a paged search walk products in result order and stop after LIMIT + OFFSET matches;
-- it also serves "begin_time <= End". It replaces the single-column begin_time index.
CREATE INDEX products_begin_identifier_idx ON products (begin_time, identifier COLLATE "C");
DROP INDEX IF EXISTS products_begin_time_idx;
-- "end_time >= Start" (intersects) and "end_time <= End" (during), with begin_time in the index for the other bound.
CREATE INDEX products_end_begin_idx ON products (end_time, begin_time);
DROP INDEX IF EXISTS products_end_time_idx;
-- Selective EO attribute filters.
CREATE INDEX products_platform_idx ON products (platform);
CREATE INDEX products_cloud_cover_idx ON products (cloud_cover);
