using System.Globalization;
using System.Xml.Linq;
using Prism.Gateway.Ows.Wcs;

namespace Prism.Tests.Wcs;

[Collection(WcsCollection.Name)]
public sealed class WcsGetCoverageTests(WcsServer server)
{
    private (Prism.Catalog.ProductRecord P, Prism.Catalog.CoverageRecord C) Meris =>
        server.Products.Where(p => p.ProductType.StartsWith("MER", StringComparison.Ordinal)).OrderBy(p => p.BeginTime)
            .Select(p => (p, p.Coverages.Single())).First();

    private static string F(double v) => Cli.F(v);

    private async Task<string> SaveAsync(byte[] data, string ext)
    {
        var path = Path.Combine(server.Folder, $"out-{Guid.NewGuid():N}.{ext}");
        await File.WriteAllBytesAsync(path, data);
        return path;
    }

    private static async Task<(int W, int H, int Bands, int[] Checksums, double[]? Gt, string Driver)> InfoAsync(string path)
    {
        var json = await Cli.OkAsync("gdalinfo", ["-json", "-checksum", path]);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var r = doc.RootElement;
        var size = r.GetProperty("size").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var bands = r.GetProperty("bands").EnumerateArray().Select(b => b.GetProperty("checksum").GetInt32()).ToArray();
        double[]? gt = r.TryGetProperty("geoTransform", out var g) ? g.EnumerateArray().Select(e => e.GetDouble()).ToArray() : null;
        return (size[0], size[1], bands.Length, bands, gt, r.GetProperty("driverShortName").GetString()!);
    }

    [Fact]
    public async Task A_trimmed_GeoTIFF_equals_the_source_pixels_of_the_COG_over_the_subset()
    {
        var (_, c) = Meris;
        var gt = c.GeoTransform;
        var (col, row, w, h) = (100, 60, 256, 200);
        // Cell edges of the window, with the subset a quarter cell inside (cells whose area intersects are kept).
        var lon0 = gt[0] + (col + 0.25) * gt[1];
        var lon1 = gt[0] + (col + w - 0.25) * gt[1];
        var lat1 = gt[3] + (row + 0.25) * gt[5];
        var lat0 = gt[3] + (row + h - 0.25) * gt[5];
        var id = WcsIds.Encode(c.Identifier);
        var body = await server.GetBytesAsync($"SERVICE=WCS&VERSION=2.0.1&REQUEST=GetCoverage&COVERAGEID={id}&FORMAT=image/tiff" +
            $"&SUBSET=Lat({F(lat0)},{F(lat1)})&SUBSET=Long({F(lon0)},{F(lon1)})");
        var got = await InfoAsync(await SaveAsync(body, "tif"));
        var reference = Path.Combine(server.Folder, $"ref-{Guid.NewGuid():N}.tif");
        await Cli.OkAsync("gdal_translate", ["-q", "-srcwin", $"{col}", $"{row}", $"{w}", $"{h}", server.CogPath(c), reference]);
        var expected = await InfoAsync(reference);
        Assert.Equal("GTiff", got.Driver);
        Assert.Equal((w, h), (got.W, got.H));
        Assert.Equal(expected.Checksums, got.Checksums);
        Assert.Equal(expected.Gt!, got.Gt!);
    }

