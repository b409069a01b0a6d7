namespace Prism.Ingestion;

/// <summary>Metadata of one product as extracted from its metadata document (EO-O&amp;M XML, JSON message or STAC).</summary>
public sealed record ProductMetadata
{
    public required string Identifier { get; init; }
    public required string ProductType { get; init; }
    public required DateTimeOffset BeginTime { get; init; }
    public required DateTimeOffset EndTime { get; init; }
    /// <summary>Normalised MULTIPOLYGON WKT (lon/lat), or null when the metadata has none (then the raster outline is used).</summary>
    public string? FootprintWkt { get; init; }
    public string? Platform { get; init; }
    public string? Instrument { get; init; }
    public string? SensorType { get; init; }
    public double? CloudCover { get; init; }
    public int? OrbitNumber { get; init; }
    public string? OrbitDirection { get; init; }
    public string? AcquisitionType { get; init; }
    public string? ProcessingCenter { get; init; }
    public string? Status { get; init; }
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();
    /// <summary>Level (e.g. L1B) when the configuration extracts one.</summary>
    public string? Level { get; init; }
}
