using Prism.Catalog;
using Prism.Maps;

namespace Prism.Tests.Maps;

public sealed class TileEnumerationTests
{
    private static Footprint Box(double w, double s, double e, double n) =>
        Footprint.Parse($"MULTIPOLYGON((({w} {s},{e} {s},{e} {n},{w} {n},{w} {s})))");

    [Fact]
    public void Enumerates_the_tiles_of_a_box_in_both_matrix_sets()
    {
        var box = Box(10, 40, 20, 50);
        Assert.Equal([(1, 0)], MapGeometry.TilesOver(TileMatrixSet.WGS84, 0, box));
        // z=2: 8×4 tiles of 45°: lon 10–20 is column 4, lat 40–50 rows 0 (45–90) and 1 (0–45).
        Assert.Equal([(4, 0), (4, 1)], MapGeometry.TilesOver(TileMatrixSet.WGS84, 2, box));
        Assert.Equal([(0, 0)], MapGeometry.TilesOver(TileMatrixSet.GoogleMapsCompatible, 0, box));
        Assert.Equal([(1, 0)], MapGeometry.TilesOver(TileMatrixSet.GoogleMapsCompatible, 1, box));
        // Every enumerated tile really intersects, and a tile just outside is not listed.
        var z5 = MapGeometry.TilesOver(TileMatrixSet.GoogleMapsCompatible, 5, box);
        Assert.All(z5, t => Assert.True(box.Intersects(MapGeometry.TileWgs84(TileMatrixSet.GoogleMapsCompatible, 5, t.Col, t.Row))));
        Assert.Equal(z5.Count, z5.Distinct().Count());
    }

    [Fact]
    public void An_antimeridian_footprint_gives_tiles_on_both_sides()
    {
        var split = Footprint.Parse("MULTIPOLYGON(((170 -10,180 -10,180 10,170 10,170 -10)),((-180 -10,-170 -10,-170 10,-180 10,-180 -10)))");
        Assert.Equal([(0, 0), (1, 0)], MapGeometry.TilesOver(TileMatrixSet.WGS84, 0, split));
        var z3 = MapGeometry.TilesOver(TileMatrixSet.WGS84, 3, split);
        Assert.Contains(z3, t => t.Col == 0);
        Assert.Contains(z3, t => t.Col == TileMatrixSet.WGS84.MatrixWidth(3) - 1);
        Assert.DoesNotContain(z3, t => t.Col is > 0 and < 15);
    }

    [Fact]
    public void Tiles_of_the_bounding_box_outside_a_polygon_are_left_out()
    {
        // A thin diagonal triangle: its bounding box covers 4×4 tiles at z=3 (22.5°), the polygon far fewer.
        var triangle = Footprint.Parse("MULTIPOLYGON(((0 0,89 0,89 89,0 0)))");
        var tiles = MapGeometry.TilesOver(TileMatrixSet.WGS84, 3, triangle);
        Assert.Contains((8, 3), tiles);          // lon 0–22.5, lat 0–22.5 (row 3: 0–22.5)
        Assert.DoesNotContain((8, 0), tiles);    // lon 0–22.5, lat 67.5–90: above the diagonal
        Assert.True(tiles.Count < 16);
    }

    [Fact]
    public void Polar_parts_outside_web_mercator_are_skipped()
    {
        var polar = Box(-10, 86, 10, 89);
        Assert.Empty(MapGeometry.TilesOver(TileMatrixSet.GoogleMapsCompatible, 2, polar));
        Assert.NotEmpty(MapGeometry.TilesOver(TileMatrixSet.WGS84, 2, polar));
    }

    [Fact]
    public void Seed_enumeration_covers_styles_matrix_sets_and_zooms()
    {
        MapProduct P(string id, string begin, double w) => new(new ProductRecord
        {
            Identifier = id, ProductType = "T", Collections = ["C"], BeginTime = MapsTestData.T(begin),
            EndTime = MapsTestData.T(begin).AddMinutes(1),
            FootprintWkt = $"MULTIPOLYGON((({w} 40,{w + 10} 40,{w + 10} 50,{w} 50,{w} 40)))",
            Coverages = [new CoverageRecord { Identifier = id, Location = "x.tif", Width = 1, Height = 1, Crs = "EPSG:4326", GeoTransform = [0, 1, 0, 0, 0, -1], Bands = [] }],
        });
        var c = new MapCollection
        {
            Identifier = "C", Styles = [MapsOptions.BuiltInStyles[0], MapsOptions.BuiltInStyles[1]],
            Products = [P("a", "2006-08-16T00:00:00Z", 10), P("b", "2006-09-16T00:00:00Z", -100)],
        };
        var snapshot = new MapSnapshot { LoadedAt = DateTime.UtcNow, Collections = new Dictionary<string, MapCollection> { ["C"] = c }, Layers = [] };
        var request = new SeedRequest
        {
            Begin = MapsTestData.T("2006-08-01T00:00:00Z"), End = MapsTestData.T("2006-08-31T00:00:00Z"),
            Zooms = new Dictionary<string, int[]> { ["WGS84"] = [0, 2] },
        };
        // By default only the default (first) style is seeded.
        var defaultOnly = SeedJobGrain.Enumerate(snapshot, request, new MapsOptions(), out var error);
        Assert.Null(error);
        Assert.Equal(4, defaultOnly.Count);
        Assert.All(defaultOnly, t => Assert.Equal(MapsOptions.BuiltInStyles[0].Name, t.Style.Name));

        var tiles = SeedJobGrain.Enumerate(snapshot, request, new MapsOptions { SeedAllStyles = true }, out error);
        Assert.Null(error);
        // Only product "a" is in the interval: z0 (1,0), z1 (2,0), z2 (4,0),(4,1) — per style.
        Assert.Equal(8, tiles.Count);
        Assert.All(tiles, t => Assert.Equal("WGS84", t.Tms.Identifier));
        Assert.Equal(4, tiles.Count(t => t.Style.Name == "GREY"));

        var defaults = SeedJobGrain.Enumerate(snapshot, request with { Zooms = null }, new MapsOptions(), out error);
        Assert.Null(error);
        Assert.Contains(defaults, t => t.Tms.Identifier == "GoogleMapsCompatible" && t.Z == 6);
        Assert.DoesNotContain(defaults, t => t.Z > 6);

        SeedJobGrain.Enumerate(snapshot, request with { Collection = "nope" }, new MapsOptions(), out error);
        Assert.NotNull(error);
    }
}
