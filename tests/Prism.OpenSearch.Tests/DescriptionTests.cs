using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using Prism.Tests;

namespace Prism.OpenSearch.Tests;

/// <summary>The description documents: RELAX NG valid (OGC OpenSearch Geo and Time grammars), templates with the
/// Geo/Time/EO parameters, options and ranges from the catalog; ogc_check's OpenSearch mode passes; result links.</summary>
public sealed class DescriptionTests(OpenSearchServer server) : IClassFixture<OpenSearchServer>
{
    private static readonly XNamespace Os = "http://a9.com/-/spec/opensearch/1.1/";
    private static readonly XNamespace P = "http://a9.com/-/spec/opensearch/extensions/parameters/1.0/";

    private static string Grammars => Path.Combine(TestEnvironment.SharedData, "..", "ogc", "schemas", "ogc", "opensearchgeo", "1.0", "rng");
    private static string OgcCheck => Path.GetFullPath(Path.Combine(TestEnvironment.SharedData, "..", "ogc", "ogc_check.py"));

    private async Task<(XElement Root, string Body)> DescriptionAsync(string path)
    {
        using var r = await server.GetAsync(path);
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        Assert.Equal("application/opensearchdescription+xml", r.Content.Headers.ContentType?.MediaType);
        Assert.Equal("*", r.Headers.GetValues("Access-Control-Allow-Origin").Single());
        return (XDocument.Parse(body).Root!, body);
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }

    [Theory]
    [InlineData("/opensearch/")]
    [InlineData("/opensearch/collections/ALL/")]
    [InlineData("/opensearch/collections/MER_FRS_1P/")]
    public async Task Descriptions_validate_against_the_OGC_grammars(string path)
    {
        var (_, body) = await DescriptionAsync(path);
        var file = Path.Combine(TestEnvironment.TempFolder("osdd"), "osdd.xml");
        await File.WriteAllTextAsync(file, body);
        foreach (var grammar in new[] { "osddgeo.rng", "osddtime.rng" })
        {
            var (code, output) = await RunAsync("xmllint", "--noout", "--relaxng", Path.Combine(Grammars, grammar), file);
            Assert.True(code == 0, $"{grammar}: {output}");
        }
    }

    [Fact]
    public async Task Product_description_advertises_parameters_with_catalog_options()
    {
        var (root, _) = await DescriptionAsync("/opensearch/collections/ALL/");
        Assert.True(root.Element(Os + "ShortName")!.Value.Length <= 16);
        var urls = root.Elements(Os + "Url").Where(u => (string?)u.Attribute("rel") == "results").ToList();
        Assert.Equal(["application/atom+xml", "application/geo+json", "application/rss+xml", "application/vnd.google-earth.kml+xml", "text/html"], urls.Select(u => (string)u.Attribute("type")!));
        foreach (var url in urls)
        {
            var template = (string)url.Attribute("template")!;
            Assert.StartsWith(server.BaseUrl + "/opensearch/collections/ALL/", template);
            foreach (var t in new[] { "{searchTerms?}", "{count?}", "{startIndex?}", "{startPage?}", "{geo:box?}", "{geo:geometry?}", "{geo:lat?}",
                         "{geo:lon?}", "{geo:radius?}", "{geo:relation?}", "{geo:uid?}", "{time:start?}", "{time:end?}", "{time:relation?}",
                         "{eo:productType?}", "{eo:platform?}", "{eo:instrument?}", "{eo:sensorType?}", "{eo:cloudCover?}", "{eo:orbitNumber?}", "{eo:orbitDirection?}" })
                Assert.Contains(t, template);
            var parameters = url.Elements(P + "Parameter").ToDictionary(e => (string)e.Attribute("name")!);
            string[] Options(string name) => [.. parameters[name].Elements(P + "Option").Select(o => (string)o.Attribute("value")!)];
            Assert.Equal(new[] { "ENVISAT", "SENTINEL-1A", "SENTINEL-2A", "SENTINEL-2B", "DEMO" }.Order(StringComparer.Ordinal), Options("platform"));
            Assert.Equal(["ASA_WSM_1P", "GRD", "MER_FRS_1P", "S2MSI1C", "WORLD_RGB"], Options("productType"));
            Assert.Equal(["intersects", "contains", "disjoint", "within"], Options("georel"));
            Assert.Equal(["intersects", "contains", "during", "disjoint", "equals"], Options("timerel"));
            Assert.Equal("12.5", (string?)parameters["cloudCover"].Attribute("minInclusive"));
            Assert.Equal("80", (string?)parameters["cloudCover"].Attribute("maxInclusive"));
            Assert.Equal("500", (string?)parameters["count"].Attribute("maxInclusive"));
            Assert.Equal("2005-03-31T07:59:36.409Z", (string?)parameters["start"].Attribute("minInclusive"));
            Assert.Equal("2021-06-04T00:00:00Z", (string?)parameters["end"].Attribute("maxInclusive"));
        }
        var (rootDescription, _) = await DescriptionAsync("/opensearch/");
        var uids = rootDescription.Elements(Os + "Url").First().Elements(P + "Parameter").Single(e => (string?)e.Attribute("name") == "uid")
            .Elements(P + "Option").Select(o => (string)o.Attribute("value")!);
        Assert.Equal(["ALL", "ASA_WSM_1P", "GRD", "MER_FRS_1P", "PAGING", "S2MSI1C", "WORLD_RGB"], uids);
    }

