namespace Prism.Gdal;

/// <summary>
/// How a GCP-only source (no geotransform, ground control points) — or any source when <see cref="CogRequest.TargetCrs"/>
/// asks for a reprojection — is warped before being written as a COG. Defaults equal
/// <c>gdalwarp -order 2 -r bilinear -dstnodata 0 -t_srs EPSG:4326</c>.
/// </summary>
public sealed record GcpWarpOptions
{
    /// <summary>Polynomial order for GCP georeferencing (1–3); ignored with <see cref="UseThinPlateSpline"/>.</summary>
    public int PolynomialOrder { get; init; } = 2;
    /// <summary>Use a thin plate spline (<c>-tps</c>) instead of a polynomial.</summary>
    public bool UseThinPlateSpline { get; init; }
    /// <summary>gdalwarp resampling (<c>-r</c>): near, bilinear, cubic, cubicspline, lanczos, average, mode, …</summary>
    public string Resampling { get; init; } = "bilinear";
    /// <summary>Target CRS of the GCP warp when the request has no <see cref="CogRequest.TargetCrs"/>.</summary>
    public string TargetCrs { get; init; } = "EPSG:4326";
    /// <summary>No-data value of the warped output (<c>-dstnodata</c>): the area outside the image.</summary>
    public double DestinationNoData { get; init; }
}

/// <summary>
/// A request to write <see cref="SourcePath"/> as a Cloud Optimized GeoTIFF at <see cref="DestinationPath"/>
/// (local path or any GDAL-writable /vsi path). See <see cref="CogConverter.Convert"/>.
/// </summary>
public sealed record CogRequest
{
    public const int DefaultMaxDimension = 65_536;
    public const long DefaultMaxPixels = 1L << 30;

    public required string SourcePath { get; init; }
    public required string DestinationPath { get; init; }

    /// <summary>
    /// COG compression: null = automatic by data type (Byte → DEFLATE; other integers → DEFLATE + PREDICTOR=2;
    /// floating point → DEFLATE + PREDICTOR=3), or DEFLATE, LZW, ZSTD, LZMA (these get the same predictor rule),
    /// JPEG, WEBP (lossy, Byte data only, <see cref="Quality"/>) or NONE.
    /// </summary>
    public string? Compression { get; init; }

    /// <summary>JPEG/WEBP: QUALITY (1–100, GDAL default 75). DEFLATE/ZSTD/LZMA: compression LEVEL. Null = GDAL's default.</summary>
    public int? Quality { get; init; }

    /// <summary>Tile size in pixels (COG BLOCKSIZE, ≥ 128, power of two advised).</summary>
    public int BlockSize { get; init; } = 512;

    /// <summary>
    /// Resampling of the overviews (COG OVERVIEW_RESAMPLING). Null = automatic: NEAREST for paletted bands (colour table)
    /// and when <see cref="Categorical"/> is set — averaging classes makes no sense — otherwise AVERAGE, which keeps the
    /// radiometry of reduced views faithful and honours no-data. Overviews are always generated (OVERVIEWS=AUTO:
    /// halving until the image fits a tile).
    /// </summary>
    public string? OverviewResampling { get; init; }

    /// <summary>
    /// Number of overview levels (COG OVERVIEW_COUNT). Null = AUTO: halve until the image fits in one tile (an image
    /// smaller than <see cref="BlockSize"/> then gets none).
    /// </summary>
    public int? OverviewCount { get; init; }

    /// <summary>The data is categorical (class codes, masks): overviews use NEAREST unless <see cref="OverviewResampling"/> says otherwise.</summary>
    public bool Categorical { get; init; }

    /// <summary>
    /// Null = keep the source CRS: the pixels are copied unchanged (no resampling) for any source with a geotransform
    /// (rotated ones included). A CRS ("EPSG:3857", WKT, …) different from the source's warps the raster with
    /// <see cref="Warp"/>'s resampling. GCP-only sources are always warped (to this CRS, else to <see cref="GcpWarpOptions.TargetCrs"/>).
    /// </summary>
    public string? TargetCrs { get; init; }

    /// <summary>
    /// No-data value to set on every output band when the source has none (e.g. 0 for MERIS, whose black outside the
    /// swath must end transparent). Ignored when a source band already has one.
    /// </summary>
    public double? NoData { get; init; }

    /// <summary>Refuse (RasterLimitException, before reading any pixel) wider sources. Null = no limit.</summary>
    public int? MaxWidth { get; init; } = DefaultMaxDimension;
    /// <summary>Refuse taller sources. Null = no limit.</summary>
    public int? MaxHeight { get; init; } = DefaultMaxDimension;
    /// <summary>Refuse sources with more pixels (width × height) than this. Null = no limit.</summary>
    public long? MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>Worker threads for compression and warping (COG NUM_THREADS / warp NUM_THREADS). Null = GDAL's default (GDAL_NUM_THREADS or 1).</summary>
    public int? NumThreads { get; init; }

    /// <summary>Extra COG creation options ("KEY=VALUE"), appended last (they win over the computed ones).</summary>
    public IReadOnlyList<string> ExtraCreationOptions { get; init; } = [];

    /// <summary>Warping of GCP-only sources (and of reprojections).</summary>
    public GcpWarpOptions Warp { get; init; } = new();

    /// <summary>
    /// Where the intermediate warped GeoTIFF goes when it is larger than <see cref="InMemoryWarpLimitBytes"/> (else in
    /// /vsimem/). Null = the system temp folder.
    /// </summary>
    public string? TempDirectory { get; init; }

    /// <summary>Largest intermediate (uncompressed estimate) kept in memory.</summary>
    public long InMemoryWarpLimitBytes { get; init; } = 256L * 1024 * 1024;
}

/// <summary>The outcome of <see cref="CogConverter.Convert"/>.</summary>
/// <param name="Output">The header of the written COG.</param>
/// <param name="Warped">True when the pixels were resampled (GCP georeferencing or reprojection) before the COG step.</param>
/// <param name="TranslateArguments">The gdal_translate arguments of the COG step (for logs and comparisons).</param>
/// <param name="Elapsed">Wall time of the conversion.</param>
public sealed record CogResult(RasterInfo Output, bool Warped, IReadOnlyList<string> TranslateArguments, TimeSpan Elapsed);