    [Fact]
    public async Task Slices_scaling_range_subsetting_and_formats()
    {
        var (_, c) = Meris;
        var id = WcsIds.Encode(c.Identifier);
        var gt = c.GeoTransform;
        var baseQ = $"SERVICE=WCS&VERSION=2.0.1&REQUEST=GetCoverage&COVERAGEID={id}";

        // A slice on Lat: one row of cells.
        var lat = gt[3] + 10.5 * gt[5];
        var slice = await InfoAsync(await SaveAsync(await server.GetBytesAsync($"{baseQ}&SUBSET=Lat({F(lat)})"), "tif"));
        Assert.Equal((c.Width, 1), (slice.W, slice.H));
        var reference = Path.Combine(server.Folder, $"ref-{Guid.NewGuid():N}.tif");
        await Cli.OkAsync("gdal_translate", ["-q", "-srcwin", "0", "10", $"{c.Width}", "1", server.CogPath(c), reference]);
        Assert.Equal((await InfoAsync(reference)).Checksums, slice.Checksums);

        // scalesize and scalefactor
        var sized = await InfoAsync(await SaveAsync(await server.GetBytesAsync($"{baseQ}&SCALESIZE=Long(100),Lat(50)"), "tif"));
        Assert.Equal((100, 50), (sized.W, sized.H));
        var halved = await InfoAsync(await SaveAsync(await server.GetBytesAsync($"{baseQ}&SCALEFACTOR=2"), "tif"));
        Assert.Equal(((int)Math.Round(c.Width / 2.0), (int)Math.Round(c.Height / 2.0)), (halved.W, halved.H));
        var axes = await InfoAsync(await SaveAsync(await server.GetBytesAsync($"{baseQ}&SCALEAXES=i(1),j(4)"), "tif"));
        Assert.Equal((c.Width, (int)Math.Round(c.Height / 4.0)), (axes.W, axes.H));

        // rangesubset: bands by name, in the requested order
        var names = c.Bands.Select(b => WcsIds.Encode(b.Name)).ToArray();
        var full = await InfoAsync(await SaveAsync(await server.GetBytesAsync(baseQ), "tif"));
        var picked = await InfoAsync(await SaveAsync(await server.GetBytesAsync($"{baseQ}&RANGESUBSET={names[2]},{names[0]}"), "tif"));
        Assert.Equal([full.Checksums[2], full.Checksums[0]], picked.Checksums);
        var ranged = await InfoAsync(await SaveAsync(await server.GetBytesAsync($"{baseQ}&RANGESUBSET={names[0]}:{names[1]}"), "tif"));
        Assert.Equal(full.Checksums[..2], ranged.Checksums);

        // PNG and JPEG decode with GDAL and have the cut's size
        using (var r = await server.GetAsync($"{baseQ}&FORMAT=image/png&SCALESIZE=Long(64),Lat(32)"))
        {
            Assert.Equal("image/png", r.Content.Headers.ContentType!.MediaType);
            Assert.Equal("*", r.Headers.GetValues("Access-Control-Allow-Origin").Single());
            var png = await InfoAsync(await SaveAsync(await r.Content.ReadAsByteArrayAsync(), "png"));
            Assert.Equal(("PNG", 64, 32, 3), (png.Driver, png.W, png.H, png.Bands));
        }
        var jpeg = await InfoAsync(await SaveAsync(await server.GetBytesAsync($"{baseQ}&FORMAT=image/jpeg"), "jpg"));
        Assert.Equal(("JPEG", c.Width, c.Height), (jpeg.Driver, jpeg.W, jpeg.H));

        // outputCrs: Web Mercator GeoTIFF
        var merc = Path.Combine(server.Folder, $"m-{Guid.NewGuid():N}.tif");
        await File.WriteAllBytesAsync(merc, await server.GetBytesAsync($"{baseQ}&OUTPUTCRS=http://www.opengis.net/def/crs/EPSG/0/3857"));
        var mercInfo = await Cli.OkAsync("gdalsrsinfo", ["-o", "epsg", merc]);
        Assert.Contains("3857", mercInfo);

        // multipart/related: GML description then the GeoTIFF
        using (var r = await server.GetAsync($"{baseQ}&SCALEFACTOR=4&MEDIATYPE=multipart/related"))
        {
            Assert.Equal("multipart/related", r.Content.Headers.ContentType!.MediaType);
            var text = System.Text.Encoding.Latin1.GetString(await r.Content.ReadAsByteArrayAsync());
            Assert.Contains("application/gml+xml", text);
            Assert.Contains("Content-Type: image/tiff", text);
        }
    }

