namespace Prism.Gdal;

/// <summary>
/// Open read-only datasets kept for reuse, so that rendering does not open (and re-read the header and overview
/// directory of) a COG for every tile — and, more important, keeps GDAL's block cache warm: cached blocks belong to
/// a dataset handle and are dropped when it is closed, so a handle per tile decompresses the same blocks again and
/// again. A handle is <b>leased to one caller at a time</b> (never shared between threads); returning the lease makes
/// it idle again. At most <see cref="MaxIdle"/> idle handles are kept (least recently used closed first); handles in
/// use are bounded by the callers (the GDAL work pool). A handle is identified by its cache key (path plus a version,
/// e.g. <c>RenderSource.CacheKey</c>): leasing a path under a new key closes the idle handles of its older keys.
/// Thread-safe. <see cref="MaxIdle"/> 0 opens and closes a dataset per lease (no pooling).
/// </summary>
public sealed class GdalDatasetPool : IDisposable
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Idle> _lru = new(); // most recently returned first; short (MaxIdle), scanned linearly
    private readonly Dictionary<string, string> _keyOfPath = new(StringComparer.Ordinal);
    private long _opened;
    private long _reused;
    private bool _disposed;

    public GdalDatasetPool(int maxIdle)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxIdle);
        MaxIdle = maxIdle;
    }

    /// <summary>Idle handles kept at most.</summary>
    public int MaxIdle { get; }

    /// <summary>Idle handles now.</summary>
    public int IdleCount { get { lock (_gate) return _lru.Count; } }

    /// <summary>Datasets opened so far (leases not served from an idle handle).</summary>
    public long Opened => Interlocked.Read(ref _opened);

    /// <summary>Leases served from an idle handle so far.</summary>
    public long Reused => Interlocked.Read(ref _reused);

    /// <summary>
    /// A dataset of <paramref name="path"/> for the caller alone until the lease is disposed. <paramref name="cacheKey"/>
    /// (default: the path) names the version of the file; opening errors are those of <see cref="GdalDataset.Open"/>.
    /// </summary>
    public Lease Rent(string path, string? cacheKey = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var key = cacheKey ?? path;
        List<GdalDataset>? stale = null;
        GdalDataset? idle = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_keyOfPath.TryGetValue(path, out var current) && current != key)
                stale = Remove(n => n.Value.Key == current);
            _keyOfPath[path] = key;
            for (var node = _lru.First; node is not null; node = node.Next)
            {
                if (node.Value.Key != key) continue;
                _lru.Remove(node);
                idle = node.Value.Dataset;
                break;
            }
        }
        CloseAll(stale);
        if (idle is not null)
        {
            Interlocked.Increment(ref _reused);
            return new Lease(this, idle, path, key);
        }
        var dataset = GdalDataset.Open(path);
        Interlocked.Increment(ref _opened);
        return new Lease(this, dataset, path, key);
    }

    /// <summary>Closes every idle handle.</summary>
    public void Clear()
    {
        List<GdalDataset>? all;
        lock (_gate)
        {
            all = Remove(_ => true);
            _keyOfPath.Clear();
        }
        CloseAll(all);
    }

    public void Dispose()
    {
        lock (_gate) _disposed = true;
        Clear();
    }

    private void Return(GdalDataset dataset, string path, string key, bool reusable)
    {
        GdalDataset? close = dataset;
        lock (_gate)
        {
            // A handle of an outdated version (the path was leased under a newer key meanwhile) is not kept.
            var current = _keyOfPath.TryGetValue(path, out var k) && k == key;
            if (reusable && !_disposed && MaxIdle > 0 && current)
            {
                _lru.AddFirst(new Idle(key, dataset));
                close = null;
                if (_lru.Count > MaxIdle)
                {
                    close = _lru.Last!.Value.Dataset;
                    _lru.RemoveLast();
                }
            }
        }
        close?.Dispose();
    }

    private List<GdalDataset>? Remove(Func<LinkedListNode<Idle>, bool> which)
    {
        List<GdalDataset>? removed = null;
        for (var node = _lru.First; node is not null;)
        {
            var next = node.Next;
            if (which(node))
            {
                _lru.Remove(node);
                (removed ??= []).Add(node.Value.Dataset);
            }
            node = next;
        }
        return removed;
    }

    private static void CloseAll(List<GdalDataset>? datasets)
    {
        if (datasets is null) return;
        foreach (var d in datasets) d.Dispose();
    }

    private readonly record struct Idle(string Key, GdalDataset Dataset);

    /// <summary>A leased dataset; dispose it to give it back (or to close it after <see cref="Discard"/>).</summary>
    public sealed class Lease : IDisposable
    {
        private readonly GdalDatasetPool _pool;
        private readonly string _path;
        private readonly string _key;
        private bool _discard;
        private int _returned;

        internal Lease(GdalDatasetPool pool, GdalDataset dataset, string path, string key)
        {
            _pool = pool;
            Dataset = dataset;
            _path = path;
            _key = key;
        }

        public GdalDataset Dataset { get; }

        /// <summary>Closes the dataset instead of keeping it (call after an error that may have left it in a bad state).</summary>
        public void Discard() => _discard = true;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 1) return;
            _pool.Return(Dataset, _path, _key, !_discard);
        }
    }
}
