using Prism.Gateway.Maps;
using Prism.Maps;

namespace Prism.Tests.Maps;

[Collection(MapsClusterCollection.Name)]
public sealed class SeedJobTests
{
    private const string C = MapsTestData.Collection;

    private static SeedRequest Request(int maxZoom) => new()
    {
        Begin = MapsTestData.T("2006-08-16T00:00:00Z"), End = MapsTestData.T("2006-08-23T00:00:00Z"),
        Collection = C, Layer = C,
        Zooms = new Dictionary<string, int[]> { ["WGS84"] = [0, maxZoom], ["GoogleMapsCompatible"] = [0, maxZoom] },
    };

    private static async Task<SeedJobStatus> WaitAsync(MapsCluster cluster, string id, Func<SeedJobStatus, bool> until, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var status = await cluster.Grains.GetGrain<ISeedJobGrain>(id).GetStatusAsync();
            if (until(status)) return status;
            if (DateTime.UtcNow > deadline) Assert.Fail($"seed job {id} is {status.State} {status.Done}+{status.Failed}/{status.Total}: {status.Error}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_seed_job_fills_the_cache_and_reaches_100_percent()
    {
        await using var cluster = await MapsCluster.StartAsync();
        await cluster.RegisterAsync("S1", 10, 40, 20, 50, "2006-08-16T09:00:00Z");
        await cluster.RegisterAsync("S2", 15, 45, 25, 55, "2006-08-22T09:00:00Z");
        var id = SeedJobs.NewId();
        var started = await cluster.Grains.GetGrain<ISeedJobGrain>(id).StartAsync(Request(3));
        Assert.Equal(SeedJobState.Running, started.State);
        Assert.Contains(id, await cluster.Broker.SetMembersAsync(cluster.Names.Seeding));

        var done = await WaitAsync(cluster, id, s => s.State != SeedJobState.Running);
        Assert.Equal(SeedJobState.Completed, done.State);
        Assert.True(done.Total > 8, $"total {done.Total}");
        Assert.Equal(done.Total, done.Done);
        Assert.Equal(0, done.Failed);
        Assert.Equal(100, done.Percent);
        Assert.Equal(done.Total, cluster.Renderer.Renders);
        Assert.Contains(id, await cluster.Broker.SetMembersAsync(cluster.Names.SeedSuccess));
        Assert.DoesNotContain(id, await cluster.Broker.SetMembersAsync(cluster.Names.Seeding));

        // A client asking for a seeded tile with the seeded TIME gets it from the cache, in both matrix sets.
        var time = "2006-08-16T00:00:00Z/2006-08-23T00:00:00Z";
        var wgs = await cluster.Backend.GetTileAsync(new TileQuery { Layer = C, TileMatrixSet = "WGS84", Zoom = 3, Col = 8, Row = 1, Time = time });
        var gmc = await cluster.Backend.GetTileAsync(new TileQuery { Layer = C, TileMatrixSet = "GoogleMapsCompatible", Zoom = 3, Col = 4, Row = 2, Time = time });
        Assert.Contains(wgs.Source, new[] { "memory", "store" });
        Assert.Contains(gmc.Source, new[] { "memory", "store" });
        Assert.Equal(done.Total, cluster.Renderer.Renders);

        // Starting the same job again is a no-op.
        var again = await cluster.Grains.GetGrain<ISeedJobGrain>(id).StartAsync(Request(3));
        Assert.Equal(SeedJobState.Completed, again.State);
    }

    [Fact]
    public async Task A_seed_job_resumes_after_a_silo_restart()
    {
        await using var cluster = await MapsCluster.StartAsync(o => { o.SeedConcurrency = 1; o.SeedProgressEvery = 2; });
        await cluster.RegisterAsync("R1", 10, 40, 20, 50, "2006-08-16T09:00:00Z");
        cluster.Renderer.HoldAfter(5);
        var id = SeedJobs.NewId();
        await cluster.Grains.GetGrain<ISeedJobGrain>(id).StartAsync(Request(4));
        await cluster.Renderer.Holding.WaitAsync(TimeSpan.FromSeconds(60));
        var before = await WaitAsync(cluster, id, s => s.Done >= 4);
        Assert.Equal(SeedJobState.Running, before.State);
        Assert.True(before.Done < before.Total);

        await cluster.RestartAsync(); // the held render never finishes: the job dies mid-way
        cluster.TileCalls.Reset();
        var persisted = await cluster.Grains.GetGrain<ISeedJobGrain>(id).GetStatusAsync();
        Assert.Equal(SeedJobState.Running, persisted.State);
        Assert.Contains(id, await cluster.Broker.SetMembersAsync(cluster.Names.Seeding));

        cluster.Renderer.ReleaseAll();
        await cluster.Grains.GetGrain<ISeedJobGrain>(id).ResumeAsync(); // what the gateway's seed reconciler does
        var done = await WaitAsync(cluster, id, s => s.State != SeedJobState.Running);
        Assert.Equal(SeedJobState.Completed, done.State);
        Assert.Equal(done.Total, done.Done);
        Assert.Equal(100, done.Percent);
        // Resumed at the persisted cursor: the tiles done before the restart were not asked for again, and no tile
        // was rendered twice (the held render of the dead silo produced nothing).
        Assert.True(persisted.Done >= 4);
        Assert.Equal(done.Total - persisted.Done - persisted.Failed, cluster.TileCalls.Calls);
        Assert.Equal(done.Total, cluster.Renderer.Renders - 1);
    }

    [Fact]
    public async Task A_seed_job_can_be_cancelled_and_bad_requests_fail()
    {
        await using var cluster = await MapsCluster.StartAsync(o => { o.SeedConcurrency = 1; o.SeedProgressEvery = 1; });
        await cluster.RegisterAsync("K1", 10, 40, 20, 50, "2006-08-16T09:00:00Z");
        cluster.Renderer.HoldAfter(1);
        var id = SeedJobs.NewId();
        await cluster.Grains.GetGrain<ISeedJobGrain>(id).StartAsync(Request(5));
        await cluster.Renderer.Holding.WaitAsync(TimeSpan.FromSeconds(60));
        var cancelled = await cluster.Grains.GetGrain<ISeedJobGrain>(id).CancelAsync();
        Assert.Equal(SeedJobState.Cancelled, cancelled.State);
        cluster.Renderer.ReleaseAll();
        Assert.Contains(id, await cluster.Broker.SetMembersAsync(cluster.Names.SeedFailure));
        Assert.Equal("cancelled", await cluster.Broker.GetReasonAsync(cluster.Names.SeedFailure, id));

        var bad = SeedJobs.NewId();
        await cluster.Grains.GetGrain<ISeedJobGrain>(bad).StartAsync(Request(1) with { Layer = "nope" });
        var failed = await WaitAsync(cluster, bad, s => s.State != SeedJobState.Running);
        Assert.Equal(SeedJobState.Failed, failed.State);
        Assert.Contains("nope", failed.Error);
    }

    [Theory]
    [InlineData("2006-08-16T09:00:00Z/2006-08-16T09:10:00Z", null, null)]
    [InlineData("{\"begin\":\"2006-08-16T09:00:00Z\",\"end\":\"2006-08-17T00:00:00Z\",\"collection\":\"MER\",\"layer\":\"MER__GREY\"}", "MER", "MER__GREY")]
    public void Seed_messages_decode(string message, string? collection, string? layer)
    {
        var (request, error) = SeedMessages.Decode(message);
        Assert.Null(error);
        Assert.Equal(MapsTestData.T("2006-08-16T09:00:00Z"), request!.Begin);
        Assert.Equal(collection, request.Collection);
        Assert.Equal(layer, request.Layer);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a time")]
    [InlineData("{\"begin\":\"2006-08-16T09:00:00Z\"}")]
    [InlineData("{\"begin\":\"2006-08-17T09:00:00Z\",\"end\":\"2006-08-16T00:00:00Z\"}")]
    [InlineData("{\"begin\":\"2006-08-16T09:00:00Z\",\"end\":\"2006-08-17T00:00:00Z\",\"zooms\":{\"WGS84\":[0,30]}}")]
    [InlineData("{\"begin\":\"2006-08-16T09:00:00Z\",\"end\":\"2006-08-17T00:00:00Z\",\"zooms\":{\"EPSG:1\":[0,3]}}")]
    [InlineData("{broken")]
    public void Malformed_seed_messages_are_rejected_with_a_reason(string message)
    {
        var (request, error) = SeedMessages.Decode(message);
        Assert.Null(request);
        Assert.False(string.IsNullOrEmpty(error));
    }
}
