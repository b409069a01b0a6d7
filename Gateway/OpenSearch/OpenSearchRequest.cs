using System.Globalization;
using Microsoft.AspNetCore.Http;
using Prism.Catalog;

namespace Prism.Gateway.OpenSearch;

/// <summary>One EO parameter: its query name (also the <see cref="ProductQuery.Properties"/> key and the
/// <c>eo:</c> template name) and whether it takes numeric ranges.</summary>
public sealed record EoParameter(string Name, bool Numeric, string Title, Func<ProductRecord, string?> Read);

/// <summary>A decoded search: the catalog query (with limit/offset) and the paging as the client asked for it.</summary>
public sealed record OpenSearchRequest(ProductQuery Query, int Count, int StartIndex, IReadOnlyDictionary<string, string> Given)
{
    /// <summary>The parameters of the Geo and Time extensions by query name → template name.</summary>
    public static readonly IReadOnlyList<(string Name, string Template, string Title)> CoreParameters =
    [
        ("q", "searchTerms", "Free text: substring of the identifier, product type, platform or instrument"),
        ("count", "count", "Results per page"),
        ("startIndex", "startIndex", "Index of the first result (1-based)"),
        ("startPage", "startPage", "Page number (1-based)"),
        ("bbox", "geo:box", "Bounding box west,south,east,north in degrees (west > east crosses the antimeridian)"),
        ("geom", "geo:geometry", "Geometry as WKT (lon/lat): POINT, LINESTRING, POLYGON, MULTIPOLYGON"),
        ("lat", "geo:lat", "Latitude of the circle centre (degrees)"),
        ("lon", "geo:lon", "Longitude of the circle centre (degrees)"),
        ("radius", "geo:radius", "Circle radius in metres"),
        ("georel", "geo:relation", "Spatial relation of the footprint to the search geometry"),
        ("uid", "geo:uid", "Identifier"),
        ("start", "time:start", "Start of the time interval (ISO 8601)"),
        ("end", "time:end", "End of the time interval (ISO 8601)"),
        ("timerel", "time:relation", "Temporal relation of the product interval to [start, end]"),
    ];

    public static readonly IReadOnlyList<EoParameter> EoParameters =
    [
        new("productType", false, "Product type", p => p.ProductType),
        new("platform", false, "Platform short name", p => p.Platform),
        new("instrument", false, "Instrument short name", p => p.Instrument),
        new("sensorType", false, "Sensor type", p => p.SensorType),
        new("cloudCover", true, "Cloud cover in percent (range syntax [a,b], ]a,b[, [a, a])", p => p.CloudCover?.ToString("R", CultureInfo.InvariantCulture)),
        new("orbitNumber", true, "Orbit number (range syntax)", p => p.OrbitNumber?.ToString(CultureInfo.InvariantCulture)),
        new("orbitDirection", false, "Orbit direction", p => p.OrbitDirection),
        new("acquisitionType", false, "Acquisition type", p => p.AcquisitionType),
        new("processingCenter", false, "Processing centre", p => p.ProcessingCenter),
        new("status", false, "Status", p => p.Status),
    ];

    public static readonly string[] GeoRelations = ["intersects", "contains", "disjoint", "within"];
    public static readonly string[] TimeRelations = ["intersects", "contains", "during", "disjoint", "equals"];

