using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Prism.Persistence;

/// <summary>
/// Durable grain storage for the embedded (one process) profile: one SQLite database file in WAL mode with a
/// single table keyed by grain type, grain key and state name. The ETag is an integer version bumped by every write
/// and clear; a write or clear whose ETag does not match the stored version fails with
/// <see cref="InconsistentStateException"/>, like the cluster providers. A cleared state keeps a tombstone row
/// (no payload) so its version keeps growing and an ETag taken before the clear can never match again.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS grain_state (
            grain_type   TEXT    NOT NULL,
            grain_key    TEXT    NOT NULL,
            state_name   TEXT    NOT NULL,
            payload      BLOB,
            version      INTEGER NOT NULL,
            modified_utc TEXT    NOT NULL,
            PRIMARY KEY (grain_type, grain_key, state_name)
        ) WITHOUT ROWID;
        """;

    private const string KeyFilter = "grain_type = $type AND grain_key = $key AND state_name = $state";

    private readonly string _name;
    private readonly string _connectionString;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly ILogger _logger;
    private readonly Lazy<Task> _initialized;

    /// <summary>Creates the storage; the database file and its folder are created on first use.</summary>
    /// <param name="name">The provider name (used in messages).</param>
    /// <param name="databasePath">The SQLite database file.</param>
    /// <param name="serializer">The state serializer (Prism uses <see cref="JsonGrainStateSerializer"/>).</param>
    /// <param name="activators">Creates empty state instances.</param>
    /// <param name="logger">The logger.</param>
    public SqliteGrainStorage(string name, string databasePath, IGrainStorageSerializer serializer,
        IActivatorProvider activators, ILogger<SqliteGrainStorage> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(activators);
        ArgumentNullException.ThrowIfNull(logger);
        _name = name;
        DatabasePath = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _serializer = serializer;
        _activators = activators;
        _logger = logger;
        _initialized = new Lazy<Task>(() => Task.Run(Initialize), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe($"{nameof(SqliteGrainStorage)}-{_name}", ServiceLifecycleStage.ApplicationServices,
            _ => EnsureInitializedAsync(), _ => Task.CompletedTask);

    /// <summary>Creates the folder, the database file and the table if needed, and switches the file to WAL.</summary>
    public Task EnsureInitializedAsync() => _initialized.Value;

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await EnsureInitializedAsync().ConfigureAwait(false);
        var (type, key) = Split(grainId);
        var row = await Task.Run(() =>
        {
            using var connection = Open();
            using var command = Command(connection, $"SELECT payload, version FROM grain_state WHERE {KeyFilter}",
                type, key, stateName);
            using var reader = command.ExecuteReader();
            if (!reader.Read()) return ((byte[]?)null, (long?)null);
            var payload = reader.IsDBNull(0) ? null : (byte[])reader.GetValue(0);
            return (payload, (long?)reader.GetInt64(1));
        }).ConfigureAwait(false);

        var (payloadBytes, version) = row;
        var state = payloadBytes is { Length: > 0 } ? _serializer.Deserialize<T>(new BinaryData(payloadBytes)) : default;
        grainState.State = state ?? CreateInstance<T>();
        grainState.ETag = version?.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = payloadBytes is not null;
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await EnsureInitializedAsync().ConfigureAwait(false);
        var (type, key) = Split(grainId);
        var payload = _serializer.Serialize(grainState.State).ToArray();
        var expected = ParseETag(grainState.ETag, "WriteState", stateName, grainId);
        var newVersion = await Task.Run(() =>
        {
            using var connection = Open();
            using var command = expected is null
                ? Command(connection, """
                    INSERT INTO grain_state (grain_type, grain_key, state_name, payload, version, modified_utc)
                    VALUES ($type, $key, $state, $payload, 1, $now)
                    ON CONFLICT DO NOTHING
                    RETURNING version
                    """, type, key, stateName)
                : Command(connection, $"""
                    UPDATE grain_state SET payload = $payload, version = version + 1, modified_utc = $now
                    WHERE {KeyFilter} AND version = $expected
                    RETURNING version
                    """, type, key, stateName);
            command.Parameters.AddWithValue("$payload", payload);
            command.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            if (expected is not null) command.Parameters.AddWithValue("$expected", expected.Value);
            return command.ExecuteScalar() is long v ? v : (long?)null;
        }).ConfigureAwait(false);

        if (newVersion is null)
            throw await ConflictAsync("WriteState", stateName, grainId, grainState.ETag).ConfigureAwait(false);
        grainState.ETag = newVersion.Value.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await EnsureInitializedAsync().ConfigureAwait(false);
        var (type, key) = Split(grainId);
        var expected = ParseETag(grainState.ETag, "ClearState", stateName, grainId);
        if (expected is null)
        {
            // The grain believes nothing was ever stored: fine if that is still true, a conflict otherwise.
            var stored = await ReadVersionAsync(type, key, stateName).ConfigureAwait(false);
            if (stored is not null)
                throw Conflict("ClearState", stateName, grainId, stored, grainState.ETag);
        }
        else
        {
            var newVersion = await Task.Run(() =>
            {
                using var connection = Open();
                using var command = Command(connection, $"""
                    UPDATE grain_state SET payload = NULL, version = version + 1, modified_utc = $now
                    WHERE {KeyFilter} AND version = $expected
                    RETURNING version
                    """, type, key, stateName);
                command.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                command.Parameters.AddWithValue("$expected", expected.Value);
                return command.ExecuteScalar() is long v ? v : (long?)null;
            }).ConfigureAwait(false);
            if (newVersion is null)
                throw await ConflictAsync("ClearState", stateName, grainId, grainState.ETag).ConfigureAwait(false);
            grainState.ETag = newVersion.Value.ToString(CultureInfo.InvariantCulture);
        }
        grainState.State = CreateInstance<T>();
        grainState.RecordExists = false;
    }

    private void Initialize()
    {
        var folder = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        using var connection = Open();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            var mode = wal.ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                _logger.LogWarning("Grain storage {Name}: SQLite file {Path} could not switch to WAL (mode {Mode})",
                    _name, DatabasePath, mode);
        }
        using (var create = connection.CreateCommand())
        {
            create.CommandText = Schema;
            create.ExecuteNonQuery();
        }
        _logger.LogInformation("Grain storage {Name} uses SQLite file {Path}", _name, DatabasePath);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, string type, string key, string state)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$type", type);
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$state", state);
        return command;
    }

    private Task<long?> ReadVersionAsync(string type, string key, string stateName) => Task.Run(() =>
    {
        using var connection = Open();
        using var command = Command(connection, $"SELECT version FROM grain_state WHERE {KeyFilter}", type, key, stateName);
        return command.ExecuteScalar() is long v ? v : (long?)null;
    });

    private async Task<InconsistentStateException> ConflictAsync(string operation, string stateName, GrainId grainId,
        string? currentETag)
    {
        var (type, key) = Split(grainId);
        var stored = await ReadVersionAsync(type, key, stateName).ConfigureAwait(false);
        return Conflict(operation, stateName, grainId, stored, currentETag);
    }

    private InconsistentStateException Conflict(string operation, string stateName, GrainId grainId, long? stored,
        string? currentETag)
    {
        var storedETag = stored?.ToString(CultureInfo.InvariantCulture);
        return new InconsistentStateException(
            $"Version conflict ({operation}): ProviderName={_name} StateName={stateName} GrainId={grainId} " +
            $"ETag={currentETag ?? "<none>"} StoredETag={storedETag ?? "<none>"}.",
            storedETag, currentETag);
    }

    private long? ParseETag(string? etag, string operation, string stateName, GrainId grainId)
    {
        if (string.IsNullOrWhiteSpace(etag)) return null;
        if (long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version)) return version;
        throw new InconsistentStateException(
            $"Version conflict ({operation}): ProviderName={_name} StateName={stateName} GrainId={grainId} " +
            $"ETag={etag} is not an ETag of this storage.", null, etag);
    }

    private static (string Type, string Key) Split(GrainId grainId) => (grainId.Type.ToString()!, grainId.Key.ToString()!);

    private T CreateInstance<T>() => _activators.GetActivator<T>().Create();
}