    [Theory]
    [InlineData("/opensearch/")]
    [InlineData("/opensearch/collections/ALL/")]
    [InlineData("/opensearch/collections/ASA_WSM_1P/")]
    public async Task Ogc_check_opensearch_mode_passes(string path)
    {
        var (code, output) = await RunAsync("/usr/bin/python3", OgcCheck, server.BaseUrl + "/", "--services", "", "--opensearch", server.BaseUrl + path);
        Assert.True(code == 0, output);
        Assert.Contains(" 0 failed", output);
    }

    [Fact]
    public async Task Atom_entries_carry_footprint_dates_and_service_links()
    {
        using var r = await server.GetAsync($"/opensearch/collections/MER_FRS_1P/atom/?uid={SampleProducts.Mer0816}");
        var feed = XDocument.Parse(await r.Content.ReadAsStringAsync()).Root!;
        var entry = feed.Element(OpenSearchServer.Atom + "entry")!;
        Assert.Equal("2006-08-16T09:09:29Z/2006-08-16T09:12:46Z", entry.Element(OpenSearchServer.Dc + "date")!.Value);
        // georss:polygon in lat lon order, as in the source metadata.
        var polygon = entry.Element((XNamespace)"http://www.georss.org/georss" + "polygon")!.Value.Split(' ');
        Assert.Equal(["46.21655811716183", "14.322575965570632"], polygon.Take(2));
        var links = entry.Elements(OpenSearchServer.Atom + "link").Select(l => ((string)l.Attribute("rel")!, (string)l.Attribute("href")!)).ToList();
        Assert.Contains(links, l => l.Item1 == "icon" && l.Item2.Contains("request=GetMap&layers=MER_FRS_1P") && l.Item2.Contains("crs=EPSG:4326&bbox=32.") && l.Item2.Contains("time=2006-08-16T09%3A09%3A29Z%2F2006-08-16T09%3A12%3A46Z"));
        Assert.Contains(links, l => l.Item2.Contains("service=WMTS") && l.Item2.Contains("request=GetTile&layer=MER_FRS_1P") && l.Item2.Contains("tilecol=1"));
        Assert.Contains(links, l => l.Item2.Contains("service=WMS&version=1.3.0&request=GetCapabilities"));
        Assert.Contains(links, l => l.Item2.Contains("service=WMTS&version=1.0.0&request=GetCapabilities"));
        Assert.Contains(links, l => l.Item2.EndsWith($"request=DescribeCoverage&coverageid={SampleProducts.Mer0816}"));
        var via = links.Single(l => l.Item1 == "via").Item2;
        using var metadata = await server.Http.GetAsync(via);
        Assert.Equal("application/xml", metadata.Content.Headers.ContentType?.MediaType);
        Assert.Contains(SampleProducts.Mer0816, await metadata.Content.ReadAsStringAsync());
        var query = feed.Element(OpenSearchServer.Os + "Query")!;
        Assert.Equal("request", (string?)query.Attribute("role"));
        Assert.Equal(SampleProducts.Mer0816, (string?)query.Attribute((XNamespace)"http://a9.com/-/opensearch/extensions/geo/1.0/" + "uid"));
    }

    [Fact]
    public async Task Antimeridian_footprint_is_two_parts_in_both_formats()
    {
        using var r = await server.GetAsync($"/opensearch/collections/ALL/json/?uid={SampleProducts.Dateline}");
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        var f = doc.RootElement.GetProperty("features")[0];
        Assert.Equal("MultiPolygon", f.GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal(2, f.GetProperty("geometry").GetProperty("coordinates").GetArrayLength());
        Assert.Equal(12.5, f.GetProperty("properties").GetProperty("cloudCover").GetDouble());
        Assert.Equal("SENTINEL-2A", f.GetProperty("properties").GetProperty("platform").GetString());
        using var a = await server.GetAsync($"/opensearch/collections/ALL/atom/?uid={SampleProducts.Dateline}");
        var feed = XDocument.Parse(await a.Content.ReadAsStringAsync()).Root!;
        XNamespace gml = "http://www.opengis.net/gml";
        Assert.Equal(2, feed.Descendants(gml + "surfaceMember").Count());
        Assert.StartsWith("10 170 10 180", feed.Descendants(gml + "posList").First().Value);
    }
}
