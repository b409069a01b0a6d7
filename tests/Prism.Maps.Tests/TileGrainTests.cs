using Prism.Maps;

namespace Prism.Tests.Maps;

/// <summary>Tile grains and the map backend on a real in-process silo (SQLite catalog, file store, GDAL renderer).</summary>
[Collection(MapsClusterCollection.Name)]
public sealed class TileGrainTests
{
    private const string C = MapsTestData.Collection;
    private const string P1Time = "2006-08-16T09:00:00Z/2006-08-16T09:10:00Z";
    private const string P2Time = "2006-08-22T09:00:00Z/2006-08-22T09:10:00Z";

    /// <summary>P1 and P2 overlap around 15–20°E 45–50°N (P2 later); P3 is far away at P2's time.</summary>
    private static async Task<MapsCluster> WithProductsAsync()
    {
        var cluster = await MapsCluster.StartAsync();
        await cluster.RegisterAsync("P1", 10, 40, 20, 50, "2006-08-16T09:00:00Z");
        await cluster.RegisterAsync("P2", 15, 45, 25, 55, "2006-08-22T09:00:00Z");
        await cluster.RegisterAsync("P3", -60, -10, -50, 0, "2006-08-22T09:00:00Z");
        return cluster;
    }

    // WGS84 z=3: 16×8 tiles of 22.5°. Column 8 = 0–22.5°E, row 1 = 45–67.5°N, row 2 = 22.5–45°N.
    private static TileQuery Tile(string? time, int z = 3, int col = 8, int row = 1, string layer = C, string tms = "WGS84") => new()
    {
        Layer = layer, TileMatrixSet = tms, Zoom = z, Col = col, Row = row, Time = time,
    };

    [Fact]
    public async Task Second_request_is_served_from_memory_and_a_new_activation_from_the_store()
    {
        await using var cluster = await WithProductsAsync();
        var first = await cluster.Backend.GetTileAsync(Tile(P2Time));
        Assert.Equal("rendered", first.Source);
        Assert.Equal("image/png", first.ContentType);
        Assert.Equal((256, 256), MapsTestData.PngSize(first.Data));

        var second = await cluster.Backend.GetTileAsync(Tile(P2Time));
        Assert.Equal("memory", second.Source);
        Assert.Equal(first.ETag, second.ETag);
        Assert.Equal(first.Data, second.Data);

        // The bytes are in the output store under tiles/{key}.
        var stored = await cluster.Stores.Output.ListAsync(TileKeys.StorePrefix).ToListAsync();
        var entry = Assert.Single(stored);
        Assert.StartsWith($"tiles/{C}/TRUE_COLOR/WGS84/", entry.Key);
        Assert.EndsWith("/3/8/1.png", entry.Key);

        await cluster.CollectIdleAsync();
        var third = await cluster.Backend.GetTileAsync(Tile(P2Time));
        Assert.Equal("store", third.Source);
        Assert.Equal(first.ETag, third.ETag);

        await cluster.RestartAsync();
        var afterRestart = await cluster.Backend.GetTileAsync(Tile(P2Time));
        Assert.Equal("store", afterRestart.Source);
        Assert.Equal(first.Data, afterRestart.Data);
        Assert.Equal(1, cluster.Renderer.Renders);
    }

