namespace Prism.Maps;

/// <summary>
/// One seeding job: fills the tile cache for the products of an interval.
/// <para>Key: the job id (<see cref="SeedJobs.NewId"/>: <c>seed-yyyyMMddTHHmmss-xxxxxxxx</c>). State is persisted
/// (<c>seedjob</c>): the request, the tiles done/failed/total and a cursor; progress is written every few tiles.
/// The job enumerates, per layer (collection × style) and per tile matrix set, the tiles over the footprints of the
/// products whose time intersects [Begin, End] for the configured zooms, and asks each tile grain for the tile with
/// TIME = <c>Begin/End</c>, with bounded concurrency. Running jobs are listed in <c>seeding_set</c>; a job whose silo
/// died is resumed from its cursor by <see cref="ResumeAsync"/> (the gateway's seed reconciler calls it). Finished
/// jobs move to <c>seed-success_set</c> or <c>seed-failure_set</c> (with a reason).</para>
/// </summary>
public interface ISeedJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job (returns at once; the work runs in the background). Starting a running job again is a no-op.</summary>
    Task<SeedJobStatus> StartAsync(SeedRequest request);

    Task<SeedJobStatus> GetStatusAsync();

    /// <summary>Continues a Running job whose work is not active here (after a silo restart); no-op otherwise.</summary>
    Task<SeedJobStatus> ResumeAsync();

    /// <summary>Stops a running job (state Cancelled).</summary>
    Task<SeedJobStatus> CancelAsync();
}

/// <summary>What to seed.</summary>
[GenerateSerializer, Immutable]
public sealed record SeedRequest
{
    [Id(0)] public required DateTimeOffset Begin { get; init; }
    [Id(1)] public required DateTimeOffset End { get; init; }
    /// <summary>Only this collection (default: every collection).</summary>
    [Id(2)] public string? Collection { get; init; }
    /// <summary>Only this layer (<c>coll</c> or <c>coll__STYLE</c>; default: every style of the collections).</summary>
    [Id(3)] public string? Layer { get; init; }
    /// <summary>Zoom range [min, max] per tile matrix set identifier (default: 0 to <c>Prism:Maps:MaxZoom:{tms}</c>
    /// for both sets). A set not named is skipped when this is given.</summary>
    [Id(4)] public IReadOnlyDictionary<string, int[]>? Zooms { get; init; }
    [Id(5)] public ImageFormat Format { get; init; } = ImageFormat.Png;
}

public enum SeedJobState
{
    None,
    Running,
    Completed,
    Cancelled,
    Failed,
}

[GenerateSerializer, Immutable]
public sealed record SeedJobStatus
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public SeedJobState State { get; init; }
    [Id(2)] public SeedRequest? Request { get; init; }
    [Id(3)] public long Total { get; init; }
    [Id(4)] public long Done { get; init; }
    [Id(5)] public long Failed { get; init; }
    [Id(6)] public DateTimeOffset? Created { get; init; }
    [Id(7)] public DateTimeOffset? Updated { get; init; }
    [Id(8)] public DateTimeOffset? Finished { get; init; }
    [Id(9)] public string? Error { get; init; }
    /// <summary>(done + failed) / total in percent; 100 for an empty job that completed.</summary>
    public double Percent => Total == 0 ? (State == SeedJobState.Completed ? 100 : 0) : Math.Round(100.0 * (Done + Failed) / Total, 2);
}

public static class SeedJobs
{
    /// <summary>A new unique job id, sortable by creation time.</summary>
    public static string NewId() => $"seed-{DateTime.UtcNow:yyyyMMdd'T'HHmmss}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Job ids are short ASCII names (letters, digits, '-', '_', '.').</summary>
    public static bool IsValidId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 100 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
