using Microsoft.Data.Sqlite;
using Prism.Catalog;

namespace Prism.Tests.Catalog;

/// <summary>The cached collection list: stale answers while refreshing, refresh on a miss, bounded refreshes.</summary>
public sealed class CollectionDirectoryTests : IDisposable
{
    private readonly string _folder = TestEnvironment.TempFolder("prism-collection-directory");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }

    /// <summary>Counts how often the aggregate list is read.</summary>
    private sealed class CountingCatalog(ICatalog inner) : ICatalog
    {
        private int _reads;
        public int Reads => Volatile.Read(ref _reads);
        public Task MigrateAsync(CancellationToken ct = default) => inner.MigrateAsync(ct);
        public Task<RegistrationReport> RegisterAsync(ProductRecord product, CancellationToken ct = default) => inner.RegisterAsync(product, ct);
        public Task<ProductRecord?> DeregisterAsync(string identifier, CancellationToken ct = default) => inner.DeregisterAsync(identifier, ct);
        public Task<ProductRecord?> GetProductAsync(string identifier, CancellationToken ct = default) => inner.GetProductAsync(identifier, ct);
        public Task<IReadOnlyList<ProductRecord>> SearchAsync(ProductQuery query, CancellationToken ct = default) => inner.SearchAsync(query, ct);
        public Task<long> CountAsync(ProductQuery query, CancellationToken ct = default) => inner.CountAsync(query, ct);

        public Task<IReadOnlyList<CollectionRecord>> GetCollectionsAsync(CancellationToken ct = default)
        {
            Interlocked.Increment(ref _reads);
            return inner.GetCollectionsAsync(ct);
        }
    }

    private async Task<CountingCatalog> CatalogAsync()
    {
        var catalog = new CountingCatalog(new SqliteCatalog(Path.Combine(_folder, "catalog.db")));
        await catalog.MigrateAsync();
        return catalog;
    }

    private static ProductRecord Product(string id, string collection) => new()
    {
        Identifier = id,
        ProductType = "T",
        Collections = [collection],
        BeginTime = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero),
        EndTime = new DateTimeOffset(2020, 1, 1, 0, 1, 0, TimeSpan.Zero),
        FootprintWkt = "POLYGON((0 0,1 0,1 1,0 0))",
    };

    [Fact]
    public async Task A_collection_registered_after_the_list_was_read_is_found_on_the_next_miss()
    {
        var catalog = await CatalogAsync();
        await catalog.RegisterAsync(Product("p1", "A"));
        var directory = new CollectionDirectory(catalog) { Ttl = TimeSpan.FromHours(1), MissRefreshInterval = TimeSpan.Zero };
        Assert.NotNull(await directory.FindAsync("A"));
        Assert.Null(await directory.FindAsync("B"));

        await catalog.RegisterAsync(Product("p2", "B"));
        var b = await directory.FindAsync("B");
        Assert.NotNull(b);
        Assert.Equal(1, b.ProductCount);
    }

    [Fact]
    public async Task Misses_read_the_list_at_most_once_per_interval()
    {
        var catalog = await CatalogAsync();
        await catalog.RegisterAsync(Product("p1", "A"));
        var directory = new CollectionDirectory(catalog) { Ttl = TimeSpan.FromHours(1), MissRefreshInterval = TimeSpan.FromHours(1) };
        Assert.NotNull(await directory.FindAsync("A"));
        for (var i = 0; i < 20; i++) Assert.Null(await directory.FindAsync($"unknown-{i}"));
        Assert.Equal(1, catalog.Reads);
    }

    [Fact]
    public async Task After_the_ttl_the_stale_list_is_answered_and_refreshed_in_the_background()
    {
        var catalog = await CatalogAsync();
        await catalog.RegisterAsync(Product("p1", "A"));
        var directory = new CollectionDirectory(catalog) { Ttl = TimeSpan.FromMilliseconds(50), MissRefreshInterval = TimeSpan.FromHours(1) };
        var first = await directory.GetAsync();
        Assert.Equal(["A"], first.Select(c => c.Identifier));

        await catalog.RegisterAsync(Product("p2", "B"));
        await Task.Delay(100);
        // Expired: the call answers the list it has and starts one refresh.
        Assert.Same(first, await directory.GetAsync());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        IReadOnlyList<CollectionRecord> now;
        do
        {
            await Task.Delay(20);
            now = await directory.GetAsync();
        } while (now.Count < 2 && DateTime.UtcNow < deadline);
        Assert.Equal(["A", "B"], now.Select(c => c.Identifier));
    }
}
