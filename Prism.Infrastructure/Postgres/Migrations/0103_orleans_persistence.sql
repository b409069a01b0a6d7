-- Orleans grain state (Microsoft.Orleans.Persistence.AdoNet, invariant "Npgsql").
--
-- One orleans.grain_state row per (service id, state name, grain key). The provider names the state by
-- @GrainTypeString (the [PersistentState] name) and splits the grain key into @GrainIdN0/@GrainIdN1 (the two
-- halves of a Guid or the integer key) and @GrainIdExtensionString (the string key or key extension, may be NULL;
-- stored as '' so that it can take part in the primary key). It also binds two 32-bit hashes (@GrainIdHash,
-- @GrainTypeHash); they are kept for diagnostics only: the natural key is the primary key.
--
-- `version` is the ETag: NULL/absent row = never written; every write or clear bumps it by one. A write or clear
-- whose @GrainStateVersion does not match the stored one changes nothing and returns NULL, which the provider
-- turns into an InconsistentStateException. A cleared state keeps its row (payload NULL) so that its version keeps
-- growing and a stale ETag can never match again.
--
-- Provider contract:
--   ReadFromStorageKey  @ServiceId @GrainTypeString @GrainIdN0 @GrainIdN1 @GrainIdExtensionString (+ hashes)
--                       -> zero or one row: PayloadBinary, Version
--   WriteToStorageKey   ... + @GrainStateVersion @PayloadBinary  -> one row: NewGrainStateVersion (NULL = conflict)
--   ClearStorageKey     ... + @GrainStateVersion                 -> one row, one column: new version (NULL = conflict)
--   DeleteStorageKey    ... + @GrainStateVersion (used when DeleteStateOnClear = true; removes the row)

CREATE TABLE IF NOT EXISTS orleans.grain_state (
    service_id       text        NOT NULL,
    state_name       text        NOT NULL,
    grain_id_n0      bigint      NOT NULL,
    grain_id_n1      bigint      NOT NULL,
    grain_key        text        NOT NULL DEFAULT '',
    grain_id_hash    integer     NOT NULL,
    state_name_hash  integer     NOT NULL,
    payload          bytea,
    version          integer     NOT NULL,
    modified_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, state_name, grain_id_n0, grain_id_n1, grain_key)
);

COMMENT ON COLUMN orleans.grain_state.payload IS 'Serialized state (Prism: UTF-8 JSON without .NET type names); NULL once cleared.';

-- Next version after v (wraps before the int range ends; 0 is never produced).
CREATE OR REPLACE FUNCTION orleans.next_state_version(v integer)
RETURNS integer
LANGUAGE sql IMMUTABLE
AS $fn$ SELECT CASE WHEN v IS NULL OR v >= 2147483646 THEN 1 ELSE v + 1 END $fn$;

CREATE OR REPLACE FUNCTION orleans.grain_state_write(
    p_service_id text, p_state_name text, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_key text,
    p_grain_id_hash integer, p_state_name_hash integer, p_expected_version integer, p_payload bytea)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
    new_version integer;
BEGIN
    IF p_expected_version IS NULL THEN
        -- First write: only succeeds when nobody wrote before.
        INSERT INTO orleans.grain_state (service_id, state_name, grain_id_n0, grain_id_n1, grain_key,
                                         grain_id_hash, state_name_hash, payload, version)
        VALUES (p_service_id, p_state_name, p_grain_id_n0, p_grain_id_n1, coalesce(p_grain_key, ''),
                p_grain_id_hash, p_state_name_hash, p_payload, 1)
        ON CONFLICT DO NOTHING
        RETURNING version INTO new_version;
    ELSE
        UPDATE orleans.grain_state
           SET payload = p_payload, version = orleans.next_state_version(version), modified_at = now()
         WHERE service_id = p_service_id AND state_name = p_state_name AND grain_id_n0 = p_grain_id_n0
           AND grain_id_n1 = p_grain_id_n1 AND grain_key = coalesce(p_grain_key, '')
           AND version = p_expected_version
        RETURNING version INTO new_version;
    END IF;
    RETURN new_version;
END;
$fn$;

CREATE OR REPLACE FUNCTION orleans.grain_state_clear(
    p_service_id text, p_state_name text, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_key text,
    p_expected_version integer)
RETURNS integer
LANGUAGE sql
AS $fn$
    UPDATE orleans.grain_state
       SET payload = NULL, version = orleans.next_state_version(version), modified_at = now()
     WHERE service_id = p_service_id AND state_name = p_state_name AND grain_id_n0 = p_grain_id_n0
       AND grain_id_n1 = p_grain_id_n1 AND grain_key = coalesce(p_grain_key, '')
       AND version = p_expected_version
    RETURNING version;
$fn$;

CREATE OR REPLACE FUNCTION orleans.grain_state_delete(
    p_service_id text, p_state_name text, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_key text,
    p_expected_version integer)
RETURNS integer
LANGUAGE sql
AS $fn$
    DELETE FROM orleans.grain_state
     WHERE service_id = p_service_id AND state_name = p_state_name AND grain_id_n0 = p_grain_id_n0
       AND grain_id_n1 = p_grain_id_n1 AND grain_key = coalesce(p_grain_key, '')
       AND version = p_expected_version
    RETURNING orleans.next_state_version(version);
$fn$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', $q$
SELECT payload AS "PayloadBinary", version AS "Version"
  FROM orleans.grain_state
 WHERE service_id = @ServiceId AND state_name = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
   AND grain_key = coalesce(@GrainIdExtensionString, '')
$q$),
('WriteToStorageKey', $q$
SELECT orleans.grain_state_write(
    p_service_id => @ServiceId, p_state_name => @GrainTypeString,
    p_grain_id_n0 => @GrainIdN0, p_grain_id_n1 => @GrainIdN1, p_grain_key => @GrainIdExtensionString,
    p_grain_id_hash => @GrainIdHash, p_state_name_hash => @GrainTypeHash,
    p_expected_version => @GrainStateVersion, p_payload => @PayloadBinary) AS "NewGrainStateVersion"
$q$),
('ClearStorageKey', $q$
SELECT orleans.grain_state_clear(
    p_service_id => @ServiceId, p_state_name => @GrainTypeString,
    p_grain_id_n0 => @GrainIdN0, p_grain_id_n1 => @GrainIdN1, p_grain_key => @GrainIdExtensionString,
    p_expected_version => @GrainStateVersion) AS "NewGrainStateVersion"
$q$),
('DeleteStorageKey', $q$
SELECT orleans.grain_state_delete(
    p_service_id => @ServiceId, p_state_name => @GrainTypeString,
    p_grain_id_n0 => @GrainIdN0, p_grain_id_n1 => @GrainIdN1, p_grain_key => @GrainIdExtensionString,
    p_expected_version => @GrainStateVersion) AS "NewGrainStateVersion"
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
