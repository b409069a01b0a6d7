using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Prism.Catalog;

namespace Prism.Gateway.Stac;

/// <summary>An item search decoded from GET parameters or a POST body, already validated.</summary>
public sealed record StacSearch
{
    public IReadOnlyList<double>? Bbox { get; init; }
    public DateTimeOffset? Start { get; init; }
    public DateTimeOffset? End { get; init; }
    /// <summary>The <c>datetime</c> parameter as given (kept for next links).</summary>
    public string? Datetime { get; init; }
    /// <summary>The <c>intersects</c> geometry as GeoJSON (kept for next links) and as WKT for the catalog.</summary>
    public JsonNode? Intersects { get; init; }
    public string? IntersectsWkt { get; init; }
    public IReadOnlyList<string>? Ids { get; init; }
    public IReadOnlyList<string>? Collections { get; init; }
    public int Limit { get; init; }
    public int Offset { get; init; }

    public ProductQuery ToQuery(int limit) => new()
    {
        Bbox = Bbox,
        Start = Start,
        End = End,
        GeometryWkt = IntersectsWkt,
        Identifiers = Ids,
        Collections = Collections,
        Limit = limit,
        Offset = Offset,
    };
}

/// <summary>Decodes and validates the STAC item-search parameters; every refusal is a <see cref="StacException"/>.</summary>
public static partial class StacSearchParser
{
    private const int MaxValueLength = 4096;

