using System.Text.Json;
using System.Text.RegularExpressions;
using Prism.Ingestion.Geometry;

namespace Prism.Ingestion;

/// <summary>One asset of a STAC Item: its key in <c>assets</c>, href (as written, possibly relative to the item),
/// media type, roles and title.</summary>
public sealed record StacAsset(string Key, string Href, string? Type, IReadOnlyList<string> Roles, string? Title);

/// <summary>
/// Reads a STAC Item (GeoJSON Feature) into <see cref="ProductMetadata"/> and its assets.
/// <list type="bullet">
/// <item>identifier: <c>id</c>; times: <c>properties.start_datetime</c>/<c>end_datetime</c>, else
/// <c>properties.datetime</c> for both.</item>
/// <item>footprint: <c>geometry</c> (Polygon/MultiPolygon, normalised, split at the antimeridian), else <c>bbox</c>.</item>
/// <item>product type: the <c>productType</c> argument, else <c>properties.product_type</c>, else
/// <c>collection</c>, else the ESA product type prefix of the id (<c>MER_FRS_1P</c> of
/// <c>MER_FRS_1PNPDE2006…</c>).</item>
/// <item><c>platform</c>, <c>instruments</c> (joined with ','), <c>eo:cloud_cover</c>, <c>sat:orbit_state</c>
/// (orbit direction), <c>sat:absolute_orbit</c> (orbit number), <c>processing:level</c> map onto the record;
/// <c>constellation</c>, <c>mission</c> and every <c>sar:*</c> and <c>sat:*</c> field go into
/// <see cref="ProductMetadata.Properties"/>.</item>
/// </list>
/// Invalid JSON, a missing id, time or product type, wrong types → <see cref="PermanentIngestException"/>.
/// </summary>
public static class StacItemParser
{
    public const long DefaultMaxBytes = 16L << 20;
    private const int MaxAssets = 1000;

    private static readonly Regex EsaProductType = new("^([A-Z0-9]{3}_[A-Z0-9]{3}_[0-9][A-Z])", RegexOptions.CultureInvariant);

