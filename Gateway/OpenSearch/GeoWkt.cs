using System.Globalization;
using System.Text;

namespace Prism.Gateway.OpenSearch;

/// <summary>A lon/lat geometry read from WKT: POINT, LINESTRING, POLYGON or MULTIPOLYGON (also MULTIPOINT and
/// MULTILINESTRING when reading footprints). Polygons are lists of rings, rings are lists of (x = lon, y = lat).</summary>
public sealed record GeoShape(string Type, IReadOnlyList<IReadOnlyList<IReadOnlyList<(double X, double Y)>>> Parts)
{
    /// <summary>The polygons (for POLYGON/MULTIPOLYGON); empty otherwise.</summary>
    public bool IsPolygonal => Type is "POLYGON" or "MULTIPOLYGON";

    public int PointCount => Parts.Sum(p => p.Sum(r => r.Count));

    /// <summary>west, south, east, north over all points.</summary>
    public (double West, double South, double East, double North) Box()
    {
        double w = double.MaxValue, s = double.MaxValue, e = double.MinValue, n = double.MinValue;
        foreach (var part in Parts)
        foreach (var ring in part)
        foreach (var (x, y) in ring)
        {
            w = Math.Min(w, x); e = Math.Max(e, x); s = Math.Min(s, y); n = Math.Max(n, y);
        }
        return (w, s, e, n);
    }

    /// <summary>Canonical WKT, invariant culture, round-trip numbers.</summary>
    public string ToWkt()
    {
        var sb = new StringBuilder(Type).Append(' ');
        switch (Type)
        {
            case "POINT": sb.Append('('); AppendPoint(sb, Parts[0][0][0]); sb.Append(')'); break;
            case "LINESTRING": AppendRing(sb, Parts[0][0]); break;
            case "POLYGON": AppendPolygon(sb, Parts[0]); break;
            default:
                sb.Append('(');
                for (var i = 0; i < Parts.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    AppendPolygon(sb, Parts[i]);
                }
                sb.Append(')');
                break;
        }
        return sb.ToString();
    }

    private static void AppendPoint(StringBuilder sb, (double X, double Y) p) =>
        sb.Append(p.X.ToString("R", CultureInfo.InvariantCulture)).Append(' ').Append(p.Y.ToString("R", CultureInfo.InvariantCulture));

    private static void AppendRing(StringBuilder sb, IReadOnlyList<(double X, double Y)> ring)
    {
        sb.Append('(');
        for (var i = 0; i < ring.Count; i++)
        {
            if (i > 0) sb.Append(',');
            AppendPoint(sb, ring[i]);
        }
        sb.Append(')');
    }

    private static void AppendPolygon(StringBuilder sb, IReadOnlyList<IReadOnlyList<(double X, double Y)>> polygon)
    {
        sb.Append('(');
        for (var i = 0; i < polygon.Count; i++)
        {
            if (i > 0) sb.Append(',');
            AppendRing(sb, polygon[i]);
        }
        sb.Append(')');
    }
}

