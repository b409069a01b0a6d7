using System.Globalization;

namespace Prism.Tests;

/// <summary>
/// Issue 3 "Must show", geo-correctness and time: a tile equals a <c>gdalwarp</c> reference of the product's COG to
/// the same tile extent (nearest neighbour) in both tile matrix sets, over a tile inside the swath and one on its
/// edge, in REST and KVP; the MERIS time series gives one tile per time, an interval stacks the products latest on
/// top, no TIME is the latest; nodata is transparent.
/// </summary>
[Collection(MapServicesCollection.Name)]
public sealed class MapGeoTimeTests(MapServicesFixture fx)
{
    private const string Layer = "MER_FRS_1P";
    private const string Style = "TRUE_COLOR";

    /// <summary>Compares a tile with a reference: alpha equal everywhere, RGB equal where alpha &gt; 0. argv: tile ref
    /// full|edge. "full": every reference pixel has data; "edge": some have, some have not.</summary>
    private const string CompareScript = MapTestTools.PythonRgba + """

        tile, ref, kind = rgba(sys.argv[1]), rgba(sys.argv[2]), sys.argv[3]
        assert tile.shape == ref.shape == (4, 256, 256), (tile.shape, ref.shape)
        covered = (ref[3] > 0).mean()
        if kind == 'full':
            assert covered == 1.0, f'premise: the reference is not fully inside the swath ({covered})'
        else:
            assert 0.05 < covered < 0.95, f'premise: the reference is not on the swath edge ({covered})'
        alpha = int((tile[3] != ref[3]).sum())
        assert alpha == 0, f'{alpha} pixels differ in alpha'
        data = ref[3] > 0
        diff = np.abs(tile[:3] - ref[:3])[:, data]
        assert diff.size > 0 and diff.max() == 0, f'RGB differs: max {diff.max()} over {int((diff > 0).any(axis=0).sum())} pixels'
        print('OK', covered)
        """;

    /// <summary>Tiles of MER_FRS_1P_RGB_20060822 (lon 8.5–25.4, lat 32.2–46.3), chosen by their reference coverage
    /// (the script re-checks the premise): z6 is the level nearest the COG's 0.031° pixels.</summary>
    public static TheoryData<string, int, int, int, string> Tiles => new()
    {
        { "WGS84", 6, 17, 68, "full" },
        { "WGS84", 6, 17, 67, "edge" },
        { "GoogleMapsCompatible", 6, 23, 34, "full" },
        { "GoogleMapsCompatible", 6, 25, 34, "edge" },
    };

    [Theory]
    [MemberData(nameof(Tiles))]
    public async Task A_tile_equals_a_gdalwarp_reference_of_the_cog(string tms, int z, int row, int col, string kind)
    {
        var product = MapServicesFixture.Meris.Single(p => p.Key == "MER_FRS_1P_RGB_20060822_092058");
        var time = MapTestTools.Interval(product); // only this product is drawn (the MERIS swaths overlap)
        var dir = TestEnvironment.TempFolder("geo");
        using var http = fx.Client();
        var rest = await MapTestTools.GetOkAsync(http, MapTestTools.RestTile(Layer, Style, time, tms, z, row, col));
        var kvp = await MapTestTools.GetOkAsync(http, MapTestTools.KvpTile(Layer, Style, time, tms, z, row, col));
        Assert.Equal("image/png", rest.ContentType);
        Assert.Equal(rest.Data, kvp.Data);
        var tile = Path.Combine(dir, "tile.png");
        await File.WriteAllBytesAsync(tile, rest.Data);

        var (minX, minY, maxX, maxY) = MapTestTools.TileExtent(tms, z, col, row);
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var reference = Path.Combine(dir, "ref.tif");
        await Tools.RunAsync("gdalwarp", ["-q", "-r", "near", "-te", F(minX), F(minY), F(maxX), F(maxY), "-ts", "256", "256",
            "-t_srs", tms == "WGS84" ? "EPSG:4326" : "EPSG:3857", "-dstalpha", fx.CogOf(product), reference]);
        var (code, stdout, stderr) = await MapTestTools.PythonAsync(CompareScript, tile, reference, kind);
        Assert.True(code == 0, $"{tms}/{z}/{row}/{col}: {stdout}\n{stderr}");
    }

