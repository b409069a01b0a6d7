using System.Reflection;
using System.Text.RegularExpressions;
using Npgsql;

namespace Prism.Postgres;

/// <summary>
/// Applies the versioned SQL migrations embedded in this assembly (<c>Postgres/Migrations/NNNN_name.sql</c>) in
/// file-name order, each in its own transaction, and records them in <c>prism_schema_migrations</c>. A session
/// advisory lock serialises concurrent callers (several processes starting at once); applied versions are skipped,
/// so calling it again is harmless.
/// </summary>
public static partial class PostgresMigrator
{
    /// <summary>Advisory lock key ("PRISMMIG" in ASCII) shared by every process migrating a database.</summary>
    private const long LockKey = 0x505249534D4D4947;

    /// <summary>One embedded migration script.</summary>
    public sealed record Migration(int Version, string Name, string FileName, string Sql);

    [GeneratedRegex(@"^(?<version>\d+)_(?<name>.+)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();

    private const string ResourceMarker = ".Postgres.Migrations.";

    private static readonly Lazy<IReadOnlyList<Migration>> Embedded = new(() => LoadEmbedded(typeof(PostgresMigrator).Assembly));

    /// <summary>The embedded migrations in the order they are applied.</summary>
    public static IReadOnlyList<Migration> Migrations => Embedded.Value;

    internal static IReadOnlyList<Migration> LoadEmbedded(Assembly assembly)
    {
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var at = resource.IndexOf(ResourceMarker, StringComparison.Ordinal);
            if (at < 0 || !resource.EndsWith(".sql", StringComparison.OrdinalIgnoreCase)) continue;
            var fileName = resource[(at + ResourceMarker.Length)..];
            // MSBuild prefixes a manifest name part that starts with a digit with '_' in some versions.
            if (fileName.StartsWith('_')) fileName = fileName[1..];
            var match = FileNamePattern().Match(fileName);
            if (!match.Success)
                throw new InvalidOperationException($"Migration resource '{resource}' is not named NNNN_name.sql.");
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Migration resource '{resource}' cannot be read.");
            using var reader = new StreamReader(stream);
            list.Add(new Migration(int.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture),
                match.Groups["name"].Value, fileName, reader.ReadToEnd()));
        }
        list.Sort((a, b) => string.CompareOrdinal(a.FileName, b.FileName));
        var duplicate = list.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException(
                $"Migration version {duplicate.Key} is used by {string.Join(", ", duplicate.Select(m => m.FileName))}.");
        return list;
    }

    /// <summary>Applies every embedded migration not yet recorded in the database.</summary>
    public static Task MigrateAsync(NpgsqlDataSource ds, CancellationToken ct) => MigrateAsync(ds, Migrations, ct);

    /// <summary>Applies the given migrations (in list order) that are not yet recorded.</summary>
    public static async Task MigrateAsync(NpgsqlDataSource ds, IReadOnlyList<Migration> migrations, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ds);
        ArgumentNullException.ThrowIfNull(migrations);
        await using var conn = await ds.OpenConnectionAsync(ct).ConfigureAwait(false);
        await ExecuteAsync(conn, null, $"SELECT pg_advisory_lock({LockKey})", ct).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(conn, null, """
                CREATE TABLE IF NOT EXISTS prism_schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, ct).ConfigureAwait(false);

            var applied = new HashSet<int>();
            await using (var cmd = new NpgsqlCommand("SELECT version FROM prism_schema_migrations", conn))
            await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false)) applied.Add(reader.GetInt32(0));
            }

            foreach (var migration in migrations)
            {
                if (applied.Contains(migration.Version)) continue;
                await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
                try
                {
                    await ExecuteAsync(conn, tx, migration.Sql, ct).ConfigureAwait(false);
                }
                catch (PostgresException e)
                {
                    throw new InvalidOperationException(
                        $"Migration {migration.FileName} failed: {e.MessageText}", e);
                }
                await using (var record = new NpgsqlCommand(
                    "INSERT INTO prism_schema_migrations (version, name) VALUES ($1, $2)", conn, tx))
                {
                    record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
                    record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Name });
                    await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
                applied.Add(migration.Version);
            }
        }
        finally
        {
            // The lock goes with the session anyway if the connection broke; otherwise release it before the
            // connection returns to the pool.
            if (conn.State == System.Data.ConnectionState.Open)
                await ExecuteAsync(conn, null, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None).ConfigureAwait(false);
        }
        // Types created by migrations (e.g. PostGIS's) become known to connections opened from now on.
        await conn.ReloadTypesAsync(ct).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
