using Prism.Catalog;
using Prism.Maps;

namespace Prism.Tests.Maps;

public sealed class TimeAndFingerprintTests
{
    [Theory]
    [InlineData("2006-08-16T09:09:29Z", "2006-08-16T09:09:29Z", "2006-08-16T09:09:29Z")]
    [InlineData("2006-08-16T09:00:00Z/2006-08-16T10:00:00Z", "2006-08-16T09:00:00Z", "2006-08-16T10:00:00Z")]
    [InlineData("2006-08-16T09:00:00Z--2006-08-16T10:00:00Z", "2006-08-16T09:00:00Z", "2006-08-16T10:00:00Z")]
    [InlineData("2006-08-16T09:00:00.5Z/2006-08-16T10:00:00Z/PT1H", "2006-08-16T09:00:00.5Z", "2006-08-16T10:00:00Z")]
    [InlineData("2006-08-16T11:00:00+02:00", "2006-08-16T09:00:00Z", "2006-08-16T09:00:00Z")]
    [InlineData("2006-08-16", "2006-08-16T00:00:00Z", "2006-08-16T23:59:59.9999999Z")]
    [InlineData("2006-08-16/2006-08-17", "2006-08-16T00:00:00Z", "2006-08-17T23:59:59.9999999Z")]
    public void Parses_instants_and_intervals(string value, string start, string end)
    {
        var range = TimeRange.Parse(value);
        Assert.Equal(MapsTestData.T(start), range.Start);
        Assert.Equal(MapsTestData.T(end), range.End);
        Assert.Equal(TimeSpan.Zero, range.Start.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2006-13-01T00:00:00Z")]
    [InlineData("2006-08-17T00:00:00Z/2006-08-16T00:00:00Z")]
    [InlineData("2006-08-16T00:00:00Z/")]
    [InlineData("1/2")]
    [InlineData("2006-08-16T00:00:00Z/2006-08-17T00:00:00Z/garbage")]
    public void Rejects_invalid_time_with_InvalidDimensionValue(string value)
    {
        var e = Assert.Throws<MapRequestException>(() => TimeRange.Parse(value));
        Assert.Equal("InvalidDimensionValue", e.Code);
        Assert.Equal("time", e.Locator);
    }

    private static MapProduct Product(string id, string begin, double west, double east, DateTimeOffset? updated = null, string? location = null) =>
        new(new ProductRecord
        {
            Identifier = id, ProductType = "T", Collections = ["C"], BeginTime = MapsTestData.T(begin),
            EndTime = MapsTestData.T(begin).AddMinutes(10),
            FootprintWkt = $"MULTIPOLYGON((({west} 0,{east} 0,{east} 10,{west} 10,{west} 0)))",
            UpdatedAt = updated ?? MapsTestData.T("2020-01-01T00:00:00Z"),
            Coverages = [new CoverageRecord { Identifier = id, Location = location ?? $"{id}/{id}.tif", Width = 1, Height = 1, Crs = "EPSG:4326", GeoTransform = [0, 1, 0, 0, 0, -1], Bands = [] }],
        });

    private static MapCollection Collection(params MapProduct[] products) =>
        new() { Identifier = "C", Products = products, Styles = MapsOptions.BuiltInStyles };

    [Fact]
    public void Resolves_time_and_extent_with_the_latest_product_on_top()
    {
        var late = Product("B_late", "2006-08-22T00:00:00Z", 0, 10);
        var early = Product("A_early", "2006-08-16T00:00:00Z", 5, 15);
        var sameTimeOtherId = Product("A_same", "2006-08-22T00:00:00Z", 0, 10);
        var disjoint = Product("D", "2006-08-22T00:00:00Z", 100, 110);
        var c = Collection(late, early, disjoint, sameTimeOtherId);

        var all = c.Resolve(TimeRange.Parse("2006-08-01/2006-08-31"), new GeoBox(0, 0, 20, 10));
        Assert.Equal(["A_early", "A_same", "B_late"], all.Select(p => p.Identifier));
        var one = c.Resolve(TimeRange.Parse("2006-08-16T00:05:00Z"), new GeoBox(0, 0, 20, 10));
        Assert.Equal(["A_early"], one.Select(p => p.Identifier));
        Assert.Empty(c.Resolve(TimeRange.Parse("2007-01-01"), new GeoBox(0, 0, 20, 10)));
        Assert.Empty(c.Resolve(TimeRange.Parse("2006-08-22"), new GeoBox(50, 0, 60, 10)));
        Assert.Equal(new TimeRange(late.Record.BeginTime, late.Record.EndTime), c.DefaultTime);
    }

    [Fact]
    public void Fingerprint_depends_on_the_products_not_on_the_time_value()
    {
        var a = Product("A", "2006-08-16T00:00:00Z", 0, 10);
        var b = Product("B", "2006-08-22T00:00:00Z", 0, 10);
        var c = Collection(a, b);
        var style = MapsOptions.BuiltInStyles[0];
        var box = new GeoBox(0, 0, 10, 10);
        var narrow = TileFingerprint.Of(c.Resolve(TimeRange.Parse("2006-08-16T00:00:00Z/2006-08-16T00:05:00Z"), box), style);
        var wide = TileFingerprint.Of(c.Resolve(TimeRange.Parse("2006-08-10/2006-08-20"), box), style);
        var both = TileFingerprint.Of(c.Resolve(TimeRange.Parse("2006-08-10/2006-08-30"), box), style);
        Assert.Equal(narrow, wide);
        Assert.NotEqual(narrow, both);
        Assert.Matches("^[0-9a-f]{16}$", narrow);

        // Re-registered (new update time) or moved coverage: a new fingerprint; another style: a new one too.
        var reRegistered = Product("A", "2006-08-16T00:00:00Z", 0, 10, updated: MapsTestData.T("2021-01-01T00:00:00Z"));
        Assert.NotEqual(narrow, TileFingerprint.Of([reRegistered], style));
        Assert.NotEqual(narrow, TileFingerprint.Of([Product("A", "2006-08-16T00:00:00Z", 0, 10, location: "A/other.tif")], style));
        Assert.NotEqual(narrow, TileFingerprint.Of([a], MapsOptions.BuiltInStyles[1]));
        Assert.Equal(narrow, TileFingerprint.Of([Product("A", "2006-08-16T00:00:00Z", 0, 10)], style));
        // Order matters (it is the drawing order).
        Assert.NotEqual(TileFingerprint.Of([a, b], style), TileFingerprint.Of([b, a], style));
    }

    [Fact]
    public void Tile_keys_follow_the_documented_shape()
    {
        Assert.Equal("MER/TRUE_COLOR/WGS84/0123456789abcdef/3/5/2.png",
            TileKeys.Of("MER", "TRUE_COLOR", "WGS84", "0123456789abcdef", 3, 5, 2, ImageFormat.Png));
        Assert.Equal("tiles/MER/GREY/GoogleMapsCompatible/f/0/0/0.jpg",
            TileKeys.StoreKey(TileKeys.Of("MER", "GREY", "GoogleMapsCompatible", "f", 0, 0, 0, ImageFormat.Jpeg)));
    }
}
