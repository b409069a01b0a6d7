using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Prism.Catalog;

namespace Prism.Maps;

/// <summary>A product as map services use it: the catalog record with its parsed footprint.</summary>
public sealed class MapProduct(ProductRecord record)
{
    public ProductRecord Record { get; } = record;
    public Footprint Footprint { get; } = Footprint.Parse(record.FootprintWkt);
    public string Identifier => Record.Identifier;
    public bool HasCoverage => Record.Coverages.Count > 0;
}

/// <summary>One collection with its products (by begin time, then identifier) and styles (default first).</summary>
public sealed class MapCollection
{
    public required string Identifier { get; init; }
    public required IReadOnlyList<MapProduct> Products { get; init; }
    public required IReadOnlyList<StyleDefinition> Styles { get; init; }
    public StyleDefinition DefaultStyle => Styles[0];

    public StyleDefinition? FindStyle(string name) =>
        Styles.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The products to draw for <paramref name="time"/> over <paramref name="box"/> (lon/lat), bottom first: ordered by
    /// begin time, then identifier, so the latest product is drawn last (on top). Products without a coverage
    /// (metadata only) are left out unless <paramref name="withoutCoverage"/>.
    /// </summary>
    public IReadOnlyList<MapProduct> Resolve(TimeRange time, GeoBox box, bool withoutCoverage = false) =>
        Products.Where(p => (withoutCoverage || p.HasCoverage) && time.Intersects(p.Record.BeginTime, p.Record.EndTime)
                            && p.Footprint.Intersects(box))
            .OrderBy(p => p.Record.BeginTime).ThenBy(p => p.Identifier, StringComparer.Ordinal).ToList();

    /// <summary>Default time: the latest product's interval (begin, then identifier).</summary>
    public TimeRange? DefaultTime => Products.Count == 0 ? null
        : Products.MaxBy(p => (p.Record.BeginTime, p.Identifier), TupleComparer) is { } latest
            ? new TimeRange(latest.Record.BeginTime, latest.Record.EndTime) : null;

    private static readonly Comparer<(DateTimeOffset, string)> TupleComparer = Comparer<(DateTimeOffset, string)>.Create(
        (a, b) => a.Item1 != b.Item1 ? a.Item1.CompareTo(b.Item1) : string.CompareOrdinal(a.Item2, b.Item2));
}

/// <summary>A layer: a collection drawn in one style (or offering several), or its outlines.</summary>
public sealed class MapLayer
{
    public required LayerDescription Description { get; init; }
    public required MapCollection Collection { get; init; }
    public string Name => Description.Name;
    public bool IsOutlines => Description.IsOutlines;

