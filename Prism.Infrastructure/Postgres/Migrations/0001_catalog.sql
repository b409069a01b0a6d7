-- Product catalog (PostgreSQL + PostGIS). Geometries are EPSG:4326, x = longitude, y = latitude.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE collections (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identifier  text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE product_types (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name  text NOT NULL UNIQUE
);

CREATE TABLE products (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identifier         text NOT NULL UNIQUE,
    product_type_id    bigint NOT NULL REFERENCES product_types (id),
    begin_time         timestamptz NOT NULL,
    end_time           timestamptz NOT NULL,
    footprint          geometry(MultiPolygon, 4326) NOT NULL,
    platform           text,
    instrument         text,
    sensor_type        text,
    cloud_cover        double precision,
    orbit_number       integer,
    orbit_direction    text,
    acquisition_type   text,
    processing_center  text,
    status             text,
    properties         jsonb NOT NULL DEFAULT '{}'::jsonb,
    raw_metadata       text,
    prefix             text,
    registered_at      timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT products_time_order CHECK (end_time >= begin_time)
);

CREATE INDEX products_begin_time_idx ON products (begin_time);
CREATE INDEX products_end_time_idx ON products (end_time);
CREATE INDEX products_product_type_idx ON products (product_type_id);
CREATE INDEX products_footprint_idx ON products USING gist (footprint);

CREATE TABLE product_collections (
    product_id     bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    collection_id  bigint NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    ordinal        integer NOT NULL,
    PRIMARY KEY (product_id, collection_id)
);

CREATE INDEX product_collections_collection_idx ON product_collections (collection_id, product_id);

CREATE TABLE coverages (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id    bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    ordinal       integer NOT NULL,
    identifier    text NOT NULL,
    location      text NOT NULL,
    width         integer NOT NULL CHECK (width > 0),
    height        integer NOT NULL CHECK (height > 0),
    crs           text NOT NULL,
    geotransform  double precision[] NOT NULL CHECK (cardinality(geotransform) = 6),
    bands         jsonb NOT NULL DEFAULT '[]'::jsonb,
    UNIQUE (product_id, identifier)
);

CREATE INDEX coverages_identifier_idx ON coverages (identifier);

CREATE TABLE browses (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id  bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    ordinal     integer NOT NULL,
    type        text NOT NULL,
    location    text NOT NULL
);

CREATE INDEX browses_product_idx ON browses (product_id);
