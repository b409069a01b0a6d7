using System.Globalization;
using System.Text;
using Ring = Prism.Catalog.Footprint.Ring;

namespace Prism.Catalog;

public enum QueryGeometryKind
{
    Point,
    LineString,
    Polygon,
    MultiPolygon,
}

/// <summary>
/// A search geometry (<see cref="ProductQuery.GeometryWkt"/> or a bbox taken as polygons) in lon/lat, parsed
/// defensively: bounded text length and vertex count, finite coordinates inside [-180,180] × [-90,90], closed
/// non-degenerate rings without self-crossings. <see cref="Relate"/> evaluates a <see cref="GeoRelation"/> between a
/// footprint and this geometry with closed-set (DE-9IM) semantics, as PostGIS's <c>ST_Intersects</c>,
/// <c>ST_Contains</c> and <c>ST_Within</c> do: a point on a footprint's boundary intersects it but is not contained
/// by it; a footprint is never within a point or a line.
/// </summary>
public sealed class QueryGeometry
{
    /// <summary>Longest WKT accepted (characters).</summary>
    public const int MaxWktLength = 100_000;

    /// <summary>Most vertices accepted in one geometry (all parts and rings together).</summary>
    public const int MaxVertices = 10_000;

    public QueryGeometryKind Kind { get; }

    /// <summary>The vertices of a point (one) or a line string (two or more, no repeated neighbours).</summary>
    public IReadOnlyList<double> X { get; }
    public IReadOnlyList<double> Y { get; }

    /// <summary>Polygons (exterior ring first, then holes) of a polygon or multipolygon; empty otherwise.</summary>
    public IReadOnlyList<IReadOnlyList<Ring>> Polygons { get; }

    public GeoBox Envelope { get; }

    private readonly double[] _x;
    private readonly double[] _y;

    private QueryGeometry(QueryGeometryKind kind, double[] x, double[] y, IReadOnlyList<IReadOnlyList<Ring>> polygons)
    {
        Kind = kind;
        _x = x;
        _y = y;
        X = x;
        Y = y;
        Polygons = polygons;
        if (polygons.Count > 0)
        {
            var boxes = polygons.Select(p => p[0].Box).ToList();
            Envelope = new GeoBox(boxes.Min(b => b.MinX), boxes.Min(b => b.MinY), boxes.Max(b => b.MaxX), boxes.Max(b => b.MaxY));
        }
        else
        {
            Envelope = new GeoBox(x.Min(), y.Min(), x.Max(), y.Max());
        }
    }

    // ---- construction -----------------------------------------------------------------------------------------

