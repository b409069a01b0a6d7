using System.Globalization;
using System.Text;
using Prism.Gdal.Native;

namespace Prism.Gdal;

/// <summary>One band of a <see cref="RasterInfo"/>. <see cref="DataType"/> is GDAL's type name ("Byte", "UInt16", "Float32", …).</summary>
public sealed record RasterBandInfo(int Index, string Description, string DataType, double? NoData, string ColorInterpretation);

/// <summary>Internal tile/strip size of a raster band.</summary>
public readonly record struct BlockSize(int Width, int Height);

/// <summary>What the project needs to know about a raster, read from its header (no pixel is read).</summary>
public sealed record RasterInfo
{
    public required string Path { get; init; }
    public required string Driver { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required int BandCount { get; init; }
    /// <summary>The CRS as an authority code ("EPSG:4326") when it has one, else its WKT; null when the raster has no CRS.</summary>
    public string? Crs { get; init; }
    /// <summary>The full WKT of the CRS (null when none).</summary>
    public string? CrsWkt { get; init; }
    /// <summary>The six geotransform coefficients, or null when the raster has none (e.g. GCP-only).</summary>
    public double[]? GeoTransform { get; init; }
    public int GcpCount { get; init; }
    /// <summary>The CRS of the GCPs (authority code or WKT), null when none.</summary>
    public string? GcpCrs { get; init; }
    public required IReadOnlyList<RasterBandInfo> Bands { get; init; }
    /// <summary>IMAGE_STRUCTURE LAYOUT ("COG" for a cloud optimised GeoTIFF written by GDAL), null when absent.</summary>
    public string? Layout { get; init; }
    /// <summary>IMAGE_STRUCTURE COMPRESSION ("DEFLATE", "LZW", …), null when uncompressed.</summary>
    public string? Compression { get; init; }
    /// <summary>Number of overviews of the first band.</summary>
    public int OverviewCount { get; init; }
    /// <summary>Block size of the first band.</summary>
    public BlockSize BlockSize { get; init; }

    public bool HasGeoTransform => GeoTransform is not null;

    /// <summary>Reads the header of <paramref name="path"/>; <see cref="InvalidRasterException"/> when it is not a raster.</summary>
    public static RasterInfo Read(string path)
    {
        using var ds = GdalDataset.Open(path);
        return From(ds);
    }

    /// <summary>Describes an open dataset.</summary>
    public static RasterInfo From(GdalDataset ds)
    {
        var wkt = NullIfEmpty(ds.ProjectionWkt);
        var gcpWkt = NullIfEmpty(ds.GcpProjectionWkt);
        var bands = ds.Bands;
        var first = bands.Count > 0 ? bands[0] : null;
        return new RasterInfo
        {
            Path = ds.Path,
            Driver = ds.DriverName,
            Width = ds.Width,
            Height = ds.Height,
            BandCount = bands.Count,
            CrsWkt = wkt,
            Crs = wkt is null ? null : GdalUtils.AuthorityCode(wkt) ?? wkt,
            GeoTransform = ds.TryGetGeoTransform(out var gt) ? gt : null,
            GcpCount = ds.GcpCount,
            GcpCrs = gcpWkt is null ? null : GdalUtils.AuthorityCode(gcpWkt) ?? gcpWkt,
            Bands = bands.Select(b => new RasterBandInfo(b.Index, b.Description, b.DataType.Name(), b.NoDataValue, b.ColorInterpretationName)).ToArray(),
            Layout = ds.GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE"),
            Compression = ds.GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"),
            OverviewCount = first?.OverviewCount ?? 0,
            BlockSize = first is null ? default : new BlockSize(first.BlockSize.Width, first.BlockSize.Height),
        };
    }

    /// <summary>
    /// The raster's extent as a lon/lat (EPSG:4326, x = longitude) <c>MULTIPOLYGON</c> WKT with one ring: the image
    /// border sampled at <paramref name="pointsPerEdge"/> points per edge (so curved borders of reprojected or
    /// GCP-georeferenced images follow the real outline), transformed with OCTTransform (geotransform + CRS) or GDAL's
    /// GCP transformer (GCP-only rasters). The outline of the whole image, no-data borders included. Null when the
    /// raster has no georeferencing. Rasters crossing the antimeridian are not split.
    /// </summary>
    public string? FootprintWkt(int pointsPerEdge = 16)
    {
        if (pointsPerEdge < 1) throw new ArgumentOutOfRangeException(nameof(pointsPerEdge));
        var (px, py) = BorderPixels(Width, Height, pointsPerEdge);
        bool[] ok;
        double[] x = (double[])px.Clone(), y = (double[])py.Clone();
        if (GeoTransform is { } gt && CrsWkt is not null)
        {
            for (var i = 0; i < x.Length; i++)
            {
                var (c, r) = (px[i], py[i]);
                x[i] = gt[0] + c * gt[1] + r * gt[2];
                y[i] = gt[3] + c * gt[4] + r * gt[5];
            }
            using var src = SpatialReference.Create(CrsWkt);
            using var wgs84 = SpatialReference.Create("EPSG:4326");
            ok = src.Transform(wgs84, x, y);
        }
        else if (GcpCount > 0 && GcpCrs is not null)
        {
            using var ds = GdalDataset.Open(Path);
            ok = TransformWithGdalTransformer(ds, x, y);
        }
        else
        {
            return null;
        }

        var sb = new StringBuilder("MULTIPOLYGON(((");
        var n = 0;
        (double X, double Y)? firstPoint = null;
        for (var i = 0; i < x.Length; i++)
        {
            if (!ok[i] || !double.IsFinite(x[i]) || !double.IsFinite(y[i])) continue;
            if (n > 0) sb.Append(',');
            Append(sb, x[i], y[i]);
            firstPoint ??= (x[i], y[i]);
            n++;
        }
        if (n < 3 || firstPoint is null) return null;
        sb.Append(',');
        Append(sb, firstPoint.Value.X, firstPoint.Value.Y);
        return sb.Append(")))").ToString();
    }

    private static unsafe bool[] TransformWithGdalTransformer(GdalDataset ds, double[] x, double[] y)
    {
        GdalErrors.Reset();
        using var options = new Utf8StringList(["DST_SRS=EPSG:4326"]);
        var transformer = GdalNative.GDALCreateGenImgProjTransformer2(ds.Handle, IntPtr.Zero, options.Pointer);
        if (transformer == IntPtr.Zero) throw GdalErrors.Exception($"cannot build a transformer for '{ds.Path}'");
        try
        {
            var z = new double[x.Length];
            var ok = new int[x.Length];
            fixed (double* px = x, py = y, pz = z)
            fixed (int* pok = ok)
                GdalNative.GDALGenImgProjTransform(transformer, 0, x.Length, px, py, pz, pok);
            return ok.Select(v => v != 0).ToArray();
        }
        finally
        {
            GdalNative.GDALDestroyGenImgProjTransformer(transformer);
        }
    }

    /// <summary>Pixel coordinates around the image border, counter-clockwise on a north-up image, not closed.</summary>
    private static (double[] X, double[] Y) BorderPixels(int w, int h, int perEdge)
    {
        var xs = new List<double>(perEdge * 4);
        var ys = new List<double>(perEdge * 4);
        for (var i = 0; i < perEdge; i++) { xs.Add(0); ys.Add((double)h * i / perEdge); }       // left, going down
        for (var i = 0; i < perEdge; i++) { xs.Add((double)w * i / perEdge); ys.Add(h); }       // bottom, going right
        for (var i = 0; i < perEdge; i++) { xs.Add(w); ys.Add(h - (double)h * i / perEdge); }   // right, going up
        for (var i = 0; i < perEdge; i++) { xs.Add(w - (double)w * i / perEdge); ys.Add(0); }   // top, going left
        return (xs.ToArray(), ys.ToArray());
    }

    private static void Append(StringBuilder sb, double x, double y) =>
        sb.Append(Math.Round(x, 9).ToString("R", CultureInfo.InvariantCulture)).Append(' ')
          .Append(Math.Round(y, 9).ToString("R", CultureInfo.InvariantCulture));

    private static string? NullIfEmpty(string s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