    /// <summary>Reads the OpenSearch parameters. Empty values count as absent (unfilled template parameters);
    /// unknown parameters are ignored. Throws <see cref="OpenSearchException"/> on a value it cannot accept.</summary>
    public static OpenSearchRequest Decode(IQueryCollection q, OpenSearchOptions options)
    {
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        string? Get(string name)
        {
            if (!q.TryGetValue(name, out var values) || values.Count == 0) return null;
            if (values.Count > 1) throw new OpenSearchException($"{name} given more than once", name);
            var v = values[0];
            if (string.IsNullOrWhiteSpace(v)) return null;
            if (v.Length > options.MaxGeometryLength) throw new OpenSearchException($"{name}: value too long", name);
            given[name] = v;
            return v;
        }

        var count = Int(Get("count"), "count", 0, options.MaxCount) ?? options.DefaultCount;
        var startIndex = Int(Get("startIndex"), "startIndex", 1, options.MaxStartIndex) ?? 1;
        var startPage = Int(Get("startPage"), "startPage", 1, options.MaxStartIndex) ?? 1;
        var offset = (long)startIndex - 1 + (long)(startPage - 1) * count;
        if (offset >= options.MaxStartIndex) throw new OpenSearchException($"startIndex/startPage beyond {options.MaxStartIndex}", "startPage");

        var text = Get("q");
        if (text is not null && (text.Length > 256 || text.Any(char.IsControl)))
            throw new OpenSearchException("q: at most 256 characters, no control characters", "q");

        IReadOnlyList<double>? bbox = null;
        if (Get("bbox") is { } b) bbox = Bbox(b);

        GeoShape? shape = null;
        if (Get("geom") is { } g)
        {
            try { shape = GeoWkt.Parse(g, options.MaxGeometryLength, options.MaxGeometryPoints); }
            catch (FormatException e) { throw new OpenSearchException($"geom: {e.Message}", "geom"); }
        }

        var lat = Double(Get("lat"), "lat", -90, 90);
        var lon = Double(Get("lon"), "lon", -180, 180);
        var radius = Double(Get("radius") ?? Get("r"), "radius", 0, options.MaxRadius);
        if ((lat is null) != (lon is null)) throw new OpenSearchException("lat and lon go together", lat is null ? "lat" : "lon");
        if (radius is not null && lat is null) throw new OpenSearchException("radius needs lat and lon", "radius");
        if (lat is not null)
        {
            if (shape is not null) throw new OpenSearchException("give either geom or lat/lon, not both", "geom");
            shape = radius is > 0
                ? GeoCircle.Polygon(lon!.Value, lat.Value, radius.Value, options.CircleVertices)
                : new GeoShape("POINT", [[[(lon!.Value, lat.Value)]]]);
        }

        var relation = Get("georel") switch
        {
            null or "intersects" => GeoRelation.Intersects,
            // OGC 10-032r8 / EOxServer: "contains" = the search geometry contains the footprint.
            "contains" => GeoRelation.Within,
            "disjoint" => GeoRelation.Disjoint,
            // and the reverse: the search geometry lies within the footprint.
            "within" => GeoRelation.Contains,
            var other => throw new OpenSearchException($"georel: '{OpenSearchException.Echo(other)}' is not one of {string.Join(", ", GeoRelations)}", "georel"),
        };

        var start = Time(Get("start"), "start", endOfDay: false);
        var end = Time(Get("end"), "end", endOfDay: true);
        if (start is not null && end is not null && start > end)
            throw new OpenSearchException("start is after end", "start");
        var timeRelation = Get("timerel") switch
        {
            null or "intersects" => TimeRelation.Intersects,
            "contains" => TimeRelation.Contains,
            "during" => TimeRelation.During,
            "disjoint" => TimeRelation.Disjoint,
            "equals" => TimeRelation.Equals,
            var other => throw new OpenSearchException($"timerel: '{OpenSearchException.Echo(other)}' is not one of {string.Join(", ", TimeRelations)}", "timerel"),
        };
        if (timeRelation == TimeRelation.Equals && (start is null || end is null))
            throw new OpenSearchException("timerel=equals needs both start and end", "timerel");

        var uid = Get("uid");
        if (uid is not null && (uid.Length > 1024 || uid.Any(char.IsControl)))
            throw new OpenSearchException("uid: at most 1024 characters, no control characters", "uid");

        Dictionary<string, PropertyFilter>? properties = null;
        foreach (var p in EoParameters)
        {
            if (Get(p.Name) is not { } value) continue;
            (properties ??= new(StringComparer.Ordinal))[p.Name] = EoRange.Parse(p.Name, value, p.Numeric);
        }

        var query = new ProductQuery
        {
            Text = text,
            Bbox = bbox,
            GeometryWkt = shape?.ToWkt(),
            Relation = relation,
            Start = start,
            End = end,
            TimeRelation = timeRelation,
            Identifiers = uid is null ? null : [uid],
            Properties = properties,
            Limit = count,
            Offset = (int)offset,
        };
        return new OpenSearchRequest(query, count, (int)offset + 1, given);
    }

    public static IReadOnlyList<double> Bbox(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 4) throw new OpenSearchException("bbox: four numbers west,south,east,north expected", "bbox");
        var v = new double[4];
        for (var i = 0; i < 4; i++)
        {
            if (parts[i].Length > 40 || !double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) || !double.IsFinite(v[i]))
                throw new OpenSearchException($"bbox: '{OpenSearchException.Echo(parts[i])}' is not a finite number", "bbox");
        }
        if (v[0] is < -180 or > 180 || v[2] is < -180 or > 180) throw new OpenSearchException("bbox: longitudes must lie in [-180, 180]", "bbox");
        if (v[1] is < -90 or > 90 || v[3] is < -90 or > 90) throw new OpenSearchException("bbox: latitudes must lie in [-90, 90]", "bbox");
        if (v[1] > v[3]) throw new OpenSearchException("bbox: south is above north", "bbox");
        return v;
    }

    private static int? Int(string? text, string name, int min, int max)
    {
        if (text is null) return null;
        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw new OpenSearchException($"{name}: '{OpenSearchException.Echo(text)}' is not an integer", name);
        if (v < min || v > max) throw new OpenSearchException($"{name}: {v} outside [{min}, {max}]", name);
        return v;
    }

    private static double? Double(string? text, string name, double min, double max)
    {
        if (text is null) return null;
        if (text.Length > 40 || !double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new OpenSearchException($"{name}: '{OpenSearchException.Echo(text)}' is not a finite number", name);
        if (v < min || v > max) throw new OpenSearchException($"{name}: {v.ToString(CultureInfo.InvariantCulture)} outside [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]", name);
        return v;
    }

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyyMMdd"];

    /// <summary>ISO 8601 date-time (a missing offset means UTC) or a date: the start of that day for <c>start</c>, its
    /// last instant for <c>end</c>.</summary>
    public static DateTimeOffset? Time(string? text, string name, bool endOfDay)
    {
        if (text is null) return null;
        var t = text.Trim();
        if (t.Length <= 10 && DateTime.TryParseExact(t, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var d = new DateTimeOffset(day.Date, TimeSpan.Zero);
            return endOfDay ? d.AddDays(1).AddTicks(-1) : d;
        }
        if (t.Length > 40 || !t.Contains('T') ||
            !DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var v))
            throw new OpenSearchException($"{name}: '{OpenSearchException.Echo(text)}' is not an ISO 8601 date or date-time", name);
        return v;
    }
}
