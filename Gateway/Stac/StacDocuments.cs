using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Prism.Catalog;

namespace Prism.Gateway.Stac;

/// <summary>Builds the STAC 1.0.0 JSON documents (landing page, collections, items) with absolute links.</summary>
public sealed class StacDocuments(StacOptions options, string baseUrl)
{
    public const string StacVersion = "1.0.0";
    public const string EoExtension = "https://stac-extensions.github.io/eo/v1.0.0/schema.json";
    public const string SatExtension = "https://stac-extensions.github.io/sat/v1.0.0/schema.json";
    public const string CogType = "image/tiff; application=geotiff; profile=cloud-optimized";
    public const string GeoJsonType = "application/geo+json";
    public const string JsonType = "application/json";

    public static readonly string[] ConformanceClasses =
    [
        "https://api.stacspec.org/v1.0.0/core",
        "https://api.stacspec.org/v1.0.0/collections",
        "https://api.stacspec.org/v1.0.0/ogcapi-features",
        "https://api.stacspec.org/v1.0.0/item-search",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    ];

    public string BaseUrl { get; } = baseUrl.TrimEnd('/');
    public string Root => $"{BaseUrl}/stac";

    public static string Esc(string segment) => Uri.EscapeDataString(segment);

    /// <summary>RFC 3339 UTC, the fraction only as long as needed (the same text as the OpenSearch times).</summary>
    public static string Time(DateTimeOffset t) => Prism.Gateway.OpenSearch.OpenSearchLinks.Iso(t);

    public static JsonObject Link(string rel, string href, string type, string? title = null)
    {
        var link = new JsonObject { ["rel"] = rel, ["href"] = href, ["type"] = type };
        if (title is not null) link["title"] = title;
        return link;
    }

    public JsonObject Landing(IReadOnlyList<CollectionRecord> collections)
    {
        var links = new JsonArray
        {
            Link("self", Root, JsonType),
            Link("root", Root, JsonType),
            Link("conformance", $"{Root}/conformance", JsonType, "Conformance classes"),
            Link("data", $"{Root}/collections", JsonType, "Collections"),
            SearchLink("GET"),
            SearchLink("POST"),
        };
        foreach (var c in collections) links.Add(Link("child", $"{Root}/collections/{Esc(c.Identifier)}", JsonType, TitleOf(c.Identifier)));
        return new JsonObject
        {
            ["type"] = "Catalog",
            ["stac_version"] = StacVersion,
            ["stac_extensions"] = new JsonArray(),
            ["id"] = options.CatalogId,
            ["title"] = options.Title,
            ["description"] = options.Description,
            ["conformsTo"] = new JsonArray(ConformanceClasses.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray()),
            ["links"] = links,
        };
    }

    private JsonObject SearchLink(string method)
    {
        var link = Link("search", $"{Root}/search", GeoJsonType, "Item search");
        link["method"] = method;
        return link;
    }

    public JsonObject Conformance() =>
        new() { ["conformsTo"] = new JsonArray(ConformanceClasses.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray()) };

    private string TitleOf(string id) => options.Collections.TryGetValue(id, out var c) && c.Title is not null ? c.Title : id;

