using System.Globalization;

namespace Prism.Maps.Rendering;

/// <summary>
/// Draws footprint outlines (<c>POLYGON</c>/<c>MULTIPOLYGON</c> WKT in lon/lat) as 1-pixel lines for the
/// <c>__outlines</c> layers: EPSG:4326 (x = lon, y = lat) directly, EPSG:3857 with the spherical-mercator formula.
/// Rings crossing the antimeridian (a jump of more than 180° between two vertices) are unwrapped and also drawn
/// shifted by ±360° so both halves appear. Edges are densified (≤ 0.25° steps) so they curve correctly in EPSG:3857.
/// Thread-safe.
/// </summary>
public static class OutlineRenderer
{
    private const double EarthRadius = 6378137.0;
    private const double MaxMercatorLatitude = 85.0511287798066;
    private const double DensifyStepDegrees = 0.25;

    /// <summary>Renders the outlines with colour <paramref name="rgba"/> (0xRRGGBBAA) on a transparent image (JPEG: on white).</summary>
    public static EncodedImage Render(IReadOnlyList<string> footprintsWkt, string crs, double[] extent, int w, int h, ImageFormat f,
        uint rgba = 0xFF0000FF)
    {
        var pixels = RenderRgba(footprintsWkt, crs, extent, w, h, rgba);
        return ImageEncoder.Encode(pixels, w, h, f, new EncodeOptions { Transparent = true, Background = 0xFFFFFF });
    }

    /// <summary>The outline pixels as RGBA (w × h × 4, transparent elsewhere).</summary>
    public static byte[] RenderRgba(IReadOnlyList<string> footprintsWkt, string crs, double[] extent, int w, int h, uint rgba = 0xFF0000FF)
    {
        ArgumentNullException.ThrowIfNull(footprintsWkt);
        if (w is <= 0 or > 16384 || h is <= 0 or > 16384) throw new ArgumentOutOfRangeException(nameof(w), "image size out of 1..16384");
        if (extent is not { Length: 4 } || !(extent[2] > extent[0]) || !(extent[3] > extent[1]))
            throw new ArgumentException("the extent is minX, minY, maxX, maxY with max > min", nameof(extent));
        var mercator = crs.Trim().ToUpperInvariant() switch
        {
            "EPSG:4326" or "CRS:84" or "OGC:CRS84" => false,
            "EPSG:3857" or "EPSG:900913" => true,
            _ => throw new NotSupportedException($"outlines are drawn in EPSG:4326 and EPSG:3857, not {crs}"),
        };
        var canvas = new Canvas(w, h, rgba);
        var polygons = new List<List<(double X, double Y)>>();
        var sx = w / (extent[2] - extent[0]);
        var sy = h / (extent[3] - extent[1]);
        (double X, double Y) ToPixel(double lon, double lat)
        {
            double x = lon, y = lat;
            if (mercator)
            {
                x = EarthRadius * lon * Math.PI / 180;
                var phi = Math.Clamp(lat, -MaxMercatorLatitude, MaxMercatorLatitude) * Math.PI / 180;
                y = EarthRadius * Math.Log(Math.Tan(Math.PI / 4 + phi / 2));
            }
            return ((x - extent[0]) * sx, (extent[3] - y) * sy);
        }

        foreach (var wkt in footprintsWkt)
        {
            if (string.IsNullOrWhiteSpace(wkt)) continue;
            foreach (var ring in Wkt.Rings(wkt))
            {
                var unwrapped = Unwrap(ring, out var crosses);
                double[] shifts = crosses || unwrapped.Any(p => p.Lon > 180 || p.Lon < -180) ? [-360, 0, 360] : [0];
                foreach (var shift in shifts)
                {
                    var polygon = new List<(double X, double Y)>();
                    for (var i = 1; i < unwrapped.Count; i++)
                    {
                        var (a, b) = (unwrapped[i - 1], unwrapped[i]);
                        var steps = Math.Max(1, (int)Math.Ceiling(Math.Max(Math.Abs(b.Lon - a.Lon), Math.Abs(b.Lat - a.Lat)) / DensifyStepDegrees));
                        var prev = ToPixel(a.Lon + shift, a.Lat);
                        for (var k = 1; k <= steps; k++)
                        {
                            var t = (double)k / steps;
                            var next = ToPixel(a.Lon + (b.Lon - a.Lon) * t + shift, a.Lat + (b.Lat - a.Lat) * t);
                            canvas.Line(prev.X, prev.Y, next.X, next.Y);
                            polygon.Add(prev);
                            prev = next;
                        }
                    }
                    polygons.Add(polygon);
                }
            }
        }
        // A light fill (a quarter of the line's opacity) under the lines, so a tile inside a footprint shows it too.
        foreach (var polygon in polygons) canvas.Fill(polygon, (byte)((rgba & 0xFF) / 4));
        return canvas.Pixels;
    }

    /// <summary>Makes longitudes continuous along the ring (no jump over 180°).</summary>
    private static List<(double Lon, double Lat)> Unwrap(List<(double Lon, double Lat)> ring, out bool crosses)
    {
        crosses = false;
        var result = new List<(double, double)>(ring.Count);
        double offset = 0;
        for (var i = 0; i < ring.Count; i++)
        {
            if (i > 0)
            {
                var d = ring[i].Lon - ring[i - 1].Lon;
                // An edge between two points on ±180 (a whole-world box) is meant literally, not as a crossing.
                if (Math.Abs(ring[i].Lon) == 180 && Math.Abs(ring[i - 1].Lon) == 180) d = 0;
                if (d > 180) { offset -= 360; crosses = true; }
                else if (d < -180) { offset += 360; crosses = true; }
            }
            result.Add((ring[i].Lon + offset, ring[i].Lat));
        }
        return result;
    }

