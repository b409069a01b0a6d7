using System.Globalization;
using System.Text;
using Prism.Catalog;

namespace Prism.Tests.Catalog;

/// <summary>The search contract: geometry and time relations, collections, EO properties, free text, hostile input.</summary>
public abstract partial class CatalogContractTests
{
    // ---- geometry relations -------------------------------------------------------------------------------------

    /// <summary>big: [0,10]², small: [2,3]² (inside big), holed: [20,30]×[0,10] with a hole [23,27]×[3,7], fiji.</summary>
    private async Task RegisterGeometrySetAsync()
    {
        var t0 = T("2022-01-01T00:00:00Z");
        await Catalog.RegisterAsync(Simple("big", t0, Square(0, 0, 10)));
        await Catalog.RegisterAsync(Simple("small", t0.AddMinutes(1), Square(2, 2, 1)));
        await Catalog.RegisterAsync(Simple("holed", t0.AddMinutes(2),
            "MULTIPOLYGON(((20 0,30 0,30 10,20 10,20 0),(23 3,27 3,27 7,23 7,23 3)))"));
        await Catalog.RegisterAsync(Simple("fiji", t0.AddMinutes(3), AntimeridianFootprint));
    }

    private async Task<string[]> Geo(string wkt, GeoRelation relation)
    {
        var query = new ProductQuery { GeometryWkt = wkt, Relation = relation };
        var ids = (await Catalog.SearchAsync(query)).Select(p => p.Identifier).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(ids.Length, await Catalog.CountAsync(query));
        return ids;
    }

    private async Task<string[]> Box(double[] bbox, GeoRelation relation, string? wkt = null)
    {
        var query = new ProductQuery { Bbox = bbox, Relation = relation, GeometryWkt = wkt };
        var ids = (await Catalog.SearchAsync(query)).Select(p => p.Identifier).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(ids.Length, await Catalog.CountAsync(query));
        return ids;
    }

    [Fact]
    public async Task Geometry_intersects_points_lines_and_polygons_with_closed_boundaries_and_holes()
    {
        await RegisterGeometrySetAsync();
        const GeoRelation r = GeoRelation.Intersects;
        Assert.Equal(["big"], await Geo("POINT(5 5)", r));
        Assert.Equal(["big"], await Geo("POINT(10 5)", r));                // on the boundary
        Assert.Equal(["big", "small"], await Geo("point (2.5 2.5)", r));
        Assert.Empty(await Geo("POINT(25 5)", r));                         // inside the hole
        Assert.Equal(["holed"], await Geo("POINT(23 5)", r));              // on the hole's edge
        Assert.Empty(await Geo("LINESTRING(-5 5,-1 5)", r));
        Assert.Equal(["big"], await Geo("LINESTRING(-5 5,0 5)", r));       // touches an edge
        Assert.Empty(await Geo("LINESTRING(11 5,19 5)", r));
        Assert.Equal(["holed"], await Geo("LINESTRING(15 5,25 5)", r));
        Assert.Empty(await Geo("LINESTRING(24 4,26 6)", r));               // wholly in the hole
        Assert.Empty(await Geo("POLYGON((24 4,26 4,26 6,24 6,24 4))", r));
        Assert.Equal(["big", "holed"], await Geo("POLYGON((9 9,21 9,21 11,9 11,9 9))", r));
        // Encloses everything but fiji without a vertex inside any footprint.
        Assert.Equal(["big", "holed", "small"], await Geo("SRID=4326;POLYGON((-5 -5,35 -5,35 15,-5 15,-5 -5))", r));
        Assert.Equal(["big", "fiji"], await Geo("MULTIPOLYGON(((4 4,5 4,5 5,4 4)),((179 -18,180 -18,180 -17,179 -18)))", r));
        Assert.Equal(["fiji"], await Geo("POINT(-179 -17)", r));
    }

