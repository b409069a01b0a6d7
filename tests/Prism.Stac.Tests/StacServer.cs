using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prism.Catalog;
using Prism.Gateway.Stac;
using Prism.Storage;
using Prism.Tests;

namespace Prism.Stac.Tests;

/// <summary>The STAC endpoints in a real Kestrel on 127.0.0.1 over a real <see cref="SqliteCatalog"/> in a temp file
/// (the sample products and a generated collection) and a <see cref="FileSystemObjectStore"/>.</summary>
public sealed class StacServer : IAsyncLifetime
{
    private WebApplication? _app;
    public string Folder { get; } = TestEnvironment.TempFolder("stac");
    public string BaseUrl { get; private set; } = "";
    public HttpClient Http { get; } = new();
    public IReadOnlyList<ProductRecord> Real { get; private set; } = [];
    public IReadOnlyList<ProductRecord> Generated { get; private set; } = [];
    public IReadOnlyList<ProductRecord> All => [.. Real, .. Generated];
    /// <summary>Bytes stored as the COG of the first generated product.</summary>
    public byte[] AssetBytes { get; } = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();

    public async Task InitializeAsync()
    {
        var catalog = new SqliteCatalog(Path.Combine(Folder, "catalog.db"));
        await catalog.MigrateAsync();
        Real = StacSamples.RealProducts();
        Generated = StacSamples.Grid.Select(StacSamples.ToRecord).ToList();
        foreach (var p in All) await catalog.RegisterAsync(p);
        var output = new FileSystemObjectStore(Path.Combine(Folder, "objects"));
        await output.PutAsync(Generated[0].Coverages[0].Location, new MemoryStream(AssetBytes), "image/tiff");

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Configuration["Prism:Stac:MaxLimit"] = "100";
        builder.Configuration["Prism:Stac:Collections:GEN_OPT:Title"] = "Generated optical";
        builder.Services.AddSingleton<ICatalog>(catalog);
        builder.Services.AddSingleton<IObjectStores>(new ObjectStores(new FileSystemObjectStore(Path.Combine(Folder, "input")), output));
        builder.Services.AddPrismStac(builder.Configuration);
        _app = builder.Build();
        _app.MapPrismStac();
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }

    public Task<HttpResponseMessage> GetAsync(string pathAndQuery) => Http.GetAsync(BaseUrl + pathAndQuery);

    public async Task<JsonObject> GetJsonAsync(string pathAndQuery)
    {
        using var response = await GetAsync(pathAndQuery);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {pathAndQuery}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<(int Status, JsonObject Body)> PostAsync(string path, JsonNode body)
    {
        using var response = await Http.PostAsJsonAsync(BaseUrl + path, body);
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }
}

[CollectionDefinition(Name)]
public sealed class StacCollection : ICollectionFixture<StacServer>
{
    public const string Name = "stac";
}
