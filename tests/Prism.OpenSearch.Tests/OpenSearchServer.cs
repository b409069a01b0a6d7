using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prism.Catalog;
using Prism.Gateway.OpenSearch;
using Prism.Tests;

namespace Prism.OpenSearch.Tests;

/// <summary>The OpenSearch endpoints in a real Kestrel on 127.0.0.1 (a free port) over a real <see cref="SqliteCatalog"/>
/// in a temporary file, filled with <see cref="SampleProducts"/>.</summary>
public sealed class OpenSearchServer : IAsyncLifetime
{
    public static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    public static readonly XNamespace Os = "http://a9.com/-/spec/opensearch/1.1/";
    public static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";

    private WebApplication? _app;
    private string? _folder;
    public SqliteCatalog Catalog { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public HttpClient Http { get; } = new();

    public async Task InitializeAsync()
    {
        _folder = TestEnvironment.TempFolder("opensearch");
        Catalog = new SqliteCatalog(Path.Combine(_folder, "catalog.db"));
        await Catalog.MigrateAsync();
        foreach (var p in SampleProducts.Load()) await Catalog.RegisterAsync(p);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Configuration["Prism:OpenSearch:DefaultCount"] = "50";
        builder.Configuration["Prism:OpenSearch:MaxCount"] = "500";
        builder.Configuration["Prism:OpenSearch:MaxGeometryPoints"] = "500";
        builder.Services.AddSingleton<ICatalog>(Catalog);
        builder.Services.AddPrismOpenSearch(builder.Configuration);
        _app = builder.Build();
        _app.MapPrismOpenSearch();
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        try { if (_folder is not null) Directory.Delete(_folder, true); } catch (IOException) { }
    }

    public Task<HttpResponseMessage> GetAsync(string pathAndQuery) => Http.GetAsync(BaseUrl + pathAndQuery);

    public sealed record Page(long Total, int StartIndex, int ItemsPerPage, IReadOnlyList<string> Ids, IReadOnlyDictionary<string, string> Links);

    public async Task<Page> AtomAsync(string collection, string query)
    {
        using var r = await GetAsync($"/opensearch/collections/{collection}/atom/?{query}");
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{query}: HTTP {(int)r.StatusCode} {body}");
        Assert.Equal("application/atom+xml", r.Content.Headers.ContentType?.MediaType);
        var feed = XDocument.Parse(body).Root!;
        Assert.Equal(Atom + "feed", feed.Name);
        return new Page(
            long.Parse(feed.Element(Os + "totalResults")!.Value),
            int.Parse(feed.Element(Os + "startIndex")!.Value),
            int.Parse(feed.Element(Os + "itemsPerPage")!.Value),
            feed.Elements(Atom + "entry").Select(e => e.Element(Dc + "identifier")!.Value).ToList(),
            feed.Elements(Atom + "link").GroupBy(l => (string)l.Attribute("rel")!).ToDictionary(g => g.Key, g => (string)g.First().Attribute("href")!));
    }

    public async Task<Page> JsonAsync(string collection, string query)
    {
        using var r = await GetAsync($"/opensearch/collections/{collection}/json/?{query}");
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{query}: HTTP {(int)r.StatusCode} {body}");
        Assert.Equal("application/geo+json", r.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Assert.Equal("FeatureCollection", root.GetProperty("type").GetString());
        var ids = root.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ids.Count, root.GetProperty("numberReturned").GetInt32());
        Assert.Equal(root.GetProperty("totalResults").GetInt64(), root.GetProperty("numberMatched").GetInt64());
        return new Page(root.GetProperty("totalResults").GetInt64(), root.GetProperty("startIndex").GetInt32(), root.GetProperty("itemsPerPage").GetInt32(), ids,
            root.GetProperty("links").EnumerateArray().GroupBy(l => l.GetProperty("rel").GetString()!).ToDictionary(g => g.Key, g => g.First().GetProperty("href").GetString()!));
    }

    /// <summary>The identifiers a query returns, asserted equal (same order, same total) in Atom and GeoJSON.</summary>
    public async Task<string[]> IdsAsync(string query, string collection = "ALL")
    {
        var atom = await AtomAsync(collection, query);
        var json = await JsonAsync(collection, query);
        Assert.Equal(atom.Ids, json.Ids);
        Assert.Equal(atom.Total, json.Total);
        Assert.Equal(atom.Ids.Count, atom.Total);
        return [.. atom.Ids.Order(StringComparer.Ordinal)];
    }
}
