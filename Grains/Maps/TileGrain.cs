using Microsoft.Extensions.Logging;
using Prism.Ingestion;
using Prism.Storage;

namespace Prism.Maps;

/// <inheritdoc cref="ITileGrain"/>
/// <remarks>
/// <para>Lookup order: activation memory → object store (<c>tiles/{key}</c>) → render once on the GDAL work pool,
/// store, keep. Memory is bounded twice: idle activations are collected after 5 minutes
/// (<see cref="CollectionAgeLimitAttribute"/>), and the silo-wide <see cref="TileMemory"/>
/// (<c>Prism:Maps:MemoryCacheBytes</c>/<c>MemoryCacheEntries</c>) decides whether an activation may keep its bytes at
/// all; a tile that does not fit is answered from the store each time. A kept tile is published in
/// <see cref="TileMemory"/> for the activation's lifetime, where a co-hosted gateway reads it without a grain call.</para>
/// <para><b>Granularity: one 256-px tile per grain for serving; 4×4 metatile groups for seeding</b>, chosen by
/// measurement (2 cores). Serving: a single-tile grain keeps invalidation exact (the key's fingerprint covers the
/// products of that tile only, so a registration never invalidates neighbours it does not touch), a miss renders and
/// waits for one tile, and an activation holds one tile's bytes. Seeding (<see cref="IMetatileGrain"/>) renders the
/// missing tiles of a 4×4 block in one pool job with pooled dataset handles and stores them under the keys this grain
/// reads, so no tile-grain activation is needed per seeded tile: synth 10k COG, GoogleMapsCompatible z0–14, 5 414
/// tiles at 8.4 CPU-ms/tile (≈ 207 tiles/s, was 116 tiles/s one tile grain at a time; 7.5 CPU-ms and 273 tiles/s with
/// libdeflate for PNG). Per-tile warp cost ≈ 3.9 CPU-ms
/// with a kept handle, ≈ 17 ms when the COG is reopened per tile, ≈ 2.1 ms inside one 1024² metatile warp — but one
/// warp per metatile does not reproduce the single-tile pixels (GDAL's approximate transformer interpolates along the
/// metatile's rows: up to 5.8 % of pixels, 28 DN, at z14 on the UTM synth raster), so it is an opt-in
/// (<c>Prism:Maps:SeedOneWarp</c>) and by default each tile of a metatile keeps its own warp.</para>
/// </remarks>
[CollectionAgeLimit(Minutes = 5)]
public sealed class TileGrain(
    IObjectStores stores,
    IMapRenderer renderer,
    GdalWorkPool pool,
    TileMemory memory,
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
        var kept = new EncodedImage { Data = image.Data, ContentType = image.ContentType, ETag = image.ETag, Source = "memory" };
        if (memory.TryKeep(this.GetPrimaryKeyString(), kept)) _kept = kept;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_kept is not null) memory.Withdraw(this.GetPrimaryKeyString(), _kept);
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

/// <summary>
/// The tile bytes this silo's tile-grain activations keep in memory, bounded by <c>Prism:Maps:MemoryCacheBytes</c> and
/// <c>MemoryCacheEntries</c>. An entry belongs to one activation: the grain publishes its tile here when it keeps it and
/// withdraws it when it deactivates (idle collection, shutdown), so an entry lives exactly as long as the grain's own
/// memory of it; keys are tile-grain keys, versioned by the products' fingerprint, so an entry never goes stale.
/// <para>A gateway co-hosted with the silo answers a hot tile from here without a grain call (<see cref="Find"/>): on
/// a cache hit the grain call is all the work there is, and it costs two thread-pool hops — measured at concurrency 8 on
/// one core, 31 k req/s and p99 16–35 ms through the grain against 57–67 k req/s and p99 ≈ 2 ms read here (README,
/// Performance). A miss, a tile kept by another silo, or a gateway that is only a client, calls the grain as before.</para>
/// </summary>
public sealed class TileMemory(Microsoft.Extensions.Options.IOptions<MapsOptions> options)
{
    private readonly long _maxBytes = options.Value.MemoryCacheBytes;
    private readonly long _maxEntries = options.Value.MemoryCacheEntries;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<EncodedImage>> _tiles = new(StringComparer.Ordinal);
    private long _bytes;
    private long _entries;

    public long Bytes => Interlocked.Read(ref _bytes);
    public long Entries => Interlocked.Read(ref _entries);

    /// <summary>The kept tile of grain <paramref name="key"/> (a completed task), or null.</summary>
    public Task<EncodedImage>? Find(string key) => _tiles.TryGetValue(key, out var tile) ? tile : null;

    /// <summary>Keeps <paramref name="image"/> for grain <paramref name="key"/> if the budget allows; false when it does not.</summary>
    public bool TryKeep(string key, EncodedImage image)
    {
        // A second keep under the key (the same activation) gives back the first one's share before reserving.
        if (_tiles.TryRemove(key, out var previous)) Release(previous.Result.Data.Length);
        if (!TryReserve(image.Data.Length)) return false;
        if (_tiles.TryAdd(key, Task.FromResult(image))) return true;
        Release(image.Data.Length); // lost a race for the key (one activation per key makes this unreachable)
        return false;
    }

    /// <summary>Withdraws the tile grain <paramref name="key"/> kept (only that image: never a later activation's).</summary>
    public void Withdraw(string key, EncodedImage image)
    {
        if (_tiles.TryGetValue(key, out var kept) && ReferenceEquals(kept.Result, image)
            && _tiles.TryRemove(KeyValuePair.Create(key, kept)))
            Release(image.Data.Length);
    }

    private bool TryReserve(long bytes)
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

    private void Release(long bytes)
    {
        Interlocked.Add(ref _bytes, -bytes);
        Interlocked.Decrement(ref _entries);
    }
}