/// <summary>A strict, bounded WKT reader: no recursion beyond the four geometry types, a character and a point budget,
/// finite coordinates within lon [-180, 180] and lat [-90, 90], closed rings of at least four points.</summary>
public static class GeoWkt
{
    public static GeoShape Parse(string wkt, int maxLength = int.MaxValue, int maxPoints = int.MaxValue, bool footprint = false)
    {
        ArgumentNullException.ThrowIfNull(wkt);
        if (wkt.Length > maxLength) throw new FormatException($"geometry longer than {maxLength} characters");
        var r = new Reader(wkt, maxPoints);
        var type = r.Word().ToUpperInvariant();
        r.SkipZ();
        GeoShape shape;
        switch (type)
        {
            case "POINT":
                r.Expect('(');
                var p = r.Point();
                r.Expect(')');
                shape = new GeoShape(type, [[[p]]]);
                break;
            case "LINESTRING":
                var line = r.Ring(minPoints: 2, closed: false);
                shape = new GeoShape(type, [[line]]);
                break;
            case "POLYGON":
                shape = new GeoShape(type, [r.Polygon()]);
                break;
            case "MULTIPOLYGON":
                var polygons = new List<IReadOnlyList<IReadOnlyList<(double, double)>>>();
                r.Expect('(');
                do polygons.Add(r.Polygon()); while (r.TryComma());
                r.Expect(')');
                shape = new GeoShape(type, polygons);
                break;
            case "MULTIPOINT" or "MULTILINESTRING" when footprint:
                var rings = new List<IReadOnlyList<(double, double)>>();
                r.Expect('(');
                do rings.Add(type == "MULTIPOINT" && !r.Peek('(') ? [r.Point()] : r.Ring(1, false)); while (r.TryComma());
                r.Expect(')');
                shape = new GeoShape(type, [rings]);
                break;
            default:
                throw new FormatException($"unsupported geometry type '{OpenSearchException.Echo(type)}' (POINT, LINESTRING, POLYGON, MULTIPOLYGON)");
        }
        r.End();
        return shape;
    }

    private ref struct Reader(string text, int maxPoints)
    {
        private readonly string _s = text;
        private int _i;
        private int _points;

        private void Ws() { while (_i < _s.Length && char.IsWhiteSpace(_s[_i])) _i++; }

        public string Word()
        {
            Ws();
            var start = _i;
            while (_i < _s.Length && char.IsAsciiLetter(_s[_i])) _i++;
            if (_i == start) throw new FormatException("geometry type expected");
            return _s[start.._i];
        }

        public void SkipZ()
        {
            Ws();
            var save = _i;
            if (_i < _s.Length && char.IsAsciiLetter(_s[_i]))
                throw new FormatException("only 2D geometries are accepted");
            _i = save;
        }

        public bool Peek(char c) { Ws(); return _i < _s.Length && _s[_i] == c; }

        public void Expect(char c)
        {
            Ws();
            if (_i >= _s.Length || _s[_i] != c) throw new FormatException($"'{c}' expected at position {_i}");
            _i++;
        }

        public bool TryComma()
        {
            Ws();
            if (_i < _s.Length && _s[_i] == ',') { _i++; return true; }
            return false;
        }

        public void End()
        {
            Ws();
            if (_i != _s.Length) throw new FormatException($"unexpected text at position {_i}");
        }

        private double Number()
        {
            Ws();
            var start = _i;
            while (_i < _s.Length && (char.IsAsciiDigit(_s[_i]) || _s[_i] is '.' or '-' or '+' or 'e' or 'E')) _i++;
            if (_i == start || _i - start > 40
                || !double.TryParse(_s.AsSpan(start, _i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                || !double.IsFinite(v))
                throw new FormatException($"number expected at position {start}");
            return v;
        }

        public (double X, double Y) Point()
        {
            if (++_points > maxPoints) throw new FormatException($"geometry has more than {maxPoints} points");
            var x = Number();
            var y = Number();
            if (x is < -180 or > 180) throw new FormatException($"longitude {x.ToString(CultureInfo.InvariantCulture)} outside [-180, 180]");
            if (y is < -90 or > 90) throw new FormatException($"latitude {y.ToString(CultureInfo.InvariantCulture)} outside [-90, 90]");
            return (x, y);
        }

        public IReadOnlyList<(double X, double Y)> Ring(int minPoints, bool closed)
        {
            Expect('(');
            var list = new List<(double, double)>();
            do list.Add(Point()); while (TryComma());
            Expect(')');
            if (list.Count < minPoints) throw new FormatException($"a ring or line needs at least {minPoints} points");
            if (closed && list[0] != list[^1]) throw new FormatException("polygon rings must be closed");
            return list;
        }

        public IReadOnlyList<IReadOnlyList<(double X, double Y)>> Polygon()
        {
            Expect('(');
            var rings = new List<IReadOnlyList<(double, double)>>();
            do rings.Add(Ring(4, true)); while (TryComma());
            Expect(')');
            return rings;
        }
    }
}
