using System.Diagnostics;
using System.Globalization;
using Prism.Gdal.Native;

namespace Prism.Gdal;

/// <summary>
/// Writes rasters as Cloud Optimized GeoTIFFs with GDAL's COG driver, in process. Stateless: every call opens its
/// own datasets, so any number of conversions may run on different threads at once.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A source with a geotransform (rotation terms included) or a CRS is copied as is: same pixels, same CRS and
/// geotransform (<c>gdal_translate -of COG</c>), unless <see cref="CogRequest.TargetCrs"/> asks for another CRS.</item>
/// <item>A GCP-only source is first warped (<see cref="GcpWarpOptions"/>; by default
/// <c>gdalwarp -order 2 -r bilinear -dstnodata 0 -t_srs EPSG:4326</c>) to an intermediate GeoTIFF (in /vsimem/ when
/// small, else in a temp folder), which is then written as COG.</item>
/// <item>No georeferencing at all, not a raster, truncated or unreadable → <see cref="InvalidRasterException"/> with
/// GDAL's message; too large → <see cref="RasterLimitException"/> before any pixel is read.</item>
/// </list>
/// </remarks>
public static class CogConverter
{
    public static CogResult Convert(CogRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.SourcePath);
        ArgumentException.ThrowIfNullOrEmpty(request.DestinationPath);
        if (request.BlockSize < 128) throw new ArgumentOutOfRangeException(nameof(request), "BlockSize must be at least 128");
        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();

        using var source = GdalDataset.Open(request.SourcePath);
        CheckLimits(source, request);
        var plan = Plan(source, request);
        if (!request.DestinationPath.StartsWith("/vsi", StringComparison.Ordinal)
            && Path.GetDirectoryName(Path.GetFullPath(request.DestinationPath)) is { } parent)
            Directory.CreateDirectory(parent);

        string[] translateArgs;
        if (plan.Warp is null)
        {
            translateArgs = BuildTranslateArguments(request, source);
            Run(source, request, () => GdalUtils.Translate(source, request.DestinationPath, translateArgs, cancellationToken));
        }
        else
        {
            var intermediate = IntermediatePath(source, request);
            try
            {
                Run(source, request, () => GdalUtils.Warp(source, intermediate, plan.Warp, cancellationToken));
                using var warped = GdalDataset.Open(intermediate);
                translateArgs = BuildTranslateArguments(request, warped);
                Run(source, request, () => GdalUtils.Translate(warped, request.DestinationPath, translateArgs, cancellationToken));
            }
            finally
            {
                GdalUtils.DeleteQuietly(intermediate);
            }
        }

