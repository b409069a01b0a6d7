using Npgsql;
using Prism.Postgres;

namespace Prism.Tests.Catalog;

public sealed class PostgresMigratorTests : IAsyncLifetime
{
    private PostgresTestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await PostgresTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public void Embedded_migrations_are_ordered_by_file_name_with_unique_versions()
    {
        var migrations = PostgresMigrator.Migrations;
        Assert.Equal("0001_catalog.sql", migrations[0].FileName);
        Assert.Equal(1, migrations[0].Version);
        Assert.Equal("catalog", migrations[0].Name);
        Assert.Equal(migrations.Select(m => m.FileName).Order(StringComparer.Ordinal), migrations.Select(m => m.FileName));
        Assert.Equal(migrations.Count, migrations.Select(m => m.Version).Distinct().Count());
        Assert.All(migrations, m => Assert.False(string.IsNullOrWhiteSpace(m.Sql)));
    }

    [Fact]
    public async Task Migrate_creates_the_postgis_catalog_schema_and_records_every_version()
    {
        await PostgresMigrator.MigrateAsync(_db.DataSource, CancellationToken.None);

        var recorded = new List<(int Version, string Name)>();
        await using (var cmd = _db.DataSource.CreateCommand("SELECT version, name, applied_at FROM prism_schema_migrations ORDER BY version"))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                recorded.Add((r.GetInt32(0), r.GetString(1)));
                Assert.True(r.GetFieldValue<DateTime>(2) > DateTime.UtcNow.AddHours(-1));
            }
        }
        Assert.Equal(PostgresMigrator.Migrations.Select(m => (m.Version, m.Name)), recorded);

        Assert.Equal(1, await _db.ScalarAsync("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'"));
        Assert.Equal(1, await _db.ScalarAsync(
            "SELECT count(*) FROM geometry_columns WHERE f_table_name = 'products' AND f_geometry_column = 'footprint' AND type = 'MULTIPOLYGON' AND srid = 4326"));
        Assert.Equal(1, await _db.ScalarAsync(
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'products' AND indexdef ILIKE '%USING gist (footprint)%'"));
        Assert.Equal(1, await _db.ScalarAsync(
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'products' AND indexdef ILIKE '%(begin_time, identifier COLLATE \"C\")%'"));

        await PostgresMigrator.MigrateAsync(_db.DataSource, CancellationToken.None);
        Assert.Equal(recorded.Count, await _db.ScalarAsync("SELECT count(*) FROM prism_schema_migrations"));
    }

    [Fact]
    public async Task A_failing_migration_rolls_back_alone_and_is_applied_once_fixed()
    {
        PostgresMigrator.Migration[] broken =
        [
            new(5001, "first", "5001_first.sql", "CREATE TABLE m_first (id int); INSERT INTO m_first VALUES (1);"),
            new(5002, "broken", "5002_broken.sql", "CREATE TABLE m_broken (id int); SELECT no_such_function();"),
            new(5003, "third", "5003_third.sql", "CREATE TABLE m_third (id int);"),
        ];
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => PostgresMigrator.MigrateAsync(_db.DataSource, broken, CancellationToken.None));
        Assert.Contains("5002_broken.sql", error.Message);

        Assert.Equal(1, await _db.ScalarAsync("SELECT count(*) FROM prism_schema_migrations"));
        Assert.Equal(1, await _db.ScalarAsync("SELECT count(*) FROM m_first"));
        Assert.Equal(0, await _db.ScalarAsync("SELECT count(*) FROM pg_tables WHERE tablename IN ('m_broken', 'm_third')"));

        PostgresMigrator.Migration[] fixedList = [broken[0], broken[1] with { Sql = "CREATE TABLE m_broken (id int);" }, broken[2]];
        await PostgresMigrator.MigrateAsync(_db.DataSource, fixedList, CancellationToken.None);
        Assert.Equal(3, await _db.ScalarAsync("SELECT count(*) FROM prism_schema_migrations"));
        Assert.Equal(1, await _db.ScalarAsync("SELECT count(*) FROM m_first"));
        Assert.Equal(2, await _db.ScalarAsync("SELECT count(*) FROM pg_tables WHERE tablename IN ('m_broken', 'm_third')"));
    }

    [Fact]
    public async Task Concurrent_migrators_from_separate_pools_apply_each_migration_once()
    {
        // Not idempotent on purpose: applying any of these twice would fail or double the counter.
        PostgresMigrator.Migration[] migrations =
        [
            new(6001, "table", "6001_table.sql", "CREATE TABLE m_counter (n int NOT NULL);"),
            new(6002, "slow", "6002_slow.sql", "SELECT pg_sleep(0.2); INSERT INTO m_counter VALUES (1);"),
            new(6003, "more", "6003_more.sql", "INSERT INTO m_counter VALUES (2);"),
        ];
        var sources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(_db.ConnectionString)).ToList();
        try
        {
            await Task.WhenAll(sources.Select(ds => Task.Run(() => PostgresMigrator.MigrateAsync(ds, migrations, CancellationToken.None))));
        }
        finally
        {
            foreach (var ds in sources) await ds.DisposeAsync();
        }
        Assert.Equal(3, await _db.ScalarAsync("SELECT sum(n) FROM m_counter"));
        Assert.Equal(3, await _db.ScalarAsync("SELECT count(*) FROM prism_schema_migrations"));
    }

    [Fact]
    public async Task Migrate_fails_when_the_server_is_unreachable()
    {
        await using var ds = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=postgres;Timeout=2");
        await Assert.ThrowsAnyAsync<Exception>(() => PostgresMigrator.MigrateAsync(ds, CancellationToken.None));
    }
}