    public JsonObject Collection(CollectionRecord record, CollectionSummary summary)
    {
        var id = record.Identifier;
        options.Collections.TryGetValue(id, out var configured);
        var self = $"{Root}/collections/{Esc(id)}";
        var bbox = summary.Bbox ?? [-180, -90, 180, 90];
        var interval = new JsonArray(
            record.BeginTime is { } b ? JsonValue.Create(Time(b)) : null,
            record.EndTime is { } e ? JsonValue.Create(Time(e)) : null);
        var summaries = new JsonObject();
        if (summary.Platforms.Count > 0) summaries["platform"] = Strings(summary.Platforms);
        if (summary.Instruments.Count > 0) summaries["instruments"] = Strings(summary.Instruments);
        if (summary.ProductTypes.Count > 0) summaries["prism:product_type"] = Strings(summary.ProductTypes);
        var links = new JsonArray
        {
            Link("self", self, JsonType),
            Link("root", Root, JsonType),
            Link("parent", Root, JsonType),
            Link("items", $"{self}/items", GeoJsonType, "Items"),
            Link("wmts", $"{BaseUrl}/wmts/1.0.0/WMTSCapabilities.xml", "application/xml", "WMTS capabilities"),
            Link("wms", $"{BaseUrl}/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities", "text/xml", "WMS capabilities"),
        };
        return new JsonObject
        {
            ["type"] = "Collection",
            ["stac_version"] = StacVersion,
            ["stac_extensions"] = new JsonArray(),
            ["id"] = id,
            ["title"] = configured?.Title ?? id,
            ["description"] = configured?.Description ?? $"Products of the collection {id} ({record.ProductCount} products).",
            ["license"] = configured?.License ?? options.License,
            ["extent"] = new JsonObject
            {
                ["spatial"] = new JsonObject { ["bbox"] = new JsonArray(new JsonArray(bbox.Select(v => (JsonNode)JsonValue.Create(v)).ToArray())) },
                ["temporal"] = new JsonObject { ["interval"] = new JsonArray(interval) },
            },
            ["summaries"] = summaries,
            ["links"] = links,
        };
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    /// <summary>A product as a STAC Item of <paramref name="collection"/>.</summary>
    public JsonObject Item(ProductRecord p, string collection)
    {
        var (geometry, bbox) = GeoJson.FromFootprint(p.FootprintWkt);
        var extensions = new JsonArray();
        var properties = new JsonObject
        {
            ["datetime"] = null,
            ["start_datetime"] = Time(p.BeginTime),
            ["end_datetime"] = Time(p.EndTime),
        };
        if (p.Platform is { Length: > 0 } platform) properties["platform"] = platform;
        if (p.Instrument is { Length: > 0 } instrument) properties["instruments"] = new JsonArray(instrument);
        if (ConstellationOf(p.Platform) is { } constellation) properties["constellation"] = constellation;
        if (p.CloudCover is { } cloud && double.IsFinite(cloud) && cloud is >= 0 and <= 100)
        {
            properties["eo:cloud_cover"] = cloud;
            extensions.Add(EoExtension);
        }
        var orbitState = OrbitState(p);
        if (p.OrbitNumber is { } orbit && orbit >= 0) properties["sat:absolute_orbit"] = orbit;
        if (orbitState is not null) properties["sat:orbit_state"] = orbitState;
        if (properties.ContainsKey("sat:absolute_orbit") || orbitState is not null) extensions.Add(SatExtension);
        properties["prism:product_type"] = p.ProductType;
        void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) properties[name] = value; }
        Add("prism:sensor_type", p.SensorType);
        Add("prism:acquisition_type", p.AcquisitionType);
        Add("prism:processing_center", p.ProcessingCenter);
        Add("prism:status", p.Status);
        foreach (var (name, value) in p.Properties.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            if (!string.IsNullOrEmpty(name) && name.Length <= 100) properties.TryAdd($"prism:{name}", value);
        if (p.UpdatedAt is { } updated) properties["updated"] = Time(updated);

        var collectionUrl = $"{Root}/collections/{Esc(collection)}";
        var self = $"{collectionUrl}/items/{Esc(p.Identifier)}";
        var assets = new JsonObject();
        foreach (var (key, c) in AssetsOf(p))
        {
            assets[key] = new JsonObject
            {
                ["href"] = $"{self}/assets/{Esc(key)}",
                ["type"] = CogType,
                ["title"] = c.Identifier,
                ["roles"] = new JsonArray("data"),
            };
        }
        var time = $"{Time(p.BeginTime)}/{Time(p.EndTime)}";
        var getMap = GetMapUrl(collection, bbox[0], bbox[1], bbox[2], bbox[3], time);
        assets["wms"] = new JsonObject
        {
            ["href"] = getMap, ["type"] = "image/png", ["title"] = WmsAssetTitle,
            ["roles"] = new JsonArray("overview", "visual"),
        };
        var wmts = Link("wmts", $"{BaseUrl}/wmts/1.0.0/WMTSCapabilities.xml", "application/xml", "WMTS capabilities");
        wmts["wmts:layer"] = collection;
        wmts["wmts:dimensions"] = new JsonObject { ["TIME"] = time };
        var item = new JsonObject
        {
            ["type"] = "Feature",
            ["stac_version"] = StacVersion,
            ["stac_extensions"] = extensions,
            ["id"] = p.Identifier,
            ["collection"] = collection,
            ["geometry"] = geometry,
            ["bbox"] = new JsonArray(bbox.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
            ["properties"] = properties,
            ["links"] = new JsonArray
            {
                Link("self", self, GeoJsonType),
                Link("parent", collectionUrl, JsonType),
                Link("collection", collectionUrl, JsonType),
                Link("root", Root, JsonType),
                wmts,
            },
            ["assets"] = assets,
        };
        return item;
    }

    private const string WmsAssetTitle = "WMS GetMap of the collection layer at the item's time";

    private static string? OrbitState(ProductRecord p) => p.OrbitDirection?.Trim().ToLowerInvariant() switch
    {
        "ascending" => "ascending",
        "descending" => "descending",
        _ => null,
    };

    private string GetMapUrl(string collection, double w, double s, double e, double n, string time)
    {
        var (width, height) = PreviewSize(e - w, n - s);
        return $"{BaseUrl}/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={Esc(collection)}&STYLES=&CRS=CRS:84"
               + $"&BBOX={Num(w)},{Num(s)},{Num(e)},{Num(n)}&WIDTH={width}&HEIGHT={height}&FORMAT=image/png&TRANSPARENT=TRUE"
               + $"&TIME={Esc(time)}";
    }

    /// <summary>Writes a FeatureCollection of <paramref name="products"/> (each as <see cref="WriteItem"/> writes it,
    /// in <paramref name="collectionOf"/>'s collection), then <paramref name="links"/> and <c>numberReturned</c>:
    /// the document item search and collection items answer with, without building a DOM per item.</summary>
    public void WriteItemCollection(Utf8JsonWriter writer, IEnumerable<ProductRecord> products, Func<ProductRecord, string> collectionOf, JsonArray links)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "FeatureCollection");
        writer.WritePropertyName("features");
        writer.WriteStartArray();
        var count = 0;
        foreach (var p in products)
        {
            WriteItem(writer, p, collectionOf(p));
            count++;
        }
        writer.WriteEndArray();
        writer.WritePropertyName("links");
        links.WriteTo(writer);
        writer.WriteNumber("numberReturned", count);
        writer.WriteEndObject();
    }

    private static void WriteLink(Utf8JsonWriter writer, string rel, string href, string type, string? title = null, bool end = true)
    {
        writer.WriteStartObject();
        writer.WriteString("rel", rel);
        writer.WriteString("href", href);
        writer.WriteString("type", type);
        if (title is not null) writer.WriteString("title", title);
        if (end) writer.WriteEndObject();
    }

    /// <summary>Writes the STAC Item <see cref="Item"/> builds (the same members in the same order, the same values)
    /// straight to <paramref name="writer"/>.</summary>
    public void WriteItem(Utf8JsonWriter writer, ProductRecord p, string collection)
    {
        var footprint = Footprint.Parse(p.FootprintWkt);
        var box = footprint.Box;
        var begin = Time(p.BeginTime);
        var end = Time(p.EndTime);
        var cloud = p.CloudCover is { } c && double.IsFinite(c) && c is >= 0 and <= 100 ? c : (double?)null;
        var orbit = p.OrbitNumber is { } o && o >= 0 ? o : (int?)null;
        var orbitState = OrbitState(p);

        writer.WriteStartObject();
        writer.WriteString("type", "Feature");
        writer.WriteString("stac_version", StacVersion);
        writer.WritePropertyName("stac_extensions");
        writer.WriteStartArray();
        if (cloud is not null) writer.WriteStringValue(EoExtension);
        if (orbit is not null || orbitState is not null) writer.WriteStringValue(SatExtension);
        writer.WriteEndArray();
        writer.WriteString("id", p.Identifier);
        writer.WriteString("collection", collection);
        writer.WritePropertyName("geometry");
        GeoJson.WriteGeometry(writer, footprint);
        writer.WritePropertyName("bbox");
        writer.WriteStartArray();
        writer.WriteNumberValue(box.MinX);
        writer.WriteNumberValue(box.MinY);
        writer.WriteNumberValue(box.MaxX);
        writer.WriteNumberValue(box.MaxY);
        writer.WriteEndArray();

        writer.WritePropertyName("properties");
        writer.WriteStartObject();
        writer.WriteNull("datetime");
        writer.WriteString("start_datetime", begin);
        writer.WriteString("end_datetime", end);
        if (p.Platform is { Length: > 0 } platform) writer.WriteString("platform", platform);
        if (p.Instrument is { Length: > 0 } instrument)
        {
            writer.WritePropertyName("instruments");
            writer.WriteStartArray();
            writer.WriteStringValue(instrument);
            writer.WriteEndArray();
        }
        if (ConstellationOf(p.Platform) is { } constellation) writer.WriteString("constellation", constellation);
        if (cloud is { } cloudCover) writer.WriteNumber("eo:cloud_cover", cloudCover);
        if (orbit is { } absoluteOrbit) writer.WriteNumber("sat:absolute_orbit", absoluteOrbit);
        if (orbitState is not null) writer.WriteString("sat:orbit_state", orbitState);
        writer.WriteString("prism:product_type", p.ProductType);
        void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) writer.WriteString(name, value); }
        Add("prism:sensor_type", p.SensorType);
        Add("prism:acquisition_type", p.AcquisitionType);
        Add("prism:processing_center", p.ProcessingCenter);
        Add("prism:status", p.Status);
        if (p.Properties.Count > 0)
        {
            // The named members above win over a free property of the same name (as JsonObject.TryAdd does).
            bool Taken(string name) => name switch
            {
                "product_type" => true,
                "sensor_type" => !string.IsNullOrEmpty(p.SensorType),
                "acquisition_type" => !string.IsNullOrEmpty(p.AcquisitionType),
                "processing_center" => !string.IsNullOrEmpty(p.ProcessingCenter),
                "status" => !string.IsNullOrEmpty(p.Status),
                _ => false,
            };
            foreach (var (name, value) in p.Properties.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                if (!string.IsNullOrEmpty(name) && name.Length <= 100 && !Taken(name)) writer.WriteString($"prism:{name}", value);
        }
        if (p.UpdatedAt is { } updated) writer.WriteString("updated", Time(updated));
        writer.WriteEndObject();

        var collectionUrl = $"{Root}/collections/{Esc(collection)}";
        var self = $"{collectionUrl}/items/{Esc(p.Identifier)}";
        var time = $"{begin}/{end}";
        writer.WritePropertyName("links");
        writer.WriteStartArray();
        WriteLink(writer, "self", self, GeoJsonType);
        WriteLink(writer, "parent", collectionUrl, JsonType);
        WriteLink(writer, "collection", collectionUrl, JsonType);
        WriteLink(writer, "root", Root, JsonType);
        WriteLink(writer, "wmts", $"{BaseUrl}/wmts/1.0.0/WMTSCapabilities.xml", "application/xml", "WMTS capabilities", end: false);
        writer.WriteString("wmts:layer", collection);
        writer.WritePropertyName("wmts:dimensions");
        writer.WriteStartObject();
        writer.WriteString("TIME", time);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();

        writer.WritePropertyName("assets");
        writer.WriteStartObject();
        foreach (var (key, coverage) in AssetsOf(p))
        {
            writer.WritePropertyName(key);
            writer.WriteStartObject();
            writer.WriteString("href", $"{self}/assets/{Esc(key)}");
            writer.WriteString("type", CogType);
            writer.WriteString("title", coverage.Identifier);
            writer.WritePropertyName("roles");
            writer.WriteStartArray();
            writer.WriteStringValue("data");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WritePropertyName("wms");
        writer.WriteStartObject();
        writer.WriteString("href", GetMapUrl(collection, box.MinX, box.MinY, box.MaxX, box.MaxY, time));
        writer.WriteString("type", "image/png");
        writer.WriteString("title", WmsAssetTitle);
        writer.WritePropertyName("roles");
        writer.WriteStartArray();
        writer.WriteStringValue("overview");
        writer.WriteStringValue("visual");
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WriteEndObject();
    }

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static (int Width, int Height) PreviewSize(double dx, double dy)
    {
        const int max = 1024;
        if (!(dx > 0) || !(dy > 0)) return (max, max);
        return dx >= dy ? (max, Math.Max(1, (int)Math.Round(max * dy / dx))) : (Math.Max(1, (int)Math.Round(max * dx / dy)), max);
    }

    /// <summary>The data assets of a product: one per coverage, keyed by the coverage identifier (made unique).</summary>
    public static IReadOnlyList<(string Key, CoverageRecord Coverage)> AssetsOf(ProductRecord p)
    {
        var used = new HashSet<string>(StringComparer.Ordinal) { "wms" };
        var result = new List<(string, CoverageRecord)>();
        foreach (var c in p.Coverages)
        {
            var key = string.IsNullOrEmpty(c.Identifier) ? "data" : c.Identifier;
            if (!used.Add(key))
                for (var i = 2; ; i++) if (used.Add($"{key}-{i}")) { key = $"{key}-{i}"; break; }
            result.Add((key, c));
        }
        return result;
    }

    private static string? ConstellationOf(string? platform)
    {
        if (string.IsNullOrWhiteSpace(platform)) return null;
        var p = platform.Trim();
        // Sentinel-1A/2B… belong to the Sentinel-1/2 constellations; single satellites have none.
        if (p.StartsWith("Sentinel-", StringComparison.OrdinalIgnoreCase) && p.Length >= 11 && char.IsLetter(p[^1]))
            return p[..^1].ToLowerInvariant();
        return null;
    }
}

/// <summary>What a collection's products add up to: the union of their footprints' boxes and the values seen.</summary>
public sealed record CollectionSummary(double[]? Bbox, IReadOnlyList<string> Platforms, IReadOnlyList<string> Instruments, IReadOnlyList<string> ProductTypes);
