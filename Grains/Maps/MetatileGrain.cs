using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Prism.Ingestion;
using Prism.Storage;

namespace Prism.Maps;

/// <inheritdoc cref="IMetatileGrain"/>
/// <remarks>
/// The missing tiles are grouped by what they draw (sources with their versions, style, format, CRS). With
/// <see cref="MapsOptions.SeedOneWarp"/> each group is warped once over the bounding block of its tiles (the tiles of
/// a seed metatile usually share one product set, so one warp) and cut with <see cref="IMapRenderer.RenderMetatile"/>;
/// otherwise (default) each tile of the group is warped on its own in one work-pool job, giving exactly the pixels
/// of a single-tile render. Either way each tile is stored under <see cref="TileKeys.StoreKey"/> of its own key — the
/// key of its own product set, so invalidation stays per tile.
/// Reentrant: a request waiting for the work pool or the store does not hold up the next one; the work pool bounds
/// the CPU.
/// </remarks>
[StatelessWorker, Reentrant]
public sealed class MetatileGrain(
    IObjectStores stores,
    IMapRenderer renderer,
    GdalWorkPool pool,
    IOptions<MapsOptions> options,
    ILogger<MetatileGrain> log) : Grain, IMetatileGrain
{
    private readonly bool _oneWarp = options.Value.SeedOneWarp && renderer.RendersMetatiles;

    public async Task<MetatileResult> SeedAsync(MetatileRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tiles = request.Tiles;
        if (tiles.Count == 0) return new MetatileResult();
        var stored = await Task.WhenAll(tiles.Select(t => IsStoredAsync(TileKeys.StoreKey(t.Key))));
        var missing = tiles.Where((_, i) => !stored[i]).ToList();
        int rendered = 0, failed = 0, warps = 0;
        string? error = null;
        foreach (var group in missing.GroupBy(t => DrawKey(t.Spec), StringComparer.Ordinal))
        {
            var list = group.ToList();
            var (c0, r0) = (list.Min(t => t.Col), list.Min(t => t.Row));
            var (columns, rows) = (list.Max(t => t.Col) - c0 + 1, list.Max(t => t.Row) - r0 + 1);
            var first = list[0].Spec;
            var metatile = first with
            {
                Extent = [list.Min(t => t.Spec.Extent[0]), list.Min(t => t.Spec.Extent[1]), list.Max(t => t.Spec.Extent[2]), list.Max(t => t.Spec.Extent[3])],
                Width = first.Width * columns,
                Height = first.Height * rows,
            };
            var wanted = new bool[columns * rows];
            foreach (var t in list) wanted[(t.Row - r0) * columns + t.Col - c0] = true;
            EncodedImage?[] images;
            try
            {
                if (_oneWarp)
                {
                    warps++;
                    images = await pool.RunAsync(() => renderer.RenderMetatile(metatile, columns, rows, wanted, CancellationToken.None));
                }
                else
                {
                    // Exact: every tile warped on its own (the pixels of a single-tile render), in one work-pool job.
                    warps += list.Count;
                    images = await pool.RunAsync(() =>
                    {
                        var cut = new EncodedImage?[columns * rows];
                        foreach (var t in list) cut[(t.Row - r0) * columns + t.Col - c0] = renderer.Render(t.Spec, CancellationToken.None);
                        return cut;
                    });
                }
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Metatile of {Count} tile(s) from {First} failed", list.Count, list[0].Key);
                failed += list.Count;
                error = $"{list[0].Key}: {e.Message}";
                continue;
            }
            var puts = await Task.WhenAll(list.Select(async t =>
            {
                var image = images[(t.Row - r0) * columns + t.Col - c0]!;
                try
                {
                    await stores.Output.PutAsync(TileKeys.StoreKey(t.Key), new MemoryStream(image.Data, writable: false), image.ContentType);
                    return null;
                }
                catch (Exception e)
                {
                    log.LogWarning(e, "Could not store tile {Key}", t.Key);
                    return $"{t.Key}: {e.Message}";
                }
            }));
            foreach (var p in puts)
            {
                if (p is null) rendered++;
                else { failed++; error = p; }
            }
        }
        return new MetatileResult { Rendered = rendered, Cached = tiles.Count - missing.Count, Failed = failed, Error = error, Warps = warps };
    }

    private async Task<bool> IsStoredAsync(string storeKey)
    {
        try
        {
            return await stores.Output.StatAsync(storeKey) is { Length: > 0 };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Could not look up cached tile {Key}; rendering it", storeKey);
            return false;
        }
    }

    /// <summary>What a tile draws apart from its extent: tiles with equal keys can share one warp.</summary>
    private static string DrawKey(RenderSpec s) => string.Join('\n',
        [
            s.Crs, s.Width.ToString(CultureInfo.InvariantCulture), s.Height.ToString(CultureInfo.InvariantCulture),
            s.Format.ToString(), s.Transparent ? "t" : "o", s.Background.ToString(CultureInfo.InvariantCulture),
            System.Text.Json.JsonSerializer.Serialize(s.Style),
            .. s.Sources.Select(x => x.CacheKey),
        ]);
}
