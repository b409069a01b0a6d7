-- Product catalog (SQLite, embedded profile). Times are microseconds since the Unix epoch (UTC); footprints are
-- MULTIPOLYGON WKT (lon/lat) with one R*Tree row per polygon part (rtree id = product id * 4096 + part index).
CREATE TABLE collections (
    id          INTEGER PRIMARY KEY,
    identifier  TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

CREATE TABLE product_types (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE
);

CREATE TABLE products (
    id                 INTEGER PRIMARY KEY,
    identifier         TEXT NOT NULL UNIQUE,
    product_type_id    INTEGER NOT NULL REFERENCES product_types (id),
    begin_time         INTEGER NOT NULL,
    end_time           INTEGER NOT NULL,
    footprint_wkt      TEXT NOT NULL,
    platform           TEXT,
    instrument         TEXT,
    sensor_type        TEXT,
    cloud_cover        REAL,
    orbit_number       INTEGER,
    orbit_direction    TEXT,
    acquisition_type   TEXT,
    processing_center  TEXT,
    status             TEXT,
    properties         TEXT NOT NULL DEFAULT '{}',
    raw_metadata       TEXT,
    prefix             TEXT,
    registered_at      INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    CHECK (end_time >= begin_time)
);

CREATE INDEX products_begin_time_idx ON products (begin_time, identifier);
CREATE INDEX products_end_time_idx ON products (end_time);
CREATE INDEX products_product_type_idx ON products (product_type_id);

CREATE VIRTUAL TABLE product_footprints USING rtree (id, min_x, max_x, min_y, max_y);

CREATE TABLE product_collections (
    product_id     INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    collection_id  INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    ordinal        INTEGER NOT NULL,
    PRIMARY KEY (product_id, collection_id)
) WITHOUT ROWID;

CREATE INDEX product_collections_collection_idx ON product_collections (collection_id, product_id);

CREATE TABLE coverages (
    id            INTEGER PRIMARY KEY,
    product_id    INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    ordinal       INTEGER NOT NULL,
    identifier    TEXT NOT NULL,
    location      TEXT NOT NULL,
    width         INTEGER NOT NULL CHECK (width > 0),
    height        INTEGER NOT NULL CHECK (height > 0),
    crs           TEXT NOT NULL,
    geotransform  TEXT NOT NULL,
    bands         TEXT NOT NULL DEFAULT '[]',
    UNIQUE (product_id, identifier)
);

CREATE INDEX coverages_identifier_idx ON coverages (identifier);

CREATE TABLE browses (
    id          INTEGER PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    ordinal     INTEGER NOT NULL,
    type        TEXT NOT NULL,
    location    TEXT NOT NULL
);

CREATE INDEX browses_product_idx ON browses (product_id);