    public static (ProductMetadata Metadata, IReadOnlyList<StacAsset> Assets) Parse(string json, string? productType = null, long maxBytes = DefaultMaxBytes)
    {
        using var doc = JsonInput.Parse(json, maxBytes, "STAC item");
        var root = JsonInput.RequireObject(doc.RootElement, "STAC item");
        var type = JsonInput.OptionalString(root, "type");
        if (type is not null && type != "Feature")
            throw new PermanentIngestException($"not a STAC Item: type is '{SafeArchiveExtractor.Printable(type)}', expected 'Feature'");

        var id = MetadataValues.CheckIdentifier(JsonInput.OptionalString(root, "id"), "id");
        if (!root.TryGetProperty("properties", out var props) || props.ValueKind != JsonValueKind.Object)
            throw new PermanentIngestException("missing properties object");

        var datetime = JsonInput.OptionalString(props, "datetime", "properties.datetime");
        var startText = JsonInput.OptionalString(props, "start_datetime", "properties.start_datetime") ?? datetime;
        var endText = JsonInput.OptionalString(props, "end_datetime", "properties.end_datetime") ?? datetime;
        if (string.IsNullOrWhiteSpace(startText) || string.IsNullOrWhiteSpace(endText))
            throw new PermanentIngestException("missing properties.datetime (or start_datetime and end_datetime)");
        var begin = MetadataValues.ParseTime(startText, "beginTime");
        var end = MetadataValues.ParseTime(endText, "endTime");
        MetadataValues.CheckTimeOrder(begin, end);

        productType ??= JsonInput.OptionalString(props, "product_type", "properties.product_type")
                        ?? JsonInput.OptionalString(root, "collection")
                        ?? (EsaProductType.Match(id) is { Success: true } m ? m.Groups[1].Value : null);
        if (productType is null)
            throw new PermanentIngestException("missing product type (properties.product_type or collection)");
        productType = MetadataValues.CheckIdentifier(productType, "productType");

        string? footprint = null;
        if (root.TryGetProperty("geometry", out var geometry) && geometry.ValueKind != JsonValueKind.Null)
            footprint = Footprint.FromGeoJson(geometry);
        else if (root.TryGetProperty("bbox", out var bbox) && bbox.ValueKind == JsonValueKind.Array)
            footprint = FromBbox(bbox);

        string? instrument = null;
        if (props.TryGetProperty("instruments", out var instruments) && instruments.ValueKind != JsonValueKind.Null)
        {
            if (instruments.ValueKind != JsonValueKind.Array || instruments.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                throw new PermanentIngestException("field 'properties.instruments' must be an array of strings");
            instrument = MetadataValues.CheckText(string.Join(",", instruments.EnumerateArray().Select(e => e.GetString())), "instruments");
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in props.EnumerateObject())
        {
            if (p.Name is "constellation" or "mission" || p.Name.StartsWith("sar:", StringComparison.Ordinal) || p.Name.StartsWith("sat:", StringComparison.Ordinal))
            {
                if (properties.Count >= 256) throw new PermanentIngestException("properties has too many fields");
                var value = JsonInput.ScalarText(p.Value, $"properties.{p.Name}");
                if (value is not null) properties[MetadataValues.CheckIdentifier(p.Name, "property name")] = value;
            }
        }

        var orbitState = JsonInput.OptionalString(props, "sat:orbit_state", "properties.sat:orbit_state");
        var metadata = new ProductMetadata
        {
            Identifier = id,
            ProductType = productType,
            BeginTime = begin,
            EndTime = end,
            FootprintWkt = footprint,
            Platform = MetadataValues.CheckText(JsonInput.OptionalString(props, "platform", "properties.platform"), "platform"),
            Instrument = instrument,
            CloudCover = MetadataValues.ParseCloudCover(JsonInput.OptionalNumber(props, "eo:cloud_cover", "properties.eo:cloud_cover")?.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "eo:cloud_cover"),
            OrbitNumber = JsonInput.OptionalInt(props, "sat:absolute_orbit", "properties.sat:absolute_orbit"),
            OrbitDirection = MetadataValues.CheckText(orbitState?.ToUpperInvariant(), "sat:orbit_state"),
            Level = MetadataValues.CheckText(JsonInput.OptionalString(props, "processing:level", "properties.processing:level"), "processing:level"),
            Properties = properties,
        };
        return (metadata, ReadAssets(root));
    }

    private static string FromBbox(JsonElement bbox)
    {
        var values = bbox.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble()
            : throw new PermanentIngestException("bbox must be an array of numbers")).ToList();
        return values.Count switch
        {
            4 => Footprint.FromBbox(values[0], values[1], values[2], values[3]),
            6 => Footprint.FromBbox(values[0], values[1], values[3], values[4]),
            _ => throw new PermanentIngestException("bbox must have 4 or 6 numbers"),
        };
    }

    private static List<StacAsset> ReadAssets(JsonElement root)
    {
        var assets = new List<StacAsset>();
        if (!root.TryGetProperty("assets", out var obj) || obj.ValueKind == JsonValueKind.Null) return assets;
        if (obj.ValueKind != JsonValueKind.Object) throw new PermanentIngestException("field 'assets' must be an object");
        foreach (var a in obj.EnumerateObject())
        {
            if (assets.Count >= MaxAssets) throw new PermanentIngestException($"STAC item has more than {MaxAssets} assets");
            var path = $"assets.{a.Name}";
            if (a.Value.ValueKind != JsonValueKind.Object) throw new PermanentIngestException($"field '{path}' must be an object");
            var href = MetadataValues.CheckText(JsonInput.OptionalString(a.Value, "href", $"{path}.href"), $"{path}.href")
                       ?? throw new PermanentIngestException($"missing {path}.href");
            var roles = new List<string>();
            if (a.Value.TryGetProperty("roles", out var r) && r.ValueKind != JsonValueKind.Null)
            {
                if (r.ValueKind != JsonValueKind.Array || r.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                    throw new PermanentIngestException($"field '{path}.roles' must be an array of strings");
                roles.AddRange(r.EnumerateArray().Select(e => e.GetString()!));
            }
            assets.Add(new StacAsset(
                SafeArchiveExtractor.Printable(a.Name),
                href,
                MetadataValues.CheckText(JsonInput.OptionalString(a.Value, "type", $"{path}.type"), $"{path}.type"),
                roles,
                MetadataValues.CheckText(JsonInput.OptionalString(a.Value, "title", $"{path}.title"), $"{path}.title")));
        }
        return assets;
    }
}
