using Microsoft.Extensions.Logging;
using Prism.Ingestion;
using Prism.Storage;

namespace Prism.Maps;

/// <inheritdoc cref="ITileGrain"/>
/// <remarks>
/// <para>Lookup order: activation memory → object store (<c>tiles/{key}</c>) → render once on the GDAL work pool,
/// store, keep. Memory is bounded twice: idle activations are collected after 5 minutes
/// (<see cref="CollectionAgeLimitAttribute"/>), and a silo-wide <see cref="TileMemoryBudget"/>
/// (<c>Prism:Maps:MemoryCacheBytes</c>/<c>MemoryCacheEntries</c>) decides whether an activation may keep its bytes at
/// all; a tile that does not fit is answered from the store each time.</para>
/// <para><b>Granularity: one 256-px tile per grain</b>, chosen by measurement (2 cores, the MERIS sample COG,
/// 3 bands Byte): seeding zooms 0–8 of both matrix sets (1000 tiles) ran at ≈78/104/85 tiles/s with 2/4/8 tiles
/// in flight, with ≈15–18 ms of renderer time per tile on a 2-thread pool — i.e. ≈80 % of the renderer's own
/// ceiling, so grain and store overhead are small. Rendering a 2×2 metatile in one warp and cutting it costs
/// ≈7.0 ms/tile against ≈8.4 ms/tile for four single warps (z8; ≈15–20 % less). That gain does not pay for what a
/// metatile grain costs: 4× the bytes per activation, a miss renders (and waits for) four tiles, and the metatile's
/// fingerprint must cover the products of all four tiles, so a registration would invalidate neighbours it does not
/// touch. Single tiles keep invalidation exact (footprint × time per tile).</para>
/// </remarks>
[CollectionAgeLimit(Minutes = 5)]
public sealed class TileGrain(
    IObjectStores stores,
    IMapRenderer renderer,
    GdalWorkPool pool,
    TileMemoryBudget budget,
    ILogger<TileGrain> log) : Grain, ITileGrain
{
    private EncodedImage? _kept;

    public async Task<EncodedImage> GetAsync(RenderSpec spec)
    {
        if (_kept is not null) return _kept;
        var key = this.GetPrimaryKeyString();
        var storeKey = TileKeys.StoreKey(key);
        var stored = await ReadAsync(storeKey);
        if (stored is not null)
        {
            var image = new EncodedImage { Data = stored, ContentType = ContentTypeOf(key), ETag = EmptyTiles.ETagOf(stored), Source = "store" };
            Keep(image);
            return image;
        }
        var rendered = await pool.RunAsync(() => renderer.Render(spec, CancellationToken.None));
        var data = rendered.Data;
        try
        {
            await stores.Output.PutAsync(storeKey, new MemoryStream(data, writable: false), rendered.ContentType);
        }
        catch (Exception e)
        {
            // The tile is still good; it is just not cached beyond this activation.
            log.LogWarning(e, "Could not store tile {Key}", key);
        }
        var result = new EncodedImage { Data = data, ContentType = rendered.ContentType, ETag = EmptyTiles.ETagOf(data), Source = "rendered" };
        Keep(result);
        return result;
    }

    private void Keep(EncodedImage image)
    {
        if (budget.TryReserve(image.Data.Length))
            _kept = new EncodedImage { Data = image.Data, ContentType = image.ContentType, ETag = image.ETag, Source = "memory" };
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_kept is not null) budget.Release(_kept.Data.Length);
        _kept = null;
        return Task.CompletedTask;
    }

    private async Task<byte[]?> ReadAsync(string storeKey)
    {
        try
        {
            await using var stream = await stores.Output.OpenReadAsync(storeKey);
            if (stream is null) return null;
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            return buffer.Length == 0 ? null : buffer.ToArray();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Could not read cached tile {Key}; rendering it", storeKey);
            return null;
        }
    }

    private static string ContentTypeOf(string key) =>
        key.EndsWith(".jpg", StringComparison.Ordinal) ? "image/jpeg" : "image/png";
}

/// <summary>How many tile bytes and entries the tile grains of this silo keep in memory, at most.</summary>
public sealed class TileMemoryBudget(Microsoft.Extensions.Options.IOptions<MapsOptions> options)
{
    private readonly long _maxBytes = options.Value.MemoryCacheBytes;
    private readonly long _maxEntries = options.Value.MemoryCacheEntries;
    private long _bytes;
    private long _entries;

    public long Bytes => Interlocked.Read(ref _bytes);
    public long Entries => Interlocked.Read(ref _entries);

    public bool TryReserve(long bytes)
    {
        if (Interlocked.Increment(ref _entries) > _maxEntries)
        {
            Interlocked.Decrement(ref _entries);
            return false;
        }
        if (Interlocked.Add(ref _bytes, bytes) > _maxBytes)
        {
            Interlocked.Add(ref _bytes, -bytes);
            Interlocked.Decrement(ref _entries);
            return false;
        }
        return true;
    }

    public void Release(long bytes)
    {
        Interlocked.Add(ref _bytes, -bytes);
        Interlocked.Decrement(ref _entries);
    }
}
