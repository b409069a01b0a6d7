-- The collections of a product, denormalised onto the product row as an array of collection ids, so that a search
-- restricted to a collection filters each candidate row in place instead of joining product_collections: with the
-- join the planner hashed every member of the collection (60 000 rows at 100 000 products) for a query that matched
-- a hundred. product_collections stays the source of truth (it keeps the ordinal); statement-level triggers keep the
-- array in step for every writer (the catalog, bulk loads, manual SQL).
ALTER TABLE products ADD COLUMN collection_ids bigint[] NOT NULL DEFAULT '{}';

UPDATE products p SET collection_ids = s.ids
FROM (SELECT product_id, array_agg(collection_id ORDER BY ordinal) AS ids FROM product_collections GROUP BY product_id) s
WHERE s.product_id = p.id;

-- No GIN index on it, by measurement (bench/search-bench.sh queries at 100 000 products): with one the planner
-- ANDs its bitmap (every member of a big collection) into bbox + time searches and the median search took 6.3 ms
-- instead of 3.2 ms; without it the array is tested on the rows the spatial/time indexes found.

CREATE FUNCTION prism_sync_collection_ids() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE products p
    SET collection_ids = ARRAY(SELECT pc.collection_id FROM product_collections pc
                               WHERE pc.product_id = p.id ORDER BY pc.ordinal)
    WHERE p.id IN (SELECT DISTINCT product_id FROM changed);
    RETURN NULL;
END
$$;

CREATE TRIGGER product_collections_inserted AFTER INSERT ON product_collections
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION prism_sync_collection_ids();
CREATE TRIGGER product_collections_deleted AFTER DELETE ON product_collections
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION prism_sync_collection_ids();
-- An update may move a row between products: both the old and the new product are brought up to date.
CREATE TRIGGER product_collections_updated_old AFTER UPDATE ON product_collections
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION prism_sync_collection_ids();
CREATE TRIGGER product_collections_updated_new AFTER UPDATE ON product_collections
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION prism_sync_collection_ids();
