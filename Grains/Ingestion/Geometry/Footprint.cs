using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Prism.Ingestion.Geometry;

/// <summary>A longitude/latitude position in degrees (EPSG:4326 coordinates written in lon/lat order).</summary>
public readonly record struct LonLat(double Lon, double Lat);

/// <summary>A lon/lat bounding box. <see cref="MinLon"/> &gt; <see cref="MaxLon"/> never happens here: a footprint
/// split at the antimeridian yields the box of both parts.</summary>
public readonly record struct GeoBounds(double MinLon, double MinLat, double MaxLon, double MaxLat);

/// <summary>
/// Footprint geometry helpers. Every footprint leaves here as a normalised <c>MULTIPOLYGON(((lon lat, …)))</c> with
/// closed rings and longitudes within [-180, 180]. A polygon crossing the antimeridian — seen as consecutive
/// longitudes jumping by more than 180° — is unwrapped into continuous longitudes and cut at ±180 into two parts,
/// so spatial queries find it from both sides. Consecutive vertices that both lie exactly on ±180 are taken
/// literally, so a whole-world box (-180…180) stays one valid polygon. A ring that winds once around a pole is
/// closed along that pole. Holes are not kept (footprints are outlines).
/// Invalid coordinates raise <see cref="PermanentIngestException"/>.
/// </summary>
public static class Footprint
{
    private const int MaxPoints = 100_000;

    /// <summary>One polygon per ring (each ring is an outer boundary) → normalised MULTIPOLYGON WKT.</summary>
    public static string NormalizeToMultiPolygonWkt(IEnumerable<IReadOnlyList<LonLat>> rings)
    {
        var parts = new List<List<LonLat>>();
        var total = 0;
        foreach (var ring in rings)
        {
            total += ring.Count;
            if (total > MaxPoints) throw new PermanentIngestException($"footprint has more than {MaxPoints} points");
            parts.AddRange(NormalizeRing(ring));
        }
        if (parts.Count == 0) throw new PermanentIngestException("footprint is empty");
        return ToWkt(parts);
    }

    /// <summary>A single ring.</summary>
    public static string FromRing(IReadOnlyList<LonLat> ring) => NormalizeToMultiPolygonWkt([ring]);

    /// <summary>A box; <paramref name="minLon"/> &gt; <paramref name="maxLon"/> means it crosses the antimeridian
    /// (as in GeoJSON/STAC bboxes) and yields two parts.</summary>
    public static string FromBbox(double minLon, double minLat, double maxLon, double maxLat)
    {
        CheckLat(minLat); CheckLat(maxLat);
        CheckLon(minLon, 180); CheckLon(maxLon, 180);
        if (minLat > maxLat) throw new PermanentIngestException($"bounding box has minimum latitude {F(minLat)} above maximum {F(maxLat)}");
        if (minLon <= maxLon) return ToWkt([Box(minLon, minLat, maxLon, maxLat)]);
        return ToWkt([Box(minLon, minLat, 180, maxLat), Box(-180, minLat, maxLon, maxLat)]);
    }

    /// <summary>Bounds of all coordinates of a (MULTI)POLYGON WKT.</summary>
    public static GeoBounds Bounds(string wkt)
    {
        double minLon = double.PositiveInfinity, minLat = double.PositiveInfinity, maxLon = double.NegativeInfinity, maxLat = double.NegativeInfinity;
        foreach (var ring in ParseWktRings(wkt, outerOnly: false))
        {
            foreach (var p in ring)
            {
                minLon = Math.Min(minLon, p.Lon); maxLon = Math.Max(maxLon, p.Lon);
                minLat = Math.Min(minLat, p.Lat); maxLat = Math.Max(maxLat, p.Lat);
            }
        }
        if (double.IsInfinity(minLon)) throw new PermanentIngestException("footprint WKT has no coordinates");
        return new GeoBounds(minLon, minLat, maxLon, maxLat);
    }

