using System.Globalization;
using System.Text.RegularExpressions;
using Prism.Catalog;
using Prism.Gdal;

namespace Prism.Gateway.Ows.Wcs;

/// <summary>
/// A catalog coverage as WCS sees it: its NCName id, CRS URI, axis labels in the CRS's own axis order (EPSG:4326 and
/// other geographic CRSs: <c>Lat Long</c>; projected ones: <c>E N</c>), envelope and grid.
/// </summary>
public sealed partial class WcsCoverage
{
    public ProductRecord Product { get; }
    public CoverageRecord Record { get; }
    public string Id { get; }
    /// <summary>EPSG code of the native CRS, when it has one.</summary>
    public int? Epsg { get; }
    public string CrsUri { get; }
    /// <summary>True when the native CRS is geographic (latitude first, as EPSG defines it).</summary>
    public bool Geographic { get; }
    /// <summary>Labels of the CRS axes in CRS order.</summary>
    public string[] AxisLabels => Geographic ? ["Lat", "Long"] : ["E", "N"];
    public string[] UomLabels => Geographic ? ["deg", "deg"] : ["m", "m"];
    public double[] Gt { get; }
    public int Width => Record.Width;
    public int Height => Record.Height;
    public bool Rotated => Gt[2] != 0 || Gt[4] != 0;
    /// <summary>Native extent in x/y order (x = easting/longitude).</summary>
    public (double MinX, double MinY, double MaxX, double MaxY) Extent { get; }
    /// <summary>west, south, east, north of the product footprint (degrees).</summary>
    public double[] Wgs84Box { get; }
    /// <summary>Band names as NCNames (the swe:field names, used by rangesubset).</summary>
    public string[] FieldNames { get; }

    public WcsCoverage(ProductRecord product, CoverageRecord coverage)
    {
        Product = product;
        Record = coverage;
        Id = WcsIds.Encode(coverage.Identifier);
        Gt = coverage.GeoTransform.Count == 6 ? coverage.GeoTransform.ToArray() : [0, 1, 0, 0, 0, -1];
        Epsg = EpsgOf(coverage.Crs);
        CrsUri = Epsg is int code ? CrsUriOf(code) : "http://www.opengis.net/def/crs/OGC/0/Index2D";
        Geographic = Epsg is int e ? IsGeographicEpsg(e) : coverage.Crs.TrimStart().StartsWith("GEOG", StringComparison.OrdinalIgnoreCase);
        double[] xs = [Gt[0], Gt[0] + Width * Gt[1], Gt[0] + Height * Gt[2], Gt[0] + Width * Gt[1] + Height * Gt[2]];
        double[] ys = [Gt[3], Gt[3] + Width * Gt[4], Gt[3] + Height * Gt[5], Gt[3] + Width * Gt[4] + Height * Gt[5]];
        Extent = (xs.Min(), ys.Min(), xs.Max(), ys.Max());
        Wgs84Box = BoxOfWkt(product.FootprintWkt) ?? (Geographic ? [Extent.MinX, Extent.MinY, Extent.MaxX, Extent.MaxY] : [-180, -90, 180, 90]);
        var names = new HashSet<string>(StringComparer.Ordinal);
        FieldNames = coverage.Bands.Select((b, i) =>
        {
            var n = WcsIds.Encode(string.IsNullOrWhiteSpace(b.Name) ? $"band{i + 1}" : b.Name);
            return names.Add(n) ? n : $"{n}_{i + 1}";
        }).ToArray();
    }

    /// <summary>A CRS pair (x/y order) in CRS axis order.</summary>
    public (double A, double B) InAxisOrder(double x, double y) => Geographic ? (y, x) : (x, y);

    public static string CrsUriOf(int epsg) => $"http://www.opengis.net/def/crs/EPSG/0/{epsg}";

    /// <summary>Geographic 2D CRSs are EPSG 4000–4999 except the geocentric/3D ones (heuristic, documented).</summary>
    public static bool IsGeographicEpsg(int code) => code is >= 4000 and < 5000 and not (4978 or 4979 or 4936 or 4937);

    /// <summary>"EPSG:n", an EPSG URI/URN, or WKT with an EPSG authority → n.</summary>
    public static int? EpsgOf(string? crs)
    {
        if (string.IsNullOrWhiteSpace(crs)) return null;
        var t = crs.Trim();
        var m = EpsgPattern().Match(t);
        if (m.Success) return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (t.Equals("CRS:84", StringComparison.OrdinalIgnoreCase) || t.EndsWith("/OGC/1.3/CRS84", StringComparison.OrdinalIgnoreCase)
            || t.EndsWith("OGC:1.3:CRS84", StringComparison.OrdinalIgnoreCase)) return 4326;
        if (t.Contains('[', StringComparison.Ordinal))
        {
            try
            {
                var code = GdalUtils.AuthorityCode(t);
                if (code is not null && code.StartsWith("EPSG:", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(code.AsSpan(5), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
            }
            catch (Exception) { return null; }
        }
        return null;
    }

    [GeneratedRegex(@"^(?:EPSG:|urn:ogc:def:crs:EPSG:[^:]*:|https?://www\.opengis\.net/def/crs/EPSG/[^/]+/)(\d{1,6})$", RegexOptions.IgnoreCase)]
    private static partial Regex EpsgPattern();

    [GeneratedRegex(@"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")]
    private static partial Regex Number();

    /// <summary>west, south, east, north of every coordinate pair in a WKT (lon/lat), or null.</summary>
    public static double[]? BoxOfWkt(string? wkt)
    {
        if (string.IsNullOrEmpty(wkt)) return null;
        var v = Number().Matches(wkt).Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).ToArray();
        if (v.Length < 2) return null;
        double w = double.MaxValue, s = double.MaxValue, e = double.MinValue, n = double.MinValue;
        for (var i = 0; i + 1 < v.Length; i += 2)
        {
            w = Math.Min(w, v[i]); e = Math.Max(e, v[i]);
            s = Math.Min(s, v[i + 1]); n = Math.Max(n, v[i + 1]);
        }
        return [w, s, e, n];
    }

    /// <summary>The exterior rings of a (MULTI)POLYGON WKT as lon/lat pairs.</summary>
    public static IReadOnlyList<double[]> RingsOfWkt(string? wkt)
    {
        var rings = new List<double[]>();
        if (string.IsNullOrEmpty(wkt)) return rings;
        // Every "((" opens a polygon whose first ring is the exterior one.
        var idx = 0;
        while ((idx = wkt.IndexOf("((", idx, StringComparison.Ordinal)) >= 0)
        {
            var end = wkt.IndexOf(')', idx);
            if (end < 0) break;
            var v = Number().Matches(wkt[(idx + 2)..end]).Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).ToArray();
            if (v.Length >= 8) rings.Add(v);
            idx = end;
        }
        return rings;
    }
}
