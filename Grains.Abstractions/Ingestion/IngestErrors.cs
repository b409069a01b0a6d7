namespace Prism.Ingestion;

/// <summary>
/// Bad input: the product can never succeed as it is (corrupt archive, missing metadata, invalid time, …).
/// The product fails at once with this reason; nothing is retried.
/// </summary>
public sealed class PermanentIngestException(string reason, Exception? inner = null) : Exception(reason, inner);

/// <summary>Stages a product passes through; also the stage a failure is recorded against.</summary>
public enum IngestStage
{
    Queued,
    Preprocessing,
    Preprocessed,
    Registering,
    Registered,
    Seeding,
    Seeded,
    Failed,
    Deregistered,
}
