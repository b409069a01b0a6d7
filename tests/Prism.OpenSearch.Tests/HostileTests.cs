using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace Prism.OpenSearch.Tests;

/// <summary>Hostile and malformed parameters are refused with 4xx and a readable message (Atom: an OWS exception
/// report, JSON: {"error"}), never a 500; SQL metacharacters are just text.</summary>
public sealed class HostileTests(OpenSearchServer server) : IClassFixture<OpenSearchServer>
{
    public static TheoryData<string, string> Refused() => new()
    {
        { "count=100000", "count" },
        { "count=-1", "count" },
        { "count=NaN", "count" },
        { "count=99999999999999999999", "count" },
        { "startIndex=0", "startIndex" },
        { "startIndex=abc", "startIndex" },
        { "startPage=2147483647&count=500", "startPage" },
        { "bbox=NaN,0,1,1", "bbox" },
        { "bbox=0,0,1", "bbox" },
        { "bbox=0,10,1,5", "bbox" },
        { "bbox=0,0,1,Infinity", "bbox" },
        { "bbox=-200,0,10,10", "bbox" },
        { "lat=91&lon=0", "lat" },
        { "lat=NaN&lon=0&radius=10", "lat" },
        { "lat=10", "lon" },
        { "lat=10&lon=10&radius=-5", "radius" },
        { "lat=10&lon=10&radius=1e300", "radius" },
        { "radius=100", "radius" },
        { "georel=touches&bbox=0,0,1,1", "georel" },
        { "timerel=overlaps&start=2020-01-01", "timerel" },
        { "timerel=equals&start=2020-01-01", "timerel" },
        { "start=yesterday", "start" },
        { "start=2020-13-45", "start" },
        { "start=2021-01-01&end=2020-01-01", "start" },
        { "cloudCover=[80,10]", "cloudCover" },
        { "cloudCover=]5,5[", "cloudCover" },
        { "cloudCover=[NaN,10]", "cloudCover" },
        { "cloudCover=abc", "cloudCover" },
        { "cloudCover={1,2", "cloudCover" },
        { "platform=[a,b]", "platform" },
        { "orbitNumber=[1,2,3]", "orbitNumber" },
        { "geom=POLYGON((0 0,1 0,1 1,0 0", "geom" },
        { "geom=CIRCLE(0 0,1)", "geom" },
        { "geom=POLYGON((0 0,1 0,1 1,0 1))", "geom" },
        { "geom=POINT(0 0 0)", "geom" },
        { "geom=POINT(500 0)", "geom" },
        { "geom=GEOMETRYCOLLECTION(POINT(0 0))", "geom" },
        { "geom=POINT(0 0); DROP TABLE products", "geom" },
        { "count=5&count=6", "count" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Refused_with_400_in_both_formats(string query, string parameter)
    {
        var q = string.Join('&', query.Split('&').Select(kv => kv.Split('=', 2) is [var k, var v] ? $"{k}={Uri.EscapeDataString(v)}" : kv));
        using (var r = await server.GetAsync($"/opensearch/collections/ALL/json/?{q}"))
        {
            var body = await r.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Equal("*", r.Headers.GetValues("Access-Control-Allow-Origin").Single());
            using var doc = JsonDocument.Parse(body);
            Assert.False(string.IsNullOrWhiteSpace(doc.RootElement.GetProperty("error").GetString()));
            Assert.Equal(parameter, doc.RootElement.GetProperty("parameter").GetString());
        }
        using (var r = await server.GetAsync($"/opensearch/collections/ALL/atom/?{q}"))
        {
            var body = await r.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            var report = XDocument.Parse(body).Root!;
            Assert.Equal("ExceptionReport", report.Name.LocalName);
            var exception = report.Elements().Single();
            Assert.Equal(parameter, (string?)exception.Attribute("locator"));
            Assert.False(string.IsNullOrWhiteSpace(exception.Elements().Single().Value));
        }
        using (var r = await server.GetAsync($"/opensearch/json/?{q}"))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
    }

    [Fact]
    public async Task Wkt_bombs_are_refused()
    {
        var many = new StringBuilder("POLYGON((");
        for (var i = 0; i < 700; i++) many.Append(i % 2 == 0 ? "0 0," : "1 1,");
        many.Append("0 0))");
        var deep = new string('(', 2000) + "0 0" + new string(')', 2000);
        var hugeNumber = "POINT(" + new string('1', 3000) + " 0)";
        foreach (var geom in new[] { many.ToString(), "POLYGON" + deep, hugeNumber })
        {
            using var r = await server.GetAsync($"/opensearch/collections/ALL/json/?geom={Uri.EscapeDataString(geom)}");
            Assert.True((int)r.StatusCode is >= 400 and < 500, $"HTTP {(int)r.StatusCode}");
        }
    }

    [Theory]
    [InlineData("q", "'; DROP TABLE products; --")]
    [InlineData("q", "%' OR 1=1 --")]
    [InlineData("uid", "' OR '1'='1")]
    [InlineData("platform", "ENVISAT' OR 1=1 --")]
    [InlineData("productType", "{\"x\",'y'}")]
    public async Task Sql_metacharacters_are_plain_text(string name, string value)
    {
        var page = await server.JsonAsync("ALL", $"{name}={Uri.EscapeDataString(value)}");
        Assert.Empty(page.Ids);
        Assert.Equal(0, page.Total);
        // The catalog is intact.
        Assert.Equal(SampleProducts.AllIds.Length, (await server.JsonAsync("ALL", "")).Total);
    }

    [Theory]
    [InlineData("/opensearch/collections/NOPE/atom/", "application/xml")]
    [InlineData("/opensearch/collections/NOPE/json/", "application/json")]
    [InlineData("/opensearch/collections/NOPE/", "application/xml")]
    [InlineData("/opensearch/collections/ALL/csv/", "application/xml")]
    [InlineData("/opensearch/xml/", "application/xml")]
    [InlineData("/opensearch/collections/ALL/metadata/NOPE", "application/xml")]
    [InlineData("/opensearch/collections/%27%3B%20DROP%20TABLE%20x%3B--/json/", "application/json")]
    public async Task Unknown_collection_format_or_product_is_404(string path, string mediaType)
    {
        using var r = await server.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.Equal(mediaType, r.Content.Headers.ContentType?.MediaType);
        Assert.Equal("*", r.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(string.IsNullOrWhiteSpace(await r.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Empty_parameters_are_absent_parameters()
    {
        var page = await server.JsonAsync("ALL", "q=&bbox=&geom=&lat=&lon=&radius=&georel=&uid=&start=&end=&timerel=&cloudCover=&count=&startIndex=");
        Assert.Equal(SampleProducts.AllIds.Length, page.Total);
    }
}
