using System.Globalization;
using System.Text;

namespace Prism.Gdal;

/// <summary>
/// The outline of a raster's valid pixels (not no-data in at least one band) as a lon/lat MULTIPOLYGON WKT: the
/// raster is read at a reduced size (RasterIO decimation, at most <c>samples</c> pixels a side) and, row by row,
/// the first and last valid pixel become the left and right edges of one ring. Exact for convex swaths, a
/// row-wise hull otherwise. Rasters without no-data, or without a geotransform, fall back to
/// <see cref="RasterInfo.FootprintWkt"/> (the image extent).
/// </summary>
public static class ValidDataOutline
{
    public static string? FootprintWkt(string path, int samples = 256)
    {
        var info = RasterInfo.Read(path);
        using var ds = GdalDataset.Open(path);
        var nodata = ds.Bands.Select(b => b.NoDataValue).ToArray();
        if (!ds.TryGetGeoTransform(out var gt) || info.CrsWkt is null || nodata.Any(n => n is null))
            return info.FootprintWkt();

        var scale = Math.Max(1.0, Math.Max(ds.Width, ds.Height) / (double)samples);
        var w = Math.Max(1, (int)Math.Ceiling(ds.Width / scale));
        var h = Math.Max(1, (int)Math.Ceiling(ds.Height / scale));
        var values = new float[ds.BandCount * w * h];
        ds.Read<float>(0, 0, ds.Width, ds.Height, values, w, h);

        var left = new List<(double C, double R)>();
        var right = new List<(double C, double R)>();
        for (var r = 0; r < h; r++)
        {
            int min = -1, max = -1;
            for (var c = 0; c < w; c++)
            {
                var valid = false;
                for (var b = 0; b < ds.BandCount && !valid; b++)
                    valid = values[(b * h + r) * w + c] != (float)nodata[b]!.Value;
                if (!valid) continue;
                if (min < 0) min = c;
                max = c;
            }
            if (min < 0) continue;
            left.Add((min, r));
            left.Add((min, r + 1));
            right.Add((max + 1, r));
            right.Add((max + 1, r + 1));
        }
        if (left.Count == 0) return null;
        right.Reverse();
        var ring = left.Concat(right).ToList();
        ring.Add(ring[0]);

        // Buffer pixels → full-resolution pixels → CRS → lon/lat.
        double sx = ds.Width / (double)w, sy = ds.Height / (double)h;
        var x = ring.Select(p => gt[0] + p.C * sx * gt[1] + p.R * sy * gt[2]).ToArray();
        var y = ring.Select(p => gt[3] + p.C * sx * gt[4] + p.R * sy * gt[5]).ToArray();
        using var src = SpatialReference.Create(info.CrsWkt);
        using var wgs84 = SpatialReference.Create("EPSG:4326");
        var ok = src.Transform(wgs84, x, y);
        var sb = new StringBuilder("MULTIPOLYGON(((");
        var n = 0;
        for (var i = 0; i < x.Length; i++)
        {
            if (!ok[i] || !double.IsFinite(x[i]) || !double.IsFinite(y[i])) continue;
            if (n++ > 0) sb.Append(',');
            sb.Append(x[i].ToString("R", CultureInfo.InvariantCulture)).Append(' ')
              .Append(y[i].ToString("R", CultureInfo.InvariantCulture));
        }
        return n < 4 ? info.FootprintWkt() : sb.Append(")))").ToString();
    }
}
