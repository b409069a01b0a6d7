using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService;
using Prism.Persistence;

namespace Prism.Tests.Persistence;

/// <summary>
/// Drives the Orleans ADO.NET membership and reminder tables directly against the project's SQL, including the
/// paths a short-lived cluster does not reach (stale table versions, defunct-silo cleanup, wrapping ring ranges).
/// </summary>
public sealed class ProviderContractTests : IAsyncLifetime
{
    private readonly OrleansDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private AdoNetClusteringTable MembershipTable(string clusterId) => new(
        new ServiceCollection().BuildServiceProvider(),
        Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "contract" }),
        Options.Create(new AdoNetClusteringSiloOptions { Invariant = PrismOrleansHosting.NpgsqlInvariant, ConnectionString = _db.ConnectionString }),
        NullLogger<AdoNetClusteringTable>.Instance);

    private static MembershipEntry Entry(int port, SiloStatus status, DateTime now) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 42),
        SiloName = $"silo-{port}",
        HostName = "host",
        Status = status,
        ProxyPort = port + 1,
        StartTime = now,
        IAmAliveTime = now,
    };

    [Fact]
    public async Task Membership_table_versions_rows_and_cleans_up_defunct_silos()
    {
        var table = MembershipTable("contract-" + Guid.NewGuid().ToString("N")[..8]);
        await table.InitializeMembershipTableAsync(true);
        await table.InitializeMembershipTableAsync(true);

        var data = await table.ReadAllAsync();
        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);

        var now = DateTime.UtcNow;
        var a = Entry(11111, SiloStatus.Joining, now);
        Assert.True(await table.InsertRowAsync(a, data.Version.Next()));
        // Same version again: stale.
        Assert.False(await table.InsertRowAsync(Entry(22222, SiloStatus.Joining, now), data.Version.Next()));

        data = await table.ReadAllAsync();
        Assert.Equal(1, data.Version.Version);
        var (readA, etagA) = Assert.Single(data.Members);
        Assert.Equal(a.SiloAddress, readA.SiloAddress);
        Assert.Equal("silo-11111", readA.SiloName);
        Assert.Equal(11112, readA.ProxyPort);
        Assert.Equal(SiloStatus.Joining, readA.Status);
        // Inserting the same silo twice fails and leaves the version alone.
        Assert.False(await table.InsertRowAsync(a, data.Version.Next()));
        Assert.Equal(1, (await table.ReadAllAsync()).Version.Version);

        var b = Entry(22222, SiloStatus.Active, now);
        Assert.True(await table.InsertRowAsync(b, data.Version.Next()));
        data = await table.ReadAllAsync();
        Assert.Equal(2, data.Members.Count);

        readA.Status = SiloStatus.Active;
        readA.AddOrUpdateSuspector(b.SiloAddress, now, 10);
        var etag = data.Members.Single(m => m.Item1.SiloAddress.Equals(a.SiloAddress)).Item2;
        Assert.True(await table.UpdateRowAsync(readA, etag, data.Version.Next()));
        Assert.False(await table.UpdateRowAsync(readA, etag, data.Version.Next()));   // stale now

        var row = await table.ReadRowAsync(a.SiloAddress);
        var (updated, _) = Assert.Single(row.Members);
        Assert.Equal(SiloStatus.Active, updated.Status);
        Assert.NotNull(updated.SuspectTimes);
        Assert.Equal(b.SiloAddress, Assert.Single(updated.SuspectTimes).Item1);
        Assert.Equal(3, row.Version.Version);

        // Heartbeats do not change the table version.
        updated.IAmAliveTime = now.AddSeconds(5);
        await table.UpdateIAmAliveAsync(updated);
        row = await table.ReadRowAsync(a.SiloAddress);
        Assert.Equal(3, row.Version.Version);
        Assert.True(row.Members[0].Item1.IAmAliveTime > now);

        // Unknown silo: the version row alone.
        var none = await table.ReadRowAsync(SiloAddress.New(IPAddress.Loopback, 1, 1));
        Assert.Empty(none.Members);
        Assert.Equal(3, none.Version.Version);

        // b dies; only dead rows older than the cut-off go.
        data = await table.ReadAllAsync();
        var deadB = data.Members.Single(m => m.Item1.SiloAddress.Equals(b.SiloAddress)).Item1;
        deadB.Status = SiloStatus.Dead;
        Assert.True(await table.UpdateRowAsync(deadB, data.Version.VersionEtag, data.Version.Next()));
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1));
        data = await table.ReadAllAsync();
        Assert.Equal(a.SiloAddress, Assert.Single(data.Members).Item1.SiloAddress);

        await table.DeleteMembershipTableEntriesAsync(string.Empty);
    }

    [Fact]
    public async Task Reminder_table_upserts_reads_ring_ranges_and_removes_with_etags()
    {
        var serviceId = "rem-" + Guid.NewGuid().ToString("N")[..8];
        // The provider's table class is internal: create it the way the silo's container would.
        var tableType = typeof(AdoNetReminderTableOptions).Assembly.GetType("Orleans.Runtime.ReminderService.AdoNetReminderTable", throwOnError: true)!;
        var table = (IReminderTable)Activator.CreateInstance(tableType,
            Options.Create(new ClusterOptions { ClusterId = "c", ServiceId = serviceId }),
            Options.Create(new AdoNetReminderTableOptions { Invariant = PrismOrleansHosting.NpgsqlInvariant, ConnectionString = _db.ConnectionString }))!;
        await table.StartAsync();

        var start = DateTime.UtcNow;
        var grains = Enumerable.Range(0, 40).Select(i => GrainId.Create("ringprobe", $"g{i}-{Guid.NewGuid():N}")).ToList();
        foreach (var g in grains)
        {
            var etag = await table.UpsertRow(new ReminderEntry
            {
                GrainId = g, ReminderName = "r", StartAt = start, Period = TimeSpan.FromMinutes(3),
            });
            Assert.Equal("1", etag);
        }
        // Upsert again bumps the ETag and keeps one row; a period beyond int milliseconds is kept.
        var second = await table.UpsertRow(new ReminderEntry
        {
            GrainId = grains[0], ReminderName = "r", StartAt = start, Period = TimeSpan.FromDays(40),
        });
        Assert.Equal("2", second);
        var one = await table.ReadRow(grains[0], "r");
        Assert.NotNull(one);
        Assert.Equal(TimeSpan.FromDays(40), one.Period);
        Assert.Equal("2", one.ETag);
        Assert.True(Math.Abs((one.StartAt - start).TotalMilliseconds) < 1);
        Assert.Single((await table.ReadRows(grains[0])).Reminders);
        Assert.Null(await table.ReadRow(grains[0], "missing"));

        var all = await table.ReadRows(0u, 0u);   // begin == end: the whole ring
        Assert.Equal(grains.Count, all.Reminders.Count);

        var random = new Random(1234);
        var bounds = new List<(uint, uint)> { (0x7FFFFFF0u, 0x80000010u), (0xFFFFFF00u, 0x00000100u), (0u, 0x7FFFFFFFu), (0x80000000u, 0xFFFFFFFFu) };
        for (var i = 0; i < 12; i++) bounds.Add(((uint)random.NextInt64(0, uint.MaxValue), (uint)random.NextInt64(0, uint.MaxValue)));
        foreach (var (begin, end) in bounds)
        {
            var expected = grains.Where(g => InRange(g.GetUniformHashCode(), begin, end)).Select(g => g.ToString()).Order();
            var actual = (await table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId.ToString()).Order();
            Assert.Equal(expected, actual);
        }

        Assert.False(await table.RemoveRow(grains[0], "r", "1"));
        Assert.True(await table.RemoveRow(grains[0], "r", "2"));
        Assert.Null(await table.ReadRow(grains[0], "r"));

        await table.TestOnlyClearTable();
        Assert.Empty((await table.ReadRows(0u, 0u)).Reminders);
    }

    /// <summary>Orleans' ring range (begin, end], wrapping when begin >= end.</summary>
    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
}
