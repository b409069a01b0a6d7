using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Prism.Catalog;
using Prism.Gateway.Ows;

namespace Prism.Gateway.OpenSearch;

/// <summary>
/// OpenSearch 1.1 with the Geo, Time, EO and Parameter extensions in EOxServer's URL layout:
/// <c>/opensearch/</c> (description of the collection search), <c>/opensearch/{format}/</c> (collection search),
/// <c>/opensearch/collections/{id}/</c> (description of the product search), <c>/opensearch/collections/{id}/{format}/</c>
/// (product search), <c>{format}</c> = <c>atom</c> | <c>json</c> | <c>rss</c> | <c>kml</c> | <c>html</c>; plus <c>/opensearch/collections/{id}/metadata/{uid}</c>
/// (the product's metadata document as registered). Every query goes through <see cref="ICatalog"/>.
/// </summary>
public static class OpenSearchEndpoints
{
    public const string DescriptionType = "application/opensearchdescription+xml";
    public const string AtomType = "application/atom+xml";
    public const string GeoJsonType = "application/geo+json";

    /// <summary>Binds <see cref="OpenSearchOptions"/> from <c>Prism:OpenSearch</c> (validated at start). The
    /// <see cref="ICatalog"/> is registered by the host.</summary>
    public static IServiceCollection AddPrismOpenSearch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OpenSearchOptions>().Bind(configuration.GetSection(OpenSearchOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.DefaultCount <= o.MaxCount, "Prism:OpenSearch:DefaultCount must not exceed MaxCount")
            .ValidateOnStart();
        services.AddSingleton<OpenSearchFactsProvider>();
        services.TryAddSingleton<CollectionDirectory>();
        return services;
    }

    public static IEndpointRouteBuilder MapPrismOpenSearch(this IEndpointRouteBuilder endpoints)
    {
        string[] get = [HttpMethods.Get, HttpMethods.Head];
        endpoints.MapMethods("/opensearch/", get, ctx => DescriptionAsync(ctx, null));
        endpoints.MapMethods("/opensearch/description.xml", get, ctx => DescriptionAsync(ctx, null));
        endpoints.MapMethods("/opensearch/{format}/", get, ctx => CollectionSearchAsync(ctx, Route(ctx, "format")));
        endpoints.MapMethods("/opensearch/collections/{id}/", get, ctx => DescriptionAsync(ctx, Route(ctx, "id")));
        endpoints.MapMethods("/opensearch/collections/{id}/{format}/", get, ctx => ProductSearchAsync(ctx, Route(ctx, "id"), Route(ctx, "format")));
        endpoints.MapMethods("/opensearch/collections/{id}/metadata/{uid}", get, ctx => MetadataAsync(ctx, Route(ctx, "id"), Route(ctx, "uid")));
        endpoints.MapMethods("/opensearch/{**path}", [HttpMethods.Options], OwsHttp.PreflightAsync);
        return endpoints;
    }

    private static string Route(HttpContext ctx, string name) => ctx.Request.RouteValues[name] as string ?? "";

    private static OpenSearchOptions Options(HttpContext ctx) => ctx.RequestServices.GetRequiredService<IOptions<OpenSearchOptions>>().Value;
    private static ICatalog Catalog(HttpContext ctx) => ctx.RequestServices.GetRequiredService<ICatalog>();

    private static OpenSearchLinks Links(HttpContext ctx, OpenSearchOptions o)
    {
        var configured = o.PublicBaseUrl ?? ctx.RequestServices.GetService<IOptions<OwsOptions>>()?.Value.PublicBaseUrl;
        return new OpenSearchLinks(!string.IsNullOrEmpty(configured)
            ? configured
            : $"{ctx.Request.Scheme}://{ctx.Request.Host.Value}{ctx.Request.PathBase.Value}");
    }

    private static CollectionDirectory Directory(HttpContext ctx) => ctx.RequestServices.GetRequiredService<CollectionDirectory>();

