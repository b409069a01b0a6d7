using System.Text.Json;
using System.Text.RegularExpressions;

namespace Prism.Tests;

/// <summary>
/// Issue 3 "Must show", real clients: GDAL's WMTS driver and OWSLib read the capabilities of the real gateway and
/// fetch tiles and maps of every layer; both capabilities validate against the OGC XSDs; ogc_check.py passes.
/// </summary>
[Collection(MapServicesCollection.Name)]
public sealed partial class MapClientsTests(MapServicesFixture fx)
{
    public static TheoryData<string, string> RasterLayers()
    {
        var data = new TheoryData<string, string>();
        foreach (var layer in MapServicesFixture.ExpectedLayers.Where(l => !l.EndsWith("__outlines", StringComparison.Ordinal)))
        foreach (var tms in new[] { "GoogleMapsCompatible", "WGS84" })
            if (!(layer.StartsWith("WORLD_RGB", StringComparison.Ordinal) && tms == "GoogleMapsCompatible")) // see below
                data.Add(layer, tms);
        return data;
    }

    [Theory]
    [MemberData(nameof(RasterLayers))]
    public Task Gdal_wmts_driver_reads_a_non_blank_image_of_every_raster_layer(string layer, string tms) =>
        GdalWmtsAsync(layer, tms, []);

    /// <summary>The whole-world layer in GoogleMapsCompatible with GDAL's default extent: see the skip reason.</summary>
    [Theory]
    [InlineData("WORLD_RGB")]
    [InlineData("WORLD_RGB__GREY")]
    [InlineData("WORLD_RGB__TRUE_COLOR")]
    public Task Gdal_wmts_driver_reads_the_whole_world_layer_in_web_mercator_with_its_default_extent(string layer) =>
        GdalWmtsAsync(layer, "GoogleMapsCompatible", []);

    /// <summary>The same layers with an explicit window inside the web-mercator square (the tiles themselves are fine).</summary>
    [Theory]
    [InlineData("WORLD_RGB")]
    [InlineData("WORLD_RGB__GREY")]
    [InlineData("WORLD_RGB__TRUE_COLOR")]
    public Task Gdal_wmts_driver_reads_the_whole_world_layer_in_web_mercator_within_a_window(string layer) =>
        GdalWmtsAsync(layer, "GoogleMapsCompatible", ["-projwin", "-20000000", "20000000", "20000000", "-20000000"]);

    private async Task GdalWmtsAsync(string layer, string tms, string[] window)
    {
        var dir = TestEnvironment.TempFolder("gdal-wmts");
        var output = Path.Combine(dir, "out.png");
        var env = new Dictionary<string, string> { ["GDAL_DEFAULT_WMS_CACHE_PATH"] = Path.Combine(dir, "cache") };
        await Tools.RunAsync("gdal_translate", ["-q",
            $"WMTS:{fx.BaseUrl}/wmts/1.0.0/WMTSCapabilities.xml,layer={layer},tilematrixset={tms}",
            .. window, "-outsize", "256", "256", "-of", "PNG", output], env);
        using var info = JsonDocument.Parse(await Tools.RunAsync("gdalinfo", ["-json", "-stats", output]));
        var bands = info.RootElement.GetProperty("bands").EnumerateArray().ToList();
        Assert.Equal(4, bands.Count); // RGBA: the driver exposes the transparency
        double Stat(JsonElement b, string k) => b.GetProperty(k).GetDouble();
        Assert.True(Stat(bands[3], "maximum") > 0, $"{layer}/{tms}: fully transparent");
        Assert.True(bands.Take(3).Any(b => Stat(b, "stdDev") > 0), $"{layer}/{tms}: a uniform image");
    }

