using System.Text.Json;
using Prism.Catalog;

namespace Prism.Gateway.OpenSearch;

/// <summary>Search results as a GeoJSON FeatureCollection (lon/lat) with the OpenSearch totals
/// (<c>totalResults</c>, <c>startIndex</c>, <c>itemsPerPage</c>), OGC API style <c>numberMatched</c>/<c>numberReturned</c>,
/// paging links and per-feature service links.</summary>
public static class GeoJsonEncoder
{
    /// <summary>Only what JSON requires is escaped (URLs keep their <c>&amp;</c>): smaller and cheaper to write; the
    /// documents are served as <c>application/geo+json</c>, never embedded in HTML.</summary>
    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The product search result written into <paramref name="output"/>.</summary>
    public static void WriteProducts(System.Buffers.IBufferWriter<byte> output, OpenSearchLinks links, string collection, OpenSearchRequest request, long total, IReadOnlyList<ProductRecord> products)
    {
        using (var w = new Utf8JsonWriter(output, WriterOptions))
        {
            Header(w, links, collection, request, total, products.Count);
            foreach (var p in products)
            {
                GeoShape? shape = null;
                try { shape = GeoWkt.Parse(p.FootprintWkt, footprint: true); } catch (FormatException) { }
                w.WriteStartObject();
                w.WriteString("type", "Feature");
                w.WriteString("id", p.Identifier);
                if (shape is not null)
                {
                    var (west, south, east, north) = shape.Box();
                    w.WriteStartArray("bbox");
                    w.WriteNumberValue(west); w.WriteNumberValue(south); w.WriteNumberValue(east); w.WriteNumberValue(north);
                    w.WriteEndArray();
                    w.WritePropertyName("geometry");
                    Geometry(w, shape);
                }
                else w.WriteNull("geometry");
                w.WriteStartObject("properties");
                w.WriteString("identifier", p.Identifier);
                w.WriteString("title", p.Identifier);
                w.WriteString("updated", OpenSearchLinks.Iso(p.UpdatedAt ?? p.EndTime));
                w.WriteString("date", $"{OpenSearchLinks.Iso(p.BeginTime)}/{OpenSearchLinks.Iso(p.EndTime)}");
                w.WriteString("begin_time", OpenSearchLinks.Iso(p.BeginTime));
                w.WriteString("end_time", OpenSearchLinks.Iso(p.EndTime));
                w.WriteStartArray("collections");
                foreach (var c in p.Collections) w.WriteStringValue(c);
                w.WriteEndArray();
                w.WriteString("productType", p.ProductType);
                if (p.Platform is not null) w.WriteString("platform", p.Platform);
                if (p.Instrument is not null) w.WriteString("instrument", p.Instrument);
                if (p.SensorType is not null) w.WriteString("sensorType", p.SensorType);
                if (p.CloudCover is { } cc) w.WriteNumber("cloudCover", cc);
                if (p.OrbitNumber is { } on) w.WriteNumber("orbitNumber", on);
                if (p.OrbitDirection is not null) w.WriteString("orbitDirection", p.OrbitDirection);
                if (p.AcquisitionType is not null) w.WriteString("acquisitionType", p.AcquisitionType);
                if (p.ProcessingCenter is not null) w.WriteString("processingCenter", p.ProcessingCenter);
                if (p.Status is not null) w.WriteString("status", p.Status);
                if (p.Properties.Count > 0)
                foreach (var (k, v) in p.Properties.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    if (k is not ("identifier" or "title" or "updated" or "date" or "links" or "collections" or "coverages"))
                        w.WriteString(k, v);
                w.WriteStartArray("coverages");
                foreach (var c in p.Coverages) w.WriteStringValue(c.Identifier);
                w.WriteEndArray();
                Links(w, links.Product(p, collection, shape));
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
    }

    public static byte[] Collections(OpenSearchLinks links, OpenSearchRequest request, long total, IReadOnlyList<CollectionRecord> collections)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, WriterOptions))
        {
            Header(w, links, null, request, total, collections.Count);
            foreach (var c in collections)
            {
                w.WriteStartObject();
                w.WriteString("type", "Feature");
                w.WriteString("id", c.Identifier);
                w.WriteNull("geometry");
                w.WriteStartObject("properties");
                w.WriteString("identifier", c.Identifier);
                w.WriteString("title", c.Identifier);
                w.WriteNumber("productCount", c.ProductCount);
                if (c.BeginTime is { } b) w.WriteString("begin_time", OpenSearchLinks.Iso(b));
                if (c.EndTime is { } e) w.WriteString("end_time", OpenSearchLinks.Iso(e));
                if (c.BeginTime is { } b2 && c.EndTime is { } e2) w.WriteString("date", $"{OpenSearchLinks.Iso(b2)}/{OpenSearchLinks.Iso(e2)}");
                Links(w, links.Collection(c.Identifier));
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    private static void Header(Utf8JsonWriter w, OpenSearchLinks links, string? collection, OpenSearchRequest request, long total, int returned)
    {
        var paging = links.Paging(collection, "json", OpenSearchEndpoints.GeoJsonType, request, total);
        w.WriteStartObject();
        w.WriteString("type", "FeatureCollection");
        w.WriteString("id", paging[0].Href);
        w.WriteNumber("totalResults", total);
        w.WriteNumber("startIndex", request.StartIndex);
        w.WriteNumber("itemsPerPage", request.Count);
        w.WriteNumber("numberMatched", total);
        w.WriteNumber("numberReturned", returned);
        w.WriteStartObject("query");
        foreach (var (k, v) in request.Given.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(k, v);
        w.WriteEndObject();
        Links(w, paging);
        w.WriteStartArray("features");
    }

    private static void Links(Utf8JsonWriter w, IReadOnlyList<OpenSearchLink> links)
    {
        w.WriteStartArray("links");
        foreach (var l in links)
        {
            w.WriteStartObject();
            w.WriteString("rel", l.Rel);
            w.WriteString("href", l.Href);
            if (l.Type is not null) w.WriteString("type", l.Type);
            if (l.Title is not null) w.WriteString("title", l.Title);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void Geometry(Utf8JsonWriter w, GeoShape shape)
    {
        w.WriteStartObject();
        switch (shape.Type)
        {
            case "POINT":
                w.WriteString("type", "Point");
                w.WritePropertyName("coordinates");
                Position(w, shape.Parts[0][0][0]);
                break;
            case "LINESTRING":
                w.WriteString("type", "LineString");
                w.WritePropertyName("coordinates");
                Ring(w, shape.Parts[0][0]);
                break;
            case "POLYGON":
                w.WriteString("type", "Polygon");
                w.WritePropertyName("coordinates");
                Polygon(w, shape.Parts[0]);
                break;
            case "MULTIPOLYGON":
                w.WriteString("type", "MultiPolygon");
                w.WriteStartArray("coordinates");
                foreach (var p in shape.Parts) Polygon(w, p);
                w.WriteEndArray();
                break;
            default:
                w.WriteString("type", "MultiPoint");
                w.WriteStartArray("coordinates");
                foreach (var pos in shape.Parts.SelectMany(p => p).SelectMany(r => r)) Position(w, pos);
                w.WriteEndArray();
                break;
        }
        w.WriteEndObject();
    }

    private static void Polygon(Utf8JsonWriter w, IReadOnlyList<IReadOnlyList<(double X, double Y)>> rings)
    {
        w.WriteStartArray();
        foreach (var r in rings) Ring(w, r);
        w.WriteEndArray();
    }

    private static void Ring(Utf8JsonWriter w, IReadOnlyList<(double X, double Y)> ring)
    {
        w.WriteStartArray();
        foreach (var p in ring) Position(w, p);
        w.WriteEndArray();
    }

    private static void Position(Utf8JsonWriter w, (double X, double Y) p)
    {
        w.WriteStartArray();
        w.WriteNumberValue(p.X);
        w.WriteNumberValue(p.Y);
        w.WriteEndArray();
    }
}
