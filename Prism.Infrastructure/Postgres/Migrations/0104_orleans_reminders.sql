-- Orleans reminders (Microsoft.Orleans.Reminders.AdoNet, invariant "Npgsql").
--
-- One orleans.reminder row per (service id, grain id, reminder name). grain_hash is the grain's uniform hash as a
-- signed 32-bit integer: the reminder service asks for the rows of a ring range (@BeginHash, @EndHash], also
-- passed as signed integers. When BeginHash < EndHash (signed) the provider uses ReadRangeRows1Key (a plain
-- interval), otherwise ReadRangeRows2Key (the range wraps around the ring). `version` is the reminder's ETag.
--
-- Provider contract:
--   UpsertReminderRowKey   @ServiceId @GrainId @GrainHash @ReminderName @StartTime @Period(ms) -> one row: Version
--   ReadReminderRowsKey    @ServiceId @GrainId                  -> GrainId, ReminderName, StartTime, Period, Version
--   ReadReminderRowKey     @ServiceId @GrainId @ReminderName    -> same columns, zero or one row
--   ReadRangeRows1Key      @ServiceId @BeginHash @EndHash       -> same columns
--   ReadRangeRows2Key      @ServiceId @BeginHash @EndHash       -> same columns
--   DeleteReminderRowKey   @ServiceId @GrainId @ReminderName @Version -> one boolean (row deleted)
--   DeleteReminderRowsKey  @ServiceId

CREATE TABLE IF NOT EXISTS orleans.reminder (
    service_id     text        NOT NULL,
    grain_id       text        NOT NULL,
    reminder_name  text        NOT NULL,
    grain_hash     integer     NOT NULL,
    start_time     timestamptz NOT NULL,
    period_ms      bigint      NOT NULL,
    version        integer     NOT NULL,
    modified_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS reminder_ring_idx ON orleans.reminder (service_id, grain_hash);

CREATE OR REPLACE FUNCTION orleans.reminder_upsert(
    p_service_id text, p_grain_id text, p_grain_hash integer, p_reminder_name text,
    p_start_time timestamptz, p_period_ms bigint)
RETURNS integer
LANGUAGE sql
AS $fn$
    INSERT INTO orleans.reminder AS r (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
    VALUES (p_service_id, p_grain_id, p_reminder_name, p_grain_hash, p_start_time, p_period_ms, 1)
    ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
       SET grain_hash = EXCLUDED.grain_hash,
           start_time = EXCLUDED.start_time,
           period_ms  = EXCLUDED.period_ms,
           version    = CASE WHEN r.version >= 2147483646 THEN 1 ELSE r.version + 1 END,
           modified_at = now()
    RETURNING version;
$fn$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('UpsertReminderRowKey', $q$
SELECT orleans.reminder_upsert(
    p_service_id => @ServiceId, p_grain_id => @GrainId, p_grain_hash => @GrainHash,
    p_reminder_name => @ReminderName, p_start_time => @StartTime, p_period_ms => @Period::bigint) AS "Version"
$q$),
('ReadReminderRowsKey', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
  FROM orleans.reminder
 WHERE service_id = @ServiceId AND grain_id = @GrainId
$q$),
('ReadReminderRowKey', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
  FROM orleans.reminder
 WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$q$),
('ReadRangeRows1Key', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
  FROM orleans.reminder
 WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$q$),
('ReadRangeRows2Key', $q$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
  FROM orleans.reminder
 WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$q$),
('DeleteReminderRowKey', $q$
WITH removed AS (
    DELETE FROM orleans.reminder
     WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
       AND version = @Version
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM removed) AS "Deleted"
$q$),
('DeleteReminderRowsKey', $q$
DELETE FROM orleans.reminder WHERE service_id = @ServiceId
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
