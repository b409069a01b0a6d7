namespace Prism.Coverages;

/// <summary>
/// Cuts coverages out of published COGs (WCS GetCoverage). A stateless worker: as many activations per silo as there
/// is load; the GDAL work runs off the grain scheduler on the silo's GDAL work pool, into <c>/vsimem/</c>, and the
/// encoded file comes back as bytes. Key: always 0.
/// </summary>
public interface ICoverageGrain : IGrainWithIntegerKey
{
    /// <summary>Cuts, (re)samples and encodes one coverage. Request errors come back in
    /// <see cref="CoverageOutput.ErrorCode"/> (never as exceptions): outside the extent, over the size limits, an
    /// unknown output CRS.</summary>
    Task<CoverageOutput> CutAsync(CoverageCut cut);
}

/// <summary>Output encodings of <see cref="ICoverageGrain"/>.</summary>
public enum CoverageEncoding
{
    /// <summary>GeoTIFF (<c>image/tiff</c>), DEFLATE-compressed, tiled when large.</summary>
    GeoTiff,
    /// <summary>PNG (Byte or UInt16 data, 1–4 bands).</summary>
    Png,
    /// <summary>JPEG (Byte data, 1 or 3 bands).</summary>
    Jpeg,
}

/// <summary>
/// One GetCoverage cut. The source area is either a pixel window (<see cref="Window"/>) or a box in another CRS
/// (<see cref="Box"/> in <see cref="BoxCrs"/>, GDAL's <c>-projwin</c>/<c>-projwin_srs</c>), or the whole coverage
/// when both are null.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CoverageCut
{
    /// <summary>Object key of the COG in the output store.</summary>
    [Id(0)] public required string Location { get; init; }
    /// <summary>Source pixel window: column, row, width, height (gdal_translate <c>-srcwin</c>).</summary>
    [Id(1)] public int[]? Window { get; init; }
    /// <summary>minX, minY, maxX, maxY in <see cref="BoxCrs"/> (x = longitude/easting).</summary>
    [Id(2)] public double[]? Box { get; init; }
    [Id(3)] public string? BoxCrs { get; init; }
    /// <summary>Output size in pixels; null = the cut's own size (no scaling). Either both or neither.</summary>
    [Id(4)] public int? Width { get; init; }
    [Id(5)] public int? Height { get; init; }
    /// <summary>1-based band numbers in output order; empty = every band.</summary>
    [Id(6)] public IReadOnlyList<int> Bands { get; init; } = [];
    /// <summary>CRS to warp the result to (anything GDAL accepts, e.g. <c>EPSG:3857</c>); null = the native CRS.</summary>
    [Id(7)] public string? OutputCrs { get; init; }
    [Id(8)] public CoverageEncoding Encoding { get; init; } = CoverageEncoding.GeoTiff;
    /// <summary>GDAL resampling for scaling and warping (<c>near</c> keeps the source values).</summary>
    [Id(9)] public string Resampling { get; init; } = "near";
}

/// <summary>The encoded coverage, or an OGC exception code with its message and locator.</summary>
[GenerateSerializer, Immutable]
public sealed record CoverageOutput
{
    [Id(0)] public byte[] Data { get; init; } = [];
    [Id(1)] public string ContentType { get; init; } = "";
    [Id(2)] public int Width { get; init; }
    [Id(3)] public int Height { get; init; }
    [Id(4)] public int BandCount { get; init; }
    /// <summary>Null on success; else InvalidSubsetting, InvalidParameterValue, … (WCS 2.0 codes).</summary>
    [Id(5)] public string? ErrorCode { get; init; }
    [Id(6)] public string? ErrorMessage { get; init; }
    [Id(7)] public string? ErrorLocator { get; init; }

    public static CoverageOutput Error(string code, string message, string? locator = null) =>
        new() { ErrorCode = code, ErrorMessage = message, ErrorLocator = locator };
}
