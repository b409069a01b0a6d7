using System.Net;
using System.Text.Json.Nodes;
using Prism.Catalog;
using Prism.Tests;

namespace Prism.Stac.Tests;

[Collection(StacCollection.Name)]
public sealed class StacApiTests(StacServer server)
{
    private static string[] Ids(JsonObject featureCollection) =>
        featureCollection["features"]!.AsArray().Select(f => (string)f!["id"]!).ToArray();

    private static string? Href(JsonObject doc, string rel) =>
        doc["links"]!.AsArray().FirstOrDefault(l => (string?)l!["rel"] == rel)?["href"]?.GetValue<string>();

    /// <summary>Products in catalog order (begin time, then identifier).</summary>
    private string[] Expected(Func<ProductRecord, bool> filter) =>
        server.All.Where(filter).OrderBy(p => p.BeginTime).ThenBy(p => p.Identifier, StringComparer.Ordinal).Select(p => p.Identifier).ToArray();

    private static string[] Gen(params int[] indexes) => indexes.Select(i => $"GEN_{i:D2}").ToArray();

    [Fact]
    public async Task Landing_page_is_a_catalog_with_conformance_and_links()
    {
        var landing = await server.GetJsonAsync("/stac");
        Assert.Equal("Catalog", (string?)landing["type"]);
        Assert.Equal("1.0.0", (string?)landing["stac_version"]);
        var conformsTo = landing["conformsTo"]!.AsArray().Select(c => (string)c!).ToList();
        foreach (var c in new[] { "core", "collections", "ogcapi-features", "item-search" })
            Assert.Contains($"https://api.stacspec.org/v1.0.0/{c}", conformsTo);
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson", conformsTo);
        Assert.Equal($"{server.BaseUrl}/stac/conformance", Href(landing, "conformance"));
        Assert.Equal($"{server.BaseUrl}/stac/collections", Href(landing, "data"));
        var searches = landing["links"]!.AsArray().Where(l => (string?)l!["rel"] == "search").Select(l => (string)l!["method"]!).Order().ToArray();
        Assert.Equal(["GET", "POST"], searches);
        var children = landing["links"]!.AsArray().Where(l => (string?)l!["rel"] == "child").Select(l => (string)l!["href"]!).Order().ToArray();
        var collections = server.All.SelectMany(p => p.Collections).Distinct().Order(StringComparer.Ordinal)
            .Select(c => $"{server.BaseUrl}/stac/collections/{c}").Order().ToArray();
        Assert.Equal(collections, children);

        var conformance = await server.GetJsonAsync("/stac/conformance");
        Assert.Equal(conformsTo, conformance["conformsTo"]!.AsArray().Select(c => (string)c!).ToList());
    }

