using Prism.Catalog;

namespace Prism.Tests.Catalog;

/// <summary>
/// The behaviour every <see cref="ICatalog"/> implementation shares. Each test gets a fresh, migrated store (a new
/// PostgreSQL database or a new SQLite file) from the concrete subclass.
/// </summary>
public abstract partial class CatalogContractTests : IAsyncLifetime
{
    /// <summary>A fresh store and some independent catalog instances on it (as if from several processes).</summary>
    protected sealed record Store(IReadOnlyList<ICatalog> Instances, Func<string, Task<long>> CountRows);

    /// <summary>Creates a fresh, not yet migrated store; disposed with the test.</summary>
    protected abstract Task<Store> CreateStoreAsync(int instances);

    /// <summary>Tables holding rows that belong to one product (all must be empty once it is deregistered).</summary>
    protected abstract IReadOnlyList<string> ProductChildTables { get; }

    protected abstract ValueTask DisposeStoresAsync();

    private Store _store = null!;
    protected ICatalog Catalog => _store.Instances[0];

    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync(1);
        await Catalog.MigrateAsync();
    }

    public async Task DisposeAsync() => await DisposeStoresAsync();

    // ---- sample data ------------------------------------------------------------------------------------------

    /// <summary>A product crossing the antimeridian near Fiji, normalised into a part ending at +180 and one at -180.</summary>
    protected const string AntimeridianFootprint =
        "MULTIPOLYGON(((176.5 -21.8,180 -21.2,180 -14.4,177.9 -14.8,176.5 -21.8))," +
        "((-180 -21.2,-178.2 -20.9,-176.8 -14.0,-180 -14.4,-180 -21.2)))";

    protected static DateTimeOffset T(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    protected static ProductRecord Simple(string identifier, DateTimeOffset begin, string footprint,
        string productType = "MER_FRS_1P", params string[] collections) => new()
        {
            Identifier = identifier,
            ProductType = productType,
            Collections = collections,
            BeginTime = begin,
            EndTime = begin.AddMinutes(3),
            FootprintWkt = footprint,
        };

    protected static string Square(double lon, double lat, double size = 1)
    {
        FormattableString wkt = $"MULTIPOLYGON((({lon} {lat},{lon + size} {lat},{lon + size} {lat + size},{lon} {lat + size},{lon} {lat})))";
        return wkt.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    protected static ProductRecord FromMeris(MerisSamples.Sample s, params string[] collections) => new()
    {
        Identifier = s.Identifier,
        ProductType = s.ProductType,
        Collections = collections,
        BeginTime = s.Begin,
        EndTime = s.End,
        FootprintWkt = s.FootprintWkt,
        Platform = s.Platform,
        Instrument = s.Instrument,
        SensorType = s.SensorType,
        AcquisitionType = s.AcquisitionType,
        Status = s.Status,
        ProcessingCenter = s.ProcessingCenter,
        RawMetadata = s.Xml,
    };

    private static ProductRecord FullProduct()
    {
        var s = MerisSamples.All[0];
        return FromMeris(s, "MER_FRS_1P_RGB", "ENVISAT") with
        {
            // Millisecond precision, and given with a non-UTC offset: stored and returned as the same UTC instant.
            BeginTime = new DateTimeOffset(2006, 8, 16, 11, 9, 29, 123, TimeSpan.FromHours(2)),
            EndTime = new DateTimeOffset(2006, 8, 16, 9, 12, 46, 987, TimeSpan.Zero),
            CloudCover = 12.75,
            OrbitNumber = 23322,
            OrbitDirection = "DESCENDING",
            Properties = new Dictionary<string, string>
            {
                ["level"] = "L1B",
                ["acquisitionStation"] = "PDHS-E",
                ["note"] = "quotes ' \" and ünïcødé ✓ 雪",
            },
            Prefix = "products/MER_FRS_1P/" + s.Identifier + "/",
            Coverages =
            [
                new CoverageRecord
                {
                    Identifier = s.Identifier + "_RGB",
                    Location = "products/MER_FRS_1P/" + s.Identifier + "/rgb.tif",
                    Width = 1121,
                    Height = 1401,
                    Crs = "EPSG:4326",
                    GeoTransform = [11.648344319329102, 0.014556277553882216, 0, 46.216558117161831, 0, -0.00996173834289],
                    Bands =
                    [
                        new BandRecord("red", "Byte", 0),
                        new BandRecord("green", "Byte", null),
                        new BandRecord("blue", "Float32", double.NaN),
                    ],
                },
                new CoverageRecord
                {
                    Identifier = s.Identifier + "_MASK",
                    Location = "products/MER_FRS_1P/" + s.Identifier + "/mask.tif",
                    Width = 10,
                    Height = 20,
                    Crs = "PROJCS[\"WGS 84 / UTM zone 33N\",GEOGCS[\"WGS 84\"]]",
                    GeoTransform = [500000, 300, 0, 5100000, 0, -300],
                    Bands = [new BandRecord("mask", "UInt16", -9999.5)],
                },
            ],
            Browses =
            [
                new BrowseRecord("RGB", "products/MER_FRS_1P/" + s.Identifier + "/browse.png"),
                new BrowseRecord("THUMBNAIL", "products/MER_FRS_1P/" + s.Identifier + "/thumb.jpg"),
            ],
        };
    }

    // ---- assertions ---------------------------------------------------------------------------------------------

    protected static void AssertSameProduct(ProductRecord expected, ProductRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Identifier, actual.Identifier);
        Assert.Equal(expected.ProductType, actual.ProductType);
        Assert.Equal(expected.Collections.Distinct(), actual.Collections);
        Assert.Equal(expected.BeginTime, actual.BeginTime);
        Assert.Equal(expected.EndTime, actual.EndTime);
        Assert.Equal(TimeSpan.Zero, actual.BeginTime.Offset);
        Assert.Equal(TimeSpan.Zero, actual.EndTime.Offset);
        AssertSameFootprint(expected.FootprintWkt, actual.FootprintWkt);
        Assert.Equal(expected.Platform, actual.Platform);
        Assert.Equal(expected.Instrument, actual.Instrument);
        Assert.Equal(expected.SensorType, actual.SensorType);
        Assert.Equal(expected.CloudCover, actual.CloudCover);
        Assert.Equal(expected.OrbitNumber, actual.OrbitNumber);
        Assert.Equal(expected.OrbitDirection, actual.OrbitDirection);
        Assert.Equal(expected.AcquisitionType, actual.AcquisitionType);
        Assert.Equal(expected.ProcessingCenter, actual.ProcessingCenter);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.Properties.OrderBy(p => p.Key, StringComparer.Ordinal),
            actual.Properties.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.RawMetadata, actual.RawMetadata);
        Assert.Equal(expected.Prefix, actual.Prefix);
        Assert.Equal(expected.Coverages.Count, actual.Coverages.Count);
        for (var i = 0; i < expected.Coverages.Count; i++)
        {
            var e = expected.Coverages[i];
            var a = actual.Coverages[i];
            Assert.Equal(e.Identifier, a.Identifier);
            Assert.Equal(e.Location, a.Location);
            Assert.Equal(e.Width, a.Width);
            Assert.Equal(e.Height, a.Height);
            Assert.Equal(e.Crs, a.Crs);
            Assert.Equal(e.GeoTransform, a.GeoTransform);
            Assert.Equal(e.Bands, a.Bands);
        }
        Assert.Equal(expected.Browses, actual.Browses);
    }

    /// <summary>Same polygons, rings and coordinates (exact doubles), whatever the WKT spelling.</summary>
    protected static void AssertSameFootprint(string expectedWkt, string actualWkt)
    {
        var e = Footprint.Parse(expectedWkt);
        var a = Footprint.Parse(actualWkt);
        Assert.StartsWith("MULTIPOLYGON", actualWkt.TrimStart(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(e.Polygons.Count, a.Polygons.Count);
        for (var p = 0; p < e.Polygons.Count; p++)
        {
            Assert.Equal(e.Polygons[p].Count, a.Polygons[p].Count);
            for (var r = 0; r < e.Polygons[p].Count; r++)
            {
                Assert.Equal(e.Polygons[p][r].X, a.Polygons[p][r].X);
                Assert.Equal(e.Polygons[p][r].Y, a.Polygons[p][r].Y);
            }
        }
    }

    private async Task<string[]> Ids(ProductQuery query, ICatalog? catalog = null) =>
        (await (catalog ?? Catalog).SearchAsync(query)).Select(p => p.Identifier).ToArray();

    // ---- register / get -----------------------------------------------------------------------------------------

    [Fact]
    public async Task Register_then_get_round_trips_every_field()
    {
        var product = FullProduct();
        var report = await Catalog.RegisterAsync(product);

        Assert.Equal(product.Identifier, report.Identifier);
        Assert.False(report.Replaced);
        Assert.Equal(["MER_FRS_1P_RGB", "ENVISAT"], report.Collections);
        AssertSameProduct(product, await Catalog.GetProductAsync(product.Identifier));
        var found = Assert.Single(await Catalog.SearchAsync(new ProductQuery()));
        AssertSameProduct(product, found);
    }

    [Fact]
    public async Task Minimal_product_round_trips_with_nulls_and_empty_lists()
    {
        var product = Simple("minimal", T("2020-01-01T00:00:00Z"), "POLYGON((0 0,1 0,1 1,0 1,0 0))");
        await Catalog.RegisterAsync(product);
        var stored = await Catalog.GetProductAsync("minimal");
        AssertSameProduct(product, stored);
        Assert.Empty(stored!.Collections);
        Assert.Empty(stored.Coverages);
        Assert.Empty(stored.Browses);
        Assert.Empty(stored.Properties);
        Assert.Null(stored.CloudCover);
        Assert.Null(stored.OrbitNumber);
    }

    [Fact]
    public async Task Get_unknown_product_returns_null()
    {
        Assert.Null(await Catalog.GetProductAsync("does-not-exist"));
    }

    [Fact]
    public async Task Register_same_identifier_replaces_product_coverages_browses_and_collections()
    {
        var first = FullProduct();
        await Catalog.RegisterAsync(first);

        var second = first with
        {
            ProductType = "MER_RR__1P",
            Collections = ["REPROCESSED"],
            BeginTime = first.BeginTime.AddDays(1),
            EndTime = first.EndTime.AddDays(1),
            FootprintWkt = Square(20, 40),
            CloudCover = null,
            Properties = new Dictionary<string, string> { ["level"] = "L2" },
            Coverages = [first.Coverages[1] with { Width = 99 }],
            Browses = [],
        };
        var report = await Catalog.RegisterAsync(second);

        Assert.True(report.Replaced);
        Assert.Equal(["REPROCESSED"], report.Collections);
        AssertSameProduct(second, await Catalog.GetProductAsync(first.Identifier));
        Assert.Equal(1, await Catalog.CountAsync(new ProductQuery()));
        Assert.Equal(1, await _store.CountRows("coverages"));
        Assert.Equal(0, await _store.CountRows("browses"));
        Assert.Equal(1, await _store.CountRows("product_collections"));
        // The old footprint no longer matches; the new one does.
        Assert.Empty(await Ids(new ProductQuery { Bbox = [14, 35, 16, 38] }));
        Assert.Equal([first.Identifier], await Ids(new ProductQuery { Bbox = [20.5, 40.5, 21, 41] }));
        Assert.Empty(await Ids(new ProductQuery { ProductType = "MER_FRS_1P" }));
        Assert.Empty(await Ids(new ProductQuery { Collection = "ENVISAT" }));

        var collections = await Catalog.GetCollectionsAsync();
        Assert.Equal(0, collections.Single(c => c.Identifier == "ENVISAT").ProductCount);
        Assert.Equal(1, collections.Single(c => c.Identifier == "REPROCESSED").ProductCount);
    }

    [Fact]
    public async Task Registering_identical_product_twice_reports_replaced_and_keeps_one()
    {
        var product = FullProduct();
        Assert.False((await Catalog.RegisterAsync(product)).Replaced);
        Assert.True((await Catalog.RegisterAsync(product)).Replaced);
        Assert.Equal(1, await Catalog.CountAsync(new ProductQuery()));
        Assert.Equal(2, await _store.CountRows("coverages"));
        Assert.Equal(2, await _store.CountRows("browses"));
        AssertSameProduct(product, await Catalog.GetProductAsync(product.Identifier));
    }

    [Fact]
    public async Task Duplicate_collection_names_in_a_product_are_stored_once()
    {
        var product = Simple("dup", T("2020-01-01T00:00:00Z"), Square(0, 0), "T", "A", "B", "A");
        var report = await Catalog.RegisterAsync(product);
        Assert.Equal(["A", "B"], report.Collections);
        Assert.Equal(["A", "B"], (await Catalog.GetProductAsync("dup"))!.Collections);
    }

    [Fact]
    public async Task Invalid_products_are_rejected_and_nothing_is_stored()
    {
        var good = Simple("bad", T("2020-01-01T00:00:00Z"), Square(0, 0), "T", "C");
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.RegisterAsync(good with { FootprintWkt = "POLYGON((0 0,1 0,1 1,0 0" }));
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.RegisterAsync(good with { FootprintWkt = "POLYGON((0 0,1 0,1 1,0 1))" }));
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.RegisterAsync(good with { FootprintWkt = "POINT(1 2)" }));
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.RegisterAsync(good with { EndTime = good.BeginTime.AddTicks(-10) }));
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.RegisterAsync(good with { Identifier = "" }));
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.RegisterAsync(good with
        {
            Coverages = [new CoverageRecord { Identifier = "c", Location = "l", Width = 1, Height = 1, Crs = "EPSG:4326", GeoTransform = [0, 1, 0], Bands = [] }],
        }));
        Assert.Equal(0, await Catalog.CountAsync(new ProductQuery()));
        Assert.Empty(await Catalog.GetCollectionsAsync());
    }

    // ---- deregister ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task Deregister_returns_the_record_and_removes_all_its_rows()
    {
        var product = FullProduct();
        var other = Simple("other", T("2006-08-16T00:00:00Z"), Square(5, 5), "MER_FRS_1P", "MER_FRS_1P_RGB");
        await Catalog.RegisterAsync(product);
        await Catalog.RegisterAsync(other);

        var removed = await Catalog.DeregisterAsync(product.Identifier);

        AssertSameProduct(product, removed);
        Assert.Null(await Catalog.GetProductAsync(product.Identifier));
        Assert.Equal(["other"], await Ids(new ProductQuery()));
        Assert.Empty(await Ids(new ProductQuery { Bbox = [14, 35, 16, 38] }));
        // No orphan rows: only the other product's rows remain.
        Assert.Equal(0, await _store.CountRows("coverages"));
        Assert.Equal(0, await _store.CountRows("browses"));
        Assert.Equal(1, await _store.CountRows("product_collections"));
        Assert.Equal(1, await _store.CountRows("products"));
        Assert.Null(await Catalog.DeregisterAsync(product.Identifier));

        var removedOther = await Catalog.DeregisterAsync("other");
        AssertSameProduct(other, removedOther);
        foreach (var table in ProductChildTables)
            Assert.Equal(0, await _store.CountRows(table));

        // Collections stay, empty.
        var collections = await Catalog.GetCollectionsAsync();
        Assert.All(collections, c =>
        {
            Assert.Equal(0, c.ProductCount);
            Assert.Null(c.BeginTime);
            Assert.Null(c.EndTime);
        });
        Assert.Equal(["ENVISAT", "MER_FRS_1P_RGB"], collections.Select(c => c.Identifier));
    }

    [Fact]
    public async Task Deregister_unknown_returns_null()
    {
        Assert.Null(await Catalog.DeregisterAsync("nope"));
    }

    // ---- spatial search -----------------------------------------------------------------------------------------

    private async Task<(MerisSamples.Sample Meris, string AntimeridianId)> RegisterSpatialSetAsync()
    {
        foreach (var s in MerisSamples.All) await Catalog.RegisterAsync(FromMeris(s, "MERIS"));
        await Catalog.RegisterAsync(Simple("fiji", T("2006-08-20T22:00:00Z"), AntimeridianFootprint, "MER_FRS_1P", "MERIS"));
        return (MerisSamples.All[0], "fiji");
    }

    [Fact]
    public async Task Bbox_search_uses_the_exact_footprint_not_its_envelope()
    {
        var (meris, _) = await RegisterSpatialSetAsync();
        string[] only = [meris.Identifier];

        // Inside the swath.
        Assert.Equal(only, await Ids(new ProductQuery { Bbox = [18, 38, 19, 39], Identifiers = only }));
        // A box containing the whole footprint.
        Assert.Equal(only, await Ids(new ProductQuery { Bbox = [0, 20, 40, 60], Identifiers = only }));
        // Inside the footprint's envelope but outside the (tilted) swath: no match.
        Assert.Empty(await Ids(new ProductQuery { Bbox = [12, 44.5, 13, 45.5], Identifiers = only }));
        Assert.Empty(await Ids(new ProductQuery { Bbox = [26, 32.5, 27.5, 34], Identifiers = only }));
        // Disjoint box far away.
        Assert.Empty(await Ids(new ProductQuery { Bbox = [-60, -10, -50, 0], Identifiers = only }));
        // Touching the footprint's northernmost vertex counts (closed geometries, like ST_Intersects).
        Assert.Equal(only, await Ids(new ProductQuery
        {
            Bbox = [14.322575965570632, 46.216558117161831, 15, 47], Identifiers = only,
        }));
        Assert.Equal(1, await Catalog.CountAsync(new ProductQuery { Bbox = [18, 38, 19, 39], Identifiers = only }));
    }

    [Fact]
    public async Task Bbox_search_finds_antimeridian_products_from_either_side()
    {
        await RegisterSpatialSetAsync();
        var east = new ProductQuery { Bbox = [178, -18, 179, -17] };
        var west = new ProductQuery { Bbox = [-179, -18, -178, -17] };
        var crossing = new ProductQuery { Bbox = [179.5, -18, -179.5, -17] };
        var farSide = new ProductQuery { Bbox = [-1, -20, 1, -15] };
        var crossingElsewhere = new ProductQuery { Bbox = [179, 10, -179, 20] };

        Assert.Equal(["fiji"], await Ids(east));
        Assert.Equal(["fiji"], await Ids(west));
        Assert.Equal(["fiji"], await Ids(crossing));
        Assert.Empty(await Ids(farSide));
        Assert.Empty(await Ids(crossingElsewhere));
        Assert.Equal(1, await Catalog.CountAsync(crossing));
        Assert.Equal(0, await Catalog.CountAsync(farSide));
    }

    [Fact]
    public async Task Bbox_crossing_the_antimeridian_covers_both_sides_of_it()
    {
        await RegisterSpatialSetAsync();
        var merisIds = MerisSamples.All.Select(s => s.Identifier).ToHashSet();

        // west=10 > east=-170: [10, 180] ∪ [-180, -170]; the MERIS scenes (Europe) lie in the first box.
        var wide = await Ids(new ProductQuery { Bbox = [10, 30, -170, 50] });
        Assert.Equal(merisIds.Order(StringComparer.Ordinal), wide.Order(StringComparer.Ordinal));
        // Same longitudes, Fiji's latitudes: only the antimeridian product.
        Assert.Equal(["fiji"], await Ids(new ProductQuery { Bbox = [10, -25, -170, -10] }));
        // Whole world.
        Assert.Equal(merisIds.Count + 1, await Catalog.CountAsync(new ProductQuery { Bbox = [-180, -90, 180, 90] }));
    }

    [Fact]
    public async Task Invalid_bbox_is_rejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.SearchAsync(new ProductQuery { Bbox = [1, 2, 3] }));
        await Assert.ThrowsAsync<ArgumentException>(() => Catalog.CountAsync(new ProductQuery { Bbox = [0, 10, 1, 5] }));
    }

    // ---- time search --------------------------------------------------------------------------------------------

    [Fact]
    public async Task Time_filter_is_an_inclusive_interval_intersection()
    {
        var begin = T("2006-08-16T09:09:29.123Z");
        var end = T("2006-08-16T09:12:46.456Z");
        await Catalog.RegisterAsync(Simple("p", begin, Square(0, 0)) with { EndTime = end });
        var ms = TimeSpan.FromMilliseconds(1);

        async Task<bool> Hit(DateTimeOffset? start, DateTimeOffset? stop)
        {
            var q = new ProductQuery { Start = start, End = stop };
            var ids = await Ids(q);
            Assert.Equal(ids.Length, await Catalog.CountAsync(q));
            return ids.Length == 1;
        }

        Assert.True(await Hit(end, null));                 // starts exactly at the product's end
        Assert.False(await Hit(end + ms, null));           // just after
        Assert.True(await Hit(null, begin));               // ends exactly at the product's begin
        Assert.False(await Hit(null, begin - ms));         // just before
        Assert.True(await Hit(begin + ms, end - ms));      // query inside the product
        Assert.True(await Hit(begin - TimeSpan.FromDays(1), end + TimeSpan.FromDays(1))); // product inside the query
        Assert.True(await Hit(end, end));                  // instant at the end
        Assert.False(await Hit(begin - TimeSpan.FromHours(2), begin - ms));
        // The same instant given in another offset.
        Assert.True(await Hit(end.ToOffset(TimeSpan.FromHours(-5)), null));
        Assert.False(await Hit((end + ms).ToOffset(TimeSpan.FromHours(9)), null));
    }

    // ---- attribute filters --------------------------------------------------------------------------------------

    [Fact]
    public async Task Collection_product_type_and_identifier_filters_combine()
    {
        var t0 = T("2021-01-01T00:00:00Z");
        await Catalog.RegisterAsync(Simple("a1", t0, Square(0, 0), "S2_MSI_L1C", "SENTINEL2", "OPTICAL"));
        await Catalog.RegisterAsync(Simple("a2", t0.AddHours(1), Square(10, 0), "S2_MSI_L2A", "SENTINEL2"));
        await Catalog.RegisterAsync(Simple("b1", t0.AddHours(2), Square(0, 0), "S1_GRD", "SENTINEL1"));
        await Catalog.RegisterAsync(Simple("c1", t0.AddHours(3), Square(0, 0), "LS8_OLI", "OPTICAL"));

        Assert.Equal(["a1", "a2"], await Ids(new ProductQuery { Collection = "SENTINEL2" }));
        Assert.Equal(["a1", "c1"], await Ids(new ProductQuery { Collection = "OPTICAL" }));
        Assert.Empty(await Ids(new ProductQuery { Collection = "UNKNOWN" }));
        Assert.Equal(["b1"], await Ids(new ProductQuery { ProductType = "S1_GRD" }));
        Assert.Empty(await Ids(new ProductQuery { ProductType = "s1_grd" }));
        Assert.Equal(["a1"], await Ids(new ProductQuery { Collection = "SENTINEL2", ProductType = "S2_MSI_L1C" }));
        Assert.Equal(["a1", "c1"], await Ids(new ProductQuery { Identifiers = ["c1", "a1", "zz"] }));
        Assert.Empty(await Ids(new ProductQuery { Identifiers = [] }));
        Assert.Equal(["c1"], await Ids(new ProductQuery
        {
            Collection = "OPTICAL", Bbox = [0.2, 0.2, 0.4, 0.4], Start = t0.AddHours(2.5), Identifiers = ["a1", "c1"],
        }));
        Assert.Equal(2, await Catalog.CountAsync(new ProductQuery { Collection = "OPTICAL" }));
        Assert.Equal(3, await Catalog.CountAsync(new ProductQuery { Bbox = [0.5, 0.5, 0.6, 0.6] }));
    }

    // ---- paging -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Paging_is_stable_ordered_by_begin_time_then_identifier_with_correct_counts()
    {
        var t0 = T("2010-05-05T10:00:00.500Z");
        ProductRecord[] products =
        [
            Simple("p-late", t0.AddHours(5), Square(0, 0), "T", "PAGE"),
            Simple("p-b", t0, Square(0, 0), "T", "PAGE"),
            Simple("p-a", t0, Square(0, 0), "T", "PAGE"),
            Simple("P-Z", t0, Square(0, 0), "T", "PAGE"),
            Simple("p-first", t0.AddHours(-1), Square(0, 0), "T", "PAGE"),
            Simple("p-mid2", t0.AddHours(2), Square(0, 0), "T", "PAGE"),
            Simple("p-mid1", t0.AddHours(2), Square(0, 0), "T", "PAGE"),
            Simple("elsewhere", t0, Square(50, 50), "T", "OTHER"),
        ];
        foreach (var p in products) await Catalog.RegisterAsync(p);

        var expected = products.Where(p => p.Collections.Contains("PAGE"))
            .OrderBy(p => p.BeginTime).ThenBy(p => p.Identifier, StringComparer.Ordinal)
            .Select(p => p.Identifier).ToArray();
        Assert.Equal(["p-first", "P-Z", "p-a", "p-b", "p-mid1", "p-mid2", "p-late"], expected);

        var page = new ProductQuery { Collection = "PAGE", Limit = 3 };
        var pages = new List<string>();
        for (var offset = 0; offset < 9; offset += 3)
        {
            var ids = await Ids(page with { Offset = offset });
            Assert.True(ids.Length <= 3);
            Assert.Equal(7, await Catalog.CountAsync(page with { Offset = offset }));
            pages.AddRange(ids);
        }
        Assert.Equal(expected, pages);
        Assert.Equal(expected, await Ids(new ProductQuery { Collection = "PAGE" }));
        Assert.Equal(expected.Skip(2).Take(2), await Ids(page with { Offset = 2, Limit = 2 }));
        Assert.Empty(await Ids(page with { Offset = 7 }));
        Assert.Empty(await Ids(page with { Limit = 0 }));
        Assert.Equal(8, await Catalog.CountAsync(new ProductQuery { Limit = 1 }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Catalog.SearchAsync(page with { Offset = -1 }));
    }

    // ---- collections --------------------------------------------------------------------------------------------

    [Fact]
    public async Task Collections_report_product_counts_and_time_extents()
    {
        Assert.Empty(await Catalog.GetCollectionsAsync());
        var samples = MerisSamples.All;
        await Catalog.RegisterAsync(FromMeris(samples[0], "MERIS_RGB", "ALL"));
        await Catalog.RegisterAsync(FromMeris(samples[1], "MERIS_RGB", "ALL"));
        await Catalog.RegisterAsync(FromMeris(samples[2], "ALL"));
        await Catalog.RegisterAsync(Simple("ungrouped", T("1999-01-01T00:00:00Z"), Square(0, 0)));

        var collections = await Catalog.GetCollectionsAsync();
        Assert.Equal(["ALL", "MERIS_RGB"], collections.Select(c => c.Identifier));
        var all = collections[0];
        Assert.Equal(3, all.ProductCount);
        Assert.Equal(samples.Min(s => s.Begin), all.BeginTime);
        Assert.Equal(samples.Max(s => s.End), all.EndTime);
        var rgb = collections[1];
        Assert.Equal(2, rgb.ProductCount);
        Assert.Equal(samples.Take(2).Min(s => s.Begin), rgb.BeginTime);
        Assert.Equal(samples.Take(2).Max(s => s.End), rgb.EndTime);
        Assert.Equal(TimeSpan.Zero, rgb.BeginTime!.Value.Offset);
    }

    // ---- identifiers with SQL metacharacters ----------------------------------------------------------------------

    [Fact]
    public async Task Sql_metacharacters_in_identifiers_are_stored_verbatim()
    {
        string[] ids =
        [
            "x'; DROP TABLE products; --",
            "50%_off\\path\"quoted\"",
            "semi;colon $1 ? @p :name",
            "ünïcødé ✓ 雪 /slash",
        ];
        const string collection = "col'\"; DELETE FROM collections; --";
        const string type = "type') OR ('1'='1";
        var t0 = T("2015-01-01T00:00:00Z");
        for (var i = 0; i < ids.Length; i++)
            await Catalog.RegisterAsync(Simple(ids[i], t0.AddMinutes(i), Square(i, 0), type, collection) with
            {
                Coverages =
                [
                    new CoverageRecord
                    {
                        Identifier = ids[i] + "'cov", Location = "a'b/c%d", Width = 1, Height = 1, Crs = "EPSG:4326",
                        GeoTransform = [0, 1, 0, 0, 0, -1], Bands = [new BandRecord("b'1\"", "Byte", null)],
                    },
                ],
                Properties = new Dictionary<string, string> { ["k'\""] = "v\\'; --" },
            });

        foreach (var id in ids)
        {
            var stored = await Catalog.GetProductAsync(id);
            Assert.NotNull(stored);
            Assert.Equal(id, stored.Identifier);
            Assert.Equal(type, stored.ProductType);
            Assert.Equal([collection], stored.Collections);
            Assert.Equal(id + "'cov", stored.Coverages.Single().Identifier);
            Assert.Equal("b'1\"", stored.Coverages.Single().Bands.Single().Name);
            Assert.Equal("v\\'; --", stored.Properties["k'\""]);
        }
        Assert.Equal(ids, await Ids(new ProductQuery { Collection = collection }));
        Assert.Equal(ids, await Ids(new ProductQuery { ProductType = type }));
        Assert.Equal([ids[1]], await Ids(new ProductQuery { Identifiers = [ids[1]] }));
        // No pattern matching: '%' and '_' are plain characters.
        Assert.Empty(await Ids(new ProductQuery { Identifiers = ["50%"] }));
        Assert.Empty(await Ids(new ProductQuery { Identifiers = ["%"] }));
        Assert.Equal(collection, Assert.Single(await Catalog.GetCollectionsAsync()).Identifier);
        Assert.Equal(ids[0], (await Catalog.DeregisterAsync(ids[0]))!.Identifier);
        Assert.Equal(3, await Catalog.CountAsync(new ProductQuery()));
    }

    // ---- migration & concurrency ---------------------------------------------------------------------------------

    [Fact]
    public async Task Migrate_is_idempotent_and_keeps_data()
    {
        var product = FullProduct();
        await Catalog.RegisterAsync(product);
        var applied = await _store.CountRows("prism_schema_migrations");
        Assert.True(applied >= 1);
        await Catalog.MigrateAsync();
        await Catalog.MigrateAsync();
        Assert.Equal(applied, await _store.CountRows("prism_schema_migrations"));
        AssertSameProduct(product, await Catalog.GetProductAsync(product.Identifier));
    }

    [Fact]
    public async Task Concurrent_migrations_of_a_fresh_store_all_succeed()
    {
        var store = await CreateStoreAsync(3);
        await Task.WhenAll(store.Instances.Select(c => Task.Run(() => c.MigrateAsync())));
        var migrations = await store.CountRows("prism_schema_migrations");
        Assert.True(migrations >= 1);

        await store.Instances[1].RegisterAsync(Simple("after-migrate", T("2020-01-01T00:00:00Z"), Square(0, 0), "T", "C"));
        Assert.Equal(1, await store.Instances[2].CountAsync(new ProductQuery()));
        await Task.WhenAll(store.Instances.Select(c => c.MigrateAsync()));
        Assert.Equal(migrations, await store.CountRows("prism_schema_migrations"));
        Assert.NotNull(await store.Instances[0].GetProductAsync("after-migrate"));
    }

    [Fact]
    public async Task Concurrent_registrations_are_all_stored_once()
    {
        var t0 = T("2019-03-03T00:00:00Z");
        var distinct = Enumerable.Range(0, 16)
            .Select(i => Simple($"parallel-{i:D2}", t0.AddMinutes(i), Square(i % 10, i / 10), "T", "SHARED", $"OWN-{i % 3}"));
        var same = Enumerable.Range(0, 6)
            .Select(i => Simple("same", t0, Square(0, 0), "T", "SHARED") with
            {
                Coverages = [new CoverageRecord { Identifier = $"cov{i}", Location = "x", Width = 1, Height = 1, Crs = "EPSG:4326", GeoTransform = [0, 1, 0, 0, 0, -1], Bands = [] }],
            });
        var reports = await Task.WhenAll(distinct.Concat(same).Select(p => Task.Run(() => Catalog.RegisterAsync(p))));

        Assert.All(reports.Where(r => r.Identifier != "same"), r => Assert.False(r.Replaced));
        Assert.Single(reports, r => r.Identifier == "same" && !r.Replaced);
        Assert.Equal(17, await Catalog.CountAsync(new ProductQuery()));
        Assert.Equal(17, (await Catalog.GetCollectionsAsync()).Single(c => c.Identifier == "SHARED").ProductCount);
        Assert.Single((await Catalog.GetProductAsync("same"))!.Coverages);
        Assert.Equal(1, await _store.CountRows("coverages"));
    }
}
