using static Prism.OpenSearch.Tests.SampleProducts;

namespace Prism.OpenSearch.Tests;

/// <summary>Every filter returns exactly the expected identifiers, in Atom and in GeoJSON.</summary>
public sealed class FilterTests(OpenSearchServer server) : IClassFixture<OpenSearchServer>
{
    private static string[] Sorted(params string[] ids) => [.. ids.Order(StringComparer.Ordinal)];

    [Fact]
    public async Task No_filter_returns_every_product_of_the_collection()
    {
        Assert.Equal(Sorted(AllIds), await server.IdsAsync(""));
        Assert.Equal(Sorted(Mer0816, Mer0822, Mer0830), await server.IdsAsync("", "MER_FRS_1P"));
    }

    [Theory]
    [InlineData("175,5,179,25")]     // west of the antimeridian
    [InlineData("-179,5,-175,25")]   // east of it
    [InlineData("170,5,-170,25")]    // across it (west > east)
    [InlineData("179.5,12,-179.5,13")]
    public async Task Bbox_finds_the_antimeridian_footprint_from_either_side(string bbox) =>
        Assert.Equal(Sorted(Dateline, World), await server.IdsAsync($"bbox={bbox}"));

    [Theory]
    [InlineData("-169,5,169,25")]    // the far side of the globe, between the two halves
    [InlineData("-5,5,5,25")]
    public async Task Bbox_on_the_far_side_does_not_find_the_antimeridian_footprint(string bbox) =>
        Assert.Equal(Sorted(World), await server.IdsAsync($"bbox={bbox}"));

    [Fact]
    public async Task Bbox_uses_the_exact_footprint_not_its_envelope()
    {
        Assert.Equal(Sorted(Asa, World), await server.IdsAsync("bbox=15,-40,25,-30"));
        Assert.Equal(Sorted(Mer0816, Mer0822, World), await server.IdsAsync("bbox=20,40,21,41"));
        // Inside MER 0830's envelope, outside its slanted swath.
        Assert.Equal(Sorted(World), await server.IdsAsync("bbox=11.5,32.5,12.5,33.5"));
    }

    [Fact]
    public async Task Geometry_with_each_relation()
    {
        Assert.Equal(Sorted(Mer0816, Mer0822, World), await server.IdsAsync("geom=" + Uri.EscapeDataString("POINT(20.5 40.5)")));
        var around = Uri.EscapeDataString("POLYGON((99 -1,103 -1,103 3,99 3,99 -1))");
        Assert.Equal(Sorted(S1, World), await server.IdsAsync($"geom={around}"));
        Assert.Equal(Sorted(S1, World), await server.IdsAsync($"geom={around}&georel=intersects"));
        // contains: the search geometry contains the footprint (OGC 10-032r8, EOxServer).
        Assert.Equal(Sorted(S1), await server.IdsAsync($"geom={around}&georel=contains"));
        Assert.Equal(Sorted(Asa, Mer0816, Mer0822, Mer0830, Dateline, S2Europe, S2America), await server.IdsAsync($"geom={around}&georel=disjoint"));
        var inside = Uri.EscapeDataString("POLYGON((100.5 0.5,101.5 0.5,101.5 1.5,100.5 1.5,100.5 0.5))");
        // within: the search geometry lies within the footprint.
        Assert.Equal(Sorted(S1, World), await server.IdsAsync($"geom={inside}&georel=within"));
        Assert.Equal(Sorted(Dateline, World), await server.IdsAsync("geom=" + Uri.EscapeDataString("LINESTRING(175 15,179 15)")));
    }

    [Fact]
    public async Task Circle_lat_lon_radius()
    {
        Assert.Equal(Sorted(S1, World), await server.IdsAsync("lat=1&lon=101&radius=10000"));
        // 100 km ≈ 0.9°: does not reach the footprint's east edge at 102°E; 300 km does.
        Assert.Equal(Sorted(World), await server.IdsAsync("lat=1&lon=104&radius=100000"));
        Assert.Equal(Sorted(S1, World), await server.IdsAsync("lat=1&lon=104&radius=300000"));
        // A circle across the antimeridian, centred on either side.
        Assert.Equal(Sorted(Dateline, World), await server.IdsAsync("lat=15&lon=179.9&radius=50000"));
        Assert.Equal(Sorted(Dateline, World), await server.IdsAsync("lat=15&lon=-179.9&radius=50000"));
        // A circle only on the far side of it.
        Assert.Equal(Sorted(Dateline, World), await server.IdsAsync("lat=15&lon=-169.5&radius=100000"));
        Assert.Equal(Sorted(World), await server.IdsAsync("lat=15&lon=-165&radius=100000"));
        // Without radius: the point.
        Assert.Equal(Sorted(S1, World), await server.IdsAsync("lat=1&lon=101"));
    }

