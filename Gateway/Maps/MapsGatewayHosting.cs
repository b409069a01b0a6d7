using Prism.Gateway.Admin;
using Prism.Gateway.Queues;
using Prism.Maps;

namespace Prism.Gateway.Maps;

/// <summary>Gateway side of the map services.</summary>
public static class MapsGatewayHosting
{
    /// <summary>
    /// Registers <see cref="IMapBackend"/> (for the WMS/WMTS handlers), the layer snapshot and, when this gateway
    /// consumes the queues, the <see cref="SeedBridge"/> (<c>seed_queue</c>) and the <see cref="SeedReconciler"/>.
    /// </summary>
    public static WebApplicationBuilder AddPrismMapsGateway(this WebApplicationBuilder builder)
    {
        var gateway = new GatewayOptions();
        builder.Configuration.GetSection(GatewayOptions.Section).Bind(gateway);
        builder.Services.AddPrismMapsCore();
        builder.Services.AddSingleton<IMapBackend, MapBackend>();
        if (gateway.ConsumeQueues)
        {
            builder.Services.AddHostedService<SeedBridge>();
            builder.Services.AddHostedService<SeedReconciler>();
        }
        return builder;
    }

    /// <summary>Maps <c>/admin/seed</c> (<see cref="SeedApi"/>) and <c>GET /admin/maps/memory</c>: the tiles this
    /// process's tile grains keep in <see cref="TileMemory"/> (entries, bytes, budget), i.e. what hot tiles are answered
    /// from without a grain call.</summary>
    public static IEndpointRouteBuilder MapPrismMaps(this IEndpointRouteBuilder app)
    {
        app.MapPrismSeedApi();
        app.MapGet("/admin/maps/memory", (TileMemory memory, Microsoft.Extensions.Options.IOptions<MapsOptions> options) => Results.Json(new
        {
            entries = memory.Entries,
            bytes = memory.Bytes,
            maxEntries = options.Value.MemoryCacheEntries,
            maxBytes = options.Value.MemoryCacheBytes,
        })).AddEndpointFilter(AdminApi.RequireToken).WithName("TileMemory");
        return app;
    }
}