    [Fact]
    public async Task Geometry_contains_needs_the_geometry_inside_the_footprint_and_not_only_on_its_boundary()
    {
        await RegisterGeometrySetAsync();
        const GeoRelation r = GeoRelation.Contains;
        Assert.Equal(["big"], await Geo("POINT(5 5)", r));
        Assert.Empty(await Geo("POINT(0 5)", r));                          // boundary only
        Assert.Equal(["big", "small"], await Geo("POINT(2.5 2.5)", r));
        Assert.Empty(await Geo("POINT(25 5)", r));
        Assert.Equal(["big"], await Geo("LINESTRING(1 1,9 9)", r));
        Assert.Empty(await Geo("LINESTRING(0 0,10 0)", r));                // along an edge
        Assert.Equal(["big"], await Geo("LINESTRING(0 0,5 5)", r));        // one end on the boundary
        Assert.Empty(await Geo("LINESTRING(5 5,15 5)", r));
        Assert.Empty(await Geo("LINESTRING(21 1,29 9)", r));               // through the hole
        Assert.Equal(["holed"], await Geo("LINESTRING(21 1,29 1)", r));
        Assert.Equal(["big"], await Geo("POLYGON((1 1,4 1,4 4,1 4,1 1))", r));
        Assert.Equal(["big"], await Geo("POLYGON((0 0,10 0,10 10,0 10,0 0))", r)); // equal
        Assert.Empty(await Geo("POLYGON((22 2,28 2,28 8,22 8,22 2))", r)); // covers the hole
        Assert.Empty(await Geo("POLYGON((23 3,27 3,27 7,23 7,23 3))", r)); // is the hole
        Assert.Equal(["holed"], await Geo("POLYGON((21 1,22 1,22 9,21 9,21 1))", r));
        Assert.Empty(await Geo("POLYGON((5 5,15 5,15 6,5 6,5 5))", r));
        Assert.Equal(["big"], await Geo("MULTIPOLYGON(((1 1,2 1,2 2,1 1)),((8 8,9 8,9 9,8 8)))", r));
        Assert.Empty(await Geo("MULTIPOLYGON(((1 1,2 1,2 2,1 1)),((21 1,22 1,22 2,21 1)))", r));
    }

    [Fact]
    public async Task Geometry_within_needs_the_footprint_inside_the_geometry()
    {
        await RegisterGeometrySetAsync();
        const GeoRelation r = GeoRelation.Within;
        Assert.Equal(["big", "small"], await Geo("POLYGON((-1 -1,11 -1,11 11,-1 11,-1 -1))", r));
        Assert.Equal(["big", "small"], await Geo("POLYGON((0 0,10 0,10 10,0 10,0 0))", r)); // equal
        Assert.Equal(["small"], await Geo("POLYGON((1 1,11 1,11 11,1 11,1 1))", r));
        Assert.Equal(["holed"], await Geo("POLYGON((19 -1,31 -1,31 11,19 11,19 -1))", r));
        // A query polygon whose hole holds "small": neither footprint lies within it.
        Assert.Empty(await Geo("POLYGON((-1 -1,11 -1,11 11,-1 11,-1 -1),(1.5 1.5,3.5 1.5,3.5 3.5,1.5 3.5,1.5 1.5))", r));
        Assert.Empty(await Geo("POINT(5 5)", r));
        Assert.Empty(await Geo("LINESTRING(0 0,10 10)", r));
        Assert.Equal(["fiji"], await Geo(
            "MULTIPOLYGON(((170 -30,180 -30,180 0,170 0,170 -30)),((-180 -30,-170 -30,-170 0,-180 0,-180 -30)))", r));
        Assert.Empty(await Geo("POLYGON((170 -30,180 -30,180 0,170 0,170 -30))", r));
    }

    [Fact]
    public async Task Geometry_disjoint_is_the_complement_of_intersects()
    {
        await RegisterGeometrySetAsync();
        string[] geometries =
        [
            "POINT(10 5)", "POINT(25 5)", "LINESTRING(15 5,25 5)", "POLYGON((9 9,21 9,21 11,9 11,9 9))",
            "POLYGON((24 4,26 4,26 6,24 6,24 4))", "POINT(-179 -17)",
        ];
        string[] all = ["big", "fiji", "holed", "small"];
        foreach (var g in geometries)
        {
            var hits = await Geo(g, GeoRelation.Intersects);
            Assert.Equal(all.Except(hits), await Geo(g, GeoRelation.Disjoint));
        }
        Assert.Equal(["fiji", "small"], await Geo("POLYGON((9 9,21 9,21 11,9 11,9 9))", GeoRelation.Disjoint));
    }