    [Fact]
    public async Task Concurrent_requests_for_a_missing_tile_render_it_once()
    {
        await using var cluster = await WithProductsAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => cluster.Backend.GetTileAsync(Tile(P1Time, row: 2))));
        Assert.Equal(1, cluster.Renderer.Renders);
        Assert.Single(results, r => r.Source == "rendered");
        Assert.All(results, r => Assert.Equal(results[0].ETag, r.ETag));
    }

    [Fact]
    public async Task Intervals_resolving_to_the_same_products_share_tiles()
    {
        await using var cluster = await WithProductsAsync();
        var exact = await cluster.Backend.GetTileAsync(Tile(P1Time));
        // A wider interval with the same product over this tile, an instant inside it, and the REST form.
        var wider = await cluster.Backend.GetTileAsync(Tile("2006-08-10T00:00:00Z/2006-08-20T00:00:00Z"));
        var instant = await cluster.Backend.GetTileAsync(Tile("2006-08-16T09:05:00Z"));
        var rest = await cluster.Backend.GetTileAsync(Tile("2006-08-16T09:00:00Z--2006-08-16T09:10:00Z"));
        Assert.Equal("rendered", exact.Source);
        Assert.All([wider, instant, rest], t => Assert.Equal("memory", t.Source));
        Assert.Equal(1, cluster.Renderer.Renders);

        // Both products: another tile (stacked, P2 on top).
        var both = await cluster.Backend.GetTileAsync(Tile("2006-08-01/2006-08-31"));
        Assert.Equal("rendered", both.Source);
        Assert.NotEqual(exact.Data, both.Data);
        Assert.Equal(2, cluster.Renderer.Renders);

        // Default time = the latest product's (P2) interval.
        var defaultTime = await cluster.Backend.GetTileAsync(Tile(null));
        var p2 = await cluster.Backend.GetTileAsync(Tile(P2Time));
        Assert.Equal(defaultTime.ETag, p2.ETag);
    }

    [Fact]
    public async Task Reregistering_an_intersecting_product_changes_the_key_and_a_disjoint_one_does_not()
    {
        await using var cluster = await WithProductsAsync();
        var before = await cluster.Backend.GetTileAsync(Tile(P2Time));
        Assert.Equal("rendered", before.Source);

        // P3 has the same time but lies elsewhere: the tile over P2 keeps its key.
        await cluster.RegisterAsync("P3", -60, -10, -50, 0, "2006-08-22T09:00:00Z");
        var afterDisjoint = await cluster.Backend.GetTileAsync(Tile(P2Time));
        Assert.Equal("memory", afterDisjoint.Source);
        Assert.Equal(1, cluster.Renderer.Renders);

        // P2 replaced (same identifier, same place): a new fingerprint, so a new tile grain renders again.
        await cluster.RegisterAsync("P2", 15, 45, 25, 55, "2006-08-22T09:00:00Z");
        var afterReplace = await cluster.Backend.GetTileAsync(Tile(P2Time));
        Assert.Equal("rendered", afterReplace.Source);
        Assert.Equal(2, cluster.Renderer.Renders);
        Assert.Equal(2, await cluster.Stores.Output.ListAsync(TileKeys.StorePrefix).CountAsync());

        // Deregistered: the tile over it is empty, without any grain.
        await cluster.Catalog.DeregisterAsync("P2");
        var afterDelete = await cluster.Backend.GetTileAsync(Tile(P2Time));
        Assert.Equal("empty", afterDelete.Source);
        Assert.Equal(2, cluster.Renderer.Renders);
    }

    [Fact]
    public async Task Tiles_without_products_are_empty_and_need_no_grain()
    {
        await using var cluster = await WithProductsAsync();
        var png = await cluster.Backend.GetTileAsync(Tile(P2Time, col: 0, row: 0));
        Assert.Equal("empty", png.Source);
        Assert.Equal((256, 256), MapsTestData.PngSize(png.Data));
        var jpeg = await cluster.Backend.GetTileAsync(Tile(P2Time, col: 0, row: 0) with { Format = ImageFormat.Jpeg });
        Assert.Equal("image/jpeg", jpeg.ContentType);
        Assert.Equal(0xFF, jpeg.Data[0]);
        Assert.Equal(0xD8, jpeg.Data[1]);
        var otherTime = await cluster.Backend.GetTileAsync(Tile("2010-01-01"));
        Assert.Equal("empty", otherTime.Source);
        Assert.Equal(0, cluster.Renderer.Renders);
    }

    [Fact]
    public async Task Layers_styles_and_errors()
    {
        await using var cluster = await WithProductsAsync();
        var layers = await cluster.Backend.GetLayersAsync();
        Assert.Equal([C, $"{C}__TRUE_COLOR", $"{C}__GREY", $"{C}__outlines"], layers.Select(l => l.Name));
        var main = layers[0];
        Assert.Equal(["TRUE_COLOR", "GREY"], main.Styles.Select(s => s.Name));
        Assert.Equal([-60, -10, 25, 55], main.Wgs84BoundingBox);
        Assert.Equal(["2006-08-16T09:00:00Z/2006-08-16T09:10:00Z", "2006-08-22T09:00:00Z/2006-08-22T09:10:00Z"], main.TimeValues);
        Assert.Equal(P2Time, main.DefaultTime);
        Assert.True(layers[3].IsOutlines);

        async Task<MapRequestException> Fails(TileQuery q) => await Assert.ThrowsAsync<MapRequestException>(() => cluster.Backend.GetTileAsync(q));
        Assert.Equal("LayerNotDefined", (await Fails(Tile(P2Time, layer: "nope"))).Code);
        Assert.Equal("StyleNotDefined", (await Fails(Tile(P2Time) with { Style = "VIRIDIS" })).Code);
        Assert.Equal("StyleNotDefined", (await Fails(Tile(P2Time, layer: $"{C}__GREY") with { Style = "TRUE_COLOR" })).Code);
        Assert.Equal("InvalidParameterValue", (await Fails(Tile(P2Time, tms: "EPSG:9999"))).Code);
        Assert.Equal("InvalidParameterValue", (await Fails(Tile(P2Time, z: 19))).Code);
        Assert.Equal("TileOutOfRange", (await Fails(Tile(P2Time, col: 16))).Code);
        Assert.Equal("TileOutOfRange", (await Fails(Tile(P2Time, row: -1))).Code);
        Assert.Equal("InvalidDimensionValue", (await Fails(Tile("last tuesday"))).Code);

        // The GREY layer and the default layer with STYLE=GREY share a tile (the key is collection + style).
        var grey = await cluster.Backend.GetTileAsync(Tile(P2Time, layer: $"{C}__GREY"));
        var greyByStyle = await cluster.Backend.GetTileAsync(Tile(P2Time) with { Style = "GREY" });
        Assert.Equal("rendered", grey.Source);
        Assert.Equal("memory", greyByStyle.Source);

        // Outlines tiles are drawn on the fly.
        var outlines = await cluster.Backend.GetTileAsync(Tile(P2Time, layer: $"{C}__outlines"));
        Assert.Equal((256, 256), MapsTestData.PngSize(outlines.Data));
    }

    [Fact]
    public async Task GetMap_composites_layers_and_validates_the_request()
    {
        await using var cluster = await WithProductsAsync();
        var map = await cluster.Backend.GetMapAsync(new MapQuery
        {
            Layers = [C, $"{C}__outlines"], Crs = "EPSG:4326", Bbox = [0, 30, 40, 60], Width = 400, Height = 300,
            Time = "2006-08-01/2006-08-31", Transparent = true,
        });
        Assert.Equal((400, 300), MapsTestData.PngSize(map.Data));
        var mercator = await cluster.Backend.GetMapAsync(new MapQuery
        {
            Layers = [$"{C}__GREY"], Crs = "EPSG:3857", Bbox = [0, 4_000_000, 3_000_000, 7_000_000], Width = 256, Height = 256,
            Format = ImageFormat.Jpeg,
        });
        Assert.Equal("image/jpeg", mercator.ContentType);

        async Task<string> Code(MapQuery q) => (await Assert.ThrowsAsync<MapRequestException>(() => cluster.Backend.GetMapAsync(q))).Code;
        var ok = new MapQuery { Layers = [C], Crs = "EPSG:4326", Bbox = [0, 30, 40, 60], Width = 100, Height = 100 };
        Assert.Equal("InvalidParameterValue", await Code(ok with { Width = 5000 }));
        Assert.Equal("InvalidParameterValue", await Code(ok with { Bbox = [40, 30, 0, 60] }));
        Assert.Equal("InvalidCRS", await Code(ok with { Crs = "EPSG:32633" }));
        Assert.Equal("LayerNotDefined", await Code(ok with { Layers = ["x"] }));
        Assert.Equal("StyleNotDefined", await Code(ok with { Styles = ["BOGUS"] }));
        Assert.Equal("InvalidDimensionValue", await Code(ok with { Time = "soon" }));
    }
}