    /// <summary>An RGBA buffer with clipped Bresenham lines.</summary>
    private sealed class Canvas(int width, int height, uint rgba)
    {
        public byte[] Pixels { get; } = new byte[width * height * 4];

        public void Line(double x0, double y0, double x1, double y1)
        {
            if (!Clip(ref x0, ref y0, ref x1, ref y1)) return;
            int ax = (int)Math.Floor(x0), ay = (int)Math.Floor(y0), bx = (int)Math.Floor(x1), by = (int)Math.Floor(y1);
            int dx = Math.Abs(bx - ax), dy = -Math.Abs(by - ay);
            int stepX = ax < bx ? 1 : -1, stepY = ay < by ? 1 : -1;
            var err = dx + dy;
            while (true)
            {
                Plot(ax, ay);
                if (ax == bx && ay == by) break;
                var e2 = 2 * err;
                if (e2 >= dy) { err += dy; ax += stepX; }
                if (e2 <= dx) { err += dx; ay += stepY; }
            }
        }

        /// <summary>Even-odd scanline fill of one ring at pixel centres; pixels already drawn (lines) are kept.</summary>
        public void Fill(List<(double X, double Y)> ring, byte alpha)
        {
            if (ring.Count < 3 || alpha == 0) return;
            var crossings = new List<double>();
            for (var y = 0; y < height; y++)
            {
                var cy = y + 0.5;
                crossings.Clear();
                for (var i = 0; i < ring.Count; i++)
                {
                    var (a, b) = (ring[i], ring[(i + 1) % ring.Count]);
                    if ((a.Y <= cy) == (b.Y <= cy)) continue;
                    crossings.Add(a.X + (cy - a.Y) * (b.X - a.X) / (b.Y - a.Y));
                }
                crossings.Sort();
                for (var k = 0; k + 1 < crossings.Count; k += 2)
                {
                    var from = (int)Math.Max(0, Math.Ceiling(crossings[k] - 0.5));
                    var to = (int)Math.Min(width - 1, Math.Floor(crossings[k + 1] - 0.5));
                    for (var x = from; x <= to; x++)
                    {
                        var o = (y * width + x) * 4;
                        if (Pixels[o + 3] != 0) continue;
                        Pixels[o] = (byte)(rgba >> 24);
                        Pixels[o + 1] = (byte)(rgba >> 16);
                        Pixels[o + 2] = (byte)(rgba >> 8);
                        Pixels[o + 3] = alpha;
                    }
                }
            }
        }

        private void Plot(int x, int y)
        {
            if ((uint)x >= (uint)width || (uint)y >= (uint)height) return;
            var o = (y * width + x) * 4;
            Pixels[o] = (byte)(rgba >> 24);
            Pixels[o + 1] = (byte)(rgba >> 16);
            Pixels[o + 2] = (byte)(rgba >> 8);
            Pixels[o + 3] = (byte)rgba;
        }

        /// <summary>Liang–Barsky clipping to the canvas (with a one-pixel margin); false when the segment is outside.</summary>
        private bool Clip(ref double x0, ref double y0, ref double x1, ref double y1)
        {
            if (!double.IsFinite(x0) || !double.IsFinite(y0) || !double.IsFinite(x1) || !double.IsFinite(y1)) return false;
            double minX = -1, minY = -1, maxX = width + 1, maxY = height + 1;
            double t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
            bool Edge(double p, double q)
            {
                if (p == 0) return q >= 0;
                var r = q / p;
                if (p < 0) { if (r > t1) return false; if (r > t0) t0 = r; }
                else { if (r < t0) return false; if (r < t1) t1 = r; }
                return true;
            }
            if (!Edge(-dx, x0 - minX) || !Edge(dx, maxX - x0) || !Edge(-dy, y0 - minY) || !Edge(dy, maxY - y0)) return false;
            (x1, y1) = (x0 + t1 * dx, y0 + t1 * dy);
            (x0, y0) = (x0 + t0 * dx, y0 + t0 * dy);
            return true;
        }
    }
}

/// <summary>A minimal reader of the rings of POLYGON / MULTIPOLYGON WKT (2D; Z/M ordinates ignored).</summary>
internal static class Wkt
{
    public static IEnumerable<List<(double Lon, double Lat)>> Rings(string wkt)
    {
        // Rings are the innermost parenthesised groups: "(x y, x y, …)".
        var depthStart = -1;
        for (var i = 0; i < wkt.Length; i++)
        {
            if (wkt[i] == '(') depthStart = i;
            else if (wkt[i] == ')' && depthStart >= 0)
            {
                var ring = ParseRing(wkt.AsSpan(depthStart + 1, i - depthStart - 1));
                depthStart = -1;
                if (ring.Count >= 2) yield return ring;
            }
        }
    }

    private static List<(double, double)> ParseRing(ReadOnlySpan<char> text)
    {
        var points = new List<(double, double)>();
        Span<double> xy = stackalloc double[2];
        foreach (var range in text.Split(','))
        {
            var point = text[range].Trim();
            var n = 0;
            foreach (var part in point.Split(' '))
            {
                var token = point[part];
                if (token.IsEmpty) continue;
                if (n < 2)
                {
                    if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out xy[n]))
                        throw new FormatException($"bad coordinate '{token}' in WKT");
                }
                n++;
            }
            if (n < 2) throw new FormatException($"bad point '{point}' in WKT");
            points.Add((xy[0], xy[1]));
        }
        return points;
    }
}
