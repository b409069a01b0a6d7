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

    /// <summary>A WKT geometry (POINT, POLYGON, MULTIPOLYGON, LINESTRING; lon/lat) the footprint must relate to by
    /// <see cref="Relation"/>; combined with <see cref="Bbox"/> when both are given.</summary>
    public string? GeometryWkt { get; init; }
    /// <summary>How the footprint relates to <see cref="Bbox"/>/<see cref="GeometryWkt"/> (OpenSearch <c>georel</c>).</summary>
    public GeoRelation Relation { get; init; } = GeoRelation.Intersects;
    /// <summary>How the product's [begin, end] relates to [Start, End] (OpenSearch <c>timerel</c>).</summary>
    public TimeRelation TimeRelation { get; init; } = TimeRelation.Intersects;
    /// <summary>Any of these collections (STAC <c>collections</c>); combined with <see cref="Collection"/>.</summary>
    public IReadOnlyList<string>? Collections { get; init; }
    /// <summary>EO property filters by name: <c>productType</c>, <c>platform</c>, <c>instrument</c>, <c>sensorType</c>,
    /// <c>cloudCover</c>, <c>orbitNumber</c>, <c>orbitDirection</c>, <c>acquisitionType</c>, <c>processingCenter</c>,
    /// <c>status</c>. Unknown names are refused with <see cref="ArgumentException"/>.</summary>
    public IReadOnlyDictionary<string, PropertyFilter>? Properties { get; init; }
    /// <summary>Free text (OpenSearch <c>q</c>): case-insensitive substring of the identifier, product type,
    /// platform or instrument.</summary>
    public string? Text { get; init; }
}

public enum GeoRelation
{
    /// <summary>Footprint and geometry share at least one point.</summary>
    Intersects,
    /// <summary>The footprint contains the geometry.</summary>
    Contains,
    /// <summary>The footprint lies within the geometry.</summary>
    Within,
    /// <summary>Footprint and geometry share no point.</summary>
    Disjoint,
}

public enum TimeRelation
{
    /// <summary>begin ≤ End and end ≥ Start.</summary>
    Intersects,
    /// <summary>The product's interval contains [Start, End]: begin ≤ Start and end ≥ End.</summary>
    Contains,
    /// <summary>The product's interval lies within [Start, End]: begin ≥ Start and end ≤ End.</summary>
    During,
    /// <summary>No overlap: end &lt; Start or begin &gt; End.</summary>
    Disjoint,
    /// <summary>begin = Start and end = End.</summary>
    Equals,
}

/// <summary>A filter on one EO property: equal to any of <see cref="Values"/> (text or numbers), and/or within a
/// numeric range (OpenSearch EO range syntax <c>[a,b]</c>, <c>]a,b[</c>, <c>[a</c>, <c>b]</c>, <c>{a,b}</c>).</summary>
public sealed record PropertyFilter
{
    public IReadOnlyList<string>? Values { get; init; }
    public double? Min { get; init; }
    public bool MinInclusive { get; init; } = true;
    public double? Max { get; init; }
    public bool MaxInclusive { get; init; } = true;
}
