using System.Globalization;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Prism.Gdal;
using Prism.Ingestion;
using Prism.Storage;

namespace Prism.Coverages;

/// <inheritdoc cref="ICoverageGrain"/>
/// <remarks>
/// The cut is a chain of GDAL steps in <c>/vsimem/</c>: <c>gdal_translate -of VRT -srcwin|-projwin -b</c> (exact
/// source pixels, nothing read yet), optionally <c>gdalwarp -of VRT -t_srs [-ts]</c>, a size check against
/// <see cref="CoverageOptions"/> before any pixel is read, then <c>gdal_translate -of GTiff|PNG|JPEG [-outsize]</c>.
/// </remarks>
[StatelessWorker]
public sealed class CoverageGrain(IObjectStores stores, GdalWorkPool pool, IOptions<CoverageOptions> options) : Grain, ICoverageGrain
{
    public Task<CoverageOutput> CutAsync(CoverageCut cut)
    {
        ArgumentNullException.ThrowIfNull(cut);
        var source = stores.Output.GdalPath(cut.Location);
        return pool.RunAsync(() => Cut(source, cut, options.Value));
    }

    /// <summary>The GDAL work of <see cref="CutAsync"/> (any thread; opens its own datasets).</summary>
    public static CoverageOutput Cut(string source, CoverageCut cut, CoverageOptions limits)
    {
        var temps = new List<string>();
        string Temp(string ext)
        {
            var p = VsiMem.UniquePath(ext);
            temps.Add(p);
            return p;
        }
        try
        {
            // 1. The source area and bands as a VRT (no pixel read).
            var first = Temp(".vrt");
            var args = new List<string> { "-of", "VRT" };
            if (cut.Window is { Length: 4 } w)
                args.AddRange(["-srcwin", I(w[0]), I(w[1]), I(w[2]), I(w[3])]);
            else if (cut.Box is { Length: 4 } b)
            {
                args.AddRange(["-projwin", D(b[0]), D(b[3]), D(b[2]), D(b[1])]);
                if (!string.IsNullOrEmpty(cut.BoxCrs)) args.AddRange(["-projwin_srs", cut.BoxCrs]);
            }
            foreach (var band in cut.Bands) args.AddRange(["-b", I(band)]);
            try
            {
                GdalUtils.Translate(source, first, args);
            }
            catch (GdalException e) when (cut.Box is not null || cut.Window is not null)
            {
                return CoverageOutput.Error("InvalidSubsetting", $"the subset does not intersect the coverage ({Short(e.Message)})", "subset");
            }

            // 2. Reprojection, still as a VRT.
            var current = first;
            var warped = false;
            if (!string.IsNullOrEmpty(cut.OutputCrs))
            {
                var second = Temp(".vrt");
                var warp = new List<string> { "-of", "VRT", "-t_srs", cut.OutputCrs, "-r", cut.Resampling };
                if (cut.Width is int ow && cut.Height is int oh) warp.AddRange(["-ts", I(ow), I(oh)]);
                try
                {
                    GdalUtils.Warp(first, second, warp);
                }
                catch (GdalException e)
                {
                    return CoverageOutput.Error("InvalidParameterValue", $"cannot reproject to '{Short(cut.OutputCrs)}' ({Short(e.Message)})", "outputCrs");
                }
                current = second;
                warped = true;
            }

            // 3. Size check before any pixel is read.
            using var ds = GdalDataset.Open(current);
            var width = !warped && cut.Width is int sw ? sw : ds.Width;
            var height = !warped && cut.Height is int sh ? sh : ds.Height;
            var bands = ds.BandCount;
            var type = bands > 0 ? ds.GetBand(1).DataType : GdalDataType.Byte;
            if (width > limits.MaxWidth || height > limits.MaxHeight)
                return CoverageOutput.Error("InvalidParameterValue",
                    $"the output would be {width}×{height} pixels, more than the limit of {limits.MaxWidth}×{limits.MaxHeight}", "scalesize");
            var bytes = (long)width * height * bands * BytesPerSample(type);
            if (bytes > limits.MaxBytes)
                return CoverageOutput.Error("InvalidParameterValue",
                    $"the output would be {bytes} bytes uncompressed, more than the limit of {limits.MaxBytes}", "scalesize");

            // 4. Encode.
            var (driver, ext, contentType) = cut.Encoding switch
            {
                CoverageEncoding.Png => ("PNG", ".png", "image/png"),
                CoverageEncoding.Jpeg => ("JPEG", ".jpg", "image/jpeg"),
                _ => ("GTiff", ".tif", "image/tiff"),
            };
            if (cut.Encoding == CoverageEncoding.Png && (type is not (GdalDataType.Byte or GdalDataType.UInt16) || bands > 4))
                return CoverageOutput.Error("InvalidParameterValue", $"image/png needs Byte or UInt16 data with 1–4 bands (this cut: {bands} × {type})", "format");
            if (cut.Encoding == CoverageEncoding.Jpeg && (type != GdalDataType.Byte || bands is not (1 or 3)))
                return CoverageOutput.Error("InvalidParameterValue", $"image/jpeg needs Byte data with 1 or 3 bands (this cut: {bands} × {type})", "format");
            var output = Temp(ext);
            temps.Add(output + ".aux.xml");
            var encode = new List<string> { "-of", driver };
            if (cut.Encoding == CoverageEncoding.GeoTiff)
            {
                encode.AddRange(["-co", "COMPRESS=DEFLATE"]);
                if (width > 512 || height > 512) encode.AddRange(["-co", "TILED=YES"]);
            }
            else if (cut.Encoding == CoverageEncoding.Jpeg) encode.AddRange(["-co", "QUALITY=90"]);
            if (!warped && cut.Width is not null) encode.AddRange(["-outsize", I(width), I(height), "-r", cut.Resampling]);
            GdalUtils.Translate(ds, output, encode);
            var data = VsiMem.Take(output);
            return new CoverageOutput { Data = data, ContentType = contentType, Width = width, Height = height, BandCount = bands };
        }
        finally
        {
            foreach (var t in temps) VsiMem.Delete(t);
        }
    }

    internal static int BytesPerSample(GdalDataType type) => type switch
    {
        GdalDataType.Byte or GdalDataType.Int8 => 1,
        GdalDataType.UInt16 or GdalDataType.Int16 => 2,
        GdalDataType.UInt32 or GdalDataType.Int32 or GdalDataType.Float32 or GdalDataType.CInt16 => 4,
        GdalDataType.Float64 or GdalDataType.CInt32 or GdalDataType.CFloat32 or GdalDataType.UInt64 or GdalDataType.Int64 => 8,
        GdalDataType.CFloat64 => 16,
        _ => 8,
    };

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    private static string Short(string s) => s.Length <= 200 ? s : s[..197] + "...";
}