    private enum Kind { Xml, Atom, Json }

    private static string ContentType(string format) => format switch
    {
        "json" => GeoJsonType,
        "atom" => AtomType,
        _ => FeedEncoders.ContentType(format),
    };

    private static Kind KindOf(string format) => format == "json" ? Kind.Json : format == "atom" ? Kind.Atom : Kind.Xml;

    private static void CheckFormat(string format)
    {
        if (format is not ("atom" or "json" or "rss" or "kml" or "html"))
            throw new OpenSearchException($"unknown format '{OpenSearchException.Echo(format)}' (atom, json, rss, kml, html)", "format", 404);
    }

    private static async Task<CollectionRecord> RequireCollectionAsync(CollectionDirectory directory, string id, CancellationToken ct)
    {
        if (id.Length > 512) throw new OpenSearchException("collection identifier too long", "collection", 404);
        // The cached directory: the collection list aggregates every product, far too slow to build per request.
        return await directory.FindAsync(id, ct)
            ?? throw new OpenSearchException($"unknown collection '{OpenSearchException.Echo(id)}'", "collection", 404);
    }

    private static async Task DescriptionAsync(HttpContext ctx, string? collection)
    {
        OwsHttp.Cors(ctx.Response);
        try
        {
            var o = Options(ctx);
            var catalog = Catalog(ctx);
            if (collection is not null) await RequireCollectionAsync(Directory(ctx), collection, ctx.RequestAborted);
            var facts = await ctx.RequestServices.GetRequiredService<OpenSearchFactsProvider>().GetAsync(collection, ctx.RequestAborted);
            var body = DescriptionEncoder.Encode(o, Links(ctx, o), collection, facts);
            await OwsHttp.WriteBytesAsync(ctx, body, DescriptionType + "; charset=utf-8");
        }
        catch (Exception e) when (Refusal(e) is { } refusal)
        {
            await WriteErrorAsync(ctx, Kind.Xml, refusal);
        }
    }

    private static async Task CollectionSearchAsync(HttpContext ctx, string format)
    {
        OwsHttp.Cors(ctx.Response);
        var kind = KindOf(format);
        try
        {
            CheckFormat(format);
            var o = Options(ctx);
            var request = OpenSearchRequest.Decode(ctx.Request.Query, o);
            var catalog = Catalog(ctx);
            var q = request.Query;
            var productFilters = q.Bbox is not null || q.GeometryWkt is not null || q.Start is not null || q.End is not null || q.Properties is not null;
            var matching = new List<CollectionRecord>();
            foreach (var c in (await Directory(ctx).GetAsync(ctx.RequestAborted)).OrderBy(c => c.Identifier, StringComparer.Ordinal))
            {
                if (q.Identifiers is { } ids && !ids.Contains(c.Identifier, StringComparer.Ordinal)) continue;
                if (q.Text is { } text && !c.Identifier.Contains(text, StringComparison.OrdinalIgnoreCase)) continue;
                if (productFilters && await catalog.CountAsync(q with { Collection = c.Identifier, Text = null, Identifiers = null, Limit = 0, Offset = 0 }, ctx.RequestAborted) == 0)
                    continue;
                matching.Add(c);
            }
            var page = matching.Skip(q.Offset).Take(request.Count).ToList();
            var links = Links(ctx, o);
            var title = $"{o.ShortName} collections";
            var body = format switch
            {
                "json" => GeoJsonEncoder.Collections(links, request, matching.Count, page),
                "atom" => AtomEncoder.Collections(links, request, matching.Count, page, title),
                _ => FeedEncoders.Collections(format, links, request, matching.Count, page, title),
            };
            await OwsHttp.WriteBytesAsync(ctx, body, ContentType(format) + "; charset=utf-8");
        }
        catch (Exception e) when (Refusal(e) is { } refusal)
        {
            await WriteErrorAsync(ctx, kind, refusal);
        }
    }

