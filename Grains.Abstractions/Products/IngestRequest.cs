using Prism.Ingestion;

namespace Prism.Products;

/// <summary>What kind of message started (or moves on) a product.</summary>
public enum IngestKind
{
    /// <summary>Object path of a package (tar/zip) in the input store (<c>preprocess_queue</c>).</summary>
    Package,
    /// <summary>JSON message with metadata already parsed plus the object paths of the data (<c>preprocess-md_queue</c>).</summary>
    MetadataMessage,
    /// <summary>Prefix of a preprocessed product in the output store (<c>register_queue</c>).</summary>
    RegisterPrefix,
    /// <summary>A STAC Item JSON (<c>register_queue</c>).</summary>
    StacItem,
}

/// <summary>One message for a product, already decoded far enough to know the product key.</summary>
[GenerateSerializer, Immutable]
public sealed record IngestRequest
{
    [Id(0)] public required IngestKind Kind { get; init; }
    /// <summary>The path, prefix or JSON document as received.</summary>
    [Id(1)] public required string Payload { get; init; }
    /// <summary>Where it came from (queue name, <c>admin</c>, <c>watch</c>, <c>cli</c>).</summary>
    [Id(2)] public required string Source { get; init; }
    /// <summary>Start again even when the product already completed with the same input.</summary>
    [Id(3)] public bool Force { get; init; }
}

/// <summary>One step of a product's history.</summary>
[GenerateSerializer, Immutable]
public sealed record Transition(
    [property: Id(0)] DateTimeOffset Time,
    [property: Id(1)] IngestStage Stage,
    [property: Id(2)] string Message);

/// <summary>A product's lifecycle as the grain reports it.</summary>
[GenerateSerializer, Immutable]
public sealed record ProductStatus
{
    /// <summary>The product key (grain key): the package name, the message id or the prefix.</summary>
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required IngestStage State { get; init; }
    /// <summary>Identifier in the catalog (from the metadata) once known.</summary>
    [Id(2)] public string? Identifier { get; init; }
    /// <summary>Stage in which the product failed, when <see cref="State"/> is Failed.</summary>
    [Id(3)] public IngestStage? FailedStage { get; init; }
    [Id(4)] public string? Error { get; init; }
    [Id(5)] public IReadOnlyList<Transition> History { get; init; } = [];
    /// <summary>Prefix of the published files in the output store.</summary>
    [Id(6)] public string? OutputPrefix { get; init; }
    [Id(7)] public DateTimeOffset? BeginTime { get; init; }
    [Id(8)] public DateTimeOffset? EndTime { get; init; }
    /// <summary>Source of the latest accepted request (path, prefix or message kind).</summary>
    [Id(9)] public string? Input { get; init; }

    public bool IsTerminal => State is IngestStage.Registered or IngestStage.Seeded or IngestStage.Failed or IngestStage.Deregistered;
}
