using System.Globalization;
using System.Text;
using Prism.Catalog;

namespace Prism.Gateway.OpenSearch;

/// <summary>A link of a feed or an entry.</summary>
public sealed record OpenSearchLink(string Rel, string Href, string? Type = null, string? Title = null);

/// <summary>URLs of the OpenSearch resources and of the services a product is seen through (WMS, WMTS, WCS).</summary>
public sealed class OpenSearchLinks(string baseUrl)
{
    public string BaseUrl { get; } = baseUrl.TrimEnd('/');

    public static string Escape(string s) => Uri.EscapeDataString(s);

    /// <summary>UTC ISO 8601 with the fraction only as long as needed (none for whole seconds).</summary>
    public static string Iso(DateTimeOffset t)
    {
        Span<char> buffer = stackalloc char[28];
        return new string(buffer[..WriteIso(buffer, t.UtcDateTime)]);
    }

    /// <summary>Writes <see cref="Iso"/> of a UTC time into <paramref name="span"/> (≥ 28 chars); returns the length.
    /// The sortable pattern (fast-pathed by the runtime), the fraction's digits without trailing zeros, 'Z'.</summary>
    private static int WriteIso(Span<char> span, DateTime utc)
    {
        utc.TryFormat(span, out var n, "s", CultureInfo.InvariantCulture);
        var fraction = (int)(utc.Ticks % TimeSpan.TicksPerSecond);
        if (fraction != 0)
        {
            span[n++] = '.';
            var digits = 7;
            while (fraction % 10 == 0) { fraction /= 10; digits--; }
            for (var i = digits - 1; i >= 0; i--)
            {
                span[n + i] = (char)('0' + fraction % 10);
                fraction /= 10;
            }
            n += digits;
        }
        span[n++] = 'Z';
        return n;
    }

    /// <summary><c>Escape($"{Iso(begin)}/{Iso(end)}")</c> without the intermediate strings (':' → %3A, '/' → %2F;
    /// nothing else in an ISO time needs escaping).</summary>
    private static string EscapedInterval(DateTimeOffset begin, DateTimeOffset end)
    {
        Span<char> raw = stackalloc char[60];
        var n = WriteIso(raw, begin.UtcDateTime);
        raw[n++] = '/';
        n += WriteIso(raw[n..], end.UtcDateTime);
        Span<char> escaped = stackalloc char[180];
        var m = 0;
        foreach (var c in raw[..n])
        {
            if (c is ':' or '/')
            {
                escaped[m++] = '%';
                escaped[m++] = c == ':' ? '3' : '2';
                escaped[m++] = c == ':' ? 'A' : 'F';
            }
            else escaped[m++] = c;
        }
        return new string(escaped[..m]);
    }


    public string RootDescription => $"{BaseUrl}/opensearch/";
    public string CollectionDescription(string collection) => $"{BaseUrl}/opensearch/collections/{Escape(collection)}/";

    /// <summary>The search path of a format: collections (collection null) or one collection's products.</summary>
    public string SearchPath(string? collection, string format) => collection is null
        ? $"{BaseUrl}/opensearch/{format}/"
        : $"{BaseUrl}/opensearch/collections/{Escape(collection)}/{format}/";

    public string Metadata(string collection, string identifier) =>
        $"{BaseUrl}/opensearch/collections/{Escape(collection)}/metadata/{Escape(identifier)}";

    /// <summary>The search URL with the given parameters and a different startIndex.</summary>
    public string Page(string? collection, string format, IReadOnlyDictionary<string, string> given, int startIndex, int count)
    {
        var sb = new StringBuilder(SearchPath(collection, format)).Append('?');
        foreach (var (k, v) in given.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (k is "startIndex" or "startPage" or "count") continue;
            sb.Append(Escape(k)).Append('=').Append(Escape(v)).Append('&');
        }
        sb.Append("count=").Append(count).Append("&startIndex=").Append(startIndex);
        return sb.ToString();
    }

    /// <summary>self, first, previous, next, last (rel values of OpenSearch/Atom paging).</summary>
    public IReadOnlyList<OpenSearchLink> Paging(string? collection, string format, string type, OpenSearchRequest request, long total)
    {
        var count = request.Count;
        var links = new List<OpenSearchLink>
        {
            new("self", Page(collection, format, request.Given, request.StartIndex, count), type),
            new("search", collection is null ? RootDescription : CollectionDescription(collection), OpenSearchEndpoints.DescriptionType),
        };
        if (count <= 0) return links;
        links.Add(new("first", Page(collection, format, request.Given, 1, count), type));
        if (request.StartIndex > 1)
            links.Add(new("previous", Page(collection, format, request.Given, Math.Max(1, request.StartIndex - count), count), type));
        if (request.StartIndex - 1L + count < total)
            links.Add(new("next", Page(collection, format, request.Given, request.StartIndex + count, count), type));
        var last = total <= 0 ? 1 : (int)Math.Min(int.MaxValue, (total - 1) / count * count + 1);
        links.Add(new("last", Page(collection, format, request.Given, last, count), type));
        return links;
    }

