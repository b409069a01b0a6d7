using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Prism.Coverages;

namespace Prism.Gateway.Ows.Wcs;

/// <summary>A decoded GetCoverage: what the <see cref="ICoverageGrain"/> cuts, and how the answer is wrapped.</summary>
public sealed record WcsCutPlan(CoverageCut Cut, bool Multipart);

/// <summary>
/// Decodes GetCoverage's <c>subset</c>, <c>subsettingCrs</c>, <c>outputCrs</c>, <c>scalefactor</c>/<c>scaleaxes</c>/
/// <c>scalesize</c>, <c>rangesubset</c>, <c>format</c> and <c>mediatype</c> into a <see cref="CoverageCut"/>.
/// </summary>
/// <remarks>
/// <para><b>Axes.</b> Subsets name the coverage's own CRS axes (<c>Lat</c>/<c>Long</c> for geographic CRSs, <c>E</c>/<c>N</c>
/// for projected ones; <c>Lon</c>, <c>x</c> and <c>y</c> are accepted as aliases) in the subsetting CRS, which is the
/// native CRS unless <c>subsettingCrs</c> names EPSG:4326. Scaling axes are those labels or the grid axes <c>i</c>/<c>j</c>.</para>
/// <para><b>Native subsets</b> become an exact pixel window (cells whose area intersects the trim interval; a slice is
/// the one cell containing the point), clamped to the coverage; a trim that misses the coverage or has low &gt; high
/// is InvalidSubsetting. <b>EPSG:4326 subsets on a projected coverage</b> are passed to GDAL as <c>-projwin</c> with
/// <c>-projwin_srs</c>; then <c>outputCrs</c> defaults to the subsetting CRS (CRS extension).</para>
/// <para><b>Limits.</b> The output size is checked here when it is known before cutting (native window, with or
/// without scaling) and again in the grain before any pixel is read.</para>
/// </remarks>
public static class WcsCutPlanner
{
    private enum Dim { X, Y }