    [Fact]
    public async Task GDALs_WCS_driver_fetches_a_coverage_that_matches_the_COG()
    {
        var (_, c) = Meris;
        var id = WcsIds.Encode(c.Identifier);
        var cache = Path.Combine(server.Folder, $"gdalwcs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(cache);
        var output = Path.Combine(server.Folder, $"gdal-{Guid.NewGuid():N}.tif");
        await Cli.OkAsync("gdal_translate", ["-q", "-oo", $"CACHE={cache}", $"WCS:{server.Ows}?version=2.0.1&coverage={id}", output]);
        var got = await InfoAsync(output);
        var expected = await InfoAsync(server.CogPath(c));
        Assert.Equal((c.Width, c.Height), (got.W, got.H));
        Assert.Equal(expected.Checksums, got.Checksums);
        for (var i = 0; i < 6; i++) Assert.Equal(expected.Gt![i], got.Gt![i], 9);

        // A window through the driver (-srcwin on the WCS dataset) equals the same window of the COG.
        var win = Path.Combine(server.Folder, $"gdalwin-{Guid.NewGuid():N}.tif");
        await Cli.OkAsync("gdal_translate", ["-q", "-oo", $"CACHE={cache}", "-srcwin", "50", "40", "128", "96", $"WCS:{server.Ows}?version=2.0.1&coverage={id}", win]);
        var reference = Path.Combine(server.Folder, $"ref-{Guid.NewGuid():N}.tif");
        await Cli.OkAsync("gdal_translate", ["-q", "-srcwin", "50", "40", "128", "96", server.CogPath(c), reference]);
        Assert.Equal((await InfoAsync(reference)).Checksums, (await InfoAsync(win)).Checksums);
    }

    public static TheoryData<string, string, int, string?> Errors => new()
    {
        { "REQUEST=GetCoverage&COVERAGEID=no_such_coverage", "NoSuchCoverage", 404, "no_such_coverage" },
        { "REQUEST=DescribeCoverage&COVERAGEID=no_such_coverage", "NoSuchCoverage", 404, "no_such_coverage" },
        { "REQUEST=GetCoverage", "MissingParameterValue", 400, "coverageId" },
        { "REQUEST=DescribeCoverage", "MissingParameterValue", 400, "coverageId" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&SUBSET=no_such_axis(0,1)", "InvalidAxisLabel", 404, "no_such_axis" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&SUBSET=Long(170,175)", "InvalidSubsetting", 404, "Long" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&SUBSET=Lat(40,30)", "InvalidSubsetting", 404, "Lat" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&SUBSET=Lat(89)", "InvalidSubsetting", 404, "Lat" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&SUBSET=Lat(30,40)&SUBSET=Lat(31,39)", "InvalidSubsetting", 404, "Lat" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&SUBSET=Lat(abc,40)", "InvalidSubsetting", 404, "Lat" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&SUBSET=Lat[30,40]", "InvalidEncodingSyntax", 400, "subset" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&SCALEFACTOR=0", "InvalidScaleFactor", 400, "scalefactor" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&SCALEFACTOR=NaN", "InvalidScaleFactor", 400, "scalefactor" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&SCALEAXES=time(2)", "ScaleAxisUndefined", 404, "time" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&SCALESIZE=Lat(-5)", "InvalidScaleFactor", 400, "Lat" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&SCALESIZE=Long(100000),Lat(10)", "InvalidParameterValue", 400, "scalesize" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&SCALEFACTOR=2&SCALESIZE=Lat(10)", "InvalidParameterValue", 400, "scaling" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&SCALEEXTENT=Lat(1:2)", "OptionNotSupported", 501, "scaleextent" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&RANGESUBSET=no_such_band", "NoSuchField", 404, "no_such_band" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&FORMAT=image/gif", "InvalidParameterValue", 400, "format" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&MEDIATYPE=text/plain", "InvalidParameterValue", 400, "mediaType" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&OUTPUTCRS=EPSG:999999", "InvalidParameterValue", 400, "outputCrs" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&OUTPUTCRS=nonsense", "InvalidParameterValue", 400, "outputCrs" },
        { "REQUEST=GetCoverage&COVERAGEID={id}&SUBSETTINGCRS=http://www.opengis.net/def/crs/EPSG/0/32633", "InvalidParameterValue", 400, "subsettingCrs" },
        { "REQUEST=DescribeEOCoverageSet", "MissingParameterValue", 400, "eoid" },
        { "REQUEST=DescribeEOCoverageSet&eoId=nothing_here", "NoSuchDatasetSeriesOrCoverage", 404, "eoId" },
        { "REQUEST=DescribeEOCoverageSet&eoId={id}&subset=height(1,2)", "InvalidAxisLabel", 404, "height" },
        { "REQUEST=DescribeEOCoverageSet&eoId={id}&subset=phenomenonTime(%222007-01-01%22,%222006-01-01%22)", "InvalidSubsetting", 404, "phenomenonTime" },
        { "REQUEST=DescribeEOCoverageSet&eoId={id}&subset=phenomenonTime(%22yesterday%22,%222006-01-01%22)", "InvalidSubsetting", 404, "phenomenonTime" },
        { "REQUEST=DescribeEOCoverageSet&eoId={id}&count=-1", "InvalidParameterValue", 400, "count" },
        { "REQUEST=DescribeEOCoverageSet&eoId={id}&containment=touches", "InvalidParameterValue", 400, "containment" },
        { "REQUEST=NoSuchOperation", "OperationNotSupported", 501, "request" },
        { "REQUEST=GetCapabilities&ACCEPTVERSIONS=9.9.9", "VersionNegotiationFailed", 400, "acceptversions" },
        { "VERSION=", "MissingParameterValue", 400, "request" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Errors_are_OWS_2_exception_reports_with_code_locator_status_and_CORS(string query, string code, int status, string? locator)
    {
        var (_, c) = Meris;
        var q = "SERVICE=WCS&" + (query.Contains("VERSION=", StringComparison.Ordinal) ? "" : "VERSION=2.0.1&") + query.Replace("{id}", WcsIds.Encode(c.Identifier), StringComparison.Ordinal);
        using var r = await server.GetAsync(q);
        var body = await r.Content.ReadAsByteArrayAsync();
        var text = System.Text.Encoding.UTF8.GetString(body);
        Assert.True((int)r.StatusCode == status, $"HTTP {(int)r.StatusCode} (expected {status}) for {q}: {text}");
        Assert.Equal("*", r.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("xml", r.Content.Headers.ContentType!.MediaType!, StringComparison.Ordinal);
        var doc = XDocument.Parse(text);
        XNamespace ows = "http://www.opengis.net/ows/2.0";
        Assert.Equal(ows + "ExceptionReport", doc.Root!.Name);
        var e = doc.Root.Element(ows + "Exception")!;
        Assert.Equal(code, e.Attribute("exceptionCode")!.Value);
        Assert.Equal(locator, e.Attribute("locator")?.Value, StringComparer.OrdinalIgnoreCase);
        await Cli.ValidateAsync(body, "ows/2.0/owsExceptionReport.xsd", "exception");
    }

    [Fact]
    public async Task Missing_version_is_refused_for_operations_other_than_GetCapabilities()
    {
        using var r = await server.GetAsync($"SERVICE=WCS&REQUEST=DescribeCoverage&COVERAGEID={WcsIds.Encode(Meris.C.Identifier)}");
        Assert.Equal(400, (int)r.StatusCode);
        Assert.Contains("MissingParameterValue", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var caps = await server.GetAsync("SERVICE=WCS&REQUEST=GetCapabilities");
        Assert.Equal(200, (int)caps.StatusCode);
    }

    [Fact]
    public async Task The_shared_ogc_check_passes_for_WCS()
    {
        var script = Path.GetFullPath(Path.Combine(Cli.SchemaDir, "..", "ogc_check.py"));
        var (code, output, err) = await Cli.RunAsync("/usr/bin/python3", [script, server.Ows + "?", "--services", "wcs", "--strict-http"]);
        var failures = output.Split('\n').Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)).ToList();
        Assert.True(code == 0 && failures.Count == 0, $"ogc_check failed ({code}):\n{string.Join('\n', failures)}\n{err}");
        Assert.Contains("0 failed", output, StringComparison.Ordinal);
    }
}

/// <summary>A coverage in a projected CRS (UTM 34N): E/N axes, native subsets, EPSG:4326 subsets.</summary>
[Collection(WcsCollection.Name)]
public sealed class WcsProjectedCoverageTests(WcsServer server)
{
    private Prism.Catalog.CoverageRecord Coverage =>
        server.Products.Single(p => p.Identifier == WcsServer.ProjectedId).Coverages.Single();

    private static string F(double v) => Cli.F(v);

    private async Task<string> SaveAsync(byte[] data)
    {
        var path = Path.Combine(server.Folder, $"utm-{Guid.NewGuid():N}.tif");
        await File.WriteAllBytesAsync(path, data);
        return path;
    }

    private static async Task<(int W, int H, string Checksums, string Gt, string Crs)> InfoAsync(string path)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(await Cli.OkAsync("gdalinfo", ["-json", "-checksum", path]));
        var r = doc.RootElement;
        var size = r.GetProperty("size").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var sums = string.Join(',', r.GetProperty("bands").EnumerateArray().Select(b => b.GetProperty("checksum").GetInt32()));
        var gt = string.Join(',', r.GetProperty("geoTransform").EnumerateArray().Select(e => e.GetDouble().ToString("R", CultureInfo.InvariantCulture)));
        var crs = r.GetProperty("coordinateSystem").GetProperty("wkt").GetString()!;
        return (size[0], size[1], sums, gt, crs);
    }

    [Fact]
    public async Task The_description_names_the_projected_crs_and_its_E_N_axes()
    {
        var xml = XDocument.Parse(System.Text.Encoding.UTF8.GetString(await server.GetBytesAsync(
            $"SERVICE=WCS&VERSION=2.0.1&REQUEST=DescribeCoverage&COVERAGEID={WcsIds.Encode(Coverage.Identifier)}")));
        XNamespace gml = "http://www.opengis.net/gml/3.2";
        var envelope = xml.Descendants(gml + "boundedBy").First().Element(gml + "Envelope")!;
        Assert.Equal("http://www.opengis.net/def/crs/EPSG/0/32634", envelope.Attribute("srsName")!.Value);
        Assert.Equal("E N", envelope.Attribute("axisLabels")!.Value);
        var gt = Coverage.GeoTransform;
        var lower = envelope.Element(gml + "lowerCorner")!.Value.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(gt[0], lower[0], 6);
        Assert.Equal(gt[3] + Coverage.Height * gt[5], lower[1], 6);
    }

    [Fact]
    public async Task A_native_E_N_trim_equals_the_source_pixels_of_the_COG()
    {
        var c = Coverage;
        var gt = c.GeoTransform;
        var (col, row, w, h) = (500, 700, 200, 150);
        var e0 = gt[0] + (col + 0.25) * gt[1];
        var e1 = gt[0] + (col + w - 0.25) * gt[1];
        var n1 = gt[3] + (row + 0.25) * gt[5];
        var n0 = gt[3] + (row + h - 0.25) * gt[5];
        var got = await InfoAsync(await SaveAsync(await server.GetBytesAsync(
            $"SERVICE=WCS&VERSION=2.0.1&REQUEST=GetCoverage&COVERAGEID={WcsIds.Encode(c.Identifier)}&FORMAT=image/tiff" +
            $"&SUBSET=E({F(e0)},{F(e1)})&SUBSET=N({F(n0)},{F(n1)})")));
        var reference = Path.Combine(server.Folder, $"utm-ref-{Guid.NewGuid():N}.tif");
        await Cli.OkAsync("gdal_translate", ["-q", "-srcwin", $"{col}", $"{row}", $"{w}", $"{h}", server.CogPath(c), reference]);
        var expected = await InfoAsync(reference);
        Assert.Equal((w, h), (got.W, got.H));
        Assert.Equal(expected.Checksums, got.Checksums);
        Assert.Equal(expected.Gt, got.Gt);
        Assert.Contains("UTM zone 34N", got.Crs);
    }

    [Fact]
    public async Task A_lat_long_subset_in_the_native_output_crs_equals_gdal_projwin()
    {
        var c = Coverage;
        var got = await InfoAsync(await SaveAsync(await server.GetBytesAsync(
            $"SERVICE=WCS&VERSION=2.0.1&REQUEST=GetCoverage&COVERAGEID={WcsIds.Encode(c.Identifier)}&FORMAT=image/tiff" +
            "&SUBSETTINGCRS=http://www.opengis.net/def/crs/EPSG/0/4326&OUTPUTCRS=http://www.opengis.net/def/crs/EPSG/0/32634" +
            "&SUBSET=Lat(40,42)&SUBSET=Long(20,23)")));
        var reference = Path.Combine(server.Folder, $"utm-ref-{Guid.NewGuid():N}.tif");
        await Cli.OkAsync("gdal_translate", ["-q", "-projwin_srs", "EPSG:4326", "-projwin", "20", "42", "23", "40", server.CogPath(c), reference]);
        var expected = await InfoAsync(reference);
        Assert.Contains("UTM zone 34N", got.Crs);
        Assert.Equal((expected.W, expected.H), (got.W, got.H));
        Assert.Equal(expected.Checksums, got.Checksums);
        Assert.Equal(expected.Gt, got.Gt);
    }

    [Fact]
    public async Task A_lat_long_subset_without_output_crs_comes_out_in_the_subsetting_crs()
    {
        var got = await InfoAsync(await SaveAsync(await server.GetBytesAsync(
            $"SERVICE=WCS&VERSION=2.0.1&REQUEST=GetCoverage&COVERAGEID={WcsIds.Encode(Coverage.Identifier)}&FORMAT=image/tiff" +
            "&SUBSETTINGCRS=http://www.opengis.net/def/crs/EPSG/0/4326&SUBSET=Lat(40,42)&SUBSET=Long(20,23)")));
        Assert.Contains("WGS 84", got.Crs);
        Assert.DoesNotContain("UTM", got.Crs);
        var gt = got.Gt.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        // The output covers the requested box (within a cell).
        Assert.InRange(gt[0], 19.9, 20.05);
        Assert.InRange(gt[3], 41.95, 42.1);
        Assert.InRange(gt[0] + got.W * gt[1], 22.95, 23.1);
        Assert.InRange(gt[3] + got.H * gt[5], 39.9, 40.05);
    }
}
