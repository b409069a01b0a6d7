using Microsoft.Data.Sqlite;
using Prism.Catalog;

namespace Prism.Tests.Catalog;

/// <summary>SQLite-only behaviour: WAL mode, the R*Tree rows, several instances on one file.</summary>
public sealed class SqliteCatalogTests : IDisposable
{
    private readonly string _folder = TestEnvironment.TempFolder("prism-catalog-sqlite");
    private string DbPath => Path.Combine(_folder, "sub", "catalog.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }

    private object? Scalar(string sql)
    {
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    private static ProductRecord Product(string id, string wkt) => new()
    {
        Identifier = id,
        ProductType = "T",
        Collections = ["C"],
        BeginTime = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero),
        EndTime = new DateTimeOffset(2020, 1, 1, 0, 1, 0, TimeSpan.Zero),
        FootprintWkt = wkt,
    };

    [Fact]
    public async Task Uses_wal_and_one_rtree_row_per_polygon_part()
    {
        var catalog = new SqliteCatalog(DbPath);
        await catalog.MigrateAsync();
        Assert.Equal("wal", Scalar("PRAGMA journal_mode"));

        const string crossing = "MULTIPOLYGON(((176.5 -21.8,180 -21.2,180 -14.4,177.9 -14.8,176.5 -21.8)),((-180 -21.2,-178.2 -20.9,-176.8 -14.0,-180 -14.4,-180 -21.2)))";
        await catalog.RegisterAsync(Product("am", crossing));
        Assert.Equal(2L, Scalar("SELECT count(*) FROM product_footprints"));
        // Each part's box, not one box spanning the globe.
        Assert.Equal(176.5, Convert.ToDouble(Scalar("SELECT min(min_x) FROM product_footprints WHERE max_x >= 180"), System.Globalization.CultureInfo.InvariantCulture), 3);
        Assert.Equal(-176.8, Convert.ToDouble(Scalar("SELECT max(max_x) FROM product_footprints WHERE min_x <= -180"), System.Globalization.CultureInfo.InvariantCulture), 3);

        await catalog.RegisterAsync(Product("am", "POLYGON((0 0,1 0,1 1,0 0))"));
        Assert.Equal(1L, Scalar("SELECT count(*) FROM product_footprints"));
        Assert.Empty(await catalog.SearchAsync(new ProductQuery { Bbox = [178, -18, 179, -17] }));
        Assert.Single(await catalog.SearchAsync(new ProductQuery { Bbox = [0.5, 0.1, 0.6, 0.2] }));
        await catalog.DeregisterAsync("am");
        Assert.Equal(0L, Scalar("SELECT count(*) FROM product_footprints"));
    }

    [Fact]
    public async Task Several_instances_on_one_file_write_concurrently()
    {
        var catalogs = Enumerable.Range(0, 3).Select(_ => new SqliteCatalog(DbPath)).ToList();
        await Task.WhenAll(catalogs.Select(c => Task.Run(() => c.MigrateAsync())));
        var tasks = Enumerable.Range(0, 30).Select(i => Task.Run(() =>
            catalogs[i % 3].RegisterAsync(Product($"p{i:D2}", "POLYGON((0 0,1 0,1 1,0 0))") with { Collections = ["C", $"C{i % 3}"] })));
        await Task.WhenAll(tasks);
        Assert.Equal(30, await catalogs[0].CountAsync(new ProductQuery()));
        var collections = await catalogs[1].GetCollectionsAsync();
        Assert.Equal(["C", "C0", "C1", "C2"], collections.Select(c => c.Identifier));
        Assert.Equal(30, collections[0].ProductCount);
        Assert.Equal(1L, Scalar("SELECT count(*) FROM prism_schema_migrations"));
    }
}
