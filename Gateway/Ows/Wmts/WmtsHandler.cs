using Microsoft.AspNetCore.Http;
using Prism.Gateway.Ows.Common;
using Prism.Maps;

namespace Prism.Gateway.Ows.Wmts;

/// <summary>WMTS 1.0.0 requests: GetCapabilities and GetTile (KVP and REST); errors as OWS 1.1 exception reports.</summary>
public sealed class WmtsHandler(OwsOptions options, OwsErrorLog log)
{
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
                await CapabilitiesAsync(ctx, OwsEndpoints.Backend(ctx), kvpPath);
            }
            else if (request.Equals("GetTile", StringComparison.OrdinalIgnoreCase))
                await TileAsync(ctx, OwsEndpoints.Backend(ctx), WmtsGetTileDecoder.DecodeKvp(kvp));
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
            await CapabilitiesAsync(ctx, OwsEndpoints.Backend(ctx), "/wmts");
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
            var query = WmtsGetTileDecoder.DecodeRest(path) ?? throw new OwsException(OwsExceptionCode.InvalidParameterValue,
                "Not a WMTS tile path: expected /wmts/1.0.0/{layer}/{style}[/{time}]/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.{png|jpg}", null, 404);
            await TileAsync(ctx, OwsEndpoints.Backend(ctx), query);
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

    private async Task TileAsync(HttpContext ctx, IMapBackend backend, TileQuery query)
    {
        var image = await backend.GetTileAsync(query, ctx.RequestAborted);
        image ??= BlankImages.Tile(query.Format); // defensive: "nothing intersects" may come back as null
        await OwsHttp.WriteImageAsync(ctx, image, query.Time is null ? options.DefaultTimeMaxAgeSeconds : options.TileMaxAgeSeconds);
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