    [Fact]
    public async Task Bbox_with_a_relation_is_taken_as_its_polygons_including_across_the_antimeridian()
    {
        await RegisterGeometrySetAsync();
        Assert.Equal(["big", "small"], await Box([-1, -1, 11, 11], GeoRelation.Within));
        Assert.Equal(["big"], await Box([1, 1, 4, 4], GeoRelation.Contains));
        Assert.Equal(["big", "small"], await Box([2, 2, 3, 3], GeoRelation.Contains));
        Assert.Equal(["fiji", "holed"], await Box([-1, -1, 11, 11], GeoRelation.Disjoint));
        Assert.Equal(["big"], await Box([-1, -1, 11, 11], GeoRelation.Intersects, "POLYGON((9 9,21 9,21 11,9 11,9 9))"));
        // Across the antimeridian: the two boxes together hold both parts of fiji.
        Assert.Equal(["fiji"], await Box([170, -30, -170, 0], GeoRelation.Within));
        Assert.Empty(await Box([170, -30, 180, 0], GeoRelation.Within));
        Assert.Equal(["fiji"], await Box([179.5, -18, -179.5, -17], GeoRelation.Contains));
        Assert.Equal(["big", "holed", "small"], await Box([179.5, -18, -179.5, -17], GeoRelation.Disjoint));
        // Degenerate boxes are a point or a line.
        Assert.Equal(["big"], await Box([5, 5, 5, 5], GeoRelation.Contains));
        Assert.Equal(["big"], await Box([5, 2, 5, 8], GeoRelation.Contains));
        Assert.Empty(await Box([0, 2, 0, 8], GeoRelation.Contains));
        Assert.Empty(await Box([0, 2, 0, 8], GeoRelation.Within));
        // Bbox and geometry together: both must hold.
        Assert.Equal(["small"], await Box([-1, -1, 11, 11], GeoRelation.Within, "POLYGON((1 1,11 1,11 11,1 11,1 1))"));
        Assert.Equal(["big"], await Box([-1, -1, 11, 11], GeoRelation.Intersects, "POINT(9 9)"));
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.SearchAsync(new ProductQuery { Bbox = [0, 0, 200, 10], Relation = GeoRelation.Within }));
    }

    [Fact]
    public async Task Large_valid_geometry_is_accepted()
    {
        await RegisterGeometrySetAsync();
        // A 5 000-vertex circle of radius 8 around (5, 5) holds big's corners (distance ≈ 7.07).
        var sb = new StringBuilder("POLYGON((");
        const int n = 5000;
        for (var i = 0; i <= n; i++)
        {
            var a = i == n ? 0 : 2 * Math.PI * i / n;
            if (i > 0) sb.Append(',');
            sb.Append((5 + 8 * Math.Cos(a)).ToString("F6", CultureInfo.InvariantCulture)).Append(' ')
              .Append((5 + 8 * Math.Sin(a)).ToString("F6", CultureInfo.InvariantCulture));
        }
        sb.Append("))");
        Assert.True(sb.Length <= QueryGeometry.MaxWktLength);
        Assert.Equal(["big", "small"], await Geo(sb.ToString(), GeoRelation.Within));
        Assert.Equal(["big", "small"], await Geo(sb.ToString(), GeoRelation.Intersects));
    }

    // ---- time relations -----------------------------------------------------------------------------------------

    [Fact]
    public async Task Time_relations_with_inclusive_edges_and_half_open_queries()
    {
        var b = T("2023-03-01T10:00:00Z");
        await Catalog.RegisterAsync(Simple("P", b, Square(0, 0)) with { EndTime = b.AddMinutes(10) });
        await Catalog.RegisterAsync(Simple("Q", b.AddMinutes(5), Square(0, 0)) with { EndTime = b.AddMinutes(20) });
        await Catalog.RegisterAsync(Simple("R", b.AddHours(1), Square(0, 0)) with { EndTime = b.AddHours(1) });
        var ms = TimeSpan.FromMilliseconds(1);
        DateTimeOffset M(double minutes) => b.AddMinutes(minutes);

        async Task<string[]> When(TimeRelation relation, DateTimeOffset? start, DateTimeOffset? end)
        {
            var q = new ProductQuery { TimeRelation = relation, Start = start, End = end };
            var ids = (await Catalog.SearchAsync(q)).Select(p => p.Identifier).ToArray();
            Assert.Equal(ids.Length, await Catalog.CountAsync(q));
            return ids;
        }

        Assert.Equal(["P", "Q"], await When(TimeRelation.Intersects, M(10), M(10)));
        Assert.Equal(["Q"], await When(TimeRelation.Intersects, M(10) + ms, M(59)));

        Assert.Equal(["P"], await When(TimeRelation.Contains, M(2), M(8)));
        Assert.Equal(["P"], await When(TimeRelation.Contains, M(0), M(10)));       // edges inclusive
        Assert.Empty(await When(TimeRelation.Contains, M(0), M(10) + ms));
        Assert.Equal(["P", "Q"], await When(TimeRelation.Contains, M(7), null));   // one bound: an instant
        Assert.Equal(["R"], await When(TimeRelation.Contains, null, M(60)));
        Assert.Equal(["P", "Q"], await When(TimeRelation.Contains, M(10), M(10)));

        Assert.Equal(["P", "Q"], await When(TimeRelation.During, M(0), M(20)));    // edges inclusive
        Assert.Equal(["P"], await When(TimeRelation.During, M(0), M(20) - ms));
        Assert.Equal(["Q", "R"], await When(TimeRelation.During, M(5), null));
        Assert.Equal(["P"], await When(TimeRelation.During, null, M(10)));
        Assert.Equal(["R"], await When(TimeRelation.During, M(60), M(60)));

        Assert.Equal(["P", "R"], await When(TimeRelation.Disjoint, M(10) + ms, M(60) - ms));
        Assert.Empty(await When(TimeRelation.Disjoint, M(10), M(60)));             // touching is not disjoint
        Assert.Equal(["P"], await When(TimeRelation.Disjoint, M(10) + ms, null));
        Assert.Equal(["R"], await When(TimeRelation.Disjoint, null, M(60) - ms));

        Assert.Equal(["P"], await When(TimeRelation.Equals, M(0), M(10)));
        Assert.Empty(await When(TimeRelation.Equals, M(0), M(10) + ms));
        Assert.Equal(["Q"], await When(TimeRelation.Equals, M(5), null));
        Assert.Equal(["R"], await When(TimeRelation.Equals, null, M(60)));
        Assert.Equal(["R"], await When(TimeRelation.Equals, M(60).ToOffset(TimeSpan.FromHours(3)), M(60)));

        // No bound: no time filter, whatever the relation.
        foreach (var relation in Enum.GetValues<TimeRelation>())
            Assert.Equal(["P", "Q", "R"], await When(relation, null, null));
        // An inverted interval matches nothing, whatever the relation.
        foreach (var relation in Enum.GetValues<TimeRelation>())
            Assert.Empty(await When(relation, M(30), M(20)));
    }

    // ---- collections ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Collections_match_any_of_and_combine_with_collection()
    {
        var t0 = T("2021-06-01T00:00:00Z");
        await Catalog.RegisterAsync(Simple("a", t0, Square(0, 0), "T", "S1", "RADAR"));
        await Catalog.RegisterAsync(Simple("b", t0.AddHours(1), Square(0, 0), "T", "S2", "OPTICAL"));
        await Catalog.RegisterAsync(Simple("c", t0.AddHours(2), Square(0, 0), "T", "S3", "OPTICAL"));
        await Catalog.RegisterAsync(Simple("d", t0.AddHours(3), Square(0, 0), "T"));

        Assert.Equal(["a", "b"], await Ids(new ProductQuery { Collections = ["S1", "S2", "NONE"] }));
        Assert.Equal(["b", "c"], await Ids(new ProductQuery { Collections = ["OPTICAL", "OPTICAL"] }));
        Assert.Equal(["b"], await Ids(new ProductQuery { Collections = ["S1", "S2"], Collection = "OPTICAL" }));
        Assert.Empty(await Ids(new ProductQuery { Collections = ["optical"] }));   // case-sensitive
        Assert.Empty(await Ids(new ProductQuery { Collections = [] }));
        Assert.Equal(0, await Catalog.CountAsync(new ProductQuery { Collections = [] }));
        Assert.Equal(3, await Catalog.CountAsync(new ProductQuery { Collections = ["S1", "OPTICAL"] }));
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.SearchAsync(new ProductQuery { Collections = ["S1", null!] }));
    }

    // ---- EO properties --------------------------------------------------------------------------------------------

    private async Task RegisterPropertySetAsync()
    {
        var t0 = T("2018-01-01T00:00:00Z");
        await Catalog.RegisterAsync(Simple("a", t0, Square(0, 0), "MER_FRS_1P") with
        {
            Platform = "ENVISAT", Instrument = "MERIS", SensorType = "OPTICAL", CloudCover = 0, OrbitNumber = 100,
            OrbitDirection = "ASCENDING", AcquisitionType = "NOMINAL", ProcessingCenter = "PDHS-E", Status = "ARCHIVED",
        });
        await Catalog.RegisterAsync(Simple("b", t0.AddDays(1), Square(0, 0), "S2MSI1C") with
        {
            Platform = "Sentinel-2A", Instrument = "MSI", SensorType = "OPTICAL", CloudCover = 25.5, OrbitNumber = 200,
            OrbitDirection = "DESCENDING", AcquisitionType = "NOMINAL", ProcessingCenter = "ESRIN", Status = "ACQUIRED",
        });
        await Catalog.RegisterAsync(Simple("c", t0.AddDays(2), Square(0, 0), "S1_GRD") with
        {
            Platform = "Sentinel-1A", Instrument = "SAR-C", SensorType = "RADAR", OrbitNumber = 300,
            OrbitDirection = "ASCENDING", AcquisitionType = "CALIBRATION", ProcessingCenter = "ESRIN", Status = "ARCHIVED",
        });
        await Catalog.RegisterAsync(Simple("d", t0.AddDays(3), Square(0, 0), "T") with { CloudCover = 50, OrbitNumber = 200 });
    }

    private async Task<string[]> Prop(string name, PropertyFilter filter)
    {
        var q = new ProductQuery { Properties = new Dictionary<string, PropertyFilter> { [name] = filter } };
        var ids = (await Catalog.SearchAsync(q)).Select(p => p.Identifier).ToArray();
        Assert.Equal(ids.Length, await Catalog.CountAsync(q));
        return ids;
    }

    private static PropertyFilter Values(params string[] values) => new() { Values = values };

    [Fact]
    public async Task Text_properties_match_any_of_their_values_exactly()
    {
        await RegisterPropertySetAsync();
        Assert.Equal(["c", "d"], await Prop("productType", Values("S1_GRD", "T")));
        Assert.Equal(["a"], await Prop("platform", Values("ENVISAT")));
        Assert.Empty(await Prop("platform", Values("envisat")));                  // case-sensitive
        Assert.Empty(await Prop("platform", Values("Sentinel")));                 // no prefix match
        Assert.Equal(["b", "c"], await Prop("instrument", Values("MSI", "SAR-C")));
        Assert.Equal(["a", "b"], await Prop("sensorType", Values("OPTICAL")));
        Assert.Equal(["a", "c"], await Prop("orbitDirection", Values("ASCENDING")));
        Assert.Equal(["c"], await Prop("acquisitionType", Values("CALIBRATION")));
        Assert.Equal(["b", "c"], await Prop("processingCenter", Values("ESRIN")));
        Assert.Equal(["a", "c"], await Prop("status", Values("ARCHIVED")));
        Assert.Empty(await Prop("status", Values()));                              // empty list: nothing
        Assert.Equal(["a", "b", "c", "d"], await Prop("status", new PropertyFilter())); // no constraint
        Assert.Empty(await Prop("status", Values("ARCHIVED' OR '1'='1")));

        var both = new ProductQuery
        {
            Properties = new Dictionary<string, PropertyFilter>
            {
                ["sensorType"] = Values("OPTICAL"), ["orbitDirection"] = Values("ASCENDING"),
            },
        };
        Assert.Equal(["a"], await Ids(both));
        Assert.Equal(1, await Catalog.CountAsync(both));
    }

    [Fact]
    public async Task Numeric_properties_match_values_and_inclusive_or_exclusive_ranges()
    {
        await RegisterPropertySetAsync();
        Assert.Equal(["b"], await Prop("cloudCover", Values("25.5")));
        Assert.Equal(["a", "d"], await Prop("cloudCover", Values("0", "50")));
        Assert.Equal(["a", "b"], await Prop("cloudCover", new PropertyFilter { Min = 0, Max = 25.5 }));
        Assert.Equal(["b"], await Prop("cloudCover", new PropertyFilter { Min = 0, MinInclusive = false, Max = 25.5 }));
        Assert.Equal(["a"], await Prop("cloudCover", new PropertyFilter { Min = 0, Max = 25.5, MaxInclusive = false }));
        Assert.Equal(["b"], await Prop("cloudCover", new PropertyFilter { Min = 0, MinInclusive = false, Max = 50, MaxInclusive = false }));
        Assert.Equal(["b", "d"], await Prop("cloudCover", new PropertyFilter { Min = 25.5 }));
        Assert.Equal(["d"], await Prop("cloudCover", new PropertyFilter { Min = 25.5, MinInclusive = false }));
        Assert.Equal(["a"], await Prop("cloudCover", new PropertyFilter { Max = 25.5, MaxInclusive = false }));
        Assert.Equal(["b"], await Prop("cloudCover", new PropertyFilter { Min = 25.5, Max = 25.5 }));
        Assert.Empty(await Prop("cloudCover", new PropertyFilter { Min = 25.5, Max = 25.5, MaxInclusive = false }));
        Assert.Empty(await Prop("cloudCover", new PropertyFilter { Min = 60, Max = 10 }));          // inverted: empty
        Assert.Equal(["a", "b", "d"], await Prop("cloudCover", new PropertyFilter { Min = -1e300 }));   // null never matches
        // Values and a range: both must hold.
        Assert.Empty(await Prop("cloudCover", new PropertyFilter { Values = ["25.5"], Min = 30, Max = 60 }));
        Assert.Equal(["d"], await Prop("cloudCover", new PropertyFilter { Values = ["0", "50"], Min = 10 }));

        Assert.Equal(["b", "d"], await Prop("orbitNumber", Values("200")));
        Assert.Equal(["b", "d"], await Prop("orbitNumber", Values("200.0", "2e2")));
        Assert.Empty(await Prop("orbitNumber", Values("200.5")));
        Assert.Equal(["b", "d"], await Prop("orbitNumber", new PropertyFilter { Min = 100, MinInclusive = false, Max = 300, MaxInclusive = false }));
        Assert.Equal(["a", "b", "d"], await Prop("orbitNumber", new PropertyFilter { Min = 100, Max = 200 }));
        Assert.Equal(["b", "c", "d"], await Prop("orbitNumber", new PropertyFilter { Min = 150.5 }));
    }

    [Fact]
    public async Task Malformed_property_filters_are_refused()
    {
        await RegisterPropertySetAsync();
        async Task Refused(string name, PropertyFilter filter)
        {
            var q = new ProductQuery { Properties = new Dictionary<string, PropertyFilter> { [name] = filter } };
            await Assert.ThrowsAsync<ArgumentException>(() => Catalog.SearchAsync(q));
            await Assert.ThrowsAsync<ArgumentException>(() => Catalog.CountAsync(q));
        }
        await Refused("cloudcover", Values("1"));                      // names are case-sensitive
        await Refused("identifier'; DROP TABLE products; --", Values("1"));
        await Refused("platform", new PropertyFilter { Min = 1 });     // a range on a text property
        await Refused("cloudCover", Values("abc"));
        await Refused("cloudCover", Values("NaN"));
        await Refused("cloudCover", Values("1; DELETE FROM products"));
        await Refused("cloudCover", new PropertyFilter { Min = double.NaN });
        await Refused("orbitNumber", new PropertyFilter { Max = double.PositiveInfinity });
        await Refused("status", Values("A", null!));
        Assert.Equal(4, await Catalog.CountAsync(new ProductQuery()));
    }

    // ---- free text ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Text_is_a_case_insensitive_literal_substring_of_identifier_type_platform_or_instrument()
    {
        var t0 = T("2017-01-01T00:00:00Z");
        await Catalog.RegisterAsync(Simple("ABC_100%", t0, Square(0, 0), "MER_FRS_1P"));
        await Catalog.RegisterAsync(Simple("ABCX100", t0.AddHours(1), Square(0, 0), "S2MSI1C") with { Platform = "Sentinel-2A" });
        await Catalog.RegisterAsync(Simple("abc-def\\x", t0.AddHours(2), Square(0, 0), "T") with { Instrument = "OLCI" });

        async Task<string[]> Q(string text)
        {
            var q = new ProductQuery { Text = text };
            var ids = (await Catalog.SearchAsync(q)).Select(p => p.Identifier).ToArray();
            Assert.Equal(ids.Length, await Catalog.CountAsync(q));
            return ids;
        }

        Assert.Equal(["ABC_100%", "ABCX100", "abc-def\\x"], await Q("abc"));
        Assert.Equal(["ABC_100%"], await Q("c_1"));        // '_' is literal
        Assert.Equal(["ABC_100%"], await Q("0%"));         // '%' is literal
        Assert.Equal(["ABC_100%"], await Q("%"));
        Assert.Equal(["ABC_100%"], await Q("_"));
        Assert.Equal(["abc-def\\x"], await Q("F\\X"));     // backslash is literal
        Assert.Empty(await Q("\\%"));
        Assert.Equal(["ABC_100%"], await Q("frs_1"));      // product type
        Assert.Equal(["ABCX100"], await Q("SENTINEL"));    // platform
        Assert.Equal(["abc-def\\x"], await Q("olc"));      // instrument
        Assert.Equal(["ABC_100%", "ABCX100", "abc-def\\x"], await Q(""));
        Assert.Empty(await Q("' OR 1=1; DROP TABLE products; --"));
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.SearchAsync(new ProductQuery { Text = new string('a', 1001) }));
        Assert.Equal(3, await Catalog.CountAsync(new ProductQuery()));
    }

    // ---- combined filters -----------------------------------------------------------------------------------------

    [Fact]
    public async Task Combined_filters_page_with_consistent_totals()
    {
        var t0 = T("2024-02-01T00:00:00Z");
        var products = Enumerable.Range(0, 30).Select(i => Simple($"k{i:D2}", t0.AddHours(i / 2), Square(i % 5, 0), "T",
            i % 3 == 0 ? "A" : "B") with
        {
            CloudCover = i * 3.5,
            Platform = i % 2 == 0 ? "Sentinel-2A" : "Sentinel-2B",
        }).ToList();
        foreach (var p in products) await Catalog.RegisterAsync(p);

        var query = new ProductQuery
        {
            Bbox = [0.5, 0.5, 3.2, 0.7],                      // squares at lon 0..3 → i % 5 ∈ {0,1,2,3}
            Start = t0.AddHours(2), End = t0.AddHours(12),   // begin hour (i/2) in [2-0.05, 12] → i ∈ [4, 25]
            Collections = ["B"],
            Properties = new Dictionary<string, PropertyFilter>
            {
                ["cloudCover"] = new() { Max = 80, MaxInclusive = false },
                ["platform"] = Values("Sentinel-2A", "Sentinel-2B"),
            },
            Text = "K",
            Limit = 4,
        };
        var expected = products.Where(p =>
        {
            var i = int.Parse(p.Identifier[1..], CultureInfo.InvariantCulture);
            return i % 5 <= 3 && i >= 3 && p.BeginTime <= t0.AddHours(12) && p.EndTime >= t0.AddHours(2)
                && i % 3 != 0 && i * 3.5 < 80;
        }).OrderBy(p => p.BeginTime).ThenBy(p => p.Identifier, StringComparer.Ordinal).Select(p => p.Identifier).ToList();
        Assert.NotEmpty(expected);

        var pages = new List<string>();
        for (var offset = 0; offset < expected.Count + 4; offset += 4)
        {
            Assert.Equal(expected.Count, await Catalog.CountAsync(query with { Offset = offset }));
            pages.AddRange(await Ids(query with { Offset = offset }));
        }
        Assert.Equal(expected, pages);
    }

    // ---- hostile input --------------------------------------------------------------------------------------------

    private static readonly string[] HostileWktCases = MakeHostileWkt();

    public static TheoryData<int> HostileWkt() => new(Enumerable.Range(0, HostileWktCases.Length));

    private static string[] MakeHostileWkt()
    {
        var data = new List<string>
        {
            "POINT(1e400 0)", "POINT(NaN 0)", "POINT(Infinity 0)", "POINT(181 0)", "POINT(0 -90.0000001)",
            "POINT(1 2 3)", "POINT Z (1 2 3)", "POINT EMPTY", "POINT()", "POINT(1)", "SRID=3857;POINT(1 1)",
            "GEOMETRYCOLLECTION(POINT(1 1))", "MULTIPOINT(1 1,2 2)", "CIRCLE(0 0, 1)", "", "   ",
            "POLYGON((0 0,1 1,1 0,0 1,0 0))",          // bow tie
            "POLYGON((0 0,1 0,2 0,0 0))",              // no area
            "POLYGON((0 0,1 0,1 1,0 1))",              // not closed
            "LINESTRING(1 1,1 1)",                     // a single point
            "POINT(1 1); DROP TABLE products",
            "POINT(1 1)') ; DELETE FROM products; --",
            "POINT(0x10 0)", "POINT(1,5 2)",
            new string('(', 50_000),
            "POLYGON(" + new string('(', 49_000) + "0 0" + new string(')', 49_000) + ")",
            "POINT(" + new string('1', 90_000) + " 0)",
            "LINESTRING(" + new string('0', 100_000) + ")",
        };
        // More vertices than allowed, in little text.
        data.Add("LINESTRING(" + string.Join(",", Enumerable.Range(0, QueryGeometry.MaxVertices + 1).Select(i => $"{i % 100} {i % 7}")) + ")");
        return [.. data];
    }

    [Theory]
    [MemberData(nameof(HostileWkt))]
    public async Task Hostile_geometry_wkt_is_refused_with_argument_exception(int index)
    {
        var wkt = HostileWktCases[index];
        await Catalog.RegisterAsync(Simple("victim", T("2020-01-01T00:00:00Z"), Square(0, 0)));
        var q = new ProductQuery { GeometryWkt = wkt };
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.SearchAsync(q));
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.CountAsync(q with { Relation = GeoRelation.Disjoint }));
        Assert.Equal(1, await Catalog.CountAsync(new ProductQuery()));
    }

    [Fact]
    public async Task Other_hostile_queries_are_refused_or_match_nothing()
    {
        await Catalog.RegisterAsync(Simple("victim", T("2020-01-01T00:00:00Z"), Square(0, 0), "T", "C"));
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.SearchAsync(new ProductQuery { Bbox = [double.NaN, 0, 1, 1] }));
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.SearchAsync(new ProductQuery { Bbox = [0, 0, 1, double.PositiveInfinity], Relation = GeoRelation.Contains }));
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.SearchAsync(new ProductQuery { GeometryWkt = new string(' ', QueryGeometry.MaxWktLength + 1) }));
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.CountAsync(new ProductQuery { Relation = (GeoRelation)42, GeometryWkt = "POINT(0.5 0.5)" }));
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.CountAsync(new ProductQuery { TimeRelation = (TimeRelation)42 }));
        Assert.Empty(await Ids(new ProductQuery { Collections = ["C' OR '1'='1", "C\"; DROP TABLE products; --"] }));
        Assert.Empty(await Ids(new ProductQuery { Collection = "%" }));
        Assert.Equal(0, await Catalog.CountAsync(new ProductQuery { Start = T("2021-01-01T00:00:00Z"), End = T("2019-01-01T00:00:00Z") }));
        Assert.Equal(1, await Catalog.CountAsync(new ProductQuery()));
        Assert.Equal(["victim"], await Ids(new ProductQuery { GeometryWkt = "  point ( 0.5   0.5 )  ", Collections = ["C"] }));
    }
}