    [Fact]
    public async Task Time_relations()
    {
        Assert.Equal(Sorted(Mer0816, Mer0822), await server.IdsAsync("start=2006-08-16&end=2006-08-22"));
        Assert.Equal(Sorted(Mer0816, Mer0822), await server.IdsAsync("start=2006-08-16T00:00:00Z&end=2006-08-22T23:59:59Z&timerel=intersects"));
        Assert.Equal(Sorted(Mer0816, Mer0822, Mer0830), await server.IdsAsync("start=2006-08-01T00:00:00Z&end=2006-08-31T00:00:00Z&timerel=during"));
        Assert.Equal(Sorted(S1), await server.IdsAsync("start=2021-06-02T00:00:00Z&end=2021-06-02T12:00:00Z&timerel=contains"));
        Assert.Equal(Sorted(World, Dateline, S2Europe, S2America, S1), await server.IdsAsync("start=2000-01-01T00:00:00Z&end=2019-12-31T00:00:00Z&timerel=disjoint"));
        Assert.Equal(Sorted(Mer0822), await server.IdsAsync("start=2006-08-22T09:20:58Z&end=2006-08-22T09:24:15Z&timerel=equals"));
        Assert.Equal(Sorted(Dateline, S2Europe, S2America, S1), await server.IdsAsync("start=2021-01-01T00:00:00Z"));
        Assert.Equal(Sorted(Asa), await server.IdsAsync("end=2005-12-31T00:00:00Z"));
    }

    [Fact]
    public async Task Product_type_platform_instrument_uid_text()
    {
        Assert.Equal(Sorted(Mer0816, Mer0822, Mer0830), await server.IdsAsync("productType=MER_FRS_1P"));
        Assert.Equal(Sorted(Asa, S1), await server.IdsAsync("productType=" + Uri.EscapeDataString("{ASA_WSM_1P,GRD}")));
        Assert.Equal(Sorted(Asa, Mer0816, Mer0822, Mer0830), await server.IdsAsync("platform=ENVISAT"));
        Assert.Equal(Sorted(Dateline, S2Europe), await server.IdsAsync("platform=SENTINEL-2A"));
        Assert.Equal(Sorted(Mer0816, Mer0822, Mer0830), await server.IdsAsync("instrument=MERIS"));
        Assert.Equal(Sorted(Asa, S1), await server.IdsAsync("sensorType=RADAR"));
        Assert.Equal(Sorted(S2Europe, S1), await server.IdsAsync("orbitDirection=ASCENDING"));
        Assert.Equal(Sorted(Asa), await server.IdsAsync($"uid={Asa}"));
        Assert.Equal(Sorted(), await server.IdsAsync("uid=nothing-like-this"));
        Assert.Equal(Sorted(Mer0816, Mer0822, Mer0830), await server.IdsAsync("q=mosaic"));
        Assert.Equal(Sorted(S2Europe), await server.IdsAsync("platform=SENTINEL-2A&bbox=0,40,10,50&start=2021-06-02&end=2021-06-02"));
    }

    [Fact]
    public async Task Cloud_cover_and_orbit_ranges()
    {
        string E(string s) => Uri.EscapeDataString(s);
        Assert.Equal(Sorted(Dateline, S2Europe), await server.IdsAsync($"cloudCover={E("[0,50]")}"));
        Assert.Equal(Sorted(S2Europe), await server.IdsAsync($"cloudCover={E("]12.5,80[")}"));
        Assert.Equal(Sorted(S2Europe, S2America), await server.IdsAsync($"cloudCover={E("[50")}"));
        Assert.Equal(Sorted(S2America), await server.IdsAsync($"cloudCover={E("]50")}"));
        Assert.Equal(Sorted(Dateline), await server.IdsAsync($"cloudCover={E("50[")}"));
        Assert.Equal(Sorted(Dateline, S2Europe), await server.IdsAsync($"cloudCover={E("50]")}"));
        Assert.Equal(Sorted(Dateline, S2America), await server.IdsAsync($"cloudCover={E("{12.5,80}")}"));
        Assert.Equal(Sorted(S2Europe), await server.IdsAsync("cloudCover=50"));
        Assert.Equal(Sorted(S2America, S1), await server.IdsAsync($"orbitNumber={E("[200,40000]")}"));
    }

    [Fact]
    public async Task Collection_search_finds_collections_by_their_products()
    {
        async Task<string[]> Collections(string fmt, string q)
        {
            using var r = await server.GetAsync($"/opensearch/{fmt}/?{q}");
            var body = await r.Content.ReadAsStringAsync();
            Assert.True(r.IsSuccessStatusCode, body);
            if (fmt == "json")
            {
                using var doc = System.Text.Json.JsonDocument.Parse(body);
                return [.. doc.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()!)];
            }
            var feed = System.Xml.Linq.XDocument.Parse(body).Root!;
            return [.. feed.Elements(OpenSearchServer.Atom + "entry").Select(e => e.Element(OpenSearchServer.Dc + "identifier")!.Value)];
        }
        foreach (var fmt in new[] { "atom", "json" })
        {
            Assert.Equal(["ALL", "ASA_WSM_1P", "GRD", "MER_FRS_1P", "PAGING", "S2MSI1C", "WORLD_RGB"], await Collections(fmt, ""));
            Assert.Equal(["ALL", "MER_FRS_1P", "WORLD_RGB"], await Collections(fmt, "bbox=20,40,21,41"));
            Assert.Equal(["ALL", "GRD", "S2MSI1C"], await Collections(fmt, "start=2021-06-01T00:00:00Z&end=2021-06-30T00:00:00Z"));
            Assert.Equal(["MER_FRS_1P"], await Collections(fmt, "uid=MER_FRS_1P"));
            Assert.Equal(["PAGING"], await Collections(fmt, "q=pag"));
        }
    }
}