    /// <summary>Stacking check. argv: t0816 t0822 t0830 tInterval. Where the latest has data the interval tile is the
    /// latest's; where only older ones have data it is the newest of those; elsewhere transparent.</summary>
    private const string StackScript = MapTestTools.PythonRgba + """

        older, middle, latest, stack = (rgba(p) for p in sys.argv[1:5])
        for name, t in (('older', older), ('middle', middle), ('latest', latest)):
            assert (t[3] > 0).any(), f'premise: {name} has no data in this tile'
        top = latest[3] > 0
        assert (stack[:, top] == latest[:, top]).all(), 'the latest product is not on top'
        mid = ~top & (middle[3] > 0)
        assert mid.any() and (stack[:, mid] == middle[:, mid]).all(), 'the middle product is not under the latest'
        low = ~top & ~mid & (older[3] > 0)
        assert (stack[:, low] == older[:, low]).all(), 'the oldest product is not at the bottom'
        none = ~top & ~mid & ~low
        assert (stack[3, none] == 0).all(), 'pixels without any product are not transparent'
        print('OK')
        """;

    [Fact]
    public async Task The_meris_time_series_gives_one_tile_per_time_stacks_intervals_latest_on_top_and_defaults_to_the_latest()
    {
        // WGS84 5/8/34 (lon 11.25–16.875, lat 39.375–45) has data of all three MERIS products.
        const string tms = "WGS84";
        const int z = 5, row = 8, col = 34;
        var meris = MapServicesFixture.Meris;
        Assert.Equal(3, meris.Count);
        using var http = fx.Client();
        var dir = TestEnvironment.TempFolder("time");
        var files = new List<string>();
        var singles = new List<byte[]>();
        foreach (var p in meris)
        {
            var t = await MapTestTools.GetOkAsync(http, MapTestTools.RestTile(Layer, Style, MapTestTools.Interval(p), tms, z, row, col));
            singles.Add(t.Data);
            files.Add(Path.Combine(dir, $"{p.Key}.png"));
            await File.WriteAllBytesAsync(files[^1], t.Data);
        }
        Assert.NotEqual(singles[0], singles[1]);
        Assert.NotEqual(singles[1], singles[2]);
        Assert.NotEqual(singles[0], singles[2]);

        var all = $"{MapTestTools.Iso(meris[0].Begin)}/{MapTestTools.Iso(meris[^1].End)}";
        var rest = await MapTestTools.GetOkAsync(http, MapTestTools.RestTile(Layer, Style, all, tms, z, row, col));
        var kvp = await MapTestTools.GetOkAsync(http, MapTestTools.KvpTile(Layer, Style, all, tms, z, row, col));
        Assert.Equal(rest.Data, kvp.Data);
        files.Add(Path.Combine(dir, "interval.png"));
        await File.WriteAllBytesAsync(files[^1], rest.Data);
        var (code, stdout, stderr) = await MapTestTools.PythonAsync(StackScript, [.. files]);
        Assert.True(code == 0, $"{stdout}\n{stderr}");

        // No TIME (REST without the time segment, KVP without TIME) = the default = the latest product.
        var defaultRest = await MapTestTools.GetOkAsync(http, MapTestTools.RestTile(Layer, Style, null, tms, z, row, col));
        var defaultKvp = await MapTestTools.GetOkAsync(http, MapTestTools.KvpTile(Layer, Style, null, tms, z, row, col));
        Assert.Equal(singles[2], defaultRest.Data);
        Assert.Equal(singles[2], defaultKvp.Data);
    }

    private const string TransparentScript = MapTestTools.PythonRgba + """

        for path in sys.argv[1:]:
            t = rgba(path)
            assert t.shape == (4, 256, 256), (path, t.shape)
            assert t[3].max() == 0, f'{path}: {int((t[3] > 0).sum())} pixels are not transparent'
        print('OK')
        """;

    [Fact]
    public async Task Nodata_and_tiles_outside_every_swath_are_transparent()
    {
        var latest = MapServicesFixture.Meris[^1];
        using var http = fx.Client();
        var dir = TestEnvironment.TempFolder("nodata");
        var urls = new[]
        {
            // inside the collection's extent, outside the swath of MER_FRS_1P_RGB_20060830 (its time only)
            MapTestTools.RestTile(Layer, Style, MapTestTools.Interval(latest), "WGS84", 5, 9, 34),
            // far from every product (Pacific), both tile matrix sets
            MapTestTools.RestTile(Layer, Style, null, "WGS84", 4, 6, 2),
            MapTestTools.RestTile(Layer, Style, null, "GoogleMapsCompatible", 4, 7, 1),
        };
        var files = new List<string>();
        foreach (var url in urls)
        {
            var t = await MapTestTools.GetOkAsync(http, url);
            Assert.Equal("image/png", t.ContentType);
            files.Add(Path.Combine(dir, $"{files.Count}.png"));
            await File.WriteAllBytesAsync(files[^1], t.Data);
        }
        var (code, stdout, stderr) = await MapTestTools.PythonAsync(TransparentScript, [.. files]);
        Assert.True(code == 0, $"{stdout}\n{stderr}");
    }
}
