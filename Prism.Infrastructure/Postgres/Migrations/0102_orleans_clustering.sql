-- Orleans cluster membership (Microsoft.Orleans.Clustering.AdoNet, invariant "Npgsql").
--
-- Layout: one orleans.cluster_version row per cluster id holds the membership table version (the optimistic
-- concurrency token of the whole table); orleans.silo holds one row per silo incarnation (address, port,
-- generation). Every change of a silo row other than the periodic "I am alive" heartbeat must name the table
-- version it was based on and bumps it by one, atomically with the row change.
--
-- Provider contract (keys and bound parameters, as read from the provider; timestamps are UTC):
--   InsertMembershipVersionKey      @DeploymentId                                  -> one boolean (row created)
--   InsertMembershipKey             @DeploymentId @Address @Port @Generation @SiloName @HostName @Status
--                                   @ProxyPort @StartTime @IAmAliveTime @Version    -> one boolean
--   UpdateMembershipKey             @DeploymentId @Address @Port @Generation @Status @SuspectTimes
--                                   @IAmAliveTime @Version                          -> one boolean
--   UpdateIAmAlivetimeKey           @DeploymentId @Address @Port @Generation @IAmAliveTime
--   MembershipReadRowKey            @DeploymentId @Address @Port @Generation        -> version (+ silo) rows
--   MembershipReadAllKey            @DeploymentId                                   -> version (+ silo) rows
--   GatewaysQueryKey                @DeploymentId @Status                           -> Address, ProxyPort, Generation
--   DeleteMembershipTableEntriesKey @DeploymentId
--   CleanupDefunctSiloEntriesKey    @DeploymentId @IAmAliveTime
--   CleanupDefunctSiloEntryKey      (optional) @DeploymentId @Address @Port @Generation @SuspectTimes
--                                   @StartTime @IAmAliveTime
-- The read queries must return at least one row (the version) even when no silo matches, hence the LEFT JOIN.
-- Status values are Orleans' SiloStatus numbers (3 = Active, 6 = Dead).

