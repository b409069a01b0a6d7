using System.Globalization;
using System.Text;

namespace Prism.Catalog;

/// <summary>An axis-aligned box in lon/lat degrees (closed: its edges belong to it).</summary>
public readonly record struct GeoBox(double MinX, double MinY, double MaxX, double MaxY)
{
    public bool Intersects(GeoBox other) =>
        MinX <= other.MaxX && other.MinX <= MaxX && MinY <= other.MaxY && other.MinY <= MaxY;

    public bool Contains(double x, double y) => x >= MinX && x <= MaxX && y >= MinY && y <= MaxY;

    /// <summary>
    /// The boxes a query bbox (west, south, east, north) stands for: one box, or two when west &gt; east (the box
    /// crosses the antimeridian and is split at ±180).
    /// </summary>
    public static IReadOnlyList<GeoBox> FromQueryBbox(IReadOnlyList<double> bbox)
    {
        ArgumentNullException.ThrowIfNull(bbox);
        if (bbox.Count != 4) throw new ArgumentException("A bbox has 4 numbers: west, south, east, north.", nameof(bbox));
        double w = bbox[0], s = bbox[1], e = bbox[2], n = bbox[3];
        if (!double.IsFinite(w) || !double.IsFinite(s) || !double.IsFinite(e) || !double.IsFinite(n))
            throw new ArgumentException("The bbox has a non-finite number.", nameof(bbox));
        if (s > n) throw new ArgumentException("The bbox's south is greater than its north.", nameof(bbox));
        if (w <= e) return [new GeoBox(w, s, e, n)];
        return [new GeoBox(w, s, 180, n), new GeoBox(-180, s, e, n)];
    }
}

/// <summary>
/// A (multi)polygon footprint in lon/lat (x = longitude, y = latitude) parsed from WKT, with the few operations the
/// catalog needs: bounding boxes and an exact polygon/box intersection test with the semantics of PostGIS's
/// <c>ST_Intersects(footprint, ST_MakeEnvelope(...))</c> (interiors or boundaries touching count).
/// </summary>
public sealed class Footprint
{
    /// <summary>Polygons; each is a list of rings (the first the exterior, the others holes); a ring is closed.</summary>
    public IReadOnlyList<IReadOnlyList<Ring>> Polygons { get; }

    internal Footprint(IReadOnlyList<IReadOnlyList<Ring>> polygons) => Polygons = polygons;

    /// <summary>A closed ring: <c>X[0] == X[^1]</c> and <c>Y[0] == Y[^1]</c>, at least 4 points.</summary>
    public sealed class Ring
    {
        public double[] X { get; }
        public double[] Y { get; }
        public GeoBox Box { get; }

        internal Ring(double[] x, double[] y)
        {
            X = x;
            Y = y;
            double minX = double.PositiveInfinity, minY = double.PositiveInfinity;
            double maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
            for (var i = 0; i < x.Length; i++)
            {
                minX = Math.Min(minX, x[i]); maxX = Math.Max(maxX, x[i]);
                minY = Math.Min(minY, y[i]); maxY = Math.Max(maxY, y[i]);
            }
            Box = new GeoBox(minX, minY, maxX, maxY);
        }
    }

    /// <summary>The bounding box of each polygon (its exterior ring).</summary>
    public IEnumerable<GeoBox> PartBoxes => Polygons.Select(p => p[0].Box);

    public GeoBox Box
    {
        get
        {
            var boxes = PartBoxes.ToList();
            return new GeoBox(boxes.Min(b => b.MinX), boxes.Min(b => b.MinY), boxes.Max(b => b.MaxX), boxes.Max(b => b.MaxY));
        }
    }

    /// <summary>True when the footprint and the (closed) box share at least one point.</summary>
    public bool Intersects(GeoBox box)
    {
        foreach (var polygon in Polygons)
            if (PolygonIntersects(polygon, box)) return true;
        return false;
    }