    private static async Task ProductSearchAsync(HttpContext ctx, string collection, string format)
    {
        OwsHttp.Cors(ctx.Response);
        var kind = KindOf(format);
        try
        {
            CheckFormat(format);
            var o = Options(ctx);
            var request = OpenSearchRequest.Decode(ctx.Request.Query, o);
            var catalog = Catalog(ctx);
            await RequireCollectionAsync(Directory(ctx), collection, ctx.RequestAborted);
            var query = request.Query with { Collection = collection };
            var products = request.Count == 0 ? [] : await catalog.SearchAsync(query, ctx.RequestAborted);
            var total = KnownTotal(query.Offset, request.Count, products.Count)
                        ?? await catalog.CountAsync(query with { Limit = 0, Offset = 0 }, ctx.RequestAborted);
            var links = Links(ctx, o);
            var title = $"{collection} products";
            // Written into a pooled buffer: a page is a few hundred kB.
            var buffer = new Http.PooledBuffer(Math.Clamp(4096 + products.Count * 3072, 16 * 1024, 1024 * 1024));
            try
            {
                switch (format)
                {
                    case "json": GeoJsonEncoder.WriteProducts(buffer, links, collection, request, total, products); break;
                    case "atom": AtomEncoder.WriteProducts(buffer, links, collection, request, total, products, title); break;
                    default:
                        using (var stream = buffer.AsStream()) FeedEncoders.WriteProducts(format, stream, links, collection, request, total, products, title);
                        break;
                }
            }
            catch
            {
                buffer.Dispose();
                throw;
            }
            await buffer.WriteToAsync(ctx, ContentType(format) + "; charset=utf-8");
        }
        catch (Exception e) when (Refusal(e) is { } refusal)
        {
            await WriteErrorAsync(ctx, kind, refusal);
        }
    }

    /// <summary>
    /// The total when the page itself tells it: a page with fewer results than asked for is the last one, so the total
    /// is its offset plus its length (no count over every match — at 100 000 products that count costs as much as the
    /// search); an empty first page means none. A full page, an empty later page or count=0 need the count.
    /// </summary>
    public static long? KnownTotal(int offset, int count, int returned) =>
        count > 0 && returned > 0 && returned < count ? offset + (long)returned
        : count > 0 && returned == 0 && offset == 0 ? 0
        : null;

    private static async Task MetadataAsync(HttpContext ctx, string collection, string uid)
    {
        OwsHttp.Cors(ctx.Response);
        try
        {
            var catalog = Catalog(ctx);
            await RequireCollectionAsync(Directory(ctx), collection, ctx.RequestAborted);
            var product = uid.Length > 1024 ? null : await catalog.GetProductAsync(uid, ctx.RequestAborted);
            if (product is null || !product.Collections.Contains(collection, StringComparer.Ordinal) || string.IsNullOrEmpty(product.RawMetadata))
                throw new OpenSearchException($"no metadata for '{OpenSearchException.Echo(uid)}' in collection '{OpenSearchException.Echo(collection)}'", "uid", 404);
            var json = product.RawMetadata.TrimStart().StartsWith('{');
            await OwsHttp.WriteBytesAsync(ctx, Encoding.UTF8.GetBytes(product.RawMetadata), (json ? "application/json" : "application/xml") + "; charset=utf-8");
        }
        catch (Exception e) when (Refusal(e) is { } refusal)
        {
            await WriteErrorAsync(ctx, Kind.Xml, refusal);
        }
    }

    /// <summary>Errors that are the client's: our own refusals, and the catalog's argument checks.</summary>
    private static OpenSearchException? Refusal(Exception e) => e switch
    {
        OpenSearchException o => o,
        ArgumentException a => new OpenSearchException(a.Message, a.ParamName),
        FormatException f => new OpenSearchException(f.Message),
        NotSupportedException n => new OpenSearchException(n.Message, null, 501),
        _ => null,
    };

