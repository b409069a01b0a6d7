using Prism.Catalog;

namespace Prism.Tests.Catalog;

/// <summary>
/// products.collection_ids (migration 0003) follows product_collections for every writer: the catalog's register,
/// replace and deregister, and plain SQL on the link table; collection searches read it.
/// </summary>
public sealed class PostgresCollectionIdsTests : IAsyncLifetime
{
    private PostgresTestDatabase _db = null!;
    private PostgresCatalog _catalog = null!;

    public async Task InitializeAsync()
    {
        _db = await PostgresTestDatabase.CreateAsync();
        _catalog = new PostgresCatalog(_db.DataSource);
        await _catalog.MigrateAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static ProductRecord Product(string id, params string[] collections) => new()
    {
        Identifier = id,
        ProductType = "T",
        Collections = collections,
        BeginTime = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero),
        EndTime = new DateTimeOffset(2020, 1, 1, 0, 1, 0, TimeSpan.Zero),
        FootprintWkt = "POLYGON((0 0,1 0,1 1,0 0))",
    };

    private Task<long> Mismatches() => _db.ScalarAsync("""
        SELECT count(*) FROM products p
        WHERE p.collection_ids IS DISTINCT FROM ARRAY(SELECT pc.collection_id FROM product_collections pc
                                                    WHERE pc.product_id = p.id ORDER BY pc.ordinal)
        """);

    private async Task<string[]> InCollection(string collection) =>
        (await _catalog.SearchAsync(new ProductQuery { Collection = collection })).Select(p => p.Identifier).ToArray();

    [Fact]
    public async Task Follows_register_replace_deregister_and_plain_sql()
    {
        await _catalog.RegisterAsync(Product("p1", "A", "B"));
        await _catalog.RegisterAsync(Product("p2", "B"));
        Assert.Equal(0, await Mismatches());
        Assert.Equal(2, await _db.ScalarAsync("SELECT cardinality(collection_ids) FROM products WHERE identifier = 'p1'"));
        Assert.Equal(["p1"], await InCollection("A"));
        Assert.Equal(["p1", "p2"], await InCollection("B"));

        await _catalog.RegisterAsync(Product("p1", "C")); // replace: leaves A and B
        Assert.Equal(0, await Mismatches());
        Assert.Empty(await InCollection("A"));
        Assert.Equal(["p2"], await InCollection("B"));
        Assert.Equal(["p1"], await InCollection("C"));
        Assert.Equal(["p1", "p2"], (await _catalog.SearchAsync(new ProductQuery { Collections = ["B", "C"] })).Select(p => p.Identifier));

        // Plain SQL on the link table, several rows per statement.
        await _db.ScalarAsync("""
            WITH moved AS (
                INSERT INTO product_collections (product_id, collection_id, ordinal)
                SELECT p.id, c.id, 9 FROM products p CROSS JOIN collections c WHERE c.identifier = 'A'
                RETURNING 1)
            SELECT count(*) FROM moved
            """);
        Assert.Equal(0, await Mismatches());
        Assert.Equal(["p1", "p2"], await InCollection("A"));
        await _db.ScalarAsync("WITH d AS (DELETE FROM product_collections WHERE ordinal = 9 RETURNING 1) SELECT count(*) FROM d");
        Assert.Equal(0, await Mismatches());
        Assert.Empty(await InCollection("A"));

        await _catalog.DeregisterAsync("p2");
        Assert.Equal(0, await Mismatches());
        Assert.Empty(await InCollection("B"));
        Assert.Equal(["p1"], await InCollection("C"));
    }

    [Fact]
    public async Task Collections_created_by_another_instance_are_named_on_the_next_read()
    {
        await using var otherSource = Npgsql.NpgsqlDataSource.Create(_db.ConnectionString);
        var other = new PostgresCatalog(otherSource);
        await _catalog.RegisterAsync(Product("p1", "A"));
        Assert.Equal(["A"], (await _catalog.GetProductAsync("p1"))!.Collections); // names cached here

        await other.RegisterAsync(Product("p2", "NEW", "A")); // a collection this instance has never seen
        Assert.Equal(["NEW", "A"], (await _catalog.GetProductAsync("p2"))!.Collections);
        Assert.Equal(["p2"], await InCollection("NEW"));
        await other.RegisterAsync(Product("p1", "NEW2"));
        Assert.Equal(["NEW2"], (await _catalog.SearchAsync(new ProductQuery { Identifiers = ["p1"] })).Single().Collections);
    }
}
