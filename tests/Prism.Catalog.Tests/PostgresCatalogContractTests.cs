using Npgsql;
using Prism.Catalog;

namespace Prism.Tests.Catalog;

/// <summary>The catalog contract against PostgreSQL + PostGIS: every test gets its own fresh database.</summary>
public sealed class PostgresCatalogContractTests : CatalogContractTests
{
    private readonly List<PostgresTestDatabase> _databases = [];
    private readonly List<NpgsqlDataSource> _dataSources = [];

    protected override IReadOnlyList<string> ProductChildTables =>
        ["products", "coverages", "browses", "product_collections"];

    protected override async Task<Store> CreateStoreAsync(int instances)
    {
        var db = await PostgresTestDatabase.CreateAsync();
        _databases.Add(db);
        var catalogs = new List<ICatalog> { new PostgresCatalog(db.DataSource) };
        for (var i = 1; i < instances; i++)
        {
            // Separate data sources: separate pools, as separate processes would have.
            var ds = NpgsqlDataSource.Create(db.ConnectionString);
            _dataSources.Add(ds);
            catalogs.Add(new PostgresCatalog(ds));
        }
        return new Store(catalogs, table => db.ScalarAsync($"SELECT count(*) FROM \"{table}\""));
    }

    protected override async ValueTask DisposeStoresAsync()
    {
        foreach (var ds in _dataSources) await ds.DisposeAsync();
        foreach (var db in _databases) await db.DisposeAsync();
    }
}
