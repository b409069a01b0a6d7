using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Prism.Persistence;
using Prism.Tests.Persistence.Renamed;

namespace Prism.Tests.Persistence;

/// <summary>Two silos of the cluster profile on one fresh database, shared by the tests of the class.</summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    public OrleansDatabase Db { get; } = new();
    public string ClusterId { get; } = "c-" + Guid.NewGuid().ToString("N")[..8];
    public string ServiceId { get; } = "s-" + Guid.NewGuid().ToString("N")[..8];
    public IHost Silo1 { get; private set; } = null!;
    public IHost Silo2 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        Silo1 = await TestHosts.StartPostgresSiloAsync(Db.ConnectionString, ClusterId, ServiceId);
        Silo2 = await TestHosts.StartPostgresSiloAsync(Db.ConnectionString, ClusterId, ServiceId);
    }

    public async Task DisposeAsync()
    {
        await TestHosts.StopAsync(Silo2);
        await TestHosts.StopAsync(Silo1);
        await Db.DisposeAsync();
    }
}

public sealed class PostgresClusterTests(PostgresClusterFixture fixture) : IClassFixture<PostgresClusterFixture>
{
    private OrleansDatabase Db => fixture.Db;

    [Fact]
    public async Task Two_silos_are_active_in_the_membership_table_and_see_each_other()
    {
        await TestHosts.WaitUntilAsync(async () => await Db.ScalarAsync<long>(
                "SELECT count(*) FROM orleans.silo WHERE cluster_id = $1 AND status = 3", fixture.ClusterId) == 2,
            "two active silo rows");
        Assert.True(await Db.ScalarAsync<int>(
            "SELECT version FROM orleans.cluster_version WHERE cluster_id = $1", fixture.ClusterId) > 0);

        foreach (var silo in new[] { fixture.Silo1, fixture.Silo2 })
        {
            var management = silo.Grains().GetGrain<IManagementGrain>(0);
            await TestHosts.WaitUntilAsync(async () => (await management.GetHosts(onlyActive: true)).Count == 2,
                "each silo to see two active hosts");
        }
    }

    [Fact]
    public async Task A_gateway_client_finds_the_silos_and_calls_a_grain()
    {
        var client = await TestHosts.StartPostgresClientAsync(Db.ConnectionString, fixture.ClusterId, fixture.ServiceId);
        try
        {
            var grains = client.Services.GetRequiredService<IClusterClient>();
            var key = "client-" + Guid.NewGuid().ToString("N");
            var saved = await grains.GetGrain<INoteGrain>(key).Save("via gateway", Mood.Busy);
            Assert.Equal(1, saved.Count);
            var read = await grains.GetGrain<INoteGrain>(key).Get();
            Assert.Equal("via gateway", read.Text);
            Assert.Equal(Mood.Busy, read.Mood);
        }
        finally
        {
            await TestHosts.StopAsync(client);
        }
    }

