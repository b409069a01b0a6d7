using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Prism.Catalog;

namespace Prism.Gateway.Stac;

/// <summary>
/// Computes a collection's spatial extent (union of the footprints' boxes) and summaries (platforms, instruments,
/// product types) through the catalog's query layer, page by page, and keeps the result while the collection's
/// product count and time range are unchanged (at most <see cref="StacOptions.CollectionCacheSeconds"/>).
/// </summary>
public sealed class StacCollectionSummaries(ICatalog catalog, IOptions<StacOptions> options, TimeProvider? time = null)
{
    private const int PageSize = 1000;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, (CollectionRecord Record, DateTimeOffset At, CollectionSummary Summary)> _cache = new(StringComparer.Ordinal);

    public async Task<CollectionSummary> GetAsync(CollectionRecord record, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(record.Identifier, out var cached) && cached.Record == record
            && now - cached.At < TimeSpan.FromSeconds(options.Value.CollectionCacheSeconds))
            return cached.Summary;

        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        var platforms = new SortedSet<string>(StringComparer.Ordinal);
        var instruments = new SortedSet<string>(StringComparer.Ordinal);
        var types = new SortedSet<string>(StringComparer.Ordinal);
        for (var offset = 0; ; offset += PageSize)
        {
            var page = await catalog.SearchAsync(new ProductQuery { Collection = record.Identifier, Limit = PageSize, Offset = offset }, ct);
            foreach (var p in page)
            {
                if (Footprint.TryParse(p.FootprintWkt, out var footprint))
                {
                    var box = footprint!.Box;
                    minX = Math.Min(minX, box.MinX); minY = Math.Min(minY, box.MinY);
                    maxX = Math.Max(maxX, box.MaxX); maxY = Math.Max(maxY, box.MaxY);
                }
                if (!string.IsNullOrEmpty(p.Platform)) platforms.Add(p.Platform);
                if (!string.IsNullOrEmpty(p.Instrument)) instruments.Add(p.Instrument);
                if (!string.IsNullOrEmpty(p.ProductType)) types.Add(p.ProductType);
            }
            if (page.Count < PageSize) break;
        }
        var summary = new CollectionSummary(double.IsFinite(minX) ? [minX, minY, maxX, maxY] : null,
            platforms.ToList(), instruments.ToList(), types.ToList());
        _cache[record.Identifier] = (record, now, summary);
        return summary;
    }
}
