using Prism.Maps;

namespace Prism.Tests.Maps;

/// <summary>
/// <see cref="TileMemory"/>: the tile bytes kept by tile-grain activations, and the co-hosted gateway's read of them
/// without a grain call — on a real in-process silo with the GDAL renderer.
/// </summary>
[Collection(MapsClusterCollection.Name)]
public sealed class TileMemoryTests
{
    private const string C = MapsTestData.Collection;
    private const string P1Time = "2006-08-16T09:00:00Z/2006-08-16T09:10:00Z";

    private static TileQuery Tile(string? time, int col = 8, int row = 1) => new()
    {
        Layer = C, TileMatrixSet = "WGS84", Zoom = 3, Col = col, Row = row, Time = time,
    };

    private static EncodedImage Image(int bytes) =>
        new() { Data = new byte[bytes], ContentType = "image/png", ETag = "\"x\"", Source = "memory" };

    private static TileMemory Memory(long bytes, int entries) =>
        new(Microsoft.Extensions.Options.Options.Create(new MapsOptions { MemoryCacheBytes = bytes, MemoryCacheEntries = entries }));

    [Fact]
    public async Task Keeps_within_its_budget_and_withdraws_only_the_image_it_was_given()
    {
        var memory = Memory(bytes: 1000, entries: 2);
        var a = Image(600);
        Assert.True(memory.TryKeep("a", a));
        Assert.Same(a, await memory.Find("a")!);
        Assert.False(memory.TryKeep("b", Image(600)));      // over the byte budget
        Assert.Null(memory.Find("b"));
        Assert.True(memory.TryKeep("b", Image(100)));
        Assert.False(memory.TryKeep("c", Image(1)));        // over the entry budget
        Assert.Equal(700, memory.Bytes);
        Assert.Equal(2, memory.Entries);

        // A later activation's image under the same key is not withdrawn by an earlier one's deactivation.
        memory.Withdraw("a", Image(600));
        Assert.Same(a, await memory.Find("a")!);
        memory.Withdraw("a", a);
        Assert.Null(memory.Find("a"));
        Assert.Equal(100, memory.Bytes);
        Assert.Equal(1, memory.Entries);

        // Keeping again under the same key replaces the entry and its share of the budget.
        var b2 = Image(300);
        Assert.True(memory.TryKeep("b", b2));
        Assert.Same(b2, await memory.Find("b")!);
        Assert.Equal(300, memory.Bytes);
        Assert.Equal(1, memory.Entries);
    }

    [Fact]
    public async Task A_cohosted_backend_answers_a_kept_tile_without_a_grain_call_for_as_long_as_the_grain_keeps_it()
    {
        await using var cluster = await MapsCluster.StartAsync(o => o.LayerCacheTime = TimeSpan.FromHours(1), coHosted: true);
        await cluster.RegisterAsync("P1", 10, 40, 20, 50, "2006-08-16T09:00:00Z");

        cluster.TileCalls.Reset();
        var first = await cluster.Backend.GetTileAsync(Tile(P1Time));
        Assert.Equal("rendered", first.Source);
        Assert.Equal(1, cluster.TileCalls.Calls);
        Assert.Equal(1, cluster.Memory.Entries);
        Assert.Equal(first.Data.Length, cluster.Memory.Bytes);

        // Hot: the grain's kept bytes, read in this process; the grain is not called.
        for (var i = 0; i < 3; i++)
        {
            var hot = await cluster.Backend.GetTileAsync(Tile(P1Time));
            Assert.Equal("memory", hot.Source);
            Assert.Equal(first.Data, hot.Data);
            Assert.Equal(first.ETag, hot.ETag);
        }
        Assert.Equal(1, cluster.TileCalls.Calls);
        Assert.Equal(1, cluster.Renderer.Renders);

        // The grain deactivates (idle collection): its entry goes with it, the next request calls the grain, which
        // reads the store and keeps the tile again.
        await cluster.CollectIdleAsync();
        Assert.Equal(0, cluster.Memory.Entries);
        Assert.Equal(0, cluster.Memory.Bytes);
        var fromStore = await cluster.Backend.GetTileAsync(Tile(P1Time));
        Assert.Equal("store", fromStore.Source);
        Assert.Equal(first.Data, fromStore.Data);
        Assert.Equal(2, cluster.TileCalls.Calls);
        Assert.Equal("memory", (await cluster.Backend.GetTileAsync(Tile(P1Time))).Source);
        Assert.Equal(2, cluster.TileCalls.Calls);

        // A disjoint product and a new snapshot: the same key, still answered from memory without a call.
        await cluster.RegisterAsync("FAR", -120, -50, -110, -40, "2006-08-16T09:00:00Z");
        await cluster.Layers.GetAsync(fresh: true);
        var unaffected = await cluster.Backend.GetTileAsync(Tile(P1Time));
        Assert.Equal("memory", unaffected.Source);
        Assert.Equal(first.ETag, unaffected.ETag);
        Assert.Equal(2, cluster.TileCalls.Calls);

        // P1 re-registered over the tile and a new snapshot: a new key, so the kept bytes are not served; rendered anew.
        await cluster.RegisterAsync("P1", 10, 40, 20, 50, "2006-08-16T09:00:00Z");
        await cluster.Layers.GetAsync(fresh: true);
        var renewed = await cluster.Backend.GetTileAsync(Tile(P1Time));
        Assert.Equal("rendered", renewed.Source);
        Assert.Equal(3, cluster.TileCalls.Calls);
        Assert.Equal(2, cluster.Renderer.Renders);
    }

    [Fact]
    public async Task A_tile_over_the_memory_budget_is_never_kept_and_always_asked_of_its_grain()
    {
        await using var cluster = await MapsCluster.StartAsync(o =>
        {
            o.LayerCacheTime = TimeSpan.FromHours(1);
            o.MemoryCacheBytes = 16;
        }, coHosted: true);
        await cluster.RegisterAsync("P1", 10, 40, 20, 50, "2006-08-16T09:00:00Z");
        cluster.TileCalls.Reset();
        Assert.Equal("rendered", (await cluster.Backend.GetTileAsync(Tile(P1Time))).Source);
        Assert.Equal("store", (await cluster.Backend.GetTileAsync(Tile(P1Time))).Source);
        Assert.Equal(2, cluster.TileCalls.Calls);
        Assert.Equal(0, cluster.Memory.Entries);
    }
}
