using Npgsql;
using Prism.Postgres;

namespace Prism.Tests.Persistence;

public sealed class PostgresMigrationTests : IAsyncLifetime
{
    private readonly OrleansDatabase _db = new();

    /// <summary>Every query key the Orleans 10 ADO.NET clustering, persistence and reminder providers look up.</summary>
    public static readonly string[] ProviderQueryKeys =
    [
        "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey",
        "MembershipReadRowKey", "MembershipReadAllKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    public Task InitializeAsync() => _db.CreateAsync(migrate: false);

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public void The_orleans_migrations_are_embedded_in_order()
    {
        Assert.Equal(
            ["0101_orleans_main.sql", "0102_orleans_clustering.sql", "0103_orleans_persistence.sql", "0104_orleans_reminders.sql"],
            OrleansDatabase.OrleansMigrations.Select(m => m.FileName));
    }

    [Fact]
    public async Task Migrations_apply_twice_through_the_migrator_and_the_scripts_rerun_cleanly()
    {
        var migrations = OrleansDatabase.OrleansMigrations;
        await PostgresMigrator.MigrateAsync(_db.DataSource, migrations, CancellationToken.None);
        await PostgresMigrator.MigrateAsync(_db.DataSource, migrations, CancellationToken.None);

        // Each script is itself re-runnable (IF NOT EXISTS / OR REPLACE / ON CONFLICT), even without the
        // migrator's bookkeeping.
        for (var round = 0; round < 2; round++)
        {
            foreach (var migration in migrations)
            {
                await using var conn = await _db.DataSource.OpenConnectionAsync();
                await using var tx = await conn.BeginTransactionAsync();
                await using (var cmd = new NpgsqlCommand(migration.Sql, conn, tx)) await cmd.ExecuteNonQueryAsync();
                await tx.CommitAsync();
            }
        }

        var keys = new List<string>();
        await using (var cmd = _db.DataSource.CreateCommand("SELECT QueryKey, QueryText FROM OrleansQuery"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(reader.GetOrdinal("QueryKey")));
                Assert.False(string.IsNullOrWhiteSpace(reader.GetString(reader.GetOrdinal("QueryText"))));
            }
        }
        Assert.Equal(ProviderQueryKeys.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        Assert.Equal(4L, await _db.ScalarAsync<long>(
            "SELECT count(*) FROM prism_schema_migrations WHERE version BETWEEN 101 AND 199"));
    }

    [Fact]
    public async Task All_embedded_migrations_apply_twice()
    {
        await PostgresMigrator.MigrateAsync(_db.DataSource, CancellationToken.None);
        await PostgresMigrator.MigrateAsync(_db.DataSource, CancellationToken.None);
        Assert.Equal(ProviderQueryKeys.Length, (int)await _db.ScalarAsync<long>("SELECT count(*) FROM OrleansQuery"));
    }
}