    /// <summary>From query parameters (GET /search, GET /collections/{id}/items).</summary>
    public static StacSearch FromQuery(IQueryCollection query, StacOptions options, bool allowCollectionFilters)
    {
        string? One(string name)
        {
            var values = query[name];
            if (values.Count == 0) return null;
            if (values.Count > 1) throw StacException.BadParameter($"'{name}' is given more than once");
            var v = values[0];
            if (v is not null && v.Length > (name == "intersects" ? options.MaxBodyBytes : MaxValueLength))
                throw StacException.BadParameter($"'{name}' is too long");
            return v;
        }

        var bbox = One("bbox") is { } b ? ParseBbox(b.Split(',').Select(s => ParseNumber(s, "bbox")).ToList()) : null;
        JsonNode? intersects = null;
        if (One("intersects") is { } text)
        {
            try { intersects = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 16 }); }
            catch (JsonException e) { throw StacException.BadParameter($"'intersects' is not valid GeoJSON: {e.Message}"); }
        }
        IReadOnlyList<string>? ids = null, collections = null;
        if (allowCollectionFilters)
        {
            ids = One("ids") is { } i ? ParseList(i.Split(','), "ids", options) : null;
            collections = One("collections") is { } c ? ParseList(c.Split(','), "collections", options) : null;
        }
        return Build(bbox, One("datetime"), intersects, ids, collections, One("limit"), One("token"), options);
    }

    /// <summary>From a POST /search JSON body.</summary>
    public static StacSearch FromBody(JsonNode? body, StacOptions options)
    {
        if (body is not JsonObject obj) throw StacException.BadParameter("the search body must be a JSON object");
        IReadOnlyList<double>? bbox = null;
        if (obj["bbox"] is { } b)
        {
            if (b is not JsonArray array) throw StacException.BadParameter("'bbox' must be an array of numbers");
            bbox = ParseBbox(array.Select(n => NumberOf(n, "bbox")).ToList());
        }
        string? datetime = obj["datetime"] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => throw StacException.BadParameter("'datetime' must be a string"),
        };
        string? limit = obj["limit"] switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => throw StacException.BadParameter("'limit' must be an integer"),
        };
        string? token = obj["token"] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
            _ => throw StacException.BadParameter("'token' must be a string"),
        };
        return Build(bbox, datetime, obj["intersects"], StringArray(obj, "ids", options), StringArray(obj, "collections", options),
            limit, token, options);
    }

    private static StacSearch Build(IReadOnlyList<double>? bbox, string? datetime, JsonNode? intersects,
        IReadOnlyList<string>? ids, IReadOnlyList<string>? collections, string? limitText, string? token, StacOptions options)
    {
        if (bbox is not null && intersects is not null)
            throw StacException.BadParameter("'bbox' and 'intersects' cannot be used together");
        var (start, end) = datetime is null ? (null, null) : ParseDatetime(datetime);
        var wkt = intersects is null ? null : GeoJson.ToWkt(intersects, options.MaxVertices);
        return new StacSearch
        {
            Bbox = bbox, Start = start, End = end, Datetime = datetime, Intersects = intersects?.DeepClone(), IntersectsWkt = wkt,
            Ids = ids, Collections = collections,
            Limit = ParseLimit(limitText, options), Offset = ParseToken(token, options),
        };
    }

    public static int ParseLimit(string? text, StacOptions options)
    {
        if (text is null) return options.DefaultLimit;
        if (!long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit > int.MaxValue)
            throw StacException.BadParameter($"'limit' must be an integer between 1 and {options.MaxLimit}");
        if (limit < 1) throw StacException.BadParameter($"'limit' must be an integer between 1 and {options.MaxLimit}");
        // OGC API Features: a limit above the maximum is not an error, it is lowered to the maximum.
        return (int)Math.Min(limit, options.MaxLimit);
    }

    public static int ParseToken(string? text, StacOptions options)
    {
        if (text is null) return 0;
        var t = text.StartsWith("next:", StringComparison.Ordinal) ? text[5..] : text;
        if (!int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) || offset > options.MaxOffset)
            throw StacException.BadParameter("'token' is not a paging token of this server");
        return offset;
    }

    private static double ParseNumber(string text, string name)
    {
        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw StacException.BadParameter($"'{name}' holds '{Short(text)}', which is not a finite number");
        return value;
    }

    private static double NumberOf(JsonNode? node, string name)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) && double.IsFinite(d)) return d;
        throw StacException.BadParameter($"'{name}' must hold finite numbers only");
    }

    /// <summary>4 numbers (west, south, east, north) or 6 (with min/max height, which are ignored). West &gt; east is
    /// a box across the antimeridian (STAC API); south &gt; north is refused.</summary>
    public static IReadOnlyList<double> ParseBbox(IReadOnlyList<double> v)
    {
        double w, s, e, n;
        if (v.Count == 4) (w, s, e, n) = (v[0], v[1], v[2], v[3]);
        else if (v.Count == 6)
        {
            (w, s, e, n) = (v[0], v[1], v[3], v[4]);
            if (v[2] > v[5]) throw StacException.BadParameter("'bbox': the minimum height is above the maximum height");
        }
        else throw StacException.BadParameter("'bbox' needs 4 numbers (west,south,east,north) or 6");
        if (w is < -180 or > 180 || e is < -180 or > 180) throw StacException.BadParameter("'bbox': longitudes must lie in [-180, 180]");
        if (s is < -90 or > 90 || n is < -90 or > 90) throw StacException.BadParameter("'bbox': latitudes must lie in [-90, 90]");
        if (s > n) throw StacException.BadParameter("'bbox': south is greater than north");
        return [w, s, e, n];
    }

    private static IReadOnlyList<string> ParseList(IEnumerable<string> values, string name, StacOptions options)
    {
        var list = new List<string>();
        foreach (var raw in values)
        {
            var v = raw.Trim();
            if (v.Length == 0) continue;
            if (v.Length > 512) throw StacException.BadParameter($"'{name}' holds an entry longer than 512 characters");
            if (v.Any(char.IsControl)) throw StacException.BadParameter($"'{name}' holds a control character");
            list.Add(v);
            if (list.Count > options.MaxListEntries) throw StacException.BadParameter($"'{name}' holds more than {options.MaxListEntries} entries");
        }
        if (list.Count == 0) throw StacException.BadParameter($"'{name}' is empty");
        return list.Distinct(StringComparer.Ordinal).ToList();
    }

    private static IReadOnlyList<string>? StringArray(JsonObject obj, string name, StacOptions options)
    {
        if (obj[name] is not { } node) return null;
        if (node is not JsonArray array) throw StacException.BadParameter($"'{name}' must be an array of strings");
        var values = new List<string>();
        foreach (var item in array)
        {
            if (item is JsonValue v && v.TryGetValue<string>(out var s)) values.Add(s);
            else throw StacException.BadParameter($"'{name}' must be an array of strings");
            if (values.Count > options.MaxListEntries) throw StacException.BadParameter($"'{name}' holds more than {options.MaxListEntries} entries");
        }
        return ParseList(values, name, options);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    /// <summary><c>datetime</c>: an RFC 3339 instant, or an interval <c>a/b</c> with <c>..</c> (or nothing) for an open end.</summary>
    public static (DateTimeOffset? Start, DateTimeOffset? End) ParseDatetime(string text)
    {
        var parts = text.Trim().Split('/');
        if (parts.Length == 1)
        {
            var instant = Instant(parts[0]) ?? throw StacException.BadParameter("'datetime' must be an RFC 3339 date-time or an interval");
            return (instant, instant);
        }
        if (parts.Length != 2) throw StacException.BadParameter("'datetime' must be an RFC 3339 date-time or an interval a/b");
        var start = Instant(parts[0]);
        var end = Instant(parts[1]);
        if (start is null && end is null) throw StacException.BadParameter("'datetime': both ends of the interval are open");
        if (start > end) throw StacException.BadParameter("'datetime': the interval's start is after its end");
        return (start, end);
    }

    private static DateTimeOffset? Instant(string raw)
    {
        var s = raw.Trim();
        if (s is "" or "..") return null;
        if (s.Length > 40 || !Rfc3339().IsMatch(s))
            throw StacException.BadParameter($"'datetime': '{Short(s)}' is not an RFC 3339 date-time (e.g. 2006-08-16T09:09:29Z)");
        // .NET keeps 7 fractional digits; RFC 3339 allows more.
        var m = FractionTooLong().Match(s);
        if (m.Success) s = s[..(m.Index + 8)] + s[(m.Index + m.Length)..];
        if (!DateTimeOffset.TryParse(s.Replace('t', 'T').Replace('z', 'Z'), CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
            throw StacException.BadParameter($"'datetime': '{Short(s)}' is not a valid date-time");
        return value.ToUniversalTime();
    }

    [GeneratedRegex(@"\.\d{8,9}", RegexOptions.CultureInvariant)]
    private static partial Regex FractionTooLong();

    private static string Short(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