    [Fact]
    public async Task Collections_have_the_extent_of_their_products()
    {
        var list = await server.GetJsonAsync("/stac/collections");
        var ids = list["collections"]!.AsArray().Select(c => (string)c!["id"]!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(server.All.SelectMany(p => p.Collections).Distinct().Order(StringComparer.Ordinal).ToArray(), ids);

        var gen = await server.GetJsonAsync("/stac/collections/GEN_OPT");
        Assert.Equal("Collection", (string?)gen["type"]);
        Assert.Equal("Generated optical", (string?)gen["title"]);
        Assert.Equal("proprietary", (string?)gen["license"]);
        var bbox = gen["extent"]!["spatial"]!["bbox"]![0]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.Equal([-20.0, 0, 22, 32], bbox);
        var interval = gen["extent"]!["temporal"]!["interval"]![0]!.AsArray();
        Assert.Equal(StacSamples.BeginOf(1), DateTimeOffset.Parse((string)interval[0]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(StacSamples.BeginOf(20).AddMinutes(5), DateTimeOffset.Parse((string)interval[1]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["Sentinel-2A"], gen["summaries"]!["platform"]!.AsArray().Select(v => (string)v!));
        Assert.Equal($"{server.BaseUrl}/stac/collections/GEN_OPT/items", Href(gen, "items"));

        var meris = await server.GetJsonAsync("/stac/collections/MER_FRS_1P");
        var mb = meris["extent"]!["spatial"]!["bbox"]![0]!.AsArray().Select(v => (double)v!).ToArray();
        var boxes = server.Real.Where(p => p.ProductType == "MER_FRS_1P").Select(p => Footprint.Parse(p.FootprintWkt).Box).ToList();
        Assert.Equal([boxes.Min(b => b.MinX), boxes.Min(b => b.MinY), boxes.Max(b => b.MaxX), boxes.Max(b => b.MaxY)], mb);
    }

    [Fact]
    public async Task An_item_has_geometry_properties_assets_and_links()
    {
        var item = await server.GetJsonAsync("/stac/collections/GEN_OPT/items/GEN_04");
        Assert.Equal("Feature", (string?)item["type"]);
        Assert.Equal("GEN_OPT", (string?)item["collection"]);
        Assert.Equal("Polygon", (string?)item["geometry"]!["type"]);
        Assert.Equal([20.0, 0, 22, 2], item["bbox"]!.AsArray().Select(v => (double)v!));
        var props = item["properties"]!.AsObject();
        Assert.Null(props["datetime"]);
        Assert.True(props.ContainsKey("datetime"));
        Assert.Equal("2021-01-05T10:00:00Z", (string?)props["start_datetime"]);
        Assert.Equal("2021-01-05T10:05:00Z", (string?)props["end_datetime"]);
        Assert.Equal("Sentinel-2A", (string?)props["platform"]);
        Assert.Equal("sentinel-2", (string?)props["constellation"]);
        Assert.Equal(["MSI"], props["instruments"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(20.0, (double)props["eo:cloud_cover"]!);
        Assert.Equal(1004, (int)props["sat:absolute_orbit"]!);
        Assert.Equal("ascending", (string?)props["sat:orbit_state"]);
        var extensions = item["stac_extensions"]!.AsArray().Select(v => (string)v!).ToArray();
        Assert.Contains("https://stac-extensions.github.io/eo/v1.0.0/schema.json", extensions);
        Assert.Contains("https://stac-extensions.github.io/sat/v1.0.0/schema.json", extensions);
        var asset = item["assets"]!["GEN_04"]!;
        Assert.Equal("image/tiff; application=geotiff; profile=cloud-optimized", (string?)asset["type"]);
        Assert.Equal(["data"], asset["roles"]!.AsArray().Select(v => (string)v!));
        Assert.Equal($"{server.BaseUrl}/stac/collections/GEN_OPT/items/GEN_04/assets/GEN_04", (string?)asset["href"]);
        var wms = (string)item["assets"]!["wms"]!["href"]!;
        Assert.StartsWith($"{server.BaseUrl}/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=GEN_OPT&", wms);
        Assert.Contains("TIME=2021-01-05T10%3A00%3A00Z%2F2021-01-05T10%3A05%3A00Z", wms);
        Assert.Equal($"{server.BaseUrl}/stac/collections/GEN_OPT/items/GEN_04", Href(item, "self"));
        Assert.Equal($"{server.BaseUrl}/stac/collections/GEN_OPT", Href(item, "parent"));
        Assert.Equal($"{server.BaseUrl}/stac/collections/GEN_OPT", Href(item, "collection"));
        Assert.Equal($"{server.BaseUrl}/stac", Href(item, "root"));
        Assert.Equal($"{server.BaseUrl}/wmts/1.0.0/WMTSCapabilities.xml", Href(item, "wmts"));

        var meris = server.Real.First(p => p.ProductType == "MER_FRS_1P");
        var m = await server.GetJsonAsync($"/stac/collections/MER_FRS_1P/items/{meris.Identifier}");
        Assert.Equal("ENVISAT", (string?)m["properties"]!["platform"]);
        Assert.Equal("2006-08-16T09:09:29Z", (string?)m["properties"]!["start_datetime"]);
    }

    [Fact]
    public async Task An_asset_downloads_the_object_through_the_gateway()
    {
        var item = await server.GetJsonAsync("/stac/collections/GEN_OPT/items/GEN_00");
        using var response = await server.Http.GetAsync((string)item["assets"]!["GEN_00"]!["href"]!);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/tiff", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(server.AssetBytes, await response.Content.ReadAsByteArrayAsync());

        using var range = new HttpRequestMessage(HttpMethod.Get, (string)item["assets"]!["GEN_00"]!["href"]!);
        range.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 199);
        using var partial = await server.Http.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(server.AssetBytes[100..200], await partial.Content.ReadAsByteArrayAsync());

        using var missing = await server.GetAsync("/stac/collections/GEN_OPT/items/GEN_01/assets/GEN_01");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var unknown = await server.GetAsync("/stac/collections/GEN_OPT/items/GEN_00/assets/nope");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Collection_items_page_through_every_item_once()
    {
        var seen = new List<string>();
        var url = $"{server.BaseUrl}/stac/collections/GEN_OPT/items?limit=3";
        var pages = 0;
        while (url is not null)
        {
            Assert.True(++pages <= 10, "too many pages");
            Assert.StartsWith(server.BaseUrl, url);
            var page = await server.GetJsonAsync(url[server.BaseUrl.Length..]);
            Assert.Equal("FeatureCollection", (string?)page["type"]);
            Assert.True(Ids(page).Length <= 3);
            seen.AddRange(Ids(page));
            url = Href(page, "next");
        }
        Assert.Equal(7, pages);
        Assert.Equal(Expected(p => p.Collections.Contains(StacSamples.Generated)), seen);
    }

    public static TheoryData<string, string[]> GetFilters => new()
    {
        { "bbox=-11,9,1,21&collections=GEN_OPT", Gen(6, 7, 11, 12) },
        { "bbox=-11,9,1,21", [.. Gen(6, 7, 11, 12)] }, // + WORLD (whole globe), placed by time below
        { "datetime=2021-01-03T00:00:00Z/2021-01-05T23:59:59Z", Gen(2, 3, 4) },
        { "datetime=2021-01-19T00:00:00Z/..", Gen(18, 19) },
        { "datetime=2021-01-07T10:02:00Z", Gen(6) },
        { "ids=GEN_01,GEN_05,NOPE", Gen(1, 5) },
        { "ids=GEN_01&collections=MER_FRS_1P", [] },
        { "bbox=15,-40,30,-30&collections=ASA_WSM_1P", ["ASA_WSM_1PNDPA20050331_075939_000000552036_00035_16121_0775"] },
        { "collections=GEN_OPT&datetime=2021-01-02T00:00:00Z/2021-01-09T00:00:00Z&bbox=-25,-5,5,5", Gen(1, 2) },
        { "intersects={\"type\":\"Point\",\"coordinates\":[-9,11]}&collections=GEN_OPT", Gen(6) },
        { "intersects={\"type\":\"Polygon\",\"coordinates\":[[[-1,-1],[11,-1],[11,1],[-1,1],[-1,-1]]]}&collections=GEN_OPT", Gen(2, 3) },
    };

    [Theory]
    [MemberData(nameof(GetFilters))]
    public async Task Search_filters_return_exactly_the_expected_items(string query, string[] expected)
    {
        var result = await server.GetJsonAsync($"/stac/search?limit=100&{EscapeValues(query)}");
        var want = expected.ToList();
        if (query == "bbox=-11,9,1,21") want.Add("WORLD_RGB_20200101");
        Assert.Equal(Expected(p => want.Contains(p.Identifier)), Ids(result));

        var body = new JsonObject { ["limit"] = 100 };
        foreach (var pair in query.Split('&'))
        {
            var (k, v) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
            body[k] = k switch
            {
                "bbox" => new JsonArray(v.Split(',').Select(s => (JsonNode)double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray()),
                "ids" or "collections" => new JsonArray(v.Split(',').Select(s => (JsonNode)s).ToArray()),
                "intersects" => JsonNode.Parse(v),
                _ => v,
            };
        }
        var (status, post) = await server.PostAsync("/stac/search", body);
        Assert.Equal(200, status);
        Assert.Equal(Expected(p => want.Contains(p.Identifier)), Ids(post));
    }

    private static string EscapeValues(string query) =>
        string.Join('&', query.Split('&').Select(p => p[..(p.IndexOf('=') + 1)] + Uri.EscapeDataString(p[(p.IndexOf('=') + 1)..])));

    [Fact]
    public async Task Search_get_and_post_page_through_every_product_once()
    {
        var all = Expected(_ => true);
        var seen = new List<string>();
        string? url = "/stac/search?limit=4";
        while (url is not null)
        {
            var page = await server.GetJsonAsync(url.StartsWith("http", StringComparison.Ordinal) ? url[server.BaseUrl.Length..] : url);
            seen.AddRange(Ids(page));
            url = Href(page, "next");
        }
        Assert.Equal(all, seen);

        seen.Clear();
        JsonNode? body = new JsonObject { ["limit"] = 7 };
        var pages = 0;
        while (body is not null)
        {
            Assert.True(++pages < 10);
            var (status, page) = await server.PostAsync("/stac/search", body);
            Assert.Equal(200, status);
            seen.AddRange(Ids(page));
            var next = page["links"]!.AsArray().FirstOrDefault(l => (string?)l!["rel"] == "next");
            if (next is not null)
            {
                Assert.Equal("POST", (string?)next["method"]);
                Assert.Equal($"{server.BaseUrl}/stac/search", (string?)next["href"]);
            }
            body = next?["body"]?.DeepClone();
        }
        Assert.Equal(all, seen);
    }

    [Theory]
    [InlineData("/stac/search?bbox=NaN,0,1,1")]
    [InlineData("/stac/search?bbox=0,0,1,Infinity")]
    [InlineData("/stac/search?bbox=1,2,3")]
    [InlineData("/stac/search?bbox=0,10,1,5")]
    [InlineData("/stac/search?bbox=0,0,200,1")]
    [InlineData("/stac/search?bbox=0,0,1,1&intersects=%7B%22type%22%3A%22Point%22%2C%22coordinates%22%3A%5B0%2C0%5D%7D")]
    [InlineData("/stac/search?datetime=yesterday")]
    [InlineData("/stac/search?datetime=2021-01-05")]
    [InlineData("/stac/search?datetime=2021-01-05T00:00:00Z/2021-01-01T00:00:00Z")]
    [InlineData("/stac/search?datetime=../..")]
    [InlineData("/stac/search?datetime=2021-13-45T00:00:00Z")]
    [InlineData("/stac/search?limit=0")]
    [InlineData("/stac/search?limit=-5")]
    [InlineData("/stac/search?limit=abc")]
    [InlineData("/stac/search?limit=99999999999999999999")]
    [InlineData("/stac/search?limit=NaN")]
    [InlineData("/stac/search?token=abc")]
    [InlineData("/stac/search?intersects=%7Bbad")]
    [InlineData("/stac/search?intersects=%7B%22type%22%3A%22Point%22%2C%22coordinates%22%3A%5B0%2C95%5D%7D")]
    [InlineData("/stac/search?intersects=%7B%22type%22%3A%22GeometryCollection%22%2C%22geometries%22%3A%5B%5D%7D")]
    [InlineData("/stac/search?intersects=%7B%22type%22%3A%22Polygon%22%2C%22coordinates%22%3A%5B%5B%5B0%2C0%5D%2C%5B1%2C0%5D%2C%5B1%2C1%5D%2C%5B0%2C0.5%5D%5D%5D%7D")]
    [InlineData("/stac/collections/GEN_OPT/items?bbox=a,b,c,d")]
    [InlineData("/stac/collections/GEN_OPT/items?datetime=2021-01-01T00:00:00")]
    public async Task Hostile_parameters_are_refused_with_400(string url)
    {
        using var response = await server.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)response.StatusCode} {text}");
        var error = JsonNode.Parse(text)!;
        Assert.Equal("InvalidParameterValue", (string?)error["code"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["description"]));
    }

    [Fact]
    public async Task Hostile_post_bodies_are_refused_with_4xx()
    {
        // A WKT bomb: an intersects polygon of 50 000 vertices.
        var ring = new JsonArray();
        for (var i = 0; i < 50_000; i++) ring.Add(new JsonArray(Math.Cos(i * 2 * Math.PI / 50_000), Math.Sin(i * 2 * Math.PI / 50_000)));
        ring.Add(ring[0]!.DeepClone());
        var bodies = new JsonNode[]
        {
            new JsonObject { ["intersects"] = new JsonObject { ["type"] = "Polygon", ["coordinates"] = new JsonArray(ring) } },
            new JsonObject { ["bbox"] = new JsonArray(0, 0, "x", 1) },
            new JsonObject { ["limit"] = "lots" },
            new JsonObject { ["limit"] = 1.5 },
            new JsonObject { ["ids"] = "GEN_01" },
            new JsonObject { ["collections"] = new JsonArray(1, 2) },
            new JsonObject { ["datetime"] = 2021 },
            new JsonArray(1, 2, 3),
        };
        foreach (var body in bodies)
        {
            var (status, error) = await server.PostAsync("/stac/search", body);
            Assert.True(status is 400 or 413, $"{status} for {body.ToJsonString()[..Math.Min(200, body.ToJsonString().Length)]}");
            Assert.NotNull((string?)error["code"]);
            Assert.NotNull((string?)error["description"]);
        }
        using var notJson = await server.Http.PostAsync($"{server.BaseUrl}/stac/search", new StringContent("{\"bbox\": [0,0,", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    [Fact]
    public async Task Sql_metacharacters_are_plain_values_and_a_huge_limit_is_lowered_to_the_maximum()
    {
        var result = await server.GetJsonAsync("/stac/search?ids=" + Uri.EscapeDataString("GEN_01' OR '1'='1") + "&collections=" + Uri.EscapeDataString("x\"; DROP TABLE products; --"));
        Assert.Empty(Ids(result));
        var big = await server.GetJsonAsync("/stac/search?limit=1000000");
        Assert.Equal(server.All.Count, Ids(big).Length); // 25 < MaxLimit (100): all of them, one page
        Assert.Null(Href(big, "next"));
        Assert.Equal(20, (await server.GetJsonAsync("/stac/collections/GEN_OPT/items?limit=1000000"))["numberReturned"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("/stac/collections/NOPE")]
    [InlineData("/stac/collections/NOPE/items")]
    [InlineData("/stac/collections/NOPE/items/GEN_01")]
    [InlineData("/stac/collections/GEN_OPT/items/NOPE")]
    [InlineData("/stac/collections/MER_FRS_1P/items/GEN_01")]
    public async Task Unknown_collections_and_items_are_404(string url)
    {
        using var response = await server.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("NotFound", (string?)error["code"]);
    }

    [Fact]
    public async Task Responses_validate_against_the_stac_json_schemas()
    {
        var docs = new Dictionary<string, JsonNode>
        {
            ["landing"] = await server.GetJsonAsync("/stac"),
            ["collections"] = await server.GetJsonAsync("/stac/collections"),
            ["collection-gen"] = await server.GetJsonAsync("/stac/collections/GEN_OPT"),
            ["items-gen"] = await server.GetJsonAsync("/stac/collections/GEN_OPT/items?limit=100"),
            ["search-all"] = await server.GetJsonAsync("/stac/search?limit=100"),
            ["item-gen"] = await server.GetJsonAsync("/stac/collections/GEN_OPT/items/GEN_03"),
        };
        foreach (var p in server.Real)
            docs[$"item-{p.Identifier}"] = await server.GetJsonAsync($"/stac/collections/{p.Collections[0]}/items/{p.Identifier}");
        var folder = TestEnvironment.TempFolder("stac-validate");
        var (code, output) = await StacValidator.ValidateAsync(folder, docs);
        Assert.True(code == 0, output);
        Assert.Contains($"Valid: {docs.Count}", output);
        Assert.Contains("https://stac-extensions.github.io/eo/v1.0.0/schema.json: valid", output);

        // The validator really validates: an item without start/end for its null datetime, and a bad bbox, fail.
        var bad = docs["item-gen"].DeepClone().AsObject();
        bad["properties"]!.AsObject().Remove("start_datetime");
        bad["bbox"] = new JsonArray(1, 2);
        var (badCode, badOutput) = await StacValidator.ValidateAsync(TestEnvironment.TempFolder("stac-validate"), new Dictionary<string, JsonNode> { ["bad"] = bad });
        Assert.True(badCode != 0, badOutput);
        Assert.Contains("Invalid: 1", badOutput);
    }
}
