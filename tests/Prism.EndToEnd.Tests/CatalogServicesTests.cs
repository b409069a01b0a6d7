using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Prism.Tests;

/// <summary>
/// Issue 4 "Must show" on the real gateway process with the sample products ingested by the real pipeline (the shared
/// <see cref="MapServicesFixture"/>): ogc_check.py over WMS/WMTS/WCS and the OpenSearch description, OWSLib and GDAL's
/// WCS driver against WCS 2.0.1, EO-WCS DescribeEOCoverageSet with a time subset, OpenSearch filters in Atom and
/// GeoJSON, STAC search equal to OpenSearch for the same filter, and STAC responses valid against the STAC schemas.
/// </summary>
[Collection(MapServicesCollection.Name)]
public sealed class CatalogServicesTests(MapServicesFixture fx)
{
    private static readonly string[] Collections = ["ASA_WSM_1P", "MER_FRS_1P", "WORLD_RGB"];

    private static SampleProduct Product(string keyPrefix) =>
        SampleProduct.All.Single(p => p.Key.StartsWith(keyPrefix, StringComparison.Ordinal));

    private static string[] Identifiers(string keys) =>
        keys.Length == 0 ? [] : keys.Split(',').Select(k => Product(k).Identifier).Order(StringComparer.Ordinal).ToArray();

    // ---------------------------------------------------------------- ogc_check.py