    /// <summary>Parses POINT, LINESTRING, POLYGON or MULTIPOLYGON WKT (2D, optional <c>SRID=4326;</c> prefix).</summary>
    /// <exception cref="ArgumentException">The text is too long, malformed, out of range, or not a valid geometry.</exception>
    public static QueryGeometry Parse(string wkt)
    {
        ArgumentNullException.ThrowIfNull(wkt);
        if (wkt.Length > MaxWktLength)
            throw new ArgumentException($"The geometry WKT is longer than {MaxWktLength} characters.", nameof(wkt));
        try
        {
            return new Reader(wkt).Read();
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, nameof(wkt), e);
        }
    }

    /// <summary>
    /// A bbox (west, south, east, north) as a geometry: its box, or the two boxes either side of the antimeridian
    /// when west &gt; east. A box of zero width and height is a point, one of zero width or height a line.
    /// </summary>
    public static QueryGeometry FromBbox(IReadOnlyList<double> bbox)
    {
        var boxes = GeoBox.FromQueryBbox(bbox);
        foreach (var b in boxes)
            if (b.MinX < -180 || b.MaxX > 180 || b.MinY < -90 || b.MaxY > 90)
                throw new ArgumentException("The bbox lies outside [-180,180] × [-90,90].", nameof(bbox));
        if (boxes.Count == 1)
        {
            var b = boxes[0];
            if (b.MinX == b.MaxX && b.MinY == b.MaxY) return new QueryGeometry(QueryGeometryKind.Point, [b.MinX], [b.MinY], []);
            if (b.MinX == b.MaxX || b.MinY == b.MaxY)
                return new QueryGeometry(QueryGeometryKind.LineString, [b.MinX, b.MaxX], [b.MinY, b.MaxY], []);
        }
        else if (boxes[0].MinY == boxes[0].MaxY)
        {
            throw new ArgumentException("A bbox crossing the antimeridian needs a height when used with a relation other than intersects.", nameof(bbox));
        }
        var polygons = boxes.Select(b => (IReadOnlyList<Ring>)[new Ring(
            [b.MinX, b.MaxX, b.MaxX, b.MinX, b.MinX], [b.MinY, b.MinY, b.MaxY, b.MaxY, b.MinY])]).ToList();
        return new QueryGeometry(polygons.Count == 1 ? QueryGeometryKind.Polygon : QueryGeometryKind.MultiPolygon, [], [], polygons);
    }

    /// <summary>The geometry as WKT, coordinates in their shortest round-trip form (what PostGIS is given).</summary>
    public string ToWkt()
    {
        var sb = new StringBuilder();
        void Coords(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
        {
            sb.Append('(');
            for (var i = 0; i < xs.Count; i++)
            {
                if (i > 0) sb.Append(',');
                sb.Append(xs[i].ToString("R", CultureInfo.InvariantCulture)).Append(' ')
                  .Append(ys[i].ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append(')');
        }
        void Polygon(IReadOnlyList<Ring> rings)
        {
            sb.Append('(');
            for (var r = 0; r < rings.Count; r++)
            {
                if (r > 0) sb.Append(',');
                Coords(rings[r].X, rings[r].Y);
            }
            sb.Append(')');
        }
        switch (Kind)
        {
            case QueryGeometryKind.Point: sb.Append("POINT"); Coords(_x, _y); break;
            case QueryGeometryKind.LineString: sb.Append("LINESTRING"); Coords(_x, _y); break;
            case QueryGeometryKind.Polygon: sb.Append("POLYGON"); Polygon(Polygons[0]); break;
            default:
                sb.Append("MULTIPOLYGON(");
                for (var p = 0; p < Polygons.Count; p++)
                {
                    if (p > 0) sb.Append(',');
                    Polygon(Polygons[p]);
                }
                sb.Append(')');
                break;
        }
        return sb.ToString();
    }

    // ---- relations --------------------------------------------------------------------------------------------

    /// <summary>Whether <paramref name="footprint"/> relates to this geometry by <paramref name="relation"/>.</summary>
    public bool Relate(Footprint footprint, GeoRelation relation)
    {
        ArgumentNullException.ThrowIfNull(footprint);
        return relation switch
        {
            GeoRelation.Intersects => Intersects(footprint.Polygons),
            GeoRelation.Disjoint => !Intersects(footprint.Polygons),
            GeoRelation.Contains => ContainedBy(footprint.Polygons),
            GeoRelation.Within => Polygons.Count > 0 && Planar.Contains(Polygons, footprint.Polygons),
            _ => throw new ArgumentOutOfRangeException(nameof(relation), relation, "Unknown geometry relation."),
        };
    }

    private bool Intersects(IReadOnlyList<IReadOnlyList<Ring>> area)
    {
        switch (Kind)
        {
            case QueryGeometryKind.Point:
                return Planar.Locate(area, _x[0], _y[0]) != Location.Outside;
            case QueryGeometryKind.LineString:
                for (var i = 0; i < _x.Length; i++)
                    if (Planar.Locate(area, _x[i], _y[i]) != Location.Outside) return true;
                for (var i = 0; i + 1 < _x.Length; i++)
                    if (Planar.SegmentMeetsEdges(_x[i], _y[i], _x[i + 1], _y[i + 1], area)) return true;
                return false;
            default:
                return Planar.Intersects(area, Polygons);
        }
    }

    /// <summary>The area contains this geometry: no point of it outside the area, and some interior point of it
    /// in the area's interior.</summary>
    private bool ContainedBy(IReadOnlyList<IReadOnlyList<Ring>> area)
    {
        switch (Kind)
        {
            case QueryGeometryKind.Point:
                return Planar.Locate(area, _x[0], _y[0]) == Location.Inside;
            case QueryGeometryKind.LineString:
                var anyInside = false;
                for (var i = 0; i < _x.Length; i++)
                    if (Planar.Locate(area, _x[i], _y[i]) == Location.Outside) return false;
                for (var i = 0; i + 1 < _x.Length; i++)
                {
                    foreach (var (mx, my) in Planar.SubSegmentMidpoints(_x[i], _y[i], _x[i + 1], _y[i + 1], area))
                    {
                        var at = Planar.Locate(area, mx, my);
                        if (at == Location.Outside) return false;
                        anyInside |= at == Location.Inside;
                    }
                }
                return anyInside;
            default:
                return Planar.Contains(area, Polygons);
        }
    }

    // ---- parsing ----------------------------------------------------------------------------------------------

    private ref struct Reader(string text)
    {
        private WktScanner _s = new(text, "geometry");
        private int _vertices;

        public QueryGeometry Read()
        {
            if (char.ToUpperInvariant(_s.Peek()) == 'S')
            {
                if (_s.Word() != "SRID") throw _s.Error("expected a geometry type");
                _s.Expect('=');
                if (_s.Word() != "4326") throw _s.Error("only SRID 4326 is supported");
                _s.Expect(';');
            }
            var type = _s.Word();
            var next = _s.PeekWord();
            if (next is "Z" or "M" or "ZM") throw _s.Error("only 2D coordinates are supported");
            if (next == "EMPTY") throw _s.Error("the geometry is empty");
            QueryGeometry result;
            switch (type)
            {
                case "POINT":
                {
                    var (x, y) = ReadCoordinates(1);
                    if (x.Length != 1) throw _s.Error("a point has one coordinate pair");
                    result = new QueryGeometry(QueryGeometryKind.Point, x, y, []);
                    break;
                }
                case "LINESTRING":
                {
                    var (x, y) = ReadCoordinates(2);
                    if (x.Length < 2) throw _s.Error("a line string needs two distinct points");
                    result = new QueryGeometry(QueryGeometryKind.LineString, x, y, []);
                    break;
                }
                case "POLYGON":
                    result = new QueryGeometry(QueryGeometryKind.Polygon, [], [], [ReadPolygon()]);
                    break;
                case "MULTIPOLYGON":
                {
                    var polygons = new List<IReadOnlyList<Ring>>();
                    _s.Expect('(');
                    do polygons.Add(ReadPolygon()); while (_s.TryConsume(','));
                    _s.Expect(')');
                    result = new QueryGeometry(QueryGeometryKind.MultiPolygon, [], [], polygons);
                    break;
                }
                default:
                    throw _s.Error("expected POINT, LINESTRING, POLYGON or MULTIPOLYGON");
            }
            if (!_s.AtEnd()) throw _s.Error("unexpected text after the geometry");
            return result;
        }

        private List<Ring> ReadPolygon()
        {
            var rings = new List<Ring>();
            _s.Expect('(');
            do
            {
                var (x, y) = ReadCoordinates(4);
                if (x.Length < 4) throw _s.Error("a polygon ring needs at least 3 distinct points");
                if (x[0] != x[^1] || y[0] != y[^1]) throw _s.Error("a polygon ring is not closed");
                if (Planar.SignedArea(x, y) == 0) throw _s.Error("a polygon ring has no area");
                if (Planar.RingCrossesItself(x, y)) throw _s.Error("a polygon ring crosses itself");
                rings.Add(new Ring(x, y));
            } while (_s.TryConsume(','));
            _s.Expect(')');
            return rings;
        }

        /// <summary>A parenthesised coordinate list; repeated neighbouring points are dropped.</summary>
        private (double[] X, double[] Y) ReadCoordinates(int capacity)
        {
            var xs = new List<double>(capacity);
            var ys = new List<double>(capacity);
            _s.Expect('(');
            do
            {
                var x = _s.Number();
                var y = _s.Number();
                if (_s.Peek() is not ('\0' or ',' or ')'))
                    throw _s.Error("only 2D coordinates are supported");
                if (x is < -180 or > 180) throw _s.Error("a longitude is outside [-180, 180]");
                if (y is < -90 or > 90) throw _s.Error("a latitude is outside [-90, 90]");
                if (++_vertices > MaxVertices) throw _s.Error($"more than {MaxVertices} vertices");
                if (xs.Count > 0 && xs[^1] == x && ys[^1] == y) continue;
                xs.Add(x);
                ys.Add(y);
            } while (_s.TryConsume(','));
            _s.Expect(')');
            return (xs.ToArray(), ys.ToArray());
        }
    }
}

internal enum Location
{
    Outside,
    Boundary,
    Inside,
}

/// <summary>Planar predicates over polygon sets (lists of polygons, each a list of closed rings).</summary>
internal static class Planar
{
    /// <summary>Where a point lies relative to the union of the polygons (boundary: on any ring's edge).</summary>
    internal static Location Locate(IReadOnlyList<IReadOnlyList<Ring>> polygons, double px, double py)
    {
        var inside = false;
        foreach (var polygon in polygons)
        {
            if (!polygon[0].Box.Contains(px, py)) continue;
            var parity = false;
            foreach (var ring in polygon)
            {
                var x = ring.X;
                var y = ring.Y;
                for (var i = 0; i + 1 < x.Length; i++)
                {
                    if (Footprint.Orientation(x[i], y[i], x[i + 1], y[i + 1], px, py) == 0 &&
                        Footprint.OnSegment(x[i], y[i], x[i + 1], y[i + 1], px, py))
                        return Location.Boundary;
                    if ((y[i] > py) != (y[i + 1] > py) &&
                        px < (x[i + 1] - x[i]) * (py - y[i]) / (y[i + 1] - y[i]) + x[i])
                        parity = !parity;
                }
            }
            inside |= parity;
        }
        return inside ? Location.Inside : Location.Outside;
    }

    /// <summary>The closed segment [a,b] shares a point with an edge of one of the polygons.</summary>
    internal static bool SegmentMeetsEdges(double ax, double ay, double bx, double by, IReadOnlyList<IReadOnlyList<Ring>> polygons)
    {
        var seg = new GeoBox(Math.Min(ax, bx), Math.Min(ay, by), Math.Max(ax, bx), Math.Max(ay, by));
        foreach (var polygon in polygons)
            foreach (var ring in polygon)
            {
                if (!ring.Box.Intersects(seg)) continue;
                for (var i = 0; i + 1 < ring.X.Length; i++)
                    if (Footprint.SegmentsIntersect(ax, ay, bx, by, ring.X[i], ring.Y[i], ring.X[i + 1], ring.Y[i + 1]))
                        return true;
            }
        return false;
    }

    /// <summary>Closed polygon sets share at least one point.</summary>
    internal static bool Intersects(IReadOnlyList<IReadOnlyList<Ring>> a, IReadOnlyList<IReadOnlyList<Ring>> b)
    {
        foreach (var pa in a)
            foreach (var pb in b)
            {
                if (!pa[0].Box.Intersects(pb[0].Box)) continue;
                // Boundaries meet, or (when they do not) one polygon lies inside the other.
                foreach (var ring in pa)
                    for (var i = 0; i + 1 < ring.X.Length; i++)
                        if (SegmentMeetsEdges(ring.X[i], ring.Y[i], ring.X[i + 1], ring.Y[i + 1], [pb])) return true;
                if (Locate([pb], pa[0].X[0], pa[0].Y[0]) != Location.Outside) return true;
                if (Locate([pa], pb[0].X[0], pb[0].Y[0]) != Location.Outside) return true;
            }
        return false;
    }

    /// <summary>
    /// The closed area <paramref name="outer"/> contains <paramref name="inner"/> (no point of it outside, interiors
    /// meet): every boundary piece of <paramref name="inner"/> lies in <paramref name="outer"/>, no boundary piece of
    /// <paramref name="outer"/> lies in the interior of <paramref name="inner"/>, and a point inside each polygon of
    /// <paramref name="inner"/> lies in <paramref name="outer"/>.
    /// </summary>
    internal static bool Contains(IReadOnlyList<IReadOnlyList<Ring>> outer, IReadOnlyList<IReadOnlyList<Ring>> inner)
    {
        foreach (var polygon in inner)
        {
            IReadOnlyList<IReadOnlyList<Ring>> single = [polygon];
            var box = polygon[0].Box;
            if (!outer.Any(p => p[0].Box.Intersects(box))) return false;
            foreach (var ring in polygon)
                for (var i = 0; i + 1 < ring.X.Length; i++)
                {
                    if (Locate(outer, ring.X[i], ring.Y[i]) == Location.Outside) return false;
                    foreach (var (mx, my) in SubSegmentMidpoints(ring.X[i], ring.Y[i], ring.X[i + 1], ring.Y[i + 1], outer))
                        if (Locate(outer, mx, my) == Location.Outside) return false;
                }
            foreach (var outerPolygon in outer)
                foreach (var ring in outerPolygon)
                {
                    if (!ring.Box.Intersects(box)) continue;
                    for (var i = 0; i + 1 < ring.X.Length; i++)
                    {
                        if (Locate(single, ring.X[i], ring.Y[i]) == Location.Inside) return false;
                        foreach (var (mx, my) in SubSegmentMidpoints(ring.X[i], ring.Y[i], ring.X[i + 1], ring.Y[i + 1], single))
                            if (Locate(single, mx, my) == Location.Inside) return false;
                    }
                }
            var (ix, iy) = InteriorPoint(polygon);
            if (Locate(outer, ix, iy) == Location.Outside) return false;
        }
        return true;
    }

    /// <summary>
    /// The midpoints of the pieces of [a,b] cut at every point where it meets an edge of the polygons (so each
    /// piece lies wholly inside, outside or on the boundary).
    /// </summary>
    internal static List<(double X, double Y)> SubSegmentMidpoints(double ax, double ay, double bx, double by,
        IReadOnlyList<IReadOnlyList<Ring>> polygons)
    {
        var cuts = new List<double> { 0, 1 };
        double dx = bx - ax, dy = by - ay;
        var len2 = dx * dx + dy * dy;
        var seg = new GeoBox(Math.Min(ax, bx), Math.Min(ay, by), Math.Max(ax, bx), Math.Max(ay, by));
        void AddPoint(double px, double py)
        {
            if (Footprint.Orientation(ax, ay, bx, by, px, py) == 0 && Footprint.OnSegment(ax, ay, bx, by, px, py))
                cuts.Add(((px - ax) * dx + (py - ay) * dy) / len2);
        }
        foreach (var polygon in polygons)
            foreach (var ring in polygon)
            {
                if (!ring.Box.Intersects(seg)) continue;
                for (var i = 0; i + 1 < ring.X.Length; i++)
                {
                    double cx = ring.X[i], cy = ring.Y[i], ex = ring.X[i + 1], ey = ring.Y[i + 1];
                    if (!Footprint.SegmentsIntersect(ax, ay, bx, by, cx, cy, ex, ey)) continue;
                    AddPoint(cx, cy);
                    AddPoint(ex, ey);
                    var denom = dx * (ey - cy) - dy * (ex - cx);
                    if (denom != 0)
                    {
                        var t = ((cx - ax) * (ey - cy) - (cy - ay) * (ex - cx)) / denom;
                        if (t > 0 && t < 1) cuts.Add(t);
                    }
                }
            }
        cuts.Sort();
        var midpoints = new List<(double, double)>(cuts.Count);
        for (var i = 0; i + 1 < cuts.Count; i++)
        {
            if (cuts[i + 1] <= cuts[i]) continue;
            var t = (cuts[i] + cuts[i + 1]) / 2;
            midpoints.Add((ax + t * dx, ay + t * dy));
        }
        return midpoints;
    }

    /// <summary>A point strictly inside a (valid, non-degenerate) polygon: the middle of the widest inside span of a
    /// horizontal line placed between two vertex latitudes.</summary>
    internal static (double X, double Y) InteriorPoint(IReadOnlyList<Ring> polygon)
    {
        var exterior = polygon[0].Box;
        var ys = polygon.SelectMany(r => r.Y).Where(y => y >= exterior.MinY && y <= exterior.MaxY).Distinct().Order().ToArray();
        var bestWidth = -1.0;
        (double X, double Y) best = (polygon[0].X[0], polygon[0].Y[0]);
        // Try the widest latitude gaps first; a handful is plenty for any real polygon.
        var gaps = Enumerable.Range(0, ys.Length - 1).OrderByDescending(i => ys[i + 1] - ys[i]).Take(8);
        foreach (var g in gaps)
        {
            var y0 = (ys[g] + ys[g + 1]) / 2;
            var xs = new List<double>();
            foreach (var ring in polygon)
                for (var i = 0; i + 1 < ring.X.Length; i++)
                {
                    double y1 = ring.Y[i], y2 = ring.Y[i + 1];
                    if ((y1 > y0) != (y2 > y0))
                        xs.Add(ring.X[i] + (y0 - y1) * (ring.X[i + 1] - ring.X[i]) / (y2 - y1));
                }
            xs.Sort();
            for (var i = 0; i + 1 < xs.Count; i += 2)
            {
                var width = xs[i + 1] - xs[i];
                if (width > bestWidth)
                {
                    bestWidth = width;
                    best = ((xs[i] + xs[i + 1]) / 2, y0);
                }
            }
            if (bestWidth > 0) break;
        }
        return best;
    }

    internal static double SignedArea(double[] x, double[] y)
    {
        var sum = 0.0;
        for (var i = 0; i + 1 < x.Length; i++) sum += x[i] * y[i + 1] - x[i + 1] * y[i];
        return sum / 2;
    }

    /// <summary>Two non-neighbouring edges of the closed ring share a point (a sweep over the edges by west edge).</summary>
    internal static bool RingCrossesItself(double[] x, double[] y)
    {
        var n = x.Length - 1; // edges
        var order = Enumerable.Range(0, n).OrderBy(i => Math.Min(x[i], x[i + 1])).ToArray();
        for (var a = 0; a < n; a++)
        {
            var i = order[a];
            var maxX = Math.Max(x[i], x[i + 1]);
            double minY = Math.Min(y[i], y[i + 1]), maxY = Math.Max(y[i], y[i + 1]);
            for (var b = a + 1; b < n; b++)
            {
                var j = order[b];
                if (Math.Min(x[j], x[j + 1]) > maxX) break;
                if (Math.Max(y[j], y[j + 1]) < minY || Math.Min(y[j], y[j + 1]) > maxY) continue;
                var gap = Math.Abs(i - j);
                if (gap == 1 || gap == n - 1)
                {
                    // Neighbours share one vertex; they must not fold back over each other.
                    var (k, l) = gap == 1 ? (Math.Min(i, j), Math.Max(i, j)) : (Math.Max(i, j), Math.Min(i, j));
                    if (Footprint.Orientation(x[k], y[k], x[k + 1], y[k + 1], x[l + 1], y[l + 1]) == 0 &&
                        Footprint.OnSegment(x[k], y[k], x[k + 1], y[k + 1], x[l + 1], y[l + 1]))
                        return true;
                    if (Footprint.Orientation(x[l], y[l], x[l + 1], y[l + 1], x[k], y[k]) == 0 &&
                        Footprint.OnSegment(x[l], y[l], x[l + 1], y[l + 1], x[k], y[k]))
                        return true;
                    continue;
                }
                if (Footprint.SegmentsIntersect(x[i], y[i], x[i + 1], y[i + 1], x[j], y[j], x[j + 1], y[j + 1])) return true;
            }
        }
        return false;
    }
}
