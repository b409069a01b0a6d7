namespace Prism.Maps;

/// <summary>
/// What the OGC handlers (WMS, WMTS) need from the cluster: the layer tree with time values, tiles and maps.
/// The handlers decode/encode the protocols; the backend resolves layers, time and products and talks to grains.
/// Errors are reported as <see cref="MapRequestException"/> with an OGC exception code.
/// </summary>
public interface IMapBackend
{
    /// <summary>Every layer: per collection the default layer, one per style, and the outlines layer.</summary>
    Task<IReadOnlyList<LayerDescription>> GetLayersAsync(CancellationToken ct = default);

    /// <summary>A cached tile (rendered once on a miss), or null when nothing intersects it (send a transparent tile).</summary>
    Task<EncodedImage> GetTileAsync(TileQuery query, CancellationToken ct = default);

    /// <summary>A map rendered on the fly (not cached), like EOxServer behind MapCache.</summary>
    Task<EncodedImage> GetMapAsync(MapQuery query, CancellationToken ct = default);
}

/// <summary>A layer as the capabilities documents list it.</summary>
public sealed record LayerDescription
{
    /// <summary><c>collection</c>, <c>collection__STYLE</c> or <c>collection__outlines</c>.</summary>
    public required string Name { get; init; }
    public required string Title { get; init; }
    public required string Collection { get; init; }
    /// <summary>Styles offered (the first is the default); outlines layers have one style "default".</summary>
    public required IReadOnlyList<StyleDefinition> Styles { get; init; }
    public bool IsOutlines { get; init; }
    /// <summary>west, south, east, north in degrees (the union of the collection's footprints).</summary>
    public required double[] Wgs84BoundingBox { get; init; }
    /// <summary>Time values: one ISO-8601 <c>begin/end</c> interval per product, ascending.</summary>
    public required IReadOnlyList<string> TimeValues { get; init; }
    /// <summary>Default time: the latest product's interval.</summary>
    public string? DefaultTime { get; init; }
}

public sealed record TileQuery
{
    public required string Layer { get; init; }
    /// <summary>Requested style; empty or "default" = the layer's default.</summary>
    public string? Style { get; init; }
    public required string TileMatrixSet { get; init; }
    public required int Zoom { get; init; }
    public required int Col { get; init; }
    public required int Row { get; init; }
    /// <summary>Instant or <c>start/end</c> interval (ISO 8601); null = the layer's default time.</summary>
    public string? Time { get; init; }
    public ImageFormat Format { get; init; } = ImageFormat.Png;
}

public sealed record MapQuery
{
    public required IReadOnlyList<string> Layers { get; init; }
    /// <summary>One per layer; empty entries mean the default style.</summary>
    public IReadOnlyList<string> Styles { get; init; } = [];
    /// <summary>Normalised CRS code: <c>EPSG:4326</c>, <c>EPSG:3857</c> (CRS:84 is passed as EPSG:4326).</summary>
    public required string Crs { get; init; }
    /// <summary>minX, minY, maxX, maxY in x/y order (lon/lat for EPSG:4326: the decoder swaps WMS 1.3.0's lat/lon).</summary>
    public required double[] Bbox { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public ImageFormat Format { get; init; } = ImageFormat.Png;
    public bool Transparent { get; init; }
    public int Background { get; init; } = 0xFFFFFF;
    public string? Time { get; init; }
}

/// <summary>A request the backend cannot serve, with the OGC exception code to report.</summary>
public sealed class MapRequestException(string code, string message, string? locator = null) : Exception(message)
{
    /// <summary>OGC code: LayerNotDefined, StyleNotDefined, InvalidDimensionValue, TileOutOfRange, InvalidParameterValue …</summary>
    public string Code { get; } = code;
    public string? Locator { get; } = locator;
}
