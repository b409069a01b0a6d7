-- Orleans ADO.NET providers, shared part.
--
-- The Orleans clustering, persistence and reminder providers (Microsoft.Orleans.*.AdoNet, invariant "Npgsql") ship
-- no SQL: at start-up each one runs `SELECT QueryKey, QueryText FROM OrleansQuery` and afterwards executes the SQL
-- text stored under the query keys it knows, binding its values as named parameters (@DeploymentId, @GrainIdN0...).
-- This file creates that lookup table (its name and two columns are fixed by the providers) and the schema
-- `orleans` that holds this project's own tables and functions behind those queries (0102..0104).
--
-- Every statement here is safe to run again: IF NOT EXISTS, CREATE OR REPLACE, and the query rows are upserted so
-- that a corrected query text replaces the old one.

CREATE SCHEMA IF NOT EXISTS orleans;

COMMENT ON SCHEMA orleans IS 'Orleans cluster membership, grain state and reminders (Prism).';

-- Unquoted on purpose: PostgreSQL folds the name to orleansquery, which is what the providers' unquoted query
-- resolves to; Npgsql matches the result columns QueryKey/QueryText case-insensitively.
CREATE TABLE IF NOT EXISTS OrleansQuery (
    QueryKey   varchar(64) NOT NULL PRIMARY KEY,
    QueryText  text        NOT NULL
);

COMMENT ON TABLE OrleansQuery IS 'Query key -> SQL text read by the Orleans ADO.NET providers at start-up.';
