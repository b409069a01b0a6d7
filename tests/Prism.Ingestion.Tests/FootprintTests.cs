using Prism.Ingestion;
using Prism.Ingestion.Geometry;

namespace Prism.Tests;

public sealed class FootprintTests
{
    private static List<List<LonLat>> Rings(string wkt) => MetadataExtractorTests.Rings(wkt);

    [Fact]
    public void A_simple_ring_is_closed_and_written_lon_lat()
    {
        var wkt = Footprint.FromRing([new(10, 40), new(20, 40), new(20, 50), new(10, 50)]);
        Assert.Equal("MULTIPOLYGON(((10 40,20 40,20 50,10 50,10 40)))", wkt);
    }

    [Fact]
    public void PosList_is_lat_lon()
    {
        var ring = Footprint.ParsePosList("46.5 14.25 45 16 44 14.25 46.5 14.25");
        Assert.Equal(new LonLat(14.25, 46.5), ring[0]);
        Assert.Equal(4, ring.Count);
        Assert.Contains("odd number", Assert.Throws<PermanentIngestException>(() => Footprint.ParsePosList("1 2 3")).Message);
        Assert.Contains("not a number", Assert.Throws<PermanentIngestException>(() => Footprint.ParsePosList("1 2 x 4")).Message);
    }

    [Fact]
    public void A_footprint_crossing_the_antimeridian_is_split_in_two()
    {
        // 170E … -170E (i.e. 190E), 10°N–20°N.
        var wkt = Footprint.FromRing([new(170, 10), new(-170, 10), new(-170, 20), new(170, 20), new(170, 10)]);
        var parts = Rings(wkt);
        Assert.Equal(2, parts.Count);
        var east = parts.Single(p => p.All(x => x.Lon >= 0));
        var west = parts.Single(p => p.All(x => x.Lon <= 0));
        Assert.Equal(170, east.Min(p => p.Lon));
        Assert.Equal(180, east.Max(p => p.Lon));
        Assert.Equal(-180, west.Min(p => p.Lon));
        Assert.Equal(-170, west.Max(p => p.Lon));
        Assert.All(parts, p => Assert.Equal(p[0], p[^1]));
        Assert.All(parts, p => { Assert.Equal(10, p.Min(x => x.Lat)); Assert.Equal(20, p.Max(x => x.Lat)); });
        var b = Footprint.Bounds(wkt);
        Assert.Equal(new GeoBounds(-180, 10, 180, 20), b);
    }

    [Fact]
    public void A_slanted_swath_across_the_antimeridian_is_cut_at_the_interpolated_latitude()
    {
        var wkt = Footprint.FromRing([new(178, 0), new(-178, 4), new(-176, 2), new(176, -2)]);
        var parts = Rings(wkt);
        Assert.Equal(2, parts.Count);
        // Edge 178,0 → 182,4 crosses 180 at latitude 2.
        Assert.Contains(parts.SelectMany(p => p), p => p == new LonLat(180, 2));
        Assert.Contains(parts.SelectMany(p => p), p => p == new LonLat(-180, 2));
    }

    [Fact]
    public void Longitudes_already_unwrapped_beyond_180_are_split_too()
    {
        var parts = Rings(Footprint.FromRing([new(175, 0), new(185, 0), new(185, 5), new(175, 5)]));
        Assert.Equal(2, parts.Count);
        Assert.All(parts.SelectMany(p => p), p => Assert.InRange(p.Lon, -180, 180));
    }

    [Fact]
    public void A_world_box_stays_one_polygon()
    {
        var wkt = Footprint.FromRing([new(-180, -90), new(180, -90), new(180, 90), new(-180, 90), new(-180, -90)]);
        Assert.Equal("MULTIPOLYGON(((-180 -90,180 -90,180 90,-180 90,-180 -90)))", wkt);
        Assert.Equal("MULTIPOLYGON(((-180 -90,180 -90,180 90,-180 90,-180 -90)))", Footprint.FromBbox(-180, -90, 180, 90));
    }

    [Fact]
    public void A_ring_around_a_pole_is_closed_along_the_pole()
    {
        var ring = Enumerable.Range(0, 8).Select(i => new LonLat(-180 + i * 45 + 10, 75)).ToList();
        var parts = Rings(Footprint.FromRing(ring));
        Assert.Equal(90, parts.SelectMany(p => p).Max(p => p.Lat));
        Assert.All(parts.SelectMany(p => p), p => Assert.InRange(p.Lon, -180, 180));
    }

    [Fact]
    public void Bbox_crossing_the_antimeridian_has_two_parts()
    {
        Assert.Equal("MULTIPOLYGON(((170 -10,180 -10,180 10,170 10,170 -10)),((-180 -10,-170 -10,-170 10,-180 10,-180 -10)))",
            Footprint.FromBbox(170, -10, -170, 10));
    }

    [Fact]
    public void Wkt_input_is_normalised()
    {
        Assert.Equal("MULTIPOLYGON(((1 2,3 2,3 4,1 2)))", Footprint.NormalizeWkt("POLYGON ((1 2, 3 2, 3 4, 1 2))"));
        Assert.Equal("MULTIPOLYGON(((1 2,3 2,3 4,1 2)),((5 5,6 5,6 6,5 5)))",
            Footprint.NormalizeWkt("SRID=4326;MULTIPOLYGON(((1 2,3 2,3 4,1 2),(1.5 2.1,2 2.1,2 2.5,1.5 2.1)),((5 5,6 5,6 6)))"));
        Assert.Equal(new GeoBounds(1, 2, 6, 6), Footprint.Bounds("MULTIPOLYGON(((1 2,3 2,3 4,1 2)),((5 5,6 5,6 6,5 5)))"));
    }

    [Theory]
    [InlineData("POINT(1 2)")]
    [InlineData("POLYGON((1 2, 3 4)")]
    [InlineData("POLYGON((1 2, 3 x, 4 5, 1 2))")]
    [InlineData("POLYGON((1 2, 1 2, 1 2))")]
    [InlineData("POLYGON((1 95, 2 3, 4 5, 1 95))")]
    [InlineData("")]
    public void Bad_wkt_fails_cleanly(string wkt) =>
        Assert.Throws<PermanentIngestException>(() => Footprint.NormalizeWkt(wkt));

    [Fact]
    public void Bad_coordinates_fail()
    {
        Assert.Contains("latitude", Assert.Throws<PermanentIngestException>(() =>
            Footprint.FromRing([new(0, 0), new(1, 91), new(2, 0)])).Message);
        Assert.Throws<PermanentIngestException>(() => Footprint.FromRing([new(0, 0), new(double.NaN, 1), new(2, 0)]));
        Assert.Contains("fewer than 3", Assert.Throws<PermanentIngestException>(() =>
            Footprint.FromRing([new(0, 0), new(1, 1), new(0, 0)])).Message);
    }
}
