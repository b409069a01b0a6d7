using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;
using Prism.Persistence;

namespace Prism.Tests.Persistence;

/// <summary>One embedded-profile silo with SQLite grain storage in a fresh temp folder.</summary>
public sealed class EmbeddedSiloFixture : IAsyncLifetime
{
    public string Folder { get; } = TestEnvironment.TempFolder("orleans-embedded");
    public string DatabasePath => Path.Combine(Folder, "data", "grains.db");
    public IHost Silo { get; private set; } = null!;

    public async Task InitializeAsync() => Silo = await TestHosts.StartEmbeddedSiloAsync(DatabasePath);

    public async Task DisposeAsync()
    {
        await TestHosts.StopAsync(Silo);
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}

public sealed class EmbeddedStorageTests(EmbeddedSiloFixture fixture) : IClassFixture<EmbeddedSiloFixture>
{
    private IGrainStorage Storage => fixture.Silo.Services.GetRequiredKeyedService<IGrainStorage>(TestHosts.StorageName);

    [Fact]
    public void The_storage_is_the_sqlite_storage_in_wal_mode_under_the_data_folder()
    {
        var storage = Assert.IsType<SqliteGrainStorage>(Storage);
        Assert.Equal(fixture.DatabasePath, storage.DatabasePath);
        Assert.True(File.Exists(fixture.DatabasePath));
        using var conn = new SqliteConnection($"Data Source={fixture.DatabasePath}");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar() as string);
    }

    [Fact]
    public async Task A_grain_writes_reads_and_clears_its_state_as_json()
    {
        var key = "emb-" + Guid.NewGuid().ToString("N");
        var grain = fixture.Silo.Grains().GetGrain<INoteGrain>(key);
        var saved = await grain.Save("embedded", Mood.Busy);
        Assert.Equal("1", saved.ETag);
        Assert.True(saved.RecordExists);

        using (var conn = new SqliteConnection($"Data Source={fixture.DatabasePath}"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT grain_type, state_name, CAST(payload AS TEXT) FROM grain_state WHERE grain_key = $k";
            cmd.Parameters.AddWithValue("$k", key);
            using var reader = cmd.ExecuteReader();
            Assert.True(reader.Read());
            Assert.Equal("note", reader.GetString(1));
            var json = reader.GetString(2);
            Assert.Contains("\"text\":\"embedded\"", json);
            Assert.Contains("\"mood\":\"Busy\"", json);
            Assert.DoesNotContain("$type", json);
        }

        var cleared = await grain.Clear();
        Assert.False(cleared.RecordExists);
        Assert.Equal("2", cleared.ETag);
        Assert.Equal(0, cleared.Count);
    }

    [Fact]
    public Task A_write_with_a_stale_etag_fails() => StorageContract.StaleETagWritesFailAsync(Storage);

    [Fact]
    public Task A_renamed_state_type_reads_the_old_state() => StorageContract.RenamedStateTypeReadsOldStateAsync(Storage);

    [Fact]
    public Task Different_grain_types_with_the_same_key_and_state_name_do_not_share_state() =>
        StorageContract.GrainTypesAreSeparateAsync(Storage);
}

public sealed class EmbeddedRestartTests
{
    [Fact]
    public async Task State_written_before_a_restart_is_read_back_after_it()
    {
        var folder = TestEnvironment.TempFolder("orleans-embedded-restart");
        var path = Path.Combine(folder, "grains.db");
        var key = "restart-" + Guid.NewGuid().ToString("N");
        try
        {
            var silo = await TestHosts.StartEmbeddedSiloAsync(path);
            try
            {
                await silo.Grains().GetGrain<INoteGrain>(key).Save("first", Mood.Calm);
                await silo.Grains().GetGrain<INoteGrain>(key).Save("second", Mood.Sleepy);
            }
            finally
            {
                await TestHosts.StopAsync(silo);
            }

            silo = await TestHosts.StartEmbeddedSiloAsync(path);
            try
            {
                var read = await silo.Grains().GetGrain<INoteGrain>(key).Get();
                Assert.Equal("second", read.Text);
                Assert.Equal(2, read.Count);
                Assert.Equal(Mood.Sleepy, read.Mood);
                Assert.Equal("2", read.ETag);
            }
            finally
            {
                await TestHosts.StopAsync(silo);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}
