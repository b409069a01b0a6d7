using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Prism.Catalog;
using Prism.Coverages;
using Prism.Gateway.Ows.Common;

namespace Prism.Gateway.Ows.Wcs;

/// <summary>
/// WCS 2.0.1 with the EO application profile (KVP): GetCapabilities, DescribeCoverage, DescribeEOCoverageSet,
/// GetCoverage. Reads the catalog only through <see cref="ICatalog"/>; cuts coverages in the
/// <see cref="ICoverageGrain"/>. Every answer carries CORS headers; errors are OWS 2.0 exception reports with the
/// HTTP status of WCS 2.0.1 Table 18 (see <see cref="WcsExceptionCode"/>).
/// </summary>
public sealed class WcsHandler(ICatalog catalog, IGrainFactory grains, IOptions<OwsOptions> ows, IOptions<CoverageOptions> wcs,
    ILoggerFactory loggers)
{
    private readonly OwsOptions _ows = ows.Value;
    private readonly CoverageOptions _wcs = wcs.Value;
    private readonly OwsErrorLog _log = new(loggers.CreateLogger<OwsErrorLog>());

    /// <summary>The <c>/ows?SERVICE=WCS</c> entry point (the handler is made per request from DI).</summary>
    public static Task HandleAsync(HttpContext ctx, string path) =>
        ActivatorUtilities.GetServiceOrCreateInstance<WcsHandler>(ctx.RequestServices).HandleRequestAsync(ctx, path);

    public async Task HandleRequestAsync(HttpContext ctx, string path)
    {
        OwsHttp.Cors(ctx.Response);
        var query = ctx.Request.Query;
        try
        {
            var request = One(query, "request");
            if (string.IsNullOrWhiteSpace(request))
                throw new OwsException(OwsExceptionCode.MissingParameterValue, "Missing parameter REQUEST", "request");
            var op = request.Trim();
            if (op.Equals("GetCapabilities", StringComparison.OrdinalIgnoreCase))
            {
                await GetCapabilitiesAsync(ctx, query, path);
                return;
            }
            CheckVersion(query, op);
            if (op.Equals("DescribeCoverage", StringComparison.OrdinalIgnoreCase)) await DescribeCoverageAsync(ctx, query);
            else if (op.Equals("GetCoverage", StringComparison.OrdinalIgnoreCase)) await GetCoverageAsync(ctx, query);
            else if (op.Equals("DescribeEOCoverageSet", StringComparison.OrdinalIgnoreCase)) await DescribeEOCoverageSetAsync(ctx, query);
            else
                throw new OwsException(OwsExceptionCode.OperationNotSupported, $"REQUEST '{OwsTime.Truncate(op)}' is not a WCS 2.0.1 operation of this server", "request", 501);
        }
        catch (OwsException e)
        {
            await WriteExceptionAsync(ctx, e);
        }
        catch (Exception e) when (!ctx.RequestAborted.IsCancellationRequested)
        {
            _log.Failed(e, ctx.Request);
            await WriteExceptionAsync(ctx, new OwsException(OwsExceptionCode.NoApplicableCode, "The coverage could not be produced", null, 500));
        }
    }

    public static Task WriteExceptionAsync(HttpContext ctx, OwsException e)
    {
        OwsHttp.Cors(ctx.Response);
        return OwsHttp.WriteBytesAsync(ctx, OwsExceptionReport.Encode(e, ows20: true), OwsExceptionReport.ContentType, e.Status);
    }

    private static string? One(IQueryCollection q, string key) => q.TryGetValue(key, out var v) && v.Count > 0 ? v[0] : null;

    private static void CheckVersion(IQueryCollection q, string op)
    {
        var version = One(q, "version");
        if (string.IsNullOrWhiteSpace(version))
            throw new OwsException(OwsExceptionCode.MissingParameterValue, $"Missing parameter VERSION ({op} needs VERSION=2.0.1)", "version");
        if (version.Trim() is not ("2.0.1" or "2.0.0"))
            throw new OwsException(OwsExceptionCode.InvalidParameterValue, $"VERSION '{OwsTime.Truncate(version)}' is not offered (2.0.1)", "version");
    }

    // ------------------------------------------------------------------------------------------ GetCapabilities

    private async Task GetCapabilitiesAsync(HttpContext ctx, IQueryCollection q, string path)
    {
        var accept = One(q, "acceptversions");
        if (!string.IsNullOrWhiteSpace(accept) && !accept.Split(',').Any(v => v.Trim() is "2.0.1" or "2.0.0"))
            throw new OwsException(OwsExceptionCode.VersionNegotiationFailed, $"None of ACCEPTVERSIONS '{OwsTime.Truncate(accept)}' is offered (2.0.1)", "acceptversions");
        var ct = ctx.RequestAborted;
        var coverages = new List<WcsCoverage>();
        var boxes = new Dictionary<string, double[]>(StringComparer.Ordinal);
        const int page = 500;
        for (var offset = 0; offset < _wcs.MaxCapabilitiesCoverages; offset += page)
        {
            var products = await catalog.SearchAsync(new ProductQuery { Limit = Math.Min(page, _wcs.MaxCapabilitiesCoverages - offset), Offset = offset }, ct);
            foreach (var p in products)
            {
                foreach (var c in p.Coverages) coverages.Add(new WcsCoverage(p, c));
                var box = WcsCoverage.BoxOfWkt(p.FootprintWkt);
                if (box is null) continue;
                foreach (var collection in p.Collections)
                    boxes[collection] = boxes.TryGetValue(collection, out var b)
                        ? [Math.Min(b[0], box[0]), Math.Min(b[1], box[1]), Math.Max(b[2], box[2]), Math.Max(b[3], box[3])]
                        : box;
            }
            if (products.Count < page) break;
        }
        var series = (await catalog.GetCollectionsAsync(ct))
            .Where(c => c.BeginTime is not null && c.EndTime is not null && c.ProductCount > 0)
            .Select(c => new WcsXml.SeriesSummary(WcsIds.Encode(c.Identifier), boxes.GetValueOrDefault(c.Identifier) ?? [-180, -90, 180, 90],
                c.BeginTime!.Value, c.EndTime!.Value))
            .ToList();
        var crs = new HashSet<int> { 4326, 3857 };
        foreach (var c in coverages)
            if (c.Epsg is int e) crs.Add(e);
        var endpoint = OwsHttp.BaseUrl(ctx.Request, _ows) + ctx.Request.Path.Value;
        var body = WcsXml.Capabilities(_ows, endpoint, coverages, series, crs, _wcs.MaxDescribeCount);
        await OwsHttp.WriteBytesAsync(ctx, body, WcsXml.ContentType);
    }

    // ----------------------------------------------------------------------------------------- DescribeCoverage

    private async Task DescribeCoverageAsync(HttpContext ctx, IQueryCollection q)
    {
        var ids = Ids(q, "coverageid");
        if (ids.Count == 0)
            throw WcsExceptionCode.Error(WcsExceptionCode.EmptyCoverageIdList, "COVERAGEID names no coverage", "coverageId");
        var list = new List<WcsCoverage>();
        foreach (var id in ids)
            list.Add(await FindAsync(id, ctx.RequestAborted) ?? throw NoSuchCoverage(id));
        await OwsHttp.WriteBytesAsync(ctx, WcsXml.CoverageDescriptions(list), WcsXml.ContentType);
    }

    private static List<string> Ids(IQueryCollection q, string key)
    {
        if (!q.TryGetValue(key, out var values) || values.Count == 0 || values.All(string.IsNullOrWhiteSpace))
            throw new OwsException(OwsExceptionCode.MissingParameterValue, $"Missing parameter {key.ToUpperInvariant()}", key == "coverageid" ? "coverageId" : key);
        return values.SelectMany(v => (v ?? "").Split(',')).Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();
    }

    private static OwsException NoSuchCoverage(string id) =>
        WcsExceptionCode.Error(WcsExceptionCode.NoSuchCoverage, $"No coverage '{OwsTime.Truncate(id)}'", id.Length <= 200 ? id : "coverageId");

    /// <summary>
    /// A coverage by its WCS id, through the catalog only: the decoded identifier is looked up as a product identifier
    /// (one-raster products: coverage id = product id), else each prefix before an underscore (multi-raster products:
    /// <c>{product}_{raster}</c>).
    /// </summary>
    public async Task<WcsCoverage?> FindAsync(string wcsId, CancellationToken ct)
    {
        if (wcsId.Length is 0 or > 1024) return null;
        var id = WcsIds.Decode(wcsId);
        var candidates = new List<string> { id };
        for (var i = id.LastIndexOf('_'); i > 0 && candidates.Count < 16; i = id.LastIndexOf('_', i - 1)) candidates.Add(id[..i]);
        foreach (var productId in candidates)
        {
            var p = await catalog.GetProductAsync(productId, ct);
            var c = p?.Coverages.FirstOrDefault(c => c.Identifier == id);
            if (p is not null && c is not null) return new WcsCoverage(p, c);
        }
        return null;
    }

    // ------------------------------------------------------------------------------------ DescribeEOCoverageSet

    private async Task DescribeEOCoverageSetAsync(HttpContext ctx, IQueryCollection q)
    {
        var ct = ctx.RequestAborted;
        var eoIds = Ids(q, "eoid");
        var containment = (One(q, "containment") ?? "overlaps").Trim().ToLowerInvariant();
        if (containment is not ("overlaps" or "contains"))
            throw new OwsException(OwsExceptionCode.InvalidParameterValue, $"containment must be overlaps or contains", "containment");
        var count = _wcs.MaxDescribeCount;
        if (One(q, "count") is { } countText)
        {
            if (!int.TryParse(countText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out count))
                throw new OwsException(OwsExceptionCode.InvalidParameterValue, "count must be a non-negative integer", "count");
            count = Math.Min(count, _wcs.MaxDescribeCount);
        }
        var sections = (One(q, "sections") ?? "All").Split(',').Select(s => s.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (sections.Any(s => s is not ("All" or "CoverageDescriptions" or "DatasetSeriesDescriptions") && !s.Equals("all", StringComparison.OrdinalIgnoreCase)))
            throw new OwsException(OwsExceptionCode.InvalidParameterValue, "sections must be All, CoverageDescriptions or DatasetSeriesDescriptions", "sections");
        var all = sections.Contains("All");

        double? latLo = null, latHi = null, lonLo = null, lonHi = null;
        DateTimeOffset? start = null, end = null;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in q.TryGetValue("subset", out var sv) ? sv : StringValues.Empty)
        {
            var s = WcsSubset.Parse(raw ?? "");
            var axis = s.Axis.ToLowerInvariant();
            var key = axis switch { "lat" or "y" => "lat", "long" or "lon" or "x" => "long", "phenomenontime" => "time", _ => axis };
            if (key is not ("lat" or "long" or "time"))
                throw WcsExceptionCode.Error(WcsExceptionCode.InvalidAxisLabel, $"DescribeEOCoverageSet subsets Lat, Long and phenomenonTime, not '{OwsTime.Truncate(s.Axis)}'", s.Axis);
            if (!seen.Add(key)) throw WcsExceptionCode.Error(WcsExceptionCode.InvalidSubsetting, $"axis {s.Axis} is subset twice", s.Axis);
            if (key == "time")
            {
                (start, end) = s.Times();
                if (start > end) throw WcsExceptionCode.Error(WcsExceptionCode.InvalidSubsetting, "phenomenonTime low is after high", s.Axis);
                continue;
            }
            var (lo, hi) = s.Numbers();
            if (lo > hi) throw WcsExceptionCode.Error(WcsExceptionCode.InvalidSubsetting, $"{s.Axis} low is greater than high", s.Axis);
            if (key == "lat") (latLo, latHi) = (lo, hi);
            else (lonLo, lonHi) = (lo, hi);
        }
        IReadOnlyList<double>? bbox = latLo is null && latHi is null && lonLo is null && lonHi is null ? null :
        [
            Math.Clamp(lonLo ?? -180, -180, 180), Math.Clamp(latLo ?? -90, -90, 90),
            Math.Clamp(lonHi ?? 180, -180, 180), Math.Clamp(latHi ?? 90, -90, 90),
        ];
        var contains = containment == "contains";
        var template = new ProductQuery
        {
            Bbox = bbox,
            Relation = contains ? GeoRelation.Within : GeoRelation.Intersects,
            Start = start,
            End = end,
            TimeRelation = contains && start is not null && end is not null ? TimeRelation.During : TimeRelation.Intersects,
        };
        // Open time ends: "contains" keeps the side that is given.
        if (contains && (start is null) != (end is null))
            template = template with { Start = start ?? DateTimeOffset.MinValue.AddYears(1), End = end ?? DateTimeOffset.MaxValue.AddYears(-1), TimeRelation = TimeRelation.During };

        var collections = (await catalog.GetCollectionsAsync(ct)).ToDictionary(c => c.Identifier, StringComparer.Ordinal);
        var result = new List<WcsCoverage>();
        var returned = new HashSet<string>(StringComparer.Ordinal);
        var series = new List<WcsXml.SeriesSummary>();
        long matched = 0;
        foreach (var eoId in eoIds)
        {
            var id = WcsIds.Decode(eoId);
            if (collections.TryGetValue(id, out var collection))
            {
                var query = template with { Collection = id, Limit = count };
                matched += await catalog.CountAsync(query with { Limit = int.MaxValue }, ct);
                foreach (var p in await catalog.SearchAsync(query, ct))
                    foreach (var c in p.Coverages)
                        if (returned.Add(c.Identifier)) result.Add(new WcsCoverage(p, c));
                if (collection.BeginTime is not null && collection.EndTime is not null)
                {
                    var box = await CollectionBoxAsync(id, ct);
                    series.Add(new WcsXml.SeriesSummary(eoId, box, collection.BeginTime.Value, collection.EndTime.Value));
                }
                continue;
            }
            var coverage = await FindAsync(eoId, ct)
                           ?? throw WcsExceptionCode.Error(WcsExceptionCode.NoSuchDatasetSeriesOrCoverage, $"No dataset series or coverage '{OwsTime.Truncate(eoId)}'", "eoId");
            var hit = await catalog.SearchAsync(template with { Identifiers = [coverage.Product.Identifier], Limit = 1 }, ct);
            if (hit.Count == 0) continue;
            matched++;
            if (returned.Add(coverage.Record.Identifier)) result.Add(coverage);
        }
        if (result.Count > count) result = result.Take(count).ToList();
        var withCoverages = all || sections.Contains("CoverageDescriptions");
        var withSeries = all || sections.Contains("DatasetSeriesDescriptions");
        await OwsHttp.WriteBytesAsync(ctx, WcsXml.EOCoverageSetDescription(result, withSeries ? series : null, matched, withCoverages), WcsXml.ContentType);
    }

    private async Task<double[]> CollectionBoxAsync(string collection, CancellationToken ct)
    {
        double[]? box = null;
        const int page = 500;
        for (var offset = 0; offset < _wcs.MaxCapabilitiesCoverages; offset += page)
        {
            var products = await catalog.SearchAsync(new ProductQuery { Collection = collection, Limit = page, Offset = offset }, ct);
            foreach (var b in products.Select(p => WcsCoverage.BoxOfWkt(p.FootprintWkt)).OfType<double[]>())
                box = box is null ? b : [Math.Min(box[0], b[0]), Math.Min(box[1], b[1]), Math.Max(box[2], b[2]), Math.Max(box[3], b[3])];
            if (products.Count < page) break;
        }
        return box ?? [-180, -90, 180, 90];
    }

    // ---------------------------------------------------------------------------------------------- GetCoverage

    private async Task GetCoverageAsync(HttpContext ctx, IQueryCollection q)
    {
        var ids = Ids(q, "coverageid");
        if (ids.Count != 1)
            throw new OwsException(OwsExceptionCode.InvalidParameterValue, "GetCoverage takes exactly one COVERAGEID", "coverageId");
        var coverage = await FindAsync(ids[0], ctx.RequestAborted) ?? throw NoSuchCoverage(ids[0]);
        var plan = WcsCutPlanner.Plan(coverage, q, _wcs);
        var output = await grains.GetGrain<ICoverageGrain>(0).CutAsync(plan.Cut);
        if (output.ErrorCode is { } code)
            throw WcsExceptionCode.Error(code, output.ErrorMessage ?? code, output.ErrorLocator);

        var ext = plan.Cut.Encoding switch { CoverageEncoding.Png => "png", CoverageEncoding.Jpeg => "jpg", _ => "tif" };
        ctx.Response.Headers.ContentDisposition = $"inline; filename=\"{coverage.Id}.{ext}\"";
        if (!plan.Multipart)
        {
            await OwsHttp.WriteBytesAsync(ctx, output.Data, output.ContentType);
            return;
        }
        // multipart/related: the coverage description (GML) first, then the encoded range set.
        const string boundary = "wcs-coverage-part";
        var gml = WcsXml.CoverageDescriptions([coverage]);
        using var body = new MemoryStream();
        void Text(string s) => body.Write(Encoding.ASCII.GetBytes(s));
        Text($"--{boundary}\r\nContent-Type: application/gml+xml\r\n\r\n");
        body.Write(gml);
        Text($"\r\n--{boundary}\r\nContent-Type: {output.ContentType}\r\nContent-Description: coverage data\r\nContent-Transfer-Encoding: binary\r\nContent-ID: coverage/{coverage.Id}.{ext}\r\nContent-Disposition: inline; filename=\"{coverage.Id}.{ext}\"\r\n\r\n");
        body.Write(output.Data);
        Text($"\r\n--{boundary}--\r\n");
        await OwsHttp.WriteBytesAsync(ctx, body.ToArray(), $"multipart/related; boundary={boundary}");
    }
}