    /// <summary>The style to draw for a requested STYLE (empty/"default" = the layer's default); null when not offered.</summary>
    public StyleDefinition? ResolveStyle(string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested) || string.Equals(requested, "default", StringComparison.OrdinalIgnoreCase))
            return Description.Styles[0];
        return Description.Styles.FirstOrDefault(s => string.Equals(s.Name, requested.Trim(), StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>The layer tree and product snapshot at one moment.</summary>
public sealed class MapSnapshot
{
    public required DateTime LoadedAt { get; init; }
    public required IReadOnlyList<MapLayer> Layers { get; init; }
    public required IReadOnlyDictionary<string, MapCollection> Collections { get; init; }
    private IReadOnlyDictionary<string, MapLayer>? _byName;

    public MapLayer? FindLayer(string name)
    {
        _byName ??= Layers.ToDictionary(l => l.Name, StringComparer.Ordinal);
        return _byName.GetValueOrDefault(name);
    }
}

/// <summary>
/// Builds the layers from the catalog: per collection <c>{collection}</c> (default style), <c>{collection}__{STYLE}</c>
/// per style and <c>{collection}__outlines</c>; the WGS84 box is the union of the footprints (antimeridian parts
/// included), time values are the products' <c>begin/end</c>, the default the latest. The snapshot (layers and the
/// products with parsed footprints) is reused for <see cref="MapsOptions.LayerCacheTime"/>, so capabilities and
/// tiles do not query the catalog per request; one load runs at a time.
/// </summary>
public sealed class LayerCatalog(ICatalog catalog, IOptions<MapsOptions> options)
{
    public const string OutlinesSuffix = "__outlines";
    private const int Page = 1000;
    private readonly MapsOptions _options = options.Value;
    private readonly SemaphoreSlim _loading = new(1, 1);
    /// <summary>The loaded snapshot as a completed task, so the request path hands it out without allocating.</summary>
    private volatile Task<MapSnapshot>? _current;
    private int _refreshing;

    /// <summary>
    /// The current snapshot. One older than the cache time is returned as it is while one reload runs in the
    /// background (the request path never waits for the catalog), unless it is older than twice the cache time (or
    /// the cache time is zero, or <paramref name="fresh"/>): then the caller waits for a reload.
    /// </summary>
    public Task<MapSnapshot> GetAsync(bool fresh = false, CancellationToken ct = default)
    {
        var current = _current;
        if (!fresh && current is not null && DateTime.UtcNow - current.Result.LoadedAt < _options.LayerCacheTime) return current;
        return GetSlowAsync(fresh, ct);
    }

    private async Task<MapSnapshot> GetSlowAsync(bool fresh, CancellationToken ct)
    {
        var current = _current?.Result;
        var age = current is null ? TimeSpan.MaxValue : DateTime.UtcNow - current.LoadedAt;
        var cacheTime = _options.LayerCacheTime;
        if (!fresh && current is not null && age < cacheTime) return current;
        if (!fresh && current is not null && cacheTime > TimeSpan.Zero && age < 2 * cacheTime)
        {
            if (Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
                _ = Task.Run(async () =>
                {
                    try { await ReloadAsync(DateTime.UtcNow, CancellationToken.None).ConfigureAwait(false); }
                    catch (Exception) { /* the next request past twice the cache time reloads and reports */ }
                    finally { Volatile.Write(ref _refreshing, 0); }
                }, CancellationToken.None);
            return current;
        }
        return await ReloadAsync(DateTime.UtcNow, ct).ConfigureAwait(false);
    }

    private async Task<MapSnapshot> ReloadAsync(DateTime asked, CancellationToken ct)
    {
        await _loading.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var current = _current?.Result;
            // Someone else loaded while we waited: theirs started after our request, so it is fresh enough.
            if (current is not null && current.LoadedAt >= asked) return current;
            var loaded = await LoadAsync(ct).ConfigureAwait(false);
            _current = Task.FromResult(loaded);
            return loaded;
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>Forgets the snapshot (the next call reloads).</summary>
    public void Invalidate() => _current = null;

    private async Task<MapSnapshot> LoadAsync(CancellationToken ct)
    {
        var loadedAt = DateTime.UtcNow;
        var styles = _options.AllStyles();
        var collections = new Dictionary<string, MapCollection>(StringComparer.Ordinal);
        var layers = new List<MapLayer>();
        foreach (var c in await catalog.GetCollectionsAsync(ct).ConfigureAwait(false))
        {
            var products = new List<MapProduct>();
            for (var offset = 0; ; offset += Page)
            {
                var page = await catalog.SearchAsync(new ProductQuery { Collection = c.Identifier, Limit = Page, Offset = offset }, ct)
                    .ConfigureAwait(false);
                await PoolThread.EnsureAsync(); // parsing the page is long work: not on a socket thread
                foreach (var p in page)
                {
                    try { products.Add(new MapProduct(p)); }
                    catch (FormatException) { /* a footprint the catalog accepted but we cannot parse: not drawable */ }
                }
                if (page.Count < Page) break;
            }
            var collection = new MapCollection
            {
                Identifier = c.Identifier,
                Products = products,
                Styles = StylesOf(c.Identifier, products, styles),
            };
            collections[c.Identifier] = collection;
            layers.AddRange(LayersOf(collection));
        }
        return new MapSnapshot { LoadedAt = loadedAt, Layers = layers, Collections = collections };
    }

    private IReadOnlyList<StyleDefinition> StylesOf(string collection, List<MapProduct> products,
        IReadOnlyDictionary<string, StyleDefinition> styles)
    {
        if (_options.Collections.TryGetValue(collection, out var configured) && (configured.Styles.Count > 0 || configured.DefaultStyle is not null))
        {
            var names = new List<string>();
            if (configured.DefaultStyle is { Length: > 0 } d) names.Add(d);
            names.AddRange(configured.Styles.Where(s => !names.Contains(s, StringComparer.OrdinalIgnoreCase)));
            return names.Select(n => styles[n]).ToList();
        }
        var bands = products.SelectMany(p => p.Record.Coverages).Select(c => c.Bands.Count).DefaultIfEmpty(3).Max();
        return bands >= 3 ? [styles["TRUE_COLOR"], styles["GREY"]] : [styles["GREY"], styles["VIRIDIS"]];
    }

    private static IEnumerable<MapLayer> LayersOf(MapCollection c)
    {
        var bbox = UnionBox(c.Products);
        var times = c.Products.OrderBy(p => p.Record.BeginTime).ThenBy(p => p.Identifier, StringComparer.Ordinal)
            .Select(p => TimeRange.Interval(p.Record.BeginTime, p.Record.EndTime)).Distinct().ToList();
        var defaultTime = c.DefaultTime is { } t ? TimeRange.Interval(t.Start, t.End) : null;
        LayerDescription Describe(string name, string title, IReadOnlyList<StyleDefinition> styles, bool outlines) => new()
        {
            Name = name, Title = title, Collection = c.Identifier, Styles = styles, IsOutlines = outlines,
            Wgs84BoundingBox = bbox, TimeValues = times, DefaultTime = defaultTime,
        };
        yield return new MapLayer { Collection = c, Description = Describe(c.Identifier, c.Identifier, c.Styles, false) };
        foreach (var s in c.Styles)
            yield return new MapLayer { Collection = c, Description = Describe($"{c.Identifier}__{s.Name}", $"{c.Identifier} ({s.Title ?? s.Name})", [s], false) };
        yield return new MapLayer
        {
            Collection = c,
            Description = Describe(c.Identifier + OutlinesSuffix, $"{c.Identifier} (outlines)",
                [new StyleDefinition { Name = "default", Title = "Footprint outlines", Bands = [] }], true),
        };
    }

    /// <summary>west, south, east, north of all footprint parts (the whole world when there are none).</summary>
    public static double[] UnionBox(IEnumerable<MapProduct> products)
    {
        var boxes = products.SelectMany(p => p.Footprint.PartBoxes).ToList();
        if (boxes.Count == 0) return [-180, -90, 180, 90];
        return [boxes.Min(b => b.MinX), boxes.Min(b => b.MinY), boxes.Max(b => b.MaxX), boxes.Max(b => b.MaxY)];
    }
}

/// <summary>Short hashes that version cached tiles by the products drawn in them.</summary>
public static class TileFingerprint
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<StyleDefinition, string> StyleText = new();

    /// <summary>
    /// 16 hex digits of SHA-256 over the style definition and, in drawing order, each product's identifier,
    /// update time and coverage locations. Same products (and style) ⇒ same fingerprint, whatever TIME selected
    /// them; a re-registered product (new update time) or a changed set ⇒ a new one.
    /// </summary>
    public static string Of(IReadOnlyList<MapProduct> products, StyleDefinition style)
    {
        var text = new StringBuilder();
        text.Append(StyleText.GetValue(style, s => JsonSerializer.Serialize(s))).Append('\n');
        foreach (var p in products)
        {
            text.Append(p.Identifier).Append('\t')
                .Append(p.Record.UpdatedAt?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-");
            foreach (var c in p.Record.Coverages) text.Append('\t').Append(c.Location);
            text.Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
