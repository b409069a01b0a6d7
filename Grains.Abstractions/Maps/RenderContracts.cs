namespace Prism.Maps;

/// <summary>Output encodings of maps and tiles.</summary>
public enum ImageFormat
{
    Png,
    Jpeg,
}

public static class ImageFormats
{
    public static string ContentType(this ImageFormat f) => f == ImageFormat.Png ? "image/png" : "image/jpeg";
    public static string Extension(this ImageFormat f) => f == ImageFormat.Png ? "png" : "jpg";

    public static ImageFormat? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "image/png" or "png" or "image/png; mode=8bit" => ImageFormat.Png,
        "image/jpeg" or "image/jpg" or "jpeg" or "jpg" => ImageFormat.Jpeg,
        _ => null,
    };
}

/// <summary>
/// How the bands of a coverage become an RGBA image — data, not code (configuration <c>Prism:Maps:Styles</c>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record StyleDefinition
{
    /// <summary>Style name as used in layer names (<c>collection__NAME</c>) and WMS/WMTS STYLE.</summary>
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public string? Title { get; init; }
    /// <summary>1-based source bands: three for RGB, one for a grey or colour-ramped image.</summary>
    [Id(2)] public required IReadOnlyList<int> Bands { get; init; }
    /// <summary>Value range mapped to 0–255 per output band (one pair per band, or one pair for all); null =
    /// automatic: the data type's range for Byte, the 2–98 % percentiles of the coarsest overview otherwise.</summary>
    [Id(3)] public IReadOnlyList<double[]>? Ranges { get; init; }
    /// <summary>Values treated as transparent in addition to the coverage's own nodata.</summary>
    [Id(4)] public double? NoData { get; init; }
    /// <summary>Colour ramp for one-band styles: stops "value(0–1)" → "#rrggbb"; null = grey.</summary>
    [Id(5)] public IReadOnlyList<RampStop>? Ramp { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record RampStop([property: Id(0)] double At, [property: Id(1)] string Color);

/// <summary>One coverage to draw, bottom to top in <see cref="RenderSpec.Sources"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record RenderSource(
    [property: Id(0)] string ProductIdentifier,
    /// <summary>Path GDAL opens (local path or <c>/vsis3/…</c>).</summary>
    [property: Id(1)] string GdalPath,
    /// <summary>Changes whenever the file at <see cref="GdalPath"/> may have changed (the product's registration
    /// time), so per-file caches such as band statistics never outlive a re-ingestion.</summary>
    [property: Id(2)] string? Version = null)
{
    /// <summary>Key of per-file caches: the path, plus the version when there is one.</summary>
    public string CacheKey => Version is null ? GdalPath : $"{GdalPath}@{Version}";
}

/// <summary>Everything needed to render one image; the same spec always gives the same pixels.</summary>
[GenerateSerializer, Immutable]
public sealed record RenderSpec
{
    /// <summary>Target CRS, e.g. <c>EPSG:3857</c>.</summary>
    [Id(0)] public required string Crs { get; init; }
    /// <summary>minX, minY, maxX, maxY in the target CRS, x/y order (lon/lat for EPSG:4326).</summary>
    [Id(1)] public required double[] Extent { get; init; }
    [Id(2)] public required int Width { get; init; }
    [Id(3)] public required int Height { get; init; }
    /// <summary>Bottom first: the latest product is drawn last (on top).</summary>
    [Id(4)] public required IReadOnlyList<RenderSource> Sources { get; init; }
    [Id(5)] public required StyleDefinition Style { get; init; }
    [Id(6)] public ImageFormat Format { get; init; } = ImageFormat.Png;
    /// <summary>Transparent background (PNG); false fills with <see cref="Background"/>.</summary>
    [Id(7)] public bool Transparent { get; init; } = true;
    /// <summary>Background colour as 0xRRGGBB.</summary>
    [Id(8)] public int Background { get; init; } = 0xFFFFFF;
}

/// <summary>An encoded image. Immutable so Orleans passes it without copying.</summary>
[GenerateSerializer, Immutable]
public sealed class EncodedImage
{
    [Id(0)] public required byte[] Data { get; init; }
    [Id(1)] public required string ContentType { get; init; }
    /// <summary>Strong validator of the bytes (quoted).</summary>
    [Id(2)] public required string ETag { get; init; }
    /// <summary>Where the bytes came from: <c>memory</c>, <c>store</c> or <c>rendered</c>.</summary>
    [Id(3)] public string Source { get; init; } = "rendered";
}
