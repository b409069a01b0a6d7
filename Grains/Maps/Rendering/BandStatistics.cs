using Prism.Gdal;

namespace Prism.Maps.Rendering;

/// <summary>
/// The automatic value range of a raster's bands: the 2nd and 98th percentiles of the valid pixels (no-data and NaN
/// excluded) of the coarsest overview (the full image when it has none). Computed once per path and kept in a small
/// bounded LRU cache (a COG at a path is immutable in this project: a re-ingested product gets a new path or the
/// cache entry is <see cref="Invalidate"/>d). Thread-safe.
/// </summary>
public static class BandStatistics
{
    public const double LowPercentile = 0.02;
    public const double HighPercentile = 0.98;
    public const int Capacity = 512;

    private static readonly Lock Gate = new();
    private static readonly LinkedList<(string Path, double[][] Ranges)> Order = new();
    private static readonly Dictionary<string, LinkedListNode<(string Path, double[][] Ranges)>> Entries = new(StringComparer.Ordinal);

    /// <summary>Per band (index 0 = band 1) the [low, high] range; an open dataset of <paramref name="path"/> avoids a second open.</summary>
    public static double[][] PercentileRanges(string path, GdalDataset? open = null)
    {
        lock (Gate)
        {
            if (Entries.TryGetValue(path, out var node))
            {
                Order.Remove(node);
                Order.AddFirst(node);
                return node.Value.Ranges;
            }
        }
        // Computed outside the lock: two threads may compute the same entry once each; the result is identical.
        double[][] ranges;
        if (open is not null) ranges = Compute(open);
        else
        {
            using var ds = GdalDataset.Open(path);
            ranges = Compute(ds);
        }
        lock (Gate)
        {
            if (!Entries.ContainsKey(path))
            {
                Entries[path] = Order.AddFirst((path, ranges));
                while (Entries.Count > Capacity)
                {
                    var last = Order.Last!;
                    Order.RemoveLast();
                    Entries.Remove(last.Value.Path);
                }
            }
        }
        return ranges;
    }

    /// <summary>Forgets the cached ranges of <paramref name="path"/>.</summary>
    public static void Invalidate(string path)
    {
        lock (Gate)
        {
            if (Entries.Remove(path, out var node)) Order.Remove(node);
        }
    }

    private static double[][] Compute(GdalDataset ds)
    {
        var result = new double[ds.BandCount][];
        for (var b = 1; b <= ds.BandCount; b++)
        {
            var band = ds.GetBand(b);
            var (w, h) = band.OverviewCount > 0 ? band.OverviewSize(band.OverviewCount - 1) : (ds.Width, ds.Height);
            // Guard against rasters without overviews: never read more than ~1 Mpixel for statistics.
            var shrink = Math.Max(1.0, Math.Sqrt((double)w * h / (1024.0 * 1024.0)));
            w = Math.Max(1, (int)(w / shrink));
            h = Math.Max(1, (int)(h / shrink));
            var values = new double[w * h];
            band.Read<double>(0, 0, ds.Width, ds.Height, values, w, h);
            var nodata = band.NoDataValue;
            var n = 0;
            foreach (var v in values)
                if (!double.IsNaN(v) && !(nodata is { } nd && v == nd)) values[n++] = v;
            if (n == 0) { result[b - 1] = [0, 255]; continue; }
            var valid = values.AsSpan(0, n);
            valid.Sort();
            var low = valid[(int)Math.Floor(LowPercentile * (n - 1))];
            var high = valid[(int)Math.Ceiling(HighPercentile * (n - 1))];
            if (!(high > low)) high = low + 1;
            result[b - 1] = [low, high];
        }
        return result;
    }
}
