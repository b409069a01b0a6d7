using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Prism.Queues;

/// <summary>
/// <see cref="IQueueBroker"/> in a SQLite file, for the embedded (one-process) profile. The same semantics as the
/// Redis broker: queue items carry a sequence number (FIFO), a received item keeps its row with the consumer as
/// owner until acknowledged, and <see cref="RecoverAsync"/> gives the items of dead consumers back (they keep their
/// sequence numbers, so they are taken again first and in their original order). Durable across restarts;
/// thread-safe; waiters in this process are woken directly by pushes, other processes by polling.
/// </summary>
public sealed class SqliteQueueBroker : IQueueBroker, IDisposable, IAsyncDisposable
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        CREATE TABLE IF NOT EXISTS queue_items (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            queue TEXT NOT NULL,
            message TEXT NOT NULL,
            owner TEXT NULL,
            processing_list TEXT NULL,
            taken INTEGER NULL
        );
        CREATE INDEX IF NOT EXISTS ix_queue_items_waiting ON queue_items (queue, owner, seq);
        CREATE INDEX IF NOT EXISTS ix_queue_items_processing ON queue_items (processing_list, taken);
        CREATE INDEX IF NOT EXISTS ix_queue_items_taken ON queue_items (taken);
        CREATE TABLE IF NOT EXISTS consumers (
            id TEXT NOT NULL PRIMARY KEY,
            expires_ms INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS set_members (
            name TEXT NOT NULL,
            member TEXT NOT NULL,
            PRIMARY KEY (name, member)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS set_reasons (
            name TEXT NOT NULL,
            member TEXT NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (name, member)
        ) WITHOUT ROWID;
        """;

    /// <summary>Wake-ups shared by every broker of this process on the same file, per queue.</summary>
    private static readonly ConcurrentDictionary<string, QueueWakeSignal> Signals = new(StringComparer.Ordinal);

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeSpan _pollInterval;
    private bool _disposed;

    /// <param name="databasePath">The SQLite file (created with its folder when missing).</param>
    /// <param name="pollInterval">How often <see cref="WaitAsync"/> looks at the queue without a wake-up (for
    /// producers in other processes); <see cref="Timeout.InfiniteTimeSpan"/> to rely on in-process wake-ups.</param>
    public SqliteQueueBroker(string databasePath, TimeSpan? pollInterval = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        _pollInterval = pollInterval ?? TimeSpan.FromSeconds(1);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        };
        _connection = new SqliteConnection(builder.ToString());
        _connection.Open();
        try
        {
            Execute("PRAGMA busy_timeout = 30000;");
            Execute(Schema);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public string DatabasePath { get; }

    /// <summary>The processing list of a consumer, as carried by <see cref="QueueLease"/>.</summary>
    public static string ProcessingListName(string queue, string consumerId) => $"{queue}:processing:{consumerId}";

    public async Task PushAsync(string queue, string message, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentNullException.ThrowIfNull(message);
        await RunAsync(() => Execute("INSERT INTO queue_items (queue, message) VALUES ($q, $m)", ("$q", queue), ("$m", message)), ct)
            .ConfigureAwait(false);
        Signal(queue).Wake();
    }

    public Task<QueueLease?> TryReceiveAsync(string queue, string consumerId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentException.ThrowIfNullOrEmpty(consumerId);
        var processing = ProcessingListName(queue, consumerId);
        return RunAsync(() =>
        {
            using var command = Command("""
                UPDATE queue_items
                   SET owner = $c, processing_list = $p,
                       taken = (SELECT coalesce(max(taken), 0) + 1 FROM queue_items)
                 WHERE seq = (SELECT seq FROM queue_items WHERE queue = $q AND owner IS NULL ORDER BY seq LIMIT 1)
                RETURNING message
                """, ("$c", consumerId), ("$p", processing), ("$q", queue));
            var message = command.ExecuteScalar() as string;
            return message is null ? null : new QueueLease(queue, message, processing);
        }, ct);
    }

    public Task AckAsync(QueueLease lease, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return RunAsync(() => Execute("""
            DELETE FROM queue_items
             WHERE seq = (SELECT seq FROM queue_items WHERE processing_list = $p AND message = $m ORDER BY taken DESC LIMIT 1)
            """, ("$p", lease.ProcessingList), ("$m", lease.Message)), ct);
    }

    public Task HeartbeatAsync(string consumerId, TimeSpan ttl, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerId);
        if (ttl <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ttl), "the TTL must be positive");
        var expires = DateTimeOffset.UtcNow.Add(ttl).ToUnixTimeMilliseconds();
        return RunAsync(() => Execute("""
            INSERT INTO consumers (id, expires_ms) VALUES ($id, $e)
            ON CONFLICT (id) DO UPDATE SET expires_ms = excluded.expires_ms
            """, ("$id", consumerId), ("$e", expires)), ct);
    }

    public async Task<int> RecoverAsync(string queue, string ownConsumerId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentException.ThrowIfNullOrEmpty(ownConsumerId);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var recovered = await RunAsync(() =>
        {
            var moved = Execute("""
                UPDATE queue_items SET owner = NULL, processing_list = NULL, taken = NULL
                 WHERE queue = $q AND owner IS NOT NULL
                   AND (owner = $own OR NOT EXISTS (
                        SELECT 1 FROM consumers c WHERE c.id = queue_items.owner AND c.expires_ms > $now))
                """, ("$q", queue), ("$own", ownConsumerId), ("$now", now));
            // Housekeeping: marks of dead consumers are of no further use.
            Execute("DELETE FROM consumers WHERE expires_ms <= $now", ("$now", now));
            return moved;
        }, ct).ConfigureAwait(false);
        if (recovered > 0) Signal(queue).Wake();
        return recovered;
    }

    public Task WaitAsync(string queue, TimeSpan max, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        return QueueWakeSignal.WaitAsync(Signal(queue), () => RunAsync(() =>
        {
            using var command = Command("SELECT EXISTS (SELECT 1 FROM queue_items WHERE queue = $q AND owner IS NULL)", ("$q", queue));
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 0;
        }, ct), max, _pollInterval, ct);
    }

    public Task<IReadOnlyList<string>> ListAsync(string queue, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        return RunAsync<IReadOnlyList<string>>(() =>
        {
            // A queue lists its waiting messages, a processing list its leases; both producer end first.
            var result = Strings("SELECT message FROM queue_items WHERE queue = $n AND owner IS NULL ORDER BY seq DESC", ("$n", queue));
            result.AddRange(Strings("SELECT message FROM queue_items WHERE processing_list = $n ORDER BY taken DESC", ("$n", queue)));
            return result;
        }, ct);
    }

    public Task SetAddAsync(string set, string member, CancellationToken ct = default) =>
        RunAsync(() => Execute("INSERT OR IGNORE INTO set_members (name, member) VALUES ($s, $m)", ("$s", set), ("$m", member)), ct);

    public Task SetRemoveAsync(string set, string member, CancellationToken ct = default) =>
        RunAsync(() => Execute("DELETE FROM set_members WHERE name = $s AND member = $m", ("$s", set), ("$m", member)), ct);

    public Task<bool> SetContainsAsync(string set, string member, CancellationToken ct = default) =>
        RunAsync(() =>
        {
            using var command = Command("SELECT EXISTS (SELECT 1 FROM set_members WHERE name = $s AND member = $m)", ("$s", set), ("$m", member));
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 0;
        }, ct);

    public Task<IReadOnlyList<string>> SetMembersAsync(string set, CancellationToken ct = default) =>
        RunAsync<IReadOnlyList<string>>(() => Strings("SELECT member FROM set_members WHERE name = $s ORDER BY member", ("$s", set)), ct);

    public Task SetReasonAsync(string set, string member, string reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return RunAsync(() => Execute("""
            INSERT INTO set_reasons (name, member, reason) VALUES ($s, $m, $r)
            ON CONFLICT (name, member) DO UPDATE SET reason = excluded.reason
            """, ("$s", set), ("$m", member), ("$r", reason)), ct);
    }

    public Task<string?> GetReasonAsync(string set, string member, CancellationToken ct = default) =>
        RunAsync(() =>
        {
            using var command = Command("SELECT reason FROM set_reasons WHERE name = $s AND member = $m", ("$s", set), ("$m", member));
            return command.ExecuteScalar() as string;
        }, ct);

    public void Dispose()
    {
        _gate.Wait();
        try
        {
            if (_disposed) return;
            _disposed = true;
            _connection.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private QueueWakeSignal Signal(string queue) => Signals.GetOrAdd(DatabasePath + "\n" + queue, _ => new QueueWakeSignal());

    private Task RunAsync(Action action, CancellationToken ct) =>
        RunAsync(() =>
        {
            action();
            return true;
        }, ct);

    private async Task<T> RunAsync<T>(Func<T> action, CancellationToken ct)
    {
        await PoolThread.EnsureAsync();
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return action();
        }
        finally
        {
            _gate.Release();
        }
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }

    private int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    private List<string> Strings(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        var result = new List<string>();
        while (reader.Read()) result.Add(reader.GetString(0));
        return result;
    }
}
