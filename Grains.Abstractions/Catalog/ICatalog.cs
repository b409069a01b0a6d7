namespace Prism.Catalog;

/// <summary>
/// The product catalog (PostGIS in the cluster profile, SQLite in the embedded one). Every implementation passes
/// the same contract test suite. Geometries are WKT in EPSG:4326 with x = longitude, y = latitude.
/// </summary>
public interface ICatalog
{
    /// <summary>Creates or upgrades the schema; safe to call on every start and from several processes.</summary>
    Task MigrateAsync(CancellationToken ct = default);

    /// <summary>
    /// Inserts or replaces a product with its coverages and browses in one transaction (replace semantics: a
    /// product with the same identifier is updated, never duplicated). Collections named by the product are
    /// created when missing.
    /// </summary>
    Task<RegistrationReport> RegisterAsync(ProductRecord product, CancellationToken ct = default);

    /// <summary>Removes a product and its coverages/browses; returns the removed record, or null if unknown.</summary>
    Task<ProductRecord?> DeregisterAsync(string identifier, CancellationToken ct = default);

    Task<ProductRecord?> GetProductAsync(string identifier, CancellationToken ct = default);

    /// <summary>Products matching the query, ordered by begin time then identifier.</summary>
    Task<IReadOnlyList<ProductRecord>> SearchAsync(ProductQuery query, CancellationToken ct = default);

    Task<long> CountAsync(ProductQuery query, CancellationToken ct = default);

    Task<IReadOnlyList<CollectionRecord>> GetCollectionsAsync(CancellationToken ct = default);
}

/// <summary>A product as the catalog stores it.</summary>
public sealed record ProductRecord
{
    public required string Identifier { get; init; }
    public required string ProductType { get; init; }
    public required IReadOnlyList<string> Collections { get; init; }
    public required DateTimeOffset BeginTime { get; init; }
    public required DateTimeOffset EndTime { get; init; }
    /// <summary>MULTIPOLYGON WKT, lon/lat, already normalised (antimeridian crossings split in two parts).</summary>
    public required string FootprintWkt { get; init; }
    public string? Platform { get; init; }
    public string? Instrument { get; init; }
    public string? SensorType { get; init; }
    public double? CloudCover { get; init; }
    public int? OrbitNumber { get; init; }
    public string? OrbitDirection { get; init; }
    public string? AcquisitionType { get; init; }
    public string? ProcessingCenter { get; init; }
    public string? Status { get; init; }
    /// <summary>Other EO properties by name (kept as text).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();
    /// <summary>The raw metadata document (EO-O&amp;M XML or STAC JSON) as received.</summary>
    public string? RawMetadata { get; init; }
    /// <summary>Object-store prefix of the product's published files in the output store.</summary>
    public string? Prefix { get; init; }
    public IReadOnlyList<CoverageRecord> Coverages { get; init; } = [];
    public IReadOnlyList<BrowseRecord> Browses { get; init; } = [];
    /// <summary>When the catalog row was last written (set by the catalog on read; ignored on register). Changes
    /// when a product is re-registered or replaced: map tiles are versioned by it.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

public sealed record CoverageRecord
{
    public required string Identifier { get; init; }
    /// <summary>Object key of the COG in the output store.</summary>
    public required string Location { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    /// <summary>CRS as an authority code when it has one (e.g. <c>EPSG:4326</c>), otherwise WKT.</summary>
    public required string Crs { get; init; }
    /// <summary>GDAL geotransform (6 numbers).</summary>
    public required IReadOnlyList<double> GeoTransform { get; init; }
    public required IReadOnlyList<BandRecord> Bands { get; init; }
}

public sealed record BandRecord(string Name, string DataType, double? NoData);

public sealed record BrowseRecord(string Type, string Location);

public sealed record CollectionRecord(string Identifier, long ProductCount, DateTimeOffset? BeginTime, DateTimeOffset? EndTime);

public sealed record RegistrationReport(string Identifier, bool Replaced, IReadOnlyList<string> Collections);

/// <summary>A search over products. Null members do not filter.</summary>
public sealed record ProductQuery
{
    /// <summary>west, south, east, north in degrees; west &gt; east means the box crosses the antimeridian.</summary>
    public IReadOnlyList<double>? Bbox { get; init; }
    /// <summary>Products whose [begin, end] intersects [Start, End] (inclusive).</summary>
    public DateTimeOffset? Start { get; init; }
    public DateTimeOffset? End { get; init; }
    public string? Collection { get; init; }
    public string? ProductType { get; init; }
    public IReadOnlyList<string>? Identifiers { get; init; }
    public int Limit { get; init; } = 100;
    public int Offset { get; init; }
}
