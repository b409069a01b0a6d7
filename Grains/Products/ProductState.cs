using Prism.Ingestion;

namespace Prism.Products;

/// <summary>Persisted state of a <see cref="ProductGrain"/> (stored as JSON without type names).</summary>
[GenerateSerializer]
public sealed class ProductState
{
    [Id(0)] public IngestStage State { get; set; } = IngestStage.Queued;
    [Id(1)] public bool Exists { get; set; }
    [Id(2)] public string? Identifier { get; set; }
    [Id(3)] public IngestStage? FailedStage { get; set; }
    [Id(4)] public string? Error { get; set; }
    [Id(5)] public List<Transition> History { get; set; } = [];
    [Id(6)] public string? OutputPrefix { get; set; }
    [Id(7)] public DateTimeOffset? BeginTime { get; set; }
    [Id(8)] public DateTimeOffset? EndTime { get; set; }
    /// <summary>The request being worked on (or last completed).</summary>
    [Id(9)] public IngestRequest? Request { get; set; }
    /// <summary>True once the register prefix was pushed onto <c>register_queue</c> after preprocessing.</summary>
    [Id(10)] public bool RegisterQueued { get; set; }
    /// <summary>True once the time interval was pushed onto <c>seed_queue</c> after registration.</summary>
    [Id(11)] public bool SeedQueued { get; set; }
    /// <summary>The status set the product currently sits in (kept in step with <see cref="State"/>).</summary>
    [Id(12)] public string? StatusSet { get; set; }
    /// <summary>The register prefix or STAC item the current registration came from.</summary>
    [Id(13)] public string? RegisterPayload { get; set; }
}