CREATE TABLE IF NOT EXISTS orleans.cluster_version (
    cluster_id  text        NOT NULL PRIMARY KEY,
    version     integer     NOT NULL DEFAULT 0,
    changed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS orleans.silo (
    cluster_id       text        NOT NULL REFERENCES orleans.cluster_version (cluster_id) ON DELETE CASCADE,
    address          text        NOT NULL,
    port             integer     NOT NULL,
    generation       integer     NOT NULL,
    silo_name        text,
    host_name        text        NOT NULL,
    status           integer     NOT NULL,
    proxy_port       integer     NOT NULL DEFAULT 0,
    suspect_times    text,
    start_time       timestamptz NOT NULL,
    i_am_alive_time  timestamptz NOT NULL,
    PRIMARY KEY (cluster_id, address, port, generation)
);

CREATE INDEX IF NOT EXISTS silo_gateways_idx ON orleans.silo (cluster_id, status);

-- Creates the version row of a cluster; true when it did not exist before.
CREATE OR REPLACE FUNCTION orleans.membership_try_init(p_cluster_id text)
RETURNS boolean
LANGUAGE sql
AS $fn$
    WITH created AS (
        INSERT INTO orleans.cluster_version (cluster_id, version)
        VALUES (p_cluster_id, 0)
        ON CONFLICT (cluster_id) DO NOTHING
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM created);
$fn$;

-- Adds a silo row if the table is still at p_expected_version and the silo is not there yet.
CREATE OR REPLACE FUNCTION orleans.membership_insert(
    p_cluster_id text, p_address text, p_port integer, p_generation integer,
    p_silo_name text, p_host_name text, p_status integer, p_proxy_port integer,
    p_start_time timestamptz, p_i_am_alive_time timestamptz, p_expected_version integer)
RETURNS boolean
LANGUAGE plpgsql
AS $fn$
BEGIN
    UPDATE orleans.cluster_version
       SET version = version + 1, changed_at = now()
     WHERE cluster_id = p_cluster_id AND version = p_expected_version;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    INSERT INTO orleans.silo (cluster_id, address, port, generation, silo_name, host_name, status, proxy_port,
                              suspect_times, start_time, i_am_alive_time)
    VALUES (p_cluster_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status,
            coalesce(p_proxy_port, 0), NULL, p_start_time, p_i_am_alive_time);
    RETURN true;
EXCEPTION
    -- The block is a savepoint: the version bump above is undone too.
    WHEN unique_violation THEN
        RETURN false;
END;
$fn$;

-- Changes a silo row if the table is still at p_expected_version and the row exists.
CREATE OR REPLACE FUNCTION orleans.membership_update(
    p_cluster_id text, p_address text, p_port integer, p_generation integer,
    p_status integer, p_suspect_times text, p_i_am_alive_time timestamptz, p_expected_version integer)
RETURNS boolean
LANGUAGE plpgsql
AS $fn$
BEGIN
    UPDATE orleans.cluster_version
       SET version = version + 1, changed_at = now()
     WHERE cluster_id = p_cluster_id AND version = p_expected_version;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleans.silo
       SET status = p_status, suspect_times = p_suspect_times, i_am_alive_time = p_i_am_alive_time
     WHERE cluster_id = p_cluster_id AND address = p_address AND port = p_port AND generation = p_generation;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'no_data_found';
    END IF;
    RETURN true;
EXCEPTION
    WHEN no_data_found THEN
        RETURN false;
END;
$fn$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey', $q$
SELECT orleans.membership_try_init(@DeploymentId) AS "Created"
$q$),
('InsertMembershipKey', $q$
SELECT orleans.membership_insert(
    p_cluster_id => @DeploymentId, p_address => @Address, p_port => @Port, p_generation => @Generation,
    p_silo_name => @SiloName, p_host_name => @HostName, p_status => @Status, p_proxy_port => @ProxyPort,
    p_start_time => @StartTime, p_i_am_alive_time => @IAmAliveTime, p_expected_version => @Version) AS "Inserted"
$q$),
('UpdateMembershipKey', $q$
SELECT orleans.membership_update(
    p_cluster_id => @DeploymentId, p_address => @Address, p_port => @Port, p_generation => @Generation,
    p_status => @Status, p_suspect_times => @SuspectTimes, p_i_am_alive_time => @IAmAliveTime,
    p_expected_version => @Version) AS "Updated"
$q$),
('UpdateIAmAlivetimeKey', $q$
UPDATE orleans.silo
   SET i_am_alive_time = @IAmAliveTime
 WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$q$),
('MembershipReadRowKey', $q$
SELECT v.version AS "Version",
       s.address AS "Address", s.port AS "Port", s.generation AS "Generation",
       s.silo_name AS "SiloName", s.host_name AS "HostName", s.status AS "Status", s.proxy_port AS "ProxyPort",
       s.suspect_times AS "SuspectTimes", s.start_time AS "StartTime", s.i_am_alive_time AS "IAmAliveTime"
  FROM orleans.cluster_version v
  LEFT JOIN orleans.silo s
         ON s.cluster_id = v.cluster_id AND s.address = @Address AND s.port = @Port AND s.generation = @Generation
 WHERE v.cluster_id = @DeploymentId
$q$),
('MembershipReadAllKey', $q$
SELECT v.version AS "Version",
       s.address AS "Address", s.port AS "Port", s.generation AS "Generation",
       s.silo_name AS "SiloName", s.host_name AS "HostName", s.status AS "Status", s.proxy_port AS "ProxyPort",
       s.suspect_times AS "SuspectTimes", s.start_time AS "StartTime", s.i_am_alive_time AS "IAmAliveTime"
  FROM orleans.cluster_version v
  LEFT JOIN orleans.silo s ON s.cluster_id = v.cluster_id
 WHERE v.cluster_id = @DeploymentId
 ORDER BY s.address, s.port, s.generation
$q$),
('GatewaysQueryKey', $q$
SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
  FROM orleans.silo
 WHERE cluster_id = @DeploymentId AND status = @Status AND proxy_port > 0
$q$),
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleans.cluster_version WHERE cluster_id = @DeploymentId
$q$),
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleans.silo
 WHERE cluster_id = @DeploymentId AND status = 6 AND i_am_alive_time < @IAmAliveTime
$q$),
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM orleans.silo
 WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
   AND status = 6 AND start_time = @StartTime AND i_am_alive_time = @IAmAliveTime
   AND coalesce(suspect_times, '') = coalesce(@SuspectTimes, '')
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