    private const string OwslibScript = MapTestTools.PythonRgba + """

        from owslib.wmts import WebMapTileService
        from owslib.wms import WebMapService
        base, expected = sys.argv[1], sorted(sys.argv[2].split(','))

        def check(data, what):
            gdal.FileFromMemBuffer('/vsimem/x.png', data)
            try:
                a = rgba('/vsimem/x.png')
            finally:
                gdal.Unlink('/vsimem/x.png')
            assert a.shape[1:] == (256, 256), (what, a.shape)
            assert a[3].max() > 0, what + ': fully transparent'
            assert (a[:3] * (a[3] > 0)).max() > 0 or a[:3].std() > 0, what + ': blank'

        wmts = WebMapTileService(base + '/wmts/1.0.0/WMTSCapabilities.xml')
        layers = sorted(wmts.contents)
        assert layers == expected, ('WMTS layers', layers, expected)
        tiles = 0
        for name in layers:
            layer = wmts.contents[name]
            for tms in ('WGS84', 'GoogleMapsCompatible'):
                limits = layer.tilematrixsetlinks[tms].tilematrixlimits
                z = '3' if '3' in limits else sorted(limits, key=int)[0]
                lim = limits[z]
                row, col = (lim.mintilerow + lim.maxtilerow) // 2, (lim.mintilecol + lim.maxtilecol) // 2
                r = wmts.gettile(layer=name, tilematrixset=tms, tilematrix=z, row=row, column=col, format='image/png')
                check(r.read(), f'WMTS {name} {tms} {z}/{row}/{col}')
                tiles += 1
        wms = WebMapService(base + '/ows', version='1.3.0')
        named = sorted(n for n in wms.contents if n)
        assert set(expected) <= set(named), ('WMS layers', named, expected)
        maps = 0
        for name in expected:
            minx, miny, maxx, maxy = wms.contents[name].boundingBoxWGS84[:4]
            r = wms.getmap(layers=[name], styles=[''], srs='CRS:84', bbox=(minx, miny, maxx, maxy),
                           size=(256, 256), format='image/png', transparent=True)
            check(r.read(), f'WMS {name}')
            maps += 1
        print(f'OK {tiles} tiles {maps} maps')
        """;

    [Fact]
    public async Task Owslib_lists_every_layer_and_fetches_a_tile_and_a_map_of_each()
    {
        var (code, stdout, stderr) = await MapTestTools.PythonAsync(OwslibScript, fx.BaseUrl, string.Join(',', MapServicesFixture.ExpectedLayers));
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains($"OK {MapServicesFixture.ExpectedLayers.Length * 2} tiles {MapServicesFixture.ExpectedLayers.Length} maps", stdout);
    }

    [GeneratedRegex(@"Max(TileRow|TileCol)\}?'?: '0' is not a valid value of the atomic type 'xs:positiveInteger'")]
    private static partial Regex KnownErratum();

    [Theory]
    [InlineData("/wmts/1.0.0/WMTSCapabilities.xml", "wmts/1.0/wmtsGetCapabilities_response.xsd")]
    [InlineData("/wmts?SERVICE=WMTS&REQUEST=GetCapabilities", "wmts/1.0/wmtsGetCapabilities_response.xsd")]
    [InlineData("/ows?SERVICE=WMTS&REQUEST=GetCapabilities", "wmts/1.0/wmtsGetCapabilities_response.xsd")]
    [InlineData("/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities", "wms/1.3.0/capabilities_1_3_0.xsd")]
    public async Task Capabilities_validate_against_the_ogc_schemas(string url, string schema)
    {
        using var http = fx.Client();
        var file = Path.Combine(TestEnvironment.TempFolder("maps-xsd"), "caps.xml");
        await File.WriteAllBytesAsync(file, await http.GetByteArrayAsync(url));
        var (code, _, stderr) = await MapTestTools.RunAsync("xmllint",
            ["--noout", "--nonet", "--schema", Path.Combine(MapTestTools.Schemas, "ogc", schema), file]);
        // The only error tolerated: the WMTS 1.0.0 schema types MaxTileRow/MaxTileCol as positiveInteger although a
        // one-tile level has maximum 0 (OGC erratum 13-083); exit 3 = "validation failed", anything else is an error.
        var errors = stderr.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) && !KnownErratum().IsMatch(l)).ToList();
        Assert.True(errors.Count == 0, string.Join('\n', errors.Take(10)));
        Assert.True(code == 0 || (code == 3 && KnownErratum().IsMatch(stderr)), $"xmllint exit {code}: {stderr[..Math.Min(2000, stderr.Length)]}");
    }

    [Fact]
    public async Task Ogc_check_passes_wms_and_wmts()
    {
        var script = Path.GetFullPath(Path.Combine(TestEnvironment.SharedData, "..", "ogc", "ogc_check.py"));
        var (code, stdout, stderr) = await MapTestTools.RunAsync("/usr/bin/python3", [script, $"{fx.BaseUrl}/ows?", "--services", "wms,wmts"]);
        var last = stdout.TrimEnd().Split('\n')[^1];
        var failures = string.Join('\n', stdout.Split('\n').Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)));
        Assert.True(code == 0, $"exit {code}; {last}\n{failures}\n{stderr}");
        Assert.Matches(@"^\d+ passed, 0 failed, \d+ skipped$", last);
        Assert.DoesNotMatch(@"^0 passed", last);
    }
}