    [Fact]
    public async Task Grain_state_is_stored_as_json_without_type_names_scoped_by_grain_type()
    {
        var key = "json-" + Guid.NewGuid().ToString("N");
        var saved = await fixture.Silo1.Grains().GetGrain<INoteGrain>(key).Save("hello", Mood.Sleepy);
        Assert.True(saved.RecordExists);
        Assert.Equal("1", saved.ETag);

        var (stateName, json) = await ReadRowAsync(key);
        Assert.EndsWith("/note", stateName);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("hello", doc.RootElement.GetProperty("text").GetString());
        Assert.Equal("Sleepy", doc.RootElement.GetProperty("mood").GetString());
        Assert.DoesNotContain("$type", json);
        Assert.DoesNotContain(nameof(NoteState), json);

        var cleared = await fixture.Silo1.Grains().GetGrain<INoteGrain>(key).Clear();
        Assert.False(cleared.RecordExists);
        Assert.Equal("", cleared.Text);
        Assert.Equal("2", cleared.ETag);
        var again = await fixture.Silo1.Grains().GetGrain<INoteGrain>(key).Save("after clear", Mood.Calm);
        Assert.Equal(1, again.Count);
        Assert.Equal("3", again.ETag);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_fails()
    {
        var storage = fixture.Silo1.Services.GetRequiredKeyedService<IGrainStorage>(TestHosts.StorageName);
        await StorageContract.StaleETagWritesFailAsync(storage);
    }

    [Fact]
    public async Task A_renamed_state_type_reads_the_old_state()
    {
        var storage = fixture.Silo2.Services.GetRequiredKeyedService<IGrainStorage>(TestHosts.StorageName);
        await StorageContract.RenamedStateTypeReadsOldStateAsync(storage);
    }

    [Fact]
    public async Task Different_grain_types_with_the_same_key_and_state_name_do_not_share_state()
    {
        var storage = fixture.Silo2.Services.GetRequiredKeyedService<IGrainStorage>(TestHosts.StorageName);
        await StorageContract.GrainTypesAreSeparateAsync(storage);
    }

    [Fact]
    public async Task A_reminder_registered_by_a_grain_fires_and_is_in_the_reminders_table()
    {
        var key = "rem-" + Guid.NewGuid().ToString("N");
        var grain = fixture.Silo1.Grains().GetGrain<IReminderProbeGrain>(key);
        await grain.Start();

        Assert.Equal(1L, await Db.ScalarAsync<long>(
            "SELECT count(*) FROM orleans.reminder WHERE service_id = $1 AND grain_id LIKE $2 AND reminder_name = $3",
            fixture.ServiceId, "%" + key, ReminderProbeGrain.ReminderName));
        await TestHosts.WaitUntilAsync(() => Task.FromResult(ReminderProbeGrain.Ticks.GetValueOrDefault(key) > 0),
            "the reminder to fire");

        await grain.Stop();
        Assert.Equal(0L, await Db.ScalarAsync<long>(
            "SELECT count(*) FROM orleans.reminder WHERE service_id = $1 AND grain_id LIKE $2",
            fixture.ServiceId, "%" + key));
    }

    private async Task<(string StateName, string Json)> ReadRowAsync(string key)
    {
        await using var cmd = Db.DataSource.CreateCommand(
            "SELECT state_name, payload FROM orleans.grain_state WHERE service_id = $1 AND grain_key = $2");
        cmd.Parameters.Add(new NpgsqlParameter { Value = fixture.ServiceId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = key });
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "no grain_state row");
        return (reader.GetString(0), Encoding.UTF8.GetString((byte[])reader.GetValue(1)));
    }
}

/// <summary>The cluster restarts (all silos stop, new ones start on the same database): state is read back.</summary>
public sealed class PostgresRestartTests : IAsyncLifetime
{
    private readonly OrleansDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task State_written_before_a_cluster_restart_is_read_back_after_it()
    {
        var clusterId = "c-" + Guid.NewGuid().ToString("N")[..8];
        const string serviceId = "prism-restart";
        var key = "restart-" + Guid.NewGuid().ToString("N");

        var silo = await TestHosts.StartPostgresSiloAsync(_db.ConnectionString, clusterId, serviceId);
        try
        {
            await silo.Grains().GetGrain<INoteGrain>(key).Save("first", Mood.Calm);
            await silo.Grains().GetGrain<INoteGrain>(key).Save("second", Mood.Busy);
        }
        finally
        {
            await TestHosts.StopAsync(silo);
        }

        silo = await TestHosts.StartPostgresSiloAsync(_db.ConnectionString, clusterId, serviceId);
        try
        {
            var read = await silo.Grains().GetGrain<INoteGrain>(key).Get();
            Assert.Equal("second", read.Text);
            Assert.Equal(2, read.Count);
            Assert.Equal(Mood.Busy, read.Mood);
            Assert.Equal("2", read.ETag);
            Assert.True(read.RecordExists);
        }
        finally
        {
            await TestHosts.StopAsync(silo);
        }
    }
}

