using Prism.Catalog;
using Prism.Gateway.OpenSearch;

namespace Prism.Tests.OpenSearch;

/// <summary>The exact link strings of a product entry and the ISO times in them.</summary>
public sealed class LinksTests
{
    [Theory]
    [InlineData("2006-08-16T09:09:29+00:00", "2006-08-16T09:09:29Z")]
    [InlineData("2006-08-16T11:09:29+02:00", "2006-08-16T09:09:29Z")]
    [InlineData("2006-08-16T09:09:29.5+00:00", "2006-08-16T09:09:29.5Z")]
    [InlineData("2006-08-16T09:09:29.1234567+00:00", "2006-08-16T09:09:29.1234567Z")]
    [InlineData("0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00Z")]
    public void Iso_is_utc_with_the_shortest_fraction(string input, string expected) =>
        Assert.Equal(expected, OpenSearchLinks.Iso(DateTimeOffset.Parse(input, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Product_links_name_every_service_with_the_escaped_collection_and_time()
    {
        var links = new OpenSearchLinks("http://h:1/");
        var product = new ProductRecord
        {
            Identifier = "P 1",
            ProductType = "T",
            Collections = ["C/1"],
            BeginTime = new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero),
            EndTime = new DateTimeOffset(2020, 1, 2, 3, 4, 6, TimeSpan.Zero),
            FootprintWkt = "POLYGON((10 20,12 20,12 21,10 21,10 20))",
            RawMetadata = "  {\"a\":1}",
            Coverages = [new CoverageRecord { Identifier = "P 1_cov", Location = "x.tif", Width = 1, Height = 1, Crs = "EPSG:4326", GeoTransform = [0, 1, 0, 0, 0, -1], Bands = [] }],
        };
        var shape = GeoWkt.Parse(product.FootprintWkt, footprint: true);
        // Twice: the second call reuses the per-collection prefixes and must give the same links.
        foreach (var _ in new[] { 1, 2 })
        {
            var got = links.Product(product, "C/1", shape).Select(l => $"{l.Rel} {l.Type} {l.Href}").ToArray();
            const string time = "2020-01-02T03%3A04%3A05Z%2F2020-01-02T03%3A04%3A06Z";
            Assert.Equal(
            [
                "alternate application/atom+xml http://h:1/opensearch/collections/C%2F1/atom/?uid=P%201",
                "alternate application/geo+json http://h:1/opensearch/collections/C%2F1/json/?uid=P%201",
                "via application/json http://h:1/opensearch/collections/C%2F1/metadata/P%201",
                "related application/xml http://h:1/ows?service=WMS&version=1.3.0&request=GetCapabilities",
                $"icon image/png http://h:1/ows?service=WMS&version=1.3.0&request=GetMap&layers=C%2F1&styles=&crs=EPSG:4326&bbox=20,10,21,12&width=512&height=256&format=image/png&transparent=true&time={time}",
                $"related image/png http://h:1/ows?service=WMTS&version=1.0.0&request=GetTile&layer=C%2F1&style=default&tilematrixset=WGS84&tilematrix=0&tilerow=0&tilecol=1&format=image/png&time={time}",
                "related application/xml http://h:1/ows?service=WMTS&version=1.0.0&request=GetCapabilities",
                "related application/xml http://h:1/ows?service=WCS&version=2.0.1&request=DescribeCoverage&coverageid=P%201_cov",
            ], got);
        }
        // Another collection on the same instance gets its own prefixes.
        Assert.StartsWith("http://h:1/opensearch/collections/D/atom/?uid=", links.Product(product, "D", shape)[0].Href);
    }
}

/// <summary>Links of products with fractional times and odd footprints carry exactly the escaped ISO interval and the
/// round-trip numbers.</summary>
public sealed class FractionalLinkTests
{
    [Theory]
    [InlineData("2005-03-31T07:59:36.409Z", "2005-03-31T08:00:36.342Z", 17.123456789012345, -33.25)]
    [InlineData("2020-01-01T00:00:00.0000001Z", "2020-12-31T23:59:59.9999999Z", 0.1, 1e-7)]
    public void Time_and_bbox_in_the_links_equal_the_plain_formatting(string begin, string end, double lon, double lat)
    {
        var b = DateTimeOffset.Parse(begin, System.Globalization.CultureInfo.InvariantCulture);
        var e = DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture);
        FormattableString wkt = $"POLYGON(({lon} {lat},{lon + 1.5} {lat},{lon + 1.5} {lat + 0.75},{lon} {lat}))";
        var product = new ProductRecord
        {
            Identifier = "P", ProductType = "T", Collections = ["C"], BeginTime = b, EndTime = e,
            FootprintWkt = wkt.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var shape = GeoWkt.Parse(product.FootprintWkt, footprint: true);
        var icon = new OpenSearchLinks("http://h").Product(product, "C", shape).Single(l => l.Rel == "icon").Href;
        var time = Uri.EscapeDataString($"{OpenSearchLinks.Iso(b)}/{OpenSearchLinks.Iso(e)}");
        var (w, s, east, n) = shape.Box();
        static string R(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"&bbox={R(s)},{R(w)},{R(n)},{R(east)}&", icon);
        Assert.EndsWith($"&time={time}", icon);
    }
}

/// <summary>When a page tells the total by itself (and when the count must run).</summary>
public sealed class KnownTotalTests
{
    [Theory]
    [InlineData(0, 10, 3, 3L)]      // a short first page is the whole result
    [InlineData(20, 10, 4, 24L)]    // a short later page is the last one
    [InlineData(0, 10, 0, 0L)]      // an empty first page: nothing matches
    [InlineData(0, 10, 10, null)]   // a full page: more may follow
    [InlineData(30, 10, 0, null)]   // an empty later page: the total may be anything up to the offset
    [InlineData(0, 0, 0, null)]     // count=0 asks for the total only
    public void Only_a_short_or_empty_first_page_tells_the_total(int offset, int count, int returned, long? expected) =>
        Assert.Equal(expected, Prism.Gateway.OpenSearch.OpenSearchEndpoints.KnownTotal(offset, count, returned));
}
