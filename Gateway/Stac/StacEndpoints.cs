using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Prism.Catalog;
using Prism.IO;
using Prism.Storage;

namespace Prism.Gateway.Stac;

/// <summary>
/// STAC API 1.0.0 at <c>/stac</c> over the catalog's query layer (<see cref="ICatalog"/>): landing page,
/// conformance, collections, items, item search (GET and POST) and asset download from the output store.
/// Refusals are <c>{"code","description"}</c> with a 4xx status.
/// </summary>
public static class StacEndpoints
{
    /// <summary>Binds <see cref="StacOptions"/> from <c>Prism:Stac</c> (validated at start) and registers the
    /// collection summaries. <see cref="ICatalog"/> and <see cref="IObjectStores"/> come from the backing services.</summary>
    public static IServiceCollection AddPrismStac(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StacOptions>().Bind(configuration.GetSection(StacOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.DefaultLimit <= o.MaxLimit, "Prism:Stac:DefaultLimit must not exceed Prism:Stac:MaxLimit").ValidateOnStart();
        services.AddSingleton<StacCollectionSummaries>();
        services.TryAddSingleton<CollectionDirectory>();
        return services;
    }

    public static IEndpointRouteBuilder MapPrismStac(this IEndpointRouteBuilder app)
    {
        var stac = app.MapGroup("/stac").AddEndpointFilter(Guard);
        stac.MapGet("", Landing).WithName("StacLanding");
        stac.MapGet("/conformance", Conformance).WithName("StacConformance");
        stac.MapGet("/collections", Collections).WithName("StacCollections");
        stac.MapGet("/collections/{collectionId}", Collection).WithName("StacCollection");
        stac.MapGet("/collections/{collectionId}/items", Items).WithName("StacItems");
        stac.MapGet("/collections/{collectionId}/items/{itemId}", Item).WithName("StacItem");
        stac.MapGet("/collections/{collectionId}/items/{itemId}/assets/{assetKey}", Asset).WithName("StacAsset");
        stac.MapGet("/search", SearchGet).WithName("StacSearchGet");
        stac.MapPost("/search", SearchPost).WithName("StacSearchPost");
        return app;
    }

    /// <summary>CORS for browser clients, and every refusal in the STAC error shape.</summary>
    private static async ValueTask<object?> Guard(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        context.HttpContext.Response.Headers.AccessControlAllowOrigin = "*";
        try { return await next(context); }
        catch (StacException e) { return e.ToResult(); }
        catch (BadHttpRequestException e) { return StacException.BadParameter(e.Message).ToResult(); }
        // The catalog refuses what it cannot evaluate (a degenerate geometry, an unknown property) with these.
        catch (ArgumentException e) { return StacException.BadParameter(e.Message).ToResult(); }
        catch (FormatException e) { return StacException.BadParameter(e.Message).ToResult(); }
    }

    private static StacDocuments Docs(HttpContext http, StacOptions options)
    {
        var baseUrl = !string.IsNullOrWhiteSpace(options.PublicUrl)
            ? options.PublicUrl
            : $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
        return new StacDocuments(options, baseUrl);
    }

    /// <summary>The document written straight as UTF-8 (no intermediate string).</summary>
    private static IResult Json(JsonNode node, string contentType = StacDocuments.JsonType, int status = 200)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(16 * 1024);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, Prism.Gateway.OpenSearch.GeoJsonEncoder.WriterOptions))
            node.WriteTo(writer);
        return new Utf8Result(buffer.WrittenMemory, $"{contentType}; charset=utf-8", status);
    }

    /// <summary>A FeatureCollection of the first <paramref name="limit"/> products written straight as UTF-8 into a
    /// pooled buffer (no DOM per item; the buffer goes back to the pool once the body is sent).</summary>
    private static IResult ItemCollection(StacDocuments docs, IReadOnlyList<ProductRecord> page, int limit,
        Func<ProductRecord, string> collectionOf, JsonArray links)
    {
        var count = Math.Min(page.Count, limit);
        var buffer = new Prism.Gateway.Http.PooledBuffer(Math.Clamp(4096 + count * 3072, 16 * 1024, 1024 * 1024));
        try
        {
            using (var writer = new Utf8JsonWriter(buffer, Prism.Gateway.OpenSearch.GeoJsonEncoder.WriterOptions))
                docs.WriteItemCollection(writer, page.Take(count), collectionOf, links);
            return new Utf8Result(buffer.WrittenMemory, $"{StacDocuments.GeoJsonType}; charset=utf-8", StatusCodes.Status200OK, buffer);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private sealed class Utf8Result(ReadOnlyMemory<byte> body, string contentType, int status, IDisposable? owner = null) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            try
            {
                await Prism.Gateway.Ows.OwsHttp.WriteBodyAsync(http, body, contentType, status, cache: true);
            }
            finally { owner?.Dispose(); }
        }
    }

    private static async Task<IResult> Landing(HttpContext http, CollectionDirectory directory, IOptions<StacOptions> options, CancellationToken ct) =>
        Json(Docs(http, options.Value).Landing(await directory.GetAsync(ct)));

    private static IResult Conformance(HttpContext http, IOptions<StacOptions> options) =>
        Json(Docs(http, options.Value).Conformance());

    private static async Task<IResult> Collections(HttpContext http, CollectionDirectory directory, StacCollectionSummaries summaries,
        IOptions<StacOptions> options, CancellationToken ct)
    {
        var docs = Docs(http, options.Value);
        var list = new JsonArray();
        foreach (var record in await directory.GetAsync(ct))
            list.Add(docs.Collection(record, await summaries.GetAsync(record, ct)));
        return Json(new JsonObject
        {
            ["collections"] = list,
            ["links"] = new JsonArray
            {
                StacDocuments.Link("self", $"{docs.Root}/collections", StacDocuments.JsonType),
                StacDocuments.Link("root", docs.Root, StacDocuments.JsonType),
                StacDocuments.Link("parent", docs.Root, StacDocuments.JsonType),
            },
        });
    }

    private static async Task<CollectionRecord> FindCollection(HttpContext http, string id, CancellationToken ct) =>
        await http.RequestServices.GetRequiredService<CollectionDirectory>().FindAsync(id, ct)
        ?? throw StacException.NotFound($"no collection '{(id.Length > 100 ? id[..100] + "…" : id)}'");

    private static async Task<IResult> Collection(string collectionId, HttpContext http, ICatalog catalog,
        StacCollectionSummaries summaries, IOptions<StacOptions> options, CancellationToken ct)
    {
        var record = await FindCollection(http, collectionId, ct);
        return Json(Docs(http, options.Value).Collection(record, await summaries.GetAsync(record, ct)));
    }

    private static async Task<IResult> Items(string collectionId, HttpContext http, ICatalog catalog,
        IOptions<StacOptions> options, CancellationToken ct)
    {
        var o = options.Value;
        var search = StacSearchParser.FromQuery(http.Request.Query, o, allowCollectionFilters: false);
        await FindCollection(http, collectionId, ct);
        var docs = Docs(http, o);
        var query = search.ToQuery(search.Limit + 1) with { Collection = collectionId };
        var page = await catalog.SearchAsync(query, ct);
        var self = $"{docs.Root}/collections/{StacDocuments.Esc(collectionId)}/items";
        var links = new JsonArray
        {
            StacDocuments.Link("self", self + http.Request.QueryString.Value, StacDocuments.GeoJsonType),
            StacDocuments.Link("root", docs.Root, StacDocuments.JsonType),
            StacDocuments.Link("parent", $"{docs.Root}/collections/{StacDocuments.Esc(collectionId)}", StacDocuments.JsonType),
            StacDocuments.Link("collection", $"{docs.Root}/collections/{StacDocuments.Esc(collectionId)}", StacDocuments.JsonType),
        };
        AddGetPaging(links, self, http.Request.Query, search, page.Count);
        return ItemCollection(docs, page, search.Limit, _ => collectionId, links);
    }

    private static async Task<IResult> Item(string collectionId, string itemId, HttpContext http, ICatalog catalog,
        IOptions<StacOptions> options, CancellationToken ct)
    {
        var product = await FindItem(http, catalog, collectionId, itemId, ct);
        return Json(Docs(http, options.Value).Item(product, collectionId), StacDocuments.GeoJsonType);
    }

    private static async Task<ProductRecord> FindItem(HttpContext http, ICatalog catalog, string collectionId, string itemId, CancellationToken ct)
    {
        await FindCollection(http, collectionId, ct);
        var product = itemId.Length > 1024 ? null : await catalog.GetProductAsync(itemId, ct);
        if (product is null || !product.Collections.Contains(collectionId, StringComparer.Ordinal))
            throw StacException.NotFound($"no item '{(itemId.Length > 100 ? itemId[..100] + "…" : itemId)}' in collection '{collectionId}'");
        return product;
    }

    /// <summary>Streams a coverage's COG from the output store (range requests when the store's stream can seek).</summary>
    private static async Task<IResult> Asset(string collectionId, string itemId, string assetKey, HttpContext http, ICatalog catalog,
        IObjectStores stores, CancellationToken ct)
    {
        var product = await FindItem(http, catalog, collectionId, itemId, ct);
        var coverage = StacDocuments.AssetsOf(product).FirstOrDefault(a => a.Key == assetKey).Coverage
            ?? throw StacException.NotFound($"no asset '{(assetKey.Length > 100 ? assetKey[..100] + "…" : assetKey)}' in item '{itemId}'");
        var stream = await stores.Output.OpenReadAsync(coverage.Location, ct)
            ?? throw StacException.NotFound($"the object of asset '{assetKey}' is missing from the output store");
        return Results.Stream(stream, StacDocuments.CogType, Path.GetFileName(coverage.Location), enableRangeProcessing: stream.CanSeek);
    }

    private static async Task<IResult> SearchGet(HttpContext http, ICatalog catalog, IOptions<StacOptions> options, CancellationToken ct)
    {
        var o = options.Value;
        var search = StacSearchParser.FromQuery(http.Request.Query, o, allowCollectionFilters: true);
        var docs = Docs(http, o);
        var page = await catalog.SearchAsync(search.ToQuery(search.Limit + 1), ct);
        var self = $"{docs.Root}/search";
        var links = new JsonArray
        {
            StacDocuments.Link("self", self + http.Request.QueryString.Value, StacDocuments.GeoJsonType),
            StacDocuments.Link("root", docs.Root, StacDocuments.JsonType),
        };
        AddGetPaging(links, self, http.Request.Query, search, page.Count);
        return ItemCollection(docs, page, search.Limit, p => CollectionFor(p, search), links);
    }

    private static async Task<IResult> SearchPost(HttpContext http, ICatalog catalog, IOptions<StacOptions> options, CancellationToken ct)
    {
        var o = options.Value;
        if (http.Request.ContentLength > o.MaxBodyBytes)
            throw new StacException(StatusCodes.Status413PayloadTooLarge, "PayloadTooLarge", $"the search body is larger than {o.MaxBodyBytes} bytes");
        JsonNode? body;
        try
        {
            await using var limited = new LimitedReadStream(http.Request.Body, o.MaxBodyBytes,
                () => new StacException(StatusCodes.Status413PayloadTooLarge, "PayloadTooLarge", $"the search body is larger than {o.MaxBodyBytes} bytes"),
                leaveOpen: true);
            body = await JsonNode.ParseAsync(limited, documentOptions: new JsonDocumentOptions { MaxDepth = 16 }, cancellationToken: ct);
        }
        catch (JsonException e) { throw StacException.BadParameter($"the search body is not valid JSON: {e.Message}"); }
        var search = StacSearchParser.FromBody(body, o);
        var docs = Docs(http, o);
        var page = await catalog.SearchAsync(search.ToQuery(search.Limit + 1), ct);
        var links = new JsonArray { StacDocuments.Link("root", docs.Root, StacDocuments.JsonType) };
        if (page.Count > search.Limit)
        {
            var nextBody = (JsonObject)body!.DeepClone();
            nextBody["token"] = $"next:{search.Offset + search.Limit}";
            var next = StacDocuments.Link("next", $"{docs.Root}/search", StacDocuments.GeoJsonType);
            next["method"] = "POST";
            next["body"] = nextBody;
            next["merge"] = false;
            links.Add(next);
        }
        return ItemCollection(docs, page, search.Limit, p => CollectionFor(p, search), links);
    }

    /// <summary>The collection an item of a search is shown in: the first of the requested ones it belongs to.</summary>
    private static string CollectionFor(ProductRecord p, StacSearch search) =>
        search.Collections?.FirstOrDefault(c => p.Collections.Contains(c, StringComparer.Ordinal))
        ?? p.Collections.FirstOrDefault() ?? p.ProductType;

    private static void AddGetPaging(JsonArray links, string path, IQueryCollection query, StacSearch search, int fetched)
    {
        string With(int offset)
        {
            var pairs = query.Where(kv => kv.Key != "token").SelectMany(kv => kv.Value.Select(v => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(v ?? "")}")).ToList();
            if (offset > 0) pairs.Add($"token=next:{offset}");
            return pairs.Count == 0 ? path : $"{path}?{string.Join('&', pairs)}";
        }
        if (fetched > search.Limit) links.Add(StacDocuments.Link("next", With(search.Offset + search.Limit), StacDocuments.GeoJsonType));
        if (search.Offset > 0) links.Add(StacDocuments.Link("prev", With(Math.Max(0, search.Offset - search.Limit)), StacDocuments.GeoJsonType));
    }
}
