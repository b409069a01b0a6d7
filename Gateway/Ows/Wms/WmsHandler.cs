using Microsoft.AspNetCore.Http;
using Prism.Gateway.Ows.Common;
using Prism.Maps;

namespace Prism.Gateway.Ows.Wms;

/// <summary>WMS 1.3.0 / 1.1.1 requests: GetCapabilities and GetMap; errors as XML, INIMAGE or BLANK per EXCEPTIONS.</summary>
public sealed class WmsHandler(OwsOptions options, OwsErrorLog log)
{
    public async Task HandleAsync(HttpContext ctx, Kvp kvp, string kvpPath)
    {
        OwsHttp.Cors(ctx.Response);
        var version = WmsGetMapDecoder.DecodeVersion(kvp);
        try
        {
            var backend = OwsEndpoints.Backend(ctx);
            var service = kvp["SERVICE"];
            if (!string.IsNullOrWhiteSpace(service) && !service.Trim().Equals("WMS", StringComparison.OrdinalIgnoreCase))
                throw new OwsException(OwsExceptionCode.InvalidParameterValue, $"SERVICE '{OwsTime.Truncate(service)}' is not WMS", "SERVICE");
            var request = kvp.Required("REQUEST", "REQUEST");
            if (request.Equals("GetCapabilities", StringComparison.OrdinalIgnoreCase) || request.Equals("capabilities", StringComparison.OrdinalIgnoreCase))
            {
                var layers = await backend.GetLayersAsync(ctx.RequestAborted);
                var url = OwsHttp.BaseUrl(ctx.Request, options) + kvpPath + "?";
                var xml = WmsCapabilitiesEncoder.Encode(layers, options, url, version);
                await OwsHttp.WriteBytesAsync(ctx, xml, version == WmsVersion.V130 ? WmsCapabilitiesEncoder.ContentType130 : WmsCapabilitiesEncoder.ContentType111);
            }
            else if (request.Equals("GetMap", StringComparison.OrdinalIgnoreCase) || request.Equals("map", StringComparison.OrdinalIgnoreCase))
            {
                var map = WmsGetMapDecoder.Decode(kvp, options.MaxWidth, options.MaxHeight);
                await ValidateAgainstLayersAsync(map.Query, backend, ctx.RequestAborted);
                var image = await backend.GetMapAsync(map.Query, ctx.RequestAborted);
                await OwsHttp.WriteImageAsync(ctx, image, map.Query.Time is null ? options.DefaultTimeMaxAgeSeconds : options.MapMaxAgeSeconds);
            }
            else
                throw new OwsException(OwsExceptionCode.OperationNotSupported,
                    $"Operation '{OwsTime.Truncate(request)}' is not supported (GetCapabilities, GetMap)", "REQUEST", 501);
        }
        catch (Exception e) when (Report(ctx, e) is { } report)
        {
            await WriteExceptionAsync(ctx, kvp, version, report, options);
        }
    }

    /// <summary>LAYERS, STYLES and TIME against the published layers, so every backend reports them alike.</summary>
    public static async Task ValidateAgainstLayersAsync(MapQuery query, IMapBackend backend, CancellationToken ct)
    {
        var published = (await backend.GetLayersAsync(ct)).ToDictionary(l => l.Name, StringComparer.Ordinal);
        for (var i = 0; i < query.Layers.Count; i++)
        {
            if (!published.TryGetValue(query.Layers[i], out var layer))
                throw new OwsException(OwsExceptionCode.LayerNotDefined, $"Layer '{OwsTime.Truncate(query.Layers[i])}' is not defined", "LAYERS");
            var style = i < query.Styles.Count ? query.Styles[i] : "";
            if (style.Length > 0 && !style.Equals("default", StringComparison.OrdinalIgnoreCase) && layer.Styles.All(s => s.Name != style))
                throw new OwsException(OwsExceptionCode.StyleNotDefined, $"Style '{OwsTime.Truncate(style)}' is not defined for layer '{layer.Name}'", "STYLES");
            if (query.Time is not null && layer.TimeValues.Count > 0 && !OwsTime.Intersects(query.Time, layer.TimeValues))
                throw new OwsException(OwsExceptionCode.InvalidDimensionValue,
                    $"TIME '{OwsTime.Truncate(query.Time)}' matches no product of layer '{layer.Name}'", "TIME");
        }
    }

    private OwsException? Report(HttpContext ctx, Exception e)
    {
        switch (e)
        {
            case OwsException o: return o;
            case MapRequestException m: return OwsException.ForWms(m);
            case OperationCanceledException when ctx.RequestAborted.IsCancellationRequested: return null;
        }
        log.Failed(e, ctx.Request);
        return ctx.Response.HasStarted ? null : new OwsException(OwsExceptionCode.NoApplicableCode, "Internal error: " + e.Message, null, 500);
    }

    /// <summary>The error as EXCEPTIONS asks: INIMAGE/BLANK as an image of the requested size and format (HTTP 200)
    /// when WIDTH/HEIGHT/FORMAT allow one, else the XML report with the error's HTTP status.</summary>
    public static Task WriteExceptionAsync(HttpContext ctx, Kvp kvp, WmsVersion version, OwsException e, OwsOptions options)
    {
        var mode = WmsGetMapDecoder.DecodeExceptions(kvp);
        if (mode != WmsExceptionFormat.Xml && WmsGetMapDecoder.ErrorImage(kvp, options.MaxWidth, options.MaxHeight) is { } img)
        {
            var text = mode == WmsExceptionFormat.InImage ? (e.Code == OwsExceptionCode.NoApplicableCode ? "" : e.Code + ": ") + e.Message : null;
            var bytes = MessageImage.Render(img.Width, img.Height, img.Format, img.Transparent, img.Background, text);
            return OwsHttp.WriteBytesAsync(ctx, bytes, img.Format.ContentType());
        }
        return OwsHttp.WriteBytesAsync(ctx, WmsExceptionEncoder.Encode(e, version), WmsExceptionEncoder.ContentType(version), e.Status);
    }
}
