using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Prism.Maps;

namespace Prism.Gateway.Maps;

/// <summary>
/// <see cref="IMapBackend"/> over the cluster: layers and time come from the <see cref="LayerCatalog"/> snapshot (no
/// catalog query per tile), tiles from <see cref="ITileGrain"/>s (cached), maps from the <see cref="IMapRenderGrain"/>
/// (on the fly). A tile over which no product of the resolved time lies is an empty tile without any grain call.
/// <para>With a co-hosted silo, <paramref name="memory"/> is its <see cref="TileMemory"/>: a tile whose grain keeps
/// it in memory is answered from there without a grain call (the entry is the grain's, withdrawn when it deactivates).
/// Without one (a client-only gateway, or tests of the grain path) every tile goes through its grain.</para>
/// </summary>
public sealed class MapBackend(IGrainFactory grains, LayerCatalog layers, TilePlanner planner, IOptions<MapsOptions> options,
    TileMemory? memory = null) : IMapBackend
{
    private readonly MapsOptions _options = options.Value;

    public async Task<IReadOnlyList<LayerDescription>> GetLayersAsync(CancellationToken ct = default) =>
        (await layers.GetAsync(ct: ct)).Layers.Select(l => l.Description).ToList();

    /// <summary>Most tile requests the plan cache remembers per snapshot; when full it starts over.</summary>
    public const int PlanCacheCapacity = 50_000;

    private volatile TilePlans? _plans;

    public Task<EncodedImage> GetTileAsync(TileQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var snapshot = layers.GetAsync(ct: ct);
        // The hot path (a cached snapshot and a request seen before): one dictionary lookup, then the tile grain.
        if (snapshot.IsCompletedSuccessfully && _plans is { } plans && ReferenceEquals(plans.Snapshot, snapshot.Result)
            && plans.Entries.TryGetValue(query, out var planned))
            return planned.GetAsync();
        return GetTileSlowAsync(query, snapshot);
    }

    /// <summary>
    /// Resolves the request against the snapshot (layer, style, tile matrix, TIME, products over the tile) and keeps
    /// the outcome — the empty tile, or the tile grain and its spec — for later requests against the same snapshot:
    /// everything it reads (layers, styles, products, default time) is fixed per snapshot. Errors and outlines tiles
    /// (drawn on the fly) are not kept.
    /// </summary>
    private async Task<EncodedImage> GetTileSlowAsync(TileQuery query, Task<MapSnapshot> snapshotTask)
    {
        var snapshot = await snapshotTask;
        var layer = FindLayer(snapshot, query.Layer);
        var style = ResolveStyle(layer, query.Style);
        var tms = TileMatrixSet.Find(query.TileMatrixSet ?? "")
                  ?? throw new MapRequestException("InvalidParameterValue", $"unknown TileMatrixSet '{Short(query.TileMatrixSet)}'", "tilematrixset");
        if (query.Zoom < 0 || query.Zoom > tms.MaxZoom)
            throw new MapRequestException("InvalidParameterValue", $"TileMatrix {query.Zoom} is not in {tms.Identifier} (0–{tms.MaxZoom})", "tilematrix");
        if (query.Row < 0 || query.Row >= tms.MatrixHeight(query.Zoom))
            throw new MapRequestException("TileOutOfRange", $"TileRow {query.Row} is outside 0–{tms.MatrixHeight(query.Zoom) - 1}", "tilerow");
        if (query.Col < 0 || query.Col >= tms.MatrixWidth(query.Zoom))
            throw new MapRequestException("TileOutOfRange", $"TileCol {query.Col} is outside 0–{tms.MatrixWidth(query.Zoom) - 1}", "tilecol");
        var time = ResolveTime(layer.Collection, query.Time);
        PlannedTile planned;
        if (time is null) planned = PlannedTile.Empty(EmptyTiles.Get(query.Format, tms.TileSize));
        else if (layer.IsOutlines)
        {
            var products = layer.Collection.Resolve(time.Value, MapGeometry.TileWgs84(tms, query.Zoom, query.Col, query.Row), withoutCoverage: true);
            if (products.Count == 0) return EmptyTiles.Get(query.Format, tms.TileSize);
            var (x0, y0, x1, y1) = tms.TileBounds(query.Zoom, query.Col, query.Row);
            return await grains.GetGrain<IMapRenderGrain>(0).RenderAsync(new MapRenderRequest
            {
                Parts = [Outlines(products)], Crs = tms.Crs, Extent = [x0, y0, x1, y1], Width = tms.TileSize, Height = tms.TileSize,
                Format = query.Format, Transparent = query.Format == ImageFormat.Png,
            });
        }
        else
        {
            var plan = planner.Plan(layer.Collection, style, tms, query.Zoom, query.Col, query.Row, time.Value, query.Format);
            planned = plan is null
                ? PlannedTile.Empty(EmptyTiles.Get(query.Format, tms.TileSize))
                : new PlannedTile(plan.Key, grains.GetGrain<ITileGrain>(plan.Key), plan.Spec, memory);
        }
        Remember(snapshot, query, planned);
        return await planned.GetAsync();
    }

    private void Remember(MapSnapshot snapshot, TileQuery query, PlannedTile planned)
    {
        while (true)
        {
            var plans = _plans;
            if (plans is not null && ReferenceEquals(plans.Snapshot, snapshot) && Volatile.Read(ref plans.Count) < PlanCacheCapacity)
            {
                if (plans.Entries.TryAdd(query, planned)) Interlocked.Increment(ref plans.Count);
                return;
            }
            // Plans of an older snapshot than the kept one are not kept (a request that raced a reload).
            if (plans is not null && !ReferenceEquals(plans.Snapshot, snapshot) && plans.Snapshot.LoadedAt > snapshot.LoadedAt) return;
            // A new snapshot (products registered, replaced or removed) drops every plan made from the old one; a
            // full cache starts over.
            Interlocked.CompareExchange(ref _plans, new TilePlans(snapshot), plans);
        }
    }

    /// <summary>How many tile plans are kept, all made from <see cref="PlanSnapshot"/> (diagnostics, tests).</summary>
    public int PlanCount => _plans?.Count ?? 0;

    /// <summary>The layer snapshot the kept tile plans were made from (null before the first tile).</summary>
    public MapSnapshot? PlanSnapshot => _plans?.Snapshot;

    /// <summary>The tile plans made from one snapshot.</summary>
    private sealed class TilePlans(MapSnapshot snapshot)
    {
        public readonly MapSnapshot Snapshot = snapshot;
        public readonly ConcurrentDictionary<TileQuery, PlannedTile> Entries = new();
        public int Count;
    }

    /// <summary>What a tile request resolves to: the empty tile, or the tile grain (reference kept), its key and spec.</summary>
    private sealed class PlannedTile
    {
        private readonly string? _key;
        private readonly ITileGrain? _grain;
        private readonly RenderSpec? _spec;
        private readonly TileMemory? _memory;
        private readonly Task<EncodedImage>? _empty;

        public PlannedTile(string key, ITileGrain grain, RenderSpec spec, TileMemory? memory)
        {
            _key = key; _grain = grain; _spec = spec; _memory = memory;
        }

        private PlannedTile(EncodedImage empty) => _empty = Task.FromResult(empty);

        public static PlannedTile Empty(EncodedImage image) => new(image);

        /// <summary>The empty tile; else the bytes the tile's grain keeps in this silo's memory; else the grain call.</summary>
        public Task<EncodedImage> GetAsync() => _empty ?? _memory?.Find(_key!) ?? _grain!.GetAsync(_spec!);
    }

    public async Task<EncodedImage> GetMapAsync(MapQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var max = _options.MaxMapSize;
        if (query.Width < 1 || query.Width > max)
            throw new MapRequestException("InvalidParameterValue", $"WIDTH must be 1–{max}", "width");
        if (query.Height < 1 || query.Height > max)
            throw new MapRequestException("InvalidParameterValue", $"HEIGHT must be 1–{max}", "height");
        var epsg = MapGeometry.Epsg(query.Crs ?? "")
                   ?? throw new MapRequestException("InvalidCRS", $"CRS '{Short(query.Crs)}' is not offered (EPSG:4326, EPSG:3857, CRS:84)", "crs");
        if (query.Bbox is not { Length: 4 } b || b.Any(v => !double.IsFinite(v)) || b[0] >= b[2] || b[1] >= b[3])
            throw new MapRequestException("InvalidParameterValue", "BBOX must be minx,miny,maxx,maxy with min < max", "bbox");
        if (query.Layers.Count == 0) throw new MapRequestException("LayerNotDefined", "LAYERS is empty", "layers");
        if (query.Styles.Count > 0 && query.Styles.Count != query.Layers.Count && !(query.Styles.Count == 1 && query.Styles[0].Length == 0))
            throw new MapRequestException("StyleNotDefined", "STYLES must name one style per layer (or be empty)", "styles");

        var snapshot = await layers.GetAsync(ct: ct);
        var box = MapGeometry.ToWgs84(epsg, b[0], b[1], b[2], b[3]);
        var parts = new List<MapPart>();
        for (var i = 0; i < query.Layers.Count; i++)
        {
            var layer = FindLayer(snapshot, query.Layers[i]);
            var style = ResolveStyle(layer, i < query.Styles.Count ? query.Styles[i] : null);
            var time = ResolveTime(layer.Collection, query.Time);
            if (time is null) continue;
            var products = layer.Collection.Resolve(time.Value, box, withoutCoverage: layer.IsOutlines);
            if (products.Count == 0) continue;
            parts.Add(layer.IsOutlines
                ? Outlines(products)
                : new MapPart
                {
                    Raster = new RenderSpec
                    {
                        Crs = $"EPSG:{epsg}", Extent = b, Width = query.Width, Height = query.Height,
                        Sources = planner.Sources(products), Style = style, Format = query.Format,
                        Transparent = query.Transparent, Background = query.Background,
                    },
                });
        }
        return await grains.GetGrain<IMapRenderGrain>(0).RenderAsync(new MapRenderRequest
        {
            Parts = parts, Crs = $"EPSG:{epsg}", Extent = [.. b], Width = query.Width, Height = query.Height,
            Format = query.Format, Transparent = query.Transparent, Background = query.Background,
        });
    }

    private MapPart Outlines(IReadOnlyList<MapProduct> products) =>
        new() { Outlines = products.Select(p => p.Record.FootprintWkt).ToList(), OutlineColor = _options.OutlineRgba };

    private static MapLayer FindLayer(MapSnapshot snapshot, string? name) =>
        snapshot.FindLayer(name?.Trim() ?? "") ?? throw new MapRequestException("LayerNotDefined", $"no layer '{Short(name)}'", "layer");

    private static StyleDefinition ResolveStyle(MapLayer layer, string? style) =>
        layer.ResolveStyle(style) ?? throw new MapRequestException("StyleNotDefined", $"layer '{layer.Name}' has no style '{Short(style)}'", "style");

    /// <summary>TIME (instant or interval), or the layer's default (the latest product's interval); null when the layer has no products.</summary>
    private static TimeRange? ResolveTime(MapCollection collection, string? time) =>
        string.IsNullOrWhiteSpace(time) || time.Trim().Equals("default", StringComparison.OrdinalIgnoreCase)
                                        || time.Trim().Equals("current", StringComparison.OrdinalIgnoreCase)
            ? collection.DefaultTime
            : TimeRange.Parse(time);

    private static string Short(string? s) => s is null ? "" : s.Length > 80 ? s[..80] + "…" : s;
}
