using Microsoft.Data.Sqlite;
using Prism.Catalog;

namespace Prism.Tests.Catalog;

/// <summary>The catalog contract against SQLite: every test gets its own fresh database file.</summary>
public sealed class SqliteCatalogContractTests : CatalogContractTests
{
    private readonly List<string> _folders = [];

    protected override IReadOnlyList<string> ProductChildTables =>
        ["products", "coverages", "browses", "product_collections", "product_footprints"];

    protected override Task<Store> CreateStoreAsync(int instances)
    {
        var folder = TestEnvironment.TempFolder("prism-catalog");
        _folders.Add(folder);
        var path = Path.Combine(folder, "catalog.db");
        var catalogs = Enumerable.Range(0, instances).Select(_ => (ICatalog)new SqliteCatalog(path)).ToList();
        return Task.FromResult(new Store(catalogs, table => CountRows(path, table)));
    }

    private static Task<long> CountRows(string path, string table)
    {
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT count(*) FROM \"{table}\"";
        return Task.FromResult((long)cmd.ExecuteScalar()!);
    }

    protected override ValueTask DisposeStoresAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var folder in _folders)
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { /* best effort */ }
        }
        return ValueTask.CompletedTask;
    }
}