    private static bool PolygonIntersects(IReadOnlyList<Ring> polygon, GeoBox box)
    {
        if (!polygon[0].Box.Intersects(box)) return false;
        // A vertex of any ring lies on the polygon's boundary, so a vertex inside the box is a shared point.
        foreach (var ring in polygon)
            for (var i = 0; i < ring.X.Length; i++)
                if (box.Contains(ring.X[i], ring.Y[i])) return true;
        // An edge crossing the box's boundary is a shared point too.
        foreach (var ring in polygon)
        {
            if (!ring.Box.Intersects(box)) continue;
            for (var i = 0; i + 1 < ring.X.Length; i++)
                if (SegmentCrossesBox(ring.X[i], ring.Y[i], ring.X[i + 1], ring.Y[i + 1], box)) return true;
        }
        // No boundary meets the box: the box lies wholly inside the polygon or wholly outside it.
        return PointInPolygon(polygon, box.MinX, box.MinY);
    }

    private static bool SegmentCrossesBox(double ax, double ay, double bx, double by, GeoBox box)
    {
        if (Math.Max(ax, bx) < box.MinX || Math.Min(ax, bx) > box.MaxX ||
            Math.Max(ay, by) < box.MinY || Math.Min(ay, by) > box.MaxY) return false;
        return SegmentsIntersect(ax, ay, bx, by, box.MinX, box.MinY, box.MaxX, box.MinY)
            || SegmentsIntersect(ax, ay, bx, by, box.MaxX, box.MinY, box.MaxX, box.MaxY)
            || SegmentsIntersect(ax, ay, bx, by, box.MaxX, box.MaxY, box.MinX, box.MaxY)
            || SegmentsIntersect(ax, ay, bx, by, box.MinX, box.MaxY, box.MinX, box.MinY);
    }

    internal static int Orientation(double ax, double ay, double bx, double by, double cx, double cy)
    {
        var cross = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
        return cross > 0 ? 1 : cross < 0 ? -1 : 0;
    }

    internal static bool OnSegment(double ax, double ay, double bx, double by, double px, double py) =>
        px >= Math.Min(ax, bx) && px <= Math.Max(ax, bx) && py >= Math.Min(ay, by) && py <= Math.Max(ay, by);

    /// <summary>Closed segments [a,b] and [c,d] share a point.</summary>
    internal static bool SegmentsIntersect(double ax, double ay, double bx, double by,
        double cx, double cy, double dx, double dy)
    {
        var o1 = Orientation(ax, ay, bx, by, cx, cy);
        var o2 = Orientation(ax, ay, bx, by, dx, dy);
        var o3 = Orientation(cx, cy, dx, dy, ax, ay);
        var o4 = Orientation(cx, cy, dx, dy, bx, by);
        if (o1 * o2 < 0 && o3 * o4 < 0) return true;
        if (o1 == 0 && OnSegment(ax, ay, bx, by, cx, cy)) return true;
        if (o2 == 0 && OnSegment(ax, ay, bx, by, dx, dy)) return true;
        if (o3 == 0 && OnSegment(cx, cy, dx, dy, ax, ay)) return true;
        if (o4 == 0 && OnSegment(cx, cy, dx, dy, bx, by)) return true;
        return false;
    }

    /// <summary>Even-odd rule over all rings (exterior and holes); the point is known to be off every boundary.</summary>
    private static bool PointInPolygon(IReadOnlyList<Ring> polygon, double px, double py)
    {
        var inside = false;
        foreach (var ring in polygon)
        {
            var x = ring.X;
            var y = ring.Y;
            for (int i = 0, j = x.Length - 2; i < x.Length - 1; j = i++)
            {
                if ((y[i] > py) != (y[j] > py) &&
                    px < (x[j] - x[i]) * (py - y[i]) / (y[j] - y[i]) + x[i])
                    inside = !inside;
            }
        }
        return inside;
    }

    /// <summary>The footprint as MULTIPOLYGON WKT, coordinates in their shortest round-trip form.</summary>
    public string ToWkt()
    {
        var sb = new StringBuilder("MULTIPOLYGON(");
        for (var p = 0; p < Polygons.Count; p++)
        {
            if (p > 0) sb.Append(',');
            sb.Append('(');
            for (var r = 0; r < Polygons[p].Count; r++)
            {
                if (r > 0) sb.Append(',');
                sb.Append('(');
                var ring = Polygons[p][r];
                for (var i = 0; i < ring.X.Length; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append(ring.X[i].ToString("R", CultureInfo.InvariantCulture)).Append(' ')
                      .Append(ring.Y[i].ToString("R", CultureInfo.InvariantCulture));
                }
                sb.Append(')');
            }
            sb.Append(')');
        }
        return sb.Append(')').ToString();
    }

