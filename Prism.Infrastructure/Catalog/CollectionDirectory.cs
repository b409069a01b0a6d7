namespace Prism.Catalog;

/// <summary>
/// The catalog's collection list (with counts and time extents), cached: the list aggregates every product
/// (≈0.06–0.1 s at 100 000 products on PostGIS), so request paths that only need to know whether a collection exists,
/// or list collections, must not compute it per request.
/// <list type="bullet">
/// <item>Within <see cref="Ttl"/> the cached list is answered as is.</item>
/// <item>After it, the stale list is still answered while one background refresh runs (no request waits for the
/// aggregate once the first list is there).</item>
/// <item><see cref="FindAsync"/> of a collection that is not in the list refreshes at once (waiting for it) when the
/// list is older than <see cref="MissRefreshInterval"/>, so a new collection is found right after its first product
/// is registered, while a stream of requests for unknown names costs at most one aggregate per interval.</item>
/// </list>
/// One refresh runs at a time.
/// </summary>
public sealed class CollectionDirectory(ICatalog catalog)
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Snapshot? _cached;
    private int _backgroundRefresh;

    public TimeSpan Ttl { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan MissRefreshInterval { get; init; } = TimeSpan.FromSeconds(1);

    private sealed record Snapshot(DateTime At, IReadOnlyList<CollectionRecord> List);

    public async Task<IReadOnlyList<CollectionRecord>> GetAsync(CancellationToken ct = default)
    {
        var cached = _cached;
        if (cached is null) return (await RefreshAsync(Ttl, ct)).List;
        if (DateTime.UtcNow - cached.At >= Ttl) RefreshInBackground();
        return cached.List;
    }

    public async Task<CollectionRecord?> FindAsync(string identifier, CancellationToken ct = default)
    {
        var found = Find(await GetAsync(ct), identifier);
        if (found is not null || DateTime.UtcNow - _cached!.At < MissRefreshInterval) return found;
        return Find((await RefreshAsync(MissRefreshInterval, ct)).List, identifier);
    }

    private static CollectionRecord? Find(IReadOnlyList<CollectionRecord> list, string identifier) =>
        list.FirstOrDefault(c => string.Equals(c.Identifier, identifier, StringComparison.Ordinal));

    /// <summary>Reads the list unless the one there is younger than <paramref name="maxAge"/> (another caller's
    /// refresh finished meanwhile).</summary>
    private async Task<Snapshot> RefreshAsync(TimeSpan maxAge, CancellationToken ct)
    {
        await _refresh.WaitAsync(ct);
        try
        {
            if (_cached is { } again && DateTime.UtcNow - again.At < maxAge) return again;
            var list = await catalog.GetCollectionsAsync(ct);
            var snapshot = new Snapshot(DateTime.UtcNow, list);
            _cached = snapshot;
            return snapshot;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private void RefreshInBackground()
    {
        if (Interlocked.Exchange(ref _backgroundRefresh, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await RefreshAsync(Ttl, CancellationToken.None);
            }
            catch
            {
                // The stale list stays; the next request after the TTL tries again.
            }
            finally
            {
                Volatile.Write(ref _backgroundRefresh, 0);
            }
        });
    }
}