    private static Task WriteErrorAsync(HttpContext ctx, Kind kind, OpenSearchException e)
    {
        if (ctx.Response.HasStarted) return Task.CompletedTask;
        if (kind == Kind.Json)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
            {
                ["error"] = e.Message, ["code"] = e.Code, ["parameter"] = e.Parameter, ["status"] = e.Status,
            });
            return OwsHttp.WriteBytesAsync(ctx, json, "application/json; charset=utf-8", e.Status);
        }
        var xml = new StringBuilder()
            .Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .Append("<ows:ExceptionReport xmlns:ows=\"http://www.opengis.net/ows/2.0\" version=\"2.0.0\" xml:lang=\"en\">\n")
            .Append("  <ows:Exception exceptionCode=\"").Append(e.Code).Append('"');
        if (e.Parameter is not null) xml.Append(" locator=\"").Append(System.Security.SecurityElement.Escape(e.Parameter)).Append('"');
        xml.Append(">\n    <ows:ExceptionText>").Append(System.Security.SecurityElement.Escape(e.Message)).Append("</ows:ExceptionText>\n")
            .Append("  </ows:Exception>\n</ows:ExceptionReport>\n");
        return OwsHttp.WriteBytesAsync(ctx, Encoding.UTF8.GetBytes(xml.ToString()), "application/xml; charset=utf-8", e.Status);
    }
}

/// <summary>Reads the OSDD facts from the catalog (paging through at most <see cref="OpenSearchOptions.OptionsScanLimit"/>
/// products) and keeps them for <see cref="OpenSearchOptions.OptionsCacheSeconds"/>.</summary>
public sealed class OpenSearchFactsProvider(ICatalog catalog, IOptions<OpenSearchOptions> options, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, OpenSearchFacts Facts)> _cache = new(StringComparer.Ordinal);

    public async Task<OpenSearchFacts> GetAsync(string? collection, CancellationToken ct)
    {
        var o = options.Value;
        var key = collection ?? "";
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(key, out var hit) && now - hit.At < TimeSpan.FromSeconds(o.OptionsCacheSeconds)) return hit.Facts;

        var collections = await catalog.GetCollectionsAsync(ct);
        var scope = collection is null ? collections : collections.Where(c => c.Identifier == collection).ToList();
        var begin = scope.Where(c => c.BeginTime is not null).Select(c => c.BeginTime!.Value).DefaultIfEmpty().Min();
        var end = scope.Where(c => c.EndTime is not null).Select(c => c.EndTime!.Value).DefaultIfEmpty().Max();
        var hasTime = scope.Any(c => c.BeginTime is not null && c.EndTime is not null);

        var values = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var ranges = new Dictionary<string, (double Min, double Max)>(StringComparer.Ordinal);
        const int pageSize = 1000;
        for (var offset = 0; offset < o.OptionsScanLimit; offset += pageSize)
        {
            var page = await catalog.SearchAsync(new ProductQuery { Collection = collection, Limit = Math.Min(pageSize, o.OptionsScanLimit - offset), Offset = offset }, ct);
            foreach (var p in page)
            foreach (var e in OpenSearchRequest.EoParameters)
            {
                if (e.Read(p) is not { } v) continue;
                if (e.Numeric && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                    ranges[e.Name] = ranges.TryGetValue(e.Name, out var r) ? (Math.Min(r.Min, d), Math.Max(r.Max, d)) : (d, d);
                else if (!e.Numeric)
                {
                    if (!values.TryGetValue(e.Name, out var set)) values[e.Name] = set = new SortedSet<string>(StringComparer.Ordinal);
                    if (set.Count < 200) set.Add(v);
                }
            }
            if (page.Count < pageSize) break;
        }
        var facts = new OpenSearchFacts(
            values.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.ToList(), StringComparer.Ordinal),
            ranges,
            hasTime ? begin : null, hasTime ? end : null,
            collection is null ? collections.Select(c => c.Identifier).OrderBy(s => s, StringComparer.Ordinal).ToList() : null);
        _cache[key] = (now, facts);
        return facts;
    }
}