/// <summary>Storage-level checks shared by the PostgreSQL and the embedded storage.</summary>
public static class StorageContract
{
    public static async Task StaleETagWritesFailAsync(IGrainStorage storage)
    {
        var grainId = GrainId.Create("etagprobe", Guid.NewGuid().ToString("N"));
        var first = new TestGrainState<NoteState>(new NoteState { Text = "one" });
        await storage.WriteStateAsync("note", grainId, first);
        Assert.False(string.IsNullOrEmpty(first.ETag));

        var stale = new TestGrainState<NoteState>(new NoteState());
        await storage.ReadStateAsync("note", grainId, stale);
        Assert.Equal(first.ETag, stale.ETag);
        Assert.Equal("one", stale.State.Text);

        first.State.Text = "two";
        await storage.WriteStateAsync("note", grainId, first);
        Assert.NotEqual(stale.ETag, first.ETag);

        stale.State.Text = "lost update";
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("note", grainId, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("note", grainId, stale));

        // A writer that thinks nothing is stored yet conflicts too.
        var fresh = new TestGrainState<NoteState>(new NoteState { Text = "fresh" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("note", grainId, fresh));

        var check = new TestGrainState<NoteState>(new NoteState());
        await storage.ReadStateAsync("note", grainId, check);
        Assert.Equal("two", check.State.Text);
        Assert.Equal(first.ETag, check.ETag);

        // Clearing with the current ETag works; the old ETag stays stale afterwards.
        await storage.ClearStateAsync("note", grainId, check);
        Assert.False(check.RecordExists);
        var afterClear = new TestGrainState<NoteState>(new NoteState { Text = "x" });
        await storage.ReadStateAsync("note", grainId, afterClear);
        Assert.False(afterClear.RecordExists);
        Assert.Equal("", afterClear.State.Text);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("note", grainId, first));
        afterClear.State.Text = "reborn";
        await storage.WriteStateAsync("note", grainId, afterClear);
        Assert.True(afterClear.RecordExists);
    }

    public static async Task RenamedStateTypeReadsOldStateAsync(IGrainStorage storage)
    {
        var grainId = GrainId.Create("renameprobe", Guid.NewGuid().ToString("N"));
        var old = new TestGrainState<NoteState>(new NoteState { Text = "kept", Count = 7, Mood = Mood.Sleepy, Tags = ["a", "b"] });
        await storage.WriteStateAsync("note", grainId, old);

        var renamed = new TestGrainState<NoteDocument>(new NoteDocument());
        await storage.ReadStateAsync("note", grainId, renamed);
        Assert.True(renamed.RecordExists);
        Assert.Equal(old.ETag, renamed.ETag);
        Assert.Equal("kept", renamed.State.Text);
        Assert.Equal(7, renamed.State.Count);
        Assert.Equal(Mood.Sleepy, renamed.State.Mood);
        Assert.Equal(["a", "b"], renamed.State.Tags);
        Assert.Equal("default-added", renamed.State.Added);

        // ...and the renamed type can write on top of it, the old one still reads it.
        renamed.State.Count = 8;
        await storage.WriteStateAsync("note", grainId, renamed);
        var back = new TestGrainState<NoteState>(new NoteState());
        await storage.ReadStateAsync("note", grainId, back);
        Assert.Equal(8, back.State.Count);
        Assert.Equal("kept", back.State.Text);
    }

    public static async Task GrainTypesAreSeparateAsync(IGrainStorage storage)
    {
        var key = Guid.NewGuid().ToString("N");
        var a = new TestGrainState<NoteState>(new NoteState { Text = "type a" });
        var b = new TestGrainState<NoteState>(new NoteState { Text = "type b" });
        await storage.WriteStateAsync("note", GrainId.Create("typea", key), a);
        await storage.WriteStateAsync("note", GrainId.Create("typeb", key), b);

        var readA = new TestGrainState<NoteState>(new NoteState());
        await storage.ReadStateAsync("note", GrainId.Create("typea", key), readA);
        Assert.Equal("type a", readA.State.Text);
        var readB = new TestGrainState<NoteState>(new NoteState());
        await storage.ReadStateAsync("note", GrainId.Create("typeb", key), readB);
        Assert.Equal("type b", readB.State.Text);
    }
}
