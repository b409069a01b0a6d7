using System.ComponentModel.DataAnnotations;

namespace Prism.Ingestion;

/// <summary>How products move through the pipeline (section <c>Prism:Ingestion</c>).</summary>
public sealed class IngestionOptions
{
    public const string Section = "Prism:Ingestion";

    /// <summary>Folder for unpacking and converting; nothing is written outside it. Default: <c>{DataDir}/work</c>.</summary>
    public string? WorkDir { get; set; }

    /// <summary>Concurrent GDAL conversions per silo (default: number of cores).</summary>
    [Range(1, 256)] public int MaxParallelConversions { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Attempts for transient failures (S3, database, Redis) before the product fails (default 5).</summary>
    [Range(1, 100)] public int MaxAttempts { get; set; } = 5;

    /// <summary>First retry delay; doubles each attempt (default 1 s).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Prefix under which products are published in the output store (default: none).</summary>
    public string OutputPrefix { get; set; } = "";
}
