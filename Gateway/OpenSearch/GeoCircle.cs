namespace Prism.Gateway.OpenSearch;

/// <summary>The OpenSearch Geo <c>lat</c>/<c>lon</c>/<c>radius</c> circle as a polygon on the sphere (mean Earth
/// radius): vertices at the great-circle distance <c>radius</c> from the centre, split in two parts at the antimeridian;
/// a circle around a pole becomes the latitude band from its lowest latitude to the pole.</summary>
public static class GeoCircle
{
    public const double EarthRadius = 6_371_008.8;

    public static GeoShape Polygon(double lon, double lat, double radiusMetres, int vertices = 64)
    {
        var delta = radiusMetres / EarthRadius;
        var deltaDeg = delta * 180 / Math.PI;
        if (lat + deltaDeg >= 90) return Band(Math.Max(-90, lat - deltaDeg), 90);
        if (lat - deltaDeg <= -90) return Band(-90, Math.Min(90, lat + deltaDeg));

        var phi1 = lat * Math.PI / 180;
        var ring = new List<(double X, double Y)>(vertices + 1);
        for (var i = 0; i < vertices; i++)
        {
            var theta = 2 * Math.PI * i / vertices;
            var phi2 = Math.Asin(Math.Sin(phi1) * Math.Cos(delta) + Math.Cos(phi1) * Math.Sin(delta) * Math.Cos(theta));
            var dLambda = Math.Atan2(Math.Sin(theta) * Math.Sin(delta) * Math.Cos(phi1), Math.Cos(delta) - Math.Sin(phi1) * Math.Sin(phi2));
            ring.Add((Math.Round(lon + dLambda * 180 / Math.PI, 9), Math.Round(phi2 * 180 / Math.PI, 9)));
        }
        ring.Add(ring[0]);

        if (ring.All(p => p.X is >= -180 and <= 180)) return new GeoShape("POLYGON", [[ring]]);
        var parts = new List<IReadOnlyList<IReadOnlyList<(double, double)>>>();
        var inside = Clip(Clip(ring, 180, keepBelow: true), -180, keepBelow: false);
        if (inside.Count >= 4) parts.Add([inside]);
        var east = Clip(ring, 180, keepBelow: false).Select(p => (p.X - 360, p.Y)).ToList();
        if (east.Count >= 4) parts.Add([east]);
        var west = Clip(ring, -180, keepBelow: true).Select(p => (p.X + 360, p.Y)).ToList();
        if (west.Count >= 4) parts.Add([west]);
        return new GeoShape("MULTIPOLYGON", parts);
    }

    private static GeoShape Band(double south, double north) =>
        new("POLYGON", [[[(-180, south), (180, south), (180, north), (-180, north), (-180, south)]]]);

    /// <summary>Sutherland–Hodgman clip of a closed ring against the vertical line x = <paramref name="x"/>.</summary>
    private static List<(double X, double Y)> Clip(IReadOnlyList<(double X, double Y)> ring, double x, bool keepBelow)
    {
        bool In((double X, double Y) p) => keepBelow ? p.X <= x : p.X >= x;
        var output = new List<(double X, double Y)>();
        for (var i = 0; i < ring.Count - 1; i++)
        {
            var a = ring[i];
            var b = ring[i + 1];
            if (In(a)) output.Add(a);
            if (In(a) != In(b) && a.X != b.X)
            {
                var t = (x - a.X) / (b.X - a.X);
                output.Add((x, a.Y + t * (b.Y - a.Y)));
            }
        }
        if (output.Count > 0) output.Add(output[0]);
        return output;
    }
}