        var output = RasterInfo.Read(request.DestinationPath);
        return new CogResult(output, plan.Warp is not null, translateArgs, clock.Elapsed);
    }

    /// <summary>
    /// The gdal_translate arguments of the COG step for <paramref name="source"/> (the warped intermediate when a warp
    /// happens): <c>-of COG -co COMPRESS=… [-co PREDICTOR=…] -co BLOCKSIZE=… -co OVERVIEWS=AUTO [-co OVERVIEW_COUNT=…] -co OVERVIEW_RESAMPLING=…
    /// [-co QUALITY|LEVEL=…] [-co NUM_THREADS=…] [-a_nodata …] [extra -co]</c>.
    /// </summary>
    public static string[] BuildTranslateArguments(CogRequest request, GdalDataset source)
    {
        var bands = source.Bands;
        var type = bands.Count > 0 ? bands[0].DataType : GdalDataType.Byte;
        var args = new List<string> { "-of", "COG" };
        void Co(string option) { args.Add("-co"); args.Add(option); }

        var compression = (request.Compression ?? "DEFLATE").Trim().ToUpperInvariant();
        Co($"COMPRESS={compression}");
        if (compression is "DEFLATE" or "LZW" or "ZSTD" or "LZMA")
        {
            if (type.IsFloatingPoint()) Co("PREDICTOR=FLOATING_POINT");
            else if (type.IsWideInteger()) Co("PREDICTOR=STANDARD");
        }
        if (request.Quality is { } q)
        {
            if (compression is "JPEG" or "WEBP") Co($"QUALITY={q.ToString(CultureInfo.InvariantCulture)}");
            else if (compression is "DEFLATE" or "ZSTD" or "LZMA") Co($"LEVEL={q.ToString(CultureInfo.InvariantCulture)}");
        }
        Co($"BLOCKSIZE={request.BlockSize.ToString(CultureInfo.InvariantCulture)}");
        Co("OVERVIEWS=AUTO");
        if (request.OverviewCount is { } count) Co($"OVERVIEW_COUNT={count.ToString(CultureInfo.InvariantCulture)}");
        var resampling = request.OverviewResampling?.Trim().ToUpperInvariant()
                         ?? (request.Categorical || bands.Any(b => b.HasColorTable) ? "NEAREST" : "AVERAGE");
        Co($"OVERVIEW_RESAMPLING={resampling}");
        if (request.NumThreads is { } n) Co($"NUM_THREADS={(n <= 0 ? "ALL_CPUS" : n.ToString(CultureInfo.InvariantCulture))}");
        if (request.NoData is { } noData && bands.Count > 0 && bands.All(b => b.NoDataValue is null))
        {
            args.Add("-a_nodata");
            args.Add(FormatNumber(noData));
        }
        foreach (var extra in request.ExtraCreationOptions) Co(extra);
        return args.ToArray();
    }

    /// <summary>The gdalwarp arguments used for a warp (GCP-only source, or reprojection to <paramref name="targetCrs"/>).</summary>
    public static string[] BuildWarpArguments(CogRequest request, GdalDataset source, bool gcpOnly, string targetCrs)
    {
        var w = request.Warp;
        var args = new List<string> { "-of", "GTiff", "-co", "TILED=YES", "-co", "BIGTIFF=IF_SAFER" };
        if (gcpOnly)
        {
            if (w.UseThinPlateSpline) args.Add("-tps");
            else { args.Add("-order"); args.Add(w.PolynomialOrder.ToString(CultureInfo.InvariantCulture)); }
        }
        args.AddRange(["-r", w.Resampling, "-t_srs", targetCrs]);
        var sourceHasNoData = source.Bands.Any(b => b.NoDataValue is not null);
        if (!sourceHasNoData)
        {
            args.Add("-dstnodata");
            args.Add(FormatNumber(request.NoData ?? w.DestinationNoData));
        }
        if (request.NumThreads is { } n)
        {
            args.Add("-wo");
            args.Add($"NUM_THREADS={(n <= 0 ? "ALL_CPUS" : n.ToString(CultureInfo.InvariantCulture))}");
        }
        return args.ToArray();
    }

    private sealed record ConversionPlan(string[]? Warp);

    private static ConversionPlan Plan(GdalDataset source, CogRequest request)
    {
        if (source.BandCount == 0) throw new InvalidRasterException($"'{request.SourcePath}' has no raster band");
        var hasGeoTransform = source.TryGetGeoTransform(out _);
        var crsWkt = source.ProjectionWkt;
        var hasCrs = !string.IsNullOrWhiteSpace(crsWkt);
        var gcpCount = source.GcpCount;

        if (hasGeoTransform || (hasCrs && gcpCount == 0))
        {
            if (request.TargetCrs is null || (hasCrs && SameCrs(crsWkt, request.TargetCrs))) return new ConversionPlan(null);
            if (!hasGeoTransform || !hasCrs)
                throw new InvalidRasterException($"'{request.SourcePath}' cannot be reprojected to {request.TargetCrs}: it has no complete georeferencing");
            return new ConversionPlan(BuildWarpArguments(request, source, gcpOnly: false, request.TargetCrs));
        }
        if (gcpCount > 0)
        {
            if (string.IsNullOrWhiteSpace(source.GcpProjectionWkt))
                throw new InvalidRasterException($"'{request.SourcePath}' has {gcpCount} GCPs but no GCP coordinate system");
            var minimum = request.Warp.UseThinPlateSpline ? 3 : (request.Warp.PolynomialOrder + 1) * (request.Warp.PolynomialOrder + 2) / 2;
            if (gcpCount < minimum)
                throw new InvalidRasterException($"'{request.SourcePath}' has {gcpCount} GCPs, {minimum} needed for the requested warp");
            return new ConversionPlan(BuildWarpArguments(request, source, gcpOnly: true, request.TargetCrs ?? request.Warp.TargetCrs));
        }
        throw new InvalidRasterException($"'{request.SourcePath}' has no georeferencing (no geotransform, CRS or GCPs)");
    }

    private static bool SameCrs(string wkt, string other)
    {
        using var a = SpatialReference.TryCreate(wkt);
        using var b = SpatialReference.TryCreate(other) ?? throw new ArgumentException($"invalid TargetCrs '{SpatialReference.Shorten(other)}'");
        return a is not null && a.IsSame(b);
    }

    private static void CheckLimits(GdalDataset source, CogRequest r)
    {
        int w = source.Width, h = source.Height;
        var pixels = (long)w * h;
        string? why = null;
        if (r.MaxWidth is { } mw && w > mw) why = $"width {w} exceeds the limit {mw}";
        else if (r.MaxHeight is { } mh && h > mh) why = $"height {h} exceeds the limit {mh}";
        else if (r.MaxPixels is { } mp && pixels > mp) why = $"{pixels} pixels exceed the limit {mp}";
        if (why is not null) throw new RasterLimitException($"raster '{r.SourcePath}' ({w}x{h}) refused: {why}", w, h);
    }

    private static string IntermediatePath(GdalDataset source, CogRequest request)
    {
        var bytesPerSample = source.BandCount > 0 ? Math.Max(1, GdalNative.GDALGetDataTypeSizeBytes((int)source.GetBand(1).DataType)) : 1;
        // The warped image of a swath is larger than the source (empty corners): allow for 2x.
        var estimate = 2L * source.Width * source.Height * source.BandCount * bytesPerSample;
        if (estimate <= request.InMemoryWarpLimitBytes) return VsiMem.UniquePath(".warped.tif");
        var dir = request.TempDirectory ?? Path.GetTempPath();
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, $"prism-warp-{Guid.NewGuid():N}.tif");
    }

    /// <summary>
    /// Runs a GDAL step; when it fails, tells a bad input from another failure by reading the whole source: if that
    /// fails too, the source is unreadable (truncated, corrupt) → <see cref="InvalidRasterException"/> with GDAL's read
    /// error; otherwise the original failure (output not writable, bad options, …) is rethrown. The probe costs a full
    /// read, but only on the failure path.
    /// </summary>
    private static void Run(GdalDataset source, CogRequest request, Action step)
    {
        try
        {
            step();
        }
        catch (GdalException failure) when (failure is not InvalidRasterException)
        {
            InvalidRasterException? unreadable = null;
            try
            {
                using var probe = GdalDataset.Open(source.Path);
                foreach (var band in probe.Bands) band.Checksum();
            }
            catch (InvalidRasterException e)
            {
                unreadable = new InvalidRasterException($"'{request.SourcePath}' is unreadable: {e.Message}", e.ErrorNumber, e.Messages, failure);
            }
            if (unreadable is not null) throw unreadable;
            throw;
        }
    }

    private static string FormatNumber(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
