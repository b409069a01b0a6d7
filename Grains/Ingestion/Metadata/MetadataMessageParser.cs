using System.Text.Json;
using Prism.Ingestion.Geometry;

namespace Prism.Ingestion;

/// <summary>
/// Reads a <c>preprocess-md_queue</c> message: a product whose metadata is already known, with the object paths
/// of its rasters.
/// <code>
/// {
///   "id":           "ASA_WSM_1PNDPA20050331_075939_…",   // required: the product identifier
///   "product_type": "ASA_WSM_1P",                         // required
///   "begin_time":   "2005-03-31T07:59:36.409Z",           // required, ISO 8601 (UTC or with offset)
///   "end_time":     "2005-03-31T08:00:36.342Z",           // required, not before begin_time
///   "footprint":    "POLYGON((lon lat, …))"              // optional: WKT POLYGON/MULTIPOLYGON (lon lat order)
///                   | { "type": "Polygon", "coordinates": … },  //   or a GeoJSON Polygon/MultiPolygon; absent or
///                                                         //   null = the outline of the rasters is used
///   "properties": {                                       // optional, flat; these names map onto the record:
///     "platform", "instrument", "sensor_type", "orbit_direction", "acquisition_type",
///     "processing_center", "status", "level": strings; "cloud_cover": number 0–100; "orbit_number": integer;
///     any other name: a string, number, boolean or array of those, kept in Properties
///   },
///   "data": ["products/asa/ASA_WSM_….tif", …]             // required: 1–1000 object paths of rasters
/// }
/// </code>
/// Other top-level fields are ignored. The message is untrusted: size (default 1 MiB), nesting depth, duplicate
/// names, types, counts and string lengths are checked, and every violation throws
/// <see cref="PermanentIngestException"/> naming the field.
/// </summary>
public static class MetadataMessageParser
{
    public const long DefaultMaxBytes = 1L << 20;
    public const int MaxDataPaths = 1000;
    public const int MaxProperties = 256;
    private const int MaxPathLength = 1024;

    public static (ProductMetadata Metadata, IReadOnlyList<string> DataPaths) Parse(string json, long maxBytes = DefaultMaxBytes)
    {
        using var doc = JsonInput.Parse(json, maxBytes, "metadata message");
        var root = JsonInput.RequireObject(doc.RootElement, "metadata message");

        var id = MetadataValues.CheckIdentifier(JsonInput.OptionalString(root, "id"), "id");
        var productType = MetadataValues.CheckIdentifier(JsonInput.OptionalString(root, "product_type"), "product_type");
        var begin = MetadataValues.ParseTime(JsonInput.RequireString(root, "begin_time"), "begin_time");
        var end = MetadataValues.ParseTime(JsonInput.RequireString(root, "end_time"), "end_time");
        MetadataValues.CheckTimeOrder(begin, end);

        string? footprint = null;
        if (root.TryGetProperty("footprint", out var fp))
        {
            footprint = fp.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => Footprint.NormalizeWkt(fp.GetString()!),
                JsonValueKind.Object => Footprint.FromGeoJson(fp),
                _ => throw new PermanentIngestException($"field 'footprint' must be WKT text or a GeoJSON geometry, not {JsonInput.Kind(fp)}"),
            };
        }

        var data = ReadDataPaths(root);

        var known = new Dictionary<string, string?>(StringComparer.Ordinal);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        double? cloudCover = null;
        int? orbitNumber = null;
        if (root.TryGetProperty("properties", out var props) && props.ValueKind != JsonValueKind.Null)
        {
            if (props.ValueKind != JsonValueKind.Object) throw new PermanentIngestException($"field 'properties' must be an object, not {JsonInput.Kind(props)}");
            var count = 0;
            foreach (var p in props.EnumerateObject())
            {
                if (++count > MaxProperties) throw new PermanentIngestException($"field 'properties' has more than {MaxProperties} entries");
                var path = $"properties.{p.Name}";
                switch (p.Name)
                {
                    case "cloud_cover":
                        cloudCover = MetadataValues.ParseCloudCover(JsonInput.OptionalNumber(props, p.Name, path)?.ToString("R", System.Globalization.CultureInfo.InvariantCulture), path);
                        break;
                    case "orbit_number":
                        orbitNumber = JsonInput.OptionalInt(props, p.Name, path);
                        break;
                    case "platform" or "instrument" or "sensor_type" or "orbit_direction" or "acquisition_type"
                        or "processing_center" or "status" or "level":
                        known[p.Name] = MetadataValues.CheckText(JsonInput.OptionalString(props, p.Name, path), path);
                        break;
                    default:
                        var value = JsonInput.ScalarText(p.Value, path);
                        if (p.Value.ValueKind is JsonValueKind.Object || (p.Value.ValueKind is JsonValueKind.Array && value is not null && value.StartsWith('[')))
                            throw new PermanentIngestException($"field '{SafeArchiveExtractor.Printable(path)}' must be a string, number, boolean or array of those");
                        if (value is not null) properties[MetadataValues.CheckIdentifier(p.Name, "property name")] = value;
                        break;
                }
            }
        }

        var metadata = new ProductMetadata
        {
            Identifier = id,
            ProductType = productType,
            BeginTime = begin,
            EndTime = end,
            FootprintWkt = footprint,
            Platform = known.GetValueOrDefault("platform"),
            Instrument = known.GetValueOrDefault("instrument"),
            SensorType = known.GetValueOrDefault("sensor_type"),
            CloudCover = cloudCover,
            OrbitNumber = orbitNumber,
            OrbitDirection = known.GetValueOrDefault("orbit_direction"),
            AcquisitionType = known.GetValueOrDefault("acquisition_type"),
            ProcessingCenter = known.GetValueOrDefault("processing_center"),
            Status = known.GetValueOrDefault("status"),
            Level = known.GetValueOrDefault("level"),
            Properties = properties,
        };
        return (metadata, data);
    }

    private static List<string> ReadDataPaths(JsonElement root)
    {
        if (!root.TryGetProperty("data", out var data) || data.ValueKind == JsonValueKind.Null)
            throw new PermanentIngestException("missing data (the object paths of the rasters)");
        if (data.ValueKind != JsonValueKind.Array) throw new PermanentIngestException($"field 'data' must be an array of strings, not {JsonInput.Kind(data)}");
        var count = data.GetArrayLength();
        if (count == 0) throw new PermanentIngestException("field 'data' is empty: at least one raster path is required");
        if (count > MaxDataPaths) throw new PermanentIngestException($"field 'data' has more than {MaxDataPaths} paths");
        var paths = new List<string>(count);
        var i = 0;
        foreach (var e in data.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.String) throw new PermanentIngestException($"field 'data[{i}]' must be a string, not {JsonInput.Kind(e)}");
            var path = e.GetString()!.Trim();
            if (path.Length == 0) throw new PermanentIngestException($"field 'data[{i}]' is empty");
            if (path.Length > MaxPathLength) throw new PermanentIngestException($"field 'data[{i}]' is longer than {MaxPathLength} characters");
            if (path.Any(char.IsControl)) throw new PermanentIngestException($"field 'data[{i}]' contains control characters");
            if (path.Contains('\\') || path.Split('/').Contains(".."))
                throw new PermanentIngestException($"field 'data[{i}]' '{SafeArchiveExtractor.Printable(path)}' must not contain '..' segments or backslashes");
            paths.Add(path);
            i++;
        }
        return paths;
    }
}
