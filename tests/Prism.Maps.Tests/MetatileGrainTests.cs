using Prism.Maps;

namespace Prism.Tests.Maps;

/// <summary>The metatile grain on a real in-process silo: tiles stored under the tile grains' keys, served from there.</summary>
[Collection(MapsClusterCollection.Name)]
public sealed class MetatileGrainTests
{
    private const string C = MapsTestData.Collection;

    [Fact]
    public async Task A_metatile_stores_its_tiles_under_the_tile_keys_once_and_tile_grains_serve_them()
    {
        await using var cluster = await MapsCluster.StartAsync();
        await cluster.RegisterAsync("M1", 10, 40, 20, 50, "2006-08-16T09:00:00Z");
        await cluster.RegisterAsync("M2", 15, 45, 25, 55, "2006-08-22T09:00:00Z");
        var snapshot = await cluster.Layers.GetAsync(fresh: true);
        var collection = snapshot.Collections[C];
        var style = collection.Styles[0];
        var time = new TimeRange(MapsTestData.T("2006-08-16T00:00:00Z"), MapsTestData.T("2006-08-23T00:00:00Z"));
        var tms = TileMatrixSet.WGS84;
        // WGS84 z=5 (tiles of 5.625°): the aligned 4×4 metatile holding 17.5°E 47.5°N, where M1 alone, M2 alone and
        // both are drawn (three product sets, so three warps), and some tiles have no product at all.
        const int z = 5;
        var (col, row, _, _) = tms.TileRange(z, 17.5, 47.5, 17.5, 47.5);
        var (c0, r0) = (col / 4 * 4, row / 4 * 4);
        var tiles = new List<MetatileTile>();
        var empty = 0;
        for (var r = r0; r < r0 + 4; r++)
        for (var c = c0; c < c0 + 4; c++)
        {
            var plan = cluster.Planner.Plan(collection, style, tms, z, c, r, time, ImageFormat.Png);
            if (plan is null) empty++;
            else tiles.Add(new MetatileTile(plan.Key, plan.Spec, c, r));
        }
        var productSets = tiles.Select(t => string.Join(",", t.Spec.Sources.Select(s => s.ProductIdentifier))).Distinct().Count();
        Assert.True(productSets >= 2, $"the block should mix product sets ({productSets})");
        Assert.True(tiles.Count >= 3, $"{tiles.Count} tiles with products");

        var grain = cluster.Grains.GetGrain<IMetatileGrain>(0);
        var first = await grain.SeedAsync(new MetatileRequest { Tiles = tiles });
        Assert.Equal(tiles.Count, first.Rendered);
        Assert.Equal(0, first.Cached);
        Assert.Equal(0, first.Failed);
        Assert.Null(first.Error);
        Assert.True(first.Warps >= productSets, $"{first.Warps} warps for {productSets} product sets");
        foreach (var t in tiles)
            Assert.NotNull(await cluster.Stores.Output.StatAsync(TileKeys.StoreKey(t.Key)));
        Assert.Equal(tiles.Count, (await cluster.Stores.Output.ListAsync(TileKeys.StorePrefix).ToListAsync()).Count);
        var renders = cluster.Renderer.Renders;

        // Already stored: nothing is rendered again.
        var second = await grain.SeedAsync(new MetatileRequest { Tiles = tiles });
        Assert.Equal((0, tiles.Count, 0, 0), (second.Rendered, second.Cached, second.Failed, second.Warps));
        Assert.Equal(renders, cluster.Renderer.Renders);

        // The tile grains (serving) find every tile in the store, with the bytes a single-tile render gives.
        foreach (var t in tiles)
        {
            var served = await cluster.Grains.GetGrain<ITileGrain>(t.Key).GetAsync(t.Spec);
            Assert.Equal("store", served.Source);
            Assert.Equal(cluster.Renderer.Render(t.Spec, CancellationToken.None).Data, served.Data);
        }
    }

    [Fact]
    public async Task An_empty_request_does_nothing_and_a_failing_render_counts_its_tiles_as_failed()
    {
        await using var cluster = await MapsCluster.StartAsync();
        await cluster.RegisterAsync("F1", 10, 40, 20, 50, "2006-08-16T09:00:00Z");
        var grain = cluster.Grains.GetGrain<IMetatileGrain>(0);
        var none = await grain.SeedAsync(new MetatileRequest { Tiles = [] });
        Assert.Equal((0, 0, 0), (none.Rendered, none.Cached, none.Failed));

        var snapshot = await cluster.Layers.GetAsync(fresh: true);
        var collection = snapshot.Collections[C];
        var time = new TimeRange(MapsTestData.T("2006-08-16T00:00:00Z"), MapsTestData.T("2006-08-17T00:00:00Z"));
        var plan = cluster.Planner.Plan(collection, collection.Styles[0], TileMatrixSet.WGS84, 3, 8, 1, time, ImageFormat.Png)!;
        var broken = plan.Spec with { Sources = [new RenderSource("gone", Path.Combine(cluster.Folder, "missing.tif"))] };
        var failed = await grain.SeedAsync(new MetatileRequest { Tiles = [new MetatileTile(plan.Key, broken, 8, 1)] });
        Assert.Equal((0, 0, 1), (failed.Rendered, failed.Cached, failed.Failed));
        Assert.Contains(plan.Key, failed.Error);
        Assert.Null(await cluster.Stores.Output.StatAsync(TileKeys.StoreKey(plan.Key)));
    }
}
