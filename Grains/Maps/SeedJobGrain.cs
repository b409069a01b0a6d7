using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prism.Queues;

namespace Prism.Maps;

/// <summary>Persisted state of a seed job (<c>seedjob</c>).</summary>
public sealed class SeedJobRecord
{
    public SeedRequest? Request { get; set; }
    public SeedJobState State { get; set; }
    public long Total { get; set; }
    public long Done { get; set; }
    public long Failed { get; set; }
    /// <summary>Tiles of the (deterministic) enumeration already handled; a resumed job continues here.</summary>
    public long Cursor { get; set; }
    /// <summary>Metatile size n the job enumerates and renders with (n×n tiles per warp; 0 in jobs persisted before
    /// metatiles = 1, tile by tile). Fixed when the job starts, so a resumed job enumerates in the same order.</summary>
    public int Metatile { get; set; }
    public DateTimeOffset? Created { get; set; }
    public DateTimeOffset? Updated { get; set; }
    public DateTimeOffset? Finished { get; set; }
    public string? Error { get; set; }
}

/// <summary>One tile a seed job asks for.</summary>
public readonly record struct SeedTile(MapCollection Collection, StyleDefinition Style, TileMatrixSet Tms, int Z, int Col, int Row);

/// <inheritdoc cref="ISeedJobGrain"/>
public sealed class SeedJobGrain(
    [PersistentState("seedjob", "products")] IPersistentState<SeedJobRecord> store,
    LayerCatalog layers,
    TilePlanner planner,
    IMapRenderer renderer,
    IQueueBroker broker,
    IOptions<QueueNames> queueNames,
    IOptions<MapsOptions> mapsOptions,
    ILogger<SeedJobGrain> log) : Grain, ISeedJobGrain
{
    private readonly QueueNames _names = queueNames.Value;
    private readonly MapsOptions _options = mapsOptions.Value;
    private Task? _work;
    private SeedJobRecord S => store.State;
    private string Id => this.GetPrimaryKeyString();
    private bool Busy => _work is { IsCompleted: false };

    public async Task<SeedJobStatus> StartAsync(SeedRequest request)
    {
        if (!SeedJobs.IsValidId(Id)) throw new ArgumentException($"invalid seed job id '{Id}'");
        ArgumentNullException.ThrowIfNull(request);
        if (request.End < request.Begin) throw new ArgumentException("the seed interval ends before it begins");
        if (S.State != SeedJobState.None)
        {
            if (S.State == SeedJobState.Running) StartWork();
            return Status();
        }
        var now = DateTimeOffset.UtcNow;
        S.Request = request;
        S.Metatile = renderer.RendersMetatiles ? _options.SeedMetatile : 1;
        S.State = SeedJobState.Running;
        S.Created = S.Updated = now;
        // In seeding_set first: a crash from here on leaves the job visible to the reconciler.
        await broker.SetAddAsync(_names.Seeding, Id);
        await store.WriteStateAsync();
        StartWork();
        return Status();
    }

    public Task<SeedJobStatus> GetStatusAsync() => Task.FromResult(Status());

    public Task<SeedJobStatus> ResumeAsync()
    {
        if (S.State == SeedJobState.Running && !Busy)
        {
            log.LogInformation("Resuming seed job {Id} at tile {Cursor} of {Total}", Id, S.Cursor, S.Total);
            StartWork();
        }
        return Task.FromResult(Status());
    }

    public async Task<SeedJobStatus> CancelAsync()
    {
        if (S.State != SeedJobState.Running) return Status();
        await FinishAsync(SeedJobState.Cancelled, "cancelled");
        return Status();
    }

    private void StartWork()
    {
        if (Busy) return;
        DelayDeactivation(TimeSpan.FromHours(1));
        _work = RunAsync();
    }

    private async Task RunAsync()
    {
        try
        {
            var request = S.Request!;
            var metatile = Math.Max(1, S.Metatile);
            var snapshot = await layers.GetAsync(fresh: true);
            var tiles = Enumerate(snapshot, request, _options, metatile, out var error);
            if (error is not null)
            {
                await FinishAsync(SeedJobState.Failed, error);
                return;
            }
            S.Total = tiles.Count;
            var time = new TimeRange(request.Begin, request.End);
            // Groups (one metatile each, or one tile) run with bounded concurrency; progress is persisted for the
            // completed prefix of the enumeration only, so a resumed job continues exactly after it.
            var gate = new SemaphoreSlim(_options.SeedConcurrency);
            var pending = new Queue<(int Count, Task<(long Done, long Failed)> Work)>();
            long doneAcc = 0, failedAcc = 0, tilesAcc = 0;
            var next = (int)Math.Min(S.Cursor, tiles.Count);

            async Task<bool> CollectAsync(bool all)
            {
                while (pending.Count > 0 && (all || pending.Peek().Work.IsCompleted))
                {
                    var (count, work) = pending.Dequeue();
                    var (d, f) = await work;
                    doneAcc += d;
                    failedAcc += f;
                    tilesAcc += count;
                }
                if (S.State != SeedJobState.Running) return false; // cancelled meanwhile
                if (tilesAcc > 0 && (tilesAcc >= _options.SeedProgressEvery || (all && pending.Count == 0)))
                {
                    S.Done += doneAcc;
                    S.Failed += failedAcc;
                    S.Cursor += tilesAcc;
                    S.Updated = DateTimeOffset.UtcNow;
                    doneAcc = failedAcc = tilesAcc = 0;
                    await store.WriteStateAsync();
                }
                return true;
            }

            while (S.State == SeedJobState.Running && next < tiles.Count)
            {
                DelayDeactivation(TimeSpan.FromHours(1));
                var end = next + 1;
                while (end < tiles.Count && SameMetatile(tiles[next], tiles[end], metatile)) end++;
                var group = new List<SeedTile>(end - next);
                for (var i = next; i < end; i++) group.Add(tiles[i]);
                next = end;
                await gate.WaitAsync();
                pending.Enqueue((group.Count, SeedGroupAsync(group, time, request.Format, metatile > 1, gate)));
                if (!await CollectAsync(all: false)) break;
            }
            if (!await CollectAsync(all: true)) return;
            if (S.State == SeedJobState.Running)
                await FinishAsync(SeedJobState.Completed, S.Failed > 0 ? $"{S.Failed} tile(s) failed; last: {S.Error}" : null);
        }
        catch (Exception e)
        {
            log.LogError(e, "Seed job {Id} failed", Id);
            try { await FinishAsync(SeedJobState.Failed, e.Message); }
            catch (Exception inner) { log.LogError(inner, "Seed job {Id}: could not record the failure; the reconciler retries", Id); }
        }
    }

    private static bool SameMetatile(SeedTile a, SeedTile b, int n) =>
        n > 1 && a.Z == b.Z && a.Col / n == b.Col / n && a.Row / n == b.Row / n &&
        ReferenceEquals(a.Tms, b.Tms) && ReferenceEquals(a.Collection, b.Collection) && ReferenceEquals(a.Style, b.Style);

    /// <summary>
    /// Seeds one group: a metatile through <see cref="IMetatileGrain"/> (one warp, tiles stored under the tile grains'
    /// keys), or tile by tile through the tile grains (metatile size 1, a renderer without metatiles, or when the
    /// metatile call itself fails). Tiles without a product count as done, as they need no tile.
    /// </summary>
    private async Task<(long Done, long Failed)> SeedGroupAsync(List<SeedTile> group, TimeRange time, ImageFormat format, bool metatile, SemaphoreSlim gate)
    {
        try
        {
            if (metatile)
            {
                long done = 0;
                var plans = new List<MetatileTile>(group.Count);
                try
                {
                    foreach (var t in group)
                    {
                        var plan = planner.Plan(t.Collection, t.Style, t.Tms, t.Z, t.Col, t.Row, time, format);
                        if (plan is null) done++;
                        else plans.Add(new MetatileTile(plan.Key, plan.Spec, t.Col, t.Row));
                    }
                    if (plans.Count == 0) return (done, 0);
                    var result = await GrainFactory.GetGrain<IMetatileGrain>(0).SeedAsync(new MetatileRequest { Tiles = plans });
                    if (result.Error is not null) S.Error = result.Error;
                    return (done + result.Rendered + result.Cached, result.Failed);
                }
                catch (Exception e)
                {
                    var t = group[0];
                    log.LogWarning(e, "Seed job {Id}: metatile at {Tms}/{Z}/{Col}/{Row} of {Collection} failed; seeding its tiles one by one",
                        Id, t.Tms.Identifier, t.Z, t.Col, t.Row, t.Collection.Identifier);
                }
            }
            long d = 0, f = 0;
            foreach (var t in group)
            {
                try
                {
                    var plan = planner.Plan(t.Collection, t.Style, t.Tms, t.Z, t.Col, t.Row, time, format);
                    if (plan is not null) await GrainFactory.GetGrain<ITileGrain>(plan.Key).GetAsync(plan.Spec);
                    d++;
                }
                catch (Exception e)
                {
                    f++;
                    log.LogWarning(e, "Seed job {Id}: tile {Tms}/{Z}/{Col}/{Row} of {Collection} failed", Id, t.Tms.Identifier, t.Z, t.Col, t.Row, t.Collection.Identifier);
                    S.Error = $"{t.Collection.Identifier}/{t.Style.Name}/{t.Tms.Identifier}/{t.Z}/{t.Col}/{t.Row}: {e.Message}";
                }
            }
            return (d, f);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task FinishAsync(SeedJobState state, string? reason)
    {
        S.State = state;
        S.Error = reason ?? S.Error;
        S.Finished = S.Updated = DateTimeOffset.UtcNow;
        var failed = state != SeedJobState.Completed || S.Failed > 0;
        var set = failed ? _names.SeedFailure : _names.SeedSuccess;
        if (failed) await broker.SetReasonAsync(set, Id, reason ?? state.ToString());
        await broker.SetAddAsync(set, Id);
        await broker.SetRemoveAsync(_names.Seeding, Id);
        await store.WriteStateAsync();
        log.LogInformation("Seed job {Id} {State}: {Done} done, {Failed} failed of {Total}", Id, state, S.Done, S.Failed, S.Total);
    }

    /// <summary>
    /// The tiles of a request in a fixed order: per collection (ordinal), per style (the layer's, or all of the
    /// collection's), per tile matrix set (WGS84, GoogleMapsCompatible), per zoom, the tiles intersecting the
    /// footprint of any product (with a coverage) whose time intersects [Begin, End], by row then column.
    /// </summary>
    public static IReadOnlyList<SeedTile> Enumerate(MapSnapshot snapshot, SeedRequest request, MapsOptions options, out string? error) =>
        Enumerate(snapshot, request, options, 1, out error);

    /// <summary>
    /// <see cref="Enumerate(MapSnapshot, SeedRequest, MapsOptions, out string?)"/> with the tiles of each zoom grouped
    /// by metatiles of <paramref name="metatile"/>×<paramref name="metatile"/> (aligned on multiples of it: metatile
    /// row, metatile column, then row and column inside), so each metatile's tiles are contiguous. 1 = by row then column.
    /// </summary>
    public static IReadOnlyList<SeedTile> Enumerate(MapSnapshot snapshot, SeedRequest request, MapsOptions options, int metatile, out string? error)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(metatile, 1);
        error = null;
        var units = new List<(MapCollection Collection, StyleDefinition Style)>();
        if (request.Layer is { Length: > 0 } layerName)
        {
            var layer = snapshot.FindLayer(layerName);
            if (layer is null) { error = $"no layer '{layerName}'"; return []; }
            if (request.Collection is { Length: > 0 } c && c != layer.Collection.Identifier)
            {
                error = $"layer '{layerName}' is not in collection '{c}'";
                return [];
            }
            if (!layer.IsOutlines) units.Add((layer.Collection, layer.Description.Styles[0]));
        }
        else
        {
            IEnumerable<MapCollection> collections = snapshot.Collections.Values.OrderBy(c => c.Identifier, StringComparer.Ordinal);
            if (request.Collection is { Length: > 0 } name)
            {
                if (!snapshot.Collections.TryGetValue(name, out var one)) { error = $"no collection '{name}'"; return []; }
                collections = [one];
            }
            foreach (var c in collections)
            foreach (var s in options.SeedAllStyles ? c.Styles : c.Styles.Take(1))
                units.Add((c, s));
        }
        var zooms = new List<(TileMatrixSet Tms, int Min, int Max)>();
        foreach (var tms in TileMatrixSet.All)
        {
            if (request.Zooms is { Count: > 0 } requested)
            {
                var entry = requested.FirstOrDefault(kv => string.Equals(kv.Key, tms.Identifier, StringComparison.OrdinalIgnoreCase));
                if (entry.Value is null) continue;
                if (entry.Value is not { Length: 1 or 2 } || entry.Value.Any(z => z < 0 || z > tms.MaxZoom) || entry.Value[0] > entry.Value[^1])
                {
                    error = $"zooms of {tms.Identifier} must be [min, max] within 0–{tms.MaxZoom}";
                    return [];
                }
                zooms.Add((tms, entry.Value[0], entry.Value[^1]));
            }
            else
            {
                zooms.Add((tms, 0, options.SeedMaxZoom(tms)));
            }
        }
        if (request.Zooms is { Count: > 0 } && zooms.Count == 0)
        {
            error = "zooms name no known tile matrix set (WGS84, GoogleMapsCompatible)";
            return [];
        }
        var time = new TimeRange(request.Begin, request.End);
        var tiles = new List<SeedTile>();
        foreach (var (collection, style) in units)
        {
            var products = collection.Products.Where(p => p.HasCoverage && time.Intersects(p.Record.BeginTime, p.Record.EndTime)).ToList();
            if (products.Count == 0) continue;
            foreach (var (tms, min, max) in zooms)
            for (var z = min; z <= max; z++)
            {
                var set = new SortedSet<(int MetaRow, int MetaCol, int Row, int Col)>();
                foreach (var p in products)
                foreach (var (col, row) in MapGeometry.TilesOver(tms, z, p.Footprint))
                    set.Add((row / metatile, col / metatile, row, col));
                tiles.AddRange(set.Select(t => new SeedTile(collection, style, tms, z, t.Col, t.Row)));
            }
        }
        return tiles;
    }

    private SeedJobStatus Status() => new()
    {
        Id = Id,
        State = S.State,
        Request = S.Request,
        Total = S.Total,
        Done = S.Done,
        Failed = S.Failed,
        Created = S.Created,
        Updated = S.Updated,
        Finished = S.Finished,
        Error = S.Error,
    };
}
