-- 100 000 synthetic products straight into the catalog schema (migrations 0001/0002 already applied by the gateway).
-- Deterministic (setseed). Three collections, one product type and platform each:
--   BENCH_S2   60 000 products, 1-2 deg footprints clustered over Europe (lon -10..30, lat 36..60), 5-15 min each
--   BENCH_L8   30 000 products, 2-3 deg footprints over the globe (lon -175..175, lat -75..75), 1-3 min each
--   BENCH_ENV  10 000 products, 10-15 deg footprints over the globe, 1-24 h each
-- Footprints are rectangles rotated by up to +/-15 deg about their centre (MultiPolygon, EPSG:4326), begin times
-- uniform over 2019-01-01 .. 2024-01-01. No coverages or browses (the search loads them; the tables are empty).
\set ON_ERROR_STOP 1
SELECT setseed(0.4242);
INSERT INTO collections (identifier) VALUES ('BENCH_S2'), ('BENCH_L8'), ('BENCH_ENV');
INSERT INTO product_types (name) VALUES ('S2MSI_L2A'), ('L8_OLI_L1T'), ('ENV_MER_RR');

CREATE TEMP TABLE spec (coll text, ptype text, platform text, instrument text, n int, first int,
    lon0 float8, lon1 float8, lat0 float8, lat1 float8, size0 float8, size1 float8, dur0 interval, dur1 interval);
INSERT INTO spec VALUES
  ('BENCH_S2',  'S2MSI_L2A',  'Sentinel-2A', 'MSI',   60000,     1, -10,  30,  36, 60,  1,  2, '5 min', '15 min'),
  ('BENCH_L8',  'L8_OLI_L1T', 'Landsat-8',   'OLI',   30000, 60001, -175, 175, -75, 75,  2,  3, '1 min', '3 min'),
  ('BENCH_ENV', 'ENV_MER_RR', 'Envisat',     'MERIS', 10000, 90001, -165, 165, -70, 70, 10, 15, '1 hour', '24 hours');

INSERT INTO products (identifier, product_type_id, begin_time, end_time, footprint, platform, instrument,
    sensor_type, cloud_cover, orbit_number, orbit_direction, acquisition_type, processing_center, status)
SELECT format('%s_%s', g.coll, lpad(g.i::text, 6, '0')), t.id, g.b, g.b + g.d,
    ST_Multi(ST_Rotate(ST_MakeEnvelope(g.cx - g.w / 2, g.cy - g.h / 2, g.cx + g.w / 2, g.cy + g.h / 2, 4326),
        g.angle, ST_SetSRID(ST_MakePoint(g.cx, g.cy), 4326))),
    g.platform, g.instrument, 'OPTICAL', round((random() * 100)::numeric, 1)::float8,
    (random() * 40000)::int + 1, CASE WHEN random() < 0.5 THEN 'ASCENDING' ELSE 'DESCENDING' END,
    'NOMINAL', 'BENCH', 'ARCHIVED'
FROM (
    SELECT s.coll, s.ptype, s.platform, s.instrument, i,
        s.lon0 + random() * (s.lon1 - s.lon0) AS cx, s.lat0 + random() * (s.lat1 - s.lat0) AS cy,
        s.size0 + random() * (s.size1 - s.size0) AS w, s.size0 + random() * (s.size1 - s.size0) AS h,
        radians(random() * 30 - 15) AS angle,
        timestamptz '2019-01-01 00:00:00+00' + random() * interval '1826 days' AS b,
        s.dur0 + random() * (s.dur1 - s.dur0) AS d
    FROM spec s, generate_series(s.first, s.first + s.n - 1) AS i
) g JOIN product_types t ON t.name = g.ptype;

INSERT INTO product_collections (product_id, collection_id, ordinal)
SELECT p.id, c.id, 0
FROM products p JOIN collections c ON c.identifier = split_part(p.identifier, '_', 1) || '_' || split_part(p.identifier, '_', 2);

ANALYZE;
SELECT c.identifier, count(*) FROM product_collections pc JOIN collections c ON c.id = pc.collection_id GROUP BY 1 ORDER BY 1;
