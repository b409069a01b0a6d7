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
            var snapshot = await layers.GetAsync(fresh: true);
            var tiles = Enumerate(snapshot, request, _options, out var error);
            if (error is not null)
            {
                await FinishAsync(SeedJobState.Failed, error);
                return;
            }
            S.Total = tiles.Count;
            var time = new TimeRange(request.Begin, request.End);
            var gate = new SemaphoreSlim(_options.SeedConcurrency);
            while (S.State == SeedJobState.Running && S.Cursor < tiles.Count)
            {
                DelayDeactivation(TimeSpan.FromHours(1));
                var chunk = tiles.Skip((int)S.Cursor).Take(_options.SeedProgressEvery).ToList();
                long done = 0, failed = 0;
                await Task.WhenAll(chunk.Select(async t =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        var plan = planner.Plan(t.Collection, t.Style, t.Tms, t.Z, t.Col, t.Row, time, request.Format);
                        if (plan is not null) await GrainFactory.GetGrain<ITileGrain>(plan.Key).GetAsync(plan.Spec);
                        done++;
                    }
                    catch (Exception e)
                    {
                        failed++;
                        log.LogWarning(e, "Seed job {Id}: tile {Tms}/{Z}/{Col}/{Row} of {Collection} failed", Id, t.Tms.Identifier, t.Z, t.Col, t.Row, t.Collection.Identifier);
                        S.Error = $"{t.Collection.Identifier}/{t.Style.Name}/{t.Tms.Identifier}/{t.Z}/{t.Col}/{t.Row}: {e.Message}";
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
                if (S.State != SeedJobState.Running) return; // cancelled meanwhile
                S.Done += done;
                S.Failed += failed;
                S.Cursor += chunk.Count;
                S.Updated = DateTimeOffset.UtcNow;
                await store.WriteStateAsync();
            }
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
    public static IReadOnlyList<SeedTile> Enumerate(MapSnapshot snapshot, SeedRequest request, MapsOptions options, out string? error)
    {
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
                var set = new SortedSet<(int Row, int Col)>();
                foreach (var p in products)
                foreach (var (col, row) in MapGeometry.TilesOver(tms, z, p.Footprint))
                    set.Add((row, col));
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