    /// <summary>Links of a product entry: itself, metadata, WMS, WMTS and WCS.</summary>
    public IReadOnlyList<OpenSearchLink> Product(ProductRecord p, string collection, GeoShape? footprint)
    {
        var c = ForCollection(collection);
        var id = Escape(p.Identifier);
        var time = EscapedInterval(p.BeginTime, p.EndTime);
        var links = new List<OpenSearchLink>(7 + p.Coverages.Count)
        {
            new("alternate", c.AtomEntry + id, OpenSearchEndpoints.AtomType, "Atom entry"),
            new("alternate", c.JsonEntry + id, OpenSearchEndpoints.GeoJsonType, "GeoJSON feature"),
        };
        if (!string.IsNullOrEmpty(p.RawMetadata))
            links.Add(new("via", c.Metadata + id, p.RawMetadata.AsSpan().TrimStart().StartsWith('{') ? "application/json" : "application/xml", "Product metadata"));

        links.Add(WmsCapabilities);
        if (footprint is not null)
        {
            var (w, s, e, n) = footprint.Box();
            if (e - w < 1e-9) { w -= 0.01; e += 0.01; }
            if (n - s < 1e-9) { s -= 0.01; n += 0.01; }
            const int size = 512;
            var aspect = (e - w) / (n - s);
            var width = aspect >= 1 ? size : Math.Max(1, (int)Math.Round(size * aspect));
            var height = aspect >= 1 ? Math.Max(1, (int)Math.Round(size / aspect)) : size;
            links.Add(new("icon",
                // Doubles formatted straight into the URL (shortest round-trip, the same text as "R").
                string.Create(CultureInfo.InvariantCulture, $"{c.WmsGetMap}{s},{w},{n},{e}&width={width}&height={height}&format=image/png&transparent=true&time={time}"),
                "image/png", "WMS GetMap"));
            var col = (w + e) / 2 < 0 ? 0 : 1;
            links.Add(new("related", $"{c.WmtsGetTile}{col}&format=image/png&time={time}", "image/png", "WMTS GetTile"));
        }
        links.Add(WmtsCapabilities);
        foreach (var coverage in p.Coverages)
            links.Add(new("related", $"{BaseUrl}/ows?service=WCS&version=2.0.1&request=DescribeCoverage&coverageid={Escape(coverage.Identifier)}",
                "application/xml", $"WCS DescribeCoverage {coverage.Identifier}"));
        return links;
    }

    private OpenSearchLink WmsCapabilities => _wmsCapabilities ??=
        new("related", $"{BaseUrl}/ows?service=WMS&version=1.3.0&request=GetCapabilities", "application/xml", "WMS GetCapabilities");
    private OpenSearchLink WmtsCapabilities => _wmtsCapabilities ??=
        new("related", $"{BaseUrl}/ows?service=WMTS&version=1.0.0&request=GetCapabilities", "application/xml", "WMTS GetCapabilities");
    private OpenSearchLink? _wmsCapabilities;
    private OpenSearchLink? _wmtsCapabilities;

    /// <summary>The per-collection URL prefixes of product links, built once per response (not once per product).</summary>
    private sealed record CollectionPrefixes(string Collection, string AtomEntry, string JsonEntry, string Metadata, string WmsGetMap, string WmtsGetTile);
    private CollectionPrefixes? _prefixes;

    private CollectionPrefixes ForCollection(string collection)
    {
        if (_prefixes is { } known && string.Equals(known.Collection, collection, StringComparison.Ordinal)) return known;
        var layer = Escape(collection);
        return _prefixes = new CollectionPrefixes(
            collection,
            $"{SearchPath(collection, "atom")}?uid=",
            $"{SearchPath(collection, "json")}?uid=",
            $"{BaseUrl}/opensearch/collections/{layer}/metadata/",
            $"{BaseUrl}/ows?service=WMS&version=1.3.0&request=GetMap&layers={layer}&styles=&crs=EPSG:4326&bbox=",
            $"{BaseUrl}/ows?service=WMTS&version=1.0.0&request=GetTile&layer={layer}&style=default&tilematrixset=WGS84&tilematrix=0&tilerow=0&tilecol=");
    }

    /// <summary>Links of a collection entry: its description and its searches.</summary>
    public IReadOnlyList<OpenSearchLink> Collection(string collection) =>
    [
        new("search", CollectionDescription(collection), OpenSearchEndpoints.DescriptionType, "OpenSearch description"),
        new("alternate", SearchPath(collection, "atom"), OpenSearchEndpoints.AtomType, "Products (Atom)"),
        new("alternate", SearchPath(collection, "json"), OpenSearchEndpoints.GeoJsonType, "Products (GeoJSON)"),
        new("related", $"{BaseUrl}/ows?service=WMS&version=1.3.0&request=GetCapabilities", "application/xml", "WMS GetCapabilities"),
        new("related", $"{BaseUrl}/ows?service=WMTS&version=1.0.0&request=GetCapabilities", "application/xml", "WMTS GetCapabilities"),
    ];
}
