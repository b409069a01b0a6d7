using Prism.Maps;

namespace Prism.Tests.Maps;

/// <summary>
/// The map backend's tile plan cache (request → tile grain and spec, per layer snapshot) on a real in-process silo:
/// the snapshot is reused for an hour here, as production reuses it for a few seconds, so plans are kept.
/// </summary>
[Collection(MapsClusterCollection.Name)]
public sealed class TilePlanCacheTests
{
    private const string C = MapsTestData.Collection;
    private const string P2Time = "2006-08-22T09:00:00Z/2006-08-22T09:10:00Z";

    private static TileQuery Tile(string? time, int col = 8, int row = 1, string layer = C) => new()
    {
        Layer = layer, TileMatrixSet = "WGS84", Zoom = 3, Col = col, Row = row, Time = time,
    };

    private static async Task<MapsCluster> WithProductsAsync()
    {
        var cluster = await MapsCluster.StartAsync(o => o.LayerCacheTime = TimeSpan.FromHours(1));
        await cluster.RegisterAsync("P1", 10, 40, 20, 50, "2006-08-16T09:00:00Z");
        await cluster.RegisterAsync("P2", 15, 45, 25, 55, "2006-08-22T09:00:00Z");
        return cluster;
    }

    [Fact]
    public async Task Plans_are_kept_per_snapshot_and_a_new_snapshot_gives_a_reregistered_product_a_new_tile()
    {
        await using var cluster = await WithProductsAsync();
        var first = await cluster.Backend.GetTileAsync(Tile(P2Time));
        Assert.Equal("rendered", first.Source);
        Assert.Equal(1, cluster.Backend.PlanCount);
        var snapshot = cluster.Backend.PlanSnapshot;
        Assert.NotNull(snapshot);

        // The same request again: the kept plan, the same tile grain (from its memory); an equal query object
        // made anew finds the plan too.
        var again = await cluster.Backend.GetTileAsync(Tile(P2Time));
        Assert.Equal("memory", again.Source);
        Assert.Equal(first.ETag, again.ETag);
        Assert.Equal(1, cluster.Backend.PlanCount);
        Assert.Equal(1, cluster.Renderer.Renders);

        // An empty tile (no product there) is a plan too, without any grain call.
        cluster.TileCalls.Reset();
        var empty = await cluster.Backend.GetTileAsync(Tile(P2Time, col: 0, row: 0));
        var emptyAgain = await cluster.Backend.GetTileAsync(Tile(P2Time, col: 0, row: 0));
        Assert.Equal("empty", empty.Source);
        Assert.Same(empty, emptyAgain);
        Assert.Equal(0, cluster.TileCalls.Calls);
        Assert.Equal(2, cluster.Backend.PlanCount);

        // P2 re-registered: while the snapshot is reused, so is the plan (as before the plan cache: a snapshot is
        // the catalog as it was when loaded) ...
        await cluster.RegisterAsync("P2", 15, 45, 25, 55, "2006-08-22T09:00:00Z");
        var stale = await cluster.Backend.GetTileAsync(Tile(P2Time));
        Assert.Equal("memory", stale.Source);
        Assert.Equal(1, cluster.Renderer.Renders);

        // ... and a new snapshot drops every plan: the tile gets a new key (a new fingerprint) and renders again.
        await cluster.Layers.GetAsync(fresh: true);
        var renewed = await cluster.Backend.GetTileAsync(Tile(P2Time));
        Assert.Equal("rendered", renewed.Source);
        Assert.Equal(2, cluster.Renderer.Renders);
        Assert.NotSame(snapshot, cluster.Backend.PlanSnapshot);
        Assert.Equal(1, cluster.Backend.PlanCount);
        Assert.Equal(2, await cluster.Stores.Output.ListAsync(TileKeys.StorePrefix).CountAsync());

        // Deregistered, and a new snapshot: the kept plan is gone, the tile is empty.
        await cluster.Catalog.DeregisterAsync("P2");
        cluster.Layers.Invalidate();
        var afterDelete = await cluster.Backend.GetTileAsync(Tile(P2Time));
        Assert.Equal("empty", afterDelete.Source);
        Assert.Equal(2, cluster.Renderer.Renders);
    }

    [Fact]
    public async Task Errors_are_not_kept_and_outlines_are_drawn_each_time()
    {
        await using var cluster = await WithProductsAsync();
        var e1 = await Assert.ThrowsAsync<MapRequestException>(() => cluster.Backend.GetTileAsync(Tile(P2Time, layer: "nope")));
        var e2 = await Assert.ThrowsAsync<MapRequestException>(() => cluster.Backend.GetTileAsync(Tile(P2Time, layer: "nope")));
        Assert.Equal("LayerNotDefined", e1.Code);
        Assert.Equal("LayerNotDefined", e2.Code);
        var badTime = await Assert.ThrowsAsync<MapRequestException>(() => cluster.Backend.GetTileAsync(Tile("yesterday")));
        Assert.Equal("InvalidDimensionValue", badTime.Code);
        Assert.Equal(0, cluster.Backend.PlanCount);

        var outlines = await cluster.Backend.GetTileAsync(Tile(P2Time, layer: $"{C}__outlines"));
        Assert.Equal("image/png", outlines.ContentType);
        Assert.Equal(0, cluster.Backend.PlanCount);
    }
}
