using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Prism.Gateway.Ows.Common;
using Prism.Maps;

namespace Prism.Gateway.Ows.Wmts;

/// <summary>WMTS 1.0.0 requests: GetCapabilities and GetTile (KVP and REST); errors as OWS 1.1 exception reports.</summary>
public sealed class WmtsHandler(OwsOptions options, OwsErrorLog log, Func<IMapBackend>? backend = null)
{
    /// <summary>Most REST tile paths whose decoding is remembered; when full it starts over.</summary>
    public const int RestPathCacheCapacity = 50_000;

    // Pre-built header values of tile answers (with and without a TIME value).
    private readonly string _timedCacheControl = OwsHttp.CacheControlOf(options.TileMaxAgeSeconds);
    private readonly string _defaultTimeCacheControl = OwsHttp.CacheControlOf(options.DefaultTimeMaxAgeSeconds);
    // Decoding a REST path is a pure function of the path: successful decodings are kept (errors are not).
    private ConcurrentDictionary<string, TileQuery> _restPaths = new(StringComparer.Ordinal);
    private int _restPathCount;
    private IMapBackend? _backend;

    /// <summary>The backend: the one given (a singleton from the root services), else the request's.</summary>
    private IMapBackend Backend(HttpContext ctx) =>
        _backend ??= backend?.Invoke() ?? Backend(ctx);

    /// <summary>KVP request (<c>/wmts?</c> or <c>/ows?SERVICE=WMTS</c>).</summary>
    public async Task HandleKvpAsync(HttpContext ctx, Kvp kvp, string kvpPath)
    {
        OwsHttp.Cors(ctx.Response);
        try
        {
            var service = kvp["SERVICE"];
            if (!string.IsNullOrWhiteSpace(service) && !service.Trim().Equals("WMTS", StringComparison.OrdinalIgnoreCase))
                throw new OwsException(OwsExceptionCode.InvalidParameterValue, $"SERVICE '{OwsTime.Truncate(service)}' is not WMTS", "service");
            var request = kvp.Required("REQUEST", "request");
            if (request.Equals("GetCapabilities", StringComparison.OrdinalIgnoreCase))
            {
                var accept = kvp["ACCEPTVERSIONS"];
                if (!string.IsNullOrWhiteSpace(accept) && !accept.Split(',').Any(v => v.Trim() == "1.0.0"))
                    throw new OwsException(OwsExceptionCode.VersionNegotiationFailed, $"None of the versions '{OwsTime.Truncate(accept)}' is supported (1.0.0)", "AcceptVersions");
                await CapabilitiesAsync(ctx, Backend(ctx), kvpPath);
            }
            else if (request.Equals("GetTile", StringComparison.OrdinalIgnoreCase))
                await TileAsync(ctx, Backend(ctx), WmtsGetTileDecoder.DecodeKvp(kvp));
            else
                throw new OwsException(OwsExceptionCode.OperationNotSupported, $"Operation '{OwsTime.Truncate(request)}' is not supported (GetCapabilities, GetTile)", "request", 501);
        }
        catch (Exception e) when (Handled(ctx, e, out var report))
        {
            await WriteExceptionAsync(ctx, report);
        }
    }

    /// <summary><c>/wmts/1.0.0/WMTSCapabilities.xml</c>.</summary>
    public async Task HandleRestCapabilitiesAsync(HttpContext ctx)
    {
        OwsHttp.Cors(ctx.Response);
        try
        {
            await CapabilitiesAsync(ctx, Backend(ctx), "/wmts");
        }
        catch (Exception e) when (Handled(ctx, e, out var report))
        {
            await WriteExceptionAsync(ctx, report);
        }
    }

    /// <summary>A REST tile: <paramref name="path"/> is what follows <c>/wmts/1.0.0/</c>.</summary>
    public async Task HandleRestTileAsync(HttpContext ctx, string path)
    {
        OwsHttp.Cors(ctx.Response);
        try
        {
            if (!_restPaths.TryGetValue(path, out var query))
            {
                query = WmtsGetTileDecoder.DecodeRest(path) ?? throw new OwsException(OwsExceptionCode.InvalidParameterValue,
                    "Not a WMTS tile path: expected /wmts/1.0.0/{layer}/{style}[/{time}]/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.{png|jpg}", null, 404);
                RememberRestPath(path, query);
            }
            await TileAsync(ctx, Backend(ctx), query);
        }
        catch (Exception e) when (Handled(ctx, e, out var report))
        {
            await WriteExceptionAsync(ctx, report);
        }
    }

    private async Task CapabilitiesAsync(HttpContext ctx, IMapBackend backend, string kvpPath)
    {
        var layers = await backend.GetLayersAsync(ctx.RequestAborted);
        var xml = WmtsCapabilitiesEncoder.Encode(layers, options, OwsHttp.BaseUrl(ctx.Request, options), kvpPath);
        await OwsHttp.WriteBytesAsync(ctx, xml, WmtsCapabilitiesEncoder.ContentType);
    }

    private void RememberRestPath(string path, TileQuery query)
    {
        var paths = _restPaths;
        if (Volatile.Read(ref _restPathCount) >= RestPathCacheCapacity)
        {
            Interlocked.Exchange(ref _restPaths, new ConcurrentDictionary<string, TileQuery>(StringComparer.Ordinal));
            Volatile.Write(ref _restPathCount, 0);
            return;
        }
        if (paths.TryAdd(path, query)) Interlocked.Increment(ref _restPathCount);
    }

    private async Task TileAsync(HttpContext ctx, IMapBackend backend, TileQuery query)
    {
        var image = await backend.GetTileAsync(query, ctx.RequestAborted);
        image ??= BlankImages.Tile(query.Format); // defensive: "nothing intersects" may come back as null
        await OwsHttp.WriteImageAsync(ctx, image, query.Time is null ? _defaultTimeCacheControl : _timedCacheControl);
    }

    private bool Handled(HttpContext ctx, Exception e, out OwsException report)
    {
        report = e switch
        {
            OwsException o => o,
            MapRequestException m => OwsException.ForWmts(m),
            _ => null!,
        };
        if (report is not null) return true;
        if (e is OperationCanceledException && ctx.RequestAborted.IsCancellationRequested) return false;
        log.Failed(e, ctx.Request);
        report = new OwsException(OwsExceptionCode.NoApplicableCode, "Internal error: " + e.Message, null, 500);
        return !ctx.Response.HasStarted;
    }

    public static Task WriteExceptionAsync(HttpContext ctx, OwsException e) =>
        OwsHttp.WriteBytesAsync(ctx, OwsExceptionReport.Encode(e), OwsExceptionReport.ContentType, e.Status);
}
