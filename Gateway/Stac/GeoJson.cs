using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Prism.Catalog;

namespace Prism.Gateway.Stac;

/// <summary>GeoJSON geometries to WKT (search input, defensively) and catalog footprints to GeoJSON (output).</summary>
public static class GeoJson
{
    /// <summary>A GeoJSON Point, LineString, Polygon or MultiPolygon (lon/lat; a third coordinate is dropped) as
    /// WKT. Refuses other types, wrong nesting, non-finite or out-of-range coordinates, open or short rings and
    /// more than <paramref name="maxVertices"/> positions.</summary>
    public static string ToWkt(JsonNode geometry, int maxVertices)
    {
        if (geometry is not JsonObject obj) throw Bad("'intersects' must be a GeoJSON geometry object");
        var type = obj["type"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : throw Bad("'intersects' has no 'type'");
        var coordinates = obj["coordinates"] as JsonArray ?? throw Bad($"'intersects' ({type}) has no 'coordinates' array");
        var budget = new int[] { maxVertices };
        var sb = new StringBuilder();
        switch (type)
        {
            case "Point":
                sb.Append("POINT(");
                Position(coordinates, sb, budget);
                return sb.Append(')').ToString();
            case "LineString":
                sb.Append("LINESTRING");
                Line(coordinates, sb, budget, minPoints: 2, closed: false);
                return sb.ToString();
            case "Polygon":
                sb.Append("POLYGON");
                Polygon(coordinates, sb, budget);
                return sb.ToString();
            case "MultiPolygon":
                sb.Append("MULTIPOLYGON(");
                if (coordinates.Count == 0) throw Bad("'intersects': a MultiPolygon needs at least one polygon");
                for (var i = 0; i < coordinates.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Polygon(coordinates[i] as JsonArray ?? throw Bad("'intersects': a MultiPolygon holds arrays of polygons"), sb, budget);
                }
                return sb.Append(')').ToString();
            case "MultiPoint" or "MultiLineString" or "GeometryCollection":
                throw Bad($"'intersects': {type} is not supported (Point, LineString, Polygon, MultiPolygon are)");
            default:
                throw Bad($"'intersects': '{(type.Length > 30 ? type[..30] : type)}' is not a GeoJSON geometry type");
        }
    }

    private static void Polygon(JsonArray rings, StringBuilder sb, int[] budget)
    {
        if (rings.Count == 0) throw Bad("'intersects': a Polygon needs at least one ring");
        sb.Append('(');
        for (var i = 0; i < rings.Count; i++)
        {
            if (i > 0) sb.Append(',');
            Line(rings[i] as JsonArray ?? throw Bad("'intersects': a Polygon holds arrays of rings"), sb, budget, minPoints: 4, closed: true);
        }
        sb.Append(')');
    }

    private static void Line(JsonArray points, StringBuilder sb, int[] budget, int minPoints, bool closed)
    {
        if (points.Count < minPoints) throw Bad($"'intersects': a {(closed ? "ring" : "line")} needs at least {minPoints} positions");
        sb.Append('(');
        (double X, double Y) first = default, last = default;
        for (var i = 0; i < points.Count; i++)
        {
            if (i > 0) sb.Append(',');
            last = Position(points[i] as JsonArray ?? throw Bad("'intersects': a position must be an array of numbers"), sb, budget);
            if (i == 0) first = last;
        }
        if (closed && first != last) throw Bad("'intersects': a polygon ring must end where it starts");
        sb.Append(')');
    }

    private static (double X, double Y) Position(JsonArray position, StringBuilder sb, int[] budget)
    {
        if (--budget[0] < 0) throw Bad("'intersects' has too many positions");
        if (position.Count is < 2 or > 3) throw Bad("'intersects': a position has 2 or 3 numbers");
        var x = Number(position[0]);
        var y = Number(position[1]);
        if (position.Count == 3) Number(position[2]);
        if (x is < -180 or > 180 || y is < -90 or > 90) throw Bad("'intersects': coordinates must be longitude in [-180, 180], latitude in [-90, 90]");
        sb.Append(x.ToString("R", CultureInfo.InvariantCulture)).Append(' ').Append(y.ToString("R", CultureInfo.InvariantCulture));
        return (x, y);
    }

    private static double Number(JsonNode? node)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) && double.IsFinite(d)) return d;
        throw Bad("'intersects': coordinates must be finite numbers");
    }

    private static StacException Bad(string message) => StacException.BadParameter(message);

    /// <summary>Writes a parsed catalog footprint as the GeoJSON geometry <see cref="FromFootprint"/> builds (a Polygon
    /// when it has one part, else a MultiPolygon; the same coordinates in the same order).</summary>
    public static void WriteGeometry(Utf8JsonWriter writer, Footprint footprint)
    {
        static void Rings(Utf8JsonWriter writer, IReadOnlyList<Footprint.Ring> rings)
        {
            writer.WriteStartArray();
            foreach (var ring in rings)
            {
                writer.WriteStartArray();
                for (var i = 0; i < ring.X.Length; i++)
                {
                    writer.WriteStartArray();
                    writer.WriteNumberValue(ring.X[i]);
                    writer.WriteNumberValue(ring.Y[i]);
                    writer.WriteEndArray();
                }
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
        }
        writer.WriteStartObject();
        if (footprint.Polygons.Count == 1)
        {
            writer.WriteString("type", "Polygon");
            writer.WritePropertyName("coordinates");
            Rings(writer, footprint.Polygons[0]);
        }
        else
        {
            writer.WriteString("type", "MultiPolygon");
            writer.WritePropertyName("coordinates");
            writer.WriteStartArray();
            foreach (var polygon in footprint.Polygons) Rings(writer, polygon);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    /// <summary>A catalog footprint (POLYGON/MULTIPOLYGON WKT) as a GeoJSON geometry (a Polygon when it has one part)
    /// and its bbox.</summary>
    public static (JsonObject Geometry, double[] Bbox) FromFootprint(string wkt)
    {
        var footprint = Footprint.Parse(wkt);
        JsonArray PolygonCoordinates(IReadOnlyList<Footprint.Ring> rings)
        {
            var result = new JsonArray();
            foreach (var ring in rings)
            {
                var points = new JsonArray();
                for (var i = 0; i < ring.X.Length; i++) points.Add(new JsonArray(ring.X[i], ring.Y[i]));
                result.Add(points);
            }
            return result;
        }
        JsonObject geometry = footprint.Polygons.Count == 1
            ? new JsonObject { ["type"] = "Polygon", ["coordinates"] = PolygonCoordinates(footprint.Polygons[0]) }
            : new JsonObject { ["type"] = "MultiPolygon", ["coordinates"] = new JsonArray(footprint.Polygons.Select(p => (JsonNode)PolygonCoordinates(p)).ToArray()) };
        var box = footprint.Box;
        return (geometry, [box.MinX, box.MinY, box.MaxX, box.MaxY]);
    }
}