    [Fact]
    public async Task Ogc_check_passes_wms_wmts_wcs_and_opensearch()
    {
        var script = Path.GetFullPath(Path.Combine(TestEnvironment.SharedData, "..", "ogc", "ogc_check.py"));
        var (code, stdout, stderr) = await MapTestTools.RunAsync("/usr/bin/python3",
            [script, $"{fx.BaseUrl}/ows?", "--services", "wms,wmts,wcs", "--opensearch", $"{fx.BaseUrl}/opensearch/"]);
        var last = stdout.TrimEnd().Split('\n')[^1];
        var failures = string.Join('\n', stdout.Split('\n').Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)));
        Assert.True(code == 0, $"exit {code}; {last}\n{failures}\n{stderr}");
        Assert.Matches(@"^\d+ passed, 0 failed, \d+ skipped$", last);
        Assert.DoesNotMatch(@"^0 passed", last);
        // Every service really was exercised, the WCS and OpenSearch ones included.
        Assert.Contains(stdout.Split('\n'), l => l.StartsWith("PASS wcs.", StringComparison.Ordinal));
        Assert.Contains(stdout.Split('\n'), l => l.StartsWith("PASS opensearch.", StringComparison.Ordinal));
    }

    // ---------------------------------------------------------------- WCS 2.0.1: OWSLib and GDAL

    private const string OwslibWcsScript = """
        import sys, json
        from owslib.wcs import WebCoverageService
        base, expected = sys.argv[1], json.loads(sys.argv[2])
        wcs = WebCoverageService(base + '/ows', version='2.0.1')
        assert wcs.version == '2.0.1', wcs.version
        ids = sorted(wcs.contents)
        assert ids == sorted(expected), ('coverages', ids, sorted(expected))
        ns = {'wcs': 'http://www.opengis.net/wcs/2.0', 'swe': 'http://www.opengis.net/swe/2.0'}
        for cid, (width, height, bands) in expected.items():
            c = wcs.contents[cid]
            assert 'image/tiff' in c.supportedFormats, (cid, c.supportedFormats)
            assert [int(v) for v in c.grid.lowlimits] == [0, 0], (cid, c.grid.lowlimits)
            assert [int(v) for v in c.grid.highlimits] == [width - 1, height - 1], (cid, c.grid.highlimits, width, height)
            d = wcs.getDescribeCoverage(cid)
            described = [e.text for e in d.findall('.//wcs:CoverageId', ns)]
            assert described == [cid], (cid, described)
            fields = d.findall('.//swe:field', ns)
            assert len(fields) == bands, (cid, len(fields), bands)
        print(f'OK {len(expected)} coverages described')
        """;

    [Fact]
    public async Task Owslib_reads_the_wcs_capabilities_and_every_coverage_description()
    {
        var expected = new JsonObject();
        foreach (var p in SampleProduct.All)
        {
            using var info = await Tools.InfoAsync(fx.CogOf(p));
            var size = info.RootElement.GetProperty("size");
            expected[p.Identifier] = new JsonArray(size[0].GetInt32(), size[1].GetInt32(), info.RootElement.GetProperty("bands").GetArrayLength());
        }
        var (code, stdout, stderr) = await MapTestTools.PythonAsync(OwslibWcsScript, fx.BaseUrl, expected.ToJsonString());
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains($"OK {SampleProduct.All.Count} coverages described", stdout);
    }

    public static TheoryData<string, int, int, int, int> GdalWindows() => new()
    {
        { "MER_FRS_1P_RGB_20060816", 100, 50, 64, 32 },
        { "MER_FRS_1P_RGB_20060822", 0, 0, 200, 150 },
        { "MER_FRS_1P_RGB_20060830", 300, 200, 120, 90 },
        { "WORLD_RGB", 256, 64, 100, 100 },
    };

    /// <summary>GDAL's WCS driver fetches a window of the coverage; it equals the same window of the published COG.</summary>
    [Theory]
    [MemberData(nameof(GdalWindows))]
    public async Task Gdal_wcs_driver_fetches_the_source_pixels_of_a_window(string key, int x, int y, int w, int h)
    {
        var p = Product(key);
        var dir = TestEnvironment.TempFolder("gdal-wcs");
        var env = new Dictionary<string, string> { ["GDAL_DEFAULT_WMS_CACHE_PATH"] = Path.Combine(dir, "cache") };
        string[] window = ["-srcwin", $"{x}", $"{y}", $"{w}", $"{h}"];
        var fromWcs = Path.Combine(dir, "wcs.tif");
        await Tools.RunAsync("gdal_translate", ["-q", $"WCS:{fx.BaseUrl}/ows?version=2.0.1&coverage={p.Identifier}", .. window, fromWcs], env);
        var fromCog = Path.Combine(dir, "cog.tif");
        await Tools.RunAsync("gdal_translate", ["-q", fx.CogOf(p), .. window, fromCog]);

        using var wcsInfo = await Tools.InfoAsync(fromWcs);
        using var cogInfo = await Tools.InfoAsync(fromCog);
        Assert.Equal(cogInfo.RootElement.GetProperty("size").ToString(), wcsInfo.RootElement.GetProperty("size").ToString());
        var wcsGt = wcsInfo.RootElement.GetProperty("geoTransform").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var cogGt = cogInfo.RootElement.GetProperty("geoTransform").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (var i = 0; i < 6; i++) Assert.Equal(cogGt[i], wcsGt[i], 1e-9);
        var cogSums = await Tools.ChecksumsAsync(fromCog);
        Assert.NotEmpty(cogSums);
        Assert.Equal(cogSums, await Tools.ChecksumsAsync(fromWcs));
    }

    // ---------------------------------------------------------------- EO-WCS DescribeEOCoverageSet

    public static TheoryData<string, string, string> MerisIntervals() => new()
    {
        // start, end, the MERIS products (by date) inside: 16, 22, 30 August 2006
        { "2006-08-15T00:00:00Z", "2006-08-17T00:00:00Z", "20060816" },
        { "2006-08-15T00:00:00Z", "2006-08-23T00:00:00Z", "20060816,20060822" },
        { "2006-08-22T09:22:00Z", "2006-08-31T00:00:00Z", "20060822,20060830" },
        { "2006-08-30T10:10:00Z", "2006-08-30T10:11:00Z", "20060830" },
    };

    [Theory]
    [MemberData(nameof(MerisIntervals))]
    public async Task Describe_eo_coverage_set_of_meris_with_a_time_subset_returns_exactly_its_products(string start, string end, string dates)
    {
        var expected = dates.Split(',').Select(d => Product($"MER_FRS_1P_RGB_{d}").Identifier).Order(StringComparer.Ordinal).ToArray();
        // The interval really selects these products (checked against the sample metadata, not the server).
        var meris = MapServicesFixture.Meris.Where(p => p.Begin <= DateTimeOffset.Parse(end, CultureInfo.InvariantCulture)
                                                     && p.End >= DateTimeOffset.Parse(start, CultureInfo.InvariantCulture))
            .Select(p => p.Identifier).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, meris);

        using var http = fx.Client();
        var url = "/ows?service=WCS&version=2.0.1&request=DescribeEOCoverageSet&eoId=MER_FRS_1P&subset="
                  + Uri.EscapeDataString($"phenomenonTime(\"{start}\",\"{end}\")");
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {body}");
        var doc = XDocument.Parse(body);
        XNamespace wcs = "http://www.opengis.net/wcs/2.0", wcseo = "http://www.opengis.net/wcs/wcseo/1.0";
        Assert.Equal(wcseo + "EOCoverageSetDescription", doc.Root!.Name);
        var ids = doc.Root.Elements(wcs + "CoverageDescriptions").Elements(wcs + "CoverageDescription")
            .Select(d => d.Element(wcs + "CoverageId")!.Value).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, ids);
    }

    // ---------------------------------------------------------------- OpenSearch and STAC search

    /// <summary>
    /// An OpenSearch product query (searched in every collection), the STAC search query for the same filter (null when
    /// STAC item search cannot express it: timerel other than intersects, platform) and the expected product keys.
    /// </summary>
    public static TheoryData<string, string?, string> Filters() => new()
    {
        { "bbox=16,-36,22,-32", "bbox=16,-36,22,-32", "ASA_WSM_1P,WORLD_RGB" },
        { "bbox=26,40,27,41", "bbox=26,40,27,41", "MER_FRS_1P_RGB_20060816,WORLD_RGB" },
        { "bbox=-3,33,0,35", "bbox=-3,33,0,35", "MER_FRS_1P_RGB_20060830,WORLD_RGB" },
        { "bbox=9,40,10,41", "bbox=9,40,10,41", "MER_FRS_1P_RGB_20060822,MER_FRS_1P_RGB_20060830,WORLD_RGB" },
        { "bbox=150,-10,160,0", "bbox=150,-10,160,0", "WORLD_RGB" },
        { "start=2006-08-16T00:00:00Z&end=2006-08-23T00:00:00Z", "datetime=2006-08-16T00:00:00Z/2006-08-23T00:00:00Z",
            "MER_FRS_1P_RGB_20060816,MER_FRS_1P_RGB_20060822" },
        { "start=2006-08-16T09:10:00Z&end=2006-08-30T10:10:00Z&timerel=intersects",
            "datetime=2006-08-16T09:10:00Z/2006-08-30T10:10:00Z", "MER_FRS_1P_RGB_20060816,MER_FRS_1P_RGB_20060822,MER_FRS_1P_RGB_20060830" },
        { "start=2006-08-16T09:10:00Z&end=2006-08-30T10:10:00Z&timerel=during", null, "MER_FRS_1P_RGB_20060822" },
        { "start=2006-08-22T09:21:00Z&end=2006-08-22T09:22:00Z&timerel=contains", null, "MER_FRS_1P_RGB_20060822" },
        { "start=2006-08-22T09:20:58Z&end=2006-08-22T09:24:15Z&timerel=equals", null, "MER_FRS_1P_RGB_20060822" },
        { "start=2005-01-01T00:00:00Z&end=2019-12-31T00:00:00Z&timerel=disjoint", null, "WORLD_RGB" },
        { "start=2006-08-01T00:00:00Z&end=2006-08-31T00:00:00Z&timerel=disjoint", null, "ASA_WSM_1P,WORLD_RGB" },
        { "productType=MER_FRS_1P", "collections=MER_FRS_1P",
            "MER_FRS_1P_RGB_20060816,MER_FRS_1P_RGB_20060822,MER_FRS_1P_RGB_20060830" },
        { "productType=ASA_WSM_1P", "collections=ASA_WSM_1P", "ASA_WSM_1P" },
        { "platform=ENVISAT", null, "ASA_WSM_1P,MER_FRS_1P_RGB_20060816,MER_FRS_1P_RGB_20060822,MER_FRS_1P_RGB_20060830" },
        { "platform=DEMO", null, "WORLD_RGB" },
        { "uid={MER_FRS_1P_RGB_20060822}", "ids={MER_FRS_1P_RGB_20060822}", "MER_FRS_1P_RGB_20060822" },
        { "uid={ASA_WSM_1P}", "ids={ASA_WSM_1P}", "ASA_WSM_1P" },
        { "bbox=9,40,10,41&start=2006-08-25T00:00:00Z&end=2006-09-01T00:00:00Z",
            "bbox=9,40,10,41&datetime=2006-08-25T00:00:00Z/2006-09-01T00:00:00Z", "MER_FRS_1P_RGB_20060830" },
        { "productType=MER_FRS_1P&bbox=26,40,27,41", "collections=MER_FRS_1P&bbox=26,40,27,41", "MER_FRS_1P_RGB_20060816" },
    };

    /// <summary>Replaces <c>{KEY}</c> by the identifier of the sample product whose key starts with KEY (URL-escaped).</summary>
    private static string Resolve(string query) =>
        System.Text.RegularExpressions.Regex.Replace(query, @"\{([A-Za-z0-9_]+)\}", m => Uri.EscapeDataString(Product(m.Groups[1].Value).Identifier));

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task OpenSearch_atom_and_geojson_and_stac_search_return_exactly_the_expected_products(string openSearch, string? stac, string keys)
    {
        var expected = Identifiers(keys);
        var query = Resolve(openSearch);
        using var http = fx.Client();
        var atom = new List<string>();
        var json = new List<string>();
        foreach (var c in Collections)
        {
            atom.AddRange(await AtomIdsAsync(http, $"/opensearch/collections/{c}/atom/?{query}&count=50"));
            json.AddRange(await GeoJsonIdsAsync(http, $"/opensearch/collections/{c}/json/?{query}&count=50"));
        }
        Assert.Equal(expected, atom.Order(StringComparer.Ordinal));
        Assert.Equal(expected, json.Order(StringComparer.Ordinal));

        if (stac is null) return;
        var stacIds = await StacIdsAsync(http, $"/stac/search?{Resolve(stac)}&limit=100");
        Assert.Equal(expected, stacIds.Order(StringComparer.Ordinal));
    }

    /// <summary>The same STAC filter as a POST /stac/search body gives the same ids.</summary>
    public static TheoryData<string, string> StacFilters()
    {
        var data = new TheoryData<string, string>();
        foreach (var row in Filters())
            if (row[1] is string stac) data.Add(stac, (string)row[2]);
        return data;
    }

    [Theory]
    [MemberData(nameof(StacFilters))]
    public async Task Stac_post_search_equals_the_get_search(string stac, string keys)
    {
        var body = new JsonObject { ["limit"] = 100 };
        foreach (var pair in Resolve(stac).Split('&'))
        {
            var (name, value) = (pair[..pair.IndexOf('=')], Uri.UnescapeDataString(pair[(pair.IndexOf('=') + 1)..]));
            body[name] = name switch
            {
                "bbox" => new JsonArray(value.Split(',').Select(v => (JsonNode)double.Parse(v, CultureInfo.InvariantCulture)).ToArray()),
                "ids" or "collections" => new JsonArray(value.Split(',').Select(v => (JsonNode)v).ToArray()),
                _ => value,
            };
        }
        using var http = fx.Client();
        using var response = await http.PostAsync("/stac/search", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{body.ToJsonString()}: {response.StatusCode} {text}");
        var ids = JsonNode.Parse(text)!["features"]!.AsArray().Select(f => (string)f!["id"]!).Order(StringComparer.Ordinal);
        Assert.Equal(Identifiers(keys), ids);
    }

    /// <summary>Paging one product at a time (OpenSearch next links in Atom and GeoJSON, STAC next links) returns every
    /// product exactly once, and the collection search lists the three collections.</summary>
    [Fact]
    public async Task Paging_one_by_one_returns_every_product_exactly_once()
    {
        using var http = fx.Client();
        var all = SampleProduct.All.Select(p => p.Identifier).Order(StringComparer.Ordinal).ToArray();
        var atom = new List<string>();
        var json = new List<string>();
        XNamespace a = "http://www.w3.org/2005/Atom", dc = "http://purl.org/dc/elements/1.1/";
        foreach (var c in Collections)
        {
            string? next = $"/opensearch/collections/{c}/atom/?count=1";
            for (var i = 0; next is not null; i++)
            {
                Assert.True(i < 10, $"{c}: endless atom paging");
                var doc = XDocument.Parse(await http.GetStringAsync(next));
                var entries = doc.Root!.Elements(a + "entry").ToList();
                Assert.True(entries.Count <= 1, $"{next}: {entries.Count} entries");
                atom.AddRange(entries.Select(e => e.Element(dc + "identifier")!.Value));
                next = doc.Root.Elements(a + "link").FirstOrDefault(l => (string?)l.Attribute("rel") == "next")?.Attribute("href")?.Value;
            }
            next = $"/opensearch/collections/{c}/json/?count=1";
            for (var i = 0; next is not null; i++)
            {
                Assert.True(i < 10, $"{c}: endless json paging");
                var doc = JsonNode.Parse(await http.GetStringAsync(next))!;
                var features = doc["features"]!.AsArray();
                Assert.True(features.Count <= 1, $"{next}: {features.Count} features");
                json.AddRange(features.Select(f => (string)f!["id"]!));
                next = doc["links"]!.AsArray().FirstOrDefault(l => (string?)l!["rel"] == "next") is { } n ? (string)n["href"]! : null;
            }
        }
        Assert.Equal(all, atom.Order(StringComparer.Ordinal));
        Assert.Equal(all, json.Order(StringComparer.Ordinal));
        Assert.Equal(all, (await StacIdsAsync(http, "/stac/search?limit=1")).Order(StringComparer.Ordinal));

        var collections = JsonNode.Parse(await http.GetStringAsync("/opensearch/json/"))!["features"]!.AsArray()
            .Select(f => (string)f!["id"]!).Order(StringComparer.Ordinal);
        Assert.Equal(Collections, collections);
    }

    private static async Task<List<string>> AtomIdsAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {response.StatusCode} {body}");
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType?.MediaType);
        var doc = XDocument.Parse(body);
        XNamespace atom = "http://www.w3.org/2005/Atom", os = "http://a9.com/-/spec/opensearch/1.1/", dc = "http://purl.org/dc/elements/1.1/";
        Assert.Equal(atom + "feed", doc.Root!.Name);
        var ids = doc.Root.Elements(atom + "entry").Select(e => e.Element(dc + "identifier")!.Value).ToList();
        Assert.Equal(ids.Count, int.Parse(doc.Root.Element(os + "totalResults")!.Value, CultureInfo.InvariantCulture));
        return ids;
    }

    private static async Task<List<string>> GeoJsonIdsAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {response.StatusCode} {body}");
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("FeatureCollection", doc.RootElement.GetProperty("type").GetString());
        var ids = doc.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ids.Count, doc.RootElement.GetProperty("totalResults").GetInt32());
        return ids;
    }

    /// <summary>Every id of a STAC search, following the <c>next</c> links.</summary>
    private static async Task<List<string>> StacIdsAsync(HttpClient http, string url)
    {
        var ids = new List<string>();
        string? next = url;
        for (var page = 0; next is not null; page++)
        {
            Assert.True(page < 20, "too many STAC pages");
            using var response = await http.GetAsync(next);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{next}: {response.StatusCode} {body}");
            var doc = JsonNode.Parse(body)!;
            Assert.Equal("FeatureCollection", (string?)doc["type"]);
            ids.AddRange(doc["features"]!.AsArray().Select(f => (string)f!["id"]!));
            next = doc["links"]?.AsArray().FirstOrDefault(l => (string?)l!["rel"] == "next") is { } n ? (string)n["href"]! : null;
        }
        return ids;
    }

    // ---------------------------------------------------------------- STAC schema validation

    private static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Prism.Orleans.sln"))) return dir.FullName;
            throw new InvalidOperationException("Prism.Orleans.sln not found above " + AppContext.BaseDirectory);
        }
    }

    [Fact]
    public async Task Stac_responses_of_the_real_server_validate_against_the_stac_schemas()
    {
        using var http = fx.Client();
        async Task<JsonNode> Get(string url)
        {
            using var response = await http.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{url}: {response.StatusCode} {body}");
            return JsonNode.Parse(body)!;
        }

        var meris = MapServicesFixture.Meris[1];
        var docs = new Dictionary<string, JsonNode>
        {
            ["landing"] = await Get("/stac"),
            ["collection-meris"] = await Get("/stac/collections/MER_FRS_1P"),
            ["collection-world"] = await Get("/stac/collections/WORLD_RGB"),
            ["items-meris"] = await Get("/stac/collections/MER_FRS_1P/items?limit=2"),
            ["search-page"] = await Get("/stac/search?limit=2"),
            ["search-bbox"] = await Get("/stac/search?bbox=9,40,10,41&limit=100"),
            ["item-meris"] = await Get($"/stac/collections/MER_FRS_1P/items/{Uri.EscapeDataString(meris.Identifier)}"),
            ["item-asar"] = await Get($"/stac/collections/ASA_WSM_1P/items/{Uri.EscapeDataString(MapServicesFixture.Asar.Identifier)}"),
        };
        Assert.Equal(meris.Identifier, (string?)docs["item-meris"]["id"]);
        Assert.Equal(2, docs["search-page"]["features"]!.AsArray().Count);

        var folder = TestEnvironment.TempFolder("catalog-stac");
        var (code, output) = await ValidateStacAsync(folder, docs);
        Assert.True(code == 0, output);
        Assert.Contains($"Valid: {docs.Count}", output);
        Assert.Contains("Invalid: 0", output);

        // The validator really rejects: the same item without stac_version and with a two-number bbox.
        var bad = docs["item-meris"].DeepClone().AsObject();
        bad["bbox"] = new JsonArray(1, 2);
        bad.Remove("stac_version");
        var (badCode, badOutput) = await ValidateStacAsync(TestEnvironment.TempFolder("catalog-stac-bad"), new Dictionary<string, JsonNode> { ["bad"] = bad });
        Assert.True(badCode != 0, badOutput);
        Assert.Contains("Invalid: 1", badOutput);
    }

    /// <summary>Runs <c>stac-node-validator</c> (tools/node_modules) offline: every schema URL is mapped to a local
    /// file (STAC 1.0.0 and extensions from tests/Prism.Stac.Tests/stac-schemas, GeoJSON from the geojson-schema package).</summary>
    private static async Task<(int Code, string Output)> ValidateStacAsync(string folder, Dictionary<string, JsonNode> documents)
    {
        var root = RepoRoot;
        var modules = Path.Combine(root, "tools", "node_modules");
        var cli = Path.Combine(modules, "stac-node-validator", "bin", "cli.js");
        var geojson = Path.Combine(modules, "geojson-schema");
        var schemas = Path.Combine(root, "tests", "Prism.Stac.Tests", "stac-schemas");
        Assert.True(File.Exists(cli), $"{cli} is missing: run 'npm ci' in tools/");
        Assert.True(Directory.Exists(Path.Combine(schemas, "stac-spec", "v1.0.0")), $"{schemas} is missing");

        var files = new JsonArray();
        foreach (var (name, doc) in documents)
        {
            var file = Path.Combine(folder, $"{name}.json");
            await File.WriteAllTextAsync(file, doc.ToJsonString());
            files.Add(file);
        }
        var map = new JsonArray();
        foreach (var ext in new[] { "eo", "sat" })
            map.Add($"https://stac-extensions.github.io/{ext}/v1.0.0/schema.json={Path.Combine(schemas, ext, "v1.0.0", "schema.json")}");
        foreach (var g in new[] { "Feature", "Geometry" })
            map.Add($"https://geojson.org/schema/{g}.json={Path.Combine(geojson, g + ".json")}");
        var config = Path.Combine(folder, "config.json");
        await File.WriteAllTextAsync(config, new JsonObject
        {
            ["files"] = files,
            ["schemas"] = Path.Combine(schemas, "stac-spec", "v1.0.0"),
            ["schemaMap"] = map,
            ["verbose"] = true,
        }.ToJsonString());

        var psi = new ProcessStartInfo("node", [cli, "--config", config])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