    public static WcsCutPlan Plan(WcsCoverage c, IQueryCollection q, CoverageOptions limits)
    {
        var encoding = Format(One(q, "format"));
        var multipart = MediaType(One(q, "mediatype"));
        var subsettingEpsg = Crs(One(q, "subsettingcrs"), "subsettingCrs");
        var outputEpsg = Crs(One(q, "outputcrs"), "outputCrs");
        if (subsettingEpsg is int se && se != 4326 && se != c.Epsg)
            throw new OwsException(OwsExceptionCode.InvalidParameterValue, $"subsettingCrs must be the native CRS or EPSG:4326", "subsettingCrs");
        var nativeSubsetting = subsettingEpsg is null || subsettingEpsg == c.Epsg || (c.Geographic && subsettingEpsg == 4326);

        // Subsets per dimension.
        var subsets = new Dictionary<Dim, WcsSubset>();
        foreach (var raw in q.TryGetValue("subset", out var sv) ? sv : StringValues.Empty)
        {
            var s = WcsSubset.Parse(raw ?? "");
            var subsetEpsg = s.Crs is null ? null : Crs(s.Crs, "subset");
            if (subsetEpsg is int e && e != (subsettingEpsg ?? c.Epsg))
            {
                if (subsettingEpsg is not null || (e != 4326 && e != c.Epsg))
                    throw new OwsException(OwsExceptionCode.InvalidParameterValue, "a subset names a CRS other than subsettingCrs", "subset");
                subsettingEpsg = e;
                nativeSubsetting = e == c.Epsg || (c.Geographic && e == 4326);
            }
            var dim = AxisOf(c, s.Axis, nativeSubsetting) is { } found ? found
                      : throw WcsExceptionCode.Error(WcsExceptionCode.InvalidAxisLabel,
                          $"'{OwsTime.Truncate(s.Axis)}' is not an axis of {c.Id} ({string.Join(", ", c.AxisLabels)})", s.Axis);
            if (!subsets.TryAdd(dim, s))
                throw WcsExceptionCode.Error(WcsExceptionCode.InvalidSubsetting, $"axis {s.Axis} is subset twice", s.Axis);
        }

        int[]? window = null;
        double[]? box = null;
        string? boxCrs = null;
        int cutW, cutH;
        if (nativeSubsetting)
        {
            if (subsets.Count > 0 && c.Rotated)
                throw WcsExceptionCode.Error(WcsExceptionCode.OptionNotSupported, "subsetting a rotated grid is not supported", "subset");
            var (x0, x1) = subsets.TryGetValue(Dim.X, out var sx) ? Cells(sx, c.Gt[0], c.Gt[1], c.Width) : (0, c.Width);
            var (y0, y1) = subsets.TryGetValue(Dim.Y, out var sy) ? Cells(sy, c.Gt[3], c.Gt[5], c.Height) : (0, c.Height);
            cutW = x1 - x0;
            cutH = y1 - y0;
            if (subsets.Count > 0) window = [x0, y0, cutW, cutH];
        }
        else
        {
            var b = c.Wgs84Box;
            double lo0 = b[0], hi0 = b[2], lo1 = b[1], hi1 = b[3];
            foreach (var (dim, s) in subsets)
            {
                var (lo, hi) = s.Numbers();
                if (lo > hi) throw WcsExceptionCode.Error(WcsExceptionCode.InvalidSubsetting, $"{s.Axis}: low is greater than high", s.Axis);
                if (dim == Dim.X) { lo0 = lo ?? lo0; hi0 = hi ?? hi0; }
                else { lo1 = lo ?? lo1; hi1 = hi ?? hi1; }
            }
            if (hi0 < b[0] || lo0 > b[2] || hi1 < b[1] || lo1 > b[3])
                throw WcsExceptionCode.Error(WcsExceptionCode.InvalidSubsetting, "the subset lies outside the coverage's extent", "subset");
            box = [lo0, lo1, hi0, hi1];
            boxCrs = "EPSG:4326";
            outputEpsg ??= 4326;
            cutW = cutH = -1;
        }

        // Scaling.
        var (outW, outH) = Scale(c, q, cutW, cutH);
        if ((outW ?? cutW) > limits.MaxWidth || (outH ?? cutH) > limits.MaxHeight)
            throw new OwsException(OwsExceptionCode.InvalidParameterValue,
                $"the output would be {outW ?? cutW}×{outH ?? cutH} pixels, more than the limit of {limits.MaxWidth}×{limits.MaxHeight}", "scalesize");
        if (cutW > 0 && cutH > 0)
        {
            var bytes = (long)(outW ?? cutW) * (outH ?? cutH) * Math.Max(1, c.Record.Bands.Count) * BytesPerSample(c.Record.Bands.FirstOrDefault()?.DataType);
            if (bytes > limits.MaxBytes)
                throw new OwsException(OwsExceptionCode.InvalidParameterValue, $"the output would be {bytes} bytes, more than the limit of {limits.MaxBytes}", "scalesize");
        }

        var warp = outputEpsg is int oe && oe != c.Epsg && !(c.Geographic && oe == 4326 && c.Epsg is null);
        if (warp && outW is null && cutW > 0)
        {
            // Same number of columns as the cut; rows by aspect ratio (GDAL: -ts W 0).
            outW = cutW;
        }
        return new WcsCutPlan(new CoverageCut
        {
            Location = c.Record.Location,
            Window = window,
            Box = box,
            BoxCrs = boxCrs,
            Width = warp && outW is not null && outH is null ? outW : outW,
            Height = warp && outW is not null && outH is null ? 0 : outH,
            Bands = RangeSubset(c, One(q, "rangesubset")),
            OutputCrs = warp ? $"EPSG:{outputEpsg}" : null,
            Encoding = encoding,
        }, multipart);
    }

    private static string? One(IQueryCollection q, string key) => q.TryGetValue(key, out var v) && v.Count > 0 ? v[0] : null;

    private static CoverageEncoding Format(string? format) => (format ?? "image/tiff").Trim().ToLowerInvariant() switch
    {
        "image/tiff" or "image/geotiff" or "image/tiff;application=geotiff" or "tiff" or "geotiff" => CoverageEncoding.GeoTiff,
        "image/png" or "png" => CoverageEncoding.Png,
        "image/jpeg" or "image/jpg" or "jpeg" => CoverageEncoding.Jpeg,
        _ => throw new OwsException(OwsExceptionCode.InvalidParameterValue, $"FORMAT '{OwsTime.Truncate(format!)}' is not offered (image/tiff, image/png, image/jpeg)", "format"),
    };

