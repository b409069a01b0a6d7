using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prism.Gateway.Ows.Common;
using Prism.Gateway.Ows.Wms;
using Prism.Gateway.Ows.Wmts;
using Prism.Maps;

namespace Prism.Gateway.Ows;

/// <summary>
/// The OGC endpoints (PVS paths): <c>/ows</c> (WMS, WMTS, WCS by SERVICE), <c>/wmts</c> (WMTS KVP),
/// <c>/wmts/1.0.0/WMTSCapabilities.xml</c> and the REST tiles
/// <c>/wmts/1.0.0/{layer}/{style}[/{time}]/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.{png|jpg}</c>.
/// The handlers call the <see cref="IMapBackend"/> registered in DI.
/// </summary>
public static class OwsEndpoints
{
    /// <summary>Binds <see cref="OwsOptions"/> from <c>Prism:Ows</c> (validated at start). The <see cref="IMapBackend"/>
    /// is registered by the maps part.</summary>
    public static IServiceCollection AddPrismOws(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OwsOptions>().Bind(configuration.GetSection(OwsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OwsErrorLog>();
        return services;
    }

    public static IEndpointRouteBuilder MapPrismOws(this IEndpointRouteBuilder endpoints)
    {
        var sp = endpoints.ServiceProvider;
        var runtime = new Lazy<Runtime>(() =>
        {
            var options = sp.GetRequiredService<IOptions<OwsOptions>>().Value;
            var log = sp.GetService<OwsErrorLog>() ?? new OwsErrorLog(sp.GetRequiredService<ILoggerFactory>().CreateLogger<OwsErrorLog>());
            // The backend is a singleton: resolved once from the root services, so a tile request does not create a
            // request service scope.
            return new Runtime(new WmtsHandler(options, log, () => sp.GetRequiredService<IMapBackend>()), new WmsHandler(options, log));
        }, LazyThreadSafetyMode.PublicationOnly);

        string[] get = [HttpMethods.Get, HttpMethods.Head];
        endpoints.MapMethods("/ows", get, ctx => Ows(ctx, runtime.Value));
        endpoints.MapMethods("/wmts", get, ctx =>
            runtime.Value.Wmts.HandleKvpAsync(ctx, new Kvp(ctx.Request.Query), "/wmts"));
        endpoints.MapMethods("/wmts/1.0.0/WMTSCapabilities.xml", get, ctx =>
            runtime.Value.Wmts.HandleRestCapabilitiesAsync(ctx));
        endpoints.MapMethods("/wmts/1.0.0/{**path}", get, ctx =>
            runtime.Value.Wmts.HandleRestTileAsync(ctx, ctx.Request.RouteValues["path"] as string ?? ""));
        foreach (var pattern in new[] { "/ows", "/wmts", "/wmts/1.0.0/{**path}" })
            endpoints.MapMethods(pattern, [HttpMethods.Options], OwsHttp.PreflightAsync);
        return endpoints;
    }

    private sealed record Runtime(WmtsHandler Wmts, WmsHandler Wms);

    internal static IMapBackend Backend(HttpContext ctx) => ctx.RequestServices.GetRequiredService<IMapBackend>();

    /// <summary><c>/ows</c>: dispatch by SERVICE (or, without it, by the operation's service).</summary>
    private static Task Ows(HttpContext ctx, Runtime runtime)
    {
        var kvp = new Kvp(ctx.Request.Query);
        var service = kvp["SERVICE"]?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(service))
        {
            service = kvp["REQUEST"]?.Trim().ToUpperInvariant() switch
            {
                "GETMAP" or "MAP" or "GETFEATUREINFO" or "GETLEGENDGRAPHIC" => "WMS",
                "GETTILE" => "WMTS",
                _ => kvp["WMTVER"] is not null ? "WMS" : null,
            };
        }
        switch (service)
        {
            case "WMS":
                return runtime.Wms.HandleAsync(ctx, kvp, "/ows");
            case "WMTS":
                return runtime.Wmts.HandleKvpAsync(ctx, kvp, "/ows");
            case "WCS":
                return Wcs.WcsHandler.HandleAsync(ctx, "/ows");
            default:
                OwsHttp.Cors(ctx.Response);
                var e = service is null
                    ? new OwsException(OwsExceptionCode.MissingParameterValue, "Missing parameter SERVICE (WMS, WMTS, WCS)", "service")
                    : new OwsException(OwsExceptionCode.InvalidParameterValue, $"Unknown SERVICE '{OwsTime.Truncate(kvp["SERVICE"]!)}' (WMS, WMTS, WCS)", "service");
                return WmtsHandler.WriteExceptionAsync(ctx, e);
        }
    }
}