    /// <summary>A GML posList "lat lon lat lon …" (EPSG:4326 axis order) or, with <paramref name="latLonOrder"/>
    /// false, "lon lat …".</summary>
    public static IReadOnlyList<LonLat> ParsePosList(string posList, bool latLonOrder = true)
    {
        var tokens = posList.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length % 2 != 0) throw new PermanentIngestException($"footprint posList has an odd number of values ({tokens.Length})");
        if (tokens.Length / 2 > MaxPoints) throw new PermanentIngestException($"footprint has more than {MaxPoints} points");
        var points = new List<LonLat>(tokens.Length / 2);
        for (var i = 0; i < tokens.Length; i += 2)
        {
            var a = ParseNumber(tokens[i]);
            var b = ParseNumber(tokens[i + 1]);
            points.Add(latLonOrder ? new LonLat(b, a) : new LonLat(a, b));
        }
        return points;
    }

    /// <summary>Normalised WKT of a WKT POLYGON or MULTIPOLYGON (outer rings).</summary>
    public static string NormalizeWkt(string wkt) => NormalizeToMultiPolygonWkt(ParseWktRings(wkt, outerOnly: true));

    /// <summary>Normalised WKT of a GeoJSON Polygon or MultiPolygon geometry object (outer rings).</summary>
    public static string FromGeoJson(JsonElement geometry)
    {
        if (geometry.ValueKind != JsonValueKind.Object) throw new PermanentIngestException("geometry must be a GeoJSON object");
        if (!geometry.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            throw new PermanentIngestException("geometry has no type");
        if (!geometry.TryGetProperty("coordinates", out var coords) || coords.ValueKind != JsonValueKind.Array)
            throw new PermanentIngestException("geometry has no coordinates array");
        var rings = new List<IReadOnlyList<LonLat>>();
        switch (type.GetString())
        {
            case "Polygon":
                rings.Add(GeoJsonRing(FirstRing(coords)));
                break;
            case "MultiPolygon":
                foreach (var polygon in coords.EnumerateArray())
                {
                    if (polygon.ValueKind != JsonValueKind.Array) throw new PermanentIngestException("MultiPolygon member is not an array");
                    rings.Add(GeoJsonRing(FirstRing(polygon)));
                }
                break;
            default:
                throw new PermanentIngestException($"geometry type '{SafeArchiveExtractor.Printable(type.GetString())}' is not supported (Polygon or MultiPolygon)");
        }
        return NormalizeToMultiPolygonWkt(rings);
    }

    // ---------------------------------------------------------------- normalisation

    private static List<List<LonLat>> NormalizeRing(IReadOnlyList<LonLat> input)
    {
        foreach (var p in input) { CheckLat(p.Lat); CheckLon(p.Lon, 540); }

        // Drop the closing point(s) and consecutive duplicates.
        var pts = new List<LonLat>(input.Count);
        foreach (var p in input)
            if (pts.Count == 0 || pts[^1] != p) pts.Add(p);
        while (pts.Count > 1 && pts[^1] == pts[0]) pts.RemoveAt(pts.Count - 1);
        if (pts.Count < 3) throw new PermanentIngestException("footprint polygon has fewer than 3 distinct points");

        // Unwrap longitudes so consecutive points never differ by more than 180°.
        var u = new List<LonLat>(pts.Count + 3) { pts[0] };
        for (var i = 1; i < pts.Count; i++) u.Add(new LonLat(Unwrap(u[^1].Lon, pts[i - 1].Lon, pts[i].Lon), pts[i].Lat));
        var closing = Unwrap(u[^1].Lon, pts[^1].Lon, pts[0].Lon);
        var winding = closing - u[0].Lon;
        if (Math.Abs(winding) > 1e-9)
        {
            // The ring goes once around a pole: close it along the pole it encloses.
            if (Math.Abs(Math.Abs(winding) - 360) > 1e-6) throw new PermanentIngestException("footprint ring winds around the globe more than once");
            var pole = u.Average(p => p.Lat) >= 0 ? 90.0 : -90.0;
            u.Add(new LonLat(closing, pts[0].Lat));
            u.Add(new LonLat(closing, pole));
            u.Add(new LonLat(u[0].Lon, pole));
        }

        var min = u.Min(p => p.Lon);
        var max = u.Max(p => p.Lon);
        if (max - min > 360 + 1e-9) throw new PermanentIngestException("footprint spans more than 360° of longitude");
        // Bring the ring into [-180, …) with its west end.
        var shift = min < -180 ? 360 : min >= 180 ? -360 : 0;
        if (min + shift < -180) shift += 360;
        if (shift != 0) { for (var i = 0; i < u.Count; i++) u[i] = u[i] with { Lon = u[i].Lon + shift }; min += shift; max += shift; }

        if (max <= 180) return [Close(u)];
        var west = Clip(u, 180, keepBelow: true);
        var east = Clip(u, 180, keepBelow: false);
        var result = new List<List<LonLat>>();
        if (Distinct(west) >= 3) result.Add(Close(west));
        if (Distinct(east) >= 3) result.Add(Close(east.Select(p => p with { Lon = p.Lon - 360 }).ToList()));
        return result;
    }

    private static double Unwrap(double previousUnwrapped, double previousRaw, double raw)
    {
        var d = raw - previousRaw;
        // Two vertices exactly on ±180 are taken literally (an edge along the antimeridian or a world box).
        if (Math.Abs(previousRaw) == 180 && Math.Abs(raw) == 180) return previousUnwrapped + d;
        while (d > 180) d -= 360;
        while (d < -180) d += 360;
        return previousUnwrapped + d;
    }

    /// <summary>Sutherland–Hodgman clip of a ring against the half plane lon ≤ x (or ≥ x).</summary>
    private static List<LonLat> Clip(List<LonLat> ring, double x, bool keepBelow)
    {
        bool Inside(LonLat p) => keepBelow ? p.Lon <= x : p.Lon >= x;
        var output = new List<LonLat>();
        for (var i = 0; i < ring.Count; i++)
        {
            var cur = ring[i];
            var prev = ring[(i + ring.Count - 1) % ring.Count];
            bool ci = Inside(cur), pi = Inside(prev);
            if (ci)
            {
                if (!pi) output.Add(Intersect(prev, cur, x));
                output.Add(cur);
            }
            else if (pi) output.Add(Intersect(prev, cur, x));
        }
        var dedup = new List<LonLat>(output.Count);
        foreach (var p in output) if (dedup.Count == 0 || dedup[^1] != p) dedup.Add(p);
        while (dedup.Count > 1 && dedup[^1] == dedup[0]) dedup.RemoveAt(dedup.Count - 1);
        return dedup;
    }

    private static LonLat Intersect(LonLat a, LonLat b, double x)
    {
        if (a.Lon == b.Lon) return new LonLat(x, a.Lat);
        var t = (x - a.Lon) / (b.Lon - a.Lon);
        return new LonLat(x, a.Lat + t * (b.Lat - a.Lat));
    }

    private static int Distinct(List<LonLat> ring) => ring.Distinct().Count();

    private static List<LonLat> Close(List<LonLat> ring)
    {
        var r = new List<LonLat>(ring);
        if (r[^1] != r[0]) r.Add(r[0]);
        return r;
    }

    private static List<LonLat> Box(double minLon, double minLat, double maxLon, double maxLat) =>
        [new(minLon, minLat), new(maxLon, minLat), new(maxLon, maxLat), new(minLon, maxLat), new(minLon, minLat)];

    private static string ToWkt(List<List<LonLat>> polygons)
    {
        var sb = new StringBuilder("MULTIPOLYGON(");
        for (var i = 0; i < polygons.Count; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append("((");
            for (var j = 0; j < polygons[i].Count; j++)
            {
                if (j > 0) sb.Append(',');
                sb.Append(F(polygons[i][j].Lon)).Append(' ').Append(F(polygons[i][j].Lat));
            }
            sb.Append("))");
        }
        return sb.Append(')').ToString();
    }

    /// <summary>Invariant, round-trippable, never in exponent notation.</summary>
    private static string F(double v)
    {
        if (v == 0) return "0";
        var s = v.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('E') ? v.ToString("0.#################", CultureInfo.InvariantCulture) : s;
    }

    private static void CheckLat(double lat)
    {
        if (!double.IsFinite(lat) || lat is < -90 or > 90) throw new PermanentIngestException($"footprint latitude {lat.ToString(CultureInfo.InvariantCulture)} is outside [-90, 90]");
    }

    private static void CheckLon(double lon, double limit)
    {
        if (!double.IsFinite(lon) || lon < -limit || lon > limit) throw new PermanentIngestException($"footprint longitude {lon.ToString(CultureInfo.InvariantCulture)} is outside [-{limit}, {limit}]");
    }

    private static double ParseNumber(string token)
    {
        if (token.Length > 64 || !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new PermanentIngestException($"footprint coordinate '{SafeArchiveExtractor.Printable(token.Length > 64 ? token[..64] : token)}' is not a number");
        return v;
    }

    // ---------------------------------------------------------------- GeoJSON / WKT parsing

    private static JsonElement FirstRing(JsonElement polygon)
    {
        if (polygon.ValueKind != JsonValueKind.Array || polygon.GetArrayLength() == 0)
            throw new PermanentIngestException("polygon has no rings");
        return polygon[0];
    }

    private static IReadOnlyList<LonLat> GeoJsonRing(JsonElement ring)
    {
        if (ring.ValueKind != JsonValueKind.Array) throw new PermanentIngestException("polygon ring is not an array");
        if (ring.GetArrayLength() > MaxPoints) throw new PermanentIngestException($"footprint has more than {MaxPoints} points");
        var points = new List<LonLat>(ring.GetArrayLength());
        foreach (var pos in ring.EnumerateArray())
        {
            if (pos.ValueKind != JsonValueKind.Array || pos.GetArrayLength() < 2
                || pos[0].ValueKind != JsonValueKind.Number || pos[1].ValueKind != JsonValueKind.Number)
                throw new PermanentIngestException("polygon position must be an array [lon, lat] of numbers");
            points.Add(new LonLat(pos[0].GetDouble(), pos[1].GetDouble()));
        }
        return points;
    }

    /// <summary>Rings of a POLYGON / MULTIPOLYGON WKT (optionally SRID=…; prefixed, Z/M ignored beyond x y).</summary>
    internal static List<IReadOnlyList<LonLat>> ParseWktRings(string wkt, bool outerOnly)
    {
        if (string.IsNullOrWhiteSpace(wkt)) throw new PermanentIngestException("footprint WKT is empty");
        var text = wkt.Trim();
        if (text.StartsWith("SRID=", StringComparison.OrdinalIgnoreCase))
        {
            var semi = text.IndexOf(';');
            if (semi < 0) throw new PermanentIngestException("footprint WKT has an SRID prefix without ';'");
            text = text[(semi + 1)..].TrimStart();
        }
        var open = text.IndexOf('(');
        if (open < 0) throw new PermanentIngestException("footprint WKT has no coordinates");
        var tag = text[..open].Trim().ToUpperInvariant();
        var kind = tag.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        int ringDepth = kind switch
        {
            "POLYGON" => 2,
            "MULTIPOLYGON" => 3,
            _ => throw new PermanentIngestException($"footprint WKT type '{SafeArchiveExtractor.Printable(tag)}' is not supported (POLYGON or MULTIPOLYGON)"),
        };

        var rings = new List<IReadOnlyList<LonLat>>();
        var depth = 0;
        var ringIndex = 0; // index of the ring within its polygon
        List<LonLat>? current = null;
        var token = new StringBuilder();
        var values = new List<double>();

        void EndPoint()
        {
            if (token.Length > 0) { values.Add(ParseNumber(token.ToString())); token.Clear(); }
            if (values.Count == 0) return;
            if (values.Count < 2 || values.Count > 4) throw new PermanentIngestException("footprint WKT position must have 2 to 4 values");
            current?.Add(new LonLat(values[0], values[1]));
            values.Clear();
            if (current is not null && current.Count > MaxPoints) throw new PermanentIngestException($"footprint has more than {MaxPoints} points");
        }

        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '(':
                    depth++;
                    if (depth > ringDepth) throw new PermanentIngestException("footprint WKT is nested too deeply");
                    if (depth == ringDepth - 1) ringIndex = 0;
                    if (depth == ringDepth) current = [];
                    break;
                case ')':
                    if (depth == ringDepth)
                    {
                        EndPoint();
                        if (current is null || current.Count == 0) throw new PermanentIngestException("footprint WKT has an empty ring");
                        if (!outerOnly || ringIndex == 0) rings.Add(current);
                        ringIndex++;
                        current = null;
                    }
                    depth--;
                    if (depth < 0) throw new PermanentIngestException("footprint WKT has unbalanced parentheses");
                    if (depth == 0 && text[(i + 1)..].Trim().Length > 0) throw new PermanentIngestException("footprint WKT has text after its end");
                    break;
                case ',':
                    if (depth == ringDepth) EndPoint();
                    break;
                case ' ' or '\t' or '\r' or '\n':
                    if (token.Length > 0) { values.Add(ParseNumber(token.ToString())); token.Clear(); }
                    break;
                default:
                    if (depth != ringDepth) throw new PermanentIngestException("footprint WKT is malformed");
                    token.Append(c);
                    if (token.Length > 64) throw new PermanentIngestException("footprint WKT has an overlong number");
                    break;
            }
        }
        if (depth != 0) throw new PermanentIngestException("footprint WKT has unbalanced parentheses");
        if (rings.Count == 0) throw new PermanentIngestException("footprint WKT has no rings");
        return rings;
    }
}