    /// <summary>Builds a footprint from polygons given as lists of rings of (x, y) points.</summary>
    public static Footprint FromPolygons(IEnumerable<IEnumerable<IEnumerable<(double X, double Y)>>> polygons)
    {
        var result = new List<IReadOnlyList<Ring>>();
        foreach (var polygon in polygons)
        {
            var rings = new List<Ring>();
            foreach (var ring in polygon)
            {
                var points = ring.ToList();
                rings.Add(MakeRing(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray()));
            }
            if (rings.Count == 0) throw new FormatException("A polygon has no ring.");
            result.Add(rings);
        }
        if (result.Count == 0) throw new FormatException("The footprint has no polygon.");
        return new Footprint(result);
    }

    private static Ring MakeRing(double[] x, double[] y)
    {
        if (x.Length < 4) throw new FormatException("A polygon ring has fewer than 4 points.");
        foreach (var v in x.Concat(y))
            if (!double.IsFinite(v)) throw new FormatException("A coordinate is not a finite number.");
        if (x[0] != x[^1] || y[0] != y[^1]) throw new FormatException("A polygon ring is not closed.");
        return new Ring(x, y);
    }

    /// <summary>Parses POLYGON or MULTIPOLYGON WKT (2D, optionally with an <c>SRID=4326;</c> prefix).</summary>
    /// <exception cref="FormatException">The text is not a non-empty 2D polygon or multipolygon.</exception>
    public static Footprint Parse(string wkt)
    {
        ArgumentNullException.ThrowIfNull(wkt);
        var reader = new WktReader(wkt);
        return reader.Read();
    }

    public static bool TryParse(string? wkt, out Footprint? footprint)
    {
        footprint = null;
        if (wkt is null) return false;
        try
        {
            footprint = Parse(wkt);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private ref struct WktReader(string text)
    {
        private WktScanner _s = new(text, "footprint");

        public Footprint Read()
        {
            if (char.ToUpperInvariant(_s.Peek()) == 'S')
            {
                var word = _s.Word();
                if (word != "SRID") throw _s.Error("expected a geometry type");
                _s.Expect('=');
                var srid = _s.Word();
                if (srid != "4326") throw _s.Error("only SRID 4326 is supported");
                _s.Expect(';');
            }
            var type = _s.Word();
            var next = _s.PeekWord();
            if (next is "Z" or "M" or "ZM") throw _s.Error("only 2D coordinates are supported");
            if (next == "EMPTY") throw _s.Error("the geometry is empty");
            List<IReadOnlyList<Ring>> polygons;
            switch (type)
            {
                case "POLYGON":
                    polygons = [ReadPolygon()];
                    break;
                case "MULTIPOLYGON":
                    polygons = [];
                    _s.Expect('(');
                    do polygons.Add(ReadPolygon()); while (_s.TryConsume(','));
                    _s.Expect(')');
                    break;
                default:
                    throw _s.Error($"expected POLYGON or MULTIPOLYGON, found '{type}'");
            }
            if (!_s.AtEnd()) throw _s.Error("unexpected text after the geometry");
            return new Footprint(polygons);
        }

        private List<Ring> ReadPolygon()
        {
            var rings = new List<Ring>();
            _s.Expect('(');
            do rings.Add(ReadRing()); while (_s.TryConsume(','));
            _s.Expect(')');
            return rings;
        }

        private Ring ReadRing()
        {
            var xs = new List<double>();
            var ys = new List<double>();
            _s.Expect('(');
            do
            {
                xs.Add(_s.Number());
                ys.Add(_s.Number());
                if (_s.Peek() is not ('\0' or ',' or ')'))
                    throw _s.Error("only 2D coordinates are supported");
            } while (_s.TryConsume(','));
            _s.Expect(')');
            return MakeRing(xs.ToArray(), ys.ToArray());
        }
    }
}
