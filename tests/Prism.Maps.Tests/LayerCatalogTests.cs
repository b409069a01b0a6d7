using Microsoft.Extensions.Options;
using Prism.Catalog;
using Prism.Maps;
using Prism.Storage;

namespace Prism.Tests.Maps;

public sealed class LayerCatalogTests : IAsyncLifetime
{
    private readonly string _folder = TestEnvironment.TempFolder("layers");
    private SqliteCatalog _catalog = null!;
    private FileSystemObjectStore _store = null!;

    public async Task InitializeAsync()
    {
        _catalog = new SqliteCatalog(Path.Combine(_folder, "catalog.db"));
        await _catalog.MigrateAsync();
        _store = new FileSystemObjectStore(Path.Combine(_folder, "objects"));
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    private async Task RegisterAsync(string id, double west, double east, string begin, string collection)
    {
        var record = await MapsTestData.PublishAsync(_store, _folder, id, west, -10, east, 10, MapsTestData.T(begin), collection: collection, width: 16, height: 16);
        await _catalog.RegisterAsync(record);
    }

    [Fact]
    public async Task Builds_layers_per_collection_and_reuses_the_snapshot()
    {
        await RegisterAsync("A1", 170, 180, "2006-08-16T09:00:00Z", "SAR");
        await RegisterAsync("A2", -180, -170, "2006-08-17T09:00:00Z", "SAR");
        await _catalog.RegisterAsync((await _catalog.GetProductAsync("A2"))! with
        {
            Coverages = [(await _catalog.GetProductAsync("A2"))!.Coverages[0] with { Bands = [new("hh", "UInt16", 0)] }],
        });
        await _catalog.RegisterAsync((await _catalog.GetProductAsync("A1"))! with
        {
            Coverages = [(await _catalog.GetProductAsync("A1"))!.Coverages[0] with { Bands = [new("hh", "UInt16", 0)] }],
        });
        var options = new MapsOptions { LayerCacheTime = TimeSpan.FromHours(1) };
        options.Collections["CONFIGURED"] = new CollectionMapOptions { DefaultStyle = "VIRIDIS", Styles = ["GREY"] };
        await RegisterAsync("B1", 0, 10, "2006-08-16T09:00:00Z", "CONFIGURED");
        var layers = new LayerCatalog(_catalog, Options.Create(options));

        var snapshot = await layers.GetAsync();
        // One-band SAR: GREY by default plus the colour ramp; configured collection: its own styles.
        Assert.Equal(["GREY", "VIRIDIS"], snapshot.FindLayer("SAR")!.Description.Styles.Select(s => s.Name));
        Assert.Equal(["VIRIDIS", "GREY"], snapshot.FindLayer("CONFIGURED")!.Description.Styles.Select(s => s.Name));
        Assert.NotNull(snapshot.FindLayer("SAR__VIRIDIS"));
        Assert.NotNull(snapshot.FindLayer("SAR__outlines"));
        Assert.Null(snapshot.FindLayer("SAR__TRUE_COLOR"));
        // Antimeridian parts: the union spans the whole longitude range.
        Assert.Equal([-180, -10, 180, 10], snapshot.FindLayer("SAR")!.Description.Wgs84BoundingBox);
        Assert.Equal("2006-08-17T09:00:00Z/2006-08-17T09:10:00Z", snapshot.FindLayer("SAR")!.Description.DefaultTime);

        // Within the cache time the same snapshot is served (no catalog query); fresh reloads.
        await RegisterAsync("A3", 20, 30, "2006-08-18T09:00:00Z", "SAR");
        Assert.Same(snapshot, await layers.GetAsync());
        var fresh = await layers.GetAsync(fresh: true);
        Assert.Equal(3, fresh.Collections["SAR"].Products.Count);
        Assert.Equal("2006-08-18T09:00:00Z/2006-08-18T09:10:00Z", fresh.FindLayer("SAR")!.Description.DefaultTime);
    }
}