    private static bool MediaType(string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(mediaType)) return false;
        if (mediaType.Trim().Equals("multipart/related", StringComparison.OrdinalIgnoreCase)) return true;
        throw new OwsException(OwsExceptionCode.InvalidParameterValue, "MEDIATYPE must be multipart/related", "mediaType");
    }

    private static int? Crs(string? value, string locator)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        return WcsCoverage.EpsgOf(value.Trim())
               ?? throw new OwsException(OwsExceptionCode.InvalidParameterValue, $"'{OwsTime.Truncate(value)}' is not a CRS this server knows (http://www.opengis.net/def/crs/EPSG/0/n)", locator);
    }

    private static Dim? AxisOf(WcsCoverage c, string label, bool native)
    {
        var l = label.ToLowerInvariant();
        if (native && !c.Geographic)
            return l switch { "e" or "x" or "easting" => Dim.X, "n" or "y" or "northing" => Dim.Y, _ => null };
        return l switch { "long" or "lon" or "x" => Dim.X, "lat" or "y" => Dim.Y, _ => null };
    }

    private static Dim? ScaleAxisOf(WcsCoverage c, string label) =>
        label.ToLowerInvariant() switch { "i" => Dim.X, "j" => Dim.Y, _ => AxisOf(c, label, true) ?? AxisOf(c, label, false) };

    /// <summary>[first, end) cells along one axis for a trim or slice (origin, cell size, count).</summary>
    private static (int First, int End) Cells(WcsSubset s, double origin, double size, int count)
    {
        var (lo, hi) = s.Numbers();
        if (lo > hi) throw WcsExceptionCode.Error(WcsExceptionCode.InvalidSubsetting, $"{s.Axis}: low {lo} is greater than high {hi}", s.Axis);
        const double eps = 1e-7;
        double Cell(double v) => (v - origin) / size;
        int first, end;
        if (s.IsSlice)
        {
            var f = Math.Floor(Cell(lo!.Value));
            if (f < 0 || f >= count)
                throw WcsExceptionCode.Error(WcsExceptionCode.InvalidSubsetting, $"{s.Axis}({lo}) lies outside the coverage", s.Axis);
            return ((int)f, (int)f + 1);
        }
        // size < 0 for rows: the high coordinate is the first row.
        double a = lo is null ? (size > 0 ? 0 : count) : Cell(lo.Value);
        double b = hi is null ? (size > 0 ? count : 0) : Cell(hi.Value);
        var (from, to) = a <= b ? (a, b) : (b, a);
        var ff = Math.Floor(from + eps);
        var ee = Math.Ceiling(to - eps);
        if (ee <= ff) ee = ff + 1;   // a trim thinner than a cell keeps the cell it falls in
        if (ee <= 0 || ff >= count)
            throw WcsExceptionCode.Error(WcsExceptionCode.InvalidSubsetting, $"{s.Axis}({lo},{hi}) lies outside the coverage", s.Axis);
        first = (int)Math.Max(0, ff);
        end = (int)Math.Min(count, ee);
        return (first, end);
    }

    private static (int? W, int? H) Scale(WcsCoverage c, IQueryCollection q, int cutW, int cutH)
    {
        var factor = One(q, "scalefactor");
        var axes = One(q, "scaleaxes");
        var size = One(q, "scalesize");
        var extent = One(q, "scaleextent");
        var given = new[] { factor, axes, size, extent }.Count(v => !string.IsNullOrWhiteSpace(v));
        if (given == 0) return (null, null);
        if (given > 1)
            throw new OwsException(OwsExceptionCode.InvalidParameterValue, "scalefactor, scaleaxes, scalesize and scaleextent exclude each other", "scaling");
        if (!string.IsNullOrWhiteSpace(extent))
            throw WcsExceptionCode.Error(WcsExceptionCode.OptionNotSupported, "scaleextent is not supported (use scalesize)", "scaleextent");
        if (!string.IsNullOrWhiteSpace(size))
        {
            int? w = null, h = null;
            foreach (var (dim, v, axis) in AxisValues(c, size, "scalesize"))
            {
                if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
                    throw WcsExceptionCode.Error(WcsExceptionCode.InvalidScaleFactor, $"scalesize {axis}({OwsTime.Truncate(v)}) must be a positive integer", axis);
                if (dim == Dim.X) w = n; else h = n;
            }
            if (cutW < 0) return (w ?? 0, h ?? 0);
            return (w ?? cutW, h ?? cutH);
        }
        if (cutW < 0)
            throw WcsExceptionCode.Error(WcsExceptionCode.OptionNotSupported, "scale factors with subsets in another CRS are not supported (use scalesize)", "scalefactor");
        double fx = 1, fy = 1;
        if (!string.IsNullOrWhiteSpace(factor))
            fx = fy = Factor(factor, "scalefactor");
        else
            foreach (var (dim, v, axis) in AxisValues(c, axes!, "scaleaxes"))
            {
                var f = Factor(v, axis);
                if (dim == Dim.X) fx = f; else fy = f;
            }
        return (Math.Max(1, (int)Math.Round(cutW / fx)), Math.Max(1, (int)Math.Round(cutH / fy)));
    }

    private static double Factor(string v, string locator)
    {
        if (double.TryParse(v.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && double.IsFinite(f) && f > 0) return f;
        throw WcsExceptionCode.Error(WcsExceptionCode.InvalidScaleFactor, $"scale factor '{OwsTime.Truncate(v)}' must be a positive number", locator);
    }

    private static IEnumerable<(Dim Dim, string Value, string Axis)> AxisValues(WcsCoverage c, string list, string locator)
    {
        var seen = new HashSet<Dim>();
        foreach (var item in list.Split(')', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var part = item.TrimStart(',').Trim();
            if (part.Length == 0) continue;
            var open = part.IndexOf('(');
            if (open <= 0)
                throw WcsExceptionCode.Error(WcsExceptionCode.InvalidEncodingSyntax, $"{locator} must be axis(value),axis(value)", locator);
            var axis = part[..open].Trim();
            var dim = ScaleAxisOf(c, axis) is { } found ? found
                      : throw WcsExceptionCode.Error(WcsExceptionCode.ScaleAxisUndefined, $"'{OwsTime.Truncate(axis)}' is not an axis of {c.Id}", axis);
            if (!seen.Add(dim))
                throw new OwsException(OwsExceptionCode.InvalidParameterValue, $"axis {axis} is scaled twice", locator);
            yield return (dim, part[(open + 1)..].Trim(), axis);
        }
    }

    /// <summary><c>rangesubset=name,name:name,…</c> → 1-based bands (ranges by position, inclusive).</summary>
    private static IReadOnlyList<int> RangeSubset(WcsCoverage c, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return [];
        var bands = new List<int>();
        int Index(string name)
        {
            var n = name.Trim();
            var i = Array.FindIndex(c.FieldNames, f => f.Equals(n, StringComparison.OrdinalIgnoreCase));
            if (i < 0) i = Array.FindIndex(c.FieldNames, f => f.Equals(WcsIds.Encode(n), StringComparison.OrdinalIgnoreCase));
            if (i < 0)
                throw WcsExceptionCode.Error(WcsExceptionCode.NoSuchField, $"'{OwsTime.Truncate(n)}' is not a field of {c.Id} ({string.Join(", ", c.FieldNames)})", n.Length <= 100 ? n : "rangesubset");
            return i + 1;
        }
        foreach (var item in value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (item.Length == 0)
                throw WcsExceptionCode.Error(WcsExceptionCode.InvalidEncodingSyntax, "rangesubset has an empty item", "rangesubset");
            var colon = item.IndexOf(':');
            if (colon < 0) { bands.Add(Index(item)); continue; }
            int a = Index(item[..colon]), b = Index(item[(colon + 1)..]);
            for (var i = a; a <= b ? i <= b : i >= b; i += a <= b ? 1 : -1) bands.Add(i);
        }
        return bands;
    }

    private static int BytesPerSample(string? type) => type switch
    {
        "Byte" or "Int8" => 1,
        "UInt16" or "Int16" => 2,
        "UInt32" or "Int32" or "Float32" => 4,
        _ => 8,
    };
}
